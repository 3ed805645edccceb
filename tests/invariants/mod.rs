//! The invariants the load checker enforces, each broken once through JSON
//! (`state`, `backup`), and the guard listing every variant with the test
//! breaking it (`guard`).

mod backup;
mod guard;
mod state;
