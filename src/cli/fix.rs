//! `check --fix`, `--unsafe-fixes` and `--diff`: apply the findings' fixes ([`crate::diagnostic::fix`])
//! to the files they were found in, as ruff's `--fix` does.
//!
//! Fixes are applied in passes. Each pass checks the files (the texts fixed so far stand in for
//! the disk's, [`with_overlay`]), keeps the fixes asked for (safe, or also unsafe), applies those
//! whose edits touch no byte another kept fix touches, and checks again; a fix that conflicts
//! waits for the next pass, where it is found again on the fixed text (or is gone). Passes stop
//! when nothing is left to apply, after [`MAX_PASSES`], or when a pass would turn a readable
//! file unreadable (that pass is dropped). Every byte outside the edits stays as read: comments,
//! quoting, key order and line endings. A file reached through an include is fixed in that file.
//!
//! Only then is anything written, each file by [`write_replacing`]: never through a file that
//! changed since it was read, a hard link or a file another user owns; to a temporary file
//! beside the real file (symlinks are followed to it, the link itself is kept), with the same
//! permissions, renamed over it.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::check::{collect, CheckArgs, Report};
use crate::diagnostic::fix::apply_edits;
use crate::diagnostic::{Applicability, Code, Edit, Fix};
use crate::syntax::source::{with_overlay, Overlay};

/// Passes of fix-then-check before giving up on fixes that keep appearing.
pub const MAX_PASSES: usize = 10;

/// One file the fixes change.
#[derive(Debug)]
pub struct Changed {
    /// The path as the check read it (shown in the diff and messages).
    pub path: PathBuf,
    /// The real file (symlinks resolved).
    pub canonical: PathBuf,
    /// The text as first read.
    pub original: String,
    /// The text after every pass.
    pub fixed: String,
}

/// What the passes did.
pub struct Fixed {
    /// The check of the fixed texts: what is left.
    pub report: Report,
    /// The files whose text changed, in path order.
    pub changed: Vec<Changed>,
    /// Findings whose fix was applied.
    pub applied: usize,
    /// Why passes stopped early, when they did (fixes still pending, or a pass that broke a file).
    pub stopped: Option<String>,
}

/// Runs the check and applies the fixes `required` allows, in memory.
pub fn apply(args: &CheckArgs, required: Applicability) -> Result<Fixed, String> {
    let mut overlay = Overlay::new();
    let mut originals: BTreeMap<PathBuf, (PathBuf, String)> = BTreeMap::new();
    let mut applied = 0;
    let (first, back) = with_overlay(overlay, || collect(args));
    overlay = back;
    let mut report = first?;
    for pass in 0.. {
        let chosen = choose(&report, required);
        if chosen.is_empty() {
            return Ok(finish(report, &overlay, originals, applied, None));
        }
        if pass == MAX_PASSES {
            let message = format!(
                "{} fixes were still pending after {MAX_PASSES} passes and were left out",
                chosen.len()
            );
            return Ok(finish(report, &overlay, originals, applied, Some(message)));
        }
        let previous = overlay.clone();
        let mut applied_now = 0;
        for (canonical, (path, edits, count)) in edits_by_file(&report, &chosen) {
            let Some(current) = report
                .sources
                .find(&path)
                .and_then(|id| report.sources.file(id))
                .map(|f| f.original_text().into_owned())
            else {
                continue;
            };
            // The check must have read the text fixed so far: anything else would lose fixes.
            if overlay
                .get(&canonical)
                .is_some_and(|fixed| *fixed != current)
            {
                return Err(format!(
                    "{}: the fixed text was not the one checked again; nothing was written",
                    path.display()
                ));
            }
            let Some(fixed) = apply_edits(&current, edits.iter()) else {
                continue;
            };
            originals
                .entry(canonical.clone())
                .or_insert_with(|| (path.clone(), current));
            overlay.insert(canonical, fixed);
            applied_now += count;
        }
        if applied_now == 0 {
            return Ok(finish(report, &overlay, originals, applied, None));
        }
        let (next, back) = with_overlay(overlay, || collect(args));
        overlay = back;
        let next = next?;
        if syntax_errors(&next) > syntax_errors(&report) {
            // A fix that makes a file unreadable is a bug in the fix: drop the whole pass.
            let message =
                "a pass of fixes made a file unreadable and was left out (please report it)"
                    .to_string();
            return Ok(finish(report, &previous, originals, applied, Some(message)));
        }
        applied += applied_now;
        report = next;
    }
    Ok(finish(report, &overlay, originals, applied, None))
}

fn syntax_errors(report: &Report) -> usize {
    report
        .diagnostics
        .iter()
        .filter(|d| matches!(d.code, Code::YamlSyntax | Code::OcJson5Syntax))
        .count()
}

fn finish(
    report: Report,
    overlay: &Overlay,
    originals: BTreeMap<PathBuf, (PathBuf, String)>,
    applied: usize,
    stopped: Option<String>,
) -> Fixed {
    let changed = originals
        .into_iter()
        .filter_map(|(canonical, (path, original))| {
            let fixed = overlay.get(&canonical)?.clone();
            (fixed != original).then_some(Changed {
                path,
                canonical,
                original,
                fixed,
            })
        })
        .collect();
    Fixed {
        report,
        changed,
        applied,
        stopped,
    }
}

