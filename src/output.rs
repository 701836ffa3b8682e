//! What the user reads: aligned tables and the check report, written to any `Write`.
//!
//! Owns layout only; the commands decide what to show and the core never prints.

use std::io::{self, Write};

use unicode_width::UnicodeWidthStr;

use crate::check::{Report, Severity};

/// Writes rows under headers, each column as wide as its widest cell (by display width, so
/// Arabic, Chinese and combining accents line up). The last column is not padded.
pub fn write_table(out: &mut dyn Write, headers: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(one_line(cell).width());
        }
    }
    let header: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    for row in std::iter::once(&header).chain(rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            let cell = one_line(cell);
            line.push_str(&cell);
            if i + 1 < row.len() {
                line.push_str(&" ".repeat(widths[i] - cell.width() + 2));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// A cell on one line: newlines in names and titles are shown as `\n`.
fn one_line(text: &str) -> String {
    text.replace('\n', "\\n").replace('\r', "\\r")
}

/// Writes the check report: case-wide findings, then one section per regime.
pub fn write_report(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    writeln!(
        out,
        "check {}: regimes {}; {} exhibits hashed",
        report.case,
        if report.regimes.is_empty() {
            "none".to_string()
        } else {
            report.regimes.join(", ")
        },
        report.exhibits_hashed
    )?;
    let mut section: Option<Option<&str>> = None;
    for finding in &report.findings {
        let regime = finding.regime.as_deref();
        if section != Some(regime) {
            writeln!(out)?;
            writeln!(out, "{}", regime.unwrap_or("case"))?;
            section = Some(regime);
        }
        let word = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(
            out,
            "  {word:<8} {}: {}",
            one_line(&finding.place),
            one_line(&finding.message)
        )?;
        writeln!(out, "           fix: {}", finding.fix)?;
    }
    writeln!(out)?;
    if report.findings.is_empty() {
        writeln!(out, "no problems found")
    } else {
        writeln!(
            out,
            "{} errors, {} warnings",
            report.errors, report.warnings
        )
    }
}

/// `1 error`, `2 errors`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_by_display_width() {
        let mut out = Vec::new();
        let rows = vec![
            vec!["S-001".into(), "كريم حداد".into(), "x".into()],
            vec!["S-002".into(), "张伟".into(), "y".into()],
        ];
        write_table(&mut out, &["ID", "NAME", "K"], &rows).unwrap();
        let text = String::from_utf8(out).unwrap();
        let columns: Vec<usize> = text
            .lines()
            .map(|l| l[..l.rfind(' ').unwrap()].width())
            .collect();
        assert!(columns.windows(2).all(|w| w[0] == w[1]), "{text}");
    }
}
