//! The results log (CHECKS.md §6.4): a Markdown table shared with other auditors, one row per
//! run that writes the report, with the trend of the overall score.
//!
//! [`update`] is the pure part (old text → new text); [`append`] reads, updates and replaces the
//! file atomically. Rows and columns written by other tools are kept verbatim; a log whose
//! header lacks our columns is an error and is never rewritten.

use super::score::{parse_tenths, Tenths};
use std::fmt;
use std::path::Path;

/// Where the log lives, relative to the project root.
pub const DEFAULT_PATH: &str = "docs/project/.audit/results_log.md";

/// The Skill column's value unless `[results_log] skill` says otherwise: continuity with the
/// audit ppa replaces and with other auditors sharing the file.
pub const DEFAULT_SKILL: &str = "ln-650";

/// The Metric column's value.
pub const METRIC: &str = "overall_score";

/// Data rows kept, over all skills.
pub const WINDOW: usize = 50;

/// The columns ppa reads and writes.
pub const COLUMNS: [&str; 9] = [
    "Date",
    "Skill",
    "Metric",
    "Scale",
    "Score",
    "Status",
    "Delta",
    "Key Finding",
    "Commit",
];

/// A new log, before its first row.
pub const HEADER: &str = "# Audit Results Log

| Date | Skill | Metric | Scale | Score | Status | Delta | Key Finding | Commit |
|------|-------|--------|-------|-------|--------|-------|-------------|--------|
";

/// What one run adds (Status and Delta are computed from the rows before it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRow {
    /// The report date, `YYYY-MM-DD`.
    pub date: String,
    pub skill: String,
    /// The overall score.
    pub score: Tenths,
    /// `1 CRITICAL transaction` or `clean`.
    pub key_finding: String,
    /// Short commit hash; `-` in the log when `None`.
    pub commit: Option<String>,
}

/// Why the log was left untouched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResultsLogError {
    /// The file has text but no Markdown table.
    NoTable,
    /// The table's header lacks these columns.
    MissingColumns(Vec<&'static str>),
    /// Reading or writing failed.
    Io(String),
}

impl fmt::Display for ResultsLogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResultsLogError::NoTable => write!(
                f,
                "results log has no table; left untouched, no row appended (expected the header `| {} |`)",
                COLUMNS.join(" | ")
            ),
            ResultsLogError::MissingColumns(cols) => write!(
                f,
                "results log header lacks the column{} {}; left untouched, no row appended",
                if cols.len() == 1 { "" } else { "s" },
                cols.iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ResultsLogError::Io(e) => write!(f, "results log not updated: {e}"),
        }
    }
}

impl std::error::Error for ResultsLogError {}

/// The trend word for a change in tenths: `improving` (> +0.3), `stable`, `declining` (< −0.3).
pub fn status(delta: Option<i64>) -> &'static str {
    match delta {
        None => "baseline",
        Some(d) if d > 3 => "improving",
        Some(d) if d < -3 => "declining",
        Some(_) => "stable",
    }
}

/// A signed change in tenths with one decimal: `+0.6`, `-1.2`, `0.0`; `N/A` without one.
pub fn format_delta(delta: Option<i64>) -> String {
    match delta {
        None => "N/A".to_string(),
        Some(0) => "0.0".to_string(),
        Some(d) => {
            let sign = if d > 0 { '+' } else { '-' };
            let a = d.unsigned_abs();
            format!("{sign}{}.{}", a / 10, a % 10)
        }
    }
}

