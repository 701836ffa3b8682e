//! What makes a submission fit to file: `build` refuses a referral `check` calls broken (a draft
//! says so everywhere), the coalition's cover letter, confidentiality told the same way on every
//! page, and the details the guidance asks for. PDFs are read back with pdftotext.

use std::path::Path;

use serde_json::Value;

use crate::harness::{TestCase, bagit_valid, tool};

/// The text of each page of a PDF (`None` if pdftotext is missing and may be).
fn pages(pdf: &Path) -> Option<Vec<String>> {
    let output = tool(
        "pdftotext",
        &["-layout", "-enc", "UTF-8", pdf.to_str().unwrap(), "-"],
        pdf.parent().unwrap(),
    )?;
    assert!(
        output.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    Some(pages)
}

/// Every run of whitespace as one space, so that a phrase wrapped over lines still matches.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A subject with no nationality or position: `check` reports errors for it.
fn add_incomplete_subject(case: &TestCase) {
    case.run(&[
        "subject",
        "add",
        "Wang Xiaoming",
        "--criterion",
        "us-glomag:1(a)(ii)(A)",
    ])
    .ok();
}

#[test]
fn build_refuses_a_referral_check_calls_broken_and_writes_nothing() {
    let case = TestCase::complete();
    add_incomplete_subject(&case);
    let before = case.snapshot();
    case.build(&[]).exits(1).stderr_has(&[
        "cannot build VD-2024",
        "S-002",
        "requires nationalities, positions",
        "--draft",
    ]);
    assert!(!case.out_dir().exists(), "nothing is written");
    assert_eq!(case.snapshot(), before, "the case is not changed");
    let json = case.build(&["--json"]).exits(1).json();
    assert!(json["errors"].as_u64().unwrap() >= 1, "{json}");
    assert!(!case.out_dir().exists());
}

#[test]
fn a_draft_is_stamped_on_every_page_and_in_dossier_json_bag_info_and_verify() {
    let case = TestCase::complete();
    add_incomplete_subject(&case);
    case.build(&["--draft", "--unpacked"])
        .ok()
        .stdout_has(&["DRAFT - NOT FOR FILING"]);
    let bag = case.bag("full");
    let dossier: Value =
        serde_json::from_str(&std::fs::read_to_string(bag.join("data/dossier.json")).unwrap())
            .unwrap();
    assert_eq!(dossier["draft"], Value::Bool(true));
    let info = std::fs::read_to_string(bag.join("bag-info.txt")).unwrap();
    assert!(info.contains("Dossier-Draft: yes\n"), "{info}");
    let zip = case.zip("full");
    case.run(&["verify", zip.to_str().unwrap()])
        .ok()
        .stdout_has(&["DRAFT", "not for filing", "intact"]);
    let report = case
        .run(&["verify", zip.to_str().unwrap(), "--json"])
        .ok()
        .json();
    assert_eq!(report["draft"], Value::Bool(true));
    assert_eq!(report["intact"], Value::Bool(true));
    if let Some(valid) = bagit_valid(&bag) {
        assert!(valid, "bagit.py accepts a draft");
    }
    for regime in ["us-glomag", "uk-ghr"] {
        let pdf = bag.join(format!("data/submission-{regime}.pdf"));
        let Some(pages) = pages(&pdf) else { return };
        for (i, page) in pages.iter().enumerate() {
            assert!(
                page.contains("DRAFT - NOT FOR FILING"),
                "{regime} page {} is not stamped DRAFT:\n{page}",
                i + 1
            );
        }
    }
}

#[test]
fn a_dossier_built_for_filing_is_not_a_draft() {
    let case = TestCase::complete();
    case.build(&["--unpacked"]).ok();
    let bag = case.bag("full");
    let dossier = std::fs::read_to_string(bag.join("data/dossier.json")).unwrap();
    assert!(
        !dossier.contains("\"draft\""),
        "no draft key when not a draft"
    );
    let info = std::fs::read_to_string(bag.join("bag-info.txt")).unwrap();
    assert!(!info.contains("Dossier-Draft"), "{info}");
    let zip = case.zip("full");
    let run = case.run(&["verify", zip.to_str().unwrap()]).ok();
    assert!(!run.stdout.contains("DRAFT"), "{}", run.stdout);
    if let Some(pages) = pages(&bag.join("data/submission-us-glomag.pdf")) {
        assert!(pages.iter().all(|p| !p.contains("DRAFT")));
    }
}

#[test]
fn addressees_are_added_listed_and_refused_when_wrong() {
    let case = TestCase::complete();
    case.run(&[
        "addressee",
        "add",
        "Secretary Doe",
        "--regime",
        "us-glomag",
        "--title",
        "Secretary of the Treasury",
        "--organisation",
        "U.S. Department of the Treasury",
        "--address",
        "1500 Pennsylvania Avenue NW, Washington, DC 20220",
    ])
    .ok()
    .stdout_has(&["us-glomag", "Secretary Doe"]);
    case.run(&["addressee", "list"]).ok().stdout_has(&[
        "REGIME",
        "Secretary Doe",
        "Secretary of the Treasury",
    ]);
    let list = case.run(&["addressee", "list", "--json"]).ok().json();
    assert_eq!(list[0]["organisation"], "U.S. Department of the Treasury");
    case.refuses(
        &["addressee", "add", "Someone", "--regime", "xx-nowhere"],
        &["unknown regime `xx-nowhere`", "us-glomag"],
    );
    case.refuses(
        &["addressee", "add", "Someone", "--regime", "uk-gac"],
        &["does not target the regime `uk-gac`", "us-glomag, uk-ghr"],
    );
    case.refuses(
        &["addressee", "add", "secretary doe", "--regime", "us-glomag"],
        &["already an addressee for us-glomag"],
    );
}

#[test]
fn the_cover_letter_opens_each_pdf_addressed_and_signed_by_every_organisation() {
    let case = TestCase::complete();
    case.run(&[
        "signatory",
        "add",
        "Quillwater Press Freedom Trust",
        "--country",
        "GB",
        "--contact",
        "D. Ashcombe",
        "--email",
        "casework@example.org",
        "--phone",
        "+44 20 7946 0000",
        "--description",
        "An independent trust defending journalists (fictional)",
    ])
    .ok();
    case.run(&[
        "addressee",
        "add",
        "Secretary Doe",
        "--regime",
        "us-glomag",
        "--title",
        "Secretary of the Treasury",
        "--organisation",
        "U.S. Department of the Treasury",
    ])
    .ok();
    case.build(&["--unpacked"]).ok();
    let bag = case.bag("full");
    let Some(us) = pages(&bag.join("data/submission-us-glomag.pdf")) else {
        return;
    };
    let letter = flat(&us[0]);
    for text in [
        "Norzhavia Justice Project",
        "on behalf of a coalition of 2 organisations",
        "Secretary Doe Secretary of the Treasury U.S. Department of the Treasury",
        "Re: Detentions in Norzhavia, request for the designation of Vadim Orzhelov under the",
        "Dear Secretary Doe,",
        "respectfully request the designation of Vadim Orzhelov (S-001)",
        "Respectfully submitted,",
        "Norzhavia Justice Project (lead organisation)",
        "J. Doe · legal@example.org",
        "Quillwater Press Freedom Trust",
        "An independent trust defending journalists (fictional)",
        "D. Ashcombe · casework@example.org · +44 20 7946 0000",
    ] {
        assert!(letter.contains(text), "page 1 lacks {text:?}:\n{letter}");
    }
    let contents = us.iter().find(|p| p.contains("Contents")).unwrap();
    assert!(
        contents
            .lines()
            .any(|l| l.contains("Cover letter") && l.trim_end().ends_with(" 1")),
        "the contents point to the letter on page 1:\n{contents}"
    );
    // The signatories section prints the new details too.
    let all = flat(&us.join("\n"));
    assert!(all.contains("Telephone: +44 20 7946 0000"), "{all}");

    // A regime without addressees writes to its authority.
    let uk = pages(&bag.join("data/submission-uk-ghr.pdf")).unwrap();
    let letter = flat(&uk[0]);
    assert!(letter.contains("Dear Sir or Madam,"), "{letter}");
    assert!(!letter.contains("Secretary Doe"), "{letter}");

    // narrative/letter.md replaces the default body.
    case.write(
        "narrative/letter.md",
        "# Letter\n\nWe write about the beatings at the gate of the fictional guard post.\n",
    );
    case.build(&["--unpacked", "--force"]).ok();
    let us = pages(&bag.join("data/submission-us-glomag.pdf")).unwrap();
    let letter = flat(&us[0]);
    assert!(
        letter.contains("We write about the beatings at the gate of the fictional guard post."),
        "{letter}"
    );
    assert!(
        !letter.contains("respectfully request the designation"),
        "{letter}"
    );
    assert!(
        !flat(&us[1..].join("\n")).contains("We write about the beatings"),
        "letter.md is the letter's body, not part of the narrative"
    );
}

#[test]
fn twenty_five_organisations_sign_the_letter_within_two_pages() {
    let case = TestCase::complete();
    let mut names = vec!["Norzhavia Justice Project".to_string()];
    for i in 2..=25 {
        let name = format!("Member Organisation {i:02}");
        case.run(&[
            "signatory",
            "add",
            &name,
            "--country",
            "NL",
            "--contact",
            &format!("Contact Person {i:02}"),
            "--email",
            &format!("member{i:02}@example.org"),
            "--phone",
            "+31 20 000 0000",
            "--description",
            "A fictional human-rights organisation of the test coalition",
        ])
        .ok();
        names.push(name);
    }
    case.build(&["--unpacked"]).ok();
    let Some(pages) = pages(&case.bag("full").join("data/submission-us-glomag.pdf")) else {
        return;
    };
    let letter = flat(&pages[..2].join("\n"));
    for name in &names {
        assert!(
            letter.contains(name.as_str()),
            "{name} signs within two pages"
        );
    }
    assert!(
        pages[2].contains("Addressed to:") && pages[2].contains("Exhibit fingerprint (SHA-256)"),
        "page 3 is the whole cover:\n{}",
        pages[2]
    );
}

#[test]
fn a_full_dossier_with_confidential_exhibits_says_so_on_every_page_and_in_the_index() {
    let case = TestCase::complete();
    case.add_confidential_exhibits();
    case.run(&["check"])
        .ok()
        .stdout_has(&["the case asks for no confidentiality, but E-003 is confidential"]);
    case.build(&["--unpacked"]).ok();
    let Some(pages) = pages(&case.bag("full").join("data/submission-us-glomag.pdf")) else {
        return;
    };
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains("CONFIDENTIAL: contains 1 confidential exhibit"),
            "page {} is not marked:\n{page}",
            i + 1
        );
        assert!(!page.contains("NOT CONFIDENTIAL"), "page {}", i + 1);
    }
    let index = flat(&pages.join("\n"));
    assert!(index.contains("CONFIDENTIAL Leaked order"), "{index}");
    assert!(
        index.contains("holds 1 confidential exhibit (E-003)"),
        "{index}"
    );
}

