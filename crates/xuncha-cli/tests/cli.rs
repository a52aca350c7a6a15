//! The `xuncha` binary end to end on the bundled sample county.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use common::{findings, root, s, xuncha};

fn sample() -> String {
    root()
        .join("data-samples/demo-county")
        .display()
        .to_string()
}

fn run_sample(out: &Path, extra: &[&str]) -> Output {
    common::run(Path::new(&sample()), out, extra)
}

/// (model id, subject key) of every planted problem in the sample.
fn planted() -> BTreeSet<(String, String)> {
    let truth = std::fs::read_to_string(root().join("data-samples/demo-county/truth.csv")).unwrap();
    truth
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[0].to_string(), cells[1].to_string())
        })
        .collect()
}

/// (model id, subject key) of every finding of a run; a subject may have
/// several findings (one per program, say).
fn found_keys(out: &Path) -> BTreeSet<(String, String)> {
    findings(out).iter().map(key).collect()
}

/// Number of model files in the built-in library.
/// Model files in `models/` (shared views in `_views/` and test cases are not models).
fn library_size() -> usize {
    fn count(dir: &Path) -> usize {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| {
                if p.ends_with("_views") {
                    0
                } else if p.is_dir() {
                    count(&p)
                } else {
                    let name = p.to_string_lossy();
                    usize::from(name.ends_with(".toml") && !name.ends_with(".cases.toml"))
                }
            })
            .sum()
    }
    count(&root().join("models"))
}

fn key(f: &serde_json::Value) -> (String, String) {
    (
        f["model_id"].as_str().unwrap().to_string(),
        f["subject_key"].as_str().unwrap().to_string(),
    )
}

