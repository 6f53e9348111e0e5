//! The names a LiteLLM config answers to, and the one resolver of a requested name: used by the
//! checker's rules, OpenClaw's `litellm/<model_name>` refs, `explain` and litellm-proxy's router.
//!
//! LiteLLM's router (`router.py`, `_get_model_from_alias`, `pattern_router.py`) tries the exact
//! `model_name` first, then `router_settings.model_group_alias`, then wildcard patterns, most
//! specific first (`PatternRouter` sorts by length, then by the number of `*`).

use crate::syntax::Span;

/// One served model group (every deployment sharing a `model_name`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelGroup {
    pub name: String,
    /// Where the first deployment of the group names it.
    pub span: Span,
    /// The group's deployments, as positions in the list the groups were built from, in file order.
    pub members: Vec<usize>,
    /// `litellm_params.model` of the first deployment (for pricing and compile output).
    pub model: Option<String>,
}

impl ModelGroup {
    pub fn is_wildcard(&self) -> bool {
        self.name.contains('*')
    }
}

/// One `model_group_alias` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    pub name: String,
    pub target: String,
    /// `{model: ..., hidden: true}`: served, but not listed by `/v1/models`.
    pub hidden: bool,
    /// The alias key.
    pub span: Span,
}

/// The names a config answers to: exact groups, wildcard groups and `model_group_alias` entries.
#[derive(Debug, Clone, Default)]
pub struct ModelGroups {
    pub groups: Vec<ModelGroup>,
    pub aliases: Vec<Alias>,
    /// Group name -> position in `groups` (configs with thousands of groups stay linear).
    index: crate::fast_hash::FastMap<String, usize>,
    /// Positions of wildcard groups in the order LiteLLM tries them.
    patterns: Vec<usize>,
    /// Alias name -> position in `aliases` (the proxy resolves names per request).
    alias_index: crate::fast_hash::FastMap<String, usize>,
}

/// How a requested name reached its group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// The name is a `model_name`.
    Exact,
    /// The name is a `model_group_alias` of the group (the alias's own target name, which may
    /// itself match a wildcard: `captures` is then set).
    Alias {
        target: String,
        captures: Option<Vec<String>>,
    },
    /// The name matched the group's pattern; what each `*` matched.
    Wildcard { captures: Vec<String> },
}

/// A requested name resolved to the group that serves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution<'a> {
    pub group: &'a ModelGroup,
    pub via: Via,
}

impl Resolution<'_> {
    /// What each `*` of a wildcard group matched, however the group was reached.
    pub fn captures(&self) -> Option<&[String]> {
        match &self.via {
            Via::Exact => None,
            Via::Alias { captures, .. } => captures.as_deref(),
            Via::Wildcard { captures } => Some(captures),
        }
    }
}

impl ModelGroups {
    pub fn new(groups: Vec<ModelGroup>, aliases: Vec<Alias>) -> Self {
        let mut index = crate::fast_hash::map_with_capacity(groups.len());
        for (i, g) in groups.iter().enumerate() {
            index.entry(g.name.clone()).or_insert(i);
        }
        let mut patterns: Vec<usize> = (0..groups.len())
            .filter(|&i| groups[i].is_wildcard())
            .collect();
        // `PatternRouter._calculate_pattern_specificity`: (length, number of `*`), highest first;
        // a stable sort keeps file order among equals.
        patterns.sort_by_key(|&i| {
            let name = &groups[i].name;
            std::cmp::Reverse((name.len(), name.matches('*').count()))
        });
        let mut alias_index = crate::fast_hash::map_with_capacity(aliases.len());
        for (i, alias) in aliases.iter().enumerate() {
            // A repeated alias key: the mapping keeps the last one, as Python's dict does.
            alias_index.insert(alias.name.clone(), i);
        }
        ModelGroups {
            groups,
            aliases,
            index,
            patterns,
            alias_index,
        }
    }

