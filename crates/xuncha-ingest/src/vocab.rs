//! Value vocabularies (`data/vocab.toml`, embedded at build time): program
//! names, statuses and methods mapped to the canonical values models compare.

use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

use crate::normalize::to_half_width;

const VOCAB_TOML: &str = include_str!("../data/vocab.toml");

#[derive(Deserialize)]
struct VocabFile {
    vocab: Vec<VocabEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VocabEntry {
    name: String,
    columns: Vec<String>,
    #[serde(default)]
    stated_by_names: bool,
    rules: Vec<RuleEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleEntry {
    value: String,
    #[serde(default)]
    exact: Vec<String>,
    #[serde(default)]
    contains: Vec<String>,
    regex: Option<String>,
}

/// One rule: the canonical value and how a label is matched.
#[derive(Debug)]
pub struct Rule {
    pub value: String,
    exact: Vec<String>,
    contains: Vec<String>,
    regex: Option<Regex>,
}

impl Rule {
    fn matches(&self, label: &str) -> bool {
        (!self.exact.is_empty() && self.exact.iter().any(|e| e == label))
            || (!self.contains.is_empty() && self.contains.iter().all(|c| label.contains(c)))
            || self.regex.as_ref().is_some_and(|r| r.is_match(label))
    }
}

/// A vocabulary and the canonical columns (`dataset.column`) it serves.
#[derive(Debug)]
pub struct Vocabulary {
    pub name: String,
    pub columns: Vec<String>,
    /// A file, sheet or title naming one value states it for every row of
    /// a table without the column ([`crate::stated::Names::label`]).
    pub stated_by_names: bool,
    pub rules: Vec<Rule>,
}

/// What a name (a file, sheet or title) names of a vocabulary.
#[derive(Debug, PartialEq, Eq)]
pub enum Named<'a> {
    Nothing,
    One(&'a str),
    /// Two values or more (`城乡低保特困家庭花名册`).
    Several,
}

/// Normalize a label for matching: half-width, no whitespace, ASCII upper case.
pub fn normalize_label(raw: &str) -> String {
    to_half_width(raw)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

impl Vocabulary {
    /// The canonical value of a label, or `None` when no rule knows it.
    pub fn canonical(&self, label: &str) -> Option<&str> {
        let label = normalize_label(label);
        self.rules
            .iter()
            .find(|r| r.matches(&label))
            .map(|r| r.value.as_str())
    }

    /// The value a name names: the values whose rules match somewhere in
    /// it, less each that only generalizes another (低保 in 农村低保: its
    /// rule matches the value 农村低保 too). Only regex rules are tried; an
    /// exact or contains rule is about a whole label.
    pub fn named_in(&self, name: &str) -> Named<'_> {
        let name = normalize_label(name);
        let mut values: Vec<&str> = Vec::new();
        for rule in &self.rules {
            let found = rule.regex.as_ref().is_some_and(|r| r.is_match(&name));
            if found && !values.contains(&rule.value.as_str()) {
                values.push(&rule.value);
            }
        }
        let specific: Vec<&str> = values
            .iter()
            .copied()
            .filter(|a| !values.iter().any(|b| self.generalizes(a, b)))
            .collect();
        match specific.as_slice() {
            [] => Named::Nothing,
            [one] => Named::One(one),
            _ => Named::Several,
        }
    }
}

impl Vocabulary {
    /// Whether value `a` only generalizes value `b` (低保 and 城市低保: the
    /// rule of 低保 matches 城市低保 too).
    pub fn generalizes(&self, a: &str, b: &str) -> bool {
        let b = normalize_label(b);
        a != b && self.rules.iter().any(|r| r.value == a && r.matches(&b))
    }
}

fn load() -> Result<Vec<Vocabulary>, String> {
    let file: VocabFile = toml::from_str(VOCAB_TOML).map_err(|e| format!("vocab.toml: {e}"))?;
    file.vocab
        .into_iter()
        .map(|v| {
            let rules = v
                .rules
                .into_iter()
                .map(|r| {
                    if r.exact.is_empty() && r.contains.is_empty() && r.regex.is_none() {
                        return Err(format!("{}: rule for {} matches nothing", v.name, r.value));
                    }
                    let regex = r
                        .regex
                        .as_deref()
                        .map(Regex::new)
                        .transpose()
                        .map_err(|e| format!("{}: {e}", v.name))?;
                    Ok(Rule {
                        value: r.value,
                        exact: r.exact.iter().map(|e| normalize_label(e)).collect(),
                        contains: r.contains.iter().map(|c| normalize_label(c)).collect(),
                        regex,
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            Ok(Vocabulary {
                name: v.name,
                columns: v.columns,
                stated_by_names: v.stated_by_names,
                rules,
            })
        })
        .collect()
}

/// Every vocabulary, loaded once.
pub fn vocabularies() -> &'static [Vocabulary] {
    static VOCABS: OnceLock<Vec<Vocabulary>> = OnceLock::new();
    VOCABS.get_or_init(|| load().expect("embedded vocab.toml is checked by tests"))
}

/// The vocabulary of a canonical column, if it has one.
pub fn for_column(dataset: &str, column: &str) -> Option<&'static Vocabulary> {
    let key = format!("{dataset}.{column}");
    vocabularies().iter().find(|v| v.columns.contains(&key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use xuncha_schema::{ColumnKind, DATASETS};

    #[test]
    fn every_label_column_has_exactly_one_vocabulary() {
        let vocabs = load().unwrap();
        for d in DATASETS {
            for c in d.columns {
                let key = format!("{}.{}", d.name, c.name);
                let n = vocabs.iter().filter(|v| v.columns.contains(&key)).count();
                let want = usize::from(c.kind == ColumnKind::Label);
                assert_eq!(n, want, "{key}: {n} vocabularies");
            }
        }
    }

    /// Each label of `column` reads as its canonical value.
    fn reads(dataset: &str, column: &str, pairs: &[(&str, &str)]) {
        let vocab = for_column(dataset, column).unwrap();
        for (label, want) in pairs {
            assert_eq!(vocab.canonical(label), Some(*want), "{label}");
        }
    }

    #[test]
    fn labels_map_to_canonical_values() {
        let program = for_column("benefit_payments", "program").unwrap();
        reads(
            "benefit_payments",
            "program",
            &[
                ("农村居民最低生活保障金", "农村低保"),
                ("低保（农村）", "农村低保"),
                ("城市最低生活保障", "城市低保"),
                ("农村特困人员分散供养", "特困供养"),
                ("八十周岁以上高龄津贴", "高龄津贴"),
                ("尊老金", "高龄津贴"),
                ("重度残疾人护理补贴", "重度残疾人护理补贴"),
                ("城乡低保", "低保"),
                ("低保边缘家庭", "低保边缘"),
                ("农村低保边缘户", "低保边缘"),
                ("最低生活保障边缘家庭", "低保边缘"),
            ],
        );
        assert_eq!(program.canonical("优抚金"), None);
        assert!(program.stated_by_names);
        for (name, want) in [
            ("2024年高龄津贴发放名册", Named::One("高龄津贴")),
            ("农村低保资金发放花名册", Named::One("农村低保")),
            ("城乡低保发放明细", Named::One("低保")),
            ("困难残疾人生活补贴发放表", Named::One("困难残疾人生活补贴")),
            ("低保边缘家庭名册", Named::One("低保边缘")),
            ("城乡低保特困家庭花名册", Named::Several),
            ("城市低保农村低保合并表", Named::Several),
            ("非低保户高龄津贴", Named::Several),
            ("公益性岗位补贴发放", Named::Nothing),
        ] {
            assert_eq!(program.named_in(name), want, "{name}");
        }
        reads(
            "disability_certificates",
            "grade",
            &[
                ("一级", "一级"),
                ("2", "二级"),
                ("肢体二级", "二级"),
                ("视力一级", "一级"),
                ("三级（智力）", "三级"),
                ("III级", "三级"),
                ("II级", "二级"),
                ("Ⅳ级", "四级"),
            ],
        );
        reads(
            "vehicles",
            "vehicle_type",
            &[
                ("小型轿车", "小型轿车"),
                ("K33", "小型轿车"),
                ("k33 轿车", "小型轿车"),
                ("小型新能源轿车", "小型轿车"),
                ("小型普通客车", "小型普通客车"),
                ("轻型普通货车", "轻型货车"),
                ("H31", "轻型货车"),
                ("重型半挂牵引车", "牵引车"),
                ("重型普通半挂车", "挂车"),
                ("普通二轮摩托车", "摩托车"),
                ("低速货车", "低速货车"),
                ("中型普通客车", "中型客车"),
            ],
        );
        let vehicle = for_column("vehicles", "status").unwrap();
        assert_eq!(vehicle.canonical("a"), Some("正常"));
        assert_eq!(vehicle.canonical("E"), Some("注销"));
        let business = for_column("businesses", "status").unwrap();
        assert_eq!(business.canonical("吊销，未注销"), Some("吊销"));
        assert_eq!(business.canonical("存续（在营、开业、在册）"), Some("存续"));
        let method = for_column("village_payments", "method").unwrap();
        assert_eq!(method.canonical("现金支付"), Some("现金"));
        assert_eq!(method.canonical("网银转账"), Some("转账"));
        let lease = for_column("asset_leases", "procedure").unwrap();
        assert_eq!(lease.canonical("公开协商"), Some("协商"));
        assert_eq!(lease.canonical("网上竞价"), Some("公开竞价"));
    }
}
