//! `dossier subject add` and `dossier subject list`.

use std::path::Path;

use crate::case::records::{SubjectSpec, add_subject};
use crate::case::{self, Workspace};
use crate::cli::args::{ListArgs, SubjectAddArgs};
use crate::cli::output::write_table;
use crate::error::Result;
use crate::template::Registry;

use super::{Outcome, Output, stdout_error};

pub fn add(root: &Path, args: Box<SubjectAddArgs>, out: &mut Output) -> Result<Outcome> {
    let mut ws = Workspace::open(root)?;
    let registry = Registry::for_case(root)?;
    let spec = SubjectSpec {
        name: args.name,
        entity: args.entity,
        original_script: args.original_script,
        transliterations: args.transliterations,
        aliases: args.aliases,
        born: args.born,
        birthplace: args.birthplace,
        gender: args.gender,
        nationalities: args.nationalities,
        positions: args.positions,
        id_documents: args.id_documents,
        addresses: args.addresses,
        associates: args.associates,
        criteria: args.criteria,
        argument: args.argument,
        exhibits: args.exhibits,
        nexus: args.nexus,
        exculpatory: args.exculpatory,
        surname: args.surname,
        given_names: args.given_names,
        assets: args.assets,
    };
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
