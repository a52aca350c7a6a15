//! `catalog.toml`: optional per-folder overrides of dataset recognition.
//!
//! ```toml
//! ignore = ["说明*.xlsx"]
//!
//! [[files]]
//! match = "低保花名册*.xlsx"        # glob, relative to the data folder
//! dataset = "relief_households"
//! sheet = "花名册"                  # optional: only this sheet
//! encoding = "gbk"                 # optional, CSV only
//! header_row = 3                   # optional: the header's row number
//! columns = { head_id_number = "户主证件号" }   # canonical = header
//! constants = { program = "农村低保" }
//! units = { amount = "万元" }
//! date_formats = { approved_date = "%d/%m/%Y" }
//! members = { name = "成员{n}姓名", id_number = "成员{n}身份证号", relation = "成员{n}关系" }
//! ```
//!
//! A workbook may have one entry per sheet; a sheet is read with the entry
//! naming it, else with an entry naming no sheet, else not at all.

use std::collections::BTreeMap;
use std::path::Path;

use globset::{Glob, GlobMatcher};
use serde::Deserialize;
use xuncha_schema::config_message::located;

use crate::IngestError;

/// File name of the catalog inside a data folder.
pub const CATALOG_FILE: &str = "catalog.toml";

/// The parsed catalog of one data folder.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// Globs of files that are not exports.
    #[serde(default)]
    pub ignore: Vec<String>,
    #[serde(default)]
    pub files: Vec<CatalogEntry>,
}

/// Overrides for the files one glob matches.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogEntry {
    #[serde(rename = "match")]
    pub pattern: String,
    pub dataset: String,
    pub sheet: Option<String>,
    pub encoding: Option<String>,
    pub header_row: Option<usize>,
    /// Canonical column → header in the file.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// Canonical column → value for every row.
    #[serde(default)]
    pub constants: BTreeMap<String, String>,
    /// Canonical column → unit (`元` or `万元`).
    #[serde(default)]
    pub units: BTreeMap<String, String>,
    /// Canonical column → chrono format, tried before the built-in forms.
    #[serde(default)]
    pub date_formats: BTreeMap<String, String>,
    /// Wide household export: member columns with `{n}` for the member number.
    pub members: Option<MembersRule>,
}

impl CatalogEntry {
    /// Does the entry give the canonical column, by a header or a constant?
    pub fn gives(&self, column: &str) -> bool {
        self.columns.contains_key(column) || self.constants.contains_key(column)
    }
}

/// Does a table's catalog entry, if it has one, name the header of the
/// canonical column?
pub fn names_header(entry: Option<&CatalogEntry>, column: &str) -> bool {
    entry.is_some_and(|e| e.columns.contains_key(column))
}

/// Header patterns of the member columns of a wide household export.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MembersRule {
    pub name: Option<String>,
    pub id_number: String,
    pub relation: Option<String>,
}

impl Catalog {
    /// Load `catalog.toml` from a folder; an absent file is an empty catalog.
    pub fn load(dir: &Path) -> Result<Self, IngestError> {
        let path = dir.join(CATALOG_FILE);
        if !path.exists() {
            return Ok(Self::default());
        }
        let text =
            std::fs::read_to_string(&path).map_err(|e| IngestError::unreadable(CATALOG_FILE, e))?;
        let catalog: Catalog = toml::from_str(&text)
            .map_err(|e| IngestError::file(CATALOG_FILE, located(&text, &e)))?;
        for entry in &catalog.files {
            let spec = xuncha_schema::dataset(&entry.dataset).ok_or_else(|| {
                let hint = xuncha_schema::unknown_dataset_hint(&entry.dataset);
                IngestError::file(CATALOG_FILE, format!("未知数据集“{}”{hint}", entry.dataset))
            })?;
            for col in entry
                .columns
                .keys()
                .chain(entry.constants.keys())
                .chain(entry.units.keys())
            {
                if spec.column(col).is_none() {
                    return Err(IngestError::file(
                        CATALOG_FILE,
                        format!(
                            "数据集 {} 没有列“{col}”{}",
                            entry.dataset,
                            xuncha_schema::unknown_column_hint(spec, col)
                        ),
                    ));
                }
            }
            for unit in entry.units.values() {
                if unit_scale(unit).is_none() {
                    return Err(IngestError::file(
                        CATALOG_FILE,
                        format!(
                            "未知单位“{unit}”，可用：{}",
                            MONEY_UNITS
                                .iter()
                                .map(|(u, _)| *u)
                                .collect::<Vec<_>>()
                                .join("、")
                        ),
                    ));
                }
            }
            glob(&entry.pattern)?;
        }
        Ok(catalog)
    }

    /// The entries whose globs match a relative path, in catalog order.
    pub fn entries_for(&self, rel: &str) -> Vec<&CatalogEntry> {
        self.files
            .iter()
            .filter(|e| glob(&e.pattern).is_ok_and(|g| g.is_match(rel)))
            .collect()
    }

    /// Whether a relative path is listed under `ignore`.
    pub fn ignores(&self, rel: &str) -> bool {
        self.ignore
            .iter()
            .any(|p| glob(p).is_ok_and(|g| g.is_match(rel)))
    }
}

fn glob(pattern: &str) -> Result<GlobMatcher, IngestError> {
    Glob::new(pattern)
        .map(|g| g.compile_matcher())
        .map_err(|e| IngestError::file(CATALOG_FILE, format!("文件匹配模式“{pattern}”无效：{e}")))
}

/// Escape glob metacharacters so a pattern matches one file name exactly.
fn glob_literal(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            '*' | '?' | '[' | ']' | '{' | '}' | '!' => format!("[{c}]"),
            c => c.to_string(),
        })
        .collect()
}

