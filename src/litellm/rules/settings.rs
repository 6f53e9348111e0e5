//! Settings LiteLLM accepts but that do not do what they say, and the start-up checks that
//! differ between versions: health-check settings in `router_settings` (1.109's `load_config`
//! raises ValueError, 1.80's passes only `Router.__init__` arguments on and drops the rest
//! silently; proxy/proxy_server.py), the master-key boot check (1.109's
//! proxy/auth/master_key_boot_check.py; 1.80 has none and serves without auth), and the
//! `LiteLLM_JWTAuth` fields 1.109 added (1.80's constructor raises on them; proxy/_types.py).

use crate::diagnostic::{pointer, Code, Diagnostic, Severity};
use crate::litellm::model_settings::JWT_AUTH_SINCE_1_109;
use crate::litellm_version::LiteLlmVersion;
use crate::syntax::{Entry, Node, NodeKind, Span};

use super::Context;

pub fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    health_checks_in_router(ctx, out);
    cooldown_zero(ctx, out);
    allowed_fails_ignored(ctx, out);
    master_key(ctx, out);
    legacy_guardrails(ctx, out);
    jwt_auth_pairs(ctx, out);
    jwt_auth_new_fields(ctx, out);
}

/// LL068 for the `LiteLLM_JWTAuth` fields 1.109 added, when 1.80 is targeted: 1.80's
/// constructor raises `ValueError: Invalid arguments provided` on them.
fn jwt_auth_new_fields(ctx: &Context, out: &mut Vec<Diagnostic>) {
    if !ctx.versions.contains(LiteLlmVersion::V1_80) {
        return;
    }
    let Some(fields) = ctx
        .section("general_settings")
        .and_then(|g| g.get("litellm_jwtauth"))
        .and_then(Node::as_map)
    else {
        return;
    };
    for entry in fields {
        let Some(key) = entry.key.as_str() else {
            continue;
        };
        if !JWT_AUTH_SINCE_1_109.contains(&key) {
            continue;
        }
        let accepted = if ctx.versions.contains(LiteLlmVersion::V1_109) {
            "; 1.109 accepts it"
        } else {
            ""
        };
        out.push(
            Diagnostic::new(
                Code::JwtAuthUnknownField,
                entry.key.span,
                format!("`{key}` is a `litellm_jwtauth` field only since LiteLLM 1.109: 1.80 stops at start-up (ValueError: Invalid arguments provided){accepted}"),
            )
            .with_label("not a LiteLLM_JWTAuth field in 1.80")
            .with_help("remove it where 1.80 runs, or say you deploy 1.109: `--litellm-version 1.109`")
            .with_pointer(pointer(["general_settings", "litellm_jwtauth", key])),
        );
    }
}

/// The pairs `LiteLLM_JWTAuth.__init__` checks (1.80 and 1.109), raising ValueError.
fn jwt_auth_pairs(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(jwt_auth) = ctx
        .section("general_settings")
        .and_then(|g| g.get("litellm_jwtauth"))
        .filter(|j| j.as_map().is_some())
    else {
        return;
    };
    // Python's `is not None`: a key written with a null value counts as unset.
    let set = |key: &str| {
        jwt_auth
            .get(key)
            .filter(|v| !matches!(v.kind, NodeKind::Null))
    };
    let truthy = |key: &str| {
        set(key).is_some_and(|v| match &v.kind {
            NodeKind::Bool(b) => *b,
            NodeKind::Int(i) => *i != 0,
            NodeKind::Str(s) => !s.is_empty(),
            _ => true,
        })
    };
    let mut unpaired = |present: &str, missing: &str, message: String| {
        if let Some(node) = jwt_auth.get(present) {
            let span = key_span(jwt_auth, present).unwrap_or(node.span);
            out.push(
                Diagnostic::new(Code::JwtAuthUnpaired, span, message)
                    .with_label(format!("needs `{missing}`"))
                    .with_help(format!("set `{missing}` beside it, or remove `{present}`"))
                    .with_pointer(pointer(["general_settings", "litellm_jwtauth", present])),
            );
        }
    };
    match (set("user_roles_jwt_field"), set("user_allowed_roles")) {
        (Some(_), None) => unpaired(
            "user_roles_jwt_field",
            "user_allowed_roles",
            "`user_roles_jwt_field` without `user_allowed_roles`: LiteLLM stops at start-up (ValueError)".into(),
        ),
        (None, Some(_)) => unpaired(
            "user_allowed_roles",
            "user_roles_jwt_field",
            "`user_allowed_roles` without `user_roles_jwt_field`: LiteLLM stops at start-up (ValueError)".into(),
        ),
        _ => {}
    }
    if set("object_id_jwt_field").is_some() && set("role_mappings").is_none() {
        unpaired(
            "object_id_jwt_field",
            "role_mappings",
            "`object_id_jwt_field` without `role_mappings`: LiteLLM stops at start-up (ValueError)"
                .into(),
        );
    }
    if set("scope_mappings").is_some() && !truthy("enforce_scope_based_access") {
        unpaired(
            "scope_mappings",
            "enforce_scope_based_access: true",
            "`scope_mappings` without `enforce_scope_based_access: true`: LiteLLM stops at start-up (ValueError)".into(),
        );
    }
}

