//! The PDF submissions inside a dossier, read back with tools nobody here wrote: pdftotext,
//! pdfinfo and pdffonts (poppler), qpdf, and Python's pypdf.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::harness::{
    DATE, SAMPLE_SEALED, TestCase, build_sample, build_sample_into, replace_in, sample, tool,
};

/// The text of a PDF as pdftotext reads it (`None` if pdftotext is missing and may be).
fn pdftotext(pdf: &Path) -> Option<String> {
    run_pdftotext(pdf, &[])
}

/// The text with the page's layout kept: a table row is one line.
fn pdftotext_layout(pdf: &Path) -> Option<String> {
    run_pdftotext(pdf, &["-layout"])
}

fn run_pdftotext(pdf: &Path, options: &[&str]) -> Option<String> {
    let mut args = options.to_vec();
    args.extend(["-enc", "UTF-8", pdf.to_str().unwrap(), "-"]);
    let output = tool("pdftotext", &args, pdf.parent().unwrap())?;
    assert!(
        output.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    Some(String::from_utf8(output.stdout).unwrap())
}

/// Every run of whitespace as one space, so that a phrase wrapped over lines still matches.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// pdftotext's text without the embedding marks (U+202A to U+202E) that poppler puts around a
/// right-to-left run: the letters themselves are compared as typed, with no normalisation.
fn without_embedding_marks(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '\u{202A}'..='\u{202E}'))
        .collect()
}

fn page_count(pdf: &Path) -> Option<usize> {
    let output = tool("pdfinfo", &[pdf.to_str().unwrap()], pdf.parent().unwrap())?;
    let info = String::from_utf8(output.stdout).unwrap();
    let line = info.lines().find(|l| l.starts_with("Pages:")).unwrap();
    Some(line.split_whitespace().nth(1).unwrap().parse().unwrap())
}

/// A built-in template as JSON.
fn template(regime: &str) -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("templates/{regime}.json")),
        )
        .unwrap(),
    )
    .unwrap()
}

/// A copy of the sample case sealed unpacked into `out/`: (temporary folder, bag folder).
fn sealed_sample() -> (tempfile::TempDir, PathBuf) {
    let dir = SAMPLE_SEALED.copy_except(&[&format!("out/NZ-LANTERN-2019-public-{DATE}.zip")]);
    let bag = dir.path().join(format!("out/NZ-LANTERN-2019-full-{DATE}"));
    (dir, bag)
}

#[test]
fn the_sample_case_has_one_pdf_per_regime_with_every_name_id_hash_date_and_criterion() {
    let (dir, bag) = sealed_sample();
    let case: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("case/case.json")).unwrap())
            .unwrap();
    let fingerprint = std::fs::read_to_string(bag.join("bag-info.txt"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("Exhibit-Fingerprint: ").map(str::to_string))
        .unwrap();
    let manifest = std::fs::read_to_string(bag.join("manifest-sha256.txt")).unwrap();
    for regime in case["regimes"].as_array().unwrap() {
        let regime = regime.as_str().unwrap();
        let pdf = bag.join(format!("data/submission-{regime}.pdf"));
        assert!(pdf.is_file(), "no {}", pdf.display());
        assert!(
            manifest.contains(&format!("  data/submission-{regime}.pdf\n")),
            "the PDF is sealed in the manifest"
        );
        let Some(text) = pdftotext(&pdf) else { return };
        let text = flat(&text);
        for subject in case["subjects"].as_array().unwrap() {
            let name = subject["name"].as_str().unwrap();
            assert!(text.contains(name), "{regime}: no subject name {name}");
        }
        for exhibit in case["exhibits"].as_array().unwrap() {
            let id = exhibit["id"].as_str().unwrap();
            let sha = exhibit["sha256"].as_str().unwrap();
            assert!(
                text.contains(id) && text.contains(sha),
                "{regime}: exhibit {id} or its SHA-256 missing"
            );
        }
        for event in case["events"].as_array().unwrap() {
            // A range is printed as its two ends.
            for day in event["date"].as_str().unwrap().split("..") {
                assert!(text.contains(day), "{regime}: no event date {day}");
            }
        }
        assert!(
            text.contains(&fingerprint),
            "{regime}: no exhibit fingerprint"
        );
        // Every clause a subject meets under this regime is cited; its wording is quoted if and
        // only if the template marks it confirmed word for word.
        let template = template(regime);
        let met: Vec<&str> = case["subjects"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["criteria"].as_array().unwrap())
            .filter(|c| c["regime"] == regime)
            .map(|c| c["clause"].as_str().unwrap())
            .collect();
        assert!(!met.is_empty());
        for clause in template["criteria"].as_array().unwrap() {
            if !met.contains(&clause["id"].as_str().unwrap()) {
                continue;
            }
            let citation = flat(clause["citation"].as_str().unwrap());
            assert!(
                text.contains(&citation),
                "{regime}: criterion {} not cited as {citation:?}",
                clause["id"]
            );
            let wording = flat(clause["wording"].as_str().unwrap());
            let confirmed = ["verified-official", "verified-mirror"]
                .contains(&clause["status"].as_str().unwrap());
            if confirmed {
                assert!(
                    text.contains(&format!("“{wording}”")),
                    "{regime}: confirmed criterion {} not quoted",
                    clause["id"]
                );
            } else if !wording.is_empty() {
                // Never quoted; and a wording longer than a word or two (which the case's own
                // arguments may well use, "bribery") is not printed at all.
                assert!(
                    !text.contains(&format!("“{wording}")),
                    "{regime}: unconfirmed wording of criterion {} quoted",
                    clause["id"]
                );
                assert!(
                    wording.split_whitespace().count() <= 3 || !text.contains(&wording),
                    "{regime}: unconfirmed wording of criterion {} printed",
                    clause["id"]
                );
            }
        }
        // The template's headings, in its order.
        let mut from = 0;
        for section in template["sections"].as_array().unwrap() {
            let heading = flat(section["heading"].as_str().unwrap());
            let at = text[from..]
                .find(&heading)
                .unwrap_or_else(|| panic!("{regime}: heading {heading:?} missing or out of order"));
            from += at + heading.len();
        }
    }
}

