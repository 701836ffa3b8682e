//! Co-signing in parallel: `sign --detached`, `signatures add | list | remove`, with 23
//! organisations, and ssh-keygen as the judge nobody here wrote.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::harness::{
    Fixture, KeySpec, Run, SEALED, TestCase, bagit_valid, checker, replace_in, ssh_keygen_verify,
    tool,
};

/// How many organisations co-signed the 2017 Global Magnitsky letter.
const COALITION: usize = 23;

/// The n-th organisation of the coalition (fictional); the first is the lead.
fn organisation(n: usize) -> String {
    format!("Coalition Member {n:02} Human Rights Centre")
}

/// Its principal in allowed_signers.
fn principal(n: usize) -> String {
    format!("coalition-member-{n:02}-human-rights-centre")
}

/// The sealed dossier (zip and unpacked folder) and a key for each of the 23 organisations,
/// `keys/NN` and `keys/NN.pub`, made in parallel.
static MEMBERS: Fixture = Fixture::new("coalition-of-23", || {
    let case = TestCase::copy_of(&SEALED);
    let organisations: Vec<String> = (0..COALITION).map(organisation).collect();
    let names: Vec<String> = (0..COALITION).map(|n| format!("{n:02}")).collect();
    let keys: Vec<KeySpec> = organisations
        .iter()
        .zip(&names)
        .map(|(org, name)| KeySpec {
            org,
            name,
            passphrase: None,
        })
        .collect();
    case.generate_keys(&keys);
    case.dir
});

struct Coalition {
    case: TestCase,
}

impl Coalition {
    fn new() -> Coalition {
        Coalition {
            case: TestCase::copy_of(&MEMBERS),
        }
    }

    fn key(&self, n: usize) -> PathBuf {
        self.case.outside(&format!("keys/{n:02}"))
    }

    fn zip(&self) -> PathBuf {
        self.case.zip("full")
    }

    /// `dossier sign DOSSIER --detached --out OUT` for organisation `n`, lead if `n` is 0.
    fn sign_detached_command(&self, dossier: &Path, n: usize, out: &Path) -> Command {
        self.sign_detached_as(dossier, n, out, role(n))
    }

    /// The same, in the role given.
    fn sign_detached_as(&self, dossier: &Path, n: usize, out: &Path, role: &str) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_dossier"));
        command
            .arg("sign")
            .arg(dossier)
            .arg("--key")
            .arg(self.key(n))
            .args(["--org", &organisation(n), "--role", role, "--detached"])
            .arg("--out")
            .arg(out)
            .args(["--date", "2026-11-22"]);
        command
    }

    fn sign_detached(&self, dossier: &Path, n: usize, out: &Path) -> Run {
        let output = self
            .sign_detached_command(dossier, n, out)
            .output()
            .unwrap();
        output.into()
    }

    /// allowed_signers with one line for each of the first `n` organisations.
    fn allowed_signers(&self, n: usize) -> PathBuf {
        let principals: Vec<String> = (0..n).map(principal).collect();
        let names: Vec<String> = (0..n).map(|i| format!("{i:02}")).collect();
        let lines: Vec<(&str, &str)> = principals
            .iter()
            .zip(&names)
            .map(|(p, k)| (p.as_str(), k.as_str()))
            .collect();
        self.case.allowed_signers("", &lines)
    }

    /// `dossier ARGS` with paths.
    fn run(&self, args: &[&dyn AsRef<std::ffi::OsStr>]) -> Run {
        let args: Vec<String> = args
            .iter()
            .map(|a| a.as_ref().to_string_lossy().into_owned())
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.case.run(&args)
    }

    /// The dossier fingerprint `verify` reports.
    fn fingerprint(&self, dossier: &Path) -> String {
        self.run(&[&"verify", &dossier, &"--json"]).json()["dossier_fingerprint"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

fn role(n: usize) -> &'static str {
    if n == 0 { "lead" } else { "co-signer" }
}

/// A statement for the dossier, as docs/dossier-format.md describes it, signed with stock
/// `ssh-keygen -Y sign` by `key`: writes `<dir>/<principal>.statement.txt` and
/// `<dir>/<principal>.statement.txt.sig` (ssh-keygen's name) and returns the signature's path.
/// `None` if ssh-keygen is missing.
fn sign_with_ssh_keygen(
    dir: &Path,
    key: &Path,
    case: &str,
    fingerprint: &str,
    organisation: &str,
    role: &str,
) -> Option<PathBuf> {
    if !checker("ssh-keygen") {
        return None;
    }
    std::fs::create_dir_all(dir).unwrap();
    let statement = format!(
        "Dossier signature statement\nCase: {case}\nDossier: VD-2024-full-2026-11-21\n\
         Dossier-Fingerprint: {fingerprint}\nOrganisation: {organisation}\nRole: {role}\n\
         Date: 2026-11-23\n"
    );
    let path = dir.join(format!(
        "{}.statement.txt",
        organisation.to_lowercase().replace(' ', "-")
    ));
    std::fs::write(&path, statement).unwrap();
    let signed = Command::new("ssh-keygen")
        .args(["-q", "-Y", "sign", "-n", "dossier", "-f"])
        .arg(key)
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        signed.status.success(),
        "{}",
        String::from_utf8_lossy(&signed.stderr)
    );
    Some(PathBuf::from(format!("{}.sig", path.display())))
}

