//! Ingest of real-looking exports, end to end through `ingest_dir`.

use std::path::Path;

use polars::prelude::*;
use xuncha_ingest::{
    ingest_dir, mapping::Decision, normalize::id_check_char, IngestError, Ingested, MissingColumns,
    RejectAction, TableReport,
};

/// A valid 18-digit ID number for test person `n`.
fn id(n: u32) -> String {
    let first17 = format!("41110219600101{n:03}");
    format!("{first17}{}", id_check_char(&first17).unwrap())
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

/// Ingest a folder holding one file.
fn ingest_one(name: &str, bytes: &[u8]) -> Ingested {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), name, bytes);
    ingest_dir(dir.path(), None).unwrap()
}

/// A frame's amounts, none of them null.
fn amounts(df: &DataFrame) -> Vec<f64> {
    let amount = df.column("amount").unwrap().f64().unwrap();
    amount.into_no_null_iter().collect()
}

/// A frame's periods as months (`2024-03`), none of them null.
fn months(df: &DataFrame) -> Vec<String> {
    let periods = dates(df, "period").into_iter();
    periods.map(|p| p[..7].to_string()).collect()
}

/// How a table's column was decided.
fn decision<'a>(table: &'a TableReport, column: &str) -> &'a Decision {
    let found = table.decisions.iter().find(|d| d.column == column);
    found.unwrap_or_else(|| panic!("no decision for {column}: {:?}", table.decisions))
}

/// A frame's column as text (a date as `2024-03-05`), nulls kept.
fn strings(df: &DataFrame, col: &str) -> Vec<Option<String>> {
    let column = df.column(col).unwrap().cast(&DataType::String).unwrap();
    let values = column.str().unwrap().iter();
    values.map(|v| v.map(str::to_string)).collect()
}

/// A frame's date column as text (`2024-03-05`), none of them null.
fn dates(df: &DataFrame, col: &str) -> Vec<String> {
    let values = strings(df, col).into_iter();
    values.map(|d| d.expect("a date")).collect()
}

#[test]
fn gbk_csv_with_messy_values_is_read() {
    let mut fifteen = id(2);
    fifteen.replace_range(6..8, "");
    fifteen.pop();
    let text = format!(
        "姓名,公民身份号码,村级区划代码,发放月份,发放金额（元）,银行账号,救助类别\n\
         张 三,'{},411102001001,2024年3月,\"1,200.00\",6228 4800 0000 0001,农村低保\n\
         李四,{},411102001001,202403,500元,6228480000000002,农村低保\n\
         王五,{},411102001,2024-03,500,6228480000000003,特困供养\n\
         合计,,,,\"2,200.00\",,\n",
        id(1).to_lowercase(),
        fifteen,
        id(3).replace('4', "４")
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let data = ingest_one("2024年3月低保发放.csv", &gbk);
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    let df = &data.datasets["benefit_payments"];
    assert_eq!(df.height(), 3);
    assert_eq!(
        strings(df, "id_number"),
        vec![Some(id(1)), Some(id(2)), Some(id(3))]
    );
    assert_eq!(strings(df, "name")[0].as_deref(), Some("张三"));
    assert_eq!(
        strings(df, "village_code")[2].as_deref(),
        Some("411102001000")
    );
    assert_eq!(
        strings(df, "bank_account")[0].as_deref(),
        Some("6228480000000001")
    );
    let amounts: Vec<Option<f64>> = df.column("amount").unwrap().f64().unwrap().iter().collect();
    assert_eq!(amounts, vec![Some(1200.0), Some(500.0), Some(500.0)]);
    let periods = strings(df, "period");
    assert!(periods.iter().all(|p| p.as_deref() == Some("2024-03-01")));
    let t = &data.tables[0];
    assert_eq!(t.encoding, "GB18030");
    assert_eq!(t.total_rows, 1);
    assert_eq!(
        strings(df, "_src")[1].as_deref(),
        Some("2024年3月低保发放.csv:3")
    );
}

#[test]
fn xlsx_with_title_and_units_rows_and_wide_households() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("花名册").unwrap();
    let rows: Vec<Vec<String>> = vec![
        vec!["××县2024年农村低保家庭花名册".into()],
        vec![
            "家庭编号",
            "救助类别",
            "户主姓名",
            "户主身份证号",
            "村代码",
            "保障人数",
            "成员1姓名",
            "成员1身份证号",
            "成员1与户主关系",
            "成员2姓名",
            "成员2身份证号",
            "成员2与户主关系",
        ]
        .into_iter()
        .map(String::from)
        .collect(),
        vec![
            "H001",
            "农村低保",
            "赵一",
            &id(10),
            "411102001001",
            "3",
            "钱二",
            &id(11),
            "配偶",
            "孙三",
            &id(12),
            "子",
        ]
        .into_iter()
        .map(String::from)
        .collect(),
        vec![
            "H002",
            "农村低保",
            "周四",
            &id(20),
            "411102001002",
            "2",
            "吴五",
            &id(21),
            "子",
            "",
            "",
            "",
        ]
        .into_iter()
        .map(String::from)
        .collect(),
        vec![
            "家庭编号",
            "救助类别",
            "户主姓名",
            "户主身份证号",
            "村代码",
            "保障人数",
            "成员1姓名",
            "成员1身份证号",
            "成员1与户主关系",
            "成员2姓名",
            "成员2身份证号",
            "成员2与户主关系",
        ]
        .into_iter()
        .map(String::from)
        .collect(),
        vec![
            "H003",
            "农村低保",
            "郑六",
            "123",
            "411102001002",
            "1",
            "",
            "",
            "",
            "",
            "",
            "",
        ]
        .into_iter()
        .map(String::from)
        .collect(),
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, v).unwrap();
        }
    }
    let other = book.add_worksheet().set_name("说明").unwrap();
    other.write_string(0, 0, "本表由系统导出").unwrap();
    book.save(dir.path().join("低保家庭.xlsx")).unwrap();

    let data = ingest_dir(dir.path(), None).unwrap();
    let households = &data.datasets["relief_households"];
    assert_eq!(
        strings(households, "household_id"),
        vec![Some("H001".into()), Some("H002".into())]
    );
    let members = &data.datasets["relief_members"];
    assert_eq!(
        strings(members, "id_number"),
        vec![
            Some(id(10)),
            Some(id(11)),
            Some(id(12)),
            Some(id(20)),
            Some(id(21))
        ]
    );
    assert_eq!(strings(members, "relation")[0].as_deref(), Some("户主"));
    assert_eq!(strings(members, "relation")[1].as_deref(), Some("配偶"));
    assert_eq!(
        strings(members, "_src")[1].as_deref(),
        Some("低保家庭.xlsx#花名册:3")
    );

    let table = data
        .tables
        .iter()
        .find(|t| t.sheet.as_deref() == Some("花名册"))
        .unwrap();
    assert_eq!(table.header_row, Some(2));
    assert_eq!(table.repeated_headers, 1);
    assert_eq!(table.rows_rejected, 1);
    assert_eq!(table.members_accepted, 5);
    let explain = data
        .tables
        .iter()
        .find(|t| t.sheet.as_deref() == Some("说明"))
        .unwrap();
    assert!(explain.dataset.is_none());

    let reject = &data.rejects[0];
    assert_eq!(
        (reject.row, reject.column.as_str(), reject.value.as_str()),
        (6, "户主身份证号", "123")
    );
    assert_eq!(reject.action, RejectAction::RowDropped);
    assert!(reject.reason.contains("15位或18位"), "{}", reject.reason);
}

/// A roster kept one row a member, the household's columns repeated on
/// each (家庭编号, 户主…, 成员姓名, 成员身份证号, 与户主关系): each household is
/// read once, from its first row, and every member too, the head among them
/// once; the member's columns are read, not left unmapped.
#[test]
fn a_roster_of_one_row_a_member_gives_households_and_members() {
    let head = "家庭编号,户主姓名,户主身份证号,保障类别,保障人数,村代码,成员姓名,成员身份证号,与户主关系\n";
    let mut csv = String::from(head);
    for (household, head, member, relation) in [
        ("H1", 10, 10, "本人"),
        ("H1", 10, 11, "配偶"),
        ("H1", 10, 12, "子"),
        ("H2", 20, 20, "户主"),
        ("H3", 30, 31, "女"),
    ] {
        csv += &format!(
            "{household},人{head},{},农村低保,3,411122001001,人{member},{},{relation}\n",
            id(head),
            id(member)
        );
    }
    let data = ingest_one("低保家庭成员花名册.csv", csv.as_bytes());
    let households = &data.datasets["relief_households"];
    let ids = strings(households, "household_id");
    assert_eq!(ids, ["H1", "H2", "H3"].map(|h| Some(h.to_string())));
    assert_eq!(
        strings(households, "_src")[1].as_deref(),
        Some("低保家庭成员花名册.csv:5")
    );
    let members = &data.datasets["relief_members"];
    let people = strings(members, "id_number");
    let expected = [10, 11, 12, 20, 30, 31].map(|n| Some(id(n)));
    assert_eq!(people, expected);
    assert_eq!(strings(members, "relation")[1].as_deref(), Some("配偶"));
    let table = &data.tables[0];
    assert_eq!(
        (
            table.rows_accepted,
            table.household_repeats,
            table.members_accepted
        ),
        (3, 2, 6)
    );
    assert!(table.rows_balance());
    assert!(table.unmapped.is_empty(), "{:?}", table.unmapped);

    // A members' list naming the household's head but not the head's ID
    // is the members' list it is.
    let members_only = "家庭编号,户主姓名,成员姓名,成员身份证号,与户主关系\n".to_string()
        + &format!("H1,人10,人11,{},配偶\n", id(11));
    let data = ingest_one("低保家庭成员.csv", members_only.as_bytes());
    assert_eq!(data.tables[0].dataset.as_deref(), Some("relief_members"));
    assert_eq!(data.tables[0].household_repeats, 0);
}

/// A grouping column written once over the rows it groups (merged cells
/// saved as CSV: a village over its people, a household over its members)
/// gives every row of the group its value, said in the report; a column
/// that repeats a value is not written so, and its blank stays blank.
#[test]
fn a_group_written_once_over_its_rows_gives_each_row_its_value() {
    let list = |villages: [&str; 5]| {
        let mut csv = String::from("村代码,姓名,身份证号,发放金额\n");
        for (k, v) in villages.iter().enumerate() {
            csv += &format!("{v},人{k},{},100\n", id(k as u32 + 1));
        }
        csv += ",合计,,500\n";
        csv
    };
    let (a, b) = ("411122001001", "411122002001");
    let data = ingest_one(
        "2024年3月高龄津贴发放.csv",
        list([a, "", "", b, ""]).as_bytes(),
    );
    assert!(
        data.errors.is_empty() && data.rejects.is_empty(),
        "{:?}",
        data.rejects
    );
    let payments = &data.datasets["benefit_payments"];
    let expected = [a, a, a, b, b].map(|v| Some(v.to_string()));
    assert_eq!(strings(payments, "village_code"), expected);
    let table = &data.tables[0];
    assert_eq!(table.carried_down, [("村代码".to_string(), 3)]);
    assert_eq!((table.rows_accepted, table.total_rows), (5, 1));

    // A village written on more than one row of its group: not merged.
    let data = ingest_one(
        "2024年3月高龄津贴发放.csv",
        list([a, a, "", b, b]).as_bytes(),
    );
    let payments = &data.datasets["benefit_payments"];
    assert_eq!(strings(payments, "village_code")[2], None);
    assert!(data.tables[0].carried_down.is_empty());
    // One blank among values, each on a row of its own: a value missing,
    // not a group's.
    let (c, d) = ("411122001002", "411122002002");
    let data = ingest_one(
        "2024年3月高龄津贴发放.csv",
        list([a, b, "", c, d]).as_bytes(),
    );
    let payments = &data.datasets["benefit_payments"];
    assert_eq!(strings(payments, "village_code")[2], None);
    assert!(data.tables[0].carried_down.is_empty());

    // A web page saved as .xls, the village spanning its rows (rowspan).
    let page = format!(
        "<html><body><table><tr><td>村代码</td><td>姓名</td><td>身份证号</td><td>发放金额</td></tr>\
         <tr><td rowspan=\"3\">{a}</td><td>甲</td><td>{}</td><td>100</td></tr>\
         <tr><td>乙</td><td>{}</td><td>100</td></tr><tr><td>丙</td><td>{}</td><td>100</td></tr>\
         <tr><td rowspan=\"2\">{b}</td><td>丁</td><td>{}</td><td>100</td></tr>\
         <tr><td>戊</td><td>{}</td><td>100</td></tr></table></body></html>",
        id(1),
        id(2),
        id(3),
        id(4),
        id(5)
    );
    let data = ingest_one("2024年3月高龄津贴发放.xls", page.as_bytes());
    let payments = &data.datasets["benefit_payments"];
    assert_eq!(strings(payments, "village_code"), expected);

    // A roster one row a member, the household's columns on its first row.
    let roster = format!(
        "家庭编号,户主姓名,户主身份证号,保障类别,保障人数,村代码,成员姓名,成员身份证号,与户主关系\n\
         H1,甲,{a},农村低保,3,{v},甲,{a},户主\n,,,,,,乙,{b},配偶\n,,,,,,丙,{c},子\n\
         H2,丁,{d},农村低保,1,{v},丁,{d},户主\n",
        a = id(10),
        b = id(11),
        c = id(12),
        d = id(20),
        v = a,
    );
    let data = ingest_one("低保家庭成员花名册.csv", roster.as_bytes());
    assert!(data.rejects.is_empty(), "{:?}", data.rejects);
    let households = &data.datasets["relief_households"];
    assert_eq!(households.height(), 2);
    let members = &data.datasets["relief_members"];
    let expected = ["H1", "H1", "H1", "H2"].map(|h| Some(h.to_string()));
    assert_eq!(strings(members, "household_id"), expected);

    // Past the rows read for recognition, in every batch of a large file.
    let mut csv = String::from("村代码,姓名,身份证号,发放月份,发放金额\n");
    let villages = [
        "411122001001",
        "411122001002",
        "411122002001",
        "411122002002",
    ];
    for k in 0..40_000 {
        let village = if k % 10_000 == 0 {
            villages[k / 10_000]
        } else {
            ""
        };
        csv += &format!("{village},人{k},{},2024-03,100\n", id((k % 900) as u32));
    }
    let data = ingest_one("2024年高龄津贴发放.csv", csv.as_bytes());
    assert!(
        data.rejects.is_empty(),
        "{:?}",
        &data.rejects[..3.min(data.rejects.len())]
    );
    let payments = &data.datasets["benefit_payments"];
    let codes = strings(payments, "village_code");
    assert_eq!(codes.len(), 40_000);
    for (k, code) in codes.iter().enumerate() {
        assert_eq!(code.as_deref(), Some(villages[k / 10_000]), "row {k}");
    }
    assert_eq!(
        data.tables[0].carried_down,
        [("村代码".to_string(), 39_996)]
    );
}

/// A roster listing a household's members in one cell (家庭成员姓名
/// `孙二、孙小`, 家庭成员身份证号 likewise) gives each of them; a cell whose
/// names and IDs do not pair up is refused as it was.
#[test]
fn members_listed_in_one_cell_are_each_a_member() {
    let csv = format!(
        "家庭编号,户主姓名,户主身份证号,保障人数,村代码,家庭成员姓名,家庭成员身份证号\n\
         H1,甲,{a},3,411122001001,甲、乙、丙,\"{a}、{b}、{c}\"\n\
         H2,丁,{d},1,411122001001,丁,{d}\n\
         H3,戊,{e},2,411122001001,戊、己,\"{e}，{f}，{g}\"\n",
        a = id(10),
        b = id(11),
        c = id(12),
        d = id(20),
        e = id(30),
        f = id(31),
        g = id(32),
    );
    let data = ingest_one("农村低保保障对象花名册.csv", csv.as_bytes());
    let members = &data.datasets["relief_members"];
    let expected = [(10, "甲"), (11, "乙"), (12, "丙"), (20, "丁"), (30, "戊")];
    let people: Vec<(Option<String>, Option<String>)> = expected
        .iter()
        .map(|(n, name)| (Some(id(*n)), Some(name.to_string())))
        .collect();
    let got: Vec<_> = strings(members, "id_number")
        .into_iter()
        .zip(strings(members, "name"))
        .collect();
    assert_eq!(got, people);
    let [reject] = &data.rejects[..] else {
        panic!("{:?}", data.rejects);
    };
    assert_eq!(
        (reject.row, reject.column.as_str()),
        (4, "家庭成员身份证号")
    );
}

/// A 低保 roster without household numbers (户主姓名, 户主身份证号 …) keys
/// each household by its head's ID number; a members' list naming only the
/// head keys its members so, and one keyed by another system's household
/// numbers is read as keyed by the roster's head its rows hold. A list that
/// does not say it is a relief roster is not read as one without a number.
#[test]
fn a_relief_roster_without_household_numbers_is_keyed_by_its_heads() {
    let dir = tempfile::tempdir().unwrap();
    let mut roster = String::from("户主姓名,户主身份证号,保障类别,保障人数,村代码\n");
    for head in [10, 20] {
        roster += &format!("人{head},{},农村低保,2,411122001001\n", id(head));
    }
    write(dir.path(), "2024年低保家庭花名册.csv", roster.as_bytes());
    let mut numbered = String::from("家庭编号,成员姓名,成员身份证号,与户主关系\n");
    for (household, member, relation) in [
        ("DB1", 10, "本人"),
        ("DB1", 11, "子"),
        ("DB3", 40, "本人"),
        ("DB3", 41, "妻"),
    ] {
        numbered += &format!("{household},人{member},{},{relation}\n", id(member));
    }
    write(dir.path(), "低保家庭成员名单.csv", numbered.as_bytes());
    let by_head = format!(
        "户主身份证号,成员姓名,成员身份证号,与户主关系\n{},人21,{},配偶\n",
        id(20),
        id(21)
    );
    write(dir.path(), "低保家庭成员（按户主）.csv", by_head.as_bytes());
    let data = ingest_dir(dir.path(), None).unwrap();
    let households = &data.datasets["relief_households"];
    assert_eq!(
        strings(households, "household_id"),
        [Some(id(10)), Some(id(20))]
    );
    let roster = (data.tables.iter())
        .find(|t| t.file == "2024年低保家庭花名册.csv")
        .unwrap();
    let keyed = decision(roster, "household_id");
    assert_eq!(keyed.header.as_deref(), Some("户主身份证号"));
    assert!(keyed.reason.contains("代替"), "{}", keyed.reason);
    let members = &data.datasets["relief_members"];
    let keys: Vec<(Option<String>, Option<String>)> = strings(members, "household_id")
        .into_iter()
        .zip(strings(members, "id_number"))
        .collect();
    // DB1 holds head 10: its rows are household 10's; DB3 holds no head of
    // the roster and keeps its number.
    for (household, member) in [
        (id(10), id(10)),
        (id(10), id(11)),
        ("DB3".into(), id(40)),
        ("DB3".into(), id(41)),
        (id(20), id(21)),
    ] {
        assert!(
            keys.contains(&(Some(household.clone()), Some(member.clone()))),
            "{household} {member}: {keys:?}"
        );
    }
    let report = |file: &str| data.tables.iter().find(|t| t.file == file).unwrap();
    assert_eq!(report("低保家庭成员名单.csv").households_by_head, 2);
    assert_eq!(report("低保家庭成员（按户主）.csv").households_by_head, 0);

    // Without a word naming a relief roster, a list of heads is refused for
    // its missing household number, as before.
    let heads = format!(
        "户主姓名,户主身份证号,村代码\n人10,{},411122001001\n",
        id(10)
    );
    let data = ingest_one("名单.csv", heads.as_bytes());
    assert!(data.datasets.is_empty(), "{:?}", data.datasets.keys());
    // relief_households is only the closest guess.
    assert!(data.tables[0].guessed);
    assert!(
        (data.tables[0].note.as_deref()).is_some_and(|n| n.contains("household_id")),
        "{:?}",
        data.tables[0].note
    );
}

#[test]
fn a_column_two_headers_fit_equally_is_read_and_the_choice_reported() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "低保资金发放花名册.csv",
        format!(
            "户主姓名,户主身份证号码,发放月份,月保障金额(元),本月发放金额（元）\n张三,{},2024年3月,760,800\n",
            id(1)
        )
        .as_bytes(),
    );
    let data = ingest_dir(dir.path(), None).unwrap();
    // Keyed by the head, who is the one paid.
    assert_eq!(data.rows("benefit_payments"), 1);
    let messages: Vec<String> = data.errors.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].contains("低保资金发放花名册.csv")
            && messages[0].contains("benefit_payments.amount 取了表头“月保障金额(元)”")
            && messages[0].contains("“本月发放金额（元）”同样符合"),
        "{}",
        messages[0]
    );
}

#[test]
fn a_missing_required_column_is_a_clear_error_and_other_files_still_load() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "死亡人员.csv",
        format!("姓名,身份证号,备注\n张三,{},\n", id(1)).as_bytes(),
    );
    write(
        dir.path(),
        "deaths_ok.csv",
        format!("姓名,身份证号,死亡日期\n李四,{},2024/3/5\n", id(2)).as_bytes(),
    );
    let data = ingest_dir(dir.path(), None).unwrap();
    assert_eq!(data.rows("deaths"), 1);
    assert_eq!(data.errors.len(), 1);
    let IngestError::MissingColumns(m) = &data.errors[0] else {
        panic!("{:?}", data.errors[0]);
    };
    let MissingColumns {
        file,
        dataset,
        missing,
        headers,
        ..
    } = m.as_ref();
    assert_eq!(file, "死亡人员.csv");
    assert_eq!(dataset, "deaths");
    assert_eq!(missing[0].column, "death_date");
    assert!(missing[0].tried.contains(&"死亡日期".to_string()));
    assert_eq!(
        headers,
        &vec!["姓名".to_string(), "身份证号".into(), "备注".into()]
    );
    let message = data.errors[0].to_string();
    assert!(
        message.contains("死亡人员.csv")
            && message.contains("death_date")
            && message.contains("死亡日期"),
        "{message}"
    );
    assert!(message.contains("识别为数据集 deaths"), "{message}");
    assert!(!m.guessed && !data.tables[0].guessed);

    // A list that names no dataset is only closest to one, and says so.
    let data = ingest_one(
        "名单.csv",
        format!("姓名,身份证号,入党时间\n张三,{},2010-07-01\n", id(1)).as_bytes(),
    );
    let IngestError::MissingColumns(m) = &data.errors[0] else {
        panic!("{:?}", data.errors);
    };
    assert!(m.guessed && data.tables[0].guessed);
    let message = data.errors[0].to_string();
    assert!(message.contains("未能确定数据集：最接近的是"), "{message}");
}

