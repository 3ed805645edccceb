//! `snapguard-server`: run the local Alibaba Cloud endpoint.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use snapguard_server::engine::AutoFinish;
use snapguard_server::{Config, open, serve};

/// A local Alibaba Cloud endpoint (ECS 2014-05-26, Resource Sharing
/// 2020-01-10) backed by snapguard: point the official SDKs at it and run
/// your automation unchanged.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Flags {
    /// The address to listen on. Keep it on loopback: the admin API has no
    /// authentication.
    #[arg(long, default_value = "127.0.0.1")]
    address: IpAddr,
    /// The port; 0 picks a free one (printed at start).
    #[arg(long, default_value_t = 8765)]
    port: u16,
    /// Where the database lives.
    #[arg(long, default_value = "./snapguard-data", conflicts_with = "in_memory")]
    data_dir: PathBuf,
    /// Keep nothing on disk.
    #[arg(long)]
    in_memory: bool,
    /// A region that exists from the start (repeat for more).
    #[arg(long = "region", default_values_t = ["cn-hangzhou".to_owned(), "cn-shanghai".to_owned()])]
    regions: Vec<String>,
    /// Seconds after which snapshots and copies complete by themselves
    /// (0: in the request that starts them).
    #[arg(long, default_value_t = 0, conflicts_with = "manual_finish")]
    snapshot_delay_seconds: u32,
    /// Snapshots and copies stay in progress until the admin API completes
    /// them (POST /_snapguard/snapshots/{id}/finish).
    #[arg(long)]
    manual_finish: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SNAPGUARD_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let flags = Flags::parse();
    let config = Config {
        data_dir: (!flags.in_memory).then(|| flags.data_dir.clone()),
        regions: flags.regions.clone(),
        auto_finish: match (flags.manual_finish, flags.snapshot_delay_seconds) {
            (true, _) => AutoFinish::Manual,
            (false, 0) => AutoFinish::AtOnce,
            (false, seconds) => AutoFinish::After(chrono::Duration::seconds(i64::from(seconds))),
        },
    };
    let (engine, welcome) = match open(&config) {
        Ok(opened) => opened,
        Err(error) => {
            eprintln!("snapguard-server: {error}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind((flags.address, flags.port)).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!(
                "snapguard-server: cannot listen on {}:{}: {error}",
                flags.address, flags.port
            );
            return ExitCode::FAILURE;
        }
    };
    let address = match listener.local_addr() {
        Ok(address) => address,
        Err(error) => {
            eprintln!("snapguard-server: {error}");
            return ExitCode::FAILURE;
        }
    };
    if !flags.address.is_loopback() {
        eprintln!(
            "snapguard-server: warning: listening on {} (not loopback): the admin API under /_snapguard/ has no authentication",
            flags.address
        );
    }
    // The first line is for programs that start the server on port 0.
    println!("snapguard-server listening on http://{address}");
    println!("  endpoint:          {address} (protocol http)");
    println!("  regions:           {}", welcome.regions.join(", "));
    println!("  account:           {}", welcome.account);
    println!("  access key id:     {}", welcome.access_key_id);
    println!("  access key secret: {}", welcome.access_key_secret);
    match &config.data_dir {
        Some(dir) => println!("  data:              {}", dir.display()),
        None => println!("  data:              in memory (nothing is kept)"),
    }
    println!("  admin API:         http://{address}/_snapguard/");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match serve(engine, listener, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("snapguard-server: {error}");
            ExitCode::FAILURE
        }
    }
}
