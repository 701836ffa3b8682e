use crate::harness::{DATE, TestCase, bagit_valid, sealed_zip, sha256sum, tool};

#[test]
fn a_built_dossier_verifies_with_our_tool_and_with_bagit_sha256sum_and_unzip() {
    let case = TestCase::complete();
    let run = case.build(&["--unpacked"]).ok();
    let zip = case.zip("full");
    let bag = case.bag("full");
    assert!(zip.is_file() && bag.is_dir());
    assert!(run.stdout.contains("dossier fingerprint"), "{}", run.stdout);
    case.run(&["verify", zip.to_str().unwrap()])
        .ok()
        .stdout_has(&["OK", "data/exhibits/E-001-witness 1.txt", "intact"]);
    case.run(&["verify", bag.to_str().unwrap()])
        .ok()
        .stdout_has(&["intact"]);

    // The printed dossier fingerprint is the SHA-256 of manifest-sha256.txt.
    if let Some(sum) = sha256sum(&bag.join("manifest-sha256.txt")) {
        assert!(run.stdout.contains(&sum), "{} lacks {sum}", run.stdout);
    }
    if let Some(valid) = bagit_valid(&bag) {
        assert!(valid, "bagit.py --validate rejects our bag");
    }
    if let Some(out) = tool("sha256sum", &["-c", "manifest-sha256.txt"], &bag) {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    if let Some(out) = tool("unzip", &["-t", zip.to_str().unwrap()], &case.out_dir()) {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    // The zip, extracted by unzip, is a valid bag too.
    let extracted = case.dir.path().join("extracted");
    std::fs::create_dir(&extracted).unwrap();
    if tool("unzip", &["-q", zip.to_str().unwrap()], &extracted).is_some()
        && let Some(valid) = bagit_valid(&extracted.join(format!("VD-2024-full-{DATE}")))
    {
        assert!(valid, "bagit.py rejects the bag extracted from the zip");
    }
}

#[test]
fn the_bag_holds_what_the_product_describes() {
    let case = TestCase::complete();
    let run = case.build(&["--unpacked", "--json"]).ok().json();
    let bag = case.bag("full");
    for file in [
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha256.txt",
        "tagmanifest-sha256.txt",
        "data/dossier.json",
        "data/exhibits.csv",
        "data/custody.jsonl",
        "data/exhibits/E-001-witness 1.txt",
        "data/exhibits/E-002-gate.jpg",
    ] {
        assert!(bag.join(file).is_file(), "{file} missing");
    }
    let info = std::fs::read_to_string(bag.join("bag-info.txt")).unwrap();
    for label in [
        "Source-Organization: Norzhavia Justice Project",
        "Contact-Email: legal@example.org",
        "External-Identifier: VD-2024",
        "Bagging-Date: 2026-11-21",
        "Payload-Oxum: ",
        "Bag-Software-Agent: dossier",
    ] {
        assert!(info.contains(label), "bag-info.txt lacks {label}:\n{info}");
    }
    let manifest = std::fs::read_to_string(bag.join("manifest-sha256.txt")).unwrap();
    for line in manifest.lines() {
        let (sha, path) = line.split_once("  ").unwrap();
        assert_eq!(sha.len(), 64);
        assert!(
            sha.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "{line}"
        );
        assert!(path.starts_with("data/"), "{line}");
    }
    let dossier: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(bag.join("data/dossier.json")).unwrap())
            .unwrap();
    assert_eq!(dossier["dossier_schema"], 2);
    assert_eq!(dossier["exhibit_fingerprint"], run["exhibit_fingerprint"]);
    let case_json = case.case_json();
    assert_eq!(
        dossier["exhibits"][0]["sha256"],
        case_json["exhibits"][0]["sha256"]
    );
    // The exhibit fingerprint is the SHA-256 of the manifest's exhibit lines.
    let exhibit_lines: String = manifest
        .lines()
        .filter(|l| l.contains("  data/exhibits/"))
        .map(|l| format!("{l}\n"))
        .collect();
    let lines_file = case.dir.path().join("exhibit-lines");
    std::fs::write(&lines_file, exhibit_lines).unwrap();
    if let Some(sum) = sha256sum(&lines_file) {
        assert_eq!(run["exhibit_fingerprint"], sum.as_str());
    }
    let csv = std::fs::read_to_string(bag.join("data/exhibits.csv")).unwrap();
    assert!(csv.starts_with("id,file,sha256,size"), "{csv}");
    assert_eq!(
        std::fs::read(bag.join("data/custody.jsonl")).unwrap(),
        std::fs::read(case.root().join("custody.jsonl")).unwrap()
    );
}

#[test]
fn the_same_case_and_date_give_the_same_bytes() {
    let case = TestCase::complete();
    case.build(&[]).ok();
    let first = std::fs::read(case.zip("full")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    case.build(&["--force"]).ok();
    assert!(
        first == std::fs::read(case.zip("full")).unwrap(),
        "a rebuild changed the zip"
    );
    // Another folder, another day of building: the same bytes.
    let other = case.dir.path().join("elsewhere");
    case.run(&["build", "--date", DATE, "--out", other.to_str().unwrap()])
        .ok();
    assert!(first == std::fs::read(other.join(format!("VD-2024-full-{DATE}.zip"))).unwrap());
}

#[test]
fn an_existing_dossier_is_kept_unless_forced() {
    let (case, _) = sealed_zip();
    let out = case.out_dir();
    case.refuses(
        &["build", "--date", DATE, "--out", out.to_str().unwrap()],
        &["already exists", "--force"],
    );
}

#[test]
fn an_exhibit_changed_after_intake_stops_the_build_and_leaves_nothing() {
    let case = TestCase::complete();
    std::fs::write(
        case.root().join("evidence/photos/gate.jpg"),
        "\u{FFFD}JPEG fictional bytez",
    )
    .unwrap();
    std::fs::write(
        case.root().join("evidence/statements/witness 1.txt"),
        "I was beaten at the gate! (fictional)",
    )
    .unwrap();
    let expected = case.case_json()["exhibits"][1]["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    let run = case.build(&["--unpacked"]).exits(2).stderr_has(&[
        "2 exhibit(s) changed since intake",
        "E-001",
        "E-002",
        &expected,
        "nothing was sealed",
    ]);
    // Nothing at all: not the zip, not a temporary file, not even the output folder.
    assert!(!case.out_dir().exists(), "left behind:\n{}", run.stderr);
}

#[test]
fn a_missing_exhibit_stops_the_build() {
    let case = TestCase::complete();
    std::fs::remove_file(case.root().join("evidence/photos/gate.jpg")).unwrap();
    // `check` finds it first: build refuses (exit 1) and lists it.
    case.build(&[]).exits(1).stderr_has(&[
        "E-002",
        "evidence/photos/gate.jpg is missing",
        "--draft",
    ]);
    // A draft cannot seal a file that is not there either.
    case.build(&["--draft"])
        .exits(2)
        .stderr_has(&["E-002", "evidence/photos/gate.jpg is missing"]);
    assert!(
        !case.out_dir().exists(),
        "a failed build leaves no output folder behind"
    );
}

#[test]
fn a_bad_date_is_refused() {
    let case = TestCase::complete();
    case.refuses(
        &["build", "--date", "21/11/2026"],
        &["--date", "YYYY-MM-DD"],
    );
}

#[test]
fn the_public_profile_withholds_confidential_exhibits_and_sources() {
    let case = TestCase::complete();
    case.add_confidential_exhibits();
    case.build(&["--profile", "public", "--unpacked"])
        .ok()
        .stdout_has(&["1 withheld"]);
    let bag = case.bag("public");
    let files: Vec<String> = walkdir::WalkDir::new(&bag)
        .into_iter()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!files.iter().any(|f| f.contains("order 117")), "{files:?}");
    assert!(files.iter().any(|f| f == "E-004-ledger.csv"), "{files:?}");
    let dossier = std::fs::read_to_string(bag.join("data/dossier.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&dossier).unwrap();
    let withheld = &json["exhibits"][2];
    assert_eq!(withheld["id"], "E-003");
    assert_eq!(withheld["withheld"], true);
    assert_eq!(
        withheld["sha256"],
        case.case_json()["exhibits"][2]["sha256"]
    );
    assert!(
        withheld.get("title").is_none()
            && !dossier.contains("Leaked order")
            && !dossier.contains("Colonel X")
    );
    assert_eq!(
        json["exhibits"][3]["source"]["provider"],
        "confidential source"
    );
    let csv = std::fs::read_to_string(bag.join("data/exhibits.csv")).unwrap();
    assert!(
        csv.lines()
            .any(|l| l.starts_with("E-003,,") && l.ends_with(",withheld")),
        "{csv}"
    );
    let log = std::fs::read_to_string(bag.join("data/custody.jsonl")).unwrap();
    assert!(
        !log.contains("order 117") && log.contains("\"withheld\":\"E-003\""),
        "{log}"
    );
    // The custody chain still checks out through the withheld lines.
    case.run(&["verify", bag.to_str().unwrap()]).ok();
    case.run(&["verify", case.zip("public").to_str().unwrap()])
        .ok();
    if let Some(valid) = bagit_valid(&bag) {
        assert!(valid);
    }
    // The full profile keeps everything.
    case.build(&["--unpacked"]).ok().stdout_has(&["0 withheld"]);
    assert!(
        case.bag("full")
            .join("data/exhibits/E-003-order 117.pdf")
            .is_file()
    );
}

#[test]
fn names_with_percent_newline_arabic_and_chinese_survive_build_and_verify() {
    let case = TestCase::complete();
    case.add_statements(&[
        "100% sure.txt",
        "line\nbreak.txt",
        "إفادة الشاهد.txt",
        "证人陈述.txt",
    ]);
    case.build(&["--unpacked"]).ok();
    let manifest = std::fs::read_to_string(case.bag("full").join("manifest-sha256.txt")).unwrap();
    assert!(
        manifest.contains("E-003-100%25 sure.txt") && manifest.contains("E-004-line%0Abreak.txt"),
        "{manifest}"
    );
    assert!(manifest.contains("E-005-إفادة الشاهد.txt") && manifest.contains("E-006-证人陈述.txt"));
    assert!(
        case.bag("full")
            .join("data/exhibits/E-004-line\nbreak.txt")
            .is_file()
    );
    case.run(&["verify", case.zip("full").to_str().unwrap()])
        .ok()
        .stdout_has(&["intact: 15 files verified"]);
    case.run(&["verify", case.bag("full").to_str().unwrap()])
        .ok();
}

#[test]
fn arabic_and_chinese_names_pass_bagit() {
    // bagit.py 1.9 does not decode %25, so this bag has no `%` in its names.
    let case = TestCase::complete();
    case.add_statements(&["إفادة الشاهد.txt", "证人陈述.txt", "witness two.txt"]);
    case.build(&["--unpacked"]).ok();
    if let Some(valid) = bagit_valid(&case.bag("full")) {
        assert!(valid);
    }
}

#[test]
fn a_damaged_custody_log_is_not_sealed() {
    let case = TestCase::complete();
    let log = case.read("custody.jsonl");
    case.cut_custody_log();
    // `check` finds it first: build refuses (exit 1); a draft is refused too (exit 2).
    case.build(&[])
        .exits(1)
        .stderr_has(&["custody.jsonl", "removed from its end"]);
    case.build(&["--draft"])
        .exits(2)
        .stderr_has(&["custody log is damaged", "removed from its end"]);
    case.write(
        "custody.jsonl",
        log.replacen("test paralegal", "someone else", 1),
    );
    case.build(&[]).exits(1).stderr_has(&["broken at line 2"]);
    case.build(&["--draft"])
        .exits(2)
        .stderr_has(&["custody log is damaged", "broken at line 2"]);
    assert!(!case.zip("full").exists());
}

#[test]
fn an_exhibit_that_shrank_is_listed_with_both_hashes() {
    let case = TestCase::complete();
    std::fs::write(case.root().join("evidence/statements/witness 1.txt"), "I").unwrap();
    case.build(&[])
        .exits(2)
        .stderr_has(&["E-001", "changed since intake", "(1 bytes)"]);
}

#[test]
fn malformed_ids_in_case_json_never_reach_a_path() {
    let case = TestCase::complete();
    let text =
        case.read("case.json")
            .replacen("\"id\": \"E-001\"", "\"id\": \"../../../../escaped\"", 1);
    case.write("case.json", text);
    case.refuses(
        &["build", "--date", DATE],
        &["exhibit id `../../../../escaped`", "E-001"],
    );
    let text =
        case.read("case.json")
            .replacen("\"id\": \"../../../../escaped\"", "\"id\": \"E-002\"", 1);
    case.write("case.json", text);
    case.refuses(&["check"], &["two exhibits have the id E-002"]);
}

#[test]
fn the_public_profile_does_not_name_a_confidential_source_anywhere() {
    let case = TestCase::complete();
    let folder = case.outside("from Colonel X");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("ledger.csv"), "date,amount\n2019-03-01,100\n").unwrap();
    case.run(&[
        "exhibit",
        "add",
        folder.join("ledger.csv").to_str().unwrap(),
        "--source",
        "Colonel X",
        "--collected-by",
        "Colonel X's driver",
        "--confidential-source",
        "--event",
        "V-001",
    ])
    .ok();
    case.build(&["--profile", "public", "--unpacked"]).ok();
    let bag = case.bag("public");
    for file in walkdir::WalkDir::new(&bag)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
    {
        let text = String::from_utf8_lossy(&std::fs::read(file.path()).unwrap()).into_owned();
        assert!(
            !text.contains("Colonel X"),
            "{} names the source",
            file.path().display()
        );
    }
    case.run(&["verify", bag.to_str().unwrap()]).ok();
}