#[test]
fn a_missing_column_names_the_closest_headers_and_why_they_failed() {
    // 死亡时间 holds no dates: content rules it out, and the error says so.
    let data = ingest_one(
        "死亡人员.csv",
        format!(
            "姓名,身份证号,死亡时间
张三,{},不详
李四,{},待核实
",
            id(1),
            id(2)
        )
        .as_bytes(),
    );
    let IngestError::MissingColumns(m) = &data.errors[0] else {
        panic!("{:?}", data.errors);
    };
    assert_eq!(m.missing[0].column, "death_date");
    let closest = &m.missing[0].candidates;
    assert!(
        closest
            .first()
            .is_some_and(|c| c.starts_with("死亡时间") && c.contains("内容不符")),
        "{closest:?}"
    );
    assert!(data.errors[0].to_string().contains("最接近的列：死亡时间"));
}

#[test]
fn a_list_paid_by_quarter_is_read_a_month_a_record_with_equal_shares() {
    // By their digits 2024年第3季度 and 2024Q4 were March and April; read
    // as one month, a quarter's pay would be three months' in one.
    let data = ingest_one(
        "2024年高龄津贴发放.csv",
        format!(
            "姓名,身份证号,补贴项目,发放季度,发放金额
张三,{0},高龄津贴,2024年第一季度,300
张三,{0},高龄津贴,2024年第3季度,300
张三,{0},高龄津贴,2024Q4,100
李四,{1},高龄津贴,2024年12月,100
李四,{1},高龄津贴,2024年上半年,六百
",
            id(1),
            id(2)
        )
        .as_bytes(),
    );
    let df = &data.datasets["benefit_payments"];
    assert_eq!(
        months(df),
        [
            "2024-01", "2024-02", "2024-03", "2024-07", "2024-08", "2024-09", "2024-10", "2024-11",
            "2024-12", "2024-12"
        ]
    );
    assert_eq!(
        amounts(df),
        [100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 33.33, 33.33, 33.34, 100.0]
    );
    // Each month names the whole period (none for a month alone).
    let bounds = |col: &str| -> Vec<Option<String>> {
        let dates = strings(df, col).into_iter();
        dates.map(|d| d.map(|d| d[..7].to_string())).collect()
    };
    let (from, to) = (bounds("period_from"), bounds("period_to"));
    assert_eq!(
        (from[0].as_deref(), to[0].as_deref()),
        (Some("2024-01"), Some("2024-03"))
    );
    assert_eq!(
        (from[8].as_deref(), to[8].as_deref()),
        (Some("2024-10"), Some("2024-12"))
    );
    assert_eq!((from[9].as_deref(), to[9].as_deref()), (None, None));
    // Each month cites the row it came from.
    let cited: Vec<String> = strings(df, "_src").into_iter().flatten().collect();
    assert_eq!(cited[0], cited[2]);
    assert!(
        cited[6].ends_with(":4") && cited[9].ends_with(":5"),
        "{cited:?}"
    );
    // An amount that cannot be read drops the row once, not once a month.
    assert_eq!(data.rejects.len(), 1, "{:?}", data.rejects);
    assert_eq!(data.rejects[0].row, 6);
    assert_eq!(data.rejects[0].column, "发放金额");
    let table = &data.tables[0];
    assert_eq!(
        (
            table.rows_accepted,
            table.rows_rejected,
            table.spread_rows,
            table.months_accepted
        ),
        (4, 1, 3, 10)
    );
    assert!(table.rows_balance());
    assert!(
        decision(table, "period").reason.contains("像季度或数月"),
        "{:?}",
        decision(table, "period")
    );
}

/// A list with a column a quarter (`第一季度` … `第四季度`) or a span of
/// months (`1-3月`) gives each quarter paid as a record a month, the amount
/// in equal shares, as a quarter in a period column does; the year from the
/// names or each row's `年度`; a quarter that cannot be read is refused
/// alone, and a total beside them is left unread.
#[test]
fn a_list_with_a_column_a_quarter_gives_a_record_a_month() {
    let data = ingest_one(
        "2024年高龄津贴发放花名册.csv",
        format!(
            "姓名,身份证号,发放标准（元/月）,第一季度,第二季度,第三季度,第四季度,全年合计\n\
             张三,{},100,300,300,,100,700\n\
             李四,{},100,300,缓发,300,300,900\n",
            id(1),
            id(2)
        )
        .as_bytes(),
    );
    let df = &data.datasets["benefit_payments"];
    assert_eq!(
        months(df),
        [
            "2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06", "2024-10", "2024-11",
            "2024-12", "2024-01", "2024-02", "2024-03", "2024-07", "2024-08", "2024-09", "2024-10",
            "2024-11", "2024-12"
        ]
    );
    let amounts = amounts(df);
    assert_eq!(
        amounts[..9],
        [100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 33.33, 33.33, 33.34]
    );
    assert_eq!(amounts.iter().sum::<f64>(), 700.0 + 900.0);
    let from = strings(df, "period_from");
    assert_eq!(from[7].as_deref().map(|d| &d[..7]), Some("2024-10"));
    let table = &data.tables[0];
    assert_eq!((table.rows_accepted, table.months_accepted), (2, 18));
    assert!(table.rows_balance());
    assert!(
        table.unmapped.iter().any(|h| h == "全年合计"),
        "{:?}",
        table.unmapped
    );
    let period = decision(table, "period");
    assert!(period.reason.contains("按 4 个期间列"), "{}", period.reason);
    let rejects: Vec<(usize, &str)> = (data.rejects.iter())
        .map(|r| (r.row, r.column.as_str()))
        .collect();
    assert_eq!(rejects, [(3, "第二季度")]);
    assert!(data.rejects[0].reason.contains("仅此期间不读入"));

    // Spans of months under each row's year.
    let data = ingest_one(
        "低保资金发放台账.csv",
        format!(
            "年度,姓名,身份证号,1-6月,7-12月\n2023,张三,{},1200,1200\n",
            id(1)
        )
        .as_bytes(),
    );
    let df = &data.datasets["benefit_payments"];
    let months = months(df);
    assert_eq!(
        (months.len(), &months[0][..], &months[11][..]),
        (12, "2023-01", "2023-12")
    );
}

#[test]
fn a_quarter_the_file_name_states_spreads_every_row() {
    let data = ingest_one(
        "2024年第四季度高龄津贴发放.csv",
        format!("姓名,身份证号,发放金额\n张三,{},300\n", id(1)).as_bytes(),
    );
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    let df = &data.datasets["benefit_payments"];
    assert_eq!(months(df), ["2024-10", "2024-11", "2024-12"]);
    assert_eq!(amounts(df), [100.0, 100.0, 100.0]);
    let table = &data.tables[0];
    assert!(
        decision(table, "period")
            .reason
            .contains("取 2024年第4季度（按月拆开读入）"),
        "{:?}",
        decision(table, "period")
    );
    assert_eq!((table.spread_rows, table.months_accepted), (1, 3));
}

#[test]
fn quarters_without_their_year_take_the_rows_year_column_or_the_names() {
    let data = ingest_one(
        "高龄津贴发放.csv",
        format!(
            "姓名,身份证号,发放金额,年度,季度\n\
             张三,{0},300,2024,第一季度\n\
             张三,{0},300,2024年,二季度\n\
             张三,{0},300,往年,三季度\n",
            id(1)
        )
        .as_bytes(),
    );
    let df = &data.datasets["benefit_payments"];
    assert_eq!(
        months(df),
        ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]
    );
    // A year that cannot be read drops the row, citing the year column.
    assert_eq!(data.rejects.len(), 1, "{:?}", data.rejects);
    assert_eq!(
        (data.rejects[0].row, data.rejects[0].column.as_str()),
        (4, "年度")
    );
    let table = &data.tables[0];
    assert!(table.rows_balance());
    assert!(
        decision(table, "period")
            .reason
            .contains("年份按各行的“年度”列"),
        "{:?}",
        decision(table, "period")
    );

    let named = ingest_one(
        "2023年高龄津贴发放.csv",
        format!("姓名,身份证号,发放金额,季度\n张三,{},300,Q4\n", id(1)).as_bytes(),
    );
    assert_eq!(
        months(&named.datasets["benefit_payments"]),
        ["2023-10", "2023-11", "2023-12"]
    );
}

/// A month paid written without its year (`发放月份`: 3, 4月, 十二月) beside
/// a year column, or under a year the file name states, is that month of
/// the year: one record a row, nothing spread. A count of 1 to 12 under
/// another header is no month.
#[test]
fn months_without_their_year_take_the_rows_year_column_or_the_names() {
    let data = ingest_one(
        "城乡低保资金发放明细.csv",
        format!(
            "户主姓名,户主身份证,村代码,家庭人口数,月救助金额,发放年度,发放月份\n\
             张三,{0},411122001001,2,560,2024,3\n\
             张三,{0},411122001001,2,560,2024年,4月\n\
             张三,{0},411122001001,2,560,2023,十二月\n\
             张三,{0},411122001001,2,560,往年,5\n",
            id(1)
        )
        .as_bytes(),
    );
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    let df = &data.datasets["benefit_payments"];
    assert_eq!(months(df), ["2024-03", "2024-04", "2023-12"]);
    assert_eq!(amounts(df), [560.0, 560.0, 560.0]);
    assert_eq!(df.column("period_from").unwrap().null_count(), 3);
    assert_eq!(data.rejects.len(), 1, "{:?}", data.rejects);
    assert_eq!(
        (data.rejects[0].row, data.rejects[0].column.as_str()),
        (5, "发放年度")
    );
    let table = &data.tables[0];
    assert!(table.rows_balance());
    assert_eq!(table.spread_rows, 0);
    let period = decision(table, "period");
    assert_eq!(period.header.as_deref(), Some("发放月份"));
    assert!(period.reason.contains("不写年份的月份"), "{period:?}");

    let named = ingest_one(
        "2024年高龄津贴发放.csv",
        format!("姓名,身份证号,发放金额,月份\n张三,{},100,07\n", id(1)).as_bytes(),
    );
    assert_eq!(months(&named.datasets["benefit_payments"]), ["2024-07"]);

    // Numbers from 1 to 12 under no header of a month: no period.
    let counts = ingest_one(
        "2024年低保发放.csv",
        format!("姓名,身份证号,家庭人口数,发放金额\n张三,{},3,560\n", id(1)).as_bytes(),
    );
    assert!(!counts.datasets.contains_key("benefit_payments"));
    let IngestError::MissingColumns(m) = &counts.errors[0] else {
        panic!("{:?}", counts.errors);
    };
    assert_eq!(m.missing[0].column, "period");
}

#[test]
fn a_quarter_without_its_year_is_refused_not_read_as_a_month() {
    let data = ingest_one(
        "高龄津贴发放.csv",
        format!(
            "姓名,身份证号,补贴项目,发放期间,发放金额
张三,{0},高龄津贴,第一季度,300
张三,{0},高龄津贴,第3季度,300
张三,{0},高龄津贴,四季度,300
",
            id(1)
        )
        .as_bytes(),
    );
    assert!(!data.datasets.contains_key("benefit_payments"));
    let IngestError::MissingColumns(m) = &data.errors[0] else {
        panic!("{:?}", data.errors);
    };
    assert_eq!(m.missing[0].column, "period");
    assert!(
        m.missing[0]
            .candidates
            .first()
            .is_some_and(|c| c.starts_with("发放期间") && c.contains("像季度（不是月份）")),
        "{:?}",
        m.missing[0].candidates
    );
}

#[test]
fn malformed_rows_go_to_rejects_with_their_row_number() {
    let csv = "凭证号,村代码,支付日期,收款方,金额,支付方式\nV1,411102001001,2024-01-05,某公司,100,转账\nV2,411102001001,2024-13-45,某公司,100,转账\nV3,411102001001,2024-01-07,某公司,一百元,转账\nV4,411102001001,2024-01-08,某公司,50,转账\n";
    let data = ingest_one("支出凭证.csv", csv.as_bytes());
    assert_eq!(
        strings(&data.datasets["village_payments"], "voucher_no"),
        vec![Some("V1".into()), Some("V4".into())]
    );
    let rows: Vec<(usize, &str)> = data
        .rejects
        .iter()
        .map(|r| (r.row, r.column.as_str()))
        .collect();
    assert_eq!(rows, vec![(3, "支付日期"), (4, "金额")]);
    assert_eq!(data.tables[0].rows_rejected, 2);
}

#[test]
fn catalog_overrides_recognition() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "catalog.toml",
        "ignore = [\"readme.csv\"]\n[[files]]\nmatch = \"tk*.csv\"\ndataset = \"benefit_payments\"\ncolumns = { id_number = \"证号\" }\nconstants = { program = \"特困供养\" }\nunits = { amount = \"万元\" }\n"
            .as_bytes(),
    );
    write(
        dir.path(),
        "tk_2024.csv",
        format!("姓名,证号,月份,金额\n张三,{},2024-01,0.05\n", id(1)).as_bytes(),
    );
    write(dir.path(), "readme.csv", "姓名,身份证号\n".as_bytes());
    let data = ingest_dir(dir.path(), None).unwrap();
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    assert_eq!(data.tables.len(), 1);
    let df = &data.datasets["benefit_payments"];
    assert_eq!(strings(df, "program"), vec![Some("特困供养".into())]);
    assert_eq!(
        df.column("amount").unwrap().f64().unwrap().get(0),
        Some(500.0)
    );
}

#[test]
fn typed_parquet_is_validated_column_by_column_with_the_same_rejects() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let day = |y, m, d| {
        (chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap() - chrono::NaiveDate::default())
            .num_days() as i32
    };
    let dates = Int32Chunked::from_iter_options(
        "death_date".into(),
        [
            Some(day(2024, 3, 5)),
            None,
            Some(day(2024, 4, 1)),
            Some(day(2024, 5, 2)),
        ]
        .into_iter(),
    )
    .into_date()
    .into_column();
    let mut df = DataFrame::new(
        4,
        vec![
            Column::new(
                "id_number".into(),
                [
                    Some(id(1).to_lowercase()),
                    Some(id(2)),
                    Some("1234".into()),
                    None::<String>,
                ],
            ),
            Column::new("name".into(), ["甲", "乙", "丙", "丁"]),
            dates,
        ],
    )
    .unwrap();
    let file = std::fs::File::create(dir.path().join("deaths.parquet")).unwrap();
    ParquetWriter::new(file).finish(&mut df).unwrap();
    let data = ingest_dir(dir.path(), None).unwrap();
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    let t = &data.tables[0];
    assert_eq!((t.data_rows, t.rows_accepted, t.rows_rejected), (4, 1, 3));
    assert!(t.rows_balance());
    let mut rows: Vec<(usize, String)> = data
        .rejects
        .iter()
        .map(|r| (r.row, r.column.clone()))
        .collect();
    rows.sort();
    assert_eq!(
        rows,
        vec![
            (3, "death_date".to_string()),
            (4, "id_number".to_string()),
            (5, "id_number".to_string())
        ]
    );
    let deaths = &data.datasets["deaths"];
    // The lower-case x of the ID was normalized, the check digit flagged.
    let ids = deaths
        .column("id_number")
        .unwrap()
        .str()
        .unwrap()
        .get(0)
        .unwrap()
        .to_string();
    assert_eq!(ids, id(1));
    assert_eq!(
        deaths.column("_src").unwrap().str().unwrap().get(0),
        Some("deaths.parquet:2")
    );
}

#[test]
fn a_written_catalog_keeps_every_sheet_of_a_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    for (sheet, n) in [("城关镇", 1), ("河东镇", 2)] {
        let ws = book.add_worksheet();
        ws.set_name(sheet).unwrap();
        for (c, h) in ["姓名", "身份证号", "死亡日期"].iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        ws.write_string(1, 0, "某人").unwrap();
        ws.write_string(1, 1, id(n)).unwrap();
        ws.write_string(1, 2, "2024-03-05").unwrap();
    }
    book.save(dir.path().join("死亡名单.xlsx")).unwrap();
    let before = ingest_dir(dir.path(), None).unwrap();
    assert_eq!(before.rows("deaths"), 2);
    let catalog = xuncha_ingest::catalog::write_catalog(&[], &before.tables);
    std::fs::write(dir.path().join("catalog.toml"), catalog).unwrap();
    let after = ingest_dir(dir.path(), None).unwrap();
    assert!(after.errors.is_empty(), "{:?}", after.errors);
    assert_eq!(after.rows("deaths"), 2, "both sheets are read back");
}

/// A lake file (`deaths.parquet` with the canonical schema) is read as it is,
/// only the wanted columns from disk; a CSV of a dataset is still normalized
/// whole and then cut to the wanted columns; without a wish, all columns stay.
#[test]
fn a_run_keeps_only_the_columns_it_wants() {
    let dir = tempfile::tempdir().unwrap();
    let schema = xuncha_schema::dataset("deaths").unwrap().schema();
    let columns: Vec<Column> = schema
        .iter()
        .map(|(name, dtype)| match name.as_str() {
            "id_number" => Column::new(name.clone(), [id(1), id(2)]),
            "_src" => Column::new(name.clone(), ["deaths.csv:2", "deaths.csv:3"]),
            _ => Column::full_null(name.clone(), 2, dtype),
        })
        .collect();
    let mut frame = DataFrame::new_infer_height(columns).unwrap();
    let file = std::fs::File::create(dir.path().join("deaths.parquet")).unwrap();
    ParquetWriter::new(file).finish(&mut frame).unwrap();
    write(
        dir.path(),
        "低保发放.csv",
        format!(
            "姓名,身份证号,村级区划代码,发放月份,发放金额,救助类别\n张三,{},411102001001,2024-03,500,农村低保\n",
            id(3)
        )
        .as_bytes(),
    );
    let keep = |cols: &[&str]| cols.iter().map(|c| c.to_string()).collect();
    let wanted = xuncha_ingest::Wanted {
        datasets: keep(&["deaths", "benefit_payments"]),
        columns: [
            ("deaths".to_string(), keep(&["id_number", "_src"])),
            (
                "benefit_payments".to_string(),
                keep(&["amount", "id_number"]),
            ),
        ]
        .into(),
    };
    let data = xuncha_ingest::ingest_datasets(dir.path(), None, Some(&wanted)).unwrap();
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    let deaths = &data.datasets["deaths"];
    assert_eq!(deaths.get_column_names(), ["id_number", "_src"]);
    assert_eq!(strings(deaths, "_src")[1].as_deref(), Some("deaths.csv:3"));
    let payments = &data.datasets["benefit_payments"];
    assert_eq!(payments.get_column_names(), ["id_number", "amount"]);
    assert_eq!(payments.height(), 1);

    let all = ingest_dir(dir.path(), None).unwrap();
    assert_eq!(all.datasets["deaths"].width(), schema.len());
    assert!(all.datasets["benefit_payments"].width() > 5);
}

/// A lake written before the derived columns (`period_from`, `period_to`)
/// were added is still a lake, in memory and streamed: they read as empty,
/// and the rows keep the exports' sources.
#[test]
fn a_lake_written_before_the_derived_columns_is_still_a_lake() {
    let dir = tempfile::tempdir().unwrap();
    let spec = xuncha_schema::dataset("benefit_payments").unwrap();
    let columns: Vec<Column> = (spec.schema().iter())
        .filter(|(name, _)| !name.starts_with("period_"))
        .map(|(name, dtype)| match name.as_str() {
            "id_number" => Column::new(name.clone(), [id(1)]),
            "_src" => Column::new(name.clone(), ["低保发放.csv:2"]),
            _ => Column::full_null(name.clone(), 1, dtype),
        })
        .collect();
    let mut frame = DataFrame::new_infer_height(columns).unwrap();
    let file = std::fs::File::create(dir.path().join("benefit_payments.parquet")).unwrap();
    ParquetWriter::new(file).finish(&mut frame).unwrap();

    let data = ingest_dir(dir.path(), None).unwrap();
    assert!(data.tables[0].is_lake_file(), "{:?}", data.tables[0]);
    let payments = &data.datasets["benefit_payments"];
    let names = payments.get_column_names();
    assert!(
        names.iter().copied().eq(spec.schema().iter_names()),
        "{names:?}"
    );
    assert_eq!(payments.column("period_to").unwrap().null_count(), 1);
    assert_eq!(
        strings(payments, "_src")[0].as_deref(),
        Some("低保发放.csv:2")
    );

    let wanted = xuncha_ingest::Wanted {
        datasets: ["benefit_payments".to_string()].into(),
        columns: [(
            "benefit_payments".to_string(),
            ["id_number", "period_from", "_src"]
                .map(String::from)
                .into(),
        )]
        .into(),
    };
    let scan = xuncha_ingest::scan::scan_lake(dir.path(), &wanted).unwrap();
    let streamed = scan.frames["benefit_payments"].clone().collect().unwrap();
    assert_eq!(
        streamed.get_column_names(),
        ["id_number", "period_from", "_src"]
    );
    assert_eq!(
        streamed.column("period_from").unwrap().dtype(),
        &DataType::Date
    );
    assert_eq!(streamed.column("period_from").unwrap().null_count(), 1);
}

