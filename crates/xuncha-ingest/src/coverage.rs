//! Which villages of the directory a register every village has rows of
//! (户籍, the cadre roster) holds no row of. A register an office was given
//! for some villages only (a township's 户籍, a roster from the townships
//! that reported) leaves the others out: the models that flag people missing
//! from it compare only the villages it holds (the `resident_villages` view,
//! the roster's own in `cw.cadre_pay_not_in_roster`), and `xuncha data
//! inspect` and a run name the ones it leaves out.

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};

/// The directory's villages one dataset holds no row of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VillageGap {
    pub dataset: String,
    /// Directory villages the dataset holds rows of.
    pub held: usize,
    /// The others: (village code, village name), in code order.
    pub missing: Vec<(String, String)>,
}

impl VillageGap {
    /// The line `data inspect` and a run print: which villages the register
    /// leaves out (the first eight named) and what that means.
    pub fn to_chinese(&self) -> String {
        let title = xuncha_schema::dataset(&self.dataset).map_or("", |s| s.title);
        let shown: Vec<String> = (self.missing.iter().take(8))
            .map(|(code, name)| format!("{name}（{code}）"))
            .collect();
        let more = match self.missing.len() {
            n if n > 8 => format!("等 {n} 个村"),
            _ => String::new(),
        };
        format!(
            "村覆盖：{title}（{}）只有村(社区)名录中 {} 个村的数据，缺 {}{more}；\
             每个村都应有此类数据，如是漏报请补齐；按“不在名册中”“查无此人”比对的模型不比对缺的村",
            self.dataset,
            self.held,
            shown.join("、")
        )
    }
}

/// Datasets every village has rows of in the real register: a village
/// without any is a gap in the data. Others may rightly lack a village (an
/// urban 社区 has no land contracts, a village may have no 低保 household).
pub const EVERY_VILLAGE: &[&str] = &["residents", "village_cadres"];

/// The gaps of the [`EVERY_VILLAGE`] datasets that hold village codes,
/// against the `villages` directory; none without one.
pub fn village_gaps(datasets: &BTreeMap<String, DataFrame>) -> Vec<VillageGap> {
    let Some(directory) = datasets.get("villages") else {
        return Vec::new();
    };
    let names = texts(directory, "village_name");
    let villages: BTreeMap<&str, &str> = texts(directory, "village_code")
        .into_iter()
        .zip(names)
        .filter_map(|(code, name)| Some((code?, name.unwrap_or_default())))
        .collect();
    let mut gaps = Vec::new();
    for (name, df) in datasets
        .iter()
        .filter(|(n, _)| EVERY_VILLAGE.contains(&n.as_str()))
    {
        let held: BTreeSet<&str> = texts(df, "village_code").into_iter().flatten().collect();
        if held.is_empty() {
            continue;
        }
        let missing: Vec<(String, String)> = (villages.iter())
            .filter(|(code, _)| !held.contains(*code))
            .map(|(code, name)| (code.to_string(), name.to_string()))
            .collect();
        if !missing.is_empty() {
            gaps.push(VillageGap {
                dataset: name.clone(),
                held: villages.len() - missing.len(),
                missing,
            });
        }
    }
    gaps
}

/// A text column's values (none for a column the frame lacks).
pub(crate) fn texts<'a>(df: &'a DataFrame, column: &str) -> Vec<Option<&'a str>> {
    df.column(column)
        .ok()
        .and_then(|c| c.str().ok())
        .map(|s| s.iter().collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::*;

    #[test]
    fn a_register_leaving_villages_out_names_them() {
        let villages = df!(
            "village_code" => ["411102001001", "411102001002", "411102001003"],
            "village_name" => ["东村", "西村", "南村"],
        )
        .unwrap();
        let some = || df!("village_code" => [Some("411102001001"), None]).unwrap();
        let cadres =
            df!("village_code" => ["411102001001", "411102001002", "411102001003"]).unwrap();
        let datasets = BTreeMap::from([
            ("villages".to_string(), villages),
            ("residents".to_string(), some()),
            ("village_cadres".to_string(), cadres),
            // A village may rightly have no land contracts.
            ("land_contracts".to_string(), some()),
        ]);
        let gaps = village_gaps(&datasets);
        assert_eq!(
            gaps,
            [VillageGap {
                dataset: "residents".into(),
                held: 1,
                missing: vec![
                    ("411102001002".into(), "西村".into()),
                    ("411102001003".into(), "南村".into())
                ],
            }]
        );
    }
}
