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
use crate::litellm_version::Versions;
use crate::rule_control::selection::parse_list;
use crate::rule_control::{RuleSelection, Settings};
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
    /// Report only these rules: codes or code prefixes (`LL05`, `OC`) or `ALL`; comma-separated
    /// or repeated. Replaces the settings file's `select`.
    #[arg(long, value_delimiter = ',', value_name = "CODE")]
    pub select: Vec<String>,
    /// Report these rules too, on top of `select`.
    #[arg(long, value_delimiter = ',', value_name = "CODE")]
    pub extend_select: Vec<String>,
    /// Do not report these rules (the most specific selector wins: `--ignore LL05
    /// --extend-select LL050` keeps LL050).
    #[arg(long, value_delimiter = ',', value_name = "CODE")]
    pub ignore: Vec<String>,
    /// Use this settings file (litellm-check.toml, or a pyproject.toml with
    /// [tool.litellm-check]) instead of the one found upward from each checked file.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config_file: Option<PathBuf>,
    /// Ignore every settings file.
    #[arg(long)]
    pub isolated: bool,
    /// Also report what only matters to another runner of the config: `litellm-proxy` adds the
    /// deployments this project's reference proxy cannot route (LL066).
    #[arg(long = "for", value_enum, value_name = "RUNNER")]
    pub runner: Option<Runner>,
    /// Judge the LiteLLM config against these LiteLLM versions only [default: the settings
    /// file's `litellm-version`, else both]. A finding that holds for only some of the targeted
    /// versions says which (a bare model id only 1.80's price table knows is a warning with
    /// both, an error with `1.109`).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "VERSION")]
    pub litellm_version: Vec<crate::litellm_version::LiteLlmVersion>,
    /// Apply the safe fixes in place, then report what is left (files reached through includes
    /// are fixed in their own file).
    #[arg(long)]
    pub fix: bool,
    /// With --fix or --diff: apply the unsafe fixes too (they move keys between sections or
    /// choose a provider; review them).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print a unified diff of what --fix would change instead of writing it (exit 1 when it
    /// would change a file).
    #[arg(long)]
    pub diff: bool,
}

/// A program other than LiteLLM that runs the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Runner {
    /// This project's reference proxy (`litellm-proxy`).
    LitellmProxy,
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
    /// A settings file of a checked file asked for `strict`.
    pub strict: bool,
}

/// Rule control for one run: the command line's selection and where settings come from.
struct Control {
    cli: RuleSelection,
    explicit: Option<Settings>,
    isolated: bool,
    /// Settings found for each directory already looked up: `check DIR` reads each settings
    /// file once, not once per checked file.
    found: std::cell::RefCell<std::collections::HashMap<PathBuf, Settings>>,
}

