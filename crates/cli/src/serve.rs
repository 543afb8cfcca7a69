//! `levain serve`: the dashboard and the JSON API.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on. Anything but loopback needs --token.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Token every API request must carry (`Authorization: Bearer TOKEN`);
    /// required off loopback.
    #[arg(long, env = "LEVAIN_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Largest upload accepted, in MiB.
    #[arg(long, default_value_t = 2048, value_name = "MIB")]
    max_upload: u64,
}

pub fn run(data: &Path, args: Args) -> anyhow::Result<ExitCode> {
    let mut config = levain_server::Config::new(args.addr, data.to_owned());
    config.token = args.token;
    config.max_upload = args.max_upload << 20;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(levain_server::serve(config))?;
    Ok(ExitCode::SUCCESS)
}
