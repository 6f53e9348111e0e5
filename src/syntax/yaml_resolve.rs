//! Scalar typing exactly as PyYAML 6 `safe_load` does it: the YAML 1.1 implicit resolvers of
//! `yaml/resolver.py` for plain scalars, and the `SafeConstructor` rules of
//! `yaml/constructor.py` for turning text into values (also used for explicit `!!int` etc.).
//!
//! The resolver regexes are matched by hand (no regex engine): each matcher below cites the
//! pattern it implements.

use super::NodeKind;

/// The tag PyYAML's resolver gives a plain scalar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Implicit {
    Null,
    Bool,
    Int,
    Float,
    Timestamp,
    /// `<<`: a merge key in key position, an error anywhere else.
    Merge,
    /// `=`: a plain string key in key position, an error anywhere else.
    Value,
    Str,
}

/// Which implicit tag a plain scalar resolves to. Like PyYAML, the candidate resolvers are
/// chosen by the first character, then tried in registration order (bool, float, int, merge,
/// null, timestamp, value).
pub(crate) fn resolve_plain(value: &str) -> Implicit {
    let bytes = value.as_bytes();
    let Some(&first) = bytes.first() else {
        return Implicit::Null;
    };
    match first {
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' => {
            if is_bool(value) {
                Implicit::Bool
            } else if is_null(value) {
                Implicit::Null
            } else {
                Implicit::Str
            }
        }
        b'-' | b'+' | b'0'..=b'9' | b'.' => {
            if is_float(bytes) {
                Implicit::Float
            } else if is_int(bytes) {
                Implicit::Int
            } else if is_implicit_timestamp(bytes) {
                Implicit::Timestamp
            } else {
                Implicit::Str
            }
        }
        b'<' if value == "<<" => Implicit::Merge,
        b'~' if value == "~" => Implicit::Null,
        b'=' if value == "=" => Implicit::Value,
        _ => Implicit::Str,
    }
}

/// `^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$`
fn is_bool(v: &str) -> bool {
    matches!(
        v,
        "yes"
            | "Yes"
            | "YES"
            | "no"
            | "No"
            | "NO"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
    )
}

/// `^(?: ~ |null|Null|NULL | )$`
fn is_null(v: &str) -> bool {
    matches!(v, "~" | "null" | "Null" | "NULL" | "")
}

fn skip_sign(b: &[u8], i: usize) -> usize {
    if matches!(b.get(i), Some(b'-' | b'+')) {
        i + 1
    } else {
        i
    }
}

/// Index after a run of bytes satisfying `pred`, starting at `i`.
fn skip_while(b: &[u8], mut i: usize, pred: impl Fn(u8) -> bool) -> usize {
    while i < b.len() && pred(b[i]) {
        i += 1;
    }
    i
}

fn digit_or_underscore(c: u8) -> bool {
    c.is_ascii_digit() || c == b'_'
}

/// `(?:[eE][-+][0-9]+)?$` from `i`: PyYAML's exponent needs an explicit sign.
fn optional_exponent_then_end(b: &[u8], i: usize) -> bool {
    if i == b.len() {
        return true;
    }
    if !matches!(b[i], b'e' | b'E') || !matches!(b.get(i + 1), Some(b'-' | b'+')) {
        return false;
    }
    let digits = skip_while(b, i + 2, |c| c.is_ascii_digit());
    digits > i + 2 && digits == b.len()
}

/// `(?::[0-5]?[0-9])+` from `i`; returns the index after it.
fn sexagesimal_tail(b: &[u8], mut i: usize) -> Option<usize> {
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        let end = skip_while(b, i + 1, |c| c.is_ascii_digit());
        match end - (i + 1) {
            1 => {}
            2 if b[i + 1] <= b'5' => {}
            _ => return None,
        }
        i = end;
        groups += 1;
    }
    (groups > 0).then_some(i)
}

