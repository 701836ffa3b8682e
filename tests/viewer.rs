//! The offline viewer, `data/index.html`, in a real browser: headless Chromium loads it from
//! `file://` with the network off, and the tests read the DOM it rendered. Each test also leaves a
//! screenshot under cargo's `target/tmp/` for a person to look at.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::harness::{DATE, SAMPLE_SEALED, TestCase, checker, sha256sum, tool};

/// Headless Chromium with the network off: no proxy reachable, no name resolves, no background
/// traffic, a fresh profile.
fn chromium(args: &[&str]) -> Option<std::process::Output> {
    if !checker("chromium") {
        return None;
    }
    let profile = tempfile::tempdir().unwrap();
    let output = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--proxy-server=127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(output)
}

/// The DOM of `page` once its script has run. With `fragment` `#check=...`, the page reads the
/// named files beside it (which a browser allows only when started to) as if they were dropped.
pub(crate) fn rendered(page: &Path, fragment: &str) -> Option<String> {
    let url = format!("file://{}{fragment}", page.display());
    let output = chromium(&[
        "--allow-file-access-from-files",
        "--virtual-time-budget=10000",
        "--dump-dom",
        &url,
    ])?;
    let dom = String::from_utf8(output.stdout).unwrap();
    assert!(
        dom.contains("id=\"exhibit-index\""),
        "the page did not render:\n{dom}"
    );
    Some(dom)
}

/// Takes a 1280-pixel-wide screenshot of `page` into `target/tmp/<name>.png`, for a person to look
/// at, and checks it is a PNG of that size.
pub(crate) fn screenshot(page: &Path, name: &str) {
    let png = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.png"));
    let _ = std::fs::remove_file(&png);
    let url = format!("file://{}", page.display());
    let shot = format!("--screenshot={}", png.display());
    if chromium(&[&shot, "--window-size=1280,2000", &url]).is_none() {
        return;
    }
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    assert_eq!(width, 1280, "{}", png.display());
    eprintln!("screenshot: {}", png.display());
}

/// `href` (relative, percent-encoded) of every link the DOM holds to an exhibit file.
fn exhibit_links(dom: &str) -> BTreeSet<String> {
    dom.split("href=\"exhibits/")
        .skip(1)
        .map(|rest| decode(&unescape(&rest[..rest.find('"').unwrap()])))
        .collect()
}

/// The text of the DOM as a reader sees it (the entities Chromium writes, decoded).
pub(crate) fn unescape(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The `<li class="result">` the page wrote for the checked file `file`: its attributes.
fn check_result<'a>(dom: &'a str, file: &str) -> &'a str {
    let start = dom
        .find(&format!("<li class=\"result\" data-file=\"{file}\""))
        .unwrap_or_else(|| panic!("no result for {file}:\n{dom}"));
    &dom[start..start + dom[start..].find('>').unwrap()]
}

/// The exhibits a dossier.json (or case.json) marks confidential.
fn confidential_exhibits(records: &Value) -> Vec<&Value> {
    records["exhibits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["confidentiality"] == "confidential")
        .collect()
}

fn dossier_json(bag: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(bag.join("data/dossier.json")).unwrap()).unwrap()
}

