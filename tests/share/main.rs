//! SHARE: sharing with other accounts, one test binary.

#[path = "../common/mod.rs"]
mod common;
#[path = "../load_support/mod.rs"]
mod load_support;
#[path = "../share_support/mod.rs"]
mod share_support;

mod access;
mod directory;
mod load;
mod principals;
mod queries;
mod quota;
mod sharee;
mod snapshots;
mod time;
mod unshare;
