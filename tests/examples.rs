//! Every example answers `--help` with its usage and exit code 0, and
//! refuses an unknown flag with a message naming it and a non-zero exit code,
//! without running its (long) job.
//!
//! Examples are not binaries of the package, so Cargo gives no
//! `CARGO_BIN_EXE_` for them; `cargo test` builds them next to the test
//! executables, in `target/<profile>/examples/`. A plain `cargo test` (what
//! CI runs) builds them before running any test; `cargo test --test
//! examples` alone does not, and then this test says so and checks nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Each example's name and source: one per `examples/*.rs`, plus each
/// declared in `Cargo.toml` with a path of its own (`compare`, in `benches/`).
fn examples() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found: Vec<(String, PathBuf)> = std::fs::read_dir(root.join("examples"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let mut in_example = false;
    let mut name = None;
    for line in manifest.lines().map(str::trim) {
        let value = |key: &str| {
            let value = line.strip_prefix(key)?.trim_start().strip_prefix('=')?;
            Some(value.trim().trim_matches('"').to_string())
        };
        if line.starts_with('[') {
            in_example = line == "[[example]]";
            continue;
        }
        if !in_example {
            continue;
        }
        if let Some(n) = value("name") {
            name = Some(n);
        } else if let (Some(path), Some(n)) = (value("path"), name.take()) {
            found.retain(|(other, _)| *other != n);
            found.push((n, root.join(path)));
        }
    }
    found.sort();
    found
}

/// `target/<profile>/examples/`: this test runs from `target/<profile>/deps/`.
fn examples_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().join("examples")
}

fn run(exe: &Path, arg: &str) -> Output {
    Command::new(exe)
        .arg(arg)
        .output()
        .unwrap_or_else(|e| panic!("could not run {}: {e}", exe.display()))
}

#[test]
fn every_example_answers_help_and_refuses_unknown_flags() {
    let examples = examples();
    let names: Vec<&str> = examples.iter().map(|e| e.0.as_str()).collect();
    assert!(names.len() >= 5 && names.contains(&"compare"), "{names:?}");
    let dir = examples_dir();
    let exe = |name: &str| dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    // Missing, or older than its source: `cargo test --test examples` does
    // not build examples, and an old build would test old code.
    let not_built: Vec<&str> = examples
        .iter()
        .filter(|(name, source)| {
            let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
            modified(&exe(name)) < modified(source)
        })
        .map(|(name, _)| name.as_str())
        .collect();
    if !not_built.is_empty() {
        println!(
            "SKIPPED: examples {not_built:?} are not built, or older than their source, \
             in {}; `cargo test` (without --test) builds them first",
            dir.display()
        );
        return;
    }
    for (name, _) in &examples {
        let exe = exe(name);
        for help in ["--help", "-h"] {
            let out = run(&exe, help);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "{name} {help}: {:?}", out.status);
            assert!(
                stdout.contains("usage:") && stdout.contains("--help"),
                "{name} {help} printed:\n{stdout}"
            );
        }
        let out = run(&exe, "--no-such-flag");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{name} accepted --no-such-flag");
        assert!(
            stderr.contains("unknown") && stderr.contains("--no-such-flag"),
            "{name} --no-such-flag said:\n{stderr}"
        );
        assert!(out.stdout.is_empty(), "{name} ran anyway");
    }
}

#[test]
fn mean_normal_says_how_to_get_mpi_when_built_without_it() {
    let exe = examples_dir().join(format!("mean_normal{}", std::env::consts::EXE_SUFFIX));
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/mean_normal.rs");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    if cfg!(feature = "mpi") || modified(&exe) < modified(&source) {
        println!("SKIPPED: mean_normal is built with MPI, not built, or older than its source");
        return;
    }
    let out = Command::new(&exe).arg("--mpi").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--features mpi"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn mean_normal_runs_with_progress_trace_profile_and_a_memory_limit() {
    let exe = examples_dir().join(format!("mean_normal{}", std::env::consts::EXE_SUFFIX));
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/mean_normal.rs");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    if modified(&exe) < modified(&source) {
        println!(
            "SKIPPED: mean_normal is not built, or older than its source; `cargo test` builds it"
        );
        return;
    }
    let trace =
        std::env::temp_dir().join(format!("ndchunk-mean-normal-{}.json", std::process::id()));
    let out = Command::new(&exe)
        .args([
            "--size",
            "600",
            "--chunk",
            "200",
            "--threads",
            "2",
            "--progress",
            "--profile",
        ])
        .args(["--memory-limit", "4MB", "--trace"])
        .arg(&trace)
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("memory limit") && stdout.contains("trace"),
        "{stdout}"
    );
    // The profile table, on stderr: the shared pass over the 9 blocks.
    assert!(
        stderr.contains("operation") && stderr.contains("partial"),
        "{stderr}"
    );
    let json = std::fs::read_to_string(&trace).unwrap();
    std::fs::remove_file(&trace).ok();
    assert!(json.starts_with("{\"displayTimeUnit\"") && json.contains("\"ph\":\"X\""));
    // A bad limit is refused before anything runs.
    let out = Command::new(&exe)
        .args(["--memory-limit", "lots"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--memory-limit"));
}

#[test]
fn out_of_core_writes_reads_and_removes_its_store_unless_kept() {
    let exe = examples_dir().join(format!("out_of_core{}", std::env::consts::EXE_SUFFIX));
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/out_of_core.rs");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    if modified(&exe) < modified(&source) {
        println!(
            "SKIPPED: out_of_core is not built, or older than its source; `cargo test` builds it"
        );
        return;
    }
    let store =
        std::env::temp_dir().join(format!("ndchunk-out-of-core-test-{}", std::process::id()));
    let run = |keep: bool| {
        let mut command = Command::new(&exe);
        command
            .args(["--n", "300", "--chunk", "70", "--threads", "2"])
            .arg("--store")
            .arg(&store);
        if keep {
            command.arg("--keep");
        }
        let out = command.output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    };
    let stdout = run(false);
    for expected in ["write:", "read:", "MB/s", "std", "peak RSS", "agree"] {
        assert!(stdout.contains(expected), "no `{expected}` in:\n{stdout}");
    }
    // 5 x 5 chunks of x, 5 of the column sums; x read twice (once for the
    // mean and the column sums, once for x - mean), never held.
    assert!(
        stdout.contains("25 files") && stdout.contains("5 chunks"),
        "{stdout}"
    );
    assert!(stdout.contains("x read 2.00 times"), "{stdout}");
    assert!(!store.exists(), "the store was not deleted without --keep");

    run(true);
    let kept = |array: &str| store.join(array).join("zarr.json").is_file();
    assert!(
        kept("x") && kept("sum0"),
        "the store was not kept with --keep"
    );
    // A store that is not empty is refused before anything runs.
    let out = Command::new(&exe)
        .arg("--store")
        .arg(&store)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&store).ok();
    assert!(!out.status.success() && out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
}
