//! What the user reads: aligned tables and the check report, written to any `Write`.
//!
//! Owns layout only; the commands decide what to show and the core never prints.

use std::io::{self, Write};

use crate::display::plural;

use unicode_width::UnicodeWidthStr;

use crate::case::check::{Finding, Report, Severity};
use crate::dossier::sshsig::Verdict;
use crate::dossier::verify::{SignatureCounts, Status, VerifyReport};
use crate::sanctions::{Screening, Strength};

/// Writes rows under headers, each column as wide as its widest cell (by display width, so
/// Arabic, Chinese and combining accents line up). The last column is not padded.
pub fn write_table(out: &mut dyn Write, headers: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(escaped(cell).width());
        }
    }
    let header: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    for row in std::iter::once(&header).chain(rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            let cell = escaped(cell);
            line.push_str(&cell);
            if i + 1 < row.len() {
                line.push_str(&" ".repeat(widths[i] - cell.width() + 2));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// A cell on one line: newlines in names and titles are shown as `\n`, so they can be seen.
fn escaped(text: &str) -> String {
    text.replace('\n', "\\n").replace('\r', "\\r")
}

/// Writes the check report: case-wide findings, then one section per regime, then the sanctions
/// screening if there was one.
pub fn write_report(
    out: &mut dyn Write,
    report: &Report,
    screening: Option<&Screening>,
) -> io::Result<()> {
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
    write_findings(out, report.findings.iter())?;
    if let Some(screening) = screening {
        writeln!(out)?;
        write_screening(out, screening)?;
    }
    writeln!(out)?;
    let notes = match report.notes {
        0 => String::new(),
        n => format!(" ({})", plural(n, "note")),
    };
    if report.errors + report.warnings == 0 {
        writeln!(out, "no problems found{notes}")
    } else {
        writeln!(
            out,
            "{} errors, {} warnings{notes}",
            report.errors, report.warnings
        )
    }
}

/// Writes the sanctions screening: per subject, the listed entities that match, best first,
/// each with its score, the reasons and the sanctions imposed on it.
pub fn write_screening(out: &mut dyn Write, screening: &Screening) -> io::Result<()> {
    writeln!(
        out,
        "sanctions: {} screened against {}{} ({} read, {} decoded, {} sanctions{})",
        plural(screening.subjects.len(), "subject"),
        screening.file,
        if screening.gzip { " (gzip)" } else { "" },
        plural(screening.lines as usize, "line"),
        screening.lines_decoded,
        screening.sanctions_read,
        match screening.skipped {
            0 => String::new(),
            n => format!(
                "; {} skipped: line {}",
                n,
                screening
                    .skipped_lines
                    .iter()
                    .map(|s| s.line.to_string())
                    .collect::<Vec<_>>()
                    .join(", line ")
            ),
        }
    )?;
    for subject in &screening.subjects {
        writeln!(out)?;
        writeln!(out, "{}  {}", subject.subject, escaped(&subject.name))?;
        if subject.matches.is_empty() {
            writeln!(out, "  no listed entity matches")?;
            continue;
        }
        for m in &subject.matches {
            let strength = match (m.strength, m.conflict) {
                (Strength::Strong, _) => "strong",
                (Strength::Possible, true) => "conflict",
                (Strength::Possible, false) => "possible",
            };
            writeln!(
                out,
                "  {:.2} {strength:<8} {}  {}  ({}; {})",
                m.score,
                m.entity_id,
                escaped(&m.caption),
                m.schema,
                if m.datasets.is_empty() {
                    "no dataset".to_string()
                } else {
                    m.datasets.join(", ")
                }
            )?;
            for reason in &m.reasons {
                writeln!(out, "        {}", escaped(reason))?;
            }
            if m.sanctions.is_empty() {
                writeln!(out, "        no sanction of it in the file")?;
            }
            for l in &m.sanctions {
                let mut line = format!(
                    "        sanctioned by {}",
                    l.authority.as_deref().unwrap_or("(authority not given)")
                );
                if let Some(program) = &l.program {
                    line.push_str(&format!(", {program}"));
                }
                if let Some(start) = &l.start_date {
                    line.push_str(&format!(", since {start}"));
                }
                if let Some(end) = &l.end_date {
                    line.push_str(&format!(", until {end}"));
                }
                if let Some(url) = &l.source_url {
                    line.push_str(&format!(": {url}"));
                }
                writeln!(out, "{}", escaped(&line))?;
            }
        }
        if subject.more > 0 {
            writeln!(out, "  and {} more, weaker (not shown)", subject.more)?;
        }
    }
    Ok(())
}

/// Why `build` refused: the errors of the check it ran first, and the two ways on.
pub fn write_build_refusal(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    writeln!(
        out,
        "cannot build {}: `dossier check` finds {} that would block the referral",
        report.case,
        plural(report.errors, "error")
    )?;
    write_findings(
        out,
        report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error),
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "fix them and build again, or build a draft for review with --draft (every page is then stamped DRAFT - NOT FOR FILING)"
    )
}

/// Findings grouped under `case` and each regime, one finding and its fix per entry.
fn write_findings<'a>(
    out: &mut dyn Write,
    findings: impl Iterator<Item = &'a Finding>,
) -> io::Result<()> {
    let mut section: Option<Option<&str>> = None;
    for finding in findings {
        let regime = finding.regime.as_deref();
        if section != Some(regime) {
            writeln!(out)?;
            writeln!(out, "{}", regime.unwrap_or("case"))?;
            section = Some(regime);
        }
        let word = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        writeln!(
            out,
            "  {word:<8} {}: {}",
            escaped(&finding.place),
            escaped(&finding.message)
        )?;
        writeln!(out, "           fix: {}", finding.fix)?;
    }
    Ok(())
}