#[test]
fn twenty_three_organisations_sign_in_parallel_and_are_merged_in_one_command() {
    let c = Coalition::new();
    let zip = c.zip();
    let before = std::fs::read(&zip).unwrap();
    let received = c.case.outside("received");
    // Each organisation signs its own copy of the dossier at the same time, in its own process.
    let children: Vec<_> = (0..COALITION)
        .map(|n| {
            c.sign_detached_command(&zip, n, &received)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let run = Run::from(child.wait_with_output().unwrap()).ok();
        assert!(
            run.stdout.contains("the dossier was not changed"),
            "{}",
            run.stdout
        );
    }
    assert!(
        before == std::fs::read(&zip).unwrap(),
        "a detached signing changed the dossier"
    );
    let mut names: Vec<String> = std::fs::read_dir(&received)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2 * COALITION, "{names:?}");
    assert!(names.contains(&format!("{}.sig", principal(7))));
    assert!(names.contains(&format!("{}.statement.txt", principal(7))));

    // The lead merges all 23 in one command.
    c.run(&[&"signatures", &"add", &zip, &received])
        .ok()
        .stdout_has(&["added 23 signatures", "23 in all", &organisation(22)]);
    let allowed = c.allowed_signers(COALITION);
    let verified = c
        .run(&[&"verify", &zip, &"--allowed-signers", &allowed])
        .ok();
    let last = verified.stdout.lines().last().unwrap();
    assert!(
        last.starts_with("intact") && last.contains("23 of 23 signatures valid"),
        "{last}"
    );
    let report = c
        .run(&[&"verify", &zip, &"--allowed-signers", &allowed, &"--json"])
        .ok()
        .json();
    assert_eq!(report["signature_counts"]["valid"], 23);
    assert_eq!(report["signature_counts"]["leads"], 1);

    // ssh-keygen agrees for each signature, read from the zip as an auditor unzips it.
    if !checker("unzip") {
        return;
    }
    let extracted = c.case.outside("extracted");
    std::fs::create_dir(&extracted).unwrap();
    let unzipped = tool("unzip", &["-q", zip.to_str().unwrap()], &extracted).unwrap();
    assert!(unzipped.status.success());
    let bag = extracted.join("VD-2024-full-2026-11-21");
    assert_eq!(
        std::fs::read(bag.join("manifest-sha256.txt")).unwrap(),
        std::fs::read(c.case.bag("full").join("manifest-sha256.txt")).unwrap(),
        "adding signatures changed the manifest"
    );
    for n in 0..COALITION {
        let p = principal(n);
        let statement = std::fs::read(bag.join(format!("signatures/{p}.statement.txt"))).unwrap();
        let signature = bag.join(format!("signatures/{p}.sig"));
        if let Some(ok) = ssh_keygen_verify(&allowed, &p, &signature, &statement) {
            assert!(ok, "ssh-keygen rejects the signature of {p}");
        }
    }
    if let Some(valid) = bagit_valid(&bag) {
        assert!(valid, "bagit.py rejects the bag with 23 signatures");
    }
}

