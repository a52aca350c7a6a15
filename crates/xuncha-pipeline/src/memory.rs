//! Whether a lake fits in the memory this process may use: the datasets a
//! run would load, estimated from their row counts and column types, against
//! the memory available (the machine's, or less under a cgroup limit such as
//! `systemd-run -p MemoryMax=6G`, or `XUNCHA_MEMORY_LIMIT`). A run that
//! would not fit scans the lake with the streaming engine instead of being
//! killed part way.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use polars::prelude::DataType;
use xuncha_ingest::Wanted;

/// Working memory of a batch beyond its datasets, as a share of them
/// (measured: scale 10 peaked at ≈ 1.45× the datasets it loads, by this
/// estimate of them; ≈ 0.9× since source tokens and loading lakes without
/// allocator decay, so the estimate errs towards streaming).
const WORKING: f64 = 1.5;

/// Bytes a loaded dataset row needs for its wanted columns.
fn row_bytes(spec: &xuncha_schema::DatasetSpec, wanted: &Wanted) -> u64 {
    let keep = wanted.columns_of(spec);
    spec.schema()
        .iter()
        .filter(|(name, _)| keep.as_ref().is_none_or(|k| k.contains(*name)))
        .map(|(_, dtype)| match dtype {
            // A 16-byte view, and text past 12 bytes in a buffer beside it.
            DataType::String => 32,
            DataType::Boolean => 1,
            DataType::Date => 4,
            _ => 8,
        })
        .sum()
}

/// Memory a run loading `wanted` from a lake of `rows` would peak at.
pub fn needed(rows: &BTreeMap<String, usize>, wanted: &Wanted) -> u64 {
    let data: u64 = rows
        .iter()
        .filter(|(d, _)| wanted.datasets.contains(*d))
        .filter_map(|(d, n)| {
            xuncha_schema::dataset(d).map(|spec| *n as u64 * row_bytes(spec, wanted))
        })
        .sum();
    (data as f64 * WORKING) as u64
}

/// Memory this process may still use, if known: `XUNCHA_MEMORY_LIMIT`
/// (bytes, or with a K/M/G suffix) when set, else the smaller of the
/// machine's available memory and what its cgroup limit leaves.
pub fn available() -> Option<u64> {
    if let Ok(limit) = std::env::var("XUNCHA_MEMORY_LIMIT") {
        return parse_size(&limit);
    }
    let machine = meminfo_available();
    let group = cgroup_left();
    match (machine, group) {
        (Some(m), Some(g)) => Some(m.min(g)),
        (m, g) => m.or(g),
    }
}

/// `6G`, `512M`, `1048576`: a size in bytes.
fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => text.split_at(i),
        None => (text, ""),
    };
    let scale: u64 = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" => 1 << 10,
        "M" | "MB" => 1 << 20,
        "G" | "GB" => 1 << 30,
        _ => return None,
    };
    number.parse::<u64>().ok().map(|n| n * scale)
}

fn meminfo_available() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The memory cgroup's limit less its usage (cgroup v2, or v1's memory
/// controller); `None` without a limit.
fn cgroup_left() -> Option<u64> {
    let groups = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let read =
        |path: PathBuf| -> Option<u64> { std::fs::read_to_string(path).ok()?.trim().parse().ok() };
    for line in groups.lines() {
        let mut parts = line.splitn(3, ':');
        let (_, controllers, path) = (parts.next()?, parts.next()?, parts.next()?);
        let path = path.trim_start_matches('/');
        let (limit, usage) = if controllers.is_empty() {
            let dir = Path::new("/sys/fs/cgroup").join(path);
            (
                read(dir.join("memory.max")),
                read(dir.join("memory.current")),
            )
        } else if controllers.split(',').any(|c| c == "memory") {
            let dir = Path::new("/sys/fs/cgroup/memory").join(path);
            (
                read(dir.join("memory.limit_in_bytes")),
                read(dir.join("memory.usage_in_bytes")),
            )
        } else {
            continue;
        };
        // "max" (v2) does not parse; v1 says "no limit" with a huge number.
        if let Some(limit) = limit.filter(|l| *l < 1 << 60) {
            return Some(limit.saturating_sub(usage.unwrap_or(0)));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_with_their_units() {
        assert_eq!(parse_size("6G"), Some(6 << 30));
        assert_eq!(parse_size("512M"), Some(512 << 20));
        assert_eq!(parse_size("1048576"), Some(1 << 20));
        assert_eq!(parse_size("6 GB"), Some(6 << 30));
        assert_eq!(parse_size("lots"), None);
    }

    #[test]
    fn only_wanted_datasets_and_columns_count() {
        let rows = BTreeMap::from([
            ("deaths".to_string(), 1_000_000),
            ("residents".to_string(), 5_000_000),
        ]);
        let deaths = Wanted {
            datasets: ["deaths".to_string()].into(),
            columns: BTreeMap::new(),
        };
        let narrow = Wanted {
            datasets: ["deaths".to_string()].into(),
            columns: BTreeMap::from([("deaths".to_string(), ["id_number".to_string()].into())]),
        };
        let all = needed(&rows, &deaths);
        assert!(all > 0);
        // One string column of a million rows, with the working share.
        assert_eq!(needed(&rows, &narrow), (32_000_000_f64 * WORKING) as u64);
        assert!(needed(&rows, &narrow) < all);
    }
}
