fn main() -> std::process::ExitCode {
    litellm_check::cli::main()
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
