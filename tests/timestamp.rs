//! Trusted timestamps (RFC 3161): a local TSA run with `openssl ts -reply` and a test CA made
//! here (no network); `openssl ts -verify`, which nobody here wrote, judges every token too.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::{
    Fixture, Rng, TestCase, bagit_valid, checker, copy_tree, sealed, sealed_zip, tool,
};

/// The openssl configuration of the local TSAs: one RSA, one ECDSA P-384. `certs` lists the
/// TSA's own certificate, so OpenSSL puts it in the token twice (as some real TSAs do).
const TSA_CONFIG: &str = "\
[tsa]
default_tsa = tsa_rsa

[tsa_rsa]
serial = ./serial
signer_cert = ./tsa.pem
certs = ./tsa.pem
signer_key = ./tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1, millisecs:500, microsecs:100
ordering = yes
tsa_name = yes
ess_cert_id_alg = sha256

[tsa_ec]
serial = ./serial
signer_cert = ./tsa-ec.pem
signer_key = ./tsa-ec.key
signer_digest = sha384
default_policy = 1.2.3.4.2
digests = sha256
tsa_name = yes
ess_cert_id_alg = sha1
";

const TSA_EXTENSIONS: &str = "\
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
";

/// Runs openssl in `dir`, asserting success.
#[track_caller]
fn openssl(dir: &Path, args: &[&str]) -> std::process::Output {
    let output = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl runs");
    assert!(
        output.status.success(),
        "openssl {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A test CA (`ca.pem`), an RSA TSA and an ECDSA TSA it certified, and a second root with the
/// same name but another key (`fake-ca.pem`), in a folder of their own.
static TSA: Fixture = Fixture::new("tsa", || {
    let dir = tempfile::tempdir().unwrap();
    if !checker("openssl") {
        return dir;
    }
    let d = dir.path();
    std::fs::write(d.join("tsa.cnf"), TSA_CONFIG).unwrap();
    std::fs::write(d.join("tsa-ext.cnf"), TSA_EXTENSIONS).unwrap();
    std::fs::write(d.join("serial"), "01\n").unwrap();
    for (key, cert) in [("ca.key", "ca.pem"), ("fake-ca.key", "fake-ca.pem")] {
        openssl(
            d,
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                key,
                "-out",
                cert,
                "-days",
                "3650",
                "-subj",
                "/O=Test/CN=Test Timestamping Root",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        );
    }
    for (name, key_type) in [("tsa", "rsa:2048"), ("tsa-ec", "ec")] {
        let key = format!("{name}.key");
        let csr = format!("{name}.csr");
        let pem = format!("{name}.pem");
        let mut args = vec!["req", "-new", "-newkey", key_type, "-nodes"];
        if key_type == "ec" {
            args.extend(["-pkeyopt", "ec_paramgen_curve:P-384"]);
        }
        let subject = format!("/O=Test/CN=Test TSA {name}");
        args.extend(["-keyout", &key, "-out", &csr, "-subj", &subject]);
        openssl(d, &args);
        openssl(
            d,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "365",
                "-extfile",
                "tsa-ext.cnf",
                "-out",
                &pem,
            ],
        );
    }
    dir
});

/// A copy of the TSA folder, or `None` without openssl.
fn tsa() -> Option<tempfile::TempDir> {
    checker("openssl").then(|| TSA.copy())
}

/// The TSA's answer (`section`: tsa_rsa or tsa_ec) to the request `tsq`, written to `tsr`.
fn reply(tsa: &Path, section: &str, tsq: &Path, tsr: &Path) {
    openssl(
        tsa,
        &[
            "ts",
            "-reply",
            "-config",
            "tsa.cnf",
            "-section",
            section,
            "-queryfile",
            tsq.to_str().unwrap(),
            "-out",
            tsr.to_str().unwrap(),
        ],
    );
}

/// `openssl ts -verify` of a stored response as docs/dossier-format.md tells an auditor to run
/// it: true if it says OK.
fn openssl_verifies(tsr: &Path, fingerprint: &str, ca: &Path) -> bool {
    Command::new("openssl")
        .args(["ts", "-verify", "-digest", fingerprint, "-in"])
        .arg(tsr)
        .arg("-CAfile")
        .arg(ca)
        .output()
        .unwrap()
        .status
        .success()
}

fn fingerprint(case: &TestCase, dossier: &Path) -> String {
    let json = case
        .run(&["verify", dossier.to_str().unwrap(), "--json"])
        .json();
    json["dossier_fingerprint"].as_str().unwrap().to_string()
}

/// Requests, answers and adds a timestamp to `dossier`; returns where it is in the bag.
fn timestamp(case: &TestCase, dossier: &Path, tsa: &Path, section: &str) -> String {
    let tsq = case.outside("request.tsq");
    let tsr = case.outside("request.tsr");
    let d = dossier.to_str().unwrap();
    case.run(&["timestamp", "request", d, "--out", tsq.to_str().unwrap()])
        .ok();
    reply(tsa, section, &tsq, &tsr);
    let added = case
        .run(&["timestamp", "add", d, tsr.to_str().unwrap(), "--json"])
        .ok();
    added.json()["file"].as_str().unwrap().to_string()
}

#[test]
fn a_granted_timestamp_is_stored_checked_and_accepted_by_openssl() {
    let Some(tsa) = tsa() else { return };
    let (case, zip) = sealed_zip();
    let z = zip.to_str().unwrap();
    let fp = fingerprint(&case, &zip);

    // The request: openssl reads it, and it asks for the dossier's fingerprint.
    let tsq = case.outside("q.tsq");
    case.run(&["timestamp", "request", z, "--out", tsq.to_str().unwrap()])
        .ok()
        .stdout_has(&[fp.as_str(), "curl", "https://freetsa.org/tsr"]);
    let text = openssl(
        tsa.path(),
        &["ts", "-query", "-in", tsq.to_str().unwrap(), "-text"],
    );
    let text = String::from_utf8_lossy(&text.stdout);
    for expected in [
        "Hash Algorithm: sha256",
        "Certificate required: yes",
        "Nonce: 0x",
    ] {
        assert!(text.contains(expected), "{expected} not in:\n{text}");
    }
    let hex: String = text
        .lines()
        .filter(|l| l.trim_start().starts_with("00"))
        .flat_map(|l| l.split(" - ").nth(1).unwrap_or("").chars().take(47))
        .filter(|c| c.is_ascii_hexdigit())
        .collect();
    assert_eq!(
        hex, fp,
        "the request's imprint is not the fingerprint:\n{text}"
    );

    let tsr = case.outside("q.tsr");
    reply(tsa.path(), "tsa_rsa", &tsq, &tsr);
    let before = std::fs::read(&zip).unwrap();
    let added = case
        .run(&["timestamp", "add", z, tsr.to_str().unwrap()])
        .ok()
        .stdout_has(&["Test TSA tsa", "timestamps/", fp.as_str()]);
    assert_ne!(std::fs::read(&zip).unwrap(), before);
    assert!(added.stdout.contains("--tsa-ca"), "{}", added.stdout);

    // verify: the fingerprint is unchanged, the token read; its signature checked on request.
    assert_eq!(fingerprint(&case, &zip), fp);
    case.run(&["verify", z]).ok().stdout_has(&[
        "timestamp   20",
        "imprint matches",
        "signature not checked",
        "openssl ts -verify -digest",
    ]);
    let ca = tsa.path().join("ca.pem");
    case.run(&["verify", z, "--tsa-ca", ca.to_str().unwrap()])
        .ok()
        .stdout_has(&["signature and certificate chain valid"]);
    let json = case
        .run(&["verify", z, "--tsa-ca", ca.to_str().unwrap(), "--json"])
        .ok()
        .json();
    let stamp = &json["timestamps"][0];
    assert_eq!(stamp["signature"], "valid", "{json:#}");
    assert_eq!(stamp["imprint_matches"], true);
    assert_eq!(stamp["imprint"], fp.as_str());
    assert!(stamp["tsa"].as_str().unwrap().contains("Test TSA tsa"));
    assert!(stamp["time"].as_str().unwrap().ends_with('Z'));

    // Unzipped: still a valid bag, and openssl accepts the stored token with the auditor's
    // command from docs/dossier-format.md.
    let out = case.outside("unzipped");
    std::fs::create_dir(&out).unwrap();
    if tool("unzip", &["-q", z], &out).is_some() {
        let bag = out.join("VD-2024-full-2026-11-21");
        let file = stamp["file"].as_str().unwrap();
        assert!(openssl_verifies(&bag.join(file), &fp, &ca));
        if let Some(valid) = bagit_valid(&bag) {
            assert!(valid, "bagit.py rejects the timestamped bag");
        }
    }
}

#[test]
fn a_timestamp_of_another_file_is_refused_and_nothing_changes() {
    let Some(tsa) = tsa() else { return };
    let (case, zip) = sealed_zip();
    // A request made by openssl for some other file.
    let other = case.outside("other.txt");
    std::fs::write(&other, "not the dossier").unwrap();
    let tsq = case.outside("other.tsq");
    openssl(
        tsa.path(),
        &[
            "ts",
            "-query",
            "-data",
            other.to_str().unwrap(),
            "-sha256",
            "-cert",
            "-out",
            tsq.to_str().unwrap(),
        ],
    );
    let tsr = case.outside("other.tsr");
    reply(tsa.path(), "tsa_rsa", &tsq, &tsr);
    let before = std::fs::read(&zip).unwrap();
    case.run(&[
        "timestamp",
        "add",
        zip.to_str().unwrap(),
        tsr.to_str().unwrap(),
    ])
    .exits(2)
    .stderr_has(&["other.tsr", "not the fingerprint", "nothing was added"]);
    assert_eq!(std::fs::read(&zip).unwrap(), before);

    // Not a response at all: refused, naming the file.
    let junk = case.outside("junk.tsr");
    std::fs::write(&junk, b"hello").unwrap();
    case.run(&[
        "timestamp",
        "add",
        zip.to_str().unwrap(),
        junk.to_str().unwrap(),
    ])
    .exits(2)
    .stderr_has(&["junk.tsr", "not a timestamp response"]);
    assert_eq!(std::fs::read(&zip).unwrap(), before);
}

#[test]
fn a_response_to_another_request_of_the_same_dossier_is_refused_by_its_nonce() {
    let Some(tsa) = tsa() else { return };
    let (case, zip) = sealed_zip();
    let z = zip.to_str().unwrap();
    let first = case.outside("first.tsq");
    let second = case.outside("second.tsq");
    case.run(&["timestamp", "request", z, "--out", first.to_str().unwrap()])
        .ok();
    case.run(&["timestamp", "request", z, "--out", second.to_str().unwrap()])
        .ok();
    assert_ne!(
        std::fs::read(&first).unwrap(),
        std::fs::read(&second).unwrap()
    );
    // The answer to the first request, saved beside the second one under its name.
    reply(tsa.path(), "tsa_rsa", &first, &case.outside("second.tsr"));
    let before = std::fs::read(&zip).unwrap();
    case.run(&[
        "timestamp",
        "add",
        z,
        case.outside("second.tsr").to_str().unwrap(),
    ])
    .exits(2)
    .stderr_has(&["second.tsr", "nonce"]);
    assert_eq!(std::fs::read(&zip).unwrap(), before);
}

#[test]
fn a_damaged_dossier_gets_no_timestamp_request() {
    let (case, bag) = sealed();
    std::fs::write(bag.join("data/dossier.json"), "{}").unwrap();
    case.run(&["timestamp", "request", bag.to_str().unwrap()])
        .exits(2)
        .stderr_has(&["not intact", "dossier verify"]);
    assert!(!bag.with_extension("tsq").exists());
}

/// The sealed folder dossier with an RSA and an ECDSA P-384 timestamp (made once per run): the
/// TSA's folder is `tsa/` beside the case, and `stamps.txt` lists the two tokens, RSA first.
static TIMESTAMPED: Fixture = Fixture::new("timestamped", || {
    let (case, bag) = sealed();
    if !checker("openssl") {
        return case.dir;
    }
    let tsa = case.outside("tsa");
    copy_tree(TSA.copy().path(), &tsa);
    let rsa = timestamp(&case, &bag, &tsa, "tsa_rsa");
    let ec = timestamp(&case, &bag, &tsa, "tsa_ec");
    std::fs::write(case.outside("stamps.txt"), format!("{rsa}\n{ec}\n")).unwrap();
    case.dir
});

/// A copy of the timestamped folder dossier: (case, bag, fingerprint, TSA folder, the two
/// tokens' places in the bag), or `None` without openssl.
fn timestamped_folder() -> Option<(TestCase, PathBuf, String, PathBuf, Vec<String>)> {
    if !checker("openssl") {
        return None;
    }
    let case = TestCase::copy_of(&TIMESTAMPED);
    let bag = case.bag("full");
    let fp = fingerprint(&case, &bag);
    let files = std::fs::read_to_string(case.outside("stamps.txt"))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let tsa = case.outside("tsa");
    Some((case, bag, fp, tsa, files))
}

#[test]
fn a_folder_dossier_takes_rsa_and_ecdsa_timestamps() {
    let Some((case, bag, fp, tsa, files)) = timestamped_folder() else {
        return;
    };
    let ca = tsa.join("ca.pem");
    let json = case
        .run(&[
            "verify",
            bag.to_str().unwrap(),
            "--tsa-ca",
            ca.to_str().unwrap(),
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(json["timestamps"].as_array().unwrap().len(), 2, "{json:#}");
    for stamp in json["timestamps"].as_array().unwrap() {
        assert_eq!(stamp["signature"], "valid", "{stamp:#}");
    }
    for file in &files {
        assert!(openssl_verifies(&bag.join(file), &fp, &ca), "{file}");
    }
    if let Some(valid) = bagit_valid(&bag) {
        assert!(valid, "bagit.py rejects the timestamped bag");
    }
}

#[test]
fn a_root_with_the_same_name_but_another_key_does_not_validate_the_token() {
    let Some((case, bag, fp, tsa, files)) = timestamped_folder() else {
        return;
    };
    let fake = tsa.join("fake-ca.pem");
    case.run(&[
        "verify",
        bag.to_str().unwrap(),
        "--tsa-ca",
        fake.to_str().unwrap(),
    ])
    .exits(1)
    .stdout_has(&["signature INVALID", "NOT INTACT"]);
    assert!(!openssl_verifies(&bag.join(&files[0]), &fp, &fake));
    // Without a CA file the tokens are read, but their signatures said unchecked.
    case.run(&["verify", bag.to_str().unwrap()])
        .ok()
        .stdout_has(&["signature not checked"]);
}

#[test]
fn a_ca_file_that_is_not_pem_is_refused() {
    let (case, bag) = sealed();
    let bad = case.outside("ca.pem");
    std::fs::write(&bad, "not a certificate").unwrap();
    case.run(&[
        "verify",
        bag.to_str().unwrap(),
        "--tsa-ca",
        bad.to_str().unwrap(),
    ])
    .exits(2)
    .stderr_has(&["ca.pem", "PEM"]);
}

/// Where the genTime's digits sit in a response: the first GeneralizedTime (tag 0x18) of this
/// century; the digit changed is the minutes' last.
fn gen_time_at(der: &[u8]) -> usize {
    der.windows(4)
        .position(|w| w[0] == 0x18 && (15..=23).contains(&w[1]) && &w[2..] == b"20")
        .expect("a GeneralizedTime")
        + 2
        + 11
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn a_tampered_token_is_reported_invalid_by_verify_and_by_openssl() {
    let Some((case, bag, fp, tsa, files)) = timestamped_folder() else {
        return;
    };
    let ca = tsa.join("ca.pem");
    let stored = bag.join(&files[0]);
    let good = std::fs::read(&stored).unwrap();
    let b = bag.to_str().unwrap();
    // A changed genTime (a TSTInfo byte: the messageDigest no longer matches), then a flipped
    // byte of the RSA signature (the last bytes of the response).
    let at = gen_time_at(&good);
    for (offset, what) in [(at, "time"), (good.len() - 20, "signature")] {
        let mut bad = good.clone();
        bad[offset] ^= if what == "time" { 0x01 } else { 0x5a };
        std::fs::write(&stored, &bad).unwrap();
        let run = case
            .run(&["verify", b, "--tsa-ca", ca.to_str().unwrap()])
            .exits(1)
            .stdout_has(&["signature INVALID", files[0].as_str()]);
        assert!(run.stdout.contains("altered"), "{what}: {}", run.stdout);
        assert!(
            !openssl_verifies(&stored, &fp, &ca),
            "openssl accepts the {what} change"
        );
    }
    // A token over another imprint is a problem even without a CA file.
    let mut bad = good.clone();
    let imprint = good
        .windows(32)
        .position(|w| hex(w) == fp)
        .expect("the imprint is in the token");
    bad[imprint] ^= 0x01;
    std::fs::write(&stored, &bad).unwrap();
    case.run(&["verify", b])
        .exits(1)
        .stdout_has(&["DOES NOT MATCH", "not this dossier's fingerprint"]);
}

/// One random damage to a response: mostly a byte changed, else a byte inserted or removed, the
/// file cut short or given trailing bytes. Returns the damaged bytes and what was done.
fn damage(good: &[u8], rng: &mut Rng) -> (Vec<u8>, String) {
    let mut bad = good.to_vec();
    let at = rng.below(good.len());
    let byte = (rng.next() >> 24) as u8;
    let what = match rng.below(100) {
        0..=69 => {
            let to = if byte == bad[at] { byte ^ 0x01 } else { byte };
            bad[at] = to;
            format!("byte {at} {:#04x} -> {to:#04x}", good[at])
        }
        70..=79 => {
            bad.insert(at, byte);
            format!("{byte:#04x} inserted at {at}")
        }
        80..=89 => {
            bad.remove(at);
            format!("byte {at} ({:#04x}) removed", good[at])
        }
        90..=94 => {
            bad.truncate(at);
            format!("cut to {at} bytes")
        }
        _ => {
            let extra = 1 + rng.below(4);
            bad.extend((0..extra).map(|_| (rng.next() >> 24) as u8));
            format!("{extra} bytes appended")
        }
    };
    (bad, what)
}

/// Where the element at `path` (the index of a child at each level, from the top) lies in
/// `der`: the offset of its tag, of its content, and the content's length.
fn element(der: &[u8], path: &[usize]) -> (usize, usize, usize) {
    let (mut start, mut found) = (0, (0, 0, 0));
    for &index in path {
        let mut at = start;
        for i in 0..=index {
            let mut content = at + 2;
            let mut len = usize::from(der[at + 1]);
            if len & 0x80 != 0 {
                let n = len & 0x7f;
                len = der[content..content + n]
                    .iter()
                    .fold(0, |a, &b| (a << 8) | usize::from(b));
                content += n;
            }
            if i == index {
                found = (at, content, len);
            }
            at = content + len;
        }
        start = found.1;
    }
    found
}

/// Changes of the same length aimed at the parts of a token its signature does not cover, where
/// OpenSSL's reader is looser than strict DER (see docs/dossier-format.md): each with what it is.
/// `rsa` holds the TSA's certificate twice; `ec` once.
fn aimed_damage(rsa: &[u8], ec: &[u8]) -> Vec<(usize, Vec<u8>, &'static str)> {
    let last = |der: &[u8], text: &[u8]| {
        der.windows(text.len())
            .rposition(|w| w == text)
            .expect("the text is in the token")
    };
    let signed_data = [0, 1, 1, 0];
    let at = |der: &[u8], tail: &[usize]| element(der, &[&signed_data[..], tail].concat());
    let mut out: Vec<(usize, Vec<u8>, &'static str)> = Vec::new();
    let mut edit = |token: usize, what: &'static str, change: &dyn Fn(&mut Vec<u8>)| {
        let mut bad = [rsa, ec][token].to_vec();
        change(&mut bad);
        out.push((token, bad, what));
    };
    // The signer named in other case and spacing: OpenSSL compares names in canonical form.
    edit(
        0,
        "the signer's issuer in upper case, a tab for a space",
        &|b| {
            let i = last(b, b"Test Timestamping Root");
            b[i..i + 22].copy_from_slice(b"TEST\tTIMESTAMPING ROOT");
        },
    );
    edit(0, "the signer's issuer as a PrintableString", &|b| {
        let i = last(b, b"Test Timestamping Root");
        b[i - 2] = 0x13;
    });
    for token in [0, 1] {
        edit(token, "the signer info's version 0x41", &|b| {
            let (_, content, _) = at(b, &[4, 0, 0]);
            b[content] = 0x41;
        });
        edit(token, "SignedData's version 0x7f", &|b| {
            let (_, content, _) = at(b, &[0]);
            b[content] = 0x7f;
        });
        edit(
            token,
            "the signer's digest parameters an empty UniversalString",
            &|b| {
                let (tag, _, _) = at(b, &[4, 0, 2, 1]);
                b[tag] = 0x1c;
            },
        );
        edit(
            token,
            "the signer's digest parameters an empty BOOLEAN",
            &|b| {
                let (tag, _, _) = at(b, &[4, 0, 2, 1]);
                b[tag] = 0x01;
            },
        );
        edit(
            token,
            "the digest algorithm list's parameters an empty SET",
            &|b| {
                let (tag, _, _) = at(b, &[1, 0, 1]);
                b[tag] = 0x31;
            },
        );
    }
    // The unused second copy of the RSA TSA's certificate.
    let copy = |b: &[u8], tail: &[usize]| at(b, &[&[3, 1][..], tail].concat());
    edit(0, "the copy's extension marked critical by 0x01", &|b| {
        let (_, start, len) = copy(b, &[]);
        let i = start
            + b[start..start + len]
                .windows(3)
                .position(|w| w == [0x01, 0x01, 0xff])
                .unwrap();
        b[i + 2] = 0x01;
    });
    edit(0, "the copy's validity not a time", &|b| {
        let (_, content, _) = copy(b, &[0, 4, 0]);
        b[content..content + 6].copy_from_slice(b"abcdef");
    });
    edit(0, "the copy's subject not UTF-8", &|b| {
        let i = last(b, b"Test TSA tsa");
        b[i + 4] = 0xcd;
    });
    edit(0, "the copy's subject a VisibleString", &|b| {
        let i = last(b, b"Test TSA tsa");
        b[i - 2] = 0x1a;
    });
    edit(0, "the copy's subject a NumericString", &|b| {
        let i = last(b, b"Test TSA tsa");
        b[i - 2] = 0x12;
    });
    edit(0, "the copy's signature algorithm OID padded", &|b| {
        let (_, content, _) = copy(b, &[1, 0]);
        b[content + 1] = 0x80;
    });
    edit(
        0,
        "the copy's signature parameters an empty UTCTime",
        &|b| {
            let (tag, _, _) = copy(b, &[1, 1]);
            b[tag] = 0x17;
        },
    );
    // The first copy is the one OpenSSL takes for the signer's.
    edit(
        0,
        "the first copy's extension marked critical by 0x01",
        &|b| {
            let (_, start, len) = at(b, &[3, 0]);
            let i = start
                + b[start..start + len]
                    .windows(3)
                    .position(|w| w == [0x01, 0x01, 0xff])
                    .unwrap();
            b[i + 2] = 0x01;
        },
    );
    out
}

/// How many damaged tokens the differential test judges (DOSSIER_TSA_DAMAGED raises it when
/// exploring) and the seed of its generator (DOSSIER_TSA_SEED).
fn damage_settings() -> (usize, u64) {
    let var = |name: &str| std::env::var(name).ok().and_then(|v| v.parse().ok());
    (
        var("DOSSIER_TSA_DAMAGED").unwrap_or(240) as usize,
        var("DOSSIER_TSA_SEED").unwrap_or(0x9E37_79B9_7F4A_7C15),
    )
}

/// Our verdict and `openssl ts -verify`'s on the same randomly damaged tokens, half RSA, half
/// ECDSA: all of them stored in one bag and judged by one `verify --tsa-ca`, each also given to
/// openssl. A token is valid for us when its signature and chain are valid and its imprint is
/// the dossier's fingerprint, as `-digest` asks openssl.
#[test]
fn verify_agrees_with_openssl_on_damaged_tokens() {
    let Some((case, bag, fp, tsa, files)) = timestamped_folder() else {
        return;
    };
    let ca = tsa.join("ca.pem");
    let goods: Vec<Vec<u8>> = files
        .iter()
        .map(|file| std::fs::read(bag.join(file)).unwrap())
        .collect();
    for file in &files {
        std::fs::remove_file(bag.join(file)).unwrap();
    }
    let (count, seed) = damage_settings();
    let mut rng = Rng(seed);
    let mut damaged = Vec::new();
    for i in 0..count {
        let (bad, what) = damage(&goods[i % 2], &mut rng);
        let file = format!("timestamps/damaged-{i:05}.tsr");
        std::fs::write(bag.join(&file), &bad).unwrap();
        let kind = if i % 2 == 0 { "RSA" } else { "ECDSA" };
        damaged.push((file, format!("{kind} token, {what}")));
    }
    for (token, bad, what) in aimed_damage(&goods[0], &goods[1]) {
        let file = format!("timestamps/aimed-{:05}.tsr", damaged.len());
        std::fs::write(bag.join(&file), &bad).unwrap();
        let kind = if token == 0 { "RSA" } else { "ECDSA" };
        damaged.push((file, format!("{kind} token, {what}")));
    }
    let count = damaged.len();
    let json = case
        .run(&[
            "verify",
            bag.to_str().unwrap(),
            "--tsa-ca",
            ca.to_str().unwrap(),
            "--json",
        ])
        .json();
    let ours: std::collections::HashMap<String, (bool, String)> = json["timestamps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let valid = t["signature"] == "valid" && t["imprint_matches"] == true;
            let detail = t["detail"].as_str().unwrap_or("").to_string();
            (t["file"].as_str().unwrap().to_string(), (valid, detail))
        })
        .collect();
    assert_eq!(ours.len(), count, "{json:#}");
    // openssl, on both cores.
    let theirs: Vec<bool> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|worker| {
                let (damaged, bag, fp, ca) = (&damaged, &bag, &fp, &ca);
                scope.spawn(move || {
                    damaged
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| i % 2 == worker)
                        .map(|(_, (file, _))| openssl_verifies(&bag.join(file), fp, ca))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let halves: Vec<Vec<bool>> = workers.into_iter().map(|w| w.join().unwrap()).collect();
        (0..count).map(|i| halves[i % 2][i / 2]).collect()
    });
    let mut disagreements = Vec::new();
    let mut accepted = 0;
    for ((file, what), theirs) in damaged.iter().zip(&theirs) {
        let (valid, detail) = &ours[file];
        accepted += usize::from(*theirs);
        if valid != theirs {
            disagreements.push(format!(
                "{file} ({what}): we say {}, openssl says {}; {detail}",
                if *valid { "valid" } else { "invalid" },
                if *theirs { "OK" } else { "invalid" },
            ));
        }
    }
    // Both verdicts are exercised: some damage leaves a token openssl accepts.
    assert!(accepted > count / 20, "only {accepted} of {count} accepted");
    assert!(
        disagreements.is_empty(),
        "{} of {count} damaged tokens (seed {seed:#x}, {accepted} accepted by openssl) judged otherwise than openssl:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
