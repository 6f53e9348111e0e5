//! The LiteLLM proxy config as typed Rust: these types ARE the JSON Schema (`litellm-check
//! schema litellm`) and the checker's list of known keys, and the proxy deserializes its config
//! into them after `os.environ/` resolution.
//!
//! Sections where LiteLLM ignores unknown keys are closed in the schema (`additionalProperties:
//! false`) so editors flag typos, but serde stays lenient so a config with a warning still loads.
//! `litellm_params` and `model_info` stay open: their extra keys reach providers.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

use super::env_value::Env;
pub use super::model_settings::{GeneralSettings, LitellmSettings};

/// A LiteLLM proxy config file (`litellm --config litellm_config.yaml`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
#[schemars(extend("additionalProperties" = false))]
#[schemars(
    title = "LiteLLM proxy config",
    description = "The file read by `litellm --config`."
)]
pub struct LiteLlmConfig {
    /// Deployments. Entries sharing a `model_name` form a load-balanced model group.
    pub model_list: Vec<Deployment>,
    /// Settings of the `litellm` module (callbacks, caching, retries, drop_params, ...).
    pub litellm_settings: Option<LitellmSettings>,
    /// Arguments of the Router: routing strategy, retries, fallbacks, cooldowns, aliases.
    pub router_settings: Option<RouterSettings>,
    /// Proxy server settings: master key, database, auth, alerting, health checks.
    pub general_settings: Option<GeneralSettings>,
    /// Variables exported to the process environment at start-up. They are exported AFTER
    /// `os.environ/` references are resolved, so a reference to one of them resolves to null.
    pub environment_variables: Option<BTreeMap<String, Value>>,
    /// Other YAML files merged into this one, relative to this file. Lists concatenate; any other
    /// top-level value in an included file replaces this file's value wholesale.
    pub include: Option<Vec<String>>,
    /// Named credentials that deployments reference with `litellm_params.litellm_credential_name`.
    pub credential_list: Option<Vec<CredentialItem>>,
    /// Guardrails (v2): `{guardrail_name, litellm_params: {guardrail, mode, ...}}`.
    pub guardrails: Option<Vec<Value>>,
    /// MCP servers: server name -> server config. A list (as some docs show) stops the proxy at
    /// start-up: LiteLLM calls `.items()` on it (AttributeError, 1.106 and 1.109).
    pub mcp_servers: Option<BTreeMap<String, Value>>,
    /// MCP tool registry.
    pub mcp_tools: Option<Vec<Value>>,
    /// Providers and credentials for the `/files` endpoints (must be a list).
    pub files_settings: Option<Vec<Value>>,
    /// Providers and credentials for the `/fine_tuning` endpoints.
    pub finetune_settings: Option<Vec<Value>>,
    /// Assistants API: `{custom_llm_provider, litellm_params}`.
    pub assistant_settings: Option<Value>,
    /// Search tools: `{search_tool_name, litellm_params: {search_provider, ...}}`.
    pub search_tools: Option<Vec<Value>>,
    /// Sandbox tool registry.
    pub sandbox_tools: Option<Vec<Value>>,
    /// Vertex AI pass-through defaults.
    pub default_vertex_config: Option<Value>,
    /// Per-callback initialisation parameters: callback name -> params.
    pub callback_settings: Option<BTreeMap<String, Value>>,
    /// Prompt management entries (LiteLLM's `PromptSpec`; an entry without `prompt_id` or
    /// `litellm_params.prompt_integration` stops start-up).
    pub prompts: Option<Vec<PromptItem>>,
    /// Policy engine definitions (invalid policies stop start-up).
    pub policies: Option<Value>,
    /// Policy attachments.
    pub policy_attachments: Option<Value>,
    /// A2A agent registry.
    pub agents: Option<Vec<Value>>,
    /// A2A agent registry (older name).
    pub agent_list: Option<Vec<Value>>,
    /// Vector stores.
    pub vector_store_registry: Option<Vec<Value>>,
    /// Enterprise worker registry (needs a licence).
    pub worker_registry: Option<Vec<Value>>,
}

