//! Uploads a large generated file through the resumable path to an in-process server and prints
//! the process's peak memory, to show that a resumable upload holds about one chunk, whatever
//! the file's size.
//!
//! ```text
//! cargo run --release -p discogen-runtime --example upload_memory -- [FILE_MIB] [CHUNK_MIB]
//! ```
//!
//! (defaults: a 512 MiB file in 8 MiB chunks; Linux only, for `/proc/self/status`). It prints
//! one Markdown table row, for a benchmark script to put under this header:
//!
//! ```text
//! | file | chunk size | RSS before the upload | peak RSS | peak − before | time |
//! |---:|---:|---:|---:|---:|---:|
//! ```
//!
//! The server counts the bytes it receives and keeps none of them, so what grows is the
//! client's. The file is written to the temporary directory first, and removed after.

#[path = "../tests/media_api/mod.rs"]
mod media_api;

use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, Uri};
use axum::response::Response;
use discogen_runtime::prelude::*;
use discogen_runtime::{Client, UploadSource};
use futures_util::StreamExt as _;

const MIB: u64 = 1024 * 1024;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let file_mib: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(512);
    let chunk_mib: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(8);

    let path = std::env::temp_dir().join(format!("discogen-upload-{}.bin", std::process::id()));
    write_file(&path, file_mib * MIB);
    let addr = serve().await;

    let client = Client::builder().build().expect("a client");
    let service = media_api::Service::with_base_url(&client, format!("http://{addr}/mediaapi/v1/"));
    let source = UploadSource::file(&path).await.expect("the generated file");
    let before = rss_kib("VmRSS:");
    let started = Instant::now();
    let file = service
        .files()
        .insert(media_api::models::File::default())
        .upload_resumable(source, "application/octet-stream")
        .chunk_size((chunk_mib * MIB) as usize)
        .send()
        .await;
    let took = started.elapsed();
    let peak = rss_kib("VmHWM:");
    std::fs::remove_file(&path).ok();
    let file = file.expect("the upload");
    assert_eq!(
        file.size,
        Some((file_mib * MIB) as i64),
        "the server got every byte"
    );

    let mib = |kib: u64| kib as f64 / 1024.0;
    let growth = mib(peak.saturating_sub(before));
    println!(
        "| {file_mib} MiB | {chunk_mib} MiB | {:.1} MiB | {:.1} MiB | {growth:.1} MiB ({:.1} chunks) | {:.1} s |",
        mib(before),
        mib(peak),
        growth / chunk_mib as f64,
        took.as_secs_f64()
    );
}

/// A file of `len` pseudo-random bytes, written 1 MiB at a time.
fn write_file(path: &std::path::Path, len: u64) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).expect("a temporary file"));
    let mut rng = fastrand::Rng::with_seed(len);
    let mut block = vec![0u8; MIB as usize];
    for _ in 0..len / MIB {
        rng.fill(&mut block);
        file.write_all(&block).expect("writing the file");
    }
    file.flush().expect("writing the file");
}

/// A field of `/proc/self/status`, in KiB (0 where there is none).
fn rss_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// The resumable protocol, reduced to what this client sends: a session, then chunks counted
/// as they stream in and dropped.
async fn serve() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = listener.local_addr().expect("an address");
    let received = Arc::new(AtomicU64::new(0));
    let app = axum::Router::new()
        .fallback(handle)
        .with_state((addr, received));
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

async fn handle(
    State((addr, received)): State<(SocketAddr, Arc<AtomicU64>)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if method == Method::POST {
        return Response::builder()
            .status(200)
            .header(
                header::LOCATION,
                format!("http://{addr}/session{}", uri.path()),
            )
            .body(Body::empty())
            .expect("a reply");
    }
    let mut stream = body.into_data_stream();
    while let Some(Ok(piece)) = stream.next().await {
        received.fetch_add(piece.len() as u64, Ordering::Relaxed);
    }
    let have = received.load(Ordering::Relaxed);
    let total = headers
        .get(header::CONTENT_RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit('/').next())
        .and_then(|t| t.parse::<u64>().ok());
    if total == Some(have) {
        let file = format!(r#"{{"name":"big.bin","size":"{have}"}}"#);
        return Response::builder()
            .status(200)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(file))
            .expect("a reply");
    }
    Response::builder()
        .status(308)
        .header(header::RANGE, format!("bytes=0-{}", have.saturating_sub(1)))
        .body(Body::empty())
        .expect("a reply")
}
