//! `dossier export`: the case's records for the tools investigators already use.

use std::io::Write;
use std::path::Path;

use crate::case;
use crate::case::intake::Locator;
use crate::cli::args::{ExportArgs, ExportFormat};
use crate::dossier::verify::read_sealed_case;
use crate::error::{Error, Result};
use crate::export::{ExhibitContent, ftm_entities, write_csv, write_ftm};
use crate::hash::{on_every_core, sha1_file};
use crate::template::Registry;

use super::{Outcome, Output, stdout_error};

/// A case folder's records, and the SHA-1 of each exhibit file FtM keys documents by (computed
/// now, several files at once; a missing file is exported without it: `dossier check` reports it).
fn from_case(case_root: &Path) -> Result<(case::Case, Registry, Vec<ExhibitContent>)> {
    let case = case::load(case_root)?;
    let registry = Registry::for_case(case_root)?;
    let mut locator = Locator::new(case_root)?;
    let located: Vec<(usize, std::path::PathBuf)> = case
        .exhibits
        .iter()
        .enumerate()
        .filter_map(|(i, e)| locator.locate(&e.path).ok().map(|p| (i, p)))
        .collect();
    let sha1s = on_every_core(&located, || (), |(), (_, path)| sha1_file(path).ok());
    let contents = located
        .iter()
        .zip(sha1s)
        .map(|((i, _), sha1)| {
            let exhibit = &case.exhibits[*i];
            ExhibitContent {
                id: exhibit.id.clone(),
                file_name: exhibit
                    .path
                    .rsplit('/')
                    .next()
                    .unwrap_or(&exhibit.path)
                    .to_string(),
                sha1,
            }
        })
        .collect();
    Ok((case, registry, contents))
}

pub fn run(root: &Path, args: ExportArgs, out: &mut Output) -> Result<Outcome> {
    let path = root.join(&args.path);
    let (case, registry, contents) = if path.join(case::CASE_FILE).exists() {
        let _lock = super::hold_case(&path, crate::case::lock::Access::Read)?;
        from_case(&path)?
    } else if path.join("bagit.txt").exists() || path.is_file() {
        // A dossier: its sealed records, after it verifies intact.
        let progress = super::progress_bar();
        progress.set_message("verifying");
        let sealed = read_sealed_case(&path, &progress)?;
        progress.finish_and_clear();
        let contents = sealed
            .files
            .into_iter()
            .map(|(id, file_name, sha1)| ExhibitContent {
                id,
                file_name,
                sha1: Some(sha1),
            })
            .collect();
        (sealed.case, Registry::built_in(), contents)
    } else {
        return Err(Error::input(
            format!(
                "{} is neither a case folder (case.json) nor a dossier (bagit.txt or a .zip)",
                path.display()
            ),
            "give the case folder, or a dossier made by `dossier build`",
        ));
    };
    if args.format == ExportFormat::Csv {
        let dir = args.out.as_ref().ok_or_else(|| {
            Error::input(
                "--format csv needs --out DIR",
                "name the folder for the CSV files, e.g. --out lantern-csv",
            )
        })?;
        for path in write_csv(&case, &root.join(dir))? {
            out.line(format!("wrote {}", path.display()))?;
        }
        return Ok(Outcome::Clean);
    }
    let entities = ftm_entities(&case, &registry, &contents);
    match &args.out {
        Some(file) => {
            let path = root.join(file);
            let mut writer = std::io::BufWriter::new(
                std::fs::File::create(&path).map_err(|e| Error::io("create", &path, e))?,
            );
            write_ftm(&mut writer, &entities)
                .and_then(|()| writer.flush())
                .map_err(|e| Error::io("write", &path, e))?;
            out.line(format!(
                "wrote {} entities to {}",
                entities.len(),
                path.display()
            ))?;
        }
        None => write_ftm(out.writer(), &entities).map_err(stdout_error)?,
    }
    Ok(Outcome::Clean)
}
