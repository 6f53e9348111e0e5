//! Thin clap commands over the library.

use clap::{CommandFactory, Parser, Subcommand};
use std::process::ExitCode;

use crate::diagnostic::format::{set_color_choice, ColorChoice};

/// Exit codes and environment variables, shown by `--help`.
const AFTER_HELP: &str = "\
Exit codes:
  0  no errors (warnings allowed unless --strict)
  1  errors found (or warnings with --strict); `explain`: the model is not served
  2  usage error, or a file that cannot be read

Environment:
  GITHUB_ACTIONS=true          `check --format` defaults to `github` (annotations)
  NO_COLOR                     no colour (any non-empty value)
  FORCE_COLOR, CLICOLOR_FORCE  colour even off a terminal (any value but empty or 0)
  TERM=dumb                    no colour
  <any variable>               `os.environ/NAME` and `${NAME}` are checked against the process
                               environment plus --env-file files; values are never printed";

#[derive(Debug, Parser)]
#[command(
    name = "litellm-check",
    version,
    about = "Check LiteLLM proxy and OpenClaw configs before they ship",
    after_help = AFTER_HELP
)]
pub struct Cli {
    /// When to colour human output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a LiteLLM config (and an OpenClaw config) and report every finding.
    Check(check::CheckArgs),
    /// Write a normalized proxy config, the matching OpenClaw fragment and an .env.example.
    Compile(compile::CompileArgs),
    /// What the router will do: every group, alias, wildcard route and fallback, or how MODEL resolves.
    Explain(explain::ExplainArgs),
    /// List every rule code with its severity, its fixes (safe/unsafe) and the real-tool behaviour it guards against.
    Rules(rules::RulesArgs),
    /// Print the JSON Schema (draft-07) of a LiteLLM or OpenClaw config, or write both with --out-dir.
    #[command(
        override_usage = "litellm-check schema <litellm|openclaw>\n       litellm-check schema --out-dir DIR"
    )]
    Schema(schema::SchemaArgs),
    /// Run the language server (LSP over stdio): findings, hover, completion, go to definition
    /// and quick fixes in the editor.
    Server(ServerArgs),
    /// Print a shell completion script: `litellm-check completions bash > /etc/bash_completion.d/litellm-check`.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// `litellm-check server`.
#[derive(Debug, clap::Args)]
pub struct ServerArgs {
    /// Talk over stdin/stdout (the only transport; accepted because LSP clients pass it).
    #[arg(long)]
    pub stdio: bool,
}

pub mod check;
pub mod compile;
pub mod discover;
pub mod explain;
pub mod fix;
pub mod output;
pub mod rules;
pub mod schema;

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            if e.use_stderr() {
                usage_error(&e.render().to_string());
                return ExitCode::from(2);
            }
            // --help and --version: to standard output, quietly if the reader went away.
            output::stdout(&e.render().to_string());
            return ExitCode::SUCCESS;
        }
    };
    set_color_choice(cli.color);
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Rules(args) => rules::run(args),
        Command::Compile(args) => compile::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Schema(args) => schema::run(args),
        Command::Server(_) => crate::server::run(),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "litellm-check", &mut script);
            output::stdout(&String::from_utf8_lossy(&script));
            ExitCode::SUCCESS
        }
    }
}

/// Reports a usage error on standard error; under GitHub Actions also as an `::error::`
/// annotation, so a misconfigured workflow step shows on the run's summary like a finding.
pub fn usage_error(message: &str) {
    output::stderr(message);
    if !message.ends_with('\n') {
        output::stderr("\n");
    }
    if std::env::var("GITHUB_ACTIONS").as_deref() == Ok("true") {
        let first = message
            .lines()
            .map(|l| l.trim_start_matches("error: "))
            .find(|l| !l.trim().is_empty())
            .unwrap_or("usage error");
        output::stdout(&format!(
            "::error title=litellm-check::{}\n",
            crate::diagnostic::github::escape_data(first)
        ));
    }
}