/// ```text
/// ^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
///   |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
///   |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
///   |[-+]?\.(?:inf|Inf|INF)
///   |\.(?:nan|NaN|NAN))$
/// ```
fn is_float(b: &[u8]) -> bool {
    // `\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?` (no sign allowed) and `.nan`.
    if b.first() == Some(&b'.') {
        if matches!(&b[1..], b"nan" | b"NaN" | b"NAN" | b"inf" | b"Inf" | b"INF") {
            return true;
        }
        if !b.get(1).is_some_and(u8::is_ascii_digit) {
            return false;
        }
        let i = skip_while(b, 2, digit_or_underscore);
        return optional_exponent_then_end(b, i);
    }
    let start = skip_sign(b, 0);
    if b.get(start) == Some(&b'.') {
        return start > 0 && matches!(&b[start + 1..], b"inf" | b"Inf" | b"INF");
    }
    if !b.get(start).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    let i = skip_while(b, start + 1, digit_or_underscore);
    match b.get(i) {
        Some(b'.') => {
            let j = skip_while(b, i + 1, digit_or_underscore);
            optional_exponent_then_end(b, j)
        }
        Some(b':') => match sexagesimal_tail(b, i) {
            Some(j) if b.get(j) == Some(&b'.') => {
                skip_while(b, j + 1, digit_or_underscore) == b.len()
            }
            _ => false,
        },
        _ => false,
    }
}

/// ```text
/// ^(?:[-+]?0b[0-1_]+
///   |[-+]?0[0-7_]+
///   |[-+]?(?:0|[1-9][0-9_]*)
///   |[-+]?0x[0-9a-fA-F_]+
///   |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$
/// ```
fn is_int(b: &[u8]) -> bool {
    let start = skip_sign(b, 0);
    let rest = &b[start..];
    match rest {
        [b'0'] => true,
        [b'0', b'b', tail @ ..] => {
            !tail.is_empty() && tail.iter().all(|&c| matches!(c, b'0' | b'1' | b'_'))
        }
        [b'0', b'x', tail @ ..] => {
            !tail.is_empty() && tail.iter().all(|&c| c.is_ascii_hexdigit() || c == b'_')
        }
        [b'0', tail @ ..] => tail.iter().all(|&c| matches!(c, b'0'..=b'7' | b'_')),
        [b'1'..=b'9', ..] => {
            let i = skip_while(b, start + 1, digit_or_underscore);
            i == b.len() || sexagesimal_tail(b, i) == Some(b.len())
        }
        _ => false,
    }
}

/// Fields of a timestamp, as PyYAML's constructor reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TimestampParts {
    pub year: u32,
    pub month: u32,
    pub day: u32,
    /// `(hour, minute, second, microsecond)` when a time is present.
    pub time: Option<(u32, u32, u32, u32)>,
    /// Offset east of UTC in minutes when a zone is present (`Z` is 0).
    pub offset_minutes: Option<i32>,
}

fn digits_value(b: &[u8]) -> u32 {
    b.iter().fold(0u32, |acc, &c| {
        acc.saturating_mul(10).saturating_add(u32::from(c - b'0'))
    })
}

/// Reads `count_min..=count_max` digits at `i`; returns (value, index after).
fn read_digits(b: &[u8], i: usize, min: usize, max: usize) -> Option<(u32, usize)> {
    let mut end = i;
    while end < b.len() && end - i < max && b[end].is_ascii_digit() {
        end += 1;
    }
    (end - i >= min).then(|| (digits_value(&b[i..end]), end))
}

fn skip_blanks(b: &[u8], i: usize) -> usize {
    skip_while(b, i, |c| c == b' ' || c == b'\t')
}

/// The implicit resolver's pattern:
/// ```text
/// ^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
///   |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
///    (?:[Tt]|[ \t]+)[0-9][0-9]? :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
///    (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$
/// ```
fn is_implicit_timestamp(b: &[u8]) -> bool {
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        return [0, 1, 2, 3, 5, 6, 8, 9]
            .iter()
            .all(|&i| b[i].is_ascii_digit());
    }
    parse_timestamp_shape(b, true).is_some_and(|p| p.time.is_some())
}

