//! Model SQL on other engines: which engines run a query as written, and
//! the rewrites of the parsed query for an engine that spells a construct
//! differently (a small function map over the syntax tree, never string
//! replacement).
//!
//! The library is written in the SQL polars and DuckDB both accept. Spark
//! differs in these places, each rewritten here:
//! - `STRFTIME(d, '%Y-%m')` → `date_format(d, 'yyyy-MM')`;
//! - `STRING_AGG(x, sep ORDER BY k)` → `STRING_AGG(x, sep) WITHIN GROUP (ORDER BY k)`,
//!   and `STRING_AGG(DISTINCT x, sep ORDER BY x)` → `array_join(array_sort(collect_set(x)), sep)`
//!   (Spark 4.3 fails on DISTINCT with WITHIN GROUP);
//! - `CAST(x AS VARCHAR)` → `CAST(x AS STRING)`;
//! - `ROUND(x, n)` → `bround(x * 1en, 0) / 1en`: polars rounds the scaled
//!   double half to even, Spark's ROUND rounds the decimal half up, so
//!   amounts such as 355.475 would differ by a cent.

use std::collections::BTreeSet;
use std::fmt;
use std::ops::ControlFlow;

use serde::Serialize;
use sqlparser::ast::{
    DataType, DuplicateTreatment, Expr, Function, FunctionArg, FunctionArgExpr,
    FunctionArgumentClause, FunctionArguments, Ident, ObjectName, ObjectNamePart, Statement, Value,
    ValueWithSpan, Visit, VisitMut, Visitor, VisitorMut,
};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::{Parser, ParserError};

/// An engine that runs model SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// The built-in engine (polars SQL).
    Polars,
    /// DuckDB, the peer of the benchmarks.
    DuckDb,
    /// Apache Spark SQL (through Spark Connect).
    Spark,
}

impl Engine {
    pub const ALL: [Engine; 3] = [Engine::Polars, Engine::DuckDb, Engine::Spark];
}

impl std::str::FromStr for Engine {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "polars" => Ok(Engine::Polars),
            "duckdb" => Ok(Engine::DuckDb),
            "spark" => Ok(Engine::Spark),
            _ => Err(format!("未知引擎 {s}（可选 polars、duckdb、spark）")),
        }
    }
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Engine::Polars => "polars",
            Engine::DuckDb => "DuckDB",
            Engine::Spark => "Spark",
        })
    }
}

/// Functions every engine runs with the same meaning. A function outside
/// this list and the rewrite map is reported as unchecked.
const COMMON_FUNCTIONS: &[&str] = &[
    "abs",
    "array_agg",
    "avg",
    "ceil",
    "coalesce",
    "concat",
    "count",
    "floor",
    "greatest",
    "least",
    "length",
    "lower",
    "max",
    "median",
    "min",
    "nullif",
    "replace",
    "round",
    "substr",
    "substring",
    "sum",
    "trim",
    "upper",
];

/// How an engine takes one query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum Support {
    /// Runs as written.
    AsIs,
    /// Runs after the listed rewrites.
    Rewritten { rewrites: Vec<String> },
    /// Uses constructs this engine is not known to run.
    Unchecked { constructs: Vec<String> },
}

/// The query rewritten for `engine`, as SQL text. DuckDB takes the
/// library's SQL as it is; polars takes it with its `LIKE`s made faster
/// (see [`like_as_substring_search`]), the same rows.
pub fn to_engine(sql: &str, engine: Engine) -> Result<String, String> {
    let may_rewrite = match engine {
        Engine::DuckDb => false,
        // Most queries have no LIKE: they are not parsed again.
        Engine::Polars => sql.to_ascii_uppercase().contains("LIKE"),
        Engine::Spark => true,
    };
    if !may_rewrite {
        return Ok(sql.to_string());
    }
    let mut statements = parse_sql(sql)?;
    let rewrites = rewrite(&mut statements, engine)?;
    if rewrites.is_empty() {
        return Ok(sql.to_string());
    }
    Ok(statements
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(";\n"))
}

/// The statement that creates a shared view on `engine`. Spark keeps
/// views over session views temporary (a lake is registered as such).
pub fn create_view(name: &str, body: &str, engine: Engine) -> Result<String, String> {
    let kind = if engine == Engine::Spark {
        "TEMP VIEW"
    } else {
        "VIEW"
    };
    let body = to_engine(body.trim(), engine)?;
    Ok(format!("CREATE OR REPLACE {kind} {name} AS\n{body}"))
}

