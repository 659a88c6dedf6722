//! Times each stage of the generator on one spec (for BENCHMARKS.md and profiling):
//! `cargo run --release -p xtask --bin stages -- SPEC [OUT]`. With `OUT`, the crate is also
//! written there and loaded and generated a second time through the cache of `OUT`.

use std::path::PathBuf;
use std::time::Instant;

// The command-line tool's allocator, so that the stages add up to its run.
#[global_allocator]
static ALLOCATOR: codegen::Allocator = codegen::Allocator;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(spec) = args.next().map(PathBuf::from) else {
        eprintln!("usage: stages SPEC [OUT]");
        std::process::exit(2);
    };
    let out = args.next().map(PathBuf::from);
    let t = Instant::now();
    let bytes = std::fs::read(&spec).expect("readable spec");
    let read = t.elapsed();
    let t = Instant::now();
    let value = codegen::syntax::parse_value(&spec, &bytes).expect("parses");
    let parse = t.elapsed();
    drop(value);
    let t = Instant::now();
    let doc = codegen::load::parse(&spec, &bytes).expect("loads");
    let load = t.elapsed();
    let t = Instant::now();
    let options = codegen::Options::for_spec(&spec, "spec").expect("valid settings");
    let api = codegen::lower::lower(&doc, &options.settings).expect("lowers");
    let lower = t.elapsed();
    let t = Instant::now();
    let krate = codegen::emit::emit(&api, &options).expect("emits");
    let emit = t.elapsed();
    let lines: usize = krate.files.values().map(|f| f.lines().count()).sum();
    print!(
        "read {read:.2?}; parse to generic value {parse:.2?}; load (parse+bundle+normalise+typed) {load:.2?}; lower {lower:.2?}; emit {emit:.2?}; {lines} lines"
    );
    if let Some(out) = out {
        let t = Instant::now();
        codegen::write::write(&krate, &out, false).expect("writes");
        let write = t.elapsed();
        // A run through the cache records what the timed one reuses (input hashes included).
        let cache = codegen::cache::Cache::open(&out);
        // The first load through the cache records the spec's parse, saved with the manifest.
        drop(codegen::load::load_cached(&spec, &cache).expect("loads"));
        let primed = codegen::emit::emit_cached(&api, &options, &cache).expect("emits");
        codegen::write::write(&primed, &out, false).expect("writes");
        cache.save(&primed).expect("saves the cache");
        let cache = codegen::cache::Cache::open(&out);
        let t = Instant::now();
        let reloaded = codegen::load::load_cached(&spec, &cache).expect("loads");
        let reload = t.elapsed();
        drop(reloaded);
        let t = Instant::now();
        let again = codegen::emit::emit_cached(&api, &options, &cache).expect("emits");
        let cached = t.elapsed();
        let t = Instant::now();
        let report = codegen::write::write(&again, &out, false).expect("writes");
        let unchanged = t.elapsed();
        print!(
            "; write {write:.2?}; load again through the parse record {reload:.2?}; emit again through the cache {cached:.2?} ({} of {} files reused, {} of them not built); write again {unchanged:.2?} ({} unchanged)",
            again.reused,
            again.rust_files,
            again.unbuilt,
            report.unchanged
        );
    }
    println!();
}
