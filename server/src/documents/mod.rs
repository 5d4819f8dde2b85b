//! Documents: how their bytes are sealed and kept (the documents issue is
//! being built in steps; this holds what has landed).

pub mod crypto;
pub mod sniff;
