//! `dossier build`: seal the case into a dossier.

use std::path::Path;

use crate::case::check::{Evidence, check};
use crate::case::custody::{self, Log};
use crate::cli::args::BuildArgs;
use crate::cli::output::write_build_refusal;
use crate::display::human_bytes;
use crate::error::{Error, Result};
use crate::seal::{BuildOptions, build};
use crate::template::Registry;

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
        draft: args.draft,
        // Like --out, a relative path is taken from the case folder.
        supplements: args.supplements.as_deref().map(|p| root.join(p)),
    };
    let progress = progress_bar();
    // A referral `check` calls broken is not sealed for filing. The rules run on the case as it
    // is; the evidence is only located here, because sealing hashes every exhibit again.
    let case = crate::case::load(root)?;
    let log = Log::read(&root.join(custody::FILE))?;
    let mut report = check(
        root,
        &case,
        &Registry::for_case(root)?,
        &log,
        Evidence::Locate,
        &progress,
    )?;
    report.add(super::check::font_findings(root, &case, &options.fonts)?);
    if report.has_errors() && !args.draft {
        progress.finish_and_clear();
        if args.json {
            out.json(&report)?;
        } else {
            // Why nothing was built is an error message: standard error, even when piped.
            write_build_refusal(&mut std::io::stderr().lock(), &report)
                .map_err(|e| Error::io("write to", Path::new("standard error"), e))?;
        }
        return Ok(Outcome::Problems);
    }
    // Only the count of errors is needed past here: the log and the findings (100,000 of each
    // for as many exhibits) are not held while the dossier is sealed.
    let errors = report.errors;
    drop((log, report));
    progress.set_message("sealing");
    let sealed = build(root, &case, &options, &progress)?;
    progress.finish_and_clear();
    if args.json {
        out.json(&sealed)?;
        return Ok(Outcome::Clean);
    }
    out.line(format!("sealed {}", sealed.zip.display()))?;
    if args.draft {
        out.line(format!(
            "  DRAFT - NOT FOR FILING ({} found by `dossier check`)",
            crate::display::plural(errors, "error")
        ))?;
    }
    if let Some(folder) = &sealed.unpacked {
        out.line(format!("unpacked {}", folder.display()))?;
    }
    if let Some(earlier) = &sealed.supplements {
        out.line(format!(
            "  supplements {} (sealed {}, dossier fingerprint {})",
            earlier.name, earlier.date, earlier.dossier_fingerprint
        ))?;
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
