//! `assets/hot-text.ld`, the linker script the release build links with
//! (src/build.rs): well formed, accepted by both linkers a Linux build may
//! use (GNU ld and LLVM's lld), and it places a function it names in
//! `.text.hot`, ahead of the rest of the code.

use std::path::{Path, PathBuf};
use std::process::Command;

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/hot-text.ld")
}

/// The patterns, one per function (or generic function) that ran.
fn patterns(text: &str) -> Vec<&str> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("*(.text."))
        .map(|rest| rest.split(' ').next().unwrap_or(""))
        .collect()
}

#[test]
fn the_script_is_one_output_section_of_patterns() {
    let text = std::fs::read_to_string(script()).unwrap();
    assert!(text.contains("SECTIONS {\n  .text.hot : {\n"), "{text:.300}");
    assert!(text.trim_end().ends_with("} INSERT BEFORE .text;"));
    let pats = patterns(&text);
    assert!(pats.len() > 500, "{} patterns: the script lost its content", pats.len());
    for line in text.lines().filter(|l| l.trim().starts_with("*(")) {
        let p = patterns(line)[0];
        assert_eq!(
            line.trim(),
            format!("*(.text.{p} .text.unlikely.{p})"),
            "each pattern also takes the #[cold] section"
        );
        assert!(
            p.chars().all(|c| c.is_ascii_alphanumeric() || "_$.*".contains(c)),
            "a character a linker script would read otherwise: {p}"
        );
        assert!(
            !p.contains("17h") || p.ends_with("17h*E*"),
            "a symbol hash was kept: {p}"
        );
    }
    // The dashboard's own loop is in it, or the list is not this program's.
    assert!(
        pats.iter().any(|p| p.contains("8homedash9dashboard4poll9http_loop")),
        "no poll loop among the patterns"
    );
}

/// The linker flavours to try: the system's default (GNU ld) and, when the
/// toolchain ships it, rust-lld through its `gcc-ld` wrapper (what rustc
/// links x86_64 Linux with).
fn linkers() -> Vec<Vec<String>> {
    let mut out = vec![Vec::new()];
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let sysroot = Command::new(&rustc).args(["--print", "sysroot"]).output().unwrap();
    let host = Command::new(&rustc).args(["-vV"]).output().unwrap();
    let host = String::from_utf8_lossy(&host.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .unwrap();
    let gcc_ld = Path::new(String::from_utf8_lossy(&sysroot.stdout).trim())
        .join("lib/rustlib")
        .join(host)
        .join("bin/gcc-ld");
    if gcc_ld.join("ld.lld").exists() {
        out.push(vec!["-fuse-ld=lld".into(), format!("-B{}", gcc_ld.display())]);
    }
    out
}

#[test]
fn both_linkers_place_a_named_function_in_text_hot() {
    let text = std::fs::read_to_string(script()).unwrap();
    // A pattern a C function can be named after ($ is allowed in GCC's
    // identifiers); its wildcards become letters.
    let name = patterns(&text)
        .into_iter()
        .find(|p| p.starts_with("_ZN") && p.chars().all(|c| c.is_ascii_alphanumeric() || "_$*".contains(c)))
        .unwrap()
        .replace('*', "x");
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("hot.c");
    std::fs::write(
        &src,
        format!(
            "__attribute__((noinline)) int cold_fn(int x) {{ return x * 3 + 1; }}\n\
             __attribute__((noinline)) int {name}(int x) {{ return x * 5 + 2; }}\n\
             int main(int c, char **v) {{ (void)v; return {name}(c) + (c > 5 ? cold_fn(c) : 0); }}\n"
        ),
    )
    .unwrap();
    let flavours = linkers();
    assert!(!flavours.is_empty());
    for (i, flags) in flavours.iter().enumerate() {
        let exe = dir.path().join(format!("hot{i}"));
        let out = Command::new("cc")
            .args(["-O1", "-ffunction-sections", "-o"])
            .arg(&exe)
            .arg(&src)
            .args(flags)
            .arg(format!("-Wl,-T,{}", script().display()))
            .output()
            .expect("cc (gcc) is installed: .ci/run installs it");
        assert!(
            out.status.success(),
            "linking with {flags:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let sections = Command::new("readelf").arg("-SW").arg(&exe).output().unwrap();
        let sections = String::from_utf8_lossy(&sections.stdout);
        let hot = sections
            .lines()
            .find(|l| l.contains(" .text.hot "))
            .unwrap_or_else(|| panic!("no .text.hot with {flags:?}:\n{sections}"));
        let field = |n: usize| u64::from_str_radix(hot.split_whitespace().rev().nth(n).unwrap(), 16).unwrap();
        // Name Type Address Off Size ES Flg Lk Inf Al: counted from the end.
        let (addr, size) = (field(7), field(5));
        let syms = Command::new("nm").arg(&exe).output().unwrap();
        let at = |sym: &str| {
            String::from_utf8_lossy(&syms.stdout)
                .lines()
                .find(|l| l.ends_with(&format!(" {sym}")))
                .and_then(|l| u64::from_str_radix(l.split(' ').next()?, 16).ok())
                .unwrap_or_else(|| panic!("no symbol {sym}"))
        };
        assert!(
            (addr..addr + size).contains(&at(&name)),
            "{name} is not in .text.hot with {flags:?}"
        );
        assert!(
            !(addr..addr + size).contains(&at("cold_fn")),
            "an unnamed function moved too"
        );
        let ran = Command::new(&exe).status().unwrap();
        assert_eq!(ran.code(), Some(7), "the linked program runs");
    }
}
