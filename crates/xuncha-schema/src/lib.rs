//! The contract every stage agrees on: canonical datasets (names, columns,
//! value kinds) and the findings schema.

pub mod config_message;
mod datasets;
mod finding;
pub mod idcard;
mod rejects;

pub use datasets::{dataset, ColumnKind, ColumnSpec, DatasetSpec, DATASETS, SOURCE_COLUMN};
pub use finding::{
    format_money, mask_id, mask_personal_numbers_in, FieldValue, Finding, Severity, FINDING_FIELDS,
};
pub use rejects::{Reject, RejectAction};
