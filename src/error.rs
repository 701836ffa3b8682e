//! The one error type of the library: everything a user or the machine can get wrong that stops a
//! command (exit 2). Integrity problems found by `check` are not errors: they are findings in a
//! report (see `check`).

use std::io;
use std::path::{Path, PathBuf};

/// Every error names what went wrong, where, and what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An I/O failure, with the path and what was being done (and, for a full disk, what to do).
    #[error("cannot {action} {}: {source}{}", path.display(), io_fix(source))]
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },

    /// `case.json` (or a template) is not valid JSON or does not fit the schema.
    #[error(
        "{}:{line}:{column}: {message}\n  fix the file at that line and column (or restore it from a backup or version control)",
        path.display()
    )]
    Json {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },

    /// No case where one was expected.
    #[error(
        "no case found in {}: there is no case.json\n  run `dossier init {}` to start a case there, or name the case folder with -C DIR",
        path.display(),
        path.display()
    )]
    NoCase { path: PathBuf },

    /// A regime id that no template describes.
    #[error(
        "unknown regime `{id}`\n  known regimes: {known}\n  (a regime is added by putting a template file <id>.json into the case's templates/ folder)"
    )]
    UnknownRegime { id: String, known: String },

    /// A reference to a subject, event or exhibit that the case does not have.
    #[error("{context}: unknown {kind} `{id}`\n  {hint}")]
    UnknownId {
        context: String,
        kind: &'static str,
        id: String,
        hint: String,
    },

    /// Any other bad input: the message says what and where, the fix says what to do.
    #[error("{message}\n  {fix}")]
    Input { message: String, fix: String },

    /// Standard output was closed by its reader (`dossier exhibit list | head -1`): the command
    /// stops where it is and exits quietly, as coreutils and ripgrep do.
    #[error("standard output was closed")]
    OutputClosed,
}

/// What to do about an I/O error the user can fix: a full disk, a quota.
fn io_fix(source: &io::Error) -> &'static str {
    if crate::disk::is_disk_full(source) {
        "\n  the disk is full: free some space on it, then run the command again (what this \
         command had begun to write was taken back)"
    } else {
        ""
    }
}

impl Error {
    /// An I/O error on `path` while doing `action` ("read", "create", ...).
    pub fn io(action: &'static str, path: impl AsRef<Path>, source: io::Error) -> Error {
        Error::Io {
            action,
            path: path.as_ref().to_path_buf(),
            source,
        }
    }

    /// A bad-input error with its fix.
    pub fn input(message: impl Into<String>, fix: impl Into<String>) -> Error {
        Error::Input {
            message: message.into(),
            fix: fix.into(),
        }
    }

    /// A JSON syntax or schema error in the file at `path`.
    pub fn json(path: impl AsRef<Path>, err: &serde_json::Error) -> Error {
        // serde_json appends " at line L column C" to its message; we print the position first.
        let message = err.to_string();
        let message = match message.rfind(" at line ") {
            Some(at) => message[..at].to_string(),
            None => message,
        };
        Error::Json {
            path: path.as_ref().to_path_buf(),
            line: err.line(),
            column: err.column(),
            message,
        }
    }

    /// Prefixes the message with where the bad input came from (a CSV row, say).
    pub fn within(self, place: &str) -> Error {
        match self {
            Error::Input { message, fix } => Error::Input {
                message: format!("{place}: {message}"),
                fix,
            },
            Error::UnknownId {
                context,
                kind,
                id,
                hint,
            } => Error::UnknownId {
                context: format!("{place}: {context}"),
                kind,
                id,
                hint,
            },
            Error::UnknownRegime { id, known } => Error::Input {
                message: format!("{place}: unknown regime `{id}`"),
                fix: format!("known regimes: {known}"),
            },
            other => other,
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
