//! `litellm-check schema`: prints or writes the JSON Schemas.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

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
                    eprintln!("wrote {}", path.display());
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: cannot write schemas to {}: {e}", dir.display());
                ExitCode::from(2)
            }
        };
    }
    match args.target {
        Some(target) => {
            print!("{}", target.text());
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("error: pass `litellm`, `openclaw` or --out-dir DIR");
            ExitCode::from(2)
        }
    }
}
