//! The rule families' tests, one binary. Each folder is a family of the
//! catalog (`lock/`, `share/`, `copy/`, `vault/`, ...) and each of its
//! files a module; `common` and the `*_support` modules are the helpers
//! they share. `cargo test --test rules lock::` runs one family,
//! `cargo test --test rules lock::cool_off` one file.
//!
//! The property tests (`properties/`, `properties_paths/`) are binaries of
//! their own.

mod common;
mod copy_support;
mod gen_support;
mod hostile_support;
mod invariants_support;
mod load_fixtures;
mod load_support;
mod lock_support;
mod naive_support;
mod paths_support;
mod share_support;
mod snapshot_support;
mod vault_support;

mod copy;
mod data;
mod disk;
mod hostile;
mod invariants;
mod load;
mod lock;
mod machine;
mod model;
mod permissions;
mod share;
mod snapshot;
mod vault;
