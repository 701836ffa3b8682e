//! `import`: one CSV row = one `add`, with the same checks, all rows or none.
//!
//! Owns the CSV columns (documented in `docs/case-format.md`; `export --format csv` writes the
//! same ones). Lists inside a cell are separated by `;`. It turns rows into the specs that the
//! command line also builds, so a row is checked exactly like the equivalent command.

use std::collections::HashMap;
use std::path::PathBuf;

use indicatif::ProgressBar;

use crate::case::Workspace;
use crate::case::intake::{ExhibitSpec, Request, add_requests};
use crate::case::records::{EventSpec, SubjectSpec, add_criterion, add_event, add_subject};
use crate::error::{Error, Result};
use crate::template::Registry;

/// What the rows of a CSV file are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Exhibits,
    Subjects,
    /// Criteria of existing subjects, each with its own argument and exhibits.
    Criteria,
    Events,
}

/// The columns of each kind, in export order; the first is required.
pub const EXHIBIT_COLUMNS: &[&str] = &[
    "path",
    "title",
    "description",
    "source",
    "obtained",
    "source_url",
    "confidential_source",
    "collected_by",
    "collected_at",
    "language",
    "confidential",
    "events",
];
pub const SUBJECT_COLUMNS: &[&str] = &[
    "name",
    "kind",
    "original_script",
    "transliterations",
    "aliases",
    "born",
    "birthplace",
    "gender",
    "nationalities",
    "positions",
    "id_documents",
    "addresses",
    "associates",
    "criteria",
    "argument",
    "exhibits",
    "nexus",
    "exculpatory",
    "surname",
    "given_names",
    "assets",
];
pub const CRITERION_COLUMNS: &[&str] = &["subject", "criterion", "argument", "exhibits"];
pub const EVENT_COLUMNS: &[&str] = &[
    "date",
    "title",
    "description",
    "location",
    "subjects",
    "exhibits",
];

impl Kind {
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Kind::Exhibits => EXHIBIT_COLUMNS,
            Kind::Subjects => SUBJECT_COLUMNS,
            Kind::Criteria => CRITERION_COLUMNS,
            Kind::Events => EVENT_COLUMNS,
        }
    }
}

/// One CSV row by column name.
struct Row<'a> {
    cells: HashMap<&'a str, &'a str>,
}

impl Row<'_> {
    fn text(&self, column: &str) -> Option<String> {
        self.cells
            .get(column)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }

    fn list(&self, column: &str) -> Vec<String> {
        self.text(column)
            .map(|v| split_list(&v))
            .unwrap_or_default()
    }

    fn flag(&self, column: &str) -> Result<bool> {
        match self.text(column).map(|v| v.to_ascii_lowercase()).as_deref() {
            None | Some("no" | "false" | "0") => Ok(false),
            Some("yes" | "true" | "1") => Ok(true),
            Some(other) => Err(Error::input(
                format!("column {column}: `{other}` is not yes or no"),
                "write yes or no (or leave the cell empty for no)",
            )),
        }
    }
}

/// Splits a cell's list at `;`; `\;` is a semicolon inside an item and `\\` a backslash.
pub fn split_list(cell: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut item = String::new();
    let mut chars = cell.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(next @ (';' | '\\')) => item.push(next),
                Some(other) => {
                    item.push('\\');
                    item.push(other);
                }
                None => item.push('\\'),
            },
            ';' => items.push(std::mem::take(&mut item)),
            c => item.push(c),
        }
    }
    items.push(item);
    items
        .into_iter()
        .map(|i| i.trim().to_string())
        .filter(|i| !i.is_empty())
        .collect()
}

/// Joins items into one cell, escaping what `split_list` would split.
pub fn join_list(items: &[String]) -> String {
    items
        .iter()
        .map(|i| i.replace('\\', "\\\\").replace(';', "\\;"))
        .collect::<Vec<_>>()
        .join(";")
}

/// Imports every row of the CSV text `csv` (named `shown` in messages: its path, or standard
/// input) into the workspace; returns the ids added, in row order.
pub fn import(
    ws: &mut Workspace,
    registry: &Registry,
    csv: impl std::io::Read,
    shown: &str,
    kind: Kind,
    progress: &ProgressBar,
) -> Result<Vec<String>> {
    let shown = shown.to_string();
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(csv);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(&shown, e))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    let columns = kind.columns();
    for header in &headers {
        if !columns.contains(&header.as_str()) {
            return Err(Error::input(
                format!("{shown} line 1: unknown column `{header}`"),
                format!("the columns for this kind are: {}", columns.join(", ")),
            ));
        }
    }
    if !headers.iter().any(|h| h == columns[0]) {
        return Err(Error::input(
            format!("{shown} line 1: the column `{}` is missing", columns[0]),
            format!("the first line names the columns: {}", columns.join(", ")),
        ));
    }

    let mut ids = Vec::new();
    // Exhibit rows are taken in together after the last row is read: one intake hashes every
    // file at once and judges each against the case by lookups (linear in the rows).
    let mut exhibits = Vec::new();
    // All rows or none: copies made for earlier rows are placed only when the workspace is
    // committed, so an error leaves nothing behind (their temporary files go with it).
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&shown, e))?;
        let line = record.position().map_or(0, |p| p.line());
        let row = Row {
            cells: headers
                .iter()
                .map(String::as_str)
                .zip(record.iter())
                .collect(),
        };
        let place = format!("{shown} line {line}");
        let added = match kind {
            Kind::Exhibits => exhibit_request(&row).map(|mut request| {
                request.place = Some(place.clone());
                exhibits.push(request);
            }),
            Kind::Subjects => subject_row(ws, registry, &row).map(|id| ids.push(id)),
            Kind::Criteria => criterion_row(ws, registry, &row).map(|id| ids.push(id)),
            Kind::Events => event_row(ws, &row).map(|id| ids.push(id)),
        };
        added.map_err(|e| e.within(&place))?;
    }
    if !exhibits.is_empty() {
        let intakes = add_requests(ws, &exhibits, progress)?;
        ids.extend(
            intakes
                .into_iter()
                .flat_map(|intake| intake.added.into_iter().map(|a| a.id)),
        );
    }
    Ok(ids)
}

