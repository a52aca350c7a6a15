//! Issue-list workbooks (rust_xlsxwriter): 汇总, one sheet per village,
//! 模型说明. Amounts are numbers, headers frozen with an autofilter, high
//! severity marked, ID numbers masked unless unmasked on purpose.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Color, DocProperties, Format, FormatBorder, Workbook, Worksheet, XlsxError};
use xuncha_schema::Severity;

use crate::issues::{by_category, lead_row, top_models, Book, ModelInfo, RunInfo, LEAD_HEADERS};
use crate::WriteError;

/// A sheet name Excel accepts: no `[]:*?/\`, at most 31 characters, unique
/// among `used`.
pub fn sheet_name(raw: &str, used: &mut BTreeSet<String>) -> String {
    let clean: String = raw
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let clean = clean.trim_matches('\'').to_string();
    let base: String = clean.chars().take(31).collect();
    let base = if base.is_empty() {
        "Sheet".to_string()
    } else {
        base
    };
    let mut name = base.clone();
    let mut n = 2;
    while used.contains(&name.to_lowercase()) {
        let suffix = format!("({n})");
        name = base
            .chars()
            .take(31 - suffix.chars().count())
            .collect::<String>()
            + &suffix;
        n += 1;
    }
    used.insert(name.to_lowercase());
    name
}

/// A file name for a book: path separators and reserved characters replaced.
pub fn file_stem(name: &str) -> String {
    name.chars()
        .map(|c| if "/\\:*?\"<>|".contains(c) { '_' } else { c })
        .collect()
}

struct Formats {
    header: Format,
    wrap: Format,
    money: Format,
    high: Format,
    bold: Format,
    bold_money: Format,
}

fn formats() -> Formats {
    let border = |f: Format| f.set_border(FormatBorder::Thin);
    Formats {
        header: border(
            Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_text_wrap(),
        ),
        wrap: border(Format::new().set_text_wrap()),
        money: border(Format::new().set_num_format("#,##0.00")),
        high: border(
            Format::new()
                .set_bold()
                .set_font_color(Color::RGB(0x9C0006))
                .set_background_color(Color::RGB(0xFFC7CE)),
        ),
        bold: Format::new().set_bold(),
        bold_money: Format::new().set_bold().set_num_format("#,##0.00"),
    }
}

/// Write one workbook per book into `dir`; returns the paths written.
pub fn write_workbooks(
    books: &[Book<'_>],
    models: &[ModelInfo],
    run: &RunInfo,
    unmask: bool,
    dir: &Path,
) -> Result<Vec<PathBuf>, WriteError> {
    std::fs::create_dir_all(dir).map_err(|e| WriteError {
        path: dir.display().to_string(),
        message: e.to_string(),
    })?;
    let mut out = Vec::new();
    for book in books {
        let path = dir.join(format!("问题清单_{}.xlsx", file_stem(&book.name)));
        crate::atomic(&path, |partial| {
            write_book(book, models, run, unmask, partial).map_err(|e| WriteError {
                path: path.display().to_string(),
                message: e.to_string(),
            })
        })?;
        out.push(path);
    }
    Ok(out)
}

fn write_book(
    book: &Book<'_>,
    models: &[ModelInfo],
    run: &RunInfo,
    unmask: bool,
    path: &Path,
) -> Result<(), XlsxError> {
    let f = formats();
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("{}问题清单", book.name))
            .set_comment(format!("xuncha 运行 {}", run.run_id))
            .set_custom_property("身份证号脱敏", !unmask),
    );
    let mut used = BTreeSet::new();
    let summary_name = sheet_name("汇总", &mut used);
    let all: Vec<_> = book
        .villages
        .iter()
        .flat_map(|v| v.findings.iter().copied())
        .collect();
    let categories: Vec<String> = by_category(all.iter().copied()).into_keys().collect();
    {
        let ws = wb.add_worksheet();
        ws.set_name(&summary_name)?;
        let mut headers: Vec<String> = ["乡镇", "村(社区)", "村代码", "疑点数", "高", "中", "低"]
            .map(String::from)
            .to_vec();
        headers.extend(categories.iter().cloned());
        headers.extend(["涉及金额(元)".to_string(), "主要问题".to_string()]);
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &f.header)?;
        }
        let mut r = 1u32;
        for v in &book.villages {
            let cats = by_category(v.findings.iter().copied());
            ws.write_string_with_format(r, 0, &v.township, &f.wrap)?;
            ws.write_string_with_format(r, 1, &v.name, &f.wrap)?;
            ws.write_string_with_format(r, 2, &v.code, &f.wrap)?;
            ws.write_number_with_format(r, 3, v.findings.len() as f64, &f.wrap)?;
            for (i, s) in [Severity::High, Severity::Medium, Severity::Low]
                .into_iter()
                .enumerate()
            {
                ws.write_number_with_format(r, 4 + i as u16, v.count(s) as f64, &f.wrap)?;
            }
            for (i, c) in categories.iter().enumerate() {
                ws.write_number_with_format(
                    r,
                    7 + i as u16,
                    cats.get(c).map_or(0, |x| x.0) as f64,
                    &f.wrap,
                )?;
            }
            let col = 7 + categories.len() as u16;
            ws.write_number_with_format(r, col, v.amount(), &f.money)?;
            let top: Vec<String> = top_models(v.findings.iter().copied(), 3)
                .into_iter()
                .map(|(t, n)| format!("{t}（{n}）"))
                .collect();
            ws.write_string_with_format(r, col + 1, top.join("；"), &f.wrap)?;
            r += 1;
        }
        ws.write_string_with_format(r, 0, "合计", &f.bold)?;
        ws.write_number_with_format(r, 3, all.len() as f64, &f.bold)?;
        for (i, s) in [Severity::High, Severity::Medium, Severity::Low]
            .into_iter()
            .enumerate()
        {
            ws.write_number_with_format(
                r,
                4 + i as u16,
                all.iter().filter(|x| x.severity == s).count() as f64,
                &f.bold,
            )?;
        }
        let totals = by_category(all.iter().copied());
        for (i, c) in categories.iter().enumerate() {
            ws.write_number_with_format(r, 7 + i as u16, totals[c].0 as f64, &f.bold)?;
        }
        let amount = xuncha_schema::total_amount(all.iter().copied());
        ws.write_number_with_format(r, 7 + categories.len() as u16, amount, &f.bold_money)?;
        let note = format!(
            "数据截至：{}；运行编号：{}；运行模型 {} 个；已排除核实为误报的疑点 {} 条。本清单为疑点线索，须经实地核实，不作为定性结论。",
            run.as_of.as_deref().unwrap_or("未记录"),
            run.run_id,
            run.models_run,
            run.false_positives_hidden
        );
        ws.write_string(r + 2, 0, note)?;
        if !run.gaps.is_empty() {
            let said = "数据缺口（相关模型查不到的问题不等于没有问题）：";
            ws.write_string_with_format(r + 3, 0, said, &f.bold)?;
            for (i, g) in run.gaps.iter().enumerate() {
                ws.write_string(r + 4 + i as u32, 0, g)?;
            }
        }
        ws.set_freeze_panes(1, 0)?;
        ws.autofilter(0, 0, r - 1, headers.len() as u16 - 1)?;
        ws.set_column_width(0, 12)?;
        ws.set_column_width(1, 14)?;
        ws.set_column_width(2, 14)?;
        ws.set_column_width(7 + categories.len() as u16, 16)?;
        ws.set_column_width(8 + categories.len() as u16, 50)?;
    }
    for v in &book.villages {
        let name = sheet_name(&v.name, &mut used);
        let ws = wb.add_worksheet();
        ws.set_name(&name)?;
        write_village(ws, v, models, unmask, &f)?;
    }
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name("模型说明", &mut used))?;
    for (c, h) in ["模型编号", "模型", "类别", "说明", "依据", "核实要点"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(0, c as u16, *h, &f.header)?;
    }
    let used_models: BTreeSet<&str> = all.iter().map(|x| x.model_id.as_str()).collect();
    for (r, m) in models
        .iter()
        .filter(|m| used_models.contains(m.id.as_str()))
        .enumerate()
    {
        let r = r as u32 + 1;
        for (c, text) in [
            &m.id,
            &m.title,
            &m.category,
            &m.description,
            &m.basis,
            &m.verify,
        ]
        .iter()
        .enumerate()
        {
            ws.write_string_with_format(r, c as u16, text.trim(), &f.wrap)?;
        }
    }
    for (c, w) in [26.0, 24.0, 10.0, 60.0, 60.0, 50.0].iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_freeze_panes(1, 0)?;
    wb.save(path)
}

