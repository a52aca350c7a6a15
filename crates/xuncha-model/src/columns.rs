//! Which columns of which table a query names, with table aliases resolved,
//! so that a column read from one dataset is not taken for a column of the
//! same name in another (`e.end_date` of public_employees is not
//! welfare_jobs.end_date), and from them which frame columns a batch of
//! models reads, so that a run loads only those.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::ControlFlow;

use sqlparser::ast::{
    Expr, JoinConstraint, JoinOperator, ObjectName, Select, SelectItem,
    SelectItemQualifiedWildcardKind, TableFactor, Visit, Visitor,
};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;

use crate::Model;

/// The column references of a query and the tables behind each qualifier.
#[derive(Debug, Default)]
pub struct ColumnRefs {
    /// Qualifier (alias or table name, lower case) → the tables it names.
    aliases: BTreeMap<String, BTreeSet<String>>,
    /// (where the column is taken from, column), lower case.
    refs: Vec<(From, String)>,
    /// Qualifiers of `t.*`, lower case; `None` for a bare `*` or a NATURAL join.
    wildcards: Vec<Option<String>>,
    /// The tables in the FROM of each SELECT being visited, innermost last.
    scopes: Vec<BTreeSet<String>>,
}

/// Where a column reference takes its column from.
#[derive(Debug)]
enum From {
    /// `q.column`: the tables the qualifier names.
    Qualifier(String),
    /// A bare column: one of the tables in its SELECT's FROM (lower case).
    Scope(BTreeSet<String>),
    /// A bare column outside any SELECT (a query's ORDER BY): any table.
    Anywhere,
}

