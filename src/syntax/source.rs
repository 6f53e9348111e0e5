//! Source files, identified by a small id so spans stay `Copy`, and the one bounded reader every
//! config, include and env file goes through.

use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct FileId(pub u32);

#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user gave it (or as resolved for an include), used in every output.
    pub path: PathBuf,
    pub text: String,
    /// Byte offset where each line starts.
    line_starts: Vec<usize>,
    /// For text that is not all ASCII: every [`CHAR_CHECKPOINT`] bytes (at a char boundary), the
    /// byte offset and the number of chars before it. A column is then counted from the nearest
    /// checkpoint, not from the line start: a megabyte-long line with many findings stays cheap.
    /// Empty for ASCII text, where a column is a byte difference.
    char_checkpoints: Vec<(usize, usize)>,
    /// What [`SourceFile::mask`] overwrote, in order: (byte offset, the bytes as read), so a fix
    /// is applied to the file as it was read ([`SourceFile::original_text`]). Never shown.
    masked_out: Vec<(usize, String)>,
}

/// Bytes between two char-count checkpoints.
const CHAR_CHECKPOINT: usize = 4096;

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        let char_checkpoints = if text.is_ascii() {
            Vec::new()
        } else {
            char_checkpoints(&text)
        };
        SourceFile {
            path: path.into(),
            text,
            line_starts,
            char_checkpoints,
            masked_out: Vec::new(),
        }
    }

    /// The text as read, before any masking: what fixes edit and compare the file on disk with.
    /// Never print it.
    pub fn original_text(&self) -> std::borrow::Cow<'_, str> {
        if self.masked_out.is_empty() {
            return std::borrow::Cow::Borrowed(&self.text);
        }
        let mut bytes = self.text.clone().into_bytes();
        for (start, original) in self.masked_out.iter().rev() {
            if let Some(target) = bytes.get_mut(*start..start + original.len()) {
                target.copy_from_slice(original.as_bytes());
            }
        }
        std::borrow::Cow::Owned(String::from_utf8(bytes).unwrap_or_default())
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = self.floor_char_boundary(offset.min(self.text.len()));
        let line = self.line_index(offset);
        let start = self.line_starts[line];
        let col = self.chars_before(offset) - self.chars_before(start);
        (line + 1, col + 1)
    }

    /// 0-based line holding byte `offset`.
    pub fn line_index(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&s| s <= offset.min(self.text.len()))
            .saturating_sub(1)
    }

    /// Byte range of the line holding `offset`, without its `\n`.
    pub fn line_bounds(&self, offset: usize) -> std::ops::Range<usize> {
        let line = self.line_index(offset);
        let start = self.line_starts[line];
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(self.text.len(), |next| next - 1);
        start..end
    }

    /// The number of chars before byte `offset` (a char boundary).
    fn chars_before(&self, offset: usize) -> usize {
        if self.char_checkpoints.is_empty() {
            return offset;
        }
        let index = self
            .char_checkpoints
            .partition_point(|&(at, _)| at <= offset)
            .saturating_sub(1);
        let (at, chars) = self.char_checkpoints[index];
        chars + self.text.get(at..offset).map_or(0, |s| s.chars().count())
    }

    fn floor_char_boundary(&self, mut offset: usize) -> usize {
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    pub fn display_path(&self) -> String {
        self.path.display().to_string()
    }

    /// Overwrites `range` with `*` (one per byte, line breaks kept) so no code frame can show what
    /// was there: a secret, or a whole file that cannot be a config. Lines and byte offsets stay
    /// valid; call it once the rules have run.
    pub fn mask(&mut self, range: std::ops::Range<usize>) {
        let text = &self.text;
        let mut start = range.start.min(text.len());
        let mut end = range.end.clamp(start, text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        while !text.is_char_boundary(end) {
            end += 1;
        }
        if start < end {
            self.masked_out.push((start, text[start..end].to_string()));
        }
        let mut bytes = std::mem::take(&mut self.text).into_bytes();
        for byte in &mut bytes[start..end] {
            if *byte != b'\n' && *byte != b'\r' {
                *byte = b'*';
            }
        }
        // Whole characters were replaced by ASCII, so this is still UTF-8.
        self.text = String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    }
}

fn char_checkpoints(text: &str) -> Vec<(usize, usize)> {
    let mut checkpoints = vec![(0, 0)];
    let mut chars = 0;
    let mut at = 0;
    while at < text.len() {
        let mut next = (at + CHAR_CHECKPOINT).min(text.len());
        while !text.is_char_boundary(next) {
            next += 1;
        }
        chars += text[at..next].chars().count();
        checkpoints.push((next, chars));
        at = next;
    }
    checkpoints
}

/// Every file read during one run (the main config, its includes, the OpenClaw file...).
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId((self.files.len() - 1) as u32)
    }

    /// The file, or `None` for an id this map did not give out.
    pub fn file(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Masks the text under `span` in its file (see [`SourceFile::mask`]).
    pub fn mask(&mut self, span: super::Span) {
        if let Some(file) = self.files.get_mut(span.file.0 as usize) {
            file.mask(span.start..span.end);
        }
    }

    /// Masks a whole file: its content is never shown.
    pub fn withhold(&mut self, id: FileId) {
        if let Some(file) = self.files.get_mut(id.0 as usize) {
            file.mask(0..file.text.len());
        }
    }

    /// `text` with every masked value of every file (a secret masked in code frames, at least
    /// four bytes long) replaced by `*`s: for text copied from a file, such as a fix's edit that
    /// moves lines, before it is printed.
    pub fn redact<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        let mut out = std::borrow::Cow::Borrowed(text);
        for file in &self.files {
            for (_, original) in &file.masked_out {
                if original.len() >= 4 && out.contains(original.as_str()) {
                    out = std::borrow::Cow::Owned(
                        out.replace(original.as_str(), &"*".repeat(original.len())),
                    );
                }
            }
        }
        out
    }

    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.path == path)
            .map(|i| FileId(i as u32))
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }
}

