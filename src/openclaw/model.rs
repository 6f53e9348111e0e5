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
    /// Use filesystem acceleration for new managed worktrees when supported (default: true). Set
    /// false to use normal Git checkout and file copying. Applies only to new worktrees.
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
    /// Enables loading environment variables from the user shell profile during startup
    /// initialization. Keep enabled for developer machines, or disable in locked-down service
    /// environments with explicit env management.
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
    /// Fetch hosted model catalog updates in the background (default: true). Set to false to
    /// disable all remote model catalog traffic.
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
    /// Where the secret comes from: `"env"` (an environment variable), `"file"`, `"exec"` (a
    /// command's output) or `"store"` (OpenClaw's secret store).
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
    /// Selects provider auth style: "api-key" for API key auth, "token" for bearer token auth,
    /// "oauth" for OAuth credentials, and "aws-sdk" for AWS credential resolution. Match this to
    /// your provider requirements.
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
    /// Optional provider deployment/API region interpreted by providers that expose regional
    /// endpoints. Use provider docs for supported values; baseUrl overrides usually take precedence
    /// when both are set.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub region: Option<String>,
    /// Controls whether OpenClaw injects `options.num_ctx` for Ollama providers configured with the
    /// OpenAI-compatible adapter (`openai-completions`). Default is true. Set false only if your
    /// proxy/upstream rejects unknown `options` payload fields.
    #[serde(
        rename = "injectNumCtxForOpenAICompat",
        skip_serializing_if = "Option::is_none"
    )]
    pub inject_num_ctx_for_openai_compat: Option<bool>,
    /// Plugin-interpreted parameters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub params: Option<Section>,
    /// Optional low-level agent runtime policy for this provider. Use provider/model runtime policy
    /// instead of agent-wide runtime pins; omitted/default lets OpenClaw choose the runtime for the
    /// selected provider.
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
    /// Provider agent runtime id: "openclaw", "auto", a registered plugin harness id such as
    /// "codex", or a supported CLI backend alias such as "claude-cli". OpenAI on the official
    /// endpoint defaults to the Codex harness when omitted.
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
    /// Base URL for this model only; overrides the provider's `baseUrl`.
    #[serde(rename = "baseUrl", skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub base_url: Option<String>,
    /// Whether the model reasons (thinks) before answering (default `false`).
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
    /// What each OpenClaw thinking level sends to this model: a provider value per level (`off` ...
    /// `max`), or `null` where the model has none.
    #[serde(rename = "thinkingLevelMap", skip_serializing_if = "Option::is_none")]
    pub thinking_level_map: Option<ThinkingLevelMap>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub params: Option<Section>,
    /// Optional low-level agent runtime policy for this specific model. Model runtime policy
    /// overrides the provider runtime policy.
    #[serde(rename = "agentRuntime", skip_serializing_if = "Option::is_none")]
    pub agent_runtime: Option<AgentRuntime>,
    /// Plain string headers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headers: Option<BTreeMap<String, String>>,
    /// Capability flags (`supportsTools`, `maxTokensField`, `thinkingFormat`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compat: Option<ModelCompat>,
    /// Optional model media capability metadata used by tools to choose conservative image
    /// compression defaults.
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
    /// Shared default settings inherited by agents unless overridden per entry in agents.entries.
    /// Use defaults to enforce consistent baseline behavior and reduce duplicated per-agent
    /// configuration.
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
    /// Primary model (provider/model).
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
    /// The model (`provider/model`) the tool uses first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary: Option<String>,
    /// Models (`provider/model`) tried in order when the primary fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallbacks: Option<Vec<String>>,
    /// Maximum milliseconds a call of this tool's model may take.
    #[serde(rename = "timeoutMs", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub timeout_ms: Option<u64>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MediaModels {
    /// Image-generation model: a `provider/model` ref, or `{primary, fallbacks, timeoutMs}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<ToolModel>,
    /// Video-generation model: a `provider/model` ref, or `{primary, fallbacks, timeoutMs}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub video: Option<ToolModel>,
    /// Music-generation model: a `provider/model` ref, or `{primary, fallbacks, timeoutMs}`.
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
    /// Optional per-model runtime policy for the default agent. Use this for model-specific runtime
    /// exceptions instead of setting a whole-agent runtime.
    #[serde(rename = "agentRuntime", skip_serializing_if = "Option::is_none")]
    pub agent_runtime: Option<AgentRuntime>,
    /// Up to 8 runtime ids; exact refs only.
    #[serde(rename = "pickerRuntimes", skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 8))]
    pub picker_runtimes: Option<Vec<String>>,
    /// Exact refs only.
    #[serde(rename = "codeMode", skip_serializing_if = "Option::is_none")]
    pub code_mode: Option<bool>,
    /// Whether replies of this model are streamed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub streaming: Option<bool>,
}

