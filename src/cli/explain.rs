//! `litellm-check explain`: what the router will do with a config, or with the names asked for.

use clap::{Args, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use super::output;
use crate::diagnostic::format::{color_for_env, render, Format};
use crate::diagnostic::Summary;
use crate::env::Environment;
use crate::litellm::explain::{render as text, Explainer};
use crate::litellm::{check_file, CheckOptions};
use crate::syntax::SourceMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// For a terminal.
    Human,
    /// Without MODEL one object for the whole config; with MODEL an array of one object per name.
    Json,
    /// The fallback graph as a Mermaid `flowchart LR` (the walked chains, with MODEL).
    Mermaid,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The LiteLLM proxy config (litellm_config.yaml).
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: PathBuf,
    /// Requested model names to explain; without any, the whole config is explained.
    #[arg(value_name = "MODEL")]
    pub models: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: ExplainFormat,
    /// Read variables from a dotenv file in addition to the environment (repeatable). Only
    /// whether a variable is set is used; no value is ever printed.
    #[arg(long, value_name = "FILE")]
    pub env_file: Vec<PathBuf>,
}

pub fn run(args: ExplainArgs) -> ExitCode {
    let env = match Environment::with_env_files(&args.env_file) {
        Ok(env) => env,
        Err(message) => {
            super::usage_error(&format!("error: {message}"));
            return ExitCode::from(2);
        }
    };
    let mut sources = SourceMap::new();
    let options = CheckOptions {
        env: env.clone(),
        ..CheckOptions::default()
    };
    let outcome = match check_file(&args.config, &options, &mut sources) {
        Ok(outcome) => outcome,
        Err(e) => {
            output::stderr(&format!("error: {e}\n"));
            return ExitCode::from(2);
        }
    };
    // A config with errors does not run (LiteLLM refuses it, litellm-proxy does not start), so
    // there is no routing to explain: the findings are printed as `check` prints them.
    let summary = Summary::of(&outcome.diagnostics);
    if summary.errors > 0 || outcome.root.is_none() {
        let format = match args.format {
            ExplainFormat::Json => Format::Json,
            _ => Format::Human,
        };
        let color = color_for_env(std::io::stdout().is_terminal());
        output::stdout(&render(format, &sources, &outcome.diagnostics, color));
        output::stderr(&format!(
            "explain: the check found {} error(s); fix them first (litellm-check check --config {})\n",
            summary.errors.max(1),
            args.config.display()
        ));
        return ExitCode::from(1);
    }
    if summary.warnings > 0 {
        output::stderr(&format!(
            "explain: the check found {} warning(s); see litellm-check check --config {}\n",
            summary.warnings,
            args.config.display()
        ));
    }
    let explainer = Explainer::new(&outcome.resolved, env.presence());
    if args.models.is_empty() {
        let explanation = explainer.config();
        match args.format {
            ExplainFormat::Human => output::stdout(&text::human_config(&explanation)),
            ExplainFormat::Json => output::stdout(&json(&explanation)),
            ExplainFormat::Mermaid => output::stdout(&text::mermaid_config(&explanation)),
        }
        return ExitCode::SUCCESS;
    }
    let explanations: Vec<_> = args.models.iter().map(|m| explainer.model(m)).collect();
    match args.format {
        ExplainFormat::Human => {
            let parts: Vec<String> = explanations.iter().map(text::human_model).collect();
            output::stdout(&parts.join("\n"));
        }
        ExplainFormat::Json => output::stdout(&json(&explanations)),
        ExplainFormat::Mermaid => output::stdout(&text::mermaid_models(&explanations)),
    }
    let misses: Vec<_> = explanations.iter().filter(|e| e.group.is_none()).collect();
    if args.format != ExplainFormat::Human {
        for miss in &misses {
            output::stderr(&format!("explain: {}", text::human_model(miss)));
        }
    }
    if !misses.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn json(value: &impl serde::Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value)
        .unwrap_or_else(|e| format!("{{\"error\": \"cannot serialize: {e}\"}}"));
    text.push('\n');
    text
}
