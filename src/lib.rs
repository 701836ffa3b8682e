//! dossier: turns a case folder (evidence, timeline, subjects, narrative) into a sealed,
//! SHA-256-verified dossier for a Magnitsky-style sanctions referral.
//!
//! The pipeline, one module per step: `case` (case.json) -> `intake` (exhibits, hashes) and
//! `records` (subjects, events, signatories) -> `custody` (the chain-of-custody log) ->
//! `check` against the regime `template`s -> `seal` (the BagIt bag in a zip, with the PDF
//! submissions from `render`) -> `verify` -> `sign`, and `export` for other tools. `cli` and
//! `commands` are the command line on top.

pub mod archive;
pub mod bag;
pub mod case;
pub mod check;
pub mod cli;
pub mod commands;
pub mod custody;
pub mod date;
pub mod error;
pub mod export;
pub mod hash;
pub mod import;
pub mod intake;
pub mod output;
pub mod records;
pub mod render;
pub mod seal;
pub mod sign;
pub mod signature;
pub mod template;
pub mod verify;

pub use error::{Error, Result};
