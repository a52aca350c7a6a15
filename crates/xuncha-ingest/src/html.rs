//! Workbooks that are web pages. Many systems' 导出Excel writes an HTML
//! table and names it `.xls`; Excel and WPS open it as a sheet, so an
//! office sees an ordinary workbook. Its rows are read as Excel shows them:
//! the text above and between tables (a title in `<h3>`, a `<p>制表人：…`) a
//! row each, a table's rows in order, a merged cell (`colspan`, `rowspan`)
//! written in its first cell with the cells it covers blank.

use scraper::{ElementRef, Html, Node};

use crate::read::RawRow;

/// Does this text look like a web page holding a table?
pub fn is_html_table(start: &str) -> bool {
    let start = start.trim_start_matches('\u{feff}').trim_start();
    let lower = start.get(..start.len().min(4096)).unwrap_or(start);
    let lower = lower.to_ascii_lowercase();
    let page = ["<table", "<html", "<!doctype html"];
    start.starts_with('<') && page.iter().any(|p| lower.contains(p))
}

/// Blocks whose text is a row of its own when outside a table.
const TEXT_BLOCKS: &[&str] = &["h1", "h2", "h3", "h4", "h5", "h6", "p", "caption", "div"];
/// Elements a text block may not hold to be read as one row.
const HOLDS_ROWS: &[&str] = &["table", "tr", "div", "p"];
/// Most cells a merged cell is taken to span (a corrupt `colspan="1e9"`).
const MAX_SPAN: usize = 1024;

/// The rows of a page, numbered as the sheet Excel makes of it shows them.
pub fn rows(text: &str) -> Vec<RawRow> {
    let page = Html::parse_document(text);
    let mut rows: Vec<Vec<String>> = Vec::new();
    // Rows a cell merged down still covers, by column.
    let mut below: Vec<usize> = Vec::new();
    for node in page.root_element().descendants() {
        let Some(element) = ElementRef::wrap(node) else {
            continue;
        };
        let name = element.value().name();
        if name == "tr" {
            rows.push(table_row(element, &mut below));
        } else if name == "table" {
            below.clear();
        } else if TEXT_BLOCKS.contains(&name) && is_text_block(element) {
            let text = cell_text(element);
            if !text.is_empty() {
                rows.push(vec![text]);
            }
        }
    }
    rows.into_iter()
        .enumerate()
        .map(|(i, cells)| RawRow {
            line: i + 1,
            cells: cells.into_iter().collect(),
        })
        .collect()
}

/// A block of text outside any table that holds no other rows.
fn is_text_block(element: ElementRef<'_>) -> bool {
    let in_table = element
        .ancestors()
        .filter_map(ElementRef::wrap)
        .any(|a| a.value().name() == "table");
    let holds_rows = element
        .descendants()
        .skip(1)
        .filter_map(ElementRef::wrap)
        .any(|d| HOLDS_ROWS.contains(&d.value().name()));
    (!in_table || element.value().name() == "caption") && !holds_rows
}

/// One table row's cells, the cells merged into it from rows above blank.
fn table_row(tr: ElementRef<'_>, below: &mut Vec<usize>) -> Vec<String> {
    // Blank cells for the columns merged down into this row from above.
    fn covered(cells: &mut Vec<String>, below: &mut [usize]) {
        while below.get(cells.len()).is_some_and(|&n| n > 0) {
            below[cells.len()] -= 1;
            cells.push(String::new());
        }
    }
    let mut cells: Vec<String> = Vec::new();
    for cell in tr.children().filter_map(ElementRef::wrap) {
        if !matches!(cell.value().name(), "td" | "th") {
            continue;
        }
        covered(&mut cells, below);
        let span = |attr: &str| {
            cell.value()
                .attr(attr)
                .and_then(|v| v.trim().parse::<usize>().ok())
                .map_or(1, |n| n.clamp(1, MAX_SPAN))
        };
        let (across, down) = (span("colspan"), span("rowspan"));
        for k in 0..across {
            let column = cells.len();
            if below.len() <= column {
                below.resize(column + 1, 0);
            }
            below[column] = down - 1;
            cells.push(if k == 0 {
                cell_text(cell)
            } else {
                String::new()
            });
        }
    }
    covered(&mut cells, below);
    // Columns merged down past the row's last cell.
    for n in below.iter_mut().skip(cells.len()) {
        *n = n.saturating_sub(1);
    }
    cells
}

/// An element's text as a cell shows it: its pieces joined, runs of white
/// space (line breaks of the page's source, `&nbsp;`) one space.
fn cell_text(element: ElementRef<'_>) -> String {
    let text: String = element
        .descendants()
        .filter_map(|n| match n.value() {
            Node::Text(t) => Some(&**t),
            _ => None,
        })
        .collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(text: &str) -> Vec<Vec<String>> {
        rows(text)
            .into_iter()
            .map(|r| r.cells.iter().map(str::to_string).collect())
            .collect()
    }

    #[test]
    fn a_page_reads_as_the_sheet_excel_makes_of_it() {
        let page = "<html><body><h3>2024年3月低保发放表</h3>\
            <table border=1>\
            <tr><th rowspan=2>姓名</th><th colspan=2>发放情况</th><th rowspan=2>备注</th></tr>\
            <tr><th>月份</th><th>金额&nbsp;(元)</th></tr>\
            <tr><td> 张三 </td><td>2024-03</td><td>450</td><td></td></tr>\
            </table><p>制表人：<span>李四</span></p></body></html>";
        let s = |v: &[&str]| v.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        assert_eq!(
            cells(page),
            vec![
                s(&["2024年3月低保发放表"]),
                s(&["姓名", "发放情况", "", "备注"]),
                s(&["", "月份", "金额 (元)", ""]),
                s(&["张三", "2024-03", "450", ""]),
                s(&["制表人：李四"]),
            ]
        );
        assert_eq!(rows(page)[3].line, 4);
    }

    #[test]
    fn only_pages_with_tables_are_taken_for_workbooks() {
        assert!(is_html_table("\u{feff}  <html><table>"));
        assert!(is_html_table("<TABLE><TR><TD>1</TD></TR></TABLE>"));
        assert!(!is_html_table("姓名,身份证号"));
        assert!(!is_html_table("<?xml version=\"1.0\"?><Workbook>"));
    }
}
