//! The crate against other descriptions of it, one test binary: a naive
//! second model, the oracle's protocol, the scenario corpus and the
//! `testing` feature's kit.

#[path = "../naive_support/mod.rs"]
mod naive_support;

mod display;
mod naive;
mod oracle;
mod scenarios;
mod testing_kit;
