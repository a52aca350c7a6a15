//! Hostile and broken input: every file of the committed corpus
//! (`tests/corpus/`, expectations in `tests/corpus/corpus.toml`) and a few
//! large ones made here (too big to commit) must give rejects or a clear
//! error naming the file — no panic, no hang — and every data row of a table
//! that was read is accounted for.
//!
//! `cargo test -p xuncha-ingest --test corpus -- --ignored regenerate` rewrites
//! the workbooks of the corpus from the code below.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format, Formula, Workbook};
use serde::Deserialize;
use xuncha_ingest::{ingest_dir, Ingested};

fn corpus_dir() -> PathBuf {
    manifest_dir().join("tests/corpus")
}

/// This package's folder as cargo gives it to the running test, so that a
/// test binary reused from a build in a clone at another path (a shared
/// target folder) reads this clone's files; the build-time one otherwise.
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

#[derive(Debug, Deserialize)]
struct Manifest {
    case: Vec<Case>,
}

/// What one broken file must get.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    file: String,
    /// Why the file is in the corpus.
    about: String,
    /// `error` (the file is refused with `message`), `rejects` (read, with
    /// `rejects` values refused and `accepted` rows kept) or `unused` (read,
    /// recognised as nothing, with `message` in its note).
    expect: String,
    message: Option<String>,
    rejects: Option<usize>,
    accepted: Option<usize>,
}

/// Ingest one file alone; the folder holds nothing else.
fn ingest_alone(src: &Path) -> (Ingested, String) {
    let dir = tempfile::tempdir().unwrap();
    let name = src.file_name().unwrap().to_string_lossy().to_string();
    std::fs::copy(src, dir.path().join(&name)).unwrap();
    (ingest_dir(dir.path(), None).unwrap(), name)
}

/// Every table that was read balances its rows.
fn assert_rows_accounted(data: &Ingested) {
    for t in &data.tables {
        if t.dataset.is_some() && t.note.is_none() {
            assert!(t.rows_balance(), "rows not accounted for: {t:?}");
        }
    }
}

#[test]
fn every_corpus_file_gets_its_documented_behaviour() {
    let manifest: Manifest =
        toml::from_str(&std::fs::read_to_string(corpus_dir().join("corpus.toml")).unwrap())
            .unwrap();
    assert!(manifest.case.len() >= 26, "the corpus lost files");
    for case in &manifest.case {
        let (data, name) = ingest_alone(&corpus_dir().join(&case.file));
        assert_rows_accounted(&data);
        let errors: Vec<String> = data.errors.iter().map(ToString::to_string).collect();
        let notes: Vec<String> = data.tables.iter().filter_map(|t| t.note.clone()).collect();
        let about = &case.about;
        match case.expect.as_str() {
            "error" => {
                let message = case.message.as_deref().unwrap();
                assert!(
                    errors
                        .iter()
                        .any(|e| e.contains(&name) && e.contains(message)),
                    "{name} ({about}): {errors:?}"
                );
            }
            "unused" => {
                assert!(errors.is_empty(), "{name}: {errors:?}");
                let message = case.message.as_deref().unwrap();
                assert!(
                    notes.iter().any(|n| n.contains(message)),
                    "{name} ({about}): {notes:?}"
                );
                assert_eq!(data.rejects.len(), 0, "{name}");
            }
            "rejects" => {
                assert!(errors.is_empty(), "{name} ({about}): {errors:?}");
                assert_eq!(
                    Some(data.rejects.len()),
                    case.rejects,
                    "{name} ({about}): {:?}",
                    data.rejects
                );
                let accepted: usize = data.tables.iter().map(|t| t.rows_accepted).sum();
                assert_eq!(Some(accepted), case.accepted, "{name} ({about})");
                for r in &data.rejects {
                    assert_eq!(r.file, name);
                    assert!(!r.reason.is_empty());
                }
                if let Some(message) = &case.message {
                    assert!(
                        data.rejects
                            .iter()
                            .any(|r| r.reason.contains(message.as_str()))
                            || notes.iter().any(|n| n.contains(message.as_str())),
                        "{name} ({about}): {:?} {notes:?}",
                        data.rejects
                    );
                }
            }
            other => panic!("unknown expectation {other}"),
        }
    }
}

#[test]
fn a_50_mb_line_is_one_refused_table_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    let line = "数".repeat(50 * 1024 * 1024 / 3);
    std::fs::write(dir.path().join("一行.csv"), &line).unwrap();
    let data = ingest_dir(dir.path(), None).unwrap();
    assert_eq!(data.tables.len(), 1);
    assert_eq!(data.tables[0].note.as_deref(), Some("未找到可识别的表头"));
    // A file nothing was read from is said so, once.
    assert_eq!(data.errors.len(), 1);
    let error = data.errors[0].to_string();
    assert!(error.contains("一行.csv") && error.contains("没有读入任何数据"));
}

