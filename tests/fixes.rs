//! Fixes on every failing fixture, through the built binary in a scratch copy of the fixture's
//! directory: what `--format json` says a fix does is what `check --fix --unsafe-fixes` writes,
//! byte for byte (the edits applied here by a separate, naive applier); afterwards nothing is
//! left to fix, no new kind of finding and no syntax error appears; each fix belongs to a rule
//! that says it has fixes (`Code::fix_availability`), with an applicability it allows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test aborts on what it did not expect

use litellm_check::diagnostic::Code;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn binary(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_litellm-check"));
    command.args(args).current_dir(dir).env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    let out = command.output().expect("run the binary");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Copies a fixture directory into a fresh scratch directory.
fn scratch_copy(dir: &Path, purpose: &str) -> PathBuf {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let scratch = std::env::temp_dir().join(format!(
        "litellm-check-fixes-{}-{name}-{purpose}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, scratch.join(path.file_name().unwrap())).unwrap();
        }
    }
    scratch
}

/// Applies edits given as (file, start, end, content), none overlapping, to the files in `dir`.
fn apply_naively(dir: &Path, mut edits: Vec<(String, usize, usize, String)>) {
    edits.sort_by_key(|(file, start, end, _)| (file.clone(), std::cmp::Reverse((*start, *end))));
    for (file, start, end, content) in edits {
        let path = dir.join(&file);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.splice(start..end, content.into_bytes());
        std::fs::write(&path, bytes).unwrap();
    }
}

fn overlapping(edits: &[(String, usize, usize, String)]) -> bool {
    edits.iter().enumerate().any(|(i, a)| {
        edits.iter().skip(i + 1).any(|b| {
            a.0 == b.0
                && (a.1 < b.2 && b.1 < a.2
                    || a.1 == b.1
                    || (a.1 == a.2 && b.1 < a.1 && a.1 < b.2)
                    || (b.1 == b.2 && a.1 < b.1 && b.1 < a.2))
        })
    })
}

fn findings(dir: &Path, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["check", "--isolated", "--format", "json"];
    all.extend_from_slice(args);
    let (_, stdout, stderr) = binary(dir, &all);
    let report: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{}: not JSON ({e}): {stdout}{stderr}", dir.display()));
    report["diagnostics"].as_array().unwrap().clone()
}

fn texts(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn fixes_of_every_fixture_apply_as_announced_and_leave_nothing_to_fix() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut fixed_codes = BTreeSet::new();
    let mut problems = Vec::new();
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let args: Vec<&str> = if name.starts_with("LL") {
            vec!["--config", "fail.yaml"]
        } else if name.starts_with("OC") {
            vec!["--openclaw", "fail.json5"]
        } else {
            continue;
        };
        if !dir.join(args[1]).is_file() {
            continue;
        }
        let scratch = scratch_copy(&dir, "fixed");
        let before = findings(&scratch, &args);
        let mut edits = Vec::new();
        for d in &before {
            let Some(fix) = d.get("fix") else { continue };
            let code = d["code"].as_str().unwrap();
            fixed_codes.insert(code.to_string());
            let availability = Code::from_code(code).and_then(|c| c.fix_availability());
            let applicability = fix["applicability"].as_str().unwrap();
            match availability {
                Some(a) if a.applicability.contains(applicability) => {}
                _ => problems.push(format!(
                    "{name}: {code} carries a {applicability} fix it does not announce"
                )),
            }
            for edit in fix["edits"].as_array().unwrap() {
                edits.push((
                    edit["file"].as_str().unwrap().to_string(),
                    edit["start"].as_u64().unwrap() as usize,
                    edit["end"].as_u64().unwrap() as usize,
                    edit["content"].as_str().unwrap().to_string(),
                ));
            }
        }
        if edits.is_empty() {
            let _ = std::fs::remove_dir_all(&scratch);
            continue;
        }
        edits.sort();
        edits.dedup();
        // What the JSON announces, applied by hand in a second copy (one pass: no overlaps).
        let expected = if overlapping(&edits) {
            None
        } else {
            let by_hand = scratch_copy(&dir, "by-hand");
            apply_naively(&by_hand, edits.clone());
            let files = texts(&by_hand);
            let _ = std::fs::remove_dir_all(&by_hand);
            Some(files)
        };
        let mut fix_args = vec!["check", "--isolated", "--fix", "--unsafe-fixes"];
        fix_args.extend_from_slice(&args);
        let (status, _, stderr) = binary(&scratch, &fix_args);
        if status == 2 || !stderr.contains("fixed ") {
            problems.push(format!("{name}: --fix failed ({status}): {stderr}"));
        }
        if let Some(expected) = expected {
            if texts(&scratch) != expected {
                problems.push(format!(
                    "{name}: --fix wrote something else than the JSON edits"
                ));
            }
        }
        let after = findings(&scratch, &args);
        let codes = |list: &[Value]| -> BTreeSet<String> {
            list.iter()
                .map(|d| d["code"].as_str().unwrap().to_string())
                .collect()
        };
        if let Some(new) = codes(&after).difference(&codes(&before)).next() {
            problems.push(format!("{name}: fixing brought a new finding {new}"));
        }
        if after.iter().any(|d| d.get("fix").is_some()) {
            problems.push(format!("{name}: fixes are left after --fix --unsafe-fixes"));
        }
        if after
            .iter()
            .any(|d| matches!(d["code"].as_str(), Some("LL001" | "OC001")))
        {
            problems.push(format!("{name}: the fixed file does not parse"));
        }
        let mut diff_args = vec!["check", "--isolated", "--diff", "--unsafe-fixes"];
        diff_args.extend_from_slice(&args);
        let (status, stdout, _) = binary(&scratch, &diff_args);
        if status != 0 || !stdout.is_empty() {
            problems.push(format!("{name}: --diff after --fix is not empty: {stdout}"));
        }
        let _ = std::fs::remove_dir_all(&scratch);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The fixtures exercise the fixes of these rules at least.
    for code in [
        "LL020", "LL021", "LL022", "LL023", "LL031", "LL060", "OC020", "OC023", "OC024", "OC062",
    ] {
        assert!(
            fixed_codes.contains(code),
            "no fixture shows a fix of {code}: {fixed_codes:?}"
        );
    }
}
