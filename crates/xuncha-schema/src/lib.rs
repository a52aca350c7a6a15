//! The contract every stage agrees on: canonical datasets (names, columns,
//! value kinds) and the findings schema.

pub mod config_message;
mod datasets;
mod finding;
pub mod idcard;
mod rejects;

pub use datasets::{
    dataset, record_date, unknown_column_hint, unknown_dataset_hint, ColumnKind, ColumnSpec,
    DatasetSpec, DATASETS, SOURCE_COLUMN,
};
pub use finding::{
    format_money, mask_id, mask_personal_numbers_in, total_amount, FieldValue, Finding, Severity,
    FINDING_FIELDS,
};
pub use rejects::{Reject, RejectAction};

use std::path::Path;

/// The file xuncha leaves in every folder it writes results into (findings,
/// issue lists, diffs, a lake): a data folder holding such a folder
/// (`xuncha run --data . --out out`) does not read it as exports.
pub const OUTPUT_MARKER: &str = ".xuncha-output";

/// What a panic said (its payload when a string), for the model's failure
/// line or the one-line report a panic prints.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    (payload.downcast_ref::<String>().map(String::as_str))
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("未知原因")
}

/// Create `dir` with its parents, and mark it as xuncha's output
/// ([`OUTPUT_MARKER`]).
pub fn create_output_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let marker = dir.join(OUTPUT_MARKER);
    if !marker.exists() {
        std::fs::write(
            marker,
            "xuncha 的输出目录：把它放在数据目录中时，xuncha 读取数据不会读取这里的文件。\n",
        )?;
    }
    Ok(())
}
