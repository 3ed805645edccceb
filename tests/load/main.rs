//! Loading refuses a saved state no accepted history produces: bounds
//! (GEN-7), provenance and ranges, one test binary.

#[path = "../common/mod.rs"]
mod common;
#[path = "../copy_support/mod.rs"]
mod copy_support;
#[path = "../invariants_support/mod.rs"]
mod invariants_support;
#[path = "../load_fixtures/mod.rs"]
mod load_fixtures;
#[path = "../load_support/mod.rs"]
mod load_support;
#[path = "../share_support/mod.rs"]
mod share_support;
#[path = "../vault_support/mod.rs"]
mod vault_support;

mod bounds;
mod provenance;
mod ranges;
