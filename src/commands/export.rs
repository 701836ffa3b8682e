//! `dossier export`: the case's records for the tools investigators already use.

use std::io::Write;
use std::path::Path;

use crate::case;
use crate::cli::{ExportArgs, ExportFormat};
use crate::error::{Error, Result};
use crate::export::{ExhibitContent, ftm_entities, write_csv, write_ftm};
use crate::hash::{on_every_core, sha1_file};
use crate::intake::Locator;
use crate::template::Registry;

use super::{Outcome, Output, stdout_error};

pub fn run(root: &Path, args: ExportArgs, out: &mut Output) -> Result<Outcome> {
    let case_root = root.join(&args.path);
    if !case_root.join(case::CASE_FILE).exists() {
        return Err(Error::input(
            format!(
                "{} is not a case folder (it has no case.json)",
                case_root.display()
            ),
            "export from the case folder the dossier was built from",
        ));
    }
    let case = case::load(&case_root)?;
    let registry = Registry::for_case(&case_root)?;
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
    // FtM keys documents by SHA-1: computed now, several files at once. A missing file is
    // exported without it (`dossier check` reports it).
    let mut locator = Locator::new(&case_root)?;
    let located: Vec<(usize, std::path::PathBuf)> = case
        .exhibits
        .iter()
        .enumerate()
        .filter_map(|(i, e)| locator.locate(&e.path).ok().map(|p| (i, p)))
        .collect();
    let sha1s = on_every_core(&located, || (), |(), (_, path)| sha1_file(path).ok());
    let contents: Vec<ExhibitContent> = located
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