/// Why a file could not be read by [`read_file`].
#[derive(Debug)]
pub enum ReadError {
    /// Opening or reading failed (missing, permission denied, ...).
    Io(std::io::Error),
    /// A FIFO, device, socket or directory: what it is. Never read, so it cannot hang or stream
    /// without end.
    NotRegular(&'static str),
    /// More than `limit` bytes were there to read (counted while reading: `/proc` files report a
    /// size of 0 and a file may grow after `stat`).
    TooLarge { limit: usize },
    /// The files of one config together passed `limit` bytes ([`super::Budget`]).
    OverBudget { limit: usize },
    /// The bytes are not UTF-8 ([`read_text_file`] only).
    NotUtf8,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::NotRegular(kind) => {
                write!(
                    f,
                    "it is {kind}, not a regular file: only regular files are read"
                )
            }
            ReadError::TooLarge { limit } => {
                write!(f, "the file is larger than the limit of {limit} bytes")
            }
            ReadError::OverBudget { limit } => write!(
                f,
                "the config and its includes together are larger than the limit of {limit} bytes"
            ),
            ReadError::NotUtf8 => write!(f, "the file is not valid UTF-8"),
        }
    }
}

impl std::error::Error for ReadError {}

/// Reads a whole file, at most `limit` bytes of it. Only regular files are read: the file is
/// opened non-blocking (opening a FIFO with no writer would otherwise wait for one) and anything
/// that is not a regular file is refused before a byte is read. The limit holds for what is read,
/// whatever `stat` says.
pub fn read_file(path: &Path, limit: usize) -> Result<Vec<u8>, ReadError> {
    if let Some(text) = overlaid(path) {
        if text.len() > limit {
            return Err(ReadError::TooLarge { limit });
        }
        return Ok(text.into_bytes());
    }
    // Classify first: opening a socket fails with a confusing "No such device or address".
    refuse_non_regular(&std::fs::metadata(path).map_err(ReadError::Io)?)?;
    let file = open_nonblocking(path).map_err(ReadError::Io)?;
    // The path may have been replaced between the two looks: the open file is what counts.
    let metadata = file.metadata().map_err(ReadError::Io)?;
    refuse_non_regular(&metadata)?;
    let expected = usize::try_from(metadata.len()).unwrap_or(usize::MAX);
    let mut bytes = Vec::with_capacity(expected.min(limit).saturating_add(1));
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(bytes)
}

/// Texts that stand in for files while one closure runs ([`with_overlay`]), keyed by canonical
/// path: `check --fix` and `--diff` re-check what their fixes made before anything is written,
/// and `litellm-check server` checks the editor's unsaved texts (a file not on disk yet is keyed
/// by its path as given).
pub type Overlay = std::collections::HashMap<PathBuf, String>;

