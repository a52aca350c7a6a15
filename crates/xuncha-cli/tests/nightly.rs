//! The store through the command line: recorded runs survive kills,
//! triage imports, and the nightly job's lock, checks and exit codes.

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{command, root, s, xuncha as output};
use xuncha_store::Store;

/// A generated county big enough that a run takes a few seconds.
fn county(dir: &Path) -> PathBuf {
    let data = dir.join("county");
    assert!(
        output(&["synth", "--scale", "0.2", "--seed", "3", "--out", &s(&data)])
            .status
            .success()
    );
    data
}

#[test]
fn a_killed_run_leaves_the_store_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let data = county(tmp.path());
    let db = tmp.path().join("x.db");
    let out = tmp.path().join("out");
    let args = [
        "run",
        "--data",
        &s(&data),
        "--out",
        &s(&out),
        "--as-of",
        "2024-12-31",
        "--store",
        &s(&db),
    ];
    assert!(output(&args).status.success());
    let complete = Store::open(&db).unwrap().runs().unwrap()[0].findings;
    assert!(complete > 0);
    let mut killed = 0;
    for delay in [100, 400, 900, 1600, 2500, 3500] {
        let mut child = command(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        if child.try_wait().unwrap().is_none() {
            killed += 1;
        }
        let _ = child.kill();
        child.wait().unwrap();
        let store = Store::open(&db).unwrap();
        assert_eq!(store.integrity_check().unwrap(), "ok");
        for run in store.runs().unwrap() {
            assert_eq!(
                run.findings, complete,
                "run {} is whole or absent",
                run.run_id
            );
        }
    }
    assert!(killed > 0, "at least one run was killed before it finished");
}

#[test]
fn triage_import_reports_problems_then_hides_false_positives() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("x.db");
    let out = tmp.path().join("out");
    let data = s(&root().join("data-samples/demo-county"));
    let run = [
        "run",
        "--data",
        &data,
        "--out",
        &s(&out),
        "--as-of",
        "2024-12-31",
        "--store",
        &s(&db),
    ];
    assert!(output(&run).status.success());
    let first = std::fs::read_to_string(out.join("findings.jsonl")).unwrap();
    let ids: Vec<String> = first
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["finding_id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let csv = tmp.path().join("returned.csv");
    std::fs::write(&csv, format!("疑点编号,核实结果,整改情况,核实人\n{},误报,系统数据延迟,王五\nffffffffffffffff,误报,,王五\n{},无法判断,,王五\n", ids[0], ids[1]))
        .unwrap();
    let refused = output(&["triage", "--import", &s(&csv), "--store", &s(&db)]);
    assert_eq!(refused.status.code(), Some(4));
    let text = String::from_utf8_lossy(&refused.stdout);
    assert!(
        text.contains(":3：ffffffffffffffff 库中没有这个疑点编号"),
        "{text}"
    );
    assert!(text.contains(":4：") && text.contains("无法判断"), "{text}");
    assert!(Store::open(&db).unwrap().triage_map().unwrap().is_empty());

    std::fs::write(
        &csv,
        format!(
            "疑点编号,核实结果,整改情况,核实人\n{},误报,系统数据延迟,王五\n{},,,\n",
            ids[0], ids[1]
        ),
    )
    .unwrap();
    assert!(
        output(&["triage", "--import", &s(&csv), "--store", &s(&db)])
            .status
            .success()
    );
    let again = output(&run);
    assert!(String::from_utf8_lossy(&again.stdout).contains("隐藏误报 1 条"));
    let second = std::fs::read_to_string(out.join("findings.jsonl")).unwrap();
    assert!(!second.contains(&ids[0]));
    assert_eq!(second.lines().count(), ids.len() - 1);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["false_positives_hidden"], 1);
    // Per-model counts leave the hidden lead out too.
    let per_model: u64 = summary["models"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["findings"].as_u64())
        .sum();
    assert_eq!(per_model, summary["findings"].as_u64().unwrap());

    let history = output(&["history", "--store", &s(&db), "--json"]);
    let runs: serde_json::Value = serde_json::from_slice(&history.stdout).unwrap();
    assert_eq!(runs.as_array().unwrap().len(), 2);
    let diff = output(&[
        "diff",
        "--store",
        &s(&db),
        "--out",
        &s(&tmp.path().join("diff")),
        "--json",
    ]);
    let diff: serde_json::Value = serde_json::from_slice(&diff.stdout).unwrap();
    assert_eq!(
        diff["persisting"],
        ids.len(),
        "the store keeps hidden leads, so diffs stay exact"
    );
    assert_eq!(diff["new"], 0);
}

