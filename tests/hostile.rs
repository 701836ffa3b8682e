//! Hostile and misleading dossiers (issue 11): signatures that do not count, signed dossiers
//! that `build --force` must not replace, zips that are not exactly what was sealed, and
//! manifests built to exhaust memory. Each verdict is compared with a stock tool where one exists.

use std::path::{Path, PathBuf};

use crate::harness::{KeySpec, Run, TestCase, ssh_keygen_verify, tool};

pub(crate) const NAP: &str = "Norzhavia Accountability Project";
pub(crate) const QPFT: &str = "Quillwater Press Freedom Trust";

/// A sealed dossier (zip and unpacked folder) and two organisations' keys, no passphrases.
pub(crate) struct Coalition {
    pub(crate) case: TestCase,
}

impl Coalition {
    pub(crate) fn new() -> Coalition {
        let case = TestCase::complete();
        case.build(&["--unpacked"]).ok();
        case.generate_keys(&[
            KeySpec {
                org: NAP,
                name: "nap",
                passphrase: None,
            },
            KeySpec {
                org: QPFT,
                name: "qpft",
                passphrase: None,
            },
        ]);
        Coalition { case }
    }

    pub(crate) fn key(&self, name: &str) -> String {
        self.case.key(name)
    }

    pub(crate) fn sign(&self, dossier: &Path, key: &str, org: &str, role: &str) -> Run {
        self.case.run(&[
            "sign",
            dossier.to_str().unwrap(),
            "--key",
            &self.key(key),
            "--org",
            org,
            "--role",
            role,
        ])
    }

    /// allowed_signers naming both organisations' keys.
    pub(crate) fn allowed_signers(&self) -> PathBuf {
        self.case.allowed_signers(
            "",
            &[
                ("norzhavia-accountability-project", "nap"),
                ("quillwater-press-freedom-trust", "qpft"),
            ],
        )
    }

    pub(crate) fn verify(&self, dossier: &Path, extra: &[&str]) -> Run {
        let mut args = vec!["verify", dossier.to_str().unwrap()];
        args.extend_from_slice(extra);
        self.case.run(&args)
    }
}

/// The last line of a report: the verdict.
fn last_line(run: &Run) -> &str {
    run.stdout.lines().last().unwrap_or("")
}

