//! Issue lists on the sample county: workbooks read back with calamine,
//! the HTML report rendered in headless Chromium, masking on by default.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{open_workbook_auto, Data, Reader};
use common::{findings, root, s, xuncha};

/// An unmasked 18-character ID number, or a 16-digit bank card number,
/// anywhere in the text.
fn has_full_id(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let id = chars.windows(18).any(|w| {
        w[..17].iter().all(char::is_ascii_digit)
            && (w[17].is_ascii_digit() || w[17] == 'X')
            && w[..6] == ['4', '1', '1', '1', '2', '2']
    });
    let card = chars
        .windows(16)
        .any(|w| w.iter().all(char::is_ascii_digit) && w[..2] == ['6', '2']);
    id || card
}

fn run_with_report(out: &Path, extra: &[&str]) {
    let mut args = vec!["--report"];
    args.extend_from_slice(extra);
    let result = common::run(&root().join("data-samples/demo-county"), out, &args);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
}

#[test]
fn workbooks_hold_every_finding_per_village_with_numbers_and_masking() {
    let tmp = tempfile::tempdir().unwrap();
    run_with_report(tmp.path(), &[]);
    let all = findings(tmp.path());
    let reports = tmp.path().join("reports");
    let books: Vec<PathBuf> = std::fs::read_dir(&reports)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .collect();
    let townships: std::collections::BTreeSet<&str> = all
        .iter()
        .map(|f| f["township"].as_str().unwrap())
        .collect();
    assert_eq!(books.len(), townships.len());
    let mut leads = 0;
    let mut amount = 0.0;
    for book in &books {
        let mut wb = open_workbook_auto(book).unwrap();
        let sheets = wb.sheet_names().to_owned();
        assert_eq!(sheets.first().map(String::as_str), Some("汇总"));
        assert_eq!(sheets.last().map(String::as_str), Some("模型说明"));
        let summary = wb.worksheet_range("汇总").unwrap();
        let rows: Vec<&[Data]> = summary.rows().collect();
        assert_eq!(rows[0][0], Data::String("乡镇".into()));
        let total = rows
            .iter()
            .find(|r| r[0] == Data::String("合计".into()))
            .expect("a total row");
        let villages = &rows[1..rows.len() - 3];
        assert_eq!(villages.len(), sheets.len() - 2, "one sheet per village");
        let mut book_leads = 0.0;
        for village in villages {
            let Data::String(name) = &village[1] else {
                panic!("village name")
            };
            let sheet = wb.worksheet_range(name).unwrap();
            let lead_rows: Vec<&[Data]> = sheet.rows().skip(1).collect();
            assert_eq!(Data::Float(lead_rows.len() as f64), village[3], "{name}");
            assert_eq!(
                sheet.rows().next().unwrap()[4],
                Data::String("身份证号(脱敏)".into())
            );
            for row in &lead_rows {
                if let Data::Float(a) = row[5] {
                    amount += a;
                }
                for cell in row.iter() {
                    if let Data::String(text) = cell {
                        assert!(!has_full_id(text), "unmasked ID in {name}: {text}");
                    }
                }
                assert!(
                    matches!(row[5], Data::Float(_) | Data::Empty),
                    "amounts are numbers"
                );
                assert!(
                    matches!(&row[7], Data::String(v) if !v.is_empty()),
                    "核实要点 filled"
                );
            }
            book_leads += lead_rows.len() as f64;
        }
        assert_eq!(total[3], Data::Float(book_leads));
        leads += book_leads as usize;
    }
    assert_eq!(leads, all.len());
    let expected: f64 = all.iter().filter_map(|f| f["amount"].as_f64()).sum();
    assert!((amount - expected).abs() < 0.01, "{amount} vs {expected}");
}

#[test]
fn unmask_shows_ids_and_is_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    run_with_report(tmp.path(), &["--unmask"]);
    let html = std::fs::read_to_string(tmp.path().join("reports/report.html")).unwrap();
    assert!(has_full_id(&html));
    assert!(html.contains("未脱敏"));
    // The shared-account lead names its account in full only when unmasked.
    assert!(html.contains("6228480100000000"));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["unmasked_reports"], true);

    let masked = tempfile::tempdir().unwrap();
    let result = xuncha(&[
        "report",
        "--findings",
        &s(&tmp.path().join("findings.parquet")),
        "--out",
        &s(masked.path()),
        "--by",
        "village",
    ]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let html = std::fs::read_to_string(masked.path().join("report.html")).unwrap();
    assert!(!has_full_id(&html));
    assert!(
        html.contains("6228********0000"),
        "accounts keep first and last 4"
    );
    let note: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(masked.path().join("report.json")).unwrap())
            .unwrap();
    assert_eq!(note["unmasked"], false);
    let all = findings(tmp.path());
    let villages: std::collections::BTreeSet<&str> = all
        .iter()
        .map(|f| f["village_code"].as_str().unwrap())
        .collect();
    let books = std::fs::read_dir(masked.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "xlsx")
        })
        .count();
    assert_eq!(
        books,
        villages.len(),
        "--by village: one workbook per village"
    );
}

