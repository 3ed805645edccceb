//! PERM: who may do what: actors, `State::authorize`, ownership and
//! permission statements.

mod actors;
mod authorize;
mod ownership;
mod statements;
