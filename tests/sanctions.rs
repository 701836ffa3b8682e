//! `check --sanctions FILE`: subjects screened against FollowTheMoney entities in OpenSanctions'
//! shape, files the tests write themselves and have the followthemoney package check first.
//! Every name, list and address here is fictional.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::export::ftm_validate;
use crate::harness::{TestCase, tool};

/// A listed entity as OpenSanctions writes it: one compact JSON object per line, with caption,
/// datasets, referents and the first/last seen stamps.
fn listed(id: &str, schema: &str, names: &[&str], properties: Value) -> Value {
    let mut props = properties.as_object().cloned().unwrap_or_default();
    props.insert("name".into(), json!(names));
    json!({
        "id": id,
        "caption": names[0],
        "schema": schema,
        "properties": props,
        "referents": [format!("{id}-old")],
        "datasets": ["xx_fictional_sanctions"],
        "first_seen": "2021-03-22T10:00:00",
        "last_seen": "2026-11-01T10:00:00",
        "last_change": "2024-05-02T10:00:00",
        "target": true
    })
}

/// A Sanction entity pointing at `target`.
fn sanction(
    id: &str,
    target: &str,
    authority: &str,
    program: &str,
    start: &str,
    url: &str,
) -> Value {
    json!({
        "id": id,
        "caption": program,
        "schema": "Sanction",
        "properties": {
            "entity": [target],
            "authority": [authority],
            "program": [program],
            "startDate": [start],
            "sourceUrl": [url]
        },
        "referents": [],
        "datasets": ["xx_fictional_sanctions"],
        "first_seen": "2021-03-22T10:00:00",
        "last_seen": "2026-11-01T10:00:00",
        "last_change": "2024-05-02T10:00:00",
        "target": false
    })
}

const OFAC_URL: &str = "https://sanctions.example.org/ofac/2021-03-22";
const HMT_URL: &str = "https://sanctions.example.org/hmt/notice-2022-17";

/// The listings the tests screen against, in file order: a Sanction before its target, a
/// Company bearing a person's name, a namesake born in another year, unrelated entities.
fn listings() -> Vec<Value> {
    vec![
        listed(
            "xx-person-filler-1",
            "Person",
            &["Ilona Brevik"],
            json!({"birthDate": ["1980"]}),
        ),
        // Before the entity it points at.
        sanction(
            "xx-sanc-qarmani",
            "xx-person-qarmani",
            "Office of Foreign Assets Control",
            "GLOMAG",
            "2021-03-22",
            OFAC_URL,
        ),
        listed(
            "xx-person-qarmani",
            "Person",
            &["Tareq Zaid AL-QARMANI"],
            json!({"alias": ["Abu Zaid"], "birthDate": ["1968-05-02"], "nationality": ["sy"], "topics": ["sanction"]}),
        ),
        listed(
            "xx-company-orzhelov",
            "Company",
            &["Vadim Orzhelov"],
            json!({"jurisdiction": ["cy"]}),
        ),
        listed(
            "xx-person-orzhelov-1958",
            "Person",
            &["ORZHELOV, Vadim Petrovich"],
            json!({"birthDate": ["1958-11-30"], "topics": ["sanction"]}),
        ),
        listed(
            "xx-person-orzhelov",
            "Person",
            &["Vadim Orzhelov"],
            json!({"alias": ["Вадим Оржелов"], "birthDate": ["1971"], "topics": ["sanction"]}),
        ),
        // After the entity it points at.
        sanction(
            "xx-sanc-orzhelov",
            "xx-person-orzhelov",
            "HM Treasury",
            "Global Human Rights",
            "2022-02-10",
            HMT_URL,
        ),
        sanction(
            "xx-sanc-orzhelov-1958",
            "xx-person-orzhelov-1958",
            "HM Treasury",
            "Russia",
            "2022-03-15",
            "https://sanctions.example.org/hmt/notice-2022-31",
        ),
        listed(
            "xx-org-filler",
            "Organization",
            &["Brightwater Relief Fund"],
            json!({}),
        ),
    ]
}