#[test]
fn every_signature_valid_for_its_organisation_is_said_in_the_verdict() {
    let c = Coalition::new();
    let zip = c.case.zip("full");
    c.sign(&zip, "nap", NAP, "lead").ok();
    c.sign(&zip, "qpft", QPFT, "co-signer").ok();
    let allowed = c.allowed_signers();
    let run = c
        .verify(&zip, &["--allowed-signers", allowed.to_str().unwrap()])
        .ok();
    assert!(last_line(&run).starts_with("intact: "), "{}", run.stdout);
    assert!(
        last_line(&run).ends_with("; 2 of 2 signatures valid"),
        "{}",
        run.stdout
    );
    let report = c
        .verify(
            &zip,
            &["--allowed-signers", allowed.to_str().unwrap(), "--json"],
        )
        .ok()
        .json();
    let counts = &report["signature_counts"];
    assert_eq!(
        (counts["total"].as_u64(), counts["valid"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(counts["not_valid"].as_u64(), Some(0));
}

#[test]
fn a_signature_by_another_organisations_key_makes_the_dossier_not_intact() {
    let c = Coalition::new();
    let zip = c.case.zip("full");
    c.sign(&zip, "nap", NAP, "lead").ok();
    // QPFT's statement, signed with NAP's key: the key is allowed, but not for QPFT.
    c.sign(&zip, "nap", QPFT, "co-signer").ok();
    let allowed = c.allowed_signers();
    let run = c
        .verify(&zip, &["--allowed-signers", allowed.to_str().unwrap()])
        .exits(1)
        .stdout_has(&["not allowed: Quillwater Press Freedom Trust"]);
    assert!(
        last_line(&run).starts_with("NOT INTACT: 1 problem;")
            && last_line(&run)
                .ends_with("1 of 2 signatures not valid for the organisation it names"),
        "{}",
        run.stdout
    );
    let report = c
        .verify(
            &zip,
            &["--allowed-signers", allowed.to_str().unwrap(), "--json"],
        )
        .exits(1)
        .json();
    assert_eq!(report["intact"], false);
    assert_eq!(report["signature_counts"]["not_valid"].as_u64(), Some(1));
    assert_eq!(report["signature_counts"]["valid"].as_u64(), Some(1));
    // ssh-keygen, which nobody here wrote, agrees: not valid for QPFT's principal.
    let bag = c.case.bag("full");
    c.sign(&bag, "nap", QPFT, "co-signer").ok();
    let statement =
        std::fs::read(bag.join("signatures/quillwater-press-freedom-trust.statement.txt")).unwrap();
    let signature = bag.join("signatures/quillwater-press-freedom-trust.sig");
    if let Some(ok) = ssh_keygen_verify(
        &allowed,
        "quillwater-press-freedom-trust",
        &signature,
        &statement,
    ) {
        assert!(
            !ok,
            "ssh-keygen accepts a signature by another organisation's key"
        );
    }
    c.verify(&bag, &["--allowed-signers", allowed.to_str().unwrap()])
        .exits(1);
}

#[test]
fn a_signature_missing_from_allowed_signers_fails_and_unchecked_ones_are_counted() {
    let c = Coalition::new();
    let zip = c.case.zip("full");
    c.sign(&zip, "nap", NAP, "lead").ok();
    c.sign(&zip, "qpft", QPFT, "co-signer").ok();
    let only_qpft = c.case.outside("only_qpft");
    let public = std::fs::read_to_string(format!("{}.pub", c.key("qpft"))).unwrap();
    std::fs::write(
        &only_qpft,
        format!("quillwater-press-freedom-trust {public}"),
    )
    .unwrap();
    let run = c
        .verify(
            &zip,
            &["--allowed-signers", only_qpft.to_str().unwrap(), "--quiet"],
        )
        .exits(1);
    assert!(
        last_line(&run).ends_with("1 of 2 signatures not valid for the organisation it names"),
        "{}",
        run.stdout
    );
    // Without the file nothing says whose keys these are: the summary says so, quiet or not.
    for extra in [&[][..], &["--quiet"][..]] {
        let run = c.verify(&zip, extra).ok();
        assert!(
            last_line(&run).ends_with(
                "; 2 signatures not checked: give --allowed-signers FILE to check whose keys made them"
            ),
            "{}",
            run.stdout
        );
    }
    let report = c.verify(&zip, &["--json"]).ok().json();
    assert_eq!(report["signature_counts"]["unchecked"].as_u64(), Some(2));
    assert_eq!(report["signature_counts"]["allowed_signers_given"], false);
}

#[test]
fn two_lead_signatures_are_a_problem() {
    let c = Coalition::new();
    let zip = c.case.zip("full");
    c.sign(&zip, "nap", NAP, "lead").ok();
    c.sign(&zip, "qpft", QPFT, "lead").ok();
    let allowed = c.allowed_signers();
    for extra in [
        &[][..],
        &["--allowed-signers", allowed.to_str().unwrap()][..],
    ] {
        c.verify(&zip, extra).exits(1).stdout_has(&[
            "2 signatures claim the role lead",
            NAP,
            QPFT,
            "--role co-signer",
        ]);
    }
}

#[test]
fn build_force_never_replaces_a_signed_dossier() {
    let c = Coalition::new();
    let (zip, bag) = (c.case.zip("full"), c.case.bag("full"));
    c.sign(&zip, "nap", NAP, "lead").ok();
    c.sign(&zip, "qpft", QPFT, "co-signer").ok();
    let before = std::fs::read(&zip).unwrap();
    c.case.build(&["--force"]).exits(2).stderr_has(&[
        "is signed by",
        NAP,
        QPFT,
        "never replaced",
        "another --date or --out",
    ]);
    assert_eq!(
        std::fs::read(&zip).unwrap(),
        before,
        "the signed zip changed"
    );

    // An unpacked signed folder is kept too, even with an unsigned zip beside it; a statement
    // that is not one still names its organisation by its file name.
    c.case.build(&["--force"]).exits(2);
    std::fs::remove_file(&zip).unwrap();
    c.sign(&bag, "qpft", QPFT, "co-signer").ok();
    std::fs::write(
        bag.join("signatures/tallowmere-legal.sig"),
        "not a signature",
    )
    .unwrap();
    c.case
        .build(&["--force", "--unpacked"])
        .exits(2)
        .stderr_has(&["is signed by", QPFT, "tallowmere-legal"]);
    assert!(!zip.exists(), "a refused build wrote the zip");
    assert!(bag.join("signatures/tallowmere-legal.sig").exists());
    // Without --unpacked the folder is not replaced, so the zip may be built.
    c.case.build(&["--force"]).ok();
    // An unsigned dossier is still replaced with --force.
    c.case.build(&["--force"]).ok();
}

/// A sealed zip's bytes, and the case that sealed it.
fn sealed_zip() -> (TestCase, Vec<u8>) {
    let case = TestCase::complete();
    case.build(&[]).ok();
    let bytes = std::fs::read(case.zip("full")).unwrap();
    (case, bytes)
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap()) as usize
}

/// The zip altered by `alter`: the first central directory record and its local header are
/// passed (their offsets) for flags and versions.
fn crafted(zip: &[u8], alter: impl Fn(&mut Vec<u8>, usize, usize)) -> Vec<u8> {
    let mut bytes = zip.to_vec();
    let central = zip.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    let local = u32_at(zip, central + 42);
    alter(&mut bytes, central, local);
    bytes
}

/// The zip with `bytes` inserted at `at` (the start of an entry, or of the central directory),
/// every offset after it moved so that the zip still reads: data hidden between entries.
fn with_bytes_inserted(zip: &[u8], at: usize, bytes: &[u8]) -> Vec<u8> {
    let end = zip.windows(4).rposition(|w| w == b"PK\x05\x06").unwrap();
    let (size, start) = (u32_at(zip, end + 12), u32_at(zip, end + 16));
    let mut out = [&zip[..at], bytes, &zip[at..]].concat();
    let shift = bytes.len();
    let moved = |offset: usize| if offset >= at { offset + shift } else { offset };
    let mut record = start;
    while record < start + size {
        let local = u32_at(zip, record + 42);
        let new = moved(record) + 42;
        out[new..new + 4].copy_from_slice(&(moved(local) as u32).to_le_bytes());
        record += 46
            + u16_at(zip, record + 28) as usize
            + u16_at(zip, record + 30) as usize
            + u16_at(zip, record + 32) as usize;
    }
    let new = moved(end) + 16;
    out[new..new + 4].copy_from_slice(&(moved(start) as u32).to_le_bytes());
    out
}

/// `unzip -t` on a file: `Some(passes)` if unzip is installed.
fn unzip_passes(path: &Path) -> Option<bool> {
    tool(
        "unzip",
        &["-tq", path.to_str().unwrap()],
        path.parent().unwrap(),
    )
    .map(|o| o.status.success())
}

#[test]
fn a_zip_is_intact_only_if_it_is_exactly_its_entries_and_directory() {
    let (case, zip) = sealed_zip();
    let end = zip.windows(4).rposition(|w| w == b"PK\x05\x06").unwrap();
    let set_flag = |flag: u16| {
        move |b: &mut Vec<u8>, central: usize, local: usize| {
            let f = u16_at(b, central + 8) | flag;
            b[central + 8..central + 10].copy_from_slice(&f.to_le_bytes());
            let f = u16_at(b, local + 6) | flag;
            b[local + 6..local + 8].copy_from_slice(&f.to_le_bytes());
        }
    };
    // Where the central directory starts, and the second entry in the file (offset, name).
    let directory = u32_at(&zip, end + 16);
    let mut locals: Vec<(usize, String)> = Vec::new();
    let mut record = directory;
    while zip[record..].starts_with(b"PK\x01\x02") {
        let name_len = u16_at(&zip, record + 28) as usize;
        let name = String::from_utf8_lossy(&zip[record + 46..record + 46 + name_len]);
        locals.push((u32_at(&zip, record + 42), name.into_owned()));
        record +=
            46 + name_len + u16_at(&zip, record + 30) as usize + u16_at(&zip, record + 32) as usize;
    }
    locals.sort();
    let (second_entry, second_name) = locals.swap_remove(1);
    let mut stub = b"#!/bin/sh\necho 'a polyglot stub'\nexit 0\n".to_vec();
    stub.resize(131, b'#');
    // (name, bytes, what verify says, whether unzip -t passes it)
    let inputs: Vec<(&str, Vec<u8>, String, bool)> = vec![
        (
            "prepended",
            [stub, zip.clone()].concat(),
            "131 bytes before the first entry (a prepended stub?), at offset 0 to 131".into(),
            false,
        ),
        (
            "encrypted",
            crafted(&zip, set_flag(1)),
            "the entry is marked encrypted".into(),
            false,
        ),
        (
            "version",
            crafted(&zip, |b, central, local| {
                b[central + 6] = 63;
                b[local + 4] = 63;
            }),
            "needs version 6.3 of the zip format".into(),
            false,
        ),
        // unzip -t passes these four, since every entry still reads; a dossier is stricter, as
        // the bytes are not what was sealed and may carry hidden data.
        (
            "appended",
            [zip.clone(), b"hidden data after the end record".to_vec()].concat(),
            format!("32 bytes follow the end of the zip (offset {}", zip.len()),
            true,
        ),
        (
            "comment",
            [&zip[..end + 20], &7u16.to_le_bytes()[..], b"comment"].concat(),
            "the zip carries a comment of 7 bytes".into(),
            true,
        ),
        (
            "between",
            with_bytes_inserted(&zip, second_entry, b"hidden between entries"),
            format!(
                "22 bytes before the entry {second_name}, at offset {second_entry} to {}: data that is no entry's",
                second_entry + 22
            ),
            true,
        ),
        (
            "before-directory",
            with_bytes_inserted(&zip, directory, b"hidden before the directory"),
            format!(
                "27 bytes between the last entry and the central directory, at offset {directory} to {}",
                directory + 27
            ),
            true,
        ),
    ];
    for (name, bytes, message, unzip_verdict) in inputs {
        let path = case.outside(&format!("{name}.zip"));
        std::fs::write(&path, &bytes).unwrap();
        let run = case
            .run(&["verify", path.to_str().unwrap()])
            .exits(1)
            .stdout_has(&["problem     zip: ", &message, "as `dossier build` wrote it"]);
        assert!(
            last_line(&run).starts_with("NOT INTACT"),
            "{name}: {}",
            run.stdout
        );
        if let Some(passes) = unzip_passes(&path) {
            assert_eq!(passes, unzip_verdict, "unzip -t on the {name} zip");
        }
    }
    // The zip as sealed: both say intact.
    let path = case.zip("full");
    case.run(&["verify", path.to_str().unwrap()]).ok();
    if let Some(passes) = unzip_passes(&path) {
        assert!(passes, "unzip -t rejects the sealed zip");
    }
}

/// The sealed zip with its manifest-sha256.txt replaced by `lines` copies of `line`, deflated
/// as hard as deflate goes (20 million short lines take about 40 KB).
fn zip_with_manifest_of(case: &TestCase, line: &[u8], lines: usize, to: &Path) {
    let chunk = line.repeat(64 * 1024);
    zip_with_manifest(case, to, |out| {
        for _ in 0..lines / (64 * 1024) {
            out.write_all(&chunk).unwrap();
        }
        out.write_all(&line.repeat(lines % (64 * 1024))).unwrap();
    });
}

/// The sealed zip with its manifest-sha256.txt replaced by what `write` writes, deflated.
fn zip_with_manifest(case: &TestCase, to: &Path, write: impl FnOnce(&mut dyn std::io::Write)) {
    let sealed = std::fs::File::open(case.zip("full")).unwrap();
    let mut sealed = zip::ZipArchive::new(sealed).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    let mut manifest = None;
    for i in 0..sealed.len() {
        let entry = sealed.by_index_raw(i).unwrap();
        let name = entry.name().unwrap().to_string();
        if name.ends_with("/manifest-sha256.txt") {
            manifest = Some(name);
            continue;
        }
        out.raw_copy_file(entry).unwrap();
    }
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    out.start_file(manifest.unwrap(), options).unwrap();
    write(&mut out);
    out.finish().unwrap();
}

/// Runs `dossier verify ARGS`; with GNU time installed, also its peak memory in KiB.
fn verify_measured(case: &TestCase, zip: &Path) -> (Run, Option<u64>, std::time::Duration) {
    let time = Path::new("/usr/bin/time");
    let started = std::time::Instant::now();
    let mut command = if time.exists() {
        let mut c = std::process::Command::new(time);
        c.arg("-v").arg(env!("CARGO_BIN_EXE_dossier"));
        c
    } else {
        std::process::Command::new(env!("CARGO_BIN_EXE_dossier"))
    };
    let output = command
        .args(["verify", "--quiet", zip.to_str().unwrap()])
        .current_dir(case.dir.path())
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let peak = stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.parse().ok());
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr,
    };
    (run, peak, elapsed)
}

