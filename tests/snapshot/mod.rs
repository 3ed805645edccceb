//! SNAP and ARCH: snapshots' lifecycle and retention, and the archive
//! tier.

mod archive;
mod lifecycle;
mod retention;