#[test]
fn nothing_of_a_withheld_exhibit_but_id_hash_and_size_is_in_a_public_dossier() {
    let case = TestCase::complete();
    case.add_confidential_exhibits();
    // A public exhibit copied in from outside: its copy line names a local path.
    let outside = case.outside("public report.txt");
    std::fs::write(&outside, "A public report (fictional).").unwrap();
    case.run(&[
        "exhibit",
        "add",
        outside.to_str().unwrap(),
        "--event",
        "V-001",
    ])
    .ok();
    case.build(&["--profile", "public", "--unpacked"]).ok();
    let bag = case.bag("public");
    let local = case.dir.path().to_str().unwrap();
    for entry in walkdir::WalkDir::new(&bag) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() || entry.path().extension().is_some_and(|e| e == "pdf") {
            continue;
        }
        let text = String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).into_owned();
        for secret in [
            "Leaked order",
            "order 117",
            "Colonel X",
            local,
            "copied from",
        ] {
            assert!(
                !text.contains(secret),
                "{} holds {secret:?}",
                entry.path().display()
            );
        }
    }
    let csv = std::fs::read_to_string(bag.join("data/exhibits.csv")).unwrap();
    let row = csv.lines().find(|l| l.starts_with("E-003,")).unwrap();
    assert!(
        !row.contains("V-001"),
        "a withheld exhibit's events are not told: {row}"
    );
    if let Some(pages) = pages(&bag.join("data/submission-us-glomag.pdf")) {
        let text = flat(&pages.join("\n"));
        for secret in ["Leaked order", "order 117", "Colonel X", local] {
            assert!(!text.contains(secret), "the PDF holds {secret:?}");
        }
    }
    // The redacted custody log still chains: the dossier verifies intact.
    let zip = case.zip("public");
    case.run(&["verify", zip.to_str().unwrap()]).ok();
}