/// One deployment in `model_list`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("additionalProperties" = false))]
pub struct Deployment {
    /// The public name clients send. Deployments sharing it form a model group; `*` makes it a
    /// wildcard pattern. Quote names YAML would read as numbers or booleans (`"1.5"`, `"no"`).
    pub model_name: String,
    /// Parameters of the call to the provider; every key is passed to the provider call.
    pub litellm_params: LitellmParams,
    /// Metadata about the deployment (id, mode, base_model, capabilities, health checks).
    #[serde(default)]
    pub model_info: Option<ModelInfo>,
    /// Tokens per minute (copied into `litellm_params.tpm` when that is unset).
    #[serde(default)]
    pub tpm: Option<Env<u64>>,
    /// Requests per minute (copied into `litellm_params.rpm` when that is unset).
    #[serde(default)]
    pub rpm: Option<Env<u64>>,
}

/// `litellm_params`: the provider call. Unknown keys are forwarded to the provider as request
/// parameters (`temperature`, `extra_body`, ...), so this mapping is open.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct LitellmParams {
    /// `provider/model-id` (e.g. `openai/gpt-4o`, `anthropic/claude-sonnet-4-5`), or a bare model id
    /// known to LiteLLM's price table. `*` in a wildcard group is replaced by the requested name.
    /// Editors offer every provider prefix LiteLLM knows as a completion.
    #[schemars(extend("examples" = super::providers::model_examples()))]
    pub model: String,
    /// Forces the provider; the model string gets `<provider>/` prefixed if needed.
    #[serde(default)]
    pub custom_llm_provider: Option<String>,
    /// API key, usually `os.environ/NAME`.
    #[serde(default)]
    pub api_key: Option<String>,
    /// Base URL of the provider API.
    #[serde(default)]
    pub api_base: Option<String>,
    /// API version (Azure). Quote dates: an unquoted `2024-06-01` is a YAML date, not a string.
    #[serde(default)]
    pub api_version: Option<String>,
    /// Region (AWS, Vertex, ...).
    #[serde(default)]
    pub region_name: Option<String>,
    /// Requests per minute: simple-shuffle weight, hard limit for usage-based routing.
    #[serde(default)]
    pub rpm: Option<Env<u64>>,
    /// Tokens per minute: simple-shuffle weight, hard limit for usage-based routing.
    #[serde(default)]
    pub tpm: Option<Env<u64>>,
    /// simple-shuffle weight. Set it on every deployment of the group or on none.
    #[serde(default)]
    pub weight: Option<Env<f64>>,
    /// Priority tier: lower is tried first; deployments without `order` are not in the first tier.
    #[serde(default)]
    pub order: Option<Env<i64>>,
    /// Request timeout in seconds.
    #[serde(default)]
    pub timeout: Option<Env<f64>>,
    /// Timeout for streaming requests, in seconds.
    #[serde(default)]
    pub stream_timeout: Option<Env<f64>>,
    /// Retries of this deployment's group for one request.
    #[serde(default)]
    pub num_retries: Option<Env<u32>>,
    /// Provider-SDK retries (the Router pins them to 0 by default).
    #[serde(default)]
    pub max_retries: Option<Env<u32>>,
    /// Maximum concurrent requests to this deployment.
    #[serde(default)]
    pub max_parallel_requests: Option<Env<u64>>,
    /// Cooldown of this deployment after failures, in seconds (0 disables it).
    #[serde(default)]
    pub cooldown_time: Option<Env<f64>>,
    /// Name of a `credential_list` entry whose values fill in credentials.
    #[serde(default)]
    pub litellm_credential_name: Option<String>,
    /// Custom price per input token, USD (overrides the price table).
    #[serde(default)]
    pub input_cost_per_token: Option<Env<f64>>,
    /// Custom price per output token, USD (overrides the price table).
    #[serde(default)]
    pub output_cost_per_token: Option<Env<f64>>,
    /// Extra HTTP headers sent to the provider.
    #[serde(default)]
    pub extra_headers: Option<BTreeMap<String, String>>,
    /// Extra HTTP headers sent to the provider (older name).
    #[serde(default)]
    pub headers: Option<BTreeMap<String, String>>,
    /// Tags for tag-based routing.
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    /// Return this instead of calling the provider (testing).
    #[serde(default)]
    pub mock_response: Option<Value>,
    /// Drop parameters the provider does not support instead of failing (a boolean; LiteLLM
    /// treats anything it does not recognise as unset, with a warning).
    #[serde(default)]
    pub drop_params: Option<Value>,
    /// Deployment budget in USD.
    #[serde(default)]
    pub max_budget: Option<Env<f64>>,
    /// Budget window, e.g. `30d`.
    #[serde(default)]
    pub budget_duration: Option<String>,
    /// Azure AD token.
    #[serde(default)]
    pub azure_ad_token: Option<String>,
    /// Azure tenant id.
    #[serde(default)]
    pub tenant_id: Option<String>,
    /// Azure client id.
    #[serde(default)]
    pub client_id: Option<String>,
    /// Azure client secret.
    #[serde(default)]
    pub client_secret: Option<String>,
    /// Vertex AI project.
    #[serde(default)]
    pub vertex_project: Option<String>,
    /// Vertex AI location.
    #[serde(default)]
    pub vertex_location: Option<String>,
    /// Vertex AI credentials: a path, a JSON string or a mapping.
    #[serde(default)]
    pub vertex_credentials: Option<Value>,
    /// AWS access key id (Bedrock, SageMaker).
    #[serde(default)]
    pub aws_access_key_id: Option<String>,
    /// AWS secret access key.
    #[serde(default)]
    pub aws_secret_access_key: Option<String>,
    /// AWS session token.
    #[serde(default)]
    pub aws_session_token: Option<String>,
    /// AWS region.
    #[serde(default)]
    pub aws_region_name: Option<String>,
    /// AWS role to assume.
    #[serde(default)]
    pub aws_role_name: Option<String>,
    /// AWS session name.
    #[serde(default)]
    pub aws_session_name: Option<String>,
    /// AWS profile.
    #[serde(default)]
    pub aws_profile_name: Option<String>,
    /// Web identity token for AWS STS.
    #[serde(default)]
    pub aws_web_identity_token: Option<String>,
    /// Organization (OpenAI); a list expands into one deployment per organization.
    #[serde(default)]
    pub organization: Option<Value>,
    /// Regexes matched against request headers for tag routing.
    #[serde(default)]
    pub tag_regex: Option<Vec<String>>,
    /// Every other key is passed to the provider call.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// `model_info`: LiteLLM's `ModelInfo` (litellm/types/router.py), a pydantic model with
