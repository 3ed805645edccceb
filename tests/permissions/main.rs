//! PERM: who may do what, one test binary: actors, `State::authorize`,
//! ownership and permission statements.

#[path = "../common/mod.rs"]
mod common;

mod actors;
mod authorize;
mod ownership;
mod statements;
