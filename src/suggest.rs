//! "Did you mean" suggestions.
//!
//! A config can hold tens of thousands of unknown names, each compared with every candidate, so
//! the comparison is cheap where it can be: candidates are lower-cased once, pairs that cannot be
//! plausible are skipped on their lengths and letters before the costly string metrics run, and a
//! [`Suggester`] answers a repeated input from memory. The answers are those of the plain search.

use std::borrow::Cow;
use std::cell::RefCell;

use crate::fast_hash::FastMap;

/// Jaro-Winkler similarity at which a candidate is plausible whatever its edit distance.
const SIMILAR: f64 = 0.92;

/// A candidate prepared once: its lower-cased text and length in chars.
struct Candidate<'a> {
    text: &'a str,
    lowered: Cow<'a, str>,
    chars: usize,
}

impl<'a> Candidate<'a> {
    fn new(text: &'a str) -> Self {
        // Most candidates (schema keys, provider names) are lower case already: no copy.
        let lowered = if text.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(text.to_ascii_lowercase())
        } else {
            Cow::Borrowed(text)
        };
        Candidate {
            text,
            chars: lowered.chars().count(),
            lowered,
        }
    }
}

/// The input being matched, prepared once.
struct Input<'i> {
    text: &'i str,
    lowered: String,
    chars: usize,
}

/// Searches one candidate list, remembering the answer for each distinct input.
pub struct Suggester<'a> {
    candidates: Vec<Candidate<'a>>,
    answers: RefCell<FastMap<String, Option<usize>>>,
}

impl<'a> Suggester<'a> {
    pub fn new(candidates: impl IntoIterator<Item = &'a str>) -> Self {
        Suggester {
            candidates: candidates.into_iter().map(Candidate::new).collect(),
            answers: RefCell::default(),
        }
    }

    /// The candidate closest to `input`, if it is close enough to be a plausible typo.
    pub fn closest(&self, input: &str) -> Option<&'a str> {
        if let Some(answer) = self.answers.borrow().get(input) {
            return answer.map(|i| self.candidates[i].text);
        }
        let answer = best(input, &self.candidates);
        self.answers.borrow_mut().insert(input.to_string(), answer);
        answer.map(|i| self.candidates[i].text)
    }

    /// `did you mean `x`?` or nothing.
    pub fn did_you_mean(&self, input: &str) -> Option<String> {
        self.closest(input).map(|c| format!("did you mean `{c}`?"))
    }
}

/// The candidate closest to `input`, if it is close enough to be a plausible typo.
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let prepared: Vec<Candidate<'a>> = candidates.into_iter().map(Candidate::new).collect();
    best(input, &prepared).map(|i| prepared[i].text)
}

/// `did you mean `x`?` or nothing.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(input, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// The one candidate `input` near-misses, for a fix that renames it: the closest plausible
/// candidate ([`closest`]) when it is one edit away (Damerau-Levenshtein, case-insensitive), or
/// two for words of 8 characters or more, and no other candidate is as few edits away. `None`
/// when the choice would be a guess, and when one word holds the other (`agent`/`agents`,
/// `authz`/`auth`, `_meta`/`meta`): a different word, not a typo, and its shape may differ.
pub fn unique_near_miss<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
) -> Option<&'a str> {
    let best = closest(input, candidates.clone())?;
    let lowered = input.to_ascii_lowercase();
    let best_lowered = best.to_ascii_lowercase();
    let distance = strsim::damerau_levenshtein(&lowered, &best_lowered);
    let allowed = if lowered.chars().count() >= 8 { 2 } else { 1 };
    if distance > allowed
        || (lowered != best_lowered
            && (lowered.contains(best_lowered.as_str()) || best_lowered.contains(lowered.as_str())))
    {
        return None;
    }
    let chars = lowered.chars().count();
    let rival = candidates.into_iter().any(|other| {
        other != best
            && other != input
            // The length difference is a lower bound of the distance.
            && other.chars().count().abs_diff(chars) <= distance
            && strsim::damerau_levenshtein(&lowered, &other.to_ascii_lowercase()) <= distance
    });
    (!rival).then_some(best)
}

