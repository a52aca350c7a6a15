//! The rejects table: every row or cell that could not be read, with where it
//! was and why. Nothing is dropped silently.

use serde::Serialize;

/// What happened to the row a reject belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RejectAction {
    /// The row was left out: a required value could not be read.
    #[serde(rename = "整行剔除")]
    RowDropped,
    /// The row was kept with this optional value left empty.
    #[serde(rename = "该值置空")]
    ValueCleared,
}

impl RejectAction {
    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            RejectAction::RowDropped => "整行剔除",
            RejectAction::ValueCleared => "该值置空",
        }
    }
}

impl Reject {
    /// The cells of the row as the rejects table shows them.
    pub fn cells(&self) -> [String; 8] {
        [
            self.file.clone(),
            self.sheet.clone().unwrap_or_default(),
            self.row.to_string(),
            self.column.clone(),
            self.dataset.clone(),
            self.value.clone(),
            self.reason.clone(),
            self.action.label().to_string(),
        ]
    }
}

/// One rejected cell.
#[derive(Debug, Clone, Serialize)]
pub struct Reject {
    pub file: String,
    pub sheet: Option<String>,
    /// Row number as the user sees it in Excel or a text editor.
    pub row: usize,
    /// Header of the column in the file (or the canonical name for constants).
    pub column: String,
    pub dataset: String,
    pub value: String,
    pub reason: String,
    pub action: RejectAction,
}
