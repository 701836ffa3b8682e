//! `data/index.html`: the offline viewer sealed in every dossier.
//!
//! Owns the viewer's page (`viewer.html`: inline CSS and script, nothing fetched from the network)
//! and the data it embeds: a compact digest of `dossier.json` (case, regimes, subjects, timeline,
//! signatories and the exhibit index, one array per exhibit so that 10,000 exhibits stay a few
//! megabytes; the earlier dossier a supplement supplements, and what was withdrawn or removed,
//! with why; the filing record without its internal notes), written as a JSON island that the page's script renders with text nodes only.
//! It does not decide what a profile withholds: it shows the [`SealedExhibit`]s and
//! [`RetiredRecord`]s `seal` made, so the public viewer holds nothing of a withheld exhibit but
//! its id, hash and size, nor the reason a confidential exhibit was withdrawn.

use std::io::Write;

use serde::Serialize;

use crate::case::{Event, FiledDossier, FilingEntry, FilingState, Signatory, Subject};
use crate::date::CaseDate;
use crate::dossier::json::{CaseHeader, DossierJson, Profile, RetiredRecord, Supplements};
use crate::template::Template;

/// The viewer's path inside the bag.
pub const PATH: &str = "data/index.html";

/// The page, split where the data goes.
const PAGE: &str = include_str!("viewer.html");
const DATA_MARK: &str = "@DOSSIER_DATA@";

/// The version of the embedded data's layout (`viewer` in the JSON island). 2 added
/// `supplements` and `retired`; 3 added `filing`; 4 added `confidential`.
const VIEWER_DATA: u32 = 4;

/// Writes `data/index.html` for the dossier `name` described by `dossier`.
pub(super) fn write_viewer(
    out: &mut dyn Write,
    dossier: &DossierJson,
    name: &str,
    templates: &[&Template],
) -> std::io::Result<()> {
    let (head, tail) = PAGE
        .split_once(DATA_MARK)
        .expect("viewer.html holds the data mark");
    out.write_all(head.as_bytes())?;
    let data = ViewerData::new(dossier, name, templates);
    serde_json::to_writer(ScriptSafe(&mut *out), &data)?;
    out.write_all(tail.as_bytes())
}

/// Everything the page shows.
#[derive(Serialize)]
struct ViewerData<'a> {
    viewer: u32,
    dossier: &'a str,
    generator: &'a str,
    profile: Profile,
    date: &'a str,
    draft: bool,
    exhibit_fingerprint: &'a str,
    case: &'a CaseHeader<'a>,
    regimes: Vec<Regime<'a>>,
    subjects: &'a [Subject],
    events: Vec<TimelineEvent<'a>>,
    signatories: &'a [Signatory],
    /// `[id, sha256, size, file name in data/exhibits/ (null if withheld), title, collected
    /// (YYYY-MM-DD), source, media type, withheld]`.
    exhibits: Vec<ExhibitRow<'a>>,
    /// The earlier dossier this one supplements: name, date, dossier fingerprint, profile.
    supplements: Option<&'a Supplements>,
    /// Exhibits withdrawn, subjects and events removed: id, reason (none where the profile
    /// withholds it), when (UTC), confidential.
    retired: &'a [RetiredRecord],
    /// The filing record as it stood at sealing, in date order, without the team's notes.
    filing: Vec<FilingRow<'a>>,
    /// The confidential exhibits this dossier holds (not withheld): the page marks the dossier
    /// confidential, as the PDF does.
    confidential: Vec<&'a str>,
}

/// An entry of the filing record as the page shows it: what the PDF's "Filing record" prints;
/// the team's note is internal and left out, as there.
#[derive(Serialize)]
struct FilingRow<'a> {
    id: &'a str,
    regime: &'a str,
    state: FilingState,
    date: &'a CaseDate,
    dossier: Option<&'a FiledDossier>,
    #[serde(rename = "ref")]
    reference: Option<&'a str>,
}

type ExhibitRow<'a> = (
    &'a str,
    &'a str,
    u64,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    String,
    Option<&'a str>,
    bool,
);

/// A regime of the case, with the titles of the clauses its subjects are said to meet.
#[derive(Serialize)]
struct Regime<'a> {
    id: &'a str,
    name: Option<&'a str>,
    legal_basis: Option<&'a str>,
    /// Clause id -> `[title, citation]`.
    clauses: std::collections::BTreeMap<&'a str, (&'a str, &'a str)>,
}

/// An event, with the first and last day its date can mean (to draw it).
#[derive(Serialize)]
struct TimelineEvent<'a> {
    #[serde(flatten)]
    event: &'a Event,
    from: String,
    to: String,
}

