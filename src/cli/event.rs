//! `dossier event add` and `dossier event list`.

use std::path::Path;

use crate::case::edit::{EventEdit, edit_event, remove_event};
use crate::case::records::{EventSpec, add_event};
use crate::case::{self, Event, Workspace};
use crate::cli::args::{EventAddArgs, EventEditArgs, ListArgs, RetireArgs};
use crate::cli::output::write_table;
use crate::error::Result;

use super::{Outcome, Output, stdout_error};

pub fn add(root: &Path, args: EventAddArgs, out: &mut Output) -> Result<Outcome> {
    let mut ws = Workspace::open(root)?;
    let spec = EventSpec {
        date: args.date,
        title: args.title,
        description: args.description,
        location: args.location,
        subjects: args.subjects,
        exhibits: args.exhibits,
    };
    let id = add_event(&mut ws.case, &spec)?;
    let case = ws.commit()?;
    let event = case.event(&id).expect("just added");
    out.line(format!("{id}  {}  {}", event.date, event.title))?;
    Ok(Outcome::Clean)
}

/// The timeline in date order (events of the same dates in id order).
pub fn list(root: &Path, args: ListArgs, out: &mut Output) -> Result<Outcome> {
    let case = case::load(root)?;
    let mut events: Vec<&Event> = case.events.iter().collect();
    events.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.id.cmp(&b.id)));
    if args.json {
        return out.json(&events).map(|()| Outcome::Clean);
    }
    let rows: Vec<Vec<String>> = events
        .iter()
        .map(|e| {
            vec![
                e.id.clone(),
                e.date.to_string(),
                e.subjects
                    .iter()
                    .map(|s| s.subject.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
                e.exhibits.join(","),
                e.title.clone(),
            ]
        })
        .collect();
    write_table(
        out.writer(),
        &["ID", "DATE", "SUBJECTS", "EXHIBITS", "TITLE"],
        &rows,
    )
    .map_err(stdout_error)?;
    Ok(Outcome::Clean)
}

pub fn edit(root: &Path, args: EventEditArgs, out: &mut Output) -> Result<Outcome> {
    let mut ws = Workspace::open(root)?;
    let edit = EventEdit {
        date: args.date,
        title: args.title,
        description: args.description,
        location: args.location,
        add_subjects: args.add_subjects,
        remove_subjects: args.remove_subjects,
        add_exhibits: args.add_exhibits,
        remove_exhibits: args.remove_exhibits,
    };
    let changes = edit_event(&mut ws, &args.id, &edit)?;
    ws.commit()?;
    super::print_changes(out, &args.id, &changes)?;
    Ok(Outcome::Clean)
}

pub fn remove(root: &Path, args: RetireArgs, out: &mut Output) -> Result<Outcome> {
    let mut ws = Workspace::open(root)?;
    remove_event(&mut ws, &args.id, &args.reason)?;
    ws.commit()?;
    out.line(format!("{}  removed (its id is not reused)", args.id))?;
    Ok(Outcome::Clean)
}