#[test]
fn sample_run_finds_exactly_the_planted_problems_with_stable_ids() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let first = run_sample(a.path(), &[]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        stdout.contains(&format!("模型：运行 {}，跳过 0，失败 0", library_size())),
        "{stdout}"
    );
    for name in [
        "findings.parquet",
        "findings.csv",
        "findings.jsonl",
        "rejects.csv",
        "summary.json",
    ] {
        assert!(a.path().join(name).is_file(), "{name}");
    }
    let csv = std::fs::read(a.path().join("findings.csv")).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBFfinding_id,"));

    let found = findings(a.path());
    assert_eq!(found_keys(a.path()), planted());
    for f in &found {
        assert!(!f["sources"].as_array().unwrap().is_empty(), "{f}");
        assert!(f["village_name"].is_string(), "{f}");
    }

    assert!(run_sample(b.path(), &[]).status.success());
    let ids = |out: &Path| {
        findings(out)
            .iter()
            .map(|f| f["finding_id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(a.path()), ids(b.path()));

    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(a.path().join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["models_run"], library_size());
    assert_eq!(summary["findings"], found.len());
    assert_eq!(summary["rows_rejected"], 6);
    let rejects = std::fs::read_to_string(a.path().join("rejects.csv")).unwrap();
    assert!(
        rejects.contains(",支付日期,village_payments,2024.02.30,无法识别的日期"),
        "{rejects}"
    );
}

/// Run the sample with the library and one failing model on deaths (id
/// `x.bad`, the given SQL), in `models`: the batch must exit 2, report that
/// model as the only failure and still find every planted problem.
/// Returns the run's standard output.
fn run_with_failing_model(models: &Path, sql: &str) -> String {
    common::write_bad_model(models, sql);
    let out = tempfile::tempdir().unwrap();
    let result = run_sample(out.path(), &["--models", &s(models)]);
    assert_eq!(result.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&result.stdout).to_string();
    assert!(stdout.contains("x.bad 坏模型：失败"), "{stdout}");
    assert!(
        stdout.contains(&format!("模型：运行 {}，跳过 0，失败 1", library_size())),
        "{stdout}"
    );
    assert_eq!(found_keys(out.path()), planted());
    stdout
}

#[test]
fn a_broken_model_fails_alone_and_the_batch_goes_on() {
    let models = tempfile::tempdir().unwrap();
    let stdout = run_with_failing_model(models.path(), "SELECT id_number, death_dat FROM deaths");
    assert!(
        stdout.contains("没有列 death_dat（可用的列：") && stdout.contains("是否想写 death_date？"),
        "{stdout}"
    );

    let validate = xuncha(&["models", "validate", &s(models.path())]);
    assert_eq!(validate.status.code(), Some(1));
    let text = String::from_utf8_lossy(&validate.stdout);
    assert!(
        text.contains("bad.toml:7") && text.contains("没有列 death_dat"),
        "{text}"
    );
    // `models test` takes ids; a folder given as one is told how to add it.
    let test = xuncha(&["models", "test", &s(models.path())]);
    assert_ne!(test.status.code(), Some(0));
    let text = String::from_utf8_lossy(&test.stderr);
    assert!(
        text.contains("是目录：测试其中的模型请写 --models"),
        "{text}"
    );

    // Run alone, the model reads only deaths' id_number: the error still
    // lists the columns deaths has, not only those read.
    let out = tempfile::tempdir().unwrap();
    let alone = run_sample(
        out.path(),
        &["--models", &s(models.path()), "--select", "x.bad"],
    );
    let stdout = String::from_utf8_lossy(&alone.stdout);
    assert!(
        stdout.contains("、name、") && stdout.contains("是否想写 death_date？"),
        "{stdout}"
    );
}

/// A model that compiles but fails while running (a cast no name survives)
/// breaks the batch's shared collect; the models then run one by one and
/// only that model fails.
#[test]
fn a_model_failing_while_running_fails_alone() {
    let models = tempfile::tempdir().unwrap();
    let stdout = run_with_failing_model(
        models.path(),
        "SELECT id_number, CAST(name AS INTEGER) AS n FROM deaths",
    );
    assert!(stdout.contains("执行失败"), "{stdout}");
}

#[test]
fn a_file_missing_a_column_skips_only_the_models_that_need_it() {
    let data = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join("data-samples/demo-county")).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() != "殡葬火化信息.xlsx" {
            std::fs::copy(entry.path(), data.path().join(entry.file_name())).unwrap();
        }
    }
    std::fs::write(
        data.path().join("公安死亡注销人员.csv"),
        "姓名,身份证号,备注\n张三,411102196003131000,\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let (d, o) = (
        data.path().display().to_string(),
        out.path().display().to_string(),
    );
    let result = xuncha(&["run", "--data", &d, "--out", &o, "--as-of", "2024-12-31"]);
    assert!(result.status.success());
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert!(
        stdout.contains("公安死亡注销人员.csv 识别为数据集 deaths")
            && stdout.contains("death_date"),
        "{stdout}"
    );
    let needs_deaths = [
        "cw.deceased_cadre_pay",
        "mz.deceased_benefit",
        "ny.deceased_farmland_subsidy",
        "ny.deceased_land_compensation",
        "rs.deceased_pension",
        "rs.deceased_welfare_job",
        "yb.deceased_subsidized",
    ];
    for model in needs_deaths {
        assert!(
            stdout.contains(model) && stdout.contains("跳过（缺少数据集：deaths）"),
            "{stdout}"
        );
    }
    let expected: BTreeSet<(String, String)> = planted()
        .into_iter()
        .filter(|(m, _)| !needs_deaths.contains(&m.as_str()))
        .collect();
    assert_eq!(found_keys(out.path()), expected);
}

#[test]
fn selection_params_and_bad_arguments() {
    let out = tempfile::tempdir().unwrap();
    let result = run_sample(
        out.path(),
        &[
            "--select",
            "cw.payment_before_contract",
            "--select",
            "cw.payment_exceeds_*",
            "--param",
            "cw.payment_exceeds_contract.tolerance=1000000000",
        ],
    );
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let expected: BTreeSet<(String, String)> = planted()
        .into_iter()
        .filter(|(m, _)| m == "cw.payment_before_contract")
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(found_keys(out.path()), expected);

    let result = run_sample(out.path(), &["--select", "nope.*"]);
    assert_eq!(result.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&result.stderr).contains("nope.*"));
    let result = run_sample(
        out.path(),
        &["--param", "mz.deceased_benefit.grace_months=abc"],
    );
    assert_eq!(result.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&result.stdout).contains("需要整数"));
}

