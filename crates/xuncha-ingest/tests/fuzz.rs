//! Fuzzing on stable Rust (proptest): the normalizers, header reading,
//! content typing, the CSV reader and workbook reader get arbitrary and
//! export-shaped input. Nothing may panic, and every data row of a table
//! that was read is accounted for.
//!
//! CI runs a bounded number of cases; a long run:
//! `XUNCHA_FUZZ_CASES=20000 cargo test --release -p xuncha-ingest --test fuzz`

use proptest::prelude::*;
use xuncha_ingest::evidence::Profile;
use xuncha_ingest::lexicon::lexicon;
use xuncha_ingest::normalize::{
    normalize_code, normalize_id, normalize_name, normalize_village_code, parse_amount, parse_date,
    parse_integer, parse_period,
};
use xuncha_ingest::{ingest_dir, vocab};

/// Cases per property: `XUNCHA_FUZZ_CASES`, 64 by default (CI).
fn cases() -> u32 {
    std::env::var("XUNCHA_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

/// Headers real exports use, and some they should not.
const HEADERS: &[&str] = &[
    "姓名",
    "身份证号",
    "公民身份号码",
    "死亡日期",
    "发放月份",
    "发放金额（元）",
    "救助类别",
    "村代码",
    "凭证号",
    "支付日期",
    "收款方",
    "金额",
    "支付方式",
    "户主身份证号",
    "家庭编号",
    "成员1身份证号",
    "备注",
    "",
    "=cmd",
    "金额(万元)",
    "合计",
];

/// Cell values real exports hold, broken ones included.
const CELLS: &[&str] = &[
    "",
    " ",
    "张三",
    "110101199003074514",
    "11010119900307451x",
    "110101900307451",
    "４１１１０２１９９００１０１１２３４",
    "'110101199003074514",
    "4.11102E+17",
    "2024-03-05",
    "2024年3月5日",
    "20240305",
    "0000-00-00",
    "9999-99-99",
    "2024-02-30",
    "45356",
    "0",
    "-5",
    "2024年13月",
    "202403",
    "1,200.00",
    "1e308",
    "NaN",
    "inf",
    "-1e400",
    "¥(1,000.00)",
    "农村低保",
    "现金",
    "转账",
    "411102001001",
    "合计",
    "=SUM(A1:A9)",
    "@cmd",
    "\u{0}",
    "身份证号",
    "万元",
    "6228480100000011",
];

fn export_csv() -> impl Strategy<Value = String> {
    let header = prop::collection::vec(prop::sample::select(HEADERS), 1..8);
    (header, 0usize..40, any::<u64>())
        .prop_flat_map(|(header, rows, _)| {
            let width = header.len();
            let row = prop::collection::vec(
                prop_oneof![
                    prop::sample::select(CELLS).prop_map(str::to_string),
                    ".{0,12}"
                ],
                0..=width + 1,
            );
            (Just(header), prop::collection::vec(row, rows))
        })
        .prop_map(|(header, rows)| {
            let mut w = csv::WriterBuilder::new()
                .flexible(true)
                .from_writer(Vec::new());
            w.write_record(&header).unwrap();
            for r in rows {
                w.write_record(&r).unwrap();
            }
            String::from_utf8(w.into_inner().unwrap()).unwrap()
        })
}

/// Ingest one file alone and check the invariants.
fn ingest_one(name: &str, bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), bytes).unwrap();
    let data = ingest_dir(dir.path(), None).expect("a folder always ingests");
    for t in &data.tables {
        if t.dataset.is_some() && t.note.is_none() {
            assert!(t.rows_balance(), "rows not accounted for: {t:?}");
        }
    }
    for r in &data.rejects {
        assert_eq!(r.file, name);
        assert!(!r.reason.is_empty());
    }
}

/// A small valid workbook, to be corrupted.
fn workbook() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["姓名", "身份证号", "死亡日期"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "张三").unwrap();
    sheet.write_string(1, 1, "110101199003074514").unwrap();
    sheet.write_string(1, 2, "2024-03-05").unwrap();
    book.save_to_buffer().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn normalizers_and_readers_of_one_value_never_panic(s in any::<String>()) {
        let _ = parse_date(&s);
        let _ = parse_period(&s);
        let _ = parse_amount(&s, 10_000.0);
        let _ = parse_integer(&s);
        let _ = normalize_id(&s);
        let _ = normalize_village_code(&s);
        let _ = normalize_name(&s);
        let _ = normalize_code(&s);
        let _ = lexicon().read(&s);
        let _ = lexicon().is_known_header(&s);
        let _ = Profile::of([s.as_str()]).describe();
        for v in vocab::vocabularies() {
            let _ = v.canonical(&s);
        }
        if let Ok(v) = parse_amount(&s, 1.0) {
            prop_assert!(v.is_finite());
        }
    }

    #[test]
    fn any_bytes_named_csv_are_read_or_refused(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        ingest_one("任意.csv", &bytes);
    }

    #[test]
    fn export_shaped_csv_accounts_for_every_row(text in export_csv(), gbk in any::<bool>()) {
        let bytes = if gbk {
            encoding_rs::GBK.encode(&text).0.into_owned()
        } else {
            text.into_bytes()
        };
        ingest_one("发放明细.csv", &bytes);
    }

    #[test]
    fn corrupted_workbooks_are_refused_not_fatal(
        cut in 0.0f64..1.0,
        flips in prop::collection::vec((0.0f64..1.0, any::<u8>()), 0..16),
    ) {
        let mut bytes = workbook();
        for (at, b) in flips {
            let i = (at * bytes.len() as f64) as usize % bytes.len();
            bytes[i] = b;
        }
        let keep = ((cut * bytes.len() as f64) as usize).max(1);
        bytes.truncate(keep);
        ingest_one("死亡名单.xlsx", &bytes);
    }
}
