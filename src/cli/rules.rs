//! `litellm-check rules`: every rule code with its default severity and what it guards against.

use clap::Args;
use std::process::ExitCode;

use super::output;

use crate::diagnostic::Code;

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Print a Markdown table (the one in the README).
    #[arg(long)]
    pub markdown: bool,
}

/// The Markdown table of every rule, as the README carries it.
pub fn markdown_table() -> String {
    let mut out =
        String::from("| Code | Name | Severity | Fix | Guards against |\n|---|---|---|---|---|\n");
    for code in Code::ALL {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} |\n",
            code.as_str(),
            code.name(),
            code.default_severity().as_str(),
            code.fix_availability().map_or("", |f| f.applicability),
            code.summary().replace('|', "\\|")
        ));
    }
    out
}

pub fn run(args: RulesArgs) -> ExitCode {
    if args.markdown {
        output::stdout(&markdown_table());
    } else {
        for code in Code::ALL {
            output::stdout(&format!(
                "{} {:<34} {:<8} {:<14} {}\n",
                code.as_str(),
                code.name(),
                code.default_severity().as_str(),
                code.fix_availability().map_or("-", |f| f.applicability),
                code.summary()
            ));
        }
    }
    ExitCode::SUCCESS
}