#[test]
fn names_in_vietnamese_cyrillic_and_arabic_come_back_exactly() {
    let (_dir, bag) = sealed_sample();
    let Some(text) = pdftotext(&bag.join("data/submission-uk-ghr.pdf")) else {
        return;
    };
    for name in [
        "Lương Bích Diệp",
        "Вадим Аркадьевич Оржелов",
        "ООО «Карвекса Строй-Инвест»",
    ] {
        assert!(text.contains(name), "{name} not found exactly");
    }
    // Arabic comes back as typed: the same letters in the same order, no presentation forms,
    // no normalisation needed (pdftotext may put the run between U+202B and U+202C, around it).
    assert!(text.contains("نزار القسواني"), "Arabic name lost");
}

#[test]
fn every_page_says_page_n_of_the_true_count_and_the_case_id() {
    let (_dir, bag) = sealed_sample();
    let pdf = bag.join("data/submission-us-glomag.pdf");
    let (Some(pages), Some(text)) = (page_count(&pdf), pdftotext_layout(&pdf)) else {
        return;
    };
    assert!(pages > 5, "{pages} pages");
    let sheets: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert_eq!(sheets.len(), pages);
    for (i, sheet) in sheets.iter().enumerate() {
        assert!(
            sheet.contains(&format!("Page {} of {pages}", i + 1))
                && sheet.contains("NZ-LANTERN-2019"),
            "page {}: {sheet}",
            i + 1
        );
    }
    // The contents (after the cover letter and the cover) give the page each section starts on.
    let contents = sheets
        .iter()
        .find(|s| s.lines().any(|l| l.trim() == "Contents"))
        .expect("a contents page");
    let line = contents
        .lines()
        .find(|l| l.trim_start().starts_with("Exhibit Index"))
        .unwrap_or_else(|| panic!("{contents}"));
    let page: usize = line.split_whitespace().last().unwrap().parse().unwrap();
    assert!(
        sheets[page - 1].contains("Exhibit Index"),
        "contents point to page {page}"
    );
}

#[test]
fn two_builds_give_identical_pdf_bytes_dated_from_the_build_date() {
    // Reproducibility is this test's subject: it seals the sample itself, not the shared copy.
    let dir = sample();
    build_sample(dir.path(), &["--unpacked"]);
    let bag = dir.path().join(format!("out/NZ-LANTERN-2019-full-{DATE}"));
    let again = dir.path().join("again");
    build_sample_into(dir.path(), "again", DATE, &["--unpacked"]);
    for regime in ["us-glomag", "uk-ghr", "uk-gac"] {
        let file = format!("data/submission-{regime}.pdf");
        let first = std::fs::read(bag.join(&file)).unwrap();
        let second = std::fs::read(
            again
                .join(format!("NZ-LANTERN-2019-full-{DATE}"))
                .join(&file),
        )
        .unwrap();
        assert!(first == second, "{regime}: PDFs differ");
        let raw = String::from_utf8_lossy(&first);
        assert!(
            raw.contains("/CreationDate (D:20261121000000Z)")
                || raw.contains("/CreationDate(D:20261121000000Z)")
        );
    }
    // Another date, other bytes (the dates inside differ).
    build_sample_into(dir.path(), "later", "2026-11-22", &["--unpacked"]);
    let later = std::fs::read(
        dir.path()
            .join("later/NZ-LANTERN-2019-full-2026-11-22/data/submission-uk-ghr.pdf"),
    )
    .unwrap();
    assert!(later != std::fs::read(bag.join("data/submission-uk-ghr.pdf")).unwrap());
}

#[test]
fn a_name_in_a_script_no_font_covers_stops_the_build_naming_the_subject() {
    let case = TestCase::complete();
    case.run(&[
        "subject",
        "add",
        "Wang Xiaoming",
        "--original-script",
        "王小明",
        "--criterion",
        "us-glomag:1(a)(ii)(A)",
    ])
    .ok();
    // (S-002 lacks fields `check` requires: a draft is built past that, not past the fonts.)
    case.build(&["--draft"]).exits(2).stderr_has(&[
        "S-002",
        "Wang Xiaoming",
        "王 (U+738B)",
        "--font",
    ]);
    assert!(!case.out_dir().exists(), "nothing written");

    // With a font that has the characters, the name is printed.
    let font = Path::new("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf");
    if !font.is_file() {
        assert!(
            std::env::var("DOSSIER_REQUIRE_CHECKERS").as_deref() != Ok("1"),
            "{} is required (apt install fonts-droid-fallback)",
            font.display()
        );
        return;
    }
    case.build(&["--draft", "--font", font.to_str().unwrap(), "--unpacked"])
        .ok();
    let pdf = case.bag("full").join("data/submission-us-glomag.pdf");
    if let Some(text) = pdftotext(&pdf) {
        assert!(text.contains("王小明"), "the Chinese name is printed");
    }
    // The same font listed in case.json.
    let json = case.root().join("case.json");
    replace_in(
        &json,
        "\"fonts\": []",
        &format!("\"fonts\": [{:?}]", font.to_str().unwrap()),
    );
    case.build(&["--draft", "--force"]).ok();
    // A font that is not there is named.
    case.build(&["--draft", "--force", "--font", "fonts/missing.ttf"])
        .exits(2)
        .stderr_has(&["missing.ttf", "not found"]);
}

