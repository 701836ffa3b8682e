//! `dossier build`: seal the case into a dossier.

use std::path::Path;

use crate::cli::args::BuildArgs;
use crate::display::human_bytes;
use crate::error::Result;
use crate::seal::{BuildOptions, build};

use super::{Outcome, Output, day, progress_bar};

pub fn run(root: &Path, args: BuildArgs, out: &mut Output) -> Result<Outcome> {
    let date = day(args.date.as_deref())?;
    let options = BuildOptions {
        // Like git -C, a relative --out is taken from the case folder.
        out_dir: root.join(args.out.as_deref().unwrap_or(Path::new("dossiers"))),
        profile: args.profile.into(),
        date,
        force: args.force,
        unpacked: args.unpacked,
        // Like --out, a relative font path is taken from the case folder.
        fonts: args.font.iter().map(|f| root.join(f)).collect(),
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
