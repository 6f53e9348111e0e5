//! Choosing the few lines a code frame shows, so a frame stays small whatever the file.
//!
//! A frame shows each label's lines plus one line of context either side. Labels whose lines touch
//! share one excerpt; distant labels get separate excerpts (miette draws them as separate boxes
//! anyway). A label spanning more than [`MAX_LABEL_LINES`] lines is cut to its first line, and a
//! line longer than [`LONG_LINE`] bytes is cut to a window around its labels, so a minified
//! one-line file or a finding on a whole document prints a few lines, not the whole input.

use std::ops::Range;

/// Labels spanning more lines than this are shortened to their first line.
pub const MAX_LABEL_LINES: usize = 6;
/// Lines longer than this (in bytes) are considered for cutting...
pub const LONG_LINE: usize = 120;
/// ...down to this many characters around the first label on the line.
pub const WINDOW_CHARS: usize = 70;
/// Characters kept before that label.
const LEAD_CHARS: usize = 20;
const ELLIPSIS: &str = "...";
/// Ends of a long line shorter than this many characters are kept rather than cut.
const SMALL_CUT: usize = 8;

/// A contiguous run of lines from one file, possibly with long lines cut.
#[derive(Debug, Clone, PartialEq)]
pub struct Excerpt {
    pub text: String,
    /// 0-based line number of the excerpt's first line in the file.
    pub first_line: usize,
    /// `(index of the input label, its range inside `text`)`.
    pub labels: Vec<(usize, Range<usize>)>,
}

/// Where the lines of the text are. A source file answers from its line index, so a frame costs
/// the same on a megabyte-long line as on a short one.
pub trait LineIndex {
    /// 0-based line holding `offset`.
    fn line_of(&self, offset: usize) -> usize;
    /// Offset where the line holding `offset` starts.
    fn line_start(&self, offset: usize) -> usize;
    /// Offset of the `\n` ending the line holding `offset` (or the end of the text).
    fn line_end(&self, offset: usize) -> usize;
}

