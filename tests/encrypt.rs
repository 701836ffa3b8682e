//! Encryption to the coalition's SSH keys: `encrypt`, `decrypt`, `verify F.age --key`, and
//! interop with the stock `age` tool both ways.

use std::path::PathBuf;

use crate::harness::{Fixture, KeySpec, Run, SEALED, TestCase, checker, tool};

/// The complete case sealed (`out/VD-2024-full-DATE.zip`) and keys under `keys/`: `nap` and
/// `stranger` (Ed25519, no passphrase), `qpft` (Ed25519 behind a passphrase).
static KEYS: Fixture = Fixture::new("encryption-keys", || {
    let case = TestCase::copy_of(&SEALED);
    case.generate_keys(&[
        KeySpec {
            org: "Norzhavia Accountability Project",
            name: "nap",
            passphrase: None,
        },
        KeySpec {
            org: "Quillwater Press Freedom Trust",
            name: "qpft",
            passphrase: Some(PASSPHRASE),
        },
        KeySpec {
            org: "Someone Else",
            name: "stranger",
            passphrase: None,
        },
    ]);
    case.dir
});

const PASSPHRASE: &str = "correct horse battery";

struct Keys {
    case: TestCase,
}

impl Keys {
    fn new() -> Keys {
        Keys {
            case: TestCase::copy_of(&KEYS),
        }
    }

    fn key(&self, name: &str) -> String {
        self.case.key(name)
    }

    fn path(&self, relative: &str) -> String {
        self.case.outside(relative).to_string_lossy().into_owned()
    }

    fn zip(&self) -> PathBuf {
        self.case.zip("full")
    }

    /// An allowed_signers file naming nap and qpft, as `key generate` prints their lines.
    fn allowed_signers(&self) -> String {
        let path = self.case.allowed_signers(
            "# the coalition\n\n",
            &[
                ("norzhavia-accountability-project", "nap"),
                ("quillwater-press-freedom-trust", "qpft"),
            ],
        );
        path.to_string_lossy().into_owned()
    }

    /// Runs `dossier ARGS` with the passphrase in the environment.
    fn run(&self, args: &[&str]) -> Run {
        self.case.run_with_passphrase(args, PASSPHRASE)
    }

    /// Encrypts the dossier zip to the allowed_signers file: `out/dossier.zip.age`.
    fn encrypted(&self, extra: &[&str]) -> String {
        let out = self.path("out/dossier.zip.age");
        let zip = self.zip();
        let signers = self.allowed_signers();
        let mut args = vec![
            "encrypt",
            zip.to_str().unwrap(),
            "--to",
            &signers,
            "--out",
            &out,
        ];
        args.extend_from_slice(extra);
        self.run(&args).ok();
        out
    }

