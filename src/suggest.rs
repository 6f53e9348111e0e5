//! "Did you mean" suggestions.

/// The candidate closest to `input`, if it is close enough to be a plausible typo.
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lowered = input.to_ascii_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    for candidate in candidates {
        if candidate == input {
            continue;
        }
        let score = strsim::jaro_winkler(&lowered, &candidate.to_ascii_lowercase());
        let distance = strsim::damerau_levenshtein(&lowered, &candidate.to_ascii_lowercase());
        // A small edit distance relative to length, or a very high similarity.
        let plausible = distance <= (candidate.len().max(input.len()) / 3).max(1) || score >= 0.92;
        if plausible && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// `did you mean `x`?` or nothing.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(input, candidates).map(|c| format!("did you mean `{c}`?"))
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
}
