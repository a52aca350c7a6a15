//! A Spark Connect session against a real server (`XUNCHA_SPARK_REMOTE`;
//! `.ci/run` starts one): rows and types come back as polars frames, and an
//! empty result keeps its columns, so analyzers see the same shape as locally.

use polars::prelude::*;
use xuncha_spark::Session;

fn session() -> Option<Session> {
    match std::env::var("XUNCHA_SPARK_REMOTE") {
        Ok(r) if !r.is_empty() => Some(Session::connect(&r).expect("connects")),
        _ if std::env::var_os("CI").is_some() => panic!("CI 须设置 XUNCHA_SPARK_REMOTE"),
        _ => {
            eprintln!("skipped: set XUNCHA_SPARK_REMOTE=sc://localhost:15002 to run");
            None
        }
    }
}

#[test]
fn rows_and_types_come_back_as_a_polars_frame() {
    let Some(spark) = session() else { return };
    let df = spark
        .sql(
            "SELECT id, CAST(id AS STRING) AS name, id * 1.5D AS amount, \
             DATE '2024-03-05' AS day, array(CAST(id AS STRING), 'x') AS _src \
             FROM range(3) ORDER BY id",
        )
        .unwrap();
    assert_eq!(df.height(), 3);
    assert_eq!(df.column("id").unwrap().dtype(), &DataType::Int64);
    assert_eq!(
        df.column("amount").unwrap().f64().unwrap().get(2),
        Some(3.0)
    );
    assert_eq!(df.column("day").unwrap().dtype(), &DataType::Date);
    assert!(matches!(
        df.column("_src").unwrap().dtype(),
        DataType::List(_)
    ));
    assert_eq!(df.column("name").unwrap().str().unwrap().get(1), Some("1"));
}

#[test]
fn an_empty_result_keeps_its_columns() {
    let Some(spark) = session() else { return };
    let df = spark
        .sql("SELECT 'a' AS village_code, 1.0D AS rate FROM range(1) WHERE 1 = 0")
        .unwrap();
    assert_eq!(df.height(), 0);
    assert_eq!(df.get_column_names(), ["village_code", "rate"]);
}

#[test]
fn a_failing_query_names_the_error() {
    let Some(spark) = session() else { return };
    let err = spark
        .sql("SELECT no_such_column FROM range(1)")
        .unwrap_err();
    assert!(err.contains("UNRESOLVED_COLUMN"), "{err}");
}

/// Spark's decimal literals come back as doubles, as polars types them.
#[test]
fn decimals_come_back_as_doubles() {
    let Some(spark) = session() else { return };
    let df = spark
        .sql("SELECT 1.5 AS r, COUNT(*) * 1.0 AS n FROM range(2)")
        .unwrap();
    assert_eq!(df.dtypes(), [DataType::Float64, DataType::Float64]);
    assert_eq!(df.column("n").unwrap().f64().unwrap().get(0), Some(2.0));
}
