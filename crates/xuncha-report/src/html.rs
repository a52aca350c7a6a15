//! The self-contained HTML report: overview with inline SVG charts, villages
//! ranked, and per-village lead tables that sort and filter in the page.
//! Nothing is fetched when it is opened.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use xuncha_schema::{format_money, Finding, Severity};

use crate::issues::{books, by_category, lead_row, GroupBy, ModelInfo, RunInfo, LEAD_HEADERS};
use crate::WriteError;

/// Escape text for HTML.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Longest label a chart shows whole; a longer one ends in `…`, its full
/// text in the label's tooltip.
const LABEL_CHARS: usize = 26;

/// A horizontal bar chart as inline SVG, its label column as wide as its
/// longest label (a model's title is read whole, not cut at a width).
fn bar_chart(id: &str, title: &str, rows: &[(String, usize, f64)]) -> String {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(1).max(1) as f64;
    let height = 28 * rows.len() + 10;
    let longest = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    // 12 px CJK characters and a margin before the bar.
    let bar_x = 13.0 * longest.min(LABEL_CHARS) as f64 + 10.0;
    let mut svg = format!(
        "<figure class=\"chart\" id=\"{id}\"><figcaption>{}</figcaption><svg width=\"{:.0}\" height=\"{height}\" role=\"img\" aria-label=\"{}\">",
        escape(title),
        bar_x + 390.0,
        escape(title)
    );
    for (i, (label, n, amount)) in rows.iter().enumerate() {
        let y = 28 * i + 5;
        let w = (*n as f64 / max * 260.0).max(1.0);
        let shown: String = if label.chars().count() > LABEL_CHARS {
            label.chars().take(LABEL_CHARS - 1).chain(['…']).collect()
        } else {
            label.clone()
        };
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\" class=\"lbl\"><title>{}</title>{}</text><rect x=\"{bar_x:.0}\" y=\"{y}\" width=\"{w:.1}\" height=\"20\" rx=\"3\"></rect><text x=\"{:.1}\" y=\"{}\" class=\"val\">{n} 条 / {} 元</text>",
            y + 15,
            escape(label),
            escape(&shown),
            bar_x + 5.0 + w,
            y + 15,
            format_money(*amount)
        );
    }
    svg.push_str("</svg></figure>");
    svg
}

fn tally<'a>(
    findings: impl Iterator<Item = &'a Finding>,
    key: impl Fn(&Finding) -> String,
) -> Vec<(String, usize, f64)> {
    let mut map: BTreeMap<String, (usize, f64)> = BTreeMap::new();
    for f in findings {
        let e = map.entry(key(f)).or_default();
        e.0 += 1;
        e.1 += f.amount.unwrap_or(0.0);
    }
    let mut rows: Vec<(String, usize, f64)> =
        map.into_iter().map(|(k, (n, a))| (k, n, a)).collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    rows
}

const STYLE: &str = "body{font-family:'Microsoft YaHei','PingFang SC','Noto Sans CJK SC',sans-serif;margin:24px;color:#222}\
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:2px solid #2b6cb0}\
.totals{display:flex;gap:16px;flex-wrap:wrap}.card{background:#f0f5fb;padding:12px 18px;border-radius:6px}\
.card b{display:block;font-size:22px;color:#2b6cb0}.charts{display:flex;flex-wrap:wrap;gap:24px}\
.chart rect{fill:#2b6cb0}.chart text{font-size:12px}.chart figcaption{font-weight:bold;margin-bottom:6px}\
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid #ccd;padding:4px 6px;vertical-align:top}\
th{background:#ddebf7;cursor:pointer;position:sticky;top:0}td.num{text-align:right;white-space:nowrap}\
td.high{background:#ffc7ce;color:#9c0006;font-weight:bold}.note{color:#666;font-size:12px}\
#filter{width:320px;padding:6px;margin:8px 0}\
table.leads td:nth-child(2){min-width:8em}table.leads :is(td,th):is(:nth-child(3),:nth-child(5)){white-space:nowrap}\
table.leads td:nth-child(4){min-width:5em}table.leads td:nth-child(7){min-width:18em}\
table.leads td:nth-child(8){min-width:12em}\
table.leads td:nth-child(9){min-width:12em;max-width:18em;word-break:break-all;font-size:12px}";

