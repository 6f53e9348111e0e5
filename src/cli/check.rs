//! `litellm-check check`.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The LiteLLM proxy config (litellm_config.yaml).
    #[arg(long, short = 'c')]
    pub config: Option<PathBuf>,
}

pub fn run(_args: CheckArgs) -> ExitCode {
    ExitCode::SUCCESS
}
