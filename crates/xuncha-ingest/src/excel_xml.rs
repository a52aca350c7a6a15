//! Excel 2003 XML spreadsheets (SpreadsheetML): an `.xls` that is XML,
//! which older systems' 导出Excel still write and Excel and WPS open as a
//! workbook. Each worksheet is read as the sheet shows it: rows and cells
//! at their `ss:Index`, a merged cell (`ss:MergeAcross`, `ss:MergeDown`)
//! written in its first cell with the cells it covers blank, numbers and
//! dates written as the other workbook readers write them.

use calamine::Data;
use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::read::{cell_text, RawRow};

/// Most cells or rows a merged cell is taken to span (a corrupt value).
const MAX_SPAN: usize = 1024;
/// Most columns a cell's `ss:Index` may place it at (Excel's last is 16,384).
const MAX_COLUMN: usize = 16_384;

/// Does this text look like an Excel 2003 XML spreadsheet?
pub fn is_excel_xml(start: &str) -> bool {
    start
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<')
        && start.contains("urn:schemas-microsoft-com:office:spreadsheet")
}

/// One worksheet of the workbook.
#[derive(Debug)]
pub struct Sheet {
    pub name: String,
    /// Hidden in Excel (`<Visible>SheetHidden</Visible>`).
    pub hidden: bool,
    pub rows: Vec<RawRow>,
}

/// Where the reader is inside a worksheet.
#[derive(Default)]
struct Cursor {
    /// The row being read: its line and its cells so far.
    row: Option<(usize, Vec<String>)>,
    /// The line of the next row without an `ss:Index`.
    next_line: usize,
    /// The column of the next cell without an `ss:Index`.
    next_column: usize,
    /// Rows a merged cell still covers below the current row, by column.
    below: Vec<usize>,
    /// The column of the cell being read and its type.
    cell: Option<(usize, String)>,
    /// The text of the cell's value, while inside its `Data`.
    text: Option<String>,
    /// Inside a cell's comment, whose text is not the cell's.
    in_comment: bool,
    /// Inside a `Visible` option.
    in_visible: bool,
}

/// The worksheets of a workbook, in order; an error says where the XML
/// cannot be read.
pub fn sheets(text: &str) -> Result<Vec<Sheet>, String> {
    let mut reader = Reader::from_str(text);
    let mut sheets: Vec<Sheet> = Vec::new();
    let mut at = Cursor::default();
    // Elements open: a file cut short (an interrupted download) ends inside some.
    let mut open = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("第 {} 字节处：{e}", reader.error_position()))?;
        match event {
            Event::Start(e) => {
                open += 1;
                start(&e, false, &mut sheets, &mut at);
            }
            Event::Empty(e) => {
                start(&e, true, &mut sheets, &mut at);
                end(e.local_name().as_ref(), &mut sheets, &mut at);
            }
            Event::End(e) => {
                open = open.saturating_sub(1);
                end(e.local_name().as_ref(), &mut sheets, &mut at);
            }
            Event::Text(t) => text_of(&mut at, &mut sheets, &t.xml10_content()),
            Event::CData(t) => text_of(&mut at, &mut sheets, &t.xml10_content()),
            Event::GeneralRef(r) => {
                let resolved = match resolve_xml_entity(&r) {
                    Some(s) => s.to_string(),
                    None => r
                        .resolve_char_ref()
                        .ok()
                        .flatten()
                        .map_or_else(|| format!("&{};", &*r), String::from),
                };
                text_of(&mut at, &mut sheets, &resolved);
            }
            Event::Eof if open > 0 => {
                return Err("文件不完整，结尾缺失，像是导出或下载中断".into());
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(sheets)
}

/// An attribute's value by its local name (`ss:Index` → `Index`).
fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| {
            let value = a.normalized_value(XmlVersion::Implicit1_0);
            value.map_or_else(|_| a.value.trim().to_string(), |v| v.trim().to_string())
        })
}

/// A positive count or 1-based index attribute.
fn number(e: &BytesStart<'_>, name: &str) -> Option<usize> {
    attr(e, name).and_then(|v| v.parse().ok())
}

fn start(e: &BytesStart<'_>, empty: bool, sheets: &mut Vec<Sheet>, at: &mut Cursor) {
    match e.local_name().as_ref() {
        "Worksheet" => {
            sheets.push(Sheet {
                name: attr(e, "Name").unwrap_or_else(|| format!("Sheet{}", sheets.len() + 1)),
                hidden: false,
                rows: Vec::new(),
            });
            *at = Cursor {
                next_line: 1,
                ..Cursor::default()
            };
        }
        "Row" if !sheets.is_empty() => {
            let line = number(e, "Index")
                .filter(|&n| n >= at.next_line)
                .unwrap_or(at.next_line);
            // Rows skipped over are covered as blank rows are.
            for n in &mut at.below {
                *n = n.saturating_sub(line - at.next_line);
            }
            at.row = Some((line, Vec::new()));
            at.next_column = 0;
        }
        "Cell" if at.row.is_some() => {
            let (_, cells) = at.row.as_mut().expect("checked above");
            let mut column = match number(e, "Index") {
                Some(n) if n >= 1 => (n - 1).clamp(at.next_column, MAX_COLUMN),
                _ => at.next_column,
            };
            while at.below.get(column).is_some_and(|&n| n > 0) {
                column += 1;
            }
            let across = number(e, "MergeAcross").unwrap_or(0).min(MAX_SPAN);
            let down = number(e, "MergeDown").unwrap_or(0).min(MAX_SPAN);
            if cells.len() < column + across + 1 {
                cells.resize(column + across + 1, String::new());
            }
            if at.below.len() < column + across + 1 {
                at.below.resize(column + across + 1, 0);
            }
            // The row's own count is taken off at its end, with the others'.
            for n in &mut at.below[column..=column + across] {
                *n = down + 1;
            }
            at.next_column = column + across + 1;
            if !empty {
                at.cell = Some((column, String::new()));
            }
        }
        "Data" if at.cell.is_some() && !at.in_comment => {
            if let Some((_, kind)) = &mut at.cell {
                *kind = attr(e, "Type").unwrap_or_default();
            }
            at.text = (!empty).then(String::new);
        }
        "Comment" => at.in_comment = !empty,
        "Visible" => at.in_visible = !empty,
        _ => {}
    }
}

