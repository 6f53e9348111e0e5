//! The OpenClaw 2026.9.6 config (`openclaw.json`) as far as this tool models it.
//!
//! These types are the truth: the checker walks the JSON Schema generated from them (see
//! `schema.rs`), and `litellm-check schema` publishes the same schema. `deny_unknown_fields`
//! marks the objects OpenClaw's zod schema declares `.strict()`. Sections typed as
//! `serde_json::Value` or `Map` are ones whose key name is checked but whose inside is left to
//! OpenClaw (channels, gateway, plugins, tools, ...).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An opaque section: its name is checked, its content is OpenClaw's business.
pub type Section = Map<String, Value>;

/// `openclaw.json`: JSON5, every top-level key known (OpenClaw rejects unknown ones).
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenClawConfig {
    /// URL or path of a JSON Schema for editors; ignored by OpenClaw.
    #[serde(rename = "$schema", skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Compatibility metadata written by OpenClaw itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<Section>,
    /// Environment import: `vars` are exported before `${VAR}` substitution.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env: Option<Env>,
    /// Model catalog: provider definitions and merge/replace behaviour.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub models: Option<Models>,
    /// Agent defaults and the per-agent roster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agents: Option<Agents>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wizard: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logging: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telemetry: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ui: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secrets: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth: Option<Section>,
    #[serde(rename = "accessGroups", skip_serializing_if = "Option::is_none")]
    pub access_groups: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acp: Option<Section>,
    #[serde(rename = "nodeHost", skip_serializing_if = "Option::is_none")]
    pub node_host: Option<Section>,
    /// Directory for new managed worktrees.
    #[serde(rename = "worktreeRoot", skip_serializing_if = "Option::is_none")]
    pub worktree_root: Option<String>,
    #[serde(
        rename = "worktreeAcceleration",
        skip_serializing_if = "Option::is_none"
    )]
    pub worktree_acceleration: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tools: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security: Option<Section>,
    /// Routing and ACP ownership rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bindings: Option<Vec<Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broadcast: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tts: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commands: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approvals: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cron: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transcripts: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hooks: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channels: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discovery: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub talk: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway: Option<Section>,
    #[serde(rename = "cloudWorkers", skip_serializing_if = "Option::is_none")]
    pub cloud_workers: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub desktop: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mcp: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skills: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plugins: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub surfaces: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy: Option<Section>,
}

/// `env`: only `vars` and `shellEnv`; flat `env.NAME` keys are rejected by 2026.9.6.
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Env {
    /// Run the login shell to import expected variables that are missing.
    #[serde(rename = "shellEnv", skip_serializing_if = "Option::is_none")]
    pub shell_env: Option<ShellEnv>,
    /// Variables exported into the process environment (unless already set there) before
    /// `${VAR}` substitution, so they can be referenced elsewhere in the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vars: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShellEnv {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Login-shell timeout (default 15000).
    #[serde(rename = "timeoutMs", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub timeout_ms: Option<u64>,
}