fn nightly_config(dir: &Path, data: &Path, required: &str) -> PathBuf {
    let config = dir.join("nightly.toml");
    std::fs::write(
        &config,
        format!(
            "data = \"{}\"\nstore = \"night.db\"\nout = \"night-out\"\nbuiltin_models = \"{}\"\nkeep_runs = 5\nrequired = [{required}]\n",
            s(data),
            s(&root().join("models"))
        ),
    )
    .unwrap();
    config
}

#[test]
fn a_second_nightly_run_exits_while_the_first_holds_the_lock() {
    let tmp = tempfile::tempdir().unwrap();
    let data = county(tmp.path());
    let config = nightly_config(tmp.path(), &data, "\"benefit_payments\"");
    let lock = tmp.path().join("night.lock");
    let mut first = command(&["nightly", "--config", &s(&config)])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !lock.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the first run never took the lock"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let second = output(&["nightly", "--config", &s(&config)]);
    assert_eq!(second.status.code(), Some(10));
    assert!(String::from_utf8_lossy(&second.stderr).contains("另一个夜间任务正在运行"));
    assert!(first.wait().unwrap().success());
    assert!(!lock.exists(), "the lock is released");

    let third = output(&["nightly", "--config", &s(&config)]);
    assert!(
        third.status.success(),
        "{}",
        String::from_utf8_lossy(&third.stderr)
    );
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("night-out/nightly.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(report["status"], "ok");
    assert_eq!(report["new"], 0);
    assert!(report["persisting"].as_u64().unwrap() > 0);
}

#[test]
fn a_nightly_run_without_a_required_dataset_fails_with_its_code() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    for entry in std::fs::read_dir(root().join("data-samples/demo-county")).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() != "机动车登记信息.csv" {
            std::fs::copy(entry.path(), data.join(entry.file_name())).unwrap();
        }
    }
    let config = nightly_config(tmp.path(), &data, "\"vehicles\"");
    let result = output(&["nightly", "--config", &s(&config)]);
    assert_eq!(result.status.code(), Some(11));
    assert!(String::from_utf8_lossy(&result.stderr).contains("vehicles"));
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("night-out/nightly.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(report["status"], "failed");
    assert_eq!(report["exit_code"], 11);
}

/// What the models could not see is among the night's warnings: a 户籍
/// leaving villages out, and a column left blank.
#[test]
fn a_nightly_run_warns_of_the_gaps_in_its_data() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    common::partial_register(&data);
    let config = nightly_config(tmp.path(), &data, "");
    let result = output(&["nightly", "--config", &s(&config)]);
    assert!(result.status.success(), "{result:?}");
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("night-out/nightly.json")).unwrap(),
    )
    .unwrap();
    let warnings: Vec<&str> = (report["warnings"].as_array().unwrap().iter())
        .filter_map(|w| w.as_str())
        .collect();
    assert!(
        (warnings.iter())
            .any(|w| w.starts_with("村覆盖：户籍人口（residents）只有村(社区)名录中 1 个村的数据")),
        "{warnings:?}"
    );
    assert!(
        (warnings.iter()).any(|w| w.starts_with("benefit_payments.name 全部为空")),
        "{warnings:?}"
    );
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert!(stdout.contains("警告：村覆盖"), "{stdout}");
}

/// Nights over the partial register (`common::partial_register`), the
/// first run when they are set up.
struct Nights {
    tmp: tempfile::TempDir,
    data: PathBuf,
    config: PathBuf,
}

impl Nights {
    fn first() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        common::partial_register(&data);
        let config = nightly_config(tmp.path(), &data, "");
        let nights = Nights { tmp, data, config };
        let (result, _) = nights.next();
        assert!(result.status.success(), "{result:?}");
        nights
    }

    /// The next night: its output and its nightly.json.
    fn next(&self) -> (std::process::Output, serde_json::Value) {
        let result = output(&["nightly", "--config", &s(&self.config)]);
        let path = self.tmp.path().join("night-out/nightly.json");
        let report = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        (result, report)
    }
}

