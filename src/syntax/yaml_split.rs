//! Reading a large YAML file on several threads, with exactly the result of one sequential read.
//!
//! A big LiteLLM config is one long top-level block list (`model_list:` and its items) between a
//! few small sections. Its items can be read independently: the text is cut at item starts into
//! a head (everything up to the first cut, itself a complete document), middle parts (runs of
//! whole items, each a complete block-sequence document) and a tail (the top-level sections
//! after the list). Each part is read on its own thread by the ordinary reader; the middle items
//! are appended to the head's list and the tail's sections to the head's mapping.
//!
//! The cut is speculative. It is only attempted on text whose shape makes it safe (no document
//! markers or directives after the start, no top-level merge keys, plain indentation), and the
//! merged tree is only used when every part read without error and the parts fit together:
//! a construct that straddles a cut (a quoted scalar or flow collection left open, an alias to
//! an anchor in another part) makes a part fail, and then the whole text is read again
//! sequentially, so errors and limits are always reported exactly as a single read reports them.

use super::yaml::{has_equal_keys, read_part, PartStats};
use super::{Document, Entry, FileId, Limits, Node, NodeKind, Span};

/// Smaller files are read faster on one thread than the set-up of several costs.
pub const SPLIT_FROM_BYTES: usize = 256 * 1024;

/// Reads `text` in parts on up to `threads` threads, whatever its size (`yaml::read` only tries
/// from [`SPLIT_FROM_BYTES`] on). `None` when the text has no safe cut or the parts do not fit
/// together: the caller then reads it sequentially. Public for the tests and the fuzz target
/// that hold it to the sequential read.
pub fn read_split(text: &str, file: FileId, limits: &Limits, threads: usize) -> Option<Document> {
    let plan = plan(text, threads)?;
    let parts = read_parts(text, file, limits, &plan)?;
    merge(parts, &plan, limits)
}

/// Where the text is cut: the head is `..cuts[0]`, middle part `i` is `cuts[i]..cuts[i + 1]`
/// (the last one ends at `tail`), the tail is `tail..`.
#[derive(Debug, PartialEq)]
struct Plan {
    /// The top-level key whose list is cut.
    key: String,
    cuts: Vec<usize>,
    tail: usize,
}

struct Line<'t> {
    start: usize,
    text: &'t str,
}

fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    let bytes = text.as_bytes();
    let last = (!text.ends_with('\n')).then_some(text.len());
    let mut start = 0;
    memchr::memchr_iter(b'\n', bytes)
        .map(|i| i + 1)
        .chain(last)
        .map(move |end| {
            let line = Line {
                start,
                text: text.get(start..end).unwrap_or(""),
            };
            start = end;
            line
        })
}

/// The line without its line break.
fn content(line: &str) -> &str {
    line.trim_end_matches(['\n', '\r'])
}

fn is_blank_or_comment(line: &str) -> bool {
    let trimmed = content(line).trim_start_matches(' ');
    trimmed.is_empty() || trimmed.starts_with('#')
}

/// `key:` alone on its line at column 0 (a comment may follow), with a simple key.
fn top_level_list_key(line: &str) -> Option<&str> {
    let line = content(line);
    let colon = line.find(':')?;
    let key = &line[..colon];
    let rest = line[colon + 1..].trim_start_matches([' ', '\t']);
    let simple = key
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    (simple && (rest.is_empty() || rest.starts_with('#'))).then_some(key)
}

/// A list item at exactly `indent` spaces: `- ...` or a lone `-`.
fn is_item_at(line: &str, indent: usize) -> bool {
    let line = content(line);
    line.len() > indent
        && line.as_bytes()[..indent].iter().all(|&b| b == b' ')
        && line.as_bytes()[indent] == b'-'
        && matches!(line.as_bytes().get(indent + 1), None | Some(b' '))
}