/// `extra="allow"`. Open: extra keys are kept and shown in `/model/info`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct ModelInfo {
    /// The fields pydantic validates when the Router builds the deployment.
    #[serde(flatten)]
    pub validated: ValidatedModelInfo,
    /// Fields read by the router, the proxy and cost tracking without validation.
    #[serde(flatten)]
    pub metadata: ModelMetadata,
    /// Every other key is kept as metadata.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// The fields of LiteLLM's `ModelInfo` model (litellm/types/router.py, 1.80 and 1.109): a value
/// pydantic rejects fails `Deployment(...)`, and the Router drops the deployment ("Error creating
/// deployment").
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct ValidatedModelInfo {
    /// Deployment id (a string; an integer is converted). Generated when absent.
    #[serde(default)]
    pub id: Option<ModelId>,
    /// Set by the proxy for models stored in the database.
    #[serde(default)]
    pub db_model: Option<Env<bool>>,
    /// Who last updated a database model.
    #[serde(default)]
    pub updated_by: Option<String>,
    /// Who created a database model.
    #[serde(default)]
    pub created_by: Option<String>,
    /// Model name to price with (e.g. the real model behind an Azure deployment name).
    #[serde(default)]
    pub base_model: Option<String>,
    /// Tier for free/paid routing: `free` or `paid`.
    #[serde(default)]
    pub tier: Option<Env<ModelTier>>,
    /// Team owning a team-scoped model.
    #[serde(default)]
    pub team_id: Option<String>,
    /// The name team members use for a team-scoped model.
    #[serde(default)]
    pub team_public_model_name: Option<String>,
    /// When a database model was last updated (a datetime).
    #[serde(default)]
    pub updated_at: Option<Value>,
    /// When a database model was created (a datetime).
    #[serde(default)]
    pub created_at: Option<Value>,
}

