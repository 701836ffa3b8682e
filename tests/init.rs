use crate::harness::{TestCase, dossier_in};

#[test]
fn init_creates_the_case_folder() {
    let case = TestCase::new();
    let json = case.case_json();
    assert_eq!(json["schema"], 1);
    assert_eq!(json["id"], "VD-2024");
    assert_eq!(json["title"], "Detentions in Norzhavia");
    assert_eq!(json["regimes"], serde_json::json!(["us-glomag", "uk-ghr"]));
    for dir in ["evidence", "narrative"] {
        assert!(case.root().join(dir).is_dir(), "{dir}/ missing");
    }
    let log = case.read("custody.jsonl");
    assert_eq!(log.lines().count(), 1);
    assert!(
        log.contains("\"action\":\"init\"") && log.contains("test paralegal"),
        "{log}"
    );
    // Pretty-printed, one field per line, so it diffs well.
    assert!(
        case.read("case.json")
            .contains("\n  \"title\": \"Detentions in Norzhavia\",\n")
    );
}

#[test]
fn init_takes_the_folder_from_dash_c_and_derives_an_id_from_the_title() {
    let case = TestCase::empty();
    std::fs::create_dir(case.root()).unwrap();
    case.run(&["init", "--title", "Qelvaran detentions (2019)"])
        .ok()
        .stdout_has(&["QELVARAN-DETENTIONS-2019"]);
    assert_eq!(case.case_json()["id"], "QELVARAN-DETENTIONS-2019");
}

#[test]
fn init_refuses_an_existing_case() {
    let case = TestCase::new();
    case.refuses(
        &["init", ".", "--title", "Again"],
        &["a case already exists", "case.json"],
    );
}

#[test]
fn init_refuses_an_unknown_regime_listing_the_known_ones_and_creates_nothing() {
    let case = TestCase::empty();
    dossier_in(
        case.dir.path(),
        &["init", "new", "--title", "T", "--regime", "us-magnitsky"],
    )
    .exits(2)
    .stderr_has(&[
        "unknown regime `us-magnitsky`",
        "us-glomag",
        "uk-ghr",
        "uk-gac",
        "eu-ghr",
        "ca-jvcfoa",
        "au-magnitsky",
    ]);
    assert!(!case.dir.path().join("new").exists());
}

#[test]
fn init_refuses_an_id_unfit_for_file_names() {
    let case = TestCase::empty();
    dossier_in(
        case.dir.path(),
        &["init", "new", "--title", "T", "--id", "../evil"],
    )
    .exits(2)
    .stderr_has(&["--id", "letters, digits"]);
    assert!(!case.dir.path().join("new").exists());
}

#[test]
fn commands_outside_a_case_say_how_to_start_one() {
    let case = TestCase::empty();
    dossier_in(case.dir.path(), &["exhibit", "list"])
        .exits(2)
        .stderr_has(&["no case found", "dossier init"]);
}

#[test]
fn malformed_case_json_is_reported_with_line_and_column() {
    let case = TestCase::new();
    let text = case
        .read("case.json")
        .replacen("\"title\":", "\"title\" ", 1);
    case.write("case.json", &text);
    case.refuses(&["subject", "list"], &["case.json:4:", "expected `:`"]);
    case.refuses(&["check"], &["case.json:4:"]);
}

#[test]
fn a_misspelt_field_in_case_json_is_named_not_ignored() {
    let case = TestCase::new();
    let text = case
        .read("case.json")
        .replacen("\"regimes\"", "\"regime\"", 1);
    case.write("case.json", &text);
    case.refuses(
        &["exhibit", "list"],
        &["case.json:5:", "unknown field `regime`"],
    );
}
