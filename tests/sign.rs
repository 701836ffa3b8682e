//! Coalition signing: our keys and signatures, interop with ssh-keygen both ways.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::{
    Fixture, KeySpec, SEALED, TestCase, bagit_valid, checker, replace_in, ssh_keygen_verify, tool,
};

const NAP: &str = "Norzhavia Accountability Project";
const QPFT: &str = "Quillwater Press Freedom Trust";

/// A sealed dossier (zip and unpacked folder) and two organisations' keys: `keys/nap`, and
/// `keys/qpft` behind a passphrase.
static COALITION: Fixture = Fixture::new("coalition", || {
    let case = TestCase::copy_of(&SEALED);
    case.generate_keys(&[
        KeySpec {
            org: NAP,
            name: "nap",
            passphrase: None,
        },
        KeySpec {
            org: QPFT,
            name: "qpft",
            passphrase: Some("correct horse battery"),
        },
    ]);
    case.dir
});

/// A copy of the coalition's folder.
struct Coalition {
    case: TestCase,
}

impl Coalition {
    fn new() -> Coalition {
        Coalition {
            case: TestCase::copy_of(&COALITION),
        }
    }

    fn key(&self, name: &str) -> String {
        self.case.key(name)
    }

    fn sign(&self, dossier: &Path, key: &str, org: &str, extra: &[&str]) -> crate::harness::Run {
        let mut args = vec![
            "sign",
            dossier.to_str().unwrap(),
            "--key",
            key,
            "--org",
            org,
        ];
        args.extend_from_slice(extra);
        self.case.run(&args)
    }

    /// The passphrase-protected organisation signs, with the passphrase given in the environment.
    fn sign_with_passphrase(&self, dossier: &Path, passphrase: &str) -> crate::harness::Run {
        let args = [
            "sign",
            dossier.to_str().unwrap(),
            "--key",
            &self.key("qpft"),
            "--org",
            QPFT,
        ];
        self.case.run_with_passphrase(&args, passphrase)
    }

    /// allowed_signers naming both organisations' keys.
    fn allowed_signers(&self) -> PathBuf {
        self.case.allowed_signers(
            "",
            &[
                ("norzhavia-accountability-project", "nap"),
                ("quillwater-press-freedom-trust", "qpft"),
            ],
        )
    }
}

