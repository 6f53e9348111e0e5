fn main() -> std::process::ExitCode {
    litellm_check::cli::main()
}
