use std::os::unix::fs::symlink;

use crate::harness::{TestCase, sha256sum};

#[test]
fn an_exhibit_in_evidence_is_registered_with_its_hash_size_and_media_type() {
    let case = TestCase::new();
    let path = case.write(
        "evidence/photos/gate.png",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR fictional",
    );
    case.run(&[
        "exhibit",
        "add",
        "evidence/photos/gate.png",
        "--title",
        "Gate",
        "--source",
        "Witness 3",
        "--obtained",
        "handed over in person",
        "--collected-by",
        "M. Reyes",
        "--collected-at",
        "2023-04-02T12:15:00+02:00",
        "--language",
        "en",
    ])
    .ok()
    .stdout_has(&["E-001", "evidence/photos/gate.png"]);
    let json = case.case_json();
    let exhibit = &json["exhibits"][0];
    assert_eq!(exhibit["id"], "E-001");
    assert_eq!(exhibit["path"], "photos/gate.png");
    assert_eq!(exhibit["size"], std::fs::metadata(&path).unwrap().len());
    assert_eq!(exhibit["media_type"], "image/png");
    assert_eq!(exhibit["collected_at"], "2023-04-02T10:15:00Z");
    assert_eq!(exhibit["source"]["provider"], "Witness 3");
    assert_eq!(exhibit["confidentiality"], "public");
    if let Some(expected) = sha256sum(&path) {
        assert_eq!(exhibit["sha256"], expected.as_str());
    }
    let log = case.read("custody.jsonl");
    assert!(
        log.lines()
            .any(|l| l.contains("\"intake\"") && l.contains("E-001")),
        "{log}"
    );
}

#[test]
fn a_file_from_outside_is_copied_in_verified_and_the_original_left_alone() {
    let case = TestCase::new();
    let original = case.outside("leaked order.pdf");
    std::fs::write(&original, b"%PDF-1.4 fictional order").unwrap();
    let before = std::fs::metadata(&original).unwrap().modified().unwrap();
    case.run(&[
        "exhibit",
        "add",
        original.to_str().unwrap(),
        "--confidential",
        "--confidential-source",
    ])
    .ok()
    .stdout_has(&["E-001", "copied from", "copy verified"]);
    let copy = case.root().join("evidence/leaked order.pdf");
    assert_eq!(std::fs::read(&copy).unwrap(), b"%PDF-1.4 fictional order");
    assert_eq!(
        std::fs::read(&original).unwrap(),
        b"%PDF-1.4 fictional order"
    );
    assert_eq!(
        std::fs::metadata(&original).unwrap().modified().unwrap(),
        before
    );
    let json = case.case_json();
    assert_eq!(json["exhibits"][0]["confidentiality"], "confidential");
    assert_eq!(json["exhibits"][0]["source"]["confidential"], true);
    assert_eq!(json["exhibits"][0]["media_type"], "application/pdf");
    let log = case.read("custody.jsonl");
    assert!(
        log.contains("\"action\":\"copy\"") && log.contains("leaked order.pdf"),
        "{log}"
    );
    if let Some(expected) = sha256sum(&original) {
        assert_eq!(json["exhibits"][0]["sha256"], expected.as_str());
    }
}

