//! The generator's own tooling, a workspace member of its own (run as `cargo xtask ...`),
//! never part of the `codegen` library or its CLI: the corpus runner, the examples check,
//! the conformance run against Prism, and the helpers they and the workspace's tests share
//! (a scratch crate built with cargo, the pinned Prism).

pub mod all_of_check;
pub mod conformance;
pub mod contract;
pub mod corpus;
pub mod diff_pairs;
pub mod examples_check;
pub mod prism;
pub mod scratch;