#[test]
fn twenty_million_refused_manifest_lines_are_counted_not_stored() {
    let case = TestCase::complete();
    case.build(&[]).ok();
    let zip = case.outside("lines.zip");
    zip_with_manifest_of(&case, b"x\n", 20_000_000, &zip);
    // The 40 MB of lines add less than 100 KB to the zip.
    let grown =
        std::fs::metadata(&zip).unwrap().len() - std::fs::metadata(case.zip("full")).unwrap().len();
    assert!(grown < 100_000, "the lines take {grown} bytes");
    let (run, peak, elapsed) = verify_measured(&case, &zip);
    let run = run.exits(1).stdout_has(&[
        "problem     manifest-sha256.txt:1: refused: not `<sha256> <path>`",
        "problem     manifest-sha256.txt:20: refused",
        "and 19999980 more refused or repeated lines",
        "FAILED      manifest-sha256.txt",
    ]);
    assert!(
        !run.stdout.contains("manifest-sha256.txt:21:"),
        "{}",
        run.stdout
    );
    // Generous bounds for a debug build on a shared machine; docs/performance.md has the figures.
    assert!(elapsed.as_secs() < 60, "verify took {elapsed:?}");
    if let Some(kib) = peak {
        assert!(kib < 256 * 1024, "verify peaked at {kib} KiB");
    }
}

