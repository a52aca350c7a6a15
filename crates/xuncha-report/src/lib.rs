//! Writers for findings and their companions: Parquet, CSV (UTF-8 with BOM
//! so Excel and WPS open it), JSONL, the rejects table and JSON summaries
//! (machine outputs, ID numbers whole); and the human-facing issue lists:
//! XLSX workbooks per township, village or patrol group and a
//! self-contained HTML report (ID numbers masked unless asked otherwise).

mod columns;
pub mod html;
pub mod issues;
pub mod read;
pub mod returned;
pub mod xlsx;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use polars::prelude::*;
use serde::Serialize;
use xuncha_schema::{Finding, Reject};

pub use columns::{findings_frame, FINDING_COLUMNS};

/// A writer failure, naming the file.
#[derive(Debug, thiserror::Error)]
#[error("写入 {path} 失败：{message}")]
pub struct WriteError {
    pub path: String,
    pub message: String,
}

fn fail(path: &Path) -> impl Fn(&dyn std::fmt::Display) -> WriteError + '_ {
    move |e| WriteError {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// Write a file completely or not at all: `write` fills a temporary file
/// beside `path` (`.name.partial-<pid>`), which is renamed over `path` only
/// when it succeeded, so a killed run never leaves a truncated output that
/// looks whole.
pub fn atomic<T>(
    path: &Path,
    write: impl FnOnce(&Path) -> Result<T, WriteError>,
) -> Result<T, WriteError> {
    let partial = partial_of(path);
    match write(&partial).and_then(|v| {
        std::fs::rename(&partial, path)
            .map(|_| v)
            .map_err(|e| fail(path)(&e))
    }) {
        Ok(v) => Ok(v),
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

/// The temporary file beside `path` that [`atomic`] (and any writer that
/// fills `path` over time) writes before renaming it: `.name.partial-<pid>`.
pub fn partial_of(path: &Path) -> std::path::PathBuf {
    let name = path
        .file_name()
        .map_or_else(Default::default, |n| n.to_string_lossy());
    path.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

/// A buffered file for [`atomic`] writers; errors name the final path.
fn create(partial: &Path, path: &Path) -> Result<BufWriter<File>, WriteError> {
    File::create(partial)
        .map(BufWriter::new)
        .map_err(|e| fail(path)(&e))
}

/// Write findings as Parquet (evidence as a JSON string, sources as a list).
pub fn write_parquet(findings: &[Finding], path: &Path) -> Result<(), WriteError> {
    let mut df = findings_frame(findings).map_err(|e| fail(path)(&e))?;
    atomic(path, |partial| {
        let file = File::create(partial).map_err(|e| fail(path)(&e))?;
        ParquetWriter::new(file)
            .finish(&mut df)
            .map_err(|e| fail(path)(&e))?;
        Ok(())
    })
}

/// A CSV cell that a spreadsheet will not run as a formula (CWE-1236): text
/// starting with `=`, `+`, `-`, `@`, tab or carriage return gets a leading
/// `'`, as OWASP recommends. Numbers (`-12.5`) stay numbers.
pub fn formula_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let number = cell.trim().parse::<f64>().is_ok_and(f64::is_finite);
    if risky && !number {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// Write CSV records for people (UTF-8 with BOM, every cell formula-safe).
fn write_people_csv<I, R>(path: &Path, header: &[&str], rows: I) -> Result<(), WriteError>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = String>,
{
    atomic(path, |partial| {
        let mut out = create(partial, path)?;
        out.write_all(b"\xEF\xBB\xBF").map_err(|e| fail(path)(&e))?;
        let mut w = csv::Writer::from_writer(out);
        w.write_record(header).map_err(|e| fail(path)(&e))?;
        for row in rows {
            let cells: Vec<String> = row
                .into_iter()
                .map(|c| formula_safe(&c).into_owned())
                .collect();
            w.write_record(&cells).map_err(|e| fail(path)(&e))?;
        }
        w.flush().map_err(|e| fail(path)(&e))
    })
}

/// Write findings as CSV with a UTF-8 BOM; sources joined with `; `.
pub fn write_csv(findings: &[Finding], path: &Path) -> Result<(), WriteError> {
    write_people_csv(
        path,
        &FINDING_COLUMNS,
        findings.iter().map(columns::text_row),
    )
}

/// Write findings as JSON lines, one finding object a line.
pub fn write_jsonl(findings: &[Finding], path: &Path) -> Result<(), WriteError> {
    atomic(path, |partial| {
        let mut out = create(partial, path)?;
        for f in findings {
            serde_json::to_writer(&mut out, f).map_err(|e| fail(path)(&e))?;
            out.write_all(b"\n").map_err(|e| fail(path)(&e))?;
        }
        out.flush().map_err(|e| fail(path)(&e))
    })
}

/// Chinese headers of the rejects table.
pub const REJECT_HEADERS: [&str; 8] = [
    "文件",
    "工作表",
    "行号",
    "列",
    "数据集",
    "原始值",
    "原因",
    "处理",
];

/// Write the rejects table as CSV with a UTF-8 BOM and Chinese headers.
pub fn write_rejects(rejects: &[Reject], path: &Path) -> Result<(), WriteError> {
    write_people_csv(path, &REJECT_HEADERS, rejects.iter().map(Reject::cells))
}

/// Write any serializable value as pretty JSON.
pub fn write_json<T: Serialize>(value: &T, path: &Path) -> Result<(), WriteError> {
    atomic(path, |partial| {
        let mut out = create(partial, path)?;
        serde_json::to_writer_pretty(&mut out, value).map_err(|e| fail(path)(&e))?;
        out.write_all(b"\n").map_err(|e| fail(path)(&e))?;
        out.flush().map_err(|e| fail(path)(&e))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use xuncha_schema::Severity;

    fn finding(id: &str, amount: Option<f64>) -> Finding {
        Finding {
            finding_id: id.into(),
            run_id: "r1".into(),
            model_id: "mz.x".into(),
            model_title: "测试".into(),
            category: "民政".into(),
            severity: Severity::High,
            county: None,
            township: Some("城关镇".into()),
            village_code: Some("411102001001".into()),
            village_name: None,
            subject_type: "person".into(),
            subject_key: "41110219600101001X".into(),
            subject_name: Some("张三".into()),
            amount,
            period_from: None,
            period_to: None,
            explain: "张三，共1,200.00元".into(),
            evidence: serde_json::from_str(r#"{"name":"张三","n":2}"#).unwrap(),
            sources: vec!["a.csv:2".into(), "b.xlsx#S:3".into()],
            triage: None,
        }
    }

    #[test]
    fn findings_written_as_parquet_and_jsonl_read_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let mut second = finding("b", None);
        second.severity = Severity::Low;
        second.triage = Some("已核实".into());
        second.period_from = Some("2024-01".into());
        let all = vec![finding("a", Some(1200.0)), second];
        for name in ["f.parquet", "f.jsonl"] {
            let path = dir.path().join(name);
            if name.ends_with("parquet") {
                write_parquet(&all, &path).unwrap();
            } else {
                write_jsonl(&all, &path).unwrap();
            }
            assert_eq!(read::read_findings(&path).unwrap(), all, "{name}");
        }
        // An unknown severity is an error naming the file and the finding.
        let path = dir.path().join("bad.jsonl");
        let text = serde_json::to_string(&all[0])
            .unwrap()
            .replace("\"high\"", "\"urgent\"");
        std::fs::write(&path, text).unwrap();
        let e = read::read_findings(&path).unwrap_err();
        assert!(
            e.path.ends_with("bad.jsonl") && e.message.contains("urgent"),
            "{e}"
        );
    }

    #[test]
    fn a_failed_write_leaves_neither_a_partial_nor_a_truncated_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("findings.csv");
        std::fs::write(&path, "old, whole").unwrap();
        let failed: Result<(), WriteError> = atomic(&path, |partial| {
            std::fs::write(partial, "half").unwrap();
            Err(fail(&path)(&"killed"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old, whole");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no partial file is left");
        write_csv(&[finding("a", None)], &path).unwrap();
        assert!(std::fs::read_to_string(&path).unwrap().contains("mz.x"));
    }

    #[test]
    fn csv_cells_cannot_run_as_formulas() {
        assert_eq!(
            formula_safe("@SUM(1+1)*cmd|' /C calc'!A0"),
            "'@SUM(1+1)*cmd|' /C calc'!A0"
        );
        for risky in ["=1+1", "+1+cmd", "-2+3", "\tx", "\rx"] {
            assert!(formula_safe(risky).starts_with('\''), "{risky}");
        }
        assert_eq!(formula_safe("-1200.5"), "-1200.5");
        assert_eq!(formula_safe("张三"), "张三");
        let dir = tempfile::tempdir().unwrap();
        let mut f = finding("a", Some(-5.0));
        f.subject_name = Some("=HYPERLINK(\"http://x\")".into());
        let path = dir.path().join("f.csv");
        write_csv(&[f], &path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{text}");
        assert!(text.contains(",-5"), "{text}");
        let reject = Reject {
            file: "a.csv".into(),
            sheet: None,
            row: 2,
            column: "收款方".into(),
            dataset: "village_payments".into(),
            value: "@SUM(1+1)".into(),
            reason: "x".into(),
            action: xuncha_schema::RejectAction::ValueCleared,
        };
        let path = dir.path().join("r.csv");
        write_rejects(&[reject], &path).unwrap();
        assert!(std::fs::read_to_string(&path)
            .unwrap()
            .contains(",'@SUM(1+1),"));
    }

    #[test]
    fn parquet_round_trips_typed_columns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.parquet");
        write_parquet(&[finding("a", Some(1200.5)), finding("b", None)], &path).unwrap();
        let df = ParquetReader::new(File::open(&path).unwrap())
            .finish()
            .unwrap();
        assert_eq!(df.height(), 2);
        assert_eq!(df.get_column_names().len(), FINDING_COLUMNS.len());
        let amount = df.column("amount").unwrap().f64().unwrap();
        assert_eq!((amount.get(0), amount.get(1)), (Some(1200.5), None));
        let sources = df
            .column("sources")
            .unwrap()
            .list()
            .unwrap()
            .get_as_series(0)
            .unwrap();
        assert_eq!(sources.str().unwrap().get(1), Some("b.xlsx#S:3"));
        assert_eq!(
            df.column("evidence").unwrap().str().unwrap().get(0),
            Some(r#"{"name":"张三","n":2}"#)
        );
    }

    #[test]
    fn empty_findings_still_write_every_format() {
        let dir = tempfile::tempdir().unwrap();
        write_parquet(&[], &dir.path().join("f.parquet")).unwrap();
        write_csv(&[], &dir.path().join("f.csv")).unwrap();
        let csv = std::fs::read_to_string(dir.path().join("f.csv")).unwrap();
        assert_eq!(
            csv.trim_start_matches('\u{feff}').trim_end(),
            FINDING_COLUMNS.join(",")
        );
    }

    #[test]
    fn csv_and_jsonl_keep_every_field() {
        let dir = tempfile::tempdir().unwrap();
        write_csv(&[finding("a", Some(3.0))], &dir.path().join("f.csv")).unwrap();
        let text = std::fs::read_to_string(dir.path().join("f.csv")).unwrap();
        assert!(text.starts_with('\u{feff}'));
        assert!(text.contains("3.00,,,\"张三，共1,200.00元\""), "{text}");
        assert!(text.contains("a.csv:2; b.xlsx#S:3,2"), "{text}");
        write_jsonl(&[finding("a", None)], &dir.path().join("f.jsonl")).unwrap();
        let back: Finding = serde_json::from_str(
            std::fs::read_to_string(dir.path().join("f.jsonl"))
                .unwrap()
                .trim(),
        )
        .unwrap();
        assert_eq!(back, finding("a", None));
    }
}