/// The index of the most similar plausible candidate (the first of equals). Plausible: a small
/// edit distance relative to length, or a very high similarity.
fn best(input: &str, candidates: &[Candidate<'_>]) -> Option<usize> {
    let lowered = input.to_ascii_lowercase();
    let input = Input {
        text: input,
        chars: lowered.chars().count(),
        lowered,
    };
    let mut best: Option<(f64, usize)> = None;
    for (index, candidate) in candidates.iter().enumerate() {
        if candidate.text == input.text {
            continue;
        }
        let Some(score) = plausible_score(&input, candidate) else {
            continue;
        };
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, index));
        }
    }
    best.map(|(_, i)| i)
}

/// The Jaro-Winkler score of a plausible pair, `None` for a pair that is not. The metrics only
/// run when lower bounds leave the pair a chance.
fn plausible_score(input: &Input<'_>, candidate: &Candidate<'_>) -> Option<f64> {
    let max_distance = (candidate.text.len().max(input.text.len()) / 3).max(1);
    let (short, long) = if input.chars <= candidate.chars {
        (input.chars, candidate.chars)
    } else {
        (candidate.chars, input.chars)
    };
    // Jaro-Winkler only runs when an upper bound of it could reach the threshold, and the edit
    // distance only when lower bounds of it leave it within reach.
    let common = common_letters(&input.lowered, &candidate.lowered);
    let may_be_similar = similarity_bound(common.unwrap_or(short), short, long) >= SIMILAR;
    // The length difference and the letters one side has in excess (bag distance) are both
    // lower bounds of the Damerau-Levenshtein distance.
    let bag_distance = common.map_or(0, |c| (short - c).max(long - c));
    let may_be_near = long - short <= max_distance && bag_distance <= max_distance;
    if !may_be_similar && !may_be_near {
        return None;
    }
    let score = strsim::jaro_winkler(&input.lowered, &candidate.lowered);
    let near = may_be_near
        && strsim::damerau_levenshtein(&input.lowered, &candidate.lowered) <= max_distance;
    (near || score >= SIMILAR).then_some(score)
}

/// An upper bound of the Jaro-Winkler similarity of two strings of `short` and `long` chars with
/// at most `matches` matching chars: Jaro is at most (m/short + m/long + 1) / 3, and Winkler's
/// prefix bonus closes at most 40 % of the rest. A little is added for rounding.
fn similarity_bound(matches: usize, short: usize, long: usize) -> f64 {
    if matches == 0 || short == 0 {
        return 0.0;
    }
    let m = matches as f64;
    let jaro = (m / short as f64 + m / long as f64 + 1.0) / 3.0;
    0.6 * jaro + 0.4 + 1e-9
}

