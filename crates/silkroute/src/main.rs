//! The `silkroute` binary: parses the command line, loads configuration, picks the storage
//! backend from the database URL and wires app, HTTP and CLI together. Nothing else lives here.

#![forbid(unsafe_code)]

mod bench;
mod cli;
mod commands;
mod config;
mod ecb_fetch;
mod store;

use std::process::ExitCode;

use clap::Parser;

/// Rollups, row decoding and bound arguments allocate many small strings; mimalloc serves them
/// with far less contention and fragmentation than the system allocator (measured on
/// `silkroute analytics rebuild`, see README).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the runtime: {error}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(error) => {
            let code = commands::exit_code_for(&error);
            eprintln!("error: {error:#}");
            ExitCode::from(code)
        }
    }
}