/// A table larger than one chunk of rows is normalized in parallel chunks:
/// rows, sources and rejects stay in file order, counts add up, and an
/// unknown label seen in several chunks is reported once with its total.
#[test]
fn a_large_table_reads_in_chunks_as_one() {
    let rows = 100_000;
    let mut text = String::from("姓名,身份证号,村代码,发放月份,发放金额,救助类别\n");
    for n in 0..rows {
        let amount = if n % 30_000 == 7 {
            "不详".to_string()
        } else {
            n.to_string()
        };
        let program = if n % 25_000 == 3 {
            "临时帮扶"
        } else {
            "农村低保"
        };
        let id = id(n % 1000);
        text.push_str(&format!(
            "人{n},{id},411102001001,2024-03,{amount},{program}\n"
        ));
    }
    let data = ingest_one("低保发放.csv", text.as_bytes());
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    let df = &data.datasets["benefit_payments"];
    assert_eq!(df.height(), rows as usize - 4);
    let names = strings(df, "name");
    assert_eq!(names[0].as_deref(), Some("人0"));
    assert_eq!(
        names[rows as usize - 5].as_deref(),
        Some(format!("人{}", rows - 1).as_str())
    );
    let sources = strings(df, "_src");
    assert_eq!(sources[1].as_deref(), Some("低保发放.csv:3"));
    assert_eq!(
        sources.last().unwrap().as_deref(),
        Some(format!("低保发放.csv:{}", rows + 1).as_str())
    );
    let reject_rows: Vec<usize> = data.rejects.iter().map(|r| r.row).collect();
    assert_eq!(reject_rows, vec![9, 30_009, 60_009, 90_009]);
    let table = &data.tables[0];
    assert_eq!(
        (table.rows_read, table.rows_accepted, table.rows_rejected),
        (rows as usize, rows as usize - 4, 4)
    );
    assert!(table.rows_balance());
    let unknown: Vec<(&str, &str, usize)> = table
        .unknown_labels
        .iter()
        .map(|u| (u.column.as_str(), u.value.as_str(), u.count))
        .collect();
    assert_eq!(unknown, vec![("program", "临时帮扶", 4)]);
}

/// Only a CSV's first rows are parsed before its header is found; the rest
/// is parsed chunk by chunk while normalized. Rows past the first ones keep
/// the lines users see (CRLF ends, an empty line, a cell over two lines),
/// and a table the run does not use still counts all its rows.
#[test]
fn a_large_csv_keeps_its_row_numbers_past_the_rows_read_for_recognition() {
    let dir = tempfile::tempdir().unwrap();
    let rows = 50_000;
    let mut text = String::from(
        "2024年低保发放明细\r\n姓名,身份证号,村代码,发放月份,发放金额,救助类别,备注\r\n",
    );
    // Line of data row `k`: the empty line before row 40,000 and row
    // 45,000's second line push later rows down.
    let line = |k: usize| 3 + k + usize::from(k >= 40_000) + usize::from(k > 45_000);
    for k in 0..rows {
        if k == 40_000 {
            text.push_str("\r\n");
        }
        let amount = if k == 49_000 {
            "不详".into()
        } else {
            k.to_string()
        };
        let note = if k == 45_000 {
            "\"两行\r\n备注\""
        } else {
            ""
        };
        let id = id((k % 1000) as u32);
        text.push_str(&format!(
            "人{k},{id},411102001001,2024-03,{amount},农村低保,{note}\r\n"
        ));
    }
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    write(dir.path(), "低保发放.csv", &gbk);
    let data = ingest_dir(dir.path(), None).unwrap();
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    let df = &data.datasets["benefit_payments"];
    assert_eq!(df.height(), rows - 1);
    let (names, sources) = (strings(df, "name"), strings(df, "_src"));
    for k in [
        0,
        300,
        39_999,
        40_000,
        45_000,
        45_001,
        48_999,
        49_001,
        rows - 1,
    ] {
        let at = k - usize::from(k > 49_000);
        assert_eq!(names[at].as_deref(), Some(format!("人{k}").as_str()));
        let source = format!("低保发放.csv:{}", line(k));
        assert_eq!(sources[at].as_deref(), Some(source.as_str()), "row {k}");
    }
    let rejects: Vec<usize> = data.rejects.iter().map(|r| r.row).collect();
    assert_eq!(rejects, vec![line(49_000)]);
    let table = &data.tables[0];
    assert_eq!((table.header_row, table.data_rows), (Some(2), rows));
    assert!(table.rows_balance());

    let wanted = xuncha_ingest::Wanted {
        datasets: ["deaths".to_string()].into(),
        columns: Default::default(),
    };
    let unused = xuncha_ingest::ingest_datasets(dir.path(), None, Some(&wanted)).unwrap();
    let table = &unused.tables[0];
    assert_eq!(
        (table.dataset.as_deref(), table.data_rows),
        (Some("benefit_payments"), rows)
    );
    assert_eq!(table.rows_read, 0);
}

/// A catalog's `header_row` below the rows parsed for recognition is read
/// up to: the header, its units row and the data below it are found there.
#[test]
fn a_catalog_header_row_past_the_first_rows_is_found() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "catalog.toml",
        "[[files]]\nmatch = \"低保*.csv\"\ndataset = \"benefit_payments\"\nheader_row = 402\n"
            .as_bytes(),
    );
    let mut text: String = (1..=401).map(|n| format!("说明第{n}行,,,,,\n")).collect();
    text.push_str("姓名,身份证号,村代码,发放月份,发放金额,救助类别\n,,,,万元,\n");
    text.push_str(&format!(
        "张三,{},411102001001,2024-03,0.05,农村低保\n",
        id(1)
    ));
    write(dir.path(), "低保发放.csv", text.as_bytes());
    let data = ingest_dir(dir.path(), None).unwrap();
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    let table = &data.tables[0];
    assert_eq!((table.header_row, table.data_rows), (Some(402), 1));
    let df = &data.datasets["benefit_payments"];
    assert_eq!(strings(df, "_src"), vec![Some("低保发放.csv:404".into())]);
    assert_eq!(
        df.column("amount").unwrap().f64().unwrap().get(0),
        Some(500.0)
    );
}

/// An export with its header and no rows is its dataset, empty: models
/// that read it run (and find nothing) instead of being skipped.
#[test]
fn a_table_with_only_its_header_is_an_empty_dataset() {
    let data = ingest_one(
        "低保发放.csv",
        "姓名,身份证号,村代码,发放月份,发放金额,救助类别\n".as_bytes(),
    );
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    let df = &data.datasets["benefit_payments"];
    assert_eq!(df.height(), 0);
    assert!(df.column("id_number").is_ok() && df.column("_src").is_ok());
}

/// `ingest_each` hands over one file at a time, in file order, with the
/// same rows, sources and rejects as reading the folder at once.
#[test]
fn a_folder_read_file_by_file_gives_what_it_gives_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let head = "姓名,身份证号,村代码,发放月份,发放金额,救助类别\n";
    write(
        dir.path(),
        "2024年1月低保发放.csv",
        format!("{head}甲,{},411102001001,2024-01,100,农村低保\n乙,{},411102001001,2024-01,不详,农村低保\n", id(1), id(2)).as_bytes(),
    );
    write(
        dir.path(),
        "2024年2月低保发放.csv",
        format!("{head}丙,{},411102001001,2024-02,300,农村低保\n", id(3)).as_bytes(),
    );
    let whole = ingest_dir(dir.path(), None).unwrap();
    let mut files = Vec::new();
    let mut sources = Vec::new();
    let mut rejects = 0;
    xuncha_ingest::ingest_each(dir.path(), None, |data| {
        files.push(
            data.tables
                .iter()
                .map(|t| t.file.clone())
                .collect::<Vec<_>>(),
        );
        sources.extend(strings(&data.datasets["benefit_payments"], "_src"));
        rejects += data.rejects.len();
        Ok(())
    })
    .unwrap();
    assert_eq!(
        files,
        vec![vec!["2024年1月低保发放.csv"], vec!["2024年2月低保发放.csv"]]
    );
    assert_eq!(
        sources,
        strings(&whole.datasets["benefit_payments"], "_src")
    );
    assert_eq!(
        sources,
        vec![
            Some("2024年1月低保发放.csv:2".into()),
            Some("2024年2月低保发放.csv:2".into())
        ]
    );
    assert_eq!((rejects, whole.rejects.len()), (1, 1));
}

#[test]
fn a_second_copy_of_an_export_is_reported_and_not_read_twice() {
    let dir = tempfile::tempdir().unwrap();
    let text = |amount: u32| {
        format!(
            "姓名,身份证号,村代码,发放月份,发放金额,救助类别\n\
             张三,{},411102001001,2024-03,{amount},农村低保\n",
            id(1)
        )
    };
    write(dir.path(), "低保发放.csv", text(500).as_bytes());
    write(dir.path(), "低保发放(1).csv", text(500).as_bytes());
    // Same size, other bytes: a file of its own.
    write(dir.path(), "低保发放_补发.csv", text(600).as_bytes());
    let data = ingest_dir(dir.path(), None).unwrap();
    assert_eq!(data.datasets["benefit_payments"].height(), 2);
    let copy = data
        .tables
        .iter()
        .find(|t| t.file == "低保发放(1).csv")
        .unwrap();
    assert!(copy.dataset.is_none());
    assert!(copy
        .note
        .as_deref()
        .unwrap()
        .contains("与 低保发放.csv 内容完全相同"));
    assert_eq!(data.errors.len(), 1, "{:?}", data.errors);
    let error = data.errors[0].to_string();
    assert!(
        error.contains("低保发放(1).csv") && error.contains("低保发放.csv"),
        "{error}"
    );
}

/// A quarterly summary of the payments a monthly list holds too: each month
/// of a quarter spread over its months is the record of that month, read once.
#[test]
fn a_quarterly_summary_of_a_monthly_list_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let monthly: String = ["2024-01", "2024-02", "2024-03"]
        .map(|m| format!("甲,{},411102001001,{m},100,高龄津贴\n", id(1)))
        .concat();
    write(
        dir.path(),
        "1_高龄津贴按月发放.csv",
        format!("姓名,身份证号,村代码,发放月份,发放金额,补贴项目\n{monthly}").as_bytes(),
    );
    let quarterly = format!(
        "姓名,身份证号,村代码,发放季度,发放金额,补贴项目\n\
         甲,{},411102001001,2024年第一季度,300,高龄津贴\n\
         乙,{},411102001001,2024年第一季度,300,高龄津贴\n",
        id(1),
        id(2)
    );
    write(dir.path(), "2_高龄津贴季度汇总.csv", quarterly.as_bytes());
    let data = ingest_dir(dir.path(), None).unwrap();
    let payments = &data.datasets["benefit_payments"];
    assert_eq!(payments.height(), 6, "甲's three months once, 乙's three");
    let summary = (data.tables.iter())
        .find(|t| t.file.starts_with("2_"))
        .unwrap();
    assert_eq!(
        (
            summary.spread_rows,
            summary.months_accepted,
            summary.overlapping_months
        ),
        (2, 3, 3)
    );
    assert_eq!(summary.overlapping_with, ["1_高龄津贴按月发放.csv"]);
    assert!(data.tables.iter().all(|t| t.rows_balance()));
}

#[test]
fn rows_two_overlapping_exports_both_hold_are_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let head = "姓名,身份证号,村代码,发放月份,发放金额,救助类别\n";
    let row = |name: &str, n: u32, month: &str, amount: &str| {
        format!("{name},{},411102001001,{month},{amount},农村低保\n", id(n))
    };
    // 乙 was paid twice in January: a real duplicate, in both exports.
    let first = [
        row("甲", 1, "2024-01", "500"),
        row("乙", 2, "2024-01", "400"),
        row("乙", 2, "2024-01", "400"),
    ];
    write(
        dir.path(),
        "低保发放_1-6月.csv",
        format!("{head}{}", first.concat()).as_bytes(),
    );
    // The whole year, written otherwise (500.00, 2024年1月), with a third
    // January payment to 乙 the first export did not have.
    let year = [
        row("甲", 1, "2024年1月", "500.00"),
        row("乙", 2, "2024-01", "400"),
        row("乙", 2, "2024-01", "400"),
        row("乙", 2, "2024-01", "400"),
        row("丙", 3, "2024-01", "300"),
        row("甲", 1, "2024-02", "500"),
    ];
    write(
        dir.path(),
        "低保发放_全年.csv",
        format!("{head}{}", year.concat()).as_bytes(),
    );
    let data = ingest_dir(dir.path(), None).unwrap();
    let payments = &data.datasets["benefit_payments"];
    assert_eq!(
        strings(payments, "_src"),
        [
            "低保发放_1-6月.csv:2",
            "低保发放_1-6月.csv:3",
            "低保发放_1-6月.csv:4",
            "低保发放_全年.csv:5",
            "低保发放_全年.csv:6",
            "低保发放_全年.csv:7",
        ]
        .map(|s| Some(s.to_string()))
    );
    let repeats: Vec<_> = data
        .rejects
        .iter()
        .map(|r| (r.file.as_str(), r.row))
        .collect();
    assert_eq!(
        repeats,
        [
            ("低保发放_全年.csv", 2),
            ("低保发放_全年.csv", 3),
            ("低保发放_全年.csv", 4)
        ]
    );
    for r in &data.rejects {
        assert_eq!(r.action, RejectAction::RowDropped);
        assert!(
            r.reason.contains("与 低保发放_1-6月.csv 中的一行完全相同"),
            "{}",
            r.reason
        );
    }
    let year_table = data
        .tables
        .iter()
        .find(|t| t.file == "低保发放_全年.csv")
        .unwrap();
    assert_eq!(
        (year_table.rows_accepted, year_table.overlapping_rows),
        (3, 3)
    );
    assert_eq!(year_table.overlapping_with, ["低保发放_1-6月.csv"]);
    assert!(data.tables.iter().all(|t| t.rows_balance()));
    assert_eq!(data.errors.len(), 1, "{:?}", data.errors);
    let error = data.errors[0].to_string();
    assert!(
        error.contains("低保发放_全年.csv") && error.contains("有 3 行与 低保发放_1-6月.csv"),
        "{error}"
    );
    // Read file by file (`xuncha data lake`), the same rows are left out.
    let mut sources = Vec::new();
    let mut rejects = 0;
    xuncha_ingest::ingest_each(dir.path(), None, |data| {
        sources.extend(strings(&data.datasets["benefit_payments"], "_src"));
        rejects += data.rejects.len();
        Ok(())
    })
    .unwrap();
    assert_eq!((sources, rejects), (strings(payments, "_src"), 3));
}

#[test]
fn a_household_two_wide_rosters_both_hold_is_read_once_with_its_members() {
    let dir = tempfile::tempdir().unwrap();
    let head = "家庭编号,救助类别,户主姓名,户主身份证号,村代码,保障人数,\
                成员1姓名,成员1身份证号,成员1与户主关系,成员2姓名,成员2身份证号,成员2与户主关系\n";
    let h001 = format!(
        "H001,农村低保,赵一,{},411102001001,3,钱二,{},配偶,孙三,{},子\n",
        id(10),
        id(11),
        id(12)
    );
    let h002 = format!(
        "H002,农村低保,周四,{},411102001002,2,吴五,{},子,,,\n",
        id(20),
        id(21)
    );
    let h003 = format!(
        "H003,农村低保,郑六,{},411102001003,2,王七,{},子,,,\n",
        id(30),
        id(31)
    );
    write(
        dir.path(),
        "低保花名册.csv",
        format!("{head}{h001}{h002}").as_bytes(),
    );
    write(
        dir.path(),
        "低保花名册_新增.csv",
        format!("{head}{h001}{h003}").as_bytes(),
    );
    let data = ingest_dir(dir.path(), None).unwrap();
    let households = strings(&data.datasets["relief_households"], "household_id");
    assert_eq!(
        households,
        ["H001", "H002", "H003"].map(|h| Some(h.to_string()))
    );
    let members = strings(&data.datasets["relief_members"], "household_id");
    // Each household's head is a member too.
    let expected = ["H001", "H001", "H001", "H002", "H002", "H003", "H003"];
    assert_eq!(members, expected.map(|h| Some(h.to_string())));
    let added = data
        .tables
        .iter()
        .find(|t| t.file == "低保花名册_新增.csv")
        .unwrap();
    assert_eq!(
        (added.rows_accepted, added.overlapping_rows),
        (1, 1),
        "{added:?}"
    );
    assert_eq!((added.members_accepted, added.overlapping_members), (2, 3));
    assert!(added.rows_balance());
    let left_out: Vec<_> = data
        .rejects
        .iter()
        .map(|r| (r.dataset.as_str(), r.row))
        .collect();
    assert_eq!(
        left_out,
        [
            ("relief_households", 2),
            ("relief_members", 2),
            ("relief_members", 2),
            ("relief_members", 2)
        ]
    );
}

/// A subsidy list of 80 元 a month with no program column, one row for each
/// person named (甲 for 1, 乙 for 2).
fn subsidy_list(people: &[u32]) -> String {
    let rows = people.iter().map(|&n| {
        let name = if n == 1 { "甲" } else { "乙" };
        format!("{name},{},411102001001,2024-01,80\n", id(n))
    });
    format!(
        "姓名,身份证号,村代码,发放月份,发放金额\n{}",
        rows.collect::<String>()
    )
}

#[test]
fn two_programs_exported_without_their_program_are_told_apart_by_the_catalog() {
    let dir = tempfile::tempdir().unwrap();
    // Two subsidies, one file each, under names that do not say which.
    write(dir.path(), "补贴发放一.csv", subsidy_list(&[1]).as_bytes());
    write(
        dir.path(),
        "补贴发放二.csv",
        subsidy_list(&[1, 2]).as_bytes(),
    );
    let data = ingest_dir(dir.path(), None).unwrap();
    assert_eq!(data.datasets["benefit_payments"].height(), 2);
    let error = data
        .errors
        .iter()
        .map(ToString::to_string)
        .collect::<String>();
    assert!(error.contains("constants = { program"), "{error}");
    write(
        dir.path(),
        "catalog.toml",
        "[[files]]\nmatch = \"补贴发放一.csv\"\ndataset = \"benefit_payments\"\n\
         constants = { program = \"困难残疾人生活补贴\" }\n\n\
         [[files]]\nmatch = \"补贴发放二.csv\"\ndataset = \"benefit_payments\"\n\
         constants = { program = \"重度残疾人护理补贴\" }\n"
            .as_bytes(),
    );
    let data = ingest_dir(dir.path(), None).unwrap();
    assert_eq!(data.datasets["benefit_payments"].height(), 3);
    assert!(
        data.rejects.is_empty() && data.errors.is_empty(),
        "{:?}",
        data.errors
    );
    // Byte for byte the same, but read as two programs: not a copy either.
    write(dir.path(), "补贴发放二.csv", subsidy_list(&[1]).as_bytes());
    let data = ingest_dir(dir.path(), None).unwrap();
    assert_eq!(data.datasets["benefit_payments"].height(), 2);
    assert!(data.errors.is_empty(), "{:?}", data.errors);
}

#[test]
fn two_programs_exported_per_file_take_their_programs_from_the_names() {
    let dir = tempfile::tempdir().unwrap();
    let (living, care) = (
        "2024年困难残疾人生活补贴发放.csv",
        "2024年重度残疾人护理补贴发放.csv",
    );
    write(dir.path(), living, subsidy_list(&[1]).as_bytes());
    write(dir.path(), care, subsidy_list(&[1, 2]).as_bytes());
    let data = ingest_dir(dir.path(), None).unwrap();
    // The same person's row in both files is two programs' payment, not a copy.
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    let programs = strings(&data.datasets["benefit_payments"], "program");
    let want = [
        "困难残疾人生活补贴",
        "重度残疾人护理补贴",
        "重度残疾人护理补贴",
    ];
    assert_eq!(programs, want.map(|p| Some(p.to_string())));
}

#[test]
fn a_list_with_a_column_a_program_gives_a_record_a_program_paid() {
    // A 两项补贴 list as disability federations print it: each person's
    // 生活补贴 and 护理补贴 side by side, and their total.
    let csv = format!(
        "姓名,身份证号码,村代码,残疾类别,残疾等级,发放月份,生活补贴（元/月）,护理补贴（元/月）,合计\n\
         张一,{},411122001001,肢体,二级,2024-03,80,90,170\n\
         张二,{},411122001001,视力,一级,2024-03,,90,90\n\
         张三,{},411122001001,智力,三级,2024-03,80,缓发,80\n",
        id(1),
        id(2),
        id(3)
    );
    let data = ingest_one("2024年3月残疾人两项补贴花名册.csv", csv.as_bytes());
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    let df = &data.datasets["benefit_payments"];
    let living = Some("困难残疾人生活补贴".to_string());
    let care = Some("重度残疾人护理补贴".to_string());
    // 张二 had no 生活补贴; 张三's 护理补贴 is no amount: only that program is left out.
    assert_eq!(
        strings(df, "program"),
        vec![living.clone(), care.clone(), care, living]
    );
    assert_eq!(amounts(df), vec![80.0, 90.0, 90.0, 80.0]);
    assert_eq!(months(df), vec!["2024-03"; 4]);
    assert_eq!(strings(df, "id_number")[1], Some(id(1)));
    // Each program cites its person's row.
    assert_eq!(
        strings(df, "_src")[3].as_deref(),
        Some("2024年3月残疾人两项补贴花名册.csv:4")
    );
    let table = &data.tables[0];
    assert_eq!(
        (
            table.rows_accepted,
            table.months_accepted,
            table.by_programs
        ),
        (3, 4, true)
    );
    assert!(table.rows_balance());
    let program = decision(table, "program");
    assert!(
        program.reason.contains("按 2 个救助项目列拆分")
            && program
                .reason
                .contains("护理补贴（元/月）→重度残疾人护理补贴"),
        "{}",
        program.reason
    );
    let rejects: Vec<(usize, &str)> = (data.rejects.iter())
        .map(|r| (r.row, r.column.as_str()))
        .collect();
    assert_eq!(rejects, vec![(4, "护理补贴（元/月）")]);
    assert!(data.rejects[0].reason.contains("仅此项目不读入"));

    // The same people with a column saying each row's program are read as before.
    let csv = format!(
        "补贴类别,姓名,身份证号码,村代码,发放月份,发放金额\n\
         重度残疾人护理补贴,张一,{},411122001001,2024-03,90\n\
         困难残疾人生活补贴,张一,{},411122001001,2024-03,80\n",
        id(1),
        id(1)
    );
    let data = ingest_one("2024年3月残疾人两项补贴花名册.csv", csv.as_bytes());
    let df = &data.datasets["benefit_payments"];
    assert_eq!(amounts(df), vec![90.0, 80.0]);
    assert!(!data.tables[0].by_programs);

    // A quarter in the row's period column: each program's record is spread
    // over its months, as a row of one program is (it was a reject).
    let csv = format!(
        "姓名,身份证号,村代码,发放期间,生活补贴（元）,护理补贴（元）\n\
         甲,{},411122001001,2024年第一季度,270,270\n\
         乙,{},411122001001,2024年第一季度,,300\n",
        id(1),
        id(2)
    );
    let data = ingest_one("残疾人两项补贴发放花名册.csv", csv.as_bytes());
    assert!(data.rejects.is_empty(), "{:?}", data.rejects);
    let df = &data.datasets["benefit_payments"];
    assert_eq!(amounts(df), [[90.0; 6].as_slice(), &[100.0; 3]].concat());
    let quarter = ["2024-01", "2024-02", "2024-03"];
    assert_eq!(months(df), [quarter, quarter, quarter].concat());
    let programs = strings(df, "program");
    assert_eq!(programs[0].as_deref(), Some("困难残疾人生活补贴"));
    assert_eq!(programs[3].as_deref(), Some("重度残疾人护理补贴"));
    assert_eq!(programs[8].as_deref(), Some("重度残疾人护理补贴"));
    let table = &data.tables[0];
    assert_eq!((table.spread_rows, table.months_accepted), (2, 9));
    assert!(table.rows_balance());
}

