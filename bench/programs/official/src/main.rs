//! The small program of BENCHMARKS.md, with the official SDK
//! (google-cloud-networkconnectivity-v1): get an operation, list every page of a location's
//! operations, cancel one, delete one. `BENCH_BASE_URL` points it at the bench server (with
//! anonymous credentials); otherwise it uses Application Default Credentials.

use google_cloud_networkconnectivity_v1::client::HubService;

const PARENT: &str = "projects/bench-project/locations/us-central1";

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let service = match std::env::var("BENCH_BASE_URL") {
        Ok(base) => {
            HubService::builder()
                .with_endpoint(base.trim_end_matches('/'))
                .with_credentials(google_cloud_auth::credentials::anonymous::Builder::new().build())
                .build()
                .await?
        }
        Err(_) => HubService::builder().build().await?,
    };

    let operation = service
        .get_operation()
        .set_name(format!("{PARENT}/operations/op-00000001"))
        .send()
        .await?;
    println!("got {:?}, done: {:?}", operation.name, operation.done);

    let (mut count, mut listed, mut token) = (0, 0, String::new());
    loop {
        let page = service
            .list_operations()
            .set_name(PARENT)
            .set_page_size(100)
            .set_page_token(token)
            .send()
            .await?;
        count += 1;
        listed += page.operations.len();
        token = page.next_page_token;
        if token.is_empty() {
            break;
        }
    }
    println!("listed {listed} operations in {count} pages");

    service
        .cancel_operation()
        .set_name(format!("{PARENT}/operations/op-00000002"))
        .send()
        .await?;
    service
        .delete_operation()
        .set_name(format!("{PARENT}/operations/op-00000003"))
        .send()
        .await?;
    println!("cancelled and deleted");
    Ok(())
}
