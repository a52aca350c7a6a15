//! 村集体收入: the income vouchers of the village accounts — rent received
//! and entered as income, and transfers from the county — with the plants of
//! the models that compare them with the rent receipts.

use super::*;

/// A rent receipt of a lease, read back from the tables drawn by zc.rs.
struct Receipt {
    date: NaiveDate,
    amount: f64,
}

/// A lease as the income models see it.
struct Lease {
    no: String,
    village: String,
    lessee: String,
    asset: String,
    receipts: Vec<Receipt>,
}

fn text(row: &[Cell], i: usize) -> String {
    row[i].text().unwrap_or_default().to_string()
}

/// The leases and their receipts, from the asset_leases and lease_receipts
/// tables still in memory.
fn leases(tables: &Tables) -> Vec<Lease> {
    let mut out: Vec<Lease> = Vec::new();
    let mut index = BTreeMap::new();
    if let Some(t) = tables.get("asset_leases") {
        let (no, village, lessee, asset) = (
            t.col("lease_no"),
            t.col("village_code"),
            t.col("lessee_name"),
            t.col("asset_name"),
        );
        for row in &t.rows {
            index.insert(text(row, no), out.len());
            out.push(Lease {
                no: text(row, no),
                village: text(row, village),
                lessee: text(row, lessee),
                asset: text(row, asset),
                receipts: Vec::new(),
            });
        }
    }
    if let Some(t) = tables.get("lease_receipts") {
        let (no, day, amount) = (t.col("lease_no"), t.col("receipt_date"), t.col("amount"));
        for row in &t.rows {
            let (Some(&i), Cell::Date(date), Cell::Num(amount)) =
                (index.get(&text(row, no)), &row[day], &row[amount])
            else {
                continue;
            };
            out[i].receipts.push(Receipt {
                date: *date,
                amount: *amount,
            });
        }
    }
    out
}

/// How the rent of a lease reaches the accounts.
#[derive(Clone, Copy, PartialEq)]
enum Entry {
    /// One voucher per receipt, with or without the lease number.
    Normal,
    /// Vouchers naming the lessee but no lease number (hard negative).
    ByNameOnly,
    /// Never entered (planted).
    Missing,
    /// The first receipt entered at 60 % (planted).
    Understated,
    /// The first receipt entered as two vouchers (hard negative).
    Split,
}

/// Every rent receipt is entered as income within five days, half of the
/// vouchers with the lease number; the county's transfers come every
/// January and in December 2024.
/// Planted, each with hard negatives one step away: a lease whose rent never
/// reaches the accounts (negative: vouchers without the lease number, found
/// by the lessee's name) and a receipt entered below its amount (negative:
/// entered as two vouchers that add up).
pub(super) fn village_income(b: &mut Builder, tables: &mut Tables) {
    let leases = leases(tables);
    let mut names: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for l in &leases {
        *names.entry((&l.village, &l.lessee)).or_insert(0) += 1;
    }
    // Plants need a lessee of one lease in the village (income is matched
    // by name where the lease number is missing) and receipts well before
    // the end of the ledger.
    let candidates: Vec<usize> = (0..leases.len())
        .filter(|&i| {
            let l = &leases[i];
            names[&(l.village.as_str(), l.lessee.as_str())] == 1
                && l.receipts.len() >= 2
                && l.receipts.iter().all(|r| r.date < date(2024, 10, 1))
        })
        .collect();
    let mut entries = vec![Entry::Normal; leases.len()];
    let cases = [
        Entry::Missing,
        Entry::ByNameOnly,
        Entry::Understated,
        Entry::Split,
    ];
    let mut pool = candidates;
    pool.shuffle(&mut b.rng);
    for (k, i) in pool.into_iter().take(cases.len() * b.plants).enumerate() {
        entries[i] = cases[k % cases.len()];
    }
    let village_index: BTreeMap<String, usize> = b
        .villages
        .iter()
        .enumerate()
        .map(|(v, village)| (village.code.clone(), v))
        .collect();
    let mut ledger = Ledger { seq: 0 };
    for (l, &entry) in leases.iter().zip(&entries) {
        let v = village_index[&l.village];
        match entry {
            Entry::Missing => b.plant("zc.rent_not_entered", &l.no, v),
            Entry::Understated => b.plant("zc.rent_income_understated", &l.no, v),
            _ => {}
        }
        if entry == Entry::Missing {
            continue;
        }
        let summary = format!("收{}租金", l.asset);
        for (n, r) in l.receipts.iter().enumerate() {
            let with_no = entry != Entry::ByNameOnly && b.rng.random_bool(0.5);
            let shares: &[f64] = match (entry, n) {
                (Entry::Understated, 0) => &[0.6],
                (Entry::Split, 0) => &[0.4, 0.6],
                _ => &[1.0],
            };
            for share in shares {
                let v = Voucher {
                    village: &l.village,
                    day: r.date,
                    payer: &l.lessee,
                    amount: r.amount * share,
                    subject: "租赁收入",
                    summary: &summary,
                    lease_no: with_no.then_some(l.no.as_str()),
                };
                ledger.enter(b, tables, v);
            }
        }
    }
    // The ledger runs from 2010 to the end of 2024 in every village.
    for v in 0..b.villages.len() {
        let code = b.villages[v].code.clone();
        let days = (2010..=2024)
            .map(|y| date(y, 1, 2))
            .chain([date(2024, 12, 20)]);
        for day in days {
            let voucher = Voucher {
                village: &code,
                day,
                payer: "示范县财政局",
                amount: b.rng.random_range(20..60) as f64 * 1000.0,
                subject: "上级补助收入",
                summary: "村级组织运转经费",
                lease_no: None,
            };
            ledger.enter(b, tables, voucher);
        }
    }
}

/// One income voucher to enter.
struct Voucher<'a> {
    village: &'a str,
    /// The day the money came in; the voucher follows within five days.
    day: NaiveDate,
    payer: &'a str,
    amount: f64,
    subject: &'a str,
    summary: &'a str,
    lease_no: Option<&'a str>,
}

/// Numbers the vouchers of the county's village accounts.
struct Ledger {
    seq: usize,
}

impl Ledger {
    fn enter(&mut self, b: &mut Builder, tables: &mut Tables, v: Voucher) {
        self.seq += 1;
        let day = v.day + Days::new(b.rng.random_range(0..=5));
        table(tables, "village_income").push(vec![
            (
                "voucher_no",
                format!("SR{}{:05}", &v.village[6..], self.seq).into(),
            ),
            ("village_code", v.village.into()),
            ("voucher_date", day.into()),
            ("payer_name", v.payer.into()),
            ("amount", ((v.amount * 100.0).round() / 100.0).into()),
            ("subject", v.subject.into()),
            ("summary", v.summary.into()),
            ("lease_no", v.lease_no.map(str::to_string).into()),
        ]);
    }
}