#[test]
fn a_manifest_of_192_mib_naming_missing_files_is_counted_in_bounded_memory() {
    let case = TestCase::complete();
    case.build(&[]).ok();
    let zip = case.outside("missing.zip");
    // Well-formed lines, each naming another file that is not in the zip, up to just under the
    // 192 MiB a manifest may have.
    let hash = "0".repeat(64);
    let prefix = format!("data/{}/", "a".repeat(40));
    let line = |i: usize| format!("{hash}  {prefix}{i:08}\n");
    let lines = (192 * 1024 * 1024 - 4096) / line(0).len();
    zip_with_manifest(&case, &zip, |out| {
        let mut batch = String::new();
        for i in 0..lines {
            batch.push_str(&line(i));
            if batch.len() > 1 << 20 {
                out.write_all(batch.as_bytes()).unwrap();
                batch.clear();
            }
        }
        out.write_all(batch.as_bytes()).unwrap();
    });
    let size = std::fs::metadata(&zip).unwrap().len();
    assert!(size < 8 << 20, "the zip takes {size} bytes");
    let (run, peak, elapsed) = verify_measured(&case, &zip);
    let counted = lines - 10_000;
    let run = run.exits(1).stdout_has(&[
        &format!("missing     {prefix}00000000  (expected sha256 {hash})"),
        &format!("missing     {prefix}00009999"),
        &format!(
            "problem     manifest-sha256.txt: and {counted} more lines name files that are not in the bag (only the first 10000 are listed as missing)"
        ),
    ]);
    assert!(
        !run.stdout.contains(&format!("{prefix}00010000")),
        "a missing file past the first 10000 is listed"
    );
    let listed = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("missing "))
        .count();
    assert_eq!(listed, 10_000);
    assert!(
        last_line(&run).starts_with("NOT INTACT"),
        "{}",
        last_line(&run)
    );
    // Generous bounds for a debug build on a shared machine; docs/performance.md has the figures.
    assert!(elapsed.as_secs() < 60, "verify took {elapsed:?}");
    if let Some(kib) = peak {
        assert!(kib < 256 * 1024, "verify peaked at {kib} KiB");
    }
}

