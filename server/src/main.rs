use clap::Parser;
use floorwalk::{cli::Cli, telemetry};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    telemetry::init();
    match Cli::parse().run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
