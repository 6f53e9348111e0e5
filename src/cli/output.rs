//! Writing the commands' output as command-line tools are expected to: when the reader goes
//! away (`litellm-check rules | head`), the rest of the output is dropped quietly instead of
//! panicking the way `print!` does on a closed pipe; the exit code stays what the run decided.

use std::io::Write;

/// Writes `text` to standard output. A closed pipe ends the output silently; any other write
/// error is reported once on standard error.
pub fn stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            stderr(&format!("error: cannot write the output: {e}\n"));
        }
    }
}

/// Writes `text` to standard error, ignoring failure (there is nowhere left to report it).
pub fn stderr(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
}
