//! 村级财务: village contracts and payment vouchers (split contracts,
//! cadre and villager contracts, daily spending with Benford digits), with
//! the plants of the 村级财务 models.

use super::*;

pub(super) fn village_finance(b: &mut Builder, businesses: &[Business], tables: &mut Tables) {
    let mut contracts = Vec::new();
    for v in 0..b.villages.len() {
        let mut firms: Vec<usize> = (0..businesses.len()).collect();
        firms.shuffle(&mut b.rng);
        for (seq, &firm) in firms.iter().take(b.rng.random_range(2..=5)).enumerate() {
            let amount = b.rng.random_range(200..4000) as f64 * 100.0;
            let signed = b.random_date(date(2024, 1, 10), date(2024, 10, 31));
            const PROJECTS: &[&str] = &[
                "村道硬化",
                "路灯安装",
                "水渠清淤",
                "党群服务中心维修",
                "饮水管网改造",
                "文化广场建设",
                "排水沟修缮",
            ];
            let contract = Contract {
                no: format!("HT{}{:03}", &b.villages[v].code[6..], seq + 1),
                village: v,
                project: PROJECTS.choose(&mut b.rng).expect("non-empty"),
                party: (businesses[firm].name.clone(), businesses[firm].code.clone()),
                amount,
                signed,
            };
            push_contract(b, tables, &contract);
            let no = contract.no;
            contracts.push((v, no, firm, amount, signed));
        }
    }
    // Which contracts carry a planted case or a hard negative.
    let mut kind: BTreeMap<usize, &str> = BTreeMap::new();
    let mut order: Vec<usize> = (0..contracts.len()).collect();
    order.shuffle(&mut b.rng);
    let labels = ["exceeds", "exactly_paid", "before", "same_day", "personal"];
    for (i, &c) in order.iter().enumerate().take(labels.len() * b.plants) {
        kind.insert(c, labels[i % labels.len()]);
    }
    let mut vouchers: BTreeMap<usize, usize> = BTreeMap::new();
    for (c, (v, no, firm, amount, signed)) in contracts.iter().enumerate() {
        let parts = b.rng.random_range(1..=3);
        let fraction = match kind.get(&c) {
            Some(&"exceeds") => 1.0 + b.rng.random_range(5..20) as f64 / 100.0,
            Some(&"exactly_paid") => 1.0,
            _ if b.rng.random_bool(0.5) => 1.0,
            _ => 0.7,
        };
        let total = (amount * fraction * 100.0).round() / 100.0;
        let mut paid = 0.0;
        let mut day = *signed;
        for part in 0..parts {
            let value = if part + 1 == parts {
                ((total - paid) * 100.0).round() / 100.0
            } else {
                (total / parts as f64).round()
            };
            paid += value;
            let pay_date = match (part, kind.get(&c)) {
                (0, Some(&"before")) => *signed - Days::new(b.rng.random_range(1..=20)),
                (0, Some(&"same_day")) => *signed,
                (0, _) => *signed + Days::new(b.rng.random_range(1..30)),
                _ => day + Days::new(b.rng.random_range(15..60)),
            };
            day = pay_date.max(day);
            let voucher = b.next_voucher(&mut vouchers, *v);
            if part == 0 && kind.get(&c) == Some(&"before") {
                b.plant("cw.payment_before_contract", &voucher, *v);
            }
            // A project payment to the legal representative's own account.
            let personal = part == 0 && kind.get(&c) == Some(&"personal");
            let (payee, code, account) = if personal {
                b.plant("cw.personal_account_project_payment", &voucher, *v);
                let rep = businesses[*firm].rep;
                (b.people[rep].name.clone(), None, format!("6217{rep:012}"))
            } else {
                let business = &businesses[*firm];
                (
                    business.name.clone(),
                    Some(business.code.clone()),
                    format!("4100{:012}", firm),
                )
            };
            table(tables, "village_payments").push(vec![
                ("voucher_no", voucher.as_str().into()),
                ("village_code", b.villages[*v].code.as_str().into()),
                ("pay_date", pay_date.into()),
                ("payee_name", payee.into()),
                ("payee_code", code.into()),
                ("payee_account", account.into()),
                ("amount", value.into()),
                ("method", "转账".into()),
                ("contract_no", no.as_str().into()),
                ("summary", format!("{no}工程款").into()),
                ("subject", "在建工程".into()),
            ]);
        }
        if kind.get(&c) == Some(&"exceeds") {
            b.plant("cw.payment_exceeds_contract", no, *v);
        }
    }
    let mut extra_no: BTreeMap<usize, usize> = BTreeMap::new();
    split_contracts(b, businesses, &mut contracts, &mut extra_no, tables);
    cadre_contracts(b, &mut extra_no, tables);
    villager_contracts(b, &mut extra_no, &mut vouchers, tables);
    // Cash above the limit (planted) and exactly at it (hard negative);
    // a business paid without a contract in the village (planted) and one
    // paid just under the threshold (hard negative).
    let contracted: BTreeMap<usize, Vec<usize>> =
        contracts.iter().fold(BTreeMap::new(), |mut m, c| {
            m.entry(c.0).or_insert_with(Vec::new).push(c.2);
            m
        });
    for k in 0..4 * b.plants {
        let v = b.rng.random_range(0..b.villages.len());
        let voucher = b.next_voucher(&mut vouchers, v);
        let pay_date = b.random_date(date(2024, 1, 1), date(2024, 12, 20));
        let mut row = vec![
            ("voucher_no", voucher.as_str().into()),
            ("village_code", b.villages[v].code.as_str().into()),
            ("pay_date", pay_date.into()),
            ("subject", "管理费用".into()),
        ];
        match k % 4 {
            0 | 1 => {
                let amount = if k % 4 == 0 {
                    b.rng.random_range(12..50) as f64 * 100.0
                } else {
                    1000.0
                };
                row.extend([
                    ("payee_name", names::person(&mut b.rng).into()),
                    ("amount", amount.into()),
                    ("method", "现金".into()),
                    ("summary", "临时用工工资".into()),
                ]);
                if k % 4 == 0 {
                    b.plant("cw.large_cash", &voucher, v);
                }
            }
            _ => {
                let taken = contracted.get(&v).cloned().unwrap_or_default();
                let free: Vec<usize> = (0..businesses.len())
                    .filter(|f| !taken.contains(f))
                    .collect();
                let Some(&firm) = free.choose(&mut b.rng) else {
                    continue;
                };
                let amount = if k % 4 == 2 {
                    b.rng.random_range(100..900) as f64 * 100.0
                } else {
                    9_999.0
                };
                row.extend([
                    ("payee_name", businesses[firm].name.as_str().into()),
                    ("payee_code", businesses[firm].code.as_str().into()),
                    ("amount", amount.into()),
                    ("method", "转账".into()),
                    ("summary", "材料采购".into()),
                ]);
                if k % 4 == 2 {
                    b.plant("cw.payment_without_contract", &voucher, v);
                }
            }
        }
        table(tables, "village_payments").push(row);
    }
    // The same payee and amount paid twice: within the window (planted)
    // and eight days apart (hard negative).
    for k in 0..2 * b.plants {
        let v = b.rng.random_range(0..b.villages.len());
        let payee = names::person(&mut b.rng) + "运输队";
        let amount = b.rng.random_range(20..90) as f64 * 100.0 + 55.0;
        let first = b.random_date(date(2024, 1, 1), date(2024, 11, 30));
        let gap = if k % 2 == 0 {
            b.rng.random_range(1..=7)
        } else {
            8
        };
        for day in [first, first + Days::new(gap)] {
            let voucher = b.next_voucher(&mut vouchers, v);
            if day != first && k % 2 == 0 {
                b.plant("cw.duplicate_voucher", &voucher, v);
            }
            table(tables, "village_payments").push(vec![
                ("voucher_no", voucher.as_str().into()),
                ("village_code", b.villages[v].code.as_str().into()),
                ("pay_date", day.into()),
                ("payee_name", payee.as_str().into()),
                ("amount", amount.into()),
                ("method", "转账".into()),
                ("summary", "运输费".into()),
                ("subject", "管理费用".into()),
            ]);
        }
    }
    daily_spending(b, &mut vouchers, tables);
}

