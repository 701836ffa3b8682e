//! `dossier exhibit add` and `dossier exhibit list`.

use std::path::Path;

use serde::Serialize;

use crate::case::edit::{ExhibitEdit, edit_exhibit, withdraw_exhibit};
use crate::case::intake::{ExhibitSpec, add_exhibits};
use crate::case::{self, Exhibit, Workspace};
use crate::cli::args::{ExhibitAddArgs, ExhibitEditArgs, ListArgs, RetireArgs};
use crate::cli::output::write_table;
use crate::error::Result;

use super::{Outcome, Output, progress_bar, stdout_error};

pub fn add(root: &Path, args: Box<ExhibitAddArgs>, out: &mut Output) -> Result<Outcome> {
    let mut ws = Workspace::open(root)?;
    let spec = ExhibitSpec {
        title: args.meta.title,
        description: args.meta.description,
        source: args.meta.source,
        obtained: args.meta.obtained,
        source_url: args.meta.source_url,
        confidential_source: args.meta.confidential_source,
        collected_by: args.meta.collected_by,
        collected_at: args.meta.collected_at,
        language: args.meta.language,
        confidential: args.meta.confidential,
        events: args.meta.events,
    };
    let progress = progress_bar();
    progress.set_message("hashing");
    let intake = add_exhibits(&mut ws, &args.paths, &spec, &progress)?;
    progress.finish_and_clear();
    ws.commit()?;
    for added in &intake.added {
        let copied = match &added.copied_from {
            Some(original) => format!(" (copied from {}, copy verified)", original.display()),
            None => String::new(),
        };
        out.line(format!(
            "{}  evidence/{}  sha256 {}  {} bytes{copied}",
            added.id, added.path, added.sha256, added.size
        ))?;
    }
    for change in &intake.linked {
        out.line(change.details())?;
    }
    for (path, id) in &intake.skipped {
        out.line(format!(
            "{id}  evidence/{path}  already registered, unchanged"
        ))?;
    }
    Ok(Outcome::Clean)
}

/// An exhibit with the events it supports, for `--json`.
#[derive(Serialize)]
struct Listed<'a> {
    #[serde(flatten)]
    exhibit: &'a Exhibit,
    events: Vec<&'a str>,
}

pub fn list(root: &Path, args: ListArgs, out: &mut Output) -> Result<Outcome> {
    let case = case::load(root)?;
    let listed: Vec<Listed> = case
        .exhibits
        .iter()
        .map(|exhibit| Listed {
            exhibit,
            events: case.events_of(&exhibit.id).map(|e| e.id.as_str()).collect(),
        })
        .collect();
    if args.json {
        return out.json(&listed).map(|()| Outcome::Clean);
    }
    let rows: Vec<Vec<String>> = listed
        .iter()
        .map(|l| {
            let e = l.exhibit;
            vec![
                e.id.clone(),
                format!("evidence/{}", e.path),
                e.size.to_string(),
                e.media_type.clone(),
                e.sha256[..12.min(e.sha256.len())].to_string(),
                l.events.join(","),
                e.title.clone().unwrap_or_default(),
            ]
        })
        .collect();
    write_table(
        out.writer(),
        &["ID", "PATH", "BYTES", "TYPE", "SHA256", "EVENTS", "TITLE"],
        &rows,
    )
    .map_err(stdout_error)?;
    Ok(Outcome::Clean)
}

pub fn edit(root: &Path, args: Box<ExhibitEditArgs>, out: &mut Output) -> Result<Outcome> {
    let mut ws = Workspace::open(root)?;
    let either = |yes: bool, no: bool| (yes || no).then_some(yes);
    let edit = ExhibitEdit {
        title: args.meta.title,
        description: args.meta.description,
        source: args.meta.source,
        obtained: args.meta.obtained,
        source_url: args.meta.source_url,
        collected_by: args.meta.collected_by,
        collected_at: args.meta.collected_at,
        language: args.meta.language,
        confidential: either(args.meta.confidential, args.public),
        confidential_source: either(args.meta.confidential_source, args.public_source),
        events: args.meta.events,
    };
    let changes = edit_exhibit(&mut ws, &args.id, &edit)?;
    ws.commit()?;
    super::print_changes(out, &args.id, &changes)?;
    Ok(Outcome::Clean)
}

pub fn withdraw(root: &Path, args: RetireArgs, out: &mut Output) -> Result<Outcome> {
    let mut ws = Workspace::open(root)?;
    let changes = withdraw_exhibit(&mut ws, &args.id, &args.reason)?;
    ws.commit()?;
    for change in &changes {
        out.line(change.details())?;
    }
    out.line(format!(
        "{}  withdrawn: later dossiers leave it out; its file stays in evidence/ and its id is not reused",
        args.id
    ))?;
    Ok(Outcome::Clean)
}