/// `model_info.id`: `ModelInfo.__init__` turns an integer (a boolean is one in Python) into text.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ModelId {
    Text(String),
    Number(i64),
    Flag(bool),
}

/// `model_info.tier`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ModelTier {
    Free,
    Paid,
}

/// `model_info` keys LiteLLM reads but does not validate: the proxy's own (mode, health checks,
/// environments, access groups) and the price-table fields of `ModelInfoBase` and
/// `ProviderSpecificModelInfo` (litellm/types/utils.py, TypedDicts), which register custom prices
/// and capabilities for the deployment.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct ModelMetadata {
    /// What the deployment serves; used by health checks.
    #[serde(default)]
    pub mode: Option<Env<ModelMode>>,
    /// Custom price per input token, USD.
    #[serde(default)]
    pub input_cost_per_token: Option<Env<f64>>,
    /// Custom price per output token, USD.
    #[serde(default)]
    pub output_cost_per_token: Option<Env<f64>>,
    /// Maximum tokens (legacy field).
    #[serde(default)]
    pub max_tokens: Option<Env<u64>>,
    /// Context window in tokens.
    #[serde(default)]
    pub max_input_tokens: Option<Env<u64>>,
    /// Maximum output tokens.
    #[serde(default)]
    pub max_output_tokens: Option<Env<u64>>,
    /// Access groups usable in key/team `models` lists.
    #[serde(default)]
    pub access_groups: Option<Vec<String>>,
    /// The deployment loads only when `LITELLM_ENVIRONMENT` is one of these.
    #[serde(default)]
    pub supported_environments: Option<Vec<SupportedEnvironment>>,
    /// Priority tier, used when `litellm_params.order` is unset.
    #[serde(default)]
    pub order: Option<Env<i64>>,
    /// Failures allowed before this deployment cools down.
    #[serde(default)]
    pub allowed_fails: Option<Env<u32>>,
    /// Cooldown of this deployment, seconds.
    #[serde(default)]
    pub cooldown_time: Option<Env<f64>>,
    /// Human-readable description.
    #[serde(default)]
    pub description: Option<String>,
    /// Skip this deployment in background health checks.
    #[serde(default)]
    pub disable_background_health_check: Option<Env<bool>>,
    /// Model used for its health check.
    #[serde(default)]
    pub health_check_model: Option<String>,
    /// Health check timeout, seconds.
    #[serde(default)]
    pub health_check_timeout: Option<Env<f64>>,
    /// Provider shown in listings and used for pricing.
    #[serde(default)]
    pub litellm_provider: Option<String>,
    /// Price-table key of the model.
    #[serde(default)]
    pub key: Option<String>,
    /// OpenAI parameters the model supports.
    #[serde(default)]
    pub supported_openai_params: Option<Vec<String>>,
    /// Endpoints the model serves (`/chat/completions`, `/responses`, ...).
    #[serde(default)]
    pub supported_endpoints: Option<Vec<String>>,
    /// Input modalities (`text`, `image`, `audio`, ...).
    #[serde(default)]
    pub supported_modalities: Option<Vec<String>>,
    /// Output modalities.
    #[serde(default)]
    pub supported_output_modalities: Option<Vec<String>>,
    /// Tokens per minute of the model.
    #[serde(default)]
    pub tpm: Option<Env<u64>>,
    /// Requests per minute of the model.
    #[serde(default)]
    pub rpm: Option<Env<u64>>,
    /// Size of an embedding vector.
    #[serde(default)]
    pub output_vector_size: Option<Env<u64>>,
    /// Web search cost per query, by context size (`search_context_size_low`, ...).
    #[serde(default)]
    pub search_context_cost_per_query: Option<BTreeMap<String, Env<f64>>>,
    /// Tiered prices (e.g. Dashscope).
    #[serde(default)]
    pub tiered_pricing: Option<Vec<BTreeMap<String, Value>>>,
    /// Custom prices for other units (USD): per character, image, second, audio token, query,
    /// page, reasoning token, batch token, cache read and write, above 128k/200k tokens, ...
    #[serde(flatten)]
    pub prices: ModelPrices,
    /// Capabilities, as in the price table.
    #[serde(flatten)]
    pub capabilities: ModelCapabilities,
}