/// A TOML string literal.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// `catalog.toml` text recording how each table was understood: one entry
/// per recognised table with its dataset, sheet, header row and every
/// column's header, so an analyst can review and edit the decisions and
/// reading the file back gives the same mapping. `ignore` is kept.
pub fn write_catalog(ignore: &[String], tables: &[crate::TableReport]) -> String {
    let mut out = String::from(
        "# 由 xuncha data inspect --write-catalog 生成：每个表的识别结果，可审核、修改后保留。\n\
         # columns 为“标准列 = 文件中的表头”；删去一行则该列重新按含义识别。\n\n",
    );
    if !ignore.is_empty() {
        let list: Vec<String> = ignore.iter().map(|g| quoted(g)).collect();
        out.push_str(&format!("ignore = [{}]\n\n", list.join(", ")));
    }
    for t in tables {
        let Some(dataset) = &t.dataset else {
            if let Some(note) = &t.note {
                let sheet = t
                    .sheet
                    .as_deref()
                    .map(|s| format!(" [{s}]"))
                    .unwrap_or_default();
                out.push_str(&format!("# {}{sheet}：{note}\n\n", t.file));
            }
            continue;
        };
        out.push_str("[[files]]\n");
        out.push_str(&format!("match = {}\n", quoted(&glob_literal(&t.file))));
        out.push_str(&format!("dataset = {}\n", quoted(dataset)));
        if let Some(sheet) = &t.sheet {
            out.push_str(&format!("sheet = {}\n", quoted(sheet)));
        }
        if let Some(row) = t.header_row {
            out.push_str(&format!("header_row = {row}\n"));
        }
        out.push_str("[files.columns]\n");
        for d in &t.decisions {
            if let Some(header) = &d.header {
                out.push_str(&format!(
                    "{} = {}  # {:.2} {}\n",
                    d.column,
                    quoted(header),
                    d.score,
                    d.reason.replace('\n', " ")
                ));
            }
        }
        let constants: Vec<&crate::mapping::Decision> =
            t.decisions.iter().filter(|d| d.header.is_none()).collect();
        if !constants.is_empty() {
            out.push_str("[files.constants]\n");
            for (canonical, source) in &t.mapping {
                if let Some(value) = source.strip_prefix("常量：") {
                    out.push_str(&format!("{canonical} = {}\n", quoted(value)));
                }
            }
        }
        out.push('\n');
    }
    out
}

/// The units of money and the 元 each is worth.
pub const MONEY_UNITS: &[(&str, f64)] = &[
    ("元", 1.0),
    ("千元", 1_000.0),
    ("万元", 10_000.0),
    ("百万元", 1_000_000.0),
    ("亿元", 100_000_000.0),
];

/// Multiplier that converts a unit of money to 元, however written
/// (`万元`, `万`, `万元人民币`, `单位:千元`); `None` for another unit.
pub fn unit_scale(unit: &str) -> Option<f64> {
    let unit = unit.trim().trim_start_matches("单位");
    let unit = unit.trim_start_matches([':', '：']).replace("人民币", "");
    let unit = match unit.trim() {
        "" => "元",
        "万" => "万元",
        "亿" => "亿元",
        other => other,
    };
    MONEY_UNITS
        .iter()
        .find(|(u, _)| *u == unit)
        .map(|(_, scale)| *scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_of_money_scale_to_yuan_however_written() {
        let scale = |u| unit_scale(u);
        assert_eq!(scale("元"), Some(1.0));
        assert_eq!(scale("千元"), Some(1_000.0));
        assert_eq!(scale("单位:千元"), Some(1_000.0));
        assert_eq!(scale("万元人民币"), Some(10_000.0));
        assert_eq!(scale("单位：万元"), Some(10_000.0));
        assert_eq!(scale("百万元"), Some(1_000_000.0));
        assert_eq!(scale("亿元"), Some(100_000_000.0));
        assert_eq!(scale("人民币元"), Some(1.0));
        assert_eq!(scale("亩"), None);
        assert_eq!(scale("元/亩"), None);
    }

    #[test]
    fn glob_literals_match_only_their_file() {
        let g = glob(&glob_literal("村(社区)[名录]*.xlsx")).unwrap();
        assert!(g.is_match("村(社区)[名录]*.xlsx"));
        assert!(!g.is_match("村(社区)名.xlsx"));
    }

    #[test]
    fn a_catalog_that_does_not_fit_names_the_line_in_chinese() {
        let dir = tempfile::tempdir().unwrap();
        let text = "[[files]]\npattern = \"低保*.csv\"\ndataset = \"benefit_payments\"\n";
        std::fs::write(dir.path().join(CATALOG_FILE), text).unwrap();
        let message = Catalog::load(dir.path()).unwrap_err().to_string();
        assert!(message.contains(CATALOG_FILE), "{message}");
        assert!(
            message.contains("第 2 行：未知字段 `pattern`，可用的字段：`match`、`dataset`"),
            "{message}"
        );
        // A dataset or a column a slip away is named.
        for (entry, said) in [
            (
                "dataset = \"benefit_payment\"",
                "未知数据集“benefit_payment”，是否想写 benefit_payments？",
            ),
            (
                "dataset = \"deaths\"\ncolumns = { death_dat = \"死亡日期\" }",
                "数据集 deaths 没有列“death_dat”，是否想写 death_date？",
            ),
        ] {
            let text = format!("[[files]]\nmatch = \"死亡*.csv\"\n{entry}\n");
            std::fs::write(dir.path().join(CATALOG_FILE), text).unwrap();
            let message = Catalog::load(dir.path()).unwrap_err().to_string();
            assert!(message.contains(said), "{message}");
        }
    }
}
