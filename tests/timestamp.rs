//! Trusted timestamps (RFC 3161): a local TSA run with `openssl ts -reply` and a test CA made
//! here (no network); `openssl ts -verify`, which nobody here wrote, judges every token too.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::{Fixture, TestCase, bagit_valid, checker, sealed, sealed_zip, tool};

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

/// A folder dossier with an RSA and an ECDSA P-384 timestamp: (case, bag, fingerprint, tsa).
fn timestamped_folder() -> Option<(TestCase, PathBuf, String, tempfile::TempDir, Vec<String>)> {
    let tsa = tsa()?;
    let (case, bag) = sealed();
    let fp = fingerprint(&case, &bag);
    let rsa = timestamp(&case, &bag, tsa.path(), "tsa_rsa");
    let ec = timestamp(&case, &bag, tsa.path(), "tsa_ec");
    Some((case, bag, fp, tsa, vec![rsa, ec]))
}

#[test]
fn a_folder_dossier_takes_rsa_and_ecdsa_timestamps() {
    let Some((case, bag, fp, tsa, files)) = timestamped_folder() else {
        return;
    };
    let ca = tsa.path().join("ca.pem");
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
    let fake = tsa.path().join("fake-ca.pem");
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
    let ca = tsa.path().join("ca.pem");
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

/// Our verdict and `openssl ts -verify`'s on the same damaged tokens: one byte changed at
/// offsets spread over the whole response (status, TSTInfo, certificates, signed attributes,
/// signature).
#[test]
fn verify_agrees_with_openssl_on_damaged_tokens() {
    let Some((case, bag, fp, tsa, files)) = timestamped_folder() else {
        return;
    };
    let ca = tsa.path().join("ca.pem");
    for file in &files {
        let stored = bag.join(file);
        let good = std::fs::read(&stored).unwrap();
        let offsets: Vec<usize> = (0..24).map(|i| i * good.len() / 24 + 3).collect();
        for offset in offsets {
            let mut bad = good.clone();
            bad[offset] ^= 0x04;
            std::fs::write(&stored, &bad).unwrap();
            let ours = case.run(&[
                "verify",
                bag.to_str().unwrap(),
                "--tsa-ca",
                ca.to_str().unwrap(),
                "--quiet",
            ]);
            let theirs = openssl_verifies(&stored, &fp, &ca);
            assert_eq!(
                ours.code == 0,
                theirs,
                "{file} with byte {offset} of {} changed to {:#04x}: we exit {}, openssl says {}\n{}",
                good.len(),
                bad[offset],
                ours.code,
                if theirs { "OK" } else { "invalid" },
                ours.stdout
            );
        }
        std::fs::write(&stored, &good).unwrap();
    }
}