#[test]
fn every_model_is_portable_and_its_spark_sql_is_rewritten() {
    let report = xuncha(&["models", "portability", "--json"]);
    assert!(report.status.success());
    let rows: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), library_size());
    for row in rows {
        for engine in ["polars", "DuckDB", "Spark"] {
            let status = &row["engines"][engine]["status"];
            assert_ne!(status, "unchecked", "{row}");
        }
    }
    let spark = |id: &str| {
        let row = rows.iter().find(|r| r["id"] == id).unwrap();
        row["engines"]["Spark"].clone()
    };
    assert_eq!(spark("mz.deceased_benefit")["status"], "rewritten");
    assert_eq!(spark("cw.large_cash")["status"], "asis");

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let written = xuncha(&[
        "models",
        "sql",
        &out,
        "--engine",
        "spark",
        "--as-of",
        "2024-12-31",
    ]);
    assert!(written.status.success());
    let sql = std::fs::read_to_string(dir.path().join("mz.shared_account.sql")).unwrap();
    assert!(
        sql.contains("array_join(array_sort(collect_set(name)), '、')")
            && !sql.contains("STRFTIME"),
        "{sql}"
    );
    let views = std::fs::read_to_string(dir.path().join("views.sql")).unwrap();
    assert!(
        views.contains("CREATE OR REPLACE TEMP VIEW earliest_deaths AS"),
        "{views}"
    );
}

#[test]
fn models_list_and_data_inspect() {
    let list = xuncha(&["models", "list"]);
    assert!(list.status.success());
    let text = String::from_utf8_lossy(&list.stdout);
    assert!(
        text.contains("mz.deceased_benefit")
            && text.contains(&format!("共 {} 个模型", library_size())),
        "{text}"
    );
    assert!(xuncha(&["models", "validate"]).status.success());

    let inspect = xuncha(&["data", "inspect", &sample()]);
    let text = String::from_utf8_lossy(&inspect.stdout);
    assert!(inspect.status.success());
    assert!(
        text.contains("城乡低保特困家庭花名册.xlsx [花名册]（XLSX）"),
        "{text}"
    );
    assert!(
        text.contains("数据集：relief_households（救助家庭），表头在第 2 行"),
        "{text}"
    );
    assert!(text.contains("拆出家庭成员"), "{text}");
    assert!(text.contains("户籍人口信息.csv（GB18030）"), "{text}");
    assert!(text.contains("重复表头 1，合计行 0"), "{text}");
    assert!(text.contains("重复表头 0，合计行 1"), "{text}");
    assert!(!text.contains("编号关联"), "{text}");
}

/// Rent receipts whose lease numbers are written otherwise (`ZL-001003004`
/// for `ZL001003004`) are named by `data inspect`, with examples of both,
/// and by a run (its output and `summary.json`), whose leases are then not
/// each a rent arrears.
#[test]
fn numbers_written_otherwise_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    common::sample_leases(&data);
    common::renumber_receipts(&data);
    let inspect = xuncha(&["data", "inspect", &s(&data)]);
    let text = String::from_utf8_lossy(&inspect.stdout);
    assert!(inspect.status.success(), "{inspect:?}");
    let line = text
        .lines()
        .find(|l| l.starts_with("编号关联：租金收取（lease_receipts）的 "))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.contains("个不同租赁编号中只有 0 个在集体资产资源租赁（asset_leases）中")
            && line.contains("此处如 ZL-0")
            && line.contains("对方如 ZL0"),
        "{line}"
    );
    let out = tmp.path().join("out");
    let run = common::run(&data, &out, &[]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(stdout.contains(&format!("  ！{line}")), "{stdout}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(
        summary["links"][0]["dataset"], "lease_receipts",
        "{summary}"
    );
    assert_eq!(summary["links"][0]["found"], 0, "{summary}");
    let found: Vec<String> = (findings(&out).iter())
        .filter_map(|f| f["model_id"].as_str().map(str::to_string))
        .collect();
    assert!(
        !found.iter().any(|m| m == "zc.rent_arrears")
            && found
                .iter()
                .any(|m| m == "zc.lease_village_without_receipts"),
        "{found:?}"
    );
}