/// The model allowlist: aliases, exact `provider/model` refs or trailing wildcards
/// (`openai/*`); empty or absent allows any model.
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelPolicy {
    /// Allowed model override refs. Accepts aliases, full "provider/model" refs, and provider
    /// wildcards such as "openai/*". Empty permits any model.
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
    /// Scope for chat commands and Gateway session model updates without an explicit scope:
    /// "session" (default) changes only the current session, "agent" also updates that agent's
    /// primary, and "global" also updates the shared agents.defaults.model fallback. Explicit scope
    /// flags take precedence; configured-default writes require owner/admin authority. Telegram
    /// callback pickers and the embedded local TUI stay session-only.
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
    /// Model for image understanding when the primary model has no image input: a `provider/model`
    /// ref, or `{primary, fallbacks, timeoutMs}`.
    #[serde(rename = "imageModel", skip_serializing_if = "Option::is_none")]
    pub image_model: Option<ToolModel>,
    /// Models of the shared media-generation tools: `image`, `video` and `music`, each a
    /// `provider/model` ref or `{primary, fallbacks, timeoutMs}`.
    #[serde(rename = "mediaModels", skip_serializing_if = "Option::is_none")]
    pub media_models: Option<MediaModels>,
    /// Model for voice (audio) tasks: a `provider/model` ref, or `{primary, fallbacks, timeoutMs}`.
    #[serde(rename = "voiceModel", skip_serializing_if = "Option::is_none")]
    pub voice_model: Option<ToolModel>,
    /// Model for the PDF tool: a `provider/model` ref, or `{primary, fallbacks, timeoutMs}`.
    #[serde(rename = "pdfModel", skip_serializing_if = "Option::is_none")]
    pub pdf_model: Option<ToolModel>,
    /// Maximum PDF file size in megabytes for the PDF tool (default: 10).
    #[serde(rename = "pdfMaxMb", skip_serializing_if = "Option::is_none")]
    pub pdf_max_mb: Option<Value>,
    /// Maximum number of PDF pages to process for the PDF tool (default: 20).
    #[serde(rename = "pdfMaxPages", skip_serializing_if = "Option::is_none")]
    pub pdf_max_pages: Option<Value>,
    /// Aliases and per-model settings keyed by model ref.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub models: Option<BTreeMap<String, ModelSettings>>,
    /// Explicit policy for model overrides. Omit it or leave allow empty to permit any model.
    #[serde(rename = "modelPolicy", skip_serializing_if = "Option::is_none")]
    pub model_policy: Option<ModelPolicy>,
    /// Default agent workspace for bootstrap and memory files. Also used as the working directory
    /// when agents.defaults.cwd is unset. Set this explicitly when running from wrappers so path
    /// resolution stays deterministic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace: Option<Value>,
    /// Working directory for agent reply runs, separate from workspace bootstrap and memory files.
    /// Agent-specific cwd and session-spawned cwd take precedence. Supports ~ and relative paths; a
    /// distinct cwd requires an unsandboxed run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cwd: Option<Value>,
    /// Optional default skill allowlist inherited by agents that omit agents.entries.*.skills. Omit
    /// for unrestricted skills, set [] to give inheriting agents no skills, and remember explicit
    /// agents.entries.*.skills replaces this default instead of merging with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skills: Option<Value>,
    /// Whether agents may end a turn without a visible reply, per context: `group` and `internal`,
    /// each `"allow"` or `"disallow"`.
    #[serde(rename = "silentReply", skip_serializing_if = "Option::is_none")]
    pub silent_reply: Option<Value>,
    /// Optional repository root shown in the system prompt runtime line (overrides auto-detect).
    #[serde(rename = "repoRoot", skip_serializing_if = "Option::is_none")]
    pub repo_root: Option<Value>,
    /// Skips automatic creation of workspace bootstrap files, not injection of existing files. For
    /// the embedded runtime, set agents.defaults.contextInjection to "never" to disable injection
    /// unless overridden per agent.
    #[serde(rename = "skipBootstrap", skip_serializing_if = "Option::is_none")]
    pub skip_bootstrap: Option<Value>,
    /// Optional bootstrap files that should not be created in agent workspaces. Valid values:
    /// SOUL.md, USER.md, IDENTITY.md (HEARTBEAT.md is accepted but a no-op).
    #[serde(
        rename = "skipOptionalBootstrapFiles",
        skip_serializing_if = "Option::is_none"
    )]
    pub skip_optional_bootstrap_files: Option<Value>,
    /// Controls workspace bootstrap-file injection in the embedded runtime: "always" uses normal
    /// injection (default), "continuation-skip" skips eligible continuation turns after a recorded
    /// full-bootstrap turn, and "never" disables injection. Does not control CLI-backed prompt
    /// preparation.
    #[serde(rename = "contextInjection", skip_serializing_if = "Option::is_none")]
    pub context_injection: Option<Value>,
    /// Max characters of each workspace bootstrap file injected into the system prompt before
    /// truncation (default: 20000).
    #[serde(rename = "bootstrapMaxChars", skip_serializing_if = "Option::is_none")]
    pub bootstrap_max_chars: Option<Value>,
    /// Max total characters across all injected workspace bootstrap files (default: 60000).
    #[serde(
        rename = "bootstrapTotalMaxChars",
        skip_serializing_if = "Option::is_none"
    )]
    pub bootstrap_total_max_chars: Option<Value>,
    /// Experimental agent-default flags. Keep these off unless you are intentionally testing a
    /// preview surface.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experimental: Option<Value>,
    /// The user's time zone (an IANA name such as `Europe/Paris`), used when agents reason about
    /// local time.
    #[serde(rename = "userTimezone", skip_serializing_if = "Option::is_none")]
    pub user_timezone: Option<Value>,
    /// Runtime-owned first-turn prelude for bare "/new" and "/reset". Use this to control whether
    /// recent daily memory files are preloaded into the first prompt instead of asking the model to
    /// decide what to read.
    #[serde(rename = "startupContext", skip_serializing_if = "Option::is_none")]
    pub startup_context: Option<Value>,
    /// Pruning of old tool results from the context (`mode`: `"off"` or `"cache-ttl"`, with `ttl`
    /// and the tools it applies to). Not modelled by litellm-check.
    #[serde(rename = "contextPruning", skip_serializing_if = "Option::is_none")]
    pub context_pruning: Option<Value>,
    /// Compaction settings; `compaction.model` and `compaction.memoryFlush.model` are refs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compaction: Option<Compaction>,
    /// Embedded OpenClaw runner hardening controls for how workspace-local agent settings are
    /// trusted and applied in OpenClaw sessions.
    #[serde(rename = "embeddedAgent", skip_serializing_if = "Option::is_none")]
    pub embedded_agent: Option<Value>,
    /// Default thinking level when no message or session sets one: `off`, `minimal`, `low`,
    /// `medium`, `high`, `xhigh`, `adaptive`, `max` or `ultra`.
    #[serde(rename = "thinkingDefault", skip_serializing_if = "Option::is_none")]
    pub thinking_default: Option<Value>,
    /// Default fast-mode policy for the agent loop ("auto", true, or false). Individual agent
    /// entries override it.
    #[serde(rename = "fastModeDefault", skip_serializing_if = "Option::is_none")]
    pub fast_mode_default: Option<Value>,
    /// Default verbosity of agent replies: `"off"`, `"on"` or `"full"`.
    #[serde(rename = "verboseDefault", skip_serializing_if = "Option::is_none")]
    pub verbose_default: Option<Value>,
    /// How tool progress is shown: `"explain"` (described) or `"raw"`.
    #[serde(rename = "toolProgressDetail", skip_serializing_if = "Option::is_none")]
    pub tool_progress_detail: Option<Value>,
    /// Default visibility of the model's reasoning: `"off"`, `"on"` or `"stream"`.
    #[serde(rename = "reasoningDefault", skip_serializing_if = "Option::is_none")]
    pub reasoning_default: Option<Value>,
    /// Default for elevated (host-level) tool execution: `"off"`, `"on"`, `"ask"` or `"full"`.
    #[serde(rename = "elevatedDefault", skip_serializing_if = "Option::is_none")]
    pub elevated_default: Option<Value>,
    /// Whether replies are streamed in blocks by default: `"off"` or `"on"`.
    #[serde(
        rename = "blockStreamingDefault",
        skip_serializing_if = "Option::is_none"
    )]
    pub block_streaming_default: Option<Value>,
    /// Where a streamed block ends: at the end of a text part (`"text_end"`) or of the whole
    /// message (`"message_end"`).
    #[serde(
        rename = "blockStreamingBreak",
        skip_serializing_if = "Option::is_none"
    )]
    pub block_streaming_break: Option<Value>,
    /// Maximum seconds an agent turn may run before it is aborted.
    #[serde(rename = "timeoutSeconds", skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<Value>,
    /// Maximum size in megabytes of a media file agents accept.
    #[serde(rename = "mediaMaxMb", skip_serializing_if = "Option::is_none")]
    pub media_max_mb: Option<Value>,
    /// Max image side length in pixels when sanitizing transcript/tool-result image payloads
    /// (default: 1200).
    #[serde(
        rename = "imageMaxDimensionPx",
        skip_serializing_if = "Option::is_none"
    )]
    pub image_max_dimension_px: Option<Value>,
    /// Image-tool media compression preference: "auto" adapts to provider/model limits and image
    /// count, "efficient" saves tokens and bytes, "balanced" keeps the current middle ground, and
    /// "high" preserves more detail for screenshots and document images.
    #[serde(rename = "imageQuality", skip_serializing_if = "Option::is_none")]
    pub image_quality: Option<Value>,
    /// Controls typing-indicator keepalive cadence in seconds for every agent. Increase it to
    /// reduce update frequency across all typing-capable channels.
    #[serde(
        rename = "typingIntervalSeconds",
        skip_serializing_if = "Option::is_none"
    )]
    pub typing_interval_seconds: Option<Value>,
    /// Target settings for ambient OpenClaw system-agent and Custodian inference plus selected
    /// unscoped operator reads.
    #[serde(rename = "systemAgent", skip_serializing_if = "Option::is_none")]
    pub system_agent: Option<Value>,
    /// Upgrade compatibility owner for the inherited credential store until credentials are
    /// relocated per agent.
    #[serde(rename = "authInheritance", skip_serializing_if = "Option::is_none")]
    pub auth_inheritance: Option<Value>,
    /// Upgrade compatibility owner for retired main-agent rows and fixed legacy session stores.
    #[serde(rename = "sessionStore", skip_serializing_if = "Option::is_none")]
    pub session_store: Option<Value>,
    /// Maximum number of agent runs at the same time.
    #[serde(rename = "maxConcurrent", skip_serializing_if = "Option::is_none")]
    pub max_concurrent: Option<Value>,
    /// Sub-agent settings; `subagents.model` is a text model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subagents: Option<SubagentDefaults>,
    /// Focused per-agent-context budget defaults for selected high-volume excerpts and injected
    /// prompt blocks. Use this to tune bounded read/injection sizes without reopening any unbounded
    /// call paths.
    #[serde(rename = "contextLimits", skip_serializing_if = "Option::is_none")]
    pub context_limits: Option<Value>,
    /// Size of streamed blocks (`minChars`, `maxChars`) and where to prefer breaking them.
    #[serde(
        rename = "blockStreamingChunk",
        skip_serializing_if = "Option::is_none"
    )]
    pub block_streaming_chunk: Option<Value>,
    /// Coalescing of small streamed blocks (`minChars`, `maxChars`, `idleMs`) before they are sent.
    #[serde(
        rename = "blockStreamingCoalesce",
        skip_serializing_if = "Option::is_none"
    )]
    pub block_streaming_coalesce: Option<Value>,
    /// Delay between block replies to feel human-paced (`mode`: `"off"`, `"natural"` or `"custom"`,
    /// with the delay bounds).
    #[serde(rename = "humanDelay", skip_serializing_if = "Option::is_none")]
    pub human_delay: Option<Value>,
    /// Controls when typing starts for agents: "never", "instant", "thinking", or "message".
    /// Per-agent typingMode overrides this default.
    #[serde(rename = "typingMode", skip_serializing_if = "Option::is_none")]
    pub typing_mode: Option<Value>,
    /// Heartbeat settings; `heartbeat.model` is a ref.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heartbeat: Option<HeartbeatDefaults>,
    /// Sandboxing of agent tools (`mode`: `"off"`, `"non-main"` or `"all"`, the backend and
    /// workspace access). Not modelled by litellm-check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sandbox: Option<Value>,
}

