//! Round trips with real damage: each tamper is reported by our verify (exit 1, naming the file)
//! and, where it applies, rejected by bagit.py.

use std::path::Path;

use crate::harness::{Run, TestCase, replace_in, sealed, sealed_zip, tool};

fn verify(case: &TestCase, path: &Path) -> Run {
    case.run(&["verify", path.to_str().unwrap()])
}

/// bagit.py says the bag is invalid (not merely that it crashed).
#[track_caller]
fn bagit_rejects(_: &TestCase, bag: &Path) {
    if let Some(out) = tool(
        "bagit.py",
        &["--validate", bag.to_str().unwrap()],
        bag.parent().unwrap(),
    ) {
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && said.contains("is invalid"),
            "bagit.py did not reject the bag:\n{said}"
        );
    }
}

/// A tamper test, one row of the table below, its own `#[test]`: `$sealed` (`sealed`: zip and
/// bag, checking the bag; `sealed_zip`: the zip alone, checking it) gives a copy of the sealed
/// dossier; `$damage` damages it; our verify exits 1 saying every one of `$says`; then each of
/// `$checks` (a function of the case and the damaged dossier) is asked too.
macro_rules! tamper {
    (
        $name:ident,
        $sealed:ident,
        |$case:ident, $dossier:ident| $damage:block,
        [$($says:expr),+ $(,)?],
        [$($check:expr),* $(,)?] $(,)?
    ) => {
        #[test]
        fn $name() {
            let ($case, $dossier) = $sealed();
            $damage
            verify(&$case, &$dossier).exits(1).stdout_has(&[$($says),+]);
            $($check(&$case, &$dossier);)*
        }
    };
}