#[test]
fn check_warns_when_public_text_names_the_source_of_a_confidential_exhibit() {
    let case = TestCase::complete();
    let secret = case.outside("statement C-03.txt");
    std::fs::write(&secret, "statement (fictional)").unwrap();
    case.run(&[
        "exhibit",
        "add",
        secret.to_str().unwrap(),
        "--confidential",
        "--source",
        "Witness C-03, former guard (identity known to the lead only)",
        "--event",
        "V-001",
    ])
    .ok();
    let photo = case.outside("basement.png");
    std::fs::write(&photo, "png (fictional)").unwrap();
    case.run(&[
        "exhibit",
        "add",
        photo.to_str().unwrap(),
        "--source",
        "Witness C-03, former guard",
        "--event",
        "V-001",
    ])
    .ok();
    case.run(&["check"]).ok().stdout_has(&[
        "E-004 source names `Witness C-03`, the source of confidential exhibit E-003",
        "without naming the source",
    ]);
}

#[test]
fn the_profile_and_index_print_what_the_guidance_asks_for() {
    let case = TestCase::complete();
    case.run(&[
        "subject",
        "add",
        "Ali bin Fadhul Qarvani",
        "--surname",
        "Qarvani",
        "--given-names",
        "Ali bin Fadhul",
        "--nationality",
        "XV",
        "--position",
        "Governor, Qelvaran Province, 2016",
        "--asset",
        "Apartment 12, 4 Elm Street London, GB",
        "--asset",
        "Shares in Harbour Holdings Ltd",
        "--criterion",
        "us-glomag:1(a)(ii)(A)",
        "--criterion",
        "uk-ghr:4(2)(b)",
        "--argument",
        "He signed the order for the beatings (E-001).",
        "--exhibit",
        "E-001",
    ])
    .ok();
    let subjects = case.run(&["subject", "list", "--json"]).ok().json();
    assert_eq!(subjects[1]["surname"], "Qarvani");
    assert_eq!(subjects[1]["assets"][0]["jurisdiction"], "GB");
    case.refuses(
        &["subject", "add", "X Y", "--asset", ", London"],
        &[
            "--asset",
            "the asset is empty",
            "WHAT[, WHERE[, JURISDICTION]]",
        ],
    );
    case.build(&["--unpacked"]).ok();
    let Some(pages) = pages(&case.bag("full").join("data/submission-us-glomag.pdf")) else {
        return;
    };
    let text = flat(&pages.join("\n"));
    for expected in [
        "Ali bin Fadhul Qarvani (as sanctions lists write it: QARVANI, Ali bin Fadhul)",
        "Assets that could be frozen",
        "Apartment 12, 4 Elm Street London (GB)",
        "Shares in Harbour Holdings Ltd",
        "File: E-001-witness 1.txt (text/plain)",
        "Exhibits by subject",
        "from 2019-03-14 to 2019-03-14",
    ] {
        assert!(text.contains(expected), "the PDF lacks {expected:?}");
    }
    assert!(!text.contains("(s)"), "plural forms are written for people");
}