impl<'a> ViewerData<'a> {
    fn new(dossier: &'a DossierJson, name: &'a str, templates: &[&'a Template]) -> Self {
        let regimes = dossier
            .case
            .regimes
            .iter()
            .map(|id| {
                let template = templates.iter().find(|t| &t.id == id);
                let cited = |clause: &&str| {
                    dossier.subjects.iter().any(|s| {
                        s.criteria
                            .iter()
                            .any(|c| &c.regime == id && c.clause == *clause)
                    })
                };
                Regime {
                    id,
                    name: template.map(|t| t.name.as_str()),
                    legal_basis: template.map(|t| t.legal_basis.as_str()),
                    clauses: template
                        .into_iter()
                        .flat_map(|t| &t.criteria)
                        .map(|c| (c.id.as_str(), (c.title.as_str(), c.citation.as_str())))
                        .filter(|(id, _)| cited(id))
                        .collect(),
                }
            })
            .collect();
        let mut events: Vec<TimelineEvent> = dossier
            .events
            .iter()
            .map(|event| TimelineEvent {
                event,
                from: event.date.first_day().to_string(),
                to: event.date.last_day().to_string(),
            })
            .collect();
        events.sort_by_key(|a| a.event.date);
        let exhibits = dossier
            .exhibits
            .iter()
            .map(|e| {
                (
                    e.id.as_str(),
                    e.sha256.as_str(),
                    e.size,
                    e.file
                        .as_deref()
                        .and_then(|f| f.rsplit_once('/'))
                        .map(|(_, n)| n),
                    e.title.as_deref(),
                    e.collected_at
                        .as_deref()
                        .map(|t| t.split('T').next().unwrap_or(t)),
                    e.source_text(),
                    e.media_type.as_deref(),
                    e.withheld,
                )
            })
            .collect();
        ViewerData {
            viewer: VIEWER_DATA,
            dossier: name,
            generator: &dossier.generator,
            profile: dossier.profile,
            date: &dossier.date,
            draft: dossier.draft,
            exhibit_fingerprint: &dossier.exhibit_fingerprint,
            case: &dossier.case,
            regimes,
            subjects: &dossier.subjects,
            events,
            signatories: &dossier.signatories,
            exhibits,
            supplements: dossier.supplements.as_ref(),
            retired: &dossier.retired,
            filing: filing_rows(&dossier.filing),
            confidential: dossier
                .exhibits
                .iter()
                .filter(|e| e.held_confidential())
                .map(|e| e.id.as_str())
                .collect(),
        }
    }
}

/// The filing record in date order (the record keeps the order entries were made in).
fn filing_rows(record: &[FilingEntry]) -> Vec<FilingRow<'_>> {
    let mut rows: Vec<FilingRow> = record
        .iter()
        .map(|e| FilingRow {
            id: &e.id,
            regime: &e.regime,
            state: e.state,
            date: &e.date,
            dossier: e.dossier.as_ref(),
            reference: e.reference.as_deref(),
        })
        .collect();
    rows.sort_by_key(|r| r.date);
    rows
}

/// Writes JSON so that it can sit inside a `<script>` element: `<`, `>` and `&` (which serde_json
/// writes only inside strings) become `\u003c`, `\u003e` and `\u0026`, so no title, however
/// hostile (`</script><img onerror=...>`), can close the element or open a comment.
struct ScriptSafe<W: Write>(W);

impl<W: Write> Write for ScriptSafe<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut start = 0;
        for (i, &b) in buf.iter().enumerate() {
            let escaped: &[u8] = match b {
                b'<' => b"\\u003c",
                b'>' => b"\\u003e",
                b'&' => b"\\u0026",
                _ => continue,
            };
            self.0.write_all(&buf[start..i])?;
            self.0.write_all(escaped)?;
            start = i + 1;
        }
        self.0.write_all(&buf[start..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_has_one_data_mark_and_fetches_nothing() {
        assert_eq!(PAGE.matches(DATA_MARK).count(), 1);
        // The one address in the page is SVG's namespace name, which is never fetched.
        let page = PAGE.replace("'http://www.w3.org/2000/svg'", "");
        for remote in ["http:", "https:", "://", "@import", "url(", "<link", "src="] {
            assert!(!page.contains(remote), "viewer.html mentions {remote}");
        }
    }

    #[test]
    fn json_in_the_page_cannot_close_its_script_element() {
        let mut out = Vec::new();
        serde_json::to_writer(
            ScriptSafe(&mut out),
            &["</script><img src=x onerror=alert(1)>", "<!-- & -->"],
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        let back: Vec<String> = serde_json::from_str(&text).unwrap();
        assert_eq!(back[0], "</script><img src=x onerror=alert(1)>");
        assert_eq!(back[1], "<!-- & -->");
    }
}