/// `agents.entries.<id>`: overrides for one agent.
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentEntry {
    /// Display name of the agent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Legacy: OpenClaw deletes it on read (OC044, `legacy.rs`); budgets are per model.
    #[serde(rename = "contextTokens", skip_serializing_if = "Option::is_none")]
    pub context_tokens: Option<Value>,
    /// What the agent is for, shown where agents are listed or chosen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The agent's workspace (bootstrap and memory files); overrides `agents.defaults.workspace`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace: Option<Value>,
    /// Working directory for this agent's reply runs. Overrides agents.defaults.cwd but not
    /// session-spawned cwd; bootstrap and memory files stay in workspace. Supports ~ and relative
    /// paths; a distinct cwd requires an unsandboxed run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cwd: Option<Value>,
    /// Directory of the agent's own state (sessions, credentials).
    #[serde(rename = "agentDir", skip_serializing_if = "Option::is_none")]
    pub agent_dir: Option<Value>,
    /// This agent's text model; overrides `agents.defaults.model`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<AgentModel>,
    /// Optional per-agent utility model override for short internal tasks. Overrides
    /// agents.defaults.utilityModel.
    #[serde(rename = "utilityModel", skip_serializing_if = "Option::is_none")]
    pub utility_model: Option<String>,
    /// Per-agent decision model. Unset inherits agents.defaults.decisionModel; an empty string
    /// disables decision calls for this agent.
    #[serde(rename = "decisionModel", skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 512))]
    pub decision_model: Option<String>,
    /// Per-agent model catalog overrides keyed by full provider/model IDs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub models: Option<BTreeMap<String, ModelSettings>>,
    /// Per-agent model override policy. An explicit allow list replaces the default policy for this
    /// agent.
    #[serde(rename = "modelPolicy", skip_serializing_if = "Option::is_none")]
    pub model_policy: Option<ModelPolicy>,
    /// Optional per-agent default thinking level. Overrides agents.defaults.thinkingDefault for
    /// this agent when no per-message or session override is set.
    #[serde(rename = "thinkingDefault", skip_serializing_if = "Option::is_none")]
    pub thinking_default: Option<Value>,
    /// This agent's default verbosity (`"off"`, `"on"` or `"full"`); overrides
    /// `agents.defaults.verboseDefault`.
    #[serde(rename = "verboseDefault", skip_serializing_if = "Option::is_none")]
    pub verbose_default: Option<Value>,
    /// How this agent shows tool progress (`"explain"` or `"raw"`); overrides
    /// `agents.defaults.toolProgressDetail`.
    #[serde(rename = "toolProgressDetail", skip_serializing_if = "Option::is_none")]
    pub tool_progress_detail: Option<Value>,
    /// Optional per-agent default reasoning visibility (on|off|stream). Applies when no per-message
    /// or session reasoning override is set.
    #[serde(rename = "reasoningDefault", skip_serializing_if = "Option::is_none")]
    pub reasoning_default: Option<Value>,
    /// Optional per-agent default for fast mode ("auto", true, or false). Applies when no
    /// per-message or session fast-mode override is set.
    #[serde(rename = "fastModeDefault", skip_serializing_if = "Option::is_none")]
    pub fast_mode_default: Option<Value>,
    /// Per-agent override for workspace bootstrap-file injection in the embedded runtime. Omit to
    /// inherit agents.defaults.contextInjection. Does not control CLI-backed prompt preparation.
    #[serde(rename = "contextInjection", skip_serializing_if = "Option::is_none")]
    pub context_injection: Option<Value>,
    /// Per-agent override for max characters of each workspace bootstrap file injected into this
    /// agent's system prompt. Omit to inherit agents.defaults.bootstrapMaxChars.
    #[serde(rename = "bootstrapMaxChars", skip_serializing_if = "Option::is_none")]
    pub bootstrap_max_chars: Option<Value>,
    /// Per-agent override for max total characters across all workspace bootstrap files injected
    /// into this agent's system prompt. Omit to inherit agents.defaults.bootstrapTotalMaxChars.
    #[serde(
        rename = "bootstrapTotalMaxChars",
        skip_serializing_if = "Option::is_none"
    )]
    pub bootstrap_total_max_chars: Option<Value>,
    /// Per-agent experimental flags. Omitted fields inherit agents.defaults.experimental.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experimental: Option<Value>,
    /// Optional allowlist of skills for this agent. If omitted, the agent inherits
    /// agents.defaults.skills when set; otherwise skills stay unrestricted. Set [] for no skills.
    /// An explicit list fully replaces inherited defaults instead of merging with them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skills: Option<Value>,
    /// Sub-agent settings; `subagents.model` is a text model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subagents: Option<SubagentEntry>,
    /// Optional per-agent embedded OpenClaw overrides. Use this to opt specific agents into
    /// stricter GPT-5 execution behavior without changing the global default.
    #[serde(rename = "embeddedAgent", skip_serializing_if = "Option::is_none")]
    pub embedded_agent: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub params: Option<Section>,
    /// Optional runtime descriptor for this agent. Use embedded for default OpenClaw execution or
    /// acp for external ACP harness defaults.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime: Option<Value>,
    /// The agent's memory settings. Not modelled by litellm-check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<Value>,
    /// This agent's delay between block replies; overrides `agents.defaults.humanDelay`.
    #[serde(rename = "humanDelay", skip_serializing_if = "Option::is_none")]
    pub human_delay: Option<Value>,
    /// Overrides the default typing start policy for one agent without changing other agents.
    #[serde(rename = "typingMode", skip_serializing_if = "Option::is_none")]
    pub typing_mode: Option<Value>,
    /// The agent's text-to-speech settings. Not modelled by litellm-check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tts: Option<Value>,
    /// Optional per-agent overrides for skills subsystem budgets. Use this when an agent needs a
    /// different skills prompt budget without introducing a second generic context-limits path.
    #[serde(rename = "skillsLimits", skip_serializing_if = "Option::is_none")]
    pub skills_limits: Option<Value>,
    /// Optional per-agent overrides for the focused context budget knobs. Omitted fields inherit
    /// agents.defaults.contextLimits.
    #[serde(rename = "contextLimits", skip_serializing_if = "Option::is_none")]
    pub context_limits: Option<Value>,
    /// Heartbeat settings; `heartbeat.model` is a ref.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heartbeat: Option<Heartbeat>,
    /// The agent's identity (name, emoji, avatar, ...) as shown in channels. Not modelled by
    /// litellm-check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<Value>,
    /// How the agent behaves in group chats (mentions, activation). Not modelled by litellm-check.
    #[serde(rename = "groupChat", skip_serializing_if = "Option::is_none")]
    pub group_chat: Option<Value>,
    /// This agent's tool sandboxing; overrides `agents.defaults.sandbox`. Not modelled by
    /// litellm-check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sandbox: Option<Value>,
    /// This agent's tool policy (allowed and denied tools, exec settings). Not modelled by
    /// litellm-check.
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
    /// Absolute executable path for the local model server process. Keep this path explicit so
    /// provider startup is deterministic and does not depend on shell PATH lookup.
    #[schemars(length(min = 1))]
    pub command: String,
    /// Argument list passed to the local model server command without shell expansion.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub args: Option<Vec<String>>,
    /// Working directory for the local model server process.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub cwd: Option<String>,
    /// Additional environment variables for the local model server process. Values that look secret
    /// are redacted from config snapshots.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env: Option<BTreeMap<String, String>>,
    /// Readiness URL probed before model requests. If omitted, OpenClaw uses the provider baseUrl
    /// with /models appended.
    #[serde(rename = "healthUrl", skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub health_url: Option<String>,
    /// Maximum milliseconds to wait for the local model server readiness probe after starting the
    /// process.
    #[serde(rename = "readyTimeoutMs", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub ready_timeout_ms: Option<u64>,
    /// Milliseconds to keep an OpenClaw-started local model server alive after the last request
    /// finishes. Set 0 to keep it alive until OpenClaw exits.
    #[serde(rename = "idleStopMs", skip_serializing_if = "Option::is_none")]
    pub idle_stop_ms: Option<u64>,
}

