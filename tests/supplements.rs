//! `build --supplements PREV` and `diff A B`: a supplementary submission names the dossier it
//! supplements and says what changed since, in dossier.json, bag-info.txt and each PDF; `diff`
//! prints the same comparison. Judged with pdftotext, bagit.py and sha256sum where they can.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::harness::{DATE, TestCase, bagit_valid, dossier_in, replace_in, sha256sum, tool};

/// The supplement's bagging date.
const LATER: &str = "2027-02-10";

/// The complete case with two confidential exhibits (E-003 "Leaked order", E-004 from "Colonel
/// X"), sealed full with `--unpacked` on DATE, then changed: E-005 added with an event V-002 it
/// supports, E-002 and the confidential E-003 withdrawn, S-001 given an alias, E-001 retitled.
fn changed_case() -> TestCase {
    let case = TestCase::complete();
    case.add_confidential_exhibits();
    case.build(&["--unpacked"]).ok();
    let e5 = case.exhibit("photos/transfer.jpg", "a photo of the transfer (fictional)");
    assert_eq!(e5, "E-005");
    case.run(&[
        "event",
        "add",
        "2019-04-02",
        "Transfer of detainees to Centre No. 4",
        "--exhibit",
        "E-005",
    ])
    .ok();
    case.run(&[
        "exhibit",
        "withdraw",
        "E-002",
        "--reason",
        "the photographer withdrew consent",
    ])
    .ok();
    case.run(&[
        "exhibit",
        "withdraw",
        "E-003",
        "--reason",
        "the clerk who leaked it was identified",
    ])
    .ok();
    case.run(&[
        "subject",
        "edit",
        "S-001",
        "--alias",
        "The Warden",
        "--alias",
        "Commandant",
    ])
    .ok();
    case.run(&[
        "exhibit",
        "edit",
        "E-001",
        "--title",
        "Statement of witness W-1",
    ])
    .ok();
    case
}

/// `build --date LATER --out OUT --supplements PREV ARGS`.
fn supplement(case: &TestCase, prev: &Path, args: &[&str]) -> crate::harness::Run {
    let out = case.out_dir();
    let mut all = vec![
        "build",
        "--date",
        LATER,
        "--out",
        out.to_str().unwrap(),
        "--supplements",
        prev.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    let root = case.root();
    let mut with_case = vec!["-C", root.to_str().unwrap()];
    with_case.extend(all);
    dossier_in(case.dir.path(), &with_case)
}

fn later_bag(case: &TestCase, profile: &str) -> PathBuf {
    case.out_dir().join(format!("VD-2024-{profile}-{LATER}"))
}

fn pdf_text(pdf: &Path) -> Option<Vec<String>> {
    // One string per page: the form feed pdftotext ends each page with.
    let output = tool(
        "pdftotext",
        &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"],
        pdf.parent().unwrap(),
    )?;
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    Some(text.split('\u{c}').map(flat).collect())
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn bag_info(bag: &Path) -> String {
    std::fs::read_to_string(bag.join("bag-info.txt")).unwrap()
}

fn dossier_json(bag: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(bag.join("data/dossier.json")).unwrap()).unwrap()
}

fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect()
}

