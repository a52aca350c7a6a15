//! Writers for findings and their companions: Parquet, CSV (UTF-8 with BOM
//! so Excel and WPS open it), JSONL, the rejects table and JSON summaries.
//! These machine outputs keep ID numbers whole.

mod columns;

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
    move |e| WriteError { path: path.display().to_string(), message: e.to_string() }
}

fn create(path: &Path) -> Result<BufWriter<File>, WriteError> {
    File::create(path).map(BufWriter::new).map_err(|e| fail(path)(&e))
}

/// Write findings as Parquet (evidence as a JSON string, sources as a list).
pub fn write_parquet(findings: &[Finding], path: &Path) -> Result<(), WriteError> {
    let mut df = findings_frame(findings).map_err(|e| fail(path)(&e))?;
    let file = File::create(path).map_err(|e| fail(path)(&e))?;
    ParquetWriter::new(file).finish(&mut df).map_err(|e| fail(path)(&e))?;
    Ok(())
}

/// Write findings as CSV with a UTF-8 BOM; sources joined with `; `.
pub fn write_csv(findings: &[Finding], path: &Path) -> Result<(), WriteError> {
    let mut out = create(path)?;
    out.write_all(b"\xEF\xBB\xBF").map_err(|e| fail(path)(&e))?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(FINDING_COLUMNS).map_err(|e| fail(path)(&e))?;
    for f in findings {
        w.write_record(columns::text_row(f)).map_err(|e| fail(path)(&e))?;
    }
    w.flush().map_err(|e| fail(path)(&e))
}

/// Write findings as JSON lines, one finding object a line.
pub fn write_jsonl(findings: &[Finding], path: &Path) -> Result<(), WriteError> {
    let mut out = create(path)?;
    for f in findings {
        serde_json::to_writer(&mut out, f).map_err(|e| fail(path)(&e))?;
        out.write_all(b"\n").map_err(|e| fail(path)(&e))?;
    }
    out.flush().map_err(|e| fail(path)(&e))
}

/// Chinese headers of the rejects table.
pub const REJECT_HEADERS: [&str; 8] = ["文件", "工作表", "行号", "列", "数据集", "原始值", "原因", "处理"];

/// Write the rejects table as CSV with a UTF-8 BOM and Chinese headers.
pub fn write_rejects(rejects: &[Reject], path: &Path) -> Result<(), WriteError> {
    let mut out = create(path)?;
    out.write_all(b"\xEF\xBB\xBF").map_err(|e| fail(path)(&e))?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(REJECT_HEADERS).map_err(|e| fail(path)(&e))?;
    for r in rejects {
        w.write_record(r.cells()).map_err(|e| fail(path)(&e))?;
    }
    w.flush().map_err(|e| fail(path)(&e))
}

/// Write any serializable value as pretty JSON.
pub fn write_json<T: Serialize>(value: &T, path: &Path) -> Result<(), WriteError> {
    let mut out = create(path)?;
    serde_json::to_writer_pretty(&mut out, value).map_err(|e| fail(path)(&e))?;
    out.write_all(b"\n").map_err(|e| fail(path)(&e))?;
    out.flush().map_err(|e| fail(path)(&e))
}