fn end(name: &str, sheets: &mut [Sheet], at: &mut Cursor) {
    match name {
        "Data" if at.text.is_some() && !at.in_comment => {
            let text = at.text.take().unwrap_or_default();
            if let (Some((column, kind)), Some((_, cells))) = (&at.cell, &mut at.row) {
                cells[*column] = value(kind, text);
            }
        }
        "Cell" => {
            at.cell = None;
            at.text = None;
        }
        "Row" => {
            if let (Some((line, cells)), Some(sheet)) = (at.row.take(), sheets.last_mut()) {
                for n in &mut at.below {
                    *n = n.saturating_sub(1);
                }
                at.next_line = line + 1;
                sheet.rows.push(RawRow {
                    line,
                    cells: cells.into_iter().collect(),
                });
            }
        }
        "Comment" => at.in_comment = false,
        "Visible" => at.in_visible = false,
        _ => {}
    }
}

fn text_of(at: &mut Cursor, sheets: &mut [Sheet], text: &str) {
    if at.in_comment {
        return;
    }
    if let Some(value) = &mut at.text {
        value.push_str(text);
    } else if at.in_visible && matches!(text.trim(), "SheetHidden" | "SheetVeryHidden") {
        if let Some(sheet) = sheets.last_mut() {
            sheet.hidden = true;
        }
    }
}

/// A cell's text as the other workbook readers write a value of its type.
fn value(kind: &str, text: String) -> String {
    match kind {
        "Number" => match text.trim().parse::<f64>() {
            Ok(n) => cell_text(&Data::Float(n)),
            Err(_) => text,
        },
        // `2024-03-05T00:00:00.000`: the date, as a date cell is written.
        "DateTime" => match text.split_once('T') {
            Some((date, time)) if time.trim_start_matches(['0', ':', '.']).is_empty() => {
                date.to_string()
            }
            Some((date, time)) => format!("{date} {}", time.split('.').next().unwrap_or(time)),
            None => text,
        },
        "Boolean" => cell_text(&Data::Bool(text.trim() == "1")),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(sheet: &Sheet) -> Vec<(usize, Vec<String>)> {
        let row = |r: &RawRow| (r.line, r.cells.iter().map(str::to_string).collect());
        sheet.rows.iter().map(row).collect()
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn a_sheet_reads_as_excel_shows_it() {
        let xml = r#"<?xml version="1.0"?>
            <Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
                      xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
            <Worksheet ss:Name="发放&amp;复核"><Table>
             <Row><Cell ss:MergeAcross="2"><Data ss:Type="String">标题</Data></Cell></Row>
             <Row ss:Index="3">
              <Cell ss:MergeDown="1"><Data ss:Type="String">姓名</Data></Cell>
              <Cell ss:Index="3"><Data ss:Type="String">金额</Data></Cell>
             </Row>
             <Row><Cell><Data ss:Type="Number">1200</Data></Cell>
                  <Cell><Data ss:Type="Number">0.5</Data></Cell></Row>
             <Row><Cell><Data ss:Type="Number">411102199001011234</Data></Cell>
                  <Cell><Data ss:Type="DateTime">2024-03-05T08:30:00.000</Data></Cell>
                  <Cell><Data ss:Type="Boolean">1</Data></Cell></Row>
            </Table></Worksheet></Workbook>"#;
        assert!(is_excel_xml(xml));
        let sheets = sheets(xml).unwrap();
        assert_eq!(sheets.len(), 1);
        assert_eq!(
            (sheets[0].name.as_str(), sheets[0].hidden),
            ("发放&复核", false)
        );
        assert_eq!(
            cells(&sheets[0]),
            vec![
                (1, s(&["标题", "", ""])),
                (3, s(&["姓名", "", "金额"])),
                // The name merged down covers the first cell of row 4.
                (4, s(&["", "1200", "0.5"])),
                // Past 15 digits a number is written as the sheet shows it.
                (
                    5,
                    s(&["4.1110219900101126E17", "2024-03-05 08:30:00", "true"])
                ),
            ]
        );
    }

    #[test]
    fn malformed_or_cut_xml_is_an_error() {
        let cut = r#"<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">
            <Worksheet><Table><Row><Cell><Data>甲"#;
        assert!(sheets(cut).unwrap_err().contains("文件不完整"));
        let crossed = r#"<Workbook><Worksheet><Table><Row></Table></Row>"#;
        assert!(sheets(crossed).is_err());
        assert!(!is_excel_xml("<html><table>"));
    }
}
