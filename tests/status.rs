//! The filing record: `status add` for each state with its rules (dates against the dossier's
//! sealing day and the regime's trail), `status` and `status --json`, `status remove`, the
//! custody log, `check` on a record edited by hand, and the record carried into later dossiers
//! and printed in their PDFs.
//!
//! Every test starts from a fixture made once per run and copied: the sealed case (its dossier
//! dated 2026-11-21, as the zip and the unpacked bag), the same with us-glomag filed, or a whole
//! recorded trail.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::harness::{DATE, Fixture, Run, SEALED, TestCase, replace_in, sha256sum, tool};

/// `status add STATE --regime REGIME [--date DATE] MORE...`, `entry` being `"STATE REGIME
/// [DATE]"`: the shorthand keeps each step of a trail on one line.
fn add(case: &TestCase, entry: &str, more: &[&str]) -> Run {
    case.run(
        &add_args(entry, more)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    )
}

/// `status add` that must be refused with exit 2, naming `texts`, changing nothing on disk.
#[track_caller]
fn refused(case: &TestCase, entry: &str, more: &[&str], texts: &[&str]) -> Run {
    case.refuses(
        &add_args(entry, more)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        texts,
    )
}

fn add_args(entry: &str, more: &[&str]) -> Vec<String> {
    let words: Vec<&str> = entry.split_whitespace().collect();
    let mut args = vec!["status", "add", words[0], "--regime", words[1]];
    if let Some(date) = words.get(2) {
        args.extend(["--date", date]);
    }
    args.extend_from_slice(more);
    args.into_iter().map(str::to_string).collect()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A copy of a fixture with its dossier as `(case, zip, bag)`.
fn copy(fixture: &Fixture) -> (TestCase, PathBuf, PathBuf) {
    let case = TestCase::copy_of(fixture);
    let (zip, bag) = (case.zip("full"), case.bag("full"));
    (case, zip, bag)
}

/// The sealed case, nothing recorded.
fn sealed_case() -> (TestCase, PathBuf, PathBuf) {
    copy(&SEALED)
}

/// The sealed case with one entry, F-001: us-glomag filed on 2026-11-22 with the zip.
static FILED: Fixture = Fixture::new("status-filed", || {
    let (case, zip, _bag) = sealed_case();
    add(
        &case,
        "filed us-glomag 2026-11-22",
        &[
            "--dossier",
            path(&zip),
            "--note",
            "sent by e-mail to the sanctions unit",
        ],
    )
    .ok()
    .stdout_has(&[
        "F-001",
        "us-glomag filed on 2026-11-22",
        "VD-2024-full-2026-11-21.zip",
    ]);
    case.dir
});

fn filed_case() -> (TestCase, PathBuf, PathBuf) {
    copy(&FILED)
}

/// FILED, then us-glomag through acknowledged, follow-up (with the unpacked copy of the same
/// dossier) and designated, and uk-ghr through filed, withdrawn, filed again and declined.
/// Entries are given out of date order on purpose: the record keeps them by date.
static RECORDED: Fixture = Fixture::new("status-recorded", || {
    let (case, zip, bag) = filed_case();
    let (zip, bag) = (path(&zip), path(&bag));
    let steps: [(&str, &[&str]); 7] = [
        ("filed uk-ghr 2026-11-22", &["--dossier", zip]),
        (
            "acknowledged us-glomag 2026-11-23",
            &["--ref", "OFAC-2026-117"],
        ),
        (
            "designated us-glomag 2026-11-26",
            &["--ref", "https://example.gov/press/sb0001"],
        ),
        ("follow-up us-glomag 2026-11-24", &["--dossier", bag]),
        ("withdrawn uk-ghr 2026-11-25", &[]),
        ("filed uk-ghr 2026-11-28", &["--dossier", bag]),
        (
            "declined uk-ghr 2026-11-29",
            &["--note", "no UK nexus found"],
        ),
    ];
    for (entry, more) in steps {
        add(&case, entry, more).ok();
    }
    case.dir
});

fn recorded() -> (TestCase, PathBuf, PathBuf) {
    copy(&RECORDED)
}

/// The dossier fingerprint of an unpacked bag, by sha256sum (a tool nobody here wrote), else
/// by the fingerprint `verify --json` prints.
fn fingerprint(case: &TestCase, bag: &Path) -> String {
    if let Some(sum) = sha256sum(&bag.join("manifest-sha256.txt")) {
        return sum;
    }
    let report = case.run(&["verify", path(bag), "--json"]).ok().json();
    report["dossier_fingerprint"].as_str().unwrap().to_string()
}

/// The custody log's entries.
fn custody(case: &TestCase) -> Vec<Value> {
    case.read("custody.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `check --json`'s findings placed at a filing record entry: (severity, place, message, fix).
fn filing_findings(case: &TestCase) -> Vec<(String, String, String, String)> {
    let report = case.run(&["check", "--json"]).json();
    report["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings list: {report}"))
        .iter()
        .filter(|f| f["place"].as_str().unwrap().starts_with("case.json F-"))
        .map(|f| {
            let text = |k: &str| f[k].as_str().unwrap().to_string();
            (
                text("severity"),
                text("place"),
                text("message"),
                text("fix"),
            )
        })
        .collect()
}

/// Edits the filing record of case.json by hand.
fn edit_record(case: &TestCase, edit: impl FnOnce(&mut Vec<Value>)) {
    let mut json = case.case_json();
    edit(json["filing"].as_array_mut().unwrap());
    case.write(
        "case.json",
        serde_json::to_string_pretty(&json).unwrap() + "\n",
    );
}

#[test]
fn each_state_is_recorded_by_regime_in_date_order_with_its_dossier() {
    let (case, _zip, bag) = recorded();
    let fingerprint = fingerprint(&case, &bag);
    let json = case.run(&["status", "--json"]).ok().json();
    let trail = |regime: &str| -> Vec<Value> {
        let found = json
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["regime"] == regime)
            .unwrap_or_else(|| panic!("no trail for {regime}: {json}"));
        found["entries"].as_array().unwrap().clone()
    };
    let field = |entries: &[Value], key: &str| -> Vec<String> {
        entries
            .iter()
            .map(|e| e[key].as_str().unwrap().to_string())
            .collect()
    };
    let us = trail("us-glomag");
    assert_eq!(
        field(&us, "state"),
        ["filed", "acknowledged", "follow-up", "designated"]
    );
    assert_eq!(
        field(&us, "date"),
        ["2026-11-22", "2026-11-23", "2026-11-24", "2026-11-26"]
    );
    // Every entry names the dossier it is about, the zip and the folder alike by the
    // fingerprint sha256sum gives their manifest, and the day it was sealed; one given none
    // refers to the latest.
    for entry in &us {
        assert_eq!(
            entry["dossier"]["fingerprint"],
            fingerprint.as_str(),
            "{entry}"
        );
        assert_eq!(entry["dossier"]["sealed"], DATE, "{entry}");
    }
    let files: Vec<&str> = us
        .iter()
        .map(|e| e["dossier"]["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        [
            "VD-2024-full-2026-11-21.zip",
            "VD-2024-full-2026-11-21.zip",
            "VD-2024-full-2026-11-21",
            // Recorded before the follow-up (dated earlier) was: the zip was the latest then.
            "VD-2024-full-2026-11-21.zip"
        ]
    );
    assert_eq!(us[1]["ref"], "OFAC-2026-117");
    assert_eq!(us[3]["ref"], "https://example.gov/press/sb0001");
    assert_eq!(us[0]["note"], "sent by e-mail to the sanctions unit");
    let uk = trail("uk-ghr");
    assert_eq!(
        field(&uk, "state"),
        ["filed", "withdrawn", "filed", "declined"]
    );
    let current: Vec<&Value> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["current"])
        .collect();
    assert_eq!(current, ["designated", "declined"]);

    let text = case.run(&["status"]).ok();
    let text = text.stdout_has(&[
        "us-glomag: designated",
        "uk-ghr: declined",
        "2026-11-23  acknowledged",
        "OFAC-2026-117",
        "no UK nexus found",
        "VD-2024-full-2026-11-21.zip (sealed 2026-11-21)",
        &fingerprint,
    ]);
    assert!(
        text.stdout.find("2026-11-22  filed").unwrap() < text.stdout.find("2026-11-26").unwrap(),
        "{}",
        text.stdout
    );
    // case.json keeps the record in date order, ids in the order given.
    assert_eq!(
        field(case.case_json()["filing"].as_array().unwrap(), "id"),
        [
            "F-001", "F-002", "F-003", "F-005", "F-006", "F-004", "F-007", "F-008"
        ]
    );
}

