//! A SIGKILL at any moment of a write leaves the old file or the new one,
//! never a truncated or mixed one. The writer is this test binary itself,
//! re-run as a child that rewrites the file in a loop until it is killed.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CHILD: &str = "HOMEDASH_ATOMIC_CHILD";

/// 1 MiB of one byte and a trailer, so a cut or a mix shows.
fn content(c: u8) -> Vec<u8> {
    let mut v = vec![c; 1 << 20];
    v.extend_from_slice(b"\nEND\n");
    v
}

#[test]
fn writer_child() {
    // Only as the child of the test below; a no-op in a normal run.
    let Ok(path) = std::env::var(CHILD) else {
        return;
    };
    let (a, b) = (content(b'a'), content(b'b'));
    loop {
        homedash::atomic::write(Path::new(&path), &a).unwrap();
        homedash::atomic::write(Path::new(&path), &b).unwrap();
    }
}

#[test]
fn sigkill_during_writes_leaves_the_old_file_or_the_new() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let (a, b) = (content(b'a'), content(b'b'));
    homedash::atomic::write(&path, &a).unwrap();
    let kills = 150;
    let started = Instant::now();
    let (mut saw_a, mut saw_b) = (0, 0);
    for i in 0..kills {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "atomic_kill::writer_child",
                "--test-threads=1",
                "--nocapture",
            ])
            .env(CHILD, &path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Anywhere in the start-up or in the middle of a write.
        std::thread::sleep(Duration::from_millis(fastrand::u64(5..80)));
        child.kill().unwrap();
        child.wait().unwrap();
        let got = std::fs::read(&path).unwrap();
        if got == a {
            saw_a += 1;
        } else if got == b {
            saw_b += 1;
        } else {
            panic!(
                "kill {i}: the file is neither the old nor the new one ({} bytes)",
                got.len()
            );
        }
    }
    // Both contents were seen: the kills did land in the middle of writing.
    assert!(saw_a > 0 && saw_b > 0, "a {saw_a}, b {saw_b}");
    // Temp files of killed writers are cleared by the next write.
    homedash::atomic::write(&path, &a).unwrap();
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left, ["state.json"], "stale temp files: {left:?}");
    eprintln!(
        "{kills} kills in {:.1?}: old file {saw_a} times, new file {saw_b} times, never anything else",
        started.elapsed()
    );
}