/// The price fields of `ModelInfoBase` beyond input and output per token, USD.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct ModelPrices {
    pub input_cost_per_token_flex: Option<Env<f64>>,
    pub input_cost_per_token_priority: Option<Env<f64>>,
    pub input_cost_per_token_batches: Option<Env<f64>>,
    pub input_cost_per_token_above_128k_tokens: Option<Env<f64>>,
    pub input_cost_per_token_above_200k_tokens: Option<Env<f64>>,
    pub input_cost_per_character: Option<Env<f64>>,
    pub input_cost_per_character_above_128k_tokens: Option<Env<f64>>,
    pub input_cost_per_audio_token: Option<Env<f64>>,
    pub input_cost_per_query: Option<Env<f64>>,
    pub input_cost_per_image: Option<Env<f64>>,
    pub input_cost_per_pixel: Option<Env<f64>>,
    pub input_cost_per_audio_per_second: Option<Env<f64>>,
    pub input_cost_per_video_per_second: Option<Env<f64>>,
    pub input_cost_per_second: Option<Env<f64>>,
    pub cache_creation_input_token_cost: Option<Env<f64>>,
    pub cache_creation_input_token_cost_above_200k_tokens: Option<Env<f64>>,
    pub cache_creation_input_token_cost_above_1hr: Option<Env<f64>>,
    pub cache_read_input_token_cost: Option<Env<f64>>,
    pub cache_read_input_token_cost_flex: Option<Env<f64>>,
    pub cache_read_input_token_cost_priority: Option<Env<f64>>,
    pub cache_read_input_token_cost_above_200k_tokens: Option<Env<f64>>,
    pub output_cost_per_token_flex: Option<Env<f64>>,
    pub output_cost_per_token_priority: Option<Env<f64>>,
    pub output_cost_per_token_batches: Option<Env<f64>>,
    pub output_cost_per_token_above_128k_tokens: Option<Env<f64>>,
    pub output_cost_per_token_above_200k_tokens: Option<Env<f64>>,
    pub output_cost_per_character: Option<Env<f64>>,
    pub output_cost_per_character_above_128k_tokens: Option<Env<f64>>,
    pub output_cost_per_audio_token: Option<Env<f64>>,
    pub output_cost_per_image: Option<Env<f64>>,
    pub output_cost_per_image_token: Option<Env<f64>>,
    pub output_cost_per_reasoning_token: Option<Env<f64>>,
    pub output_cost_per_video_per_second: Option<Env<f64>>,
    pub output_cost_per_audio_per_second: Option<Env<f64>>,
    pub output_cost_per_second: Option<Env<f64>>,
    pub ocr_cost_per_page: Option<Env<f64>>,
    pub annotation_cost_per_page: Option<Env<f64>>,
    pub citation_cost_per_token: Option<Env<f64>>,
}

/// `ProviderSpecificModelInfo`: what the model supports.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct ModelCapabilities {
    pub supports_system_messages: Option<Env<bool>>,
    pub supports_response_schema: Option<Env<bool>>,
    pub supports_vision: Option<Env<bool>>,
    pub supports_function_calling: Option<Env<bool>>,
    pub supports_tool_choice: Option<Env<bool>>,
    pub supports_assistant_prefill: Option<Env<bool>>,
    pub supports_prompt_caching: Option<Env<bool>>,
    pub supports_computer_use: Option<Env<bool>>,
    pub supports_audio_input: Option<Env<bool>>,
    pub supports_embedding_image_input: Option<Env<bool>>,
    pub supports_audio_output: Option<Env<bool>>,
    pub supports_pdf_input: Option<Env<bool>>,
    pub supports_native_streaming: Option<Env<bool>>,
    pub supports_parallel_function_calling: Option<Env<bool>>,
    pub supports_web_search: Option<Env<bool>>,
    pub supports_reasoning: Option<Env<bool>>,
    pub supports_url_context: Option<Env<bool>>,
}