#[test]
fn each_entry_is_in_the_custody_log_and_the_chain_holds() {
    let (case, _zip, bag) = recorded();
    let fingerprint = fingerprint(&case, &bag);
    let entries = custody(&case);
    let status: Vec<&Value> = entries.iter().filter(|e| e["action"] == "status").collect();
    assert_eq!(status.len(), 8);
    let first = status[0]["details"].as_str().unwrap();
    assert!(
        first.starts_with(
            "F-001 us-glomag filed on 2026-11-22: dossier VD-2024-full-2026-11-21.zip"
        ) && first.contains(&fingerprint)
            && first.contains("note sent by e-mail"),
        "{first}"
    );
    assert_eq!(status[0]["actor"], "test paralegal");
    // case.json records the log's new head, and `check` finds the chain and the record sound.
    let head = &case.case_json()["custody"];
    assert_eq!(head["entries"], entries.len());
    let check = case.run(&["check", "--json"]).ok().json();
    let places: Vec<&str> = check["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings list: {check}"))
        .iter()
        .map(|f| f["place"].as_str().unwrap())
        .collect();
    assert!(
        !places
            .iter()
            .any(|p| p.starts_with("custody.jsonl") || p.starts_with("case.json")),
        "check reports the custody log or the record: {check}"
    );
}

