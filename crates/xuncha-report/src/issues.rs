//! Issue lists (问题清单) for patrol groups: findings grouped into books (one
//! per township, village or patrol group), each with its villages, as the
//! XLSX workbooks and the HTML report present them.

use std::collections::BTreeMap;

use serde::Deserialize;
use xuncha_schema::{mask_id, mask_personal_numbers_in, Finding, Severity};

/// What the reader of an issue list needs to know about a model.
#[derive(Debug, Clone, Default)]
pub struct ModelInfo {
    pub id: String,
    pub title: String,
    pub category: String,
    pub description: String,
    pub basis: String,
    /// 核实要点: what to check on the ground.
    pub verify: String,
}

/// About the run the findings came from.
#[derive(Debug, Clone, Default)]
pub struct RunInfo {
    pub run_id: String,
    pub as_of: Option<String>,
    pub models_run: usize,
    /// Leads triaged as false positives and left out.
    pub false_positives_hidden: usize,
    /// The data gaps of the run, a line each: what the models could not
    /// see, so that no lead missing from the list reads as none there.
    pub gaps: Vec<String>,
}

/// `patrol_groups.toml`: which townships and villages each group covers.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatrolGroups {
    #[serde(rename = "group", default)]
    pub groups: Vec<PatrolGroup>,
}

/// One patrol group (巡察组).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatrolGroup {
    pub name: String,
    #[serde(default)]
    pub townships: Vec<String>,
    /// 12-digit village codes.
    #[serde(default)]
    pub villages: Vec<String>,
}

/// How findings are split into books.
#[derive(Debug, Clone)]
pub enum GroupBy {
    Township,
    Village,
    PatrolGroup(PatrolGroups),
}

/// Books and villages that have no name in the data.
pub const UNKNOWN_TOWNSHIP: &str = "未知乡镇";
pub const UNASSIGNED_GROUP: &str = "未分组";

/// One village's leads.
#[derive(Debug, Clone)]
pub struct VillageIssues<'f> {
    pub code: String,
    pub name: String,
    pub township: String,
    pub findings: Vec<&'f Finding>,
}

impl VillageIssues<'_> {
    /// Amount involved, in 元.
    pub fn amount(&self) -> f64 {
        xuncha_schema::total_amount(self.findings.iter().copied())
    }

    /// Findings of a severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// The village's label as users read it.
    pub fn label(&self) -> String {
        format!("{}{}", self.township, self.name)
    }
}

/// A book: a township, village or patrol group with its villages.
#[derive(Debug, Clone)]
pub struct Book<'f> {
    pub name: String,
    pub villages: Vec<VillageIssues<'f>>,
}

/// (village code, township, village name) of a finding; sorts by code.
type VillageKey = (String, String, String);

fn village_key(f: &Finding) -> VillageKey {
    let code = f.village_code.clone().unwrap_or_default();
    let name = f.village_name.clone().unwrap_or_else(|| {
        if code.is_empty() {
            "未知村".to_string()
        } else {
            code.clone()
        }
    });
    let township = f
        .township
        .clone()
        .unwrap_or_else(|| UNKNOWN_TOWNSHIP.to_string());
    (code, township, name)
}

/// Split findings into books, villages in code order, findings by severity
/// then model then subject.
pub fn books<'f>(findings: &'f [Finding], by: &GroupBy) -> Vec<Book<'f>> {
    let mut grouped: BTreeMap<String, BTreeMap<VillageKey, Vec<&'f Finding>>> = BTreeMap::new();
    for f in findings {
        let (code, township, name) = village_key(f);
        let book = match by {
            GroupBy::Township => township.clone(),
            GroupBy::Village => format!("{township}{name}"),
            GroupBy::PatrolGroup(groups) => groups
                .groups
                .iter()
                .find(|g| g.villages.contains(&code) || g.townships.contains(&township))
                .map_or_else(|| UNASSIGNED_GROUP.to_string(), |g| g.name.clone()),
        };
        grouped
            .entry(book)
            .or_default()
            .entry((code.clone(), township, name))
            .or_default()
            .push(f);
    }
    grouped
        .into_iter()
        .map(|(name, villages)| Book {
            name,
            villages: villages
                .into_iter()
                .map(|((code, township, vname), mut list)| {
                    list.sort_by(|a, b| {
                        (a.severity, &a.model_id, &a.subject_key).cmp(&(
                            b.severity,
                            &b.model_id,
                            &b.subject_key,
                        ))
                    });
                    VillageIssues {
                        code,
                        name: vname,
                        township,
                        findings: list,
                    }
                })
                .collect(),
        })
        .collect()
}

/// The human-facing columns of one lead (masked unless `unmask`).
pub struct LeadRow {
    pub model: String,
    pub severity: &'static str,
    pub subject: String,
    pub id_number: String,
    pub amount: Option<f64>,
    pub explain: String,
    pub verify: String,
    pub sources: String,
    pub finding_id: String,
    pub triage: String,
}

/// Header of the lead id column, which a returned list is matched on.
pub const FINDING_ID_HEADER: &str = "疑点编号";
/// Header of the column where the patrol group writes its verdict.
pub const VERDICT_HEADER: &str = "核实结果";
/// Header of the column for what was done about a lead.
pub const RECTIFICATION_HEADER: &str = "整改情况";

/// Columns of a village's lead table, in order.
pub const LEAD_HEADERS: [&str; 13] = [
    "序号",
    "模型",
    "风险等级",
    "对象",
    "身份证号(脱敏)",
    "涉及金额(元)",
    "问题描述",
    "核实要点",
    "数据来源",
    "状态",
    VERDICT_HEADER,
    RECTIFICATION_HEADER,
    FINDING_ID_HEADER,
];