#[test]
fn a_land_contract_register_with_plots_and_terms_is_no_lease_register() {
    // Its 合同编号 and 承包期限 fit a lease, and 承包地块数 was taken as the rent.
    let csv = format!(
        "发包方名称,承包方编码,承包方代表,代表证件号码,承包地块数,承包地总面积（亩）,合同编号,承包期限\n\
         东关村股份经济合作社,411122001001010001,张一,{},3,5.62,C0001,1998.10.1-2028.9.30\n",
        id(1)
    );
    let data = ingest_one("农村土地承包经营权登记簿.csv", csv.as_bytes());
    assert_eq!(data.tables[0].dataset.as_deref(), Some("land_contracts"));
    let df = &data.datasets["land_contracts"];
    assert_eq!(strings(df, "contractor_id_number"), vec![Some(id(1))]);

    // Its plots counted as 承包地块总数, its village by the group's 14-digit
    // 发包方编码 (the village's 12 digits and the group's 2).
    let csv = format!(
        "发包方编码,发包方名称,承包方编码,承包方代表姓名,承包方代表证件号码,承包地块总数,确权面积（亩）,承包期限\n\
         41112200100101,西湾社区第一村民小组,411122001001010001,甲,{},3,5.2,1998-01-01至2028-12-31\n",
        id(1)
    );
    let data = ingest_one("农村土地承包经营权确权登记.csv", csv.as_bytes());
    assert_eq!(data.tables[0].dataset.as_deref(), Some("land_contracts"));
    let df = &data.datasets["land_contracts"];
    assert_eq!(strings(df, "village_code"), [Some("411122001001".into())]);
    assert!(data.rejects.is_empty(), "{:?}", data.rejects);
}

/// A term still running (任职时间 `2021.01-至今`) has a start and no end:
/// the cadre is still in office. A lease must end: one written so is a
/// reject saying why.
#[test]
fn a_term_still_running_has_no_end() {
    let csv = format!(
        "姓名,身份证号,村代码,职务,任职时间\n\
         甲,{},411122001001,党支部书记,2021.01-至今\n\
         乙,{},411122001001,村委会主任,2021年1月至今\n\
         丙,{},411122001001,村委委员,2018.01-2021.01\n",
        id(1),
        id(2),
        id(3)
    );
    let data = ingest_one("村（社区）两委干部花名册.csv", csv.as_bytes());
    assert!(data.rejects.is_empty(), "{:?}", data.rejects);
    let cadres = &data.datasets["village_cadres"];
    let some = |d: &str| Some(d.to_string());
    assert_eq!(
        strings(cadres, "term_start"),
        [some("2021-01-01"), some("2021-01-01"), some("2018-01-01")]
    );
    assert_eq!(
        strings(cadres, "term_end"),
        [None, None, some("2021-01-31")]
    );

    let leases = "村代码,合同编号,承租方,资产名称,年租金（元）,租赁期限\n\
                  411122001001,ZL-01,张三,鱼塘,6000,2020.01.01-2029.12.31\n\
                  411122001001,ZL-02,王五,门面房,12000,2021.01.01-至今\n";
    let data = ingest_one("集体资产租赁台账.csv", leases.as_bytes());
    assert_eq!(data.datasets["asset_leases"].height(), 1);
    let [reject] = &data.rejects[..] else {
        panic!("{:?}", data.rejects);
    };
    assert!(reject.reason.contains("至今"), "{}", reject.reason);
}

/// A yearly subsidy list without a 年度 column (`2024年耕地地力保护补贴`)
/// gives each row the year its name states, which the farmland models
/// compare by; one whose names state no year leaves it empty.
#[test]
fn a_yearly_subsidy_list_takes_its_year_from_its_name() {
    let csv = format!(
        "村代码,户主姓名,身份证号,补贴面积（亩）,补贴金额（元）\n411122001001,甲,{},5.2,546\n",
        id(1)
    );
    let data = ingest_one("2024年耕地地力保护补贴.csv", csv.as_bytes());
    let df = &data.datasets["farmland_subsidies"];
    let years = df.column("year").unwrap().cast(&DataType::Int64).unwrap();
    assert_eq!(years.i64().unwrap().get(0), Some(2024));
    let data = ingest_one("耕地地力保护补贴.csv", csv.as_bytes());
    let df = &data.datasets["farmland_subsidies"];
    assert_eq!(df.column("year").unwrap().null_count(), 1);

    // Its columns written once a year side by side: refused, saying so,
    // rather than read for the first year alone.
    let csv = format!(
        "村代码,户主姓名,身份证号,2022年补贴面积（亩）,2022年补贴金额（元）,2023年补贴面积（亩）,2023年补贴金额（元）\n\
         411122001001,甲,{},5.2,520,5.2,546\n",
        id(1)
    );
    let data = ingest_one("耕地地力保护补贴发放明细.csv", csv.as_bytes());
    assert!(!data.datasets.contains_key("farmland_subsidies"));
    let error = data
        .errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        error.contains("按年份分列") && error.contains("2023年补贴"),
        "{error}"
    );
}

/// An asset inventory's 原值 (what an asset is worth) is never a lease's
/// rent: an inventory giving leases' terms but no rent is refused for it,
/// not read as leases whose rent is the buildings' worth.
#[test]
fn an_assets_worth_is_no_rent() {
    let csv = "村代码,资产编号,资产名称,资产类别,面积（平方米）,原值（元）,承租方,租赁期限\n\
               411122001001,ZC-002,沿街门面房,房屋建筑物,240,360000,王五,2020.01.01-2025.12.31\n";
    let data = ingest_one("集体资产清查登记表.csv", csv.as_bytes());
    assert!(!data.datasets.contains_key("asset_leases"));
    let error = data
        .errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(error.contains("annual_rent"), "{error}");
}

#[test]
fn headers_on_two_rows_with_merged_group_labels_are_read_as_one() {
    let dir = tempfile::tempdir().unwrap();
    // A household roster as civil-affairs systems export it: group labels
    // merged across their columns, columns without sub-headers merged down,
    // and both header rows repeated where a printed page breaks.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("花名册").unwrap();
    let plain = rust_xlsxwriter::Format::new();
    sheet
        .merge_range(0, 0, 0, 9, "××县城乡低保家庭花名册", &plain)
        .unwrap();
    let upper = |sheet: &mut rust_xlsxwriter::Worksheet, r: u32| {
        for (c, text) in [(0, "序号"), (1, "救助证编号"), (5, "保障类别")] {
            sheet.merge_range(r, c, r + 1, c, text, &plain).unwrap();
        }
        sheet.merge_range(r, 2, r, 4, "户主信息", &plain).unwrap();
        sheet.merge_range(r, 6, r, 9, "家庭成员1", &plain).unwrap();
        let lower = [
            "姓名",
            "身份证号",
            "所属村",
            "",
            "姓名",
            "身份证号",
            "与户主关系",
            "备注",
        ];
        for (c, text) in (2u16..).zip(lower) {
            if !text.is_empty() {
                sheet.write_string(r + 1, c, text).unwrap();
            }
        }
    };
    upper(sheet, 1);
    let household = |sheet: &mut rust_xlsxwriter::Worksheet, r: u32, n: u32| {
        let cells = [
            n.to_string(),
            format!("H00{n}"),
            format!("户主{n}"),
            id(n),
            "411102001001".to_string(),
            "农村低保".to_string(),
            format!("成员{n}"),
            id(100 + n),
            "配偶".to_string(),
            String::new(),
        ];
        for (c, v) in (0u16..).zip(cells) {
            sheet.write_string(r, c, v).unwrap();
        }
    };
    household(sheet, 3, 1);
    upper(sheet, 4);
    household(sheet, 6, 2);
    book.save(dir.path().join("低保家庭.xlsx")).unwrap();
    // Payments whose month and amount sit under one merged label.
    write(
        dir.path(),
        "低保发放.csv",
        format!(
            "2024年城乡低保资金发放表\n\
             序号,姓名,身份证号码,所属村,发放情况,,备注\n\
             ,,,,发放月份,发放金额（元）,\n\
             1,户主1,{},411102001001,2024-03,850,\n",
            id(1)
        )
        .as_bytes(),
    );

    let data = ingest_dir(dir.path(), None).unwrap();
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    let households = &data.datasets["relief_households"];
    assert_eq!(
        strings(households, "household_id"),
        vec![Some("H001".into()), Some("H002".into())]
    );
    assert_eq!(
        strings(households, "head_id_number"),
        vec![Some(id(1)), Some(id(2))]
    );
    let members = &data.datasets["relief_members"];
    assert_eq!(
        strings(members, "id_number"),
        vec![Some(id(1)), Some(id(101)), Some(id(2)), Some(id(102))]
    );
    assert_eq!(
        strings(members, "_src")[3].as_deref(),
        Some("低保家庭.xlsx#花名册:7")
    );
    let roster = data
        .tables
        .iter()
        .find(|t| t.file == "低保家庭.xlsx")
        .unwrap();
    assert_eq!(roster.header_row, Some(2));
    assert_eq!(roster.repeated_headers, 2);
    assert_eq!((roster.rows_accepted, roster.rows_rejected), (2, 0));
    let head_id = roster.mapping.iter().find(|(c, _)| c == "head_id_number");
    assert_eq!(head_id.map(|(_, h)| h.as_str()), Some("户主信息身份证号"));

    let payments = &data.datasets["benefit_payments"];
    assert_eq!(strings(payments, "id_number"), vec![Some(id(1))]);
    assert_eq!(
        strings(payments, "village_code"),
        vec![Some("411102001001".into())]
    );
    assert_eq!(
        payments.column("amount").unwrap().f64().unwrap().get(0),
        Some(850.0)
    );
    assert_eq!(
        strings(payments, "_src")[0].as_deref(),
        Some("低保发放.csv:4")
    );
}

#[test]
fn a_note_or_title_row_above_a_header_is_not_a_second_header_row() {
    // The header has a blank column under the note's date: still one row.
    let data = ingest_one(
        "低保发放.csv",
        format!(
            "填报单位：城关镇,,,,填报日期：2024年4月1日,\n\
             姓名,身份证号码,发放月份,发放金额（元）,,救助类别\n\
             张三,{},2024-03,850,,农村低保\n",
            id(1)
        )
        .as_bytes(),
    );
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    let table = &data.tables[0];
    assert_eq!(table.header_row, Some(2));
    assert_eq!(table.rows_accepted, 1);
    let payments = &data.datasets["benefit_payments"];
    assert_eq!(strings(payments, "id_number"), vec![Some(id(1))]);
}

#[test]
fn a_month_the_sheet_or_file_name_states_fills_a_missing_month_column() {
    let dir = tempfile::tempdir().unwrap();
    // One sheet a month, the year in the file name, no month column.
    let mut book = rust_xlsxwriter::Workbook::new();
    for (month, person) in [(1, 1), (2, 2)] {
        let sheet = book.add_worksheet().set_name(format!("{month}月")).unwrap();
        for (c, h) in (0u16..).zip(["姓名", "身份证号码", "发放金额（元）", "救助类别"])
        {
            sheet.write_string(0, c, h).unwrap();
        }
        let row = [
            format!("张{person}"),
            id(person),
            "850".into(),
            "农村低保".into(),
        ];
        for (c, v) in (0u16..).zip(row) {
            sheet.write_string(1, c, v).unwrap();
        }
    }
    book.save(dir.path().join("2024年低保发放.xlsx")).unwrap();
    // A month after a dot in the file name.
    write(
        dir.path(),
        "特困供养金发放2024.03.csv",
        format!(
            "姓名,身份证号码,发放金额（元）,救助类别\n王五,{},600,特困供养\n",
            id(4)
        )
        .as_bytes(),
    );
    // A file covering half a year states no one month: still an error.
    write(
        dir.path(),
        "2024年1-6月特困供养金发放.csv",
        format!(
            "姓名,身份证号码,发放金额（元）,救助类别\n李四,{},500,特困供养\n",
            id(3)
        )
        .as_bytes(),
    );

    let data = ingest_dir(dir.path(), None).unwrap();
    let payments = &data.datasets["benefit_payments"];
    assert_eq!(
        strings(payments, "id_number"),
        vec![Some(id(1)), Some(id(2)), Some(id(4))]
    );
    let periods: Vec<_> = payments
        .column("period")
        .unwrap()
        .date()
        .unwrap()
        .as_date_iter()
        .collect();
    let month = |m| chrono::NaiveDate::from_ymd_opt(2024, m, 1);
    assert_eq!(periods, vec![month(1), month(2), month(3)]);
    let sheet = data
        .tables
        .iter()
        .find(|t| t.sheet.as_deref() == Some("2月"))
        .unwrap();
    let decision = decision(sheet, "period");
    assert_eq!(
        decision.reason,
        "表中无月份列，按工作表名“2月”及文件名“2024年低保发放”取 2024-02"
    );
    // It fills the dataset the table is recognised as, without making any
    // dataset's mapping complete while recognising it.
    let candidate = sheet
        .candidates
        .iter()
        .find(|c| c.dataset == "benefit_payments");
    assert!(candidate.is_some_and(|c| !c.complete));

    let half_year = data
        .tables
        .iter()
        .find(|t| t.file.contains("1-6月"))
        .unwrap();
    assert_eq!(half_year.rows_accepted, 0);
    let error = data
        .errors
        .iter()
        .map(|e| e.to_string())
        .find(|e| e.contains("1-6月"));
    assert!(
        error.is_some_and(|e| e.contains("period")),
        "{:?}",
        data.errors
    );
}

#[test]
fn masked_ids_and_accounts_are_refused_not_compared() {
    // Published lists mask numbers: two people's masked accounts are the
    // same text, and read as such they would look like one shared account.
    let text = format!(
        "姓名,身份证号码,发放月份,发放金额（元）,银行账号,救助类别\n\
         张三,{},2024-03,850,6228********0001,农村低保\n\
         李四,{},2024-03,850,6228********0001,农村低保\n\
         王五,411102********001X,2024-03,850,6228480000000003,农村低保\n",
        id(1),
        id(2)
    );
    let data = ingest_one("低保发放.csv", text.as_bytes());
    let df = &data.datasets["benefit_payments"];
    assert_eq!(strings(df, "id_number"), vec![Some(id(1)), Some(id(2))]);
    assert_eq!(strings(df, "bank_account"), vec![None, None]);
    let rejects: Vec<(usize, &str, RejectAction)> = data
        .rejects
        .iter()
        .map(|r| (r.row, r.column.as_str(), r.action))
        .collect();
    assert_eq!(
        rejects,
        vec![
            (2, "银行账号", RejectAction::ValueCleared),
            (3, "银行账号", RejectAction::ValueCleared),
            (4, "身份证号码", RejectAction::RowDropped),
        ]
    );
    assert!(data.rejects.iter().all(|r| r.reason.contains("已脱敏")));
}

#[test]
fn ids_and_accounts_a_workbook_holds_as_numbers_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    // Typed as numbers, five people's IDs keep their first 15 digits, born
    // the same day in the same county: read as numbers they would be one
    // person paid five times.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let header = [
        "姓名",
        "身份证号码",
        "发放月份",
        "发放金额（元）",
        "银行账号",
        "救助类别",
    ];
    for (c, h) in (0u16..).zip(header) {
        sheet.write_string(0, c, h).unwrap();
    }
    for r in 1..=5u32 {
        sheet.write_string(r, 0, format!("张{r}")).unwrap();
        sheet.write_number(r, 1, 411102196001010000.0).unwrap();
        sheet.write_string(r, 2, "2024-03").unwrap();
        sheet.write_number(r, 3, 850.0).unwrap();
        sheet
            .write_number(r, 4, 6228480000000000.0 + f64::from(r))
            .unwrap();
        sheet.write_string(r, 5, "农村低保").unwrap();
    }
    sheet.write_string(6, 0, "李六").unwrap();
    sheet.write_string(6, 1, id(6)).unwrap();
    sheet.write_string(6, 2, "2024-03").unwrap();
    sheet.write_number(6, 3, 850.0).unwrap();
    sheet.write_string(6, 4, "6228480000000006").unwrap();
    sheet.write_string(6, 5, "农村低保").unwrap();
    book.save(dir.path().join("低保发放.xlsx")).unwrap();

    let data = ingest_dir(dir.path(), None).unwrap();
    let df = &data.datasets["benefit_payments"];
    assert_eq!(strings(df, "id_number"), vec![Some(id(6))]);
    assert_eq!(
        strings(df, "bank_account"),
        vec![Some("6228480000000006".into())]
    );
    assert_eq!(data.tables[0].rows_rejected, 5);
    // Each spoiled value is listed: the ID dropping its row, the account too.
    let columns: Vec<&str> = data.rejects.iter().map(|r| r.column.as_str()).collect();
    assert_eq!(columns, ["身份证号码", "银行账号"].repeat(5));
    assert!(data.rejects.iter().all(|r| r.reason.contains("科学计数法")));
}

#[test]
fn a_unit_note_above_the_header_scales_amounts_without_their_own_unit() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "村级合同台账.csv",
        "2024年村级合同台账,,,,,\n\
         ,,,,单位：万元,\n\
         合同编号,村级区划代码,合同名称,乙方,合同金额,签订日期\n\
         HT001,411102001001,道路硬化,某建筑公司,12.5,2024-03-01\n"
            .as_bytes(),
    );
    // A column with its own unit keeps it.
    write(
        dir.path(),
        "村级支出凭证.csv",
        "单位：万元,,,,\n\
         凭证号,村代码,支付日期,收款方,金额（元）\n\
         V1,411102001001,2024-03-05,某建筑公司,50000\n"
            .as_bytes(),
    );
    let data = ingest_dir(dir.path(), None).unwrap();
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    let amount = |dataset: &str| {
        let df = &data.datasets[dataset];
        df.column("amount").unwrap().f64().unwrap().get(0)
    };
    assert_eq!(amount("village_contracts"), Some(125_000.0));
    assert_eq!(amount("village_payments"), Some(50_000.0));
    let contracts = data
        .tables
        .iter()
        .find(|t| t.file == "村级合同台账.csv")
        .unwrap();
    let decision = decision(contracts, "amount");
    assert!(
        decision.reason.ends_with("单位取自表头上方的“单位：万元”"),
        "{}",
        decision.reason
    );
}

/// A payment export kept wide: a row a person, a column a month.
fn monthly_csv(
    title: &str,
    months: std::ops::RangeInclusive<u32>,
    rows: &[(&str, String, &[&str])],
) -> String {
    let mut text = format!("{title}\n序号,姓名,身份证号,村代码,救助类别");
    for m in months {
        text.push_str(&format!(",{m}月"));
    }
    text.push_str(",合计\n");
    for (n, (name, id, cells)) in rows.iter().enumerate() {
        text.push_str(&format!(
            "{},{name},{id},411102001001,农村低保,{},\n",
            n + 1,
            cells.join(",")
        ));
    }
    text
}

#[test]
fn a_wide_monthly_export_gives_a_row_a_person_and_month_paid() {
    let mut text = monthly_csv(
        "2024年城乡低保资金发放表",
        1..=6,
        &[
            ("甲", id(1), &["500", "500", "500", "500", "500", "500"]),
            // Paid January to March; 0 and a dash are months not paid.
            ("乙", id(2), &["400", "400", "400", "", "0", "-"]),
            // A month whose amount is not a number: that month is refused.
            ("丙", id(3), &["300", "停发", "", "", "", ""]),
            // An ID that cannot be read: the person's row, once.
            (
                "丁",
                "123".into(),
                &["200", "200", "200", "200", "200", "200"],
            ),
        ],
    );
    text.push_str("合计,,,,,1400,1100,900,700,700,700,5500\n");
    let data = ingest_one("城乡低保发放表.csv", text.as_bytes());
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    let df = &data.datasets["benefit_payments"];
    let periods = months(df);
    let ids = strings(df, "id_number");
    let rows: Vec<(String, String)> = ids
        .iter()
        .zip(&periods)
        .map(|(i, p)| (i.clone().unwrap(), p.clone()))
        .collect();
    let mut expected: Vec<(String, String)> =
        (1..=6).map(|m| (id(1), format!("2024-{m:02}"))).collect();
    expected.extend((1..=3).map(|m| (id(2), format!("2024-{m:02}"))));
    expected.push((id(3), "2024-01".into()));
    assert_eq!(rows, expected);
    assert_eq!(
        amounts(df).iter().sum::<f64>(),
        6.0 * 500.0 + 3.0 * 400.0 + 300.0
    );
    // Each month cites its person's row.
    assert_eq!(
        strings(df, "_src")[7].as_deref(),
        Some("城乡低保发放表.csv:4")
    );

    let table = &data.tables[0];
    assert_eq!(
        (table.rows_read, table.rows_accepted, table.rows_rejected),
        (4, 3, 1)
    );
    assert_eq!((table.total_rows, table.months_accepted), (1, 10));
    assert!(table.rows_balance());
    let period = decision(table, "period");
    assert_eq!(period.header.as_deref(), Some("1月、2月…6月"));
    assert!(
        period.reason.contains("年份按文件名") || period.reason.contains("年份按标题行"),
        "{}",
        period.reason
    );
    let rejects: Vec<(usize, &str, &str, RejectAction)> = data
        .rejects
        .iter()
        .map(|r| (r.row, r.column.as_str(), r.value.as_str(), r.action))
        .collect();
    assert_eq!(
        rejects,
        vec![
            (5, "2月", "停发", RejectAction::RowDropped),
            (6, "身份证号", "123", RejectAction::RowDropped),
        ]
    );
    assert!(
        data.rejects[0].reason.contains("仅此月不读入"),
        "{}",
        data.rejects[0].reason
    );
}