#[test]
fn a_supplement_names_the_earlier_dossier_and_says_what_changed_in_every_place() {
    let case = changed_case();
    let prev = case.zip("full");
    let prev_fingerprint = sha256sum(&case.bag("full").join("manifest-sha256.txt"));
    supplement(&case, &prev, &["--unpacked"]).ok();
    let bag = later_bag(&case, "full");

    // dossier.json: the earlier dossier's name, date, fingerprint; why E-002 left.
    let json = dossier_json(&bag);
    assert_eq!(json["dossier_schema"], 2);
    let supplements = &json["supplements"];
    assert_eq!(supplements["name"], format!("VD-2024-full-{DATE}"));
    assert_eq!(supplements["date"], DATE);
    assert_eq!(supplements["profile"], "full");
    let fingerprint = supplements["dossier_fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    if let Some(by_sha256sum) = prev_fingerprint {
        assert_eq!(fingerprint, by_sha256sum);
    }
    let retired = json["retired"].as_array().unwrap();
    assert!(
        retired
            .iter()
            .any(|r| r["id"] == "E-002" && r["reason"] == "the photographer withdrew consent")
    );

    // bag-info.txt, and bagit.py still takes the bag.
    let info = bag_info(&bag);
    assert!(
        info.contains(&format!("Supplements-Dossier: VD-2024-full-{DATE}\n")),
        "{info}"
    );
    assert!(
        info.contains(&format!("Supplements-Date: {DATE}\n")),
        "{info}"
    );
    assert!(
        info.contains(&format!("Supplements-Fingerprint: {fingerprint}\n")),
        "{info}"
    );
    if let Some(valid) = bagit_valid(&bag) {
        assert!(valid, "bagit.py refuses the supplement's bag");
    }
    case.run(&["verify", later_bag(&case, "full").to_str().unwrap()])
        .ok();

    // `diff` says the same as the build recorded.
    let zip = case.out_dir().join(format!("VD-2024-full-{LATER}.zip"));
    let diff = case
        .run(&[
            "diff",
            prev.to_str().unwrap(),
            zip.to_str().unwrap(),
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(diff["from"]["dossier_fingerprint"], fingerprint.as_str());
    assert_eq!(ids(&diff["exhibits"]["added"]), ["E-005"]);
    assert_eq!(ids(&diff["exhibits"]["withdrawn"]), ["E-002", "E-003"]);
    assert_eq!(
        diff["exhibits"]["withdrawn"][0]["reason"],
        "the photographer withdrew consent"
    );
    assert_eq!(ids(&diff["exhibits"]["removed"]), Vec::<&str>::new());
    assert_eq!(ids(&diff["exhibits"]["changed"]), ["E-001"]);
    assert_eq!(
        diff["exhibits"]["changed"][0]["fields"][0]["field"],
        "title"
    );
    assert_eq!(
        diff["exhibits"]["changed"][0]["fields"][0]["new"],
        "Statement of witness W-1"
    );
    assert_eq!(ids(&diff["subjects"]["changed"]), ["S-001"]);
    let alias = &diff["subjects"]["changed"][0]["fields"][0];
    assert_eq!(alias["field"], "aliases");
    assert_eq!(
        alias["new"],
        serde_json::json!(["The Warden", "Commandant"])
    );
    assert_eq!(ids(&diff["events"]["added"]), ["V-002"]);
    // V-001 lost its exhibit E-002 when E-002 was withdrawn: a change too.
    assert_eq!(ids(&diff["events"]["changed"]), ["V-001"]);

    // Each PDF: the section right after the cover, with every line `diff` prints.
    let human = case
        .run(&["diff", prev.to_str().unwrap(), zip.to_str().unwrap()])
        .ok()
        .stdout_has(&[
            "Exhibits added (1)",
            "Exhibits withdrawn (2)",
            "E-002  ",
            ": the photographer withdrew consent",
            "Subjects changed (1)",
            "aliases: added \"Commandant\"",
            "Events added (1)",
            "V-002  2019-04-02 Transfer of detainees",
        ]);
    // A first dossier's cover says nothing of the kind.
    if let Some(pages) = pdf_text(&case.bag("full").join("data/submission-us-glomag.pdf")) {
        assert!(!pages.join(" ").contains("SUPPLEMENTARY SUBMISSION"));
    }
    let regimes = json["case"]["regimes"].as_array().unwrap();
    assert!(regimes.len() >= 2, "{regimes:?}");
    for regime in regimes.iter().map(|r| r.as_str().unwrap()) {
        let Some(pages) = pdf_text(&bag.join(format!("data/submission-{regime}.pdf"))) else {
            return;
        };
        let cover = pages
            .iter()
            .position(|p| p.contains("Proposed for designation"))
            .expect("a cover page");
        // The cover itself says it is a supplement, and of which dossier, for a cover read alone.
        let first = &pages[cover];
        for needed in [
            "SUPPLEMENTARY SUBMISSION".to_string(),
            format!("Supplements the earlier dossier VD-2024-full-{DATE}.zip, sealed on {DATE}"),
            format!("Dossier fingerprint of the earlier dossier (SHA-256) {fingerprint}"),
        ] {
            assert!(
                first.contains(&needed),
                "{regime}: the cover lacks `{needed}`: {first}"
            );
        }
        // So does the cover letter, whether it is the default one or the case's own.
        let all = pages.join(" ");
        assert!(all.contains("Re: Supplementary submission: "), "{regime}");
        let letter = format!(
            "This is a supplementary submission to our dossier VD-2024-full-{DATE}.zip, sealed on {DATE} (dossier fingerprint {}",
            &fingerprint[..16]
        );
        assert!(
            all.contains(&letter),
            "{regime}: the letter lacks `{letter}`"
        );
        let section = &pages[cover + 1];
        assert!(
            section.contains("Supplementary submission This submission supplements"),
            "{regime}: the page after the cover is not the supplement section: {section}"
        );
        let text = pages[cover + 1..].join(" ");
        assert!(text.contains(&format!("VD-2024-full-{DATE}.zip")));
        assert!(text.contains(&fingerprint), "{regime}: no fingerprint");
        for line in human.stdout.lines().skip(2).filter(|l| l.starts_with("  ")) {
            let line = flat(line);
            assert!(text.contains(&line), "{regime}: the PDF lacks `{line}`");
        }
        assert!(
            pages[cover + 2..]
                .iter()
                .any(|p| p.contains("Contents") && p.contains("Supplementary submission")),
            "{regime}: the contents do not list the section"
        );
    }
}

#[test]
fn a_public_supplement_tells_a_withheld_exhibit_by_id_hash_and_size_only() {
    let case = changed_case();
    // Supplementing the full dossier: compared as the public profile shows both.
    supplement(
        &case,
        &case.zip("full"),
        &["--profile", "public", "--unpacked"],
    )
    .ok();
    let bag = later_bag(&case, "public");
    let json = std::fs::read_to_string(bag.join("data/dossier.json")).unwrap();
    let prev_json = dossier_json(&case.bag("full"));
    let e3 = prev_json["exhibits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "E-003")
        .unwrap();
    let hash = e3["sha256"].as_str().unwrap();
    for secret in ["clerk who leaked", "Leaked order", "Colonel X", "order 117"] {
        assert!(!json.contains(secret), "dossier.json leaks {secret}");
    }
    let Some(pages) = pdf_text(&bag.join("data/submission-us-glomag.pdf")) else {
        return;
    };
    let text = pages.join(" ");
    let start = text
        .find("This submission supplements")
        .expect("the section");
    let section = &text[start
        ..text[start..]
            .find("Contents")
            .map_or(text.len(), |i| start + i)];
    assert!(section.contains("Exhibits withdrawn"), "{section}");
    assert!(section.contains("E-003 withheld"), "{section}");
    assert!(section.contains(hash), "{section}");
    for secret in ["clerk who leaked", "Leaked order", "Colonel X", "order 117"] {
        assert!(!text.contains(secret), "the public PDF leaks {secret}");
    }
    if let Some(valid) = bagit_valid(&bag) {
        assert!(valid);
    }
}

#[test]
fn a_supplement_is_reproducible() {
    let case = changed_case();
    let prev = case.zip("full");
    supplement(&case, &prev, &[]).ok();
    let zip = case.out_dir().join(format!("VD-2024-full-{LATER}.zip"));
    let first = std::fs::read(&zip).unwrap();
    supplement(&case, &prev, &["--force"]).ok();
    assert!(
        first == std::fs::read(&zip).unwrap(),
        "a second build differs"
    );
}

#[test]
fn a_previous_dossier_that_is_not_intact_is_refused_and_nothing_is_written() {
    let case = changed_case();
    let prev = case.bag("full");
    replace_in(
        &prev.join("data/exhibits/E-001-witness 1.txt"),
        "beaten",
        "pushed",
    );
    let run = case.refuses(
        &[
            "build",
            "--date",
            LATER,
            "--out",
            case.out_dir().to_str().unwrap(),
            "--supplements",
            prev.to_str().unwrap(),
        ],
        &[
            "cannot supplement",
            "is not intact",
            "E-001-witness 1.txt",
            "dossier verify",
        ],
    );
    assert!(!later_bag(&case, "full").exists(), "{}", run.stderr);
    // Another case's folder, or no dossier at all, is refused as well.
    case.refuses(
        &[
            "build",
            "--date",
            LATER,
            "--supplements",
            case.root().to_str().unwrap(),
        ],
        &["is not a dossier"],
    );
    case.refuses(
        &[
            "diff",
            prev.to_str().unwrap(),
            case.zip("full").to_str().unwrap(),
        ],
        &["is not intact"],
    );
    case.refuses(
        &["diff", "nowhere.zip", "nowhere-else.zip"],
        &["nowhere.zip"],
    );
}

#[test]
fn a_supplement_dated_before_the_dossier_it_supplements_is_refused() {
    let case = changed_case();
    case.refuses(
        &[
            "build",
            "--date",
            "2026-01-01",
            "--out",
            case.out_dir().to_str().unwrap(),
            "--supplements",
            case.zip("full").to_str().unwrap(),
        ],
        &["cannot supplement", "after this build's date"],
    );
}

#[test]
fn a_dossier_compared_with_itself_has_no_changes() {
    let (case, bag) = crate::harness::sealed();
    let zip = case.zip("full");
    case.run(&["diff", zip.to_str().unwrap(), bag.to_str().unwrap()])
        .ok()
        .stdout_has(&["no changes"]);
    let diff = case
        .run(&[
            "diff",
            zip.to_str().unwrap(),
            zip.to_str().unwrap(),
            "--json",
        ])
        .ok()
        .json();
    for group in ["exhibits", "subjects", "events"] {
        for (kind, list) in diff[group].as_object().unwrap() {
            assert_eq!(list, &serde_json::json!([]), "{group} {kind}");
        }
    }
}

/// Rewrites the bag's bag-info.txt with `edit` and recomputes its tagmanifest line, as someone
/// would who knows the format: only a check of what bag-info.txt says can then catch it.
fn rewrite_bag_info(bag: &Path, edit: impl FnOnce(String) -> String) {
    use sha2::Digest;
    let info = edit(bag_info(bag));
    std::fs::write(bag.join("bag-info.txt"), &info).unwrap();
    let sha: String = sha2::Sha256::digest(info.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let tags = std::fs::read_to_string(bag.join("tagmanifest-sha256.txt")).unwrap();
    let tags: String = tags
        .lines()
        .map(|line| match line.split_once("  ") {
            Some((_, "bag-info.txt")) => format!("{sha}  bag-info.txt\n"),
            _ => format!("{line}\n"),
        })
        .collect();
    std::fs::write(bag.join("tagmanifest-sha256.txt"), tags).unwrap();
}

#[test]
fn verify_finds_bag_info_and_dossier_json_disagreeing_on_the_earlier_dossier() {
    let case = changed_case();
    supplement(&case, &case.zip("full"), &["--unpacked"]).ok();
    let bag = later_bag(&case, "full");
    let recorded = dossier_json(&bag)["supplements"]["dossier_fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    let verify = |bag: &Path| case.run(&["verify", bag.to_str().unwrap()]);
    verify(&bag).ok();
    let pristine = bag_info(&bag);
    let forged = "0".repeat(64);

    // Another earlier dossier named in bag-info.txt: both values named.
    rewrite_bag_info(&bag, |info| info.replace(&recorded, &forged));
    if let Some(valid) = bagit_valid(&bag) {
        assert!(
            valid,
            "bagit.py should not see this: the tag manifest is consistent"
        );
    }
    verify(&bag).exits(1).stdout_has(&[
        "bag-info.txt",
        &format!(
            "gives Supplements-Fingerprint `{forged}` but data/dossier.json says supplements.dossier_fingerprint `{recorded}`"
        ),
    ]);

    // The supplement's fields taken out of bag-info.txt: dossier.json alone says it.
    rewrite_bag_info(&bag, |_| {
        pristine
            .lines()
            .filter(|l| !l.starts_with("Supplements-"))
            .map(|l| format!("{l}\n"))
            .collect()
    });
    verify(&bag).exits(1).stdout_has(&[
        &format!(
            "has no Supplements-Fingerprint but data/dossier.json says supplements.dossier_fingerprint `{recorded}`"
        ),
        &format!("has no Supplements-Dossier but data/dossier.json says supplements.name `VD-2024-full-{DATE}`"),
    ]);

    // And a first dossier whose bag-info.txt claims an earlier one.
    let first = case.bag("full");
    case.run(&["verify", first.to_str().unwrap()]).ok();
    rewrite_bag_info(&first, |info| {
        format!("{info}Supplements-Dossier: VD-2024-full-2026-01-01\n")
    });
    verify(&first).exits(1).stdout_has(&[
        "gives Supplements-Dossier `VD-2024-full-2026-01-01` but data/dossier.json records no supplements.name",
    ]);

    // Put back as built, the bag verifies again.
    rewrite_bag_info(&bag, |_| pristine);
    verify(&bag).ok();
}

#[test]
fn the_viewer_names_the_earlier_dossier_and_what_was_withdrawn_or_removed_as_the_profile_allows() {
    let case = changed_case();
    case.run(&["subject", "add", "Ilya Vostrenko (fictional)"])
        .ok();
    case.run(&[
        "subject",
        "remove",
        "S-002",
        "--reason",
        "mistaken identity: a namesake",
    ])
    .ok();
    let prev = case.zip("full");
    let fingerprint = sha256sum(&case.bag("full").join("manifest-sha256.txt"));
    for profile in ["full", "public"] {
        supplement(&case, &prev, &["--profile", profile, "--unpacked"]).ok();
        let bag = later_bag(&case, profile);
        let recorded = dossier_json(&bag)["supplements"]["dossier_fingerprint"]
            .as_str()
            .unwrap()
            .to_string();
        if let Some(by_sha256sum) = &fingerprint {
            assert_eq!(&recorded, by_sha256sum);
        }
        let page = bag.join("data/index.html");
        let html = std::fs::read_to_string(&page).unwrap();
        // The public page carries nothing of the confidential E-003 but its id, not even why
        // it was withdrawn.
        let secrets = ["clerk who leaked", "Leaked order", "Colonel X", "order 117"];
        if profile == "public" {
            for secret in secrets {
                assert!(!html.contains(secret), "the public viewer holds {secret}");
            }
        } else {
            assert!(html.contains("the clerk who leaked it was identified"));
        }
        let Some(dom) = crate::viewer::rendered(&page, "") else {
            continue;
        };
        let text = crate::viewer::unescape(&dom);
        assert!(text.contains("SUPPLEMENTARY SUBMISSION"), "{profile}");
        assert!(
            text.contains(&format!(
                "a supplementary submission to the earlier dossier <strong>VD-2024-full-{DATE}.zip</strong>, sealed {DATE} (full profile)"
            )),
            "{profile}: {text}"
        );
        assert!(
            text.contains(&format!("id=\"supplements-fingerprint\">{recorded}<")),
            "{profile}"
        );
        assert!(text.contains("<a href=\"#retired\">Withdrawn and removed</a>"));
        let start = text.find("<section id=\"retired\">").unwrap();
        let section = &text[start..start + text[start..].find("</section>").unwrap()];
        assert!(section.contains("Withdrawn and removed (3)"), "{section}");
        let row = |id: &str| {
            let at = section
                .find(&format!("data-id=\"{id}\""))
                .unwrap_or_else(|| panic!("{profile}: {id} is not listed: {section}"));
            &section[at..at + section[at..].find("</tr>").unwrap()]
        };
        let e2 = row("E-002");
        assert!(
            e2.contains("exhibit withdrawn") && e2.contains("the photographer withdrew consent")
        );
        let s2 = row("S-002");
        assert!(s2.contains("subject removed") && s2.contains("mistaken identity: a namesake"));
        let e3 = row("E-003");
        assert!(e3.contains("exhibit withdrawn"), "{e3}");
        if profile == "public" {
            assert!(e3.contains("reason withheld from this profile"), "{e3}");
            for secret in secrets {
                assert!(!text.contains(secret), "the public page shows {secret}");
            }
        } else {
            assert!(
                e3.contains("the clerk who leaked it was identified"),
                "{e3}"
            );
        }
        crate::viewer::screenshot(&page, &format!("viewer-supplement-{profile}"));
    }
    // A first dossier's page has neither.
    let first = std::fs::read_to_string(case.bag("full").join("data/index.html")).unwrap();
    assert!(first.contains("\"supplements\":null,\"retired\":[]"));
}
