//! The rule families: one room each, holding the checks of the commands
//! of that family, in the order each command documents. Every family reads
//! the state through the rule context ([`crate::ctx`]) and returns the
//! events an accepted command records; none changes the state.

pub(crate) mod account;
pub(crate) mod archive;
pub(crate) mod copy;
pub(crate) mod directory;
pub(crate) mod disk;
pub(crate) mod image;
pub(crate) mod key;
pub(crate) mod lock;
pub(crate) mod region;
pub(crate) mod rotation;
pub(crate) mod share;
pub(crate) mod snapshot;
pub(crate) mod vault;
