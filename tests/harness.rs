//! A small builder harness: make a case folder, write files, run the binary, look at the result.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;
use tempfile::TempDir;

/// One run of the binary.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts exit 0.
    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts the exit code.
    #[track_caller]
    pub fn exits(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts stderr mentions every piece of text.
    #[track_caller]
    pub fn stderr_has(self, texts: &[&str]) -> Run {
        for text in texts {
            assert!(
                self.stderr.contains(text),
                "stderr lacks {text:?}:\n{}",
                self.stderr
            );
        }
        self
    }

    /// Asserts stdout mentions every piece of text.
    #[track_caller]
    pub fn stdout_has(self, texts: &[&str]) -> Run {
        for text in texts {
            assert!(
                self.stdout.contains(text),
                "stdout lacks {text:?}:\n{}",
                self.stdout
            );
        }
        self
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// Runs `dossier ARGS` in `dir`.
pub fn dossier_in(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(args)
        .current_dir(dir)
        .env("DOSSIER_ACTOR", "test paralegal")
        .output()
        .expect("the binary runs");
    output.into()
}

/// A temporary folder holding a case folder `case/` (and room for files outside it).
pub struct TestCase {
    pub dir: TempDir,
}

impl TestCase {
    /// A new case targeting us-glomag and uk-ghr.
    pub fn new() -> TestCase {
        let case = TestCase::empty();
        dossier_in(
            case.dir.path(),
            &[
                "init",
                "case",
                "--title",
                "Detentions in Norzhavia",
                "--id",
                "VD-2024",
                "--regime",
                "us-glomag",
                "--regime",
                "uk-ghr",
            ],
        )
        .ok();
        case
    }

    /// A temporary folder with no case in it yet.
    pub fn empty() -> TestCase {
        TestCase {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// The case folder.
    pub fn root(&self) -> PathBuf {
        self.dir.path().join("case")
    }

    /// The temporary folder around the case (for files "outside" it).
    pub fn outside(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs `dossier -C <case> ARGS`.
    pub fn run(&self, args: &[&str]) -> Run {
        let root = self.root();
        let mut all = vec!["-C", root.to_str().unwrap()];
        all.extend_from_slice(args);
        dossier_in(self.dir.path(), &all)
    }

    /// Writes a file under the case folder, creating folders.
    pub fn write(&self, relative: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.root().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.root().join(relative)).unwrap()
    }

    /// case.json as JSON.
    pub fn case_json(&self) -> Value {
        serde_json::from_str(&self.read("case.json")).unwrap()
    }

    /// Every file under the temporary folder with its bytes: to prove nothing changed on disk.
    pub fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        walkdir::WalkDir::new(self.dir.path())
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| !e.file_type().is_dir())
            .map(|e| {
                (
                    e.path().to_path_buf(),
                    std::fs::read(e.path()).unwrap_or_default(),
                )
            })
            .collect()
    }

    /// Runs a command that must fail with exit 2, naming `texts`, and change nothing on disk.
    #[track_caller]
    pub fn refuses(&self, args: &[&str], texts: &[&str]) -> Run {
        let before = self.snapshot();
        let run = self.run(args).exits(2).stderr_has(texts);
        let after = self.snapshot();
        assert_eq!(
            before.keys().collect::<Vec<_>>(),
            after.keys().collect::<Vec<_>>(),
            "files were added or removed by a refused command"
        );
        assert!(before == after, "a refused command changed a file");
        run
    }

    /// Registers a new evidence file and returns its exhibit id.
    pub fn exhibit(&self, relative: &str, content: &str) -> String {
        self.write(&format!("evidence/{relative}"), content);
        let run = self
            .run(&["exhibit", "add", &format!("evidence/{relative}")])
            .ok();
        run.stdout.split_whitespace().next().unwrap().to_string()
    }

    /// Registers statements under `evidence/statements/`, each supporting an event of its own
    /// (so that `check` stays clean), and returns their ids.
    pub fn add_statements(&self, names: &[&str]) -> Vec<String> {
        names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let id = self.exhibit(
                    &format!("statements/{name}"),
                    &format!("statement {i} (fictional)"),
                );
                self.run(&["event", "add", "2020", "Statement", "--exhibit", &id])
                    .ok();
                id
            })
            .collect()
    }

    /// Adds E-003, a confidential "Leaked order", and E-004, a ledger whose source ("Colonel X")
    /// is confidential, both supporting V-001.
    pub fn add_confidential_exhibits(&self) {
        let secret = self.outside("order 117.pdf");
        std::fs::write(&secret, b"%PDF-1.4 leaked order (fictional)").unwrap();
        self.run(&[
            "exhibit",
            "add",
            secret.to_str().unwrap(),
            "--confidential",
            "--title",
            "Leaked order",
            "--event",
            "V-001",
        ])
        .ok();
        let insider = self.outside("ledger.csv");
        std::fs::write(&insider, "date,amount\n2019-03-01,100\n").unwrap();
        self.run(&[
            "exhibit",
            "add",
            insider.to_str().unwrap(),
            "--source",
            "Colonel X",
            "--confidential-source",
            "--event",
            "V-001",
        ])
        .ok();
    }

    /// Removes the custody log's last line, as if history had been cut short.
    pub fn cut_custody_log(&self) {
        let log = self.read("custody.jsonl");
        let lines: Vec<&str> = log.lines().collect();
        self.write(
            "custody.jsonl",
            format!("{}\n", lines[..lines.len() - 1].join("\n")),
        );
    }

    /// A case that `check` passes: a copy of the one `make_complete` builds once per run.
    pub fn complete() -> TestCase {
        TestCase::copy_of(&COMPLETE)
    }

    /// A copy of a fixture, the case folder in it as `case/`.
    pub fn copy_of(fixture: &Fixture) -> TestCase {
        TestCase {
            dir: fixture.copy(),
        }
    }

    /// Builds, through the command line only, a case that `check` passes.
    fn make_complete() -> TestCase {
        let case = TestCase::new();
        case.write(
            "narrative/summary.md",
            "# Summary\n\nThe commander of the fictional Norzhavian guard ordered the beatings.\n",
        );
        let e1 = case.exhibit(
            "statements/witness 1.txt",
            "I was beaten at the gate. (fictional)",
        );
        let e2 = case.exhibit("photos/gate.jpg", "\u{FFFD}JPEG fictional bytes");
        case.run(&[
            "subject",
            "add",
            "Vadim Orzhelov",
            "--original-script",
            "Вадим Оржелов",
            "--alias",
            "The Warden",
            "--transliteration",
            "Vadim Orjelov",
            "--associate",
            "Norzhavian Republican Guard:commands it",
            "--born",
            "~1971",
            "--birthplace",
            "Qelvaran, Norzhavia",
            "--gender",
            "male",
            // A real code: the case passes `check` clean (a user-assigned one such as XV is
            // accepted with a warning; tests/check.rs asserts it).
            "--nationality",
            "FI",
            "--position",
            "Commander, Norzhavian Republican Guard, 2015",
            "--id-document",
            "passport:VX0012345:FI",
            "--address",
            "12 Harbour Road, Qelvaran, Norzhavia",
            "--criterion",
            "us-glomag:1(a)(ii)(A)",
            "--criterion",
            "uk-ghr:4(2)(b)",
            "--argument",
            "He ordered the beating of detainees at the gate (E-001, E-002).",
            "--exhibit",
            &e1,
            "--exhibit",
            &e2,
            "--nexus",
            "Owns a flat in London",
            "--exculpatory",
            "Denies being present on 14 March",
        ])
        .ok();
        case.run(&[
            "event",
            "add",
            "2019-03-14",
            "Beating of detainees at the gate",
            "--location",
            "Qelvaran",
            "--subject",
            "S-001:ordered it",
            "--exhibit",
            &e1,
            "--exhibit",
            &e2,
        ])
        .ok();
        case.run(&[
            "signatory",
            "add",
            "Norzhavia Justice Project",
            "--role",
            "lead",
            "--country",
            "NL",
            "--contact",
            "J. Doe",
            "--email",
            "legal@example.org",
        ])
        .ok();
        case
    }
}

