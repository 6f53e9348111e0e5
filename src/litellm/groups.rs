//! The model groups a LiteLLM config serves: what a fallback, an alias or an OpenClaw
//! `litellm/<model_name>` ref may name.

use crate::syntax::Span;

/// One served model group (every deployment sharing a `model_name`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelGroup {
    pub name: String,
    /// Where the first deployment of the group names it.
    pub span: Span,
    /// Number of deployments in the group.
    pub deployments: usize,
    /// `litellm_params.model` of the first deployment (for pricing and compile output).
    pub model: Option<String>,
}

/// The names a config answers to: exact groups, wildcard groups and `model_group_alias` entries.
#[derive(Debug, Clone, Default)]
pub struct ModelGroups {
    pub groups: Vec<ModelGroup>,
    /// `router_settings.model_group_alias`: alias name, target group, span of the alias key.
    pub aliases: Vec<(String, String, Span)>,
    /// Group name -> position in `groups` (configs with thousands of groups stay linear).
    index: crate::fast_hash::FastMap<String, usize>,
    /// Positions of wildcard groups, longest pattern first (the order LiteLLM tries them).
    patterns: Vec<usize>,
}

/// How a requested name is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution<'a> {
    Exact(&'a ModelGroup),
    Wildcard(&'a ModelGroup),
    Alias(&'a str),
}

impl ModelGroups {
    pub fn new(groups: Vec<ModelGroup>, aliases: Vec<(String, String, Span)>) -> Self {
        let mut index = crate::fast_hash::map_with_capacity(groups.len());
        for (i, g) in groups.iter().enumerate() {
            index.entry(g.name.clone()).or_insert(i);
        }
        let mut patterns: Vec<usize> = (0..groups.len())
            .filter(|&i| groups[i].name.contains('*'))
            .collect();
        patterns.sort_by_key(|&i| std::cmp::Reverse(groups[i].name.len()));
        ModelGroups {
            groups,
            aliases,
            index,
            patterns,
        }
    }

    pub fn group(&self, name: &str) -> Option<&ModelGroup> {
        if self.is_indexed() {
            self.index.get(name).and_then(|&i| self.groups.get(i))
        } else {
            self.groups.iter().find(|g| g.name == name)
        }
    }

    /// Whether the index matches `groups` (the fields are public: a caller may have pushed
    /// groups without [`ModelGroups::new`]).
    fn is_indexed(&self) -> bool {
        self.index.len() == self.groups.len()
    }

    /// Resolves a requested model name as LiteLLM's router does: exact `model_name` first, then
    /// `model_group_alias`, then wildcard patterns (longest pattern first; `*` matches any text and
    /// the match is anchored at the start only, as `re.match` is).
    pub fn resolve(&self, name: &str) -> Option<Resolution<'_>> {
        if let Some(g) = self.group(name) {
            return Some(Resolution::Exact(g));
        }
        if let Some((alias, _, _)) = self.aliases.iter().find(|(a, _, _)| a == name) {
            return Some(Resolution::Alias(alias));
        }
        let mut patterns: Vec<&ModelGroup> = if self.is_indexed() {
            self.patterns
                .iter()
                .filter_map(|&i| self.groups.get(i))
                .collect()
        } else {
            let mut p: Vec<&ModelGroup> = self
                .groups
                .iter()
                .filter(|g| g.name.contains('*'))
                .collect();
            p.sort_by_key(|g| std::cmp::Reverse(g.name.len()));
            p
        };
        patterns.retain(|g| wildcard_matches(&g.name, name));
        patterns.first().copied().map(Resolution::Wildcard)
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
            .chain(self.aliases.iter().map(|(a, _, _)| a.as_str()))
            .filter(|c| !c.contains('*'));
        crate::suggest::closest(name, candidates)
    }

    /// Every exact (non-wildcard) group name, in file order.
    pub fn exact_names(&self) -> impl Iterator<Item = &str> {
        self.groups
            .iter()
            .filter(|g| !g.name.contains('*'))
            .map(|g| g.name.as_str())
    }
}

/// `re.match(escape(pattern).replace("\\*", "(.*)"), name)`: `*` matches any run of characters,
/// anchored at the start but not at the end.
pub fn wildcard_matches(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let Some((first, rest)) = parts.split_first() else {
        return false;
    };
    let Some(mut remaining) = name.strip_prefix(first) else {
        return false;
    };
    if rest.is_empty() {
        // No `*`: re.match without `$` accepts any name that starts with the pattern.
        return true;
    }
    for (i, part) in rest.iter().enumerate() {
        let is_last = i == rest.len() - 1;
        if is_last {
            // `(.*)` is greedy and the pattern is not end-anchored: the tail must appear somewhere.
            return part.is_empty() || remaining.contains(part);
        }
        match remaining.find(part) {
            Some(pos) => remaining = &remaining[pos + part.len()..],
            None => return false,
        }
    }
    true
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
    fn exact_beats_alias_beats_wildcard() {
        let span = Span::default();
        let g = |n: &str| ModelGroup {
            name: n.into(),
            span,
            deployments: 1,
            model: None,
        };
        let groups = ModelGroups::new(
            vec![g("gpt-4o"), g("openai/*")],
            vec![("fast".into(), "gpt-4o".into(), span)],
        );
        assert!(matches!(
            groups.resolve("gpt-4o"),
            Some(Resolution::Exact(_))
        ));
        assert!(matches!(groups.resolve("fast"), Some(Resolution::Alias(_))));
        assert!(matches!(
            groups.resolve("openai/o3"),
            Some(Resolution::Wildcard(_))
        ));
        assert_eq!(groups.resolve("claude"), None);
        assert_eq!(groups.suggest("gpt4o"), Some("gpt-4o"));
    }
}
