//! One module per command: each turns its arguments into the library's specs, runs the core and
//! writes what the user reads. `run` dispatches.

pub mod args;
pub mod output;

mod addressee;
mod build;
mod check;
mod diff;
mod encrypt;
mod event;
mod exhibit;
mod export;
mod import;
mod init;
mod key;
mod sign;
mod signatory;
mod signatures;
mod status;
mod subject;
mod timestamp;
mod verify;

use std::io::Write;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::case::journal;
use crate::case::lock::{self, Access, Lock};
use crate::error::{Error, Result};
use args::{
    AddresseeCommand, Cli, Command, EventCommand, ExhibitCommand, KeyCommand, SignatoryCommand,
    SubjectCommand, TimestampCommand,
};

/// How a command that ran to its end went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Clean,
    /// A check found problems: exit 1.
    Problems,
}

/// Runs the command; what it reports goes to `out`, progress to the terminal's stderr.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<Outcome> {
    // An absolute case folder, so that paths under it compare as paths (no `./` prefixes).
    let root = cli.case.unwrap_or_else(|| PathBuf::from("."));
    let root = std::path::absolute(&root).map_err(|e| Error::io("resolve", &root, e))?;
    let mut out = Output(out);
    on_interrupt();
    // Held for the whole command; released when it returns (or by the system if it dies).
    let _lock = match access(&cli.command) {
        Some(access) => hold_case(&root, access)?,
        None => None,
    };
    match cli.command {
        Command::Init(args) => init::run(&root, args, &mut out),
        Command::Exhibit(ExhibitCommand::Add(args)) => exhibit::add(&root, args, &mut out),
        Command::Exhibit(ExhibitCommand::List(args)) => exhibit::list(&root, args, &mut out),
        Command::Exhibit(ExhibitCommand::Edit(args)) => exhibit::edit(&root, args, &mut out),
        Command::Exhibit(ExhibitCommand::Withdraw(args)) => {
            exhibit::withdraw(&root, args, &mut out)
        }
        Command::Subject(SubjectCommand::Add(args)) => subject::add(&root, args, &mut out),
        Command::Subject(SubjectCommand::List(args)) => subject::list(&root, args, &mut out),
        Command::Subject(SubjectCommand::Edit(args)) => subject::edit(&root, args, &mut out),
        Command::Subject(SubjectCommand::Remove(args)) => subject::remove(&root, args, &mut out),
        Command::Event(EventCommand::Add(args)) => event::add(&root, args, &mut out),
        Command::Event(EventCommand::List(args)) => event::list(&root, args, &mut out),
        Command::Event(EventCommand::Edit(args)) => event::edit(&root, args, &mut out),
        Command::Event(EventCommand::Remove(args)) => event::remove(&root, args, &mut out),
        Command::Signatory(SignatoryCommand::Add(args)) => signatory::add(&root, args, &mut out),
        Command::Signatory(SignatoryCommand::List(args)) => signatory::list(&root, args, &mut out),
        Command::Signatory(SignatoryCommand::Edit(args)) => signatory::edit(&root, args, &mut out),
        Command::Signatory(SignatoryCommand::Remove(args)) => {
            signatory::remove(&root, args, &mut out)
        }
        Command::Addressee(AddresseeCommand::Add(args)) => addressee::add(&root, args, &mut out),
        Command::Addressee(AddresseeCommand::List(args)) => addressee::list(&root, args, &mut out),
        Command::Import(args) => import::run(&root, args, &mut out),
        Command::Check(args) => check::run(&root, args, &mut out),
        Command::Build(args) => build::run(&root, args, &mut out),
        Command::Verify(args) => verify::run(&root, args, &mut out),
        Command::Diff(args) => diff::run(&root, args, &mut out),
        Command::Key(KeyCommand::Generate(args)) => key::generate(&root, args, &mut out),
        Command::Sign(args) => sign::run(&root, args, &mut out),
        Command::Signatures(command) => signatures::run(&root, command, &mut out),
        Command::Export(args) => export::run(&root, args, &mut out),
        Command::Encrypt(args) => encrypt::encrypt(&root, args, &mut out),
        Command::Decrypt(args) => encrypt::decrypt(&root, args, &mut out),
        Command::Status(args) => status::run(&root, args, &mut out),
        Command::Timestamp(TimestampCommand::Request(args)) => {
            timestamp::request(&root, args, &mut out)
        }
        Command::Timestamp(TimestampCommand::Add(args)) => timestamp::add(&root, args, &mut out),
    }
}

/// Prints each change as the custody log records it.
fn print_changes(out: &mut Output, id: &str, changes: &[crate::case::edit::Change]) -> Result<()> {
    if changes.is_empty() {
        return out.line(format!("{id}  unchanged: it already has these values"));
    }
    for change in changes {
        out.line(change.details())?;
    }
    Ok(())
}

