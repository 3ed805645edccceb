//! GEN: the state machine itself, one test binary: determinism, ids,
//! instants, refusals and the events time causes.

#[path = "../common/mod.rs"]
mod common;
#[path = "../gen_support/mod.rs"]
mod gen_support;

mod determinism;
mod id_values;
mod ids;
mod instants;
mod limits;
mod refusals;
mod time_events;