/// The listings as JSON lines, checked by the followthemoney package.
fn ftm_lines(entities: &[Value]) -> String {
    let text: String = entities
        .iter()
        .map(|e| format!("{}\n", serde_json::to_string(e).unwrap()))
        .collect();
    if let Some((valid, said)) = ftm_validate(&text) {
        assert!(valid, "followthemoney rejects the test listings:\n{said}");
    }
    text
}

/// Writes the listings beside the case and returns the path.
fn write_listings(case: &TestCase, name: &str, text: &str) -> PathBuf {
    let path = case.outside(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A case with a subject named in Arabic script and Latin (spelt otherwise than the listing),
/// a subject who shares a name with a company, and an entity subject.
fn screened_case() -> TestCase {
    let case = TestCase::new();
    case.run(&[
        "subject",
        "add",
        "Tariq Zayed al-Qarmani",
        "--original-script",
        "طارق زايد القرماني",
        "--born",
        "1968-05-02",
        "--nationality",
        "SY",
    ])
    .ok();
    case.run(&["subject", "add", "Vadim Orzhelov", "--born", "1971-03-09"])
        .ok();
    case.run(&["subject", "add", "Qarvexa Stroy-Invest LLC", "--entity"])
        .ok();
    case
}

fn screen_json(case: &TestCase, file: &Path) -> Value {
    let run = case.run(&["check", "--json", "--sanctions", file.to_str().unwrap()]);
    assert_eq!(
        run.code, 1,
        "check finds the incomplete case's errors: {}",
        run.stderr
    );
    run.json()["sanctions"].clone()
}

fn matches_of<'a>(screening: &'a Value, subject: &str) -> &'a Vec<Value> {
    screening["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["subject"] == subject)
        .unwrap()["matches"]
        .as_array()
        .unwrap()
}

#[test]
fn an_arabic_script_subject_matches_a_latin_listing_with_its_sanction_found_before_it() {
    let case = screened_case();
    let file = write_listings(&case, "entities.ftm.json", &ftm_lines(&listings()));
    let screening = screen_json(&case, &file);
    let found = matches_of(&screening, "S-001");
    assert_eq!(found.len(), 1, "{found:#?}");
    let m = &found[0];
    assert_eq!(m["entity_id"], "xx-person-qarmani");
    assert_eq!(m["caption"], "Tareq Zaid AL-QARMANI");
    assert_eq!(m["schema"], "Person");
    assert_eq!(m["datasets"], json!(["xx_fictional_sanctions"]));
    assert_eq!(m["strength"], "strong");
    let reasons = m["reasons"].to_string();
    assert!(
        reasons.contains("طارق زايد القرماني") && reasons.contains("original script"),
        "the Arabic form is what matched: {reasons}"
    );
    assert!(reasons.contains("1968-05-02"), "{reasons}");
    assert_eq!(
        m["sanctions"],
        json!([{
            "authority": "Office of Foreign Assets Control",
            "program": "GLOMAG",
            "start_date": "2021-03-22",
            "end_date": null,
            "source_url": OFAC_URL
        }])
    );
    // The entity subject matches nothing: no organisation of its name is listed.
    assert!(matches_of(&screening, "S-003").is_empty());
}

#[test]
fn a_namesake_born_in_another_year_is_a_conflict_below_the_match_and_a_company_never_matches() {
    let case = screened_case();
    let file = write_listings(&case, "entities.ftm.json", &ftm_lines(&listings()));
    let screening = screen_json(&case, &file);
    let found = matches_of(&screening, "S-002");
    let ids: Vec<&str> = found
        .iter()
        .map(|m| m["entity_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["xx-person-orzhelov", "xx-person-orzhelov-1958"],
        "best first, and never the company named Vadim Orzhelov"
    );
    let (same, other) = (&found[0], &found[1]);
    assert_eq!(same["conflict"], false);
    assert_eq!(other["conflict"], true);
    assert_eq!(other["strength"], "possible");
    assert!(same["score"].as_f64() > other["score"].as_f64());
    assert!(
        other["reasons"]
            .to_string()
            .contains("conflict: born 1971-03-09 in the case, 1958-11-30 in the listing"),
        "{}",
        other["reasons"]
    );
    // The sanction came after its entity in the file.
    assert_eq!(same["sanctions"][0]["authority"], "HM Treasury");
    assert_eq!(same["sanctions"][0]["source_url"], HMT_URL);

    let text = case
        .run(&["check", "--sanctions", file.to_str().unwrap()])
        .stdout;
    assert!(text.contains("conflict xx-person-orzhelov-1958"), "{text}");
    assert!(
        text.contains("sanctioned by HM Treasury, Global Human Rights, since 2022-02-10: https://sanctions.example.org/hmt/notice-2022-17"),
        "{text}"
    );
    assert!(
        text.contains("S-003  Qarvexa Stroy-Invest LLC\n  no listed entity matches"),
        "{text}"
    );
}

#[test]
fn a_gzip_file_is_read_whatever_its_name() {
    let case = screened_case();
    let text = ftm_lines(&listings());
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).unwrap();
    let file = case.outside("opensanctions-download");
    std::fs::write(&file, gz.finish().unwrap()).unwrap();
    let screening = screen_json(&case, &file);
    assert_eq!(screening["gzip"], true);
    assert_eq!(screening["lines"], listings().len());
    assert_eq!(
        matches_of(&screening, "S-001")[0]["entity_id"],
        "xx-person-qarmani"
    );

    // A download cut short is an error, and the case is left as it was.
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes[..bytes.len() - 20]).unwrap();
    case.refuses(
        &["check", "--sanctions", file.to_str().unwrap()],
        &["opensanctions-download", "download the file again"],
    );
}