#[test]
fn the_public_pdf_shows_withheld_exhibits_and_confidential_sources_as_such() {
    let case = TestCase::complete();
    case.add_confidential_exhibits();
    case.build(&["--profile", "public", "--unpacked"]).ok();
    let Some(text) = pdftotext_layout(&case.bag("public").join("data/submission-uk-ghr.pdf"))
    else {
        return;
    };
    let text = flat(&text);
    let withheld = &case.case_json()["exhibits"][2];
    assert_eq!(withheld["id"], "E-003");
    assert!(
        text.contains("E-003 Withheld from this public version")
            && text.contains(withheld["sha256"].as_str().unwrap()),
        "the withheld exhibit is listed with its hash"
    );
    assert!(
        text.contains("E-003 (withheld)"),
        "the timeline marks it withheld"
    );
    assert!(text.contains("Source: confidential source"));
    assert!(!text.contains("Leaked order") && !text.contains("Colonel X"));
    assert!(text.contains("PUBLIC VERSION"));
    // The full profile names both, for the authority.
    case.build(&["--unpacked"]).ok();
    let full =
        flat(&pdftotext_layout(&case.bag("full").join("data/submission-uk-ghr.pdf")).unwrap());
    assert!(full.contains("Leaked order") && full.contains("Colonel X"));
}

#[test]
fn the_narrative_markdown_and_a_long_arabic_paragraph_are_printed() {
    let case = TestCase::complete();
    let arabic = "شهد الشاهد أن الحراس ضربوا المعتقلين عند البوابة في الرابع عشر من آذار وأن القائد أمر بذلك أمام الجميع ثم أمر بنقلهم إلى المركز";
    case.write(
        "narrative/background.md",
        format!(
            "# Background of the case\n\nThe guard unit was formed in *2015* under **Order 12**; see [the registry](https://registry.example/unit-12).\n\n- First point of the list\n- Second point\n\n## شهادة\n\n{arabic}\n"
        ),
    );
    case.build(&["--unpacked"]).ok();
    let Some(text) = pdftotext(&case.bag("full").join("data/submission-us-glomag.pdf")) else {
        return;
    };
    let flat_text = flat(&text);
    for expected in [
        "Background of the case",
        "formed in 2015 under Order 12; see the registry <https://registry.example/unit-12>",
        "• First point of the list",
        "The commander of the fictional Norzhavian guard ordered the beatings.",
    ] {
        assert!(flat_text.contains(expected), "{expected:?} missing");
    }
    // Wrapped over several lines, the paragraph still reads in order, line after line, in the
    // letters typed.
    let lines = text
        .lines()
        .filter(|l| l.chars().any(|c| ('\u{0621}'..='\u{064A}').contains(&c)))
        .count();
    assert!(lines >= 2, "the Arabic paragraph spans lines");
    assert!(
        flat(&without_embedding_marks(&text)).contains(arabic),
        "the Arabic paragraph is out of order"
    );
}

#[test]
fn past_the_limit_the_exhibit_index_summarises_and_points_to_the_csv() {
    let case = TestCase::complete();
    for i in 0..2001 {
        case.write(
            &format!("evidence/bulk/file {i:04}.txt"),
            format!("bulk file {i} (fictional)"),
        );
    }
    case.run(&["exhibit", "add", "evidence/bulk"]).ok();
    case.build(&["--unpacked"]).ok();
    let Some(text) = pdftotext_layout(&case.bag("full").join("data/submission-us-glomag.pdf"))
    else {
        return;
    };
    let text = flat(&text);
    assert!(
        text.contains("data/exhibits.csv") && text.contains("Other exhibits, by folder and type")
    );
    // The exhibits the submission cites are still listed with their hash; the rest are counted.
    let cited = &case.case_json()["exhibits"][0];
    assert!(text.contains(cited["sha256"].as_str().unwrap()));
    assert!(
        text.contains("bulk text/plain 2001"),
        "{}",
        &text[text.find("Other exhibits").unwrap()..]
    );
}

#[test]
fn the_annex_command_reproduces_the_exhibit_fingerprint() {
    let (_dir, bag) = sealed_sample();
    let Some(text) = pdftotext(&bag.join("data/submission-uk-gac.pdf")) else {
        return;
    };
    let text = flat(&text);
    let command = "grep -E '^[0-9a-f]{64} +data/exhibits/' manifest-sha256.txt | sha256sum";
    assert!(text.contains(&flat(command)), "the annex gives the command");
    let Some(output) = tool("sh", &["-c", command], &bag) else {
        return;
    };
    let computed = String::from_utf8(output.stdout).unwrap();
    let computed = computed.split_whitespace().next().unwrap();
    assert!(
        text.contains(&format!("Expected: {computed}")),
        "{computed}"
    );
}

/// The sample case with the three regimes it lacks added (eu-ghr, ca-jvcfoa, au-magnitsky),
/// each subject proposed under one of their clauses, sealed in both profiles: (folder, the six
/// regimes).
fn sample_under_every_regime() -> (&'static Path, Vec<&'static str>) {
    static SEALED: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let regimes = vec![
        "us-glomag",
        "uk-ghr",
        "uk-gac",
        "eu-ghr",
        "ca-jvcfoa",
        "au-magnitsky",
    ];
    (SEALED.get_or_init(seal_under_every_regime).path(), regimes)
}

