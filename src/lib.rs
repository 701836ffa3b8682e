//! dossier: turns a case folder (evidence, timeline, subjects, narrative) into a sealed,
//! SHA-256-verified dossier for a Magnitsky-style sanctions referral.
//!
//! The pipeline, one folder per stage: `case` (the working folder: case.json, intake of
//! exhibits, records, the custody log, import, check) -> `seal` (builds the dossier) using
//! `render` (the PDF submissions) -> `dossier` (the sealed format: dossier.json, the bag, the
//! zip, verify, sign) -> `export` for other tools. `template`, `date`, `hash`, `disk` and `error`
//! are shared by every stage; `cli` is the command line on top, and nothing in the core uses it.

pub mod case;
pub mod cli;
pub mod date;
pub mod disk;
pub mod display;
pub mod dossier;
pub mod error;
pub mod export;
pub mod hash;
pub mod render;
pub mod sanctions;
pub mod seal;
pub mod template;

pub use error::{Error, Result};
