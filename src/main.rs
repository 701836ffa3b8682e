use std::process::ExitCode;

use clap::Parser;
use dossier::cli::args::Cli;
use dossier::cli::{Outcome, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli, &mut std::io::stdout().lock()) {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Problems) => ExitCode::from(1),
        // The reader of standard output has gone: nothing is left to say to anyone.
        Err(dossier::Error::OutputClosed) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}