/// The text of a PDF by pdftotext (`None` if it is missing and may be).
fn pdf_text(pdf: &Path) -> Option<String> {
    let output = tool(
        "pdftotext",
        &["-layout", "-enc", "UTF-8", path(pdf), "-"],
        pdf.parent().unwrap(),
    )?;
    assert!(
        output.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    Some(String::from_utf8(output.stdout).unwrap())
}

#[test]
fn a_later_dossier_carries_the_filing_record_and_its_pdf_prints_the_regimes_trail() {
    let (case, _zip, bag) = recorded();
    let fingerprint = fingerprint(&case, &bag);
    let out = case.outside("later");
    case.run(&[
        "build",
        "--date",
        "2026-11-30",
        "--out",
        path(&out),
        "--unpacked",
    ])
    .ok();
    let later = out.join("VD-2024-full-2026-11-30");
    let sealed: Value =
        serde_json::from_str(&std::fs::read_to_string(later.join("data/dossier.json")).unwrap())
            .unwrap();
    assert_eq!(sealed["filing"], case.case_json()["filing"]);
    assert_eq!(sealed["filing"].as_array().unwrap().len(), 8);
    // Its sealed custody log holds the entries too, and the dossier verifies.
    let log = std::fs::read_to_string(later.join("data/custody.jsonl")).unwrap();
    assert_eq!(log.matches("\"action\":\"status\"").count(), 8);
    case.run(&["verify", path(&out.join("VD-2024-full-2026-11-30.zip"))])
        .ok();

    // The PDF of each regime prints that regime's trail after the cover, listed in the contents:
    // each entry's date, state and id, the dossier's name, sealing day and fingerprint, and the
    // authority's reference; not the team's notes, and not another regime's entries.
    let Some(us) = pdf_text(&later.join("data/submission-us-glomag.pdf")) else {
        return;
    };
    let section = &us[us.find("Filing record").unwrap()..];
    let section = &section[..section.find('\u{c}').unwrap()];
    for text in [
        "2026-11-22 Filed (F-001)",
        "2026-11-23 Acknowledged (F-003)",
        "2026-11-24 Follow-up (F-005)",
        "2026-11-26 Designated (F-004)",
        "Dossier: VD-2024-full-2026-11-21.zip, sealed on 2026-11-21",
        "Dossier: VD-2024-full-2026-11-21, sealed on 2026-11-21",
        "Reference: OFAC-2026-117",
        "Reference: https://example.gov/press/sb0001",
        &fingerprint,
    ] {
        assert!(section.contains(text), "no {text:?} in:\n{section}");
    }
    assert_eq!(section.matches(&fingerprint).count(), 4, "{section}");
    assert!(!us.contains("sent by e-mail"), "a note is printed:\n{us}");
    assert!(!section.contains("Withdrawn"), "{section}");
    let contents = &us[us.find("Contents").unwrap()..];
    assert!(contents.contains("Filing record"), "{contents}");
    let uk = pdf_text(&later.join("data/submission-uk-ghr.pdf")).unwrap();
    for text in [
        "2026-11-25 Withdrawn (F-006)",
        "2026-11-28 Filed (F-007)",
        "2026-11-29 Declined (F-008)",
    ] {
        assert!(uk.contains(text), "no {text:?} in:\n{uk}");
    }
    assert!(
        !uk.contains("no UK nexus") && !uk.contains("OFAC-2026-117"),
        "{uk}"
    );
    // The first dossier, sealed before anything was recorded, has no such section.
    let first = pdf_text(&bag.join("data/submission-us-glomag.pdf")).unwrap();
    assert!(!first.contains("Filing record"), "{first}");

    // The offline viewer lists the same record, in date order, without the notes.
    let Some(dom) = crate::viewer::rendered(&later.join("data/index.html"), "") else {
        return;
    };
    let table = &dom[dom.find("id=\"filing-list\"").expect("no filing record")..];
    let table = &table[..table.find("</table>").unwrap()];
    let ids: Vec<&str> = table
        .split("data-id=\"")
        .skip(1)
        .map(|rest| &rest[..5])
        .collect();
    assert_eq!(
        ids,
        [
            "F-001", "F-002", "F-003", "F-005", "F-006", "F-004", "F-007", "F-008"
        ],
        "{table}"
    );
    for text in [
        "Follow-up",
        "OFAC-2026-117",
        "sealed on 2026-11-21",
        &fingerprint,
    ] {
        assert!(table.contains(text), "no {text:?} in:\n{table}");
    }
    assert!(!dom.contains("sent by e-mail"), "a note is shown:\n{dom}");
    assert!(dom.contains("href=\"#filing\""), "no link to the record");
    let first = crate::viewer::rendered(&bag.join("data/index.html"), "").unwrap();
    assert!(!first.contains("id=\"filing-list\"") && !first.contains("href=\"#filing\""));
}

#[test]
fn a_template_that_lists_the_filing_record_places_and_names_it() {
    let (case, _zip, _bag) = filed_case();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/us-glomag.json");
    let mut template: Value =
        serde_json::from_str(&std::fs::read_to_string(shipped).unwrap()).unwrap();
    let sections = template["sections"].as_array_mut().unwrap();
    let at = sections
        .iter()
        .position(|s| s["id"] == "signatories")
        .unwrap();
    sections.insert(
        at + 1,
        serde_json::json!({"id": "filing", "heading": "Earlier Submissions"}),
    );
    case.write(
        "templates/us-glomag.json",
        serde_json::to_string_pretty(&template).unwrap(),
    );
    let out = case.outside("later");
    case.run(&[
        "build",
        "--date",
        "2026-11-30",
        "--out",
        path(&out),
        "--unpacked",
    ])
    .ok();
    let Some(text) = pdf_text(&out.join("VD-2024-full-2026-11-30/data/submission-us-glomag.pdf"))
    else {
        return;
    };
    assert!(!text.contains("Filing record"), "{text}");
    let contents = &text[text.find("Contents").unwrap()..];
    let signatories = contents.find("Recommendation Submitted By").unwrap();
    let filing = contents.find("Earlier Submissions").unwrap();
    let summary = contents.find("Executive Summary").unwrap();
    assert!(signatories < filing && filing < summary, "{contents}");
    assert!(text.contains("2026-11-22 Filed (F-001)"), "{text}");
}

#[test]
fn an_entry_dated_before_its_dossier_was_sealed_is_refused_naming_both_dates() {
    let (case, zip, bag) = sealed_case();
    for dossier in [&zip, &bag] {
        refused(
            &case,
            "filed us-glomag 2026-11-20",
            &["--dossier", path(dossier)],
            &[
                "us-glomag filed on 2026-11-20 is dated before its dossier VD-2024-full-2026-11-21",
                "sealed (2026-11-21)",
                "--date 2026-11-21",
            ],
        );
    }
    // A month that may hold the sealing day is taken; one wholly before it is not.
    refused(
        &case,
        "filed us-glomag 2026-10",
        &["--dossier", path(&zip)],
        &["dated before its dossier"],
    );
    add(&case, "filed us-glomag 2026-11", &["--dossier", path(&zip)]).ok();
    // The sealing day itself is the first day allowed.
    add(&case, "filed uk-ghr 2026-11-21", &["--dossier", path(&zip)]).ok();
}

#[test]
fn an_answer_dated_before_the_filing_it_answers_is_refused() {
    let (case, _zip, bag) = filed_case();
    // Before the filing (2026-11-22) though after the sealing (2026-11-21).
    refused(
        &case,
        "acknowledged us-glomag 2026-11-21",
        &[],
        &[
            "us-glomag has no `filed` entry on or before 2026-11-21",
            "--date",
        ],
    );
    // A second dossier filed later: an acknowledgement of it dated before that filing goes back
    // in time, though the first filing came earlier.
    let second = case.outside("second");
    case.run(&["build", "--date", "2026-11-23", "--out", path(&second)])
        .ok();
    let second = second.join("VD-2024-full-2026-11-23.zip");
    // An answer about a dossier never sent to the regime.
    refused(
        &case,
        "declined us-glomag 2026-11-24",
        &["--dossier", path(&second)],
        &["not filed or followed up", "record its filing first"],
    );
    add(
        &case,
        "filed us-glomag 2026-11-25",
        &["--dossier", path(&second)],
    )
    .ok();
    refused(
        &case,
        "acknowledged us-glomag 2026-11-24",
        &["--dossier", path(&second)],
        &[
            "about the dossier VD-2024-full-2026-11-23.zip",
            "not filed or followed up with us-glomag on or before 2026-11-24",
            "filed on 2026-11-25 (F-002)",
            "--date 2026-11-25",
        ],
    );
    add(
        &case,
        "acknowledged us-glomag 2026-11-25",
        &["--dossier", path(&second)],
    )
    .ok();
    // The first dossier (its unpacked copy) is answered on its own.
    add(
        &case,
        "declined us-glomag 2026-11-26",
        &["--dossier", path(&bag)],
    )
    .ok();
    // The filing an answer refers to stays while the answer does.
    case.refuses(
        &["status", "remove", "F-002", "--reason", "mistake"],
        &[
            "without F-002, F-003 would break a rule",
            "not filed or followed up",
            "remove F-003 first",
        ],
    );
}

#[test]
fn an_entry_that_would_make_a_later_one_follow_a_withdrawal_is_refused() {
    let (case, _zip, _bag) = filed_case();
    add(&case, "acknowledged us-glomag 2026-11-28", &[]).ok();
    refused(
        &case,
        "withdrawn us-glomag 2026-11-25",
        &[],
        &[
            "F-002 (us-glomag acknowledged on 2026-11-28) would break a rule",
            "withdrawn on 2026-11-25",
        ],
    );
    add(&case, "withdrawn us-glomag 2026-11-29", &[]).ok();
}

#[test]
fn designated_without_the_authoritys_reference_is_refused_and_nothing_changes() {
    let (case, _zip, _bag) = filed_case();
    let run = refused(
        &case,
        "designated us-glomag 2026-11-29",
        &[],
        &["designat", "--ref"],
    );
    assert!(run.stdout.is_empty());
    refused(&case, "designated us-glomag", &["--ref", "  "], &["--ref"]);
}

#[test]
fn an_unknown_regime_is_refused_naming_the_cases_regimes() {
    let (case, zip, _bag) = sealed_case();
    refused(
        &case,
        "filed eu-ghr",
        &["--dossier", path(&zip)],
        &["eu-ghr", "us-glomag, uk-ghr"],
    );
}

/// Today (UTC) as the filing record writes it: an entry may be dated today, never later.
#[test]
fn a_bad_or_future_date_is_refused_with_the_accepted_forms() {
    let (case, zip, _bag) = sealed_case();
    let zip = path(&zip);
    for date in ["25/11/2026", "2026-13-01", "yesterday"] {
        refused(
            &case,
            &format!("filed us-glomag {date}"),
            &["--dossier", zip],
            &["--date", date, "accepted forms", "2017-01-15"],
        );
    }
    refused(
        &case,
        "filed us-glomag 2999-01-01",
        &["--dossier", zip],
        &["2999-01-01", "after today"],
    );
    // Without --date, today.
    let today = chrono::Utc::now().date_naive().to_string();
    add(&case, "filed us-glomag", &["--dossier", zip])
        .ok()
        .stdout_has(&[&format!("filed on {today}")]);
    // The case's other date forms are taken.
    add(&case, "filed uk-ghr 2026-11", &["--dossier", zip]).ok();
    add(&case, "acknowledged uk-ghr ~2026-11-28", &[]).ok();
    let record = case.case_json()["filing"].clone();
    assert!(
        record
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["date"] == "~2026-11-28"),
        "{record}"
    );
}

