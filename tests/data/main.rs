//! Where data goes (PERM-5 Deny statements, encryption through images,
//! imported provenance) and the input bounds of GEN-7, one test binary.

#[path = "../common/mod.rs"]
mod common;
#[path = "../copy_support/mod.rs"]
mod copy_support;
#[path = "../paths_support/mod.rs"]
mod paths_support;
#[path = "../share_support/mod.rs"]
mod share_support;

mod bounds;
mod deny;
mod encryption;
mod provenance;
