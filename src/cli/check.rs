//! `dossier check`: the report, and a custody entry recording that the evidence was checked.

use std::path::Path;

use crate::case::Workspace;
use crate::case::check::{Evidence, Finding, Severity, check};
use crate::case::custody::Record;
use crate::cli::args::CheckArgs;
use crate::cli::output::write_report;
use crate::error::Result;
use crate::render;
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
    progress.finish_and_clear();
    ws.record(Record {
        action: "check",
        exhibit: None,
        sha256: None,
        details: report.integrity_summary(),
    });
    ws.commit()?;
    if args.json {
        out.json(&report)?;
    } else {
        write_report(out.writer(), &report).map_err(stdout_error)?;
    }
    Ok(if report.has_errors() {
        Outcome::Problems
    } else {
        Outcome::Clean
    })
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