/// `litellm_settings.guardrails` is read by LiteLLM's legacy `initialize_guardrails`: every entry
/// is a mapping of guardrail name to settings, built with `GuardrailItem(**settings)`.
fn legacy_guardrails(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(NodeKind::Seq(entries)) = ctx
        .section("litellm_settings")
        .and_then(|l| l.get("guardrails"))
        .map(|g| &g.kind)
    else {
        return;
    };
    for (index, entry) in entries.iter().enumerate() {
        let Some(guardrails) = entry.as_map() else {
            out.push(
                Diagnostic::new(
                    Code::LegacyGuardrailShape,
                    entry.span,
                    "a `litellm_settings.guardrails` entry that is not a mapping stops LiteLLM at start-up (AttributeError)",
                )
                .with_label("expected `name: {callbacks: [...], default_on: ...}`")
                .with_help("write `- my-guardrail: {callbacks: [...], default_on: true}`, or use the top-level `guardrails:` list")
                .with_pointer(pointer(["litellm_settings", "guardrails", &index.to_string()])),
            );
            continue;
        };
        // The current shape (`guardrail_name`, `litellm_params`) written in the legacy place.
        let v2_shape =
            entry.get("guardrail_name").is_some() || entry.get("litellm_params").is_some();
        for Entry { key, value } in guardrails {
            if value.as_map().is_some() {
                continue;
            }
            let name = key.as_str().unwrap_or("?");
            let help = if v2_shape {
                "this is a guardrail in the current shape: move the whole list from `litellm_settings` to the top-level `guardrails:`".to_string()
            } else {
                format!("give `{name}` its settings as a mapping: `{name}: {{callbacks: [...], default_on: true}}`")
            };
            out.push(
                Diagnostic::new(
                    Code::LegacyGuardrailShape,
                    value.span,
                    format!("guardrail `{name}` under `litellm_settings.guardrails` is not a mapping: LiteLLM stops at start-up (TypeError: GuardrailItem() argument after ** must be a mapping)"),
                )
                .with_label("not a mapping of guardrail settings")
                .with_help(help)
                .with_pointer(pointer(["litellm_settings", "guardrails", &index.to_string(), name])),
            );
        }
    }
}

fn health_checks_in_router(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(router) = ctx.section("router_settings").and_then(Node::as_map) else {
        return;
    };
    for entry in router {
        let Some(key) = entry.key.as_str() else {
            continue;
        };
        if key == "health_check_interval" || key == "health_check_concurrency" {
            let diagnostic = if ctx.versions.contains(LiteLlmVersion::V1_109) {
                let also = if ctx.versions.contains(LiteLlmVersion::V1_80) {
                    "; 1.80 ignores it silently"
                } else {
                    ""
                };
                Diagnostic::new(
                    Code::HealthCheckInRouterSettings,
                    entry.key.span,
                    format!("`{key}` in `router_settings` stops LiteLLM 1.109 at start-up (ValueError){also}"),
                )
            } else {
                Diagnostic::new(
                    Code::HealthCheckInRouterSettings,
                    entry.key.span,
                    format!("`{key}` in `router_settings` is ignored silently by LiteLLM 1.80: the health-check setting has no effect"),
                )
                .with_severity(Severity::Warning)
            };
            out.push(
                diagnostic
                    .with_label("belongs in general_settings")
                    .with_help(format!("move `{key}` under `general_settings`"))
                    .with_pointer(pointer(["router_settings", key]))
                    .with_fix_opt(super::schema::move_key(
                        ctx,
                        "/router_settings",
                        entry,
                        "general_settings",
                    )),
            );
        }
    }
}

