//! A short run of every fuzz target on stable, in CI: the seed corpus (the
//! provider fixtures and the config corpus), every crasher kept in
//! `fuzz/regressions/`, and some thousands of mutations of the seeds. The
//! long runs are `fuzz/run.sh` (cargo-fuzz, nightly).

use std::path::{Path, PathBuf};

use homedash_widgets::fuzzing;
use homedash_widgets::source::Kind;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const MUTATIONS: usize = 4000;

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && !p.ends_with(".keep"))
        .collect();
    v.sort();
    v
}

/// The provider fixtures as inputs of the parser targets.
fn parser_seeds(kind: Kind) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let fixtures = Path::new(ROOT).join("widgets/tests/fixtures");
    for dir in files(&fixtures).into_iter().chain(
        std::fs::read_dir(&fixtures)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir()),
    ) {
        let provider = dir.file_name().unwrap().to_string_lossy().into_owned();
        for f in files(&dir) {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            if !name.ends_with(".json") && !name.ends_with(".txt") {
                continue;
            }
            let body = std::fs::read(&f).unwrap();
            let status = name
                .split('_')
                .find_map(|p| p.parse::<u16>().ok())
                .filter(|s| (100..600).contains(s))
                .unwrap_or(200);
            let provider = if name.starts_with("geocoding") {
                "geocoding"
            } else if provider == "prometheus" && name.ends_with(".txt") {
                "prometheus-text"
            } else {
                provider.as_str()
            };
            out.extend(fuzzing::seed(kind, provider, status, &body));
        }
    }
    out
}

fn config_seeds() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = ["tests/configs/valid", "tests/configs/invalid"]
        .iter()
        .flat_map(|d| files(&Path::new(ROOT).join(d)))
        .map(|f| std::fs::read(f).unwrap())
        .collect();
    for f in ["config.example.toml", "src/config/demo.toml", "src/config/default.toml"] {
        out.push(std::fs::read(Path::new(ROOT).join(f)).unwrap());
    }
    out
}

fn mutate(rng: &mut fastrand::Rng, seed: &[u8]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..rng.usize(1..8) {
        let at = if v.is_empty() { 0 } else { rng.usize(..v.len()) };
        match rng.u8(..5) {
            0 if !v.is_empty() => v[at] ^= 1 << rng.u8(..8),
            1 => v.insert(at, rng.u8(..)),
            2 if !v.is_empty() => {
                v.remove(at);
            }
            3 => v.truncate(at),
            _ => {
                // A slice of the input again: repeated keys, nested arrays.
                let end = (at + rng.usize(..64)).min(v.len());
                let piece = v[at..end].to_vec();
                let to = rng.usize(..=v.len());
                v.splice(to..to, piece);
            }
        }
    }
    v
}

fn run(target: &str, seeds: &[Vec<u8>], f: impl Fn(&[u8])) {
    assert!(!seeds.is_empty(), "{target}: no seeds");
    let crashers = files(&Path::new(ROOT).join("fuzz/regressions").join(target));
    for c in &crashers {
        f(&std::fs::read(c).unwrap());
    }
    for s in seeds {
        f(s);
    }
    let mut rng = fastrand::Rng::with_seed(0x5eed);
    for i in 0..MUTATIONS {
        f(&mutate(&mut rng, &seeds[i % seeds.len()]));
    }
    eprintln!(
        "{target}: {} seeds, {} regressions, {MUTATIONS} mutations: no panic",
        seeds.len(),
        crashers.len()
    );
}

#[test]
fn config_target() {
    run("config", &config_seeds(), |d| {
        if let Ok(t) = std::str::from_utf8(d) {
            let _ = homedash::config::parse("fuzz.toml", t);
        }
    });
}

#[test]
fn weather_target() {
    run("weather", &parser_seeds(Kind::Weather), |d| {
        fuzzing::parse(Kind::Weather, d)
    });
}

#[test]
fn stocks_target() {
    run("stocks", &parser_seeds(Kind::Stocks), |d| {
        fuzzing::parse(Kind::Stocks, d)
    });
}

#[test]
fn metrics_target() {
    run("metrics", &parser_seeds(Kind::Metrics), |d| {
        fuzzing::parse(Kind::Metrics, d)
    });
}

/// `HOMEDASH_FUZZ_CORPUS=DIR cargo test --test integration fuzz_smoke -- --ignored`
/// writes the seeds as cargo-fuzz corpora, DIR/TARGET/NNNN (fuzz/run.sh).
#[test]
#[ignore = "writes the fuzz corpus; run by fuzz/run.sh"]
fn write_fuzz_seeds() {
    let dir = PathBuf::from(std::env::var("HOMEDASH_FUZZ_CORPUS").expect("HOMEDASH_FUZZ_CORPUS"));
    let sets = [
        ("config", config_seeds()),
        ("weather", parser_seeds(Kind::Weather)),
        ("stocks", parser_seeds(Kind::Stocks)),
        ("metrics", parser_seeds(Kind::Metrics)),
    ];
    for (target, seeds) in sets {
        let d = dir.join(target);
        std::fs::create_dir_all(&d).unwrap();
        for (i, s) in seeds.iter().enumerate() {
            std::fs::write(d.join(format!("seed-{i:04}")), s).unwrap();
        }
    }
}