#[test]
fn a_year_merged_over_month_columns_gives_their_periods_and_unit() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("Sheet1").unwrap();
    let plain = rust_xlsxwriter::Format::new();
    sheet
        .write_string(0, 0, "城关镇特困人员供养金发放表")
        .unwrap();
    for (c, text) in [
        (0, "序号"),
        (1, "姓名"),
        (2, "身份证号"),
        (3, "村代码"),
        (7, "合计"),
    ] {
        sheet.merge_range(1, c, 2, c, text, &plain).unwrap();
    }
    sheet
        .merge_range(1, 4, 1, 6, "2023年发放金额（万元）", &plain)
        .unwrap();
    for (c, month) in [(4, "10月"), (5, "11月"), (6, "12月")] {
        sheet.write_string(2, c, month).unwrap();
    }
    let row = [
        "1",
        "甲",
        &id(1),
        "411102001001",
        "0.06",
        "0.06",
        "",
        "0.12",
    ];
    for (c, v) in row.iter().enumerate() {
        sheet.write_string(3, c as u16, *v).unwrap();
    }
    book.save(dir.path().join("特困供养金发放.xlsx")).unwrap();
    let data = ingest_dir(dir.path(), None).unwrap();
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    let table = &data.tables[0];
    assert_eq!((table.header_row, table.months_accepted), (Some(2), 2));
    let df = &data.datasets["benefit_payments"];
    assert_eq!(amounts(df), vec![600.0, 600.0]);
    let period = decision(table, "period");
    assert_eq!(
        period.header.as_deref(),
        Some("2023年10月(万元)、2023年11月(万元)、2023年12月(万元)")
    );
}

#[test]
fn a_month_merged_over_what_was_due_and_paid_gives_the_paid_column() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("2024年").unwrap();
    let plain = rust_xlsxwriter::Format::new();
    for (c, text) in [(0, "姓名"), (1, "身份证号")] {
        sheet.merge_range(0, c, 1, c, text, &plain).unwrap();
    }
    for (c, month) in [(2, "1月"), (4, "2月")] {
        sheet.merge_range(0, c, 0, c + 1, month, &plain).unwrap();
        sheet.write_string(1, c, "应发").unwrap();
        sheet.write_string(1, c + 1, "实发").unwrap();
    }
    for (c, v) in ["甲", &id(1), "500", "450", "500", "450"]
        .iter()
        .enumerate()
    {
        sheet.write_string(2, c as u16, *v).unwrap();
    }
    book.save(dir.path().join("低保发放.xlsx")).unwrap();
    let data = ingest_dir(dir.path(), None).unwrap();
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    let df = &data.datasets["benefit_payments"];
    assert_eq!(amounts(df), vec![450.0, 450.0]);
    let table = &data.tables[0];
    let period = decision(table, "period");
    assert_eq!(period.header.as_deref(), Some("1月实发、2月实发"));
    assert_eq!(
        table.unmapped,
        vec!["1月应发".to_string(), "2月应发".to_string()]
    );
}

#[test]
fn month_columns_without_a_year_are_a_clear_error() {
    let text = monthly_csv(
        "城乡低保资金发放表",
        1..=3,
        &[("甲", id(1), &["500", "500", "500"])],
    );
    let data = ingest_one("低保发放.csv", text.as_bytes());
    let [IngestError::MissingColumns(missing)] = &data.errors[..] else {
        panic!("{:?}", data.errors);
    };
    assert_eq!(missing.missing[0].column, "period");
    assert!(
        missing.missing[0].candidates[0].starts_with("1月、2月、3月（月份列"),
        "{:?}",
        missing.missing[0].candidates
    );
    assert!(!data.datasets.contains_key("benefit_payments"));
}

#[test]
fn a_year_column_gives_each_rows_months_their_year() {
    // A ledger over several years: the year is a column of each row.
    let text = format!(
        "城乡低保资金发放台账\n年度,姓名,身份证号,村代码,救助类别,1月,2月,3月\n\
         2023,甲,{a},411102001001,农村低保,500,500,\n\
         2024年,甲,{a},411102001001,农村低保,520,,\n\
         ２０２４年度,乙,{b},411102001001,农村低保,,400,400\n\
         去年,丙,{c},411102001001,农村低保,300,300,300\n\
         ,丁,{d},411102001001,农村低保,,,\n",
        a = id(1),
        b = id(2),
        c = id(3),
        d = id(4),
    );
    // The name states the year it was printed; each row's own year wins.
    let data = ingest_one("2024年低保发放台账.csv", text.as_bytes());
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    let df = &data.datasets["benefit_payments"];
    let periods = months(df);
    assert_eq!(
        periods,
        ["2023-01", "2023-02", "2024-01", "2024-02", "2024-03"]
    );
    assert_eq!(amounts(df), vec![500.0, 500.0, 520.0, 400.0, 400.0]);
    // A year that cannot be read drops its row once, naming the year column.
    let [reject] = &data.rejects[..] else {
        panic!("{:?}", data.rejects);
    };
    assert_eq!(
        (reject.row, reject.column.as_str(), reject.value.as_str()),
        (6, "年度", "去年")
    );
    assert_eq!(reject.action, RejectAction::RowDropped);
    let table = &data.tables[0];
    // 丁 was paid no month: accepted, no row.
    assert_eq!((table.rows_accepted, table.rows_rejected), (4, 1));
    assert_eq!(table.months_accepted, 5);
    assert!(table.rows_balance());
    let period = decision(table, "period");
    assert!(
        period.reason.contains("年份按各行的“年度”列"),
        "{}",
        period.reason
    );
    assert!(table.unmapped_candidates.iter().all(|u| u.header != "年度"));
}

#[test]
fn month_rows_two_overlapping_wide_exports_both_hold_are_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let half = monthly_csv(
        "2024年低保发放",
        1..=3,
        &[("甲", id(1), &["500", "500", "500"])],
    );
    write(dir.path(), "2024年低保发放_1-3月.csv", half.as_bytes());
    let year = monthly_csv(
        "2024年低保发放",
        1..=6,
        &[
            ("甲", id(1), &["500", "500", "500", "500", "", ""]),
            ("乙", id(2), &["400", "", "", "", "", ""]),
        ],
    );
    write(dir.path(), "2024年低保发放_全年.csv", year.as_bytes());
    let data = ingest_dir(dir.path(), None).unwrap();
    assert_eq!(data.rows("benefit_payments"), 5);
    let later = data
        .tables
        .iter()
        .find(|t| t.file.contains("全年"))
        .unwrap();
    assert_eq!((later.months_accepted, later.overlapping_months), (2, 3));
    assert_eq!((later.rows_accepted, later.overlapping_rows), (2, 0));
    assert!(later.rows_balance());
}

#[test]
fn a_long_table_with_a_month_column_is_not_read_as_wide() {
    // 发放月份 gives the period; the 3月 column beside it is left unmapped.
    let text = format!(
        "姓名,身份证号,村代码,发放月份,发放金额,3月\n甲,{},411102001001,2024-03,500,500\n",
        id(1)
    );
    let data = ingest_one("2024年低保发放.csv", text.as_bytes());
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    assert_eq!(data.rows("benefit_payments"), 1);
    let table = &data.tables[0];
    assert_eq!(table.months_accepted, 0);
    assert_eq!(table.unmapped, vec!["3月".to_string()]);
}

#[test]
fn a_footer_of_notes_is_counted_not_rejected() {
    let text = format!(
        "姓名,身份证号,村代码,发放月份,发放金额\n\
         甲,{},411102001001,2024-03,500\n\
         合计,,,,500\n\
         制表人：张三,,审核人：,,制表日期：2025年1月2日\n\
         说明：本表由乡镇民政办填报,,,,\n",
        id(1)
    );
    let data = ingest_one("2024年3月低保发放.csv", text.as_bytes());
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    assert!(data.rejects.is_empty(), "{:?}", data.rejects);
    let table = &data.tables[0];
    assert_eq!(
        (table.rows_accepted, table.total_rows, table.remark_rows),
        (1, 1, 2)
    );
    assert!(table.rows_balance());
}

#[test]
fn a_web_page_named_xls_is_read_as_the_sheet_excel_shows() {
    // 导出Excel as many systems write it: an HTML table in GBK named .xls,
    // a title above it, a header on two rows with merged cells, a footer.
    let page = format!(
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\">\
         <style>td {{ mso-number-format:'\\@'; }}</style></head><body>\
         <h3>2024年3月城乡低保发放表</h3>\
         <table border=\"1\">\
         <tr><th rowspan=\"2\">姓名</th><th rowspan=\"2\">身份证号</th><th rowspan=\"2\">村代码</th>\
         <th colspan=\"2\">发放情况</th></tr>\
         <tr><th>发放月份</th><th>发放金额</th></tr>\
         <tr><td>甲</td><td>{}</td><td>411102001001</td><td>2024-03</td><td>500</td></tr>\
         <tr><td>乙</td><td>123</td><td>411102001001</td><td>2024-03</td><td>400</td></tr>\
         </table><p>制表人：张三</p></body></html>",
        id(1)
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(&page);
    let data = ingest_one("低保发放.xls", &gbk);
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    let df = &data.datasets["benefit_payments"];
    assert_eq!(strings(df, "id_number"), vec![Some(id(1))]);
    assert_eq!(strings(df, "_src"), vec![Some("低保发放.xls:4".into())]);
    let table = &data.tables[0];
    assert_eq!(table.encoding, "HTML 网页，GB18030");
    assert_eq!(table.header_row, Some(2));
    assert_eq!((table.rows_rejected, table.remark_rows), (1, 1));
    let reject = &data.rejects[0];
    assert_eq!((reject.row, reject.column.as_str()), (5, "身份证号"));
    // The same page saved as .html is read the same.
    let html = tempfile::tempdir().unwrap();
    write(html.path(), "低保发放.html", &gbk);
    let data = ingest_dir(html.path(), None).unwrap();
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    assert_eq!(data.rows("benefit_payments"), 1);
}

#[test]
fn tab_separated_text_and_excel_2003_xml_named_xls_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "姓名\t身份证号\t村代码\t发放月份\t发放金额\n甲\t{}\t411102001001\t2024-03\t500\n",
        id(1)
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    write(dir.path(), "低保发放.xls", &gbk);
    // Excel 2003 XML in GBK, as an older system writes it: a title merged
    // across, the header on row 3, an amount as a number cell.
    let cell = |kind: &str, v: &str| format!("<Cell><Data ss:Type=\"{kind}\">{v}</Data></Cell>");
    let row = |cells: &[String]| format!("<Row>{}</Row>", cells.concat());
    let header = ["姓名", "身份证号", "村代码", "发放月份", "发放金额"].map(|h| cell("String", h));
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"GB2312\"?>\n\
         <Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\" \
         xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\">\
         <Worksheet ss:Name=\"特困\"><Table>\
         <Row><Cell ss:MergeAcross=\"4\"><Data ss:Type=\"String\">2024年特困供养金发放表</Data></Cell></Row>\
         <Row ss:Index=\"3\">{}</Row>{}</Table></Worksheet></Workbook>",
        header.concat(),
        row(&[
            cell("String", "乙"),
            cell("String", &id(2)),
            cell("String", "411102001001"),
            cell("String", "2024-03"),
            cell("Number", "680.5"),
        ]),
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(&xml);
    write(dir.path(), "特困发放.xls", &gbk);
    let data = ingest_dir(dir.path(), None).unwrap();
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    let df = &data.datasets["benefit_payments"];
    assert_eq!(amounts(df), vec![500.0, 680.5]);
    assert_eq!(
        strings(df, "_src"),
        vec![
            Some("低保发放.xls:2".into()),
            Some("特困发放.xls#特困:4".into())
        ]
    );
    let xml_table = data
        .tables
        .iter()
        .find(|t| t.file == "特困发放.xls")
        .unwrap();
    assert_eq!(xml_table.encoding, "Excel 2003 XML");
    assert_eq!(xml_table.header_row, Some(3));
}

#[test]
fn a_cleared_optional_value_keeps_a_monthly_row_whose_first_month_is_refused() {
    // The account is masked (cleared, listed once); January is refused alone.
    let text = format!(
        "姓名,身份证号,银行账号,1月,2月,3月\n甲,{},6228********0001,停发,500,500\n",
        id(1)
    );
    let data = ingest_one("2024年低保发放.csv", text.as_bytes());
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    assert_eq!(data.rows("benefit_payments"), 2);
    let table = &data.tables[0];
    assert_eq!((table.rows_accepted, table.months_accepted), (1, 2));
    let rejects: Vec<(&str, RejectAction, bool)> = data
        .rejects
        .iter()
        .map(|r| (r.column.as_str(), r.action, r.reason.contains("仅此月")))
        .collect();
    assert_eq!(
        rejects,
        vec![
            ("1月", RejectAction::RowDropped, true),
            ("银行账号", RejectAction::ValueCleared, false),
        ]
    );
}

#[test]
fn unicode_text_excel_saved_is_read_whatever_its_extension() {
    let dir = tempfile::tempdir().unwrap();
    // Excel's 另存为 Unicode 文本: UTF-16LE with its byte order mark, tabs, CRLF.
    let unicode_text = |rows: &str| {
        let text = format!("姓名\t身份证号\t村代码\t发放月份\t发放金额\r\n{rows}");
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        bytes
    };
    let rows = format!(
        "甲\t{}\t411102001001\t2024-03\t500\r\n乙\t123\t411102001001\t2024-03\t400\r\n",
        id(1)
    );
    write(dir.path(), "低保发放.txt", &unicode_text(&rows));
    let rows = format!("丙\t{}\t411102001001\t2024-03\t300\r\n", id(3));
    write(dir.path(), "特困发放.xls", &unicode_text(&rows));
    let data = ingest_dir(dir.path(), None).unwrap();
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    assert_eq!(data.rows("benefit_payments"), 2);
    assert!(data.tables.iter().all(|t| t.encoding == "UTF-16LE"));
    let rejects: Vec<(&str, usize)> = data
        .rejects
        .iter()
        .map(|r| (r.file.as_str(), r.row))
        .collect();
    assert_eq!(rejects, vec![("低保发放.txt", 3)]);
}

#[test]
fn files_that_are_not_exports_are_listed_with_why() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("姓名,身份证号,死亡日期\n甲,{},2024-03-05\n", id(1));
    write(dir.path(), "死亡名单.csv", text.as_bytes());
    write(dir.path(), "报送函.pdf", b"%PDF-1.4");
    write(dir.path(), "民政数据.rar", b"Rar!\x1a\x07\x00");
    write(dir.path(), "旧系统导出.dbf", b"\x03\x7c\x01\x01");
    write(dir.path(), "归档.7z", b"7z\xbc\xaf\x27\x1c");
    write(dir.path(), "Thumbs.db", b"\x00");
    write(dir.path(), "catalog.toml", b"ignore = [\"*.7z\"]\n");
    let data = ingest_dir(dir.path(), None).unwrap();
    assert_eq!(data.rows("deaths"), 1);
    let notes: Vec<(&str, &str)> = data
        .tables
        .iter()
        .filter(|t| t.dataset.is_none())
        .map(|t| (t.file.as_str(), t.note.as_deref().unwrap_or_default()))
        .collect();
    // The ignored archive and the system file are not listed.
    let files: Vec<&str> = notes.iter().map(|(f, _)| *f).collect();
    assert_eq!(files, ["报送函.pdf", "旧系统导出.dbf", "民政数据.rar"]);
    assert!(notes[0].1.contains("不是数据表格"), "{}", notes[0].1);
    assert!(notes[1].1.contains("另存为 xlsx 或 csv"), "{}", notes[1].1);
    assert!(notes[2].1.contains("压缩包"), "{}", notes[2].1);
    // A document is only listed; what may hold a table is an error too.
    let errors: Vec<String> = data.errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].contains("旧系统导出.dbf") && errors[1].contains("民政数据.rar"));
}

#[test]
fn exports_in_a_zip_are_read_and_cite_the_archive() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let csv = format!("姓名,身份证号,死亡日期\n甲,{},2024-03-05\n", id(1));
    let file = std::fs::File::create(dir.path().join("公安数据.zip")).unwrap();
    let mut zip = ::zip::ZipWriter::new(file);
    let stored = ::zip::write::SimpleFileOptions::default()
        .compression_method(::zip::CompressionMethod::Stored);
    for name in ["2024/死亡名单.csv", "2024/旧名单.csv"] {
        zip.start_file(name, stored).unwrap();
        zip.write_all(csv.as_bytes()).unwrap();
    }
    for name in ["2024/户籍.rar", "2024/旧数据.zip"] {
        zip.start_file(name, stored).unwrap();
        zip.write_all(b"Rar!").unwrap();
    }
    // Left out as they are in the folder: Windows' thumbnails, a lock file.
    for name in ["2024/Thumbs.db", "2024/~$死亡名单.csv"] {
        zip.start_file(name, stored).unwrap();
        zip.write_all(b"\x00").unwrap();
    }
    zip.finish().unwrap();
    // The catalog names files inside an archive by their path in it.
    write(
        dir.path(),
        "catalog.toml",
        "ignore = [\"公安数据.zip/2024/旧名单.csv\"]\n".as_bytes(),
    );
    let data = ingest_dir(dir.path(), None).unwrap();
    let df = &data.datasets["deaths"];
    assert_eq!(
        strings(df, "_src"),
        vec![Some("公安数据.zip/2024/死亡名单.csv:2".into())]
    );
    let files: Vec<&str> = data.tables.iter().map(|t| t.file.as_str()).collect();
    assert_eq!(
        files,
        [
            "公安数据.zip/2024/死亡名单.csv",
            "公安数据.zip/2024/户籍.rar",
            "公安数据.zip/2024/旧数据.zip"
        ]
    );
    // An archive in the archive is listed as one to unpack.
    let errors: Vec<String> = data.errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].contains("公安数据.zip/2024/户籍.rar：rar 压缩包"),
        "{errors:?}"
    );
    assert!(errors[1].contains("压缩包中的压缩包不会"), "{errors:?}");
}

/// A folder whose exports name their villages (乡镇, 村) instead of coding
/// them, with the villages directory (named last, so that a reading file by
/// file meets the names before the directory).
fn named_villages_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "低保发放.csv",
        format!(
            "姓名,身份证号,乡镇(街道),村(社区),发放月份,发放金额,救助类别\n\
             甲,{},后后镇,西湾社区,2024-01,100,农村低保\n\
             乙,{},小寨乡,王庄村,2024-01,200,农村低保\n\
             丙,{},后后,王庄,2024-01,300,农村低保\n\
             丁,{},小寨乡,东河村,2024-01,400,农村低保\n",
            id(1),
            id(2),
            id(3),
            id(4)
        )
        .as_bytes(),
    );
    write(
        dir.path(),
        "村干部花名册.csv",
        format!(
            "姓名,身份证号,所属村,职务\n戊,{},南坡村,村支书\n己,{},王庄村,村主任\n",
            id(5),
            id(6)
        )
        .as_bytes(),
    );
    write(
        dir.path(),
        "户籍人口信息.csv",
        format!(
            "姓名,公民身份号码,居委会,人员状态\n庚,{},西湾社区居委会,正常\n",
            id(7)
        )
        .as_bytes(),
    );
    write(
        dir.path(),
        "村(社区)名录.csv",
        "统计用区划代码,村(社区)名称,乡镇(街道),县(市、区)\n\
         411122001001,西湾社区,后后镇,示范县\n\
         411122001003,王庄村,后后镇,示范县\n\
         411122002001,南坡村,小寨乡,示范县\n\
         411122002003,王庄村,小寨乡,示范县\n"
            .as_bytes(),
    );
    dir
}

/// A column whose header names nothing known (组别) but whose values are
/// villages with their groups (南坡村3组, 西湾社区第二村民小组) gives the
/// village: a 征地补偿 list that needs one is read, not refused. A column
/// of people's names under such a header is no village.
#[test]
fn a_group_column_of_village_names_gives_the_village() {
    let dir = named_villages_folder();
    write(
        dir.path(),
        "征地补偿费兑付.csv",
        format!(
            "户主,身份证号,组别,备用,面积(亩),补偿款(元),兑付时间\n\
             甲,{},南坡村3组,张三,1.5,30000,2024-05-01\n\
             乙,{},西湾社区第二村民小组,李四,2,40000,2024-05-01\n",
            id(1),
            id(2)
        )
        .as_bytes(),
    );
    let data = ingest_dir(dir.path(), None).unwrap();
    let compensation = &data.datasets["land_compensation"];
    assert_eq!(
        strings(compensation, "village_code"),
        [Some("411122002001".into()), Some("411122001001".into())]
    );
    let table = (data.tables.iter())
        .find(|t| t.file == "征地补偿费兑付.csv")
        .unwrap();
    let village = decision(table, "village_code");
    assert_eq!(village.header.as_deref(), Some("组别"));
    assert!(
        village.reason.contains("内容多为村名"),
        "{}",
        village.reason
    );
    assert!(table.unmapped.contains(&"备用".to_string()));
    assert!(!data.rejects.iter().any(|r| r.file == "征地补偿费兑付.csv"));
}