fn write_village(
    ws: &mut Worksheet,
    v: &crate::issues::VillageIssues<'_>,
    models: &[ModelInfo],
    unmask: bool,
    f: &Formats,
) -> Result<(), XlsxError> {
    for (c, h) in LEAD_HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &f.header)?;
    }
    for (i, finding) in v.findings.iter().enumerate() {
        let r = i as u32 + 1;
        let row = lead_row(finding, models, unmask);
        ws.write_number_with_format(r, 0, (i + 1) as f64, &f.wrap)?;
        ws.write_string_with_format(r, 1, &row.model, &f.wrap)?;
        let severity_format = if finding.severity == Severity::High {
            &f.high
        } else {
            &f.wrap
        };
        ws.write_string_with_format(r, 2, row.severity, severity_format)?;
        ws.write_string_with_format(r, 3, &row.subject, &f.wrap)?;
        ws.write_string_with_format(r, 4, &row.id_number, &f.wrap)?;
        match row.amount {
            Some(a) => ws.write_number_with_format(r, 5, a, &f.money)?,
            None => ws.write_blank(r, 5, &f.money)?,
        };
        ws.write_string_with_format(r, 6, &row.explain, &f.wrap)?;
        ws.write_string_with_format(r, 7, &row.verify, &f.wrap)?;
        ws.write_string_with_format(r, 8, &row.sources, &f.wrap)?;
        ws.write_string_with_format(r, 9, &row.triage, &f.wrap)?;
        ws.write_blank(r, 10, &f.wrap)?;
        ws.write_blank(r, 11, &f.wrap)?;
        ws.write_string_with_format(r, 12, &row.finding_id, &f.wrap)?;
    }
    for (c, w) in [
        6.0, 22.0, 8.0, 16.0, 20.0, 14.0, 50.0, 40.0, 30.0, 8.0, 20.0, 20.0, 18.0,
    ]
    .iter()
    .enumerate()
    {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, v.findings.len() as u32, LEAD_HEADERS.len() as u16 - 1)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut used = BTreeSet::new();
        assert_eq!(sheet_name("东[风]:村", &mut used), "东_风__村");
        assert_eq!(sheet_name("东_风__村", &mut used), "东_风__村(2)");
        let long = "很".repeat(40);
        let name = sheet_name(&long, &mut used);
        assert_eq!(name.chars().count(), 31);
        let again = sheet_name(&long, &mut used);
        assert!(again.ends_with("(2)") && again.chars().count() == 31);
    }
}
