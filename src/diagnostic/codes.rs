//! Every rule code, with the behaviour of the real tool it guards against.
//!
//! Codes are stable: never renumber or reuse one. `LL` codes check the LiteLLM config, `OC` codes
//! the OpenClaw config, `XR` codes the references between the two.

use super::Severity;

/// Where the project lives (Cargo.toml's `repository`): rule documentation links point here.
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = ($code:literal, $name:literal, $sev:ident, $summary:literal); )*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable code, e.g. `LL020`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// A kebab-case name, e.g. `unknown-key`.
            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$sev,)* }
            }

            /// What the rule guards against: the real tool's behaviour it prevents.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)* }
            }

            /// The anchor of the rule's section in `docs/rules.md` (GitHub's heading anchor of
            /// "LL020 unknown-key").
            pub fn doc_anchor(self) -> String {
                format!("{}-{}", self.as_str().to_ascii_lowercase(), self.name())
            }

            /// A stable URL of the rule's documentation: its section of the rules page.
            pub fn help_uri(self) -> String {
                format!("{}/blob/main/docs/rules.md#{}", REPOSITORY, self.doc_anchor())
            }

            pub fn from_code(code: &str) -> Option<Code> {
                Code::ALL.iter().copied().find(|c| c.as_str() == code || c.name() == code)
            }
        }
    };
}