#[test]
fn allowed_signers_lines_say_why_a_key_does_not_count() {
    let c = Coalition::new();
    let bag = c.case.bag("full");
    c.sign(&bag, "nap", NAP, "lead").ok();
    let principal = "norzhavia-accountability-project";
    let public = std::fs::read_to_string(format!("{}.pub", c.key("nap"))).unwrap();
    let nap = public
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    let file = c.case.outside("allowed_signers_lines");
    let verify = |text: String, extra: &[&str]| {
        std::fs::write(&file, text).unwrap();
        let mut args = vec!["--allowed-signers", file.to_str().unwrap()];
        args.extend_from_slice(extra);
        c.verify(&bag, &args)
    };
    // A line ssh-keygen ignores is ignored with a warning naming it; the others still count.
    verify(
        format!("garbage\n{principal} bogus {nap}\n{principal}\t{nap}\n"),
        &[],
    )
    .ok()
    .stderr_has(&[
        "allowed_signers_lines:1: ignored, as ssh-keygen ignores it: no key",
        "allowed_signers_lines:2: ignored, as ssh-keygen ignores it: unknown option `bogus`",
    ]);
    // A cert-authority line is never taken as the signer's key.
    verify(format!("{principal} cert-authority {nap}\n"), &[])
        .exits(1)
        .stdout_has(&[
            "not allowed: Norzhavia",
            "cert-authority",
            "does not support certificates",
        ]);
    // A retired key (valid-before in the past) no longer counts now, but does at a time
    // before it was retired (as ssh-keygen -Overify-time).
    let retired = format!("{principal} valid-before=\"20200101Z\" {nap}\n");
    verify(retired.clone(), &[]).exits(1).stdout_has(&[
        "expired: Norzhavia",
        "valid only until 2020-01-01 00:00:00 UTC",
        "give --verify-time",
    ]);
    verify(retired.clone(), &["--verify-time", "20191231Z"])
        .ok()
        .stdout_has(&["; 1 of 1 signature valid"]);
    verify(
        format!("{principal} valid-after=\"20200101Z\" {nap}\n"),
        &["--verify-time", "20191231Z"],
    )
    .exits(1)
    .stdout_has(&["expired: Norzhavia", "valid only after 2020-01-01"]);
    // A time ssh-keygen would not take is refused, naming the format; so is the option alone.
    verify(retired, &["--verify-time", "2019-12-31"])
        .exits(2)
        .stderr_has(&["--verify-time: `2019-12-31` is not a time", "YYYYMMDD"]);
    c.verify(&bag, &["--verify-time", "20191231Z"])
        .exits(2)
        .stderr_has(&["--allowed-signers"]);
}
