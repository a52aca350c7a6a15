//! Helpers the end-to-end tests share: the repository root, the built
//! binary, paths as arguments, findings read back.

// Each test file compiles this module on its own and uses part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root, where the built-in `models/` folder is found.
pub fn root() -> PathBuf {
    manifest_dir().join("../..")
}

/// This package's folder as cargo gives it to the running test, so that a
/// test binary reused from a build in a clone at another path (a shared
/// target folder) reads this clone's files; the build-time one otherwise.
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

/// The `xuncha` binary with arguments, run from the repository root.
pub fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xuncha"));
    cmd.current_dir(root()).args(args);
    cmd
}

/// Run the binary to completion.
pub fn xuncha(args: &[&str]) -> Output {
    command(args).output().expect("xuncha runs")
}

/// `xuncha run` over `data` into `out`, as of 2024-12-31, with extra arguments.
pub fn run(data: &Path, out: &Path, extra: &[&str]) -> Output {
    let (data, out) = (s(data), s(out));
    let mut args = vec![
        "run",
        "--data",
        &data,
        "--out",
        &out,
        "--as-of",
        "2024-12-31",
    ];
    args.extend_from_slice(extra);
    xuncha(&args)
}

/// Write `bad.toml` into `models`: model `x.bad` (坏模型) over deaths, running `sql`.
pub fn write_bad_model(models: &Path, sql: &str) {
    std::fs::write(
        models.join("bad.toml"),
        format!("id = \"x.bad\"\ntitle = \"坏模型\"\ncategory = \"测试\"\nseverity = \"low\"\ndatasets = [\"deaths\"]\n[query]\nsql = \"{sql}\"\n[finding]\nsubject = \"id_number\"\nexplain = \"x\"\n"),
    )
    .unwrap();
}

/// A path as a command-line argument.
pub fn s(p: &Path) -> String {
    p.display().to_string()
}

/// The findings of a run, from `findings.jsonl`.
pub fn findings(out: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(out.join("findings.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}