#[test]
fn an_unknown_state_is_refused_listing_the_states() {
    let (case, zip, _bag) = sealed_case();
    refused(
        &case,
        "sent us-glomag",
        &["--dossier", path(&zip)],
        &[
            "sent",
            "filed",
            "acknowledged",
            "follow-up",
            "designated",
            "declined",
            "withdrawn",
        ],
    );
}

#[test]
fn filed_needs_the_dossier_sent_and_offers_the_newest_one() {
    let (case, zip, _bag) = sealed_case();
    refused(
        &case,
        "filed us-glomag",
        &[],
        &["filed", "--dossier", "dossier build"],
    );
    std::fs::create_dir_all(case.root().join("dossiers")).unwrap();
    std::fs::copy(
        &zip,
        case.root().join("dossiers/VD-2024-full-2026-11-21.zip"),
    )
    .unwrap();
    refused(
        &case,
        "filed us-glomag",
        &[],
        &["--dossier \"dossiers/VD-2024-full-2026-11-21.zip\""],
    );
    // A path relative to the case folder, as the hint gives it.
    add(
        &case,
        "filed us-glomag",
        &["--dossier", "dossiers/VD-2024-full-2026-11-21.zip"],
    )
    .ok();
}

#[test]
fn a_dossier_of_another_case_is_refused() {
    let (case, zip, bag) = sealed_case();
    replace_in(&case.root().join("case.json"), "\"VD-2024\"", "\"VD-2025\"");
    for dossier in [&zip, &bag] {
        refused(
            &case,
            "filed us-glomag",
            &["--dossier", path(dossier)],
            &["case VD-2024, not of this case (VD-2025)"],
        );
    }
}