impl Control {
    fn from_args(args: &CheckArgs) -> Result<Control, String> {
        let cli = RuleSelection {
            select: (!args.select.is_empty())
                .then(|| parse_list(&args.select))
                .transpose()?,
            extend_select: parse_list(&args.extend_select)?,
            ignore: parse_list(&args.ignore)?,
        };
        let explicit = match &args.config_file {
            Some(path) => Some(
                Settings::read(path)
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| format!("{}: no [tool.litellm-check] table", path.display()))?,
            ),
            None => None,
        };
        Ok(Control {
            cli,
            explicit,
            isolated: args.isolated,
            found: Default::default(),
        })
    }

    /// The settings that apply to a checked file.
    fn settings_for(&self, file: &std::path::Path) -> Result<Settings, String> {
        if self.isolated {
            return Ok(Settings::default());
        }
        if let Some(explicit) = &self.explicit {
            return Ok(explicit.clone());
        }
        let directory = file
            .canonicalize()
            .ok()
            .and_then(|p| p.parent().map(std::path::Path::to_path_buf))
            .unwrap_or_default();
        if let Some(settings) = self.found.borrow().get(&directory) {
            return Ok(settings.clone());
        }
        let settings = Settings::discover(file)
            .map_err(|e| e.to_string())?
            .unwrap_or_default();
        self.found.borrow_mut().insert(directory, settings.clone());
        Ok(settings)
    }

    /// Keeps the findings of one check that the selection, `per-file-ignores` and inline
    /// suppressions (in the files the check read, `first_file` on) let through, and adds LC001
    /// for suppressions that suppress nothing.
    fn filter(
        &self,
        settings: &Settings,
        sources: &SourceMap,
        first_file: usize,
        found: &mut Vec<Diagnostic>,
    ) {
        crate::rule_control::filter(&self.cli, settings, sources, first_file, found);
    }
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
    let control = Control::from_args(args)?;
    let mut environments: Vec<(Option<PathBuf>, Environment)> = Vec::new();
    let mut environment_for = |settings: &Settings| -> Result<Environment, String> {
        if let Some((_, env)) = environments.iter().find(|(s, _)| *s == settings.source) {
            return Ok(env.clone());
        }
        let mut files = args.env_file.clone();
        files.extend(settings.env_files.iter().cloned());
        let env = Environment::with_env_files(&files)?;
        environments.push((settings.source.clone(), env.clone()));
        Ok(env)
    };
    let mut sources = SourceMap::new();
    let mut diagnostics = Vec::new();
    let mut resolved = None;
    let mut litellm_root = None;
    let mut strict = false;
    for config in &configs {
        let settings = control.settings_for(config)?;
        strict |= settings.strict;
        let options = CheckOptions {
            env: environment_for(&settings)?,
            require_env: args.require_env || settings.require_env,
            for_proxy: args.runner == Some(Runner::LitellmProxy),
            versions: if args.litellm_version.is_empty() {
                settings.versions.unwrap_or_default()
            } else {
                Versions::from_iter(args.litellm_version.iter().copied())
            },
            ..CheckOptions::default()
        };
        let first_file = sources.iter().count();
        let mut outcome = check_file(config, &options, &mut sources).map_err(|e| e.to_string())?;
        control.filter(&settings, &sources, first_file, &mut outcome.diagnostics);
        diagnostics.extend(outcome.diagnostics);
        // Refs are only checked against a config that could be read.
        if outcome.root.is_some() {
            resolved = Some(outcome.resolved);
            litellm_root = outcome.root;
        }
    }
    for openclaw in &openclaws {
        let settings = control.settings_for(openclaw)?;
        strict |= settings.strict;
        let env = environment_for(&settings)?;
        let first_file = sources.iter().count();
        let mut found = crate::openclaw::check(
            openclaw,
            &crate::CheckOptions::with_env(&env, args.require_env || settings.require_env),
            &mut sources,
            resolved.as_ref().filter(|_| cross_file).map(|r| &r.groups),
        )
        .map_err(|e| e.to_string())?;
        control.filter(&settings, &sources, first_file, &mut found);
        diagnostics.extend(found);
    }
    diagnostic::sort(&mut diagnostics);
    Ok(Report {
        sources,
        diagnostics,
        litellm_root,
        resolved,
        strict,
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
    if args.fix || args.diff {
        return run_fix(&args);
    }
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
    let code = exit_code(&report.diagnostics, args.strict || report.strict);
    // The process ends here: freeing a large tree node by node would cost more than the whole
    // check of it, and the OS reclaims the memory at once.
    std::mem::forget(report);
    code
}

/// `check --fix` / `--diff`: the fixes applied over passes ([`super::fix`]), then written (or
/// shown as a diff), then the findings that are left reported as a plain check reports them.
fn run_fix(args: &CheckArgs) -> ExitCode {
    let required = if args.unsafe_fixes {
        diagnostic::Applicability::Unsafe
    } else {
        diagnostic::Applicability::Safe
    };
    let fixed = match super::fix::apply(args, required) {
        Ok(fixed) => fixed,
        Err(message) => {
            super::usage_error(&format!("error: {message}"));
            return ExitCode::from(2);
        }
    };
    if let Some(why) = &fixed.stopped {
        output::stderr(&format!("warning: {why}\n"));
    }
    let files = fixed.changed.len();
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            one.to_string()
        } else {
            many.to_string()
        }
    };
    if args.diff {
        output::stdout(&super::fix::unified_diff(&fixed.changed));
        output::stderr(&format!(
            "would fix {} {} in {files} {}\n",
            fixed.applied,
            plural(fixed.applied, "finding", "findings"),
            plural(files, "file", "files")
        ));
        std::mem::forget(fixed);
        return if files > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        };
    }
    let failures = super::fix::write_all(&fixed.changed);
    for failure in &failures {
        output::stderr(&format!("error: {failure}\n"));
    }
    let written = files - failures.len();
    if failures.is_empty() {
        output::stderr(&format!(
            "fixed {} {} in {written} {}\n",
            fixed.applied,
            plural(fixed.applied, "finding", "findings"),
            plural(written, "file", "files")
        ));
    }
    let report = if failures.is_empty() {
        fixed.report
    } else {
        // What is on disk is what counts: check it again as it now is.
        match collect(args) {
            Ok(report) => report,
            Err(message) => {
                super::usage_error(&format!("error: {message}"));
                return ExitCode::from(2);
            }
        }
    };
    let format = args.format.unwrap_or_else(Format::default_for_env);
    let color = color_for_env(std::io::stdout().is_terminal());
    output::stdout(&render(format, &report.sources, &report.diagnostics, color));
    let code = if failures.is_empty() {
        exit_code(&report.diagnostics, args.strict || report.strict)
    } else {
        ExitCode::from(2)
    };
    std::mem::forget(report);
    code
}