/// The SHA-256 case.json records for the exhibit at `index`.
fn recorded_sha256(case: &TestCase, index: usize) -> String {
    case.case_json()["exhibits"][index]["sha256"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The JSON report lists one failed file, with the hash it should have and another.
fn the_json_report_fails_one_file(case: &TestCase, bag: &Path) {
    let expected = recorded_sha256(case, 1);
    let report = case
        .run(&["verify", bag.to_str().unwrap(), "--json"])
        .exits(1)
        .json();
    let failed: Vec<&serde_json::Value> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["expected"], expected.as_str());
    assert_ne!(failed[0]["found"], failed[0]["expected"]);
}

tamper!(
    one_byte_flipped_in_an_exhibit_is_failed_with_both_hashes,
    sealed,
    |case, bag| {
        let file = bag.join("data/exhibits/E-002-gate.jpg");
        let mut bytes = std::fs::read(&file).unwrap();
        bytes[3] ^= 0x20;
        std::fs::write(&file, &bytes).unwrap();
    },
    [
        "FAILED      data/exhibits/E-002-gate.jpg",
        &recorded_sha256(&case, 1),
        "NOT INTACT",
    ],
    [the_json_report_fails_one_file, bagit_rejects],
);

tamper!(
    a_deleted_exhibit_is_missing,
    sealed,
    |case, bag| {
        std::fs::remove_file(bag.join("data/exhibits/E-001-witness 1.txt")).unwrap();
    },
    [
        "missing     data/exhibits/E-001-witness 1.txt",
        "Payload-Oxum",
    ],
    [bagit_rejects],
);

tamper!(
    a_stray_file_in_data_is_unexpected,
    sealed,
    |case, bag| {
        std::fs::write(bag.join("data/exhibits/E-099-planted.txt"), "planted").unwrap();
    },
    ["unexpected  data/exhibits/E-099-planted.txt"],
    [bagit_rejects],
);

tamper!(
    an_edited_bag_info_fails_the_tag_manifest,
    sealed,
    |case, bag| {
        replace_in(
            &bag.join("bag-info.txt"),
            "Norzhavia Justice Project",
            "Another Organisation",
        );
    },
    ["FAILED      bag-info.txt"],
    [bagit_rejects],
);

tamper!(
    an_edited_dossier_json_fails,
    sealed,
    |case, bag| {
        replace_in(
            &bag.join("data/dossier.json"),
            "Vadim Orzhelov",
            "Vadim Orzhelov Jr",
        );
    },
    ["FAILED      data/dossier.json"],
    [bagit_rejects],
);

tamper!(
    an_edited_manifest_line_fails,
    sealed,
    |case, bag| {
        let path = bag.join("manifest-sha256.txt");
        let text = std::fs::read_to_string(&path).unwrap();
        let line = text.lines().find(|l| l.contains("E-002-gate.jpg")).unwrap();
        let forged = format!("{}{}", "0".repeat(64), &line[64..]);
        std::fs::write(&path, text.replace(line, &forged)).unwrap();
    },
    [
        "FAILED      manifest-sha256.txt",
        "FAILED      data/exhibits/E-002-gate.jpg",
    ],
    [bagit_rejects],
);

/// Recomputes the manifest lines of `files` and the tag manifest, as a forger who knows BagIt
/// would: the bag's own hashes then agree, and only deeper checks can catch the edit.
fn reseal(bag: &Path, files: &[&str]) {
    use sha2::{Digest, Sha256};
    let hex = |bytes: &[u8]| {
        Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let rewrite = |manifest: &str, targets: &[&str]| {
        let path = bag.join(manifest);
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<String> = text
            .lines()
            .map(|line| {
                let (_, name) = line.split_once("  ").unwrap();
                if targets.contains(&name) {
                    format!("{}  {name}", hex(&std::fs::read(bag.join(name)).unwrap()))
                } else {
                    line.to_string()
                }
            })
            .collect();
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    };
    rewrite("manifest-sha256.txt", files);
    rewrite(
        "tagmanifest-sha256.txt",
        &["manifest-sha256.txt", "bag-info.txt", "bagit.txt"],
    );
}

tamper!(
    a_broken_custody_log_inside_a_resealed_dossier_is_reported,
    sealed,
    |case, bag| {
        let path = bag.join("data/custody.jsonl");
        let log =
            std::fs::read_to_string(&path)
                .unwrap()
                .replacen("test paralegal", "someone else", 1);
        std::fs::write(&path, log).unwrap();
        reseal(&bag, &["data/custody.jsonl"]);
    },
    ["data/custody.jsonl:2", "chain of custody is broken"],
    [],
);

tamper!(
    bag_info_that_disagrees_with_the_sealed_data_is_reported,
    sealed,
    |case, bag| {
        let path = bag.join("bag-info.txt");
        let text = std::fs::read_to_string(&path).unwrap().replace(
            "External-Identifier: VD-2024",
            "External-Identifier: OTHER-CASE",
        );
        std::fs::write(&path, text).unwrap();
        reseal(&bag, &[]);
    },
    [
        "External-Identifier `OTHER-CASE`",
        "data/dossier.json says `VD-2024`",
    ],
    [],
);

tamper!(
    a_damaged_zip_entry_is_failed_not_just_unreadable,
    sealed_zip,
    |case, zip| {
        let mut bytes = std::fs::read(&zip).unwrap();
        // The photo is stored: its bytes are in the zip as they are.
        let at = bytes
            .windows(20)
            .position(|w| w == "\u{FFFD}JPEG fictional bytes".as_bytes().get(..20).unwrap())
            .unwrap();
        bytes[at + 5] ^= 0x01;
        std::fs::write(&zip, &bytes).unwrap();
    },
    ["FAILED      data/exhibits/E-002-gate.jpg"],
    [],
);

#[test]
fn quiet_shows_only_problems() {
    let (case, bag) = sealed();
    case.run(&["verify", bag.to_str().unwrap(), "--quiet"])
        .ok()
        .stdout_has(&["intact"]);
    std::fs::remove_file(bag.join("data/exhibits.csv")).unwrap();
    let run = case
        .run(&["verify", bag.to_str().unwrap(), "--quiet"])
        .exits(1);
    assert!(!run.stdout.contains("OK "), "{}", run.stdout);
    assert!(
        run.stdout.contains("missing     data/exhibits.csv"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_loose_file_is_identified_as_its_exhibit_or_as_none() {
    let (case, _) = sealed();
    let zip = case.zip("full");
    let copy = case.outside("received.txt");
    std::fs::copy(case.root().join("evidence/statements/witness 1.txt"), &copy).unwrap();
    case.run(&[
        "verify",
        zip.to_str().unwrap(),
        "--exhibit",
        copy.to_str().unwrap(),
    ])
    .ok()
    .stdout_has(&[
        "is exhibit E-001",
        "data/exhibits/E-001-witness 1.txt",
        "unaltered",
    ]);
    std::fs::write(&copy, "I was beaten at the gate. (fictional, edited)").unwrap();
    case.run(&[
        "verify",
        zip.to_str().unwrap(),
        "--exhibit",
        copy.to_str().unwrap(),
    ])
    .exits(1)
    .stdout_has(&["matches no exhibit"]);
}

#[test]
fn what_is_not_a_dossier_is_refused() {
    let case = TestCase::complete();
    case.refuses(&["verify", "evidence"], &["is not a dossier", "bagit.txt"]);
    case.write("not-a-zip.zip", "hello");
    case.refuses(&["verify", "not-a-zip.zip"], &["not a readable zip"]);
    case.refuses(&["verify", "nowhere.zip"], &["nowhere.zip"]);
}

/// A zip of a sealed dossier with one more entry, whose name is then patched in place to a
/// hostile one of the same length (local header and central directory alike).
fn hostile_zip(zip: &Path, planted: &str, hostile: &str) {
    assert_eq!(planted.len(), hostile.len());
    let file = std::fs::File::options()
        .read(true)
        .write(true)
        .open(zip)
        .unwrap();
    let mut writer = zip::ZipWriter::new_append(file).unwrap();
    writer
        .start_file(planted, zip::write::SimpleFileOptions::default())
        .unwrap();
    std::io::Write::write_all(&mut writer, b"planted").unwrap();
    writer.finish().unwrap();
    let bytes = std::fs::read(zip).unwrap();
    let mut patched = bytes.clone();
    let mut found = 0;
    for at in 0..bytes.len() - planted.len() {
        if &bytes[at..at + planted.len()] == planted.as_bytes() {
            patched[at..at + planted.len()].copy_from_slice(hostile.as_bytes());
            found += 1;
        }
    }
    assert!(
        found >= 2,
        "the name is in the local header and the central directory"
    );
    std::fs::write(zip, patched).unwrap();
}

/// Nothing was written where a hostile name pointed.
fn nothing_escaped(case: &TestCase, _: &Path) {
    assert!(!case.dir.path().join("evil.t").exists() && !case.out_dir().join("evil.t").exists());
}

tamper!(
    a_zip_entry_climbing_out_with_dot_dot_is_reported_and_not_extracted,
    sealed_zip,
    |case, zip| {
        hostile_zip(
            &zip,
            "VD-2024-full-2026-11-21/data/xx/xx/evil.t",
            "VD-2024-full-2026-11-21/data/../../evil.t",
        );
    },
    ["hostile entry", "`..`"],
    [nothing_escaped],
);

/// Nothing was written where an absolute name pointed.
fn nothing_written_to_tmp(_: &TestCase, _: &Path) {
    assert!(!Path::new("/tmp/dossier-evil.txt").exists());
}

tamper!(
    an_absolute_zip_entry_is_reported,
    sealed_zip,
    |case, zip| {
        hostile_zip(&zip, "Xtmp/dossier-evil.txt", "/tmp/dossier-evil.txt");
    },
    ["/tmp/dossier-evil.txt", "absolute"],
    [nothing_written_to_tmp],
);

tamper!(
    a_duplicated_zip_entry_is_reported,
    sealed_zip,
    |case, zip| {
        hostile_zip(
            &zip,
            "VD-2024-full-2026-11-21/data/exhibits.csX",
            "VD-2024-full-2026-11-21/data/exhibits.csv",
        );
    },
    ["more than once"],
    [],
);

tamper!(
    a_zip_bomb_is_reported_and_not_read,
    sealed_zip,
    |case, zip| {
        let before = std::fs::metadata(&zip).unwrap().len();
        let file = std::fs::File::options()
            .read(true)
            .write(true)
            .open(&zip)
            .unwrap();
        let mut writer = zip::ZipWriter::new_append(file).unwrap();
        writer
            .start_file(
                "VD-2024-full-2026-11-21/data/bomb.bin",
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..8 {
            std::io::Write::write_all(&mut writer, &zeros).unwrap();
        }
        writer.finish().unwrap();
        assert!(
            std::fs::metadata(&zip).unwrap().len() - before < 1 << 20,
            "the bomb is small on disk"
        );
    },
    [
        "data/bomb.bin",
        "declares 8388608 bytes, more than the whole payload",
        "not read",
    ],
    [],
);

/// The dossier's zip rewritten with the entries `keep` accepts, and one more if given.
fn rewrite(zip: &Path, keep: impl Fn(&str) -> bool, add: Option<(&str, &[u8])>) {
    let source = zip::ZipArchive::new(std::fs::File::open(zip).unwrap());
    let mut source = source.unwrap();
    let target = zip.with_extension("new");
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&target).unwrap());
    for i in 0..source.len() {
        let entry = source.by_index_raw(i).unwrap();
        if keep(&String::from_utf8_lossy(entry.name_raw())) {
            writer.raw_copy_file(entry).unwrap();
        }
    }
    if let Some((name, bytes)) = add {
        writer
            .start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut writer, bytes).unwrap();
    }
    writer.finish().unwrap();
    std::fs::rename(target, zip).unwrap();
}

tamper!(
    an_exhibit_removed_from_the_zip_is_missing,
    sealed_zip,
    |case, zip| {
        rewrite(&zip, |name| !name.ends_with("E-002-gate.jpg"), None);
    },
    ["missing     data/exhibits/E-002-gate.jpg"],
    [],
);

#[test]
fn an_entry_added_to_the_zip_is_unexpected() {
    let (case, zip) = sealed_zip();
    rewrite(
        &zip,
        |_| true,
        Some((
            "VD-2024-full-2026-11-21/data/exhibits/E-099-planted.pdf",
            b"%PDF planted",
        )),
    );
    verify(&case, &zip)
        .exits(1)
        .stdout_has(&["unexpected  data/exhibits/E-099-planted.pdf"]);
    // Planted before the bag, in a folder of its own: still the same bag, and reported.
    let (case, zip) = sealed_zip();
    rewrite(&zip, |_| true, Some(("aaa/readme.txt", b"read me first")));
    verify(&case, &zip)
        .exits(1)
        .stdout_has(&["aaa/readme.txt", "outside the bag folder"]);
}

/// unzip, which nobody here wrote, finds the zip damaged too.
fn unzip_finds_it_damaged(case: &TestCase, zip: &Path) {
    if let Some(out) = tool("unzip", &["-t", zip.to_str().unwrap()], &case.out_dir()) {
        assert!(
            !out.status.success(),
            "unzip -t agrees the entry is damaged"
        );
    }
}

tamper!(
    a_wrong_crc_in_the_zip_is_reported_as_unzip_would,
    sealed_zip,
    |case, zip| {
        let crc = {
            let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
            archive
                .by_name("VD-2024-full-2026-11-21/data/exhibits.csv")
                .unwrap()
                .crc32()
        };
        let bytes = std::fs::read(&zip).unwrap();
        let needle = crc.to_le_bytes();
        let at: Vec<usize> = (0..bytes.len() - 4)
            .filter(|&i| bytes[i..i + 4] == needle)
            .collect();
        assert_eq!(
            at.len(),
            2,
            "the CRC is in the local header and the central directory"
        );
        let mut patched = bytes.clone();
        for i in at {
            patched[i] ^= 0xFF;
        }
        std::fs::write(&zip, patched).unwrap();
    },
    ["data/exhibits.csv: its CRC-32 in the zip does not match"],
    [unzip_finds_it_damaged],
);

#[test]
fn a_pipe_in_a_bag_folder_is_reported_not_waited_on() {
    let (case, bag) = sealed();
    let csv = bag.join("data/exhibits.csv");
    std::fs::remove_file(&csv).unwrap();
    let made = std::process::Command::new("mkfifo").arg(&csv).status();
    if made.is_ok_and(|s| s.success()) {
        verify(&case, &bag).exits(1).stdout_has(&[
            "data/exhibits.csv: is not a regular file",
            "missing     data/exhibits.csv",
        ]);
    }
}

#[test]
fn a_loose_file_proves_nothing_against_a_tampered_dossier() {
    let (case, bag) = sealed();
    let forged = case.outside("forged.txt");
    std::fs::write(&forged, "a forged statement").unwrap();
    use sha2::{Digest, Sha256};
    let sha: String = Sha256::digest(std::fs::read(&forged).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let path = bag.join("manifest-sha256.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text.lines().find(|l| l.contains("E-001-")).unwrap();
    std::fs::write(&path, text.replace(line, &format!("{sha}{}", &line[64..]))).unwrap();
    case.run(&[
        "verify",
        bag.to_str().unwrap(),
        "--exhibit",
        forged.to_str().unwrap(),
    ])
    .exits(1)
    .stdout_has(&["NOT INTACT"]);
}

#[test]
fn an_entry_claiming_more_than_deflate_allows_makes_the_zip_unsafe_and_unread() {
    let (case, zip) = sealed_zip();
    let file = std::fs::File::options()
        .read(true)
        .write(true)
        .open(&zip)
        .unwrap();
    let mut writer = zip::ZipWriter::new_append(file).unwrap();
    writer
        .start_file(
            "VD-2024-full-2026-11-21/data/zeros.bin",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
    std::io::Write::write_all(&mut writer, &vec![0u8; 1_234_567]).unwrap();
    writer.finish().unwrap();
    // Claim 2 GiB in both headers: no deflate stream of that size is ~1 KiB long.
    let bytes = std::fs::read(&zip).unwrap();
    let size = 1_234_567u32.to_le_bytes();
    let at: Vec<usize> = (0..bytes.len() - 4)
        .filter(|&i| bytes[i..i + 4] == size)
        .collect();
    assert_eq!(at.len(), 2);
    let mut patched = bytes.clone();
    for i in at {
        patched[i..i + 4].copy_from_slice(&0x8000_0000u32.to_le_bytes());
    }
    std::fs::write(&zip, patched).unwrap();
    let run = verify(&case, &zip).exits(1);
    assert!(
        run.stdout.contains("more than compression allows")
            || run.stdout.contains("headers disagree"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("not read: the zip's structure is unsafe"),
        "{}",
        run.stdout
    );
}
