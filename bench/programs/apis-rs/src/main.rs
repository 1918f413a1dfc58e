//! The small program of BENCHMARKS.md, with google-networkconnectivity1 (google-apis-rs): get an
//! operation, list every page of a location's operations, cancel one, delete one.
//! `BENCH_BASE_URL` points it at the bench server; `ACCESS_TOKEN` is the bearer token.

use google_networkconnectivity1::api::GoogleLongrunningCancelOperationRequest;
use google_networkconnectivity1::{hyper_rustls, hyper_util, Networkconnectivity};

const PARENT: &str = "projects/bench-project/locations/us-central1";

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), google_networkconnectivity1::Error> {
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .expect("native roots")
        .https_or_http()
        .enable_http2()
        .build();
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build(connector);
    let mut hub = Networkconnectivity::new(client, std::env::var("ACCESS_TOKEN").unwrap_or_default());
    if let Ok(base) = std::env::var("BENCH_BASE_URL") {
        hub.root_url(base.clone());
        hub.base_url(base);
    }
    let projects = hub.projects();

    let (_, operation) = projects
        .locations_operations_get(&format!("{PARENT}/operations/op-00000001"))
        .doit()
        .await?;
    println!("got {:?}, done: {:?}", operation.name, operation.done);

    let (mut count, mut listed, mut token) = (0, 0, None::<String>);
    loop {
        let mut call = projects.locations_operations_list(PARENT).page_size(100);
        if let Some(token) = &token {
            call = call.page_token(token);
        }
        let (_, page) = call.doit().await?;
        count += 1;
        listed += page.operations.map_or(0, |o| o.len());
        token = page.next_page_token.filter(|t| !t.is_empty());
        if token.is_none() {
            break;
        }
    }
    println!("listed {listed} operations in {count} pages");

    let cancel = GoogleLongrunningCancelOperationRequest::default();
    projects
        .locations_operations_cancel(cancel, &format!("{PARENT}/operations/op-00000002"))
        .doit()
        .await?;
    projects
        .locations_operations_delete(&format!("{PARENT}/operations/op-00000003"))
        .doit()
        .await?;
    println!("cancelled and deleted");
    Ok(())
}
