//! The signature checks (`snapguard_server::signature`) through the public
//! interface: the requests the official Python SDK sent
//! (`data/signatures.json`) verify, and every change to what they sign, every
//! malformed signature and every missing part is refused with the provider's
//! error.

mod captured;
mod golden;
mod malformed;
mod pieces;
mod v2;
mod v3;