thread_local! {
    static OVERLAY: std::cell::RefCell<Option<Overlay>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` with every [`read_file`] of a file in `overlay` (by canonical path) answered with its
/// text instead of the disk's; the overlay is handed back with `f`'s result.
pub fn with_overlay<R>(overlay: Overlay, f: impl FnOnce() -> R) -> (R, Overlay) {
    let previous = OVERLAY.with(|o| o.replace(Some(overlay)));
    let result = f();
    let overlay = OVERLAY.with(|o| o.replace(previous)).unwrap_or_default();
    (result, overlay)
}

/// The overlay's text for `path`, when an overlay is active and holds it.
fn overlaid(path: &Path) -> Option<String> {
    OVERLAY.with(|o| {
        let overlay = o.borrow();
        let overlay = overlay.as_ref().filter(|m| !m.is_empty())?;
        // A file not on disk yet (an editor's new, unsaved file) is held by its path as given.
        match path.canonicalize() {
            Ok(canonical) => overlay.get(&canonical),
            Err(_) => overlay.get(path),
        }
        .cloned()
    })
}

/// [`read_file`] for text: the bytes must be UTF-8.
pub fn read_text_file(path: &Path, limit: usize) -> Result<String, ReadError> {
    String::from_utf8(read_file(path, limit)?).map_err(|_| ReadError::NotUtf8)
}

/// `Err(NotRegular)` unless `metadata` is a regular file's.
pub fn refuse_non_regular(metadata: &std::fs::Metadata) -> Result<(), ReadError> {
    if metadata.is_file() {
        return Ok(());
    }
    Err(ReadError::NotRegular(file_kind(metadata)))
}

#[cfg(unix)]
fn file_kind(metadata: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let kind = metadata.file_type();
    if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn file_kind(metadata: &std::fs::Metadata) -> &'static str {
    if metadata.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// Decodes a file's bytes as UTF-8, the way LiteLLM opens its config (text mode, UTF-8).
/// Invalid bytes give an error located at the first bad byte.
pub fn decode_utf8(bytes: &[u8], file: FileId) -> Result<String, super::SyntaxError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(error) => {
            let at = error.valid_up_to();
            let bad_len = error.error_len().unwrap_or(bytes.len() - at);
            let hint = if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
                " (the file looks UTF-16 encoded; save it as UTF-8)"
            } else if bytes.iter().take(8192).any(|&b| b == 0) {
                " (the file looks binary)"
            } else {
                ""
            };
            let shown: Vec<String> = bytes[at..at + bad_len]
                .iter()
                .map(|b| format!("0x{b:02X}"))
                .collect();
            Err(super::SyntaxError {
                message: format!(
                    "the file is not valid UTF-8: invalid byte sequence {} at byte offset {at}{hint}",
                    shown.join(" ")
                ),
                span: super::Span::new(file, at, at + bad_len),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_utf8_locates_the_first_invalid_byte() {
        assert_eq!(
            decode_utf8("héllo".as_bytes(), FileId(3)).ok().as_deref(),
            Some("héllo")
        );
        let error = decode_utf8(b"ab\xC3\x28cd", FileId(3)).err();
        let span = error
            .as_ref()
            .map(|e| (e.span.file, e.span.start, e.span.end));
        assert_eq!(span, Some((FileId(3), 2, 3)));
        // A truncated sequence at the end covers the rest of the file.
        let error = decode_utf8(b"abc\xE2\x82", FileId(0)).err();
        assert_eq!(error.map(|e| (e.span.start, e.span.end)), Some((3, 5)));
    }

    #[test]
    fn masking_keeps_lines_offsets_and_utf8() {
        let mut file = SourceFile::new("x", "a: \"sécret\"\nb: 2\n".to_string());
        // From inside `é` to the end of the line: whole characters are masked.
        file.mask(5..13);
        assert_eq!(file.text, "a: \"s*******\nb: 2\n");
        assert_eq!(file.line_col(14), (2, 2));
        file.mask(0..usize::MAX);
        assert_eq!(file.text, "************\n****\n");
        // Fixes edit the text as read.
        assert_eq!(file.original_text(), "a: \"sécret\"\nb: 2\n");
    }

    #[test]
    fn redact_masks_text_copied_from_a_masked_value() {
        let mut sources = SourceMap::new();
        let id = sources.add(SourceFile::new("x", "key: sk-abcdef\nb: 1\n".to_string()));
        sources.mask(crate::syntax::Span::new(id, 5, 14));
        assert_eq!(sources.redact("  key: sk-abcdef\n"), "  key: *********\n");
        assert_eq!(sources.redact("b: 1"), "b: 1");
    }
}