fn seal_under_every_regime() -> tempfile::TempDir {
    let dir = sample();
    let path = dir.path().join("case/case.json");
    let mut case: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let added = [
        ("eu-ghr", "1(1)(c)(i)"),
        ("ca-jvcfoa", "4(2)(c)"),
        ("au-magnitsky", "6A(4)"),
    ];
    for (regime, clause) in added {
        case["regimes"].as_array_mut().unwrap().push(regime.into());
        for subject in case["subjects"].as_array_mut().unwrap() {
            subject["criteria"]
                .as_array_mut()
                .unwrap()
                .push(serde_json::json!({
                    "regime": regime,
                    "clause": clause,
                    "argument": format!("Why the conduct meets {regime}:{clause} (fictional)."),
                    "exhibits": ["E-014"]
                }));
        }
    }
    std::fs::write(&path, serde_json::to_string_pretty(&case).unwrap()).unwrap();
    for profile in ["full", "public"] {
        build_sample(dir.path(), &["--unpacked", "--profile", profile]);
    }
    dir
}

#[test]
fn no_page_ends_with_a_label_whose_text_is_on_the_next_page() {
    // The labels printed on a line of their own, above what they label.
    let standalone = [
        "Submitted by",
        "Exhibit fingerprint (SHA-256)",
        "Events",
        "Proposed under this clause",
        "SHA-256 of the last entry",
        "Recorded by",
    ];
    let (dir, regimes) = sample_under_every_regime();
    for profile in ["full", "public"] {
        for regime in &regimes {
            let pdf = dir.join(format!(
                "out/NZ-LANTERN-2019-{profile}-{DATE}/data/submission-{regime}.pdf"
            ));
            let Some(text) = pdftotext_layout(&pdf) else {
                return;
            };
            for (n, page) in text.split('\u{c}').enumerate() {
                // The last line of the page's body: above the footer ("... Page N of M").
                let last = page
                    .lines()
                    .map(str::trim)
                    .rfind(|l| !l.is_empty() && !l.contains(&format!("Page {} of", n + 1)))
                    .unwrap_or("");
                assert!(
                    !last.ends_with(':') && !standalone.contains(&last),
                    "{profile} {regime}: page {} ends with the label `{last}`",
                    n + 1
                );
            }
        }
    }
}

/// The legal analysis section of a submission's text: from its heading to the next section's.
fn legal_analysis<'a>(text: &'a str, regime: &str) -> &'a str {
    let template = template(regime);
    let sections = template["sections"].as_array().unwrap();
    let at = sections
        .iter()
        .position(|s| s["id"] == "legal_analysis")
        .unwrap();
    let heading = flat(sections[at]["heading"].as_str().unwrap());
    // The heading is in the contents too: the section is its last occurrence.
    let start = text.rfind(&heading).unwrap();
    let end = sections.get(at + 1).map_or(text.len(), |next| {
        let next = flat(next["heading"].as_str().unwrap());
        text[start..].find(&next).map_or(text.len(), |n| start + n)
    });
    &text[start..end]
}

#[test]
fn no_submission_names_a_research_source_or_a_disclaimer_in_any_regime_or_profile() {
    let (dir, regimes) = sample_under_every_regime();
    for profile in ["full", "public"] {
        let bag = dir.join(format!("out/NZ-LANTERN-2019-{profile}-{DATE}"));
        for regime in &regimes {
            let pdf = bag.join(format!("data/submission-{regime}.pdf"));
            let Some(text) = pdftotext(&pdf) else { return };
            let text = flat(&text);
            for word in [
                "github",
                "secondary",
                "In summary",
                "cross-checked",
                "not checked against",
                "Department of Treasury",
                "Source: ",
            ] {
                // The exhibit index prints each exhibit's "Source:": only the law is meant here.
                let law = legal_analysis(&text, regime);
                assert!(
                    !law.contains(word),
                    "{profile} {regime}: legal analysis has {word:?}"
                );
                if word != "Source: " {
                    assert!(
                        !text.to_lowercase().contains(&word.to_lowercase()),
                        "{profile} {regime}: {word:?}"
                    );
                }
            }
            assert!(
                !legal_analysis(&text, regime).contains("http"),
                "{profile} {regime}: an address in the legal analysis"
            );
        }
    }
}

#[test]
fn canada_quotes_the_current_section_4_1_b_and_never_the_superseded_text() {
    let (dir, _) = sample_under_every_regime();
    let pdf = dir.join(format!(
        "out/NZ-LANTERN-2019-full-{DATE}/data/submission-ca-jvcfoa.pdf"
    ));
    let Some(text) = pdftotext(&pdf) else { return };
    let text = flat(&text);
    assert!(!text.contains("seized, frozen or sequestrated"), "CA-1");
    let current = "by order, cause to be seized or restrained in the manner set out in the order any property situated in Canada that is owned — or that is held or controlled, directly or indirectly — by a foreign national who is identified in an order or regulation made under paragraph (1)(a).";
    if text.contains("seized or restrained") {
        assert!(
            text.contains(&format!("“{current}”")),
            "CA-1: not the current text"
        );
    }
    assert!(text.contains("S.C. 2017, c. 21, s. 4(2)(c)"));
    // The section's words are confirmed: quoted.
    assert!(text.contains("“a foreign national, who is a foreign public official"));
}