    /// Groups from `(model_name, name span, model)` of each deployment, in file order.
    pub fn from_deployments<'a>(
        deployments: impl IntoIterator<Item = (&'a str, Span, Option<&'a str>)>,
        aliases: Vec<Alias>,
    ) -> Self {
        let mut groups: Vec<ModelGroup> = Vec::new();
        let mut index: crate::fast_hash::FastMap<&str, usize> = Default::default();
        for (position, (name, span, model)) in deployments.into_iter().enumerate() {
            match index.get(name) {
                Some(&i) => groups[i].members.push(position),
                None => {
                    index.insert(name, groups.len());
                    groups.push(ModelGroup {
                        name: name.to_string(),
                        span,
                        members: vec![position],
                        model: model.map(str::to_string),
                    });
                }
            }
        }
        ModelGroups::new(groups, aliases)
    }

    pub fn group(&self, name: &str) -> Option<&ModelGroup> {
        self.index.get(name).and_then(|&i| self.groups.get(i))
    }

    pub fn alias(&self, name: &str) -> Option<&Alias> {
        self.alias_index
            .get(name)
            .and_then(|&i| self.aliases.get(i))
    }

    /// Resolves a requested model name as LiteLLM's router does: exact `model_name` first, then
    /// `model_group_alias` (whose target is resolved as a name again, without aliases), then
    /// wildcard patterns in specificity order.
    pub fn resolve(&self, name: &str) -> Option<Resolution<'_>> {
        if let Some(group) = self.group(name) {
            return Some(Resolution {
                group,
                via: Via::Exact,
            });
        }
        if let Some(alias) = self.alias(name) {
            let target = self.resolve_without_alias(&alias.target)?;
            return Some(Resolution {
                group: target.group,
                via: Via::Alias {
                    target: alias.target.clone(),
                    captures: target.captures().map(<[String]>::to_vec),
                },
            });
        }
        self.wildcard(name)
    }

    fn resolve_without_alias(&self, name: &str) -> Option<Resolution<'_>> {
        match self.group(name) {
            Some(group) => Some(Resolution {
                group,
                via: Via::Exact,
            }),
            None => self.wildcard(name),
        }
    }

    fn wildcard(&self, name: &str) -> Option<Resolution<'_>> {
        self.patterns.iter().find_map(|&i| {
            let group = self.groups.get(i)?;
            let captures = wildcard_captures(&group.name, name)?;
            Some(Resolution {
                group,
                via: Via::Wildcard { captures },
            })
        })
    }

    pub fn contains(&self, name: &str) -> bool {
        self.resolve(name).is_some()
    }

    /// The closest served name, for "did you mean".
    pub fn suggest(&self, name: &str) -> Option<&str> {
        let candidates = self
            .groups
            .iter()
            .map(|g| g.name.as_str())
            .chain(self.aliases.iter().map(|a| a.name.as_str()))
            .filter(|c| !c.contains('*'));
        crate::suggest::closest(name, candidates)
    }

    /// Every exact (non-wildcard) group name, in file order.
    pub fn exact_names(&self) -> impl Iterator<Item = &str> {
        self.groups
            .iter()
            .filter(|g| !g.is_wildcard())
            .map(|g| g.name.as_str())
    }

    /// Wildcard groups in the order the router tries them.
    pub fn patterns(&self) -> impl Iterator<Item = &ModelGroup> {
        self.patterns.iter().filter_map(|&i| self.groups.get(i))
    }
}

/// `re.match(escape(pattern).replace("\\*", "(.*)"), name)`: `*` matches any run of characters,
/// anchored at the start but not at the end.
pub fn wildcard_matches(pattern: &str, name: &str) -> bool {
    wildcard_captures(pattern, name).is_some()
}

/// What each `*` of `pattern` captures in `name` under `re.match` with greedy `(.*)` groups
/// (anchored at the start, not at the end); `None` when it does not match.
pub fn wildcard_captures(pattern: &str, name: &str) -> Option<Vec<String>> {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, rest) = parts.split_first()?;
    let remaining = name.strip_prefix(first)?;
    if rest.is_empty() {
        // No `*`: re.match without `$` accepts any name that starts with the pattern.
        return Some(Vec::new());
    }
    // Greedy groups with backtracking, as Python's `re` does. Each group takes the longest text
    // after which the next literal occurs; the last literal only has to occur somewhere (no `$`).
    // Deciding a group's end needs only the *last* occurrence of its literal that still leaves
    // room for the rest, so each step is one scan from the right: linear in the name per `*`.
    let mut captures = Vec::with_capacity(rest.len());
    let mut text = remaining;
    for (i, literal) in rest.iter().enumerate() {
        let later = &rest[i + 1..];
        if later.is_empty() {
            if literal.is_empty() {
                captures.push(text.to_string());
            } else {
                // `(.*)literal` with nothing after: the last occurrence, and re.match stops there.
                let at = text.rfind(literal)?;
                captures.push(text[..at].to_string());
            }
            return Some(captures);
        }
        // Longest capture such that the remaining literals still match in order after it.
        let end = greedy_end(text, literal, later)?;
        captures.push(text[..end].to_string());
        text = &text[end + literal.len()..];
    }
    Some(captures)
}

