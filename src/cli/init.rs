//! `dossier init`: a new case folder.

use std::path::Path;

use crate::case::custody::Record;
use crate::case::{
    CASE_FILE, Case, Confidentiality, EVIDENCE_DIR, NARRATIVE_DIR, SCHEMA, Workspace,
};
use crate::cli::args::InitArgs;
use crate::error::{Error, Result};
use crate::template::Registry;

use super::{Outcome, Output};

const SUMMARY: &str = "# Executive summary\n\n<!-- Who the subjects are, what they did, which criteria it meets, and what proves it. -->\n";

pub fn run(root: &Path, args: InitArgs, out: &mut Output) -> Result<Outcome> {
    // Collecting the components drops the `.` of `dossier init .`.
    let dir: std::path::PathBuf = match &args.dir {
        Some(dir) => root.join(dir).components().collect(),
        None => root.to_path_buf(),
    };
    if dir.join(CASE_FILE).exists() {
        return Err(Error::input(
            format!(
                "a case already exists in {}: {} is there",
                dir.display(),
                dir.join(CASE_FILE).display()
            ),
            "work on it with `dossier -C DIR ...`, or choose another folder for the new case",
        ));
    }
    let title = args.title.trim().to_string();
    if title.is_empty() {
        return Err(Error::input(
            "--title is empty",
            "give the case a title, e.g. --title \"The Lantern crackdown\"",
        ));
    }
    let id = match &args.id {
        Some(id) => checked_id(id)?,
        None => id_from_title(&title),
    };
    let registry = Registry::for_case(&dir)?;
    let mut regimes: Vec<String> = Vec::new();
    for regime in &args.regimes {
        registry.require(regime.trim())?;
        if !regimes.iter().any(|r| r == regime.trim()) {
            regimes.push(regime.trim().to_string());
        }
    }

    // Everything is valid: only now is anything created.
    for sub in [EVIDENCE_DIR, NARRATIVE_DIR] {
        let path = dir.join(sub);
        std::fs::create_dir_all(&path).map_err(|e| Error::io("create the folder", &path, e))?;
    }
    // Two `init`s of one folder at once: the second finds the first's case.
    let _lock = super::lock_case(&dir, crate::case::lock::Access::Write)?;
    if dir.join(CASE_FILE).exists() {
        return Err(Error::input(
            format!("a case was just created in {}", dir.display()),
            "work on it with `dossier -C DIR ...`, or choose another folder for the new case",
        ));
    }
    let summary = dir.join(NARRATIVE_DIR).join("summary.md");
    if !summary.exists() {
        std::fs::write(&summary, SUMMARY).map_err(|e| Error::io("write", &summary, e))?;
    }
    let mut ws = Workspace::create(
        &dir,
        Case {
            schema: SCHEMA,
            id: id.clone(),
            title,
            regimes,
            confidentiality: if args.confidential {
                Confidentiality::Confidential
            } else {
                Confidentiality::Public
            },
            confidentiality_note: None,
            submission_date: None,
            fonts: Vec::new(),
            subjects: Vec::new(),
            events: Vec::new(),
            exhibits: Vec::new(),
            addressees: Vec::new(),
            filing: Vec::new(),
            retired: Vec::new(),
            signatories: Vec::new(),
            custody: None,
            logged_ids: Vec::new(),
        },
    );
    ws.record(Record {
        action: "init",
        exhibit: None,
        sha256: None,
        details: format!("case {id} created"),
    });
    let case = ws.commit()?;
    out.line(format!("created case {} in {}", case.id, dir.display()))?;
    out.line(format!(
        "next: put evidence under {}/ and run `dossier exhibit add`; write narrative/summary.md",
        dir.join(EVIDENCE_DIR).display()
    ))?;
    Ok(Outcome::Clean)
}

/// A case id must be usable in a file name.
fn checked_id(id: &str) -> Result<String> {
    let id = id.trim();
    if crate::case::is_valid_case_id(id) {
        Ok(id.to_string())
    } else {
        Err(Error::input(
            format!("--id `{id}` cannot be used in file names"),
            "use letters, digits, '.', '_' and '-' only (at most 64), e.g. --id NP-2024-01",
        ))
    }
}

/// `The Lantern crackdown (2019)` -> `DETENTIONS-IN-NORTHPORT-2019`; `CASE` when no Latin letters.
fn id_from_title(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_uppercase())
        .collect();
    let mut id = String::new();
    for word in words {
        if id.len() + word.len() + 1 > 40 {
            break;
        }
        if !id.is_empty() {
            id.push('-');
        }
        id.push_str(&word);
    }
    if id.is_empty() {
        "CASE".to_string()
    } else {
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_titles_are_file_name_safe() {
        assert_eq!(
            id_from_title("The Lantern crackdown (2019)"),
            "THE-LANTERN-CRACKDOWN-2019"
        );
        assert_eq!(id_from_title("اعتقالات"), "CASE");
        assert!(checked_id("../x").is_err());
        assert!(checked_id("NP 2024").is_err());
        assert_eq!(checked_id("NP-2024").unwrap(), "NP-2024");
    }
}