#[test]
fn the_sample_viewer_shows_the_case_subjects_timeline_and_every_exhibit_offline() {
    let dir = SAMPLE_SEALED.copy();
    let bag = dir.path().join(format!("out/NZ-LANTERN-2019-full-{DATE}"));
    let page = bag.join("data/index.html");
    let json = dossier_json(&bag);
    let first = json["exhibits"][0]["file"].as_str().unwrap();
    let first = first.strip_prefix("data/").unwrap();
    let fragment = format!("#check={}&check=../manifest-sha256.txt", encode(first));
    let Some(dom) = rendered(&page, &fragment) else {
        return;
    };
    let text = unescape(&dom);

    for subject in json["subjects"].as_array().unwrap() {
        let id = subject["id"].as_str().unwrap();
        assert!(
            dom.contains(&format!("class=\"card subject\" id=\"{id}\"")),
            "{id}"
        );
        assert!(text.contains(subject["name"].as_str().unwrap()), "{id}");
        for criterion in subject["criteria"].as_array().unwrap() {
            assert!(
                text.contains(criterion["argument"].as_str().unwrap()),
                "{id}"
            );
        }
    }
    for regime in json["case"]["regimes"].as_array().unwrap() {
        assert!(text.contains(&format!("({})", regime.as_str().unwrap())));
    }
    for signatory in json["signatories"].as_array().unwrap() {
        assert!(text.contains(signatory["name"].as_str().unwrap()));
    }
    assert!(text.contains(json["exhibit_fingerprint"].as_str().unwrap()));
    // Confidentiality told as the PDF tells it: the sample asks for none, but holds two
    // confidential exhibits, each marked in the list.
    assert_eq!(json["case"]["confidentiality"], "public");
    let confidential: Vec<&str> = confidential_exhibits(&json)
        .into_iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(confidential.len(), 2);
    assert!(
        text.contains(&format!(
            "<span id=\"confidentiality\">CONFIDENTIAL: contains 2 confidential exhibits ({}), marked in the exhibit list: not for publication.</span>",
            confidential.join(", ")
        )),
        "the Case section does not mark the dossier as the PDF does"
    );
    assert!(dom.contains("id=\"confidential\">CONFIDENTIAL</span>"));
    assert_eq!(
        dom.matches("confidential\">CONFIDENTIAL: not for publication</div>")
            .count(),
        2,
        "each confidential exhibit is marked in the list"
    );
    // The timeline: each event with its date as written, and drawn (one bar each).
    let events = json["events"].as_array().unwrap();
    for event in events {
        let date = event["date"].as_str().unwrap();
        assert!(
            dom.contains(&format!("<td class=\"num date\">{date}</td>")),
            "{date}"
        );
    }
    assert!(text.contains("~2014") && text.contains("2018-06-08..2019-12-09"));
    assert_eq!(dom.matches("<rect class=\"bar").count(), events.len());
    // The exhibit index: every exhibit's hash, and links that open every exhibit file in the bag.
    for exhibit in json["exhibits"].as_array().unwrap() {
        let sha = exhibit["sha256"].as_str().unwrap();
        assert!(
            dom.contains(&format!("<td class=\"hash sha256\">{sha}</td>")),
            "{sha}"
        );
    }
    let links = exhibit_links(&dom);
    let files: BTreeSet<String> = std::fs::read_dir(bag.join("data/exhibits"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(links, files, "the links open exactly the exhibit files");

    // "Is this file one of the exhibits?", with the browser's own SHA-256 (Web Crypto).
    let result = check_result(&dom, first);
    let expected = sha256sum(&bag.join("data").join(first));
    assert!(result.contains("data-match=\"E-001\""), "{result}");
    assert!(result.contains("data-method=\"web-crypto\""), "{result}");
    if let Some(sha) = expected {
        assert!(
            result.contains(&format!("data-sha256=\"{sha}\"")),
            "{result}"
        );
    }
    // A file that is no exhibit is said to be none; for the manifest, its hash is the dossier
    // fingerprint.
    let manifest = check_result(&dom, "../manifest-sha256.txt");
    assert!(manifest.contains("data-match=\"none\""), "{manifest}");
    if let Some(sha) = sha256sum(&bag.join("manifest-sha256.txt")) {
        assert!(
            manifest.contains(&format!("data-sha256=\"{sha}\"")),
            "{manifest}"
        );
    }
    screenshot(&page, "viewer-sample-full");
}

#[test]
fn the_public_viewer_shows_withheld_exhibits_as_withheld_and_nothing_more() {
    let dir = SAMPLE_SEALED.copy();
    let zip = dir
        .path()
        .join(format!("out/NZ-LANTERN-2019-public-{DATE}.zip"));
    let extracted = dir.path().join("extracted");
    let Some(unzip) = tool(
        "unzip",
        &[
            "-q",
            zip.to_str().unwrap(),
            "-d",
            extracted.to_str().unwrap(),
        ],
        dir.path(),
    ) else {
        return;
    };
    assert!(unzip.status.success());
    let bag = extracted.join(format!("NZ-LANTERN-2019-public-{DATE}"));
    let page = bag.join("data/index.html");
    let case: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("case/case.json")).unwrap())
            .unwrap();
    let public = case["exhibits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["confidentiality"] == "public")
        .unwrap();
    let file = format!(
        "exhibits/{}-{}",
        public["id"].as_str().unwrap(),
        public["path"].as_str().unwrap().rsplit('/').next().unwrap()
    );
    // The plain-script SHA-256, used where Web Crypto is missing, read in slices.
    let Some(dom) = rendered(&page, &format!("#check={}&script", encode(&file))) else {
        return;
    };
    let text = unescape(&dom);
    assert!(text.contains("PUBLIC PROFILE"));
    let withheld = confidential_exhibits(&case);
    assert!(!withheld.is_empty(), "the sample has confidential exhibits");
    for exhibit in withheld {
        let id = exhibit["id"].as_str().unwrap();
        let row_start = dom
            .find(&format!("<tr id=\"{id}\" class=\"exhibit withheld-row\">"))
            .unwrap_or_else(|| panic!("{id} is not shown withheld"));
        let row = &dom[row_start..row_start + dom[row_start..].find("</tr>").unwrap()];
        assert!(row.contains("withheld: not in this profile"), "{row}");
        assert!(row.contains(exhibit["sha256"].as_str().unwrap()), "{row}");
        assert!(!row.contains("href"), "{row}");
        for field in ["title", "description", "path", "collected_by"] {
            if let Some(value) = exhibit[field].as_str() {
                assert!(
                    !text.contains(value),
                    "the public viewer shows {id}'s {field}"
                );
            }
        }
    }
    let links = exhibit_links(&dom);
    for link in &links {
        assert!(bag.join("data/exhibits").join(link).is_file(), "{link}");
    }
    let result = check_result(&dom, &file);
    assert!(result.contains("data-method=\"script\""), "{result}");
    assert!(
        result.contains(&format!(
            "data-match=\"{}\"",
            public["id"].as_str().unwrap()
        )),
        "{result}"
    );
    if let Some(sha) = sha256sum(&bag.join("data").join(&file)) {
        assert!(
            result.contains(&format!("data-sha256=\"{sha}\"")),
            "{result}"
        );
    }
    screenshot(&page, "viewer-sample-public");
}

#[test]
fn no_text_of_the_case_can_inject_markup_into_the_viewer() {
    let case = TestCase::complete();
    let hostile = "</script><img src=x onerror=\"document.title='pwned'\"><!--";
    let path = case.root().join("case.json");
    let mut json = case.case_json();
    json["exhibits"][0]["title"] = hostile.into();
    json["subjects"][0]["name"] = "<b id=\"bold\">Vadim</b> & Co".into();
    json["events"][0]["title"] = "<script>document.title='pwned'</script>".into();
    std::fs::write(&path, serde_json::to_string_pretty(&json).unwrap()).unwrap();
    case.build(&["--unpacked", "--draft"]).ok();
    let page = case.bag("full").join("data/index.html");
    let raw = std::fs::read_to_string(&page).unwrap();
    assert_eq!(
        raw.matches("</script>").count(),
        2,
        "only the page's own scripts end"
    );
    let Some(dom) = rendered(&page, "") else {
        return;
    };
    assert!(!dom.contains("<img"), "an image element was injected");
    assert!(!dom.contains("<b id=\"bold\">"), "markup was injected");
    assert!(!dom.contains("pwned</title>"), "a script ran");
    let text = unescape(&dom);
    assert!(text.contains(hostile), "the title is shown as written");
    assert!(text.contains("<b id=\"bold\">Vadim</b> & Co"));
}

#[test]
fn ten_thousand_exhibits_stay_usable_and_the_viewer_stays_under_5_mb() {
    let case = TestCase::new();
    // Written straight into case.json: `exhibit add` would take longer than the rest of the test.
    let mut json = case.case_json();
    let exhibits: Vec<Value> = (1..=10_000)
        .map(|i| {
            let path = format!("bulk/statement-{i:05}.txt");
            let bytes = format!("statement {i} (fictional)\n");
            case.write(&format!("evidence/{path}"), &bytes);
            serde_json::json!({
                "id": format!("E-{i:03}"),
                "path": path,
                "sha256": dossier::hash::sha256_bytes(bytes.as_bytes()),
                "size": bytes.len(),
                "media_type": "text/plain",
                "title": format!("Witness statement {i:05} about the dispersal of the rally, Qelvaran, March 2019"),
                "source": {"provider": "Field researcher of the lead organisation",
                           "method": "Interview in a third country, statement signed"},
                "collected_at": "2023-04-02T10:00:00Z",
                "confidentiality": if i % 1000 == 0 { "confidential" } else { "public" },
                "intake_at": "2026-11-21T06:00:00Z",
            })
        })
        .collect();
    json["exhibits"] = Value::Array(exhibits);
    // No regime: no PDF to render, this test is about the viewer.
    json["regimes"] = Value::Array(Vec::new());
    json.as_object_mut().unwrap().remove("custody");
    std::fs::remove_file(case.root().join("custody.jsonl")).unwrap();
    std::fs::write(
        case.root().join("case.json"),
        serde_json::to_string_pretty(&json).unwrap(),
    )
    .unwrap();
    case.build(&["--unpacked", "--draft", "--profile", "public"])
        .ok();
    let page = case.bag("public").join("data/index.html");
    let size = std::fs::metadata(&page).unwrap().len();
    eprintln!("index.html of 10,000 exhibits: {size} bytes");
    assert!(size < 5_000_000, "index.html takes {size} bytes");
    let Some(dom) = rendered(&page, "") else {
        return;
    };
    assert_eq!(
        dom.matches("<tr id=\"E-").count(),
        100,
        "one page of 100 rows"
    );
    assert!(unescape(&dom).contains("exhibits 1\u{2013}100 of 10000 \u{b7} page 1 of 100"));
    // A link to an exhibit far away finds it through the search.
    let dom = rendered(&page, "#E-9999").unwrap();
    assert!(dom.contains("<tr id=\"E-9999\" class=\"exhibit\">"));
    assert!(unescape(&dom).contains("exhibits 1\u{2013}1 of 1 found"));
    assert_eq!(dom.matches("<tr id=\"E-").count(), 1);
    screenshot(&page, "viewer-10000-exhibits");
}