#[test]
fn village_names_are_coded_through_the_directory_and_never_guessed() {
    let dir = named_villages_folder();
    let data = ingest_dir(dir.path(), None).unwrap();
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    let payments = &data.datasets["benefit_payments"];
    // The township tells the two 王庄村 apart; 东河村 is in no directory.
    assert_eq!(
        strings(payments, "village_code"),
        [
            Some("411122001001".into()),
            Some("411122002003".into()),
            Some("411122001003".into()),
            None
        ]
    );
    let table = data
        .tables
        .iter()
        .find(|t| t.file == "低保发放.csv")
        .unwrap();
    assert!(decision(table, "village_code")
        .reason
        .contains("村(社区)名录"));
    assert_eq!((table.rows_accepted, table.rows_rejected), (4, 0));
    // A committee's full name (居委会: 西湾社区居委会) is its village.
    assert_eq!(
        strings(&data.datasets["residents"], "village_code"),
        [Some("411122001001".into())]
    );
    // A cadre's village is required: without a township 王庄村 could be
    // either, so the row is left out, never placed in a guessed village.
    let cadres = &data.datasets["village_cadres"];
    assert_eq!(
        strings(cadres, "village_code"),
        [Some("411122002001".into())]
    );
    let table = data
        .tables
        .iter()
        .find(|t| t.file == "村干部花名册.csv")
        .unwrap();
    assert_eq!((table.rows_accepted, table.rows_rejected), (1, 1));
    let reject = |file: &str| data.rejects.iter().find(|r| r.file == file).unwrap();
    let cadre = reject("村干部花名册.csv");
    assert_eq!((cadre.row, cadre.action), (3, RejectAction::RowDropped));
    assert!(cadre.reason.contains("有2个"), "{}", cadre.reason);
    let payment = reject("低保发放.csv");
    assert_eq!(
        (payment.row, payment.action),
        (5, RejectAction::ValueCleared)
    );
    assert_eq!(payment.column, "村(社区)");
    assert!(payment.reason.contains("东河村"), "{}", payment.reason);
    assert_eq!(data.rejects.len(), 2);

    // File by file, the names read before the directory wait for it.
    assert_eq!(
        village_codes_file_by_file(dir.path(), "benefit_payments"),
        strings(payments, "village_code")
    );
}

/// The village codes of a dataset as [`xuncha_ingest::ingest_each`] reads
/// a folder, file after file (`xuncha data lake`).
fn village_codes_file_by_file(dir: &Path, dataset: &str) -> Vec<Option<String>> {
    let mut codes = Vec::new();
    xuncha_ingest::ingest_each(dir, None, |data| {
        if let Some(df) = data.datasets.get(dataset) {
            codes.extend(strings(df, "village_code"));
        }
        Ok(())
    })
    .unwrap();
    codes
}

#[test]
fn village_names_without_a_directory_are_rejects_saying_so() {
    let dir = named_villages_folder();
    std::fs::remove_file(dir.path().join("村(社区)名录.csv")).unwrap();
    let data = ingest_dir(dir.path(), None).unwrap();
    let payments = &data.datasets["benefit_payments"];
    assert_eq!(strings(payments, "village_code"), [None, None, None, None]);
    assert_eq!(data.datasets["village_cadres"].height(), 0);
    assert_eq!(data.rejects.len(), 7);
    assert!(data
        .rejects
        .iter()
        .all(|r| r.reason.contains("需要村(社区)名录")));
    // Each table says so once, where the run prints its warnings.
    let errors: Vec<String> = data.errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors.iter().all(|e| e.contains("数据目录中没有名录")));
}

/// A village's own accounts often have no village column: the file name or
/// a note above the header (核算单位：…) names the village, looked up in
/// the directory like a names column; names that tell no one village are
/// rejects and an error, and a name for all villages asks for the column.
#[test]
fn a_table_kept_per_village_takes_its_village_from_its_names() {
    let dir = named_villages_folder();
    std::fs::remove_file(dir.path().join("低保发放.csv")).unwrap();
    let vouchers = "凭证号,支付日期,收款方,金额,摘要\nPZ1,2024-03-01,张三,1200,劳务费\n";
    write(
        dir.path(),
        "西湾社区2024年财务支出明细.csv",
        vouchers.as_bytes(),
    );
    let noted = format!(
        "核算单位：南坡村股份经济合作社,,,,\n{}",
        vouchers.replace("PZ1", "PZ2")
    );
    write(dir.path(), "2024年记账凭证.csv", noted.as_bytes());
    let lost = vouchers.replace("PZ1", "PZ3");
    write(dir.path(), "王庄村支出明细.csv", lost.as_bytes());
    write(
        dir.path(),
        "2024年村级支出凭证.csv",
        vouchers.replace("PZ1", "PZ4").as_bytes(),
    );
    let data = ingest_dir(dir.path(), None).unwrap();
    let payments = &data.datasets["village_payments"];
    assert_eq!(
        strings(payments, "voucher_no"),
        [Some("PZ2".into()), Some("PZ1".into())]
    );
    assert_eq!(
        strings(payments, "village_code"),
        [Some("411122002001".into()), Some("411122001001".into())]
    );
    let table = |file: &str| data.tables.iter().find(|t| t.file == file).unwrap();
    assert!(decision(table("2024年记账凭证.csv"), "village_code")
        .reason
        .contains("标题行“核算单位：南坡村股份经济合作社”"));
    // Two villages are called 王庄村: its row is a reject, the table an error.
    assert_eq!(table("王庄村支出明细.csv").rows_rejected, 1);
    let reject = data
        .rejects
        .iter()
        .find(|r| r.file == "王庄村支出明细.csv")
        .unwrap();
    assert_eq!((reject.row, reject.action), (2, RejectAction::RowDropped));
    assert!(reject.reason.contains("2个村"), "{}", reject.reason);
    let errors: Vec<String> = data.errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].contains("2024年村级支出凭证.csv") && errors[0].contains("village_code"));
    assert!(errors[1].contains("王庄村支出明细.csv") && errors[1].contains("无法确定"));

    // File by file, as `xuncha data lake` reads, the same villages.
    let mut codes = village_codes_file_by_file(dir.path(), "village_payments");
    codes.sort();
    assert_eq!(
        codes,
        [Some("411122001001".into()), Some("411122002001".into())]
    );
}

/// A 公安 list of cancelled registrations is a list of deaths only when
/// every reason it gives is a death: one that also lists people who moved
/// away is read as residents with their status, or each of them would be
/// a lead of benefits paid to the dead.
#[test]
fn a_list_of_cancellations_is_deaths_only_when_every_reason_is_a_death() {
    let list = |reasons: [&str; 2]| {
        format!(
            "姓名,公民身份号码,注销原因,注销日期\n甲,{},{},2024-03-05\n乙,{},{},2024年4月6日\n",
            id(1),
            reasons[0],
            id(2),
            reasons[1]
        )
    };
    let mixed = ingest_one("注销人员名单.csv", list(["死亡", "迁往外省"]).as_bytes());
    assert!(!mixed.datasets.contains_key("deaths"));
    let residents = &mixed.datasets["residents"];
    assert_eq!(
        strings(residents, "status"),
        [Some("死亡".into()), Some("迁出".into())]
    );
    assert!(residents.column("status_date").unwrap().null_count() == 0);
    // A reason no status reads (重复户口) may be anything but a death.
    let unread = ingest_one("注销人员名单.csv", list(["死亡", "重复户口"]).as_bytes());
    assert!(!unread.datasets.contains_key("deaths"));
    let deaths = ingest_one("注销人员名单.csv", list(["死亡", "因病死亡"]).as_bytes());
    assert_eq!(deaths.datasets["deaths"].height(), 2);
    assert!(!deaths.datasets.contains_key("residents"));
    // Named after the 户口 register too, with a column neither reads: its
    // reason column is read by the deaths it names, not left over.
    let police = format!(
        "姓名,公民身份号码,注销原因,注销时间,派出所\n\
         甲,{},死亡,2024-08-14,城关派出所\n乙,{},死亡注销,2024/10/9,城关派出所\n",
        id(1),
        id(2)
    );
    let deaths = ingest_one("户口注销人员名单.csv", police.as_bytes());
    assert!(deaths.errors.is_empty(), "{:?}", deaths.errors);
    assert_eq!(deaths.datasets["deaths"].height(), 2);
    assert!(!deaths.datasets.contains_key("residents"));
}

/// A 惠民殡葬补贴 list pays a family member and names the deceased: each row
/// is a payment and a death, read into both (`also_about`), so a benefit
/// still paid to the deceased is found though no other list has the death.
#[test]
fn a_funeral_subsidy_list_is_read_as_payments_and_deaths() {
    let csv = format!(
        "逝者姓名,逝者身份证号,死亡日期,领取人姓名,领取人身份证号,补贴金额,发放日期\n\
         甲,{},2024-06-10,乙,{},1000,2024-07-01\n\
         丙,{},2024年8月2日,丁,{},1000,2024-09-01\n",
        id(1),
        id(2),
        id(3),
        id(4)
    );
    let data = ingest_one("2024年惠民殡葬补贴发放.csv", csv.as_bytes());
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    let payments = &data.datasets["benefit_payments"];
    assert_eq!(strings(payments, "id_number"), [Some(id(2)), Some(id(4))]);
    let deaths = &data.datasets["deaths"];
    assert_eq!(strings(deaths, "id_number"), [Some(id(1)), Some(id(3))]);
    assert_eq!(dates(deaths, "death_date"), ["2024-06-10", "2024-08-02"]);
    let table = &data.tables[0];
    let split = table.split.as_ref().unwrap();
    assert!(split.every_row && split.rows_accepted == 2, "{split:?}");
    assert!(table.rows_balance());
    assert!(
        !table.unmapped.iter().any(|h| h.starts_with("逝者")),
        "{:?}",
        table.unmapped
    );

    // A list of payments to the living names no deceased: no deaths.
    let csv = format!(
        "领取人姓名,领取人身份证号,补贴金额,发放日期\n乙,{},1000,2024-07-01\n",
        id(2)
    );
    let data = ingest_one("2024年临时救助发放.csv", csv.as_bytes());
    assert!(data.datasets.contains_key("benefit_payments"));
    assert!(!data.datasets.contains_key("deaths"));
    assert!(data.tables[0].split.is_none());
}

/// A voucher states its amount twice, in figures (小写) and in capital
/// numerals (大写): the figures are read; a list giving only the capitals,
/// or amounts with their rate's unit (100元/月), is read too.
#[test]
fn amounts_in_capital_numerals_or_with_a_rate_are_read() {
    let both = "凭证号,日期,村代码,摘要,收款单位,金额（大写）,金额（小写）\n\
                记-001,2024-03-05,411122001001,办公用品,文具店,壹佰元整,100.00\n\
                记-002,2024-03-08,411122001001,工程款,建筑公司,叁万伍仟元整,35000.00\n";
    let data = ingest_one("村级支出凭证.csv", both.as_bytes());
    assert!(
        data.errors.is_empty() && data.rejects.is_empty(),
        "{:?}",
        data.rejects
    );
    assert_eq!(
        amounts(&data.datasets["village_payments"]),
        [100.0, 35000.0]
    );
    let table = &data.tables[0];
    assert_eq!(
        decision(table, "amount").header.as_deref(),
        Some("金额（小写）")
    );

    let capitals = "凭证号,日期,村代码,摘要,收款单位,金额\n\
                    记-001,2024-03-05,411122001001,办公用品,文具店,壹佰元整\n\
                    记-002,2024-03-08,411122001001,工程款,建筑公司,人民币叁万零伍拾元陆角\n";
    let data = ingest_one("村级支出凭证.csv", capitals.as_bytes());
    assert!(
        data.errors.is_empty() && data.rejects.is_empty(),
        "{:?}",
        data.rejects
    );
    assert_eq!(
        amounts(&data.datasets["village_payments"]),
        [100.0, 30050.6]
    );

    let rates = format!(
        "姓名,身份证号,发放月份,发放金额\n甲,{},2024-03,100元/月\n乙,{},2024-03,１００．００\n",
        id(1),
        id(2)
    );
    let data = ingest_one("2024年高龄津贴发放.csv", rates.as_bytes());
    assert!(
        data.errors.is_empty() && data.rejects.is_empty(),
        "{:?}",
        data.rejects
    );
    assert_eq!(amounts(&data.datasets["benefit_payments"]), [100.0, 100.0]);
}

/// A bank's 代发明细 names no program, no month and no 姓名: its 摘要 says
/// the program and the month paid for (2024年3月农村低保金: a month paid
/// late is that month's), its 户名 the one paid. A summary naming anything
/// else (代发工资) is no program, and the month is then the 交易日期's.
#[test]
fn a_banks_disbursement_list_takes_its_program_from_the_summary() {
    let csv = |second: &str| {
        format!(
            "交易日期,户名,账号,证件号码,交易金额,摘要\n\
             2024-03-15,甲,6228480100000001,{},400.00,2024年3月农村低保金\n\
             2024-05-05,乙,6228480100000002,{},100.00,{second}\n",
            id(1),
            id(2)
        )
    };
    let data = ingest_one("农商银行代发明细.csv", csv("2024年4月高龄津贴").as_bytes());
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    let payments = &data.datasets["benefit_payments"];
    assert_eq!(
        strings(payments, "program"),
        [Some("农村低保".into()), Some("高龄津贴".into())]
    );
    assert_eq!(
        strings(payments, "program_raw"),
        [
            Some("2024年3月农村低保金".into()),
            Some("2024年4月高龄津贴".into())
        ]
    );
    assert_eq!(months(payments), ["2024-03", "2024-04"]);
    assert_eq!(
        strings(payments, "name"),
        [Some("甲".into()), Some("乙".into())]
    );
    assert_eq!(amounts(payments), [400.0, 100.0]);
    let table = &data.tables[0];
    assert_eq!(decision(table, "program").header.as_deref(), Some("摘要"));
    assert_eq!(decision(table, "period").header.as_deref(), Some("摘要"));

    let data = ingest_one("农商银行代发明细.csv", csv("代发工资").as_bytes());
    let payments = &data.datasets["benefit_payments"];
    assert_eq!(strings(payments, "program"), [None, None]);
    assert_eq!(months(payments), ["2024-03", "2024-05"]);
    let table = &data.tables[0];
    assert_eq!(
        decision(table, "period").header.as_deref(),
        Some("交易日期")
    );
    assert!(table.unmapped.iter().any(|h| h == "摘要"));
}

/// A list ending an insurance or a benefit, each row for a death (医保's
/// 终止原因: 死亡), is a list of deaths, dated by the end where it gives no
/// death date; one ending them for other reasons too (收入超标, which no
/// status reads) is not, nor is a roster of people who left a post.
#[test]
fn a_list_ended_by_deaths_alone_is_deaths_dated_by_the_end() {
    let list = |reasons: [&str; 2]| {
        format!(
            "人员编号,姓名,公民身份号码,参保类别,终止原因,终止日期\n\
             P1,甲,{},城乡居民,{},2024-02-10\n\
             P2,乙,{},城乡居民,{},2024年5月20日\n",
            id(1),
            reasons[0],
            id(2),
            reasons[1]
        )
    };
    let data = ingest_one(
        "医保参保人员终止名单.csv",
        list(["死亡", "病故"]).as_bytes(),
    );
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    let deaths = &data.datasets["deaths"];
    assert_eq!(dates(deaths, "death_date"), ["2024-02-10", "2024-05-20"]);
    assert_eq!(
        decision(&data.tables[0], "death_date").header.as_deref(),
        Some("终止日期")
    );
    let data = ingest_one(
        "医保参保人员终止名单.csv",
        list(["死亡", "收入超标"]).as_bytes(),
    );
    assert!(!data.datasets.contains_key("deaths"));
    let data = ingest_one(
        "医保参保人员终止名单.csv",
        list(["死亡", "转职工医保"]).as_bytes(),
    );
    assert!(!data.datasets.contains_key("deaths"));
    let roster = format!(
        "姓名,公民身份号码,离任原因,离任日期\n\
         甲,{},死亡,2024-02-10\n",
        id(1)
    );
    let data = ingest_one("离任人员名单.csv", roster.as_bytes());
    assert!(!data.datasets.contains_key("deaths"));
}

/// A 户口 cancellation list every row of which is a death is a list of
/// deaths, though it carries columns only a register has (性别, 户籍地址),
/// and its 死亡日期 is the date of death, not its 注销日期 further left. A
/// register whose change reasons are blank for the people still living
/// stays the register, whatever reasons its few changed rows give.
#[test]
fn a_cancellation_list_of_deaths_with_register_columns_is_deaths() {
    let list = format!(
        "姓名,性别,公民身份号码,注销日期,注销原因,死亡日期,户籍地详址\n\
         甲,男,{},2024-02-10,死亡,2024-02-01,城关镇东关村3组\n\
         乙,女,{},2024-05-20,死亡,2024年5月3日,城关镇东关村5组\n",
        id(1),
        id(2)
    );
    let data = ingest_one("户口注销人员名单（死亡）.csv", list.as_bytes());
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    assert!(!data.datasets.contains_key("residents"));
    let deaths = &data.datasets["deaths"];
    assert_eq!(dates(deaths, "death_date"), ["2024-02-01", "2024-05-03"]);
    assert_eq!(
        decision(&data.tables[0], "death_date").header.as_deref(),
        Some("死亡日期")
    );
    // The reason column says what the rows are: read so, not left unmapped.
    let table = &data.tables[0];
    assert_eq!(table.rows_are.as_deref(), Some("注销原因：各行均为“死亡”"));
    assert!(
        !table.unmapped.iter().any(|h| h == "注销原因"),
        "{:?}",
        table.unmapped
    );

    let register = format!(
        "公民身份号码,姓名,性别,户号,与户主关系,变动原因,变动日期\n\
         {},甲,男,0001,户主,死亡,2024-02-10\n\
         {},乙,女,0001,配偶,,\n\
         {},丙,男,0002,户主,,\n",
        id(1),
        id(2),
        id(3)
    );
    let data = ingest_one("户口人员信息.csv", register.as_bytes());
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    assert!(!data.datasets.contains_key("deaths"));
    assert_eq!(data.datasets["residents"].height(), 3);
    assert_eq!(data.tables[0].rows_are, None);

    // Cancellations saying where their people moved to are not deaths.
    let moved = format!(
        "注销人员姓名,注销人员身份证号,注销日期,迁往地址\n甲,{},2024-03-01,郑州市金水区\n",
        id(1)
    );
    let data = ingest_one("户口注销人员名单.csv", moved.as_bytes());
    assert!(
        !data.datasets.contains_key("deaths"),
        "{:?}",
        data.tables[0]
    );
}

/// A pay sheet's amount headed by the word alone (本期实发, 实发补贴):
/// read by meaning, not only where content happens to single it out; of
/// what was due (应发) and what was paid (实发), what was paid.
#[test]
fn an_amount_headed_paid_or_due_alone_is_the_amount() {
    let pensions = format!(
        "参保人姓名,证件号码,村代码,待遇享受年月,本期应发,本期实发\n\
         甲,{},411122001001,202403,183,180\n",
        id(1)
    );
    let data = ingest_one("城乡居民基本养老保险待遇支付明细.csv", pensions.as_bytes());
    // What was paid, not what was due further left; no tie to report.
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    assert_eq!(amounts(&data.datasets["pension_payments"]), [180.0]);
    let amount = decision(&data.tables[0], "amount");
    assert_eq!(amount.header.as_deref(), Some("本期实发"));
    assert!(amount.reason.contains("按含义"), "{}", amount.reason);
    // What was due is the amount where nothing says what was paid.
    let due = format!(
        "参保人姓名,证件号码,村代码,待遇享受年月,本期应发\n甲,{},411122001001,202403,183\n",
        id(1)
    );
    let data = ingest_one("城乡居民基本养老保险待遇支付明细.csv", due.as_bytes());
    assert_eq!(amounts(&data.datasets["pension_payments"]), [183.0]);

    let pay = format!(
        "村代码,干部姓名,身份证件号,现任职务,补贴月份,实发补贴（元）,备注\n\
         411122001001,乙,{},村支书,2024年3月,2000,3\n",
        id(2)
    );
    let data = ingest_one("村两委干部误工补贴发放表.csv", pay.as_bytes());
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    assert_eq!(amounts(&data.datasets["cadre_pay"]), [2000.0]);
    assert!(decision(&data.tables[0], "amount")
        .reason
        .contains("按含义"));
}

/// A 征地补偿 list paid to each household's head (户主身份证号) is land
/// compensation, not a benefit payment for its 发放 in the file name.
#[test]
fn land_compensation_paid_to_household_heads_is_land_compensation() {
    let list = format!(
        "被征地农户户主,户主身份证号,村代码,征地面积（亩）,补偿金额（元）,发放时间\n\
         甲,{},411122001001,1.5,45000,2024-06-01\n",
        id(1)
    );
    let data = ingest_one("征地补偿安置费用发放花名册.csv", list.as_bytes());
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    assert!(!data.datasets.contains_key("benefit_payments"));
    let paid = &data.datasets["land_compensation"];
    assert_eq!(strings(paid, "id_number"), [Some(id(1))]);
    assert_eq!(amounts(paid), [45000.0]);
}

/// A roster of people with their village's code (党员花名册) is no villages
/// directory: read as one, its people's names would be villages' names. A
/// directory named as such is still read.
#[test]
fn a_roster_of_people_with_village_codes_is_no_villages_directory() {
    let roster = format!(
        "姓名,性别,身份证号,入党时间,所在支部,村代码\n王一,男,{},2001-07-01,东关村支部,411122001001\n",
        id(1)
    );
    let data = ingest_one("党员花名册.csv", roster.as_bytes());
    assert!(!data.datasets.contains_key("villages"), "{:?}", data.tables);
    let directory = ingest_one(
        "村居信息.csv",
        "村代码,名称,所属乡镇\n411122001001,东关村,城关镇\n".as_bytes(),
    );
    assert_eq!(directory.datasets["villages"].height(), 1);
}

