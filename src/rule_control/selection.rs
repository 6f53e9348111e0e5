//! Rule selection by code prefix, as ruff's: `LL05` selects LL050-LL059, `OC` every OpenClaw rule,
//! `ALL` every rule, a full code one rule. The most specific selector that matches a code decides
//! whether it is on (`--select LL05 --ignore LL050`: LL051 on, LL050 off;
//! `--ignore LL05 --extend-select LL050`: only LL050 of them on); between equally specific ones,
//! ignoring wins.

use crate::diagnostic::Code;

/// A code prefix (`LL`, `LL05`, `LL050`) or `ALL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector(String);

impl Selector {
    /// Parses a selector; `None` when it is neither `ALL` nor a prefix of some rule's code.
    pub fn parse(text: &str) -> Option<Selector> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("ALL") {
            return Some(Selector(String::new()));
        }
        let upper = text.to_ascii_uppercase();
        (!upper.is_empty() && Code::ALL.iter().any(|c| c.as_str().starts_with(&upper)))
            .then_some(Selector(upper))
    }

    /// How specific a match is: the prefix length (0 for `ALL`), `None` when it does not match.
    fn matches(&self, code: Code) -> Option<usize> {
        code.as_str().starts_with(&self.0).then_some(self.0.len())
    }

    pub fn as_str(&self) -> &str {
        if self.0.is_empty() {
            "ALL"
        } else {
            &self.0
        }
    }
}

/// Parses a list of selectors; the error names the first one that matches no rule.
pub fn parse_list<S: AsRef<str>>(items: &[S]) -> Result<Vec<Selector>, String> {
    items
        .iter()
        .map(|item| {
            Selector::parse(item.as_ref()).ok_or_else(|| {
                format!(
                    "`{}` selects no rule: use a code or code prefix (LL020, LL05, OC, XR) or ALL",
                    item.as_ref()
                )
            })
        })
        .collect()
}

/// The rules that are on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleSelection {
    /// `None`: the default, every rule.
    pub select: Option<Vec<Selector>>,
    pub extend_select: Vec<Selector>,
    pub ignore: Vec<Selector>,
}

impl RuleSelection {
    pub fn enabled(&self, code: Code) -> bool {
        let best = |selectors: &[Selector]| selectors.iter().filter_map(|s| s.matches(code)).max();
        let selected = match &self.select {
            None => Some(0),
            Some(select) => best(select),
        };
        let selected = match (selected, best(&self.extend_select)) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        match (selected, best(&self.ignore)) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(on), Some(off)) => on > off,
        }
    }

    /// This selection with `other`'s choices applied on top (a command line over a file):
    /// `select` replaces, `extend-select` and `ignore` add.
    pub fn overridden_by(&self, other: &RuleSelection) -> RuleSelection {
        let mut merged = self.clone();
        if other.select.is_some() {
            merged.select = other.select.clone();
            merged.extend_select.clear();
        }
        merged
            .extend_select
            .extend(other.extend_select.iter().cloned());
        merged.ignore.extend(other.ignore.iter().cloned());
        merged
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> Vec<Selector> {
        parse_list(items).unwrap()
    }

    #[test]
    fn the_most_specific_selector_decides() {
        let all = RuleSelection::default();
        assert!(all.enabled(Code::UnknownKey));
        let some = RuleSelection {
            select: Some(list(&["LL05"])),
            ignore: list(&["LL050"]),
            ..RuleSelection::default()
        };
        assert!(!some.enabled(Code::UnknownKey), "LL020 is not selected");
        assert!(!some.enabled(Code::from_code("LL050").unwrap()));
        assert!(some.enabled(Code::from_code("LL053").unwrap()));
        let back = RuleSelection {
            ignore: list(&["LL05"]),
            extend_select: list(&["LL050"]),
            ..RuleSelection::default()
        };
        assert!(back.enabled(Code::from_code("LL050").unwrap()));
        assert!(!back.enabled(Code::from_code("LL053").unwrap()));
        let tie = RuleSelection {
            select: Some(list(&["OC"])),
            ignore: list(&["oc"]),
            ..RuleSelection::default()
        };
        assert!(!tie.enabled(Code::OcUnknownKey), "ignoring wins a tie");
    }

    #[test]
    fn unknown_selectors_are_refused() {
        assert!(parse_list(&["LL9"]).is_err());
        assert!(parse_list(&["ZZ"]).is_err());
        assert_eq!(parse_list(&["all"]).unwrap()[0].as_str(), "ALL");
    }

    #[test]
    fn the_command_line_goes_over_the_file() {
        let file = RuleSelection {
            select: Some(list(&["LL"])),
            ignore: list(&["LL050"]),
            ..RuleSelection::default()
        };
        let cli = RuleSelection {
            select: None,
            extend_select: list(&["OC"]),
            ignore: list(&["LL020"]),
        };
        let merged = file.overridden_by(&cli);
        assert!(merged.enabled(Code::OcUnknownKey));
        assert!(!merged.enabled(Code::UnknownKey));
        assert!(!merged.enabled(Code::from_code("LL050").unwrap()));
    }
}
