//! Positions and file names between the protocol and the checker: LSP positions are a line and a
//! column in UTF-16 code units (or UTF-8 bytes when the client offers `utf-8`), the checker's are
//! byte offsets; documents are `file://` URIs, the checker's files paths.

use std::path::{Path, PathBuf};

use lsp_types::{Position, Range, Uri};

/// How a client counts columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// A document's text with its line starts, for converting positions both ways.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { line_starts }
    }

    /// The byte offset of a position; a line or column past the end is clamped to the end of the
    /// line or of the text, a column inside a character to the character's start.
    pub fn offset(&self, text: &str, position: Position, encoding: Encoding) -> usize {
        let line = position.line as usize;
        let Some(&start) = self.line_starts.get(line) else {
            return text.len();
        };
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(text.len(), |next| next.saturating_sub(1));
        let line_text = text.get(start..end).unwrap_or("");
        let wanted = position.character as usize;
        let mut units = 0;
        for (at, c) in line_text.char_indices() {
            if units >= wanted {
                return start + at;
            }
            units += match encoding {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
            if units > wanted {
                return start + at;
            }
        }
        end
    }

    /// The position of a byte offset (clamped to the text, moved back to a character start).
    pub fn position(&self, text: &str, offset: usize, encoding: Encoding) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self
            .line_starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let before = text.get(start..offset).unwrap_or("");
        let character = match encoding {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => before.chars().map(char::len_utf16).sum(),
        };
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, text: &str, start: usize, end: usize, encoding: Encoding) -> Range {
        Range::new(
            self.position(text, start, encoding),
            self.position(text, end.max(start), encoding),
        )
    }

    /// The byte range of line `line` without its line break (empty past the end).
    pub fn line_bounds(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let Some(&start) = self.line_starts.get(line) else {
            return text.len()..text.len();
        };
        let mut end = self
            .line_starts
            .get(line + 1)
            .map_or(text.len(), |next| next.saturating_sub(1));
        if text.as_bytes().get(end.saturating_sub(1)) == Some(&b'\r') && end > start {
            end -= 1;
        }
        start..end
    }

    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }
}

/// The path of a `file://` URI (percent-decoded), `None` for any other scheme.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let rest = text.strip_prefix("file://")?;
    // `file:///path` or `file://localhost/path`.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let decoded = percent_decode(rest)?;
    // `file:///C:/x` on Windows.
    #[cfg(windows)]
    let decoded = decoded
        .strip_prefix('/')
        .filter(|d| d.as_bytes().get(1) == Some(&b':'))
        .map(str::to_string)
        .unwrap_or(decoded);
    Some(PathBuf::from(decoded))
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `file://` URI of an absolute path (relative paths are taken from the working directory).
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    let text = absolute.to_str()?;
    let mut uri = String::from("file://");
    #[cfg(windows)]
    uri.push('/');
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                uri.push(byte as char)
            }
            #[cfg(windows)]
            b'\\' => uri.push('/'),
            #[cfg(windows)]
            b':' => uri.push(':'),
            _ => uri.push_str(&format!("%{byte:02X}")),
        }
    }
    uri.parse().ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn positions_count_utf16_units_and_clamp() {
        let text = "a: \"é😀x\"\nb: 1\n";
        let index = LineIndex::new(text);
        // `x` is after 1 + 2 UTF-16 units of é and 😀 (4 chars in: a, :, space, quote).
        let x = text.find('x').unwrap();
        let p = index.position(text, x, Encoding::Utf16);
        assert_eq!((p.line, p.character), (0, 7));
        assert_eq!(index.offset(text, p, Encoding::Utf16), x);
        // Inside the surrogate pair: the emoji's start.
        let inside = index.offset(text, Position::new(0, 6), Encoding::Utf16);
        assert_eq!(&text[inside..inside + 4], "😀");
        assert_eq!(
            index.offset(text, Position::new(0, 999), Encoding::Utf16),
            text.find('\n').unwrap()
        );
        assert_eq!(
            index.offset(text, Position::new(99, 0), Encoding::Utf16),
            text.len()
        );
        let p = index.position(text, x, Encoding::Utf8);
        assert_eq!(p.character as usize, x);
    }

    #[test]
    fn file_uris_round_trip() {
        let path = Path::new("/tmp/a b/lité.yaml");
        let uri = path_to_uri(path).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/a%20b/lit%C3%A9.yaml");
        assert_eq!(uri_to_path(&uri).unwrap(), path);
        assert!(uri_to_path(&"untitled:Untitled-1".parse().unwrap()).is_none());
    }
}