/// Lists of people with an amount and dates that name none of our datasets
/// (a microcredit ledger, a collective's members with their shares) are read
/// as none: as land compensation, cadres or public employees each would make
/// false leads. A roster naming its posts is still the cadres'.
#[test]
fn loans_and_shares_are_no_compensation_cadres_or_employees() {
    let loans = format!(
        "借款人姓名,借款人身份证号,村代码,贷款金额（万元）,放款日期,到期日期,贷款银行\n\
         王一,{},411122001001,5,2023-03-01,2026-03-01,农商行\n",
        id(1)
    );
    let data = ingest_one("脱贫人口小额信贷台账.csv", loans.as_bytes());
    assert!(data.datasets.is_empty(), "{:?}", data.datasets.keys());
    let members = format!(
        "村代码,户主姓名,成员姓名,身份证号,与户主关系,成员类型,股份数\n\
         411122001001,王一,王一,{},户主,原始成员,1\n",
        id(1)
    );
    let data = ingest_one("村集体经济组织成员名册.csv", members.as_bytes());
    assert!(!data.datasets.contains_key("land_compensation"));
    let posts = format!(
        "村代码,姓名,身份证号,职务,任职时间\n411122001001,王一,{},村委会主任,2021-01-01\n",
        id(1)
    );
    let data = ingest_one("人员信息.csv", posts.as_bytes());
    assert_eq!(data.datasets["village_cadres"].height(), 1);
}

/// People and their employer are on the public payroll only where the list
/// says so: a housing fund's contributors work for companies too, and read
/// as public employees each in a 低保 household would be a false lead.
#[test]
fn people_and_their_employer_are_public_employees_only_where_named() {
    let list = |employer: &str| {
        format!(
            "单位名称,姓名,身份证号,缴存基数,月缴存额,开户日期\n{employer},王一,{},3000,360,2019-01-01\n",
            id(1)
        )
    };
    let data = ingest_one(
        "住房公积金缴存人员.csv",
        list("某某商贸有限公司").as_bytes(),
    );
    assert!(!data.datasets.contains_key("public_employees"));
    let data = ingest_one("机关事业单位在编人员.csv", list("县民政局").as_bytes());
    assert_eq!(data.datasets["public_employees"].height(), 1);
}

/// A lease register giving each term as a range of dates in one cell.
const LEASES_WITH_TERMS: &str = "村代码,合同编号,资产名称,承租方,联系电话,年租金(元),租赁期限\n\
     411122001001,ZL-01,村东鱼塘,张三,13800000000,6000,2020.01.01-2029.12.31\n\
     411122001001,ZL-02,村西果园,李四,13900000000,3000,2021年3月1日至2024年2月29日\n\
     411122001001,ZL-03,村北荒地,王五,13700000000,800,2022.1-2026.12\n\
     411122001001,ZL-04,村南厂房,赵六,13600000000,9000,2023-05-01\n";

#[test]
fn a_term_written_as_a_range_gives_the_start_and_the_end() {
    let data = ingest_one("集体资产租赁合同台账.csv", LEASES_WITH_TERMS.as_bytes());
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    let leases = &data.datasets["asset_leases"];
    assert_eq!(
        dates(leases, "start_date"),
        ["2020-01-01", "2021-03-01", "2022-01-01"]
    );
    assert_eq!(
        dates(leases, "end_date"),
        ["2029-12-31", "2024-02-29", "2026-12-31"]
    );
    // A phone number counts nothing: never an amount.
    assert_eq!(amounts_of(leases, "annual_rent"), [6000.0, 3000.0, 800.0]);
    // One date is no term: the row is a reject saying so, not a lease
    // starting and ending that day.
    assert_eq!(data.rejects.len(), 2);
    assert!(data
        .rejects
        .iter()
        .all(|r| r.row == 5 && r.column == "租赁期限"));
    assert!(
        data.rejects[0].reason.contains("日期区间"),
        "{}",
        data.rejects[0].reason
    );
}

/// Personnel registers write dates to the month (参加工作时间 2015.08): a
/// start is read as the month's first day and an end as its last, a whole
/// date as it is; `2015.1`, which a spreadsheet makes of 2015.10, is a
/// reject. A death written to the month is its last day, so that no payment
/// of that month is after it.
#[test]
fn a_register_written_to_the_month_gives_first_and_last_days() {
    let csv = format!(
        "单位名称,姓名,公民身份号码,参加工作时间,调出时间\n\
         县财政局,甲,{},2015.08,2020.06\n\
         县财政局,乙,{},201203,\n\
         县医院,丙,{},2009年10月,2023年2月\n\
         县医院,丁,{},2018-04-16,2024.02\n\
         县医院,戊,{},2016.1,\n",
        id(1),
        id(2),
        id(3),
        id(4),
        id(5)
    );
    let data = ingest_one("全县财政供养人员信息.csv", csv.as_bytes());
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    let employees = &data.datasets["public_employees"];
    let some = |d: &str| Some(d.to_string());
    assert_eq!(
        strings(employees, "start_date"),
        [
            some("2015-08-01"),
            some("2012-03-01"),
            some("2009-10-01"),
            some("2018-04-16"),
            None
        ]
    );
    assert_eq!(
        strings(employees, "end_date"),
        [
            some("2020-06-30"),
            None,
            some("2023-02-28"),
            some("2024-02-29"),
            None
        ]
    );
    let [reject] = &data.rejects[..] else {
        panic!("{:?}", data.rejects);
    };
    assert_eq!((reject.row, reject.column.as_str()), (6, "参加工作时间"));
    assert!(reject.reason.contains("2016.10"), "{}", reject.reason);
    let table = &data.tables[0];
    assert!(
        decision(table, "end_date")
            .reason
            .contains("按当月最后一天计"),
        "{:?}",
        table.decisions
    );
    assert!(table
        .mapping
        .contains(&("start_date".into(), "参加工作时间（按月，取月初）".into())));

    // A death written to the month: the month's last day. Monthly
    // payments compare to it as to any day of the month; no payment made in
    // that month counts as after it.
    let deaths = format!(
        "姓名,身份证号,死亡日期\n甲,{},2024.03\n乙,{},2024年2月\n",
        id(1),
        id(2)
    );
    let data = ingest_one("死亡人员名单.csv", deaths.as_bytes());
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    assert_eq!(
        dates(&data.datasets["deaths"], "death_date"),
        ["2024-03-31", "2024-02-29"]
    );
}

/// A pay sheet of month columns whose year the file name gives bare
/// (`村干部补贴发放表2024`) is read as the pay it is, not as a roster of the
/// cadres it names.
#[test]
fn month_columns_take_a_bare_year_from_the_file_name() {
    let csv = format!(
        "村代码,姓名,身份证号,职务,1月,2月,3月,合计\n411122001001,甲,{},书记,2000,2000,2000,6000\n",
        id(1)
    );
    let data = ingest_one("村干部补贴发放表2024.csv", csv.as_bytes());
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    let pay = &data.datasets["cadre_pay"];
    assert_eq!(months(pay), ["2024-01", "2024-02", "2024-03"]);
    assert_eq!(amounts(pay), [2000.0, 2000.0, 2000.0]);
    assert!(!data.datasets.contains_key("village_cadres"));
}

fn amounts_of(df: &DataFrame, column: &str) -> Vec<f64> {
    df.column(column)
        .unwrap()
        .f64()
        .unwrap()
        .into_no_null_iter()
        .collect()
}

/// `data inspect --write-catalog` records village names and ranges of
/// dates so that reading the folder with it gives the same rows.
#[test]
fn a_written_catalog_keeps_village_names_and_ranges() {
    let dir = named_villages_folder();
    write(
        dir.path(),
        "集体资产租赁合同台账.csv",
        LEASES_WITH_TERMS.as_bytes(),
    );
    let first = ingest_dir(dir.path(), None).unwrap();
    let catalog = xuncha_ingest::catalog::write_catalog(&[], &first.tables);
    write(dir.path(), "catalog.toml", catalog.as_bytes());
    let again = ingest_dir(dir.path(), None).unwrap();
    assert!(again.errors.is_empty(), "{:?}\n{catalog}", again.errors);
    for (name, df) in &first.datasets {
        assert!(
            df.equals_missing(&again.datasets[name]),
            "{name}\n{catalog}"
        );
    }
    assert_eq!(first.rejects.len(), again.rejects.len());
}

/// xuncha's own results in a subfolder of the data folder (marked, or an
/// older run's `summary.json` and `findings.jsonl`) are not exports: their
/// findings would come back as rows, run after run. Each such folder is
/// listed as left out; a plain subfolder is still read.
#[test]
fn results_xuncha_wrote_into_the_data_folder_are_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let deaths = format!("姓名,身份证号,死亡日期\n甲,{},2024-03-05\n", id(1));
    write(dir.path(), "死亡人员名单.csv", deaths.as_bytes());
    let out = dir.path().join("out");
    xuncha_schema::create_output_dir(&out).unwrap();
    let more = format!("姓名,身份证号,死亡日期\n乙,{},2024-04-05\n", id(2));
    write(&out, "死亡人员名单.csv", more.as_bytes());
    let older = dir.path().join("上次结果");
    std::fs::create_dir(&older).unwrap();
    write(&older, "summary.json", b"{}");
    write(&older, "findings.jsonl", b"");
    write(&older, "findings.csv", more.as_bytes());
    let sub = dir.path().join("公安");
    std::fs::create_dir(&sub).unwrap();
    let third = format!("姓名,身份证号,死亡日期\n丙,{},2024-05-05\n", id(3));
    write(&sub, "火化人员名单.csv", third.as_bytes());

    let data = ingest_dir(dir.path(), None).unwrap();
    assert_eq!(data.datasets["deaths"].height(), 2);
    let left_out: Vec<&str> = data
        .tables
        .iter()
        .filter(|t| {
            t.note
                .as_deref()
                .is_some_and(|n| n.contains("xuncha 的输出目录"))
        })
        .map(|t| t.file.as_str())
        .collect();
    assert_eq!(left_out, ["out/", "上次结果/"]);
    assert!(data.errors.is_empty(), "{:?}", data.errors);
}

/// A list kept by hand stacks its programs in one sheet, each under a row
/// holding only its label (一、城市低保 … 二、农村低保): the rows take the
/// program of their section, past the rows parsed for recognition too, and
/// the label rows are counted as such, not rejected as empty records.
/// A household's cells merged down over its members' rows (家庭编号, 户主…
/// merged in the workbook) hold their value in each row, as the sheet shows
/// them; a title merged across the top is no data. The sheet starts at
/// column B.
#[test]
fn cells_merged_down_a_household_hold_their_value_in_each_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("花名册").unwrap();
    let plain = rust_xlsxwriter::Format::new();
    sheet
        .merge_range(0, 1, 0, 7, "2024年低保家庭花名册", &plain)
        .unwrap();
    let header = [
        "家庭编号",
        "户主姓名",
        "户主身份证号",
        "村代码",
        "成员姓名",
        "成员身份证号",
        "与户主关系",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(1, c as u16 + 1, *h).unwrap();
    }
    let household = ["H1", "人10", &id(10), "411122001001"];
    for (c, v) in household.iter().enumerate() {
        sheet
            .merge_range(2, c as u16 + 1, 4, c as u16 + 1, v, &plain)
            .unwrap();
    }
    let members = [
        ("人10", 10, "户主"),
        ("人11", 11, "配偶"),
        ("人12", 12, "子"),
    ];
    for (r, (name, n, relation)) in members.iter().enumerate() {
        let r = r as u32 + 2;
        sheet.write_string(r, 5, *name).unwrap();
        sheet.write_string(r, 6, id(*n)).unwrap();
        sheet.write_string(r, 7, *relation).unwrap();
    }
    let next = [
        "H2",
        "人20",
        &id(20),
        "411122001001",
        "人20",
        &id(20),
        "户主",
    ];
    for (c, v) in next.iter().enumerate() {
        sheet.write_string(5, c as u16 + 1, *v).unwrap();
    }
    book.save(dir.path().join("低保家庭花名册.xlsx")).unwrap();
    let data = ingest_dir(dir.path(), None).unwrap();
    assert!(data.rejects.is_empty(), "{:?}", data.rejects);
    let households = &data.datasets["relief_households"];
    assert_eq!(
        strings(households, "household_id"),
        ["H1", "H2"].map(|h| Some(h.to_string()))
    );
    let members = &data.datasets["relief_members"];
    let people = strings(members, "id_number");
    assert_eq!(people, [10, 11, 12, 20].map(|n| Some(id(n))));
    assert_eq!(strings(members, "household_id")[2].as_deref(), Some("H1"));
}

/// A village merged down over its people's rows right of columns every
/// row fills (序号, 姓名, 身份证号, then 村代码) holds its value in each row:
/// read as blank, the rows below the merge's first would have lost their
/// village without a reject.
#[test]
fn a_village_merged_down_beside_filled_columns_holds_its_value() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let plain = rust_xlsxwriter::Format::new();
    for (c, h) in [
        "序号",
        "姓名",
        "身份证号",
        "村代码",
        "发放月份",
        "发放金额",
        "救助类别",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet
        .merge_range(1, 3, 3, 3, "411122001001", &plain)
        .unwrap();
    for r in 1..=3u32 {
        sheet.write_number(r, 0, r).unwrap();
        sheet.write_string(r, 1, format!("人{r}")).unwrap();
        sheet.write_string(r, 2, id(r)).unwrap();
        sheet.write_string(r, 4, "2024-03").unwrap();
        sheet.write_number(r, 5, 300).unwrap();
        sheet.write_string(r, 6, "农村低保").unwrap();
    }
    book.save(dir.path().join("2024年低保发放.xlsx")).unwrap();
    let data = ingest_dir(dir.path(), None).unwrap();
    assert!(data.rejects.is_empty(), "{:?}", data.rejects);
    assert_eq!(
        strings(&data.datasets["benefit_payments"], "village_code"),
        vec![Some("411122001001".to_string()); 3]
    );
}

/// A 农机补贴 公示 gives no ID numbers, but the serials that tell a machine
/// subsidised twice: it is read, the IDs left empty. A list named 农机 that
/// gives neither an ID nor a serial (a roster of machinery co-operatives) is
/// no subsidy list.
#[test]
fn a_machinery_notice_without_ids_is_read_for_its_serials() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "2024年农机购置补贴受益对象公示.csv",
        "序号,乡镇,村代码,购机者,机具名称,出厂编号,补贴资金（元）,购买日期\n\
         1,城关镇,411122001001,人1,拖拉机,SN-001,12000,2024-03-01\n\
         2,城关镇,411122001001,人2,拖拉机,SN-001,12000,2024-05-01\n"
            .as_bytes(),
    );
    write(
        dir.path(),
        "农机专业合作社名录.csv",
        "合作社名称,负责人,村代码,成立日期,农机数量\n某农机合作社,人3,411122001001,2019-05-01,12\n"
            .as_bytes(),
    );
    let data = ingest_dir(dir.path(), None).unwrap();
    let df = &data.datasets["machinery_subsidies"];
    assert_eq!(df.height(), 2);
    assert_eq!(
        strings(df, "factory_serial"),
        vec![Some("SN-001".to_string()); 2]
    );
    assert_eq!(strings(df, "applicant_id_number"), vec![None, None]);
    assert!(data.rejects.is_empty(), "{:?}", data.rejects);
    let roster = data
        .tables
        .iter()
        .find(|t| t.file.contains("合作社"))
        .unwrap();
    assert_ne!(roster.dataset.as_deref(), Some("machinery_subsidies"));
}

/// A record number that only tells records apart (a 农机补贴 list's 申请编号,
/// a ledger's 凭证号) is, where no header gives it in a table named as the
/// dataset, made of the row's values: the list is read, not refused.
/// So is a lease's 租赁合同号, which the models matching receipts by number
/// leave out where it was made; a contract's 合同编号, which payments cite,
/// never is.
#[test]
fn record_numbers_no_header_gives_are_made_of_the_rows_values() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "2024年农机购置补贴资金兑付.csv",
        format!(
            "购机者姓名,证件号码,机具品目,出厂编号,补贴额,村代码\n\
             人1,{},拖拉机,SN-001,12000,411122001001\n\
             人2,{},拖拉机,SN-001,12000,411122001001\n",
            id(1),
            id(2)
        )
        .as_bytes(),
    );
    write(
        dir.path(),
        "西湾社区支出明细.csv",
        "日期,摘要,收款人,金额,村代码\n2024-03-01,付保洁费,人3,800,411122001001\n".as_bytes(),
    );
    write(
        dir.path(),
        "集体资产租赁台账.csv",
        "资产名称,承租方,年租金,起租日期,到期日期,村代码\n鱼塘,人4,6000,2024-01-01,2026-12-31,411122001001\n"
            .as_bytes(),
    );
    write(
        dir.path(),
        "村级合同台账.csv",
        "项目名称,乙方,合同金额,签订日期,村代码\n村道硬化,某建筑公司,120000,2024-03-05,411122001001\n"
            .as_bytes(),
    );
    let data = ingest_dir(dir.path(), None).unwrap();
    let numbers = strings(&data.datasets["machinery_subsidies"], "application_no");
    assert!(
        numbers.iter().flatten().all(|n| n.starts_with("无编号#")) && numbers[0] != numbers[1],
        "{numbers:?}"
    );
    let voucher = strings(&data.datasets["village_payments"], "voucher_no");
    assert!(
        voucher[0]
            .as_ref()
            .is_some_and(|n| n.starts_with("无编号#")),
        "{voucher:?}"
    );
    let report = |file: &str| data.tables.iter().find(|t| t.file == file).unwrap();
    let key = decision(report("西湾社区支出明细.csv"), "voucher_no");
    assert!(
        key.header.is_none() && key.reason.contains("按该行其他各列的内容生成编号"),
        "{key:?}"
    );
    let leases = strings(&data.datasets["asset_leases"], "lease_no");
    assert!(
        leases[0].as_ref().is_some_and(|n| n.starts_with("无编号#")),
        "{leases:?}"
    );
    assert!(!data.datasets.contains_key("village_contracts"));
    assert!(
        (report("村级合同台账.csv").note.as_deref()).is_some_and(|n| n.contains("contract_no")),
        "{:?}",
        report("村级合同台账.csv").note
    );
}

/// A record number made of the row's values is the same in a later export
/// that lists the rows in another order under another file name (a finding
/// keeps its id from night to night); rows alike in one export are still
/// told apart (`-2`); and two exports without numbers whose ranges overlap
/// hold each shared payment once, not as a "repeated" payment.
#[test]
fn record_numbers_made_of_values_survive_reordering_and_overlaps() {
    let rows = [
        "2024-03-01,付保洁费,某保洁公司,800,411122001001",
        "2024-03-01,付保洁费,某保洁公司,800,411122001001",
        "2024-03-05,修路材料款,某建材公司,30000,411122001001",
    ];
    let ledger = |rows: &[&str]| format!("日期,摘要,收款人,金额,村代码\n{}\n", rows.join("\n"));
    let numbers = |files: &[(&str, String)]| {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            write(dir.path(), name, text.as_bytes());
        }
        let data = ingest_dir(dir.path(), None).unwrap();
        let mut numbers: Vec<String> = strings(&data.datasets["village_payments"], "voucher_no")
            .into_iter()
            .flatten()
            .collect();
        numbers.sort();
        (numbers, data)
    };
    let (first, _) = numbers(&[("西湾村支出明细.csv", ledger(&rows))]);
    let reordered = [rows[2], rows[1], rows[0]];
    let (again, _) = numbers(&[("西湾村支出明细20240601.csv", ledger(&reordered))]);
    assert_eq!(first, again);
    assert_eq!(first.len(), 3);
    assert!(
        (first.iter()).any(|n| first.contains(&format!("{n}-2"))),
        "{first:?}"
    );

    let later = [
        rows[2],
        rows[0],
        "2024-04-02,付电费,某供电所,1200,411122001001",
    ];
    let (both, data) = numbers(&[
        ("西湾村支出明细1-3月.csv", ledger(&rows)),
        ("西湾村支出明细1-6月.csv", ledger(&later)),
    ]);
    assert_eq!(both.len(), 4, "{both:?}");
    assert_eq!(
        (data.rejects.iter())
            .filter(|r| r.file == "西湾村支出明细1-6月.csv")
            .count(),
        2
    );
}

/// Wordings of village ledgers seen in county exports: a 报账单 is a
/// payments list whose 领款人 was paid; a 发包台账's 承包(租赁)人 is the
/// lessee and its one ID column the lessee's.
#[test]
fn a_claims_sheet_and_a_letting_ledger_are_read_by_their_wordings() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "村级报账单.csv",
        "日期,付款事由,领款人,金额(元),经办人,村代码\n2024-03-01,修路材料款,人1,3000,人2,411122001001\n"
            .as_bytes(),
    );
    write(
        dir.path(),
        "集体资源发包台账.csv",
        format!(
            "合同编号,资产名称,承包(租赁)人,身份证号,年承包费,承包期限,村代码\n\
             CB01,鱼塘,人3,{},6000,2024.01.01-2026.12.31,411122001001\n",
            id(3)
        )
        .as_bytes(),
    );
    let data = ingest_dir(dir.path(), None).unwrap();
    let payments = &data.datasets["village_payments"];
    assert_eq!(strings(payments, "payee_name"), [Some("人1".to_string())]);
    let leases = &data.datasets["asset_leases"];
    assert_eq!(strings(leases, "lessee_name"), [Some("人3".to_string())]);
    assert_eq!(strings(leases, "lessee_code"), [Some(id(3))]);
}

