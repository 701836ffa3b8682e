//! The filing record: `status add` for each state with its rules, `status` and `status --json`,
//! `status remove`, the custody log, and the record carried into later dossiers.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::harness::{TestCase, replace_in, sealed, sha256sum};

/// `status add ARGS...` on the case.
fn add(case: &TestCase, args: &[&str]) -> crate::harness::Run {
    let mut all = vec!["status", "add"];
    all.extend_from_slice(args);
    case.run(&all)
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
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

/// A sealed case (zip and bag in `out/`) whose referral to us-glomag went through filed,
/// acknowledged, follow-up (with the unpacked copy of the same dossier) and designated, and to
/// uk-ghr through filed, withdrawn, filed again and declined. Entries are given out of date
/// order on purpose: the record keeps them by date.
fn recorded() -> (TestCase, PathBuf, PathBuf) {
    let (case, bag) = sealed();
    let zip = case.zip("full");
    add(
        &case,
        &[
            "filed",
            "--regime",
            "us-glomag",
            "--date",
            "2026-11-22",
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
    let steps: &[&[&str]] = &[
        &[
            "filed",
            "--regime",
            "uk-ghr",
            "--date",
            "2026-11-22",
            "--dossier",
            path(&zip),
        ],
        &[
            "acknowledged",
            "--regime",
            "us-glomag",
            "--date",
            "2026-11-23",
            "--ref",
            "OFAC-2026-117",
        ],
        &[
            "designated",
            "--regime",
            "us-glomag",
            "--date",
            "2026-11-26",
            "--ref",
            "https://example.gov/press/sb0001",
        ],
        &[
            "follow-up",
            "--regime",
            "us-glomag",
            "--date",
            "2026-11-24",
            "--dossier",
            path(&bag),
        ],
        &["withdrawn", "--regime", "uk-ghr", "--date", "2026-11-25"],
        &[
            "filed",
            "--regime",
            "uk-ghr",
            "--date",
            "2026-11-28",
            "--dossier",
            path(&bag),
        ],
        &[
            "declined",
            "--regime",
            "uk-ghr",
            "--date",
            "2026-11-29",
            "--note",
            "no UK nexus found",
        ],
    ];
    for step in steps {
        add(&case, step).ok();
    }
    (case, zip, bag)
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
    let states = |entries: &[Value]| -> Vec<String> {
        entries
            .iter()
            .map(|e| e["state"].as_str().unwrap().to_string())
            .collect()
    };
    let us = trail("us-glomag");
    assert_eq!(
        states(&us),
        ["filed", "acknowledged", "follow-up", "designated"]
    );
    let dates: Vec<&str> = us.iter().map(|e| e["date"].as_str().unwrap()).collect();
    assert_eq!(
        dates,
        ["2026-11-22", "2026-11-23", "2026-11-24", "2026-11-26"]
    );
    // Every entry names the dossier it is about, the zip and the folder alike by the
    // fingerprint sha256sum gives their manifest; one given none refers to the latest.
    for entry in &us {
        assert_eq!(
            entry["dossier"]["fingerprint"],
            fingerprint.as_str(),
            "{entry}"
        );
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
    assert_eq!(states(&uk), ["filed", "withdrawn", "filed", "declined"]);
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
        &fingerprint,
    ]);
    assert!(
        text.stdout.find("2026-11-22  filed").unwrap() < text.stdout.find("2026-11-26").unwrap(),
        "{}",
        text.stdout
    );
    // case.json keeps the record in date order, ids in the order given.
    let ids: Vec<String> = case.case_json()["filing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        ids,
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
    // case.json records the log's new head, and `check` finds the chain intact.
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
            .any(|p| p.starts_with("custody.jsonl") || *p == "case.json"),
        "check reports the custody log: {check}"
    );
}

#[test]
fn a_later_dossier_carries_the_filing_record() {
    let (case, _zip, _bag) = recorded();
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
    let bag = out.join("VD-2024-full-2026-11-30");
    let sealed: Value =
        serde_json::from_str(&std::fs::read_to_string(bag.join("data/dossier.json")).unwrap())
            .unwrap();
    assert_eq!(sealed["filing"], case.case_json()["filing"]);
    assert_eq!(sealed["filing"].as_array().unwrap().len(), 8);
    // Its sealed custody log holds the entries too, and the dossier verifies.
    let log = std::fs::read_to_string(bag.join("data/custody.jsonl")).unwrap();
    assert_eq!(log.matches("\"action\":\"status\"").count(), 8);
    case.run(&["verify", path(&out.join("VD-2024-full-2026-11-30.zip"))])
        .ok();
}

#[test]
fn designated_without_the_authoritys_reference_is_refused_and_nothing_changes() {
    let (case, _zip, _bag) = recorded();
    let case_json = case.read("case.json");
    let log = case.read("custody.jsonl");
    let run = case.refuses(
        &[
            "status",
            "add",
            "designated",
            "--regime",
            "uk-ghr",
            "--date",
            "2026-11-29",
        ],
        &["designat", "--ref"],
    );
    assert!(run.stdout.is_empty());
    case.refuses(
        &[
            "status",
            "add",
            "designated",
            "--regime",
            "uk-ghr",
            "--ref",
            "  ",
        ],
        &["--ref"],
    );
    assert_eq!(case.read("case.json"), case_json);
    assert_eq!(case.read("custody.jsonl"), log);
}

#[test]
fn an_unknown_regime_is_refused_naming_the_cases_regimes() {
    let (case, zip, _bag) = sealed_case();
    case.refuses(
        &[
            "status",
            "add",
            "filed",
            "--regime",
            "eu-ghr",
            "--dossier",
            path(&zip),
        ],
        &["eu-ghr", "us-glomag, uk-ghr"],
    );
}

#[test]
fn a_bad_or_future_date_is_refused_with_the_accepted_forms() {
    let (case, zip, _bag) = sealed_case();
    for date in ["25/11/2026", "2026-13-01", "yesterday"] {
        case.refuses(
            &[
                "status",
                "add",
                "filed",
                "--regime",
                "us-glomag",
                "--date",
                date,
                "--dossier",
                path(&zip),
            ],
            &["--date", date, "accepted forms", "2017-01-15"],
        );
    }
    case.refuses(
        &[
            "status",
            "add",
            "filed",
            "--regime",
            "us-glomag",
            "--date",
            "2999-01-01",
            "--dossier",
            path(&zip),
        ],
        &["2999-01-01", "after today"],
    );
    // The case's other date forms are taken.
    add(
        &case,
        &[
            "filed",
            "--regime",
            "us-glomag",
            "--date",
            "2026-11",
            "--dossier",
            path(&zip),
        ],
    )
    .ok();
    add(
        &case,
        &[
            "acknowledged",
            "--regime",
            "us-glomag",
            "--date",
            "~2026-11-28",
        ],
    )
    .ok();
    assert_eq!(case.case_json()["filing"][1]["date"], "~2026-11-28");
}

#[test]
fn an_unknown_state_is_refused_listing_the_states() {
    let (case, zip, _bag) = sealed_case();
    case.refuses(
        &[
            "status",
            "add",
            "sent",
            "--regime",
            "us-glomag",
            "--dossier",
            path(&zip),
        ],
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
    case.refuses(
        &["status", "add", "filed", "--regime", "us-glomag"],
        &["filed", "--dossier", "dossier build"],
    );
    std::fs::create_dir_all(case.root().join("dossiers")).unwrap();
    std::fs::copy(
        &zip,
        case.root().join("dossiers/VD-2024-full-2026-11-21.zip"),
    )
    .unwrap();
    case.refuses(
        &["status", "add", "filed", "--regime", "us-glomag"],
        &["--dossier \"dossiers/VD-2024-full-2026-11-21.zip\""],
    );
    // A path relative to the case folder, as the hint gives it.
    add(
        &case,
        &[
            "filed",
            "--regime",
            "us-glomag",
            "--dossier",
            "dossiers/VD-2024-full-2026-11-21.zip",
        ],
    )
    .ok();
}

#[test]
fn a_dossier_of_another_case_is_refused() {
    let (case, zip, bag) = sealed_case();
    replace_in(&case.root().join("case.json"), "\"VD-2024\"", "\"VD-2025\"");
    for dossier in [&zip, &bag] {
        case.refuses(
            &[
                "status",
                "add",
                "filed",
                "--regime",
                "us-glomag",
                "--dossier",
                path(dossier),
            ],
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
    case.refuses(
        &[
            "status",
            "add",
            "filed",
            "--regime",
            "us-glomag",
            "--dossier",
            path(&bag),
        ],
        &["not intact", "dossier verify"],
    );
    case.refuses(
        &[
            "status",
            "add",
            "filed",
            "--regime",
            "us-glomag",
            "--dossier",
            path(&case.outside("none.zip")),
        ],
        &["none.zip"],
    );
}

#[test]
fn a_draft_dossier_is_refused() {
    let case = TestCase::new();
    let out = case.outside("drafts");
    case.run(&[
        "build",
        "--draft",
        "--date",
        "2026-11-21",
        "--out",
        path(&out),
    ])
    .ok();
    case.refuses(
        &[
            "status",
            "add",
            "filed",
            "--regime",
            "us-glomag",
            "--dossier",
            path(&out.join("VD-2024-full-2026-11-21.zip")),
        ],
        &["draft", "not for filing"],
    );
}

#[test]
fn only_a_filing_starts_a_trail_and_only_a_new_filing_follows_a_withdrawal() {
    let (case, zip, _bag) = sealed_case();
    case.refuses(
        &["status", "add", "acknowledged", "--regime", "us-glomag"],
        &["no `filed` entry", "status add filed --regime us-glomag"],
    );
    add(
        &case,
        &[
            "filed",
            "--regime",
            "us-glomag",
            "--date",
            "2026-11-24",
            "--dossier",
            path(&zip),
        ],
    )
    .ok();
    // Dated before the filing: nothing was filed yet then.
    case.refuses(
        &[
            "status",
            "add",
            "acknowledged",
            "--regime",
            "us-glomag",
            "--date",
            "2026-11-23",
        ],
        &["on or before 2026-11-23"],
    );
    // The filing to one regime is not one to another.
    case.refuses(
        &["status", "add", "declined", "--regime", "uk-ghr"],
        &["uk-ghr has no `filed` entry"],
    );
    add(
        &case,
        &[
            "acknowledged",
            "--regime",
            "us-glomag",
            "--date",
            "2026-11-24",
        ],
    )
    .ok();
    // The same entry twice is refused.
    case.refuses(
        &[
            "status",
            "add",
            "acknowledged",
            "--regime",
            "us-glomag",
            "--date",
            "2026-11-24",
        ],
        &["us-glomag acknowledged on 2026-11-24 is already recorded, as F-002"],
    );
    add(
        &case,
        &["withdrawn", "--regime", "us-glomag", "--date", "2026-11-25"],
    )
    .ok();
    case.refuses(
        &[
            "status",
            "add",
            "follow-up",
            "--regime",
            "us-glomag",
            "--date",
            "2026-11-26",
        ],
        &["withdrawn on 2026-11-25 (F-003)", "new filing"],
    );
    add(
        &case,
        &[
            "filed",
            "--regime",
            "us-glomag",
            "--date",
            "2026-11-27",
            "--dossier",
            path(&zip),
        ],
    )
    .ok();
    add(
        &case,
        &["follow-up", "--regime", "us-glomag", "--date", "2026-11-28"],
    )
    .ok();
}

#[test]
fn remove_takes_a_mistaken_entry_out_with_its_reason_and_never_reuses_its_id() {
    let (case, zip, _bag) = sealed_case();
    add(
        &case,
        &[
            "filed",
            "--regime",
            "us-glomag",
            "--date",
            "2026-11-22",
            "--dossier",
            path(&zip),
        ],
    )
    .ok();
    add(
        &case,
        &[
            "acknowledged",
            "--regime",
            "us-glomag",
            "--date",
            "2026-11-23",
        ],
    )
    .ok();
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
    add(
        &case,
        &[
            "acknowledged",
            "--regime",
            "us-glomag",
            "--date",
            "2026-11-24",
        ],
    )
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
    add(
        &case,
        &["filed", "--regime", "uk-ghr", "--dossier", path(&zip)],
    )
    .ok();
    assert_eq!(case.case_json()["filing"][0]["regime"], "uk-ghr");
    // A status shown takes no exclusive lock and writes nothing.
    let before = case.snapshot();
    case.run(&["status", "--json"]).ok();
    assert!(before == case.snapshot());
}

/// A sealed case with nothing recorded: `(case, zip, bag)`.
fn sealed_case() -> (TestCase, PathBuf, PathBuf) {
    let (case, bag) = sealed();
    let zip = case.zip("full");
    (case, zip, bag)
}
