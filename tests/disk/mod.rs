//! DISK and IMAGE: what disks and custom images do with snapshots, and the
//! order in which their commands check.

mod order;
mod rules;