#[test]
fn the_committed_model_catalog_is_current() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("models.md");
    assert!(
        xuncha(&["models", "doc", "--out", &out.display().to_string()])
            .status
            .success()
    );
    let fresh = std::fs::read_to_string(&out).unwrap();
    let committed = std::fs::read_to_string(root().join("docs/models.md")).unwrap();
    assert!(fresh.contains("### 死亡人员仍在领取救助补贴（`mz.deceased_benefit`）"));
    assert!(fresh.contains("`grace_months` = 0"));
    assert_eq!(
        committed, fresh,
        "docs/models.md is stale: run `cargo run -- models doc`"
    );
}

#[test]
fn data_inspect_explains_decisions_and_its_catalog_reads_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("county");
    let synth = xuncha(&[
        "synth",
        "--scale",
        "0.02",
        "--seed",
        "5",
        "--wording",
        "2",
        "--out",
        &s(&data),
    ]);
    assert!(
        synth.status.success(),
        "{}",
        String::from_utf8_lossy(&synth.stderr)
    );
    let text = String::from_utf8_lossy(&xuncha(&["data", "inspect", &s(&data)]).stdout).to_string();
    assert!(text.contains("按含义"), "{text}");
    let mapping = |json: &[u8]| -> Vec<(String, String, serde_json::Value)> {
        let v: serde_json::Value = serde_json::from_slice(json).unwrap();
        assert_eq!(v["errors"], serde_json::json!([]), "{v}");
        // Sheets the catalog does not name (填表说明) are no longer read at all.
        v["tables"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| !t["dataset"].is_null())
            .map(|t| {
                (
                    t["file"].as_str().unwrap().to_string(),
                    t["dataset"].to_string(),
                    t["mapping"].clone(),
                )
            })
            .collect()
    };
    let before = mapping(&xuncha(&["data", "inspect", &s(&data), "--json"]).stdout);
    // The generator wrote a catalog (ignore truth.csv): refused without --force.
    let refused = xuncha(&["data", "inspect", &s(&data), "--write-catalog"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));
    let written = xuncha(&["data", "inspect", &s(&data), "--write-catalog", "--force"]);
    assert!(written.status.success());
    let catalog = std::fs::read_to_string(data.join("catalog.toml")).unwrap();
    assert!(catalog.contains("ignore = [\"truth.csv\"]") && catalog.contains("[[files]]"));
    let after = mapping(&xuncha(&["data", "inspect", &s(&data), "--json"]).stdout);
    assert_eq!(before, after);
    assert!(after.len() >= 18, "{after:?}");
}

