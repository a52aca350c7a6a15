//! Which columns of which table a query names, with table aliases resolved,
//! so that a column read from one dataset is not taken for a column of the
//! same name in another (`e.end_date` of public_employees is not
//! welfare_jobs.end_date).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::ControlFlow;

use sqlparser::ast::{Expr, TableFactor, Visit, Visitor};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;

/// The column references of a query and the tables behind each qualifier.
#[derive(Debug, Default)]
pub struct ColumnRefs {
    /// Qualifier (alias or table name, lower case) → the tables it names.
    aliases: BTreeMap<String, BTreeSet<String>>,
    /// (qualifier, column), lower case; no qualifier for a bare column.
    refs: Vec<(Option<String>, String)>,
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

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        match expr {
            Expr::Identifier(id) => self.refs.push((None, id.value.to_lowercase())),
            Expr::CompoundIdentifier(parts) if parts.len() >= 2 => {
                let n = parts.len();
                self.refs.push((
                    Some(parts[n - 2].value.to_lowercase()),
                    parts[n - 1].value.to_lowercase(),
                ));
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }
}

impl ColumnRefs {
    /// Parse a query (parameters already substituted); `None` if it does not parse.
    pub fn of(sql: &str) -> Option<Self> {
        let statements = Parser::parse_sql(&GenericDialect {}, sql).ok()?;
        let mut refs = ColumnRefs::default();
        let _ = statements.visit(&mut refs);
        Some(refs)
    }

    /// Whether the query may read `column` of the canonical dataset `table`:
    /// named bare, or through a qualifier naming that table, or through one
    /// that names something else than a canonical dataset (a CTE or view,
    /// which may pass the column on).
    pub fn reads(&self, table: &str, column: &str) -> bool {
        let other_dataset = |t: &str| t != table && xuncha_schema::dataset(t).is_some();
        self.refs.iter().any(|(qualifier, c)| {
            c == column
                && match qualifier {
                    None => true,
                    Some(q) => match self.aliases.get(q) {
                        Some(tables) => tables.iter().any(|t| !other_dataset(t)),
                        None => !other_dataset(q),
                    },
                }
        })
    }
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
    fn bare_columns_and_cte_qualifiers_count_for_every_table() {
        let refs = ColumnRefs::of(
            "WITH d AS (SELECT id_number, death_date FROM deaths) \
             SELECT d.death_date, amount FROM benefit_payments b JOIN d ON d.id_number = b.id_number",
        )
        .unwrap();
        assert!(refs.reads("deaths", "death_date"));
        assert!(refs.reads("benefit_payments", "amount"));
        assert!(ColumnRefs::of("SELECT {broken").is_none());
    }
}
