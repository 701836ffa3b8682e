use crate::harness::TestCase;

#[test]
fn a_case_built_only_from_the_command_line_passes() {
    let case = TestCase::complete();
    case.run(&["check"]).ok().stdout_has(&[
        "check VD-2024",
        "2 exhibits hashed",
        "no problems found",
    ]);
    let report = case.run(&["check", "--json"]).ok().json();
    assert_eq!(report["errors"], 0);
    assert_eq!(report["warnings"], 0);
    assert_eq!(report["exhibits_hashed"], 2);
}

#[test]
fn check_records_itself_in_the_custody_log_and_keeps_the_chain() {
    let case = TestCase::complete();
    let before = case.read("custody.jsonl").lines().count();
    case.run(&["check"]).ok();
    case.run(&["check"]).ok();
    let log = case.read("custody.jsonl");
    assert_eq!(log.lines().count(), before + 2);
    assert!(log.lines().last().unwrap().contains("\"action\":\"check\""));
    assert_eq!(case.case_json()["custody"]["entries"], before + 2);
}

#[test]
fn an_exhibit_changed_after_intake_is_reported_with_both_hashes() {
    let case = TestCase::complete();
    let path = case.root().join("evidence/statements/witness 1.txt");
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[0] ^= 0x01; // same size, one bit flipped
    std::fs::write(&path, &bytes).unwrap();
    let expected = case.case_json()["exhibits"][0]["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    let run =
        case.run(&["check"])
            .exits(1)
            .stdout_has(&["E-001", "changed since intake", &expected]);
    let report = case.run(&["check", "--json"]).exits(1).json();
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["message"].as_str().unwrap().contains("changed"))
        .unwrap();
    assert!(
        finding["place"].as_str().unwrap().contains("witness 1.txt"),
        "{}",
        run.stdout
    );
    assert_eq!(finding["severity"], "error");
    let log = case.read("custody.jsonl");
    assert!(
        log.lines().last().unwrap().contains("E-001"),
        "the check entry names the changed exhibit"
    );
}

#[test]
fn a_deleted_exhibit_is_reported_missing() {
    let case = TestCase::complete();
    std::fs::remove_file(case.root().join("evidence/photos/gate.jpg")).unwrap();
    case.run(&["check"])
        .exits(1)
        .stdout_has(&["E-002", "is missing", "evidence/photos/gate.jpg"]);
}

#[test]
fn an_unregistered_file_is_reported() {
    let case = TestCase::complete();
    case.write("evidence/photos/new shot.jpg", "not yet registered");
    case.run(&["check"]).ok().stdout_has(&[
        "warning",
        "evidence/photos/new shot.jpg is not registered",
        "dossier exhibit add",
    ]);
}

#[test]
fn an_edited_custody_line_breaks_the_chain_at_that_line() {
    let case = TestCase::complete();
    let log = case.read("custody.jsonl");
    let edited = log.replacen(
        "\"actor\":\"test paralegal\"",
        "\"actor\":\"someone else\"",
        2,
    );
    case.write("custody.jsonl", edited);
    // Line 2 is the first changed line: the chain breaks at line 2's successor... or line 2
    // itself if line 1 was also edited. Both first lines were edited: line 2 no longer holds
    // line 1's hash.
    case.run(&["check"])
        .exits(1)
        .stdout_has(&["custody.jsonl:2", "chain of custody is broken at line 2"]);
}

#[test]
fn a_custody_log_cut_short_is_reported() {
    let case = TestCase::complete();
    case.cut_custody_log();
    case.run(&["check"])
        .exits(1)
        .stdout_has(&["entries were removed from its end"]);
}

