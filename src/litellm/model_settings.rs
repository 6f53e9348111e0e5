//! `litellm_settings` and `general_settings`: long lists of known keys, split from `model.rs`.
//!
//! LiteLLM accepts any key in both sections (it assigns `litellm_settings` keys onto its module and
//! reads `general_settings` with `.get`), so an unknown key silently does nothing: the schema closes
//! them so the checker and editors can say so. The lists come from LiteLLM 1.109.1's sources, its
//! docs and the keys real configs use.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

use super::env_value::Env;

/// `litellm_settings`: module-level settings of the `litellm` package, applied in file order.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
#[schemars(extend("additionalProperties" = false))]
pub struct LitellmSettings {
    /// Enable response caching. Only the YAML boolean `true` enables it: the string "true" does not.
    pub cache: Option<Env<bool>>,
    /// Cache backend: `type` (local, redis, redis-semantic, valkey-semantic, s3, qdrant-semantic, azure-blob, gcs, disk), host, port, password, namespace, ttl, mode, supported_call_types, ...
    pub cache_params: Option<BTreeMap<String, Value>>,
    /// Callbacks: integration names (prometheus, otel, langfuse, ...) or `module.attribute` import paths relative to the config; an import failure stops start-up.
    pub callbacks: Option<Value>,
    /// Callbacks run on success (names or import paths).
    pub success_callback: Option<Vec<Value>>,
    /// Callbacks run on failure.
    pub failure_callback: Option<Vec<Value>>,
    /// Callbacks for service health events.
    pub service_callback: Option<Vec<Value>>,
    /// Audit-log callbacks.
    pub audit_log_callbacks: Option<Vec<Value>>,
    /// Per-callback settings.
    pub callback_settings: Option<BTreeMap<String, Value>>,
    /// Verbose debug logging (deprecated: use LITELLM_LOG).
    pub set_verbose: Option<Env<bool>>,
    /// Log as JSON.
    pub json_logs: Option<Env<bool>>,
    /// Log level.
    pub log_level: Option<Value>,
    /// Drop parameters a provider does not support instead of failing.
    pub drop_params: Option<Env<bool>>,
    /// Extra parameters to drop.
    pub additional_drop_params: Option<Vec<Value>>,
    /// Let LiteLLM adjust requests for provider quirks.
    pub modify_params: Option<Env<bool>>,
    /// Default request timeout, seconds (module default 6000, mapped to 600 for chat).
    pub request_timeout: Option<Env<f64>>,
    /// Default retries (used when router_settings.num_retries is unset).
    pub num_retries: Option<Env<u32>>,
    /// Retries per request.
    pub num_retries_per_request: Option<Env<u32>>,
    /// Module default of allowed failures. Setting it here alone does not switch the router to count-based cooldowns.
    pub allowed_fails: Option<Env<u32>>,
    /// Maximum fallback hops (used when router_settings.max_fallbacks is unset).
    pub max_fallbacks: Option<Env<u32>>,
    /// Fallbacks, used only when router_settings.fallbacks is empty.
    pub fallbacks: Option<Value>,
    /// Context-window fallbacks, used only when router_settings has none.
    pub context_window_fallbacks: Option<Value>,
    /// Content-policy fallbacks, used only when router_settings has none.
    pub content_policy_fallbacks: Option<Value>,
    /// Default fallbacks, used only when router_settings has none.
    pub default_fallbacks: Option<Value>,
    /// Global alias -> model map, resolved before model_group_alias.
    pub model_alias_map: Option<BTreeMap<String, Value>>,
    /// Do not log message content.
    pub turn_off_message_logging: Option<Env<bool>>,
    /// Redact key information in logs.
    pub redact_user_api_key_info: Option<Env<bool>>,
    /// Redact messages in exception text.
    pub redact_messages_in_exceptions: Option<Env<bool>>,
    /// Proxy-wide budget, USD (float()-coerced; non-numeric stops start-up).
    pub max_budget: Option<Env<f64>>,
    /// Budget window, e.g. `30d`.
    pub budget_duration: Option<String>,
    /// Default budget of internal users, USD.
    pub max_internal_user_budget: Option<Env<f64>>,
    /// Default budget of new internal users, USD.
    pub default_max_internal_user_budget: Option<Env<f64>>,
    /// Budget of UI sessions, USD.
    pub max_ui_session_budget: Option<Env<f64>>,
    /// Budget window of internal users.
    pub internal_user_budget_duration: Option<String>,
    /// Budget per end user, USD.
    pub max_end_user_budget: Option<Env<f64>>,
    /// Budget id applied to end users.
    pub max_end_user_budget_id: Option<Value>,
    /// Defaults for new internal users.
    pub default_internal_user_params: Option<BTreeMap<String, Value>>,
    /// Defaults for generated keys.
    pub default_key_generate_params: Option<BTreeMap<String, Value>>,
    /// Upper bounds for generated keys (must be a mapping).
    pub upperbound_key_generate_params: Option<BTreeMap<String, Value>>,
    /// Who may generate keys.
    pub key_generation_settings: Option<BTreeMap<String, Value>>,
    /// Per-team settings; every entry needs `team_id`.
    pub default_team_settings: Option<Vec<Value>>,
    /// Defaults for new teams.
    pub default_team_params: Option<BTreeMap<String, Value>>,
    /// Defaults for end users.
    pub default_end_user_params: Option<BTreeMap<String, Value>>,
    /// Force IPv4 for provider calls.
    pub force_ipv4: Option<Env<bool>>,
    /// Verify TLS certificates (bool or a CA bundle path).
    pub ssl_verify: Option<Value>,
    /// Client certificate path.
    pub ssl_certificate: Option<String>,
    /// Enable preview features.
    pub enable_preview_features: Option<Env<bool>>,
    /// Validate JSON-schema responses.
    pub enable_json_schema_validation: Option<Env<bool>>,
    /// Do not track end-user cost.
    pub disable_end_user_cost_tracking: Option<Env<bool>>,
    /// Do not track end-user cost in Prometheus.
    pub disable_end_user_cost_tracking_prometheus_only: Option<Env<bool>>,
    /// Track end-user cost in Prometheus only.
    pub enable_end_user_cost_tracking_prometheus_only: Option<Env<bool>>,
    /// Store audit logs (enterprise).
    pub store_audit_logs: Option<Env<bool>>,
    /// Cache auth in Redis.
    pub enable_redis_auth_cache: Option<Env<bool>>,
    /// Alias -> MCP server.
    pub mcp_aliases: Option<BTreeMap<String, Value>>,
    /// MCP semantic tool filter settings.
    pub mcp_semantic_tool_filter: Option<Value>,
    /// Legacy (v1) guardrail definitions.
    pub guardrails: Option<Vec<Value>>,
    /// `forward_client_headers_to_llm_api`: model groups that receive client headers.
    pub model_group_settings: Option<BTreeMap<String, Value>>,
    /// Priority reservation settings.
    pub priority_reservation_settings: Option<BTreeMap<String, Value>>,
    /// Priority reservation per priority level.
    pub priority_reservation: Option<BTreeMap<String, Value>>,
    /// Custom providers: `{provider, custom_handler}` (import path).
    pub custom_provider_map: Option<Vec<Value>>,
    /// Post-call rule import path.
    pub post_call_rules: Option<Value>,
    /// Directory of prompt files.
    pub global_prompt_directory: Option<String>,
    /// Bitbucket prompt source.
    pub global_bitbucket_config: Option<BTreeMap<String, Value>>,
    /// GitLab prompt source.
    pub global_gitlab_config: Option<BTreeMap<String, Value>>,
    /// Background Responses API settings.
    pub responses: Option<BTreeMap<String, Value>>,
    /// Suppress the start-up banner.
    pub suppress_startup_output: Option<Env<bool>>,
    /// When budgets reset.
    pub budget_reset_time: Option<Value>,
    /// Pattern key aliases must match.
    pub key_alias_pattern: Option<Value>,
    /// Anonymous telemetry.
    pub telemetry: Option<Env<bool>>,
    /// Return provider response headers.
    pub return_response_headers: Option<Env<bool>>,
    /// Request headers recorded as spend tags.
    pub extra_spend_tag_headers: Option<Vec<Value>>,
    /// Let requests disable callbacks.
    pub allow_dynamic_callback_disabling: Option<Env<bool>>,
    /// Send user information to providers in headers.
    pub add_user_information_to_llm_headers: Option<Env<bool>>,
    /// AWS SQS logger settings.
    pub aws_sqs_callback_params: Option<BTreeMap<String, Value>>,
    /// S3 logger settings.
    pub s3_callback_params: Option<BTreeMap<String, Value>>,
    /// Azure content safety settings.
    pub azure_content_safety_params: Option<BTreeMap<String, Value>>,
    /// Banned keywords (file path or list).
    pub banned_keywords_list: Option<Value>,
    /// Blocked users (file path or list).
    pub blocked_user_list: Option<Value>,
    /// Check provider endpoints when listing models.
    pub check_provider_endpoint: Option<Env<bool>>,
    /// Cold-storage logger.
    pub cold_storage_custom_logger: Option<Value>,
    /// Discounts per provider.
    pub cost_discount_config: Option<BTreeMap<String, Value>>,
    /// Margins per provider.
    pub cost_margin_config: Option<BTreeMap<String, Value>>,
    /// Metadata labels exported to Prometheus.
    pub custom_prometheus_metadata_labels: Option<Vec<Value>>,
    /// Tags exported to Prometheus.
    pub custom_prometheus_tags: Option<Vec<Value>>,
    /// Do not tag requests with the user agent.
    pub disable_add_user_agent_to_request_tags: Option<Env<bool>>,
    /// Include provider-specific params in cache keys.
    pub enable_caching_on_provider_specific_optional_params: Option<Env<bool>>,
    /// Let model configs override credentials.
    pub enable_model_config_credential_overrides: Option<Env<bool>>,
    /// Forward the traceparent header.
    pub forward_traceparent_to_llm_provider: Option<Env<bool>>,
    /// Ignore the `no-log` request parameter.
    pub global_disable_no_log_param: Option<Env<bool>>,
    /// Google moderation threshold.
    pub google_moderation_confidence_threshold: Option<Env<f64>>,
    /// Add cost to streamed usage chunks.
    pub include_cost_in_streaming_usage: Option<Env<bool>>,
    /// Default Langfuse tags.
    pub langfuse_default_tags: Option<Vec<Value>>,
    /// LlamaGuard model.
    pub llamaguard_model_name: Option<String>,
    /// LLM Guard mode.
    pub llm_guard_mode: Option<String>,
    /// Log raw provider requests and responses.
    pub log_raw_request_response: Option<Env<bool>>,
    /// Realtime event types to log.
    pub logged_real_time_event_types: Option<Value>,
    /// Mock network calls (testing).
    pub network_mock: Option<Value>,
    /// Emit the stream label in Prometheus.
    pub prometheus_emit_stream_label: Option<Env<bool>>,
    /// Initialise budget metrics at start-up.
    pub prometheus_initialize_budget_metrics: Option<Env<bool>>,
    /// Prometheus metric groups.
    pub prometheus_metrics_config: Option<Vec<Value>>,
    /// Prompt-injection detection settings.
    pub prompt_injection_params: Option<BTreeMap<String, Value>>,
    /// Reasoning auto-summary setting.
    pub reasoning_auto_summary: Option<Value>,
    /// Require auth on /metrics.
    pub require_auth_for_metrics_endpoint: Option<Env<bool>>,
    /// Skip system messages in guardrails.
    pub skip_system_message_in_guardrail: Option<Env<bool>>,
    /// Budgets per tag.
    pub tag_budget_config: Option<BTreeMap<String, Value>>,
    /// Route /v1/messages through chat completions.
    pub use_chat_completions_url_for_anthropic_messages: Option<Env<bool>>,
    /// Maximum parallel requests.
    pub max_parallel_requests: Option<Value>,
    /// Load-balance batch endpoints.
    pub enable_loadbalancing_on_batch_endpoints: Option<Env<bool>>,
    /// Use httpx instead of aiohttp.
    pub disable_aiohttp_transport: Option<Env<bool>>,
    /// Force IPv4 transport.
    pub force_ipv4_transport: Option<Env<bool>>,
    /// Send SDK calls through a LiteLLM proxy.
    pub use_litellm_proxy: Option<Env<bool>>,
    /// Model -> larger-context model (legacy).
    pub context_window_fallback_dict: Option<BTreeMap<String, Value>>,
    /// Settings for success callbacks.
    pub success_callback_params: Option<BTreeMap<String, Value>>,
}

