//! Where data goes (PERM-5 Deny statements, encryption through images,
//! imported provenance) and the input bounds of GEN-7.

mod bounds;
mod deny;
mod encryption;
mod provenance;
