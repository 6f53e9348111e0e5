//! `litellm-check server`: the checker as a Language Server Protocol server over stdio.
//!
//! One thread runs the checks: messages arrive through `lsp-server`'s reader thread, a document
//! is checked when it opens and again once edits have paused (`debounceMs`, 200 ms by default),
//! and every finding is published with its rule code, severity, related locations and a link to
//! the rule's documentation (the `helpUri` of the SARIF output). The server checks the editor's
//! text, not the file on disk: open documents are an [`Overlay`] that the one file reader
//! (`syntax::source::read_file`) answers from while a check runs, as `check --fix` re-checks its
//! fixed text, so a LiteLLM file is read exactly as `check` reads it (YAML 1.1, includes) and an
//! OpenClaw file as OpenClaw does (JSON5, `$include`), unsaved includes as the editor holds them.
//!
//! - `.yaml`/`.yml` documents are LiteLLM configs, `.json`/`.json5` OpenClaw configs (as `check
//!   FILE` takes them).
//! - Settings come from the settings file found upward from each document (`litellm-check.toml`,
//!   `pyproject.toml`'s `[tool.litellm-check]`: rule selection, per-file ignores, `env-files`,
//!   `require-env`), and inline suppressions apply, as in `check`.
//! - An OpenClaw document's `litellm/<model>` refs are checked against the workspace's LiteLLM
//!   config: `litellmConfig` in the initialization options, else the one LiteLLM config found by
//!   name in the workspace folders (as `check DIR` finds them) or open in the editor. A change to
//!   a LiteLLM document re-checks the open OpenClaw documents.
//! - Hover, completion, go to definition and code actions: [`features`].

pub mod context;
mod features;
pub mod text;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    notification, request, CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity,
    Location, NumberOrString, PublishDiagnosticsParams, Uri,
};
use serde_json::Value;

use crate::diagnostic::{self, Diagnostic, Severity};
use crate::env::Environment;
use crate::litellm::resolved::ResolvedConfig;
use crate::litellm::CheckOptions;
use crate::rule_control::{RuleSelection, Settings};
use crate::syntax::source::{with_overlay, Overlay};
use crate::syntax::{FileId, SourceMap};

use text::{path_to_uri, uri_to_path, Encoding, LineIndex};

/// Which checker a document goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Litellm,
    Openclaw,
}

impl Kind {
    /// By extension, as `check FILE` takes files.
    pub fn of(path: &Path) -> Option<Kind> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "yaml" | "yml" => Some(Kind::Litellm),
            "json" | "json5" => Some(Kind::Openclaw),
            _ => None,
        }
    }
}

/// An open document: the editor's text.
struct Document {
    path: PathBuf,
    kind: Kind,
    /// Whether the document is a config the server checks ([`Server::is_config`]).
    config: bool,
    text: Arc<str>,
    index: LineIndex,
    version: i32,
}

/// What one check of a document found.
pub(crate) struct Analysis {
    pub sources: SourceMap,
    /// The checked file (the document) in `sources`.
    pub main: FileId,
    /// Findings after rule selection and suppressions, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// The LiteLLM config as it will run (LiteLLM documents).
    pub resolved: Option<ResolvedConfig>,
}

/// Options from the client (`initializationOptions`, or `workspace/didChangeConfiguration`'s
/// `settings`, either directly or under a `litellm-check` key).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ClientOptions {
    /// The LiteLLM config OpenClaw documents are checked against (absolute, or relative to the
    /// first workspace folder).
    litellm_config: Option<PathBuf>,
    /// Milliseconds without edits before a changed document is checked again.
    debounce_ms: Option<u64>,
    /// Check every YAML and JSON document the client sends, not only those named or shaped like
    /// configs.
    #[serde(default)]
    check_all_files: bool,
}

impl ClientOptions {
    fn from_value(value: Option<&Value>) -> Option<ClientOptions> {
        let value = value?;
        let value = value.get("litellm-check").unwrap_or(value);
        serde_json::from_value(value.clone()).ok()
    }
}

const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(200);
/// The longest debounce a client may ask for.
const MAX_DEBOUNCE: Duration = Duration::from_secs(10);

