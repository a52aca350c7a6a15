//! Whether the numbers one export cites are those of the export it cites:
//! rent receipts by lease number, payments by contract number, relief
//! members by household number (not payments: those of programs outside
//! relief may carry another office's household numbers). Two departments'
//! systems may write the same number otherwise (`ZL-0002` for `ZL0002`);
//! then models that join on it find nothing, or take every lease as unpaid.
//! `xuncha data inspect`, a run over loaded data and the nightly check name
//! a citing column of which less than half the numbers are found, with
//! examples of both sides.

use std::collections::{BTreeMap, HashSet};

use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};

use crate::coverage::texts;

/// A column citing another dataset's numbers.
struct Link {
    dataset: &'static str,
    column: &'static str,
    /// What the number is, in Chinese.
    label: &'static str,
    cited: &'static str,
    cited_column: &'static str,
}

const LINKS: &[Link] = &[
    Link {
        dataset: "lease_receipts",
        column: "lease_no",
        label: "租赁编号",
        cited: "asset_leases",
        cited_column: "lease_no",
    },
    Link {
        dataset: "village_payments",
        column: "contract_no",
        label: "合同编号",
        cited: "village_contracts",
        cited_column: "contract_no",
    },
    Link {
        dataset: "relief_members",
        column: "household_id",
        label: "家庭编号",
        cited: "relief_households",
        cited_column: "household_id",
    },
];

/// Fewer distinct numbers than this are too few to judge by.
const LEAST_NUMBERS: usize = 5;

/// A citing column most of whose numbers the cited dataset lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkGap {
    pub dataset: String,
    pub column: String,
    /// What the number is, in Chinese (租赁编号).
    pub label: String,
    pub cited: String,
    pub cited_column: String,
    /// Distinct numbers the citing column holds, and how many are found.
    pub numbers: usize,
    pub found: usize,
    /// How many are found once both sides are read as letters and digits
    /// alone, upper-cased (`ZL-0002` as `ZL0002`).
    #[serde(default)]
    pub found_loosely: usize,
    /// A few numbers not found, and a few the cited dataset holds.
    pub unfound_examples: Vec<String>,
    pub cited_examples: Vec<String>,
}

impl LinkGap {
    /// The line `data inspect` and a run print.
    pub fn to_chinese(&self) -> String {
        let title = |d: &str| xuncha_schema::dataset(d).map_or("", |s| s.title);
        let likely = match self.found_loosely > self.found {
            true => format!(
                "只计字母和数字时有 {} 个对得上，是写法不同",
                self.found_loosely
            ),
            false => "两份数据的编号写法可能不同".to_string(),
        };
        format!(
            "编号关联：{}（{}）的 {} 个不同{}中只有 {} 个在{}（{}）中：{likely}\
             （此处如 {}，对方如 {}），按编号比对的模型会漏掉或误报，请核对后统一写法",
            title(&self.dataset),
            self.dataset,
            self.numbers,
            self.label,
            self.found,
            title(&self.cited),
            self.cited,
            self.unfound_examples.join("、"),
            self.cited_examples.join("、"),
        )
    }
}

/// The [`LINKS`] of which both datasets are read and fewer than half the
/// citing numbers are found.
pub fn link_gaps(datasets: &BTreeMap<String, DataFrame>) -> Vec<LinkGap> {
    let mut gaps = Vec::new();
    for link in LINKS {
        let (Some(citing), Some(target)) = (datasets.get(link.dataset), datasets.get(link.cited))
        else {
            continue;
        };
        let numbers: HashSet<&str> = (texts(citing, link.column).into_iter().flatten()).collect();
        let held: HashSet<&str> =
            (texts(target, link.cited_column).into_iter().flatten()).collect();
        if numbers.len() < LEAST_NUMBERS || held.is_empty() {
            continue;
        }
        let found = numbers.iter().filter(|n| held.contains(*n)).count();
        if found * 2 >= numbers.len() {
            continue;
        }
        let loose: HashSet<String> = held.iter().map(|n| loosely(n)).collect();
        let found_loosely = (numbers.iter())
            .filter(|n| loose.contains(&loosely(n)))
            .count();
        // The first three in order, whatever the hashing.
        let examples = |set: &HashSet<&str>, skip: &HashSet<&str>| -> Vec<String> {
            let mut some: Vec<&str> = set.iter().copied().filter(|n| !skip.contains(n)).collect();
            some.sort_unstable();
            some.iter().take(3).map(|n| n.to_string()).collect()
        };
        gaps.push(LinkGap {
            dataset: link.dataset.to_string(),
            column: link.column.to_string(),
            label: link.label.to_string(),
            cited: link.cited.to_string(),
            cited_column: link.cited_column.to_string(),
            numbers: numbers.len(),
            found,
            found_loosely,
            unfound_examples: examples(&numbers, &held),
            cited_examples: examples(&held, &HashSet::new()),
        });
    }
    gaps
}

/// A number as its letters and digits alone, upper-cased.
fn loosely(number: &str) -> String {
    (number.chars())
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::*;

    /// Receipts numbered `ZL-000n` beside leases numbered `ZL000n` are
    /// named; payments citing contracts the ledger holds are not.
    #[test]
    fn numbers_written_otherwise_are_named() {
        let leases = df!("lease_no" => ["ZL0001", "ZL0002", "ZL0003", "ZL0004", "ZL0005"]).unwrap();
        let receipts = df!(
            "lease_no" => ["ZL-0001", "ZL-0002", "ZL-0003", "ZL-0004", "ZL0005", "ZL0005"]
        )
        .unwrap();
        let contracts = df!("contract_no" => ["HT1", "HT2", "HT3", "HT4", "HT5"]).unwrap();
        let payments =
            df!("contract_no" => [Some("HT1"), Some("HT2"), Some("HT3"), Some("HT4"), Some("HT9"), None])
                .unwrap();
        let datasets = BTreeMap::from([
            ("asset_leases".to_string(), leases),
            ("lease_receipts".to_string(), receipts),
            ("village_contracts".to_string(), contracts),
            ("village_payments".to_string(), payments),
        ]);
        let gaps = link_gaps(&datasets);
        assert_eq!(gaps.len(), 1, "{gaps:?}");
        let g = &gaps[0];
        assert_eq!(
            (g.dataset.as_str(), g.numbers, g.found, g.found_loosely),
            ("lease_receipts", 5, 1, 5)
        );
        assert_eq!(g.unfound_examples, ["ZL-0001", "ZL-0002", "ZL-0003"]);
        assert!(
            g.to_chinese().starts_with(
                "编号关联：租金收取（lease_receipts）的 5 个不同租赁编号中只有 1 个在集体资产资源租赁（asset_leases）中：\
                 只计字母和数字时有 5 个对得上，是写法不同（此处如 ZL-0001"
            ),
            "{}",
            g.to_chinese()
        );
    }
}
