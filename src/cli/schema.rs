//! `litellm-check schema`: prints or writes the JSON Schemas.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

use super::output;

use crate::published_schema::{write_all, Target};

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which schema to print.
    #[arg(value_enum, required_unless_present = "out_dir")]
    pub target: Option<Target>,
    /// Write both schemas into DIR (litellm.schema.json, openclaw.schema.json) instead.
    #[arg(long, value_name = "DIR", conflicts_with = "target")]
    pub out_dir: Option<PathBuf>,
}

pub fn run(args: SchemaArgs) -> ExitCode {
    if let Some(dir) = &args.out_dir {
        return match write_all(dir) {
            Ok(paths) => {
                for path in paths {
                    output::stderr(&format!("wrote {}\n", path.display()));
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                output::stderr(&format!(
                    "error: cannot write schemas to {}: {e}\n",
                    dir.display()
                ));
                ExitCode::from(2)
            }
        };
    }
    match args.target {
        Some(target) => {
            output::stdout(&target.text());
            ExitCode::SUCCESS
        }
        None => {
            output::stderr("error: pass `litellm`, `openclaw` or --out-dir DIR\n");
            ExitCode::from(2)
        }
    }
}