pub(crate) struct Server {
    connection: Connection,
    encoding: Encoding,
    roots: Vec<PathBuf>,
    options: ClientOptions,
    debounce: Duration,
    documents: HashMap<String, Document>,
    /// The open documents' texts by canonical path.
    overlay: Overlay,
    analyses: HashMap<String, Rc<Analysis>>,
    /// When a document is due to be checked.
    pending: HashMap<String, Instant>,
    /// The workspace's LiteLLM configs found by name (per root), once looked for.
    discovered: Option<Vec<PathBuf>>,
    /// The last check of the workspace LiteLLM config when it is not open.
    workspace_litellm: Option<(PathBuf, Rc<Analysis>)>,
    environments: Vec<(Option<PathBuf>, Environment)>,
}

/// Runs the server on stdin/stdout until the client says `exit`. Returns the process's exit code:
/// 0 after `shutdown` then `exit`, 1 otherwise (as the protocol asks).
pub fn run() -> std::process::ExitCode {
    let (connection, io_threads) = Connection::stdio();
    let code = match serve(connection) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("litellm-check server: {message}");
            1
        }
    };
    // The reader thread ends with stdin; a client that keeps it open after `exit` is not waited on.
    if code == 0 {
        let _ = io_threads.join();
    }
    std::process::ExitCode::from(code)
}

fn serve(connection: Connection) -> Result<u8, String> {
    let (id, params) = connection
        .initialize_start()
        .map_err(|e| format!("initialize: {e}"))?;
    let init: lsp_types::InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let encoding = if init
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref())
        .is_some_and(|e| e.contains(&lsp_types::PositionEncodingKind::UTF8))
    {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    };
    let mut roots: Vec<PathBuf> = init
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| uri_to_path(&f.uri))
        .collect();
    #[allow(deprecated)]
    if roots.is_empty() {
        roots.extend(init.root_uri.as_ref().and_then(uri_to_path));
    }
    let options =
        ClientOptions::from_value(init.initialization_options.as_ref()).unwrap_or_default();
    let result = serde_json::json!({
        "capabilities": features::capabilities(encoding),
        "serverInfo": {"name": "litellm-check", "version": env!("CARGO_PKG_VERSION")},
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| format!("initialize: {e}"))?;
    let mut server = Server {
        connection,
        encoding,
        roots,
        debounce: DEFAULT_DEBOUNCE,
        options: ClientOptions::default(),
        documents: HashMap::new(),
        overlay: Overlay::new(),
        analyses: HashMap::new(),
        pending: HashMap::new(),
        discovered: None,
        workspace_litellm: None,
        environments: Vec::new(),
    };
    server.set_options(options);
    server.main_loop()
}

impl Server {
    fn set_options(&mut self, options: ClientOptions) {
        self.debounce = options
            .debounce_ms
            .map_or(DEFAULT_DEBOUNCE, Duration::from_millis)
            .min(MAX_DEBOUNCE);
        self.options = options;
        self.workspace_litellm = None;
        let flags: Vec<(String, bool)> = self
            .documents
            .iter()
            .map(|(k, d)| (k.clone(), self.is_config(&d.path, d.kind, &d.text)))
            .collect();
        for (key, config) in flags {
            if let Some(doc) = self.documents.get_mut(&key) {
                doc.config = config;
            }
        }
    }

    fn main_loop(&mut self) -> Result<u8, String> {
        loop {
            let wait = self
                .pending
                .values()
                .min()
                .map(|due| due.saturating_duration_since(Instant::now()));
            let message = match wait {
                None => match self.connection.receiver.recv() {
                    Ok(message) => Some(message),
                    Err(_) => return Ok(1),
                },
                Some(wait) => match self.connection.receiver.recv_timeout(wait) {
                    Ok(message) => Some(message),
                    Err(e) if e.is_timeout() => None,
                    Err(_) => return Ok(1),
                },
            };
            match message {
                Some(Message::Request(request)) => {
                    let shutdown = self
                        .connection
                        .handle_shutdown(&request)
                        .map_err(|e| format!("shutdown: {e}"))?;
                    if shutdown {
                        return Ok(0);
                    }
                    self.request(request);
                }
                Some(Message::Notification(n)) if n.method == notification::Exit::METHOD => {
                    // `exit` without `shutdown`.
                    return Ok(1);
                }
                Some(Message::Notification(n)) => self.notification(n),
                Some(Message::Response(_)) | None => {}
            }
            self.run_due();
        }
    }

