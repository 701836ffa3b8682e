//! `dossier addressee add|list`: who each regime's cover letter is addressed to.

use std::path::Path;

use crate::case::records::{AddresseeSpec, add_addressee};
use crate::case::{self, Workspace};
use crate::cli::args::{AddresseeAddArgs, ListArgs};
use crate::cli::output::write_table;
use crate::error::Result;
use crate::template::Registry;

use super::{Outcome, Output, stdout_error};

pub fn add(root: &Path, args: AddresseeAddArgs, out: &mut Output) -> Result<Outcome> {
    let mut ws = Workspace::open(root)?;
    let registry = Registry::for_case(root)?;
    let spec = AddresseeSpec {
        name: args.name,
        regime: args.regime,
        title: args.title,
        organisation: args.organisation,
        address: args.address,
    };
    add_addressee(&mut ws.case, &registry, &spec)?;
    let case = ws.commit()?;
    let addressee = case.addressees.last().expect("just added");
    out.line(format!("{}  {}", addressee.regime, addressee.name))?;
    Ok(Outcome::Clean)
}

pub fn list(root: &Path, args: ListArgs, out: &mut Output) -> Result<Outcome> {
    let case = case::load(root)?;
    if args.json {
        return out.json(&case.addressees).map(|()| Outcome::Clean);
    }
    let rows: Vec<Vec<String>> = case
        .addressees
        .iter()
        .map(|a| {
            vec![
                a.regime.clone(),
                a.name.clone(),
                a.title.clone().unwrap_or_default(),
                a.organisation.clone().unwrap_or_default(),
            ]
        })
        .collect();
    write_table(
        out.writer(),
        &["REGIME", "NAME", "TITLE", "ORGANISATION"],
        &rows,
    )
    .map_err(stdout_error)?;
    Ok(Outcome::Clean)
}