/// Writes the verify report: one line per file (problems only with `quiet`), then the verdict.
pub fn write_verify_report(
    out: &mut dyn Write,
    report: &VerifyReport,
    quiet: bool,
) -> io::Result<()> {
    if !quiet {
        writeln!(out, "verify {} (bag {})", report.path.display(), report.bag)?;
        if let Some(fingerprint) = &report.dossier_fingerprint {
            writeln!(out, "  dossier fingerprint  {fingerprint}")?;
        }
        if let Some(fingerprint) = &report.exhibit_fingerprint {
            writeln!(out, "  exhibit fingerprint  {fingerprint}")?;
        }
    }
    if report.draft {
        writeln!(
            out,
            "DRAFT       built despite `check` errors: not for filing (bag-info.txt Dossier-Draft: yes)"
        )?;
    }
    for file in &report.files {
        let path = escaped(&file.path);
        match file.status {
            Status::Ok if quiet => {}
            Status::Ok => writeln!(out, "OK          {path}")?,
            Status::Failed => {
                writeln!(out, "FAILED      {path}")?;
                writeln!(
                    out,
                    "            expected {}",
                    file.expected.as_deref().unwrap_or("")
                )?;
                writeln!(
                    out,
                    "            found    {}",
                    file.found.as_deref().unwrap_or("")
                )?;
                if let Some(detail) = &file.detail {
                    writeln!(out, "            {detail}")?;
                }
            }
            Status::Missing => writeln!(
                out,
                "missing     {path}  (expected sha256 {})",
                file.expected.as_deref().unwrap_or("")
            )?,
            Status::Unexpected => writeln!(out, "unexpected  {path}  (not in the manifest)")?,
            Status::Unreadable => writeln!(
                out,
                "unreadable  {path}  ({})",
                file.detail.as_deref().unwrap_or("")
            )?,
        }
    }
    for problem in &report.problems {
        writeln!(
            out,
            "problem     {}: {}",
            escaped(&problem.place),
            problem.message
        )?;
    }
    for signature in &report.signatures {
        let word = match signature.verdict {
            Verdict::Valid => "valid",
            Verdict::Unverified => "unverified",
            Verdict::NotAllowed => "not allowed",
            Verdict::Expired => "expired",
            Verdict::OtherDossier => "OTHER DOSSIER",
            Verdict::Invalid => "INVALID",
        };
        if quiet && matches!(signature.verdict, Verdict::Valid | Verdict::Unverified) {
            continue;
        }
        writeln!(
            out,
            "signature   {word}: {} ({}) {}  key {}",
            signature.organisation.as_deref().unwrap_or("?"),
            signature.role.as_deref().unwrap_or("?"),
            signature.file,
            signature.key_fingerprint.as_deref().unwrap_or("?"),
        )?;
        writeln!(out, "            {}", signature.detail)?;
    }
    super::timestamp::write_timestamps(out, report, quiet)?;
    let ok = report
        .files
        .iter()
        .filter(|f| f.status == Status::Ok)
        .count();
    let counts = &report.signature_counts;
    let bad = report.files.len() - ok + report.problems.len() + counts.not_valid;
    let signatures = signature_summary(counts);
    if report.intact {
        writeln!(out, "intact: {ok} files verified{signatures}")
    } else {
        writeln!(
            out,
            "NOT INTACT: {}; {ok} files verified{signatures}",
            plural(bad, "problem"),
        )
    }
}

/// The signatures' part of the verdict line: how many are valid, how many are not, and how
/// many were not checked and how to check them.
fn signature_summary(counts: &SignatureCounts) -> String {
    let mut parts = Vec::new();
    if counts.not_valid > 0 {
        parts.push(format!(
            "{} of {} not valid for the organisation it names",
            counts.not_valid,
            plural(counts.total, "signature")
        ));
    } else if counts.allowed_signers_given {
        parts.push(format!(
            "{} of {} valid",
            counts.valid,
            plural(counts.total, "signature")
        ));
    }
    if counts.unchecked > 0 {
        parts.push(format!(
            "{} not checked: give --allowed-signers FILE to check whose keys made {}",
            plural(counts.unchecked, "signature"),
            if counts.unchecked == 1 { "it" } else { "them" }
        ));
    }
    parts.iter().map(|p| format!("; {p}")).collect()
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
