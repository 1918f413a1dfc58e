//! The small program of BENCHMARKS.md, with the generated crate: get an operation, list every
//! page of a location's operations, cancel one, delete one. `BENCH_BASE_URL` points it at the
//! bench server (default: the real endpoint); `ACCESS_TOKEN` is the bearer token.

use futures_util::TryStreamExt;
use networkconnectivity_v1::models::GoogleLongrunningCancelOperationRequest;
use networkconnectivity_v1::prelude::*;
use networkconnectivity_v1::{Client, Error, Service};

const PARENT: &str = "projects/bench-project/locations/us-central1";

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let client = Client::builder()
        .bearer_token(std::env::var("ACCESS_TOKEN").unwrap_or_default())
        .build()?;
    let service = match std::env::var("BENCH_BASE_URL") {
        Ok(base) => Service::with_base_url(&client, base),
        Err(_) => Service::new(&client),
    };
    let operations = service.projects().locations().operations();

    let operation = operations.get(format!("{PARENT}/operations/op-00000001")).send().await?;
    println!("got {:?}, done: {:?}", operation.name, operation.done);

    let mut pages = operations.list(PARENT).page_size(100).pages();
    let (mut count, mut listed) = (0, 0);
    while let Some(page) = pages.try_next().await? {
        count += 1;
        listed += page.operations.map_or(0, |o| o.len());
    }
    println!("listed {listed} operations in {count} pages");

    let cancel = GoogleLongrunningCancelOperationRequest::default();
    operations.cancel(format!("{PARENT}/operations/op-00000002"), cancel).send().await?;
    operations.delete(format!("{PARENT}/operations/op-00000003")).send().await?;
    println!("cancelled and deleted");
    Ok(())
}
