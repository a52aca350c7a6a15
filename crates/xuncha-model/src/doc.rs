//! The model catalog as Markdown (`xuncha models doc`): grouped by
//! category, each model's title, what it finds, basis, what to verify,
//! datasets and parameters with their defaults.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::Model;

/// `name` = value pairs of a model's or view's parameters, for the catalog.
fn params_text(params: &BTreeMap<String, toml::Value>) -> String {
    params
        .iter()
        .map(|(k, v)| format!("`{k}` = {}", param_text(v)))
        .collect::<Vec<_>>()
        .join("；")
}

fn param_text(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Array(items) => items.iter().map(param_text).collect::<Vec<_>>().join("、"),
        other => other.to_string(),
    }
}

/// Text on one line: line breaks between Chinese characters vanish, other
/// whitespace runs become one space (so English titles keep their spaces).
fn one_line(text: &str) -> String {
    let mut out = String::new();
    for word in text.split_whitespace() {
        let joins = |c: Option<char>| c.is_some_and(|c| !c.is_ascii());
        let chinese_pair = joins(out.chars().last()) && joins(word.chars().next());
        if !out.is_empty() && !chinese_pair {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Render the catalog of the given models.
pub fn catalog_markdown(models: &[Model]) -> String {
    let mut by_category: BTreeMap<&str, Vec<&Model>> = BTreeMap::new();
    for m in models {
        by_category
            .entry(m.spec.category.as_str())
            .or_default()
            .push(m);
    }
    let mut out = String::from("# 比对模型目录\n\n由 `xuncha models doc` 生成，请勿手工编辑。\n");
    let _ = writeln!(out, "\n共 {} 个模型。\n", models.len());
    for (category, list) in &by_category {
        let _ = writeln!(out, "## {category}\n");
        for m in list {
            let s = &m.spec;
            let _ = writeln!(out, "### {}（`{}`）\n", s.title, s.id);
            let _ = writeln!(out, "- 风险等级：{}", s.severity.label_zh());
            if s.query.kind != crate::spec::QueryKind::Sql {
                let _ = writeln!(out, "- 方法：内置统计分析 `{}`", s.query.kind.name());
            }
            let _ = writeln!(out, "- 查找：{}", one_line(&s.description));
            if !s.basis.is_empty() {
                let _ = writeln!(out, "- 依据：{}", one_line(&s.basis));
            }
            if !s.verify.is_empty() {
                let _ = writeln!(out, "- 核实要点：{}", one_line(&s.verify));
            }
            if !s.views.is_empty() {
                let views: Vec<String> = m
                    .views
                    .iter()
                    .filter(|v| s.views.contains(&v.spec.id))
                    .map(|v| format!("`{}`（{}）", v.spec.id, v.spec.title))
                    .collect();
                let _ = writeln!(out, "- 共用视图：{}", views.join("、"));
            }
            let listed = |datasets: &[String]| {
                let quoted: Vec<String> = datasets.iter().map(|d| format!("`{d}`")).collect();
                quoted.join("、")
            };
            let _ = writeln!(out, "- 数据集：{}", listed(&s.datasets));
            if !s.not_in.is_empty() {
                let _ = writeln!(
                    out,
                    "- 按“不在其中”比对：{}（没有数据行时不运行）",
                    listed(&s.not_in)
                );
            }
            if s.params.is_empty() {
                let _ = writeln!(out, "- 参数：无");
            } else {
                let _ = writeln!(out, "- 参数（默认值）：{}", params_text(&s.params));
            }
            out.push('\n');
        }
    }
    let mut views: Vec<&crate::View> = models.iter().flat_map(|m| &m.views).collect();
    views.sort_by(|a, b| a.spec.id.cmp(&b.spec.id));
    views.dedup_by(|a, b| a.spec.id == b.spec.id);
    if !views.is_empty() {
        let _ = writeln!(
            out,
            "## 共用视图

模型通过 `views` 引用，定义在 `models/_views/`，一处修改对所有模型生效。\n"
        );
        for v in views {
            let s = &v.spec;
            let _ = writeln!(out, "### {}（`{}`）\n", s.title, s.id);
            let _ = writeln!(out, "- 内容：{}", one_line(&s.description));
            let mut reads: Vec<String> = s.datasets.iter().map(|d| format!("`{d}`")).collect();
            reads.extend(s.views.iter().map(|d| format!("视图 `{d}`")));
            let _ = writeln!(out, "- 读取：{}", reads.join("、"));
            let used: Vec<String> = models
                .iter()
                .filter(|m| m.views.iter().any(|x| x.spec.id == s.id))
                .map(|m| format!("`{}`", m.spec.id))
                .collect();
            let _ = writeln!(out, "- 使用的模型：{}", used.join("、"));
            if !s.params.is_empty() {
                let _ = writeln!(out, "- 共用参数：{}", params_text(&s.params));
            }
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn line_breaks_vanish_between_chinese_but_english_keeps_its_spaces() {
        assert_eq!(one_line("按村检验\n  首位数字"), "按村检验首位数字");
        assert_eq!(
            one_line("Nigrini《Benford's Law:\n  Applications》（2012）"),
            "Nigrini《Benford's Law: Applications》（2012）"
        );
    }
}
