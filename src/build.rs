//! The build script: an optimised Linux build links with
//! `assets/hot-text.ld`, which places the code a dashboard runs ahead of
//! the rest of `.text`. The kernel maps code 64 KiB around each page that
//! runs, so the layout decides how much of the binary is resident: the
//! default dashboard's RSS 10.4 MiB without it, 7.0 MiB with it
//! (tests/hot-code.sh makes the script; tests/integration/hot_text.rs
//! links with it). Debug builds go without: matching its patterns adds
//! some 13 s to each link of their many more sections.

fn main() {
    const SCRIPT: &str = "assets/hot-text.ld";
    println!("cargo::rerun-if-changed={SCRIPT}");
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    // "release" for every profile that inherits from release.
    let optimised = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    let root = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let script = std::path::Path::new(&root).join(SCRIPT);
    if linux && optimised && script.is_file() {
        // One argument each, so a path with a space or comma survives.
        for arg in ["-Xlinker", "-T", "-Xlinker", &script.display().to_string()] {
            println!("cargo::rustc-link-arg-bins={arg}");
        }
    }
}
