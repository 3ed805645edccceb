//! The crate against other descriptions of it: a naive second model, the
//! oracle's protocol, the scenario corpus, the `testing` feature's kit and
//! the plain words events and commands print as.

mod display;
mod naive;
mod oracle;
mod scenarios;
mod testing_kit;
