//! The model file format: one TOML file per model (see DESIGN.md).

use std::collections::BTreeMap;

use serde::Deserialize;
use xuncha_schema::Severity;

/// A comparison model as written in its TOML file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// Stable id such as `mz.deceased_benefit`; history and triage key on it.
    pub id: String,
    pub title: String,
    pub category: String,
    pub severity: Severity,
    /// What it finds, in Chinese.
    #[serde(default)]
    pub description: String,
    /// The policy or rule it checks.
    #[serde(default)]
    pub basis: String,
    /// What the patrol group should check on the ground (核实要点).
    #[serde(default)]
    pub verify: String,
    /// Canonical datasets the query reads (those of its views included);
    /// the model is skipped when one is absent.
    pub datasets: Vec<String>,
    /// Datasets whose absence of a subject is the lead (a subsidy with no
    /// contract in `land_contracts`): the model is also skipped when one of
    /// them holds no row, since over an empty register everyone is "not in it".
    #[serde(default)]
    pub not_in: Vec<String>,
    /// Shared views (`models/_views/`) the query reads by name.
    #[serde(default)]
    pub views: Vec<String>,
    /// Parameters with their defaults, substituted into the query as `{name}`.
    #[serde(default)]
    pub params: BTreeMap<String, toml::Value>,
    pub query: QuerySpec,
    pub finding: FindingSpec,
}

/// A shared view (`models/_views/<id>.toml`): a named query over canonical
/// datasets that models read like a table, so building blocks such as
/// "every member of a relief household" have one definition.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViewSpec {
    /// The name models read it by.
    pub id: String,
    pub title: String,
    /// What it holds and the decisions in it, in Chinese.
    pub description: String,
    /// Canonical datasets it reads (those of its views included).
    pub datasets: Vec<String>,
    /// Other views it reads by name.
    #[serde(default)]
    pub views: Vec<String>,
    /// Shared parameters, substituted as `{name}` (not overridable per model).
    #[serde(default)]
    pub params: BTreeMap<String, toml::Value>,
    pub sql: String,
}

/// How the model computes its rows.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuerySpec {
    /// `sql` (default) or a built-in analyzer.
    #[serde(default)]
    pub kind: QueryKind,
    /// The SQL text: the model's rows, or the analyzer's input rows.
    pub sql: Option<String>,
    /// A column every dataset of the model holds (such as `id_number`) by
    /// which its query groups and joins throughout, so rows with different
    /// values never meet: the streaming engine may then run the query on
    /// one slice of these values at a time and put the results together.
    #[serde(default)]
    pub partition_by: Option<String>,
    /// Which of polars' engines runs the query over loaded data.
    #[serde(default)]
    pub executor: Executor,
}

/// Which of polars' engines runs a model's query over loaded data. Both give
/// the same rows; they differ in speed by the shape of the query.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Executor {
    /// The in-memory engine, the query collected with the batch's other
    /// in-memory queries in one polars call that runs them side by side.
    #[default]
    InMemory,
    /// The streaming engine, the query alone: it aggregates and joins in
    /// batches on every core without listing each group's rows, so a
    /// group-by over many groups (a person and a month of every payment)
    /// runs faster. Aggregates it cannot stream (`COUNT(DISTINCT …)`,
    /// `STRING_AGG`, `MEDIAN`) fall back to the in-memory engine there and
    /// run slower than in the batch.
    Streaming,
}

/// How a model computes its rows: SQL alone, or SQL rows through a built-in
/// statistical analyzer. An unknown kind is a TOML error with its line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueryKind {
    #[default]
    Sql,
    /// Benford first-digit test per group (`cw.benford_village_payments`).
    Benford,
    /// Robust z-score against peers (`cw.spending_outlier`).
    PeerOutlier,
}

impl QueryKind {
    /// The name written in model files.
    pub fn name(self) -> &'static str {
        match self {
            QueryKind::Sql => "sql",
            QueryKind::Benford => "benford",
            QueryKind::PeerOutlier => "peer_outlier",
        }
    }

    /// What validation needs to know of the analyzer, for analyzer kinds.
    pub fn analyzer(self) -> Option<&'static crate::validate::Analyzer> {
        crate::validate::ANALYZERS.iter().find(|a| a.kind == self)
    }
}

/// How a result row becomes a finding: which output columns hold what.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingSpec {
    /// Column whose value identifies what the finding is about.
    pub subject: String,
    /// person / household / contract / voucher / lease / machine / village /
    /// account; inferred from the subject column when absent.
    pub subject_type: Option<String>,
    /// Column with the subject's name.
    pub subject_name: Option<String>,
    /// Column with the 12-digit village code, for grouping.
    pub village: Option<String>,
    /// Column with the amount involved, in 元.
    pub amount: Option<String>,
    pub period_from: Option<String>,
    pub period_to: Option<String>,
    /// Further columns that, with the subject, identify one problem
    /// (e.g. `program`); they enter the finding id.
    #[serde(default)]
    pub key: Vec<String>,
    /// Chinese sentence with `{column}` placeholders.
    pub explain: String,
}

impl FindingSpec {
    /// The subject type, explicit or inferred from the subject column's name.
    pub fn subject_type(&self) -> Option<&str> {
        if let Some(t) = &self.subject_type {
            return Some(t);
        }
        let s = self.subject.as_str();
        Some(match s {
            _ if s.ends_with("id_number") => "person",
            "household_id" => "household",
            "contract_no" => "contract",
            "voucher_no" => "voucher",
            "lease_no" => "lease",
            "application_no" | "factory_serial" | "engine_no" => "machine",
            "village_code" => "village",
            "bank_account" | "payee_account" => "account",
            _ => return None,
        })
    }

    /// Every output column the mapping names, with the field naming it.
    pub fn named_columns(&self) -> Vec<(&'static str, &str)> {
        let mut out = vec![("subject", self.subject.as_str())];
        let optional = [
            ("subject_name", &self.subject_name),
            ("village", &self.village),
            ("amount", &self.amount),
            ("period_from", &self.period_from),
            ("period_to", &self.period_to),
        ];
        out.extend(
            optional
                .iter()
                .filter_map(|(f, c)| c.as_deref().map(|c| (*f, c))),
        );
        out.extend(self.key.iter().map(|k| ("key", k.as_str())));
        out
    }
}

/// `{name}` placeholders in a template, in order of appearance.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                if !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                    out.push(name);
                }
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_found_in_order() {
        assert_eq!(
            placeholders("{name}于{death_date}死亡，共{amount}元"),
            vec!["name", "death_date", "amount"]
        );
        assert_eq!(placeholders("no {} or {a b} here"), Vec::<&str>::new());
    }

    #[test]
    fn subject_types_are_inferred() {
        let f: FindingSpec = toml::from_str("subject = \"contract_no\"\nexplain = \"x\"").unwrap();
        assert_eq!(f.subject_type(), Some("contract"));
        let f: FindingSpec = toml::from_str("subject = \"x\"\nexplain = \"x\"").unwrap();
        assert_eq!(f.subject_type(), None);
    }
}