#[test]
fn a_folder_adds_every_file_under_it_in_sorted_order_and_can_be_added_again() {
    let case = TestCase::new();
    case.write("evidence/batch/b.txt", "b");
    case.write("evidence/batch/a.txt", "a");
    case.write("evidence/batch/sub/c.txt", "c");
    case.run(&["exhibit", "add", "evidence/batch"]).ok();
    let json = case.case_json();
    let paths: Vec<&str> = json["exhibits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["batch/a.txt", "batch/b.txt", "batch/sub/c.txt"]);
    // New files arrive: adding the folder again registers them and leaves the others be.
    case.write("evidence/batch/d.txt", "d");
    case.run(&["exhibit", "add", "evidence/batch"])
        .ok()
        .stdout_has(&[
            "E-004",
            "evidence/batch/d.txt",
            "E-001  evidence/batch/a.txt  already registered",
        ]);
}

#[test]
fn an_outside_folder_keeps_its_name_under_evidence() {
    let case = TestCase::new();
    let folder = case.outside("from the field");
    std::fs::create_dir_all(folder.join("day 1")).unwrap();
    std::fs::write(
        folder.join("day 1/photo.jpg"),
        b"\xFF\xD8\xFF\xE0 fictional",
    )
    .unwrap();
    case.run(&["exhibit", "add", folder.to_str().unwrap()]).ok();
    assert!(
        case.root()
            .join("evidence/from the field/day 1/photo.jpg")
            .is_file()
    );
    assert_eq!(case.case_json()["exhibits"][0]["media_type"], "image/jpeg");
}

#[test]
fn the_same_content_twice_is_refused_with_the_id_it_has() {
    let case = TestCase::new();
    case.exhibit("a.txt", "same words");
    case.write("evidence/copy of a.txt", "same words");
    case.refuses(
        &["exhibit", "add", "evidence/copy of a.txt"],
        &["already registered as E-001", "evidence/a.txt"],
    );
    case.refuses(
        &["exhibit", "add", "evidence/a.txt"],
        &["already registered as E-001"],
    );
}

#[test]
fn a_batch_with_one_bad_file_changes_nothing() {
    let case = TestCase::new();
    case.exhibit("a.txt", "first");
    let fresh = case.outside("fresh.txt");
    std::fs::write(&fresh, "new evidence").unwrap();
    let duplicate = case.outside("dup.txt");
    std::fs::write(&duplicate, "first").unwrap();
    case.refuses(
        &[
            "exhibit",
            "add",
            fresh.to_str().unwrap(),
            duplicate.to_str().unwrap(),
        ],
        &["already registered as E-001"],
    );
    case.refuses(
        &[
            "exhibit",
            "add",
            fresh.to_str().unwrap(),
            "evidence/missing.txt",
        ],
        &["no such file", "missing.txt"],
    );
}

#[test]
fn a_symbolic_link_leaving_the_case_is_refused() {
    let case = TestCase::new();
    let secret = case.outside("elsewhere.txt");
    std::fs::write(&secret, "outside").unwrap();
    symlink(&secret, case.root().join("evidence/link.txt")).unwrap();
    case.refuses(
        &["exhibit", "add", "evidence/link.txt"],
        &["symbolic link", "outside the case folder"],
    );
    case.refuses(
        &["exhibit", "add", "evidence"],
        &["symbolic link", "outside the case folder"],
    );
}

#[test]
fn exhibits_link_to_events_and_refuse_unknown_ones() {
    let case = TestCase::new();
    case.run(&["event", "add", "2019-03-14", "Raid"]).ok();
    case.write("evidence/a.txt", "a");
    case.refuses(
        &["exhibit", "add", "evidence/a.txt", "--event", "V-009"],
        &["unknown event `V-009`", "V-001"],
    );
    case.run(&["exhibit", "add", "evidence/a.txt", "--event", "V-001"])
        .ok();
    assert_eq!(
        case.case_json()["events"][0]["exhibits"],
        serde_json::json!(["E-001"])
    );
    let listed = case.run(&["exhibit", "list", "--json"]).ok().json();
    assert_eq!(listed[0]["events"], serde_json::json!(["V-001"]));
    assert_eq!(listed[0]["path"], "a.txt");
}

#[test]
fn a_bad_collection_time_lists_the_accepted_forms() {
    let case = TestCase::new();
    case.write("evidence/a.txt", "a");
    case.refuses(
        &[
            "exhibit",
            "add",
            "evidence/a.txt",
            "--collected-at",
            "yesterday",
        ],
        &["--collected-at", "RFC 3339", "2023-04-02"],
    );
}

#[test]
fn exhibit_list_shows_a_table() {
    let case = TestCase::new();
    case.exhibit("statements/w1.txt", "I saw it");
    case.run(&["exhibit", "list"]).ok().stdout_has(&[
        "ID",
        "SHA256",
        "E-001",
        "evidence/statements/w1.txt",
        "text/plain",
    ]);
}

#[test]
fn inside_the_case_folder_without_dash_c_files_in_evidence_are_registered_in_place() {
    let case = TestCase::new();
    case.write("evidence/photos/gate.jpg", "fictional photo");
    crate::harness::dossier_in(
        &case.root(),
        &["exhibit", "add", "evidence/photos/gate.jpg"],
    )
    .ok()
    .stdout_has(&["E-001  evidence/photos/gate.jpg"]);
    crate::harness::dossier_in(
        &case.root().join("evidence"),
        &["-C", "..", "exhibit", "add", "evidence/photos"],
    )
    .ok()
    .stdout_has(&["already registered"]);
    assert_eq!(case.case_json()["exhibits"][0]["path"], "photos/gate.jpg");
    assert!(
        !case.root().join("evidence/gate.jpg").exists(),
        "no copy was made"
    );
}

#[test]
fn a_reader_that_closes_the_pipe_ends_the_listing_quietly() {
    let case = TestCase::complete();
    // More rows than a pipe holds (64 KiB), so the listing is still writing when the reader goes.
    for i in 0..1500 {
        case.write(
            &format!("evidence/many/file {i:04}.txt"),
            format!("fictional {i}"),
        );
    }
    case.run(&["exhibit", "add", "evidence/many"]).ok();
    // `dossier exhibit list | head -1`, as a shell runs it: the reader goes after one line.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["-C", case.root().to_str().unwrap(), "exhibit", "list"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "exit 0, as coreutils and ripgrep"
    );
    assert!(
        output.stderr.is_empty(),
        "nothing said about the closed pipe: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}
