//! `xuncha run --engine spark` against a real Spark Connect server gives
//! exactly the findings of the polars engine. `.ci/run` starts a local
//! server and sets `XUNCHA_SPARK_REMOTE`; without one these tests fail
//! under CI and are skipped, with a message, elsewhere.

mod common;

use std::path::Path;

use common::{findings, root, run, s, xuncha};

/// The server to test against, or `None` (skip) outside CI.
fn remote() -> Option<String> {
    match std::env::var("XUNCHA_SPARK_REMOTE") {
        Ok(r) if !r.is_empty() => Some(r),
        _ if std::env::var_os("CI").is_some() => {
            panic!("CI 须有 Spark Connect 服务：.ci/run 启动它并设置 XUNCHA_SPARK_REMOTE")
        }
        _ => {
            eprintln!(
                "skipped: no Spark Connect server; set XUNCHA_SPARK_REMOTE=sc://localhost:15002 \
                 (.ci/run installs Java and pyspark and starts one)"
            );
            None
        }
    }
}

/// Write the canonical lake of an export folder (`xuncha ingest`).
fn lake(data: &Path, lake: &Path) {
    let made = xuncha(&["ingest", "--data", &s(data), "--out", &s(lake)]);
    assert!(made.status.success(), "{made:?}");
}

/// Findings without the run id, in their written order.
fn comparable(out: &Path) -> Vec<serde_json::Value> {
    findings(out)
        .into_iter()
        .map(|mut f| {
            f.as_object_mut().unwrap().remove("run_id");
            f
        })
        .collect()
}

/// Both engines over one lake: every model runs, every finding is the same,
/// field by field (ids, subjects, amounts, evidence, sources, text), and so
/// are the gaps.
fn same_findings(remote: &str, data: &Path) {
    let work = tempfile::tempdir().unwrap();
    let lk = work.path().join("lake");
    lake(data, &lk);
    let found = same_findings_over(remote, &lk, &[]);
    assert!(!found.is_empty());
}

/// [`same_findings`] over a lake already written, with extra arguments
/// (`--select`): the findings both engines gave.
fn same_findings_over(remote: &str, lk: &Path, extra: &[&str]) -> Vec<serde_json::Value> {
    let work = tempfile::tempdir().unwrap();
    let (local, spark) = (work.path().join("polars"), work.path().join("spark"));
    let args = [&["--json"], extra].concat();
    let ours = run(lk, &local, &args);
    assert!(ours.status.success(), "{ours:?}");
    let engine = ["--engine", "spark", "--remote", remote];
    let theirs = run(lk, &spark, &[&args[..], &engine[..]].concat());
    let summary: serde_json::Value = serde_json::from_slice(&theirs.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&theirs.stderr)));
    assert_eq!(summary["models_failed"], 0, "{summary}");
    assert_eq!(summary["models_skipped"], 0, "{summary}");
    assert_eq!(summary["engine"], format!("Spark（{remote}）"));
    // The columns the data leaves empty, counted on the cluster, are those
    // counted here.
    let own: serde_json::Value = serde_json::from_slice(&ours.stdout).unwrap();
    assert_eq!(summary["gaps"], own["gaps"]);
    let (a, b) = (comparable(&local), comparable(&spark));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y);
    }
    a
}

