//! Hostile input: ids, instants, numbers and loaded states built to break
//! the crate.

mod ids;
mod instants;
mod numbers;
mod state;