#[test]
fn a_statement_signed_with_stock_ssh_keygen_is_added_like_ours() {
    let c = Coalition::new();
    let zip = c.zip();
    let fingerprint = c.fingerprint(&zip);
    // Organisation 3's key is an OpenSSH key: ssh-keygen signs with it as it is.
    let Some(signature) = sign_with_ssh_keygen(
        &c.case.outside("by-hand"),
        &c.key(3),
        "VD-2024",
        &fingerprint,
        &organisation(3),
        "co-signer",
    ) else {
        return;
    };
    // One of ours beside it, from another organisation.
    let ours = c.case.outside("ours");
    c.sign_detached(&zip, 0, &ours).ok();
    c.run(&[
        &"signatures",
        &"add",
        &zip,
        &signature,
        &ours.join(format!("{}.sig", principal(0))),
    ])
    .ok()
    .stdout_has(&["added 2 signatures", &organisation(3)]);
    let allowed = c.allowed_signers(4);
    c.run(&[&"verify", &zip, &"--allowed-signers", &allowed])
        .ok()
        .stdout_has(&[
            &format!("signature   valid: {} (co-signer)", organisation(3)),
            "2 of 2 signatures valid",
        ]);
}

/// A refusal test, one row of the table below, its own `#[test]`: in a copy of the coalition,
/// `$prepare` makes the files to add (and may sign the dossier), returns them; `signatures
/// add` refuses with exit 2, its message has every one of `$says`, and nothing on disk changes.
macro_rules! refused {
    ($name:ident, |$c:ident, $zip:ident| $prepare:block, [$($says:expr),+ $(,)?] $(,)?) => {
        #[test]
        fn $name() {
            let $c = Coalition::new();
            let $zip = $c.zip();
            let prepared: Option<Vec<PathBuf>> = $prepare;
            let Some(files) = prepared else { return };
            let mut args = vec!["signatures".to_string(), "add".into(), $zip.display().to_string()];
            args.extend(files.iter().map(|f| f.display().to_string()));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let says: Vec<String> = vec![$($says.to_string()),+];
            let says: Vec<&str> = says.iter().map(String::as_str).collect();
            let run = $c.case.refuses(&args, &says);
            assert!(run.stderr.contains("nothing was added"), "{}", run.stderr);
        }
    };
}

refused!(
    a_signature_for_another_dossier_is_refused_and_nothing_is_added,
    |c, zip| {
        let good = c.case.outside("in");
        c.sign_detached(&zip, 1, &good).ok();
        sign_with_ssh_keygen(
            &c.case.outside("other"),
            &c.key(2),
            "VD-2024",
            &"0".repeat(64),
            &organisation(2),
            "co-signer",
        )
        .map(|other| vec![good, other])
    },
    [
        "member-02",
        "signs the dossier fingerprint 0000",
        "another dossier"
    ],
);

refused!(
    a_statement_naming_another_case_is_refused,
    |c, zip| {
        let fingerprint = c.fingerprint(&zip);
        sign_with_ssh_keygen(
            &c.case.outside("other"),
            &c.key(2),
            "VD-1999",
            &fingerprint,
            &organisation(2),
            "co-signer",
        )
        .map(|other| vec![other])
    },
    ["member-02", "names the case `VD-1999`", "`VD-2024`"],
);

refused!(
    a_tampered_statement_is_refused,
    |c, zip| {
        let dir = c.case.outside("in");
        c.sign_detached(&zip, 1, &dir).ok();
        c.sign_detached(&zip, 2, &dir).ok();
        replace_in(
            &dir.join(format!("{}.statement.txt", principal(2))),
            "Role: co-signer",
            "Role: lead",
        );
        Some(vec![dir])
    },
    [
        &format!("{}.sig", principal(2)),
        "does not verify against its own key"
    ],
);

refused!(
    an_organisation_twice_among_the_files_is_refused,
    |c, zip| {
        let (first, second) = (c.case.outside("first"), c.case.outside("second"));
        c.sign_detached(&zip, 1, &first).ok();
        c.sign_detached(&zip, 1, &second).ok();
        Some(vec![first, second])
    },
    [
        "signs twice",
        "second/coalition-member-01",
        "first/coalition-member-01"
    ],
);

refused!(
    an_organisation_that_already_signed_is_refused,
    |c, zip| {
        c.run(&[
            &"sign",
            &zip,
            &"--key",
            &c.key(1),
            &"--org",
            &organisation(1),
        ])
        .ok();
        let dir = c.case.outside("in");
        c.sign_detached(&zip, 1, &dir).ok();
        Some(vec![dir])
    },
    [
        "has already signed this dossier",
        "signatures/coalition-member-01-human-rights-centre.sig",
        "dossier signatures remove",
    ],
);

