//! Shipped models over small hand-made exports holding positives and hard
//! negatives (cases one step from the rule that must not be flagged), with
//! amounts and evidence checked by hand. Every model is also scored on the
//! synthetic county in `synth_eval.rs`.

mod support;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use support::models_dir;
use xuncha_engine::{run_models, ModelStatus, RunOptions};
use xuncha_ingest::{ingest_dir, normalize::id_check_char};
use xuncha_schema::Finding;

/// A valid ID number for test person `n`.
fn id(n: u32) -> String {
    let first17 = format!("41110219500101{n:03}");
    format!("{first17}{}", id_check_char(&first17).unwrap())
}

/// Ingest the files and run one model; returns its findings.
fn run(model_id: &str, files: &[(&str, String)], params: &[(&str, &str)]) -> Vec<Finding> {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let mut data = ingest_dir(dir.path(), None).unwrap();
    assert!(data.errors.is_empty(), "{:?}", data.errors);
    assert!(data.rejects.is_empty(), "{:?}", data.rejects);
    // As `xuncha run` does: findings must cite `file:row`, not the tokens.
    data.compact_sources();
    assert!(!data.sources.is_empty());
    let (models, errors) = xuncha_model::load_dirs(&[models_dir()]);
    assert!(errors.is_empty(), "{errors:?}");
    let (selected, _) = xuncha_model::select(&models, &[model_id.to_string()]);
    assert_eq!(selected.len(), 1);
    let opts = RunOptions {
        run_id: "test".into(),
        as_of: NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
        params: params
            .iter()
            .map(|(k, v)| (format!("{model_id}.{k}"), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        threads: Some(1),
    };
    let result = run_models(&selected, &data, &opts, &|_| {});
    assert!(
        matches!(result.outcomes[0].status, ModelStatus::Ok { .. }),
        "{:?}",
        result.outcomes[0]
    );
    result.findings
}

fn subjects(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.subject_key.as_str()).collect()
}

fn payments(rows: &[(u32, &str, &str, f64)]) -> String {
    let mut s = String::from("姓名,身份证号,村代码,救助类别,发放月份,发放金额,银行账号\n");
    for (n, program, period, amount) in rows {
        s += &format!(
            "人{n},{},411102001001,{program},{period},{amount},62284800{n:08}\n",
            id(*n)
        );
    }
    s
}

#[test]
fn deceased_benefit_flags_months_after_the_month_of_death() {
    let mut pay = Vec::new();
    for m in 1..=6 {
        pay.push((1, "农村低保", format!("2024-{m:02}"), 500.0));
        pay.push((4, "农村低保", format!("2024-{m:02}"), 500.0));
    }
    for m in 1..=3 {
        pay.push((2, "农村低保", format!("2024-{m:02}"), 400.0));
        pay.push((5, "特困供养", format!("2024-{m:02}"), 900.0));
    }
    pay.push((3, "农村低保", "2024-06".to_string(), 500.0));
    let pay: Vec<(u32, &str, &str, f64)> = pay
        .iter()
        .map(|(n, p, m, a)| (*n, *p, m.as_str(), *a))
        .collect();
    let deaths = format!(
        "姓名,公民身份号码,死亡日期,数据来源\n人1,{},2024-03-15,公安\n人2,{},2024-03-28,殡葬\n人4,{},2024-05-31,公安\n人4,{},2024-06-02,殡葬\n人5,{},2024-03-01,卫健\n",
        id(1), id(2), id(4), id(4), id(5)
    );
    let found = run(
        "mz.deceased_benefit",
        &[
            ("发放明细.csv", payments(&pay)),
            ("死亡.csv", deaths.clone()),
        ],
        &[],
    );
    assert_eq!(subjects(&found), vec![id(1).as_str(), id(4).as_str()]);
    assert_eq!(found[0].amount, Some(1500.0));
    assert_eq!(found[0].evidence["months_after"], 3);
    assert_eq!(found[0].period_from.as_deref(), Some("2024-04"));
    assert_eq!(
        found[0].explain,
        "人1于2024年3月15日死亡，此后仍发放农村低保3个月（2024-04至2024-06），共1,500.00元"
    );
    assert_eq!(
        found[0].sources.len(),
        4,
        "three payment rows and the death row: {:?}",
        found[0].sources
    );
    assert!(found[0].sources.contains(&"死亡.csv:2".to_string()));
    assert_eq!(
        found[1].amount,
        Some(500.0),
        "two death records must not double the amount"
    );
    // One of the two death rows: the first, as `MIN(_src)` over references.
    assert!(found[1].sources.contains(&"死亡.csv:4".to_string()));
    assert!(!found[1].sources.contains(&"死亡.csv:5".to_string()));
    assert_eq!(found[0].severity, xuncha_schema::Severity::High);

    let lenient = run(
        "mz.deceased_benefit",
        &[("发放明细.csv", payments(&pay)), ("死亡.csv", deaths)],
        &[("grace_months", "1")],
    );
    assert_eq!(subjects(&lenient), vec![id(1).as_str()]);
    assert_eq!(lenient[0].amount, Some(1000.0));
}

#[test]
fn public_employee_relief_needs_overlapping_employment() {
    let households = format!(
        "家庭编号,救助类别,户主姓名,户主身份证号,村代码,审批日期,状态\n\
         H1,农村低保,人10,{},411102001001,2023-01-01,在保\n\
         H2,农村低保,人20,{},411102001001,2023-06-01,在保\n\
         H3,农村低保,人3,{},411102001002,2022-01-01,在保\n\
         H4,农村低保,人40,{},411102001002,2022-01-01,退出\n",
        id(10),
        id(20),
        id(3),
        id(40)
    );
    let members = format!(
        "家庭编号,成员身份证号,成员姓名,与户主关系\nH1,{},人1,子\nH2,{},人2,子\nH4,{},人4,子\nH1,{},人5,女\n",
        id(1), id(2), id(4), id(5)
    );
    let employees = format!(
        "姓名,身份证号,工作单位,入职日期,离职日期\n人1,{},乡政府,2020-01-01,\n人2,{},县医院,2015-01-01,2022-12-31\n人3,{},县一中,2019-09-01,\n人4,{},镇卫生院,2018-01-01,\n人5,{},县财政局,2025-01-01,\n",
        id(1), id(2), id(3), id(4), id(5)
    );
    let found = run(
        "mz.public_employee_relief",
        &[
            ("救助家庭.csv", households),
            ("家庭成员.csv", members),
            ("财政供养人员.csv", employees),
        ],
        &[],
    );
    assert_eq!(subjects(&found), vec![id(1).as_str(), id(3).as_str()]);
    assert_eq!(found[0].village_code.as_deref(), Some("411102001001"));
    assert!(found[1].explain.contains("县一中"), "{}", found[1].explain);
}

/// A 特困 roster lists people, not households: each person is a household
/// of one, checked like any relief household (no members' list needed).
#[test]
fn public_employee_in_a_roster_of_people_supported_alone() {
    let roster = format!(
        "乡镇,村（居）,姓名,身份证号,供养方式,认定时间\n\
         城关镇,411102001001,人1,{},分散供养,2023.03\n\
         城关镇,411102001001,人2,{},集中供养,2023.03\n\
         城关镇,411102001002,人3,{},分散供养,2024.06\n",
        id(1),
        id(2),
        id(3)
    );
    let employees = format!(
        "姓名,身份证号,工作单位,入职日期,离职日期\n人1,{},县林业局,2010-01-01,\n人3,{},镇卫生院,2015-01-01,2024-05-31\n人4,{},县一中,2019-09-01,\n",
        id(1), id(3), id(4)
    );
    let found = run(
        "mz.public_employee_relief",
        &[
            ("特困人员名册.csv", roster),
            ("财政供养人员.csv", employees),
        ],
        &[],
    );
    // 人3 left the clinic before being approved; 人2 and 人4 are one side only.
    assert_eq!(subjects(&found), vec![id(1).as_str()]);
    assert_eq!(found[0].village_code.as_deref(), Some("411102001001"));
    assert!(
        found[0].explain.contains("特困供养"),
        "{}",
        found[0].explain
    );
    assert!(
        found[0].sources.contains(&"特困人员名册.csv:2".to_string()),
        "{:?}",
        found[0].sources
    );
}

/// A roster kept one row a member gives the members too: a member (not
/// the head) employed while the household is in relief is found, once.
#[test]
fn public_employee_in_a_roster_of_one_row_a_member() {
    let mut roster =
        String::from("家庭编号,户主姓名,户主身份证号,保障类别,保障人数,村代码,审批日期,成员姓名,成员身份证号,与户主关系\n");
    for (household, head, member, relation) in
        [(1, 10, 10, "本人"), (1, 10, 1, "子"), (2, 20, 2, "女")]
    {
        roster += &format!(
            "H{household},人{head},{},农村低保,2,411102001001,2023-01-01,人{member},{},{relation}\n",
            id(head),
            id(member)
        );
    }
    let employees = format!(
        "姓名,身份证号,工作单位,入职日期,离职日期\n人1,{},乡政府,2020-01-01,\n人2,{},县医院,2015-01-01,2022-06-30\n",
        id(1),
        id(2)
    );
    let found = run(
        "mz.public_employee_relief",
        &[
            ("低保家庭成员花名册.csv", roster),
            ("财政供养人员.csv", employees),
        ],
        &[],
    );
    // 人2 left the hospital before the household was approved.
    assert_eq!(subjects(&found), vec![id(1).as_str()]);
    assert!(found[0].explain.contains("乡政府"), "{}", found[0].explain);
}

#[test]
fn shared_account_needs_three_people_of_two_households() {
    let mut s = String::from("姓名,身份证号,村代码,救助类别,发放月份,发放金额,银行账号\n");
    let rows = [
        (1, "A"),
        (2, "A"),
        (3, "A"),
        (4, "B"),
        (5, "B"),
        (6, "C"),
        (7, "C"),
        (8, "C"),
        (9, "D"),
        (11, "D"),
    ];
    for (n, account) in rows {
        s += &format!(
            "人{n},{},411102001001,高龄津贴,2024-01,100,{account}\n",
            id(n)
        );
    }
    let members = format!(
        "家庭编号,身份证号,姓名\nH1,{},人1\nH1,{},人2\nH2,{},人3\nH3,{},人4\nH3,{},人5\nH4,{},人6\nH4,{},人7\nH4,{},人8\n",
        id(1), id(2), id(3), id(4), id(5), id(6), id(7), id(8)
    );
    let found = run(
        "mz.shared_account",
        &[("发放明细.csv", s), ("家庭成员.csv", members)],
        &[],
    );
    assert_eq!(subjects(&found), vec!["A"]);
    assert_eq!(found[0].evidence["people"], 3);
    assert_eq!(found[0].evidence["households"], 2);
    assert_eq!(found[0].amount, Some(300.0));
    assert_eq!(found[0].subject_type, "account");
}

#[test]
fn subsidy_area_above_contract_plus_tolerance() {
    let contracts = format!(
        "承包方代表姓名,承包方代表身份证号,村代码,确权面积\n人1,{},411102001001,10\n人2,{},411102001001,10\n人3,{},411102001001,6\n人3,{},411102001001,4\n人4,{},411102001001,5\n",
        id(1), id(2), id(3), id(3), id(4)
    );
    let subsidies = format!(
        "年度,姓名,身份证号,村代码,补贴面积,补贴标准,补贴金额,银行账号\n2024,人1,{},411102001001,12,100,1200,1\n2024,人2,{},411102001001,10.005,100,1000.5,2\n2024,人3,{},411102001001,10,100,1000,3\n2024,人4,{},411102001001,3,100,300,4\n2024,人4,{},411102001001,3,100,300,4\n",
        id(1), id(2), id(3), id(4), id(4)
    );
    let found = run(
        "ny.subsidy_area_exceeds_contract",
        &[("确权.csv", contracts), ("耕地地力补贴.csv", subsidies)],
        &[],
    );
    assert_eq!(subjects(&found), vec![id(1).as_str(), id(4).as_str()]);
    assert_eq!(found[0].amount, Some(200.0));
    assert_eq!(found[1].evidence["excess_area"], 1.0);
}

fn contracts() -> String {
    "合同编号,村代码,项目名称,乙方,合同金额,签订日期,采购方式\n\
     C1,411102001001,道路硬化,某建筑公司,100000,2024-03-10,公开招标\n\
     C2,411102001001,路灯安装,某电气公司,100000,2024-03-01,询价\n\
     C3,411102001001,水渠维修,某水利公司,50000,2024-02-01,询价\n"
        .to_string()
}

#[test]
fn payments_exceeding_their_contract() {
    let payments = "凭证号,村代码,支付日期,收款方,金额,支付方式,合同编号\n\
        V1,411102001001,2024-03-20,某建筑公司,60000,转账,C1\n\
        V2,411102001001,2024-05-20,某建筑公司,50000,转账,C1\n\
        V3,411102001001,2024-03-20,某电气公司,\"100,000.00\",转账,C2\n\
        V4,411102001002,2024-03-20,某水利公司,80000,转账,C3\n"
        .to_string();
    let found = run(
        "cw.payment_exceeds_contract",
        &[("合同.csv", contracts()), ("支出凭证.csv", payments)],
        &[],
    );
    assert_eq!(subjects(&found), vec!["C1"]);
    assert_eq!(found[0].amount, Some(10000.0));
    assert_eq!(found[0].sources.len(), 3);
}

#[test]
fn payments_before_signing_but_not_on_the_day() {
    let payments = "凭证号,村代码,支付日期,收款方,金额,支付方式,合同编号\n\
        V1,411102001001,2024-03-09,某建筑公司,10000,转账,C1\n\
        V2,411102001001,2024-03-10,某建筑公司,10000,转账,C1\n\
        V3,411102001001,2024-04-01,某建筑公司,10000,转账,C1\n\
        V4,411102001002,2024-01-01,某水利公司,10000,转账,C3\n"
        .to_string();
    let found = run(
        "cw.payment_before_contract",
        &[("合同.csv", contracts()), ("支出凭证.csv", payments)],
        &[],
    );
    assert_eq!(subjects(&found), vec!["V1"]);
    assert_eq!(found[0].explain, "凭证V1于2024年3月9日向某建筑公司支付10,000.00元，早于合同C1（道路硬化）的签订日期2024年3月10日");
}

fn leases(rows: &[(&str, f64, &str, &str)]) -> String {
    let mut s = String::from(
        "租赁编号,村代码,资产名称,资产类型,面积,承租方,年租金,起租日期,止租日期,发包方式\n",
    );
    for (no, rent, start, end) in rows {
        s += &format!("{no},411102001001,{no}号地,耕地,10,某人,{rent},{start},{end},公开竞价\n");
    }
    s
}

fn receipts(rows: &[(&str, &str, f64)]) -> String {
    let mut s = String::from("租赁编号,村代码,收款日期,收款金额\n");
    for (no, day, amount) in rows {
        s += &format!("{no},411102001001,{day},{amount}\n");
    }
    s
}

/// As of 2024-12-31 with 30 grace days (cut-off 2024-12-01): L1 (from
/// 2021-12-15) owes the years 2021, 2022, 2023 — 2024's began within the
/// grace days — and paid two. L2 (from 2022-03-01) paid all three due
/// years, one 50 元 short: within the 100 元 tolerance. L3 ended on
/// 2023-02-28 after two paid years. Month × 100 must not overflow.
#[test]
fn rent_arrears_counts_lease_years_due_after_the_grace_days() {
    let ledger = leases(&[
        ("L1", 10000.0, "2021-12-15", "2031-12-14"),
        ("L2", 8000.0, "2022-03-01", "2032-02-29"),
        ("L3", 5000.0, "2021-03-01", "2023-02-28"),
    ]);
    let paid = receipts(&[
        ("L1", "2021-12-20", 10000.0),
        ("L1", "2023-12-20", 10000.0),
        ("L2", "2022-03-05", 8000.0),
        ("L2", "2023-03-05", 7950.0),
        ("L2", "2024-03-05", 8000.0),
        ("L3", "2021-03-02", 5000.0),
        ("L3", "2022-03-02", 5000.0),
    ]);
    let found = run(
        "zc.rent_arrears",
        &[("租赁台账.csv", ledger), ("租金收取.csv", paid)],
        &[],
    );
    assert_eq!(subjects(&found), vec!["L1"]);
    assert_eq!(found[0].amount, Some(10000.0));
    assert_eq!(found[0].evidence["years_due"], 3);
    // With no grace the 2024 year is due too.
    let l1 = leases(&[("L1", 10000.0, "2021-12-15", "2031-12-14")]);
    let paid = receipts(&[("L1", "2021-12-20", 10000.0), ("L1", "2023-12-20", 10000.0)]);
    let found = run(
        "zc.rent_arrears",
        &[("租赁台账.csv", l1), ("租金收取.csv", paid)],
        &[("grace_days", "0")],
    );
    assert_eq!(found[0].amount, Some(20000.0));
}

/// With one firm: A1 and A2, 30,000 each within 90 days, are split (one
/// finding, 60,000). With another: B1 and B2 are 100 days apart. C1 and
/// C2 together stay under 50,000. D1 is itself above the threshold.
#[test]
fn contract_splitting_needs_small_contracts_that_add_up_within_the_window() {
    let contracts =
        "合同编号,村代码,项目名称,乙方,乙方统一社会信用代码,合同金额,签订日期,采购方式\n\
        A1,411102001001,道路一段,甲公司,91411102000000001A,30000,2024-03-01,询价\n\
        A2,411102001001,道路二段,甲公司,91411102000000001A,30000,2024-05-01,询价\n\
        B1,411102001001,水渠一段,乙公司,91411102000000002B,30000,2024-01-01,询价\n\
        B2,411102001001,水渠二段,乙公司,91411102000000002B,30000,2024-04-10,询价\n\
        C1,411102001001,路灯一,丙公司,91411102000000003C,20000,2024-03-01,询价\n\
        C2,411102001001,路灯二,丙公司,91411102000000003C,25000,2024-03-10,询价\n\
        D1,411102001001,广场,丁公司,91411102000000004D,60000,2024-03-01,公开招标\n\
        D2,411102001001,广场附属,丁公司,91411102000000004D,10000,2024-03-20,询价\n"
            .to_string();
    let found = run("cw.contract_splitting", &[("合同.csv", contracts)], &[]);
    assert_eq!(subjects(&found), vec!["91411102000000001A"]);
    assert_eq!(found[0].amount, Some(60000.0));
    assert_eq!(found[0].evidence["contract_list"], "A1、A2");
}

/// 人1 (born 1944-08-15 by the ID) is paid from January: seven months
/// before the month of the 80th birthday. 人2, born the same day, is paid
/// from August. Only valid IDs are read.
#[test]
fn elderly_allowance_before_the_birthday_month() {
    let born = |n: u32| {
        let first17 = format!("41110219440815{n:03}");
        format!("{first17}{}", id_check_char(&first17).unwrap())
    };
    let mut s = String::from("姓名,身份证号,村代码,补贴项目,发放月份,发放金额,银行账号\n");
    for m in 1..=12 {
        s += &format!("人1,{},411102001001,高龄津贴,2024-{m:02},100,1\n", born(1));
        if m >= 8 {
            s += &format!("人2,{},411102001001,高龄津贴,2024-{m:02},100,2\n", born(2));
        }
    }
    let found = run("mz.elderly_allowance_age", &[("高龄津贴.csv", s)], &[]);
    assert_eq!(subjects(&found), vec![born(1).as_str()]);
    assert_eq!(found[0].amount, Some(700.0));
    assert_eq!(found[0].period_to.as_deref(), Some("2024-07"));
}

/// A wrong check digit and a valid ID of someone not in the county are
/// flagged; a resident's ID written in the old 15-digit form is not.
#[test]
fn invalid_or_unknown_ids_but_not_old_fifteen_digit_forms() {
    let residents = format!(
        "公民身份号码,姓名,村级区划代码\n{},人1,411102001001\n{},人2,411102001001\n",
        id(1),
        id(2)
    );
    let wrong = format!(
        "{}{}",
        &id(1)[..17],
        if id(1).ends_with('0') { '1' } else { '0' }
    );
    let elsewhere = {
        let first17 = "41110319500101001".to_string();
        format!("{first17}{}", id_check_char(&first17).unwrap())
    };
    let fifteen = format!("{}{}", &id(2)[..6], &id(2)[8..17]);
    let mut pay = String::from("姓名,身份证号,村代码,补贴类别,发放月份,发放金额,银行账号\n");
    for (n, who) in [(1, &wrong), (2, &fifteen), (3, &elsewhere)] {
        pay += &format!("人{n},{who},411102001001,残疾人补贴,2024-03,90,{n}\n");
    }
    let found = run(
        "mz.invalid_id_payment",
        &[("户籍.csv", residents), ("残疾人补贴.csv", pay)],
        &[],
    );
    let mut got = subjects(&found);
    got.sort();
    let mut want = vec![wrong.as_str(), elsewhere.as_str()];
    want.sort();
    assert_eq!(got, want);
    let problems: Vec<&str> = found
        .iter()
        .map(|f| f.evidence["problem"].as_str().unwrap())
        .collect();
    assert!(problems.contains(&"身份证号校验位错误") && problems.contains(&"户籍人口中查无此人"));
}
