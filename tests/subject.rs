use crate::harness::TestCase;

#[test]
fn a_subject_is_stored_with_every_field_given() {
    let case = TestCase::new();
    let e1 = case.exhibit("order.pdf", "%PDF fictional order");
    case.run(&[
        "subject",
        "add",
        "Nizar al-Qaswani",
        "--original-script",
        "نزار القسواني",
        "--transliteration",
        "Nizar al-Kaswani",
        "--alias",
        "Abu Samir",
        "--born",
        "~1966",
        "--birthplace",
        "Qelvaran",
        "--gender",
        "male",
        "--nationality",
        "xx",
        "--position",
        "Deputy Minister, Ministry of Interior, 2015-06, 2021",
        "--id-document",
        "passport:NZ0000001:XX",
        "--address",
        "Qelvaran",
        "--associate",
        "Qarvexa Stroy-Invest LLC:beneficial owner",
        "--criterion",
        "us-glomag:1(a)(ii)(A)",
        "--criterion",
        "uk-ghr:4.2.b",
        "--argument",
        "Signed the order (E-001).",
        "--exhibit",
        &e1,
        "--nexus",
        "Property in London",
        "--exculpatory",
        "Denies signing",
    ])
    .ok()
    .stdout_has(&["S-001", "Nizar al-Qaswani"]);
    let s = &case.case_json()["subjects"][0];
    assert_eq!(s["kind"], "person");
    assert_eq!(s["name_original"], "نزار القسواني");
    assert_eq!(s["born"], "~1966");
    assert_eq!(s["nationalities"], serde_json::json!(["XX"]));
    assert_eq!(s["positions"][0]["organisation"], "Ministry of Interior");
    assert_eq!(s["positions"][0]["from"], "2015-06");
    assert_eq!(s["id_documents"][0]["type"], "passport");
    assert_eq!(s["associates"][0]["relation"], "beneficial owner");
    assert_eq!(s["criteria"][1]["clause"], "4(2)(b)");
    assert_eq!(s["criteria"][1]["exhibits"], serde_json::json!(["E-001"]));
    assert_eq!(s["criteria"][0]["argument"], "Signed the order (E-001).");
    let listed = case.run(&["subject", "list", "--json"]).ok().json();
    assert_eq!(listed[0]["id"], "S-001");
    case.run(&["subject", "list"])
        .ok()
        .stdout_has(&["S-001", "نزار القسواني", "uk-ghr:4(2)(b)"]);
}

#[test]
fn an_entity_gets_the_next_id() {
    let case = TestCase::new();
    case.run(&["subject", "add", "A"]).ok();
    case.run(&["subject", "add", "Qarvexa Stroy-Invest LLC", "--entity"])
        .ok()
        .stdout_has(&["S-002", "entity"]);
}

#[test]
fn bad_subjects_are_refused_with_the_fix() {
    let case = TestCase::new();
    case.refuses(
        &["subject", "add", "A", "--criterion", "us-magnitsky:1"],
        &["unknown regime `us-magnitsky`", "us-glomag"],
    );
    case.refuses(
        &["subject", "add", "A", "--criterion", "uk-ghr:9(9)"],
        &[
            "uk-ghr has no clause `9(9)`",
            // Each clause, quoted as the shell needs it, with its title.
            "'uk-ghr:4(2)(b)'  Torture or cruel, inhuman or degrading treatment",
        ],
    );
    case.refuses(
        &["subject", "add", "A", "--criterion", "4(2)(b)"],
        &["has no regime", "REGIME:CLAUSE"],
    );
    case.refuses(
        &["subject", "add", "A", "--born", "1966-13"],
        &["--born", "bad date", "2017-01-15"],
    );
    case.refuses(
        &["subject", "add", "A", "--nationality", "Norzhavia"],
        &["two-letter country code"],
    );
    case.refuses(
        &[
            "subject",
            "add",
            "A",
            "--position",
            "Director, Prison, last year",
        ],
        &["--position", "bad date"],
    );
    case.refuses(
        &["subject", "add", "A", "--id-document", "passport"],
        &["TYPE:NUMBER"],
    );
    case.refuses(
        &[
            "subject",
            "add",
            "A",
            "--criterion",
            "uk-ghr:4(2)(b)",
            "--exhibit",
            "E-007",
        ],
        &["unknown exhibit `E-007`", "no exhibits"],
    );
    case.refuses(
        &["subject", "add", "A", "--argument", "x"],
        &["no --criterion"],
    );
    case.refuses(&["subject", "add", "  "], &["NAME", "empty"]);
    case.run(&["subject", "add", "Vadim Orzhelov"]).ok();
    case.refuses(
        &["subject", "add", "vadim orzhelov"],
        &["already in the case as S-001"],
    );
}