/// Transport overrides for a provider.
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderRequest {
    /// Extra headers merged into provider requests after default attribution and auth resolution.
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
    /// Price of input tokens, per million tokens (0 when unset).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<f64>,
    /// Price of output tokens, per million tokens (0 when unset).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<f64>,
    /// Price of input tokens read from the prompt cache, per million tokens.
    #[serde(rename = "cacheRead", skip_serializing_if = "Option::is_none")]
    pub cache_read: Option<f64>,
    /// Price of input tokens written to the prompt cache, per million tokens.
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
    /// What the `off` thinking level sends to the model (`null`: the model has no such level).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub off: Option<Value>,
    /// What the `minimal` thinking level sends to the model (`null`: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimal: Option<Value>,
    /// What the `low` thinking level sends to the model (`null`: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low: Option<Value>,
    /// What the `medium` thinking level sends to the model (`null`: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub medium: Option<Value>,
    /// What the `high` thinking level sends to the model (`null`: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high: Option<Value>,
    /// What the `xhigh` thinking level sends to the model (`null`: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xhigh: Option<Value>,
    /// What the `max` thinking level sends to the model (`null`: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<Value>,
}

/// Limits on media sent to the model.
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MediaInput {
    /// Optional image input limits for this model, such as maximum side length, maximum pixels, and
    /// preferred compression side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<MediaImage>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MediaImage {
    /// Maximum encoded image payload size accepted by the provider for this model.
    #[serde(rename = "maxBytes", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_bytes: Option<u64>,
    /// Maximum image pixel count accepted by the provider for this model.
    #[serde(rename = "maxPixels", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_pixels: Option<u64>,
    /// Maximum image width or height accepted by the provider for this model.
    #[serde(rename = "maxSidePx", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_side_px: Option<u64>,
    /// Preferred image resize side for balanced compression. Leave unset to use OpenClaw's
    /// conservative default.
    #[serde(rename = "preferredSidePx", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub preferred_side_px: Option<u64>,
    /// Provider image token accounting style: "tile", "detail", or "provider".
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
    /// The endpoint accepts the `store` request parameter.
    #[serde(rename = "supportsStore", skip_serializing_if = "Option::is_none")]
    pub supports_store: Option<bool>,
    /// The endpoint accepts a `prompt_cache_key`.
    #[serde(
        rename = "supportsPromptCacheKey",
        skip_serializing_if = "Option::is_none"
    )]
    pub supports_prompt_cache_key: Option<bool>,
    /// The Responses endpoint can continue from a previous response id.
    #[serde(
        rename = "supportsResponsesContinuation",
        skip_serializing_if = "Option::is_none"
    )]
    pub supports_responses_continuation: Option<bool>,
    /// The model accepts messages with the `developer` role (otherwise they are sent as `system`).
    #[serde(
        rename = "supportsDeveloperRole",
        skip_serializing_if = "Option::is_none"
    )]
    pub supports_developer_role: Option<bool>,
    /// The model accepts a reasoning effort parameter.
    #[serde(
        rename = "supportsReasoningEffort",
        skip_serializing_if = "Option::is_none"
    )]
    pub supports_reasoning_effort: Option<bool>,
    /// The model accepts `temperature`.
    #[serde(
        rename = "supportsTemperature",
        skip_serializing_if = "Option::is_none"
    )]
    pub supports_temperature: Option<bool>,
    /// The Responses endpoint accepts `instructions`.
    #[serde(
        rename = "supportsInstructions",
        skip_serializing_if = "Option::is_none"
    )]
    pub supports_instructions: Option<bool>,
    /// Streamed answers can report token usage (`stream_options.include_usage`).
    #[serde(
        rename = "supportsUsageInStreaming",
        skip_serializing_if = "Option::is_none"
    )]
    pub supports_usage_in_streaming: Option<bool>,
    /// The model accepts tool (function) definitions.
    #[serde(rename = "supportsTools", skip_serializing_if = "Option::is_none")]
    pub supports_tools: Option<bool>,
    /// Whether the model runs in OpenClaw's code mode.
    #[serde(rename = "codeMode", skip_serializing_if = "Option::is_none")]
    pub code_mode: Option<Value>,
    /// Tool definitions may be sent with `strict: true`.
    #[serde(rename = "supportsStrictMode", skip_serializing_if = "Option::is_none")]
    pub supports_strict_mode: Option<bool>,
    /// The endpoint accepts a JSON Schema `response_format`.
    #[serde(
        rename = "supportsJsonSchemaResponseFormat",
        skip_serializing_if = "Option::is_none"
    )]
    pub supports_json_schema_response_format: Option<bool>,
    /// Message content must be a plain string, not a list of parts.
    #[serde(
        rename = "requiresStringContent",
        skip_serializing_if = "Option::is_none"
    )]
    pub requires_string_content: Option<bool>,
    /// Messages are sent with only the keys the endpoint knows.
    #[serde(rename = "strictMessageKeys", skip_serializing_if = "Option::is_none")]
    pub strict_message_keys: Option<bool>,
    /// Which kinds of reasoning details in answers are shown.
    #[serde(
        rename = "visibleReasoningDetailTypes",
        skip_serializing_if = "Option::is_none"
    )]
    pub visible_reasoning_detail_types: Option<Value>,
    /// The reasoning effort values the model accepts.
    #[serde(
        rename = "supportedReasoningEfforts",
        skip_serializing_if = "Option::is_none"
    )]
    pub supported_reasoning_efforts: Option<Value>,
    /// The provider value sent for each reasoning effort.
    #[serde(rename = "reasoningEffortMap", skip_serializing_if = "Option::is_none")]
    pub reasoning_effort_map: Option<Value>,
    /// The request field the output limit goes in: `"max_completion_tokens"` or `"max_tokens"`.
    #[serde(rename = "maxTokensField", skip_serializing_if = "Option::is_none")]
    pub max_tokens_field: Option<Value>,
    /// How thinking is requested and read: `"openai"`, `"openrouter"`, `"deepseek"`, `"together"`,
    /// `"qwen"`, `"qwen-chat-template"` or `"zai"`.
    #[serde(rename = "thinkingFormat", skip_serializing_if = "Option::is_none")]
    pub thinking_format: Option<Value>,
    /// Tool result messages must carry the tool's name.
    #[serde(
        rename = "requiresToolResultName",
        skip_serializing_if = "Option::is_none"
    )]
    pub requires_tool_result_name: Option<bool>,
    /// An assistant message must follow a tool result before the next user message.
    #[serde(
        rename = "requiresAssistantAfterToolResult",
        skip_serializing_if = "Option::is_none"
    )]
    pub requires_assistant_after_tool_result: Option<bool>,
    /// Earlier thinking must be sent back as plain text.
    #[serde(
        rename = "requiresThinkingAsText",
        skip_serializing_if = "Option::is_none"
    )]
    pub requires_thinking_as_text: Option<bool>,
    /// Assistant messages must carry their `reasoning_content` when sent back.
    #[serde(
        rename = "requiresReasoningContentOnAssistantMessages",
        skip_serializing_if = "Option::is_none"
    )]
    pub requires_reasoning_content_on_assistant_messages: Option<bool>,
    /// Which JSON Schema dialect tool parameters are rewritten to.
    #[serde(rename = "toolSchemaProfile", skip_serializing_if = "Option::is_none")]
    pub tool_schema_profile: Option<Value>,
    /// JSON Schema keywords removed from tool parameters before they are sent.
    #[serde(
        rename = "unsupportedToolSchemaKeywords",
        skip_serializing_if = "Option::is_none"
    )]
    pub unsupported_tool_schema_keywords: Option<Value>,
    /// How tool call arguments are encoded in requests.
    #[serde(
        rename = "toolCallArgumentsEncoding",
        skip_serializing_if = "Option::is_none"
    )]
    pub tool_call_arguments_encoding: Option<Value>,
    /// Tools must be sent in the Anthropic-style payload over the OpenAI protocol.
    #[serde(
        rename = "requiresOpenAiAnthropicToolPayload",
        skip_serializing_if = "Option::is_none"
    )]
    pub requires_open_ai_anthropic_tool_payload: Option<bool>,
    /// OpenRouter provider routing preferences sent with each request.
    #[serde(rename = "openRouterRouting", skip_serializing_if = "Option::is_none")]
    pub open_router_routing: Option<Value>,
    /// Vercel AI Gateway routing preferences sent with each request.
    #[serde(
        rename = "vercelGatewayRouting",
        skip_serializing_if = "Option::is_none"
    )]
    pub vercel_gateway_routing: Option<Value>,
    /// Whether Z.AI's tool-call streaming is requested.
    #[serde(rename = "zaiToolStream", skip_serializing_if = "Option::is_none")]
    pub zai_tool_stream: Option<bool>,
    /// How prompt-cache breakpoints are marked: `"anthropic"` (`cache_control` blocks).
    #[serde(rename = "cacheControlFormat", skip_serializing_if = "Option::is_none")]
    pub cache_control_format: Option<Value>,
    /// Send session affinity headers so requests of a session reach the same backend.
    #[serde(
        rename = "sendSessionAffinityHeaders",
        skip_serializing_if = "Option::is_none"
    )]
    pub send_session_affinity_headers: Option<bool>,
    /// Send the session id as a request header.
    #[serde(
        rename = "sendSessionIdHeader",
        skip_serializing_if = "Option::is_none"
    )]
    pub send_session_id_header: Option<bool>,
    /// The model can stream tool input before the call is complete.
    #[serde(
        rename = "supportsEagerToolInputStreaming",
        skip_serializing_if = "Option::is_none"
    )]
    pub supports_eager_tool_input_streaming: Option<bool>,
    /// The provider offers a longer prompt-cache retention.
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
    /// Prompt-only sub-agent delegation strength. Defaults to "prefer" in each agent's main session
    /// and "suggest" elsewhere; "prefer" strongly instructs the agent to delegate non-trivial work
    /// via sessions_spawn.
    #[serde(rename = "delegationMode", skip_serializing_if = "Option::is_none")]
    pub delegation_mode: Option<DelegationMode>,
    /// Agent ids a sub-agent may be spawned as (default: the spawning agent only).
    #[serde(rename = "allowAgents", skip_serializing_if = "Option::is_none")]
    pub allow_agents: Option<Vec<String>>,
    /// Maximum number of sub-agent runs at the same time.
    #[serde(rename = "maxConcurrent", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_concurrent: Option<u64>,
    /// Maximum nesting depth for sub-agent spawning. Default: 5; 1 makes direct children leaves.
    #[serde(rename = "maxSpawnDepth", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 5))]
    pub max_spawn_depth: Option<u64>,
    /// Maximum number of active children a single agent session can spawn (default: 5).
    #[serde(
        rename = "maxChildrenPerAgent",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(range(min = 1, max = 20))]
    pub max_children_per_agent: Option<u64>,
    /// Minutes after which a finished sub-agent session is archived.
    #[serde(
        rename = "archiveAfterMinutes",
        skip_serializing_if = "Option::is_none"
    )]
    pub archive_after_minutes: Option<u64>,
    /// The sub-agents' text model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<AgentModel>,
    /// Thinking level of sub-agent runs (as `thinkingDefault`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thinking: Option<String>,
    /// Maximum seconds a sub-agent run may take.
    #[serde(rename = "runTimeoutSeconds", skip_serializing_if = "Option::is_none")]
    pub run_timeout_seconds: Option<u64>,
    /// Maximum milliseconds to wait while announcing a sub-agent's result to its parent.
    #[serde(rename = "announceTimeoutMs", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub announce_timeout_ms: Option<u64>,
    /// Whether spawning a sub-agent must name the agent id explicitly.
    #[serde(rename = "requireAgentId", skip_serializing_if = "Option::is_none")]
    pub require_agent_id: Option<bool>,
}