/// `general_settings`: proxy server settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
#[schemars(extend("additionalProperties" = false))]
pub struct GeneralSettings {
    /// The proxy admin key (or env LITELLM_MASTER_KEY). 1.109 refuses to start without one, or with the demo value `sk-1234`.
    pub master_key: Option<String>,
    /// Let 1.109 start without a safe master key.
    pub dangerously_permit_weak_or_unset_master_key: Option<Env<bool>>,
    /// Postgres URL (or env DATABASE_URL); needed for virtual keys and spend logs.
    pub database_url: Option<String>,
    /// Database connection pool size (default 10).
    #[schemars(extend("default" = 10))]
    pub database_connection_pool_limit: Option<Env<u32>>,
    /// Database connection timeout, seconds (default 60).
    #[schemars(extend("default" = 60))]
    pub database_connection_timeout: Option<Env<f64>>,
    /// Store models and settings in the database, editable through the API.
    pub store_model_in_db: Option<Env<bool>>,
    /// Store prompts and responses in spend logs.
    pub store_prompts_in_spend_logs: Option<Env<bool>>,
    /// Do not write spend logs.
    pub disable_spend_logs: Option<Env<bool>>,
    /// Do not update spend of keys, users and teams in the database.
    pub disable_spend_updates: Option<Env<bool>>,
    /// Do not write error logs.
    pub disable_error_logs: Option<Env<bool>>,
    /// Do not return the master key in the UI.
    pub disable_master_key_return: Option<Env<bool>>,
    /// Do not reset budgets.
    pub disable_reset_budget: Option<Env<bool>>,
    /// Do not migrate the database schema.
    pub disable_prisma_schema_update: Option<Env<bool>>,
    /// Disable Responses API id checks.
    pub disable_responses_id_security: Option<Env<bool>>,
    /// Spend-log batch write interval, seconds.
    pub proxy_batch_write_at: Option<Env<u64>>,
    /// Minimum budget reset check interval, seconds.
    pub proxy_budget_rescheduler_min_time: Option<Env<u64>>,
    /// Maximum budget reset check interval, seconds.
    pub proxy_budget_rescheduler_max_time: Option<Env<u64>>,
    /// Config reload interval, seconds.
    pub proxy_config_reload_interval_seconds: Option<Env<u64>>,
    /// Secret manager: google_kms, azure_key_vault, aws_secret_manager, google_secret_manager, hashicorp_vault, cyberark, local, aws_kms, custom.
    pub key_management_system: Option<String>,
    /// Secret manager settings (access_mode, hosted_keys, ...).
    pub key_management_settings: Option<BTreeMap<String, Value>>,
    /// Legacy switch for Google KMS.
    pub use_google_kms: Option<Env<bool>>,
    /// Legacy switch for Azure Key Vault.
    pub use_azure_key_vault: Option<Env<bool>>,
    /// Alerting integrations, e.g. `["slack"]`.
    pub alerting: Option<Vec<Value>>,
    /// Seconds before a slow request alerts.
    pub alerting_threshold: Option<Env<f64>>,
    /// Alert types to send.
    pub alert_types: Option<Vec<Value>>,
    /// Alert type -> webhook URL.
    pub alert_to_webhook_url: Option<BTreeMap<String, Value>>,
    /// Alerting arguments.
    pub alerting_args: Option<BTreeMap<String, Value>>,
    /// Per-alert-type settings.
    pub alert_type_config: Option<BTreeMap<String, Value>>,
    /// Spend report frequency.
    pub spend_report_frequency: Option<String>,
    /// Run health checks in the background.
    pub background_health_checks: Option<Env<bool>>,
    /// Background health check interval, seconds (default 300).
    #[schemars(extend("default" = 300))]
    pub health_check_interval: Option<Env<u64>>,
    /// Concurrent health checks.
    pub health_check_concurrency: Option<Env<u32>>,
    /// Show details in /health.
    pub health_check_details: Option<Env<bool>>,
    /// Route around unhealthy deployments.
    pub enable_health_check_routing: Option<Env<bool>>,
    /// Seconds after which a health result is stale.
    pub health_check_staleness_threshold: Option<Env<f64>>,
    /// Ignore transient health-check errors.
    pub health_check_ignore_transient_errors: Option<Env<bool>>,
    /// Model groups checked in the background.
    pub background_health_check_model_groups: Option<Vec<Value>>,
    /// Skip models with background checks disabled.
    pub health_check_skip_disabled_background_models: Option<Env<bool>>,
    /// List only healthy models.
    pub model_list_healthy_only: Option<Env<bool>>,
    /// Share health results across workers.
    pub use_shared_health_check: Option<Env<bool>>,
    /// Maximum parallel requests per key.
    pub max_parallel_requests: Option<Env<u64>>,
    /// Maximum parallel requests for the proxy.
    pub global_max_parallel_requests: Option<Env<u64>>,
    /// Maximum request size, MB.
    pub max_request_size_mb: Option<Env<f64>>,
    /// Maximum response size, MB.
    pub max_response_size_mb: Option<Env<f64>>,
    /// Custom auth function import path (relative to the config).
    pub custom_auth: Option<String>,
    /// Settings for custom auth.
    pub custom_auth_settings: Option<BTreeMap<String, Value>>,
    /// Custom key generation import path.
    pub custom_key_generate: Option<String>,
    /// Custom key update import path.
    pub custom_key_update: Option<String>,
    /// Custom SSO import path.
    pub custom_sso: Option<String>,
    /// Custom UI SSO handler import path.
    pub custom_ui_sso_sign_in_handler: Option<String>,
    /// Enable JWT auth (must be here, not at the top level).
    pub enable_jwt_auth: Option<Env<bool>>,
    /// JWT auth settings (LiteLLM's `LiteLLM_JWTAuth`; any other key stops the proxy at start-up).
    pub litellm_jwtauth: Option<JwtAuth>,
    /// Enable OAuth2 auth.
    pub enable_oauth2_auth: Option<Env<bool>>,
    /// Custom header carrying the virtual key.
    pub litellm_key_header_name: Option<String>,
    /// Routes open to keys.
    pub allowed_routes: Option<Vec<Value>>,
    /// Routes only admins may call.
    pub admin_only_routes: Option<Vec<Value>>,
    /// Routes that need no key.
    pub public_routes: Option<Vec<Value>>,
    /// `all` (default) or `admin_only`.
    #[schemars(extend("default" = "all"))]
    pub ui_access_mode: Option<Value>,
    /// Allowed client IPs (enterprise: needs a licence).
    pub allowed_ips: Option<Vec<Value>>,
    /// Parameters every request must carry (premium).
    pub enforced_params: Option<Vec<Value>>,
    /// Require the `user` parameter.
    pub enforce_user_param: Option<Env<bool>>,
    /// Licence key.
    pub litellm_license: Option<String>,
    /// Pass-through routes.
    pub pass_through_endpoints: Option<Vec<Value>>,
    /// List models from provider keys.
    pub infer_model_from_keys: Option<Env<bool>>,
    /// List wildcard routes in /v1/models.
    pub return_wildcard_routes: Option<Env<bool>>,
    /// Forward client headers to providers.
    pub forward_client_headers_to_llm_api: Option<Env<bool>>,
    /// Forward provider auth headers.
    pub forward_llm_provider_auth_headers: Option<Env<bool>>,
    /// Forward the OpenAI organization header.
    pub forward_openai_org_id: Option<Env<bool>>,
    /// Key cache TTL, seconds.
    pub user_api_key_cache_ttl: Option<Env<f64>>,
    /// Key cache size.
    pub user_api_key_cache_max_size: Option<Env<u64>>,
    /// Skip fallback targets a key cannot use.
    pub enforce_fallback_model_access: Option<Env<bool>>,
    /// Spend log retention, e.g. `30d`.
    pub maximum_spend_logs_retention_period: Option<String>,
    /// How often old spend logs are deleted.
    pub maximum_spend_logs_retention_interval: Option<String>,
    /// Cron schedule of spend-log cleanup.
    pub maximum_spend_logs_cleanup_cron: Option<String>,
    /// Redis used to coordinate workers (host/url/startup_nodes/sentinel_nodes).
    pub coordination_redis: Option<BTreeMap<String, Value>>,
    /// Keep serving when the database is down.
    pub allow_requests_on_db_unavailable: Option<Env<bool>>,
    /// Show readiness details without auth.
    pub allow_public_health_readiness_details: Option<Env<bool>>,
    /// Accept provider credentials from clients.
    pub allow_client_side_credentials: Option<Env<bool>>,
    /// Let users sign in (legacy).
    pub allow_user_auth: Option<Env<bool>>,
    /// Always include usage in streams.
    pub always_include_stream_usage: Option<Env<bool>>,
    /// Force every request to this model.
    pub completion_model: Option<String>,
    /// Control-plane URL.
    pub control_plane_url: Option<String>,
    /// Disable the default team.
    pub default_team_disabled: Option<Env<bool>>,
    /// Enable the MCP registry.
    pub enable_mcp_registry: Option<Env<bool>>,
    /// Header carrying MCP client auth.
    pub mcp_client_side_auth_header_name: Option<String>,
    /// IP ranges treated as internal for MCP.
    pub mcp_internal_ip_ranges: Option<Vec<Value>>,
    /// MCP protocol versions advertised.
    pub mcp_advertised_versions: Option<Vec<Value>>,
    /// MCP capabilities turned off.
    pub mcp_disabled_capabilities: Option<Vec<Value>>,
    /// OpenTelemetry.
    pub otel: Option<Env<bool>>,
    /// Reject tags set by clients.
    pub reject_clientside_metadata_tags: Option<Env<bool>>,
    /// Permissions per role.
    pub role_permissions: Option<Vec<Value>>,
    /// Service account settings.
    pub service_account_settings: Option<BTreeMap<String, Value>>,
    /// Objects loaded from the database.
    pub supported_db_objects: Option<Vec<Value>>,
    /// Which tokens count toward rate limits.
    pub token_rate_limit_type: Option<String>,
    /// Buffer database writes in Redis.
    pub use_redis_transaction_buffer: Option<Env<bool>>,
    /// Headers that identify users.
    pub user_header_mappings: Option<Vec<Value>>,
    /// Header that identifies the user.
    pub user_header_name: Option<String>,
    /// Who manages MCP servers.
    pub user_mcp_management_mode: Option<String>,
    /// Search tools (may also be top-level).
    pub search_tools: Option<Vec<Value>>,
    /// Deny vector stores unless granted.
    pub vector_store_deny_by_default: Option<Env<bool>>,
    /// Deny search tools unless granted.
    pub search_tool_deny_by_default: Option<Env<bool>>,
    /// Require auth for the Claude Code marketplace.
    pub claude_code_marketplace_auth_required: Option<Env<bool>>,
    /// Drop Anthropic beta headers on Vertex pass-through.
    pub vertex_ai_pass_through_drop_anthropic_betas: Option<Env<bool>>,
    /// Request header -> tag mappings.
    pub request_tag_mappings: Option<Value>,
    /// Metadata fields kept in spend logs.
    pub spend_logs_metadata_fields: Option<Vec<Value>>,
    /// UI admin user name.
    pub ui_username: Option<String>,
    /// UI admin password.
    pub ui_password: Option<String>,
    /// External base URL of the proxy (used in emails and SSO redirects).
    pub proxy_base_url: Option<String>,
    /// Do not store the master key hash.
    pub disable_adding_master_key_hash_to_db: Option<Env<bool>>,
    /// Force every embedding request to this model.
    pub embedding_model: Option<String>,
    /// Force every image request to this model.
    pub image_generation_model: Option<String>,
    /// Force every moderation request to this model.
    pub moderation_model: Option<String>,
    /// Maximum user budget, USD.
    pub max_user_budget: Option<Env<f64>>,
    /// Public model hub.
    pub enable_public_model_hub: Option<Env<bool>>,
    /// Do not retry when the parallel limit is hit.
    pub disable_retry_on_max_parallel_request_limit_error: Option<Env<bool>>,
    /// Redact key information in logs.
    pub redact_user_api_key_info: Option<Env<bool>>,
}