/// How each engine takes the query: as written, after rewrites, or with
/// constructs not known to run there.
pub fn support(sql: &str) -> Result<Vec<(Engine, Support)>, String> {
    let mut statements = parse_sql(sql)?;
    let mut used = FunctionNames::default();
    let _ = statements.visit(&mut used);
    let unknown: Vec<String> = used
        .names
        .iter()
        .filter(|n| !COMMON_FUNCTIONS.contains(&n.as_str()) && !REWRITTEN.contains(&n.as_str()))
        .map(|n| format!("函数 {}", n.to_uppercase()))
        .collect();
    // A construct the rewrite map cannot carry over leaves Spark unchecked.
    let spark = match rewrite(&mut statements, Engine::Spark) {
        Ok(rewrites) if rewrites.is_empty() => Support::AsIs,
        Ok(rewrites) => Support::Rewritten {
            rewrites: rewrites.into_iter().collect(),
        },
        Err(why) => Support::Unchecked {
            constructs: vec![why],
        },
    };
    Ok(Engine::ALL
        .into_iter()
        .map(|engine| {
            // Polars is checked by compiling the query (`models validate`);
            // an unknown function there fails validation, not this report.
            let support = if !unknown.is_empty() && engine != Engine::Polars {
                Support::Unchecked {
                    constructs: unknown.clone(),
                }
            } else if engine == Engine::Spark {
                spark.clone()
            } else {
                Support::AsIs
            };
            (engine, support)
        })
        .collect())
}

/// Functions the rewrite map knows (their other engines run them as written).
const REWRITTEN: &[&str] = &["strftime", "string_agg", "round"];

/// Parse a model's SQL; a failure says where and what in Chinese.
pub(crate) fn parse_sql(sql: &str) -> Result<Vec<Statement>, String> {
    Parser::parse_sql(&GenericDialect {}, sql)
        .map_err(|e| format!("SQL 无法解析：{}", parse_error_in_chinese(&e)))
}

/// sqlparser's message in Chinese where its form is known (`Expected: …,
/// found: …`, an unterminated string), led by its line and column in the SQL.
fn parse_error_in_chinese(e: &ParserError) -> String {
    let text = match e {
        ParserError::TokenizerError(s) | ParserError::ParserError(s) => s.as_str(),
        ParserError::RecursionLimitExceeded => return "嵌套层数过多".to_string(),
    };
    let (what, place) = match text.rsplit_once(" at Line: ").and_then(|(what, at)| {
        let (line, column) = at.split_once(", Column: ")?;
        Some((what, format!("SQL 第 {line} 行第 {column} 列：")))
    }) {
        Some((what, place)) => (what, place),
        None => (text, String::new()),
    };
    let what = match what
        .strip_prefix("Expected: ")
        .and_then(|r| r.rsplit_once(", found: "))
    {
        Some((expected, found)) => {
            let expected = match expected {
                "an SQL statement" => "一条 SQL 语句",
                "end of statement" => "语句结束",
                "an expression" => "表达式",
                "identifier" => "名称",
                other => other,
            };
            let found = if found == "EOF" {
                "SQL 的结尾"
            } else {
                found
            };
            format!("此处应为 {expected}，写的是 {found}")
        }
        None if what == "Unterminated string literal" => "文字缺少结尾的引号".to_string(),
        None => what.to_string(),
    };
    format!("{place}{what}")
}

/// Rewrite parsed statements for `engine`; the rewrites that applied.
fn rewrite(statements: &mut Vec<Statement>, engine: Engine) -> Result<BTreeSet<String>, String> {
    let mut rewrite = Rewrite {
        engine,
        applied: BTreeSet::new(),
    };
    if let ControlFlow::Break(error) = VisitMut::visit(statements, &mut rewrite) {
        return Err(error);
    }
    Ok(rewrite.applied)
}

/// The polars rewrite of one expression: the name of the rewrite that
/// applied, `""` for none.
fn polars_rewrite(expr: &mut Expr) -> Result<&'static str, String> {
    Ok(match like_as_substring_search(expr)? {
        Some(new) => {
            *expr = new;
            "LIKE → REGEXP_LIKE"
        }
        None => "",
    })
}

