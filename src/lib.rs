//! Holds the workspace-level end-to-end and snapshot tests (see `tests/`) and the `build.rs` freshness check.