/// The `LiteLLM_JWTAuth` fields new in 1.109 (those of [`JwtAuth`] marked "since 1.109"; 1.80.0's
/// class has the other 28, and its constructor raises on these).
pub const JWT_AUTH_SINCE_1_109: [&str; 17] = [
    "team_alias_jwt_field",
    "org_alias_jwt_field",
    "agent_id_jwt_field",
    "mcp_client_id_jwt_field",
    "public_key_stale_ttl",
    "oidc_userinfo_endpoint",
    "oidc_userinfo_enabled",
    "oidc_userinfo_cache_ttl",
    "virtual_key_claim_field",
    "virtual_key_mapping_cache_ttl",
    "unregistered_jwt_client_behavior",
    "auto_register_map_existing_key",
    "routing_overrides",
    "team_claim_fallback",
    "fallback_to_db_teams",
    "issuers",
    "id_jag_requesting_apps",
];

/// `general_settings.litellm_jwtauth`: the fields of LiteLLM's `LiteLLM_JWTAuth`
/// (litellm/proxy/_types.py, 1.109.3). Its constructor raises `ValueError: Invalid arguments
/// provided` on any other key, so the proxy does not start (LL068); fields marked 1.109 are
/// unknown to 1.80, which raises on them the same way. The key URL, audience and issuer come from
/// the JWT_PUBLIC_KEY_URL, JWT_AUDIENCE and JWT_ISSUER environment variables, not from here.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
#[schemars(extend("additionalProperties" = false))]
pub struct JwtAuth {
    /// The JWT scope that makes a caller proxy admin.
    pub admin_jwt_scope: Option<Value>,
    /// Routes proxy admins may call.
    pub admin_allowed_routes: Option<Value>,
    /// Claim holding the team id.
    pub team_id_jwt_field: Option<Value>,
    /// Create the team on first sight.
    pub team_id_upsert: Option<Value>,
    /// Claim holding a list of team ids.
    pub team_ids_jwt_field: Option<Value>,
    /// Add SSO users to the teams of their token.
    pub upsert_sso_user_to_team: Option<Value>,
    /// Routes team tokens may call.
    pub team_allowed_routes: Option<Value>,
    /// Team for tokens without a team claim.
    pub team_id_default: Option<Value>,
    /// Claim holding the team alias. (since 1.109)
    pub team_alias_jwt_field: Option<Value>,
    /// Claim holding the organization id.
    pub org_id_jwt_field: Option<Value>,
    /// Claim holding the organization alias. (since 1.109)
    pub org_alias_jwt_field: Option<Value>,
    /// Claim holding the user id.
    pub user_id_jwt_field: Option<Value>,
    /// Claim holding the user's email.
    pub user_email_jwt_field: Option<Value>,
    /// Only users of this email domain.
    pub user_allowed_email_domain: Option<Value>,
    /// Claim holding the user's roles (needs user_allowed_roles).
    pub user_roles_jwt_field: Option<Value>,
    /// Roles allowed in (with user_roles_jwt_field).
    pub user_allowed_roles: Option<Value>,
    /// Create the user on first sight.
    pub user_id_upsert: Option<Value>,
    /// Claim holding the end-user id.
    pub end_user_id_jwt_field: Option<Value>,
    /// Claim holding the agent id. (since 1.109)
    pub agent_id_jwt_field: Option<Value>,
    /// Claim holding the MCP client id. (since 1.109)
    pub mcp_client_id_jwt_field: Option<Value>,
    /// Seconds the signing keys are cached.
    pub public_key_ttl: Option<Value>,
    /// Seconds stale signing keys may still be used. (since 1.109)
    pub public_key_stale_ttl: Option<Value>,
    /// Routes open without a token.
    pub public_allowed_routes: Option<Value>,
    /// Refuse tokens without a recognised role.
    pub enforce_rbac: Option<Value>,
    /// Claim holding the roles mapped by role_mappings.
    pub roles_jwt_field: Option<Value>,
    /// Token roles to LiteLLM roles (`role`, `internal_role`).
    pub role_mappings: Option<Value>,
    /// Claim holding the object id for role-based access.
    pub object_id_jwt_field: Option<Value>,
    /// Token scopes to model / route access.
    pub scope_mappings: Option<Value>,
    /// Apply scope_mappings.
    pub enforce_scope_based_access: Option<Value>,
    /// Limit teams to their models.
    pub enforce_team_based_model_access: Option<Value>,
    /// Import path of a custom token validator.
    pub custom_validate: Option<Value>,
    /// Token roles to LiteLLM roles (older form).
    pub jwt_litellm_role_map: Option<Value>,
    /// Update users' roles and teams from their tokens.
    pub sync_user_role_and_teams: Option<Value>,
    /// OIDC userinfo endpoint for claims missing from the token. (since 1.109)
    pub oidc_userinfo_endpoint: Option<Value>,
    /// Ask the userinfo endpoint. (since 1.109)
    pub oidc_userinfo_enabled: Option<Value>,
    /// Seconds userinfo answers are cached. (since 1.109)
    pub oidc_userinfo_cache_ttl: Option<Value>,
    /// Claim mapping the token to a virtual key. (since 1.109)
    pub virtual_key_claim_field: Option<Value>,
    /// Seconds that mapping is cached. (since 1.109)
    pub virtual_key_mapping_cache_ttl: Option<Value>,
    /// What to do with tokens of unknown clients. (since 1.109)
    pub unregistered_jwt_client_behavior: Option<Value>,
    /// Map unknown clients to an existing key. (since 1.109)
    pub auto_register_map_existing_key: Option<Value>,
    /// Per-claim routing overrides. (since 1.109)
    pub routing_overrides: Option<Value>,
    /// Fallback when the team claim is missing. (since 1.109)
    pub team_claim_fallback: Option<Value>,
    /// Use the user's teams from the database when the token has none. (since 1.109)
    pub fallback_to_db_teams: Option<Value>,
    /// Trusted token issuers (the issuer itself comes from JWT_ISSUER). (since 1.109)
    pub issuers: Option<Value>,
    /// Apps allowed to request ID-JAG tokens. (since 1.109)
    pub id_jag_requesting_apps: Option<Value>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// The list of 1.109-only fields is the fields whose description says so.
    #[test]
    fn jwt_auth_fields_since_1_109_are_the_marked_ones() {
        let schema = serde_json::to_value(schemars::schema_for!(JwtAuth)).unwrap();
        let properties = schema["properties"]
            .as_object()
            .expect("JwtAuth properties");
        let mut marked: Vec<&str> = properties
            .iter()
            .filter(|(_, p)| {
                p["description"]
                    .as_str()
                    .is_some_and(|d| d.contains("(since 1.109)"))
            })
            .map(|(k, _)| k.as_str())
            .collect();
        marked.sort_unstable();
        let mut listed = JWT_AUTH_SINCE_1_109.to_vec();
        listed.sort_unstable();
        assert_eq!(marked, listed);
        assert_eq!(properties.len() - listed.len(), 28, "1.80.0 has 28 fields");
    }
}