/// A 户籍 leaving villages out and a column left blank: the cluster counts
/// the gaps the streaming engine counts over the same lake, and the run
/// leaves the villages out alike.
#[test]
fn spark_counts_the_gaps_polars_counts() {
    let Some(remote) = remote() else { return };
    let work = tempfile::tempdir().unwrap();
    let data = work.path().join("data");
    let unknown_here = common::partial_register(&data);
    let lk = work.path().join("lake");
    lake(&data, &lk);
    // A model computing with the data date, over payments ending in March:
    // the latest month is counted on the cluster too.
    let models = work.path().join("models");
    std::fs::create_dir(&models).unwrap();
    std::fs::write(
        models.join("late.toml"),
        "id = \"x.late\"\ntitle = \"t\"\ncategory = \"测试\"\nseverity = \"low\"\n\
         datasets = [\"benefit_payments\"]\n[query]\n\
         sql = \"SELECT id_number, amount FROM benefit_payments WHERE period <= {as_of}\"\n\
         [finding]\nsubject = \"id_number\"\nexplain = \"x\"\n",
    )
    .unwrap();
    let (models, select) = (s(&models), ["--json", "--select", "mz.invalid_id_payment"]);
    let select = [
        &select[..],
        &["--select", "x.late", "--models", &models, "--engine"],
    ]
    .concat();
    let summary = |engine: &[&str], out: &str| -> serde_json::Value {
        let args = [&select[..], engine].concat();
        let done = run(&lk, &work.path().join(out), &args);
        assert!(done.status.success(), "{done:?}");
        serde_json::from_slice(&done.stdout).unwrap()
    };
    let streamed = summary(&["streaming"], "streamed");
    let spark = summary(&["spark", "--remote", &remote], "spark");
    assert_eq!(streamed["gaps"].as_array().unwrap().len(), 3, "{streamed}");
    assert_eq!(
        streamed["gaps"][1]["problem"],
        "最晚为 2024-03-01，比数据截至日期（2024-12-31）早 305 天"
    );
    assert_eq!(spark["gaps"], streamed["gaps"]);
    let leads: Vec<_> = (findings(&work.path().join("spark")).iter())
        .filter(|f| f["model_id"] == "mz.invalid_id_payment")
        .map(|f| f["subject_key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(leads, [unknown_here]);
}

#[test]
fn spark_gives_the_polars_findings_on_the_sample_county() {
    let Some(remote) = remote() else { return };
    same_findings(&remote, &root().join("data-samples/demo-county"));
}

#[test]
fn spark_gives_the_polars_findings_on_a_generated_county() {
    let Some(remote) = remote() else { return };
    let county = tempfile::tempdir().unwrap();
    let made = xuncha(&[
        "synth",
        "--scale",
        "0.05",
        "--seed",
        "23",
        "--wording",
        "4",
        "--out",
        &s(county.path()),
    ]);
    assert!(made.status.success(), "{made:?}");
    same_findings(&remote, county.path());
}

/// A lake written before the derived columns (`period_from`, `period_to`)
/// were added: the cluster reads them as empty, as polars does, and the
/// models that read them run and find the same.
#[test]
fn a_lake_without_the_derived_columns_runs_on_the_cluster() {
    use polars::prelude::*;
    let Some(remote) = remote() else { return };
    let work = tempfile::tempdir().unwrap();
    let lk = work.path().join("lake");
    lake(&root().join("data-samples/demo-county"), &lk);
    for name in ["benefit_payments", "pension_payments"] {
        let path = lk.join(format!("{name}.parquet"));
        let read = ParquetReader::new(std::fs::File::open(&path).unwrap()).finish();
        let mut old = read.unwrap().drop_many(["period_from", "period_to"]);
        let file = std::fs::File::create(&path).unwrap();
        ParquetWriter::new(file).finish(&mut old).unwrap();
    }
    let select = [
        "--select",
        "mz.deceased_benefit",
        "--select",
        "rs.pension_under_60",
    ];
    let found = same_findings_over(&remote, &lk, &select);
    assert!(found.len() >= 4, "{found:?}");
}

#[test]
fn a_model_failing_on_the_cluster_fails_alone() {
    let Some(remote) = remote() else { return };
    let work = tempfile::tempdir().unwrap();
    let lk = work.path().join("lake");
    lake(&root().join("data-samples/demo-county"), &lk);
    let models = work.path().join("models");
    std::fs::create_dir(&models).unwrap();
    common::write_bad_model(
        &models,
        "SELECT id_number, CAST(name AS INTEGER) AS n FROM deaths",
    );
    let out = work.path().join("out");
    let result = run(
        &lk,
        &out,
        &[
            "--engine",
            "spark",
            "--remote",
            &remote,
            "--models",
            &s(&models),
            "--select",
            "x.bad",
            "--select",
            "mz.deceased_benefit",
        ],
    );
    assert_eq!(result.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert!(
        stdout.contains("x.bad 坏模型：失败") && stdout.contains("在 Spark 上执行失败"),
        "{stdout}"
    );
    assert!(
        findings(&out)
            .iter()
            .any(|f| f["model_id"] == "mz.deceased_benefit"),
        "{stdout}"
    );

    // A lake path the cluster cannot see is an error that says what --data must be.
    let nowhere = work.path().join("no-lake");
    let result = run(&nowhere, &out, &["--engine", "spark", "--remote", &remote]);
    assert_eq!(result.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("没有找到所选模型需要的任何数据集"),
        "{stderr}"
    );
}

/// Needs no server: nothing listens on the port.
#[test]
fn an_unreachable_server_is_a_clear_error() {
    let out = tempfile::tempdir().unwrap();
    let result = run(
        &root().join("data-samples/demo-county"),
        out.path(),
        &["--engine", "spark", "--remote", "sc://127.0.0.1:9"],
    );
    assert_eq!(result.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("无法连接 Spark Connect 服务 sc://127.0.0.1:9")
            && stderr.contains("start-connect-server.sh"),
        "{stderr}"
    );
    let mut no_remote = common::command(&[
        "run",
        "--data",
        &s(out.path()),
        "--out",
        &s(out.path()),
        "--engine",
        "spark",
    ]);
    let missing = no_remote.env_remove("SPARK_REMOTE").output().unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("--remote"));
}
