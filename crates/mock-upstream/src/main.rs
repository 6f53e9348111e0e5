//! The in-repo mock upstream as a program, for load runs and manual tries.
//!
//! `mock-upstream [--port 0]` prints `listening on http://127.0.0.1:PORT` once it accepts.

use std::net::SocketAddr;
use std::process::ExitCode;

#[tokio::main(flavor = "multi_thread")]
async fn main() -> ExitCode {
    let mut port: u16 = 0;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--port", Some(value)) => match value.parse() {
                Ok(p) => port = p,
                Err(_) => {
                    eprintln!("error: --port needs a number, got `{value}`");
                    return ExitCode::from(2);
                }
            },
            _ => {
                eprintln!("usage: mock-upstream [--port N]");
                return ExitCode::from(2);
            }
        }
    }
    let mock =
        match mock_upstream::MockUpstream::bind(SocketAddr::from(([127, 0, 0, 1], port))).await {
            Ok(mock) => mock,
            Err(e) => {
                eprintln!("error: cannot listen on port {port}: {e}");
                return ExitCode::FAILURE;
            }
        };
    println!("listening on http://{}", mock.addr());
    let _ = tokio::signal::ctrl_c().await;
    drop(mock);
    ExitCode::SUCCESS
}
