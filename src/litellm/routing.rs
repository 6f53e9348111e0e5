//! How LiteLLM's router picks among a group's deployments and what it calls them with, shared by
//! `explain` (which predicts it) and litellm-proxy's router (which does it): `order` tiers, the
//! weights of `simple-shuffle`, and the upstream model of a wildcard hit.
//!
//! Mirrors LiteLLM 1.109 `router.py` (`_get_deployments_with_order`: the lowest `order` first),
//! `router_strategy/simple_shuffle.py` (`weight`, then `rpm`, then `tpm`) and
//! `router_utils/pattern_match_deployments.py` (`_return_pattern_matched_deployments`: each `*`
//! of the deployment's model takes the next capture of the requested name).

/// Deployments of a group by `order` tier, lowest first. Deployments without `order` come last
/// when others have one; a group without any `order` is one tier. `order` gives a candidate's
/// tier (`None`: unset).
pub fn order_tiers(candidates: &[usize], order: impl Fn(usize) -> Option<i64>) -> Vec<Vec<usize>> {
    if candidates.iter().all(|&i| order(i).is_none()) {
        return vec![candidates.to_vec()];
    }
    let mut keys: Vec<Option<i64>> = candidates.iter().map(|&i| order(i)).collect();
    keys.sort_by_key(|k| (k.is_none(), *k));
    keys.dedup();
    keys.into_iter()
        .map(|key| {
            candidates
                .iter()
                .copied()
                .filter(|&i| order(i) == key)
                .collect()
        })
        .collect()
}

/// The deployment setting `simple-shuffle` draws by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShuffleMetric {
    Weight,
    Rpm,
    Tpm,
}

impl ShuffleMetric {
    pub const ALL: [ShuffleMetric; 3] = [
        ShuffleMetric::Weight,
        ShuffleMetric::Rpm,
        ShuffleMetric::Tpm,
    ];

    /// The `litellm_params` key.
    pub fn key(self) -> &'static str {
        match self {
            ShuffleMetric::Weight => "weight",
            ShuffleMetric::Rpm => "rpm",
            ShuffleMetric::Tpm => "tpm",
        }
    }
}

/// `simple-shuffle` of LiteLLM 1.109: the first of `weight`, `rpm`, `tpm` that some candidate
/// has (above 0) decides, and candidates without it get weight 0; `None` when no candidate has
/// any of them (the draw is then uniform). `metric` gives a candidate's value of a setting.
pub fn shuffle_weights(
    candidates: &[usize],
    metric: impl Fn(usize, ShuffleMetric) -> Option<f64>,
) -> Option<(ShuffleMetric, Vec<f64>)> {
    ShuffleMetric::ALL.into_iter().find_map(|which| {
        let weights: Vec<f64> = candidates
            .iter()
            .map(|&i| metric(i, which).filter(|w| *w > 0.0).unwrap_or(0.0))
            .collect();
        (weights.iter().sum::<f64>() > 0.0).then_some((which, weights))
    })
}

/// The upstream model for a wildcard hit: each `*` of the deployment's upstream model takes the
/// next capture; with more captures than `*`, the requested name is used verbatim.
pub fn substitute_captures(model: &str, captures: &[String], requested: &str) -> String {
    let stars = model.matches('*').count();
    if stars == 0 {
        return model.to_string();
    }
    if captures.len() > stars {
        return requested.to_string();
    }
    let mut out = String::with_capacity(model.len() + requested.len());
    let mut captures = captures.iter();
    for (i, piece) in model.split('*').enumerate() {
        if i > 0 {
            out.push_str(captures.next().map(String::as_str).unwrap_or(""));
        }
        out.push_str(piece);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_put_unordered_deployments_last() {
        let order = [None, Some(2), Some(1), Some(2)];
        assert_eq!(
            order_tiers(&[0, 1, 2, 3], |i| order[i]),
            vec![vec![2], vec![1, 3], vec![0]]
        );
        assert_eq!(order_tiers(&[0, 1], |_| None), vec![vec![0, 1]]);
    }

    #[test]
    fn the_first_metric_some_candidate_has_decides() {
        let values = [
            [None, Some(100.0), None],
            [Some(3.0), None, None],
            [Some(0.0), Some(5.0), Some(1.0)],
        ];
        let metric = |i: usize, m: ShuffleMetric| values[i][m as usize];
        assert_eq!(
            shuffle_weights(&[0, 1, 2], metric),
            Some((ShuffleMetric::Weight, vec![0.0, 3.0, 0.0]))
        );
        assert_eq!(
            shuffle_weights(&[0, 2], metric),
            Some((ShuffleMetric::Rpm, vec![100.0, 5.0]))
        );
        assert_eq!(shuffle_weights(&[0, 1], |_, _| None), None);
    }

    #[test]
    fn captures_fill_the_stars_of_the_upstream_model() {
        let caps = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(substitute_captures("*", &caps(&["gpt-4o"]), "x"), "gpt-4o");
        assert_eq!(
            substitute_captures("gpt-4o", &caps(&["a"]), "x"),
            "gpt-4o",
            "a model without `*` is called as written"
        );
        assert_eq!(
            substitute_captures("*", &caps(&["a", "b"]), "a/b"),
            "a/b",
            "more captures than stars: the requested name"
        );
        assert_eq!(substitute_captures("p-*-*", &caps(&["a"]), "x"), "p-a-");
    }
}
