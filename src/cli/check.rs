//! `litellm-check check`.

use clap::Args;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use super::output;

use crate::diagnostic::format::{color_for_env, render, Format};
use crate::diagnostic::{self, Diagnostic, Summary};
use crate::env::Environment;
use crate::litellm::{check_file, CheckOptions};
use crate::syntax::SourceMap;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The LiteLLM proxy config (litellm_config.yaml). Repeatable: each file is checked on its own.
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Vec<PathBuf>,
    /// The OpenClaw config (openclaw.json); its `litellm/<model>` refs are checked against a single
    /// --config. Repeatable: each file is checked on its own.
    #[arg(long, value_name = "FILE")]
    pub openclaw: Vec<PathBuf>,
    /// More files, as pre-commit passes them: `.yaml`/`.yml` are LiteLLM configs, `.json`/`.json5`
    /// OpenClaw configs. A directory is searched for configs by name, honouring `.gitignore`;
    /// with no file at all, the current directory is.
    #[arg(value_name = "FILE|DIR")]
    pub files: Vec<PathBuf>,
    /// Output format [default: github under GitHub Actions, else human].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Read variables from a dotenv file; the environment and earlier files win (repeatable).
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
    /// The merged LiteLLM tree (includes applied), when `--config` was given and could be read.
    pub litellm_root: Option<crate::syntax::Node>,
    /// What the LiteLLM config serves.
    /// The LiteLLM config as it will run (the one resolved model), when one was read.
    pub resolved: Option<crate::litellm::resolved::ResolvedConfig>,
}

/// The LiteLLM and the OpenClaw configs to check: the flags' files, then the positional ones by
/// extension, then what directories hold (or the current directory, when nothing was named).
fn files_by_kind(args: &CheckArgs) -> Result<(Vec<PathBuf>, Vec<PathBuf>), String> {
    let mut configs = args.config.clone();
    let mut openclaws = args.openclaw.clone();
    let mut files = Vec::new();
    let mut directories = Vec::new();
    for path in &args.files {
        if path.is_dir() {
            directories.push(path.clone());
        } else {
            files.push(path.clone());
        }
    }
    if args.files.is_empty() && configs.is_empty() && openclaws.is_empty() {
        directories.push(PathBuf::from("."));
    }
    for directory in &directories {
        let found = super::discover::configs_in(directory)?;
        configs.extend(found.litellm);
        openclaws.extend(found.openclaw);
    }
    for file in &files {
        let extension = file
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("yaml" | "yml") => configs.push(file.clone()),
            Some("json" | "json5") => openclaws.push(file.clone()),
            _ => {
                return Err(format!(
                    "cannot tell what {} is: .yaml/.yml files are LiteLLM configs, .json/.json5 \
                     OpenClaw configs; use --config FILE or --openclaw FILE",
                    file.display()
                ))
            }
        }
    }
    Ok((configs, openclaws))
}

/// Runs every check the arguments ask for. `Err` is a usage or I/O problem (exit 2).
pub fn collect(args: &CheckArgs) -> Result<Report, String> {
    let (configs, openclaws) = files_by_kind(args)?;
    if configs.is_empty() && openclaws.is_empty() {
        return Err(
            "nothing to check: pass --config FILE and/or --openclaw FILE, or a directory holding \
             litellm*config*.yaml, config.yaml with a model_list, or openclaw*.json files"
                .into(),
        );
    }
    // Files found in a directory are checked each on its own when there is no single LiteLLM
    // config to check OpenClaw refs against; files named on the command line must pair up.
    let named_files = !args.config.is_empty()
        || !args.openclaw.is_empty()
        || args.files.iter().any(|f| !f.is_dir());
    let cross_file = configs.len() == 1;
    if configs.len() > 1 && !openclaws.is_empty() && named_files {
        return Err(
            "OpenClaw refs are checked against one LiteLLM config: pass a single --config FILE with --openclaw"
                .into(),
        );
    }
    let env = Environment::with_env_files(&args.env_file)?;
    let mut sources = SourceMap::new();
    let mut diagnostics = Vec::new();
    let mut resolved = None;
    let mut litellm_root = None;
    for config in &configs {
        let options = CheckOptions {
            env: env.clone(),
            require_env: args.require_env,
            ..CheckOptions::default()
        };
        let outcome = check_file(config, &options, &mut sources).map_err(|e| e.to_string())?;
        diagnostics.extend(outcome.diagnostics);
        // Refs are only checked against a config that could be read.
        if outcome.root.is_some() {
            resolved = Some(outcome.resolved);
            litellm_root = outcome.root;
        }
    }
    for openclaw in &openclaws {
        let found = crate::openclaw::check(
            openclaw,
            &env,
            &mut sources,
            resolved.as_ref().filter(|_| cross_file).map(|r| &r.groups),
            args.require_env,
        )
        .map_err(|e| e.to_string())?;
        diagnostics.extend(found);
    }
    diagnostic::sort(&mut diagnostics);
    Ok(Report {
        sources,
        diagnostics,
        litellm_root,
        resolved,
    })
}

pub fn exit_code(diagnostics: &[Diagnostic], strict: bool) -> ExitCode {
    let summary = Summary::of(diagnostics);
    if summary.errors > 0 || (strict && summary.warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

pub fn run(args: CheckArgs) -> ExitCode {
    let report = match collect(&args) {
        Ok(report) => report,
        Err(message) => {
            super::usage_error(&format!("error: {message}"));
            return ExitCode::from(2);
        }
    };
    let format = args.format.unwrap_or_else(Format::default_for_env);
    let color = color_for_env(std::io::stdout().is_terminal());
    output::stdout(&render(format, &report.sources, &report.diagnostics, color));
    let code = exit_code(&report.diagnostics, args.strict);
    // The process ends here: freeing a large tree node by node would cost more than the whole
    // check of it, and the OS reclaims the memory at once.
    std::mem::forget(report);
    code
}
