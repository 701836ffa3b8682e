//! `dossier subject add` and `dossier subject list`.

use std::path::Path;

use crate::case::SubjectKind;
use crate::case::edit::{SubjectEdit, edit_subject, remove_subject};
use crate::case::records::{SubjectSpec, add_subject};
use crate::case::{self, Workspace};
use crate::cli::args::{ListArgs, RetireArgs, SubjectAddArgs, SubjectEditArgs, SubjectFieldArgs};
use crate::cli::output::write_table;
use crate::error::Result;
use crate::template::Registry;

use super::{Outcome, Output, stdout_error};

pub fn add(root: &Path, args: Box<SubjectAddArgs>, out: &mut Output) -> Result<Outcome> {
    let mut ws = Workspace::open(root)?;
    let registry = Registry::for_case(root)?;
    let args = *args;
    let spec = spec(args.name, args.entity, args.fields);
    let id = add_subject(&mut ws.case, &registry, &spec)?;
    let case = ws.commit()?;
    let subject = case.subject(&id).expect("just added");
    out.line(format!("{id}  {}  {}", subject.kind.as_str(), subject.name))?;
    Ok(Outcome::Clean)
}

pub fn list(root: &Path, args: ListArgs, out: &mut Output) -> Result<Outcome> {
    let case = case::load(root)?;
    if args.json {
        return out.json(&case.subjects).map(|()| Outcome::Clean);
    }
    let rows: Vec<Vec<String>> = case
        .subjects
        .iter()
        .map(|s| {
            vec![
                s.id.clone(),
                s.kind.as_str().to_string(),
                s.name.clone(),
                s.name_original.clone().unwrap_or_default(),
                s.criteria
                    .iter()
                    .map(|c| format!("{}:{}", c.regime, c.clause))
                    .collect::<Vec<_>>()
                    .join(" "),
            ]
        })
        .collect();
    write_table(
        out.writer(),
        &["ID", "KIND", "NAME", "ORIGINAL SCRIPT", "CRITERIA"],
        &rows,
    )
    .map_err(stdout_error)?;
    Ok(Outcome::Clean)
}

pub fn edit(root: &Path, args: Box<SubjectEditArgs>, out: &mut Output) -> Result<Outcome> {
    let mut ws = Workspace::open(root)?;
    let registry = Registry::for_case(root)?;
    let f = args.fields;
    let edit = SubjectEdit {
        name: args.name,
        kind: match (args.entity, args.person) {
            (true, _) => Some(SubjectKind::Entity),
            (_, true) => Some(SubjectKind::Person),
            _ => None,
        },
        fields: spec(String::new(), false, f),
        add_criteria: args.add_criteria,
        remove_criteria: args.remove_criteria,
        remove_designations: args.remove_existing_designations,
    };
    let changes = edit_subject(&mut ws, &registry, &args.id, &edit)?;
    ws.commit()?;
    super::print_changes(out, &args.id, &changes)?;
    Ok(Outcome::Clean)
}

pub fn remove(root: &Path, args: RetireArgs, out: &mut Output) -> Result<Outcome> {
    let mut ws = Workspace::open(root)?;
    let changes = remove_subject(&mut ws, &args.id, &args.reason)?;
    ws.commit()?;
    for change in &changes {
        out.line(change.details())?;
    }
    out.line(format!("{}  removed (its id is not reused)", args.id))?;
    Ok(Outcome::Clean)
}

/// The subject's fields as the library takes them, from `subject add` or `subject edit`.
fn spec(name: String, entity: bool, f: SubjectFieldArgs) -> SubjectSpec {
    SubjectSpec {
        name,
        entity,
        original_script: f.original_script,
        transliterations: f.transliterations,
        aliases: f.aliases,
        born: f.born,
        birthplace: f.birthplace,
        gender: f.gender,
        nationalities: f.nationalities,
        positions: f.positions,
        id_documents: f.id_documents,
        addresses: f.addresses,
        associates: f.associates,
        criteria: f.criteria,
        argument: f.argument,
        exhibits: f.exhibits,
        nexus: f.nexus,
        exculpatory: f.exculpatory,
        surname: f.surname,
        given_names: f.given_names,
        assets: f.assets,
        existing_designations: f.existing_designations,
    }
}