/// Of two datasets a table's names hint and neither of which its headers
/// complete, the one its names complete (a year in its title) is read: a
/// 危房改造补助发放表 is renovation grants, though 发放 hints payments too and
/// payments would take its 户主 as the one paid. A 临时救助 list that names
/// the one paid only as 户主 gives that name.
#[test]
fn a_dataset_the_names_complete_wins_over_one_still_missing_a_column() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "危房改造补助发放表.csv",
        format!(
            "2024年农村危房改造补助资金发放表,,,,,\n\
             户主,身份证号码,村代码,改造方式,拨付金额（元）,竣工验收时间\n\
             人1,{},411122001001,翻建,20000,2024.06\n",
            id(1)
        )
        .as_bytes(),
    );
    write(
        dir.path(),
        "临时救助发放台账.csv",
        format!(
            "户主,身份证,救助金额,救助时间,救助类型,村代码\n人2,{},1500,2024-03-15,临时救助,411122001001\n",
            id(2)
        )
        .as_bytes(),
    );
    let data = ingest_dir(dir.path(), None).unwrap();
    let renovation = &data.datasets["housing_renovation"];
    assert_eq!(strings(renovation, "head_name"), [Some("人1".to_string())]);
    let payments = &data.datasets["benefit_payments"];
    assert_eq!(strings(payments, "name"), [Some("人2".to_string())]);
    assert_eq!(strings(payments, "id_number"), [Some(id(2))]);
}

/// A workbook that stored its months as numbers holds 2024.10 as 2024.1,
/// January's number: where its column holds 2024.11 or 2024.12 so, a
/// 2024.1 is refused as either month rather than read as January (which
/// would make October's payment a second one in January). Where 2024.10 is
/// written as text, 2024.1 is January.
#[test]
fn a_month_that_may_be_january_or_october_is_refused_not_guessed() {
    let write_book = |dir: &Path, months: &[Option<f64>], text_october: bool| {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        let header = [
            "姓名",
            "身份证号",
            "村代码",
            "救助类别",
            "发放月份",
            "发放金额",
        ];
        for (c, h) in header.iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        for (r, month) in months.iter().enumerate() {
            let r = r as u32 + 1;
            sheet.write_string(r, 0, "人1").unwrap();
            sheet.write_string(r, 1, id(1)).unwrap();
            sheet.write_string(r, 2, "411122001001").unwrap();
            sheet.write_string(r, 3, "农村低保").unwrap();
            match month {
                Some(m) => sheet.write_number(r, 4, *m).unwrap(),
                None if text_october => sheet.write_string(r, 4, "2024.10").unwrap(),
                None => sheet.write_number(r, 4, 2024.10).unwrap(),
            };
            sheet.write_number(r, 5, 300).unwrap();
        }
        book.save(dir.join("2024年低保发放.xlsx")).unwrap();
    };
    let written = [
        Some(2024.1),
        Some(2024.9),
        None,
        Some(2024.11),
        Some(2024.12),
    ];
    let dir = tempfile::tempdir().unwrap();
    write_book(dir.path(), &written, false);
    let data = ingest_dir(dir.path(), None).unwrap();
    assert_eq!(
        months(&data.datasets["benefit_payments"]),
        ["2024-09", "2024-11", "2024-12"]
    );
    assert_eq!(data.rejects.len(), 2, "{:?}", data.rejects);
    assert!(data
        .rejects
        .iter()
        .all(|r| r.reason.contains("1月还是10月")));
    assert_eq!(data.tables[0].rows_rejected, 2);

    let dir = tempfile::tempdir().unwrap();
    write_book(dir.path(), &written, true);
    let data = ingest_dir(dir.path(), None).unwrap();
    assert!(data.rejects.is_empty(), "{:?}", data.rejects);
    assert_eq!(
        months(&data.datasets["benefit_payments"]),
        ["2024-01", "2024-09", "2024-10", "2024-11", "2024-12"]
    );
}

/// A cash journal (收入, 支出 and 余额 in one table) gives each row to the
/// dataset whose amount it fills; a row filling neither (期初余额) is a
/// reject, and every row is accounted for.
#[test]
fn a_cash_journal_gives_payments_and_income() {
    let csv = "西湾社区现金日记账,,,,,,\n\
               日期,凭证号,摘要,村代码,收入,支出,余额\n\
               2024-01-01,,期初余额,411122001001,,,1000\n\
               2024-01-05,记-1,收鱼塘承包费,411122001001,6000,,7000\n\
               2024-01-09,记-2,付保洁费,411122001001,,800,6200\n\
               2024-02-01,记-3,付修路款,411122001001,0,30000,-23800\n";
    let data = ingest_one("西湾社区现金日记账.csv", csv.as_bytes());
    assert_eq!(
        amounts(&data.datasets["village_payments"]),
        [800.0, 30000.0]
    );
    assert_eq!(amounts(&data.datasets["village_income"]), [6000.0]);
    assert_eq!(
        strings(&data.datasets["village_income"], "_src")[0].as_deref(),
        Some("西湾社区现金日记账.csv:4")
    );
    let table = &data.tables[0];
    assert_eq!((table.rows_accepted, table.rows_rejected), (3, 1));
    assert!(table.rows_balance());
    assert_eq!(table.split.as_ref().map(|s| s.rows_accepted), Some(1));
    assert_eq!(data.rejects.len(), 1, "{:?}", data.rejects);
    assert_eq!(data.rejects[0].row, 3);
    assert!(
        data.rejects[0].reason.contains("均未填"),
        "{:?}",
        data.rejects[0]
    );

    // A run wanting only income reads the journal for it.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "西湾社区现金日记账.csv", csv.as_bytes());
    let wanted = xuncha_ingest::Wanted {
        datasets: ["village_income".to_string()].into(),
        ..Default::default()
    };
    let data = xuncha_ingest::ingest_datasets(dir.path(), None, Some(&wanted)).unwrap();
    assert_eq!(amounts(&data.datasets["village_income"]), [6000.0]);
}

/// A cash journal kept as the paper form is (the year in its title, the
/// date in a 月 and a 日 column, 借方（收入） and 贷方（支出）) reads as one
/// with a 日期 column does; a row without its day is a reject naming both.
/// A month written on its first entry only holds for the entries below it.
#[test]
fn a_paper_form_cash_journal_gives_its_dates_from_month_and_day() {
    let csv = "西湾社区2024年现金日记账,,,,,,,\n\
               月,日,凭证号数,摘要,村代码,借方（收入）,贷方（支出）,余额\n\
               1,1,,上年结转,411122001001,,,1000\n\
               1,5,记-1,收鱼塘承包费,411122001001,6000,,7000\n\
               ３,９,记-2,付保洁费,411122001001,,800,6200\n\
               4,,记-3,付修路款,411122001001,,3000,3200\n";
    let data = ingest_one("西湾社区现金日记账.csv", csv.as_bytes());
    let (payments, income) = (
        &data.datasets["village_payments"],
        &data.datasets["village_income"],
    );
    assert_eq!(dates(payments, "pay_date"), ["2024-03-09"]);
    assert_eq!(amounts(payments), [800.0]);
    assert_eq!(dates(income, "voucher_date"), ["2024-01-05"]);
    assert_eq!(
        strings(&data.datasets["village_payments"], "voucher_no"),
        [Some("记-2".to_string())]
    );
    let table = &data.tables[0];
    assert!(
        decision(table, "pay_date")
            .reason
            .contains("年份取自标题行"),
        "{:?}",
        table.decisions
    );
    assert_eq!((table.rows_accepted, table.rows_rejected), (2, 2));
    assert!(table.rows_balance());
    let rejects: Vec<(usize, &str)> = (data.rejects.iter())
        .map(|r| (r.row, r.column.as_str()))
        .collect();
    assert_eq!(rejects, [(3, "贷方（支出）"), (6, "月、日")]);
    assert_eq!(data.rejects[1].reason, "必需字段为空");

    // A journal writing each month on its first entry only.
    let csv = "西湾社区2024年现金日记账,,,,,,,\n\
               月,日,凭证号数,摘要,村代码,借方（收入）,贷方（支出）,余额\n\
               1,5,记-1,收鱼塘承包费,411122001001,6000,,7000\n\
               ,20,记-2,付保洁费,411122001001,,800,6200\n\
               3,9,记-3,付修路款,411122001001,,3000,3200\n\
               ,28,记-4,付电费,411122001001,,200,3000\n";
    let data = ingest_one("西湾社区现金日记账.csv", csv.as_bytes());
    assert!(data.rejects.is_empty(), "{:?}", data.rejects);
    let df = &data.datasets["village_payments"];
    assert_eq!(
        dates(df, "pay_date"),
        ["2024-01-20", "2024-03-09", "2024-03-28"]
    );
    assert_eq!(data.tables[0].carried_down, [("月".to_string(), 2)]);
}

/// A double-entry ledger (序时账: an account column, 借方 and 贷方, each
/// business on rows of both sides) is not read as payments or income, which
/// would count each sum as both, and its note says what to export instead.
#[test]
fn a_double_entry_ledger_is_left_unread_with_what_to_export() {
    let csv = "日期,凭证字号,摘要,科目名称,借方金额,贷方金额,村代码\n\
               2024-03-01,记-001,付保洁费,管理费用,800,,411122001001\n\
               2024-03-01,记-001,付保洁费,银行存款,,800,411122001001\n";
    let data = ingest_one("西湾村序时账.csv", csv.as_bytes());
    assert!(data.datasets.is_empty(), "{:?}", data.datasets.keys());
    let note = data.tables[0].note.as_deref().unwrap_or_default();
    assert!(
        note.contains("序时账") && note.contains("日记账") && note.contains("catalog.toml"),
        "{note}"
    );
    // Named as vouchers, which payments are, it is still no list of payments:
    // the bank line of a receipt (借 银行存款) would be one.
    let vouchers = "凭证日期,凭证字号,摘要,会计科目,借方金额,贷方金额,往来单位,村代码\n\
                    2024-03-01,记-001,付保洁费,管理费用,800,,人1,411122001001\n\
                    2024-03-01,记-001,付保洁费,银行存款,,800,人1,411122001001\n\
                    2024-03-02,记-002,收鱼塘租金,银行存款,6000,,人2,411122001001\n";
    let data = ingest_one("西湾村记账凭证列表.csv", vouchers.as_bytes());
    assert!(data.datasets.is_empty(), "{:?}", data.datasets.keys());
    let note = data.tables[0].note.as_deref().unwrap_or_default();
    assert!(
        note.contains("序时账") && note.contains("village_payments"),
        "{note}"
    );
    // A cash journal's 对方科目 is no double entry.
    let journal = "日期,凭证号,摘要,对方科目,借方,贷方,余额,村代码\n\
                   2024-03-01,记-1,收鱼塘租金,其他收入,6000,,7000,411122001001\n\
                   2024-03-05,记-2,付保洁费,管理费用,,800,6200,411122001001\n";
    let data = ingest_one("西湾村现金日记账.csv", journal.as_bytes());
    assert_eq!(amounts(&data.datasets["village_payments"]), [800.0]);
    assert_eq!(amounts(&data.datasets["village_income"]), [6000.0]);
}

/// A 低保 list whose program column says only 城市 or 农村 (城乡类别) reads
/// each as the 低保 its name states: 城市低保, 农村低保, the label as written
/// kept raw. A column of the class of need (一类, 二类) names no program.
#[test]
fn a_low_income_list_says_urban_or_rural_in_a_column() {
    let mut csv = String::from("姓名,身份证号,村代码,城乡类别,发放月份,发放金额\n");
    for (n, kind) in [(1, "城市"), (2, "农村"), (3, "城市")] {
        csv += &format!("人{n},{},411122001001,{kind},2024-03,300\n", id(n));
    }
    let data = ingest_one("2024年3月低保资金发放表.csv", csv.as_bytes());
    let payments = &data.datasets["benefit_payments"];
    let programs = strings(payments, "program");
    let expected = ["城市低保", "农村低保", "城市低保"].map(|p| Some(p.to_string()));
    assert_eq!(programs, expected);
    let raw = strings(payments, "program_raw");
    assert_eq!(raw[1].as_deref(), Some("农村"));
    let table = &data.tables[0];
    assert!(
        table.unknown_labels.is_empty(),
        "{:?}",
        table.unknown_labels
    );
    let reason = &decision(table, "program").reason;
    assert!(reason.contains("读作农村低保、城市低保"), "{reason}");

    let classes = csv
        .replace("城乡类别", "家庭类别")
        .replace("城市", "一类")
        .replace("农村", "二类");
    let data = ingest_one("2024年3月低保资金发放表.csv", classes.as_bytes());
    let programs = strings(&data.datasets["benefit_payments"], "program");
    assert!(
        programs.iter().all(|p| p.as_deref() == Some("低保")),
        "{programs:?}"
    );
}

#[test]
fn rows_under_a_section_label_take_the_program_it_names() {
    let row = |n: u32| format!("{n},人{n},{},411122001001,2024-03,300\n", id(n));
    let mut csv = String::from(
        "2024年城乡低保资金发放表,,,,,\n一、城市低保,,,,,\n序号,姓名,身份证号,村代码,发放月份,发放金额\n",
    );
    // Far more rows than recognition parses, so the later sections are
    // marked as the rest of the file is read.
    for n in 1..=400 {
        csv.push_str(&row(n));
    }
    csv.push_str("小计,,,,,120000\n二、农村低保,,,,,\n");
    csv.push_str("序号,姓名,身份证号,村代码,发放月份,发放金额\n");
    csv.push_str(&row(401));
    csv.push_str("（三）特困人员供养,,,,,\n");
    csv.push_str(&row(402));
    // A row holding only a name names no program: a record missing its fields.
    csv.push_str("某某,,,,,\n合计,,,,,120600\n");
    let data = ingest_one("2024年3月救助资金发放.csv", csv.as_bytes());
    let payments = &data.datasets["benefit_payments"];
    let programs = strings(payments, "program");
    assert_eq!(programs.len(), 402);
    assert!(programs[..400]
        .iter()
        .all(|p| p.as_deref() == Some("城市低保")));
    assert_eq!(programs[400].as_deref(), Some("农村低保"));
    assert_eq!(programs[401].as_deref(), Some("特困供养"));
    let table = &data.tables[0];
    assert_eq!(
        (table.section_rows, table.rows_accepted, table.rows_rejected),
        (2, 402, 1)
    );
    assert!(table.rows_balance());
    // The title states the first section's program; the labels go on.
    let reason = &decision(table, "program").reason;
    assert!(
        reason.contains("取 城市低保；其后按分节行") && reason.contains("“二、农村低保”→农村低保"),
        "{reason}"
    );

    // A title of its own right above the header (not numbered as a section)
    // gives no program the names disagree on (特困 in the file name); one
    // naming a kind of what the file name names (农村低保, 低保) gives it.
    let titled = "2024年3月农村低保资金发放表,,,,\n姓名,身份证号,村代码,发放月份,发放金额\n"
        .to_string()
        + &format!("乙,{},411122001001,2024-03,300\n", id(1));
    let program = |file| {
        strings(
            &ingest_one(file, titled.as_bytes()).datasets["benefit_payments"],
            "program",
        )
    };
    assert_eq!(program("特困发放.csv"), [None]);
    assert_eq!(program("低保发放.csv"), [Some("农村低保".to_string())]);

    // A table with a program column has no sections: the label is a reject.
    let flat = "姓名,身份证号,村代码,发放月份,发放金额,救助类别\n二、农村低保,,,,,\n".to_string()
        + &format!("乙,{},411122001001,2024-03,300,农村低保\n", id(1));
    let data = ingest_one("低保发放.csv", flat.as_bytes());
    assert_eq!(
        (data.tables[0].section_rows, data.tables[0].rows_rejected),
        (0, 1)
    );
}

/// A county's roster grouped by village, each group under a row naming
/// the village and no village column: the rows take their group's village
/// through the directory; a group named after no village of it is rejects.
#[test]
fn rows_under_a_village_label_take_that_village() {
    let dir = named_villages_folder();
    std::fs::remove_file(dir.path().join("低保发放.csv")).unwrap();
    let csv = format!(
        "2024年3月农村低保资金发放表,,,,\n序号,姓名,身份证号,发放月份,发放金额\n\
         一、后后镇西湾社区,,,,\n1,甲,{},2024-03,300\n2,乙,{},2024-03,300\n\
         二、小寨乡南坡村（1户）,,,,\n3,丙,{},2024-03,300\n\
         三、东河村,,,,\n4,丁,{},2024-03,300\n",
        id(11),
        id(12),
        id(13),
        id(14)
    );
    write(dir.path(), "农村低保发放.csv", csv.as_bytes());
    let data = ingest_dir(dir.path(), None).unwrap();
    let payments = &data.datasets["benefit_payments"];
    assert_eq!(
        strings(payments, "village_code"),
        [
            Some("411122001001".into()),
            Some("411122001001".into()),
            Some("411122002001".into()),
            None
        ]
    );
    assert_eq!(
        strings(payments, "program"),
        vec![Some("农村低保".to_string()); 4]
    );
    let table = data
        .tables
        .iter()
        .find(|t| t.file == "农村低保发放.csv")
        .unwrap();
    assert_eq!((table.section_rows, table.rows_accepted), (3, 4));
    assert!(decision(table, "village_code")
        .reason
        .contains("“二、小寨乡南坡村（1户）”"));
    // 东河村 is no village of the directory: its payment keeps no village,
    // with a reject saying why.
    let reject = data
        .rejects
        .iter()
        .find(|r| r.file == "农村低保发放.csv")
        .unwrap();
    assert_eq!((reject.row, reject.action), (9, RejectAction::ValueCleared));
    assert!(reject.reason.contains("东河村"), "{}", reject.reason);
}

/// Amounts in 千元, or in 万元 written 万元人民币, are scaled to 元 like
/// those in 万元: read as 元 they would be a thousandth or a ten-thousandth.
#[test]
fn amounts_in_any_unit_of_money_are_read_in_yuan() {
    let csv = format!(
        "姓名,身份证号,村代码,年度,补贴面积（亩）,补贴金额（千元）\n甲,{},411122001001,2024,10.5,1.05\n",
        id(1)
    );
    let data = ingest_one("耕地地力保护补贴.csv", csv.as_bytes());
    assert_eq!(amounts(&data.datasets["farmland_subsidies"]), [1050.0]);
    let csv = "合同编号,村代码,项目名称,乙方,合同金额（万元人民币）,签订日期\n\
               HT1,411122001001,村道硬化,某公司,6.46,2024-04-19\n";
    let data = ingest_one("村级合同台账.csv", csv.as_bytes());
    assert_eq!(amounts(&data.datasets["village_contracts"]), [64600.0]);
}

/// A 三资 platform's register of what the collective lets out (发包) names
/// the collective 发包方（甲方） and the lessee 承包方（乙方）: the village is
/// found by the collective's name, the lessee by the contractor's words.
#[test]
fn a_register_of_leases_let_out_names_both_sides_as_contracts_do() {
    let dir = named_villages_folder();
    std::fs::remove_file(dir.path().join("低保发放.csv")).unwrap();
    let csv = format!(
        "合同编号,合同名称,发包方（甲方）,承包方（乙方）,乙方身份证号/信用代码,资产名称,面积（亩）,\
         合同总金额（元）,年租金（元）,合同起始日期,合同终止日期,交易方式\n\
         ZL001,鱼塘承包合同,西湾社区股份经济合作社,张三,{},鱼塘,20,100000,10000,2020-01-01,2029-12-31,公开竞价\n\
         ZL002,门面租赁合同,南坡村股份经济合作社,李四,{},门面房,0.2,60000,20000,2022-01-01,2024-12-31,协议\n",
        id(21),
        id(22)
    );
    write(
        dir.path(),
        "集体资产资源发包租赁合同台账.csv",
        csv.as_bytes(),
    );
    let data = ingest_dir(dir.path(), None).unwrap();
    let leases = &data.datasets["asset_leases"];
    assert_eq!(
        strings(leases, "village_code"),
        [Some("411122001001".into()), Some("411122002001".into())]
    );
    assert_eq!(
        strings(leases, "lessee_name"),
        [Some("张三".into()), Some("李四".into())]
    );
    assert_eq!(strings(leases, "lessee_code"), [Some(id(21)), Some(id(22))]);
    assert_eq!(amounts_of(leases, "annual_rent"), [10000.0, 20000.0]);
}

/// A 危房改造 roster without a year column gives the year in its batch
/// (批次: 2023年第一批): each row takes its own, also through a written
/// catalog; a batch naming no year is a reject.
#[test]
fn a_year_written_in_a_batch_column_is_the_year() {
    let dir = named_villages_folder();
    std::fs::remove_file(dir.path().join("低保发放.csv")).unwrap();
    let mut csv = String::from("乡镇,村,户主姓名,身份证号码,补助资金（元）,竣工日期,批次\n");
    // Nine batches of ten state a year: the column is the year's.
    for n in 31..=40 {
        let batch = match n {
            31..=35 => "2023年第一批",
            36..=39 => "2024年第二批",
            _ => "第三批",
        };
        csv.push_str(&format!(
            "后后镇,西湾社区,户{n},{},20000,2023-10-01,{batch}\n",
            id(n)
        ));
    }
    write(dir.path(), "农村危房改造补助对象花名册.csv", csv.as_bytes());
    let first = ingest_dir(dir.path(), None).unwrap();
    let years: Vec<Option<i64>> = first.datasets["housing_renovation"]
        .column("year")
        .unwrap()
        .cast(&DataType::Int64)
        .unwrap()
        .i64()
        .unwrap()
        .iter()
        .collect();
    let expected: Vec<Option<i64>> = [2023; 5].into_iter().chain([2024; 4]).map(Some).collect();
    assert_eq!(years, expected);
    let reject = first
        .rejects
        .iter()
        .find(|r| r.file == "农村危房改造补助对象花名册.csv")
        .unwrap();
    assert_eq!((reject.row, reject.column.as_str()), (11, "批次"));
    let catalog = xuncha_ingest::catalog::write_catalog(&[], &first.tables);
    write(dir.path(), "catalog.toml", catalog.as_bytes());
    let again = ingest_dir(dir.path(), None).unwrap();
    let name = "housing_renovation";
    assert!(
        first.datasets[name].equals_missing(&again.datasets[name]),
        "{catalog}"
    );
}