impl Visitor for ColumnRefs {
    type Break = ();

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
        if let TableFactor::Table { name, alias, .. } = factor {
            let table = name.to_string().to_lowercase();
            let key = alias
                .as_ref()
                .map_or_else(|| table.clone(), |a| a.name.value.to_lowercase());
            self.aliases.entry(key).or_default().insert(table);
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_select(&mut self, select: &Select) -> ControlFlow<()> {
        let tables = (select.from.iter())
            .flat_map(|f| std::iter::once(&f.relation).chain(f.joins.iter().map(|j| &j.relation)))
            .filter_map(|factor| match factor {
                TableFactor::Table { name, .. } => Some(name.to_string().to_lowercase()),
                _ => None,
            })
            .collect();
        self.scopes.push(tables);
        for item in &select.projection {
            match item {
                SelectItem::Wildcard(_) => self.wildcards.push(None),
                SelectItem::QualifiedWildcard(
                    SelectItemQualifiedWildcardKind::ObjectName(n),
                    _,
                ) => {
                    let last = n.0.last().map(|p| p.to_string().to_lowercase());
                    self.wildcards.push(last);
                }
                _ => {}
            }
        }
        for join in select.from.iter().flat_map(|f| &f.joins) {
            match join_constraint(&join.join_operator) {
                Some(JoinConstraint::Using(names)) => {
                    for c in names.iter().filter_map(last_part) {
                        self.refs.push((self.bare(), c));
                    }
                }
                Some(JoinConstraint::Natural) => self.wildcards.push(None),
                _ => {}
            }
        }
        ControlFlow::Continue(())
    }

    fn post_visit_select(&mut self, _select: &Select) -> ControlFlow<()> {
        self.scopes.pop();
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        match expr {
            Expr::Identifier(id) => self.refs.push((self.bare(), id.value.to_lowercase())),
            Expr::CompoundIdentifier(parts) if parts.len() >= 2 => {
                let n = parts.len();
                self.refs.push((
                    From::Qualifier(parts[n - 2].value.to_lowercase()),
                    parts[n - 1].value.to_lowercase(),
                ));
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }
}

/// The last part of a name, lower case (`t.c` → `c`).
fn last_part(name: &ObjectName) -> Option<String> {
    name.0.last().map(|p| p.to_string().to_lowercase())
}

/// The ON / USING / NATURAL part of a join, for the joins that have one.
fn join_constraint(op: &JoinOperator) -> Option<&JoinConstraint> {
    use JoinOperator::*;
    match op {
        Join(c) | Inner(c) | Left(c) | LeftOuter(c) | Right(c) | RightOuter(c) | FullOuter(c)
        | CrossJoin(c) | Semi(c) | LeftSemi(c) | RightSemi(c) | Anti(c) | LeftAnti(c)
        | RightAnti(c) => Some(c),
        _ => None,
    }
}

impl ColumnRefs {
    /// Where a bare column met now is taken from.
    fn bare(&self) -> From {
        self.scopes
            .last()
            .map_or(From::Anywhere, |tables| From::Scope(tables.clone()))
    }

    /// Parse a query (parameters already substituted); `None` if it does not parse.
    pub fn of(sql: &str) -> Option<Self> {
        let statements = Parser::parse_sql(&GenericDialect {}, sql).ok()?;
        let mut refs = ColumnRefs::default();
        let _ = statements.visit(&mut refs);
        Some(refs)
    }

    /// Whether the query may read `column` of the canonical dataset `table`:
    /// through a qualifier naming that table, or bare in a SELECT whose FROM
    /// holds it (or outside any SELECT). A column taken from a CTE, view or
    /// subquery is read from the table where that query names it, or passes
    /// it on with a `*` ([`Self::reads_all`]): `MIN(scheme)` over a CTE
    /// computing `MIN(e.scheme) AS scheme` reads the scheme of `e` alone.
    pub fn reads(&self, table: &str, column: &str) -> bool {
        self.refs.iter().any(|(from, c)| {
            c == column
                && match from {
                    From::Anywhere => true,
                    From::Scope(tables) => tables.contains(table),
                    From::Qualifier(q) => match self.aliases.get(q) {
                        Some(tables) => tables.contains(table),
                        None => q == table,
                    },
                }
        })
    }

    /// Whether the query may read every column of `table`, which it names: a
    /// `*` over it, or over a CTE or subquery (which may pass all of it on).
    pub fn reads_all(&self, table: &str) -> bool {
        let named = self.aliases.values().any(|tables| tables.contains(table));
        let over_table = |q: &String| match self.aliases.get(q) {
            Some(tables) => tables
                .iter()
                .any(|t| t == table || xuncha_schema::dataset(t).is_none()),
            None => q == table || xuncha_schema::dataset(q).is_none(),
        };
        named
            && self
                .wildcards
                .iter()
                .any(|w| w.as_ref().is_none_or(over_table))
    }
}

/// What a model (its SQL, its views' SQL and its parameters) reads of its
/// datasets.
pub struct ModelReads {
    /// Each parsed query; `None` when one does not parse.
    parsed: Option<Vec<ColumnRefs>>,
    /// Identifiers in the parameter values, and in the SQL if it does not parse.
    names: BTreeSet<String>,
}

impl ModelReads {
    /// Parse a model's queries (with its default parameters).
    pub fn of(model: &Model) -> Self {
        let day = chrono::NaiveDate::default();
        let mut queries = vec![model.sql(&model.spec.params, day).ok()];
        queries.extend(model.views.iter().map(|v| v.sql(day).ok()));
        let parsed: Option<Vec<ColumnRefs>> = queries
            .iter()
            .map(|q| q.as_deref().and_then(ColumnRefs::of))
            .collect();
        let mut text = String::new();
        if parsed.is_none() {
            text.push_str(model.spec.query.sql.as_deref().unwrap_or_default());
            for view in &model.views {
                text.push(' ');
                text.push_str(&view.spec.sql);
            }
        }
        for value in model.spec.params.values() {
            text.push(' ');
            text.push_str(&value.to_string());
        }
        let names = text
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect();
        ModelReads { parsed, names }
    }

    /// Whether the model names `column` (a frame column: canonical,
    /// `_valid`, `_raw` or `_src`) of `dataset`.
    pub fn names(&self, dataset: &str, column: &str) -> bool {
        self.names.contains(column)
            || self
                .parsed
                .as_ref()
                .is_some_and(|qs| qs.iter().any(|q| q.reads(dataset, column)))
    }

    /// Whether the model may read every column of `dataset` (a `*`, or SQL
    /// that does not parse).
    pub fn reads_all(&self, dataset: &str) -> bool {
        self.parsed
            .as_ref()
            .is_none_or(|qs| qs.iter().any(|q| q.reads_all(dataset)))
    }
}

/// The frame columns of each dataset that a batch of models may read: the
/// canonical columns they name (with `_valid` / `_raw` when named), `_src`
/// when named, or every column when one reads the dataset through a `*`.
/// A canonical column is kept when only its `_valid` or `_raw` is named,
/// so that a column that the data lacks is still told apart from one not read.
pub fn frame_columns<'m>(
    models: impl IntoIterator<Item = &'m Model>,
) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for model in models {
        let reads = ModelReads::of(model);
        let datasets = model
            .spec
            .datasets
            .iter()
            .chain(model.views.iter().flat_map(|v| &v.spec.datasets));
        for name in datasets {
            let Some(spec) = xuncha_schema::dataset(name) else {
                continue;
            };
            let keep = out.entry(name.clone()).or_default();
            let schema = spec.schema();
            if reads.reads_all(name) {
                keep.extend(schema.iter_names().map(|n| n.to_string()));
                continue;
            }
            for c in spec.columns {
                let derived = [format!("{}_valid", c.name), format!("{}_raw", c.name)];
                let named: Vec<&String> = derived
                    .iter()
                    .filter(|d| schema.contains(d) && reads.names(name, d))
                    .collect();
                if !named.is_empty() || reads.names(name, c.name) {
                    keep.insert(c.name.to_string());
                    keep.extend(named.into_iter().cloned());
                }
            }
            if reads.names(name, xuncha_schema::SOURCE_COLUMN) {
                keep.insert(xuncha_schema::SOURCE_COLUMN.to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_qualified_column_belongs_to_its_alias_table() {
        let refs = ColumnRefs::of(
            "SELECT w.id_number, e.employer FROM welfare_jobs w \
             JOIN public_employees e ON e.id_number = w.id_number WHERE e.end_date IS NULL",
        )
        .unwrap();
        assert!(refs.reads("public_employees", "end_date"));
        assert!(!refs.reads("welfare_jobs", "end_date"));
        assert!(refs.reads("welfare_jobs", "id_number"));
        assert!(refs.reads("public_employees", "id_number"));
    }

    #[test]
    fn bare_columns_belong_to_their_from_and_cte_columns_to_the_cte_query() {
        let refs = ColumnRefs::of(
            "WITH d AS (SELECT id_number, death_date FROM deaths) \
             SELECT d.death_date, amount FROM benefit_payments b JOIN d ON d.id_number = b.id_number",
        )
        .unwrap();
        assert!(refs.reads("deaths", "death_date"));
        assert!(refs.reads("benefit_payments", "amount"));
        assert!(!refs.reads("deaths", "amount"));
        assert!(!refs.reads("benefit_payments", "death_date"));
        // Renamed in the CTE: the outer bare `scheme` is the CTE's.
        let refs = ColumnRefs::of(
            "WITH o AS (SELECT p.id_number, MIN(e.scheme) AS scheme FROM pension_payments p \
             JOIN employee_pensions e ON e.id_number = p.id_number GROUP BY p.id_number) \
             SELECT id_number, MIN(scheme) AS scheme FROM o GROUP BY id_number",
        )
        .unwrap();
        assert!(refs.reads("employee_pensions", "scheme"));
        assert!(!refs.reads("pension_payments", "scheme"));
        // A scalar subquery has its own FROM; a query's ORDER BY any table's.
        let refs = ColumnRefs::of(
            "SELECT id_number, (SELECT MAX(death_date) FROM deaths) AS last \
             FROM residents ORDER BY household_no",
        )
        .unwrap();
        assert!(refs.reads("deaths", "death_date"));
        assert!(!refs.reads("residents", "death_date"));
        assert!(refs.reads("residents", "id_number"));
        assert!(refs.reads("deaths", "household_no"));
        assert!(ColumnRefs::of("SELECT {broken").is_none());
    }

    #[test]
    fn wildcards_and_using_columns_are_reads() {
        let refs =
            ColumnRefs::of("SELECT d.*, x FROM deaths d JOIN residents r USING (household_no)")
                .unwrap();
        assert!(refs.reads_all("deaths"));
        assert!(!refs.reads_all("residents"));
        assert!(refs.reads("residents", "household_no"));
        // A bare `*` anywhere may pass on every table of the query.
        let refs = ColumnRefs::of(
            "WITH s AS (SELECT * FROM relief_households) SELECT r.id_number FROM residents r",
        )
        .unwrap();
        assert!(refs.reads_all("relief_households"));
        assert!(refs.reads_all("residents"));
        let refs = ColumnRefs::of("SELECT m.* FROM (SELECT id_number FROM deaths) m").unwrap();
        assert!(refs.reads_all("deaths"));
        let refs = ColumnRefs::of("SELECT d.id_number FROM deaths d").unwrap();
        assert!(!refs.reads_all("deaths"));
        // A `*` over a view is the view's query's business.
        let refs = ColumnRefs::of("SELECT * FROM relief_people").unwrap();
        assert!(!refs.reads_all("relief_households"));
    }

    fn model(datasets: &str, sql: &str) -> Model {
        let text = format!(
            "id = \"t.m\"\ntitle = \"t\"\ncategory = \"民政\"\nseverity = \"low\"\n\
             description = \"d\"\nbasis = \"b\"\ndatasets = [{datasets}]\n\
             [query]\nsql = \"\"\"{sql}\"\"\"\n[finding]\nsubject = \"id_number\"\nexplain = \"x\"\n"
        );
        Model::parse(std::path::Path::new("t.toml"), &text).unwrap()
    }

    #[test]
    fn a_batch_keeps_the_columns_its_models_name() {
        let a = model(
            "\"benefit_payments\", \"deaths\"",
            "SELECT p.id_number, p.amount, p._src FROM benefit_payments p \
             JOIN deaths d ON d.id_number = p.id_number WHERE p.id_number_valid",
        );
        let b = model("\"deaths\"", "SELECT * FROM deaths");
        let one = frame_columns([&a]);
        let names = |d: &str| one[d].iter().map(String::as_str).collect::<Vec<_>>();
        assert_eq!(
            names("benefit_payments"),
            ["_src", "amount", "id_number", "id_number_valid"]
        );
        // Only what is named through the deaths alias: not `p._src`.
        assert_eq!(names("deaths"), ["id_number"]);
        let both = frame_columns([&a, &b]);
        let all = xuncha_schema::dataset("deaths").unwrap().schema().len();
        assert_eq!(both["deaths"].len(), all);
    }
}