/// The lines of a list in nightly.json.
fn lines(report: &serde_json::Value, key: &str) -> Vec<String> {
    (report[key].as_array().unwrap().iter())
        .filter_map(|w| w.as_str().map(str::to_string))
        .collect()
}

/// The second night's 户籍 holds a header alone: the “查无此人” lead of the
/// first night disappears, and nightly.json says the data went with it.
#[test]
fn a_lead_gone_with_the_data_is_told_apart_from_one_rectified() {
    let nights = Nights::first();
    std::fs::write(
        nights.data.join("户籍人口信息.csv"),
        "公民身份号码,姓名,户号,村级区划代码\n",
    )
    .unwrap();
    let (result, report) = nights.next();
    assert!(result.status.success(), "{result:?}");
    assert!(report["resolved"].as_u64().unwrap() > 0, "{report}");
    assert!(
        (lines(&report, "resolved_while_blind").iter())
            .any(|w| w.starts_with("residents 没有数据行：")),
        "{report}"
    );
}

/// The second night's folder lacks the 户籍 export: the model comparing
/// with it does not run, and the night says its lead went unchecked and the
/// file is gone, not that the lead was rectified.
#[test]
fn an_export_gone_since_last_night_is_no_rectification() {
    let nights = Nights::first();
    std::fs::remove_file(nights.data.join("户籍人口信息.csv")).unwrap();
    let (result, report) = nights.next();
    assert!(result.status.success(), "{result:?}");
    assert!(report["resolved"].as_u64().unwrap() > 0, "{report}");
    let blind = lines(&report, "resolved_while_blind");
    assert!(
        blind.iter().any(
            |w| w.starts_with("mz.invalid_id_payment 本次未运行（缺少数据集：")
                && w.contains("未经比对，不能视为已消失")
        ),
        "{blind:?}"
    );
    let gone = "文件 户籍人口信息.csv（residents）上次读入，本次不在数据目录中";
    assert!(blind.iter().any(|w| w.starts_with(gone)), "{blind:?}");
    assert!(
        lines(&report, "warnings")
            .iter()
            .any(|w| w.starts_with(gone)),
        "{report}"
    );
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert!(
        stdout.contains("警告：mz.invalid_id_payment 本次未运行"),
        "{stdout}"
    );
}

/// A night over an empty folder (the exports were not delivered) fails
/// with the folder named, rather than finding every lead gone.
#[test]
fn a_night_over_an_empty_folder_fails() {
    let nights = Nights::first();
    for entry in std::fs::read_dir(&nights.data).unwrap() {
        std::fs::remove_file(entry.unwrap().path()).unwrap();
    }
    let (result, report) = nights.next();
    assert_eq!(result.status.code(), Some(1), "{result:?}");
    assert_eq!(report["status"], "failed");
    assert!(
        (report["error"].as_str().unwrap()).contains("中没有读入任何数据"),
        "{report}"
    );
}

/// An export delivered under a new name (a date in it) is the same export:
/// no warning, and its leads persist with their ids. The same name no
/// longer recognised is said as such.
#[test]
fn an_export_renamed_is_no_gap_and_one_unrecognised_is_named() {
    let nights = Nights::first();
    let (old, new) = (
        nights.data.join("户籍人口信息.csv"),
        nights.data.join("户籍人口信息_20241202.csv"),
    );
    std::fs::rename(&old, &new).unwrap();
    let (result, report) = nights.next();
    assert!(result.status.success(), "{result:?}");
    assert_eq!(report["resolved"], 0, "{report}");
    let warnings = report["warnings"].to_string();
    assert!(!warnings.contains("上次读入"), "{warnings}");

    std::fs::write(&new, "甲,乙\n1,2\n").unwrap();
    let (result, report) = nights.next();
    assert!(result.status.success(), "{result:?}");
    assert!(
        report["warnings"].to_string().contains(
            "文件 户籍人口信息_20241202.csv（residents）上次读入，本次未能识别为 residents"
        ),
        "{report}"
    );
}

