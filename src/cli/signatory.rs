//! `dossier signatory add`.

use std::path::Path;

use crate::case::Workspace;
use crate::case::records::{SignatorySpec, add_signatory};
use crate::cli::args::SignatoryAddArgs;
use crate::error::Result;

use super::{Outcome, Output};

pub fn add(root: &Path, args: SignatoryAddArgs, out: &mut Output) -> Result<Outcome> {
    let mut ws = Workspace::open(root)?;
    let spec = SignatorySpec {
        name: args.name,
        role: args.role,
        country: args.country,
        contact: args.contact,
        email: args.email,
        phone: args.phone,
        description: args.description,
    };
    add_signatory(&mut ws.case, &spec)?;
    let case = ws.commit()?;
    let signatory = case.signatories.last().expect("just added");
    out.line(format!("{}  {}", signatory.name, signatory.role.as_str()))?;
    Ok(Outcome::Clean)
}