/// The cut points of the longest top-level block list, or `None` when the text is not safe to
/// cut.
fn plan(text: &str, threads: usize) -> Option<Plan> {
    if threads < 2 {
        return None;
    }
    // A carriage return not followed by a line feed is a line break to YAML but not to the line
    // scan below, which would then misplace where items and sections start.
    let bytes = text.as_bytes();
    if memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n')) {
        return None;
    }
    // Shapes a per-part read could see differently: more documents, directives, top-level
    // merge keys, tabs in indentation. Checked on every line as the region search passes it.
    let unsafe_shape = std::cell::Cell::new(false);
    let checked = lines(text).enumerate().map(|(n, line)| {
        let bytes = line.text.as_bytes();
        let marker = |m: &[u8]| {
            bytes.starts_with(m)
                && matches!(bytes.get(3), None | Some(b' ' | b'\t' | b'\n' | b'\r'))
        };
        if matches!(bytes.first(), Some(b'-' | b'.' | b'%' | b'<' | b'\t'))
            && ((n > 0 && (marker(b"---") || marker(b"...")))
                || bytes[0] == b'%'
                || bytes.starts_with(b"<<")
                || bytes[0] == b'\t')
        {
            unsafe_shape.set(true);
        }
        line
    });
    // The longest region of lines after a `key:` line up to the next line at column 0 that is
    // not blank, not a comment, and not one of the list's own items.
    let mut best: Option<(String, Vec<usize>, usize)> = None;
    let mut all = checked.peekable();
    while let Some(line) = all.next() {
        let Some(key) = top_level_list_key(line.text) else {
            continue;
        };
        let mut items = Vec::new();
        let mut indent = None;
        let mut end = text.len();
        while let Some(next) = all.peek() {
            let body = next.text;
            if !is_blank_or_comment(body) {
                let this_indent = match indent {
                    Some(i) => i,
                    None => {
                        let i = body.len() - body.trim_start_matches(' ').len();
                        if !is_item_at(body, i) {
                            break;
                        }
                        indent = Some(i);
                        i
                    }
                };
                if is_item_at(body, this_indent) {
                    items.push(next.start);
                } else if !body.starts_with(' ') {
                    end = next.start;
                    break;
                }
            }
            all.next();
        }
        let longer = |(_, best_items, best_end): &(String, Vec<usize>, usize)| {
            end - items[0] > best_end - best_items[0]
        };
        if items.len() >= 2 && best.as_ref().is_none_or(longer) {
            best = Some((key.to_string(), items, end));
        }
    }
    if unsafe_shape.get() {
        return None;
    }
    let (key, items, tail) = best?;
    // Read alone, the tail is a document whose start reads differently from the same line as a
    // key of the top-level mapping: a tag or an anchor on a line of its own becomes the root's
    // property, a byte-order mark is skipped. Only a tail starting the way a key of a real
    // config does is cut off.
    if !text
        .as_bytes()
        .get(tail)
        .is_none_or(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'"' | b'\''))
    {
        return None;
    }
    // Cut at the item starts nearest to equal shares of the whole text (the head and the tail
    // are read too), never at the first item.
    let mut cuts = Vec::with_capacity(threads - 1);
    for share in 1..threads {
        let target = text.len() * share / threads;
        let after = items.partition_point(|&start| start < target);
        let nearest = [after.saturating_sub(1), after.min(items.len() - 1)]
            .into_iter()
            .min_by_key(|&i| items[i].abs_diff(target))
            .unwrap_or(0)
            .max(1);
        let cut = items[nearest];
        if cuts.last().is_none_or(|&last| cut > last) {
            cuts.push(cut);
        }
    }
    (!cuts.is_empty()).then_some(Plan { key, cuts, tail })
}

struct Part {
    document: Document,
    stats: PartStats,
    base: usize,
}

/// Reads the head on this thread and the other parts on their own; `None` if any part fails.
fn read_parts(text: &str, file: FileId, limits: &Limits, plan: &Plan) -> Option<Vec<Part>> {
    let mut ranges: Vec<(usize, usize)> = Vec::with_capacity(plan.cuts.len() + 2);
    ranges.push((0, plan.cuts[0]));
    for (i, &cut) in plan.cuts.iter().enumerate() {
        ranges.push((cut, plan.cuts.get(i + 1).copied().unwrap_or(plan.tail)));
    }
    ranges.push((plan.tail, text.len()));
    let parts = ranges.len();
    // Each part gets a share of the budgets, so that parts read at once never hold more than
    // one sequential read may; a part over its share falls back to the sequential read. Middle
    // parts sit one level deeper in the whole document than in their own.
    let share = |middle: bool| Limits {
        max_bytes: limits.max_bytes,
        max_depth: if middle {
            limits.max_depth.saturating_sub(1)
        } else {
            limits.max_depth
        },
        max_nodes: limits.max_nodes / parts,
        ..*limits
    };
    let read = |index: usize| -> Option<Part> {
        let (start, end) = ranges[index];
        let middle = index > 0 && index + 1 < parts;
        let (document, stats) = read_part(text.get(start..end)?, file, &share(middle)).ok()?;
        // The last node of a part may be placed by the token after it (an empty value, an
        // empty block scalar), which lies in the next part: only a whole read places such a
        // node, so a part whose last node reaches its end is not used.
        let last = index + 1 == parts;
        if !last
            && document
                .root
                .as_ref()
                .is_some_and(|root| last_node_reaches(root, end - start))
        {
            return None;
        }
        Some(Part {
            document,
            stats,
            base: start,
        })
    };
    std::thread::scope(|scope| {
        // The last thread also reads the tail, which is short.
        let last_middle = parts - 2;
        let mut handles = Vec::new();
        for index in 1..last_middle {
            handles.push(scope.spawn(move || read(index).map(|p| vec![p])));
        }
        handles.push(scope.spawn(move || Some(vec![read(last_middle)?, read(parts - 1)?])));
        let mut all = vec![read(0)?];
        for handle in handles {
            all.extend(handle.join().ok()??);
        }
        Some(all)
    })
}