    /// Every file name in `out/` (to prove nothing was left behind).
    fn out_files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.case.out_dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

#[test]
fn a_dossier_encrypted_to_allowed_signers_opens_with_each_key_and_with_age() {
    let keys = Keys::new();
    let original = std::fs::read(keys.zip()).unwrap();
    let sealed = keys.encrypted(&[]);
    let bytes = std::fs::read(&sealed).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1\n-> ssh-ed25519 "));
    assert_eq!(
        bytes
            .windows(15)
            .filter(|w| w == b"-> ssh-ed25519 ")
            .count(),
        2
    );
    assert!(
        !bytes.windows(8).any(|w| w == b"bagit.tx"),
        "plain text in the age file"
    );

    // Each organisation's key opens it (qpft's behind its passphrase, as `sign` takes it).
    for name in ["nap", "qpft"] {
        let out = keys.path(&format!("out/{name}.zip"));
        keys.run(&["decrypt", &sealed, "--key", &keys.key(name), "--out", &out])
            .ok()
            .stdout_has(&["decrypted", "next: dossier verify"]);
        assert!(
            std::fs::read(&out).unwrap() == original,
            "{name}: not the same bytes"
        );
    }
    // Without --out, the name without .age; the result verifies intact.
    std::fs::remove_file(keys.zip()).unwrap();
    keys.run(&["decrypt", &sealed, "--key", &keys.key("nap")])
        .ok();
    assert!(std::fs::read(keys.path("out/dossier.zip")).unwrap() == original);

    // The stock age tool opens ours with an organisation's SSH key.
    let plain = keys.path("out/by-age.zip");
    if let Some(age) = tool(
        "age",
        &["-d", "-i", &keys.key("nap"), "-o", &plain, &sealed],
        keys.case.dir.path(),
    ) {
        assert!(
            age.status.success(),
            "{}",
            String::from_utf8_lossy(&age.stderr)
        );
        assert!(
            std::fs::read(&plain).unwrap() == original,
            "age decrypted other bytes"
        );
    }
}

#[test]
fn ours_opens_what_age_encrypts_to_an_ssh_key_and_verifies_it_in_place() {
    let keys = Keys::new();
    if !checker("age") {
        return;
    }
    let zip = keys.zip();
    let original = std::fs::read(&zip).unwrap();
    let public = format!("{}.pub", keys.key("nap"));
    for (name, armor) in [("binary.age", false), ("armored.age", true)] {
        let out = keys.path(&format!("out/{name}"));
        let mut args = vec!["-R", &public, "-o", &out];
        if armor {
            args.push("-a");
        }
        args.push(zip.to_str().unwrap());
        let age = tool("age", &args, keys.case.dir.path()).unwrap();
        assert!(
            age.status.success(),
            "{}",
            String::from_utf8_lossy(&age.stderr)
        );
        let plain = keys.path(&format!("out/{name}.zip"));
        keys.run(&["decrypt", &out, "--key", &keys.key("nap"), "--out", &plain])
            .ok();
        assert!(std::fs::read(&plain).unwrap() == original, "{name}");
        std::fs::remove_file(&plain).unwrap();
        // verify reads the dossier inside without leaving a plain copy anywhere in out/.
        let before = keys.out_files();
        keys.run(&["verify", &out, "--key", &keys.key("nap")])
            .ok()
            .stdout_has(&["OK          data/index.html", "intact: "]);
        assert_eq!(keys.out_files(), before);
    }
}

#[test]
fn armored_output_and_rsa_keys_interoperate_with_age() {
    let keys = Keys::new();
    let Some(keygen) = tool(
        "ssh-keygen",
        &[
            "-q",
            "-t",
            "rsa",
            "-b",
            "2048",
            "-N",
            "",
            "-f",
            &keys.path("keys/rsa"),
        ],
        keys.case.dir.path(),
    ) else {
        return;
    };
    assert!(keygen.status.success());
    let zip = keys.zip();
    let out = keys.path("out/rsa.age");
    keys.run(&[
        "encrypt",
        zip.to_str().unwrap(),
        "--to-key",
        &format!("{}.pub", keys.key("rsa")),
        "--to-key",
        &format!("{}.pub", keys.key("nap")),
        "--armor",
        "--out",
        &out,
    ])
    .ok()
    .stdout_has(&["2 recipients"]);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("-----BEGIN AGE ENCRYPTED FILE-----\n"));
    let original = std::fs::read(&zip).unwrap();
    let plain = keys.path("out/rsa.zip");
    keys.run(&["decrypt", &out, "--key", &keys.key("rsa"), "--out", &plain])
        .ok();
    assert!(std::fs::read(&plain).unwrap() == original);
    let by_age = keys.path("out/rsa-by-age.zip");
    if let Some(age) = tool(
        "age",
        &["-d", "-i", &keys.key("rsa"), "-o", &by_age, &out],
        keys.case.dir.path(),
    ) {
        assert!(
            age.status.success(),
            "{}",
            String::from_utf8_lossy(&age.stderr)
        );
        assert!(std::fs::read(&by_age).unwrap() == original);
    }
}

/// Damage done to an encrypted dossier: each must be refused, exit 2, with nothing left behind.
fn refused(keys: &Keys, sealed: &str, key: &str, texts: &[&str]) {
    let before = keys.out_files();
    let out = keys.path("out/opened.zip");
    keys.run(&["decrypt", sealed, "--key", &keys.key(key), "--out", &out])
        .exits(2)
        .stderr_has(texts)
        .stderr_has(&["nothing was written"]);
    assert_eq!(keys.out_files(), before, "decrypt left a file");
    keys.run(&["verify", sealed, "--key", &keys.key(key)])
        .exits(2)
        .stderr_has(texts);
    assert_eq!(keys.out_files(), before, "verify left a file");
}

