//! Issue lists coming back from the field: the workbooks [`crate::xlsx`]
//! writes (or a CSV), with 核实结果 and 整改情况 filled in. The reader
//! matches the writer's headers.

use std::path::Path;

use crate::issues::{FINDING_ID_HEADER, RECTIFICATION_HEADER, VERDICT_HEADER};

/// One verdict read from a returned list.
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnedRow {
    pub finding_id: String,
    /// As written by the patrol group; the store checks it.
    pub status: String,
    pub note: String,
    pub by: String,
    /// `file[#sheet]:row`, for problem reports.
    pub origin: String,
}

/// Read every sheet whose header has 疑点编号 and 核实结果; 整改情况 (or 说明)
/// becomes the note, 核实人 the author. Rows without a status are skipped.
pub fn read_returned(path: &Path) -> Result<Vec<ReturnedRow>, String> {
    let display = path.display().to_string();
    let tables = xuncha_ingest::read::read_file(path, &display, None).map_err(|e| e.to_string())?;
    let mut rows = Vec::new();
    let mut found_header = false;
    for table in tables {
        let Some(h) = table.rows.iter().position(|r| {
            r.cells
                .iter()
                .any(|c| matches!(c.trim(), FINDING_ID_HEADER | "finding_id"))
        }) else {
            continue;
        };
        let header = &table.rows[h].cells;
        let find = |names: &[&str]| header.iter().position(|c| names.contains(&c.trim()));
        let (Some(id_col), Some(status_col)) = (
            find(&[FINDING_ID_HEADER, "finding_id"]),
            find(&[VERDICT_HEADER, "status"]),
        ) else {
            continue;
        };
        found_header = true;
        let note_col = find(&[RECTIFICATION_HEADER, "说明", "note"]);
        let by_col = find(&["核实人", "by"]);
        let cell = |cells: &csv::StringRecord, i: Option<usize>| {
            i.and_then(|i| cells.get(i))
                .map(|c| c.trim().to_string())
                .unwrap_or_default()
        };
        let place = table
            .sheet
            .as_ref()
            .map_or_else(|| display.clone(), |s| format!("{display}#{s}"));
        for r in &table.rows[h + 1..] {
            if cell(&r.cells, Some(status_col)).is_empty() {
                continue;
            }
            rows.push(ReturnedRow {
                finding_id: cell(&r.cells, Some(id_col)),
                status: cell(&r.cells, Some(status_col)),
                note: cell(&r.cells, note_col),
                by: cell(&r.cells, by_col),
                origin: format!("{place}:{}", r.line),
            });
        }
    }
    if !found_header {
        return Err(format!(
            "{display} 中没有同时含“{FINDING_ID_HEADER}”和“{VERDICT_HEADER}”列的表"
        ));
    }
    Ok(rows)
}