/// A village contract: number, village, counterparty name and code,
/// amount and signing day.
pub(super) struct Contract<'a> {
    pub(super) no: String,
    pub(super) village: usize,
    pub(super) project: &'a str,
    pub(super) party: (String, String),
    pub(super) amount: f64,
    pub(super) signed: NaiveDate,
}

impl Builder {
    /// The next voucher number of a village.
    pub(super) fn next_voucher(&self, vouchers: &mut BTreeMap<usize, usize>, v: usize) -> String {
        let seq = vouchers.entry(v).or_insert(0);
        *seq += 1;
        format!("PZ{}{:04}", &self.villages[v].code[6..], seq)
    }

    /// The next extra contract number of a village (after its regular ones).
    pub(super) fn extra_contract_no(
        &self,
        extra_no: &mut BTreeMap<usize, usize>,
        v: usize,
    ) -> String {
        let seq = extra_no.entry(v).or_insert(100);
        *seq += 1;
        format!("HT{}{:03}", &self.villages[v].code[6..], seq)
    }
}

pub(super) fn push_contract(b: &Builder, tables: &mut Tables, c: &Contract) {
    let method = if c.amount >= 50_000.0 {
        "公开招标"
    } else {
        "询价"
    };
    table(tables, "village_contracts").push(vec![
        ("contract_no", c.no.as_str().into()),
        ("village_code", b.villages[c.village].code.as_str().into()),
        ("project_name", c.project.into()),
        ("counterparty_name", c.party.0.as_str().into()),
        ("counterparty_code", c.party.1.as_str().into()),
        ("amount", c.amount.into()),
        ("sign_date", c.signed.into()),
        ("procurement_method", method.into()),
    ]);
}

