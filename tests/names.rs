//! Weird names are test cases: spaces, `%`, a newline, Arabic, Chinese, NFC and NFD.

use unicode_normalization::UnicodeNormalization;

use crate::harness::TestCase;

#[test]
fn exhibit_names_in_any_script_survive_add_list_and_check() {
    let case = TestCase::complete();
    let names = [
        "statements/witness 100% sure.txt",
        "statements/إفادة الشاهد.txt",
        "statements/证人陈述.txt",
        "statements/показания свидетеля.txt",
        "statements/line\nbreak.txt",
    ];
    for (i, name) in names.iter().enumerate() {
        let id = case.exhibit(name, &format!("statement {i}"));
        case.run(&[
            "event",
            "add",
            "2020",
            &format!("Statement {i}"),
            "--exhibit",
            &id,
            "--subject",
            "S-001",
        ])
        .ok();
    }
    let listed = case.run(&["exhibit", "list", "--json"]).ok().json();
    let paths: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    for name in names {
        assert!(paths.contains(&name), "{name:?} not in {paths:?}");
    }
    case.run(&["exhibit", "list"])
        .ok()
        .stdout_has(&["line\\nbreak.txt", "证人陈述.txt"]);
    case.run(&["check"])
        .ok()
        .stdout_has(&["7 exhibits hashed", "no problems found"]);
}

#[test]
fn a_name_in_nfd_is_registered_and_found_after_it_turns_nfc() {
    let case = TestCase::complete();
    let nfd: String = "statements/Nguyễn Thị Hằng.txt".nfd().collect();
    let nfc: String = nfd.nfc().collect();
    assert_ne!(nfd, nfc);
    case.write(&format!("evidence/{nfd}"), "lời khai (fictional)");
    // Typed in NFC (as most keyboards do), the NFD file on disk is found.
    case.run(&["exhibit", "add", &format!("evidence/{nfc}")])
        .ok()
        .stdout_has(&["E-003"]);
    assert_eq!(case.case_json()["exhibits"][2]["path"], nfd.as_str());
    case.run(&[
        "event",
        "add",
        "2021",
        "Statement",
        "--exhibit",
        "E-003",
        "--subject",
        "S-001",
    ])
    .ok();
    case.run(&["check"]).ok().stdout_has(&["no problems found"]);
    // Copied through a system that normalises to NFC: still the same exhibit, not missing.
    std::fs::rename(
        case.root().join("evidence").join(&nfd),
        case.root().join("evidence").join(&nfc),
    )
    .unwrap();
    case.run(&["check"])
        .ok()
        .stdout_has(&["3 exhibits hashed", "no problems found"]);
    // Adding it again under the other form is a duplicate.
    case.refuses(
        &["exhibit", "add", &format!("evidence/{nfc}")],
        &["already registered as E-003"],
    );
}

#[test]
fn subject_names_in_arabic_chinese_and_vietnamese_round_trip() {
    let case = TestCase::new();
    for (latin, original) in [
        ("Nizar al-Qaswani", "نزار القسواني"),
        ("Zhang Wei", "张伟"),
        ("Luong Bich Diep", "Lương Bích Diệp"),
    ] {
        case.run(&["subject", "add", latin, "--original-script", original])
            .ok();
    }
    let listed = case.run(&["subject", "list", "--json"]).ok().json();
    assert_eq!(listed[0]["name_original"], "نزار القسواني");
    assert_eq!(listed[1]["name_original"], "张伟");
    assert_eq!(listed[2]["name_original"], "Lương Bích Diệp");
}