/// Matches the constructor's `timestamp_regexp` (one- or two-digit month and day, time
/// optional) and extracts the fields without range checks.
fn parse_timestamp_shape(b: &[u8], _implicit: bool) -> Option<TimestampParts> {
    let (year, i) = read_digits(b, 0, 4, 4)?;
    if b.get(i) != Some(&b'-') {
        return None;
    }
    let (month, i) = read_digits(b, i + 1, 1, 2)?;
    if b.get(i) != Some(&b'-') {
        return None;
    }
    let (day, i) = read_digits(b, i + 1, 1, 2)?;
    let mut parts = TimestampParts {
        year,
        month,
        day,
        time: None,
        offset_minutes: None,
    };
    if i == b.len() {
        return Some(parts);
    }
    let i = match b[i] {
        b'T' | b't' => i + 1,
        b' ' | b'\t' => skip_blanks(b, i),
        _ => return None,
    };
    let (hour, i) = read_digits(b, i, 1, 2)?;
    if b.get(i) != Some(&b':') {
        return None;
    }
    let (minute, i) = read_digits(b, i + 1, 2, 2)?;
    if b.get(i) != Some(&b':') {
        return None;
    }
    let (second, mut i) = read_digits(b, i + 1, 2, 2)?;
    let mut micros = 0;
    if b.get(i) == Some(&b'.') {
        let end = skip_while(b, i + 1, |c| c.is_ascii_digit());
        // Python keeps the first six digits and pads on the right.
        let fraction = &b[i + 1..end];
        let kept = &fraction[..fraction.len().min(6)];
        micros = digits_value(kept) * 10u32.pow(6 - kept.len() as u32);
        i = end;
    }
    parts.time = Some((hour, minute, second, micros));
    if i == b.len() {
        return Some(parts);
    }
    let i = skip_blanks(b, i);
    match b.get(i) {
        Some(b'Z') if i + 1 == b.len() => parts.offset_minutes = Some(0),
        Some(&sign @ (b'-' | b'+')) => {
            let (tz_hour, j) = read_digits(b, i + 1, 1, 2)?;
            let (tz_minute, j) = if b.get(j) == Some(&b':') {
                read_digits(b, j + 1, 2, 2)?
            } else {
                (0, j)
            };
            if j != b.len() {
                return None;
            }
            let total = (tz_hour * 60 + tz_minute) as i32;
            parts.offset_minutes = Some(if sign == b'-' { -total } else { total });
        }
        _ => return None,
    }
    Some(parts)
}

fn is_leap(year: u32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(year) => 29,
        _ => 28,
    }
}