/// Appends `row` to the log text `existing` (`None` or blank: a new log) and returns the new
/// text. Keeps the last [`WINDOW`] data rows.
pub fn update(existing: Option<&str>, row: &LogRow) -> Result<String, ResultsLogError> {
    let text = match existing {
        Some(t) if !t.trim().is_empty() => t,
        _ => HEADER,
    };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let is_row = |l: &str| l.trim_start().starts_with('|');
    let header = lines
        .iter()
        .position(|l| is_row(l))
        .ok_or(ResultsLogError::NoTable)?;
    let separator = lines
        .get(header + 1)
        .filter(|l| is_separator(l))
        .ok_or(ResultsLogError::NoTable)?;
    let names = cells(lines[header]);
    let missing: Vec<&'static str> = COLUMNS
        .iter()
        .copied()
        .filter(|c| !names.iter().any(|n| n == c))
        .collect();
    if !missing.is_empty() {
        return Err(ResultsLogError::MissingColumns(missing));
    }
    let col = |name: &str| names.iter().position(|n| n == name).unwrap_or(usize::MAX);
    let (skill, metric, score) = (col("Skill"), col("Metric"), col("Score"));
    let first = header + 2;
    let end = first + lines[first..].iter().take_while(|l| is_row(l)).count();

    // The last earlier row of this skill and metric with a readable score.
    let previous = lines[first..end]
        .iter()
        .rev()
        .map(|l| cells(l))
        .filter(|c| {
            c.get(skill).is_some_and(|s| *s == row.skill)
                && c.get(metric).is_some_and(|m| m == METRIC)
        })
        .find_map(|c| c.get(score).and_then(|s| parse_tenths(s)));
    let delta = previous.map(|p| i64::from(row.score.0) - i64::from(p.0));

    let eol = if separator.ends_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let values: Vec<String> = names
        .iter()
        .map(|n| match n.as_str() {
            "Date" => escape(&row.date),
            "Skill" => escape(&row.skill),
            "Metric" => METRIC.to_string(),
            "Scale" => "0-10".to_string(),
            "Score" => row.score.to_string(),
            "Status" => status(delta).to_string(),
            "Delta" => format_delta(delta),
            "Key Finding" => escape(&row.key_finding),
            "Commit" => escape(row.commit.as_deref().unwrap_or("-")),
            _ => "-".to_string(),
        })
        .collect();
    let new_row = format!("| {} |{eol}", values.join(" | "));

    let mut data: Vec<String> = lines[first..end].iter().map(|l| l.to_string()).collect();
    if let Some(last) = data.last_mut() {
        if !last.ends_with('\n') {
            last.push_str(eol);
        }
    }
    data.push(new_row);
    let drop = data.len().saturating_sub(WINDOW);
    let mut out = String::with_capacity(text.len() + 128);
    for l in &lines[..first] {
        out.push_str(l);
    }
    if !out.ends_with('\n') {
        out.push_str(eol);
    }
    for l in &data[drop..] {
        out.push_str(l);
    }
    for l in &lines[end..] {
        out.push_str(l);
    }
    Ok(out)
}

/// Reads the log at `path` (missing: a new one), appends `row` and replaces the file
/// atomically. On any error the file is left as it was.
pub fn append(path: &Path, row: &LogRow) -> Result<(), ResultsLogError> {
    let existing =
        match std::fs::read(path) {
            Ok(bytes) => Some(String::from_utf8(bytes).map_err(|_| {
                ResultsLogError::Io(format!("{} is not valid UTF-8", path.display()))
            })?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(ResultsLogError::Io(format!("{}: {e}", path.display()))),
        };
    let text = update(existing.as_deref(), row)?;
    super::atomic::write(path, text.as_bytes())
        .map_err(|e| ResultsLogError::Io(format!("{}: {e}", path.display())))
}

/// The cells of a table row, trimmed; `\|` stays inside its cell.
fn cells(line: &str) -> Vec<String> {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = if t.ends_with('|') && !t.ends_with("\\|") {
        &t[..t.len() - 1]
    } else {
        t
    };
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cur.push_str("\\|");
                chars.next();
            }
            '|' => out.push(std::mem::take(&mut cur).trim().to_string()),
            _ => cur.push(c),
        }
    }
    out.push(cur.trim().to_string());
    out
}

/// `|------|:---:|`: the line under a table header.
fn is_separator(line: &str) -> bool {
    let cs = cells(line);
    !cs.is_empty()
        && cs.iter().all(|c| {
            !c.is_empty() && c.contains('-') && c.chars().all(|ch| matches!(ch, '-' | ':' | ' '))
        })
}