/// Contracts split below the tender threshold: two or three with one
/// business within 60 days, each under 50,000 and together above (planted);
/// two 100 days apart, or two together under the threshold (hard negatives).
pub(super) fn split_contracts(
    b: &mut Builder,
    businesses: &[Business],
    contracts: &mut Vec<(usize, String, usize, f64, NaiveDate)>,
    extra_no: &mut BTreeMap<usize, usize>,
    tables: &mut Tables,
) {
    // Each business is split with at most once, so its credit code names one case.
    let mut split: HashSet<usize> = HashSet::new();
    let firms: Vec<usize> = (0..businesses.len()).collect();
    for k in 0..3 * b.plants {
        let v = b.rng.random_range(0..b.villages.len());
        let taken: HashSet<usize> = contracts.iter().filter(|c| c.0 == v).map(|c| c.2).collect();
        let Some(&firm) = b.pick(&firms, |_, f| !taken.contains(f) && !split.contains(f)) else {
            continue;
        };
        split.insert(firm);
        let first = b.random_date(date(2024, 1, 10), date(2024, 6, 30));
        let parts: Vec<(u64, f64)> = match k % 3 {
            0 => (0..b.rng.random_range(2..=3))
                .map(|i| (i * 25, b.rng.random_range(260..450) as f64 * 100.0))
                .collect(),
            1 => vec![(0, 30_000.0), (100, 32_000.0)],
            _ => vec![(0, 20_000.0), (20, 25_000.0)],
        };
        let business = &businesses[firm];
        let party = (business.name.clone(), business.code.clone());
        for (days, amount) in parts {
            let c = Contract {
                no: b.extra_contract_no(extra_no, v),
                village: v,
                project: "村道维修",
                party: party.clone(),
                amount,
                signed: first + Days::new(days),
            };
            push_contract(b, tables, &c);
            contracts.push((v, c.no, firm, amount, c.signed));
        }
        if k % 3 == 0 {
            b.plant("cw.contract_splitting", &party.1, v);
        }
    }
}

/// Contracts with a standing cadre's relatives: a business led by someone
/// of the cadre's household, or that household member in person (planted);
/// a business led by a cadre's relative in another village (hard
/// negative).
pub(super) fn cadre_contracts(
    b: &mut Builder,
    extra_no: &mut BTreeMap<usize, usize>,
    tables: &mut Tables,
) {
    for k in 0..3 * b.plants {
        let Some((_, own, relative)) = b.pick_cadre_household(false) else {
            break;
        };
        let party = match k % 3 {
            1 => (
                b.people[relative].name.clone(),
                b.people[relative].id.clone(),
            ),
            _ => {
                let business = b.register_business(tables, relative, "存续");
                (business.name, business.code)
            }
        };
        let v = if k % 3 == 2 {
            (own + 1) % b.villages.len()
        } else {
            own
        };
        let c = Contract {
            no: b.extra_contract_no(extra_no, v),
            village: v,
            project: "路灯维护",
            party,
            amount: b.rng.random_range(100..450) as f64 * 100.0,
            signed: b.random_date(date(2024, 2, 1), date(2024, 10, 31)),
        };
        push_contract(b, tables, &c);
        if k % 3 != 2 {
            b.plant("cw.cadre_related_contract", &c.no, v);
        }
    }
}

