//! The runtime's contract with generated code cannot drift: every item the runtime reads from
//! the modules a crate writes from its spec (`codegen::runtime::CONTRACT`) has the same
//! signature in the runtime crate's stand-ins as in the emitter's output for the harness
//! spec, and the stand-in `settings.rs` is that output itself.

#[test]
fn the_runtime_s_stand_ins_are_what_the_emitter_writes() {
    let problems = xtask::contract::check().expect("the harness spec generates");
    assert!(problems.is_empty(), "{problems:#?}");
}