#[test]
fn a_us_clause_is_cited_in_federal_register_form_without_quotation() {
    let (_dir, bag) = sealed_sample();
    let Some(text) = pdftotext(&bag.join("data/submission-us-glomag.pdf")) else {
        return;
    };
    let law = legal_analysis(&flat(&text), "us-glomag").to_string();
    assert!(
        law.contains("Exec. Order No. 13818, § 1(a)(ii)(A), 82 Fed. Reg. 60839 (Dec. 26, 2017)"),
        "{law}"
    );
    assert!(!law.contains("“Exec. Order"));
    // US-1: the wording was read only in unofficial copies, so it is not quoted.
    assert!(
        !law.contains("to be responsible for or complicit in"),
        "{law}"
    );
    assert!(!law.contains("“based on credible evidence”"), "{law}");
    assert!(law.contains("22 U.S.C. § 10102(a)"));
}

#[test]
fn the_legal_analysis_points_to_each_profile_instead_of_repeating_the_argument() {
    let (dir, bag) = sealed_sample();
    let case: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("case/case.json")).unwrap())
            .unwrap();
    let pdf = bag.join("data/submission-uk-gac.pdf");
    let Some(layout) = pdftotext_layout(&pdf) else {
        return;
    };
    let text = flat(&layout);
    let law = legal_analysis(&text, "uk-gac");
    let sheets: Vec<&str> = layout.split('\u{c}').collect();
    for subject in case["subjects"].as_array().unwrap() {
        let criterion = subject["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["regime"] == "uk-gac")
            .unwrap();
        let argument = flat(criterion["argument"].as_str().unwrap());
        assert!(text.contains(&argument), "the profile has the argument");
        assert!(!law.contains(&argument), "the argument is repeated");
        // "S-002 Vadim Orzhelov: see the subject's profile, page N", and page N is the profile.
        let who = format!(
            "{} {}: see the subject's profile, page ",
            subject["id"].as_str().unwrap(),
            subject["name"].as_str().unwrap()
        );
        let at = law.find(&who).unwrap_or_else(|| panic!("{who} in {law}"));
        let page: usize = law[at + who.len()..]
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let heading = format!(
            "{}  {}",
            subject["id"].as_str().unwrap(),
            subject["name"].as_str().unwrap()
        );
        assert!(
            flat(sheets[page - 1]).contains(&flat(&heading)),
            "page {page} is not {heading}'s profile"
        );
    }
}