fn escape(s: &str) -> String {
    super::markdown::cell(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(score: u32) -> LogRow {
        LogRow {
            date: "2026-03-15".into(),
            skill: DEFAULT_SKILL.into(),
            score: Tenths(score),
            key_finding: "1 CRITICAL transaction".into(),
            commit: Some("abc1234".into()),
        }
    }

    fn data_rows(text: &str) -> Vec<&str> {
        text.lines().filter(|l| l.starts_with("| 20")).collect()
    }

    #[test]
    fn a_missing_log_is_created_with_the_header_and_a_baseline() {
        let text = update(None, &row(79)).unwrap();
        assert_eq!(
            text,
            format!("{HEADER}| 2026-03-15 | ln-650 | overall_score | 0-10 | 7.9 | baseline | N/A | 1 CRITICAL transaction | abc1234 |\n")
        );
        assert_eq!(update(Some(" \n"), &row(79)).unwrap(), text);
    }

    #[test]
    fn delta_and_status_follow_the_last_row_of_the_same_skill() {
        let mut text = update(None, &row(76)).unwrap();
        // Another tool's row in between, with an extra column's worth of text.
        text.push_str(
            "| 2026-03-15 | ln-700 | overall_score | 0-10 | 2.0 | baseline | N/A | x | - |\n",
        );
        let text = update(Some(&text), &row(79)).unwrap();
        let rows = data_rows(&text);
        assert!(rows[2].contains("| 7.9 | stable | +0.3 |"), "{}", rows[2]);
        let text = update(Some(&text), &row(84)).unwrap();
        assert!(data_rows(&text)[3].contains("| 8.4 | improving | +0.5 |"));
        let text = update(Some(&text), &row(72)).unwrap();
        assert!(data_rows(&text)[4].contains("| 7.2 | declining | -1.2 |"));
        let text = update(Some(&text), &row(72)).unwrap();
        assert!(data_rows(&text)[5].contains("| 7.2 | stable | 0.0 |"));
        let no_commit = LogRow {
            commit: None,
            key_finding: "clean".into(),
            ..row(100)
        };
        let text = update(Some(&text), &no_commit).unwrap();
        assert!(data_rows(&text)[6].ends_with("| 10.0 | improving | +2.8 | clean | - |"));
    }

    #[test]
    fn other_columns_and_text_are_kept_and_unknown_columns_get_a_dash() {
        let log = "# Audit Results Log\n\nShared by several auditors.\n\n\
| Date | Skill | Metric | Scale | Score | Status | Delta | Key Finding | Commit | Owner |\n\
|---|---|---|---|---|---|---|---|---|:---:|\n\
| 2026-01-01 | ln-650 | overall_score | 0-10 | 6.0 | baseline | N/A | clean | - | team \\| a |\n\
\nNotes after the table.\n";
        let text = update(Some(log), &row(79)).unwrap();
        assert_eq!(
            text,
            log.replace(
                "team \\| a |\n",
                "team \\| a |\n| 2026-03-15 | ln-650 | overall_score | 0-10 | 7.9 | improving | +1.9 | 1 CRITICAL transaction | abc1234 | - |\n"
            )
        );
    }

    #[test]
    fn the_window_keeps_fifty_rows_over_all_skills() {
        let mut text = HEADER.to_string();
        for i in 0..50 {
            let skill = if i % 2 == 0 { "ln-650" } else { "other" };
            text.push_str(&format!(
                "| 2026-01-{:02} | {skill} | overall_score | 0-10 | 5.0 | stable | 0.0 | row {i} | - |\n",
                i % 28 + 1
            ));
        }
        let first = data_rows(&text)[0].to_string();
        let second = data_rows(&text)[1].to_string();
        let out = update(Some(&text), &row(79)).unwrap();
        let rows = data_rows(&out);
        assert_eq!(rows.len(), 50);
        assert!(!out.contains(&first));
        assert_eq!(rows[0], second);
        assert!(rows[49].contains("| 7.9 | improving | +2.9 |"));
    }

    #[test]
    fn a_log_without_our_columns_is_an_error() {
        let bad = "# Log\n\n| Date | Tool | Score |\n|---|---|---|\n| x | y | 1 |\n";
        assert_eq!(
            update(Some(bad), &row(79)),
            Err(ResultsLogError::MissingColumns(vec![
                "Skill",
                "Metric",
                "Scale",
                "Status",
                "Delta",
                "Key Finding",
                "Commit"
            ]))
        );
        assert_eq!(
            update(Some("just prose\n"), &row(79)),
            Err(ResultsLogError::NoTable)
        );
        let msg = ResultsLogError::MissingColumns(vec!["Skill"]).to_string();
        assert!(
            msg.contains("`Skill`") && msg.contains("left untouched"),
            "{msg}"
        );
    }

    #[test]
    fn crlf_logs_stay_crlf_and_a_missing_final_newline_is_added() {
        let log = HEADER.replace('\n', "\r\n")
            + "| 2026-01-01 | ln-650 | overall_score | 0-10 | 7.9 | baseline | N/A | clean | - |";
        let out = update(Some(&log), &row(79)).unwrap();
        assert!(
            out.ends_with("| 0.0 | 1 CRITICAL transaction | abc1234 |\r\n"),
            "{out:?}"
        );
        assert!(out.contains("| clean | - |\r\n| 2026-03-15"));
    }

    #[test]
    fn deltas_format_with_a_sign_and_one_decimal() {
        assert_eq!(format_delta(Some(6)), "+0.6");
        assert_eq!(format_delta(Some(-12)), "-1.2");
        assert_eq!(format_delta(Some(0)), "0.0");
        assert_eq!(format_delta(None), "N/A");
        assert_eq!(status(Some(3)), "stable");
        assert_eq!(status(Some(-3)), "stable");
        assert_eq!(status(Some(4)), "improving");
        assert_eq!(status(Some(-4)), "declining");
    }
}