/// Start of the last character a range covers (its start when empty).
fn last_byte(text: &str, range: &Range<usize>) -> usize {
    if range.end <= range.start {
        return range.start;
    }
    let mut offset = range.end - 1;
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

struct Placed {
    index: usize,
    range: Range<usize>,
    /// Byte range of the lines shown for this label (context included, final newline excluded).
    shown: Range<usize>,
    /// 0-based line number where `shown` starts.
    first_line: usize,
}

/// Splits `ranges` (byte ranges on character boundaries of `text`, start <= end) into excerpts.
pub fn excerpts(text: &str, ranges: &[Range<usize>], lines: &impl LineIndex) -> Vec<Excerpt> {
    let mut placed: Vec<Placed> = ranges
        .iter()
        .enumerate()
        .map(|(index, range)| {
            let mut range = range.clone();
            let start_line = lines.line_of(range.start);
            if lines
                .line_of(last_byte(text, &range))
                .saturating_sub(start_line)
                >= MAX_LABEL_LINES
            {
                range.end = lines.line_end(range.start);
            }
            let own_start = lines.line_start(range.start);
            let own_end = lines.line_end(last_byte(text, &range));
            let shown_start = if own_start > 0 {
                lines.line_start(own_start - 1)
            } else {
                0
            };
            let shown_end = if own_end < text.len() {
                lines.line_end(own_end + 1)
            } else {
                own_end
            };
            let first_line = if own_start > 0 {
                start_line.saturating_sub(1)
            } else {
                start_line
            };
            Placed {
                index,
                range,
                shown: shown_start..shown_end,
                first_line,
            }
        })
        .collect();
    placed.sort_by_key(|p| (p.shown.start, p.index));

    // Merge labels whose shown lines overlap or are adjacent.
    let mut groups: Vec<Vec<Placed>> = Vec::new();
    for p in placed {
        match groups.last_mut() {
            Some(group) if p.shown.start <= group_end(group) + 1 => group.push(p),
            _ => groups.push(vec![p]),
        }
    }
    groups
        .into_iter()
        .map(|group| build(text, group, lines))
        .collect()
}

fn group_end(group: &[Placed]) -> usize {
    group.iter().map(|p| p.shown.end).max().unwrap_or(0)
}

/// A piece of the original text copied unchanged into the excerpt.
struct Segment {
    old: Range<usize>,
    new_start: usize,
}

fn build(text: &str, group: Vec<Placed>, lines: &impl LineIndex) -> Excerpt {
    let start = group.iter().map(|p| p.shown.start).min().unwrap_or(0);
    let end = group_end(&group);
    let first_line = group.iter().map(|p| p.first_line).min().unwrap_or(0);
    let anchors: Vec<usize> = group.iter().map(|p| p.range.start).collect();

    let mut out = String::new();
    let mut segments: Vec<Segment> = Vec::new();
    let mut line_begin = start;
    loop {
        let line_stop = lines.line_end(line_begin).min(end);
        // Lines end in a bare `\n` in the excerpt: a `\r` left at its end would be printed raw.
        let content_stop = match text[line_begin..line_stop].ends_with('\r') {
            true => line_stop - 1,
            false => line_stop,
        };
        let line = &text[line_begin..content_stop];
        match window(text, line_begin..content_stop, &anchors) {
            Some(kept) if line.len() > LONG_LINE => {
                if kept.start > line_begin {
                    out.push_str(ELLIPSIS);
                }
                segments.push(Segment {
                    old: kept.clone(),
                    new_start: out.len(),
                });
                out.push_str(&text[kept.clone()]);
                if kept.end < content_stop {
                    out.push_str(ELLIPSIS);
                }
            }
            _ => {
                segments.push(Segment {
                    old: line_begin..content_stop,
                    new_start: out.len(),
                });
                out.push_str(line);
            }
        }
        if line_stop >= end {
            break;
        }
        // Keep the newline itself, so a label on it maps to the end of the line.
        segments.push(Segment {
            old: line_stop..line_stop + 1,
            new_start: out.len(),
        });
        out.push('\n');
        line_begin = line_stop + 1;
    }

    let map = |offset: usize| -> usize {
        for segment in &segments {
            if offset < segment.old.start {
                return segment.new_start;
            }
            if offset <= segment.old.end {
                return segment.new_start + (offset - segment.old.start);
            }
        }
        out.len()
    };
    let labels: Vec<(usize, Range<usize>)> = group
        .iter()
        .map(|p| {
            let new_start = map(p.range.start);
            (p.index, new_start..map(p.range.end).max(new_start))
        })
        .collect();
    Excerpt {
        text: out,
        first_line,
        labels,
    }
}

/// The part of a long line to keep: [`WINDOW_CHARS`] characters starting [`LEAD_CHARS`] before
/// the first label that starts on it (or the line's start). `None` when the line is short.
fn window(text: &str, line: Range<usize>, anchors: &[usize]) -> Option<Range<usize>> {
    if line.len() <= LONG_LINE {
        return None;
    }
    let anchor = anchors
        .iter()
        .copied()
        .filter(|a| line.contains(a))
        .min()
        .unwrap_or(line.start);
    let before = &text[line.start..anchor];
    let kept_start = before
        .char_indices()
        .rev()
        .take(LEAD_CHARS)
        .last()
        .map_or(anchor, |(i, _)| line.start + i);
    let after = &text[kept_start..line.end];
    let mut kept_end = after
        .char_indices()
        .nth(WINDOW_CHARS)
        .map_or(line.end, |(i, _)| kept_start + i);
    // Cutting a few characters would save less than the `...` costs.
    if text[kept_end..line.end].chars().nth(SMALL_CUT).is_none() {
        kept_end = line.end;
    }
    let kept_start = match text[line.start..kept_start].chars().nth(SMALL_CUT) {
        Some(_) => kept_start,
        None => line.start,
    };
    Some(kept_start..kept_end)
}

#[cfg(test)]
// `&[a..b]` here is a list of one label, not a mistaken range.
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;

    /// Lines found by scanning the text, to hold the line index to.
    struct Scan<'t>(&'t str);

    impl LineIndex for Scan<'_> {
        fn line_of(&self, offset: usize) -> usize {
            self.0[..offset].matches('\n').count()
        }
        fn line_start(&self, offset: usize) -> usize {
            self.0[..offset].rfind('\n').map_or(0, |i| i + 1)
        }
        fn line_end(&self, offset: usize) -> usize {
            self.0[offset..]
                .find('\n')
                .map_or(self.0.len(), |i| offset + i)
        }
    }

    fn line_of(text: &str) -> Scan<'_> {
        Scan(text)
    }

    #[test]
    fn shows_one_line_of_context_each_side() {
        let text = "a\nb\nc\nd\ne\n";
        let got = excerpts(text, &[4..5], &line_of(text));
        assert_eq!(
            got,
            vec![Excerpt {
                text: "b\nc\nd".into(),
                first_line: 1,
                labels: vec![(0, 2..3)]
            }]
        );
    }

    #[test]
    fn distant_labels_get_separate_excerpts_and_near_ones_share() {
        let text = "0\n1\n2\n3\n4\n5\n6\n7\n8\n9";
        let got = excerpts(text, &[0..1, 4..5, 18..19], &line_of(text));
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].text, "0\n1\n2\n3");
        assert_eq!(got[0].labels, vec![(0, 0..1), (1, 4..5)]);
        assert_eq!((got[1].text.as_str(), got[1].first_line), ("8\n9", 8));
        assert_eq!(got[1].labels, vec![(2, 2..3)]);
    }

    #[test]
    fn long_lines_are_cut_around_the_label() {
        let line = format!("{}TARGET{}", "x".repeat(500), "y".repeat(500));
        let text = format!("before\n{line}\nafter");
        let start = text.find("TARGET").unwrap_or(0);
        let got = excerpts(&text, &[start..start + 6], &line_of(&text));
        let excerpt = &got[0];
        let (_, range) = &excerpt.labels[0];
        assert_eq!(&excerpt.text[range.clone()], "TARGET");
        assert!(excerpt.text.len() < 200, "{}", excerpt.text);
        assert!(excerpt.text.starts_with("before\n...xxx"));
        assert!(excerpt.text.ends_with("yyy...\nafter"));
    }

    #[test]
    fn long_labels_are_cut_to_their_first_line() {
        let text = "k:\n  a: 1\n  b: 2\n  c: 3\n  d: 4\n  e: 5\n  f: 6\n  g: 7\nz: 0\n";
        let got = excerpts(text, &[3..text.len() - 5], &line_of(text));
        assert_eq!(got[0].text, "k:\n  a: 1\n  b: 2");
        assert_eq!(got[0].labels, vec![(0, 3..9)]);
    }

    #[test]
    fn crlf_line_ends_become_newlines() {
        let text = "a\r\nb: x\r\nc\r\n";
        let got = excerpts(text, &[6..7], &line_of(text));
        assert_eq!(got[0].text, "a\nb: x\nc");
        assert_eq!(got[0].labels, vec![(0, 5..6)]);
    }

    #[test]
    fn empty_text_and_end_of_file() {
        assert_eq!(
            excerpts("", &[0..0], &line_of("")),
            vec![Excerpt {
                text: String::new(),
                first_line: 0,
                labels: vec![(0, 0..0)]
            }]
        );
        let text = "a\nb\n";
        let got = excerpts(text, &[4..4], &line_of(text));
        assert_eq!(got[0].text, "b\n");
        assert_eq!(got[0].first_line, 1);
        assert_eq!(got[0].labels, vec![(0, 2..2)]);
    }
}
