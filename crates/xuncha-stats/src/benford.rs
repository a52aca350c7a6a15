//! Benford's law: first-digit and first-two-digit tests with Pearson's
//! chi-square (p-value from statrs) and Nigrini's mean absolute deviation
//! with his conformity bands (Nigrini, *Benford's Law*, 2012, table 7.1).

use statrs::distribution::{ChiSquared, ContinuousCDF};

/// Which leading digits are tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigitTest {
    /// First significant digit, 1–9.
    First,
    /// First two significant digits, 10–99.
    FirstTwo,
}

impl DigitTest {
    fn digits(self) -> usize {
        match self {
            DigitTest::First => 1,
            DigitTest::FirstTwo => 2,
        }
    }

    /// The smallest leading-digit value (1 or 10).
    fn lowest(self) -> u32 {
        10u32.pow(self.digits() as u32 - 1)
    }

    /// Number of possible leading-digit values (9 or 90).
    fn bins(self) -> usize {
        9 * self.lowest() as usize
    }

    /// Nigrini's MAD upper bounds for close, acceptable and marginally
    /// acceptable conformity; above the last is nonconformity.
    fn mad_bands(self) -> [f64; 3] {
        match self {
            DigitTest::First => [0.006, 0.012, 0.015],
            DigitTest::FirstTwo => [0.0012, 0.0018, 0.0022],
        }
    }

    /// Benford's expected proportion of a leading-digit value.
    pub fn expected(self, d: u32) -> f64 {
        (1.0 + 1.0 / d as f64).log10()
    }
}

/// Nigrini's conformity classes for the mean absolute deviation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Conformity {
    Close,
    Acceptable,
    Marginal,
    Nonconformity,
}

impl Conformity {
    /// The class as a patrol officer reads it.
    pub fn label(self) -> &'static str {
        match self {
            Conformity::Close => "高度符合",
            Conformity::Acceptable => "可接受的符合",
            Conformity::Marginal => "勉强可接受",
            Conformity::Nonconformity => "不符合",
        }
    }
}

/// Result of one Benford test over a set of values.
#[derive(Debug, Clone, PartialEq)]
pub struct BenfordTest {
    pub test: DigitTest,
    /// Values tested (those with a leading-digit value).
    pub n: usize,
    /// Count per leading-digit value, from the lowest (1 or 10) up.
    pub counts: Vec<u64>,
    pub chi_square: f64,
    pub p_value: f64,
    /// Mean absolute deviation of actual from expected proportions.
    pub mad: f64,
    pub conformity: Conformity,
}

impl BenfordTest {
    /// The leading-digit value with the largest excess of actual over
    /// expected proportion, with both proportions.
    pub fn largest_excess(&self) -> (u32, f64, f64) {
        let lowest = self.test.lowest();
        self.counts
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                let d = lowest + i as u32;
                (d, c as f64 / self.n as f64, self.test.expected(d))
            })
            .max_by(|a, b| (a.1 - a.2).total_cmp(&(b.1 - b.2)))
            .expect("at least one bin")
    }
}

/// The first `digits` significant digits of a positive finite value, read
/// from its shortest decimal representation so 0.3 or 1234.56 are exact.
pub fn leading_digits(value: f64, digits: usize) -> Option<u32> {
    if !value.is_finite() || value <= 0.0 {
        return None;
    }
    let repr = format!("{value:e}");
    let mantissa = repr.split('e').next()?;
    let mut out = 0u32;
    let mut taken = 0;
    for c in mantissa.chars().filter(char::is_ascii_digit) {
        if taken == digits {
            break;
        }
        out = out * 10 + c.to_digit(10)?;
        taken += 1;
    }
    while taken < digits {
        out *= 10;
        taken += 1;
    }
    Some(out)
}

/// Pearson's chi-square statistic of observed counts against expected
/// proportions.
pub fn chi_square(observed: &[u64], proportions: &[f64]) -> f64 {
    let n: u64 = observed.iter().sum();
    observed
        .iter()
        .zip(proportions)
        .map(|(&o, p)| {
            let expected = p * n as f64;
            (o as f64 - expected).powi(2) / expected
        })
        .sum()
}