/// The fixes of one pass: in finding order, those `required` allows whose edits overlap no edit
/// already kept (the same fix carried by several findings is kept once, for all of them). Kept
/// edits sit in an ordered map per file, so each check costs a lookup, not a scan.
fn choose(report: &Report, required: Applicability) -> Vec<&Fix> {
    use crate::syntax::FileId;
    let mut kept: std::collections::BTreeMap<(FileId, usize, usize), &Edit> = Default::default();
    let mut seen: std::collections::HashSet<&Fix> = Default::default();
    let mut chosen: Vec<&Fix> = Vec::new();
    for d in &report.diagnostics {
        let Some(fix) = d.fix.as_ref().filter(|f| f.applies(required)) else {
            continue;
        };
        if fix.edits().is_empty() {
            continue;
        }
        if seen.contains(fix) {
            chosen.push(fix);
            continue;
        }
        let conflicts = fix.edits().iter().any(|edit| {
            let file = edit.span.file;
            let (start, end) = (edit.span.start, edit.span.end);
            // The kept edit starting last at or before this one, and those starting inside it.
            kept.range((file, 0, 0)..=(file, start, usize::MAX))
                .next_back()
                .into_iter()
                .chain(kept.range((file, start, 0)..=(file, end, usize::MAX)))
                .any(|(_, other)| other.overlaps(edit))
        });
        if conflicts {
            continue;
        }
        for edit in fix.edits() {
            kept.insert((edit.span.file, edit.span.start, edit.span.end), edit);
        }
        seen.insert(fix);
        chosen.push(fix);
    }
    chosen
}

/// The chosen edits grouped by real file: (path as read, edits in order, findings they fix).
/// A fix carried by several findings counts for each; its edits are applied once.
fn edits_by_file(
    report: &Report,
    chosen: &[&Fix],
) -> BTreeMap<PathBuf, (PathBuf, Vec<Edit>, usize)> {
    let mut files: BTreeMap<PathBuf, (PathBuf, Vec<Edit>, usize)> = BTreeMap::new();
    let mut seen: std::collections::HashSet<&Fix> = Default::default();
    let mut canonical_of: std::collections::HashMap<crate::syntax::FileId, Option<PathBuf>> =
        Default::default();
    for fix in chosen {
        let first = seen.insert(fix);
        let mut counted = false;
        for edit in fix.edits() {
            let Some(file) = report.sources.file(edit.span.file) else {
                continue;
            };
            let Some(canonical) = canonical_of
                .entry(edit.span.file)
                .or_insert_with(|| file.path.canonicalize().ok())
                .clone()
            else {
                continue;
            };
            let entry = files
                .entry(canonical)
                .or_insert_with(|| (file.path.clone(), Vec::new(), 0));
            if first {
                entry.1.push(edit.clone());
            }
            if !counted {
                entry.2 += 1;
                counted = true;
            }
        }
    }
    for (_, edits, _) in files.values_mut() {
        // The same real file read twice (two ids, e.g. a config that includes itself through a
        // symlink) may carry overlapping edits: they are compared as edits of one file, and of
        // overlapping ones the first is kept.
        let file = edits.first().map(|e| e.span.file).unwrap_or_default();
        for edit in edits.iter_mut() {
            edit.span.file = file;
        }
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        let mut kept: Vec<Edit> = Vec::with_capacity(edits.len());
        for edit in edits.drain(..) {
            if !kept.last().is_some_and(|last| last.overlaps(&edit)) {
                kept.push(edit);
            }
        }
        *edits = kept;
    }
    files
}

/// A unified diff of every changed file, `a/` and `b/` before the path as read.
pub fn unified_diff(changed: &[Changed]) -> String {
    let mut out = String::new();
    for file in changed {
        let shown = file.path.display().to_string().replace('\\', "/");
        let diff = similar::TextDiff::from_lines(&file.original, &file.fixed);
        out.push_str(
            &diff
                .unified_diff()
                .context_radius(3)
                .missing_newline_hint(true)
                .header(&format!("a/{shown}"), &format!("b/{shown}"))
                .to_string(),
        );
    }
    out
}

/// Writes every changed file ([`write_replacing`]); the errors of those that could not be.
pub fn write_all(changed: &[Changed]) -> Vec<String> {
    changed
        .iter()
        .filter_map(|file| {
            write_replacing(&file.canonical, &file.original, &file.fixed)
                .err()
                .map(|e| format!("{}: not fixed: {e}", file.path.display()))
        })
        .collect()
}

