//! SHARE: sharing with other accounts.

mod access;
mod directory;
mod load;
mod principals;
mod queries;
mod quota;
mod sharee;
mod snapshots;
mod time;
mod unshare;
