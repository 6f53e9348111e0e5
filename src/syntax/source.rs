//! Source files, identified by a small id so spans stay `Copy`.

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
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        SourceFile {
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line + 1, col + 1)
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
    }
}
