//! `dossier import FILE.csv --as exhibits|subjects|events`.

use std::path::Path;

use crate::case::Workspace;
use crate::case::import::import;
use crate::cli::args::ImportArgs;
use crate::error::Result;
use crate::template::Registry;

use super::{Outcome, Output, progress_bar};

pub fn run(root: &Path, args: ImportArgs, out: &mut Output) -> Result<Outcome> {
    let mut ws = Workspace::open(root)?;
    let registry = Registry::for_case(root)?;
    let progress = progress_bar();
    progress.set_message("hashing");
    // Like git -C, the CSV's path is taken from the case folder when relative.
    let ids = import(
        &mut ws,
        &registry,
        &root.join(&args.file),
        args.kind.into(),
        &progress,
    )?;
    progress.finish_and_clear();
    ws.commit()?;
    out.line(format!(
        "imported {} rows from {}: {}",
        ids.len(),
        args.file.display(),
        ids.join(", ")
    ))?;
    Ok(Outcome::Clean)
}
