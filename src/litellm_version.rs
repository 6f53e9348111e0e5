//! The LiteLLM releases the checker judges a config against (`--litellm-version`, the settings
//! file's `litellm-version`): 1.80 and 1.109. Where they differ (the price table and so the bare
//! ids `get_llm_provider` can resolve, the provider prefixes, the `LiteLLM_JWTAuth` fields, the
//! health-check settings in `router_settings`, the master-key boot check), a finding that holds
//! for only some of the targeted versions says which.

use std::fmt;

/// One supported LiteLLM release line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum LiteLlmVersion {
    /// LiteLLM 1.80 (data from 1.80.0).
    #[value(name = "1.80")]
    V1_80,
    /// LiteLLM 1.109 (data from 1.109.1).
    #[value(name = "1.109")]
    V1_109,
}

impl LiteLlmVersion {
    /// Every supported version, oldest first.
    pub const ALL: [LiteLlmVersion; 2] = [LiteLlmVersion::V1_80, LiteLlmVersion::V1_109];

    /// `1.80`, `1.109`: how the flag, the settings file and messages name it.
    pub fn as_str(self) -> &'static str {
        match self {
            LiteLlmVersion::V1_80 => "1.80",
            LiteLlmVersion::V1_109 => "1.109",
        }
    }

    /// Reads `1.80` or `1.109` (a patch release such as `1.80.0` or `1.109.3` too).
    pub fn parse(text: &str) -> Result<LiteLlmVersion, String> {
        let text = text.trim();
        let text = text.strip_prefix('v').unwrap_or(text);
        LiteLlmVersion::ALL
            .into_iter()
            .find(|v| {
                text == v.as_str()
                    || text
                        .strip_prefix(v.as_str())
                        .and_then(|rest| rest.strip_prefix('.'))
                        .is_some_and(|patch| {
                            !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit())
                        })
            })
            .ok_or_else(|| {
                format!("unknown LiteLLM version `{text}`: the supported ones are 1.80 and 1.109")
            })
    }

    fn bit(self) -> u8 {
        match self {
            LiteLlmVersion::V1_80 => 1,
            LiteLlmVersion::V1_109 => 2,
        }
    }
}

impl fmt::Display for LiteLlmVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of LiteLLM versions: the ones a check targets, or the ones a fact holds for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Versions(u8);

impl Default for Versions {
    /// Every supported version: a config is judged against all of them unless told otherwise.
    fn default() -> Self {
        Versions::ALL
    }
}

impl FromIterator<LiteLlmVersion> for Versions {
    fn from_iter<I: IntoIterator<Item = LiteLlmVersion>>(versions: I) -> Versions {
        Versions(versions.into_iter().fold(0, |bits, v| bits | v.bit()))
    }
}

impl Versions {
    pub const ALL: Versions = Versions(3);
    pub const NONE: Versions = Versions(0);

    pub fn only(version: LiteLlmVersion) -> Versions {
        Versions(version.bit())
    }

    pub fn contains(self, version: LiteLlmVersion) -> bool {
        self.0 & version.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = LiteLlmVersion> {
        LiteLlmVersion::ALL
            .into_iter()
            .filter(move |v| self.contains(*v))
    }

    /// The versions of `self` that `other` also holds.
    pub fn intersect(self, other: Versions) -> Versions {
        Versions(self.0 & other.0)
    }

    /// The versions of `self` that `other` does not hold.
    pub fn without(self, other: Versions) -> Versions {
        Versions(self.0 & !other.0)
    }

    pub fn with(self, version: LiteLlmVersion) -> Versions {
        Versions(self.0 | version.bit())
    }

    /// `1.80`, `1.80 and 1.109`: for messages.
    pub fn describe(self) -> String {
        let names: Vec<&str> = self.iter().map(LiteLlmVersion::as_str).collect();
        match names.as_slice() {
            [] => "no version".into(),
            [one] => (*one).to_string(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        }
    }

    /// Reads a list of versions (the settings file's `litellm-version`, one or several).
    pub fn parse_list<S: AsRef<str>>(items: &[S]) -> Result<Versions, String> {
        let mut versions = Versions::NONE;
        for item in items {
            for part in item.as_ref().split(',').filter(|p| !p.trim().is_empty()) {
                versions = versions.with(LiteLlmVersion::parse(part)?);
            }
        }
        if versions.is_empty() {
            return Err("no LiteLLM version given: the supported ones are 1.80 and 1.109".into());
        }
        Ok(versions)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn versions_parse_and_describe() {
        assert_eq!(LiteLlmVersion::parse("1.80"), Ok(LiteLlmVersion::V1_80));
        assert_eq!(LiteLlmVersion::parse("1.109.3"), Ok(LiteLlmVersion::V1_109));
        assert!(LiteLlmVersion::parse("1.8").is_err());
        assert!(LiteLlmVersion::parse("1.1090").is_err());
        assert!(LiteLlmVersion::parse("1.80.").is_err());
        let both = Versions::parse_list(&["1.80,1.109"]).unwrap();
        assert_eq!(both, Versions::ALL);
        assert_eq!(both.describe(), "1.80 and 1.109");
        assert_eq!(
            Versions::only(LiteLlmVersion::V1_109)
                .without(Versions::ALL)
                .describe(),
            "no version"
        );
        assert!(Versions::parse_list::<&str>(&[]).is_err());
    }
}