    // --------------------------------------------------------------------------------------------
    // Documents

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            notification::DidOpenTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params)
                else {
                    return;
                };
                let doc = p.text_document;
                self.open(&doc.uri, doc.text, doc.version);
            }
            notification::DidChangeTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params)
                else {
                    return;
                };
                let key = p.text_document.uri.as_str().to_string();
                // Full sync: the last change holds the whole text.
                if let Some(change) = p.content_changes.into_iter().last() {
                    if change.range.is_none() {
                        self.change(&key, change.text, p.text_document.version);
                    }
                }
            }
            notification::DidCloseTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params)
                else {
                    return;
                };
                self.close(&p.text_document.uri);
            }
            notification::DidSaveTextDocument::METHOD
            | notification::DidChangeWatchedFiles::METHOD => {
                // Env files, settings files or a config not open may have changed on disk.
                self.environments.clear();
                self.discovered = None;
                self.workspace_litellm = None;
                self.schedule_all(Duration::ZERO);
            }
            notification::DidChangeConfiguration::METHOD => {
                if let Some(options) = ClientOptions::from_value(n.params.get("settings")) {
                    self.set_options(options);
                    self.schedule_all(Duration::ZERO);
                }
            }
            _ => {}
        }
    }

    fn open(&mut self, uri: &Uri, text: String, version: i32) {
        let Some(path) = uri_to_path(uri) else {
            return;
        };
        let Some(kind) = Kind::of(&path) else {
            return;
        };
        let text: Arc<str> = text.into();
        self.overlay.insert(canonical(&path), text.to_string());
        let key = uri.as_str().to_string();
        let config = self.is_config(&path, kind, &text);
        self.documents.insert(
            key.clone(),
            Document {
                index: LineIndex::new(&text),
                path,
                kind,
                config,
                text,
                version,
            },
        );
        self.pending.insert(key, Instant::now());
    }

    fn change(&mut self, key: &str, text: String, version: i32) {
        let Some(doc) = self.documents.get_mut(key) else {
            return;
        };
        let text: Arc<str> = text.into();
        let (path, kind) = (doc.path.clone(), doc.kind);
        let config = self.is_config(&path, kind, &text);
        let Some(doc) = self.documents.get_mut(key) else {
            return;
        };
        doc.config = config;
        doc.index = LineIndex::new(&text);
        doc.text = text.clone();
        doc.version = version;
        let path = doc.path.clone();
        self.overlay.insert(canonical(&path), text.to_string());
        self.pending
            .insert(key.to_string(), Instant::now() + self.debounce);
    }

    fn close(&mut self, uri: &Uri) {
        let key = uri.as_str();
        if let Some(doc) = self.documents.remove(key) {
            self.overlay.remove(&canonical(&doc.path));
            if doc.kind == Kind::Litellm {
                // The file on disk is what other documents read from now on.
                self.workspace_litellm = None;
                self.schedule_kind(Kind::Openclaw, Duration::ZERO);
            }
        }
        self.pending.remove(key);
        self.analyses.remove(key);
        self.publish(uri, Vec::new(), None);
    }

    /// Whether a document is a config to check: every YAML/JSON document with `checkAllFiles`;
    /// else the configured LiteLLM config, a file named as `check DIR` finds configs
    /// (`litellm*config*.yaml`, `openclaw*.json`/`.json5`), or a YAML file with a top-level
    /// `model_list:` line (as `config.yaml` is judged there). Other YAML and JSON files in the
    /// workspace (CI workflows, `package.json`) get no findings.
    fn is_config(&self, path: &Path, kind: Kind, text: &str) -> bool {
        if self.options.check_all_files {
            return true;
        }
        if kind == Kind::Litellm
            && self
                .configured_litellm(path)
                .is_some_and(|c| canonical(&c) == canonical(path))
        {
            return true;
        }
        let by_name = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(crate::cli::discover::kind_by_name);
        match (kind, by_name) {
            (Kind::Litellm, Some(crate::cli::discover::Kind::LiteLlm)) => true,
            (Kind::Openclaw, Some(crate::cli::discover::Kind::OpenClaw)) => true,
            (Kind::Litellm, _) => has_model_list(text),
            (Kind::Openclaw, _) => false,
        }
    }

    /// The configured LiteLLM config (`litellmConfig`), made absolute.
    fn configured_litellm(&self, near: &Path) -> Option<PathBuf> {
        let configured = self.options.litellm_config.as_ref()?;
        if configured.is_absolute() {
            return Some(configured.clone());
        }
        let base = self
            .roots
            .first()
            .cloned()
            .or_else(|| near.parent().map(Path::to_path_buf))?;
        Some(base.join(configured))
    }

    fn schedule_all(&mut self, after: Duration) {
        let due = Instant::now() + after;
        for key in self.documents.keys() {
            self.pending.insert(key.clone(), due);
        }
    }

    fn schedule_kind(&mut self, kind: Kind, after: Duration) {
        let due = Instant::now() + after;
        for (key, doc) in &self.documents {
            if doc.kind == kind {
                self.pending.insert(key.clone(), due);
            }
        }
    }

    /// Checks every document whose time has come.
    fn run_due(&mut self) {
        let now = Instant::now();
        let mut due: Vec<String> = self
            .pending
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(k, _)| k.clone())
            .collect();
        // LiteLLM documents first: OpenClaw documents are checked against them.
        due.sort_by_key(|k| self.documents.get(k).map(|d| d.kind != Kind::Litellm));
        for key in due {
            self.pending.remove(&key);
            self.check_and_publish(&key);
        }
    }

    /// Checks a document now if a check is pending, so an answer matches the text.
    fn flush(&mut self, key: &str) {
        if self.pending.remove(key).is_some() {
            self.check_and_publish(key);
        }
    }

    fn check_and_publish(&mut self, key: &str) {
        let Some(doc) = self.documents.get(key) else {
            return;
        };
        let (kind, version) = (doc.kind, doc.version);
        if !doc.config {
            // Not a config: nothing is reported (an earlier finding is withdrawn).
            self.analyses.remove(key);
            if let Ok(uri) = key.parse::<Uri>() {
                self.publish(&uri, Vec::new(), Some(version));
            }
            return;
        }
        let analysis = Rc::new(self.analyse(key));
        let diagnostics = self.to_lsp(key, &analysis);
        self.analyses.insert(key.to_string(), analysis);
        if let Ok(uri) = key.parse::<Uri>() {
            self.publish(&uri, diagnostics, Some(version));
        }
        if kind == Kind::Litellm {
            self.workspace_litellm = None;
            // OpenClaw documents read this config's groups: check them again.
            let due = Instant::now();
            for (other, doc) in &self.documents {
                if doc.kind == Kind::Openclaw {
                    self.pending.insert(other.clone(), due);
                }
            }
        }
    }

    fn publish(&self, uri: &Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics,
            version,
        };
        self.notify::<notification::PublishDiagnostics>(params);
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        let Ok(params) = serde_json::to_value(params) else {
            return;
        };
        let _ = self
            .connection
            .sender
            .send(Message::Notification(Notification::new(
                N::METHOD.to_string(),
                params,
            )));
    }

    fn log(&self, message: String) {
        self.notify::<notification::LogMessage>(lsp_types::LogMessageParams {
            typ: lsp_types::MessageType::WARNING,
            message,
        });
    }

    // --------------------------------------------------------------------------------------------
    // Checking

    fn settings_for(&self, path: &Path) -> Settings {
        match Settings::discover(path) {
            Ok(settings) => settings.unwrap_or_default(),
            Err(e) => {
                self.log(format!("litellm-check: {e}; using the default settings"));
                Settings::default()
            }
        }
    }

    fn environment_for(&mut self, settings: &Settings) -> Environment {
        if let Some((_, env)) = self
            .environments
            .iter()
            .find(|(source, _)| *source == settings.source)
        {
            return env.clone();
        }
        let env = match Environment::with_env_files(&settings.env_files) {
            Ok(env) => env,
            Err(e) => {
                self.log(format!("litellm-check: {e}"));
                Environment::from_process()
            }
        };
        self.environments
            .push((settings.source.clone(), env.clone()));
        env
    }

    fn check_options(&mut self, settings: &Settings) -> CheckOptions {
        CheckOptions {
            env: self.environment_for(settings),
            require_env: settings.require_env,
            ..CheckOptions::default()
        }
    }

    /// Checks one open document.
    fn analyse(&mut self, key: &str) -> Analysis {
        let Some((path, kind)) = self.documents.get(key).map(|d| (d.path.clone(), d.kind)) else {
            return Analysis::empty();
        };
        let groups = match kind {
            Kind::Openclaw => self.workspace_analysis(&path),
            Kind::Litellm => None,
        };
        self.check_file(&path, kind, groups.as_deref())
    }

    fn check_file(&mut self, path: &Path, kind: Kind, litellm: Option<&Analysis>) -> Analysis {
        let settings = self.settings_for(path);
        let options = self.check_options(&settings);
        let mut sources = SourceMap::new();
        let groups = litellm.and_then(|a| a.resolved.as_ref()).map(|r| &r.groups);
        let overlay = std::mem::take(&mut self.overlay);
        let (checked, overlay) = with_overlay(overlay, || match kind {
            Kind::Litellm => crate::litellm::check_file(path, &options, &mut sources)
                .map(|outcome| (outcome.diagnostics, Some(outcome.resolved))),
            Kind::Openclaw => crate::openclaw::check(path, &options, &mut sources, groups)
                .map(|found| (found, None)),
        });
        self.overlay = overlay;
        let (mut diagnostics, resolved) = checked.unwrap_or_else(|e| {
            self.log(format!("litellm-check: {e}"));
            (Vec::new(), None)
        });
        crate::rule_control::filter(
            &RuleSelection::default(),
            &settings,
            &sources,
            0,
            &mut diagnostics,
        );
        diagnostic::sort(&mut diagnostics);
        Analysis {
            sources,
            main: FileId(0),
            diagnostics,
            resolved,
        }
    }

    /// The LiteLLM config an OpenClaw document is checked against: the configured one, else the
    /// only one in the workspace (found by name, or open).
    fn workspace_litellm_path(&mut self, openclaw: &Path) -> Option<PathBuf> {
        if let Some(configured) = self.configured_litellm(openclaw) {
            return Some(configured);
        }
        if self.discovered.is_none() {
            let mut found = Vec::new();
            let roots = if self.roots.is_empty() {
                openclaw
                    .parent()
                    .map(Path::to_path_buf)
                    .into_iter()
                    .collect()
            } else {
                self.roots.clone()
            };
            for root in roots {
                if let Ok(in_root) = crate::cli::discover::configs_in(&root) {
                    found.extend(in_root.litellm.iter().map(|p| canonical(p)));
                }
            }
            self.discovered = Some(found);
        }
        let mut candidates: Vec<PathBuf> = self.discovered.clone().unwrap_or_default();
        for doc in self.documents.values() {
            let path = canonical(&doc.path);
            if doc.kind == Kind::Litellm && doc.config && !candidates.contains(&path) {
                candidates.push(path);
            }
        }
        (candidates.len() == 1).then(|| candidates.remove(0))
    }

    /// The check of the workspace LiteLLM config (the open document's, or one of the file).
    pub(crate) fn workspace_analysis(&mut self, openclaw: &Path) -> Option<Rc<Analysis>> {
        let path = self.workspace_litellm_path(openclaw)?;
        let canonical_path = canonical(&path);
        let open = self
            .documents
            .iter()
            .find(|(_, d)| canonical(&d.path) == canonical_path)
            .map(|(k, _)| k.clone());
        if let Some(key) = open {
            self.flush(&key);
            return self.analyses.get(&key).cloned();
        }
        if let Some((cached, analysis)) = &self.workspace_litellm {
            if *cached == canonical_path {
                return Some(analysis.clone());
            }
        }
        let analysis = Rc::new(self.check_file(&path, Kind::Litellm, None));
        analysis.resolved.as_ref()?;
        self.workspace_litellm = Some((canonical_path, analysis.clone()));
        Some(analysis)
    }

    // --------------------------------------------------------------------------------------------
    // Findings as LSP diagnostics

    fn to_lsp(&self, key: &str, analysis: &Analysis) -> Vec<lsp_types::Diagnostic> {
        let Some(doc) = self.documents.get(key) else {
            return Vec::new();
        };
        let mut indexes: HashMap<FileId, LineIndex> = HashMap::new();
        let mut range_in = |span: crate::syntax::Span| -> Option<(Uri, lsp_types::Range)> {
            if span.file == analysis.main {
                let uri = key.parse().ok()?;
                return Some((
                    uri,
                    doc.index
                        .range(&doc.text, span.start, span.end, self.encoding),
                ));
            }
            let file = analysis.sources.file(span.file)?;
            let index = indexes
                .entry(span.file)
                .or_insert_with(|| LineIndex::new(&file.text));
            Some((
                path_to_uri(&file.path)?,
                index.range(&file.text, span.start, span.end, self.encoding),
            ))
        };
        let folded = diagnostic::fold_repeats(&analysis.diagnostics);
        let mut out = Vec::with_capacity(folded.len());
        for d in folded.iter() {
            let Some((uri, range)) = range_in(d.primary.span) else {
                continue;
            };
            let mut related: Vec<DiagnosticRelatedInformation> = d
                .secondary
                .iter()
                .filter_map(|label| {
                    let (uri, range) = range_in(label.span)?;
                    Some(DiagnosticRelatedInformation {
                        location: Location { uri, range },
                        message: label.message.clone().unwrap_or_default(),
                    })
                })
                .collect();
            let mut message = d.message.clone();
            let range = if d.primary.span.file == analysis.main {
                range
            } else {
                // A finding in an included file: shown at the top of the document, pointing there.
                let file = analysis.sources.get(d.primary.span.file);
                let (line, column) = file.line_col(d.primary.span.start);
                message = format!("{}:{line}:{column}: {message}", file.display_path());
                related.insert(
                    0,
                    DiagnosticRelatedInformation {
                        location: Location { uri, range },
                        message: "the finding is here".into(),
                    },
                );
                include_line_range(&doc.text, &doc.index, doc.kind, self.encoding)
            };
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            out.push(lsp_types::Diagnostic {
                range,
                severity: Some(match d.severity {
                    Severity::Error => DiagnosticSeverity::ERROR,
                    Severity::Warning => DiagnosticSeverity::WARNING,
                    Severity::Info => DiagnosticSeverity::INFORMATION,
                }),
                code: Some(NumberOrString::String(d.code.as_str().to_string())),
                code_description: d
                    .code
                    .help_uri()
                    .parse()
                    .ok()
                    .map(|href| CodeDescription { href }),
                source: Some("litellm-check".into()),
                message,
                related_information: (!related.is_empty()).then_some(related),
                tags: None,
                data: None,
            });
        }
        out
    }

    // --------------------------------------------------------------------------------------------
    // Requests

    fn request(&mut self, request: Request) {
        let id = request.id.clone();
        let method = request.method.clone();
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.answer(request)));
        let response = match outcome {
            Ok(Some(Ok(result))) => Response::new_ok(id, result),
            Ok(Some(Err(message))) => {
                Response::new_err(id, ErrorCode::InvalidParams as i32, message)
            }
            Ok(None) => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("litellm-check does not handle `{method}`"),
            ),
            Err(_) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("litellm-check failed on `{method}`"),
            ),
        };
        let _ = self.connection.sender.send(Message::Response(response));
    }

    /// `None` for a method the server does not handle.
    fn answer(&mut self, request: Request) -> Option<Result<Value, String>> {
        let params = request.params;
        let result = match request.method.as_str() {
            request::HoverRequest::METHOD => parse(params).map(|p| to_value(self.hover(p))),
            request::Completion::METHOD => parse(params).map(|p| to_value(self.completion(p))),
            request::GotoDefinition::METHOD => parse(params).map(|p| to_value(self.definition(p))),
            request::CodeActionRequest::METHOD => {
                parse(params).map(|p| to_value(self.code_actions(p)))
            }
            _ => return None,
        };
        Some(result)
    }

    /// The open document at `uri` with its analysis, checked first if a check is pending.
    fn document(&mut self, uri: &Uri) -> Option<(&Document, Option<Rc<Analysis>>)> {
        let key = uri.as_str();
        self.flush(key);
        let analysis = self.analyses.get(key).cloned();
        // Documents that are not configs get no editor features either.
        Some((self.documents.get(key).filter(|d| d.config)?, analysis))
    }
}

