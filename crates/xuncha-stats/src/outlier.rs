//! Robust outliers among peers: the modified z-score of Iglewicz and
//! Hoaglin, 0.6745·(x − median)/MAD, where MAD is the median absolute
//! deviation. Unlike mean and standard deviation, one extreme peer cannot
//! hide itself by inflating the spread.

use statrs::statistics::{Data, Median};

/// The constant that makes MAD estimate the standard deviation of normal data.
const CONSISTENCY: f64 = 0.6745;

/// Modified z-scores of a group of peers.
#[derive(Debug, Clone, PartialEq)]
pub struct RobustScores {
    pub median: f64,
    /// Median absolute deviation from the median.
    pub mad: f64,
    /// One score per input value, in input order.
    pub z: Vec<f64>,
}

/// Score every value against the group. `None` when the group is empty or
/// its MAD is zero (more than half the peers equal): no spread to measure
/// against, so no value can be called an outlier.
pub fn robust_z(values: &[f64]) -> Option<RobustScores> {
    if values.is_empty() || values.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let median = Data::new(values.to_vec()).median();
    let deviations: Vec<f64> = values.iter().map(|v| (v - median).abs()).collect();
    let mad = Data::new(deviations).median();
    if mad <= 0.0 {
        return None;
    }
    let z = values
        .iter()
        .map(|v| CONSISTENCY * (v - median) / mad)
        .collect();
    Some(RobustScores { median, mad, z })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hand-computed: sorted 10, 11, 12, 12, 13, 40 → median 12;
    /// deviations 2, 0, 1, 1, 0, 28 → sorted 0, 0, 1, 1, 2, 28 → MAD 1;
    /// z(40) = 0.6745 × 28 = 18.886, z(10) = −1.349, z(13) = 0.6745.
    #[test]
    fn one_extreme_peer_stands_out() {
        let s = robust_z(&[10.0, 12.0, 11.0, 13.0, 12.0, 40.0]).unwrap();
        assert_eq!(s.median, 12.0);
        assert_eq!(s.mad, 1.0);
        let expected = [-1.349, 0.0, -0.6745, 0.6745, 0.0, 18.886];
        for (z, e) in s.z.iter().zip(expected) {
            assert!((z - e).abs() < 1e-9, "{z} vs {e}");
        }
    }

    /// Odd count: 1, 2, 3, 4, 100 → median 3; deviations 2, 1, 0, 1, 97 →
    /// MAD 1; z(100) = 0.6745 × 97 = 65.4265, z(1) = −1.349.
    #[test]
    fn odd_groups_use_the_middle_value() {
        let s = robust_z(&[1.0, 2.0, 3.0, 4.0, 100.0]).unwrap();
        assert_eq!((s.median, s.mad), (3.0, 1.0));
        assert!((s.z[4] - 65.4265).abs() < 1e-9);
        assert!((s.z[0] + 1.349).abs() < 1e-9);
    }

    #[test]
    fn no_spread_means_no_scores() {
        assert!(robust_z(&[5.0, 5.0, 5.0, 9.0]).is_none());
        assert!(robust_z(&[]).is_none());
        assert!(robust_z(&[1.0, f64::NAN]).is_none());
    }
}