#[test]
fn every_command_works_from_any_folder_with_the_embedded_library() {
    let elsewhere = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let from_elsewhere = |args: &[&str]| {
        let mut cmd = common::command(args);
        cmd.current_dir(elsewhere.path())
            .env_remove("XUNCHA_MODELS");
        cmd.output().unwrap()
    };
    let run = from_elsewhere(&[
        "run",
        "--data",
        &sample(),
        "--out",
        &s(out.path()),
        "--as-of",
        "2024-12-31",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(found_keys(out.path()), planted());

    // The embedded library, written out, is the repository's models/ folder.
    let exported = elsewhere.path().join("library");
    assert!(from_elsewhere(&["models", "export", &s(&exported)])
        .status
        .success());
    let validate = from_elsewhere(&["models", "validate", &s(&exported)]);
    let text = String::from_utf8_lossy(&validate.stdout);
    assert!(
        text.contains(&format!("{} 个模型全部通过校验", library_size())),
        "{text}"
    );
    for m in ["mz/deceased_benefit.toml", "zc/rent_arrears.toml"] {
        assert_eq!(
            std::fs::read(exported.join(m)).unwrap(),
            std::fs::read(root().join("models").join(m)).unwrap()
        );
    }
    // --builtin replaces it: an empty folder leaves no models.
    let empty = elsewhere.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let list = from_elsewhere(&["models", "list", "--builtin", &s(&empty)]);
    assert!(String::from_utf8_lossy(&list.stdout).contains("共 0 个模型"));
}

#[test]
fn a_second_run_into_the_same_folder_stops_with_code_12() {
    let out = tempfile::tempdir().unwrap();
    // A live process (this test) holds the folder.
    std::fs::write(
        out.path().join(".xuncha-run.lock"),
        std::process::id().to_string(),
    )
    .unwrap();
    let result = run_sample(out.path(), &[]);
    assert_eq!(result.status.code(), Some(12));
    assert!(String::from_utf8_lossy(&result.stderr).contains("正在写入此输出目录"));
    assert!(!out.path().join("findings.csv").exists());
    // A lock left by a dead process is taken over, and released after the run.
    std::fs::write(out.path().join(".xuncha-run.lock"), "999999999").unwrap();
    assert!(run_sample(out.path(), &[]).status.success());
    assert!(!out.path().join(".xuncha-run.lock").exists());
    let leftovers: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains(".partial-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Results written inside the data folder (`--data . --out out`) are not
/// read back as exports: the second run finds what the first did, and says
/// why it left the folder out.
#[test]
fn results_written_inside_the_data_folder_are_not_read_back() {
    let data = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(sample()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, data.path().join(path.file_name().unwrap())).unwrap();
    }
    let out = data.path().join("out");
    let mut runs = Vec::new();
    for _ in 0..2 {
        let result = common::run(data.path(), &out, &["--report"]);
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(result.status.success(), "{stderr}");
        runs.push(found_keys(&out));
    }
    assert_eq!(runs[0], runs[1]);
    assert!(runs[0].is_superset(&planted()));
    let inspect = xuncha(&["data", "inspect", &s(data.path())]);
    let text = String::from_utf8_lossy(&inspect.stdout);
    assert!(
        text.contains("out/\n  未使用\n  说明：xuncha 的输出目录"),
        "{text}"
    );
    assert!(!text.contains("findings"), "{text}");
}

#[test]
fn a_selected_model_reads_only_the_datasets_it_uses() {
    let out = tempfile::tempdir().unwrap();
    let result = run_sample(out.path(), &["--select", "cw.large_cash"]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("summary.json")).unwrap())
            .unwrap();
    let datasets: BTreeSet<&str> = summary["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["dataset"].as_str().unwrap())
        .collect();
    assert_eq!(datasets, BTreeSet::from(["village_payments", "villages"]));
    let skipped = summary["tables"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| {
            t["note"]
                .as_str()
                .is_some_and(|n| n.contains("所选模型不用"))
        })
        .count();
    assert!(
        skipped >= 10,
        "other tables are recognised but not read: {skipped}"
    );
    assert_eq!(summary["ingest_errors"], serde_json::json!([]));
}

/// A run over the canonical lake written from the sample gives the same
/// findings as a run over the exports themselves, sources included: the
/// lake is taken as it is and keeps the export rows in `_src`.
#[test]
fn a_lake_gives_the_findings_of_its_exports_with_their_sources() {
    let dir = tempfile::tempdir().unwrap();
    let (lake, direct, via_lake) = (
        dir.path().join("lake"),
        dir.path().join("direct"),
        dir.path().join("via-lake"),
    );
    assert!(run_sample(&direct, &[]).status.success());
    let written = xuncha(&["data", "lake", &sample(), "--out", &s(&lake)]);
    assert!(written.status.success(), "{written:?}");
    let run = xuncha(&[
        "run",
        "--data",
        &s(&lake),
        "--out",
        &s(&via_lake),
        "--as-of",
        "2024-12-31",
    ]);
    assert!(run.status.success(), "{run:?}");
    let fields = |out: &Path| -> BTreeSet<String> {
        findings(out)
            .iter()
            .map(|f| {
                format!(
                    "{} {} {} {}",
                    f["finding_id"], f["subject_key"], f["amount"], f["sources"]
                )
            })
            .collect()
    };
    let expected = fields(&direct);
    assert!(expected.len() > 100);
    assert!(expected.iter().all(|f| !f.contains(".parquet:")));
    assert_eq!(fields(&via_lake), expected);
}

/// A 低保 roster without household numbers is keyed by its heads, and the
/// members of a list keyed by household numbers join the household whose
/// head they hold: a member's disability living subsidy is no lead, an
/// outsider's is; a lake written from the folder (one file at a time)
/// gives the same.
#[test]
fn members_of_a_roster_keyed_by_its_heads_are_in_their_households() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let (head, child, outsider) = (
        "41112219700101001X",
        "411122199802020022",
        "411122197003030030",
    );
    let files = [
        (
            "2024年低保家庭花名册.csv",
            format!("户主姓名,户主身份证号,保障类别,保障人数,村代码\n张三,{head},农村低保,2,411122001001\n"),
        ),
        (
            "低保家庭成员名单.csv",
            format!("家庭编号,成员姓名,成员身份证号,与户主关系\nDB1,张三,{head},本人\nDB1,张小,{child},子\n"),
        ),
        (
            "2024年困难残疾人生活补贴发放.csv",
            format!(
                "姓名,身份证号,村代码,补贴类别,发放月份,金额\n\
                 张小,{child},411122001001,困难残疾人生活补贴,2024-03,100\n\
                 李四,{outsider},411122001001,困难残疾人生活补贴,2024-03,100\n"
            ),
        ),
    ];
    for (name, text) in files {
        std::fs::write(data.join(name), text).unwrap();
    }
    let leads = |out: &Path| -> Vec<String> {
        let mut keys: Vec<String> = findings(out)
            .iter()
            .filter(|f| f["model_id"] == "mz.living_subsidy_outside_dibao")
            .map(|f| f["subject_key"].as_str().unwrap().to_string())
            .collect();
        keys.sort();
        keys
    };
    let direct = dir.path().join("direct");
    let run = common::run(&data, &direct, &[]);
    assert!(run.status.success(), "{run:?}");
    assert_eq!(leads(&direct), [outsider]);
    let lake = dir.path().join("lake");
    let written = xuncha(&["data", "lake", &s(&data), "--out", &s(&lake)]);
    assert!(written.status.success(), "{written:?}");
    assert!(
        String::from_utf8_lossy(&written.stdout).contains("relief_members: 2 行的家庭编号"),
        "{written:?}"
    );
    let via_lake = dir.path().join("via-lake");
    let run = common::run(&lake, &via_lake, &[]);
    assert!(run.status.success(), "{run:?}");
    assert_eq!(leads(&via_lake), [outsider]);
}

/// Without `--as-of` the data date is today: the run says so, and how to
/// give the export's date; given, it says nothing of it.
#[test]
fn a_run_without_a_data_date_says_it_took_today() {
    let out = tempfile::tempdir().unwrap();
    let (data, out) = (sample(), s(out.path()));
    let args = [
        "run",
        "--data",
        &data,
        "--out",
        &out,
        "--select",
        "cw.large_cash",
    ];
    let run = xuncha(&args);
    assert!(run.status.success(), "{run:?}");
    let said = "提示：未指定 --as-of，数据截至日期按今天（";
    assert!(
        String::from_utf8_lossy(&run.stdout).contains(said),
        "{run:?}"
    );
    let given = xuncha(&[&args[..], &["--as-of", "2024-12-31"]].concat());
    assert!(!String::from_utf8_lossy(&given.stdout).contains(said));
}

/// Deaths and land contracts exported as a header alone (the query that
/// made the export found nothing): the models over them are said to be
/// blind, not clean, and the one flagging subsidies missing from the
/// contracts (`not_in`) is skipped: run, it took every subsidy for one
/// without a contract.
#[test]
fn a_dataset_exported_without_rows_is_a_gap_not_a_clean_result() {
    let data = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join("data-samples/demo-county")).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name != "公安死亡注销人员.csv" && name != "殡葬火化信息.xlsx" {
            std::fs::copy(entry.path(), data.path().join(&name)).unwrap();
        }
    }
    std::fs::write(data.path().join("死亡名单.csv"), "姓名,身份证号,死亡日期\n").unwrap();
    std::fs::write(
        data.path().join("土地承包经营权确权登记.csv"),
        "承包方代表,承包方代表身份证号,村代码,确权面积(亩)\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    // Recorded after a run over the deaths, the run over none makes their
    // leads disappear: the diff says they may have gone with the data.
    let store = out.path().join("history.db");
    let before = out.path().join("before");
    let recorded = [
        "--select",
        "mz.deceased_benefit",
        "--select",
        "ny.subsidy_without_contract",
        "--store",
        &s(&store),
    ];
    assert!(run_sample(&before, &recorded).status.success());
    let select = [&recorded[..], &["--report"]].concat();
    let run = common::run(data.path(), out.path(), &select);
    assert!(run.status.success(), "{run:?}");
    let diff = xuncha(&[
        "diff",
        "--store",
        &s(&store),
        "--out",
        &s(&out.path().join("diff")),
    ]);
    let text = String::from_utf8_lossy(&diff.stdout);
    assert!(
        text.contains("以下模型消失的疑点可能随数据一起消失")
            && text.contains("！deaths 没有数据行：mz.deceased_benefit"),
        "{text}"
    );
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(
        text.contains("！deaths 没有数据行：mz.deceased_benefit 模型将无法发现与此数据有关的问题")
            && text.contains("0 条疑点，涉及 0.00 元（数据不完整：deaths 没有数据行）")
            && text.contains("ny.subsidy_without_contract 无承包地仍领取耕地地力保护补贴：跳过（数据集没有数据行：land_contracts）\n"),
        "{text}"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["gaps"][0]["column"], "deaths");
    assert_eq!(summary["gaps"][0]["problem"], "没有数据行");
    assert_eq!(summary["gaps"][1]["column"], "land_contracts");
    assert_eq!(summary["findings"], 0);
    assert_eq!(summary["models_skipped"], 1);
    // The issue lists say so too, as does one made later from the findings.
    let said = "<li>deaths 没有数据行：mz.deceased_benefit";
    let html = std::fs::read_to_string(out.path().join("reports/report.html")).unwrap();
    assert!(
        html.contains("<h2>数据缺口</h2>") && html.contains(said),
        "{html}"
    );
    let later = out.path().join("later");
    let findings = s(&out.path().join("findings.parquet"));
    let made = xuncha(&["report", "--findings", &findings, "--out", &s(&later)]);
    assert!(made.status.success(), "{made:?}");
    let html = std::fs::read_to_string(later.join("report.html")).unwrap();
    assert!(html.contains(said), "{html}");
}

/// 户籍 given for one village of three: `data inspect` names the two it
/// leaves out, and a payee of those is no “查无此人” lead, while one of the
/// village it holds still is.
#[test]
fn a_register_leaving_villages_out_is_named_and_not_compared_there() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let unknown_here = common::partial_register(&data);
    let inspect = xuncha(&["data", "inspect", &s(&data)]);
    let text = String::from_utf8_lossy(&inspect.stdout);
    assert!(
        text.contains("村覆盖：户籍人口（residents）只有村(社区)名录中 1 个村的数据，缺 西村（411122001002）、南村（411122001003）"),
        "{text}"
    );
    let out = dir.path().join("out");
    let run = common::run(&data, &out, &["--select", "mz.invalid_id_payment"]);
    assert!(run.status.success(), "{run:?}");
    let leads = |out: &Path| -> Vec<String> {
        (findings(out).iter())
            .map(|f| f["subject_key"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(leads(&out), [unknown_here]);
    // The run says so too, and marks the model that read the register.
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(
        text.contains("村覆盖：户籍人口（residents）只有村(社区)名录中 1 个村的数据")
            && text.contains("（数据不完整：benefit_payments.name 全部为空、residents 缺 2 个村）"),
        "{text}"
    );
    let gaps = |out: &Path| -> Vec<serde_json::Value> {
        let summary: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap())
                .unwrap();
        summary["gaps"].as_array().unwrap().clone()
    };
    let found = gaps(&out);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0]["column"], "benefit_payments.name");
    assert_eq!(found[1]["column"], "residents");
    assert_eq!(
        found[1]["models"],
        serde_json::json!(["mz.invalid_id_payment"])
    );
    assert_eq!(found[1]["villages"]["missing"][0][1], "西村");
    // A streaming run over the lake written from the folder, which loads no
    // dataset, counts the same gaps.
    let (lake, streamed) = (dir.path().join("lake"), dir.path().join("streamed"));
    assert!(xuncha(&["data", "lake", &s(&data), "--out", &s(&lake)])
        .status
        .success());
    let select = ["--select", "mz.invalid_id_payment", "--engine", "streaming"];
    let run = common::run(&lake, &streamed, &select);
    assert!(run.status.success(), "{run:?}");
    assert_eq!(leads(&streamed), [unknown_here]);
    assert_eq!(gaps(&streamed), found);
}