/// What pypdf reads from a PDF: outline titles (with depth), the catalog's /Lang, the XMP
/// metadata as text, the document information, and the internal links per page. `None` if
/// Python or pypdf is missing (and may be).
fn pypdf(pdf: &Path) -> Option<Value> {
    const SCRIPT: &str = r#"
import json, sys
from pypdf import PdfReader
reader = PdfReader(sys.argv[1])
outline = []
def walk(items, depth):
    for item in items:
        if isinstance(item, list):
            walk(item, depth + 1)
        else:
            outline.append({"title": item.title, "depth": depth, "page": reader.get_destination_page_number(item)})
walk(reader.outline, 0)
root = reader.trailer["/Root"]
links = []
for page in reader.pages:
    count = 0
    for annot in page.get("/Annots") or []:
        annot = annot.get_object()
        if annot.get("/Subtype") == "/Link" and ("/Dest" in annot or "/A" in annot):
            count += 1
    links.append(count)
info = reader.metadata or {}
print(json.dumps({
    "outline": outline,
    "lang": str(root.get("/Lang")),
    "intent": str(root["/OutputIntents"][0].get_object().get("/OutputCondition")),
    "xmp": root["/Metadata"].get_object().get_data().decode("utf-8"),
    "title": info.get("/Title"),
    "author": info.get("/Author"),
    "links": links,
    "pages": len(reader.pages),
}))
"#;
    let dir = pdf.parent().unwrap();
    let import = tool("python3", &["-c", "import pypdf"], dir)?;
    if !import.status.success() {
        assert!(
            std::env::var("DOSSIER_REQUIRE_CHECKERS").as_deref() != Ok("1"),
            "pypdf is required (DOSSIER_REQUIRE_CHECKERS=1): pip install pypdf"
        );
        eprintln!("skipped: pypdf is not installed");
        return None;
    }
    let output = tool("python3", &["-c", SCRIPT, pdf.to_str().unwrap()], dir)?;
    assert!(
        output.status.success(),
        "pypdf failed on {}: {}",
        pdf.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    Some(serde_json::from_slice(&output.stdout).unwrap())
}

#[test]
fn the_sample_pdfs_embed_font_subsets_pass_qpdf_and_stay_small() {
    let (_dir, bag) = sealed_sample();
    for regime in ["us-glomag", "uk-ghr", "uk-gac"] {
        let pdf = bag.join(format!("data/submission-{regime}.pdf"));
        let size = std::fs::metadata(&pdf).unwrap().len();
        assert!(size <= 400 * 1024, "{regime}: {size} bytes");
        if let Some(output) = tool("pdffonts", &[pdf.to_str().unwrap()], &bag) {
            let fonts = String::from_utf8(output.stdout).unwrap();
            let rows: Vec<&str> = fonts.lines().skip(2).collect();
            assert!(!rows.is_empty(), "{regime}: no fonts\n{fonts}");
            for row in rows {
                // name type encoding emb sub uni object ID
                let fields: Vec<&str> = row.split_whitespace().collect();
                let n = fields.len();
                assert_eq!(
                    &fields[n - 5..n - 2],
                    ["yes", "yes", "yes"],
                    "{regime}: a font not embedded as a subset with a Unicode map: {row}"
                );
            }
        }
        if let Some(output) = tool("qpdf", &["--check", pdf.to_str().unwrap()], &bag) {
            let report = String::from_utf8_lossy(&output.stdout);
            assert!(
                output.status.success() && report.contains("No syntax or stream encoding errors"),
                "{regime}: qpdf --check\n{report}{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
}

#[test]
fn the_sample_pdfs_have_bookmarks_links_language_and_archival_metadata() {
    let (dir, bag) = sealed_sample();
    let case: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("case/case.json")).unwrap())
            .unwrap();
    let lead = case["signatories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["role"] == "lead")
        .unwrap()["name"]
        .as_str()
        .unwrap();
    let title = case["title"].as_str().unwrap();
    for regime in ["us-glomag", "uk-ghr", "uk-gac"] {
        let pdf = bag.join(format!("data/submission-{regime}.pdf"));
        let template: Value = serde_json::from_str(
            &std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("templates/{regime}.json")),
            )
            .unwrap(),
        )
        .unwrap();
        if let Some(output) = tool("pdfinfo", &[pdf.to_str().unwrap()], &bag) {
            let info = String::from_utf8(output.stdout).unwrap();
            assert!(!info.contains("PDF/X"), "{regime}: {info}");
            let field = |name: &str| {
                info.lines()
                    .find_map(|l| l.strip_prefix(name))
                    .map(str::trim)
                    .unwrap_or_else(|| panic!("{regime}: no {name}\n{info}"))
                    .to_string()
            };
            assert!(field("Title:").starts_with(&format!("{title}: ")), "{info}");
            assert_eq!(field("Author:"), lead, "{regime}");
        }
        let Some(read) = pypdf(&pdf) else { return };
        assert_eq!(read["lang"], "en", "{regime}: /Lang");
        assert_eq!(read["intent"], "sRGB", "{regime}: the PDF/A output intent");
        let xmp = read["xmp"].as_str().unwrap();
        assert!(xmp.contains(title), "{regime}: XMP lacks dc:title\n{xmp}");
        assert!(xmp.contains("dc:title") && xmp.contains(lead) && xmp.contains("NZ-LANTERN-2019"));
        assert!(
            xmp.contains("<pdfaid:part>2</pdfaid:part>") || xmp.contains("pdfaid:part=\"2\""),
            "{regime}: not PDF/A-2\n{xmp}"
        );
        assert_eq!(read["author"], lead);
        // One bookmark per section, in the template's order, and one per proposed subject
        // under the subjects section.
        let outline = read["outline"].as_array().unwrap();
        let top: Vec<&str> = outline
            .iter()
            .filter(|o| o["depth"] == 0)
            .map(|o| o["title"].as_str().unwrap())
            .collect();
        let headings: Vec<String> = template["sections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| flat(s["heading"].as_str().unwrap()))
            .collect();
        assert_eq!(top, headings, "{regime}: section bookmarks");
        let nested: Vec<&str> = outline
            .iter()
            .filter(|o| o["depth"] == 1)
            .map(|o| o["title"].as_str().unwrap())
            .collect();
        let proposed: Vec<String> = case["subjects"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| {
                s["criteria"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c["regime"] == regime)
            })
            .map(|s| {
                flat(&format!(
                    "{} {}",
                    s["id"].as_str().unwrap(),
                    s["name"].as_str().unwrap()
                ))
            })
            .collect();
        assert!(!proposed.is_empty());
        assert_eq!(nested, proposed, "{regime}: subject bookmarks");
        // The contents (after the cover letter and the cover) link every entry and its page
        // number to the section.
        let links = read["links"].as_array().unwrap();
        let contents = read["outline"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["title"] == "Contents")
            .map(|o| o["page"].as_u64().unwrap() as usize)
            .expect("a Contents bookmark");
        assert!(
            links[contents].as_u64().unwrap() >= 2 * (headings.len() as u64 - 2),
            "{regime}: contents links {links:?}"
        );
        // Exhibit references link to the exhibit index.
        let total: u64 = links.iter().map(|l| l.as_u64().unwrap()).sum();
        assert!(
            total > links[contents].as_u64().unwrap(),
            "{regime}: no other links"
        );
    }
}

/// The text of each page of a PDF, pdftotext's `-f N -l N` (with `-layout`: a table row is one
/// line). `None` if poppler is missing (and may be).
fn page_texts(pdf: &Path, layout: bool) -> Option<Vec<String>> {
    let pages = page_count(pdf)?;
    let mut texts = Vec::new();
    for n in 1..=pages {
        let n = n.to_string();
        let mut options = vec!["-f", n.as_str(), "-l", n.as_str()];
        if layout {
            options.push("-layout");
        }
        texts.push(run_pdftotext(pdf, &options)?);
    }
    Some(texts)
}

/// How far down page `n` (1-based) the body's text reaches, in points from the top: the lowest
/// word that is neither the running header nor the footer (pdftotext -bbox).
fn body_bottom(pdf: &Path, n: usize) -> Option<f64> {
    let n = n.to_string();
    let args = ["-bbox", "-f", &n, "-l", &n, pdf.to_str().unwrap(), "-"];
    let output = tool("pdftotext", &args, pdf.parent().unwrap())?;
    let html = String::from_utf8(output.stdout).unwrap();
    let attribute = |line: &str, name: &str| -> f64 {
        let at = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        line[at..].split('"').next().unwrap().parse().unwrap()
    };
    Some(
        html.lines()
            .filter(|l| l.trim_start().starts_with("<word"))
            .map(|l| (attribute(l, "yMin"), attribute(l, "yMax")))
            // The header sits above 45 pt, the footer below 790 pt (A4 is 842 pt high).
            .filter(|&(top, bottom)| top > 45.0 && bottom < 790.0)
            .map(|(_, bottom)| bottom)
            .fold(0.0, f64::max),
    )
}

/// The tables of `paginated_case` and the rows of table `t`.
const TABLES: usize = 14;
fn table_rows(t: usize) -> usize {
    20 + (t * 5) % 13
}

/// A case whose narrative has a long list of items of 2 to 9 lines, then fourteen Markdown
/// tables of 20 to 32 rows of one or two lines, so that items and rows fall on page breaks at many
/// places. Built once, unpacked.
fn paginated_case() -> &'static TestCase {
    static CASE: std::sync::OnceLock<TestCase> = std::sync::OnceLock::new();
    CASE.get_or_init(|| {
        let case = TestCase::complete();
        let filler = "The guards moved the detainees between the blocks at night and recorded nothing of it in the register (fictional).";
        let mut list = String::from("# Incidents\n\n");
        for i in 1..=40 {
            let repeat = 1 + (i * 7) % 6;
            list.push_str(&format!(
                "- Item {i:02} begins. {} Item {i:02} ends.\n",
                vec![filler; repeat].join(" ")
            ));
        }
        case.write("narrative/incidents.md", list);
        let mut tables = String::from("# Payments\n\n");
        for t in 1..=TABLES {
            tables.push_str(&format!(
                "Table {t} lists the payments of year {t}.\n\n| T{t} row | T{t} detail |\n|---|---|\n"
            ));
            for r in 1..=table_rows(t) {
                let detail = if (r + t) % 4 == 0 {
                    "A payment under the contract, routed through a shell company and booked as consulting (fictional); the amount matches the ledger."
                } else {
                    "A payment (fictional)."
                };
                tables.push_str(&format!("| T{t}-R{r:02} | {detail} |\n"));
            }
            tables.push('\n');
        }
        case.write("narrative/payments.md", tables);
        case.build(&["--unpacked"]).ok();
        case
    })
}

#[test]
fn a_list_item_is_never_split_across_pages_and_leaves_no_page_mostly_empty() {
    let case = paginated_case();
    let pdf = case.bag("full").join("data/submission-us-glomag.pdf");
    let Some(pages) = page_texts(&pdf, false) else {
        return;
    };
    let pages: Vec<String> = pages.iter().map(|p| flat(p)).collect();
    let page_of = |text: &str| -> usize {
        let found: Vec<usize> = (0..pages.len())
            .filter(|&p| pages[p].contains(text))
            .collect();
        assert_eq!(found.len(), 1, "{text:?} on pages {found:?}");
        found[0]
    };
    let mut list_pages = Vec::new();
    for i in 1..=40 {
        let begins = page_of(&format!("Item {i:02} begins."));
        let ends = page_of(&format!("Item {i:02} ends."));
        assert_eq!(
            begins,
            ends,
            "item {i:02} is split between pages {} and {}",
            begins + 1,
            ends + 1
        );
        list_pages.push(begins);
    }
    list_pages.dedup();
    assert!(
        list_pages.len() >= 3,
        "the list spans pages: {list_pages:?}"
    );
    // Each page the list continues from is filled down to less than the tallest item (9 lines
    // of 13 pt) from the bottom of the body (277 mm, 785 pt).
    for &page in &list_pages[..list_pages.len() - 1] {
        let Some(bottom) = body_bottom(&pdf, page + 1) else {
            return;
        };
        assert!(
            bottom > 785.0 - 9.0 * 13.0 - 13.0,
            "page {} ends at {bottom} pt: left mostly empty",
            page + 1
        );
    }
}

#[test]
fn a_table_keeps_two_rows_together_at_each_page_break_under_its_repeated_header() {
    let case = paginated_case();
    let pdf = case.bag("full").join("data/submission-us-glomag.pdf");
    let Some(pages) = page_texts(&pdf, true) else {
        return;
    };
    let mut breaks = 0;
    for t in 1..=TABLES {
        let rows = table_rows(t);
        // For each page, the rows of table t on it.
        let per_page: Vec<Vec<usize>> = pages
            .iter()
            .map(|page| {
                (1..=rows)
                    .filter(|r| page.contains(&format!("T{t}-R{r:02} ")))
                    .collect()
            })
            .filter(|rows: &Vec<usize>| !rows.is_empty())
            .collect();
        let order: Vec<usize> = per_page.iter().flatten().copied().collect();
        assert_eq!(
            order,
            (1..=rows).collect::<Vec<_>>(),
            "table {t}: every row once, in order"
        );
        for (i, on_page) in per_page.iter().enumerate() {
            assert!(
                on_page.len() >= 2,
                "table {t}: {} of its rows alone on a page ({on_page:?}; pages: {per_page:?})",
                if i == 0 { "the first" } else { "the last" }
            );
        }
        breaks += per_page.len() - 1;
        // The header is on every page the table is on.
        for page in pages.iter().filter(|p| p.contains(&format!("T{t}-R"))) {
            assert!(
                page.contains(&format!("T{t} row")) && page.contains(&format!("T{t} detail")),
                "table {t}: a page without the header:\n{page}"
            );
        }
    }
    assert!(breaks >= 2, "the tables cross page breaks: {breaks}");
}

#[test]
fn a_citation_never_ends_a_line_between_reg_or_s_and_its_number() {
    let (dir, regimes) = sample_under_every_regime();
    let bag = dir.join(format!("out/NZ-LANTERN-2019-full-{DATE}"));
    let mut seen = 0;
    for regime in &regimes {
        let Some(text) = pdftotext(&bag.join(format!("data/submission-{regime}.pdf"))) else {
            return;
        };
        // The no-break space is printed as an ordinary space: the text reads and searches as
        // typed ("reg. 6(2)(a)"), never with U+00A0.
        assert!(!text.contains('\u{a0}'), "{regime}: a U+00A0 in the text");
        for line in text.lines() {
            let last = line.split_whitespace().last().unwrap_or("");
            assert!(
                ![
                    "reg.", "s.", "§", "Art.", "art.", "para.", "No.", "c.", "p."
                ]
                .contains(&last),
                "{regime}: a line ends between a provision and its number: {line:?}"
            );
        }
        seen += ["reg. ", "s. ", "§ ", "Art. ", "No. "]
            .iter()
            .map(|a| text.matches(a).count())
            .sum::<usize>();
    }
    assert!(seen > 10, "the citations are printed: {seen}");
}

/// The tagged structure as pypdf reads it: every structure element in reading order, with
/// its depth, type (`/H1`, `/L`, ...) and title.
fn structure(pdf: &Path) -> Option<Vec<(usize, String, String)>> {
    const SCRIPT: &str = r#"
import json, sys
from pypdf import PdfReader
reader = PdfReader(sys.argv[1])
out = []
def walk(element, depth):
    element = element.get_object()
    kind = element.get("/S") if hasattr(element, "get") else None
    if kind is None:
        return
    out.append([depth, str(kind), str(element.get("/T") or "")])
    kids = element.get("/K")
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        walk(kid, depth + 1)
kids = reader.trailer["/Root"]["/StructTreeRoot"]["/K"]
for kid in kids if isinstance(kids, list) else [kids]:
    walk(kid, 0)
print(json.dumps(out))
"#;
    pypdf(pdf)?;
    let output = tool(
        "python3",
        &["-c", SCRIPT, pdf.to_str().unwrap()],
        pdf.parent().unwrap(),
    )?;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows: Vec<(usize, String, String)> = serde_json::from_slice(&output.stdout).unwrap();
    Some(rows)
}

#[test]
fn headings_are_tagged_by_structure_and_lists_as_lists() {
    let (dir, bag) = sealed_sample();
    let case: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("case/case.json")).unwrap())
            .unwrap();
    let pdf = bag.join("data/submission-uk-ghr.pdf");
    let Some(elements) = structure(&pdf) else {
        return;
    };
    let titles = |kind: &str| -> Vec<String> {
        elements
            .iter()
            .filter(|(_, k, _)| k == kind)
            .map(|(_, _, t)| t.clone())
            .collect()
    };
    // Every section but the cover is a level 1 heading, in the template's order.
    let sections: Vec<String> = template("uk-ghr")["sections"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["id"] != "cover")
        .map(|s| flat(s["heading"].as_str().unwrap()))
        .collect();
    assert_eq!(titles("/H1"), sections);
    // Each subject proposed under the regime is a level 2 heading, whatever its size.
    let h2 = titles("/H2");
    for subject in case["subjects"].as_array().unwrap() {
        let proposed = subject["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["regime"] == "uk-ghr");
        let heading = format!(
            "{} {}",
            subject["id"].as_str().unwrap(),
            subject["name"].as_str().unwrap()
        );
        assert_eq!(h2.contains(&heading), proposed, "{heading}: {h2:?}");
    }
    // No heading is more than one level below the one before it.
    let mut level = 0;
    for (_, kind, title) in &elements {
        if let Some(n) = kind
            .strip_prefix("/H")
            .and_then(|n| n.parse::<usize>().ok())
        {
            assert!(n <= level + 1, "H{n} {title:?} after H{level}");
            level = n;
        }
    }
    // Lists are L > LI > (Lbl, LBody): the executive summary's items among them.
    let lists: Vec<usize> = (0..elements.len())
        .filter(|&i| elements[i].1 == "/L")
        .collect();
    assert!(!lists.is_empty(), "no list is tagged as one");
    for &l in &lists {
        let depth = elements[l].0;
        let items: Vec<usize> = (l + 1..elements.len())
            .take_while(|&i| elements[i].0 > depth)
            .filter(|&i| elements[i].0 == depth + 1)
            .collect();
        assert!(!items.is_empty(), "an empty list");
        for &i in &items {
            assert_eq!(elements[i].1, "/LI");
            let parts: Vec<&str> = (i + 1..elements.len())
                .take_while(|&k| elements[k].0 > depth + 1)
                .filter(|&k| elements[k].0 == depth + 2)
                .map(|k| elements[k].1.as_str())
                .collect();
            assert_eq!(parts, ["/Lbl", "/LBody"], "a list item's parts");
        }
    }
    let summary_items = std::fs::read_to_string(dir.path().join("case/narrative/summary.md"))
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("- ") || l.starts_with("* "))
        .count();
    assert!(summary_items >= 2);
    assert!(
        lists.iter().any(|&l| {
            elements[l + 1..]
                .iter()
                .take_while(|e| e.0 > elements[l].0)
                .filter(|e| e.0 == elements[l].0 + 1)
                .count()
                == summary_items
        }),
        "no list of the summary's {summary_items} items"
    );
}