#[test]
fn a_hash_edited_in_case_json_disagrees_with_the_custody_log() {
    let case = TestCase::complete();
    // Someone "re-hashes" a changed exhibit by hand: custody still has the intake hash.
    let path = case.root().join("evidence/photos/gate.jpg");
    std::fs::write(&path, "replaced photo").unwrap();
    let old = case.case_json()["exhibits"][1]["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    let new = crate::harness::sha256sum(&path).unwrap_or_else(|| "0".repeat(64));
    let text = case.read("case.json").replace(&old, &new);
    case.write("case.json", text);
    case.run(&["check"])
        .exits(1)
        .stdout_has(&["E-002", "intake was logged with", &old]);
}

#[test]
fn regime_requirements_are_reported_per_regime() {
    let case = TestCase::complete();
    case.run(&[
        "subject",
        "add",
        "Lương Bích Diệp",
        "--criterion",
        "us-glomag:1(a)(ii)(B)(1)",
        "--argument",
        "Took kickbacks.",
    ])
    .ok();
    let out = case.run(&["check"]).exits(1).stdout;
    let uk = out.find("\nuk-ghr\n").expect("a uk-ghr section");
    let us = out.find("\nus-glomag\n").expect("a us-glomag section");
    assert!(us < uk, "sections follow the case's regime order:\n{out}");
    let uk_part = &out[uk..];
    assert!(
        uk_part.contains("S-002") && uk_part.contains("meets no criterion of uk-ghr"),
        "{out}"
    );
    assert!(
        out[us..uk].contains("requires nationalities, positions for a person"),
        "{out}"
    );
    assert!(
        out[us..uk].contains("no exhibit supports criterion us-glomag:1(a)(ii)(B)(1)"),
        "{out}"
    );
}

#[test]
fn hand_edits_that_break_references_are_reported() {
    let case = TestCase::complete();
    let text = case
        .read("case.json")
        .replace("\"subject\": \"S-001\"", "\"subject\": \"S-404\"")
        .replace("\"clause\": \"4(2)(b)\"", "\"clause\": \"4(9)\"");
    case.write("case.json", text);
    let out = case.run(&["check"]).exits(1).stdout;
    assert!(out.contains("refers to unknown subject S-404"), "{out}");
    assert!(
        out.contains("uk-ghr:4(9)") && out.contains("the template has no such clause"),
        "{out}"
    );
}

#[test]
fn an_event_without_exhibits_and_missing_signatories_are_reported() {
    let case = TestCase::new();
    case.run(&["event", "add", "2019", "Something happened"])
        .ok();
    let out = case.run(&["check"]).exits(1).stdout;
    assert!(
        out.contains("V-001") && out.contains("has no exhibit supporting it"),
        "{out}"
    );
    assert!(out.contains("no signatory"), "{out}");
    assert!(out.contains("names no subject"), "{out}");
    assert!(out.contains("no executive summary"), "{out}");
}

#[test]
fn a_case_local_template_adds_a_regime() {
    let case = TestCase::complete();
    let builtin = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/templates/ca-jvcfoa.json"
    ))
    .unwrap();
    let local = builtin.replace("\"id\": \"ca-jvcfoa\"", "\"id\": \"xx-test\"");
    case.write("templates/xx-test.json", local);
    let text = case
        .read("case.json")
        .replace("\"uk-ghr\"\n", "\"uk-ghr\",\n    \"xx-test\"\n");
    case.write("case.json", text);
    let out = case.run(&["check"]).exits(1).stdout;
    assert!(
        out.contains("\nxx-test\n") && out.contains("meets no criterion of xx-test"),
        "{out}"
    );
    case.run(&["subject", "add", "B", "--criterion", "xx-test:4(2)(a)"])
        .ok();
}

#[test]
fn a_damaged_custody_log_stays_reported_on_every_later_check() {
    let case = TestCase::complete();
    case.cut_custody_log();
    for _ in 0..3 {
        case.run(&["check"]).exits(1);
    }
    // Other commands go on working, and do not hide the damage either.
    case.run(&["event", "add", "2020", "Later event", "--exhibit", "E-001"])
        .ok();
    case.run(&["check"])
        .exits(1)
        .stdout_has(&["is not the one case.json recorded"]);

    let case = TestCase::complete();
    let log = case.read("custody.jsonl");
    case.write(
        "custody.jsonl",
        log.replace("\"action\":\"intake\"", "\"action\":\"intake \""),
    );
    case.run(&["check"]).exits(1);
    case.run(&["check"])
        .exits(1)
        .stdout_has(&["chain of custody is broken"]);
}

#[test]
fn hand_edits_the_command_line_would_refuse_are_reported() {
    let case = TestCase::complete();
    case.run(&[
        "signatory",
        "add",
        "Quillwater Press Freedom Trust",
        "--email",
        "press@example.org",
        "--contact",
        "B",
    ])
    .ok();
    let text = case
        .read("case.json")
        .replace("\"role\": \"co-signer\"", "\"role\": \"lead\"")
        .replace("\"press@example.org\"", "\"press at example\"")
        .replace("\"FI\"", "\"Norzhavia\"")
        .replace("\"size\": 37", "\"size\": 36");
    case.write("case.json", text);
    let out = case.run(&["check"]).exits(1).stdout;
    assert!(out.contains("2 signatories are the lead"), "{out}");
    assert!(
        out.contains("`press at example` is not an e-mail address"),
        "{out}"
    );
    assert!(
        out.contains("nationalities: `Norzhavia` is not an ISO 3166-1 alpha-2 country code"),
        "{out}"
    );
    assert!(out.contains("gives E-001 the size 36"), "{out}");
}

