//! Scores (CHECKS.md §5.2): severity counts, the penalty per category and the overall score, all
//! in integer tenths so that no float ever decides a digit.
//!
//! Owns arithmetic only; which findings count (non-advisory, not suppressed) and which categories
//! are N/A is decided by the caller ([`super::Scorecard`]).

use crate::finding::Finding;
use crate::model::Severity;
use std::fmt;

/// A score in tenths of a point: `Tenths(79)` is 7.9.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tenths(pub u32);

impl Tenths {
    /// The best score, 10.0.
    pub const MAX: Tenths = Tenths(100);

    /// The score as a number for JSON (`7.9`).
    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 10.0
    }
}

impl fmt::Display for Tenths {
    /// One decimal: `7.9`, `10.0`, `0.0`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0 / 10, self.0 % 10)
    }
}

/// Non-advisory findings per severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeverityCounts {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
}

impl SeverityCounts {
    /// Counts the non-advisory findings among `findings`.
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> SeverityCounts {
        let mut c = SeverityCounts::default();
        for f in findings.into_iter().filter(|f| !f.advisory) {
            c.add(f.severity);
        }
        c
    }

    pub fn add(&mut self, sev: Severity) {
        *self.get_mut(sev) += 1;
    }

    pub fn get(&self, sev: Severity) -> usize {
        match sev {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
        }
    }

    fn get_mut(&mut self, sev: Severity) -> &mut usize {
        match sev {
            Severity::Critical => &mut self.critical,
            Severity::High => &mut self.high,
            Severity::Medium => &mut self.medium,
            Severity::Low => &mut self.low,
        }
    }

    pub fn total(&self) -> usize {
        self.critical + self.high + self.medium + self.low
    }

    /// The penalty in tenths: 20 per CRITICAL, 10 per HIGH, 5 per MEDIUM, 2 per LOW.
    pub fn penalty(&self) -> u64 {
        Severity::ALL
            .iter()
            .map(|&s| penalty_of(s) * self.get(s) as u64)
            .sum()
    }

    /// `max(0, 10 − penalty)` in tenths.
    pub fn score(&self) -> Tenths {
        let left = u64::from(Tenths::MAX.0).saturating_sub(self.penalty());
        Tenths(left as u32)
    }

    /// `C:1 H:2 M:3 L:2`.
    pub fn summary(&self) -> String {
        format!(
            "C:{} H:{} M:{} L:{}",
            self.critical, self.high, self.medium, self.low
        )
    }

    /// Only the severities present: `H:1 M:2` (empty when there are none).
    pub fn nonzero_summary(&self) -> String {
        Severity::ALL
            .iter()
            .filter(|&&s| self.get(s) > 0)
            .map(|&s| format!("{}:{}", letter(s), self.get(s)))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The penalty of one finding in tenths.
pub fn penalty_of(sev: Severity) -> u64 {
    match sev {
        Severity::Critical => 20,
        Severity::High => 10,
        Severity::Medium => 5,
        Severity::Low => 2,
    }
}

/// `C`, `H`, `M` or `L`.
pub fn letter(sev: Severity) -> char {
    match sev {
        Severity::Critical => 'C',
        Severity::High => 'H',
        Severity::Medium => 'M',
        Severity::Low => 'L',
    }
}

/// The arithmetic mean of the scores that are not N/A, rounded half-up to tenths:
/// ⌊(2Σ + n) / 2n⌋. `None` when every score is N/A.
pub fn overall(scores: impl IntoIterator<Item = Option<Tenths>>) -> Option<Tenths> {
    let present: Vec<u64> = scores
        .into_iter()
        .flatten()
        .map(|t| u64::from(t.0))
        .collect();
    let n = present.len() as u64;
    if n == 0 {
        return None;
    }
    let sum: u64 = present.iter().sum();
    Some(Tenths(((2 * sum + n) / (2 * n)) as u32))
}

/// The words of the executive summary for a score (CHECKS.md §5.2).
pub fn band(score: Option<Tenths>) -> &'static str {
    match score {
        None => "not scored",
        Some(Tenths(100..)) => "no issues",
        Some(Tenths(80..)) => "minor issues",
        Some(Tenths(60..)) => "moderate issues",
        Some(Tenths(40..)) => "significant issues",
        Some(_) => "critical issues",
    }
}

/// Parses a logged score (`7.9`, `10`, `10.0`, `7.85`) into tenths, rounding half-up.
pub fn parse_tenths(s: &str) -> Option<Tenths> {
    let s = s.trim();
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) || (s.contains('.') && frac.is_empty()) {
        return None;
    }
    let int: u32 = int.parse().ok()?;
    let mut digits = frac.bytes().map(|b| u32::from(b - b'0'));
    let first = digits.next().unwrap_or(0);
    let round_up = digits.next().is_some_and(|d| d >= 5);
    int.checked_mul(10)?
        .checked_add(first + u32::from(round_up))
        .map(Tenths)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(c: usize, h: usize, m: usize, l: usize) -> SeverityCounts {
        SeverityCounts {
            critical: c,
            high: h,
            medium: m,
            low: l,
        }
    }