#[test]
fn a_malformed_line_is_skipped_and_named_and_the_rest_is_screened() {
    let case = screened_case();
    let text = ftm_lines(&listings());
    let mut lines: Vec<&str> = text.lines().collect();
    let cut = &lines[3][..40];
    lines.insert(3, cut); // line 4: an entity cut short
    let file = write_listings(&case, "entities.ftm.json", &(lines.join("\n") + "\n"));
    let run = case.run(&["check", "--json", "--sanctions", file.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    let report = run.json();
    assert_eq!(report["sanctions"]["skipped"], 1);
    assert_eq!(report["sanctions"]["skipped_lines"][0]["line"], 4);
    assert_eq!(
        matches_of(&report["sanctions"], "S-002")[0]["entity_id"],
        "xx-person-orzhelov"
    );
    let warning = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["place"] == file.to_str().unwrap())
        .expect("a warning names the file");
    assert!(
        warning["message"]
            .as_str()
            .unwrap()
            .contains("1 line skipped")
            && warning["message"].as_str().unwrap().contains("line 4"),
        "{warning}"
    );
}

#[test]
fn a_file_that_is_not_ftm_lines_is_refused_and_nothing_changes() {
    let case = screened_case();
    let file = write_listings(
        &case,
        "targets.simple.csv",
        "id,schema,name\nx,Person,Someone\n",
    );
    case.refuses(
        &["check", "--sanctions", file.to_str().unwrap()],
        &[
            "targets.simple.csv: line 1 is not a FollowTheMoney entity",
            "entities.ftm.json",
        ],
    );
    case.refuses(
        &[
            "check",
            "--sanctions",
            case.outside("missing.json").to_str().unwrap(),
        ],
        &["missing.json"],
    );
}

#[test]
fn record_writes_strong_matches_into_the_subject_and_the_pdf_says_already_designated() {
    let case = TestCase::complete();
    let file = write_listings(&case, "entities.ftm.json", &ftm_lines(&listings()));
    let file = file.to_str().unwrap();
    let before = case.run(&["check", "--sanctions", file]).ok();
    assert!(
        before.stdout.contains("already listed: xx-person-orzhelov"),
        "{}",
        before.stdout
    );

    let run = case.run(&["check", "--sanctions", file, "--record"]).ok();
    assert!(
        run.stdout.contains("recorded: S-001 existing_designations"),
        "{}",
        run.stdout
    );
    let subject = &case.case_json()["subjects"][0];
    assert_eq!(
        subject["existing_designations"],
        json!([{
            "authority": "HM Treasury",
            "program": "Global Human Rights",
            "start_date": "2022-02-10",
            "source_url": HMT_URL,
            "entity_id": "xx-person-orzhelov"
        }]),
        "only the strong match is recorded, not the namesake born in 1958"
    );
    let log = case.read("custody.jsonl");
    assert!(
        log.lines().any(|l| l.contains("\"action\":\"edit\"") && l.contains("S-001 existing_designations")),
        "{log}"
    );
    // Recorded, the match is no longer a warning, and recording again changes nothing.
    let again = case.run(&["check", "--sanctions", file, "--record"]).ok();
    assert!(!again.stdout.contains("already listed"), "{}", again.stdout);
    assert!(!again.stdout.contains("recorded:"), "{}", again.stdout);

    case.build(&["--unpacked"]).ok();
    let pdf = case.bag("full").join("data/submission-us-glomag.pdf");
    if let Some(out) = tool(
        "pdftotext",
        &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"],
        case.dir.path(),
    ) {
        let text = String::from_utf8(out.stdout).unwrap();
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains("Already designated by: HM Treasury, Global Human Rights, since 2022-02-10 (source: https://sanctions.example.org/hmt/notice-2022-17)"),
            "{text}"
        );
    }
    let export = case.run(&["export", ".", "--format", "ftm"]).ok();
    let sanction = export
        .stdout
        .lines()
        .find(|l| l.contains("designation-1"))
        .expect("the designation is exported");
    assert!(
        sanction.contains(HMT_URL) && sanction.contains("\"Sanction\""),
        "{sanction}"
    );
    if let Some((valid, said)) = ftm_validate(&export.stdout) {
        assert!(valid, "{said}");
    }
}