const SCRIPT: &str = "document.querySelectorAll('table.sortable th').forEach(function(th,i){th.addEventListener('click',function(){\
var t=th.closest('table'),b=t.tBodies[0],rows=Array.from(b.rows),asc=th.dataset.asc!=='1';th.dataset.asc=asc?'1':'0';\
rows.sort(function(x,y){var a=x.cells[i].dataset.v||x.cells[i].textContent,c=y.cells[i].dataset.v||y.cells[i].textContent;\
var n=parseFloat(a),m=parseFloat(c);var r=(!isNaN(n)&&!isNaN(m))?n-m:a.localeCompare(c,'zh');return asc?r:-r;});\
rows.forEach(function(r){b.appendChild(r);});});});\
document.getElementById('filter').addEventListener('input',function(e){var q=e.target.value.trim();\
document.querySelectorAll('table.leads tbody tr').forEach(function(r){r.style.display=(!q||r.textContent.indexOf(q)>=0)?'':'none';});});";

/// Write the report for all findings to one HTML file.
pub fn write_html(
    findings: &[Finding],
    models: &[ModelInfo],
    run: &RunInfo,
    title: &str,
    unmask: bool,
    path: &Path,
) -> Result<(), WriteError> {
    let total_amount = xuncha_schema::total_amount(findings);
    let high = findings
        .iter()
        .filter(|f| f.severity == Severity::High)
        .count();
    let grouped = books(findings, &GroupBy::Township);
    let villages: Vec<_> = grouped.iter().flat_map(|b| b.villages.iter()).collect();
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{t}</title><style>{STYLE}</style></head><body>\
<h1>{t}</h1><p class=\"note\">数据截至 {}；运行 {}；运行模型 {} 个；已排除核实为误报的疑点 {} 条。{}本报告所列均为疑点线索，须经实地核实。</p>",
        escape(run.as_of.as_deref().unwrap_or("未记录")),
        escape(&run.run_id),
        run.models_run,
        run.false_positives_hidden,
        if unmask { "【未脱敏，注意保密】" } else { "身份证号和银行账号已脱敏。" },
        t = escape(title),
    );
    if !run.gaps.is_empty() {
        h.push_str("<section id=\"gaps\" class=\"note\"><h2>数据缺口</h2><p>以下数据不完整，相关模型查不到的问题不等于没有问题：</p><ul>");
        for g in &run.gaps {
            let _ = write!(h, "<li>{}</li>", escape(g));
        }
        h.push_str("</ul></section>");
    }
    let _ = write!(
        h,
        "<section class=\"totals\"><div class=\"card\">疑点<b id=\"total-findings\">{}</b></div><div class=\"card\">涉及金额（元）<b id=\"total-amount\">{}</b></div>\
<div class=\"card\">涉及村（社区）<b id=\"total-villages\">{}</b></div><div class=\"card\">高风险<b id=\"total-high\">{high}</b></div></section>",
        findings.len(),
        format_money(total_amount),
        villages.len()
    );
    h.push_str("<h2>概览</h2><div class=\"charts\">");
    let categories: Vec<(String, usize, f64)> = by_category(findings.iter())
        .into_iter()
        .map(|(k, (n, a))| (k, n, a))
        .collect();
    h.push_str(&bar_chart("chart-category", "按类别", &categories));
    h.push_str(&bar_chart(
        "chart-township",
        "按乡镇",
        &tally(findings.iter(), |f| f.township.clone().unwrap_or_default()),
    ));
    h.push_str(&bar_chart(
        "chart-model",
        "按模型",
        &tally(findings.iter(), |f| f.model_title.clone()),
    ));
    h.push_str("</div><h2>村（社区）排名</h2><table id=\"village-rank\" class=\"sortable\"><thead><tr><th>排名</th><th>乡镇</th><th>村（社区）</th><th>疑点数</th><th>高风险</th><th>涉及金额（元）</th></tr></thead><tbody>");
    let mut ranked = villages.clone();
    ranked.sort_by(|a, b| {
        b.findings
            .len()
            .cmp(&a.findings.len())
            .then(b.amount().total_cmp(&a.amount()))
            .then(a.code.cmp(&b.code))
    });
    for (i, v) in ranked.iter().enumerate() {
        let _ = write!(
            h,
            "<tr data-village=\"{}\"><td class=\"num\">{}</td><td>{}</td><td><a href=\"#v-{}\">{}</a></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\" data-v=\"{:.2}\">{}</td></tr>",
            escape(&v.code),
            i + 1,
            escape(&v.township),
            escape(&v.code),
            escape(&v.name),
            v.findings.len(),
            v.count(Severity::High),
            v.amount(),
            format_money(v.amount())
        );
    }
    h.push_str("</tbody></table><h2>疑点明细</h2><input id=\"filter\" type=\"search\" placeholder=\"筛选：模型、对象、描述……\">");
    for v in &villages {
        let _ = write!(
            h,
            "<section class=\"village\" id=\"v-{}\"><h3>{} {}（{}）：{} 条，涉及 {} 元</h3><table class=\"leads sortable\"><thead><tr>",
            escape(&v.code),
            escape(&v.township),
            escape(&v.name),
            escape(&v.code),
            v.findings.len(),
            format_money(v.amount())
        );
        for head in LEAD_HEADERS
            .iter()
            .filter(|h| !matches!(**h, "核实结果" | "整改情况"))
        {
            let _ = write!(h, "<th>{head}</th>");
        }
        h.push_str("</tr></thead><tbody>");
        for (i, f) in v.findings.iter().enumerate() {
            let r = lead_row(f, models, unmask);
            let severity_class = if f.severity == Severity::High {
                " class=\"high\""
            } else {
                ""
            };
            let _ = write!(
                h,
                "<tr><td class=\"num\">{}</td><td>{}</td><td{severity_class} data-v=\"{}\">{}</td><td>{}</td><td>{}</td><td class=\"num\" data-v=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                i + 1,
                escape(&r.model),
                f.severity as u8,
                r.severity,
                escape(&r.subject),
                escape(&r.id_number),
                r.amount.map_or(String::new(), |a| format!("{a:.2}")),
                r.amount.map_or(String::new(), format_money),
                escape(&r.explain),
                escape(&r.verify),
                escape(&r.sources),
                escape(&r.triage),
                escape(&r.finding_id)
            );
        }
        h.push_str("</tbody></table></section>");
    }
    let _ = write!(h, "<script>{SCRIPT}</script></body></html>");
    crate::atomic(path, |partial| {
        std::fs::write(partial, &h).map_err(|e| WriteError {
            path: path.display().to_string(),
            message: e.to_string(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model's title (up to 26 characters) is shown whole, the bars set
    /// after it; a longer label ends in `…` with its full text as tooltip.
    #[test]
    fn chart_labels_are_read_whole() {
        let title = "享受危房改造补助的家庭在城镇有房产";
        let long = "一个很长很长的模型标题用来检查图表标签在超过二十六个字时如何显示";
        let svg = bar_chart("c", "按模型", &[(title.to_string(), 2, 5.0)]);
        assert!(
            svg.contains(&format!("<title>{title}</title>{title}</text>")),
            "{svg}"
        );
        let svg = bar_chart("c", "按模型", &[(long.to_string(), 2, 5.0)]);
        let shown: String = long.chars().take(25).chain(['…']).collect();
        assert!(
            svg.contains(&format!("<title>{long}</title>{shown}</text>")),
            "{svg}"
        );
    }
}