refused!(
    two_leads_among_the_files_are_refused,
    |c, zip| {
        let dir = c.case.outside("in");
        c.sign_detached(&zip, 0, &dir).ok();
        let other = c.case.outside("other");
        // Organisation 5 signs as lead too.
        Run::from(
            c.sign_detached_as(&zip, 5, &other, "lead")
                .output()
                .unwrap(),
        )
        .ok();
        Some(vec![dir, other])
    },
    [
        "signs as lead, and so does",
        "member-00",
        "member-05",
        "--role co-signer"
    ],
);

refused!(
    a_second_lead_after_the_first_is_refused,
    |c, zip| {
        c.run(&[
            &"sign",
            &zip,
            &"--key",
            &c.key(0),
            &"--org",
            &organisation(0),
            &"--role",
            &"lead",
        ])
        .ok();
        let dir = c.case.outside("in");
        Run::from(c.sign_detached_as(&zip, 5, &dir, "lead").output().unwrap()).ok();
        c.sign_detached(&zip, 6, &dir).ok();
        Some(vec![dir])
    },
    [
        "member-05",
        "already signed this dossier as lead",
        &organisation(0)
    ],
);

refused!(
    a_signature_without_its_statement_is_refused,
    |c, zip| {
        let dir = c.case.outside("in");
        c.sign_detached(&zip, 1, &dir).ok();
        c.sign_detached(&zip, 2, &dir).ok();
        std::fs::remove_file(dir.join(format!("{}.statement.txt", principal(2)))).unwrap();
        let lone = c.case.outside("lone");
        c.sign_detached(&zip, 3, &lone).ok();
        std::fs::remove_file(lone.join(format!("{}.sig", principal(3)))).unwrap();
        Some(vec![dir, lone])
    },
    [
        &format!("{}.statement.txt is missing", principal(2)),
        &format!(
            "{}.statement.txt: a statement with no signature",
            principal(3)
        ),
    ],
);

#[test]
fn signatures_are_listed_with_their_validity_and_removed_without_changing_the_fingerprint() {
    let c = Coalition::new();
    let zip = c.zip();
    let dir = c.case.outside("in");
    for n in 0..3 {
        c.sign_detached(&zip, n, &dir).ok();
    }
    c.run(&[&"signatures", &"add", &zip, &dir]).ok();
    let fingerprint = c.fingerprint(&zip);

    let listed = c.run(&[&"signatures", &"list", &zip]).ok();
    listed.stdout_has(&[
        "3 signatures",
        &fingerprint,
        &organisation(0),
        "lead",
        "2026-11-22",
        "SHA256:",
        "not checked against an allowed_signers file",
    ]);
    let allowed = c.allowed_signers(2);
    let json = c
        .run(&[
            &"signatures",
            &"list",
            &zip,
            &"--allowed-signers",
            &allowed,
            &"--json",
        ])
        .ok()
        .json();
    let verdicts: Vec<(&str, &str, &str)> = json["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["organisation"].as_str().unwrap(),
                s["date"].as_str().unwrap(),
                s["verdict"].as_str().unwrap(),
            )
        })
        .collect();
    let (o0, o1, o2) = (organisation(0), organisation(1), organisation(2));
    assert_eq!(
        verdicts,
        [
            (o0.as_str(), "2026-11-22", "valid"),
            (o1.as_str(), "2026-11-22", "valid"),
            (o2.as_str(), "2026-11-22", "not-allowed")
        ]
    );
    assert_eq!(json["allowed_signers_checked"], true);
    assert_eq!(json["dossier_fingerprint"], fingerprint.as_str());

    // Organisation 2 was added by mistake: removed by its name, said, fingerprint unchanged.
    c.run(&[&"signatures", &"remove", &zip, &"--org", &o2])
        .ok()
        .stdout_has(&[
            &format!("removed the signature of {o2} (co-signer, dated 2026-11-22, key SHA256:"),
            &format!("signatures/{}.sig", principal(2)),
            &format!("the dossier fingerprint is unchanged: {fingerprint}"),
        ]);
    assert_eq!(c.fingerprint(&zip), fingerprint);
    let last = c
        .run(&[&"verify", &zip, &"--allowed-signers", &allowed])
        .ok();
    assert!(last.stdout.contains("intact") && last.stdout.contains("2 of 2 signatures valid"));
    // The same manifest bytes, as unzip reads them.
    if let Some(out) = tool(
        "unzip",
        &[
            "-p",
            zip.to_str().unwrap(),
            "VD-2024-full-2026-11-21/manifest-sha256.txt",
        ],
        c.case.dir.path(),
    ) {
        assert_eq!(
            out.stdout,
            std::fs::read(c.case.bag("full").join("manifest-sha256.txt")).unwrap()
        );
        let test = tool("unzip", &["-tq", zip.to_str().unwrap()], c.case.dir.path()).unwrap();
        assert!(
            test.status.success(),
            "{}",
            String::from_utf8_lossy(&test.stdout)
        );
    }
    // By principal too; an organisation that did not sign is refused, naming those that did.
    c.run(&[&"signatures", &"remove", &zip, &"--org", &principal(1)])
        .ok()
        .stdout_has(&[&format!("removed the signature of {o1}")]);
    c.case.refuses(
        &[
            "signatures",
            "remove",
            zip.to_str().unwrap(),
            "--org",
            "Nobody Trust",
        ],
        &[
            "carries no signature of Nobody Trust",
            &o0,
            "signatures list",
        ],
    );
    // It can sign again and be added again.
    let again = c.case.outside("again");
    c.sign_detached(&zip, 2, &again).ok();
    c.run(&[&"signatures", &"add", &zip, &again])
        .ok()
        .stdout_has(&["2 in all"]);
}