#[test]
fn patrol_groups_get_their_own_books() {
    let tmp = tempfile::tempdir().unwrap();
    run_with_report(tmp.path(), &[]);
    let all = findings(tmp.path());
    let first_township = all[0]["township"].as_str().unwrap().to_string();
    let groups = tmp.path().join("groups.toml");
    std::fs::write(
        &groups,
        format!("[[group]]\nname = \"第一巡察组\"\ntownships = [\"{first_township}\"]\n"),
    )
    .unwrap();
    let out = tmp.path().join("by-group");
    let result = xuncha(&[
        "report",
        "--findings",
        &s(&tmp.path().join("findings.jsonl")),
        "--out",
        &s(&out),
        "--by",
        "patrol-group",
        "--groups",
        &s(&groups),
    ]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert!(out.join("问题清单_第一巡察组.xlsx").exists());
    let others = all
        .iter()
        .any(|f| f["township"].as_str() != Some(&first_township));
    assert_eq!(out.join("问题清单_未分组.xlsx").exists(), others);
}

fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

#[test]
fn the_html_report_renders_in_headless_chromium() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var("CI").is_err(),
            "CI installs chromium (.ci/run); it must be there"
        );
        eprintln!("chromium not installed: skipping the browser check (apt-get install chromium)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    run_with_report(tmp.path(), &[]);
    let all = findings(tmp.path());
    let page = tmp.path().join("reports/report.html");
    let profile = tmp.path().join("profile");
    let flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ];
    let url = format!("file://{}", s(&page));
    let dom = Command::new(&browser)
        .args(flags)
        .arg(format!("--user-data-dir={}", s(&profile)))
        .args(["--dump-dom", &url])
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains(&format!("id=\"total-findings\">{}<", all.len())),
        "{dom}"
    );
    let amount: f64 = all.iter().filter_map(|f| f["amount"].as_f64()).sum();
    let shown = xuncha_schema::format_money(amount);
    assert!(
        dom.contains(&format!("id=\"total-amount\">{shown}<")),
        "{shown}"
    );
    let villages: std::collections::BTreeSet<&str> = all
        .iter()
        .map(|f| f["village_code"].as_str().unwrap())
        .collect();
    for v in &villages {
        assert!(
            dom.contains(&format!("data-village=\"{v}\"")),
            "village {v} ranked"
        );
    }
    let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-overview.png");
    let status = Command::new(&browser)
        .args(flags)
        .arg(format!("--user-data-dir={}", s(&profile)))
        .args([
            "--window-size=1280,1400",
            &format!("--screenshot={}", s(&shot)),
            &url,
        ])
        .output()
        .unwrap();
    assert!(status.status.success());
    assert!(
        std::fs::metadata(&shot).unwrap().len() > 10_000,
        "a screenshot was saved to {}",
        s(&shot)
    );
}

/// Run with a data date two years after the sample's exports: the rent
/// receipts end long before it, and each workbook's overview says so under
/// its note.
#[test]
fn the_data_gaps_of_the_run_are_written_in_every_book() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, out) = (root().join("data-samples/demo-county"), tmp.path());
    let args = [
        "--select",
        "zc.rent_arrears",
        "--as-of",
        "2026-11-29",
        "--report",
    ];
    let result = xuncha(&[&["run", "--data", &s(&data), "--out", &s(out)][..], &args].concat());
    assert!(result.status.success(), "{result:?}");
    let books: Vec<PathBuf> = std::fs::read_dir(out.join("reports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .collect();
    assert!(!books.is_empty());
    for book in &books {
        let mut wb = open_workbook_auto(book).unwrap();
        let overview = wb.worksheet_range("汇总").unwrap();
        let texts: Vec<String> = (overview.rows())
            .filter_map(|r| match &r[0] {
                Data::String(t) => Some(t.clone()),
                _ => None,
            })
            .collect();
        let at = (texts.iter())
            .position(|t| t.starts_with("数据缺口"))
            .unwrap_or_else(|| panic!("{texts:?}"));
        assert!(
            texts[at + 1].starts_with("lease_receipts.receipt_date 最晚为 2024-12-25"),
            "{texts:?}"
        );
    }
}