#[test]
fn two_organisations_sign_and_verify_lists_both_valid() {
    let c = Coalition::new();
    let zip = c.case.zip("full");
    let manifest_before = std::fs::read(c.case.bag("full").join("manifest-sha256.txt")).unwrap();
    let before = c
        .case
        .run(&["verify", zip.to_str().unwrap(), "--json"])
        .ok()
        .json();
    c.sign(&zip, &c.key("nap"), NAP, &["--role", "lead"])
        .ok()
        .stdout_has(&["signed", NAP]);
    c.sign_with_passphrase(&zip, "correct horse battery").ok();
    let allowed = c.allowed_signers();
    let report = c
        .case
        .run(&[
            "verify",
            zip.to_str().unwrap(),
            "--allowed-signers",
            allowed.to_str().unwrap(),
            "--json",
        ])
        .ok()
        .json();
    let verdicts: Vec<(&str, &str)> = report["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["organisation"].as_str().unwrap(),
                s["verdict"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(verdicts, [(NAP, "valid"), (QPFT, "valid")]);
    // Signing never changes the fingerprint.
    assert_eq!(report["dossier_fingerprint"], before["dossier_fingerprint"]);
    c.case
        .run(&[
            "verify",
            zip.to_str().unwrap(),
            "--allowed-signers",
            allowed.to_str().unwrap(),
        ])
        .ok()
        .stdout_has(&["signature   valid: Norzhavia Accountability Project (lead)"]);
    // Without allowed_signers: listed with their key fingerprints, unverified.
    c.case
        .run(&["verify", zip.to_str().unwrap()])
        .ok()
        .stdout_has(&["signature   unverified", "key SHA256:"]);

    // The signed zip, unpacked, is still a valid bag whose manifest is byte for byte the same.
    let extracted = c.case.dir.path().join("extracted");
    std::fs::create_dir(&extracted).unwrap();
    if tool("unzip", &["-q", zip.to_str().unwrap()], &extracted).is_some() {
        let bag = extracted.join("VD-2024-full-2026-11-21");
        assert_eq!(
            std::fs::read(bag.join("manifest-sha256.txt")).unwrap(),
            manifest_before
        );
        if let Some(valid) = bagit_valid(&bag) {
            assert!(valid, "bagit.py rejects the signed bag");
        }
        // ssh-keygen, which nobody here wrote, accepts our signatures.
        for principal in [
            "norzhavia-accountability-project",
            "quillwater-press-freedom-trust",
        ] {
            let statement =
                std::fs::read(bag.join(format!("signatures/{principal}.statement.txt"))).unwrap();
            if let Some(ok) = ssh_keygen_verify(
                &allowed,
                principal,
                &bag.join(format!("signatures/{principal}.sig")),
                &statement,
            ) {
                assert!(ok, "ssh-keygen rejects the signature of {principal}");
            }
        }
    }
}

#[test]
fn a_signature_made_by_ssh_keygen_over_our_statement_is_accepted() {
    let c = Coalition::new();
    if !checker("ssh-keygen") {
        return;
    }
    let keys = c.case.outside("keys");
    let own_key = keys.join("own_ed25519");
    let made = Command::new("ssh-keygen")
        .args([
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            "tallowmere",
            "-f",
            own_key.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(made.status.success());
    let bag = c.case.bag("full");
    let fingerprint = c
        .case
        .run(&["verify", bag.to_str().unwrap(), "--json"])
        .ok()
        .json()["dossier_fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    // The statement, written by hand as docs/dossier-format.md describes it.
    let statement = format!(
        "Dossier signature statement\nCase: VD-2024\nDossier: VD-2024-full-2026-11-21\nDossier-Fingerprint: {fingerprint}\n\
         Organisation: Tallowmere Anti-Corruption Institute\nRole: co-signer\nDate: 2026-11-22\n"
    );
    let signatures = bag.join("signatures");
    std::fs::create_dir_all(&signatures).unwrap();
    let statement_path = signatures.join("tallowmere-anti-corruption-institute.statement.txt");
    std::fs::write(&statement_path, &statement).unwrap();
    let signed = Command::new("ssh-keygen")
        .args([
            "-Y",
            "sign",
            "-f",
            own_key.to_str().unwrap(),
            "-n",
            "dossier",
            statement_path.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        signed.status.success(),
        "{}",
        String::from_utf8_lossy(&signed.stderr)
    );
    std::fs::rename(
        signatures.join("tallowmere-anti-corruption-institute.statement.txt.sig"),
        signatures.join("tallowmere-anti-corruption-institute.sig"),
    )
    .unwrap();
    let public = std::fs::read_to_string(keys.join("own_ed25519.pub")).unwrap();
    let allowed = c.case.outside("allowed_tallowmere");
    std::fs::write(
        &allowed,
        format!("tallowmere-anti-corruption-institute {public}"),
    )
    .unwrap();
    c.case
        .run(&[
            "verify",
            bag.to_str().unwrap(),
            "--allowed-signers",
            allowed.to_str().unwrap(),
        ])
        .ok()
        .stdout_has(&["signature   valid: Tallowmere Anti-Corruption Institute (co-signer)"]);
}

/// A signature test, one row of the table below, its own `#[test]`: in a copy of the coalition,
/// the Norzhavia Accountability Project signs the dossier's `zip` or `bag` with the arguments
/// `$sign`; `$then` changes what it will and runs `verify`, which exits with `$exits` (where
/// given) and says every one of `$says`.
macro_rules! signature {
    (
        $name:ident,
        $dossier:ident,
        [$($sign:expr),* $(,)?],
        |$c:ident, $signed:ident| $then:block,
        $exits:expr,
        [$($says:expr),+ $(,)?] $(,)?
    ) => {
        #[test]
        fn $name() {
            let $c = Coalition::new();
            let $signed = $c.case.$dossier("full");
            $c.sign(&$signed, &$c.key("nap"), NAP, &[$($sign),*]).ok();
            let run: crate::harness::Run = $then;
            let exits: Option<i32> = $exits;
            let run = match exits {
                Some(code) => run.exits(code),
                None => run,
            };
            run.stdout_has(&[$($says),+]);
        }
    };
}

signature!(
    a_signature_moved_onto_another_dossier_is_reported,
    bag,
    ["--role", "lead"],
    |c, bag| {
        // A rebuild on another day is another dossier, with another fingerprint.
        let other_out = c.case.dir.path().join("other");
        c.case
            .run(&[
                "build",
                "--date",
                "2026-12-01",
                "--unpacked",
                "--out",
                other_out.to_str().unwrap(),
            ])
            .ok();
        let other = other_out.join("VD-2024-full-2026-12-01");
        std::fs::create_dir_all(other.join("signatures")).unwrap();
        for file in [
            "norzhavia-accountability-project.sig",
            "norzhavia-accountability-project.statement.txt",
        ] {
            std::fs::copy(
                bag.join("signatures").join(file),
                other.join("signatures").join(file),
            )
            .unwrap();
        }
        c.case.run(&["verify", other.to_str().unwrap()])
    },
    Some(1),
    ["OTHER DOSSIER", "signs the dossier fingerprint"],
);

signature!(
    a_tampered_statement_is_invalid,
    bag,
    ["--role", "co-signer"],
    |c, bag| {
        replace_in(
            &bag.join("signatures/norzhavia-accountability-project.statement.txt"),
            "Role: co-signer",
            "Role: lead",
        );
        c.case.run(&["verify", bag.to_str().unwrap()])
    },
    Some(1),
    ["INVALID", "does not match the statement"],
);

signature!(
    an_organisation_missing_from_allowed_signers_is_reported,
    zip,
    [],
    |c, zip| {
        let public = std::fs::read_to_string(format!("{}.pub", c.key("qpft"))).unwrap();
        let allowed = c.case.outside("only_qpft");
        std::fs::write(&allowed, format!("quillwater-press-freedom-trust {public}")).unwrap();
        c.case.run(&[
            "verify",
            zip.to_str().unwrap(),
            "--allowed-signers",
            allowed.to_str().unwrap(),
        ])
    },
    None,
    [
        "not allowed: Norzhavia Accountability Project",
        "not in the allowed_signers file",
    ],
);

#[test]
fn signing_again_replaces_only_when_asked() {
    let c = Coalition::new();
    let zip = c.case.zip("full");
    c.sign(&zip, &c.key("nap"), NAP, &["--role", "co-signer"])
        .ok();
    let before = std::fs::read(&zip).unwrap();
    c.sign(&zip, &c.key("nap"), NAP, &["--role", "lead"])
        .exits(2)
        .stderr_has(&["has already signed", "--replace"]);
    assert!(
        before == std::fs::read(&zip).unwrap(),
        "a refused signing changed the dossier"
    );
    c.sign(&zip, &c.key("nap"), NAP, &["--role", "lead", "--replace"])
        .ok();
    let report = c
        .case
        .run(&["verify", zip.to_str().unwrap(), "--json"])
        .ok()
        .json();
    let signatures = report["signatures"].as_array().unwrap();
    assert_eq!(signatures.len(), 1);
    assert_eq!(signatures[0]["role"], "lead");
}

#[test]
fn bad_keys_are_refused_and_the_dossier_is_unchanged() {
    let c = Coalition::new();
    let zip = c.case.zip("full");
    let before = std::fs::read(&zip).unwrap();
    c.sign(
        &zip,
        &c.case.outside("keys/none").to_string_lossy(),
        NAP,
        &[],
    )
    .exits(2)
    .stderr_has(&["keys/none"]);
    c.sign(&zip, &format!("{}.pub", c.key("nap")), NAP, &[])
        .exits(2)
        .stderr_has(&["not an OpenSSH private key"]);
    c.sign_with_passphrase(&zip, "wrong horse")
        .exits(2)
        .stderr_has(&["wrong passphrase"]);
    c.sign(&zip, &c.key("qpft"), QPFT, &[])
        .exits(2)
        .stderr_has(&["protected by a passphrase", "DOSSIER_PASSPHRASE"]);
    if checker("ssh-keygen") {
        let rsa = c.case.outside("keys/rsa");
        Command::new("ssh-keygen")
            .args([
                "-q",
                "-t",
                "rsa",
                "-b",
                "2048",
                "-N",
                "",
                "-f",
                rsa.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        c.sign(&zip, rsa.to_str().unwrap(), NAP, &[])
            .exits(2)
            .stderr_has(&["type ssh-rsa", "Ed25519"]);
    }
    assert!(
        before == std::fs::read(&zip).unwrap(),
        "a refused signing changed the dossier"
    );
}

#[test]
fn a_damaged_dossier_is_not_signed() {
    let c = Coalition::new();
    let bag = c.case.bag("full");
    std::fs::write(bag.join("data/exhibits/E-001-witness 1.txt"), "altered").unwrap();
    c.sign(&bag, &c.key("nap"), NAP, &[])
        .exits(2)
        .stderr_has(&["is not intact", "not signed"]);
    assert!(!bag.join("signatures").exists());
}

#[test]
fn keys_are_private_and_never_overwritten() {
    let c = Coalition::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(c.key("nap"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
    }
    let before = std::fs::read(c.key("nap")).unwrap();
    c.case
        .run(&["key", "generate", "--org", NAP, "--out", &c.key("nap")])
        .exits(2)
        .stderr_has(&["already exists"]);
    assert_eq!(before, std::fs::read(c.key("nap")).unwrap());
    let public = std::fs::read_to_string(format!("{}.pub", c.key("qpft"))).unwrap();
    assert!(
        public.starts_with("ssh-ed25519 ")
            && public.trim().ends_with("quillwater-press-freedom-trust"),
        "{public}"
    );
}

#[test]
fn two_organisations_signing_at_once_both_land() {
    // Two `sign` processes on one zip at the same moment: each rewrites the zip, under the
    // dossier's lock, so the second adds its signature to the first's instead of replacing the
    // zip it read. Both keys are without passphrase, so that both processes reach the zip
    // together; three rounds.
    const LLAC: &str = "Lantern Legal Aid Collective";
    for round in 0..3 {
        let c = Coalition::new();
        c.case.generate_keys(&[KeySpec {
            org: LLAC,
            name: "llac",
            passphrase: None,
        }]);
        let zip = c.case.zip("full");
        let root = c.case.root();
        let start = |key: String, org: &str, role: &str| {
            Command::new(env!("CARGO_BIN_EXE_dossier"))
                .args(["-C", root.to_str().unwrap(), "sign"])
                .arg(&zip)
                .args(["--key", &key, "--org", org, "--role", role])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let lead = start(c.key("nap"), NAP, "lead");
        let co = start(c.key("llac"), LLAC, "co-signer");
        for child in [lead, co] {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        // allowed_signers as an auditor writes it from the two public keys.
        let allowed = c.case.allowed_signers(
            "",
            &[
                ("norzhavia-accountability-project", "nap"),
                ("lantern-legal-aid-collective", "llac"),
            ],
        );
        let report = c
            .case
            .run(&[
                "verify",
                zip.to_str().unwrap(),
                "--allowed-signers",
                allowed.to_str().unwrap(),
                "--json",
            ])
            .ok()
            .json();
        let mut verdicts: Vec<(&str, &str)> = report["signatures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["organisation"].as_str().unwrap(),
                    s["verdict"].as_str().unwrap(),
                )
            })
            .collect();
        verdicts.sort();
        assert_eq!(verdicts, [(LLAC, "valid"), (NAP, "valid")], "round {round}");
        // ssh-keygen, which nobody here wrote, accepts both signatures in the zip.
        if !checker("unzip") {
            continue;
        }
        let extracted = c.case.dir.path().join("extracted");
        std::fs::create_dir(&extracted).unwrap();
        tool("unzip", &["-q", zip.to_str().unwrap()], &extracted).unwrap();
        let bag = extracted.join("VD-2024-full-2026-11-21");
        for principal in [
            "norzhavia-accountability-project",
            "lantern-legal-aid-collective",
        ] {
            let statement =
                std::fs::read(bag.join(format!("signatures/{principal}.statement.txt"))).unwrap();
            if let Some(ok) = ssh_keygen_verify(
                &allowed,
                principal,
                &bag.join(format!("signatures/{principal}.sig")),
                &statement,
            ) {
                assert!(
                    ok,
                    "round {round}: ssh-keygen rejects the signature of {principal}"
                );
            }
        }
    }
}