/// `models`: the model catalog.
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Models {
    /// `merge` layers configured providers over bundled catalogs (default); `replace` makes the
    /// config the whole inventory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<ModelsMode>,
    /// Provider definitions by id. A bundled id is an overlay; any other id is a custom provider
    /// and must declare `baseUrl` and `models`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub providers: Option<BTreeMap<String, ModelProvider>>,
    /// Hosted catalog refresh.
    #[serde(rename = "catalogRefresh", skip_serializing_if = "Option::is_none")]
    pub catalog_refresh: Option<CatalogRefresh>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ModelsMode {
    Merge,
    Replace,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogRefresh {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// https, or http on a loopback host.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The adapter OpenClaw uses to talk to a provider (exactly these 11 values in 2026.9.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ModelApi {
    OpenaiCompletions,
    OpenaiResponses,
    OpenaiChatgptResponses,
    AnthropicMessages,
    GoogleGenerativeAi,
    GoogleVertex,
    GithubCopilot,
    BedrockConverseStream,
    Ollama,
    PiMessages,
    AzureOpenaiResponses,
}

impl ModelApi {
    pub const ALL: [&'static str; 11] = [
        "openai-completions",
        "openai-responses",
        "openai-chatgpt-responses",
        "anthropic-messages",
        "google-generative-ai",
        "google-vertex",
        "github-copilot",
        "bedrock-converse-stream",
        "ollama",
        "pi-messages",
        "azure-openai-responses",
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ProviderAuth {
    ApiKey,
    AwsSdk,
    Oauth,
    Token,
}

/// A string, or a SecretRef object resolved by OpenClaw's secrets machinery.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum SecretInput {
    Text(String),
    Ref(SecretRef),
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretRef {
    pub source: SecretSource,
    /// Secret provider alias (`^[a-z][a-z0-9_-]{0,63}$`).
    pub provider: String,
    /// Secret id (env/store: `^[A-Z][A-Z0-9_]{0,127}$`).
    pub id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SecretSource {
    Env,
    File,
    Exec,
    Store,
}

/// `models.providers.<id>`.
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelProvider {
    /// Base URL of the provider's API; required for custom provider ids.
    #[serde(rename = "baseUrl", skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// API key: `${VAR}` or a SecretRef, not a literal secret.
    #[serde(rename = "apiKey", skip_serializing_if = "Option::is_none")]
    pub api_key: Option<SecretInput>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth: Option<ProviderAuth>,
    /// Default adapter for the provider's models (`openai-completions` when unset and a
    /// `baseUrl` is given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api: Option<ModelApi>,
    /// Provider-level output-token default (> 0).
    #[serde(rename = "maxTokens", skip_serializing_if = "Option::is_none")]
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub max_tokens: Option<f64>,
    /// Per-request HTTP timeout (integer > 0).
    #[serde(rename = "timeoutSeconds", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub timeout_seconds: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub region: Option<String>,
    #[serde(
        rename = "injectNumCtxForOpenAICompat",
        skip_serializing_if = "Option::is_none"
    )]
    pub inject_num_ctx_for_openai_compat: Option<bool>,
    /// Plugin-interpreted parameters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub params: Option<Section>,
    #[serde(rename = "agentRuntime", skip_serializing_if = "Option::is_none")]
    pub agent_runtime: Option<AgentRuntime>,
    /// A local server to start before calls (`command`, `args`, `cwd`, `env`, `healthUrl`, ...).
    #[serde(rename = "localService", skip_serializing_if = "Option::is_none")]
    pub local_service: Option<LocalService>,
    /// Extra request headers (strings or SecretRefs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headers: Option<BTreeMap<String, SecretInput>>,
    /// Force the credential into `Authorization`.
    #[serde(rename = "authHeader", skip_serializing_if = "Option::is_none")]
    pub auth_header: Option<bool>,
    /// Transport overrides: headers, auth, proxy, tls, allowPrivateNetwork.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<ProviderRequest>,
    /// Model definitions (may be empty for bundled providers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub models: Option<Vec<ModelDefinition>>,
    /// Legacy provider-wide budget: OpenClaw copies it into each model that has none, then
    /// deletes it (dropped, OC044, when there are no models; `legacy.rs`).
    #[serde(rename = "contextTokens", skip_serializing_if = "Option::is_none")]
    pub context_tokens: Option<Value>,
    /// Legacy provider-wide window, migrated like `contextTokens`.
    #[serde(rename = "contextWindow", skip_serializing_if = "Option::is_none")]
    pub context_window: Option<Value>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentRuntime {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ModelInput {
    Text,
    Image,
    Video,
    Audio,
}

/// An entry of `models.providers.<id>.models`.
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelDefinition {
    /// Provider-facing model id (for LiteLLM: a `model_name` the proxy serves).
    #[schemars(length(min = 1))]
    pub id: String,
    /// Display name.
    #[schemars(length(min = 1))]
    pub name: String,
    /// Per-model adapter override.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api: Option<ModelApi>,
    #[serde(rename = "baseUrl", skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub base_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<bool>,
    /// Accepted inputs (default `["text"]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<Vec<ModelInput>>,
    /// Prices per million tokens (`input`, `output`, `cacheRead`, `cacheWrite`, `tieredPricing`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<ModelCost>,
    /// Native context window (> 0).
    #[serde(rename = "contextWindow", skip_serializing_if = "Option::is_none")]
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub context_window: Option<f64>,
    /// Effective input cap (integer > 0).
    #[serde(rename = "contextTokens", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub context_tokens: Option<u64>,
    /// Output cap (> 0).
    #[serde(rename = "maxTokens", skip_serializing_if = "Option::is_none")]
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub max_tokens: Option<f64>,
    #[serde(rename = "thinkingLevelMap", skip_serializing_if = "Option::is_none")]
    pub thinking_level_map: Option<ThinkingLevelMap>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub params: Option<Section>,
    #[serde(rename = "agentRuntime", skip_serializing_if = "Option::is_none")]
    pub agent_runtime: Option<AgentRuntime>,
    /// Plain string headers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headers: Option<BTreeMap<String, String>>,
    /// Capability flags (`supportsTools`, `maxTokensField`, `thinkingFormat`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compat: Option<ModelCompat>,
    #[serde(rename = "mediaInput", skip_serializing_if = "Option::is_none")]
    pub media_input: Option<MediaInput>,
    /// Written by tooling (`models-add`).
    #[serde(rename = "metadataSource", skip_serializing_if = "Option::is_none")]
    pub metadata_source: Option<MetadataSource>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum MetadataSource {
    #[serde(rename = "models-add")]
    ModelsAdd,
}

/// `agents`.
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Agents {
    /// `explicit` is required for a roster of several agents without one `default: true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ownership: Option<Ownership>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub defaults: Option<AgentDefaults>,
    /// The per-agent roster, keyed by agent id (`^[a-z0-9_][a-z0-9_-]{0,63}$`, any case).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entries: Option<BTreeMap<String, AgentEntry>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Ownership {
    Explicit,
}

/// A text model: a ref (`provider/model` or an alias), or a primary with fallbacks.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum AgentModel {
    Ref(String),
    Chain(ModelChain),
}

#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelChain {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary: Option<String>,
    /// Tried in order when the primary fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallbacks: Option<Vec<String>>,
}

/// A tool model (image, pdf, voice, media): a ref, or a primary with fallbacks and a timeout.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ToolModel {
    Ref(String),
    Chain(ToolModelChain),
}

#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ToolModelChain {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallbacks: Option<Vec<String>>,
    #[serde(rename = "timeoutMs", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub timeout_ms: Option<u64>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MediaModels {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<ToolModel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub video: Option<ToolModel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub music: Option<ToolModel>,
}

/// Per-model settings keyed by a `provider/model` ref (or `provider/*`). Holds aliases; does
/// not restrict selection (that is `modelPolicy.allow`).
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelSettings {
    /// A short name usable as a bare model ref.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub params: Option<Section>,
    #[serde(rename = "agentRuntime", skip_serializing_if = "Option::is_none")]
    pub agent_runtime: Option<AgentRuntime>,
    /// Up to 8 runtime ids; exact refs only.
    #[serde(rename = "pickerRuntimes", skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 8))]
    pub picker_runtimes: Option<Vec<String>>,
    /// Exact refs only.
    #[serde(rename = "codeMode", skip_serializing_if = "Option::is_none")]
    pub code_mode: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub streaming: Option<bool>,
}

/// The model allowlist: aliases, exact `provider/model` refs or trailing wildcards
/// (`openai/*`); empty or absent allows any model.
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelPolicy {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow: Option<Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ModelSelectionScope {
    Session,
    Agent,
    Global,
}

/// `agents.defaults`: model-related keys are typed; the others are known by name only.
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentDefaults {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub params: Option<Section>,
    /// Legacy: OpenClaw deletes it on read (OC044, `legacy.rs`); budgets are per model.
    #[serde(rename = "contextTokens", skip_serializing_if = "Option::is_none")]
    pub context_tokens: Option<Value>,
    /// The default text model (`provider/model`, an alias, or `{primary, fallbacks}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<AgentModel>,
    #[serde(
        rename = "modelSelectionScope",
        skip_serializing_if = "Option::is_none"
    )]
    pub model_selection_scope: Option<ModelSelectionScope>,
    /// Lower-cost model for short internal tasks; `""` disables.
    #[serde(rename = "utilityModel", skip_serializing_if = "Option::is_none")]
    pub utility_model: Option<String>,
    /// `provider/model` for typed decisions; `""` disables.
    #[serde(rename = "decisionModel", skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 512))]
    pub decision_model: Option<String>,
    #[serde(rename = "imageModel", skip_serializing_if = "Option::is_none")]
    pub image_model: Option<ToolModel>,
    #[serde(rename = "mediaModels", skip_serializing_if = "Option::is_none")]
    pub media_models: Option<MediaModels>,
    #[serde(rename = "voiceModel", skip_serializing_if = "Option::is_none")]
    pub voice_model: Option<ToolModel>,
    #[serde(rename = "pdfModel", skip_serializing_if = "Option::is_none")]
    pub pdf_model: Option<ToolModel>,
    #[serde(rename = "pdfMaxMb", skip_serializing_if = "Option::is_none")]
    pub pdf_max_mb: Option<Value>,
    #[serde(rename = "pdfMaxPages", skip_serializing_if = "Option::is_none")]
    pub pdf_max_pages: Option<Value>,
    /// Aliases and per-model settings keyed by model ref.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub models: Option<BTreeMap<String, ModelSettings>>,
    #[serde(rename = "modelPolicy", skip_serializing_if = "Option::is_none")]
    pub model_policy: Option<ModelPolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cwd: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skills: Option<Value>,
    #[serde(rename = "silentReply", skip_serializing_if = "Option::is_none")]
    pub silent_reply: Option<Value>,
    #[serde(rename = "repoRoot", skip_serializing_if = "Option::is_none")]
    pub repo_root: Option<Value>,
    #[serde(rename = "skipBootstrap", skip_serializing_if = "Option::is_none")]
    pub skip_bootstrap: Option<Value>,
    #[serde(
        rename = "skipOptionalBootstrapFiles",
        skip_serializing_if = "Option::is_none"
    )]
    pub skip_optional_bootstrap_files: Option<Value>,
    #[serde(rename = "contextInjection", skip_serializing_if = "Option::is_none")]
    pub context_injection: Option<Value>,
    #[serde(rename = "bootstrapMaxChars", skip_serializing_if = "Option::is_none")]
    pub bootstrap_max_chars: Option<Value>,
    #[serde(
        rename = "bootstrapTotalMaxChars",
        skip_serializing_if = "Option::is_none"
    )]
    pub bootstrap_total_max_chars: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experimental: Option<Value>,
    #[serde(rename = "userTimezone", skip_serializing_if = "Option::is_none")]
    pub user_timezone: Option<Value>,
    #[serde(rename = "startupContext", skip_serializing_if = "Option::is_none")]
    pub startup_context: Option<Value>,
    #[serde(rename = "contextPruning", skip_serializing_if = "Option::is_none")]
    pub context_pruning: Option<Value>,
    /// Compaction settings; `compaction.model` and `compaction.memoryFlush.model` are refs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compaction: Option<Compaction>,
    #[serde(rename = "embeddedAgent", skip_serializing_if = "Option::is_none")]
    pub embedded_agent: Option<Value>,
    #[serde(rename = "thinkingDefault", skip_serializing_if = "Option::is_none")]
    pub thinking_default: Option<Value>,
    #[serde(rename = "fastModeDefault", skip_serializing_if = "Option::is_none")]
    pub fast_mode_default: Option<Value>,
    #[serde(rename = "verboseDefault", skip_serializing_if = "Option::is_none")]
    pub verbose_default: Option<Value>,
    #[serde(rename = "toolProgressDetail", skip_serializing_if = "Option::is_none")]
    pub tool_progress_detail: Option<Value>,
    #[serde(rename = "reasoningDefault", skip_serializing_if = "Option::is_none")]
    pub reasoning_default: Option<Value>,
    #[serde(rename = "elevatedDefault", skip_serializing_if = "Option::is_none")]
    pub elevated_default: Option<Value>,
    #[serde(
        rename = "blockStreamingDefault",
        skip_serializing_if = "Option::is_none"
    )]
    pub block_streaming_default: Option<Value>,
    #[serde(
        rename = "blockStreamingBreak",
        skip_serializing_if = "Option::is_none"
    )]
    pub block_streaming_break: Option<Value>,
    #[serde(rename = "timeoutSeconds", skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<Value>,
    #[serde(rename = "mediaMaxMb", skip_serializing_if = "Option::is_none")]
    pub media_max_mb: Option<Value>,
    #[serde(
        rename = "imageMaxDimensionPx",
        skip_serializing_if = "Option::is_none"
    )]
    pub image_max_dimension_px: Option<Value>,
    #[serde(rename = "imageQuality", skip_serializing_if = "Option::is_none")]
    pub image_quality: Option<Value>,
    #[serde(
        rename = "typingIntervalSeconds",
        skip_serializing_if = "Option::is_none"
    )]
    pub typing_interval_seconds: Option<Value>,
    #[serde(rename = "systemAgent", skip_serializing_if = "Option::is_none")]
    pub system_agent: Option<Value>,
    #[serde(rename = "authInheritance", skip_serializing_if = "Option::is_none")]
    pub auth_inheritance: Option<Value>,
    #[serde(rename = "sessionStore", skip_serializing_if = "Option::is_none")]
    pub session_store: Option<Value>,
    #[serde(rename = "maxConcurrent", skip_serializing_if = "Option::is_none")]
    pub max_concurrent: Option<Value>,
    /// Sub-agent settings; `subagents.model` is a text model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subagents: Option<SubagentDefaults>,
    #[serde(rename = "contextLimits", skip_serializing_if = "Option::is_none")]
    pub context_limits: Option<Value>,
    #[serde(
        rename = "blockStreamingChunk",
        skip_serializing_if = "Option::is_none"
    )]
    pub block_streaming_chunk: Option<Value>,
    #[serde(
        rename = "blockStreamingCoalesce",
        skip_serializing_if = "Option::is_none"
    )]
    pub block_streaming_coalesce: Option<Value>,
    #[serde(rename = "humanDelay", skip_serializing_if = "Option::is_none")]
    pub human_delay: Option<Value>,
    #[serde(rename = "typingMode", skip_serializing_if = "Option::is_none")]
    pub typing_mode: Option<Value>,
    /// Heartbeat settings; `heartbeat.model` is a ref.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heartbeat: Option<HeartbeatDefaults>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sandbox: Option<Value>,
}