fn cooldown_zero(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(value) = ctx
        .section("router_settings")
        .and_then(|r| r.get("cooldown_time"))
    else {
        return;
    };
    let zero = match value.kind {
        NodeKind::Int(0) => true,
        NodeKind::Float(f) => f == 0.0,
        _ => false,
    };
    if zero {
        out.push(
            Diagnostic::new(
                Code::CooldownZero,
                value.span,
                "`cooldown_time: 0` is falsy, so LiteLLM uses the default of 5 seconds",
            )
            .with_help("to turn cooldowns off, write `disable_cooldowns: true`")
            .with_pointer("/router_settings/cooldown_time"),
        );
    }
}

fn allowed_fails_ignored(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(entry) = ctx
        .section("litellm_settings")
        .and_then(|s| s.entry("allowed_fails"))
    else {
        return;
    };
    let on_router = ctx
        .section("router_settings")
        .and_then(|r| r.get("allowed_fails"))
        .is_some_and(|v| !v.is_null());
    if !on_router {
        out.push(
            Diagnostic::new(Code::AllowedFailsIgnored, entry.key.span, "`litellm_settings.allowed_fails` alone does not switch the router to count-based cooldowns")
                .with_help("set `allowed_fails` in `router_settings`")
                .with_pointer("/litellm_settings/allowed_fails"),
        );
    }
}

fn master_key(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let general = ctx.section("general_settings");
    let permitted = general
        .and_then(|g| g.get("dangerously_permit_weak_or_unset_master_key"))
        .is_some_and(|v| v.kind == NodeKind::Bool(true))
        || ctx
            .env
            .is_true("LITELLM_DANGEROUSLY_PERMIT_WEAK_OR_UNSET_MASTER_KEY");
    if permitted {
        return;
    }
    match general.and_then(|g| g.entry("master_key")) {
        Some(entry) => {
            let weak = match &entry.value.kind {
                NodeKind::Str(s) => s.trim().is_empty() || s == "sk-1234",
                NodeKind::Null => true,
                _ => false,
            };
            if weak {
                let message = match (
                    ctx.versions.contains(LiteLlmVersion::V1_109),
                    ctx.versions.contains(LiteLlmVersion::V1_80),
                ) {
                    (true, true) => "the master key is empty or the public demo value `sk-1234`: LiteLLM 1.109 refuses to start (UnsafeMasterKeyError), and 1.80 starts with it, open to anyone",
                    (true, false) => "the master key is empty or the public demo value `sk-1234`: LiteLLM 1.109 refuses to start (UnsafeMasterKeyError)",
                    _ => "the master key is empty or the public demo value `sk-1234`: LiteLLM 1.80 has no boot check and starts with it, open to anyone",
                };
                out.push(
                    Diagnostic::new(Code::MasterKeyUnsafe, entry.value.span, message)
                        .with_help("use a long random key from the environment: `master_key: os.environ/LITELLM_MASTER_KEY`")
                        .with_pointer("/general_settings/master_key"),
                );
            }
        }
        None => {
            if ctx.env.is_set("LITELLM_MASTER_KEY") {
                return;
            }
            let span = general.map_or_else(
                || first_key_span(ctx.root),
                |g| key_span(ctx.root, "general_settings").unwrap_or(g.span),
            );
            let message = match (
                ctx.versions.contains(LiteLlmVersion::V1_109),
                ctx.versions.contains(LiteLlmVersion::V1_80),
            ) {
                (true, true) => "no master key: LiteLLM 1.109 refuses to start, and 1.80 serves everyone without auth",
                (true, false) => "no master key: LiteLLM 1.109 refuses to start (UnsafeMasterKeyError)",
                _ => "no master key: LiteLLM 1.80 starts and serves everyone without auth",
            };
            out.push(
                Diagnostic::new(Code::MasterKeyUnsafe, span, message)
                    .with_help("add `general_settings: {master_key: os.environ/LITELLM_MASTER_KEY}`, or set LITELLM_MASTER_KEY where the proxy runs; if the proxy gets it from there, give it to this check too (in CI: export it, or pass --env-file)")
                    .with_pointer("/general_settings"),
            );
        }
    }
}

fn key_span(map: &Node, key: &str) -> Option<Span> {
    map.entry(key).map(|e| e.key.span)
}

fn first_key_span(root: &Node) -> Span {
    root.as_map()
        .and_then(|m| m.first())
        .map_or(Span::new(root.span.file, 0, 0), |e| e.key.span)
}
