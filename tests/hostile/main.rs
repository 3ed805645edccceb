//! Hostile input: ids, instants, numbers and loaded states built to break
//! the crate, one test binary.

#[path = "../common/mod.rs"]
mod common;
#[path = "../hostile_support/mod.rs"]
mod hostile_support;

mod ids;
mod instants;
mod numbers;
mod state;
