//! The floor any generator design pays: reading the spec into a generic value and nothing
//! else (`serde_yaml::Value`, or `serde_json::Value` for JSON). `bench/run.sh` compares
//! `codegen generate` against this, in wall time and peak memory.

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: floor SPEC");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).expect("readable spec");
    if path.ends_with(".json") {
        let value: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
        std::hint::black_box(value);
    } else {
        let value: serde_yaml::Value = serde_yaml::from_slice(&bytes).expect("YAML");
        std::hint::black_box(value);
    }
}
