//! The whole check on arbitrary text, as a LiteLLM config (first byte even) or an OpenClaw
//! config (first byte odd), rendered in every format: never a panic. Run with inputs above 1 MB
//! and a timeout (README, Development): duplicate keys, positions, "did you mean" and the fold of
//! repeated findings are where a quadratic path would show as a slow unit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use litellm_check::diagnostic::{render, Format};
use litellm_check::env::Environment;
use litellm_check::litellm::{check_file, CheckOptions};
use litellm_check::openclaw;
use litellm_check::syntax::SourceMap;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let litellm = selector % 2 == 0;
    let dir = std::env::temp_dir().join(format!("litellm-check-fuzz-{}", std::process::id()));
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let path = dir.join(if litellm { "config.yaml" } else { "openclaw.json5" });
    if std::fs::write(&path, body).is_err() {
        return;
    }
    let mut sources = SourceMap::new();
    let found = if litellm {
        check_file(&path, &CheckOptions::default(), &mut sources).map(|o| o.diagnostics)
    } else {
        openclaw::check(&path, &Environment::empty(), &mut sources, None, false)
    };
    let Ok(diagnostics) = found else {
        return;
    };
    for format in [Format::Human, Format::Json, Format::Sarif, Format::Github] {
        let _ = render(format, &sources, &diagnostics, false);
    }
});