/// `agents.entries.<id>`: overrides for one agent.
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentEntry {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Legacy: OpenClaw deletes it on read (OC044, `legacy.rs`); budgets are per model.
    #[serde(rename = "contextTokens", skip_serializing_if = "Option::is_none")]
    pub context_tokens: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cwd: Option<Value>,
    #[serde(rename = "agentDir", skip_serializing_if = "Option::is_none")]
    pub agent_dir: Option<Value>,
    /// This agent's text model; overrides `agents.defaults.model`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<AgentModel>,
    #[serde(rename = "utilityModel", skip_serializing_if = "Option::is_none")]
    pub utility_model: Option<String>,
    #[serde(rename = "decisionModel", skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 512))]
    pub decision_model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub models: Option<BTreeMap<String, ModelSettings>>,
    #[serde(rename = "modelPolicy", skip_serializing_if = "Option::is_none")]
    pub model_policy: Option<ModelPolicy>,
    #[serde(rename = "thinkingDefault", skip_serializing_if = "Option::is_none")]
    pub thinking_default: Option<Value>,
    #[serde(rename = "verboseDefault", skip_serializing_if = "Option::is_none")]
    pub verbose_default: Option<Value>,
    #[serde(rename = "toolProgressDetail", skip_serializing_if = "Option::is_none")]
    pub tool_progress_detail: Option<Value>,
    #[serde(rename = "reasoningDefault", skip_serializing_if = "Option::is_none")]
    pub reasoning_default: Option<Value>,
    #[serde(rename = "fastModeDefault", skip_serializing_if = "Option::is_none")]
    pub fast_mode_default: Option<Value>,
    #[serde(rename = "contextInjection", skip_serializing_if = "Option::is_none")]
    pub context_injection: Option<Value>,
    #[serde(rename = "bootstrapMaxChars", skip_serializing_if = "Option::is_none")]
    pub bootstrap_max_chars: Option<Value>,
    #[serde(
        rename = "bootstrapTotalMaxChars",
        skip_serializing_if = "Option::is_none"
    )]
    pub bootstrap_total_max_chars: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experimental: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skills: Option<Value>,
    /// Sub-agent settings; `subagents.model` is a text model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subagents: Option<SubagentEntry>,
    #[serde(rename = "embeddedAgent", skip_serializing_if = "Option::is_none")]
    pub embedded_agent: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub params: Option<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<Value>,
    #[serde(rename = "humanDelay", skip_serializing_if = "Option::is_none")]
    pub human_delay: Option<Value>,
    #[serde(rename = "typingMode", skip_serializing_if = "Option::is_none")]
    pub typing_mode: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tts: Option<Value>,
    #[serde(rename = "skillsLimits", skip_serializing_if = "Option::is_none")]
    pub skills_limits: Option<Value>,
    #[serde(rename = "contextLimits", skip_serializing_if = "Option::is_none")]
    pub context_limits: Option<Value>,
    /// Heartbeat settings; `heartbeat.model` is a ref.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heartbeat: Option<Heartbeat>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<Value>,
    #[serde(rename = "groupChat", skip_serializing_if = "Option::is_none")]
    pub group_chat: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sandbox: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tools: Option<Value>,
    /// Legacy default marker (removed on read; one is accepted in place of `ownership`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<bool>,
}