#[test]
fn clauses_cited_without_quotation_are_listed_with_the_reason() {
    let case = TestCase::complete();
    let out = case.run(&["check"]).ok().stdout;
    // us-glomag:1(a)(ii)(A) (US-1) and uk-ghr:4(2)(b) (UK-GHR-1) are not confirmed word for word.
    for clause in ["us-glomag:1(a)(ii)(A)", "uk-ghr:4(2)(b)"] {
        let line = out
            .lines()
            .find(|l| l.contains("note") && l.contains(clause))
            .unwrap_or_else(|| panic!("no note for {clause}:\n{out}"));
        assert!(
            line.contains("without quotation")
                && line.contains("not confirmed word for word")
                && line.contains("used by S-001"),
            "{line}"
        );
    }
    assert!(
        out.contains("Exec. Order No. 13818, § 1(a)(ii)(A)"),
        "{out}"
    );
    assert!(out.contains("no problems found (2 notes)"), "{out}");
    let report = case.run(&["check", "--json"]).ok().json();
    assert_eq!(report["notes"], 2);
    assert_eq!(report["warnings"], 0);

    // In the sample, uk-gac:6(3)(a) is confirmed (quoted, not listed); uk-gac:4(2)(a) is not.
    let dir = crate::harness::sample();
    let report = crate::harness::dossier_in(dir.path(), &["-C", "case", "check", "--json"]).json();
    let noted: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "note")
        .map(|f| f["place"].as_str().unwrap())
        .collect();
    assert!(noted.contains(&"uk-gac:4(2)(a)"), "{noted:?}");
    assert!(!noted.contains(&"uk-gac:6(3)(a)"), "{noted:?}");
}

/// Adds criteria through `dossier import --as criteria`: rows of subject, criterion, argument,
/// exhibits.
fn import_criteria(case: &TestCase, rows: &[[&str; 4]]) {
    let mut csv = String::from("subject,criterion,argument,exhibits\n");
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| format!("\"{c}\"")).collect();
        csv.push_str(&cells.join(","));
        csv.push('\n');
    }
    let file = case.outside("criteria.csv");
    std::fs::write(&file, csv).unwrap();
    case.run(&["import", file.to_str().unwrap(), "--as", "criteria"])
        .ok();
}

#[test]
fn two_criteria_of_one_subject_with_the_same_argument_are_reported() {
    let case = TestCase::complete();
    import_criteria(
        &case,
        &[[
            "S-001",
            "us-glomag:1(a)(ii)(D)",
            "He ordered the beating of detainees at the gate (E-001, E-002).",
            "E-001",
        ]],
    );
    let out = case.run(&["check"]).ok().stdout;
    let line = out
        .lines()
        .find(|l| l.contains("carry the same argument"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        line.contains("S-001")
            && line.contains("Vadim Orzhelov")
            && line.contains("us-glomag:1(a)(ii)(A) and us-glomag:1(a)(ii)(D)"),
        "{line}"
    );
    assert!(
        out.contains("write one argument per criterion") && out.contains("or merge them"),
        "{out}"
    );
    // The same argument under two regimes is printed in two submissions, once each: no finding.
    assert_eq!(out.matches("carry the same argument").count(), 1, "{out}");
}

#[test]
fn a_former_clause_id_still_resolves_with_a_warning() {
    let case = TestCase::complete();
    let builtin = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/templates/uk-ghr.json"
    ))
    .unwrap();
    // As if an official source had renumbered 4(2)(b) as 4(1)(b).
    let local = builtin
        .replacen(
            "\"id\": \"4(2)(b)\",",
            "\"id\": \"4(1)(b)\",\n      \"former_ids\": [\"4(2)(b)\"],",
            1,
        )
        .replacen("reg. 4(2)(b)\"", "reg. 4(1)(b)\"", 1);
    assert_ne!(local, builtin);
    case.write("templates/uk-ghr.json", local);
    let out = case.run(&["check"]).ok().stdout;
    assert!(
        out.contains("uk-ghr:4(2)(b)")
            && out.contains("former id of the clause, now uk-ghr:4(1)(b)")
            && out.contains("change the criterion's \"clause\": \"4(2)(b)\" to \"4(1)(b)\""),
        "{out}"
    );
    // The dossier builds, citing the clause under its new number.
    case.build(&["--unpacked"]).ok();
    if let Some(out) = crate::harness::tool(
        "pdftotext",
        &["-enc", "UTF-8", "data/submission-uk-ghr.pdf", "-"],
        &case.bag("full"),
    ) {
        let text = String::from_utf8(out.stdout).unwrap();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains("(SI 2020/680), reg. 4(1)(b)"), "{text}");
    }
    // The old id is still accepted on the command line.
    case.run(&["subject", "add", "B", "--criterion", "uk-ghr:4(2)(b)"])
        .ok();
}