#[test]
fn subject_edit_sets_and_removes_existing_designations_and_refuses_bad_ones() {
    let case = screened_case();
    case.run(&[
        "subject",
        "edit",
        "S-002",
        "--existing-designation",
        &format!("HM Treasury; Global Human Rights; 2022-02-10; {HMT_URL}"),
    ])
    .ok()
    .stdout_has(&["S-002 existing_designations: []"]);
    assert_eq!(
        case.case_json()["subjects"][1]["existing_designations"][0]["program"],
        "Global Human Rights"
    );
    case.refuses(
        &[
            "subject",
            "edit",
            "S-002",
            "--existing-designation",
            "HM Treasury; X; 2022-13-40",
        ],
        &["bad date `2022-13-40`"],
    );
    case.refuses(
        &[
            "subject",
            "edit",
            "S-002",
            "--existing-designation",
            "HM Treasury; X; 2022; ofac.gov",
        ],
        &["`ofac.gov` is not a web address", "AUTHORITY[; PROGRAM"],
    );
    case.refuses(
        &[
            "subject",
            "edit",
            "S-002",
            "--remove-existing-designation",
            "Council of the European Union",
        ],
        &[
            "S-002 has no existing designation by `Council of the European Union`",
            "HM Treasury; Global Human Rights",
        ],
    );
    case.run(&[
        "subject",
        "edit",
        "S-002",
        "--remove-existing-designation",
        "hm treasury",
    ])
    .ok();
    assert_eq!(
        case.case_json()["subjects"][1]["existing_designations"],
        json!([])
    );
}