/// A finding as an issue-list row.
pub fn lead_row(f: &Finding, models: &[ModelInfo], unmask: bool) -> LeadRow {
    let mask = |s: &str| {
        if unmask {
            s.to_string()
        } else {
            mask_personal_numbers_in(s)
        }
    };
    let id_number = if f.subject_type == "person" {
        f.subject_key.clone()
    } else {
        String::new()
    };
    LeadRow {
        model: f.model_title.clone(),
        severity: f.severity.label_zh(),
        subject: mask(subject_label(f)),
        id_number: if unmask || id_number.is_empty() {
            id_number
        } else {
            mask_id(&id_number)
        },
        amount: f.amount,
        explain: mask(&f.explain),
        verify: models
            .iter()
            .find(|m| m.id == f.model_id)
            .map(|m| m.verify.clone())
            .unwrap_or_default(),
        sources: compact_sources(&f.sources),
        finding_id: f.finding_id.clone(),
        triage: f.triage.clone().unwrap_or_default(),
    }
}

/// Who or what a lead is about, for reading: its name; for a village
/// without one, the name the villages directory gives its code; else its key.
fn subject_label(f: &Finding) -> &str {
    let village = (f.subject_type == "village" && f.village_code.as_ref() == Some(&f.subject_key))
        .then_some(f.village_name.as_deref())
        .flatten();
    (f.subject_name.as_deref())
        .or(village)
        .unwrap_or(&f.subject_key)
}

/// The rows a lead cites, for reading: the lines of one file (or sheet)
/// together, runs of lines as ranges (`低保发放.csv:193-204、210`), files
/// in the order first cited; a source that is not `file:line` as it is.
pub fn compact_sources(sources: &[String]) -> String {
    let mut files: Vec<(&str, Vec<u64>)> = Vec::new();
    let mut others: Vec<&str> = Vec::new();
    for source in sources {
        match source
            .rsplit_once(':')
            .and_then(|(f, l)| Some((f, l.parse::<u64>().ok()?)))
        {
            Some((file, line)) => match files.iter_mut().find(|(f, _)| *f == file) {
                Some((_, lines)) => lines.push(line),
                None => files.push((file, vec![line])),
            },
            None => others.push(source),
        }
    }
    let mut parts: Vec<String> = Vec::new();
    for (file, mut lines) in files {
        lines.sort_unstable();
        lines.dedup();
        let mut runs: Vec<String> = Vec::new();
        let mut start = 0;
        for i in 1..=lines.len() {
            if i == lines.len() || lines[i] != lines[i - 1] + 1 {
                runs.push(match i - 1 - start {
                    0 => lines[start].to_string(),
                    _ => format!("{}-{}", lines[start], lines[i - 1]),
                });
                start = i;
            }
        }
        parts.push(format!("{file}:{}", runs.join("、")));
    }
    parts.extend(others.into_iter().map(str::to_string));
    parts.join("；")
}

/// Counts by category across findings, in category order.
pub fn by_category<'a>(
    findings: impl Iterator<Item = &'a Finding>,
) -> BTreeMap<String, (usize, f64)> {
    let mut out: BTreeMap<String, (usize, f64)> = BTreeMap::new();
    for f in findings {
        let e = out.entry(f.category.clone()).or_default();
        e.0 += 1;
        e.1 += f.amount.unwrap_or(0.0);
    }
    out
}

/// Model titles by number of findings, most first.
pub fn top_models<'a>(
    findings: impl Iterator<Item = &'a Finding>,
    n: usize,
) -> Vec<(String, usize)> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for f in findings {
        *counts.entry(f.model_title.clone()).or_default() += 1;
    }
    let mut list: Vec<(String, usize)> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    list.truncate(n);
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Twelve months of one person's rows read as one range; another file's
    /// row and a sheet's rows keep their own; a source without a line stays.
    #[test]
    fn a_lead_cites_runs_of_rows_as_ranges() {
        let mut sources: Vec<String> = (193..=204).map(|l| format!("发放.csv:{l}")).collect();
        sources.push("死亡.csv:3".into());
        sources.push("发放.csv:210".into());
        sources.push("名册.xlsx#低保:7".into());
        sources.push("名册.xlsx#低保:5".into());
        sources.push("无行号".into());
        assert_eq!(
            compact_sources(&sources),
            "发放.csv:193-204、210；死亡.csv:3；名册.xlsx#低保:5、7；无行号"
        );
        assert_eq!(compact_sources(&["a.csv:2".into()]), "a.csv:2");
    }

    /// A lead about a village reads as the village's name where the
    /// villages directory gives one, else as its code; a person as a name.
    #[test]
    fn a_village_lead_is_named_by_its_village() {
        let mut f: Finding = serde_json::from_value(serde_json::json!({
            "finding_id": "a", "run_id": "r", "model_id": "zc.x", "model_title": "测试",
            "category": "集体三资", "severity": "medium", "village_code": "411102001002",
            "village_name": "西村", "subject_type": "village", "subject_key": "411102001002",
            "explain": "该村", "evidence": {}, "sources": []
        }))
        .unwrap();
        assert_eq!(lead_row(&f, &[], false).subject, "西村");
        f.village_name = None;
        assert_eq!(lead_row(&f, &[], false).subject, "411102001002");
        f.subject_type = "person".into();
        f.subject_name = Some("张三".into());
        assert_eq!(lead_row(&f, &[], false).subject, "张三");
    }
}