/// PyYAML's `construct_yaml_timestamp`: the fields, or Python's `ValueError` text.
pub(crate) fn construct_timestamp(value: &str) -> Result<TimestampParts, String> {
    let parts = parse_timestamp_shape(value.as_bytes(), false)
        .ok_or_else(|| format!("{value:?} is not a valid timestamp"))?;
    if !(1..=9999).contains(&parts.year) {
        return Err(format!("year {} is out of range", parts.year));
    }
    if !(1..=12).contains(&parts.month) {
        return Err("month must be in 1..12".into());
    }
    if parts.day < 1 || parts.day > days_in_month(parts.year, parts.month) {
        return Err("day is out of range for month".into());
    }
    if let Some((hour, minute, second, _)) = parts.time {
        if hour > 23 {
            return Err("hour must be in 0..23".into());
        }
        if minute > 59 {
            return Err("minute must be in 0..59".into());
        }
        if second > 59 {
            return Err("second must be in 0..59".into());
        }
    }
    if parts.offset_minutes.is_some_and(|m| m.abs() >= 24 * 60) {
        return Err(
            "offset must be a timedelta strictly between -timedelta(hours=24) and \
                    timedelta(hours=24)"
                .into(),
        );
    }
    Ok(parts)
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
fn days_from_civil(year: u32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A value that compares like Python's `date`/`datetime` equality: dates equal dates, naive
/// datetimes equal naive datetimes, aware datetimes compare as instants; the kinds never mix.
pub(crate) fn timestamp_identity(parts: &TimestampParts) -> (u8, i64, u32) {
    let days = days_from_civil(parts.year, parts.month, parts.day);
    match parts.time {
        None => (0, days, 0),
        Some((h, m, s, micros)) => {
            let seconds = days * 86_400 + i64::from(h * 3600 + m * 60 + s);
            match parts.offset_minutes {
                None => (1, seconds, micros),
                Some(offset) => (2, seconds - i64::from(offset) * 60, micros),
            }
        }
    }
}

/// PyYAML's `construct_yaml_bool`: a key of `bool_values` after lowercasing.
pub(crate) fn construct_bool(value: &str) -> Result<bool, String> {
    match value.to_ascii_lowercase().as_str() {
        "yes" | "true" | "on" => Ok(true),
        "no" | "false" | "off" => Ok(false),
        _ => Err(format!("{value:?} is not a boolean (KeyError in PyYAML)")),
    }
}

/// Splits off a leading sign as PyYAML's constructors do: `-` negates, `+` is dropped.
fn split_sign(value: &str) -> (bool, &str) {
    match value.as_bytes().first() {
        Some(b'-') => (true, &value[1..]),
        Some(b'+') => (false, &value[1..]),
        _ => (false, value),
    }
}

/// Python's `int(text, radix)` on an already underscore-free string: optional surrounding
/// whitespace, at least one digit. Large values are kept as the nearest float (documented in
/// the module: our tree has no big integers).
fn python_int(text: &str, radix: u32, negative: bool) -> Option<NodeKind> {
    let text = text.trim_matches(|c: char| c.is_ascii_whitespace());
    let (sign_negative, digits) = if radix == 10 {
        split_sign(text)
    } else {
        (false, text)
    };
    let negative = negative != sign_negative;
    if digits.is_empty() {
        return None;
    }
    let mut exact: Option<i128> = Some(0);
    let mut approx = 0f64;
    for c in digits.chars() {
        let d = c.to_digit(radix)?;
        exact = exact.and_then(|v| v.checked_mul(i128::from(radix))?.checked_add(i128::from(d)));
        approx = approx * f64::from(radix) + f64::from(d);
    }
    if exact.is_none() && radix == 10 {
        // Correctly rounded, as Python's float(int) would be.
        approx = digits.parse::<f64>().unwrap_or(approx);
    }
    Some(signed_int(negative, exact, approx))
}

fn signed_int(negative: bool, exact: Option<i128>, approx: f64) -> NodeKind {
    match exact.map(|v| if negative { -v } else { v }) {
        Some(v) => match i64::try_from(v) {
            Ok(small) => NodeKind::Int(small),
            Err(_) => NodeKind::Float(v as f64),
        },
        None => NodeKind::Float(if negative { -approx } else { approx }),
    }
}

/// PyYAML's `construct_yaml_int`. An integer beyond `i64` becomes the nearest `Float` (Python
/// has big integers; no LiteLLM setting needs one, and keeping it a number keeps type checks
/// right).
pub(crate) fn construct_int(value: &str) -> Result<NodeKind, String> {
    let cleaned = value.replace('_', "");
    let invalid = |radix: u32| format!("invalid literal for int() with base {radix}: {value:?}");
    if cleaned.is_empty() {
        return Err(invalid(10));
    }
    let (negative, body) = split_sign(&cleaned);
    if body == "0" {
        return Ok(NodeKind::Int(0));
    }
    if let Some(bin) = body.strip_prefix("0b") {
        return python_int(bin, 2, negative).ok_or_else(|| invalid(2));
    }
    if let Some(hex) = body.strip_prefix("0x") {
        return python_int(hex, 16, negative).ok_or_else(|| invalid(16));
    }
    if body.starts_with('0') {
        return python_int(body, 8, negative).ok_or_else(|| invalid(8));
    }
    if body.contains(':') {
        let mut exact: Option<i128> = Some(0);
        let mut approx = 0f64;
        for part in body.split(':') {
            let digit = match python_int(part, 10, false) {
                Some(NodeKind::Int(v)) => v,
                _ => return Err(invalid(10)),
            };
            exact = exact.and_then(|v| v.checked_mul(60)?.checked_add(i128::from(digit)));
            approx = approx * 60.0 + digit as f64;
        }
        return Ok(signed_int(negative, exact, approx));
    }
    python_int(body, 10, negative).ok_or_else(|| invalid(10))
}

/// Python's `float(text)`.
fn python_float(text: &str) -> Option<f64> {
    let text = text.trim_matches(|c: char| c.is_ascii_whitespace());
    // Rust accepts the same spellings as Python (`1.`, `.5`, `1e5`, `inf`, `nan`) except that
    // it also takes `infinity`-like words Python takes too; no further filtering needed.
    text.parse::<f64>().ok()
}

/// PyYAML's `construct_yaml_float`.
pub(crate) fn construct_float(value: &str) -> Result<f64, String> {
    let cleaned = value.replace('_', "").to_ascii_lowercase();
    let invalid = || format!("could not convert string to float: {value:?}");
    if cleaned.is_empty() {
        return Err(invalid());
    }
    let (negative, body) = split_sign(&cleaned);
    let sign = if negative { -1.0 } else { 1.0 };
    if body == ".inf" {
        return Ok(sign * f64::INFINITY);
    }
    if body == ".nan" {
        return Ok(f64::NAN);
    }
    if body.contains(':') {
        let mut total = 0f64;
        for part in body.split(':') {
            total = total * 60.0 + python_float(part).ok_or_else(invalid)?;
        }
        return Ok(sign * total);
    }
    python_float(body).map(|v| sign * v).ok_or_else(invalid)
}

/// Whether `value`, written as a plain scalar, reads back as the same string under PyYAML's
/// YAML 1.1 resolver (used by emitters to decide when quotes are needed).
pub fn plain_reads_as_string(value: &str) -> bool {
    resolve_plain(value) == Implicit::Str
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sexagesimal_groups_are_one_or_two_digits() {
        assert_eq!(resolve_plain("1:30"), Implicit::Int);
        assert_eq!(resolve_plain("1:60"), Implicit::Str);
        assert_eq!(resolve_plain("1:130"), Implicit::Str);
        assert_eq!(resolve_plain("1:5:59"), Implicit::Int);
    }

    #[test]
    fn plain_strings_that_stay_strings() {
        for s in ["gpt-4o", "09", "3e-06", "y", "os.environ/KEY", "1.2.3"] {
            assert!(plain_reads_as_string(s), "{s}");
        }
        for s in [
            "yes",
            "Off",
            "010",
            "1:30",
            ".nan",
            "2024-01-01",
            "~",
            "",
            "<<",
            "=",
        ] {
            assert!(!plain_reads_as_string(s), "{s}");
        }
    }

    #[test]
    fn leap_years() {
        assert!(construct_timestamp("2024-02-29").is_ok());
        assert!(construct_timestamp("2023-02-29").is_err());
        assert!(construct_timestamp("1900-02-29").is_err());
        assert!(construct_timestamp("2000-02-29").is_ok());
    }

    #[test]
    fn instants_compare_across_offsets() {
        let a = construct_timestamp("2024-01-01 10:00:00+01:00").map(|p| timestamp_identity(&p));
        let b = construct_timestamp("2024-01-01T09:00:00Z").map(|p| timestamp_identity(&p));
        assert_eq!(a, b);
        let naive = construct_timestamp("2024-01-01T09:00:00").map(|p| timestamp_identity(&p));
        assert_ne!(naive, b);
    }
}
