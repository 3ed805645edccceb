//! SNAP and ARCH: snapshots' lifecycle and retention, and the archive
//! tier, one test binary.

#[path = "../common/mod.rs"]
mod common;
#[path = "../snapshot_support/mod.rs"]
mod snapshot_support;

mod archive;
mod lifecycle;
mod retention;