/// Whether an independent checker (sha256sum, ...) can be run. Missing, it skips the assertion
/// with a message, or fails the test when `DOSSIER_REQUIRE_CHECKERS=1` (as CI sets it).
pub fn checker(program: &str) -> bool {
    let found = Command::new(program).arg("--version").output().is_ok();
    if !found {
        if std::env::var("DOSSIER_REQUIRE_CHECKERS").as_deref() == Ok("1") {
            panic!("{program} is required (DOSSIER_REQUIRE_CHECKERS=1) but not installed");
        }
        eprintln!("skipped: {program} is not installed");
    }
    found
}

/// The SHA-256 of a file according to `sha256sum` (a tool nobody here wrote), if installed.
pub fn sha256sum(path: &Path) -> Option<String> {
    if !checker("sha256sum") {
        return None;
    }
    let output = Command::new("sha256sum").arg(path).output().unwrap();
    assert!(output.status.success());
    Some(
        String::from_utf8(output.stdout)
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap()
            .to_string(),
    )
}

/// The date every test dossier is sealed with.
pub const DATE: &str = "2026-11-21";

impl TestCase {
    /// Runs `dossier build --date DATE --out <tmp>/out ARGS`.
    pub fn build(&self, args: &[&str]) -> Run {
        let out = self.out_dir();
        let mut all = vec!["build", "--date", DATE, "--out", out.to_str().unwrap()];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// Where test dossiers are written.
    pub fn out_dir(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    /// The dossier zip of a profile.
    pub fn zip(&self, profile: &str) -> PathBuf {
        self.out_dir().join(format!("VD-2024-{profile}-{DATE}.zip"))
    }

    /// The unpacked bag of a profile (built with --unpacked).
    pub fn bag(&self, profile: &str) -> PathBuf {
        self.out_dir().join(format!("VD-2024-{profile}-{DATE}"))
    }
}

/// Edits a file in place, replacing every `from` (which must be there) by `to`.
#[track_caller]
pub fn replace_in(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

/// Runs an independent tool; `None` if it is not installed (and allowed to be missing).
pub fn tool(program: &str, args: &[&str], dir: &Path) -> Option<std::process::Output> {
    if !checker(program) {
        return None;
    }
    Some(
        Command::new(program)
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap(),
    )
}

/// `bagit.py --validate` on a bag folder: `Some(valid)` if bagit.py is installed.
pub fn bagit_valid(bag: &Path) -> Option<bool> {
    tool(
        "bagit.py",
        &["--validate", bag.to_str().unwrap()],
        bag.parent().unwrap(),
    )
    .map(|o| o.status.success())
}

/// Copies a folder tree.
pub fn copy_tree(from: &Path, to: &Path) {
    copy_tree_except(from, to, &[]);
}

/// Copies a folder tree but for the files and folders at the paths `leave_out` (relative to
/// `from`). Permissions go with the bytes: a private key stays private.
fn copy_tree_except(from: &Path, to: &Path, leave_out: &[&str]) {
    let kept = walkdir::WalkDir::new(from)
        .into_iter()
        .filter_entry(|e| !leave_out.iter().any(|p| e.path() == from.join(p)));
    for entry in kept {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Something expensive to make (a sealed dossier, a coalition's keys), made once per test run
/// and copied into each test's own temporary folder, which the test may change at will.
pub struct Fixture {
    name: &'static str,
    make: fn() -> TempDir,
    made: OnceLock<PathBuf>,
}

impl Fixture {
    /// `make` builds the fixture in a temporary folder of its own, as a test would.
    pub const fn new(name: &'static str, make: fn() -> TempDir) -> Fixture {
        Fixture {
            name,
            make,
            made: OnceLock::new(),
        }
    }

    /// A new temporary folder holding a copy of the fixture.
    pub fn copy(&self) -> TempDir {
        self.copy_except(&[])
    }

    /// A new temporary folder holding a copy of the fixture but for the paths `leave_out`.
    pub fn copy_except(&self, leave_out: &[&str]) -> TempDir {
        let made = self.made.get_or_init(|| {
            let made = fixtures().join(self.name);
            copy_tree((self.make)().path(), &made);
            made
        });
        let dir = tempfile::tempdir().unwrap();
        copy_tree_except(made, dir.path(), leave_out);
        dir
    }
}

/// This run's folder of fixtures, under cargo's `target/tmp`. A static is never dropped, so the
/// folder outlives the run: the run holds a lock on it while it lasts, and a later run removes
/// every such folder whose lock it can take.
fn fixtures() -> &'static Path {
    static FIXTURES: OnceLock<(PathBuf, std::fs::File)> = OnceLock::new();
    let (path, _lock) = FIXTURES.get_or_init(|| {
        let all = Path::new(env!("CARGO_TARGET_TMPDIR"));
        for entry in std::fs::read_dir(all).unwrap().flatten() {
            let lock = std::fs::File::open(entry.path().join(".lock"));
            let left = entry.file_name().to_string_lossy().starts_with("fixtures-")
                && lock.is_ok_and(|lock| lock.try_lock().is_ok());
            if left {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        let path = tempfile::Builder::new()
            .prefix("fixtures-")
            .tempdir_in(all)
            .unwrap()
            .keep();
        let lock = std::fs::File::create(path.join(".lock")).unwrap();
        lock.lock().unwrap();
        (path, lock)
    });
    path
}

/// The case `TestCase::complete` copies.
pub static COMPLETE: Fixture = Fixture::new("complete", || TestCase::make_complete().dir);

/// The complete case sealed with `build --unpacked`, dated DATE: `out/` holds the zip and the bag.
pub static SEALED: Fixture = Fixture::new("sealed", || {
    let case = TestCase::complete();
    case.build(&["--unpacked"]).ok();
    case.dir
});

/// A copy of the complete case sealed with `build --unpacked`: `(case, bag)`.
pub fn sealed() -> (TestCase, PathBuf) {
    let case = TestCase::copy_of(&SEALED);
    let bag = case.bag("full");
    (case, bag)
}

/// A copy of the complete case sealed with `build` (the zip alone): `(case, zip)`.
pub fn sealed_zip() -> (TestCase, PathBuf) {
    let case = TestCase {
        dir: SEALED.copy_except(&[&format!("out/VD-2024-full-{DATE}")]),
    };
    let zip = case.zip("full");
    (case, zip)
}

/// Seals the sample copy's case into `out/`, dated 2026-11-21.
pub fn build_sample(dir: &Path, extra: &[&str]) {
    build_sample_into(dir, "out", DATE, extra);
}

/// Seals the sample copy's case into the folder `out` beside it, dated `date`.
pub fn build_sample_into(dir: &Path, out: &str, date: &str, extra: &[&str]) {
    let out = format!("../{out}");
    let mut args = vec!["-C", "case", "build", "--date", date, "--out", &out];
    args.extend_from_slice(extra);
    dossier_in(dir, &args).ok();
}

/// A copy of the shipped sample case, as `case/` in a temporary folder.
pub fn sample() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("evidence-samples/sample-case"),
        &dir.path().join("case"),
    );
    dir
}

/// The sample case sealed into `out/` twice, dated DATE: with `--unpacked`, then with
/// `--profile public` (the zip alone).
pub static SAMPLE_SEALED: Fixture = Fixture::new("sample-sealed", || {
    let dir = sample();
    build_sample(dir.path(), &["--unpacked"]);
    build_sample(dir.path(), &["--profile", "public"]);
    dir
});

/// A seeded generator (xorshift): the same inputs every run.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, from: &'a [T]) -> &'a T {
        &from[self.below(from.len())]
    }
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

impl From<std::process::Output> for Run {
    fn from(output: std::process::Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// An organisation's key to make with `dossier key generate`: its name, the file name under
/// `keys/`, and the passphrase protecting it, if any.
pub struct KeySpec<'a> {
    pub org: &'a str,
    pub name: &'a str,
    pub passphrase: Option<&'a str>,
}

impl TestCase {
    /// Makes `keys/NAME` and `keys/NAME.pub` outside the case for every organisation, all at once.
    pub fn generate_keys(&self, keys: &[KeySpec]) {
        std::fs::create_dir_all(self.outside("keys")).unwrap();
        let children: Vec<_> = keys
            .iter()
            .map(|key| {
                let mut command = Command::new(env!("CARGO_BIN_EXE_dossier"));
                command
                    .args(["key", "generate", "--org", key.org, "--out"])
                    .arg(self.outside(&format!("keys/{}", key.name)))
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped());
                if let Some(passphrase) = key.passphrase {
                    command
                        .arg("--passphrase")
                        .env("DOSSIER_PASSPHRASE", passphrase);
                }
                command.spawn().unwrap()
            })
            .collect();
        for child in children {
            let output = child.wait_with_output().unwrap();
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }

    /// The path of the private key `keys/NAME`.
    pub fn key(&self, name: &str) -> String {
        self.outside(&format!("keys/{name}"))
            .to_string_lossy()
            .into_owned()
    }

    /// Writes `allowed_signers` outside the case: one line per (principal, key name), limited to
    /// the "dossier" namespace as `key generate` prints it, after `header`.
    pub fn allowed_signers(&self, header: &str, lines: &[(&str, &str)]) -> PathBuf {
        let mut text = header.to_string();
        for (principal, key) in lines {
            let public = std::fs::read_to_string(format!("{}.pub", self.key(key))).unwrap();
            text.push_str(&format!("{principal} namespaces=\"dossier\" {public}"));
        }
        let path = self.outside("allowed_signers");
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Runs `dossier -C CASE ARGS` with a key's passphrase in the environment.
    pub fn run_with_passphrase(&self, args: &[&str], passphrase: &str) -> Run {
        Command::new(env!("CARGO_BIN_EXE_dossier"))
            .arg("-C")
            .arg(self.root())
            .args(args)
            .env("DOSSIER_ACTOR", "test paralegal")
            .env("DOSSIER_PASSPHRASE", passphrase)
            .output()
            .unwrap()
            .into()
    }
}

/// `ssh-keygen -Y verify` of a signature over a message in the "dossier" namespace; `None` if
/// ssh-keygen is not installed.
pub fn ssh_keygen_verify(
    allowed: &Path,
    principal: &str,
    signature: &Path,
    message: &[u8],
) -> Option<bool> {
    if !checker("ssh-keygen") {
        return None;
    }
    let mut child = Command::new("ssh-keygen")
        .args(["-Y", "verify", "-n", "dossier", "-I", principal, "-f"])
        .arg(allowed)
        .arg("-s")
        .arg(signature)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // ssh-keygen may exit before reading the message (an unreadable signature): no pipe error.
    let _ = std::io::Write::write_all(child.stdin.as_mut().unwrap(), message);
    Some(child.wait_with_output().unwrap().status.success())
}
