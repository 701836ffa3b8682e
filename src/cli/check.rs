//! `dossier check`: the report, and a custody entry recording that the evidence was checked.

use std::path::Path;

use serde::Serialize;

use crate::case::Workspace;
use crate::case::check::{Evidence, Finding, Severity, check};
use crate::case::custody::Record;
use crate::case::edit::{Change, record_designations};
use crate::cli::args::CheckArgs;
use crate::cli::output::write_report;
use crate::error::Result;
use crate::render;
use crate::sanctions::{self, Screening, Strength};
use crate::template::Registry;

use super::{Outcome, Output, progress_bar, stdout_error};

pub fn run(root: &Path, args: CheckArgs, out: &mut Output) -> Result<Outcome> {
    let mut ws = Workspace::open(root)?;
    let registry = Registry::for_case(root)?;
    let progress = progress_bar();
    progress.set_message("hashing exhibits");
    let mut report = check(
        root,
        &ws.case,
        &registry,
        ws.log(),
        Evidence::Hash,
        &progress,
    )?;
    report.add(font_findings(root, &ws.case, &[])?);
    let screening = match &args.sanctions {
        Some(file) => {
            progress.set_position(0);
            progress.set_message("screening sanctions data");
            let mut screening = sanctions::screen(&root.join(file), &ws.case.subjects, &progress)?;
            screening.file = file.display().to_string();
            report.add(screening_findings(&ws.case, &screening));
            Some(screening)
        }
        None => None,
    };
    progress.finish_and_clear();
    let mut details = report.integrity_summary();
    if let Some(screening) = &screening {
        details.push_str("; ");
        details.push_str(&screening.summary());
    }
    ws.record(Record {
        action: "check",
        exhibit: None,
        sha256: None,
        details,
    });
    let recorded = match (&screening, args.record) {
        (Some(screening), true) => record(&mut ws, screening)?,
        _ => Vec::new(),
    };
    ws.commit()?;
    if args.json {
        out.json(&CheckOutput {
            report: &report,
            sanctions: screening.as_ref(),
            recorded: recorded.iter().map(Change::details).collect(),
        })?;
    } else {
        write_report(out.writer(), &report, screening.as_ref()).map_err(stdout_error)?;
        for change in &recorded {
            out.line(format!("recorded: {}", change.details()))?;
        }
    }
    Ok(if report.has_errors() {
        Outcome::Problems
    } else {
        Outcome::Clean
    })
}

/// `check --json`: the report, and with `--sanctions` the screening and what `--record` wrote.
#[derive(Serialize)]
struct CheckOutput<'a> {
    #[serde(flatten)]
    report: &'a crate::case::check::Report,
    #[serde(skip_serializing_if = "Option::is_none")]
    sanctions: Option<&'a Screening>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    recorded: Vec<String>,
}

/// `--record`: the designations of every strong match go into its subject (those it has already
/// are left as they are); each change is an edit in the custody log.
fn record(ws: &mut Workspace, screening: &Screening) -> Result<Vec<Change>> {
    let mut changes = Vec::new();
    for subject in &screening.subjects {
        let found: Vec<_> = subject
            .matches
            .iter()
            .filter(|m| m.strength == Strength::Strong)
            .flat_map(|m| m.designations())
            .collect();
        if !found.is_empty() {
            changes.extend(record_designations(ws, &subject.subject, &found)?);
        }
    }
    Ok(changes)
}

/// A strong match not yet recorded is a warning: the authority will ask why a listed person is
/// proposed again, and the argument should say. Skipped lines are a warning on the file.
fn screening_findings(case: &crate::case::Case, screening: &Screening) -> Vec<Finding> {
    let mut findings = Vec::new();
    for subject in &screening.subjects {
        let Some(current) = case.subject(&subject.subject) else {
            continue;
        };
        for m in subject
            .matches
            .iter()
            .filter(|m| m.strength == Strength::Strong && !m.sanctions.is_empty())
        {
            let recorded = m.designations().iter().all(|d| {
                current
                    .existing_designations
                    .iter()
                    .any(|e| crate::case::records::same_designation(e, d))
            });
            if recorded {
                continue;
            }
            let mut by: Vec<&str> = m
                .sanctions
                .iter()
                .map(|l| l.authority.as_deref().unwrap_or("an authority"))
                .collect();
            by.dedup();
            findings.push(Finding {
                severity: Severity::Warning,
                regime: None,
                place: subject.subject.clone(),
                message: format!(
                    "already listed: {} \"{}\" ({}, score {:.2}) is sanctioned by {}",
                    m.entity_id,
                    m.caption,
                    m.schema,
                    m.score,
                    crate::display::and_list(&by)
                ),
                fix: "if it is the same person, record it (add --record) and say in the argument why a further designation is sought; if not, add what tells them apart (--born, --nationality)".into(),
            });
        }
    }
    if screening.skipped > 0 {
        let first = &screening.skipped_lines[0];
        findings.push(Finding {
            severity: Severity::Warning,
            regime: None,
            place: screening.file.clone(),
            message: format!(
                "{} skipped as not a FollowTheMoney entity (first: line {}: {})",
                crate::display::plural(screening.skipped as usize, "line"),
                first.line,
                first.error
            ),
            fix: "an entity on those lines was not screened: download the file again, or check those lines".into(),
        });
    }
    findings
}

/// What the PDF cannot print as written: a name no font covers is an error (build refuses it),
/// other text a warning (it prints the character as `<U+738B>`). The case's own fonts count,
/// and those `build --font` adds (`extra`).
pub fn font_findings(
    root: &Path,
    case: &crate::case::Case,
    extra: &[std::path::PathBuf],
) -> Result<Vec<Finding>> {
    let narrative = render::Narrative::read(root)?;
    let fonts = case
        .fonts
        .iter()
        .map(|f| root.join(f))
        .chain(extra.iter().cloned())
        .map(|path| render::ExtraFont::read(&path))
        .collect::<Result<Vec<_>>>()?;
    Ok(render::uncovered_texts(case, &narrative, &fonts)?
        .into_iter()
        .map(|u| {
            let (severity, message) = if u.name {
                (
                    Severity::Error,
                    format!("{}: no font has {}: the PDF cannot print it", u.place, u.chars_text()),
                )
            } else {
                (
                    Severity::Warning,
                    format!(
                        "{}: no font has {}: the PDF prints each as its code point, e.g. <U+{:04X}>",
                        u.place,
                        u.chars_text(),
                        u32::from(u.chars[0])
                    ),
                )
            };
            Finding {
                severity,
                regime: None,
                place: u.place,
                message,
                fix: render::FONT_FIX.to_string(),
            }
        })
        .collect())
}