/// `x LIKE '%text%'` → `REGEXP_LIKE(x, 'text')`, and `'text%'`, `'%text'` →
/// `'^text'`, `'text$'` (the text escaped; `NOT LIKE` likewise). polars runs
/// every `LIKE` with a wildcard as the expression `^(?s).*text.*$`, which its
/// regex engine matches through each value; a bare literal is found with a
/// substring search instead (`mz.benefit_over_standard`, three `LIKE`s over
/// 4.6 M payments at scale 10: 410 → 345 ms alone). The same rows: both are
/// case-sensitive and a null value gives null. `None` for any other
/// expression, and for patterns with `_` or an inner `%`, left to polars.
fn like_as_substring_search(expr: &Expr) -> Result<Option<Expr>, String> {
    let Expr::Like {
        negated,
        any: false,
        expr: value,
        pattern,
        escape_char: None,
    } = expr
    else {
        return Ok(None);
    };
    let Expr::Value(ValueWithSpan {
        value: Value::SingleQuotedString(pattern),
        ..
    }) = pattern.as_ref()
    else {
        return Ok(None);
    };
    let (starts, rest) = match pattern.strip_prefix('%') {
        Some(rest) => (false, rest),
        None => (true, pattern.as_str()),
    };
    let (text, ends) = match rest.strip_suffix('%') {
        Some(text) => (text, false),
        None => (rest, true),
    };
    // An exact match (no wildcard) polars already compares as equality.
    if text.is_empty() || text.contains(['%', '_']) || (starts && ends) {
        return Ok(None);
    }
    let regex = format!(
        "{}{}{}",
        if starts { "^" } else { "" },
        regex::escape(text),
        if ends { "$" } else { "" }
    );
    let not = if *negated { "NOT " } else { "" };
    parse_expr(&format!(
        "({not}REGEXP_LIKE({value}, '{}'))",
        regex.replace('\'', "''")
    ))
    .map(Some)
}

/// Lower-case names of the functions a query calls.
#[derive(Default)]
struct FunctionNames {
    names: BTreeSet<String>,
}

impl Visitor for FunctionNames {
    type Break = ();

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if let Expr::Function(f) = expr {
            self.names.insert(f.name.to_string().to_lowercase());
        }
        ControlFlow::Continue(())
    }
}

/// An engine's rewrites, applied bottom-up, and the names of those that
/// applied.
struct Rewrite {
    engine: Engine,
    applied: BTreeSet<String>,
}

impl VisitorMut for Rewrite {
    type Break = String;

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<String> {
        let outcome = match self.engine {
            Engine::Spark => spark_rewrite(expr),
            Engine::Polars => polars_rewrite(expr),
            Engine::DuckDb => Ok(""),
        };
        match outcome {
            Ok("") => ControlFlow::Continue(()),
            Ok(name) => {
                self.applied.insert(name.to_string());
                ControlFlow::Continue(())
            }
            Err(error) => ControlFlow::Break(error),
        }
    }
}

/// The Spark rewrite of one expression: the name of the rewrite that
/// applied, `""` for none.
fn spark_rewrite(expr: &mut Expr) -> Result<&'static str, String> {
    match expr {
        Expr::Function(f) => match f.name.to_string().to_lowercase().as_str() {
            "strftime" => strftime_to_date_format(f).map(|()| "STRFTIME → date_format"),
            "string_agg" if is_distinct(f) => distinct_string_agg(f).map(|new| {
                *expr = new;
                "STRING_AGG(DISTINCT … ORDER BY …) → array_join(array_sort(collect_set(…)))"
            }),
            "string_agg" if ordered_string_agg(f) => Ok("STRING_AGG(… ORDER BY …) → WITHIN GROUP"),
            "round" => round_half_even(f).map(|new| {
                *expr = new;
                "ROUND → bround（与 polars 同为银行家舍入）"
            }),
            _ => Ok(""),
        },
        Expr::Cast { data_type, .. } if matches!(data_type, DataType::Varchar(None)) => {
            *data_type = DataType::String(None);
            Ok("CAST(… AS VARCHAR) → CAST(… AS STRING)")
        }
        _ => Ok(""),
    }
}

fn is_distinct(f: &Function) -> bool {
    matches!(&f.args, FunctionArguments::List(l) if l.duplicate_treatment == Some(DuplicateTreatment::Distinct))
}