#[test]
fn an_unpacked_dossier_takes_and_gives_back_signatures() {
    let c = Coalition::new();
    let bag = c.case.bag("full");
    let dir = c.case.outside("in");
    for n in 0..3 {
        c.sign_detached(&bag, n, &dir).ok();
    }
    c.run(&[&"signatures", &"add", &bag, &dir])
        .ok()
        .stdout_has(&["added 3 signatures"]);
    let allowed = c.allowed_signers(3);
    c.run(&[&"verify", &bag, &"--allowed-signers", &allowed])
        .ok()
        .stdout_has(&["3 of 3 signatures valid"]);
    if let Some(valid) = bagit_valid(&bag) {
        assert!(valid, "bagit.py rejects the signed folder");
    }
    c.run(&[&"signatures", &"remove", &bag, &"--org", &organisation(1)])
        .ok();
    let left: Vec<_> = std::fs::read_dir(bag.join("signatures")).unwrap().collect();
    assert_eq!(left.len(), 4, "{left:?}");
    c.run(&[&"verify", &bag, &"--allowed-signers", &allowed])
        .ok()
        .stdout_has(&["2 of 2 signatures valid"]);
}

#[test]
fn detached_signing_never_overwrites_and_leaves_nothing_behind() {
    let c = Coalition::new();
    let zip = c.zip();
    // Without --out: the current folder (here the case folder given with -C).
    c.run(&[
        &"sign",
        &zip,
        &"--key",
        &c.key(1),
        &"--org",
        &organisation(1),
        &"--detached",
    ])
    .ok()
    .stdout_has(&["detached", "signatures add"]);
    let here = c.case.root().join(format!("{}.sig", principal(1)));
    assert!(here.is_file());
    // Again: refused, nothing changed, then replaced when asked.
    let key = c.key(1);
    let args = [
        "sign",
        zip.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "--org",
        &organisation(1),
        "--detached",
    ];
    c.case.refuses(&args, &["already exists", "--replace"]);
    let mut replace = args.to_vec();
    replace.extend(["--replace", "--role", "lead"]);
    c.case.run(&replace).ok();
    assert!(
        std::fs::read_to_string(here.with_extension("statement.txt"))
            .unwrap()
            .contains("Role: lead")
    );
    // A damaged dossier is not signed, and no file is written.
    let bag = c.case.bag("full");
    std::fs::write(bag.join("data/exhibits/E-001-witness 1.txt"), "altered").unwrap();
    let out = c.case.outside("to-send");
    c.sign_detached(&bag, 2, &out)
        .exits(2)
        .stderr_has(&["is not intact", "not signed"]);
    assert!(!out.exists());
    // An --out folder inside an unpacked dossier is refused.
    c.case.refuses(
        &[
            "sign",
            bag.to_str().unwrap(),
            "--key",
            c.key(2).to_str().unwrap(),
            "--org",
            &organisation(2),
            "--detached",
            "--out",
            bag.join("signatures").to_str().unwrap(),
        ],
        &["is inside the dossier"],
    );
}

/// Every folder and file under `dir` (relative), with the bytes of each file.
fn tree(dir: &Path) -> std::collections::BTreeMap<PathBuf, Option<Vec<u8>>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let bytes = (!e.file_type().is_dir()).then(|| std::fs::read(e.path()).unwrap());
            (e.path().strip_prefix(dir).unwrap().to_path_buf(), bytes)
        })
        .collect()
}