/// A local server OpenClaw starts before calling the provider.
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LocalService {
    #[schemars(length(min = 1))]
    pub command: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub args: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub cwd: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env: Option<BTreeMap<String, String>>,
    #[serde(rename = "healthUrl", skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub health_url: Option<String>,
    #[serde(rename = "readyTimeoutMs", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub ready_timeout_ms: Option<u64>,
    #[serde(rename = "idleStopMs", skip_serializing_if = "Option::is_none")]
    pub idle_stop_ms: Option<u64>,
}

/// Transport overrides for a provider.
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headers: Option<BTreeMap<String, SecretInput>>,
    /// `provider-default`, `authorization-bearer` (+`token`) or `header` (+`headerName`, `value`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth: Option<Value>,
    /// `env-proxy` or `explicit-proxy` (+`url`), each with optional `tls`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy: Option<Value>,
    /// `ca`, `cert`, `key`, `passphrase`, `serverName`, `insecureSkipVerify`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<Value>,
    /// Needed for a LiteLLM proxy on a LAN address (loopback needs no opt-in).
    #[serde(
        rename = "allowPrivateNetwork",
        skip_serializing_if = "Option::is_none"
    )]
    pub allow_private_network: Option<bool>,
}

/// Prices per million tokens (default zero).
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelCost {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<f64>,
    #[serde(rename = "cacheRead", skip_serializing_if = "Option::is_none")]
    pub cache_read: Option<f64>,
    #[serde(rename = "cacheWrite", skip_serializing_if = "Option::is_none")]
    pub cache_write: Option<f64>,
    /// `[{input, output, cacheRead, cacheWrite, range: [n] or [n, n]}]`.
    #[serde(rename = "tieredPricing", skip_serializing_if = "Option::is_none")]
    pub tiered_pricing: Option<Vec<Value>>,
}

