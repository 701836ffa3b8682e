//! `dossier signatory add`.

use std::path::Path;

use crate::case::Workspace;
use crate::case::edit::{SignatoryEdit, edit_signatory, remove_signatory};
use crate::case::records::{SignatorySpec, add_signatory};
use crate::cli::args::{
    ListArgs, SignatoryAddArgs, SignatoryDetailArgs, SignatoryEditArgs, SignatoryRemoveArgs,
};
use crate::cli::output::write_table;
use crate::error::Result;

use super::{Outcome, Output};

pub fn add(root: &Path, args: SignatoryAddArgs, out: &mut Output) -> Result<Outcome> {
    let mut ws = Workspace::open(root)?;
    let spec = spec_of(args.name, args.details);
    add_signatory(&mut ws.case, &spec)?;
    let case = ws.commit()?;
    let signatory = case.signatories.last().expect("just added");
    out.line(format!("{}  {}", signatory.name, signatory.role.as_str()))?;
    Ok(Outcome::Clean)
}

/// The signatory's details as `add` and `edit` take them (an empty name: unchanged by `edit`).
fn spec_of(name: String, details: SignatoryDetailArgs) -> SignatorySpec {
    SignatorySpec {
        name,
        role: details.role,
        country: details.country,
        contact: details.contact,
        email: details.email,
        phone: details.phone,
        description: details.description,
    }
}

pub fn list(root: &Path, args: ListArgs, out: &mut Output) -> Result<Outcome> {
    let case = crate::case::load(root)?;
    if args.json {
        return out.json(&case.signatories).map(|()| Outcome::Clean);
    }
    let rows: Vec<Vec<String>> = case
        .signatories
        .iter()
        .map(|s| {
            let text = |t: &Option<String>| t.clone().unwrap_or_default();
            vec![
                s.name.clone(),
                s.role.as_str().to_string(),
                text(&s.country),
                text(&s.contact),
                text(&s.email),
            ]
        })
        .collect();
    write_table(
        out.writer(),
        &["NAME", "ROLE", "COUNTRY", "CONTACT", "EMAIL"],
        &rows,
    )
    .map_err(super::stdout_error)?;
    Ok(Outcome::Clean)
}

pub fn edit(root: &Path, args: SignatoryEditArgs, out: &mut Output) -> Result<Outcome> {
    let mut ws = Workspace::open(root)?;
    let edit = SignatoryEdit {
        spec: spec_of(args.new_name.unwrap_or_default(), args.details),
    };
    let changes = edit_signatory(&mut ws, &args.name, &edit)?;
    ws.commit()?;
    super::print_changes(out, &args.name, &changes)?;
    Ok(Outcome::Clean)
}

pub fn remove(root: &Path, args: SignatoryRemoveArgs, out: &mut Output) -> Result<Outcome> {
    let mut ws = Workspace::open(root)?;
    let name = remove_signatory(&mut ws, &args.name, args.reason.as_deref())?;
    ws.commit()?;
    out.line(format!("{name}  removed"))?;
    Ok(Outcome::Clean)
}
