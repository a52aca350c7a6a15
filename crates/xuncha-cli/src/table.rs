//! Plain-text tables for the terminal, aligned by display width: a Chinese
//! character takes two columns, so `{:<36}` alone leaves Chinese headers and
//! long model ids out of line.

use unicode_width::UnicodeWidthStr;

/// Where a column's cells sit within its width.
#[derive(Clone, Copy)]
pub enum Align {
    Left,
    Right,
}

/// A table printed once all its rows are known, each column as wide as its
/// widest cell; the last column is not padded.
pub struct Table {
    heads: Vec<(String, Align)>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers.
    pub fn new(heads: &[(&str, Align)]) -> Self {
        Table {
            heads: heads.iter().map(|(h, a)| (h.to_string(), *a)).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row, one cell per column.
    pub fn row(&mut self, cells: Vec<String>) {
        debug_assert_eq!(cells.len(), self.heads.len());
        self.rows.push(cells);
    }

    /// The table as lines, headers first.
    pub fn lines(&self) -> Vec<String> {
        let mut widths: Vec<usize> = self.heads.iter().map(|(h, _)| h.width()).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.width());
            }
        }
        let heads: Vec<String> = self.heads.iter().map(|(h, _)| h.clone()).collect();
        std::iter::once(&heads)
            .chain(&self.rows)
            .map(|row| {
                let last = row.len().saturating_sub(1);
                let mut line = String::new();
                for (i, cell) in row.iter().enumerate() {
                    if i > 0 {
                        line.push_str("  ");
                    }
                    let pad = " ".repeat(widths[i] - cell.width());
                    match self.heads[i].1 {
                        Align::Right => {
                            line.push_str(&pad);
                            line.push_str(cell);
                        }
                        Align::Left => {
                            line.push_str(cell);
                            if i < last {
                                line.push_str(&pad);
                            }
                        }
                    }
                }
                line.truncate(line.trim_end().len());
                line
            })
            .collect()
    }

    /// Prints the table to standard output.
    pub fn print(&self) {
        for line in self.lines() {
            println!("{line}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_headers_and_long_cells_line_up() {
        let mut t = Table::new(&[
            ("模型", Align::Left),
            ("新增", Align::Right),
            ("说明", Align::Left),
        ]);
        t.row(vec![
            "mz.disability_subsidy_invalid_certificate".into(),
            "12".into(),
            "原样".into(),
        ]);
        t.row(vec!["cw.large_cash".into(), "3".into(), "改写后".into()]);
        t.row(vec!["mz.dual_program".into(), "0".into(), String::new()]);
        let lines = t.lines();
        // Every line puts its second column's right edge in the same display column.
        let ends: Vec<usize> = lines
            .iter()
            .map(|l| {
                let cut = l.rfind("  ").unwrap();
                l[..cut].width()
            })
            .collect();
        assert_eq!(ends[..3], [ends[0]; 3], "{lines:#?}");
        assert!(lines[0].starts_with("模型 "));
        assert_eq!(
            lines[1],
            "mz.disability_subsidy_invalid_certificate    12  原样"
        );
        assert_eq!(
            lines[2],
            format!("{:<41}  {:>4}  改写后", "cw.large_cash", 3)
        );
        assert_eq!(lines[3], format!("{:<41}  {:>4}", "mz.dual_program", 0));
    }
}
