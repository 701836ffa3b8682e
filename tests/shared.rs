//! A case a team shares: commands at once, commands killed or interrupted, special files and
//! names no auditor's tool can carry, ids past E-999.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::harness::{Run, TestCase};

/// `dossier -C <case> ARGS` with extra environment, started and not waited for.
fn spawn(case: &TestCase, args: &[&str], env: &[(&str, &str)]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_dossier"))
        .arg("-C")
        .arg(case.root())
        .args(args)
        .envs(env.iter().copied())
        .env("DOSSIER_ACTOR", "test paralegal")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs")
}

fn finish(child: Child) -> Run {
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// `dossier -C <case> ARGS` with extra environment.
fn run_with(case: &TestCase, args: &[&str], env: &[(&str, &str)]) -> Run {
    finish(spawn(case, args, env))
}

/// What `check` says about the case's integrity: custody log damage, exhibits missing or
/// changed, files offered for registration.
fn integrity_findings(case: &TestCase) -> Vec<String> {
    let report = case.run(&["check", "--json"]).json();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let place = f["place"].as_str().unwrap_or_default();
            let message = f["message"].as_str().unwrap_or_default();
            place.starts_with("custody")
                || message.contains("custody")
                || message.contains("not registered")
                || message.contains("missing")
                || message.contains("changed")
        })
        .map(Value::to_string)
        .collect()
}