#[test]
fn a_wrong_key_a_truncated_or_tampered_file_is_refused_and_leaves_nothing() {
    let keys = Keys::new();
    let sealed = keys.encrypted(&[]);
    let bytes = std::fs::read(&sealed).unwrap();
    refused(
        &keys,
        &sealed,
        "stranger",
        &["is not encrypted to this key"],
    );

    // Cut short: at a chunk boundary (64 KiB of payload and its tag) and in the middle of one.
    let header = bytes.windows(4).position(|w| w == b"\n---").unwrap();
    let header_end = header
        + bytes[header + 1..]
            .iter()
            .position(|&b| b == b'\n')
            .unwrap()
        + 2;
    let payload = header_end + 16;
    assert!(
        bytes.len() > payload + 65536 + 16 + 100,
        "the dossier spans chunks"
    );
    for cut in [payload + 65536 + 16, bytes.len() - 100] {
        std::fs::write(&sealed, &bytes[..cut]).unwrap();
        refused(&keys, &sealed, "nap", &["damaged, cut short or altered"]);
    }
    // One byte changed, in the last chunk (after earlier chunks were decrypted) and in the header.
    for at in [bytes.len() - 50, header - 10] {
        let mut tampered = bytes.clone();
        tampered[at] ^= 0x01;
        std::fs::write(&sealed, &tampered).unwrap();
        refused(&keys, &sealed, "nap", &["dossier.zip.age"]);
    }
    // Not an age file at all.
    std::fs::write(&sealed, b"PK\x03\x04 not age").unwrap();
    let out = keys.path("out/opened.zip");
    keys.run(&["decrypt", &sealed, "--key", &keys.key("nap"), "--out", &out])
        .exits(2)
        .stderr_has(&["is not an age file"]);
}

#[test]
fn verify_of_an_encrypted_dossier_finds_damage_sealed_inside_it() {
    let keys = Keys::new();
    let zip = keys.zip();
    let mut bytes = std::fs::read(&zip).unwrap();
    // The photo is stored, not deflated: its bytes are in the zip as they are.
    let at = bytes
        .windows(14)
        .position(|w| w == b"JPEG fictional")
        .unwrap();
    bytes[at] = b'X';
    std::fs::write(&zip, &bytes).unwrap();
    let sealed = keys.encrypted(&[]);
    keys.run(&["verify", &sealed, "--key", &keys.key("qpft")])
        .exits(1)
        .stdout_has(&["NOT INTACT", "data/exhibits/E-002-gate.jpg"]);
    // Without --key the command says what to do.
    keys.run(&["verify", &sealed])
        .exits(2)
        .stderr_has(&["is an encrypted dossier", "--key"]);
}

#[test]
fn recipients_that_cannot_be_encrypted_to_are_refused_with_their_line() {
    let keys = Keys::new();
    let zip = keys.zip();
    let zip = zip.to_str().unwrap();
    let list = keys.case.outside("recipients.txt");
    let nap = std::fs::read_to_string(format!("{}.pub", keys.key("nap"))).unwrap();
    std::fs::write(
        &list,
        format!("{nap}ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEmKSENjQEezOmxkZMy7opKgwFB9nkt5YRrYMjNuG5N87uRgg6CLrbo5wAdT/y6v0mKV9U2W+kgD46kcCe8+n0k=\n"),
    )
    .unwrap();
    let before = keys.out_files();
    let run = keys
        .run(&["encrypt", zip, "--to", list.to_str().unwrap()])
        .exits(2);
    assert!(
        run.stderr.contains("recipients.txt:2") && run.stderr.contains("ecdsa"),
        "{}",
        run.stderr
    );
    keys.run(&["encrypt", zip, "--to-key", &keys.key("nap")])
        .exits(2)
        .stderr_has(&["is a private key", ".pub"]);
    keys.run(&["encrypt", zip])
        .exits(2)
        .stderr_has(&["no recipient"]);
    // A retired key in allowed_signers is left out, and said so.
    std::fs::write(&list, format!("retired valid-before=\"20200101\" {nap}")).unwrap();
    keys.run(&["encrypt", zip, "--to", list.to_str().unwrap()])
        .exits(2)
        .stderr_has(&["valid-before time has passed", "no recipient"]);
    assert_eq!(keys.out_files(), before);
    // An existing output is never replaced.
    let sealed = keys.encrypted(&[]);
    let signers = keys.allowed_signers();
    keys.run(&["encrypt", zip, "--to", &signers, "--out", &sealed])
        .exits(2)
        .stderr_has(&["already exists"]);
}