/// Replaces the content of the regular file `real` (a canonical path) with `new`, if it still
/// holds `expected`: a temporary file is written beside it with the same permissions, synced and
/// renamed over it. Refused, leaving the file as it is: a file whose content changed since it was
/// read, one reached through a symlink swapped in since, one with other hard links (they would
/// keep the old content), one owned by another user (the new file would be ours).
pub fn write_replacing(real: &Path, expected: &str, new: &str) -> Result<(), String> {
    let io = |what: &str, e: std::io::Error| format!("cannot {what}: {e}");
    let mut file = open_no_follow(real).map_err(|e| io("open it again", e))?;
    let metadata = file.metadata().map_err(|e| io("read its metadata", e))?;
    if !metadata.is_file() {
        return Err("it is no longer a regular file".into());
    }
    refuse_hard_links(&metadata)?;
    let mut current = Vec::new();
    (&mut file)
        .take(expected.len() as u64 + 1)
        .read_to_end(&mut current)
        .map_err(|e| io("read it again", e))?;
    if current != expected.as_bytes() {
        return Err("it changed since it was read; run again".into());
    }
    let directory = real
        .parent()
        .ok_or_else(|| "it has no directory".to_string())?;
    let name = real
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut attempt = 0;
    let (temp_path, mut temp) = loop {
        let candidate = directory.join(format!(
            ".{name}.litellm-check-{}-{attempt}.tmp",
            std::process::id()
        ));
        match create_new_no_follow(&candidate) {
            Ok(temp) => break (candidate, temp),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(e) => return Err(io("create a temporary file beside it", e)),
        }
    };
    let written = refuse_other_owner(&metadata, &temp)
        .and_then(|()| {
            temp.write_all(new.as_bytes())
                .and_then(|()| temp.set_permissions(metadata.permissions()))
                .and_then(|()| temp.sync_all())
                .map_err(|e| io("write the temporary file", e))
        })
        .and_then(|()| same_file_still_there(real, &metadata))
        .and_then(|()| std::fs::rename(&temp_path, real).map_err(|e| io("replace it", e)));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp_path);
    }
    written
}

/// The path still names the file that was read and compared (no swap since).
fn same_file_still_there(real: &Path, read: &std::fs::Metadata) -> Result<(), String> {
    let now = std::fs::symlink_metadata(real).map_err(|e| format!("cannot look at it: {e}"))?;
    if now.file_type().is_symlink() || !same_inode(&now, read) {
        return Err("it was replaced while being fixed; run again".into());
    }
    Ok(())
}

#[cfg(unix)]
fn same_inode(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_inode(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    a.len() == b.len() && a.modified().ok() == b.modified().ok()
}

#[cfg(unix)]
fn refuse_hard_links(metadata: &std::fs::Metadata) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    if metadata.nlink() > 1 {
        return Err(format!(
            "it has {} hard links, which would keep the old content",
            metadata.nlink()
        ));
    }
    Ok(())
}

/// The temporary file is ours: a file owned by someone else would change owner.
#[cfg(unix)]
fn refuse_other_owner(original: &std::fs::Metadata, temp: &std::fs::File) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let ours = temp
        .metadata()
        .map_err(|e| format!("cannot read the temporary file's metadata: {e}"))?;
    if ours.uid() != original.uid() {
        return Err("it belongs to another user (the fixed file would belong to you)".into());
    }
    Ok(())
}

#[cfg(not(unix))]
fn refuse_hard_links(_: &std::fs::Metadata) -> Result<(), String> {
    Ok(())
}

#[cfg(not(unix))]
fn refuse_other_owner(_: &std::fs::Metadata, _: &std::fs::File) -> Result<(), String> {
    Ok(())
}

#[cfg(unix)]
fn open_no_follow(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_no_follow(path: &Path) -> std::io::Result<std::fs::File> {
    if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(std::io::Error::other("it is a symlink"));
    }
    std::fs::File::open(path)
}

#[cfg(unix)]
fn create_new_no_follow(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .custom_flags(libc::O_NOFOLLOW)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_new_no_follow(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "litellm-check-fix-write-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.canonicalize().unwrap()
    }

    #[test]
    fn replaces_the_content_and_keeps_the_permissions() {
        let dir = scratch("replace");
        let path = dir.join("c.yaml");
        std::fs::write(&path, "a: 1\r\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        write_replacing(&path, "a: 1\r\n", "b: 1\r\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"b: 1\r\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640);
        }
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn refuses_a_file_that_changed_since_it_was_read() {
        let dir = scratch("changed");
        let path = dir.join("c.yaml");
        std::fs::write(&path, "a: 2\n").unwrap();
        let error = write_replacing(&path, "a: 1\n", "b: 1\n").unwrap_err();
        assert!(error.contains("changed since it was read"), "{error}");
        assert_eq!(std::fs::read(&path).unwrap(), b"a: 2\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn refuses_symlinks_and_hard_links() {
        let dir = scratch("links");
        let path = dir.join("c.yaml");
        std::fs::write(&path, "a: 1\n").unwrap();
        let link = dir.join("link.yaml");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        // The real path is what is written; a symlink given in its place is refused.
        assert!(write_replacing(&link, "a: 1\n", "b: 1\n").is_err());
        let hard = dir.join("hard.yaml");
        std::fs::hard_link(&path, &hard).unwrap();
        let error = write_replacing(&path, "a: 1\n", "b: 1\n").unwrap_err();
        assert!(error.contains("hard links"), "{error}");
        assert_eq!(std::fs::read(&path).unwrap(), b"a: 1\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