/// `agents.entries.<id>.subagents`.
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubagentEntry {
    /// Per-agent override for sub-agent delegation strength. Omit to use "prefer" in this agent's
    /// main session and "suggest" elsewhere; explicit "prefer" or "suggest" always wins.
    #[serde(rename = "delegationMode", skip_serializing_if = "Option::is_none")]
    pub delegation_mode: Option<DelegationMode>,
    /// Agent ids this agent may spawn sub-agents as; overrides
    /// `agents.defaults.subagents.allowAgents`.
    #[serde(rename = "allowAgents", skip_serializing_if = "Option::is_none")]
    pub allow_agents: Option<Vec<String>>,
    /// This agent's sub-agent text model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<AgentModel>,
    /// Thinking level of this agent's sub-agent runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thinking: Option<String>,
    /// Whether this agent must name the agent id when it spawns a sub-agent.
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
    /// The hours of the day this agent's heartbeats may run (`start`, `end`, `timezone`).
    #[serde(rename = "activeHours", skip_serializing_if = "Option::is_none")]
    pub active_hours: Option<ActiveHours>,
    /// The heartbeat's model ref.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The session this agent's heartbeat turn runs in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// Where this agent's heartbeat messages are delivered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Per-agent override for heartbeat direct/DM delivery policy; use "block" for agents that
    /// should only send heartbeat alerts to non-DM destinations.
    #[serde(rename = "directPolicy", skip_serializing_if = "Option::is_none")]
    pub direct_policy: Option<DirectPolicy>,
    /// The recipient of this agent's heartbeat messages on the target channel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// The channel account this agent's heartbeat messages are sent from.
    #[serde(rename = "accountId", skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// The prompt of this agent's heartbeat turn.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// Per-agent maximum time in seconds allowed for a heartbeat agent turn before it is aborted.
    /// Leave unset to inherit the merged heartbeat timeout, then agents.defaults.timeoutSeconds
    /// when set, otherwise the heartbeat cadence capped at 600 seconds.
    #[serde(rename = "timeoutSeconds", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub timeout_seconds: Option<u64>,
    /// Whether this agent's heartbeat turn runs with a reduced context.
    #[serde(rename = "lightContext", skip_serializing_if = "Option::is_none")]
    pub light_context: Option<bool>,
    /// Whether each of this agent's heartbeats runs in a fresh session.
    #[serde(rename = "isolatedSession", skip_serializing_if = "Option::is_none")]
    pub isolated_session: Option<bool>,
}

