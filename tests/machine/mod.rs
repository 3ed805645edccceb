//! GEN: the state machine itself: determinism, ids, instants, limits,
//! refusals and the events time causes.

mod check_order;
mod determinism;
mod id_values;
mod ids;
mod instants;
mod layers;
mod limits;
mod mint;
mod refusals;
mod time_events;
