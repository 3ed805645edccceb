//! The invariants the load checker enforces, each broken once through JSON
//! (`state`, `backup`), and the guard listing every variant with the test
//! breaking it (`guard`), one test binary.

#[path = "../common/mod.rs"]
mod common;
#[path = "../copy_support/mod.rs"]
mod copy_support;
#[path = "../invariants_support/mod.rs"]
mod invariants_support;
#[path = "../load_support/mod.rs"]
mod load_support;
#[path = "../share_support/mod.rs"]
mod share_support;
#[path = "../vault_support/mod.rs"]
mod vault_support;

mod backup;
mod guard;
mod state;
