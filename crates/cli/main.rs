//! The `ekslint` binary: command line, file discovery, the thread pool and exit codes. Thin on
//! purpose: parsing, rules and rendering live in the library crates.

mod args;
mod check;
mod discover;
mod explain;
mod fix;
mod progress;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match cli.command {
        args::Command::Check(a) => check::run(*a),
        args::Command::Rules(a) => explain::rules(a),
        args::Command::Rule(a) => explain::rule(a),
    }
}
