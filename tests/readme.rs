//! The README's walk-through, run as a reader follows it: every `sh` block of the section "A case
//! from `init` to `check`", in order, in one shell started in the repository, with `dossier` on
//! the PATH and a fresh home folder. A block that no longer works fails this test.

use std::process::Command;

use crate::harness::checker;

/// The shell blocks (```sh) of the README section that starts with `heading`.
fn shell_blocks(readme: &str, heading: &str) -> Vec<String> {
    let start = readme.find(heading).expect("the walk-through's heading");
    let rest = &readme[start + heading.len()..];
    let section = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
    let mut blocks = Vec::new();
    let mut lines = section.lines();
    while let Some(line) = lines.next() {
        if line.trim_end() == "```sh" {
            let block: Vec<&str> = lines
                .by_ref()
                .take_while(|l| !l.starts_with("```"))
                .collect();
            blocks.push(block.join("\n"));
        }
    }
    blocks
}

#[test]
fn the_walk_through_runs_as_written() {
    // It checks the dossier with an auditor's tools too.
    if !(checker("unzip") && checker("sha256sum") && checker("ssh-keygen")) {
        return;
    }
    let repo = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{repo}/README.md")).unwrap();
    let blocks = shell_blocks(&readme, "## A case from `init` to `check`");
    assert!(
        blocks.len() >= 10,
        "the walk-through has {} blocks",
        blocks.len()
    );
    let script = format!("set -euo pipefail\n{}\n", blocks.join("\n"));
    let home = tempfile::tempdir().unwrap();
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_dossier"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = Command::new("bash")
        .args(["-x", "-c", &script])
        .current_dir(repo)
        .env("HOME", home.path())
        .env("PATH", path)
        .env_remove("DOSSIER_ACTOR")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the walk-through stops:\n{}",
        &said[said.len().saturating_sub(4000)..]
    );
    // What it promises: a sealed, signed dossier, and a case that check passes.
    let case = home.path().join("cases/lantern");
    let zip = case.join("dossiers/NZ-LANTERN-full-2026-11-21.zip");
    assert!(zip.is_file());
    let check: serde_json::Value =
        serde_json::from_slice(&std::fs::read(case.join("check.json")).unwrap()).unwrap();
    assert_eq!(check["errors"], 0, "{check:#}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("1 of 1 signatures valid") || stdout.contains("signature   valid"),
        "{stdout}"
    );
    // It never leaves a private key in the case folder.
    let keys: Vec<_> = walkdir::WalkDir::new(&case)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            std::fs::read(e.path())
                .is_ok_and(|b| b.starts_with(b"-----BEGIN OPENSSH PRIVATE KEY-----"))
        })
        .map(|e| e.path().to_path_buf())
        .collect();
    assert!(keys.is_empty(), "{keys:?}");
}
