//! Unit tests of the runtime, one file per runtime module. End-to-end behaviour through a
//! generated crate is tested in the workspace's `tests/` (retries against fault-injecting
//! servers, Prism conformance, the hard-cases fixture).

mod auth;
mod client;
mod end_to_end;
mod enums;
mod json;
mod multipart;
mod pagination;
mod query;
mod redirect;
mod response;
mod streams;
mod webhooks;