    #[test]
    fn the_spec_example_of_a_category_score() {
        // C:1 H:2 M:3 L:2 → 100 − 20 − 20 − 15 − 4 = 41 → 4.1
        let c = counts(1, 2, 3, 2);
        assert_eq!(c.penalty(), 59);
        assert_eq!(c.score(), Tenths(41));
        assert_eq!(c.score().to_string(), "4.1");
        assert_eq!(c.summary(), "C:1 H:2 M:3 L:2");
        assert_eq!(c.nonzero_summary(), "C:1 H:2 M:3 L:2");
        assert_eq!(counts(0, 1, 0, 0).nonzero_summary(), "H:1");
    }

    #[test]
    fn scores_floor_at_zero_and_start_at_ten() {
        assert_eq!(counts(0, 0, 0, 0).score(), Tenths(100));
        assert_eq!(counts(0, 0, 0, 0).score().to_string(), "10.0");
        assert_eq!(counts(6, 0, 0, 0).score(), Tenths(0));
        assert_eq!(counts(6, 0, 0, 0).score().to_string(), "0.0");
        assert_eq!(counts(0, 0, 0, 51).score(), Tenths(0));
    }

    #[test]
    fn the_spec_example_of_an_overall_score() {
        // 7.5, 6.3, 10.0 → ⌊479 / 6⌋ = 79 → 7.9
        let o = overall([Some(Tenths(75)), Some(Tenths(63)), Some(Tenths(100)), None]);
        assert_eq!(o, Some(Tenths(79)));
        assert_eq!(overall([None, None, None, None]), None);
        // Half-up: mean 7.25 → 7.3; 7.24… → 7.2.
        assert_eq!(
            overall([Some(Tenths(72)), Some(Tenths(73))]),
            Some(Tenths(73))
        );
        assert_eq!(
            overall([Some(Tenths(72)), Some(Tenths(72)), Some(Tenths(73))]),
            Some(Tenths(72))
        );
    }

    #[test]
    fn bands_follow_the_thresholds() {
        assert_eq!(band(Some(Tenths(100))), "no issues");
        assert_eq!(band(Some(Tenths(99))), "minor issues");
        assert_eq!(band(Some(Tenths(80))), "minor issues");
        assert_eq!(band(Some(Tenths(79))), "moderate issues");
        assert_eq!(band(Some(Tenths(60))), "moderate issues");
        assert_eq!(band(Some(Tenths(40))), "significant issues");
        assert_eq!(band(Some(Tenths(39))), "critical issues");
        assert_eq!(band(Some(Tenths(0))), "critical issues");
        assert_eq!(band(None), "not scored");
    }

    #[test]
    fn logged_scores_parse_into_tenths() {
        assert_eq!(parse_tenths("7.9"), Some(Tenths(79)));
        assert_eq!(parse_tenths(" 10.0 "), Some(Tenths(100)));
        assert_eq!(parse_tenths("8"), Some(Tenths(80)));
        assert_eq!(parse_tenths("7.85"), Some(Tenths(79)));
        assert_eq!(parse_tenths("7.84"), Some(Tenths(78)));
        for bad in ["", "N/A", "-", "7.", ".5", "-1.0", "7,9", "85%"] {
            assert_eq!(parse_tenths(bad), None, "{bad}");
        }
    }
}
