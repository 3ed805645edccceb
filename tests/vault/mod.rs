//! VAULT: Cloud Backup's immutable backup.

mod load;
mod replicas;
mod rules;
mod time;