/// Provider-specific names for each thinking level (a string, or null to disable the level).
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThinkingLevelMap {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub off: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimal: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub medium: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xhigh: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<Value>,
}

/// Limits on media sent to the model.
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MediaInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<MediaImage>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MediaImage {
    #[serde(rename = "maxBytes", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_bytes: Option<u64>,
    #[serde(rename = "maxPixels", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_pixels: Option<u64>,
    #[serde(rename = "maxSidePx", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_side_px: Option<u64>,
    #[serde(rename = "preferredSidePx", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub preferred_side_px: Option<u64>,
    #[serde(rename = "tokenMode", skip_serializing_if = "Option::is_none")]
    pub token_mode: Option<TokenMode>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TokenMode {
    Tile,
    Detail,
    Provider,
}

/// Capability flags of a model (`compat`), as OpenClaw declares them.
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelCompat {
    #[serde(rename = "supportsStore", skip_serializing_if = "Option::is_none")]
    pub supports_store: Option<bool>,
    #[serde(
        rename = "supportsPromptCacheKey",
        skip_serializing_if = "Option::is_none"
    )]
    pub supports_prompt_cache_key: Option<bool>,
    #[serde(
        rename = "supportsResponsesContinuation",
        skip_serializing_if = "Option::is_none"
    )]
    pub supports_responses_continuation: Option<bool>,
    #[serde(
        rename = "supportsDeveloperRole",
        skip_serializing_if = "Option::is_none"
    )]
    pub supports_developer_role: Option<bool>,
    #[serde(
        rename = "supportsReasoningEffort",
        skip_serializing_if = "Option::is_none"
    )]
    pub supports_reasoning_effort: Option<bool>,
    #[serde(
        rename = "supportsTemperature",
        skip_serializing_if = "Option::is_none"
    )]
    pub supports_temperature: Option<bool>,
    #[serde(
        rename = "supportsInstructions",
        skip_serializing_if = "Option::is_none"
    )]
    pub supports_instructions: Option<bool>,
    #[serde(
        rename = "supportsUsageInStreaming",
        skip_serializing_if = "Option::is_none"
    )]
    pub supports_usage_in_streaming: Option<bool>,
    #[serde(rename = "supportsTools", skip_serializing_if = "Option::is_none")]
    pub supports_tools: Option<bool>,
    #[serde(rename = "codeMode", skip_serializing_if = "Option::is_none")]
    pub code_mode: Option<Value>,
    #[serde(rename = "supportsStrictMode", skip_serializing_if = "Option::is_none")]
    pub supports_strict_mode: Option<bool>,
    #[serde(
        rename = "supportsJsonSchemaResponseFormat",
        skip_serializing_if = "Option::is_none"
    )]
    pub supports_json_schema_response_format: Option<bool>,
    #[serde(
        rename = "requiresStringContent",
        skip_serializing_if = "Option::is_none"
    )]
    pub requires_string_content: Option<bool>,
    #[serde(rename = "strictMessageKeys", skip_serializing_if = "Option::is_none")]
    pub strict_message_keys: Option<bool>,
    #[serde(
        rename = "visibleReasoningDetailTypes",
        skip_serializing_if = "Option::is_none"
    )]
    pub visible_reasoning_detail_types: Option<Value>,
    #[serde(
        rename = "supportedReasoningEfforts",
        skip_serializing_if = "Option::is_none"
    )]
    pub supported_reasoning_efforts: Option<Value>,
    #[serde(rename = "reasoningEffortMap", skip_serializing_if = "Option::is_none")]
    pub reasoning_effort_map: Option<Value>,
    #[serde(rename = "maxTokensField", skip_serializing_if = "Option::is_none")]
    pub max_tokens_field: Option<Value>,
    #[serde(rename = "thinkingFormat", skip_serializing_if = "Option::is_none")]
    pub thinking_format: Option<Value>,
    #[serde(
        rename = "requiresToolResultName",
        skip_serializing_if = "Option::is_none"
    )]
    pub requires_tool_result_name: Option<bool>,
    #[serde(
        rename = "requiresAssistantAfterToolResult",
        skip_serializing_if = "Option::is_none"
    )]
    pub requires_assistant_after_tool_result: Option<bool>,
    #[serde(
        rename = "requiresThinkingAsText",
        skip_serializing_if = "Option::is_none"
    )]
    pub requires_thinking_as_text: Option<bool>,
    #[serde(
        rename = "requiresReasoningContentOnAssistantMessages",
        skip_serializing_if = "Option::is_none"
    )]
    pub requires_reasoning_content_on_assistant_messages: Option<bool>,
    #[serde(rename = "toolSchemaProfile", skip_serializing_if = "Option::is_none")]
    pub tool_schema_profile: Option<Value>,
    #[serde(
        rename = "unsupportedToolSchemaKeywords",
        skip_serializing_if = "Option::is_none"
    )]
    pub unsupported_tool_schema_keywords: Option<Value>,
    #[serde(
        rename = "toolCallArgumentsEncoding",
        skip_serializing_if = "Option::is_none"
    )]
    pub tool_call_arguments_encoding: Option<Value>,
    #[serde(
        rename = "requiresOpenAiAnthropicToolPayload",
        skip_serializing_if = "Option::is_none"
    )]
    pub requires_open_ai_anthropic_tool_payload: Option<bool>,
    #[serde(rename = "openRouterRouting", skip_serializing_if = "Option::is_none")]
    pub open_router_routing: Option<Value>,
    #[serde(
        rename = "vercelGatewayRouting",
        skip_serializing_if = "Option::is_none"
    )]
    pub vercel_gateway_routing: Option<Value>,
    #[serde(rename = "zaiToolStream", skip_serializing_if = "Option::is_none")]
    pub zai_tool_stream: Option<bool>,
    #[serde(rename = "cacheControlFormat", skip_serializing_if = "Option::is_none")]
    pub cache_control_format: Option<Value>,
    #[serde(
        rename = "sendSessionAffinityHeaders",
        skip_serializing_if = "Option::is_none"
    )]
    pub send_session_affinity_headers: Option<bool>,
    #[serde(
        rename = "sendSessionIdHeader",
        skip_serializing_if = "Option::is_none"
    )]
    pub send_session_id_header: Option<bool>,
    #[serde(
        rename = "supportsEagerToolInputStreaming",
        skip_serializing_if = "Option::is_none"
    )]
    pub supports_eager_tool_input_streaming: Option<bool>,
    #[serde(
        rename = "supportsLongCacheRetention",
        skip_serializing_if = "Option::is_none"
    )]
    pub supports_long_cache_retention: Option<bool>,
}