#[test]
fn a_narrative_table_is_printed_as_a_table_and_roles_read_as_words() {
    let case = TestCase::complete();
    case.write(
        "narrative/background.md",
        "# Background\n\n| Unit | Commander |\n|---|---|\n| Republican Guard | Vadim Orzhelov |\n| Gate post | unknown |\n",
    );
    case.run(&[
        "event",
        "add",
        "2019-03-15",
        "Equipment delivered",
        "--subject",
        "S-001:supplier-of-equipment",
        "--exhibit",
        "E-001",
    ])
    .ok();
    case.build(&["--unpacked"]).ok();
    let Some(pages) = pages(&case.bag("full").join("data/submission-us-glomag.pdf")) else {
        return;
    };
    let text = pages.join("\n");
    assert!(!text.contains("| Unit"), "no Markdown pipes in the PDF");
    let header = text
        .lines()
        .find(|l| l.contains("Unit") && l.contains("Commander"))
        .expect("the table's header is one line");
    assert!(!header.contains('|'), "{header}");
    assert!(
        text.lines()
            .any(|l| l.contains("Republican Guard") && l.contains("Vadim Orzhelov")),
        "a row is one line"
    );
    let flat = flat(&text);
    assert!(
        flat.contains("(supplier of equipment)"),
        "roles read as words"
    );
    assert!(!flat.contains("supplier-of-equipment"));
}

#[test]
fn a_character_no_font_has_prints_as_its_code_point_and_check_says_so() {
    let case = TestCase::complete();
    let id = case.exhibit("photos/王 gate.jpg", "fictional photo bytes");
    case.run(&[
        "exhibit",
        "edit",
        &id,
        "--title",
        "Gate sign 王",
        "--event",
        "V-001",
    ])
    .ok();
    case.run(&["check"]).ok().stdout_has(&[
        &format!("exhibit {id}"),
        "王 (U+738B)",
        "<U+738B>",
        "--font",
    ]);
    case.build(&["--unpacked"]).ok();
    if let Some(pages) = pages(&case.bag("full").join("data/submission-us-glomag.pdf")) {
        let text = flat(&pages.join("\n"));
        assert!(
            text.contains("Gate sign <U+738B>"),
            "the title prints the code point"
        );
        assert!(text.contains("<U+738B> gate.jpg"), "so does the file name");
    }
    // A subject's name no font covers is an error of check, as it is of build.
    case.run(&[
        "subject",
        "add",
        "Wang Xiaoming",
        "--original-script",
        "王小明",
    ])
    .ok();
    case.run(&["check"])
        .exits(1)
        .stdout_has(&["name in original script", "王 (U+738B)"]);
}