/// A service contract with a villager, paid to that villager: a hard
/// negative for project payments off the contractor's account.
pub(super) fn villager_contracts(
    b: &mut Builder,
    extra_no: &mut BTreeMap<usize, usize>,
    vouchers: &mut BTreeMap<usize, usize>,
    tables: &mut Tables,
) {
    let cadre_households: HashSet<usize> =
        b.cadres.iter().map(|c| b.people[c.0].household).collect();
    let villagers: Vec<usize> = (0..b.people.len())
        .filter(|&p| {
            !cadre_households.contains(&b.people[p].household)
                && (25..65).contains(&age_on(b.people[p].birth, as_of()))
        })
        .collect();
    for _ in 0..b.plants {
        let Some(&p) = b.pick_unused(&villagers) else {
            break;
        };
        b.used.insert(p);
        let v = b.households[b.people[p].household].village;
        let person = (b.people[p].name.clone(), b.people[p].id.clone());
        let c = Contract {
            no: b.extra_contract_no(extra_no, v),
            village: v,
            project: "保洁服务",
            party: person.clone(),
            amount: 12_000.0,
            signed: date(2024, 3, 1),
        };
        push_contract(b, tables, &c);
        let voucher = b.next_voucher(vouchers, v);
        table(tables, "village_payments").push(vec![
            ("voucher_no", voucher.into()),
            ("village_code", b.villages[v].code.as_str().into()),
            ("pay_date", date(2024, 6, 30).into()),
            ("payee_name", person.0.into()),
            ("payee_code", person.1.into()),
            ("payee_account", format!("6217{p:012}").into()),
            ("amount", 12_000.0.into()),
            ("method", "转账".into()),
            ("contract_no", c.no.as_str().into()),
            ("summary", "保洁服务费".into()),
            ("subject", "管理费用".into()),
        ]);
    }
}