/// `agents.defaults.subagents`.
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubagentDefaults {
    #[serde(rename = "delegationMode", skip_serializing_if = "Option::is_none")]
    pub delegation_mode: Option<DelegationMode>,
    #[serde(rename = "allowAgents", skip_serializing_if = "Option::is_none")]
    pub allow_agents: Option<Vec<String>>,
    #[serde(rename = "maxConcurrent", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_concurrent: Option<u64>,
    #[serde(rename = "maxSpawnDepth", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 5))]
    pub max_spawn_depth: Option<u64>,
    #[serde(
        rename = "maxChildrenPerAgent",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(range(min = 1, max = 20))]
    pub max_children_per_agent: Option<u64>,
    #[serde(
        rename = "archiveAfterMinutes",
        skip_serializing_if = "Option::is_none"
    )]
    pub archive_after_minutes: Option<u64>,
    /// The sub-agents' text model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<AgentModel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thinking: Option<String>,
    #[serde(rename = "runTimeoutSeconds", skip_serializing_if = "Option::is_none")]
    pub run_timeout_seconds: Option<u64>,
    #[serde(rename = "announceTimeoutMs", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub announce_timeout_ms: Option<u64>,
    #[serde(rename = "requireAgentId", skip_serializing_if = "Option::is_none")]
    pub require_agent_id: Option<bool>,
}