/// The head's tree with the middle items and the tail's sections added, spans moved to the
/// whole text; `None` when the parts do not fit together as one read would have built them.
fn merge(parts: Vec<Part>, plan: &Plan, limits: &Limits) -> Option<Document> {
    let nodes: usize = parts.iter().map(|p| p.stats.nodes).sum();
    if nodes > limits.max_nodes {
        return None;
    }
    let mut anchors: Vec<&str> = parts
        .iter()
        .flat_map(|p| p.stats.anchors.iter().map(String::as_str))
        .collect();
    anchors.sort_unstable();
    if anchors.windows(2).any(|pair| pair[0] == pair[1]) {
        return None;
    }
    // Issues (duplicate keys) come out in the order a whole read finds them; rather than
    // reorder them, a file with any is read again sequentially.
    if parts.iter().any(|p| !p.document.issues.is_empty()) {
        return None;
    }
    let mut parts = parts.into_iter();
    let head = parts.next()?;
    let mut root = head.document.root?;
    let mut rest: Vec<Part> = parts.collect();
    let tail = rest.pop()?;

    let NodeKind::Map(entries) = &mut root.kind else {
        return None;
    };
    let list_entry = entries.last_mut()?;
    if list_entry.key.as_str() != Some(plan.key.as_str()) {
        return None;
    }
    let NodeKind::Seq(items) = &mut list_entry.value.kind else {
        return None;
    };
    let mut list_end = list_entry.value.span.end;
    for mut middle in rest {
        let mut part_root = middle.document.root.take()?;
        shift(&mut part_root, middle.base);
        let NodeKind::Seq(more) = part_root.kind else {
            return None;
        };
        list_end = part_root.span.end;
        items.extend(more);
    }
    list_entry.value.span.end = list_end;
    let mut root_end = list_end;

    if let Some(mut tail_root) = tail.document.root {
        shift(&mut tail_root, tail.base);
        let NodeKind::Map(sections) = tail_root.kind else {
            return None;
        };
        root_end = tail_root.span.end;
        entries.extend(sections);
        // A key in both the head and the tail is a duplicate only a whole read reports.
        if has_equal_keys(entries) {
            return None;
        }
    }
    root.span.end = root_end;
    Some(Document {
        root: Some(root),
        issues: Vec::new(),
    })
}

/// Whether the last node of the tree in document order ends at `end` (or after it).
fn last_node_reaches(root: &Node, end: usize) -> bool {
    let mut node = root;
    loop {
        node = match &node.kind {
            NodeKind::Seq(items) => match items.last() {
                Some(item) => item,
                None => break,
            },
            NodeKind::Map(entries) => match entries.last() {
                Some(entry) => &entry.value,
                None => break,
            },
            _ => break,
        };
    }
    node.span.end >= end
}

/// Moves every span of a tree read from a part starting at byte `base`.
fn shift(node: &mut Node, base: usize) {
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        node.span = shift_span(node.span, base);
        match &mut node.kind {
            NodeKind::Seq(items) => stack.extend(items.iter_mut()),
            NodeKind::Map(entries) => {
                for Entry { key, value } in entries.iter_mut() {
                    stack.push(key);
                    stack.push(value);
                }
            }
            _ => {}
        }
    }
}

fn shift_span(span: Span, base: usize) -> Span {
    Span::new(span.file, span.start + base, span.end + base)
}