/// The second night's 高龄津贴 export holds one of its three rows (not the
/// lead's): the night warns that it read less than half, and the lead that
/// went with the rows is not taken as rectified.
#[test]
fn an_export_cut_short_is_warned_of() {
    let nights = Nights::first();
    // The resident's row: a payment to someone on the register, no lead.
    std::fs::write(
        nights.data.join("2024年高龄津贴发放.csv"),
        "姓名,身份证号,村代码,补贴类别,发放月份,金额\n\
         ,411122198001010014,411122001001,高龄津贴,2024-03,100\n",
    )
    .unwrap();
    let (result, report) = nights.next();
    assert!(result.status.success(), "{result:?}");
    let cut = "救助补贴发放明细（benefit_payments）本次读入 1 行，上次 3 行，少了一半以上";
    assert!(report["warnings"].to_string().contains(cut), "{report}");
    assert!(report["resolved"].as_u64().unwrap() > 0, "{report}");
    assert!(
        report["resolved_while_blind"].to_string().contains(cut),
        "{report}"
    );
}

/// An export still gone the night after it went is warned of again, named
/// with the run that last read it; once back, the warning stops.
#[test]
fn an_export_gone_for_several_nights_is_warned_of_each_night() {
    let nights = Nights::first();
    let file = nights.data.join("户籍人口信息.csv");
    let kept = std::fs::read(&file).unwrap();
    std::fs::remove_file(&file).unwrap();
    let gone = "文件 户籍人口信息.csv（residents）";
    let (_, report) = nights.next();
    assert!(
        (lines(&report, "warnings").iter())
            .any(|w| w.starts_with(&format!("{gone}上次读入，本次不在数据目录中"))),
        "{report}"
    );
    let (result, report) = nights.next();
    assert!(result.status.success(), "{result:?}");
    assert!(
        (lines(&report, "warnings").iter()).any(|w| w.starts_with(&format!("{gone}2 次运行前（"))
            && w.contains("）读入，本次不在数据目录中")),
        "{report}"
    );
    std::fs::write(&file, kept).unwrap();
    let (_, report) = nights.next();
    assert!(!report["warnings"].to_string().contains(gone), "{report}");
}

/// A dataset that shrinks a little each night (8, 5, then 3 rows) is
/// warned of once it holds less than half of the most read in the nights
/// before, though never half of the night before.
#[test]
fn a_dataset_declining_night_after_night_is_warned_of() {
    let nights = Nights::first();
    let export = |rows: usize| {
        let body: String = (0..rows)
            .map(|i| {
                format!(
                    ",411122198001010014,411122001001,高龄津贴,2024-{:02},100\n",
                    i + 1
                )
            })
            .collect();
        std::fs::write(
            nights.data.join("2024年高龄津贴发放.csv"),
            format!("姓名,身份证号,村代码,补贴类别,发放月份,金额\n{body}"),
        )
        .unwrap();
    };
    let declined = "救助补贴发放明细（benefit_payments）本次读入";
    for rows in [8, 5] {
        export(rows);
        let (result, report) = nights.next();
        assert!(result.status.success(), "{result:?}");
        assert!(
            !report["warnings"].to_string().contains(declined),
            "{report}"
        );
    }
    export(3);
    let (_, report) = nights.next();
    assert!(
        (lines(&report, "warnings").iter())
            .any(|w| w.starts_with(&format!("{declined} 3 行，2 次运行前（"))
                && w.contains("）8 行，少了一半以上")),
        "{report}"
    );
}

/// A night whose rent receipts number their leases otherwise (`ZL-…` for
/// `ZL…`): the rent arrears leads of the night before disappear, and the
/// night says the numbers do not match rather than that they were settled.
#[test]
fn leads_gone_with_numbers_written_otherwise_are_no_rectification() {
    let nights = Nights::first();
    common::sample_leases(&nights.data);
    let (result, report) = nights.next();
    assert!(result.status.success(), "{result:?}");
    assert!(report["new"].as_u64().unwrap() > 0, "{report}");
    common::renumber_receipts(&nights.data);
    let (result, report) = nights.next();
    assert!(result.status.success(), "{result:?}");
    assert!(
        report["by_model"]["zc.rent_arrears"][2].as_u64().unwrap() > 0,
        "{report}"
    );
    let numbers = "编号关联：租金收取（lease_receipts）的 ";
    assert!(
        (lines(&report, "warnings").iter()).any(|w| w.starts_with(numbers)),
        "{report}"
    );
    assert!(
        (lines(&report, "resolved_while_blind").iter()).any(|w| w.starts_with(numbers)),
        "{report}"
    );
}