/// Non-project spending of every village: about one payment per eight
/// residents (at least 120) times the village level (0.8–1.2).
/// First digits follow Benford's proportions and magnitudes (hundreds,
/// thousands, tens of thousands) are spread evenly over them, so totals
/// vary only with the level. Spending outliers: three times the payments
/// (planted) or 15 % above the average level (hard negative). Benford: invented amounts with
/// uniform first digits (planted), or too few of them to test (hard
/// negative); their magnitudes keep spending at the usual level.
pub(super) fn daily_spending(
    b: &mut Builder,
    vouchers: &mut BTreeMap<usize, usize>,
    tables: &mut Tables,
) {
    let (high, mild) = b.peer_villages();
    let taken: HashSet<usize> = high.iter().chain(&mild).copied().collect();
    let mut free: Vec<usize> = (0..b.villages.len())
        .filter(|v| !taken.contains(v))
        .collect();
    free.shuffle(&mut b.rng);
    let invented: Vec<usize> = free.iter().step_by(2).take(b.plants).copied().collect();
    let too_few: Vec<usize> = free
        .iter()
        .skip(1)
        .step_by(2)
        .take(b.plants)
        .copied()
        .collect();
    let levels = b.village_levels();
    const PAYEES: &[&str] = &[
        "便民超市",
        "加油站",
        "五金店",
        "打印社",
        "农家饭店",
        "电器维修部",
    ];
    const SUMMARIES: &[&str] = &[
        "办公用品",
        "误工补贴",
        "招待费",
        "维修费",
        "水电费",
        "保洁费",
    ];
    for (v, level) in levels.into_iter().enumerate() {
        let base = (b.villages[v].population / 8).max(120) as f64;
        let normal = base * level;
        let (n, pattern): (usize, &[i32]) = if invented.contains(&v) {
            (normal.max(110.0) as usize, &[4, 4, 3, 3, 3, 3, 3, 2, 2, 2])
        } else if too_few.contains(&v) {
            (60, &[4, 4, 3])
        } else if high.contains(&v) {
            ((normal * 3.0) as usize, &[2, 3, 4])
        } else if mild.contains(&v) {
            ((base * 1.15) as usize, &[2, 3, 4])
        } else {
            (normal as usize, &[2, 3, 4])
        };
        let fake = invented.contains(&v) || too_few.contains(&v);
        let digits: Vec<u32> = if fake {
            (0..n).map(|i| 1 + (i % 9) as u32).collect()
        } else {
            benford_quota(n)
        };
        // Magnitudes cycle within each digit so every digit gets its share.
        let mut seen = [0usize; 10];
        let mut draws: Vec<(u32, i32)> = digits
            .into_iter()
            .map(|d| {
                seen[d as usize] += 1;
                (d, pattern[seen[d as usize] % pattern.len()])
            })
            .collect();
        draws.shuffle(&mut b.rng);
        for (d, magnitude) in draws {
            let scale = 10f64.powi(magnitude);
            let amount =
                ((d as f64 + b.rng.random_range(0.0..0.99)) * scale * 100.0).round() / 100.0;
            let cash = amount <= 1000.0 && b.rng.random_bool(0.3);
            let voucher = b.next_voucher(vouchers, v);
            let pay_date = b.random_date(date(2024, 1, 1), date(2024, 12, 20));
            let payee = if cash {
                names::person(&mut b.rng)
            } else {
                b.villages[v].name.clone() + PAYEES.choose(&mut b.rng).expect("non-empty")
            };
            let summary = *SUMMARIES.choose(&mut b.rng).expect("non-empty");
            table(tables, "village_payments").push(vec![
                ("voucher_no", voucher.as_str().into()),
                ("village_code", b.villages[v].code.as_str().into()),
                ("pay_date", pay_date.into()),
                ("payee_name", payee.into()),
                ("amount", amount.into()),
                ("method", if cash { "现金" } else { "转账" }.into()),
                ("summary", summary.into()),
                ("subject", "管理费用".into()),
            ]);
        }
    }
    for (model, villages) in [
        ("cw.spending_outlier", &high),
        ("cw.benford_village_payments", &invented),
    ] {
        for &v in villages {
            let code = b.villages[v].code.clone();
            b.plant(model, &code, v);
        }
    }
}

/// First digits for `n` values in Benford's proportions, rounded, the
/// remainder given to the digit 1.
pub(super) fn benford_quota(n: usize) -> Vec<u32> {
    let mut out = Vec::with_capacity(n);
    for d in 2..=9u32 {
        let count = (n as f64 * (1.0 + 1.0 / d as f64).log10()).round() as usize;
        out.extend(std::iter::repeat_n(d, count));
    }
    out.extend(std::iter::repeat_n(1, n.saturating_sub(out.len())));
    out
}

/// Two villages left out of the contract ledger: their payments stay, and
/// each is one lead for the village (`cw.village_payments_without_contracts`:
/// it paid an enterprise 10,000 元 or more), not one per payment.
pub(super) fn ledger_left_out(b: &mut Builder, tables: &mut Tables) {
    let readers = [
        "cw.cadre_related_contract",
        "cw.contract_splitting",
        "cw.payment_before_contract",
        "cw.payment_exceeds_contract",
        "cw.payment_without_contract",
        "cw.personal_account_project_payment",
    ];
    let payments = table(tables, "village_payments");
    let (v, code, amount) = (
        payments.col("village_code"),
        payments.col("payee_code"),
        payments.col("amount"),
    );
    let paid: HashSet<String> = (payments.rows.iter())
        .filter(|r| {
            let enterprise = r[code]
                .text()
                .is_some_and(|c| c.len() == 18 && c.starts_with('9'));
            enterprise && matches!(r[amount], Cell::Num(a) if a >= 10_000.0)
        })
        .filter_map(|r| r[v].text().map(str::to_string))
        .collect();
    b.leave_out(
        tables,
        "village_contracts",
        &readers,
        "cw.village_payments_without_contracts",
        &paid,
    );
}