/// The largest `end` with `text[end..]` starting with `literal` and the `later` literals
/// occurring in order after it.
fn greedy_end(text: &str, literal: &str, later: &[&str]) -> Option<usize> {
    // Matching the later literals from the right, each at its last possible place, gives the
    // latest position they can all still start from; `literal` must end before it.
    let mut limit = text.len();
    for piece in later.iter().rev() {
        limit = text[..limit].rfind(piece)?;
    }
    text[..limit].rfind(literal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_semantics_follow_re_match() {
        assert!(wildcard_matches("openai/*", "openai/gpt-4o"));
        assert!(wildcard_matches("*", "anything"));
        assert!(!wildcard_matches("openai/*", "anthropic/claude"));
        assert!(wildcard_matches("my-*-model", "my-big-model"));
        assert!(
            wildcard_matches("my-*-model", "my-big-model-v2"),
            "not anchored at the end"
        );
        assert!(!wildcard_matches("my-*-model", "my-big"));
    }

    #[test]
    fn captures_follow_greedy_re_match() {
        let caps = |p: &str, n: &str| wildcard_captures(p, n);
        assert_eq!(
            caps("my-openai/*", "my-openai/gpt-4o"),
            Some(vec!["gpt-4o".into()])
        );
        assert_eq!(caps("*", "x"), Some(vec!["x".to_string()]));
        assert_eq!(
            caps("a/*-*", "a/b-c-d"),
            Some(vec!["b-c".into(), "d".into()])
        );
        assert_eq!(
            caps("my-*-model", "my-big-model-v2"),
            Some(vec!["big".into()])
        );
        assert_eq!(
            caps("*-x-*-y", "a-x-b-x-c-y-z"),
            Some(vec!["a-x-b".into(), "c".into()])
        );
        assert_eq!(caps("*ab*b", "aabab"), Some(vec!["a".into(), "a".into()]));
        assert_eq!(caps("openai/*", "anthropic/x"), None);
        assert_eq!(caps("*-*-z", "a-b"), None);
    }

    #[test]
    fn captures_match_a_backtracking_reference_on_small_inputs() {
        // Python's greedy `(.*)` semantics by brute force: the first split in order of
        // longest-first captures that matches.
        fn reference(parts: &[&str], text: &str, out: &mut Vec<String>) -> bool {
            let Some((literal, rest)) = parts.split_first() else {
                return true;
            };
            if rest.is_empty() && literal.is_empty() {
                out.push(text.to_string());
                return true;
            }
            for end in (0..=text.len()).rev() {
                let Some(after) = text[end..].strip_prefix(literal) else {
                    continue;
                };
                out.push(text[..end].to_string());
                if rest.is_empty() || reference(rest, after, out) {
                    return true;
                }
                out.pop();
            }
            false
        }
        let alphabet = ["a", "b", "-"];
        let mut words = vec![String::new()];
        for _ in 0..5 {
            let next: Vec<String> = words
                .iter()
                .flat_map(|w| alphabet.iter().map(move |c| format!("{w}{c}")))
                .collect();
            words.extend(next);
        }
        words.sort();
        words.dedup();
        for pattern in [
            "*", "a*", "*a", "*a*", "*-*", "a*b*", "*ab*b", "*-*-", "-*a*-*",
        ] {
            for name in &words {
                let parts: Vec<&str> = pattern.split('*').collect();
                let expected = name.strip_prefix(parts[0]).and_then(|rest| {
                    let mut out = Vec::new();
                    reference(&parts[1..], rest, &mut out).then_some(out)
                });
                assert_eq!(
                    wildcard_captures(pattern, name),
                    expected,
                    "{pattern} on {name:?}"
                );
            }
        }
    }

    #[test]
    fn a_long_name_against_many_stars_stays_fast() {
        let name = "a".repeat(20_000);
        assert_eq!(wildcard_captures("*a*a*a*a*a*b", &name), None);
    }

    #[test]
    fn exact_beats_alias_beats_wildcard() {
        let span = Span::default();
        let groups = ModelGroups::from_deployments(
            [
                ("gpt-4o", span, None),
                ("openai/*", span, None),
                ("gpt-*", span, None),
            ],
            vec![
                Alias {
                    name: "fast".into(),
                    target: "gpt-4o".into(),
                    hidden: false,
                    span,
                },
                Alias {
                    name: "gpt-x".into(),
                    target: "gpt-4o".into(),
                    hidden: false,
                    span,
                },
            ],
        );
        assert_eq!(groups.resolve("gpt-4o").map(|r| r.via), Some(Via::Exact));
        let fast = groups.resolve("fast");
        assert_eq!(fast.as_ref().map(|r| r.group.name.as_str()), Some("gpt-4o"));
        // An alias wins over a wildcard that also matches the requested name.
        assert_eq!(
            groups.resolve("gpt-x").map(|r| r.group.name.clone()),
            Some("gpt-4o".to_string())
        );
        assert_eq!(
            groups.resolve("openai/o3").map(|r| r.via),
            Some(Via::Wildcard {
                captures: vec!["o3".into()]
            })
        );
        assert_eq!(groups.resolve("claude"), None);
        assert_eq!(groups.suggest("gpt4o"), Some("gpt-4o"));
    }
}
