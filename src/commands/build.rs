//! `dossier build`: seal the case into a dossier.

use std::path::Path;

use chrono::{NaiveDate, Utc};

use crate::cli::BuildArgs;
use crate::error::{Error, Result};
use crate::output::human_bytes;
use crate::seal::{BuildOptions, build};

use super::{Outcome, Output, progress_bar};

pub fn run(root: &Path, args: BuildArgs, out: &mut Output) -> Result<Outcome> {
    let date = match &args.date {
        Some(text) => NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
            Error::input(
                format!("--date `{text}` is not a day"),
                "write it as YYYY-MM-DD, e.g. --date 2026-11-21",
            )
        })?,
        None => Utc::now().date_naive(),
    };
    let options = BuildOptions {
        // Like git -C, a relative --out is taken from the case folder.
        out_dir: root.join(args.out.as_deref().unwrap_or(Path::new("dossiers"))),
        profile: args.profile,
        date,
        force: args.force,
        unpacked: args.unpacked,
    };
    let progress = progress_bar();
    progress.set_message("sealing");
    let sealed = build(root, &options, &progress)?;
    progress.finish_and_clear();
    if args.json {
        out.json(&sealed)?;
        return Ok(Outcome::Clean);
    }
    out.line(format!("sealed {}", sealed.zip.display()))?;
    if let Some(folder) = &sealed.unpacked {
        out.line(format!("unpacked {}", folder.display()))?;
    }
    out.line(format!(
        "  {} exhibits ({} withheld), {} of payload",
        sealed.exhibits,
        sealed.withheld,
        human_bytes(sealed.payload_bytes)
    ))?;
    out.line(format!(
        "  dossier fingerprint  {}",
        sealed.dossier_fingerprint
    ))?;
    out.line(format!(
        "  exhibit fingerprint  {}",
        sealed.exhibit_fingerprint
    ))?;
    Ok(Outcome::Clean)
}
