//! `dossier status [add|remove]`: the filing record, per regime.

use std::path::Path;

use serde::Serialize;

use crate::case::filing::{FilingSpec, add_entry, remove_entry, trails};
use crate::case::{self, FiledDossier, FilingEntry, FilingState, Workspace};
use crate::cli::args::{RetireArgs, StatusAddArgs, StatusArgs, StatusCommand};
use crate::dossier::verify::verify;
use crate::error::{Error, Result};

use super::{Outcome, Output, progress_bar};

pub fn run(root: &Path, args: StatusArgs, out: &mut Output) -> Result<Outcome> {
    match args.command {
        Some(StatusCommand::Add(add_args)) => add(root, add_args, out),
        Some(StatusCommand::Remove(remove_args)) => remove(root, remove_args, out),
        None => show(root, args.json, out),
    }
}

fn add(root: &Path, args: StatusAddArgs, out: &mut Output) -> Result<Outcome> {
    let mut ws = Workspace::open(root)?;
    let spec = FilingSpec {
        state: args.state.into(),
        regime: args.regime,
        date: args.date,
        dossier: args.dossier,
        reference: args.reference,
        note: args.note,
    };
    let case_id = ws.case.id.clone();
    let today = chrono::Utc::now().date_naive();
    let entry = add_entry(&mut ws, &spec, today, |path| {
        filed_dossier(&root.join(path), &case_id)
    })?;
    ws.commit()?;
    out.line(format!(
        "{}  {} {} on {}",
        entry.id,
        entry.regime,
        entry.state.as_str(),
        entry.date
    ))?;
    write_details(out, &entry, "  ")?;
    Ok(Outcome::Clean)
}

fn remove(root: &Path, args: RetireArgs, out: &mut Output) -> Result<Outcome> {
    let mut ws = Workspace::open(root)?;
    let today = chrono::Utc::now().date_naive();
    let entry = remove_entry(&mut ws, &args.id, &args.reason, today)?;
    ws.commit()?;
    out.line(format!(
        "{}  removed ({} {} on {})",
        entry.id,
        entry.regime,
        entry.state.as_str(),
        entry.date
    ))?;
    Ok(Outcome::Clean)
}

/// One regime's trail, as `status --json` prints it.
#[derive(Serialize)]
struct Trail<'a> {
    regime: &'a str,
    /// The state of the latest entry, if any.
    current: Option<FilingState>,
    entries: Vec<&'a FilingEntry>,
}

fn show(root: &Path, json: bool, out: &mut Output) -> Result<Outcome> {
    let case = case::load(root)?;
    let trails: Vec<Trail> = trails(&case)
        .into_iter()
        .map(|(regime, entries)| Trail {
            regime,
            current: entries.last().map(|e| e.state),
            entries,
        })
        .collect();
    if json {
        return out.json(&trails).map(|()| Outcome::Clean);
    }
    for (i, trail) in trails.iter().enumerate() {
        if i > 0 {
            out.line("")?;
        }
        let Some(current) = trail.current else {
            out.line(format!("{}: nothing recorded yet", trail.regime))?;
            continue;
        };
        out.line(format!("{}: {}", trail.regime, current.as_str()))?;
        for entry in &trail.entries {
            out.line(format!(
                "  {}  {:<12}  {}",
                entry.date,
                entry.state.as_str(),
                entry.id
            ))?;
            write_details(out, entry, "      ")?;
        }
    }
    if trails.is_empty() {
        out.line("the case targets no regime: nothing to record")?;
    }
    Ok(Outcome::Clean)
}

/// The dossier, reference and note of an entry, one a line.
fn write_details(out: &mut Output, entry: &FilingEntry, indent: &str) -> Result<()> {
    if let Some(dossier) = &entry.dossier {
        match &dossier.sealed {
            Some(sealed) => out.line(format!(
                "{indent}dossier      {} (sealed {sealed})",
                dossier.file
            ))?,
            None => out.line(format!("{indent}dossier      {}", dossier.file))?,
        }
        out.line(format!("{indent}fingerprint  {}", dossier.fingerprint))?;
    }
    if let Some(reference) = &entry.reference {
        out.line(format!("{indent}ref          {reference}"))?;
    }
    if let Some(note) = &entry.note {
        out.line(format!("{indent}note         {note}"))?;
    }
    Ok(())
}

/// The dossier at `path`, verified: intact, not a draft, and of the case `case_id`.
fn filed_dossier(path: &Path, case_id: &str) -> Result<FiledDossier> {
    let progress = progress_bar();
    progress.set_message("verifying the dossier");
    let report = verify(path, None, &progress)?;
    progress.finish_and_clear();
    let shown = path.display();
    if !report.intact {
        return Err(Error::input(
            format!("{shown} is not intact: it cannot go into the filing record"),
            format!(
                "run `dossier verify {shown}` to see its problems, and give an intact copy of \
                 the dossier that was sent"
            ),
        ));
    }
    if report.draft {
        return Err(Error::input(
            format!("{shown} is a draft (built with check errors), not for filing"),
            "give the dossier that was sent: build one without --draft once `dossier check` \
             passes",
        ));
    }
    if report.case.as_deref() != Some(case_id) {
        return Err(Error::input(
            format!(
                "{shown} is a dossier of the case {}, not of this case ({case_id})",
                report.case.as_deref().unwrap_or("(none named)")
            ),
            "give a dossier built from this case (`dossier build` writes them to dossiers/)",
        ));
    }
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| report.bag.clone());
    let fingerprint = report
        .dossier_fingerprint
        .expect("an intact dossier has a manifest");
    // An intact dossier's Bagging-Date is the date its dossier.json gives, written by `build`.
    let sealed = report.sealed.as_deref().and_then(|d| d.parse().ok());
    Ok(FiledDossier {
        file,
        fingerprint,
        sealed,
    })
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use crate::cli::args::Cli;

    /// `status`, `status add` and `status remove` each have an example, and every line after the
    /// options fits 80 columns as written (clap would rewrap a longer one, breaking examples).
    #[test]
    fn status_help_has_examples_within_80_columns() {
        let mut cli = Cli::command();
        cli.build();
        let status = cli.find_subcommand("status").expect("the status command");
        let mut commands = vec![status.clone()];
        commands.extend(
            status
                .get_subcommands()
                .filter(|c| c.get_name() != "help")
                .cloned(),
        );
        assert_eq!(commands.len(), 3);
        for command in commands {
            let after = command
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            assert!(
                after.starts_with("Example:\n  dossier status"),
                "{}: {after}",
                command.get_name()
            );
            for line in after.lines() {
                assert!(line.chars().count() <= 80, "over 80 columns: {line}");
            }
        }
    }
}