/// The intake an exhibit row asks for.
fn exhibit_request(row: &Row) -> Result<Request> {
    let path = row.text("path").ok_or_else(|| {
        Error::input(
            "the path is empty",
            "give the file's path, relative to the case folder",
        )
    })?;
    let spec = ExhibitSpec {
        title: row.text("title"),
        description: row.text("description"),
        source: row.text("source"),
        obtained: row.text("obtained"),
        source_url: row.text("source_url"),
        confidential_source: row.flag("confidential_source")?,
        collected_by: row.text("collected_by"),
        collected_at: row.text("collected_at"),
        language: row.text("language"),
        confidential: row.flag("confidential")?,
        events: row.list("events"),
    };
    Ok(Request {
        inputs: vec![PathBuf::from(path)],
        spec,
        place: None,
    })
}

/// Adds the subject a row describes; returns its id.
fn subject_row(ws: &mut Workspace, registry: &Registry, row: &Row) -> Result<String> {
    let entity = match row.text("kind").map(|k| k.to_ascii_lowercase()).as_deref() {
        None | Some("person") => false,
        Some("entity") => true,
        Some(other) => {
            return Err(Error::input(
                format!("column kind: `{other}` is not person or entity"),
                "write person or entity",
            ));
        }
    };
    let spec = SubjectSpec {
        name: row.text("name").unwrap_or_default(),
        entity,
        original_script: row.text("original_script"),
        transliterations: row.list("transliterations"),
        aliases: row.list("aliases"),
        born: row.text("born"),
        birthplace: row.text("birthplace"),
        gender: row.text("gender"),
        nationalities: row.list("nationalities"),
        positions: row.list("positions"),
        id_documents: row.list("id_documents"),
        addresses: row.list("addresses"),
        associates: row.list("associates"),
        criteria: row.list("criteria"),
        argument: row.text("argument"),
        exhibits: row.list("exhibits"),
        nexus: row.list("nexus"),
        exculpatory: row.list("exculpatory"),
        surname: row.text("surname"),
        given_names: row.text("given_names"),
        assets: row.list("assets"),
        existing_designations: Vec::new(),
    };
    add_subject(&mut ws.case, registry, &spec)
}

/// Adds the criterion a row describes to its subject; returns the subject's id.
fn criterion_row(ws: &mut Workspace, registry: &Registry, row: &Row) -> Result<String> {
    let subject = row.text("subject").unwrap_or_default();
    let criterion = row.text("criterion").unwrap_or_default();
    add_criterion(
        &mut ws.case,
        registry,
        &subject,
        &criterion,
        row.text("argument"),
        row.list("exhibits"),
    )
}

/// Adds the event a row describes; returns its id.
fn event_row(ws: &mut Workspace, row: &Row) -> Result<String> {
    let spec = EventSpec {
        date: row.text("date").unwrap_or_default(),
        title: row.text("title").unwrap_or_default(),
        description: row.text("description"),
        location: row.text("location"),
        subjects: row.list("subjects"),
        exhibits: row.list("exhibits"),
    };
    add_event(&mut ws.case, &spec)
}

fn csv_error(shown: &str, err: csv::Error) -> Error {
    let line = err.position().map(|p| p.line());
    let place = line.map_or(shown.to_string(), |l| format!("{shown} line {l}"));
    match err.into_kind() {
        csv::ErrorKind::Io(e) => Error::io("read", shown, e),
        csv::ErrorKind::Utf8 { .. } => Error::input(
            format!("{place}: the text is not UTF-8"),
            "save the spreadsheet as CSV UTF-8",
        ),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => Error::input(
            format!("{place}: the row has {len} cells but the header has {expected_len}"),
            "quote cells that contain commas, and give every row the header's columns",
        ),
        other => Error::input(
            format!("{place}: cannot read the CSV ({other:?})"),
            "save the file as CSV UTF-8",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_split_at_semicolons_that_are_not_escaped() {
        assert_eq!(split_list("a; b ;;c"), ["a", "b", "c"]);
        let items = vec!["flat; bought 2021".to_string(), r"C:\evidence".to_string()];
        assert_eq!(split_list(&join_list(&items)), items);
    }
}