/// How many letters the two strings have in common, counted as multisets (each letter used
/// once); `None` unless both are ASCII (bytes are then chars).
fn common_letters(a: &str, b: &str) -> Option<usize> {
    if !a.is_ascii() || !b.is_ascii() {
        return None;
    }
    let mut counts = [0u32; 128];
    for &byte in a.as_bytes() {
        counts[usize::from(byte)] += 1;
    }
    let mut common = 0;
    for &byte in b.as_bytes() {
        let count = &mut counts[usize::from(byte)];
        if *count > 0 {
            *count -= 1;
            common += 1;
        }
    }
    Some(common)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_misses_only() {
        let keys = ["litellm_params", "model_name", "model_info"];
        assert_eq!(closest("litelm_params", keys), Some("litellm_params"));
        assert_eq!(closest("model_nme", keys), Some("model_name"));
        assert_eq!(closest("temperature", keys), None);
    }

    #[test]
    fn a_near_miss_is_unique_or_nothing() {
        let keys = [
            "model",
            "mode",
            "litellm_params",
            "model_name",
            "model_info",
        ];
        assert_eq!(
            unique_near_miss("litelm_params", keys),
            Some("litellm_params")
        );
        // `modle` is one transposition from `model` but also one edit from `mode`.
        assert_eq!(unique_near_miss("modle", keys), None);
        assert_eq!(
            unique_near_miss("modle", ["model", "model_name"]),
            Some("model")
        );
        assert_eq!(unique_near_miss("model_nfo", keys), Some("model_info"));
        // Plausible for "did you mean" but three edits away: no fix.
        assert_eq!(unique_near_miss("litllm_parms_x", ["litellm_params"]), None);
        // Two edits in a short word, or one word inside the other: other words, no fix.
        assert_eq!(unique_near_miss("version", ["session"]), None);
        assert_eq!(unique_near_miss("agent", ["agents"]), None);
        assert_eq!(unique_near_miss("authz", ["auth"]), None);
        assert_eq!(unique_near_miss("_meta", ["meta"]), None);
        assert_eq!(
            unique_near_miss("router_setings", ["router_settings"]),
            Some("router_settings")
        );
    }

    /// The unfiltered search the prefilters must agree with.
    fn reference<'a>(input: &str, candidates: &[&'a str]) -> Option<&'a str> {
        let lowered = input.to_ascii_lowercase();
        let mut best: Option<(f64, &'a str)> = None;
        for &candidate in candidates {
            if candidate == input {
                continue;
            }
            let other = candidate.to_ascii_lowercase();
            let score = strsim::jaro_winkler(&lowered, &other);
            let distance = strsim::damerau_levenshtein(&lowered, &other);
            let plausible =
                distance <= (candidate.len().max(input.len()) / 3).max(1) || score >= SIMILAR;
            if plausible && best.is_none_or(|(s, _)| score > s) {
                best = Some((score, candidate));
            }
        }
        best.map(|(_, c)| c)
    }

    #[test]
    fn the_prefilters_change_no_answer() {
        let candidates = [
            "openai",
            "anthropic",
            "azure",
            "azure_ai",
            "bedrock",
            "vertex_ai",
            "gemini",
            "groq",
            "ollama",
            "ollama_chat",
            "mistral",
            "a",
            "ab",
            "abc",
            "model_list",
            "router_settings",
            "litellm_settings",
            "general_settings",
            "environment_variables",
            "ÿé",
            "ÿéa",
        ];
        let mut inputs: Vec<String> = Vec::new();
        // Every candidate with one edit of each kind, and unrelated words of every length.
        for c in candidates {
            let chars: Vec<char> = c.chars().collect();
            for i in 0..chars.len() {
                let mut deleted = chars.clone();
                deleted.remove(i);
                inputs.push(deleted.iter().collect());
                let mut swapped = chars.clone();
                if i + 1 < chars.len() {
                    swapped.swap(i, i + 1);
                    inputs.push(swapped.iter().collect());
                }
                let mut replaced = chars.clone();
                replaced[i] = 'x';
                inputs.push(replaced.iter().collect());
            }
            inputs.push(format!("{c}s"));
            inputs.push(c.to_uppercase());
        }
        // Short strings over a small alphabet land near every bound.
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..3000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let len = (seed >> 60) as usize;
            let word: String = (0..len)
                .map(|i| b"aeinolrst_"[((seed >> (i * 4)) & 0xF) as usize % 10] as char)
                .collect();
            inputs.push(word);
        }
        for n in 0..30 {
            inputs.push("q".repeat(n));
            inputs.push("openai".chars().cycle().take(n).collect());
        }
        let suggester = Suggester::new(candidates);
        for input in &inputs {
            let expected = reference(input, &candidates);
            assert_eq!(closest(input, candidates), expected, "{input}");
            assert_eq!(suggester.closest(input), expected, "{input}");
            // Answered from memory the second time, the same.
            assert_eq!(suggester.closest(input), expected, "{input}");
        }
    }
}
