//! LOCK: snapshot locks (WORM): configuration, cooling-off, deletion,
//! unlocking, and what a locked snapshot may be used for.

mod config;
mod cool_off;
mod deletion;
mod unlock;
mod usage;
