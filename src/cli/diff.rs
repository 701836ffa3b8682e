//! `dossier diff A B`: what changed from the dossier A to the dossier B, each verified intact
//! first.

use std::path::Path;

use crate::cli::args::DiffArgs;
use crate::dossier::diff::{DossierDiff, DossierRef, compare};
use crate::dossier::json::DossierJson;
use crate::dossier::verify::read_intact;
use crate::error::Result;

use super::{Outcome, Output, progress_bar};

pub fn run(root: &Path, args: DiffArgs, out: &mut Output) -> Result<Outcome> {
    // Like git -C, relative paths are taken from -C DIR (the current folder by default).
    let progress = progress_bar();
    progress.set_message("verifying");
    let a = read(&root.join(&args.a), &progress)?;
    progress.set_position(0);
    let b = read(&root.join(&args.b), &progress)?;
    progress.finish_and_clear();
    let diff = compare((a.0, &a.1), (b.0, &b.1));
    if args.json {
        out.json(&diff)?;
    } else {
        write_diff(out, &diff)?;
    }
    Ok(Outcome::Clean)
}

/// A dossier that verified intact: what identifies it, and its records. One that is not intact
/// is refused: what it says proves nothing.
fn read(
    path: &Path,
    progress: &indicatif::ProgressBar,
) -> Result<(DossierRef, DossierJson<'static>)> {
    let (report, json) = read_intact(path, progress)?;
    let reference = DossierRef {
        name: report.bag,
        case: json.case.id.to_string(),
        date: json.date.to_string(),
        profile: json.profile,
        dossier_fingerprint: report.dossier_fingerprint,
    };
    Ok((reference, json))
}

fn write_diff(out: &mut Output, diff: &DossierDiff) -> Result<()> {
    for (word, d) in [("from", &diff.from), ("to", &diff.to)] {
        out.line(format!(
            "{word:<4} {} ({}, {}, sealed {}), fingerprint {}",
            d.name,
            d.case,
            d.profile.as_str(),
            d.date,
            d.dossier_fingerprint.as_deref().unwrap_or("?")
        ))?;
    }
    if diff.from.profile != diff.to.profile {
        out.line(format!(
            "compared as the {} profile shows both: a withheld exhibit by its id, hash and size only",
            diff.compared_as.as_str()
        ))?;
    }
    let sections = diff.sections();
    if sections.is_empty() {
        return out.line("no changes: the same exhibits, subjects and events");
    }
    for section in sections {
        out.line("")?;
        out.line(format!("{} ({})", section.heading, section.lines.len()))?;
        for line in section.lines {
            out.line(format!("  {}", line.text))?;
            for detail in line.details {
                out.line(format!("      {detail}"))?;
            }
        }
    }
    Ok(())
}
