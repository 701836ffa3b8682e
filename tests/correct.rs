//! `subject|event|exhibit|signatory edit`, `remove` and `withdraw`: corrections validated like
//! `add`, recorded field by field in the custody log, and ids never reused.

use crate::harness::TestCase;

/// The custody log's entries as JSON.
fn log(case: &TestCase) -> Vec<serde_json::Value> {
    case.read("custody.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn has_entry(case: &TestCase, action: &str, details: &str) -> bool {
    log(case)
        .iter()
        .any(|e| e["action"] == action && e["details"].as_str().unwrap().contains(details))
}

#[test]
fn a_subject_edit_replaces_a_list_and_logs_old_and_new_values() {
    let case = TestCase::complete();
    case.run(&[
        "subject",
        "edit",
        "S-001",
        "--nationality",
        "FI",
        "--nationality",
        "GB",
    ])
    .ok()
    .stdout_has(&[r#"S-001 nationalities: ["FI"] -> ["FI","GB"]"#]);
    let subjects = case.run(&["subject", "list", "--json"]).ok().json();
    assert_eq!(
        subjects[0]["nationalities"],
        serde_json::json!(["FI", "GB"])
    );
    assert!(has_entry(
        &case,
        "edit",
        r#"S-001 nationalities: ["FI"] -> ["FI","GB"]"#
    ));
    case.run(&["check"]).ok();
}

#[test]
fn criteria_are_added_and_removed_one_at_a_time() {
    let case = TestCase::complete();
    case.run(&[
        "subject",
        "edit",
        "S-001",
        "--remove-criterion",
        "uk-ghr:4(2)(b)",
        "--add-criterion",
        "uk-ghr:4.2.b",
        "--argument",
        "A new argument for the UK regime.",
        "--exhibit",
        "E-001",
    ])
    .ok();
    let subject = &case.case_json()["subjects"][0];
    let uk = subject["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["regime"] == "uk-ghr")
        .unwrap();
    assert_eq!(uk["argument"], "A new argument for the UK regime.");
    assert_eq!(uk["exhibits"], serde_json::json!(["E-001"]));
    assert!(has_entry(&case, "edit", "S-001 criteria:"));
}

#[test]
fn a_bad_edit_is_refused_like_the_add_and_changes_nothing() {
    let case = TestCase::complete();
    case.refuses(
        &["subject", "edit", "S-001", "--nationality", "GBR"],
        &["--nationality", "two-letter country code"],
    );
    case.refuses(
        &["subject", "edit", "S-001", "--born", "last year"],
        &["--born"],
    );
    case.refuses(
        &["subject", "edit", "S-009", "--gender", "male"],
        &["S-009", "dossier subject list"],
    );
    case.refuses(
        &["subject", "edit", "S-001"],
        &["S-001: nothing to change", "--help"],
    );
    case.refuses(
        &[
            "subject",
            "edit",
            "S-001",
            "--add-criterion",
            "uk-ghr:4(2)(b)",
        ],
        &["already has the criterion", "--remove-criterion"],
    );
    case.refuses(
        &[
            "subject",
            "edit",
            "S-001",
            "--remove-criterion",
            "uk-ghr:4(2)(a)",
        ],
        &["S-001 has no criterion", "us-glomag:1(a)(ii)(A)"],
    );
    case.refuses(
        &["subject", "edit", "S-001", "--add-criterion", "uk-ghr:9"],
        &["no clause", "clauses of uk-ghr"],
    );
    case.refuses(
        &["event", "edit", "V-001", "--date", "14 March"],
        &["--date"],
    );
    case.refuses(&["event", "edit", "V-001", "--title", " "], &["--title"]);
    case.refuses(
        &["event", "edit", "V-001", "--remove-exhibit", "E-007"],
        &["V-001 has no exhibit E-007", "E-001, E-002"],
    );
    case.refuses(
        &["event", "edit", "V-001", "--add-subject", "S-004"],
        &["S-004"],
    );
    case.refuses(
        &["exhibit", "edit", "E-001", "--collected-at", "yesterday"],
        &["--collected-at"],
    );
    case.refuses(
        &["exhibit", "withdraw", "E-001", "--reason", " "],
        &["E-001: the --reason is empty"],
    );
    case.refuses(
        &["signatory", "edit", "Nobody", "--role", "lead"],
        &[
            "no signatory is named `Nobody`",
            "Norzhavia Justice Project",
        ],
    );
    case.refuses(
        &[
            "signatory",
            "edit",
            "Norzhavia Justice Project",
            "--email",
            "legal",
        ],
        &["not an e-mail address"],
    );
}

#[test]
fn an_event_edit_changes_date_links_and_roles() {
    let case = TestCase::complete();
    case.run(&[
        "subject",
        "add",
        "Irina Tavrova",
        "--criterion",
        "us-glomag:1(a)(ii)(A)",
    ])
    .ok();
    case.run(&[
        "event",
        "edit",
        "V-001",
        "--date",
        "2019-03-15",
        "--location",
        "",
        "--add-subject",
        "S-002:guard",
        "--remove-exhibit",
        "E-002",
    ])
    .ok()
    .stdout_has(&[
        r#"V-001 date: "2019-03-14" -> "2019-03-15""#,
        r#"V-001 location: "Qelvaran" -> null"#,
    ]);
    let events = case.run(&["event", "list", "--json"]).ok().json();
    assert_eq!(events[0]["date"], "2019-03-15");
    assert_eq!(events[0]["exhibits"], serde_json::json!(["E-001"]));
    assert_eq!(
        events[0]["subjects"][1],
        serde_json::json!({"subject": "S-002", "role": "guard"})
    );
    assert!(has_entry(&case, "edit", "V-001 exhibits:"));
}

#[test]
fn an_exhibit_edit_changes_metadata_never_the_hash_and_links_events() {
    let case = TestCase::complete();
    let before = case.case_json()["exhibits"][1].clone();
    case.run(&["event", "add", "2019-03-20", "Second beating"])
        .ok();
    case.run(&[
        "exhibit",
        "edit",
        "E-002",
        "--title",
        "Gate, north side",
        "--confidential",
        "--source",
        "Witness A",
        "--event",
        "V-002",
    ])
    .ok()
    .stdout_has(&[
        r#"E-002 title: null -> "Gate, north side""#,
        r#"E-002 source.provider: null -> "Witness A""#,
    ]);
    let after = &case.case_json()["exhibits"][1];
    assert_eq!(after["sha256"], before["sha256"]);
    assert_eq!(after["confidentiality"], "confidential");
    assert_eq!(
        case.case_json()["events"][1]["exhibits"],
        serde_json::json!(["E-002"])
    );
    let edits: Vec<_> = log(&case)
        .into_iter()
        .filter(|e| e["action"] == "edit")
        .collect();
    assert!(edits.iter().any(|e| e["exhibit"] == "E-002"));
    case.run(&["exhibit", "edit", "E-002", "--public"]).ok();
    assert_eq!(case.case_json()["exhibits"][1]["confidentiality"], "public");
}

#[test]
fn adding_a_registered_file_with_an_event_links_it() {
    let case = TestCase::complete();
    case.run(&["event", "add", "2019-03-20", "Second beating"])
        .ok();
    case.run(&[
        "exhibit",
        "add",
        "evidence/photos/gate.jpg",
        "--event",
        "V-002",
    ])
    .ok()
    .stdout_has(&["V-002 exhibits: [] -> [\"E-002\"]"]);
    assert_eq!(case.case_json()["exhibits"].as_array().unwrap().len(), 2);
    case.refuses(
        &["exhibit", "add", "evidence/photos/gate.jpg"],
        &["already registered as E-002", "exhibit edit E-002 --event"],
    );
}

#[test]
fn a_withdrawn_exhibit_leaves_the_dossier_and_check_and_its_id_is_not_reused() {
    let case = TestCase::complete();
    let e3 = case.exhibit("photos/blurred.jpg", "a blurred photo (fictional)");
    case.run(&["event", "edit", "V-001", "--add-exhibit", &e3])
        .ok();
    case.run(&[
        "exhibit",
        "withdraw",
        &e3,
        "--reason",
        "too blurred to identify anyone",
    ])
    .ok()
    .stdout_has(&["V-001 exhibits:", "E-003  withdrawn"]);
    assert!(case.root().join("evidence/photos/blurred.jpg").exists());
    assert!(has_entry(
        &case,
        "withdraw",
        "E-003 withdrawn (evidence/photos/blurred.jpg): too blurred"
    ));
    assert!(has_entry(&case, "intake", "evidence/photos/blurred.jpg"));
    let check = case.run(&["check", "--json"]).ok().json();
    let findings = check["findings"].as_array().unwrap();
    assert!(
        !findings
            .iter()
            .any(|f| f["place"].as_str().unwrap().contains("blurred"))
    );
    assert!(findings.iter().any(|f| f["severity"] == "note"
        && f["place"] == "E-003"
        && f["message"].as_str().unwrap().contains("too blurred")));

    case.build(&["--unpacked"]).ok();
    let bag = case.bag("full");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(bag.join("data/dossier.json")).unwrap())
            .unwrap();
    assert!(
        !json["exhibits"].to_string().contains("E-003"),
        "dossier.json lists the withdrawn exhibit"
    );
    // ... but says why it left, so that a later comparison tells withdrawn from lost.
    assert_eq!(json["retired"][0]["id"], "E-003");
    assert_eq!(
        json["retired"][0]["reason"],
        "too blurred to identify anyone"
    );
    let manifest = std::fs::read_to_string(bag.join("manifest-sha256.txt")).unwrap();
    assert!(!manifest.contains("E-003"));
    let sealed_log = std::fs::read_to_string(bag.join("data/custody.jsonl")).unwrap();
    assert!(sealed_log.contains("\"withdraw\""));

    assert_eq!(
        case.exhibit("photos/new.jpg", "another photo (fictional)"),
        "E-004"
    );
    case.refuses(
        &["event", "edit", "V-001", "--add-exhibit", "E-003"],
        &["E-003 was withdrawn", "too blurred"],
    );
}

#[test]
fn removed_subjects_and_events_keep_their_ids() {
    let case = TestCase::complete();
    case.run(&[
        "subject",
        "add",
        "Irina Tavrova",
        "--criterion",
        "us-glomag:1(a)(ii)(A)",
    ])
    .ok();
    case.run(&[
        "event",
        "add",
        "2020",
        "Entered twice",
        "--subject",
        "S-002",
    ])
    .ok();
    case.run(&[
        "subject",
        "remove",
        "S-002",
        "--reason",
        "same person as S-001",
    ])
    .ok()
    .stdout_has(&["V-002 subjects:", "S-002  removed"]);
    case.run(&["event", "remove", "V-002", "--reason", "entered twice"])
        .ok();
    assert!(has_entry(
        &case,
        "remove",
        "S-002 removed (Irina Tavrova): same person as S-001"
    ));
    let retired = case.case_json()["retired"].clone();
    assert_eq!(retired[0]["id"], "S-002");
    assert_eq!(retired[1]["event"]["title"], "Entered twice");
    case.run(&["subject", "add", "Someone Else"])
        .ok()
        .stdout_has(&["S-003"]);
    case.run(&["event", "add", "2021", "Later"])
        .ok()
        .stdout_has(&["V-003"]);
}

#[test]
fn signatories_are_listed_edited_and_removed() {
    let case = TestCase::complete();
    case.run(&[
        "signatory",
        "add",
        "Quillwater Trust",
        "--email",
        "q@example.org",
    ])
    .ok();
    let list = case.run(&["signatory", "list", "--json"]).ok().json();
    assert_eq!(list[1]["name"], "Quillwater Trust");
    case.run(&["signatory", "list"])
        .ok()
        .stdout_has(&["Quillwater Trust", "co-signer"]);
    case.refuses(
        &["signatory", "edit", "quillwater trust", "--role", "lead"],
        &[
            "Norzhavia Justice Project is already the lead",
            "--role co-signer",
        ],
    );
    case.run(&["signatory", "edit", "Quillwater Trust", "--name", "Quillwater Press Freedom Trust", "--contact", "A. Jones"])
        .ok()
        .stdout_has(&[r#"signatory Quillwater Trust name: "Quillwater Trust" -> "Quillwater Press Freedom Trust""#]);
    assert!(has_entry(
        &case,
        "edit",
        "signatory Quillwater Trust contact: null -> \"A. Jones\""
    ));
    case.run(&[
        "signatory",
        "remove",
        "Quillwater Press Freedom Trust",
        "--reason",
        "left the coalition",
    ])
    .ok();
    assert!(has_entry(
        &case,
        "remove",
        "signatory Quillwater Press Freedom Trust removed: left the coalition"
    ));
    assert_eq!(case.case_json()["signatories"].as_array().unwrap().len(), 1);
}

#[test]
fn check_reports_exhibits_removed_by_hand_and_an_id_given_twice() {
    let case = TestCase::complete();
    let e3 = case.exhibit("notes/a.txt", "first file (fictional)");
    case.run(&["event", "edit", "V-001", "--add-exhibit", &e3])
        .ok();
    // Removed by hand from case.json: the log still holds its intake.
    let mut json = case.case_json();
    json["exhibits"].as_array_mut().unwrap().pop();
    json["events"][0]["exhibits"].as_array_mut().unwrap().pop();
    case.write("case.json", serde_json::to_string_pretty(&json).unwrap());
    let check = case.run(&["check", "--json"]).json();
    let found = |text: &str| {
        check["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains(text))
    };
    assert!(found("records the intake of E-003"), "{check:#}");
    // The next file still gets E-004, never E-003 again.
    assert_eq!(
        case.exhibit("notes/b.txt", "second file (fictional)"),
        "E-004"
    );

    // An older tool gave the id again: two intake lines for E-004, different files.
    let e5 = case.exhibit("notes/c.txt", "third file (fictional)");
    let mut json = case.case_json();
    for e in json["exhibits"].as_array_mut().unwrap() {
        if e["id"] == e5 {
            e["id"] = "E-004".into();
        }
    }
    json["exhibits"]
        .as_array_mut()
        .unwrap()
        .retain(|e| e["path"] != "notes/b.txt");
    case.write("case.json", serde_json::to_string_pretty(&json).unwrap());
    let raw = case.read("custody.jsonl");
    case.write(
        "custody.jsonl",
        raw.replace(&format!("\"exhibit\":\"{e5}\""), "\"exhibit\":\"E-004\""),
    );
    let check = case.run(&["check", "--json"]).json();
    assert!(
        check["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["message"]
                .as_str()
                .unwrap()
                .contains("two different files as E-004")),
        "{check:#}"
    );
}

#[test]
fn subjects_and_events_removed_by_hand_keep_their_ids() {
    let case = TestCase::complete();
    case.run(&["subject", "add", "Irina Tavrova"])
        .ok()
        .stdout_has(&["S-002"]);
    case.run(&["event", "add", "2020", "Entered by mistake"])
        .ok()
        .stdout_has(&["V-002"]);
    assert!(has_entry(&case, "add", "S-002 added: Irina Tavrova"));
    assert!(has_entry(
        &case,
        "add",
        "V-002 added: 2020 Entered by mistake"
    ));
    // Taken out of case.json by hand: no command, no reason, no `retired` record.
    let mut json = case.case_json();
    json["subjects"]
        .as_array_mut()
        .unwrap()
        .retain(|s| s["id"] != "S-002");
    json["events"]
        .as_array_mut()
        .unwrap()
        .retain(|e| e["id"] != "V-002");
    case.write("case.json", serde_json::to_string_pretty(&json).unwrap());
    let check = case.run(&["check", "--json"]).json();
    for id in ["S-002", "V-002"] {
        assert!(
            check["findings"].as_array().unwrap().iter().any(|f| {
                f["severity"] == "warning"
                    && f["place"] == id
                    && f["message"].as_str().unwrap().contains("removed by hand")
            }),
            "{id}: {check:#}"
        );
    }
    // The log remembers them: the next ids follow the highest ever given.
    case.run(&["subject", "add", "Someone Else"])
        .ok()
        .stdout_has(&["S-003"]);
    case.run(&["event", "add", "2021", "Later"])
        .ok()
        .stdout_has(&["V-003"]);
    let json = case.case_json();
    let ids: Vec<&str> = json["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["S-001", "S-003"]);
}
