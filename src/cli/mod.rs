//! Thin clap commands over the library.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "litellm-check",
    version,
    about = "Check LiteLLM proxy and OpenClaw configs before they ship"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a LiteLLM config (and an OpenClaw config) and report every finding.
    Check(check::CheckArgs),
    /// Write a normalized proxy config, the matching OpenClaw fragment and an .env.example.
    Compile(compile::CompileArgs),
    /// List every rule code with its severity and the real-tool behaviour it guards against.
    Rules(rules::RulesArgs),
    /// Print the JSON Schema (draft-07) of a LiteLLM or OpenClaw config, or write both with --out-dir.
    #[command(
        override_usage = "litellm-check schema <litellm|openclaw>\n       litellm-check schema --out-dir DIR"
    )]
    Schema(schema::SchemaArgs),
}

pub mod check;
pub mod compile;
pub mod rules;
pub mod schema;

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Rules(args) => rules::run(args),
        Command::Compile(args) => compile::run(args),
        Command::Schema(args) => schema::run(args),
    }
}
