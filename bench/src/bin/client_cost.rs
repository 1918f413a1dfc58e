//! Client cost per call against `server` (another process on 127.0.0.1): CPU time of this
//! process per `get` and per list page of 100, and calls per second with one task and with 16,
//! for the generated client and for reqwest + serde_json by hand (the floor).
//!
//! client_cost BASE_URL CALLS CLIENT    (CLIENT: hand, generated, apis-rs, official; one per
//! process, so no client warms caches or grows the allocator for another)

use std::time::{Duration, Instant};

use discogen_bench::cpu_time;
use futures_util::future::join_all;

const PARENT: &str = "projects/bench-project/locations/us-central1";
const TOTAL: usize = 10_000;

fn name(i: usize) -> String {
    format!("{PARENT}/operations/op-{:08}", i % TOTAL)
}

/// One kind of client: a `get` and a list page of 100.
trait Client: Clone + Send + Sync + 'static {
    fn label(&self) -> &'static str;
    fn get(&self, i: usize) -> impl std::future::Future<Output = ()> + Send;
    fn page(&self, token: usize) -> impl std::future::Future<Output = ()> + Send;
}

#[derive(Clone)]
struct Generated(networkconnectivity_v1::Client);

impl Client for Generated {
    fn label(&self) -> &'static str {
        "generated client (networkconnectivity-v1)"
    }
    async fn get(&self, i: usize) {
        let op = self
            .0
            .projects()
            .locations()
            .operations()
            .get(name(i))
            .send()
            .await
            .unwrap();
        assert!(op.done.is_some());
    }
    async fn page(&self, token: usize) {
        let page = self
            .0
            .projects()
            .locations()
            .operations()
            .list(PARENT)
            .page_size(100)
            .page_token(token.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(page.operations.map(|o| o.len()), Some(100));
    }
}

#[derive(Clone)]
struct ByHand {
    http: reqwest::Client,
    base: String,
}

impl Client for ByHand {
    fn label(&self) -> &'static str {
        "reqwest + serde_json by hand (floor)"
    }
    async fn get(&self, i: usize) {
        let url = format!("{}v1/{}", self.base, name(i));
        let bytes = self
            .http
            .get(url)
            .bearer_auth("token")
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let op: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert!(op.get("done").is_some());
    }
    async fn page(&self, token: usize) {
        let url = format!(
            "{}v1/{PARENT}/operations?pageSize=100&pageToken={token}",
            self.base
        );
        let bytes = self
            .http
            .get(url)
            .bearer_auth("token")
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let page: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(page["operations"].as_array().map(Vec::len), Some(100));
    }
}

/// google-apis-rs's crate, over plain HTTP through its hyper client.
#[cfg(feature = "peers")]
#[derive(Clone)]
struct ApisRs(
    google_networkconnectivity1::Networkconnectivity<
        hyper_util::client::legacy::connect::HttpConnector,
    >,
);

#[cfg(feature = "peers")]
impl Client for ApisRs {
    fn label(&self) -> &'static str {
        "google-networkconnectivity1 7.0.0 (google-apis-rs)"
    }
    async fn get(&self, i: usize) {
        let (_, op) = self
            .0
            .projects()
            .locations_operations_get(&name(i))
            .doit()
            .await
            .unwrap();
        assert!(op.done.is_some());
    }
    async fn page(&self, token: usize) {
        let (_, page) = self
            .0
            .projects()
            .locations_operations_list(PARENT)
            .page_size(100)
            .page_token(&token.to_string())
            .doit()
            .await
            .unwrap();
        assert_eq!(page.operations.map(|o| o.len()), Some(100));
    }
}

/// The official SDK's client, whose HubService carries the operations methods.
#[cfg(feature = "peers")]
#[derive(Clone)]
struct Official(google_cloud_networkconnectivity_v1::client::HubService);

#[cfg(feature = "peers")]
impl Client for Official {
    fn label(&self) -> &'static str {
        "google-cloud-networkconnectivity-v1 1.15.0 (official SDK)"
    }
    async fn get(&self, i: usize) {
        let op = self
            .0
            .get_operation()
            .set_name(name(i))
            .send()
            .await
            .unwrap();
        assert!(op.done);
    }
    async fn page(&self, token: usize) {
        let page = self
            .0
            .list_operations()
            .set_name(PARENT)
            .set_page_size(100)
            .set_page_token(token.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(page.operations.len(), 100);
    }
}

async fn measure<C: Client>(client: C, calls: usize) -> String {
    // Warm the connection pool, the allocator and the caches.
    for i in 0..500 {
        client.get(i).await;
    }
    let (cpu, wall) = (cpu_time(), Instant::now());
    for i in 0..calls {
        client.get(i).await;
    }
    let get_cpu = (cpu_time() - cpu) / calls as u32;
    let single_rate = calls as f64 / wall.elapsed().as_secs_f64();

    let pages = (calls / 20).max(20);
    let cpu = cpu_time();
    for p in 0..pages {
        client.page((p * 100) % (TOTAL - 100)).await;
    }
    let page_cpu = (cpu_time() - cpu) / pages as u32;

    let wall = Instant::now();
    let per_task = calls / 16;
    let tasks = (0..16).map(|t| {
        let client = client.clone();
        tokio::spawn(async move {
            for i in 0..per_task {
                client.get(t * per_task + i).await;
            }
        })
    });
    join_all(tasks).await;
    let concurrent_rate = (per_task * 16) as f64 / wall.elapsed().as_secs_f64();
    format!(
        "| {} | {} | {} | {:.0} | {:.0} |",
        client.label(),
        micros(get_cpu),
        micros(page_cpu),
        single_rate,
        concurrent_rate
    )
}

fn micros(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let base = args.next().expect("BASE_URL");
    let calls: usize = args.next().map_or(5000, |n| n.parse().expect("CALLS"));
    let which = args.next().unwrap_or_else(|| "generated".to_string());
    let _ = rustls::crypto::ring::default_provider().install_default();
    let generated = networkconnectivity_v1::Client::builder()
        .base_url(&base)
        .bearer_token("token")
        .build()
        .unwrap();
    let by_hand = ByHand {
        http: reqwest::Client::builder().build().unwrap(),
        base: base.clone(),
    };
    match which.as_str() {
        "hand" => println!("{}", measure(by_hand, calls).await),
        "generated" => println!("{}", measure(Generated(generated), calls).await),
        #[cfg(feature = "peers")]
        "apis-rs" => {
            let http =
                hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                    .build(hyper_util::client::legacy::connect::HttpConnector::new());
            let mut hub =
                google_networkconnectivity1::Networkconnectivity::new(http, "token".to_string());
            hub.base_url(base.clone());
            hub.root_url(base.clone());
            println!("{}", measure(ApisRs(hub), calls).await);
        }
        #[cfg(feature = "peers")]
        "official" => {
            let official = google_cloud_networkconnectivity_v1::client::HubService::builder()
                .with_endpoint(base.trim_end_matches('/'))
                .with_credentials(google_cloud_auth::credentials::anonymous::Builder::new().build())
                .build()
                .await
                .unwrap();
            println!("{}", measure(Official(official), calls).await);
        }
        other => println!(
            "| {other} | not built: run with `--features peers` (bench/run.sh does) | | | |"
        ),
    }
}
