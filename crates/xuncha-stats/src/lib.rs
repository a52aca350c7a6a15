//! Statistical analyzers for the questions SQL cannot answer well: does a
//! group's amounts follow Benford's law, and which group stands out from
//! its peers. Pure functions over plain numbers; the engine feeds them
//! query results and turns what they flag into findings.

pub mod benford;
pub mod outlier;

pub use benford::{benford_test, BenfordTest, Conformity, DigitTest};
pub use outlier::{robust_z, RobustScores};