/// Enums written as text in mapping values, which may instead be `os.environ/` references
/// (`Env<T>` reads them by their serde names).
macro_rules! from_serde_name {
    ($($enum:ty),*) => {$(
        impl std::str::FromStr for $enum {
            type Err = serde_json::Error;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                serde_json::from_value(Value::String(text.to_string()))
            }
        }
    )*};
}
from_serde_name!(ModelTier, ModelMode, RoutingStrategy, DebugLevel);

/// `model_info.mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ModelMode {
    Chat,
    Completion,
    Embedding,
    ImageGeneration,
    ImageEdit,
    VideoGeneration,
    AudioTranscription,
    AudioSpeech,
    Rerank,
    Realtime,
    Responses,
    Batch,
    AnthropicMessages,
    Ocr,
    Evaluation,
    Decisions,
    Extraction,
    Moderation,
    Search,
}

/// `model_info.supported_environments` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SupportedEnvironment {
    Development,
    Staging,
    Production,
}

/// A `credential_list` entry. All three of name, values and info are required.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CredentialItem {
    /// Name deployments use in `litellm_params.litellm_credential_name`.
    pub credential_name: String,
    /// Values filled into the deployment (`api_key`, `api_base`, ...).
    pub credential_values: BTreeMap<String, Value>,
    /// Metadata; required even if empty (`{}`).
    pub credential_info: BTreeMap<String, Value>,
    /// Name shown in the UI.
    #[serde(default)]
    pub display_name: Option<String>,
}

/// A `prompts` entry: LiteLLM's `PromptSpec`, validated by pydantic at start-up.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PromptItem {
    /// The id requests name in `prompt_id`.
    pub prompt_id: String,
    /// Where the prompt comes from.
    pub litellm_params: PromptParams,
    /// `prompt_type` (`config` when absent) and other metadata.
    #[serde(default)]
    pub prompt_info: Option<BTreeMap<String, Value>>,
    /// Environment the prompt belongs to (default `development`).
    #[serde(default)]
    pub environment: Option<String>,
    /// Version number.
    #[serde(default)]
    pub version: Option<Env<i64>>,
    /// Other keys are kept as they are.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// A prompt's `litellm_params` (LiteLLM's `PromptLiteLLMParams`; extra keys are allowed).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PromptParams {
    /// The prompt manager: `dotprompt`, `langfuse`, `humanloop`, `braintrust`, a custom one, ...
    pub prompt_integration: String,
    /// The id at the prompt manager, when it differs from `prompt_id`.
    #[serde(default)]
    pub prompt_id: Option<String>,
    /// The prompt manager's URL.
    #[serde(default)]
    pub api_base: Option<String>,
    /// The prompt manager's key (use `os.environ/NAME`).
    #[serde(default)]
    pub api_key: Option<String>,
    /// A `.prompt` file's content inline (for `dotprompt`).
    #[serde(default)]
    pub dotprompt_content: Option<String>,
    /// Keep the request's model instead of the prompt's.
    #[serde(default)]
    pub ignore_prompt_manager_model: Option<Env<bool>>,
    /// Keep the request's parameters instead of the prompt's.
    #[serde(default)]
    pub ignore_prompt_manager_optional_params: Option<Env<bool>>,
    /// Every other key is passed to the prompt manager.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// `router_settings.routing_strategy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "kebab-case")]
