//! COPY: copies and encryption, one test binary: billing, what a copy
//! carries, customer keys, loading copies, and the copy rules.

#[path = "../common/mod.rs"]
mod common;
#[path = "../copy_support/mod.rs"]
mod copy_support;
#[path = "../load_support/mod.rs"]
mod load_support;
#[path = "../share_support/mod.rs"]
mod share_support;

mod billing;
mod carry;
mod keys;
mod load;
mod rules;