/// The lock a command takes on the case: shared for one that only reads it, exclusive for one
/// that writes it (`check` appends to the custody log). `None`: the command locks what it
/// works on itself (`init`, `sign`, `signatures`, `export`, `timestamp`) or does not touch a case.
fn access(command: &Command) -> Option<Access> {
    match command {
        Command::Init(_)
        | Command::Verify(_)
        | Command::Diff(_)
        | Command::Key(_)
        | Command::Sign(_)
        | Command::Signatures(_)
        | Command::Encrypt(_)
        | Command::Decrypt(_)
        | Command::Timestamp(_)
        | Command::Export(_) => None,
        Command::Exhibit(ExhibitCommand::List(_))
        | Command::Subject(SubjectCommand::List(_))
        | Command::Event(EventCommand::List(_))
        | Command::Addressee(AddresseeCommand::List(_))
        | Command::Signatory(SignatoryCommand::List(_))
        | Command::Status(args::StatusArgs { command: None, .. })
        | Command::Build(_) => Some(Access::Read),
        // Anything else writes the case (a new command too, until it says otherwise).
        _ => Some(Access::Write),
    }
}

/// Locks the case in `root` (if there is one), telling on stderr while waiting; first finishes
/// what a killed command left (a commit, temporary files), under an exclusive lock.
fn hold_case(root: &Path, access: Access) -> Result<Option<Lock>> {
    if !root.join(crate::case::CASE_FILE).exists() {
        return Ok(None); // the command says there is no case
    }
    if access == Access::Read && !journal::needs_recovery(root) {
        return lock_case(root, access);
    }
    let held = lock_case(root, Access::Write)?;
    let recovery = journal::recover(root)?;
    if recovery.finished {
        eprintln!("finished the command that was interrupted on this case");
    }
    if !recovery.removed.is_empty() {
        eprintln!(
            "removed {} left by an interrupted command",
            crate::display::plural(recovery.removed.len(), "temporary file")
        );
    }
    if access == Access::Read {
        drop(held);
        return lock_case(root, access);
    }
    Ok(held)
}

/// Locks the case folder `root`, telling on stderr while waiting.
fn lock_case(root: &Path, access: Access) -> Result<Option<Lock>> {
    let mut waiting = || eprintln!("waiting for another dossier command on this case...");
    lock::lock_case(
        root,
        access,
        &command_line(),
        lock::timeout_from_env(),
        &mut waiting,
    )
}

/// Locks a sealed dossier (zip or folder) while a command rewrites it, telling on stderr while
/// waiting: two rewrites at once would each start from the other's.
fn lock_dossier(dossier: &Path) -> Result<Option<Lock>> {
    let mut waiting = || eprintln!("waiting for another dossier command on this dossier...");
    lock::lock_dossier(
        dossier,
        &command_line(),
        lock::timeout_from_env(),
        &mut waiting,
    )
}

/// This command as typed, to name the holder of a lock.
fn command_line() -> String {
    std::env::args().collect::<Vec<_>>().join(" ")
}

/// On Ctrl-C (or a termination request) the command's temporary files are removed before it
/// ends; a commit already past its point of no return is let finish first (`disk::critical`).
fn on_interrupt() {
    // Set once per process; a second call (tests running `run` twice) keeps the first handler.
    let _ = ctrlc::set_handler(|| {
        let _held = crate::disk::remove_tracked_files();
        std::process::exit(130);
    });
}

/// Standard output; a failed write is an error naming it.
struct Output<'a>(&'a mut dyn Write);

impl Output<'_> {
    fn line(&mut self, text: impl std::fmt::Display) -> Result<()> {
        writeln!(self.0, "{text}").map_err(stdout_error)
    }

    fn json(&mut self, value: &impl serde::Serialize) -> Result<()> {
        serde_json::to_writer_pretty(&mut self.0, value).map_err(|e| stdout_error(e.into()))?;
        self.line("")
    }

    fn writer(&mut self) -> &mut dyn Write {
        self.0
    }
}

fn stdout_error(e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return Error::OutputClosed;
    }
    Error::io("write to", Path::new("standard output"), e)
}

/// The passphrase of a key: `DOSSIER_PASSPHRASE`, else asked on the terminal (`confirm`: twice).
fn passphrase(prompt: &str, confirm: bool) -> Result<Option<String>> {
    if let Ok(value) = std::env::var(crate::dossier::sshsig::PASSPHRASE_VAR)
        && !value.is_empty()
    {
        return Ok(Some(value));
    }
    if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        return Ok(None);
    }
    let first = rpassword::prompt_password(prompt)
        .map_err(|e| Error::io("read the passphrase from", Path::new("the terminal"), e))?;
    if confirm {
        let second = rpassword::prompt_password("again: ")
            .map_err(|e| Error::io("read the passphrase from", Path::new("the terminal"), e))?;
        if first != second {
            return Err(Error::input(
                "the two passphrases differ",
                "run the command again and type the same passphrase twice",
            ));
        }
    }
    Ok(Some(first))
}

/// A day given as `--date`, or today (UTC).
fn day(text: Option<&str>) -> Result<chrono::NaiveDate> {
    match text {
        Some(text) => chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
            Error::input(
                format!("--date `{text}` is not a day"),
                "write it as YYYY-MM-DD, e.g. --date 2026-11-21",
            )
        }),
        None => Ok(chrono::Utc::now().date_naive()),
    }
}

/// A byte-counting progress bar on stderr, drawn only on a terminal.
fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{msg} {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} {eta}",
        )
        .expect("the template is valid"),
    );
    bar
}
