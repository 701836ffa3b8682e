//! `dossier check`: the report, and a custody entry recording that the evidence was checked.

use std::path::Path;

use crate::case::Workspace;
use crate::case::check::{Evidence, check};
use crate::case::custody::Record;
use crate::cli::args::CheckArgs;
use crate::cli::output::write_report;
use crate::error::Result;
use crate::template::Registry;

use super::{Outcome, Output, progress_bar, stdout_error};

pub fn run(root: &Path, args: CheckArgs, out: &mut Output) -> Result<Outcome> {
    let mut ws = Workspace::open(root)?;
    let registry = Registry::for_case(root)?;
    let progress = progress_bar();
    progress.set_message("hashing exhibits");
    let report = check(
        root,
        &ws.case,
        &registry,
        ws.log(),
        Evidence::Hash,
        &progress,
    )?;
    progress.finish_and_clear();
    ws.record(Record {
        action: "check",
        exhibit: None,
        sha256: None,
        details: report.integrity_summary(),
    });
    ws.commit()?;
    if args.json {
        out.json(&report)?;
    } else {
        write_report(out.writer(), &report).map_err(stdout_error)?;
    }
    Ok(if report.has_errors() {
        Outcome::Problems
    } else {
        Outcome::Clean
    })
}