#[test]
fn a_dossier_that_is_not_intact_is_refused() {
    let (case, _zip, bag) = sealed_case();
    let exhibit = std::fs::read_dir(bag.join("data/exhibits"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut bytes = std::fs::read(&exhibit).unwrap();
    bytes[0] ^= 1;
    std::fs::write(&exhibit, bytes).unwrap();
    refused(
        &case,
        "filed us-glomag",
        &["--dossier", path(&bag)],
        &["not intact", "dossier verify"],
    );
    let none = case.outside("none.zip");
    refused(
        &case,
        "filed us-glomag",
        &["--dossier", path(&none)],
        &["none.zip"],
    );
}

#[test]
fn a_draft_dossier_is_refused() {
    let case = TestCase::new();
    let out = case.outside("drafts");
    case.run(&["build", "--draft", "--date", DATE, "--out", path(&out)])
        .ok();
    let draft = out.join("VD-2024-full-2026-11-21.zip");
    refused(
        &case,
        "filed us-glomag",
        &["--dossier", path(&draft)],
        &["draft", "not for filing"],
    );
}

#[test]
fn only_a_filing_starts_a_trail_and_only_a_new_filing_follows_a_withdrawal() {
    let (case, zip, _bag) = sealed_case();
    let zip = path(&zip);
    refused(
        &case,
        "acknowledged us-glomag",
        &[],
        &["no `filed` entry", "status add filed --regime us-glomag"],
    );
    add(&case, "filed us-glomag 2026-11-24", &["--dossier", zip]).ok();
    // Dated before the filing: nothing was filed yet then.
    refused(
        &case,
        "acknowledged us-glomag 2026-11-23",
        &[],
        &["on or before 2026-11-23"],
    );
    // The filing to one regime is not one to another.
    refused(
        &case,
        "declined uk-ghr",
        &[],
        &["uk-ghr has no `filed` entry"],
    );
    add(&case, "acknowledged us-glomag 2026-11-24", &[]).ok();
    // The same entry twice is refused.
    refused(
        &case,
        "acknowledged us-glomag 2026-11-24",
        &[],
        &["us-glomag acknowledged on 2026-11-24 is already recorded, as F-002"],
    );
    add(&case, "withdrawn us-glomag 2026-11-25", &[]).ok();
    refused(
        &case,
        "follow-up us-glomag 2026-11-26",
        &[],
        &["withdrawn on 2026-11-25 (F-003)", "new filing"],
    );
    add(&case, "filed us-glomag 2026-11-27", &["--dossier", zip]).ok();
    add(&case, "follow-up us-glomag 2026-11-28", &[]).ok();
}

#[test]
fn remove_takes_a_mistaken_entry_out_with_its_reason_and_never_reuses_its_id() {
    let (case, _zip, _bag) = filed_case();
    add(&case, "acknowledged us-glomag 2026-11-23", &[]).ok();
    case.refuses(
        &["status", "remove", "F-001", "--reason", "wrong regime"],
        &[
            "F-001 is the filing that F-002 of us-glomag follow",
            "remove those first",
        ],
    );
    case.refuses(
        &["status", "remove", "F-009", "--reason", "x"],
        &["no entry F-009", "F-001 to F-002"],
    );
    case.refuses(
        &["status", "remove", "F-002", "--reason", " "],
        &["--reason"],
    );
    case.run(&["status", "remove", "F-002", "--reason", "entered twice"])
        .ok()
        .stdout_has(&["F-002  removed"]);
    let json = case.case_json();
    assert_eq!(json["filing"].as_array().unwrap().len(), 1);
    let retired = &json["retired"][0];
    assert_eq!(retired["id"], "F-002");
    assert_eq!(retired["reason"], "entered twice");
    assert_eq!(retired["filing"]["state"], "acknowledged");
    let last = custody(&case).pop().unwrap();
    assert_eq!(last["action"], "remove");
    assert!(
        last["details"].as_str().unwrap().starts_with(
            "F-002 removed: entered twice (was: us-glomag acknowledged on 2026-11-23)"
        ),
        "{last}"
    );
    case.refuses(
        &["status", "remove", "F-002", "--reason", "again"],
        &["F-002 was removed"],
    );
    add(&case, "acknowledged us-glomag 2026-11-24", &[])
        .ok()
        .stdout_has(&["F-003"]);
    case.run(&["check"]).ok();
}

#[test]
fn a_case_json_from_before_the_filing_record_still_loads() {
    let (case, zip, _bag) = sealed_case();
    let mut json = case.case_json();
    json.as_object_mut().unwrap().remove("filing").unwrap();
    case.write(
        "case.json",
        serde_json::to_string_pretty(&json).unwrap() + "\n",
    );
    case.run(&["status"]).ok().stdout_has(&[
        "us-glomag: nothing recorded yet",
        "uk-ghr: nothing recorded yet",
    ]);
    case.run(&["check"]).ok();
    add(&case, "filed uk-ghr", &["--dossier", path(&zip)]).ok();
    assert_eq!(case.case_json()["filing"][0]["regime"], "uk-ghr");
    // A status shown takes no exclusive lock and writes nothing.
    let before = case.snapshot();
    case.run(&["status", "--json"]).ok();
    assert!(before == case.snapshot());
}

#[test]
fn an_entry_recorded_before_dossiers_had_a_sealing_day_is_still_sound() {
    let (case, _zip, _bag) = recorded();
    edit_record(&case, |record| {
        for entry in record.iter_mut() {
            entry["dossier"].as_object_mut().unwrap().remove("sealed");
        }
    });
    assert_eq!(filing_findings(&case), []);
    case.run(&["check"]).ok();
}

#[test]
fn check_reports_a_record_edited_by_hand_with_the_entry_and_the_fix() {
    let (case, _zip, _bag) = recorded();
    // What `status add` would have refused, written into case.json by hand.
    edit_record(&case, |record| {
        let by_id = |record: &mut Vec<Value>, id: &str| -> usize {
            record.iter().position(|e| e["id"] == id).unwrap()
        };
        // Acknowledged before the dossier was sealed, and before the filing.
        let i = by_id(record, "F-003");
        record[i]["date"] = "2026-11-20".into();
        // Designated without the authority's reference.
        let i = by_id(record, "F-004");
        record[i].as_object_mut().unwrap().remove("ref");
        // A regime no template knows.
        let i = by_id(record, "F-002");
        record[i]["regime"] = "xx-made-up".into();
        // A filing that names no dossier, dated after today.
        let i = by_id(record, "F-007");
        record[i].as_object_mut().unwrap().remove("dossier");
        record[i]["date"] = "2999-01-01".into();
        // A fingerprint that is not one.
        let i = by_id(record, "F-001");
        record[i]["dossier"]["fingerprint"] = "not-a-fingerprint".into();
        // An id given twice.
        let i = by_id(record, "F-008");
        record[i]["id"] = "F-006".into();
    });
    let findings = filing_findings(&case);
    let has = |place: &str, message: &str, fix: &str| {
        assert!(
            findings.iter().any(|(s, p, m, f)| s == "error"
                && p == place
                && m.contains(message)
                && f.contains(fix)),
            "no error at {place} saying {message:?} (fix {fix:?}) in {findings:#?}"
        );
    };
    has(
        "case.json F-003",
        "us-glomag acknowledged on 2026-11-20 is dated before its dossier VD-2024-full-2026-11-21.zip was sealed (2026-11-21)",
        "--date 2026-11-21",
    );
    has(
        "case.json F-003",
        "us-glomag has no `filed` entry on or before 2026-11-20",
        "status add filed --regime us-glomag",
    );
    has(
        "case.json F-004",
        "us-glomag designated on 2026-11-26 has no reference from the authority",
        "\"ref\"",
    );
    has(
        "case.json F-002",
        "unknown regime `xx-made-up`",
        "us-glomag, uk-ghr",
    );
    has(
        "case.json F-007",
        "uk-ghr filed on 2999-01-01 is dated after today",
        "--date",
    );
    has("case.json F-007", "names no dossier", "status remove F-007");
    has(
        "case.json F-001",
        "`not-a-fingerprint`, which is not a SHA-256",
        "--dossier",
    );
    has(
        "case.json F-006",
        "two filing record entries have the id F-006",
        "own id",
    );
    // Errors: the record would be printed wrong in the next PDF, so `check` fails and a build
    // is refused.
    case.run(&["check"])
        .exits(1)
        .stdout_has(&["case.json F-003", "fix:"]);
    let out = case.outside("refused");
    case.run(&["build", "--date", "2026-11-30", "--out", path(&out)])
        .exits(1);
}

#[test]
fn a_state_or_date_that_cannot_be_read_is_refused_at_its_line_naming_the_entry() {
    let (case, _zip, _bag) = filed_case();
    replace_in(&case.root().join("case.json"), "\"filed\"", "\"filled\"");
    case.refuses(
        &["check"],
        &[
            "case.json:",
            "unknown variant `filled`",
            "acknowledged",
            "withdrawn",
            "(in the filing record entry F-001)",
        ],
    );
    replace_in(&case.root().join("case.json"), "\"filled\"", "\"filed\"");
    replace_in(
        &case.root().join("case.json"),
        "\"2026-11-22\"",
        "\"2026-11-31\"",
    );
    case.refuses(
        &["check"],
        &[
            "case.json:",
            "bad date `2026-11-31`",
            "accepted forms",
            "(in the filing record entry F-001)",
        ],
    );
}
