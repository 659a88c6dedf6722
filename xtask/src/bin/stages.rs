//! Times each stage of the generator on one spec (for BENCHMARKS.md and profiling):
//! `cargo run --release -p xtask --bin stages -- SPEC`.

use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let Some(spec) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: stages SPEC");
        std::process::exit(2);
    };
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
    println!(
        "read {read:?}; parse to generic value {parse:?}; load (parse+bundle+normalise+typed) {load:?}; lower {lower:?}; emit {emit:?}; {lines} lines"
    );
}
