//! `dossier import FILE.csv --as exhibits|subjects|events`.

use std::path::Path;

use crate::case::Workspace;
use crate::case::import::import;
use crate::cli::args::ImportArgs;
use crate::error::{Error, Result};
use crate::template::Registry;

use super::{Outcome, Output, progress_bar};

pub fn run(root: &Path, args: ImportArgs, out: &mut Output) -> Result<Outcome> {
    let mut ws = Workspace::open(root)?;
    let registry = Registry::for_case(root)?;
    let progress = progress_bar();
    progress.set_message("hashing");
    // `-` is standard input; like git -C, a relative path is taken from the case folder.
    let ids = if args.file.as_os_str() == "-" {
        let stdin = std::io::stdin().lock();
        import(
            &mut ws,
            &registry,
            stdin,
            "standard input",
            args.kind.into(),
            &progress,
        )?
    } else {
        let path = root.join(&args.file);
        let file = std::fs::File::open(&path).map_err(|e| Error::io("read", &path, e))?;
        let shown = path.display().to_string();
        import(
            &mut ws,
            &registry,
            file,
            &shown,
            args.kind.into(),
            &progress,
        )?
    };
    progress.finish_and_clear();
    ws.commit()?;
    let from = if args.file.as_os_str() == "-" {
        "standard input".to_string()
    } else {
        args.file.display().to_string()
    };
    out.line(format!(
        "imported {} rows from {from}: {}",
        ids.len(),
        ids.join(", ")
    ))?;
    Ok(Outcome::Clean)
}
