//! COPY: copies and encryption: billing, what a copy carries, customer
//! keys, loading copies, and the copy rules.

mod billing;
mod carry;
mod keys;
mod load;
mod rules;
