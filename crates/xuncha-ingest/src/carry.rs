//! Grouping cells written once over the rows they group: merged cells saved
//! as CSV keep their value in the first row only, and a hand-kept sheet
//! often writes a household's number, a village or a journal's month once
//! above its rows. Such a column is told by its sampled data rows: the first
//! filled, some blank, and no value written twice, since each group is
//! written once; and other columns blank on the same rows, or blanks as
//! many as its values. Its blanks take the value above, in row order, batch
//! after batch of a large file.

use std::collections::HashSet;

use crate::header::{non_data, Header};
use crate::read::RawRow;

/// The columns whose blank cells take the value above, and what was done.
#[derive(Debug)]
pub struct CarryDown {
    /// Per column carried: its index and the value above.
    columns: Vec<(usize, String)>,
    /// Cells filled so far, per column.
    filled: Vec<usize>,
}

impl CarryDown {
    /// The first of the `grouping` columns written once a group among the
    /// data `rows` (those below the header, blank and total rows aside), and
    /// with it the grouping columns and those `follows` allows that are blank
    /// on exactly the same rows (a household's 户主 and 村 merged over its
    /// members, as its 家庭编号 is; never an amount, which a group is paid
    /// once); `None` where there is none, or where the column is blank alone
    /// and seldom.
    pub fn detect(
        rows: &[RawRow],
        header: &Header,
        grouping: &[usize],
        follows: impl Fn(usize) -> bool,
    ) -> Option<Self> {
        let data: Vec<&RawRow> = (rows.iter().skip(header.data_start))
            .filter(|r| non_data(r, header).is_none())
            .collect();
        let key = (grouping.iter().copied())
            .find(|&i| written_once_a_group(data.iter().map(|r| cell(r, i))))?;
        let blanks =
            |i: usize| -> Vec<bool> { data.iter().map(|r| cell(r, i).is_empty()).collect() };
        let pattern = blanks(key);
        let width = data.iter().map(|r| r.cells.len()).max().unwrap_or(0);
        let alike: Vec<usize> = (0..width)
            .filter(|&i| i != key && (grouping.contains(&i) || follows(i)))
            .filter(|&i| blanks(i) == pattern)
            .collect();
        // A column blank alone may be a value missing here and there (a
        // payment without its household number): it is a group's only where
        // its blanks are at least two and as many as its values.
        let blank = pattern.iter().filter(|b| **b).count();
        if alike.is_empty() && (blank < 2 || blank < pattern.len() - blank) {
            return None;
        }
        let columns: Vec<(usize, String)> = (std::iter::once(key).chain(alike))
            .map(|i| (i, String::new()))
            .collect();
        let filled = vec![0; columns.len()];
        Some(CarryDown { columns, filled })
    }

    /// Fill the blank carried cells of the data rows among `rows`, the
    /// next rows below the header in order, with the value above them.
    pub fn fill(&mut self, rows: &mut [RawRow], header: &Header) {
        for row in rows.iter_mut() {
            if non_data(row, header).is_some() {
                continue;
            }
            let blanks: Vec<usize> = (self.columns.iter().enumerate())
                .filter(|(_, (i, above))| {
                    let blank = cell(row, *i).is_empty();
                    blank && !above.is_empty()
                })
                .map(|(k, _)| k)
                .collect();
            for (k, (i, above)) in self.columns.iter_mut().enumerate() {
                if !blanks.contains(&k) {
                    *above = cell(row, *i).to_string();
                }
            }
            if blanks.is_empty() {
                continue;
            }
            let cells = row.cells.iter().enumerate().map(|(j, c)| {
                let carried = blanks.iter().find(|&&k| self.columns[k].0 == j);
                carried.map_or(c, |&k| self.columns[k].1.as_str())
            });
            row.cells = cells.collect();
            for k in blanks {
                self.filled[k] += 1;
            }
        }
    }

    /// Each carried column's index and the cells filled in it.
    pub fn filled(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        (self.columns.iter().zip(&self.filled)).map(|((i, _), n)| (*i, *n))
    }
}

/// A row's trimmed cell (empty where the row is short).
fn cell(row: &RawRow, i: usize) -> &str {
    row.cells.get(i).map_or("", str::trim)
}

/// Whether a column's cells, in row order, are written once a group: the
/// first filled, at least one blank, and no value written twice.
fn written_once_a_group<'a>(mut cells: impl Iterator<Item = &'a str>) -> bool {
    let Some(first) = cells.next().filter(|c| !c.is_empty()) else {
        return false;
    };
    let mut seen = HashSet::from([first]);
    let mut blank = false;
    for c in cells {
        if c.is_empty() {
            blank = true;
        } else if !seen.insert(c) {
            return false;
        }
    }
    blank
}

#[cfg(test)]
mod tests {
    use super::written_once_a_group;

    #[test]
    fn a_group_is_written_on_its_first_row_only() {
        let once = |cells: &[&str]| written_once_a_group(cells.iter().copied());
        assert!(once(&["西湾", "", "", "南坡", ""]));
        assert!(once(&["西湾", ""]));
        // Filled on every row, first row blank, or a value written twice.
        assert!(!once(&["西湾", "西湾", "南坡"]));
        assert!(!once(&["", "西湾", ""]));
        assert!(!once(&["西湾", "", "南坡", "", "西湾"]));
        assert!(!once(&[]));
    }
}
