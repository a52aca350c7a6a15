//! Model tests as data: every `<model>.cases.toml` of the library runs here
//! (as `xuncha models test` runs it). Every model of the library carries
//! cases: at least one that must be found and one hard negative that must not be.

mod support;

use std::path::Path;

use support::models_dir;
use xuncha_model::{load_dirs, load_library, Library, Model};
use xuncha_pipeline::cases::run_cases;

#[test]
fn every_case_of_the_library_passes() {
    let (models, errors) = load_library(&Library::Embedded, &[]);
    assert!(errors.is_empty(), "{errors:?}");
    for m in &models {
        let Some(outcomes) = run_cases(m).unwrap() else {
            panic!("{} has no {}.cases.toml", m.spec.id, m.path.display());
        };
        assert!(
            outcomes.iter().any(|o| o.positive) && outcomes.iter().any(|o| !o.positive),
            "{} needs a positive case and a hard negative",
            m.spec.id
        );
        for o in &outcomes {
            assert!(o.passed(), "{} / {}: {:?}", m.spec.id, o.name, o.problems);
        }
    }
}

/// The one model an analyst's folder `dir` holds, read without error.
fn the_model_in(dir: &Path) -> Model {
    let (mut models, errors) = load_dirs(&[dir.to_path_buf()]);
    assert!(errors.is_empty() && models.len() == 1, "{errors:?}");
    models.remove(0)
}

#[test]
fn a_wrong_expectation_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let library = models_dir().join("cw");
    std::fs::copy(
        library.join("large_cash.toml"),
        dir.path().join("large_cash.toml"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("large_cash.cases.toml"),
        r#"
[[case]]
name = "写错的期望"
expect = [{ subject = "PZ9", amount = 1.0 }]
[case.files]
"village_payments.csv" = """
凭证号,村代码,支付日期,收款方,金额,支付方式
PZ1,411102001001,2024-01-05,张三,1500,现金
"""
"#,
    )
    .unwrap();
    let model = the_model_in(dir.path());
    let outcomes = run_cases(&model).unwrap().unwrap();
    let problems = &outcomes[0].problems;
    assert!(problems.iter().any(|p| p.contains("PZ9")), "{problems:?}");
    assert!(
        problems.iter().any(|p| p.contains("多发现了 PZ1")),
        "{problems:?}"
    );
}

/// `partition_by` is the author's promise that the query groups and joins
/// by that key only; a case run one key value at a time catches a model
/// that breaks it (a shared account is three people, not one).
#[test]
fn a_false_partition_key_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let library = models_dir().join("mz");
    let model = std::fs::read_to_string(library.join("shared_account.toml")).unwrap();
    let model = model.replacen("[query]\n", "[query]\npartition_by = \"id_number\"\n", 1);
    std::fs::write(dir.path().join("shared_account.toml"), model).unwrap();
    std::fs::copy(
        library.join("shared_account.cases.toml"),
        dir.path().join("shared_account.cases.toml"),
    )
    .unwrap();
    let model = the_model_in(dir.path());
    assert_eq!(model.spec.query.partition_by.as_deref(), Some("id_number"));
    let outcomes = run_cases(&model).unwrap().unwrap();
    let positive = outcomes.iter().find(|o| o.positive).unwrap();
    assert!(
        positive
            .problems
            .iter()
            .any(|p| p.contains("partition_by") && p.contains("id_number")),
        "{:?}",
        positive.problems
    );
}

/// Each case also runs over a lake on the streaming engine: a model whose
/// `WHERE` compares the two sides of a `CROSS JOIN` (an inequality join,
/// which that engine cannot run) passes in memory and is reported there.
#[test]
fn a_model_the_streaming_engine_cannot_run_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("later_payment.toml"),
        r#"
id = "my.later_payment"
title = "最早一笔之后的支出"
category = "村级财务"
severity = "low"
description = "测试用。"
datasets = ["village_payments"]

[query]
sql = """
WITH first AS (SELECT MIN(pay_date) AS first_day FROM village_payments)
SELECT p.voucher_no, p.village_code, p.amount, p._src
FROM village_payments p
CROSS JOIN first f
WHERE p.pay_date > f.first_day
"""

[finding]
subject = "voucher_no"
village = "village_code"
amount = "amount"
explain = "支出{amount}元"
"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("later_payment.cases.toml"),
        r#"
[[case]]
name = "第二笔"
expect = [{ subject = "PZ2", amount = 800.0 }]
[case.files]
"village_payments.csv" = """
凭证号,村代码,支付日期,收款方,金额,支付方式
PZ1,411102001001,2024-01-05,张三,1500,现金
PZ2,411102001001,2024-02-05,李四,800,现金
"""
"#,
    )
    .unwrap();
    let model = the_model_in(dir.path());
    let outcomes = run_cases(&model).unwrap().unwrap();
    let problems = &outcomes[0].problems;
    assert!(
        problems.len() == 1 && problems[0].starts_with("在流式引擎上运行未正常结束：失败"),
        "{problems:?}"
    );
}
