//! `--format sarif`: SARIF 2.1.0 for code-scanning uploads (GitHub, GitLab, IDEs).
//!
//! Every rule code is listed in `tool.driver.rules` (so a result's `ruleIndex` is its position in
//! [`Code::ALL`]), and every result has a physical location with a region, which GitHub requires
//! to place an alert. Columns count Unicode code points, as `SourceFile::line_col` does, and the
//! run says so in `columnKind`.

use super::format::{slash_path, source_file, Region};
use super::{Code, Diagnostic, Label, Severity};
use crate::syntax::SourceMap;
use serde_json::{json, Value};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Where people learn about the tool: the repository when the package names one, else its page on
/// crates.io.
fn information_uri() -> String {
    match env!("CARGO_PKG_REPOSITORY") {
        "" => format!("https://crates.io/crates/{}", env!("CARGO_PKG_NAME")),
        repository => repository.to_string(),
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The condition part of a rule summary (before the first `: ` outside backticks), used as the
/// rule's one-line description; the whole summary is the full description.
fn short_description(summary: &str) -> &str {
    let mut in_code = false;
    for (index, ch) in summary.char_indices() {
        match ch {
            '`' => in_code = !in_code,
            ':' if !in_code && summary[index + 1..].starts_with(' ') => return &summary[..index],
            _ => {}
        }
    }
    summary
}

fn rule(code: Code) -> Value {
    let uri = code.help_uri();
    json!({
        "id": code.as_str(),
        "name": code.name(),
        "shortDescription": { "text": short_description(code.summary()) },
        "fullDescription": { "text": code.summary() },
        "defaultConfiguration": { "level": level(code.default_severity()) },
        "helpUri": uri,
        // What and why (the summary), and where the fix is shown: the rule's section of the rules
        // page has a failing and a passing example side by side. Each finding's own `help` says
        // the fix for that case.
        "help": {
            "text": format!("{}\nThe fix, with a failing and a passing example: {uri}", code.summary()),
            "markdown": format!(
                "**{} `{}`** ({})\n\n{}\n\nThe fix, with a failing and a passing example: [{} in the rules page]({uri}).",
                code.as_str(),
                code.name(),
                code.default_severity().as_str(),
                code.summary(),
                code.as_str(),
            ),
        },
    })
}

/// A URI reference for a path as the user gave it: forward slashes, and every byte outside the
/// unreserved set percent-encoded. Absolute paths become `file://` URIs; in a relative one `:` is
/// encoded too, or `C:` would read as a URI scheme.
fn artifact_uri(path: &str) -> String {
    fn encode(text: &str, keep_colon: bool) -> String {
        let mut out = String::with_capacity(text.len());
        for byte in text.bytes() {
            let keep = byte.is_ascii_alphanumeric()
                || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/')
                || (keep_colon && byte == b':');
            if keep {
                out.push(char::from(byte));
            } else {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
        out
    }
    let bytes = path.as_bytes();
    let windows_drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    if path.starts_with('/') {
        format!("file://{}", encode(path, true))
    } else if windows_drive {
        format!("file:///{}", encode(path, true))
    } else {
        encode(path, false)
    }
}

/// The directory relative paths are resolved against (`%SRCROOT%`): the working directory,
/// where code scanning runs the tool from the repository's root.
fn source_root() -> Option<String> {
    let dir = std::env::current_dir().ok()?;
    let text = dir.to_str()?.replace('\\', "/");
    Some(if text.ends_with('/') {
        text
    } else {
        format!("{text}/")
    })
}

/// A file's location relative to `%SRCROOT%` when it lies under it (also when given as an
/// absolute path), else its absolute `file://` URI.
fn artifact_location(path: &str, root: Option<&str>) -> Value {
    let relative = match root {
        Some(root) => path.strip_prefix(root).or_else(|| {
            // `./x.yaml` and `x.yaml` are the same file under the root.
            (!path.starts_with('/') && !is_windows_absolute(path)).then_some(path)
        }),
        None => None,
    };
    match relative {
        Some(relative) => json!({
            "uri": artifact_uri(relative.trim_start_matches("./")),
            "uriBaseId": "%SRCROOT%",
        }),
        None => json!({ "uri": artifact_uri(path) }),
    }
}

fn is_windows_absolute(path: &str) -> bool {
    let bytes = path.as_bytes();
    bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/'
}

fn physical_location(sources: &SourceMap, label: &Label, root: Option<&str>) -> Value {
    let (location, region) = match source_file(sources, label.span.file) {
        Some(file) => (
            artifact_location(&slash_path(file), root),
            Region::of(file, label.span.start, label.span.end),
        ),
        None => (json!({ "uri": "" }), Region::UNKNOWN),
    };
    json!({
        "artifactLocation": location,
        "region": {
            "startLine": region.line,
            "startColumn": region.column,
            "endLine": region.end_line,
            "endColumn": region.end_column,
        },
    })
}

fn result(sources: &SourceMap, diagnostic: &Diagnostic, root: Option<&str>) -> Value {
    let mut text = diagnostic.message.clone();
    if let Some(help) = &diagnostic.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let rule_index = Code::ALL.iter().position(|&c| c == diagnostic.code);
    let mut result = json!({
        "ruleId": diagnostic.code.as_str(),
        "ruleIndex": rule_index,
        "level": level(diagnostic.severity),
        "message": { "text": text },
        "locations": [{ "physicalLocation": physical_location(sources, &diagnostic.primary, root) }],
    });
    if !diagnostic.secondary.is_empty() {
        let related: Vec<Value> = diagnostic
            .secondary
            .iter()
            .enumerate()
            .map(|(id, label)| {
                let mut location =
                    json!({ "id": id, "physicalLocation": physical_location(sources, label, root) });
                if let Some(message) = &label.message {
                    location["message"] = json!({ "text": message });
                }
                location
            })
            .collect();
        result["relatedLocations"] = Value::Array(related);
    }
    if !diagnostic.pointer.is_empty() {
        result["properties"] = json!({ "pointer": diagnostic.pointer });
    }
    if let Some(fix) = &diagnostic.fix {
        result["fixes"] = json!([sarif_fix(sources, fix, root)]);
    }
    result
}

/// A SARIF `fix`: one artifact change per file, each edit a replacement of a region (empty for an
/// insertion) by its text. The applicability is a property (SARIF has no field for it).
fn sarif_fix(sources: &SourceMap, fix: &super::Fix, root: Option<&str>) -> Value {
    let mut changes: Vec<(crate::syntax::FileId, Vec<Value>)> = Vec::new();
    for edit in fix.edits() {
        let region = source_file(sources, edit.span.file).map_or(Region::UNKNOWN, |f| {
            Region::of(f, edit.span.start, edit.span.end)
        });
        let replacement = json!({
            "deletedRegion": {
                "startLine": region.line,
                "startColumn": region.column,
                "endLine": region.end_line,
                "endColumn": region.end_column,
            },
            "insertedContent": { "text": sources.redact(&edit.content) },
        });
        match changes.iter_mut().find(|(file, _)| *file == edit.span.file) {
            Some((_, replacements)) => replacements.push(replacement),
            None => changes.push((edit.span.file, vec![replacement])),
        }
    }
    json!({
        "description": { "text": fix.title },
        "artifactChanges": changes
            .into_iter()
            .map(|(file, replacements)| {
                let location = source_file(sources, file).map_or_else(
                    || json!({ "uri": "" }),
                    |f| artifact_location(&slash_path(f), root),
                );
                json!({ "artifactLocation": location, "replacements": replacements })
            })
            .collect::<Vec<_>>(),
        "properties": { "applicability": fix.applicability.as_str() },
    })
}

pub fn render(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    render_with_root(sources, diagnostics, source_root().as_deref())
}

/// [`render`] with `%SRCROOT%` given (a directory URI path ending in `/`), for tests.
pub fn render_with_root(
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    root: Option<&str>,
) -> String {
    let mut run_bases = serde_json::Map::new();
    if let Some(root) = root {
        run_bases.insert(
            "%SRCROOT%".into(),
            json!({ "uri": artifact_uri(root), "description": { "text": "The directory litellm-check ran in." } }),
        );
    }
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": env!("CARGO_PKG_NAME"),
                    "informationUri": information_uri(),
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": Code::ALL.iter().map(|&c| rule(c)).collect::<Vec<_>>(),
                }
            },
            "originalUriBaseIds": run_bases,
            "columnKind": "unicodeCodePoints",
            "results": diagnostics.iter().map(|d| result(sources, d, root)).collect::<Vec<_>>(),
        }],
    });
    // `Value`'s alternate Display is the pretty printer, and writing to a String cannot fail.
    format!("{log:#}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_from_paths() {
        assert_eq!(artifact_uri("configs/config.yaml"), "configs/config.yaml");
        assert_eq!(
            artifact_uri("my configs/ça.yaml"),
            "my%20configs/%C3%A7a.yaml"
        );
        assert_eq!(artifact_uri("a:b.yaml"), "a%3Ab.yaml");
        assert_eq!(
            artifact_uri("/etc/litellm/config.yaml"),
            "file:///etc/litellm/config.yaml"
        );
        assert_eq!(
            artifact_uri("C:/litellm/config.yaml"),
            "file:///C:/litellm/config.yaml"
        );
    }

    #[test]
    fn locations_are_relative_to_the_source_root() {
        let root = Some("/work/repo/");
        assert_eq!(
            artifact_location("/work/repo/configs/a.yaml", root),
            json!({"uri": "configs/a.yaml", "uriBaseId": "%SRCROOT%"})
        );
        assert_eq!(
            artifact_location("./a.yaml", root),
            json!({"uri": "a.yaml", "uriBaseId": "%SRCROOT%"})
        );
        assert_eq!(
            artifact_location("/etc/litellm/a.yaml", root),
            json!({"uri": "file:///etc/litellm/a.yaml"})
        );
        assert_eq!(artifact_location("a.yaml", None), json!({"uri": "a.yaml"}));
    }

    #[test]
    fn short_description_stops_at_the_first_colon_outside_code() {
        assert_eq!(
            short_description("`a: b` is bad: it breaks"),
            "`a: b` is bad"
        );
        assert_eq!(short_description("no colon"), "no colon");
        for code in Code::ALL {
            assert!(!short_description(code.summary()).is_empty(), "{code}");
        }
    }
}