/// The streaming engine reads the lake in batches and runs one model at a
/// time: the same findings as the in-memory run, chosen or by itself when
/// the lake would not fit in memory; exports are refused with the file
/// named and how to convert them.
#[test]
fn the_streaming_engine_gives_the_same_findings_over_a_lake() {
    let dir = tempfile::tempdir().unwrap();
    let (lake, memory, streamed) = (
        dir.path().join("lake"),
        dir.path().join("memory"),
        dir.path().join("streamed"),
    );
    assert!(xuncha(&["data", "lake", &sample(), "--out", &s(&lake)])
        .status
        .success());
    let run = |out: &Path, extra: &[&str]| {
        let mut args = vec!["run", "--data", lake.to_str().unwrap(), "--out"];
        args.push(out.to_str().unwrap());
        args.extend(["--as-of", "2024-12-31"]);
        args.extend(extra);
        xuncha(&args)
    };
    let in_memory = run(&memory, &[]);
    assert!(in_memory.status.success(), "{in_memory:?}");
    let streaming = run(&streamed, &["--engine", "streaming"]);
    assert!(streaming.status.success(), "{streaming:?}");
    let fields = |out: &Path| -> Vec<String> {
        let mut all: Vec<String> = findings(out)
            .iter()
            .map(|f| {
                let mut f = f.clone();
                f.as_object_mut().unwrap().remove("run_id");
                f.to_string()
            })
            .collect();
        all.sort();
        all
    };
    let expected = fields(&memory);
    assert!(expected.len() > 100);
    assert_eq!(fields(&streamed), expected);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(streamed.join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["engine"], "polars（流式）");
    assert!(summary["rows_accepted"].as_u64().unwrap() > 1000);

    // A lake larger than the memory the run may use streams by itself, and
    // says so; with room it loads the lake as before.
    let cramped = dir.path().join("cramped");
    let mut args = vec!["run", "--data", lake.to_str().unwrap(), "--out"];
    args.push(cramped.to_str().unwrap());
    args.extend(["--as-of", "2024-12-31"]);
    let out = common::command(&args)
        .env("XUNCHA_MEMORY_LIMIT", "1M")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("已自动改为逐个模型流式读取"),
        "{out:?}"
    );
    assert_eq!(fields(&cramped), expected);
    let roomy = common::command(&args)
        .env("XUNCHA_MEMORY_LIMIT", "64G")
        .output()
        .unwrap();
    assert!(roomy.status.success(), "{roomy:?}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(cramped.join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["engine"], "polars");

    let exports = xuncha(&[
        "run",
        "--data",
        &sample(),
        "--out",
        &s(&dir.path().join("refused")),
        "--engine",
        "streaming",
    ]);
    assert!(!exports.status.success());
    let message = String::from_utf8_lossy(&exports.stderr);
    assert!(
        message.contains("流式运行只读取标准数据湖") && message.contains("xuncha data lake"),
        "{message}"
    );
}

/// A folder no table of which is any dataset is an error naming each file
/// and why, not a run of skipped models that finds nothing.
#[test]
fn a_folder_with_nothing_to_read_is_an_error() {
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let (d, o) = (
        data.path().display().to_string(),
        out.path().display().to_string(),
    );
    let result = xuncha(&["run", "--data", &d, "--out", &o, "--as-of", "2024-12-31"]);
    assert_eq!(result.status.code(), Some(1), "{result:?}");
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(stderr.contains("目录中没有可读的数据文件"), "{stderr}");

    std::fs::write(data.path().join("会议纪要.csv"), "议题,结论\n修路,同意\n").unwrap();
    let result = xuncha(&["run", "--data", &d, "--out", &o, "--as-of", "2024-12-31"]);
    assert_eq!(result.status.code(), Some(1), "{result:?}");
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("1 个表都未能识别为任何标准数据集") && stderr.contains("会议纪要.csv："),
        "{stderr}"
    );
}
