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

/// The receipts export among the sample's, copied by [`sample_leases`].
pub const RECEIPTS: &str = "租金收取明细.csv";

/// Copy the sample county's lease ledger and rent receipts into `data`.
pub fn sample_leases(data: &Path) {
    for name in ["集体资产资源租赁台账.xlsx", RECEIPTS] {
        let sample = root().join("data-samples/demo-county").join(name);
        std::fs::copy(sample, data.join(name)).unwrap();
    }
}

/// Write the lease numbers of the receipts in `data` otherwise than the
/// ledger does: `ZL-001003004` for `ZL001003004`.
pub fn renumber_receipts(data: &Path) {
    let receipts = data.join(RECEIPTS);
    let text = std::fs::read_to_string(&receipts).unwrap();
    let renumbered: String = (text.lines())
        .map(|l| format!("{}\n", l.replacen("ZL", "ZL-", 1)))
        .collect();
    std::fs::write(&receipts, renumbered).unwrap();
}

/// The findings of a run, from `findings.jsonl`.
pub fn findings(out: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(out.join("findings.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A folder `data` of three villages (东村, 西村, 南村) whose 户籍 holds
/// 东村 only, and an 高龄津贴 list without names paying a resident and one
/// unknown person in 东村 and one in 西村. Returns the unknown of 东村, the
/// one lead `mz.invalid_id_payment` may give.
pub fn partial_register(data: &Path) -> &'static str {
    std::fs::create_dir(data).unwrap();
    let (resident, unknown_here, unknown_elsewhere) = (
        "411122198001010014",
        "411122198102020027",
        "41112219820303003X",
    );
    let files = [
        (
            "村(社区)名录.csv",
            "统计用区划代码,村(社区)名称,乡镇(街道)\n411122001001,东村,甲镇\n\
             411122001002,西村,甲镇\n411122001003,南村,甲镇\n"
                .to_string(),
        ),
        (
            "户籍人口信息.csv",
            format!("公民身份号码,姓名,户号,村级区划代码\n{resident},甲,H1,411122001001\n"),
        ),
        (
            "2024年高龄津贴发放.csv",
            format!(
                "姓名,身份证号,村代码,补贴类别,发放月份,金额\n\
                 ,{resident},411122001001,高龄津贴,2024-03,100\n\
                 ,{unknown_here},411122001001,高龄津贴,2024-03,100\n\
                 ,{unknown_elsewhere},411122001002,高龄津贴,2024-03,100\n"
            ),
        ),
    ];
    for (name, text) in files {
        std::fs::write(data.join(name), text).unwrap();
    }
    unknown_here
}