codes! {
    // ---- reading the LiteLLM file -------------------------------------------------------------
    YamlSyntax = ("LL001", "yaml-syntax", Error,
        "The file is not valid YAML (or breaks a size, nesting or alias limit): LiteLLM crashes with a PyYAML ScannerError/ParserError.");
    EmptyConfig = ("LL002", "empty-config", Error,
        "The file is empty or only comments: LiteLLM exits with `Config cannot be None or Empty.`");
    NotAMapping = ("LL003", "not-a-mapping", Error,
        "The top level (or an included file) is not a mapping: LiteLLM crashes while processing includes.");
    DuplicateKey = ("LL004", "duplicate-key", Error,
        "A mapping repeats a key: PyYAML keeps the last value silently, so the first one is lost (a warning when both values are equal: nothing is lost).");
    IncludeInvalid = ("LL010", "include-invalid", Error,
        "`include` is not a list of strings: LiteLLM raises `'include' must be a list of file paths`.");
    IncludeMissing = ("LL011", "include-missing", Error,
        "An included file does not exist (LiteLLM raises `Included file not found`), or cannot be read: not a regular file (a FIFO or device would hang or flood LiteLLM), or past the total size budget of a config and its includes.");
    IncludeCycle = ("LL012", "include-cycle", Warning,
        "An include names a file already included: LiteLLM skips it silently, so its content is not read twice.");
    IncludeOverrides = ("LL013", "include-overrides", Warning,
        "An included file sets a section the including file also sets: LiteLLM replaces the whole section (only lists concatenate), so the including file's values are lost.");
    // ---- keys and types ------------------------------------------------------------------------
    UnknownKey = ("LL020", "unknown-key", Warning,
        "A key LiteLLM does not know: it is ignored silently (or assigned to nothing), so the setting has no effect.");
    MisplacedKey = ("LL021", "misplaced-key", Warning,
        "A known key in the wrong section (e.g. `master_key` under `litellm_settings`): LiteLLM never reads it there.");
    InvalidType = ("LL022", "invalid-type", Error,
        "A value of the wrong type: LiteLLM crashes at start-up, drops the deployment (a `model_info` field pydantic validates) or misbehaves at request time. An `os.environ/NAME` reference is accepted wherever a scalar is typed.");
    InvalidValue = ("LL023", "invalid-value", Error,
        "A value outside the accepted set or range (e.g. an unknown `routing_strategy`): LiteLLM rejects it at start-up or fails requests.");
    Yaml11Surprise = ("LL024", "yaml11-surprise", Warning,
        "An unquoted scalar that YAML 1.1 (PyYAML) reads differently from how it looks (`on` is true, `0755` is 493, `1:30` is 90, `3e-06` is a string).");
    // ---- model_list ----------------------------------------------------------------------------
    ModelEntryInvalid = ("LL030", "model-entry-invalid", Error,
        "A `model_list` entry lacks `model_name`, `litellm_params` or `litellm_params.model` (reported at a misspelling of it when there is one), or has `model_info: null`: LiteLLM fails to start (KeyError, AttributeError).");
    UnknownProvider = ("LL031", "unknown-provider", Error,
        "`litellm_params.model` has no provider LiteLLM knows (an unknown prefix, or a bare id its `get_llm_provider` cannot place): the deployment is dropped (`LLM Provider NOT provided`) and requests for it get HTTP 400. A warning when only some targeted versions drop it (a bare id only 1.80's price table knows, a provider new in 1.109).");
    InconsistentGroupWeights = ("LL032", "inconsistent-group-weights", Warning,
        "`weight` or `order` is set on only some deployments of a model group: the others get no traffic (1.109) or the weights are ignored (1.80).");
    UnsupportedEnvironment = ("LL033", "unsupported-environment", Error,
        "`model_info.supported_environments` is invalid or `LITELLM_ENVIRONMENT` is unset: LiteLLM drops the deployment.");
    // ---- fallbacks and aliases -----------------------------------------------------------------
    FallbackShape = ("LL040", "fallback-shape", Error,
        "A fallback list has the wrong shape (item not a single-key mapping, value not a list): LiteLLM raises ValueError/TypeError at start-up.");
    UnknownModelGroup = ("LL041", "unknown-model-group", Error,
        "A fallback, `default_fallbacks` or `model_group_alias` target names no model group: LiteLLM never checks it, and the fallback or alias fails when used.");
    FallbackSelf = ("LL042", "fallback-self", Warning,
        "A model group falls back to itself: the hop is skipped as already attempted, so it adds nothing.");
    FallbackSourceUnknown = ("LL043", "fallback-source-unknown", Warning,
        "A fallback rule is keyed on a model group that does not exist: the rule can never fire.");
    FallbacksShadowed = ("LL044", "fallbacks-shadowed", Warning,
        "A fallback list LiteLLM never reads: set in both `router_settings` and `litellm_settings` (the router's list replaces the other wholesale), or a `*` rule replaced by a later `*` rule, by `default_fallbacks` (appended as the last `*` rule) or by a bare string item.");
    // ---- environment and secrets ---------------------------------------------------------------
    EnvUnset = ("LL050", "env-unset", Warning,
        "`os.environ/NAME` names a variable that is not set: LiteLLM silently uses null (no key, no master key), or crashes at start-up where null is fatal (`litellm_params.model`, a redis cache host, a guardrail's key). One finding per variable; an error with `--require-env`.");
    EnvNotResolved = ("LL051", "env-not-resolved", Warning,
        "`os.environ/NAME` where LiteLLM never resolves it (a direct list item or a mapping key): the literal text is used.");
    EnvDefinedTooLate = ("LL052", "env-defined-too-late", Warning,
        "`os.environ/NAME` refers to a variable defined only in the file's own `environment_variables`, which are exported after references are resolved: it resolves to null.");
    ShellStyleVariable = ("LL053", "shell-style-variable", Error,
        "`${VAR}` in a LiteLLM value: LiteLLM never expands it, so the literal text is sent (e.g. as the API key).");
    LiteralSecret = ("LL054", "literal-secret", Warning,
        "An API key or secret written into the file: it leaks with the file; use `os.environ/NAME`.");
    // ---- settings ------------------------------------------------------------------------------
    HealthCheckInRouterSettings = ("LL060", "health-check-in-router-settings", Error,
        "`health_check_interval`/`health_check_concurrency` in `router_settings`: LiteLLM 1.109 raises ValueError at start-up, 1.80 ignores them silently (a warning when only 1.80 is targeted); they belong in `general_settings`.");
    CredentialInvalid = ("LL061", "credential-invalid", Error,
        "A `credential_list` entry lacks `credential_name`, `credential_values` or `credential_info`: pydantic ValidationError at start-up.");
    CooldownZero = ("LL062", "cooldown-zero", Warning,
        "`cooldown_time: 0` on the router is falsy and becomes 5 s: use `disable_cooldowns: true`.");
    AllowedFailsIgnored = ("LL063", "allowed-fails-ignored", Warning,
        "`allowed_fails` only under `litellm_settings`: it does not switch the router to count-based cooldowns.");
    CacheNotBoolean = ("LL064", "cache-not-boolean", Warning,
        "`litellm_settings.cache` is not the boolean `true`/`false`: a string such as \"true\" does not enable caching.");
    MasterKeyUnsafe = ("LL065", "master-key-unsafe", Warning,
        "No master key, an unset one, or the demo `sk-1234`: LiteLLM 1.109 refuses to start (UnsafeMasterKeyError); 1.80 ran unauthenticated.");
    ProxyCannotRoute = ("LL066", "proxy-cannot-route", Warning,
        "A deployment's provider is not one `litellm-proxy` can call (it routes the OpenAI-compatible providers, Anthropic, Gemini and Azure): the reference proxy skips the deployment at start-up, so its model group has fewer (or no) deployments there than under LiteLLM. Reported by `litellm-proxy` at start-up and by `check --for litellm-proxy`.");
    ProviderKeyUnset = ("LL067", "provider-key-unset", Warning,
        "A deployment of a hosted provider gives no `api_key` and none of the provider's key variables (e.g. `GROQ_API_KEY`) is set: LiteLLM starts, but every request to it fails (the provider answers 401, or the client refuses to send without a key).");
    JwtAuthUnknownField = ("LL068", "jwt-auth-unknown-field", Error,
        "A key of `general_settings.litellm_jwtauth` that is not a field of LiteLLM's `LiteLLM_JWTAuth`: the proxy stops at start-up with `ValueError: Invalid arguments provided` (1.80 and 1.109 alike; LiteLLM's own Okta example does this with `issuer`), or one of the 17 fields new in 1.109 while 1.80 is targeted.");
    LegacyGuardrailShape = ("LL069", "legacy-guardrail-shape", Error,
        "An entry of `litellm_settings.guardrails` (the legacy list of `{name: {callbacks, default_on, ...}}`) whose guardrail is not a mapping, or an entry that is not a mapping: start-up fails with TypeError/AttributeError. The `guardrail_name` + `litellm_params` shape belongs in the top-level `guardrails:` list.");
    PromptInvalid = ("LL070", "prompt-invalid", Error,
        "A `prompts` entry without `prompt_id` or `litellm_params.prompt_integration`: pydantic rejects the `PromptSpec` and the proxy does not start.");
    JwtAuthUnpaired = ("LL071", "jwt-auth-unpaired", Error,
        "`litellm_jwtauth` sets one of a pair LiteLLM_JWTAuth requires together (`user_roles_jwt_field` and `user_allowed_roles`; `object_id_jwt_field` needs `role_mappings`; `scope_mappings` needs `enforce_scope_based_access: true`): ValueError at start-up.");
    // ---- OpenClaw: reading the file ---------------------------------------------------------
    OcJson5Syntax = ("OC001", "json5-syntax", Error,
        "The file is not valid JSON5 (or breaks a size or nesting limit): `openclaw config validate` reports `JSON5 parse failed` and the gateway refuses to start.");
    OcNotAnObject = ("OC002", "not-an-object", Error,
        "The top level is not an object: OpenClaw reports `Invalid input: expected object` and refuses the config.");
    OcDuplicateKey = ("OC003", "json5-duplicate-key", Warning,
        "An object repeats a key: json5 keeps the last value silently, so the first one is lost.");
    OcIncludeInvalid = ("OC010", "oc-include-invalid", Error,
        "`$include` is not a path or a list of paths, or sibling keys sit next to non-object content: OpenClaw refuses the config.");
    OcIncludeUnreadable = ("OC011", "include-unreadable", Error,
        "An included file is missing, unreadable, not a regular file, hard-linked, over 2 MiB or not valid JSON5: OpenClaw refuses the config. Also an include past the total budget (bytes read, values built) of a config and its includes.");
    OcIncludeEscapes = ("OC012", "include-escapes", Error,
        "An include resolves (or links) outside the config's directory and `OPENCLAW_INCLUDE_ROOTS`: `Include path escapes config directory`.");
    OcIncludeCycle = ("OC013", "oc-include-cycle", Error,
        "An include chain comes back to a file already in it: `Circular include detected`.");
    OcIncludeTooDeep = ("OC014", "include-too-deep", Error,
        "Includes nest more than 10 levels: `Maximum include depth (10) exceeded`.");
    // ---- OpenClaw: schema ----------------------------------------------------------------------
    OcUnknownKey = ("OC020", "oc-unknown-key", Error,
        "A key OpenClaw's strict schema does not know, in any section (`gateway.tailscale.resetOnExit`, `meta.lastTouchedAt`; in a plugin's or channel's config `must not have additional properties`): `Unrecognized key`, the config is refused.");
    OcMissingField = ("OC021", "missing-field", Error,
        "A required field is missing (a model's `id` or `name`, a field a plugin's config requires): `expected string, received undefined`, the config is refused.");
    OcInvalidType = ("OC022", "oc-invalid-type", Error,
        "A value of the wrong type: `Invalid input: expected ...`, the config is refused.");
    OcInvalidValue = ("OC023", "oc-invalid-value", Error,
        "A value outside the accepted set or range (e.g. `api: \"openai-chat\"`), a string not matching its pattern or not a URL, a record key OpenClaw does not accept: `Invalid option`, `Invalid string`, `Invalid URL`, `Invalid key in record`, the config is refused.");
    OcEnvFlatKey = ("OC024", "env-flat-key", Error,
        "A variable written directly under `env` (the old flat form): 2026.9.6 rejects it; variables go under `env.vars`.");
    OcCustomProviderIncomplete = ("OC030", "custom-provider-incomplete", Error,
        "A provider id that is not bundled lacks `baseUrl` or `models`: `custom model providers must declare ...`, the config is refused.");
    OcLegacyAgentsList = ("OC040", "legacy-agents-list", Warning,
        "`agents.list` is the legacy roster: OpenClaw migrates it to `agents.entries` on read (and skips auto-migration with `$include`).");
    OcAgentRoster = ("OC041", "agent-roster", Error,
        "Several agents without `agents.ownership: \"explicit\"` or exactly one `default: true`: OpenClaw refuses the config.");
    OcAgentIdInvalid = ("OC042", "agent-id-invalid", Error,
        "An `agents.entries` key is not a valid agent id (`^[a-z0-9_][a-z0-9_-]{0,63}$`): `Invalid key in record`.");
    OcUnknownAgentId = ("OC043", "unknown-agent-id", Error,
        "`agents.defaults.heartbeat.agentId` names no agent of `agents.entries` (or the implicit `main`): `Unknown agent id`, the config is refused.");
    OcContextTokensRemoved = ("OC044", "context-tokens-removed", Warning,
        "`contextTokens` on `agents.defaults` or an agent, or a provider-level `contextTokens`/`contextWindow` with no models to receive it: OpenClaw 2026.9.6 deletes it on read (`cannot be represented per model`), so the budget does nothing; set it on the provider's models.");
    // ---- OpenClaw: environment -----------------------------------------------------------------
    OcEnvUnset = ("OC050", "oc-env-unset", Warning,
        "`${VAR}` names a variable that is unset or empty (and not in `env.vars`): OpenClaw keeps the literal `${VAR}` text and the feature using it fails.");
    OcEnvNotSubstituted = ("OC051", "env-not-substituted", Warning,
        "`${...}` that is not an upper-case name (`${lower}`, `${X:-default}`): OpenClaw leaves it verbatim, with no warning.");
    OcEnvVarSkipped = ("OC052", "env-var-skipped", Warning,
        "An `env.vars` entry OpenClaw does not export (empty, invalid name, blocked name, or a value with `${...}`): references to it stay unresolved.");
    OcLiteralApiKey = ("OC054", "literal-api-key", Warning,
        "A provider `apiKey` written as a literal secret: it leaks with the file; use `${VAR}` or a SecretRef.");
    // ---- OpenClaw: model refs ------------------------------------------------------------------
    OcModelRefInvalid = ("OC060", "model-ref-invalid", Error,
        "A model ref that is not `provider/model` where one is required (empty provider or model, a bare `modelPolicy.allow` entry that is no alias, a bare `decisionModel`): OpenClaw rejects it.");
    OcUnknownProvider = ("OC061", "oc-unknown-provider", Error,
        "A ref names a provider that is neither bundled nor configured: `Unknown model` when the agent runs.");
    OcBareModelRef = ("OC062", "bare-model-ref", Warning,
        "A ref without provider that is no alias and no unique configured model id: OpenClaw falls back to `openai/<ref>`.");
    OcModelUnresolvable = ("OC063", "model-unresolvable", Error,
        "A `litellm/...` ref while the `litellm` provider has no `baseUrl`: only the static catalog (`claude-opus-4-6`) resolves, anything else is `Unknown model`.");
    OcLegacyProviderRef = ("OC064", "legacy-provider-ref", Error,
        "A ref to the legacy `openai-codex`/`codex` provider: the resolver answers `Unknown model` (only `openclaw doctor --fix` migrates it to `openai/...`).");
    // ---- cross-file: OpenClaw refs against the LiteLLM config ----------------------------------
    XrUnknownModelGroup = ("XR001", "litellm-group-unknown", Error,
        "A `litellm/<model_name>` ref names no model group of the LiteLLM config: the proxy answers HTTP 400 `Invalid model name`.");
    XrModelNotServed = ("XR002", "litellm-model-not-served", Error,
        "`models.providers.litellm.models[].id` is not served by the LiteLLM config: OpenClaw offers it, the proxy rejects it.");
    XrApiMismatch = ("XR003", "litellm-api-mismatch", Error,
        "The LiteLLM provider uses an `api` other than `openai-completions` (the proxy's `/chat/completions`), `openai-responses` (its `/responses`) or `anthropic-messages` (its `/v1/messages`): OpenClaw speaks a protocol the proxy does not serve there.");
    // ---- the checker's own configuration -------------------------------------------------------
    UnusedSuppression = ("LC001", "unused-suppression", Warning,
        "A `litellm-check: ignore[...]` comment that suppresses nothing (the finding is gone or the code is wrong): it would hide a future finding on that line.");
}

