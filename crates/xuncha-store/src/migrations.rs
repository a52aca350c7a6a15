//! Schema migrations, applied in order on open. `PRAGMA user_version`
//! holds the number applied; each runs in its own transaction.

use rusqlite::Connection;

/// Migration `i` (0-based) brings the schema from version `i` to `i + 1`.
pub static MIGRATIONS: &[&str] = &[
    // 1: runs, their inputs and models, findings, current triage.
    "CREATE TABLE runs (
        run_id TEXT PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        as_of TEXT NOT NULL,
        data_dir TEXT NOT NULL,
        exit_code INTEGER NOT NULL,
        params TEXT NOT NULL,
        summary TEXT NOT NULL
    );
    CREATE TABLE run_inputs (
        run_id TEXT NOT NULL REFERENCES runs(run_id),
        path TEXT NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL
    );
    CREATE TABLE run_models (
        run_id TEXT NOT NULL REFERENCES runs(run_id),
        model_id TEXT NOT NULL,
        file_sha256 TEXT NOT NULL,
        status TEXT NOT NULL,
        findings INTEGER NOT NULL
    );
    CREATE TABLE findings (
        run_id TEXT NOT NULL REFERENCES runs(run_id),
        finding_id TEXT NOT NULL,
        model_id TEXT NOT NULL,
        model_title TEXT NOT NULL,
        category TEXT NOT NULL,
        severity TEXT NOT NULL,
        county TEXT, township TEXT, village_code TEXT, village_name TEXT,
        subject_type TEXT NOT NULL,
        subject_key TEXT NOT NULL,
        subject_name TEXT,
        amount REAL,
        period_from TEXT, period_to TEXT,
        explain TEXT NOT NULL,
        evidence TEXT NOT NULL,
        sources TEXT NOT NULL,
        PRIMARY KEY (run_id, finding_id)
    );
    CREATE TABLE triage (
        finding_id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        note TEXT NOT NULL,
        by TEXT NOT NULL,
        at TEXT NOT NULL
    );",
    // 2: the full history of triage changes, and lookups by finding and path.
    "CREATE TABLE triage_history (
        id INTEGER PRIMARY KEY,
        finding_id TEXT NOT NULL,
        status TEXT NOT NULL,
        note TEXT NOT NULL,
        by TEXT NOT NULL,
        at TEXT NOT NULL
    );
    INSERT INTO triage_history (finding_id, status, note, by, at) SELECT finding_id, status, note, by, at FROM triage;
    CREATE INDEX findings_by_id ON findings(finding_id);
    CREATE INDEX inputs_by_path ON run_inputs(path);",
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Apply every migration the store has not had yet.
pub fn apply(conn: &mut Connection) -> rusqlite::Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current.max(0) as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
