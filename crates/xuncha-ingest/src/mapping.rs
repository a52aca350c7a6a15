//! Column mapping: which header feeds which canonical column, and which
//! canonical dataset a table most likely is.

use xuncha_schema::{ColumnKind, DatasetSpec, DATASETS};

use crate::aliases::{aliases, normalize_header, strip_unit};
use crate::catalog::{unit_scale, CatalogEntry};
use crate::header::Header;

/// Where one canonical column's values come from.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnSource {
    /// Header index in the table.
    Header(usize),
    /// A constant from the catalog.
    Constant(String),
    /// Not in the file.
    Absent,
}

/// How a table maps onto one canonical dataset.
#[derive(Debug, Clone)]
pub struct Mapping {
    pub dataset: &'static DatasetSpec,
    /// One entry per canonical column, in the dataset's order.
    pub sources: Vec<ColumnSource>,
    /// Multiplier to 元 per canonical column (万元 columns: 10,000).
    pub scales: Vec<f64>,
    /// Catalog date format per canonical column.
    pub date_formats: Vec<Option<String>>,
    /// Required canonical columns that no header provides.
    pub missing: Vec<&'static str>,
}

impl Mapping {
    /// Number of canonical columns a header provides.
    pub fn matched(&self) -> usize {
        self.sources
            .iter()
            .filter(|s| matches!(s, ColumnSource::Header(_)))
            .count()
    }

    /// Headers of the table that feed no canonical column.
    pub fn unmapped<'h>(&self, header: &'h Header) -> Vec<&'h str> {
        (0..header.raw.len())
            .filter(|i| !self.sources.contains(&ColumnSource::Header(*i)))
            .map(|i| header.raw[i].as_str())
            .filter(|h| !h.trim().is_empty())
            .collect()
    }
}

/// Map a header onto a dataset: catalog columns first, then aliases in order.
pub fn map_columns(
    dataset: &'static DatasetSpec,
    header: &Header,
    entry: Option<&CatalogEntry>,
) -> Mapping {
    let mut used = vec![false; header.names.len()];
    let mut sources = Vec::with_capacity(dataset.columns.len());
    let mut scales = Vec::with_capacity(dataset.columns.len());
    let mut date_formats = Vec::with_capacity(dataset.columns.len());
    let mut missing = Vec::new();
    for col in dataset.columns {
        let explicit = entry.and_then(|e| e.columns.get(col.name));
        let constant = entry.and_then(|e| e.constants.get(col.name));
        let wanted: Vec<String> = match explicit {
            Some(h) => {
                let n = normalize_header(h);
                vec![strip_unit(&n).0.to_string(), n]
            }
            None => aliases(dataset.name, col.name)
                .into_iter()
                .map(|a| {
                    let n = normalize_header(a);
                    strip_unit(&n).0.to_string()
                })
                .collect(),
        };
        let found = wanted
            .iter()
            .find_map(|w| (0..header.names.len()).find(|&i| !used[i] && header.names[i] == *w));
        let source = match (found, constant) {
            (_, Some(value)) => ColumnSource::Constant(value.clone()),
            (Some(i), None) => {
                used[i] = true;
                ColumnSource::Header(i)
            }
            (None, None) => {
                if col.required {
                    missing.push(col.name);
                }
                ColumnSource::Absent
            }
        };
        let unit = entry
            .and_then(|e| e.units.get(col.name).cloned())
            .or_else(|| match &source {
                ColumnSource::Header(i) => header.units[*i].clone(),
                _ => None,
            });
        // Only money is converted to 元; other measures keep their canonical unit
        // (registered capital, for one, is canonically in 万元).
        let scale = match col.kind {
            ColumnKind::Amount => unit.as_deref().and_then(unit_scale).unwrap_or(1.0),
            _ => 1.0,
        };
        scales.push(scale);
        date_formats.push(entry.and_then(|e| e.date_formats.get(col.name).cloned()));
        sources.push(source);
    }
    Mapping {
        dataset,
        sources,
        scales,
        date_formats,
        missing,
    }
}