impl Analysis {
    fn empty() -> Analysis {
        Analysis {
            sources: SourceMap::new(),
            main: FileId(0),
            diagnostics: Vec::new(),
            resolved: None,
        }
    }
}

fn parse<T: serde::de::DeserializeOwned>(params: Value) -> Result<T, String> {
    serde_json::from_value(params).map_err(|e| format!("invalid params: {e}"))
}

fn to_value<T: serde::Serialize>(value: T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Whether a line of the text starts the top-level `model_list` key (as `check DIR` judges a
/// `config.yaml`).
fn has_model_list(text: &str) -> bool {
    text.lines().any(|line| {
        line.strip_prefix("model_list")
            .or_else(|| line.strip_prefix("\"model_list\""))
            .or_else(|| line.strip_prefix("'model_list'"))
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
    })
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// Where findings of an included file are shown in the including document: the `include` /
/// `$include` key's line, else the first line.
fn include_line_range(
    text: &str,
    index: &LineIndex,
    kind: Kind,
    encoding: Encoding,
) -> lsp_types::Range {
    let needle = match kind {
        Kind::Litellm => "include",
        Kind::Openclaw => "$include",
    };
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start().trim_start_matches(['"', '\'']);
        if trimmed.starts_with(needle) {
            let start = offset + (line.len() - line.trim_start().len());
            return index.range(text, start, start + needle.len(), encoding);
        }
        offset += line.len();
    }
    index.range(text, 0, 0, encoding)
}