/// `dossier ARGS` as a process that can write no byte to any file (`ulimit -f 0`, which binds
/// root too). Its first write fails (EFBIG), or with `killed` kills it (SIGXFSZ), as a crash
/// would in the middle of the change.
fn unable_to_write(c: &Coalition, args: &[&dyn AsRef<std::ffi::OsStr>], killed: bool) -> Run {
    let ignore = if killed { "" } else { "trap '' XFSZ; " };
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -f 0; {ignore}exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_dossier"))
        .arg("-C")
        .arg(c.case.root())
        .args(args.iter().map(|a| a.as_ref()))
        .output()
        .unwrap();
    Run::from(output)
}

#[test]
fn a_folder_dossier_takes_signatures_all_or_nothing_when_a_write_fails_or_the_run_dies() {
    let c = Coalition::new();
    let bag = c.case.bag("full");
    // Two signatures are in the dossier already (the lead's and one more); two are waiting.
    let first = c.case.outside("first");
    for n in 0..2 {
        c.sign_detached(&bag, n, &first).ok();
    }
    c.run(&[&"signatures", &"add", &bag, &first]).ok();
    let waiting = c.case.outside("in");
    for n in 2..4 {
        c.sign_detached(&bag, n, &waiting).ok();
    }
    let before = tree(&bag);
    let key = c.key(4);
    let org = organisation(4);
    let org_1 = organisation(1);
    let org_9 = organisation(9);
    let changes: [&[&dyn AsRef<std::ffi::OsStr>]; 3] = [
        &[&"signatures", &"add", &bag, &waiting],
        &[&"signatures", &"remove", &bag, &"--org", &org_1],
        &[
            &"sign",
            &bag,
            &"--key",
            &key,
            &"--org",
            &org,
            &"--date",
            &"2026-11-22",
        ],
    ];
    for args in changes {
        let args_text = args[..2]
            .iter()
            .map(|a| a.as_ref().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        // A write that fails: an error naming the file, and the folder exactly as before.
        unable_to_write(&c, args, false).exits(2).stderr_has(&[
            "cannot write a new copy of",
            "/signatures/",
            "File too large",
        ]);
        assert_eq!(tree(&bag), before, "{args_text} changed the folder");
        // A run killed at its first write leaves its unfinished folder beside signatures/,
        // which is as before; the next command that changes the dossier clears it first.
        let run = unable_to_write(&c, args, true);
        assert_ne!(run.code, 0, "{args_text} was not stopped");
        let after = tree(&bag);
        let left: Vec<&PathBuf> = after.keys().filter(|p| !before.contains_key(*p)).collect();
        assert!(
            !left.is_empty()
                && left
                    .iter()
                    .all(|p| p.starts_with(left[0]) && p.to_string_lossy().starts_with(".dossier-")),
            "a killed run should leave only its own folder: {left:?}"
        );
        assert!(
            after
                .iter()
                .all(|(p, b)| left.contains(&p) || before.get(p) == Some(b)),
            "{args_text}, killed, changed the dossier"
        );
        // verify does not clear it (it changes nothing), but says what it is and what to do.
        let leftover = left[0].components().next().unwrap().as_os_str();
        c.run(&[&"verify", &bag]).exits(1).stdout_has(&[
            &format!("problem     {}: left by a signing command that was stopped", leftover.to_string_lossy()),
            "the next `dossier sign`, `signatures add` or `signatures remove` on this dossier removes it",
        ]);
        c.run(&[&"signatures", &"remove", &bag, &"--org", &org_9])
            .exits(2)
            .stderr_has(&["carries no signature of"]);
        assert_eq!(
            tree(&bag),
            before,
            "the next command did not clear what was left"
        );
    }
    // Without a limit, the same commands work and leave nothing beside.
    c.run(&[&"signatures", &"add", &bag, &waiting])
        .ok()
        .stdout_has(&["added 2 signatures"]);
    c.run(&[&"signatures", &"remove", &bag, &"--org", &org_1])
        .ok();
    c.run(&[
        &"sign",
        &bag,
        &"--key",
        &key,
        &"--org",
        &org,
        &"--date",
        &"2026-11-22",
    ])
    .ok();
    let names: Vec<String> = std::fs::read_dir(&bag)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(names.is_empty(), "{names:?}");
    let allowed = c.allowed_signers(5);
    c.run(&[&"verify", &bag, &"--allowed-signers", &allowed])
        .ok()
        .stdout_has(&["4 of 4 signatures valid"]);
}