/// Words in file names that hint at a dataset.
fn name_hints(dataset: &str) -> &'static [&'static str] {
    match dataset {
        "villages" => &["名录", "区划"],
        "residents" => &["户籍", "人口"],
        "deaths" => &["死亡", "火化", "殡葬"],
        "relief_households" => &["救助家庭", "花名册", "保障家庭", "低保户"],
        "relief_members" => &["成员"],
        "benefit_payments" => &["发放", "津贴", "补贴明细"],
        "public_employees" => &["财政供养", "在编", "供养人员"],
        "village_cadres" => &["干部"],
        "vehicles" => &["机动车", "车辆"],
        "businesses" => &["市场主体", "企业", "工商"],
        "real_estate" => &["不动产", "房产"],
        "land_contracts" => &["确权", "承包"],
        "farmland_subsidies" => &["地力", "耕地"],
        "machinery_subsidies" => &["农机"],
        "village_contracts" => &["合同"],
        "village_payments" => &["凭证", "支出"],
        "asset_leases" => &["租赁", "资产"],
        "lease_receipts" => &["租金", "收款"],
        _ => &[],
    }
}

/// Pick the canonical dataset a table most likely is: a file named after the
/// dataset wins; then one whose file name hints at it (死亡, 发放, 合同 …),
/// so a death list missing its date column is reported as such rather than
/// read as something else; then complete mappings beat incomplete ones;
/// then the number of matched columns. Tables matching fewer than two
/// columns are not recognised.
pub fn recognize(header: &Header, file_name: &str) -> Option<Mapping> {
    let stem = file_name.rsplit('/').next().unwrap_or(file_name);
    let stem = stem.split('.').next().unwrap_or(stem);
    DATASETS
        .iter()
        .map(|d| {
            let mapping = map_columns(d, header, None);
            let exact = stem.eq_ignore_ascii_case(d.name);
            let hint = name_hints(d.name).iter().any(|h| stem.contains(h));
            let score = (exact, hint, mapping.missing.is_empty(), mapping.matched());
            (score, mapping)
        })
        .filter(|(score, m)| score.0 || m.matched() >= 2)
        .max_by_key(|(score, _)| *score)
        .map(|(_, m)| m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::detect;
    use crate::read::RawRow;

    fn header(cells: &[&str]) -> Header {
        let rows = vec![RawRow {
            line: 1,
            cells: cells.iter().map(|c| c.to_string()).collect(),
        }];
        detect(&rows, None).unwrap()
    }

    #[test]
    fn recognises_datasets_from_chinese_headers() {
        let h = header(&["序号", "姓名", "公民身份号码", "死亡日期", "数据来源"]);
        let m = recognize(&h, "殡葬火化.csv").unwrap();
        assert_eq!(m.dataset.name, "deaths");
        assert!(m.missing.is_empty());
        assert_eq!(m.unmapped(&h), vec!["序号"]);

        let h = header(&[
            "户主姓名",
            "户主身份证号",
            "家庭编号",
            "救助类别",
            "保障人数",
        ]);
        assert_eq!(
            recognize(&h, "a.xlsx").unwrap().dataset.name,
            "relief_households"
        );

        let h = header(&[
            "姓名",
            "身份证号",
            "发放月份",
            "发放金额(元)",
            "银行账号",
            "救助类别",
        ]);
        assert_eq!(
            recognize(&h, "x.csv").unwrap().dataset.name,
            "benefit_payments"
        );
    }

    #[test]
    fn incomplete_best_match_names_missing_columns() {
        let h = header(&["凭证号", "村代码", "收款方", "金额"]);
        let m = recognize(&h, "支出凭证.csv").unwrap();
        assert_eq!(m.dataset.name, "village_payments");
        assert_eq!(m.missing, vec!["pay_date"]);
    }

    #[test]
    fn catalog_columns_constants_and_units_apply() {
        let h = header(&["姓名", "证件号", "发放月份", "金额"]);
        let entry = CatalogEntry {
            dataset: "benefit_payments".into(),
            columns: [("id_number".to_string(), "证件号".to_string())].into(),
            constants: [("program".to_string(), "特困供养".to_string())].into(),
            units: [("amount".to_string(), "万元".to_string())].into(),
            ..Default::default()
        };
        let m = map_columns(
            xuncha_schema::dataset("benefit_payments").unwrap(),
            &h,
            Some(&entry),
        );
        assert!(m.missing.is_empty());
        assert_eq!(m.sources[0], ColumnSource::Constant("特困供养".into()));
        assert_eq!(m.sources[1], ColumnSource::Header(1));
        let amount = m
            .dataset
            .columns
            .iter()
            .position(|c| c.name == "amount")
            .unwrap();
        assert_eq!(m.scales[amount], 10_000.0);
    }
}