#[test]
fn user_assigned_country_codes_are_accepted_with_a_warning_naming_record_and_field() {
    // A subject of an invented country, coded XV (user-assigned): `add` accepts it, `check`
    // says that no authority will recognise it.
    let case = TestCase::complete();
    case.run(&[
        "subject",
        "edit",
        "S-001",
        "--nationality",
        "XV",
        "--id-document",
        "passport:VX0012345:XV",
    ])
    .ok();
    case.run(&[
        "signatory",
        "add",
        "Quillwater Press Freedom Trust",
        "--country",
        "QZ",
        "--email",
        "press@example.org",
        "--contact",
        "B",
    ])
    .ok();
    case.run(&[
        "subject",
        "add",
        "Arben Dervishaj-Loka",
        "--nationality",
        "XK",
    ])
    .ok();
    let check = case.run(&["check", "--json"]).json();
    let warnings: Vec<(String, String, String)> = check["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "warning")
        .map(|f| {
            let text = |k: &str| f[k].as_str().unwrap_or("").to_string();
            (text("place"), text("message"), text("fix"))
        })
        .filter(|(_, message, _)| message.contains("user-assigned"))
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    let (place, message, fix) = &warnings[0];
    assert_eq!(place, "S-001");
    assert!(
        message.contains("nationalities, id_documents[0].country use the user-assigned code XV")
            && message.contains("authorities will not recognise it"),
        "{message}"
    );
    assert!(
        fix.contains("dossier subject edit S-001 --nationality CC"),
        "{fix}"
    );
    let (place, message, fix) = &warnings[1];
    assert_eq!(place, "Quillwater Press Freedom Trust");
    assert!(
        message.contains("country uses the user-assigned code QZ"),
        "{message}"
    );
    assert!(fix.contains("--country CC"), "{fix}");
    // XK, Kosovo's code at most authorities, is taken as a country: no warning for S-002.
    assert!(
        !check["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["place"] == "S-002" && f["message"].as_str().unwrap().contains("XK")),
        "{check:#}"
    );
    // The warning goes once the code is a real one.
    case.run(&[
        "subject",
        "edit",
        "S-001",
        "--nationality",
        "GB",
        "--id-document",
        "passport:VX0012345:GB",
    ])
    .ok();
    let out = case.run(&["check"]).stdout;
    assert!(
        !out.contains("S-001 (Vadim Orzhelov): nationalities"),
        "{out}"
    );
}

#[test]
fn public_text_naming_confidential_sources_is_reported_once_per_exhibit_whatever_the_case() {
    let case = TestCase::complete();
    for (file, source) in [
        (
            "statement-1.txt",
            "Witness C-03, former guard (identity known to the lead only)",
        ),
        ("statement-2.txt", "Witness C-03"),
        ("statement-3.txt", "Witness C-07; cell mate"),
    ] {
        let path = case.outside(file);
        std::fs::write(&path, format!("{file} (fictional)")).unwrap();
        case.run(&[
            "exhibit",
            "add",
            path.to_str().unwrap(),
            "--confidential",
            "--source",
            source,
            "--event",
            "V-001",
        ])
        .ok();
    }
    case.run(&[
        "event",
        "edit",
        "V-001",
        "--description",
        "WITNESS C-07 saw it, and so did witness c-03.",
    ])
    .ok();
    let report = case.run(&["check", "--json"]).ok().json();
    let named: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["message"].as_str())
        .filter(|m| m.contains("would reveal who it is"))
        .collect();
    assert_eq!(
        named,
        [
            "V-001 description names `Witness C-03`, the source of confidential exhibit E-003: the public version would reveal who it is",
            "V-001 description names `Witness C-03`, the source of confidential exhibit E-004: the public version would reveal who it is",
            "V-001 description names `Witness C-07`, the source of confidential exhibit E-005: the public version would reveal who it is",
        ]
    );
}