/// Test values against Benford's law. Values without a leading digit
/// (zero, negative, not finite) are left out; `None` when none remain.
pub fn benford_test(values: &[f64], test: DigitTest) -> Option<BenfordTest> {
    let lowest = test.lowest();
    let mut counts = vec![0u64; test.bins()];
    for d in values
        .iter()
        .filter_map(|&v| leading_digits(v, test.digits()))
    {
        counts[(d - lowest) as usize] += 1;
    }
    let n: u64 = counts.iter().sum();
    if n == 0 {
        return None;
    }
    let proportions: Vec<f64> = (0..counts.len())
        .map(|i| test.expected(lowest + i as u32))
        .collect();
    let chi_square = chi_square(&counts, &proportions);
    let mad = counts
        .iter()
        .zip(&proportions)
        .map(|(&c, p)| (c as f64 / n as f64 - p).abs())
        .sum::<f64>()
        / counts.len() as f64;
    let df = (counts.len() - 1) as f64;
    let p_value = ChiSquared::new(df).expect("positive df").sf(chi_square);
    let bands = test.mad_bands();
    let conformity = if mad <= bands[0] {
        Conformity::Close
    } else if mad <= bands[1] {
        Conformity::Acceptable
    } else if mad <= bands[2] {
        Conformity::Marginal
    } else {
        Conformity::Nonconformity
    };
    Some(BenfordTest {
        test,
        n: n as usize,
        counts,
        chi_square,
        p_value,
        mad,
        conformity,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values whose first digits are exactly the given counts.
    fn with_first_digits(counts: &[u64]) -> Vec<f64> {
        counts
            .iter()
            .enumerate()
            .flat_map(|(i, &c)| std::iter::repeat_n((i + 1) as f64 * 100.0 + 23.0, c as usize))
            .collect()
    }

    #[test]
    fn leading_digits_are_read_exactly() {
        assert_eq!(leading_digits(1234.56, 1), Some(1));
        assert_eq!(leading_digits(1234.56, 2), Some(12));
        assert_eq!(leading_digits(0.3, 1), Some(3));
        assert_eq!(leading_digits(0.0029, 2), Some(29));
        assert_eq!(leading_digits(7.0, 2), Some(70));
        assert_eq!(leading_digits(100.0, 2), Some(10));
        assert_eq!(leading_digits(0.0, 1), None);
        assert_eq!(leading_digits(-5.0, 1), None);
        assert_eq!(leading_digits(f64::NAN, 1), None);
    }

    /// Robert Burton's check amounts from seven suspect companies
    /// (Brooklyn District Attorney's office), as published in Triola,
    /// *Elementary Statistics*: 784 checks with first digits 1–9 counted
    /// 0, 12, 0, 73, 482, 186, 8, 23, 0, tested at the 0.05 level against
    /// the exercise's table of proportions rounded to 0.1 %. Hand-computed
    /// statistic: 3711.409 with the table's proportions, 3703.372 with
    /// exact ones; either way far beyond the 15.507 critical value.
    #[test]
    fn burton_check_fraud_example_matches_the_published_statistic() {
        let counts = [0, 12, 0, 73, 482, 186, 8, 23, 0];
        let rounded = [
            0.301, 0.176, 0.125, 0.097, 0.079, 0.067, 0.058, 0.051, 0.046,
        ];
        assert!((chi_square(&counts, &rounded) - 3711.409).abs() < 5e-4);
        let t = benford_test(&with_first_digits(&counts), DigitTest::First).unwrap();
        assert_eq!(t.n, 784);
        assert_eq!(t.counts, counts.to_vec());
        assert!((t.chi_square - 3703.372).abs() < 5e-4, "{}", t.chi_square);
        // Rejected at the exercise's 0.05 level, and by a wide margin.
        assert!(t.p_value < 1e-12);
        assert_eq!(t.conformity, Conformity::Nonconformity);
        assert_eq!(t.largest_excess().0, 5);
    }

    /// Hand-computed. For 8 degrees of freedom the chi-square survival
    /// function is e^(−x/2)·Σ_{i<4} (x/2)^i / i!.
    /// Counts 30,18,12,10,8,7,6,5,4 (n 100): MAD 0.0028619 (close),
    /// chi-square 0.135169, p 0.99999918.
    /// Counts 25,15,15,12,9,8,6,6,4: MAD 0.0184175 (nonconformity) while
    /// chi-square 2.939244, p 0.938112 does not reject: at small n the two
    /// disagree, which is why the analyzer asks for both.
    #[test]
    fn hand_computed_statistics() {
        let close = benford_test(
            &with_first_digits(&[30, 18, 12, 10, 8, 7, 6, 5, 4]),
            DigitTest::First,
        )
        .unwrap();
        assert!((close.mad - 0.0028619).abs() < 1e-7, "{}", close.mad);
        assert_eq!(close.conformity, Conformity::Close);
        assert!((close.chi_square - 0.135169).abs() < 1e-6);
        assert!(
            (close.p_value - 0.99999918).abs() < 1e-8,
            "{}",
            close.p_value
        );
        let off = benford_test(
            &with_first_digits(&[25, 15, 15, 12, 9, 8, 6, 6, 4]),
            DigitTest::First,
        )
        .unwrap();
        assert!((off.mad - 0.0184175).abs() < 1e-7, "{}", off.mad);
        assert_eq!(off.conformity, Conformity::Nonconformity);
        assert!((off.chi_square - 2.939244).abs() < 1e-6);
        assert!((off.p_value - 0.938112).abs() < 1e-6, "{}", off.p_value);
    }

    /// Uniform first digits (as invented amounts often are): each digit
    /// 1/9. MAD = mean |1/9 − log10(1+1/d)| = 0.059717, nonconformity.
    #[test]
    fn uniform_digits_do_not_conform() {
        let t = benford_test(&with_first_digits(&[20; 9]), DigitTest::First).unwrap();
        assert!((t.mad - 0.059717).abs() < 1e-6, "{}", t.mad);
        assert_eq!(t.conformity, Conformity::Nonconformity);
    }

    #[test]
    fn first_two_digits_use_ninety_bins_and_their_own_bands() {
        // 10, 11, …, 99 once each: uniform over the 90 bins.
        let values: Vec<f64> = (10..100).map(f64::from).collect();
        let t = benford_test(&values, DigitTest::FirstTwo).unwrap();
        assert_eq!(t.counts.len(), 90);
        assert!(t.counts.iter().all(|&c| c == 1));
        assert_eq!(t.conformity, Conformity::Nonconformity);
        assert!(benford_test(&[0.0, -1.0], DigitTest::First).is_none());
    }
}