/// The plain arguments of a call, as SQL text.
fn arg_texts(f: &Function) -> Vec<String> {
    match &f.args {
        FunctionArguments::List(list) => list.args.iter().map(ToString::to_string).collect(),
        _ => Vec::new(),
    }
}

fn parse_expr(text: &str) -> Result<Expr, String> {
    Parser::new(&GenericDialect {})
        .try_with_sql(text)
        .and_then(|mut p| p.parse_expr())
        .map_err(|e| format!("改写后的表达式无法解析：{e}"))
}

/// `STRING_AGG(DISTINCT x, sep ORDER BY x)` → `array_join(array_sort(collect_set(x)), sep)`;
/// an order by anything but `x` has no Spark form.
fn distinct_string_agg(f: &Function) -> Result<Expr, String> {
    let FunctionArguments::List(list) = &f.args else {
        return Err("STRING_AGG 缺少参数".to_string());
    };
    let args = arg_texts(f);
    let [value, separator] = args.as_slice() else {
        return Err("STRING_AGG(DISTINCT …) 须有值和分隔符两个参数".to_string());
    };
    let ordered_by_value = list.clauses.iter().all(|c| match c {
        FunctionArgumentClause::OrderBy(order) => {
            order.len() == 1
                && order[0].expr.to_string() == *value
                && order[0].options.asc != Some(false)
        }
        _ => false,
    });
    if !ordered_by_value {
        return Err(format!(
            "STRING_AGG(DISTINCT {value}, …) 只能按 {value} 升序排列，Spark 才能改写"
        ));
    }
    parse_expr(&format!(
        "array_join(array_sort(collect_set({value})), {separator})"
    ))
}

/// `ROUND(x, n)` → `bround(x * 1en, 0) / 1en` (and `ROUND(x)` → `bround(x, 0)`):
/// the same double arithmetic and ties-to-even rounding as polars.
fn round_half_even(f: &Function) -> Result<Expr, String> {
    match arg_texts(f).as_slice() {
        [value] => parse_expr(&format!("bround({value}, 0)")),
        [value, digits] => {
            let n: u32 = digits
                .parse()
                .map_err(|_| format!("ROUND 的小数位须为整数常量，才能改写为 Spark：{digits}"))?;
            parse_expr(&format!("(bround(({value}) * 1e{n}, 0) / 1e{n})"))
        }
        _ => Err("ROUND 须有一或两个参数".to_string()),
    }
}

/// `STRING_AGG(x, sep ORDER BY k)` → `STRING_AGG(x, sep) WITHIN GROUP (ORDER BY k)`;
/// `false` when the call has no ordering to move.
fn ordered_string_agg(f: &mut Function) -> bool {
    let FunctionArguments::List(list) = &mut f.args else {
        return false;
    };
    let mut moved = false;
    list.clauses.retain(|clause| match clause {
        FunctionArgumentClause::OrderBy(order) => {
            f.within_group.extend(order.iter().cloned());
            moved = true;
            false
        }
        _ => true,
    });
    moved
}

/// `STRFTIME(d, '%Y-%m')` → `date_format(d, 'yyyy-MM')`; the format must be a literal.
fn strftime_to_date_format(f: &mut Function) -> Result<(), String> {
    let FunctionArguments::List(list) = &mut f.args else {
        return Err("STRFTIME 缺少参数".to_string());
    };
    let format = match list.args.get_mut(1) {
        Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(v)))) => &mut v.value,
        _ => return Err("STRFTIME 的格式须为字符串常量，才能改写为 Spark 的 date_format".into()),
    };
    let Value::SingleQuotedString(text) = format else {
        return Err("STRFTIME 的格式须为字符串常量，才能改写为 Spark 的 date_format".into());
    };
    *text = java_date_pattern(text)?;
    f.name = ObjectName(vec![ObjectNamePart::Identifier(Ident::new("date_format"))]);
    Ok(())
}

