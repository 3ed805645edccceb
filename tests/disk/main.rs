//! DISK and IMAGE: what disks and custom images do with snapshots, and the
//! order in which their commands check, one test binary.

#[path = "../common/mod.rs"]
mod common;

mod order;
mod rules;
