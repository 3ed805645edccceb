//! The endpoint's tests, one binary: the real server started on a loopback
//! port and driven through HTTP (requests, defences, hostile input,
//! idempotence, durability and crashes, the timer, Resource Sharing and
//! Cloud Backup), and its modules through their public interface
//! (signatures, the violation table and the README's copy of it).

#[path = "../common/mod.rs"]
mod common;
#[path = "../sharing_support/mod.rs"]
mod sharing_support;

mod backup;
mod crash;
mod defenses;
mod durability;
mod hostile;
mod idempotence;
mod readme;
mod requests;
mod sharing;
mod sharing_sharee;
mod signature;
mod timer;
mod violation_table;