/// A strftime format as a Java date pattern (`%Y-%m` → `yyyy-MM`); other
/// text is quoted so Spark takes it literally.
fn java_date_pattern(strftime: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut literal = String::new();
    let flush = |literal: &mut String, out: &mut String| {
        if !literal.is_empty() {
            if literal.chars().all(|c| "-/:. ,_".contains(c)) {
                out.push_str(literal);
            } else {
                out.push('\'');
                out.push_str(&literal.replace('\'', "''"));
                out.push('\'');
            }
            literal.clear();
        }
    };
    let mut chars = strftime.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            literal.push(c);
            continue;
        }
        let pattern = match chars.next() {
            Some('Y') => "yyyy",
            Some('m') => "MM",
            Some('d') => "dd",
            Some('H') => "HH",
            Some('M') => "mm",
            Some('S') => "ss",
            Some('%') => {
                literal.push('%');
                continue;
            }
            other => {
                return Err(format!(
                    "STRFTIME 格式“{strftime}”含 Spark 无对应的 %{}",
                    other.map(String::from).unwrap_or_default()
                ))
            }
        };
        flush(&mut literal, &mut out);
        out.push_str(pattern);
    }
    flush(&mut literal, &mut out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_that_does_not_parse_says_where_in_chinese() {
        let e = parse_sql("SELEC id_number FROM deaths").unwrap_err();
        assert_eq!(
            e,
            "SQL 无法解析：SQL 第 1 行第 1 列：此处应为 一条 SQL 语句，写的是 SELEC"
        );
        let e = parse_sql("SELECT id_number\nFROM deaths WHERE name = '张三").unwrap_err();
        assert_eq!(e, "SQL 无法解析：SQL 第 2 行第 26 列：文字缺少结尾的引号");
        let e = parse_sql("SELECT id_number FROM deaths WHERE").unwrap_err();
        assert_eq!(e, "SQL 无法解析：此处应为 表达式，写的是 SQL 的结尾");
    }

    fn spark(sql: &str) -> String {
        to_engine(sql, Engine::Spark).unwrap()
    }

    #[test]
    fn strftime_becomes_date_format_with_a_java_pattern() {
        let out = spark("SELECT STRFTIME(MIN(p.period), '%Y-%m') AS first FROM p");
        assert_eq!(
            out,
            "SELECT date_format(MIN(p.period), 'yyyy-MM') AS first FROM p"
        );
        assert_eq!(
            java_date_pattern("%Y年%m月%d日").unwrap(),
            "yyyy'年'MM'月'dd'日'"
        );
        assert_eq!(java_date_pattern("%Y/%m").unwrap(), "yyyy/MM");
        assert!(java_date_pattern("%j").is_err());
        let err = to_engine("SELECT STRFTIME(d, f) FROM t", Engine::Spark).unwrap_err();
        assert!(err.contains("字符串常量"), "{err}");
    }

    #[test]
    fn ordered_string_agg_moves_its_order_to_within_group() {
        let out = spark(
            "SELECT STRING_AGG(contract_no, '、' ORDER BY sign_date) AS names FROM t GROUP BY a",
        );
        assert_eq!(
            out,
            "SELECT STRING_AGG(contract_no, '、') WITHIN GROUP (ORDER BY sign_date) AS names FROM t GROUP BY a"
        );
        // Without an ORDER BY there is nothing to move.
        let plain = "SELECT STRING_AGG(name, '、') AS names FROM t";
        assert_eq!(spark(plain), plain);
    }

    #[test]
    fn distinct_string_agg_becomes_a_sorted_set() {
        let out = spark(
            "SELECT STRING_AGG(DISTINCT name, '、' ORDER BY name) AS names FROM t GROUP BY a",
        );
        assert_eq!(
            out,
            "SELECT array_join(array_sort(collect_set(name)), '、') AS names FROM t GROUP BY a"
        );
        let err = to_engine(
            "SELECT STRING_AGG(DISTINCT name, '、' ORDER BY id) AS names FROM t",
            Engine::Spark,
        )
        .unwrap_err();
        assert!(err.contains("只能按 name 升序"), "{err}");
    }

    #[test]
    fn round_becomes_bround_of_the_scaled_double() {
        let out = spark("SELECT ROUND(SUM(a) * 1.5, 2) AS x, ROUND(b) AS y FROM t");
        assert_eq!(
            out,
            "SELECT (bround((SUM(a) * 1.5) * 1e2, 0) / 1e2) AS x, bround(b, 0) AS y FROM t"
        );
        assert!(to_engine("SELECT ROUND(a, n) AS x FROM t", Engine::Spark).is_err());
    }

    #[test]
    fn casts_to_varchar_become_casts_to_string() {
        let out = spark(
            "SELECT CAST(y + 80 AS VARCHAR) || '年' AS t, CAST(n AS VARCHAR(10)) AS u FROM t",
        );
        assert_eq!(
            out,
            "SELECT CAST(y + 80 AS STRING) || '年' AS t, CAST(n AS VARCHAR(10)) AS u FROM t"
        );
    }

    #[test]
    fn other_engines_take_the_text_as_written() {
        let sql = "SELECT STRFTIME(d, '%Y-%m')  AS m FROM t";
        assert_eq!(to_engine(sql, Engine::Polars).unwrap(), sql);
        assert_eq!(to_engine(sql, Engine::DuckDb).unwrap(), sql);
        // Nothing to rewrite: Spark also gets the text unchanged.
        let plain = "SELECT  a FROM t";
        assert_eq!(to_engine(plain, Engine::Spark).unwrap(), plain);
    }

    #[test]
    fn polars_gets_like_with_wildcards_only_at_the_ends_as_a_substring_search() {
        let sql =
            "SELECT a FROM t WHERE p LIKE '%低保%' AND q NOT LIKE 'x.y%' AND r LIKE '%it''s' \
                   AND s LIKE 'a_b%' AND u LIKE 'exact' AND v LIKE '%a%b%'";
        assert_eq!(
            to_engine(sql, Engine::Polars).unwrap(),
            "SELECT a FROM t WHERE (REGEXP_LIKE(p, '低保')) AND (NOT REGEXP_LIKE(q, '^x\\.y')) \
             AND (REGEXP_LIKE(r, 'it''s$')) AND s LIKE 'a_b%' AND u LIKE 'exact' AND v LIKE '%a%b%'"
        );
        assert_eq!(to_engine(sql, Engine::DuckDb).unwrap(), sql);
        // A query without LIKE goes as written, not parsed and printed again.
        let plain = "SELECT  a FROM t";
        assert_eq!(to_engine(plain, Engine::Polars).unwrap(), plain);
    }

    /// The rewritten `LIKE`s give polars' own rows for every pattern, nulls,
    /// regex characters and quotes included.
    #[test]
    fn rewritten_like_gives_the_rows_polars_like_gives() {
        use polars::prelude::{df, IntoLazy};
        use polars::sql::SQLContext;
        let values = [
            Some("农村低保"),
            Some("低保金"),
            Some("城市低保\n续"),
            None,
            Some("a.b"),
            Some("aXb"),
            Some("it's"),
            Some(""),
        ];
        let mut ctx = SQLContext::new();
        ctx.register("t", df!("v" => values).unwrap().lazy());
        for pattern in [
            "%低保%", "低保%", "%低保", "%a.b%", "%it''s", "a.b%", "%续%", "a_b", "%",
        ] {
            for not in ["", "NOT "] {
                let sql = format!("SELECT v {not}LIKE '{pattern}' AS m FROM t");
                let rewritten = to_engine(&sql, Engine::Polars).unwrap();
                let mut rows = |sql: &str| {
                    let df = ctx.execute(sql).unwrap().collect().unwrap();
                    df.column("m")
                        .unwrap()
                        .bool()
                        .unwrap()
                        .iter()
                        .collect::<Vec<_>>()
                };
                assert_eq!(rows(&rewritten), rows(&sql), "{sql} → {rewritten}");
            }
        }
    }

    #[test]
    fn support_names_rewrites_and_unknown_functions() {
        let s = support("SELECT STRFTIME(d, '%Y-%m') AS m, SUM(x) AS s FROM t GROUP BY 1").unwrap();
        assert_eq!(s[0], (Engine::Polars, Support::AsIs));
        assert_eq!(s[1], (Engine::DuckDb, Support::AsIs));
        assert_eq!(
            s[2],
            (
                Engine::Spark,
                Support::Rewritten {
                    rewrites: vec!["STRFTIME → date_format".to_string()]
                }
            )
        );
        let s = support("SELECT STRFTIME(d, f) AS m FROM t").unwrap();
        assert_eq!(s[1].1, Support::AsIs);
        assert!(
            matches!(&s[2].1, Support::Unchecked { constructs } if constructs[0].contains("字符串常量"))
        );
        let s = support("SELECT REGEXP_MATCHES(a, 'x') AS m FROM t").unwrap();
        assert_eq!(s[0].1, Support::AsIs);
        assert_eq!(
            s[2].1,
            Support::Unchecked {
                constructs: vec!["函数 REGEXP_MATCHES".to_string()]
            }
        );
    }
}