/// `agents.entries.<id>.subagents`.
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubagentEntry {
    #[serde(rename = "delegationMode", skip_serializing_if = "Option::is_none")]
    pub delegation_mode: Option<DelegationMode>,
    #[serde(rename = "allowAgents", skip_serializing_if = "Option::is_none")]
    pub allow_agents: Option<Vec<String>>,
    /// This agent's sub-agent text model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<AgentModel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thinking: Option<String>,
    #[serde(rename = "requireAgentId", skip_serializing_if = "Option::is_none")]
    pub require_agent_id: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DelegationMode {
    Suggest,
    Prefer,
}

/// `agents.entries.<id>.heartbeat`.
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Heartbeat {
    /// Interval such as `30m`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub every: Option<String>,
    #[serde(rename = "activeHours", skip_serializing_if = "Option::is_none")]
    pub active_hours: Option<ActiveHours>,
    /// The heartbeat's model ref.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(rename = "directPolicy", skip_serializing_if = "Option::is_none")]
    pub direct_policy: Option<DirectPolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(rename = "accountId", skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    #[serde(rename = "timeoutSeconds", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub timeout_seconds: Option<u64>,
    #[serde(rename = "lightContext", skip_serializing_if = "Option::is_none")]
    pub light_context: Option<bool>,
    #[serde(rename = "isolatedSession", skip_serializing_if = "Option::is_none")]
    pub isolated_session: Option<bool>,
}

/// `agents.defaults.heartbeat`: as per agent, plus the owning agent.
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeartbeatDefaults {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub every: Option<String>,
    #[serde(rename = "activeHours", skip_serializing_if = "Option::is_none")]
    pub active_hours: Option<ActiveHours>,
    /// The heartbeat's model ref.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(rename = "directPolicy", skip_serializing_if = "Option::is_none")]
    pub direct_policy: Option<DirectPolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(rename = "accountId", skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    #[serde(rename = "timeoutSeconds", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub timeout_seconds: Option<u64>,
    #[serde(rename = "lightContext", skip_serializing_if = "Option::is_none")]
    pub light_context: Option<bool>,
    #[serde(rename = "isolatedSession", skip_serializing_if = "Option::is_none")]
    pub isolated_session: Option<bool>,
    /// The agent that owns heartbeats; must be an `agents.entries` id.
    #[serde(rename = "agentId", skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub agent_id: Option<String>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActiveHours {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DirectPolicy {
    Allow,
    Block,
}

/// `agents.defaults.compaction`.
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Compaction {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// `default` or `safeguard`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(rename = "thinkingLevel", skip_serializing_if = "Option::is_none")]
    pub thinking_level: Option<Value>,
    #[serde(rename = "keepRecentTokens", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub keep_recent_tokens: Option<u64>,
    /// `strict` or `off`.
    #[serde(rename = "identifierPolicy", skip_serializing_if = "Option::is_none")]
    pub identifier_policy: Option<Value>,
    #[serde(
        rename = "recentTurnsPreserve",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(range(max = 12))]
    pub recent_turns_preserve: Option<u64>,
    #[serde(rename = "qualityGuard", skip_serializing_if = "Option::is_none")]
    pub quality_guard: Option<Value>,
    #[serde(rename = "midTurnPrecheck", skip_serializing_if = "Option::is_none")]
    pub mid_turn_precheck: Option<Value>,
    #[serde(rename = "postIndexSync", skip_serializing_if = "Option::is_none")]
    pub post_index_sync: Option<Value>,
    #[serde(
        rename = "postCompactionSections",
        skip_serializing_if = "Option::is_none"
    )]
    pub post_compaction_sections: Option<Vec<String>>,
    /// The compaction model ref.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(rename = "timeoutSeconds", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub timeout_seconds: Option<u64>,
    #[serde(rename = "memoryFlush", skip_serializing_if = "Option::is_none")]
    pub memory_flush: Option<MemoryFlush>,
    #[serde(
        rename = "maxActiveTranscriptBytes",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_active_transcript_bytes: Option<Value>,
    #[serde(rename = "notifyUser", skip_serializing_if = "Option::is_none")]
    pub notify_user: Option<bool>,
}

/// `agents.defaults.compaction.memoryFlush`.
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemoryFlush {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// The memory-flush model ref.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(
        rename = "softThresholdTokens",
        skip_serializing_if = "Option::is_none"
    )]
    pub soft_threshold_tokens: Option<u64>,
    /// Bytes, or a size such as `2mb`.
    #[serde(
        rename = "forceFlushTranscriptBytes",
        skip_serializing_if = "Option::is_none"
    )]
    pub force_flush_transcript_bytes: Option<Value>,
}