pub enum RoutingStrategy {
    /// Weighted random pick by `weight`, then `rpm`, then `tpm` (default).
    #[default]
    SimpleShuffle,
    /// Fewest in-flight requests.
    LeastBusy,
    /// Lowest current-minute usage under the `tpm`/`rpm` limits.
    UsageBasedRouting,
    /// Like usage-based-routing, counters in Redis.
    #[serde(rename = "usage-based-routing-v2")]
    UsageBasedRoutingV2,
    /// Lowest recent latency.
    LatencyBasedRouting,
    /// Cheapest deployment per the price table.
    CostBasedRouting,
    /// Respect per-provider budgets.
    ProviderBudgetRouting,
    /// Learned routing (1.109).
    #[serde(rename = "lar1")]
    Lar1,
}

/// A fallback list: each item maps one failing model group to the groups to try, in order.
pub type FallbackList = Vec<BTreeMap<String, Vec<FallbackTarget>>>;

/// A fallback target: a model group name, or a mapping merged into the request (1.109).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum FallbackTarget {
    Group(String),
    Params(BTreeMap<String, Value>),
}

/// A `model_group_alias` target.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum AliasTarget {
    Group(String),
    Detailed {
        /// The model group the alias points at.
        model: String,
        /// Hide the alias from model listings.
        #[serde(default)]
        hidden: Option<Env<bool>>,
    },
}

