//! Run history, diffs, triage and migrations of the store.

use std::path::Path;

use rusqlite::Connection;
use xuncha_schema::{Finding, Severity};
use xuncha_store::{apply_triage, RunRecord, Store, TriageUpdate, MIGRATIONS, SCHEMA_VERSION};

fn finding(id: &str, model: &str) -> Finding {
    Finding {
        finding_id: id.into(),
        run_id: String::new(),
        model_id: model.into(),
        model_title: "测试模型".into(),
        category: "民政".into(),
        severity: Severity::High,
        county: None,
        township: None,
        village_code: Some("411122001001".into()),
        village_name: None,
        subject_type: "person".into(),
        subject_key: format!("subject-{id}"),
        subject_name: None,
        amount: Some(100.0),
        period_from: None,
        period_to: None,
        explain: format!("疑点{id}"),
        evidence: Default::default(),
        sources: vec!["a.csv:2".into()],
        triage: None,
    }
}

fn record(store: &mut Store, run_id: &str, started: &str, ids: &[&str]) {
    let run = RunRecord {
        run_id: run_id.into(),
        started_at: started.into(),
        finished_at: started.into(),
        as_of: "2024-12-31".into(),
        data_dir: "data".into(),
        exit_code: 0,
        params: "{}".into(),
        summary: "{}".into(),
        inputs: Vec::new(),
        models: Vec::new(),
    };
    let findings: Vec<Finding> = ids.iter().map(|id| finding(id, "mz.x")).collect();
    store.record_run(&run, &findings).unwrap();
}

fn update(id: &str, status: &str) -> TriageUpdate {
    TriageUpdate {
        finding_id: id.into(),
        status: status.into(),
        note: "核实".into(),
        by: "张三".into(),
        origin: "test".into(),
    }
}

fn ids(list: &[Finding]) -> Vec<&str> {
    list.iter().map(|f| f.finding_id.as_str()).collect()
}

#[test]
fn diff_tells_new_persisting_and_resolved() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("x.db")).unwrap();
    record(&mut store, "r1", "2024-01-01T00:00:00+08:00", &["a", "b"]);
    record(&mut store, "r2", "2024-01-02T00:00:00+08:00", &["b", "c"]);
    let (a, b) = store.resolve_pair(None, None).unwrap();
    assert_eq!((a.as_str(), b.as_str()), ("r1", "r2"));
    let diff = store.diff(&a, &b).unwrap();
    assert_eq!(ids(&diff.new), vec!["c"]);
    assert_eq!(ids(&diff.persisting), vec!["b"]);
    assert_eq!(ids(&diff.resolved), vec!["a"]);
    assert_eq!(
        store.findings("r1").unwrap()[0],
        Finding {
            run_id: "r1".into(),
            ..finding("a", "mz.x")
        }
    );
    assert!(store.resolve_pair(Some("nope"), None).is_err());
}

#[test]
fn a_false_positive_stays_hidden_in_later_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.db");
    let mut store = Store::open(&path).unwrap();
    record(&mut store, "r1", "2024-01-01T00:00:00+08:00", &["a", "b"]);
    assert!(store
        .triage(&[update("a", "误报")], "2024-01-01T12:00:00+08:00")
        .unwrap()
        .is_ok());
    drop(store);
    let mut store = Store::open(&path).unwrap();
    record(&mut store, "r2", "2024-01-02T00:00:00+08:00", &["a", "b"]);
    let decisions = store.triage_map().unwrap();
    let (visible, effect) = apply_triage(
        store.findings("r2").unwrap(),
        &decisions,
        "2024-01-02T00:00:00+08:00",
    );
    assert_eq!(ids(&visible), vec!["b"]);
    assert_eq!(visible[0].triage.as_deref(), Some("待核实"));
    assert_eq!(effect.false_positives_hidden, 1);
}

#[test]
fn a_rectified_lead_that_comes_back_is_a_rebound() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("x.db")).unwrap();
    record(&mut store, "r1", "2024-01-01T00:00:00+08:00", &["a", "b"]);
    store
        .triage(
            &[update("a", "已整改"), update("b", "confirmed")],
            "2024-01-01T12:00:00+08:00",
        )
        .unwrap()
        .unwrap();
    let decisions = store.triage_map().unwrap();
    let (same_day, _) = apply_triage(
        store.findings("r1").unwrap(),
        &decisions,
        "2024-01-01T00:00:00+08:00",
    );
    assert_eq!(
        same_day[0].triage.as_deref(),
        Some("已整改"),
        "found before the decision: not a rebound"
    );
    let (later, effect) = apply_triage(
        store.findings("r1").unwrap(),
        &decisions,
        "2024-02-01T00:00:00+08:00",
    );
    assert_eq!(later[0].triage.as_deref(), Some("反弹"));
    assert_eq!(later[1].triage.as_deref(), Some("已核实"));
    assert_eq!(effect.rebounds, 1);
}

#[test]
fn triage_refuses_unknown_ids_and_bad_statuses_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("x.db")).unwrap();
    record(&mut store, "r1", "2024-01-01T00:00:00+08:00", &["a"]);
    let problems = store
        .triage(
            &[
                update("a", "误报"),
                update("zzz", "误报"),
                update("a", "maybe"),
            ],
            "t",
        )
        .unwrap()
        .unwrap_err();
    assert_eq!(problems.len(), 2);
    assert!(problems[0].reason.contains("没有这个疑点"));
    assert!(problems[1].reason.contains("maybe"));
    assert!(store.triage_map().unwrap().is_empty(), "nothing recorded");
    store.triage(&[update("a", "误报")], "t1").unwrap().unwrap();
    store
        .triage(&[update("a", "待核实")], "t2")
        .unwrap()
        .unwrap();
    let history = store.triage_history("a").unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].status.label(), "误报");
}

#[test]
fn prune_keeps_the_latest_runs_and_all_triage() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("x.db")).unwrap();
    for i in 1..=4 {
        record(
            &mut store,
            &format!("r{i}"),
            &format!("2024-01-0{i}T00:00:00+08:00"),
            &["a"],
        );
    }
    store.triage(&[update("a", "误报")], "t").unwrap().unwrap();
    assert_eq!(store.prune(2).unwrap(), 2);
    let runs: Vec<String> = store
        .runs()
        .unwrap()
        .into_iter()
        .map(|r| r.run_id)
        .collect();
    assert_eq!(runs, vec!["r3", "r4"]);
    assert!(store.findings("r1").unwrap().is_empty());
    assert_eq!(store.triage_map().unwrap().len(), 1);
}

#[test]
fn a_store_from_an_older_schema_is_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO runs VALUES ('r0', '2023-12-01T00:00:00+08:00', '2023-12-01T00:01:00+08:00', '2023-11-30', 'data', 0, '{}', '{}')",
            [],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO triage VALUES ('a', 'false_positive', '旧结论', '李四', '2023-12-02')",
            [],
        )
        .unwrap();
    }
    let store = Store::open(Path::new(&path)).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(store.runs().unwrap()[0].run_id, "r0");
    assert_eq!(store.triage_history("a").unwrap()[0].by, "李四");
    assert_eq!(store.integrity_check().unwrap(), "ok");
}
