//! VAULT: Cloud Backup's immutable backup, one test binary.

#[path = "../common/mod.rs"]
mod common;
#[path = "../load_support/mod.rs"]
mod load_support;
#[path = "../share_support/mod.rs"]
mod share_support;
#[path = "../vault_support/mod.rs"]
mod vault_support;

mod load;
mod replicas;
mod rules;
mod time;
