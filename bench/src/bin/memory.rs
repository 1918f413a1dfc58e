//! Memory at scale: streams COUNT operations through the generated client's item stream (page
//! size 1,000) from `server`, and prints the peak resident set size of this process. Run once per
//! count: a flat peak means pages are dropped as they are read.
//!
//! memory BASE_URL COUNT

use futures_util::TryStreamExt;
use networkconnectivity_v1::prelude::*;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let base = args.next().expect("BASE_URL");
    let count: usize = args.next().expect("COUNT").parse().expect("COUNT");
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = networkconnectivity_v1::Client::builder()
        .bearer_token("token")
        .build()
        .unwrap();
    let service = networkconnectivity_v1::Service::with_base_url(&client, base.clone());
    let before = discogen_bench::peak_rss_mib();
    let mut items = service
        .projects()
        .locations()
        .operations()
        .list("projects/bench-project/locations/us-central1")
        .page_size(1000)
        .items();
    let mut seen = 0usize;
    while let Some(operation) = items.try_next().await.unwrap() {
        assert!(operation.name.is_some());
        seen += 1;
    }
    assert_eq!(seen, count, "the server must hold exactly COUNT operations");
    println!(
        "| {count} | {:.1} MiB | {:.1} MiB |",
        before,
        discogen_bench::peak_rss_mib()
    );
}