/// `agents.defaults.heartbeat`: as per agent, plus the owning agent.
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeartbeatDefaults {
    /// How often the heartbeat runs, as a duration (`30m`, `1h`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub every: Option<String>,
    /// The hours of the day heartbeats may run (`start`, `end`, `timezone`).
    #[serde(rename = "activeHours", skip_serializing_if = "Option::is_none")]
    pub active_hours: Option<ActiveHours>,
    /// The heartbeat's model ref.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The session the heartbeat turn runs in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// Where heartbeat messages are delivered (a channel, or the last one used).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Controls whether heartbeat delivery may target direct/DM chats: "allow" (default) permits DM
    /// delivery and "block" suppresses direct-target sends.
    #[serde(rename = "directPolicy", skip_serializing_if = "Option::is_none")]
    pub direct_policy: Option<DirectPolicy>,
    /// The recipient heartbeat messages are sent to on the target channel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// The channel account heartbeat messages are sent from.
    #[serde(rename = "accountId", skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// The prompt of the heartbeat turn.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// Maximum time in seconds allowed for a heartbeat agent turn before it is aborted. Leave unset
    /// to use agents.defaults.timeoutSeconds when set, otherwise the heartbeat cadence capped at
    /// 600 seconds.
    #[serde(rename = "timeoutSeconds", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub timeout_seconds: Option<u64>,
    /// Whether the heartbeat turn runs with a reduced context.
    #[serde(rename = "lightContext", skip_serializing_if = "Option::is_none")]
    pub light_context: Option<bool>,
    /// Whether each heartbeat runs in a fresh session of its own.
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
    /// Start of the active hours (`HH:MM`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// End of the active hours (`HH:MM`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// Time zone of `start` and `end` (an IANA name; default: the user's).
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
    /// Enable embedded proactive auto-compaction (default: true). Set false to stop
    /// threshold-driven embedded compaction while preserving OpenClaw overflow recovery, preflight
    /// compaction, and manual /compact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// `default` or `safeguard`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<Value>,
    /// Id of a registered compaction provider plugin used for summarization. When set and the
    /// provider is registered, its summarize() method is called instead of the built-in
    /// summarizeInStages pipeline. Falls back to built-in on provider failure. Leave unset to use
    /// the default built-in summarization.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Thinking level used only for embedded OpenClaw compaction summaries: "off", "minimal",
    /// "low", "medium", "high", "xhigh", "adaptive", "max", "ultra", or "inherit". Defaults to the
    /// provider compaction preference, otherwise "low"; native local Ollama prefers "off". Set
    /// "inherit" to reuse the session level. Explicit settings override provider defaults, and the
    /// selected level is clamped to the actual compaction model/runtime. Native Codex app-server
    /// compaction ignores this setting because its compact request has no per-operation thinking
    /// override, and OpenClaw logs a warning.
    #[serde(rename = "thinkingLevel", skip_serializing_if = "Option::is_none")]
    pub thinking_level: Option<Value>,
    /// Minimum token budget preserved from the most recent conversation window during compaction.
    /// Use higher values to protect immediate context continuity and lower values to keep more
    /// long-tail history.
    #[serde(rename = "keepRecentTokens", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub keep_recent_tokens: Option<u64>,
    /// `strict` or `off`.
    #[serde(rename = "identifierPolicy", skip_serializing_if = "Option::is_none")]
    pub identifier_policy: Option<Value>,
    /// Number of most recent user/assistant turns kept verbatim outside safeguard summarization
    /// (default: 3). Raise this to preserve exact recent dialogue context, or lower it to maximize
    /// compaction savings.
    #[serde(
        rename = "recentTurnsPreserve",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(range(max = 12))]
    pub recent_turns_preserve: Option<u64>,
    /// Quality-audit retry settings for safeguard compaction summaries. Safeguard mode enables this
    /// by default; set enabled: false to skip summary audits and regeneration.
    #[serde(rename = "qualityGuard", skip_serializing_if = "Option::is_none")]
    pub quality_guard: Option<Value>,
    /// Optional embedded OpenClaw tool-loop precheck that detects context pressure after a tool
    /// result is appended and before the next model call. When enabled, OpenClaw reuses existing
    /// precheck recovery to truncate tool results or compact before retrying.
    #[serde(rename = "midTurnPrecheck", skip_serializing_if = "Option::is_none")]
    pub mid_turn_precheck: Option<Value>,
    /// Controls post-compaction session memory reindex mode: "off", "async", or "await" (default:
    /// "async"). Use "await" for strongest freshness, "async" for lower compaction latency, and
    /// "off" only when session-memory sync is handled elsewhere.
    #[serde(rename = "postIndexSync", skip_serializing_if = "Option::is_none")]
    pub post_index_sync: Option<Value>,
    /// Opt-in AGENTS.md H2/H3 section names re-injected after compaction. Leave unset or set [] to
    /// disable reinjection. Explicitly set ["Session Startup", "Red Lines"] to enable the legacy
    /// default pair.
    #[serde(
        rename = "postCompactionSections",
        skip_serializing_if = "Option::is_none"
    )]
    pub post_compaction_sections: Option<Vec<String>>,
    /// The compaction model ref.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Safety window in seconds for each built-in compaction model request (default: 180).
    /// Multi-stage compaction refreshes the window as each serial request starts, so the complete
    /// compaction can take longer; plugin-owned compaction receives one window for the complete
    /// operation.
    #[serde(rename = "timeoutSeconds", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub timeout_seconds: Option<u64>,
    /// Pre-compaction memory flush settings that run an agentic memory write before heavy
    /// compaction. Keep enabled for long sessions so salient context is persisted before aggressive
    /// trimming.
    #[serde(rename = "memoryFlush", skip_serializing_if = "Option::is_none")]
    pub memory_flush: Option<MemoryFlush>,
    /// Byte threshold that triggers normal preflight local compaction when the transcript window
    /// the model sees (since the latest compaction or reset) reaches this size (bytes or strings
    /// like "20mb"). Set to 0 or leave unset to disable. Also caps Codex app-server native rollout
    /// transcripts; oversized native threads restart fresh.
    #[serde(
        rename = "maxActiveTranscriptBytes",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_active_transcript_bytes: Option<Value>,
    /// When enabled, sends brief context-maintenance notices to the user: when compaction starts
    /// and completes (for example, '🧹 Compacting context...' and '🧹 Compaction complete'), and when
    /// a pre-compaction memory flush is exhausted so the reply continues in a degraded state (for
    /// example, '⚠️ Memory maintenance temporarily failed; continuing your reply.'). Disabled by
    /// default to keep context maintenance silent and non-intrusive.
    #[serde(rename = "notifyUser", skip_serializing_if = "Option::is_none")]
    pub notify_user: Option<bool>,
}

/// `agents.defaults.compaction.memoryFlush`.
#[derive(Debug, Default, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemoryFlush {
    /// Enables pre-compaction memory flush before the runtime performs stronger history reduction
    /// near token limits. Keep enabled unless you intentionally disable memory side effects in
    /// constrained environments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// The memory-flush model ref.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Threshold distance to compaction (in tokens) that triggers pre-compaction memory flush
    /// execution. Use earlier thresholds for safer persistence, or tighter thresholds for lower
    /// flush frequency.
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