fn evidence_names(case: &TestCase) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(case.root().join("evidence"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A folder outside the case with `count` files of `size` bytes (distinct content).
fn folder_of(case: &TestCase, name: &str, count: usize, size: usize) -> PathBuf {
    let dir = case.outside(name);
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..count {
        let mut bytes = vec![(i % 251) as u8; size];
        bytes[..8].copy_from_slice(&(i as u64).to_le_bytes());
        std::fs::write(dir.join(format!("file {i:03}.bin")), bytes).unwrap();
    }
    dir
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([name, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn twenty_parallel_exhibit_adds_register_all_twenty_and_keep_the_chain() {
    let case = TestCase::new();
    let files: Vec<PathBuf> = (0..20)
        .map(|i| {
            let path = case.outside(&format!("statement {i}.txt"));
            std::fs::write(&path, format!("statement {i} (fictional)")).unwrap();
            path
        })
        .collect();
    let children: Vec<Child> = files
        .iter()
        .map(|f| spawn(&case, &["exhibit", "add", f.to_str().unwrap()], &[]))
        .collect();
    let runs: Vec<Run> = children.into_iter().map(finish).collect();
    for run in runs {
        run.ok();
    }
    let listed = case.run(&["exhibit", "list", "--json"]).json();
    let mut ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    ids.sort();
    let expected: Vec<String> = (1..=20).map(|i| format!("E-{i:03}")).collect();
    assert_eq!(ids, expected);
    assert_eq!(integrity_findings(&case), Vec::<String>::new());
    // init, then a copy and an intake line per file, then the check above.
    assert_eq!(case.read("custody.jsonl").lines().count(), 1 + 40 + 1);
}

#[test]
fn ten_parallel_subject_adds_all_remain() {
    let case = TestCase::new();
    let children: Vec<Child> = (0..10)
        .map(|i| spawn(&case, &["subject", "add", &format!("Official {i}")], &[]))
        .collect();
    for child in children {
        finish(child).ok();
    }
    let subjects = case.run(&["subject", "list", "--json"]).json();
    assert_eq!(subjects.as_array().unwrap().len(), 10);
    assert_eq!(integrity_findings(&case), Vec::<String>::new());
}

/// Holds the case's lock from the test, as another dossier command would.
fn hold_lock(case: &TestCase, exclusive: bool) -> std::fs::File {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(case.root().join(".dossier.lock"))
        .unwrap();
    if exclusive {
        file.lock().unwrap();
        file.set_len(0).unwrap();
        write!(
            file,
            "pid 4242 `dossier exhibit add big-folder` since 2026-11-30T10:00:00Z"
        )
        .unwrap();
    } else {
        file.lock_shared().unwrap();
    }
    file
}

#[test]
fn a_second_writer_waits_saying_so_then_gives_up_naming_the_holder() {
    let case = TestCase::new();
    let before = case.snapshot();
    let held = hold_lock(&case, true);
    let quick = [("DOSSIER_LOCK_TIMEOUT", "0.3")];
    for args in [
        &["subject", "add", "Official"][..],
        &["exhibit", "list"],
        &["check"],
    ] {
        run_with(&case, args, &quick).exits(2).stderr_has(&[
            "waiting for another dossier command on this case...",
            "pid 4242 `dossier exhibit add big-folder` since 2026-11-30T10:00:00Z",
            "DOSSIER_LOCK_TIMEOUT",
        ]);
    }
    held.set_len(0).unwrap(); // as a dossier command leaves it
    drop(held);
    assert!(
        before == case.snapshot(),
        "a command that gave up changed a file"
    );

    // Readers share the case; a writer waits for them, and goes on once they are done.
    let reader = hold_lock(&case, false);
    run_with(&case, &["exhibit", "list"], &quick).ok();
    run_with(&case, &["subject", "add", "Official"], &quick)
        .exits(2)
        .stderr_has(&["another dossier command reading it"]);
    let waiting = spawn(&case, &["subject", "add", "Official"], &[]);
    std::thread::sleep(Duration::from_millis(300));
    drop(reader);
    finish(waiting)
        .ok()
        .stderr_has(&["waiting for another dossier command on this case..."]);
    assert_eq!(case.case_json()["subjects"].as_array().unwrap().len(), 1);
}

#[test]
fn kill_9_at_any_moment_of_an_exhibit_add_leaves_the_case_consistent() {
    let case = TestCase::new();
    let folder = folder_of(&case, "seized phone", 120, 64 * 1024);
    for ms in [0, 5, 15, 30, 60, 100, 160, 250] {
        let child = spawn(&case, &["exhibit", "add", folder.to_str().unwrap()], &[]);
        std::thread::sleep(Duration::from_millis(ms));
        signal(&child, "-KILL");
        finish(child);
        // The next command finishes or drops what the killed one was doing, and check (which
        // writes, so it also cleans up) finds nothing wrong with the evidence or the log.
        assert_eq!(
            integrity_findings(&case),
            Vec::<String>::new(),
            "killed after {ms} ms"
        );
        assert!(
            !evidence_names(&case)
                .iter()
                .any(|n| n.starts_with(".dossier-")),
            "temporary files left after {ms} ms: {:?}",
            evidence_names(&case)
        );
        let registered = case.case_json()["exhibits"].as_array().unwrap().len();
        if registered == 120 {
            break;
        }
        assert_eq!(registered, 0, "an exhibit add is all or nothing");
    }
    // Unless one of the runs finished before its kill, the next add works and registers the
    // whole folder.
    if case.case_json()["exhibits"].as_array().unwrap().len() < 120 {
        let run = case.run(&["exhibit", "add", folder.to_str().unwrap()]).ok();
        assert!(run.stdout.lines().count() >= 120);
    }
    assert_eq!(case.case_json()["exhibits"].as_array().unwrap().len(), 120);
    assert_eq!(integrity_findings(&case), Vec::<String>::new());
}

#[test]
fn ctrl_c_during_an_exhibit_add_leaves_no_temporary_file() {
    let case = TestCase::new();
    let folder = folder_of(&case, "archive", 200, 128 * 1024);
    let before = case.read("case.json");
    for ms in [40, 120] {
        let child = spawn(&case, &["exhibit", "add", folder.to_str().unwrap()], &[]);
        std::thread::sleep(Duration::from_millis(ms));
        signal(&child, "-INT");
        let run = finish(child);
        if run.code == 0 {
            continue; // finished before the signal: nothing to clean
        }
        // Straight after, before any other command ran.
        assert_eq!(evidence_names(&case), Vec::<String>::new(), "after {ms} ms");
        assert_eq!(case.read("case.json"), before);
    }
}

#[test]
fn a_killed_runs_temporary_files_are_removed_and_never_offered_for_registration() {
    let case = TestCase::complete();
    case.write("evidence/.dossier-copy-Ab12Cd", "half a copy");
    case.write("evidence/.dossier-notes", "not ours to remove");
    case.write(".dossier-save-Xy98Zw", "half a case.json");
    let report = case.run(&["check", "--json"]).json();
    assert!(!report.to_string().contains(".dossier-copy-"), "{report}");
    assert!(!case.root().join("evidence/.dossier-copy-Ab12Cd").exists());
    assert!(!case.root().join(".dossier-save-Xy98Zw").exists());
    assert!(case.root().join("evidence/.dossier-notes").exists());

    // A killed build's part is removed by the next build of that folder; nothing else is.
    let out = case.root().join("dossiers");
    std::fs::create_dir_all(&out).unwrap();
    let part = out.join(".VD-2024-full-2026-01-01.zip.Qw3rTy.zip.part");
    std::fs::write(&part, "half a zip").unwrap();
    std::fs::write(out.join(".keep.zip.partial"), "mine").unwrap();
    case.run(&["build", "--date", "2026-01-01"]).ok();
    assert!(!part.exists());
    assert!(out.join(".keep.zip.partial").exists());
}

#[test]
fn a_log_without_its_final_newline_keeps_its_chain() {
    let case = TestCase::new();
    case.run(&["subject", "add", "Official"]).ok();
    let log = case.read("custody.jsonl");
    case.write("custody.jsonl", log.trim_end_matches('\n'));
    case.run(&["check"]);
    case.run(&["subject", "add", "Second official"]).ok();
    let log = case.read("custody.jsonl");
    assert!(log.ends_with('\n') && !log.contains("}{"), "{log}");
    assert_eq!(integrity_findings(&case), Vec::<String>::new());
}

#[test]
fn special_files_are_refused_at_once_and_never_read() {
    let case = TestCase::new();
    // Outside the test's folder: `refuses` reads every file there to prove nothing changed.
    let elsewhere = tempfile::tempdir().unwrap();
    let fifo = elsewhere.path().join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let folder = elsewhere.path().join("with a pipe");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("statement.txt"), "fine").unwrap();
    std::fs::rename(&fifo, folder.join("pipe")).unwrap();
    case.refuses(
        &["exhibit", "add", folder.to_str().unwrap()],
        &[
            "with a pipe/pipe is a FIFO (named pipe), not a regular file",
            "was not read",
        ],
    );
    case.refuses(
        &["exhibit", "add", folder.join("pipe").to_str().unwrap()],
        &["is a FIFO (named pipe)"],
    );
    case.refuses(
        &["exhibit", "add", "/dev/zero"],
        &["/dev/zero is a character device, not a regular file"],
    );
}

#[test]
fn names_no_auditor_tool_can_carry_are_refused_at_intake_with_the_fix() {
    let case = TestCase::new();
    let long = format!("{}.txt", "x".repeat(247));
    let table = [
        ("back\\slash.txt", "holds a backslash", "`back_slash.txt`"),
        (
            "tab\there.txt",
            "control character U+0009",
            "`tab_here.txt`",
        ),
        (
            "trailing space ",
            "ends with a space or a dot",
            "`trailing space`",
        ),
        (
            "trailing dot.",
            "ends with a space or a dot",
            "`trailing dot`",
        ),
        (
            long.as_str(),
            "with its exhibit id it would be 257",
            "rename the file",
        ),
    ];
    for (name, why, fix) in table {
        let outside = case.outside(name);
        std::fs::write(&outside, name).unwrap();
        case.refuses(
            &["exhibit", "add", outside.to_str().unwrap()],
            &[why, fix, "nothing was changed"],
        );
        let inside = case.write(&format!("evidence/{name}"), name);
        case.refuses(&["exhibit", "add", inside.to_str().unwrap()], &[why]);
        std::fs::remove_file(inside).unwrap();
    }
    // 255 bytes with its id is fine, and build agrees.
    let fits = format!("{}.txt", "y".repeat(245));
    let path = case.write(&format!("evidence/{fits}"), "fits");
    case.run(&["exhibit", "add", path.to_str().unwrap()]).ok();
    case.run(&["build", "--draft", "--date", "2026-01-01"]).ok();
}

fn set_exhibit_id(case: &TestCase, id: &str) {
    let mut json = case.case_json();
    json["exhibits"][0]["id"] = Value::String(id.to_string());
    case.write("case.json", serde_json::to_string_pretty(&json).unwrap());
}

#[test]
fn ids_grow_past_e_999_and_e_999999999_in_a_form_the_loader_reads() {
    let case = TestCase::new();
    case.exhibit("a.txt", "a");
    set_exhibit_id(&case, "E-999");
    assert_eq!(case.exhibit("b.txt", "b"), "E-1000");
    case.run(&["exhibit", "list"]).ok();
    set_exhibit_id(&case, "E-999999999");
    assert_eq!(case.exhibit("c.txt", "c"), "E-1000000000");
    case.run(&["exhibit", "list"])
        .ok()
        .stdout_has(&["E-1000000000"]);

    case.run(&["subject", "add", "Official"]).ok();
    case.run(&["event", "add", "2020", "Arrest"]).ok();
    let mut json = case.case_json();
    json["subjects"][0]["id"] = Value::String("S-999999999".to_string());
    json["events"][0]["id"] = Value::String("V-999999999".to_string());
    case.write("case.json", serde_json::to_string_pretty(&json).unwrap());
    let subject = case.run(&["subject", "add", "Second official"]).ok();
    assert!(
        subject.stdout.starts_with("S-1000000000"),
        "{}",
        subject.stdout
    );
    let event = case.run(&["event", "add", "2021", "Trial"]).ok();
    assert!(event.stdout.starts_with("V-1000000000"), "{}", event.stdout);
    case.run(&["check"]).stdout_has(&["S-1000000000"]);
}

#[test]
fn import_dash_reads_standard_input() {
    use std::io::Write;
    let case = TestCase::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args([
            "-C",
            case.root().to_str().unwrap(),
            "import",
            "-",
            "--as",
            "subjects",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"name,kind\nOfficial One,person\nAcme Holdings,entity\n")
        .unwrap();
    finish(child)
        .ok()
        .stdout_has(&["imported 2 rows from standard input: S-001, S-002"]);
    assert_eq!(case.case_json()["subjects"][1]["kind"], "entity");
}

/// How to run a shell script in a private mount namespace, where it may mount a small tmpfs:
/// `unshare -rm` (an unprivileged user namespace) or, for root where user namespaces are off,
/// `unshare -m`. `None` (the test is skipped, or fails under DOSSIER_REQUIRE_CHECKERS=1) if
/// neither can mount one here.
fn private_mount() -> Option<Vec<&'static str>> {
    let probe = tempfile::tempdir().unwrap();
    for prefix in [vec!["unshare", "-rm"], vec!["unshare", "-m"]] {
        let mounted = Command::new(prefix[0])
            .args(&prefix[1..])
            .args(["sh", "-c", "mount -t tmpfs -o size=64k tmpfs \"$0\""])
            .arg(probe.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if mounted.is_ok_and(|s| s.success()) {
            return Some(prefix);
        }
    }
    let why = "cannot mount a small tmpfs in a private mount namespace (`unshare -rm` needs user \
               namespaces, `unshare -m` root): the full-disk test needs one";
    if std::env::var("DOSSIER_REQUIRE_CHECKERS").as_deref() == Ok("1") {
        panic!("{why} (DOSSIER_REQUIRE_CHECKERS=1)");
    }
    eprintln!("skipped: {why}");
    None
}

#[test]
fn a_full_disk_fails_cleanly_and_the_next_command_works_once_space_is_freed() {
    // A real full disk, not a simulated one: the case lives on a 2 MiB tmpfs mounted in a
    // private mount namespace (nothing outside the test sees it, and it goes with the
    // namespace), and everything happens in one script inside it. Each step's exit code, error
    // and a copy of the case go to `out/` on the ordinary disk, for the assertions below.
    let Some(prefix) = private_mount() else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let (mnt, out) = (work.path().join("mnt"), work.path().join("out"));
    std::fs::create_dir_all(&mnt).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    // Random bytes do not compress, and 3 MB do not fit on 2 MiB.
    let big = work.path().join("interview.mp4");
    let mut bytes = vec![0u8; 3_000_000];
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for b in bytes.iter_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
    std::fs::write(&big, bytes).unwrap();
    std::fs::write(work.path().join("a.txt"), "statement A (fictional)").unwrap();
    std::fs::write(work.path().join("b.txt"), "statement B (fictional)").unwrap();
    let script = r#"
set -u
D=$1 MNT=$2 OUT=$3 WORK=$4
mount -t tmpfs -o size=2M tmpfs "$MNT" || exit 99
cd "$MNT" || exit 99
step() { # NAME ARGS...: run dossier on the case, keep its exit code, stderr and the case
  name=$1; shift
  "$D" -C case "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
  echo $? >"$OUT/$name.rc"
  cp -a case "$OUT/$name.case"
}
# Fills the disk but for $1 blocks of 4 KiB.
fill() {
  rm -f "$MNT/filler"
  free=$(df -B4096 --output=avail "$MNT" | tail -n 1 | tr -d ' ')
  [ "$free" -gt "$1" ] && dd if=/dev/zero of="$MNT/filler" bs=4096 count=$((free - $1)) 2>/dev/null
  true
}
"$D" init case --title "Full disk (fictional)" --id FD-2026 --regime us-glomag >/dev/null || exit 98
"$D" -C case exhibit add "$WORK/a.txt" >/dev/null || exit 98
cp -a case "$OUT/start.case"
step add-big exhibit add "$WORK/interview.mp4"
# A command that writes needs a block for the lock file's note, one for the staged case.json, one
# for the journal, and one more when its custody entries cross a block boundary of the log. So
# the log is first brought to within one `check` entry of a boundary, and then, with 0 to 4
# blocks left, each `check` fails at a different write: 3 is the append to the log itself.
pad() {
  i=0
  while [ $(( $(stat -c %s case/custody.jsonl) % 4096 )) -lt $((4096 - 240)) ] && [ $i -lt 60 ]; do
    "$D" -C case check >/dev/null 2>&1
    i=$((i + 1))
  done
}
for n in 0 1 2 3 4; do
  rm -f "$MNT/filler"
  pad
  fill $n
  cp -a case "$OUT/before-check-$n.case"
  step check-$n check
  cp -a case "$OUT/before-subject-$n.case"
  step subject-$n subject add "Person $n (fictional)"
done
rm -f "$MNT/filler"
step add-after exhibit add "$WORK/b.txt"
step check-after check --json
"#;
    let status = Command::new(prefix[0])
        .args(&prefix[1..])
        .args(["sh", "-c", script, "sh", env!("CARGO_BIN_EXE_dossier")])
        .args([&mnt, &out, &work.path().to_path_buf()])
        .env("DOSSIER_ACTOR", "test paralegal")
        .status()
        .unwrap();
    assert!(status.success(), "the script could not set up the case");

    let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap_or_default();
    let code = |step: &str| read(&format!("{step}.rc")).trim().parse::<i32>().unwrap();
    let files = |case: &str| -> Vec<(String, Vec<u8>)> {
        let mut found = Vec::new();
        for dir in ["", "evidence"] {
            for entry in std::fs::read_dir(out.join(case).join(dir)).unwrap() {
                let entry = entry.unwrap();
                if entry.file_type().unwrap().is_file() {
                    let name = format!("{dir}/{}", entry.file_name().to_string_lossy());
                    found.push((name, std::fs::read(entry.path()).unwrap()));
                }
            }
        }
        found.sort();
        found
    };
    let names = |case: &str| -> Vec<String> { files(case).into_iter().map(|f| f.0).collect() };

    // The copy that does not fit: exit 2, a message that says the disk is full and what to do,
    // and the case exactly as it was (no part-copy in evidence/, no staged case.json).
    assert_eq!(code("add-big"), 2, "{}", read("add-big.err"));
    let err = read("add-big.err");
    assert!(
        err.contains("interview.mp4") && err.contains("the disk is full: free some space"),
        "{err}"
    );
    assert!(
        files("add-big.case") == files("start.case"),
        "{:?}",
        names("add-big.case")
    );

    let mut failed = 0;
    let mut log_append_failed = false;
    for n in 0..5 {
        for step in [format!("check-{n}"), format!("subject-{n}")] {
            let before = format!("before-{step}.case");
            let after = format!("{step}.case");
            match code(&step) {
                2 => {
                    failed += 1;
                    let err = read(&format!("{step}.err"));
                    assert!(
                        err.contains("the disk is full: free some space"),
                        "{step}: {err}"
                    );
                    log_append_failed |=
                        err.contains("cannot append to") && err.contains("custody.jsonl");
                    // The lock file's content may differ; nothing else may.
                    let strip = |case: &str| {
                        files(case)
                            .into_iter()
                            .filter(|f| f.0 != "/.dossier.lock")
                            .collect::<Vec<_>>()
                    };
                    assert!(
                        strip(&after) == strip(&before),
                        "{step} changed the case: {:?} became {:?}",
                        names(&before),
                        names(&after)
                    );
                }
                0 | 1 => {}
                other => panic!("{step} exited {other}: {}", read(&format!("{step}.err"))),
            }
            // Done or not, no temporary file of ours is left behind.
            assert!(
                names(&after)
                    .iter()
                    .all(|n| !n.contains(".dossier-") || n.ends_with(".dossier.lock")),
                "{step}: {:?}",
                names(&after)
            );
        }
    }
    assert!(
        failed >= 2,
        "the disk was never full: the test proves nothing"
    );
    assert!(
        log_append_failed,
        "no append to the custody log ran out of space: {:?}",
        (0..5)
            .map(|n| read(&format!("check-{n}.err")))
            .collect::<Vec<_>>()
    );

    // Space freed: the next command works, and the case is whole.
    assert_eq!(code("add-after"), 0, "{}", read("add-after.err"));
    assert_eq!(code("check-after"), 1, "{}", read("check-after.err"));
    let report: Value = serde_json::from_str(&read("check-after.out")).unwrap();
    let damage: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let text = f.to_string();
            text.contains("custody") || text.contains("not registered") || text.contains("missing")
        })
        .collect();
    assert!(damage.is_empty(), "{damage:#?}");
    assert_eq!(report["exhibits_hashed"], 2);
    assert!(
        names("check-after.case")
            .iter()
            .all(|n| !n.contains(".dossier-") || n.ends_with(".dossier.lock")),
        "{:?}",
        names("check-after.case")
    );
}
