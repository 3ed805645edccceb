//! LOCK: snapshot locks (WORM), one test binary: configuration,
//! cooling-off, deletion, unlocking and what a locked snapshot may be used
//! for.

#[path = "../common/mod.rs"]
mod common;
#[path = "../lock_support/mod.rs"]
mod lock_support;

mod config;
mod cool_off;
mod deletion;
mod unlock;
mod usage;