#[test]
fn ten_thousand_columns_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut header = vec!["姓名".to_string(), "身份证号".into(), "死亡日期".into()];
    header.extend((0..10_000).map(|i| format!("备注{i}")));
    let mut row = vec![
        "张三".to_string(),
        "110101199003074514".into(),
        "2024-03-05".into(),
    ];
    row.extend((0..10_000).map(|i| i.to_string()));
    let text = format!("{}\n{}\n", header.join(","), row.join(","));
    std::fs::write(dir.path().join("死亡名单.csv"), text).unwrap();
    let data = ingest_dir(dir.path(), None).unwrap();
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    assert_eq!(data.rows("deaths"), 1);
    assert_rows_accounted(&data);
}

#[test]
fn a_workbook_with_a_huge_shared_string_table_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("死亡名单.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["姓名", "身份证号", "死亡日期", "备注"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    // 200,000 distinct strings: the shared-string table dwarfs the data.
    for r in 1..=200_000u32 {
        sheet
            .write_string(r, 3, format!("说明文字第{r}条"))
            .unwrap();
    }
    sheet.write_string(1, 0, "张三").unwrap();
    sheet.write_string(1, 1, "110101199003074514").unwrap();
    sheet.write_string(1, 2, "2024-03-05").unwrap();
    book.save(&path).unwrap();
    let data = ingest_dir(dir.path(), None).unwrap();
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    assert_eq!(data.rows("deaths"), 1);
    // The other rows lack the required ID and date: each is refused, none lost.
    assert_eq!(data.tables[0].rows_rejected, 199_999);
    assert_rows_accounted(&data);
}

/// Rewrite the workbooks of the corpus (run by hand, then commit them).
#[test]
#[ignore]
fn regenerate() {
    let dir = corpus_dir();
    let header = ["姓名", "身份证号", "死亡日期", "数据来源"];
    let save = |book: &mut Workbook, name: &str| book.save(dir.join(name)).unwrap();

    // Formulas and Excel errors in cells; Excel serial 0 and negative serials.
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let rows: [(&str, &str); 6] = [
        ("张三", "110101199003074514"),
        ("李四", "110101199003074514"),
        ("王五", "110101199003074514"),
        ("赵六", "110101199003074514"),
        ("钱七", "110101199003074514"),
        ("孙八", "110101199003074514"),
    ];
    for (i, (name, id)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, *name).unwrap();
        sheet.write_string(r, 1, *id).unwrap();
        sheet.write_string(r, 3, "公安").unwrap();
    }
    sheet
        .write_formula(1, 2, Formula::new("=DATE(2024,3,5)").set_result("45356"))
        .unwrap();
    sheet
        .write_number_with_format(1, 2, 45356.0, &date)
        .unwrap();
    sheet
        .write_formula(
            2,
            2,
            Formula::new("=VLOOKUP(A3,Z:Z,2,0)").set_result("#N/A"),
        )
        .unwrap();
    sheet
        .write_formula(3, 2, Formula::new("=#REF!+1").set_result("#REF!"))
        .unwrap();
    sheet.write_number_with_format(4, 2, 0.0, &date).unwrap();
    sheet.write_number(5, 2, -5.0).unwrap();
    sheet
        .write_formula(6, 1, Formula::new("=1/0").set_result("#DIV/0!"))
        .unwrap();
    sheet.write_string(6, 2, "2024-04-01").unwrap();
    save(&mut book, "formulas_errors_serials.xlsx");

    // Merged cells: the value sits in the first cell only, and the sheet
    // shows it in each.
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["凭证号", "村代码", "支付日期", "收款方", "金额"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet
        .merge_range(1, 1, 3, 1, "411102001001", &Format::new())
        .unwrap();
    for r in 1..=3u32 {
        sheet.write_string(r, 0, format!("PZ{r}")).unwrap();
        sheet.write_string(r, 2, "2024-01-05").unwrap();
        sheet.write_string(r, 3, "某公司").unwrap();
        sheet.write_number(r, 4, 100.0).unwrap();
    }
    save(&mut book, "merged_cells.xlsx");

    // A hidden sheet beside a visible one.
    let mut book = Workbook::new();
    for (name, hidden) in [("名单", false), ("旧名单", true)] {
        let sheet = book.add_worksheet();
        sheet.set_name(name).unwrap();
        for (c, h) in header.iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet.write_string(1, 0, "张三").unwrap();
        sheet.write_string(1, 1, "110101199003074514").unwrap();
        sheet.write_string(1, 2, "2024-03-05").unwrap();
        if hidden {
            sheet.set_hidden(true);
        }
    }
    save(&mut book, "hidden_sheet.xlsx");

    // A workbook cut in half, as by an interrupted download.
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let bytes = book.save_to_buffer().unwrap();
    std::fs::write(dir.join("truncated.xlsx"), &bytes[..bytes.len() / 2]).unwrap();

    // An xlsx saved under .xls.
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "张三").unwrap();
    sheet.write_string(1, 1, "110101199003074514").unwrap();
    sheet.write_string(1, 2, "2024-03-05").unwrap();
    save(&mut book, "xlsx_named.xls");
}