/// `router_settings`: forwarded to the Router constructor. Unknown keys are dropped (with a
/// warning in 1.109, silently in 1.80).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
#[schemars(extend("additionalProperties" = false))]
pub struct RouterSettings {
    /// How a deployment is picked within a model group. Unknown values stop 1.109 at start-up and
    /// made every multi-deployment request fail in 1.80.
    #[schemars(extend("default" = "simple-shuffle"))]
    pub routing_strategy: Option<Env<RoutingStrategy>>,
    /// Strategy arguments (latency: `ttl`, `lowest_latency_buffer`, `max_latency_list_size`, `ttft_percentile`).
    pub routing_strategy_args: Option<BTreeMap<String, Value>>,
    /// Named subsets of model groups with their own strategy.
    pub routing_groups: Option<Vec<Value>>,
    /// Retries within a model group (default 2).
    #[schemars(extend("default" = 2))]
    pub num_retries: Option<Env<u32>>,
    /// Maximum fallback hops (default 5).
    #[schemars(extend("default" = 5))]
    pub max_fallbacks: Option<Env<u32>>,
    /// Router-level timeout, seconds.
    pub timeout: Option<Env<f64>>,
    /// Streaming timeout, seconds.
    pub stream_timeout: Option<Env<f64>>,
    /// Minimum back-off between retries, seconds.
    pub retry_after: Option<Env<f64>>,
    /// Retries per exception type (`RateLimitErrorRetries`, `TimeoutErrorRetries`, ...).
    pub retry_policy: Option<BTreeMap<String, Value>>,
    /// Retry policies per model group.
    pub model_group_retry_policy: Option<BTreeMap<String, Value>>,
    /// Failures per minute before a deployment cools down (default 3). Setting it here switches
    /// cooldowns to count mode.
    #[schemars(extend("default" = 3))]
    pub allowed_fails: Option<Env<u32>>,
    /// Allowed failures per exception type.
    pub allowed_fails_policy: Option<BTreeMap<String, Value>>,
    /// Cooldown after failures, seconds (default 5; `0` is falsy and also means 5).
    #[schemars(extend("default" = 5))]
    pub cooldown_time: Option<Env<f64>>,
    /// Turn cooldowns off.
    pub disable_cooldowns: Option<Env<bool>>,
    /// Fallbacks for any error that survives retries.
    pub fallbacks: Option<Value>,
    /// Fallbacks for context-window-exceeded errors.
    pub context_window_fallbacks: Option<Value>,
    /// Fallbacks for content-policy errors.
    pub content_policy_fallbacks: Option<Value>,
    /// Model groups tried when no fallback rule matches (a list of names).
    pub default_fallbacks: Option<Value>,
    /// Alias -> model group (or `{model, hidden}`). Targets are not checked by LiteLLM.
    pub model_group_alias: Option<BTreeMap<String, AliasTarget>>,
    /// Drop deployments whose context window is too small for the prompt.
    pub enable_pre_call_checks: Option<Env<bool>>,
    /// Extra pre-call checks.
    pub optional_pre_call_checks: Option<Vec<PreCallCheck>>,
    /// Tag-based routing.
    pub enable_tag_filtering: Option<Env<bool>>,
    /// Match any tag instead of all.
    pub tag_filtering_match_any: Option<Env<bool>>,
    /// Prefix of tag routing headers.
    pub tag_routing_prefix: Option<String>,
    /// Redis host for shared cooldown and usage state.
    pub redis_host: Option<String>,
    /// Redis port.
    pub redis_port: Option<Env<u16>>,
    /// Redis password.
    pub redis_password: Option<String>,
    /// Redis URL.
    pub redis_url: Option<String>,
    /// Redis database (deprecated; use `cache_kwargs`).
    pub redis_db: Option<Env<u32>>,
    /// Extra Redis arguments.
    pub cache_kwargs: Option<BTreeMap<String, Value>>,
    /// Cache responses in the router.
    pub cache_responses: Option<Env<bool>>,
    /// Groups of models sharing a cache.
    pub caching_groups: Option<Vec<Value>>,
    /// SDK client cache TTL, seconds.
    pub client_ttl: Option<Env<u64>>,
    /// Defaults merged into every call.
    pub default_litellm_params: Option<BTreeMap<String, Value>>,
    /// Default per-deployment concurrency limit.
    pub default_max_parallel_requests: Option<Env<u64>>,
    /// Default scheduler priority.
    pub default_priority: Option<Env<i64>>,
    /// Scheduler polling interval, seconds.
    pub polling_interval: Option<Env<f64>>,
    /// Provider -> `{budget_limit, time_period}`.
    pub provider_budget_config: Option<BTreeMap<String, Value>>,
    /// `{webhook_url, alerting_threshold}`.
    pub alerting_config: Option<BTreeMap<String, Value>>,
    /// Fall back when a provider rejects unsupported parameters (default true).
    #[schemars(extend("default" = true))]
    pub fallback_on_unsupported_params: Option<Env<bool>>,
    /// Deployment affinity TTL, seconds.
    pub deployment_affinity_ttl_seconds: Option<Env<u64>>,
    /// Per-group affinity settings.
    pub model_group_affinity_config: Option<BTreeMap<String, Value>>,
    /// Weighted failover.
    pub enable_weighted_failover: Option<Env<bool>>,
    /// Continue a stream on a fallback after a mid-stream failure.
    pub enable_mid_stream_fallback_continuation: Option<Env<bool>>,
    /// Re-pin session affinity on failover.
    pub session_affinity_repin_on_failover: Option<Env<bool>>,
    /// Route around unhealthy deployments (normally set from `general_settings`).
    pub enable_health_check_routing: Option<Env<bool>>,
    /// Seconds after which a health result is stale.
    pub health_check_staleness_threshold: Option<Env<f64>>,
    /// Ignore transient health-check errors.
    pub health_check_ignore_transient_errors: Option<Env<bool>>,
    /// Model groups checked in the background.
    pub background_health_check_model_groups: Option<Vec<String>>,
    /// Guardrails applied by the router.
    pub guardrail_list: Option<Vec<Value>>,
    /// Router plugins (import paths, relative to the config).
    pub plugins: Option<Vec<Value>>,
    /// Verbose logging.
    pub set_verbose: Option<Env<bool>>,
    /// `DEBUG` or `INFO`.
    pub debug_level: Option<Env<DebugLevel>>,
}

/// `router_settings.debug_level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum DebugLevel {
    #[serde(rename = "DEBUG")]
    Debug,
    #[serde(rename = "INFO")]
    Info,
}

/// `router_settings.optional_pre_call_checks` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PreCallCheck {
    PromptCaching,
    RouterBudgetLimiting,
    ResponsesApiDeploymentCheck,
    DeploymentAffinity,
    SessionAffinity,
    ForwardClientHeadersByModelGroup,
    EnforceModelRateLimits,
    EncryptedContentAffinity,
}