/// The fixes a rule's findings may carry ([`super::Fix`]): for `rules`, the README's table and
/// docs/rules.md. Findings get one only where the repair is certain in that case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixAvailability {
    /// `safe`, `unsafe`, or `safe or unsafe` (depending on the case).
    pub applicability: &'static str,
    /// What the fix does.
    pub what: &'static str,
}

impl Code {
    /// The fixes this rule's findings may carry; `None` for a rule without fixes.
    pub fn fix_availability(self) -> Option<FixAvailability> {
        let (applicability, what) = match self {
            Code::UnknownKey | Code::OcUnknownKey => (
                "safe",
                "renames the key to the one known key it misspells (one edit away, two for long keys; not when one name holds the other, as `agent`/`agents`)",
            ),
            Code::ModelEntryInvalid | Code::CredentialInvalid | Code::PromptInvalid => (
                "safe",
                "renames a misspelled required key (`litelm_params`) to the key that is missing",
            ),
            Code::MisplacedKey => (
                "unsafe",
                "moves the key, with its value and comments, to the end of its section (created when missing; a section left empty becomes `{}`)",
            ),
            Code::InvalidType => (
                "safe",
                "quotes a YAML 1.1 boolean, number or date (`no`, `1:30`, `2024-01-01`) where a string is typed, value or key",
            ),
            Code::InvalidValue => (
                "safe",
                "replaces a misspelled value by the one allowed value it near-misses",
            ),
            Code::UnknownProvider => (
                "safe or unsafe",
                "safe: corrects a provider prefix or `custom_llm_provider` one edit from a LiteLLM provider (`antropic/`); unsafe: prefixes a bare id with the one provider LiteLLM's price table lists it under",
            ),
            Code::HealthCheckInRouterSettings => (
                "unsafe",
                "moves the key to `general_settings`",
            ),
            Code::OcInvalidValue => (
                "safe or unsafe",
                "replaces a misspelled value by the one allowed value it near-misses, or an outdated `api` by its current name (safe: `openai-chat` to `openai-completions`; unsafe where the name could mean several, as `openai`)",
            ),
            Code::OcEnvFlatKey => (
                "safe",
                "wraps the flat string keys of `env` in `vars: { ... }` (when they are consecutive and `env` has no `vars` yet)",
            ),
            Code::OcBareModelRef => (
                "safe or unsafe",
                "safe: `openai/` for an id LiteLLM's price table lists under OpenAI (what OpenClaw does, written out); unsafe: `anthropic/` for an Anthropic id, `litellm/` for a model group the LiteLLM config serves",
            ),
            _ => return None,
        };
        Some(FixAvailability {
            applicability,
            what,
        })
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique() {
        let mut codes: Vec<_> = Code::ALL.iter().map(|c| c.as_str()).collect();
        let mut names: Vec<_> = Code::ALL.iter().map(|c| c.name()).collect();
        codes.sort_unstable();
        names.sort_unstable();
        let n = codes.len();
        codes.dedup();
        names.dedup();
        assert_eq!(codes.len(), n, "duplicate rule code");
        assert_eq!(names.len(), n, "duplicate rule name");
    }
}
