//! Wordings of department exports (`data/wordings.toml`): with `--wording N`
//! (N ≥ 1) every file draws its name, headers and value labels from that
//! corpus; wording 0 keeps the generator's own look.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

const WORDINGS_TOML: &str = include_str!("../data/wordings.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Corpus {
    files: BTreeMap<String, Vec<String>>,
    headers: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    labels: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| toml::from_str(WORDINGS_TOML).expect("wordings.toml is checked by tests"))
}

/// FNV-1a: a stable hash, the same on every platform and Rust version.
fn stable_hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The wording of one generated county.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wording(pub u32);

impl Wording {
    fn pick<'a>(&self, list: Option<&'a Vec<String>>, key: &[&str]) -> Option<&'a str> {
        let list = list.filter(|l| !l.is_empty())?;
        if self.0 == 0 {
            return None;
        }
        let n = self.0.to_string();
        let mut parts = vec![n.as_str()];
        parts.extend_from_slice(key);
        Some(&list[(stable_hash(&parts) % list.len() as u64) as usize])
    }

    /// The header of a canonical column in one file (`file` is the file's
    /// own name under wording 0, so each file draws on its own).
    pub fn header(&self, dataset: &str, column: &str, default: &str, file: &str) -> String {
        let list = corpus().headers.get(dataset).and_then(|h| h.get(column));
        self.pick(list, &[dataset, column, file])
            .unwrap_or(default)
            .to_string()
    }

    /// The stem of a file's name (`file` is the stem under wording 0).
    pub fn file_stem(&self, dataset: &str, file: &str) -> String {
        self.pick(corpus().files.get(dataset), &[dataset, "file", file])
            .unwrap_or(file)
            .to_string()
    }

    /// The label written for a canonical value of a column in one file.
    pub fn label(&self, dataset: &str, column: &str, value: &str, file: &str) -> String {
        let key = format!("{dataset}.{column}");
        let list = corpus().labels.get(&key).and_then(|l| l.get(value));
        self.pick(list, &[&key, value, file])
            .unwrap_or(value)
            .to_string()
    }

    /// Does a column carry labels that vary with the wording?
    pub fn has_labels(dataset: &str, column: &str) -> bool {
        corpus().labels.contains_key(&format!("{dataset}.{column}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corpus_names_canonical_columns_with_five_wordings_where_practice_has_them() {
        let c = corpus();
        for (dataset, columns) in &c.headers {
            let spec = xuncha_schema::dataset(dataset).unwrap_or_else(|| panic!("{dataset}"));
            for column in columns.keys() {
                let base = column.trim_start_matches("member_");
                assert!(
                    spec.column(column).is_some()
                        || (dataset == "relief_households"
                            && ["name", "id_number", "relation"].contains(&base)),
                    "{dataset}.{column}"
                );
            }
        }
        for key in c.labels.keys() {
            let (d, col) = key.split_once('.').unwrap();
            let kind = xuncha_schema::dataset(d)
                .and_then(|s| s.column(col))
                .map(|c| c.kind);
            assert_eq!(kind, Some(xuncha_schema::ColumnKind::Label), "{key}");
        }
        let total: usize = c
            .headers
            .values()
            .flat_map(|h| h.values())
            .map(Vec::len)
            .sum();
        let columns: usize = c.headers.values().map(BTreeMap::len).sum();
        assert!(
            total >= columns * 4,
            "{total} wordings for {columns} columns"
        );
    }

    #[test]
    fn wording_zero_keeps_the_generator_look_and_others_vary() {
        assert_eq!(
            Wording(0).header("deaths", "death_date", "死亡日期", "a"),
            "死亡日期"
        );
        let seen: std::collections::BTreeSet<String> = (1..20)
            .map(|n| Wording(n).header("deaths", "death_date", "死亡日期", "a"))
            .collect();
        assert!(seen.len() >= 3, "{seen:?}");
        assert_eq!(
            Wording(3).label("vehicles", "status", "正常", "f"),
            Wording(3).label("vehicles", "status", "正常", "f")
        );
    }
}
