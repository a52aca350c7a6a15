//! Running a model on slices of its data: a model that declares
//! `partition_by` (a key such as `id_number` that its query groups and
//! joins by throughout) gives the same rows when each slice of key values
//! is queried alone and the results are put together, and a slice's
//! group-by state fits in memory where the whole county's may not.

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use polars::prelude::*;
use xuncha_model::Model;

/// Rows of the largest dataset queried at once in one slice.
pub const SLICE_ROWS: usize = 4_000_000;

/// How many slices to run `model` in, given the row count of each dataset:
/// one unless it declares `partition_by` and a dataset it reads holds more
/// than [`SLICE_ROWS`].
pub fn count(model: &Model, rows: &BTreeMap<String, usize>) -> usize {
    if model.spec.query.partition_by.is_none() {
        return 1;
    }
    let largest = model
        .spec
        .datasets
        .iter()
        .filter_map(|d| rows.get(d))
        .max()
        .copied()
        .unwrap_or(0);
    largest.div_ceil(SLICE_ROWS).max(1)
}

/// The frames of `model`'s datasets cut to slice `part` of `parts` by its
/// key; the same key value falls in the same slice in every dataset, and
/// a missing key in slice 0.
pub fn cut(
    model: &Model,
    key: &str,
    part: usize,
    parts: usize,
    frames: &BTreeMap<String, LazyFrame>,
) -> BTreeMap<String, LazyFrame> {
    model
        .spec
        .datasets
        .iter()
        .filter_map(|d| frames.get(d).map(|lf| (d, lf)))
        .map(|(d, lf)| (d.clone(), lf.clone().filter(in_slice(key, part, parts))))
        .collect()
}

/// True where `key`'s value falls in slice `part` of `parts`.
fn in_slice(key: &str, part: usize, parts: usize) -> Expr {
    col(key).cast(DataType::String).map(
        move |c: Column| {
            let values = c.str()?;
            let mask: BooleanChunked = values
                .iter()
                .map(|v| Some(slice_of(v, parts) == part))
                .collect();
            Ok(mask.with_name(c.name().clone()).into_column())
        },
        |_, field| Ok(Field::new(field.name().clone(), DataType::Boolean)),
    )
}

/// The slice a key value falls in; a missing value in slice 0.
fn slice_of(value: Option<&str>, parts: usize) -> usize {
    let Some(value) = value else { return 0 };
    // SipHash with fixed keys: the same slice for the same value all run long.
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    (hasher.finish() % parts as u64) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model over persons, with `partition` in its `[query]`.
    fn model(partition: &str) -> Model {
        let text = format!(
            "id = \"t.m\"\ntitle = \"t\"\ncategory = \"t\"\nseverity = \"low\"\n\
             datasets = [\"persons\"]\n[query]\nsql = \"SELECT id_number FROM persons\"\n\
             {partition}\n[finding]\nsubject = \"id_number\"\nexplain = \"x\"\n"
        );
        Model::parse(std::path::Path::new("t.toml"), &text).unwrap()
    }

    #[test]
    fn every_row_falls_in_one_slice_with_all_rows_of_its_key() {
        let ids = ["a", "b", "c", "d", "e", "f", "g", "h"];
        let column: Vec<Option<&str>> = ids
            .iter()
            .chain(&ids)
            .map(|v| Some(*v))
            .chain([None])
            .collect();
        let df = df!("id_number" => column).unwrap();
        let frames = BTreeMap::from([("persons".to_string(), df.lazy())]);
        let model = model("partition_by = \"id_number\"");
        let mut all = Vec::new();
        let mut nonempty = 0;
        for part in 0..3 {
            let slice = cut(&model, "id_number", part, 3, &frames)["persons"]
                .clone()
                .collect()
                .unwrap();
            let values: Vec<Option<String>> = slice
                .column("id_number")
                .unwrap()
                .str()
                .unwrap()
                .iter()
                .map(|v| v.map(str::to_string))
                .collect();
            for v in values.iter().flatten() {
                assert_eq!(values.iter().flatten().filter(|w| *w == v).count(), 2);
            }
            nonempty += usize::from(!values.is_empty());
            all.extend(values);
        }
        assert!(nonempty > 1, "eight keys all fell in one slice");
        all.sort();
        let mut expected: Vec<Option<String>> = ids
            .iter()
            .chain(&ids)
            .map(|v| Some(v.to_string()))
            .chain([None])
            .collect();
        expected.sort();
        assert_eq!(all, expected);
    }

    #[test]
    fn slices_only_a_partitioned_model_over_a_large_dataset() {
        let sliced = model("partition_by = \"id_number\"");
        let whole = model("");
        let rows = |n| BTreeMap::from([("persons".to_string(), n)]);
        assert_eq!(count(&sliced, &rows(SLICE_ROWS)), 1);
        assert_eq!(count(&sliced, &rows(SLICE_ROWS * 2 + 1)), 3);
        assert_eq!(count(&whole, &rows(SLICE_ROWS * 10)), 1);
    }
}
