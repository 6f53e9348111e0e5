//! `litellm-check check`.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::diagnostic::{Diagnostic, Severity, Summary};
use crate::env::Environment;
use crate::litellm::{check_file, CheckOptions};
use crate::syntax::SourceMap;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The LiteLLM proxy config (litellm_config.yaml).
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Read variables from a dotenv file in addition to the environment.
    #[arg(long, value_name = "FILE")]
    pub env_file: Vec<PathBuf>,
    /// Treat unset environment variables as errors.
    #[arg(long)]
    pub require_env: bool,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub strict: bool,
}

/// What a run found, before rendering.
pub struct Report {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
}

/// Runs every check the arguments ask for. `Err` is a usage or I/O problem (exit 2).
pub fn collect(args: &CheckArgs) -> Result<Report, String> {
    let Some(config) = &args.config else {
        return Err("nothing to check: pass --config FILE".into());
    };
    let mut env = Environment::from_process();
    for file in &args.env_file {
        env.load_env_file(file).map_err(|e| format!("cannot read env file {}: {e}", file.display()))?;
    }
    let options = CheckOptions { env, require_env: args.require_env, ..CheckOptions::default() };
    let mut sources = SourceMap::new();
    let outcome = check_file(config, &options, &mut sources).map_err(|e| e.to_string())?;
    Ok(Report { sources, diagnostics: outcome.diagnostics })
}

pub fn exit_code(diagnostics: &[Diagnostic], strict: bool) -> ExitCode {
    let summary = Summary::of(diagnostics);
    let failing = summary.errors > 0 || (strict && summary.warnings > 0);
    if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

pub fn run(args: CheckArgs) -> ExitCode {
    let report = match collect(&args) {
        Ok(report) => report,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    for d in &report.diagnostics {
        let file = report.sources.get(d.primary.span.file);
        let (line, col) = file.line_col(d.primary.span.start);
        let severity = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        println!("{}:{line}:{col}: {severity}[{}] {}", file.display_path(), d.code, d.message);
        if let Some(help) = &d.help {
            println!("  help: {help}");
        }
    }
    exit_code(&report.diagnostics, args.strict)
}
