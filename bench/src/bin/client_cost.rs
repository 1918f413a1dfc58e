//! Client cost per call against `server` (another process on 127.0.0.1), one client per process
//! so that no client warms caches or grows the allocator for another. CLIENT is one of hand
//! (reqwest + serde_json, the floor), hyper (hyper-util's client + serde_json), generated,
//! apis-rs, official; and two variants of the floor for the analysis in BENCHMARKS.md, not in
//! run.sh: hand-url (base URL parsed once, path and query set per call) and hand-timeout (the
//! floor plus what the runtime adds on the wire: `prettyPrint=false`, two headers and a
//! per-request timeout; gets only).
//!
//! client_cost BASE_URL CLIENT rate CALLS
//!     CPU time (getrusage) per get and per list page of 100, and gets per second with one task
//!     and with 16 concurrent tasks; one Markdown row.
//! client_cost BASE_URL CLIENT count gets|pages N
//!     for `valgrind --tool=callgrind`: on one thread, a fixed warm-up (WARM_GETS gets and
//!     WARM_PAGES pages), then N gets or N list pages of 100, nothing else. Instructions per
//!     call are (run with N - run with 0) / N: start-up, warm-up and exit cancel out.

use std::time::{Duration, Instant};

use discogen_bench::cpu_time;
use futures_util::future::join_all;
use networkconnectivity_v1::prelude::*;

const PARENT: &str = "projects/bench-project/locations/us-central1";
const TOTAL: usize = 10_000;
const WARM_GETS: usize = 200;
const WARM_PAGES: usize = 10;

fn name(i: usize) -> String {
    format!("{PARENT}/operations/op-{:08}", i % TOTAL)
}

/// One kind of client: a `get` and a list page of 100.
trait Client: Clone + Send + Sync + 'static {
    fn label(&self) -> &'static str;
    fn get(&self, i: usize) -> impl std::future::Future<Output = ()> + Send;
    fn page(&self, token: usize) -> impl std::future::Future<Output = ()> + Send;
}

/// Sends `request` and decodes its reply into a `Value`, as the hand-written clients do.
async fn json(request: reqwest::RequestBuilder) -> serde_json::Value {
    let bytes = request.send().await.unwrap().bytes().await.unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[derive(Clone)]
struct Generated(
    networkconnectivity_v1::resources::projects::locations::operations::OperationsResource,
);

impl Client for Generated {
    fn label(&self) -> &'static str {
        "generated client (networkconnectivity-v1)"
    }
    async fn get(&self, i: usize) {
        let op = self.0.get(name(i)).send().await.unwrap();
        assert!(op.done.is_some());
    }
    async fn page(&self, token: usize) {
        let page = self
            .0
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
        let op = json(self.http.get(url).bearer_auth("token")).await;
        assert!(op.get("done").is_some());
    }
    async fn page(&self, token: usize) {
        let url = format!(
            "{}v1/{PARENT}/operations?pageSize=100&pageToken={token}",
            self.base
        );
        let page = json(self.http.get(url).bearer_auth("token")).await;
        assert_eq!(page["operations"].as_array().map(Vec::len), Some(100));
    }
}

/// reqwest + serde_json with the base URL parsed once: each call clones it and sets the path
/// and query (no scheme or host parsing per call).
#[derive(Clone)]
struct ByHandUrl {
    http: reqwest::Client,
    base: reqwest::Url,
}

impl Client for ByHandUrl {
    fn label(&self) -> &'static str {
        "reqwest + serde_json by hand, base URL parsed once"
    }
    async fn get(&self, i: usize) {
        let mut url = self.base.clone();
        url.set_path(&format!("v1/{}", name(i)));
        let op = json(self.http.get(url).bearer_auth("token")).await;
        assert!(op.get("done").is_some());
    }
    async fn page(&self, token: usize) {
        let mut url = self.base.clone();
        url.set_path(&format!("v1/{PARENT}/operations"));
        url.set_query(Some(&format!("pageSize=100&pageToken={token}")));
        let page = json(self.http.get(url).bearer_auth("token")).await;
        assert_eq!(page["operations"].as_array().map(Vec::len), Some(100));
    }
}

/// reqwest + serde_json, URL string with prettyPrint=false, and a per-request timeout: the
/// floor plus what the runtime adds to every request on the wire.
#[derive(Clone)]
struct ByHandTimeout {
    http: reqwest::Client,
    base: String,
}

impl Client for ByHandTimeout {
    fn label(&self) -> &'static str {
        "reqwest by hand + prettyPrint=false + per-request timeout + 2 headers"
    }
    async fn get(&self, i: usize) {
        let url = format!("{}v1/{}?prettyPrint=false", self.base, name(i));
        let op = json(
            self.http
                .get(url)
                .bearer_auth("token")
                .header("x-goog-api-client", "gl-rust/1.95 gdcl/0.3.0")
                .header("user-agent", "networkconnectivity-v1/0.3.0")
                .timeout(std::time::Duration::from_secs(60)),
        )
        .await;
        assert!(op.get("done").is_some());
    }
    async fn page(&self, _token: usize) {}
}

/// hyper-util's pooled client with serde_json by hand: what a client without reqwest's layers
/// (as google-apis-rs is) can reach.
#[derive(Clone)]
struct HyperByHand {
    http: hyper_util::client::legacy::Client<
        hyper_util::client::legacy::connect::HttpConnector,
        http_body_util::Empty<bytes::Bytes>,
    >,
    base: String,
}

impl HyperByHand {
    async fn fetch(&self, url: String) -> bytes::Bytes {
        use http_body_util::BodyExt;
        let request = hyper::Request::get(url)
            .header("authorization", "Bearer token")
            .body(http_body_util::Empty::new())
            .unwrap();
        let response = self.http.request(request).await.unwrap();
        assert!(response.status().is_success());
        response.into_body().collect().await.unwrap().to_bytes()
    }
}

impl Client for HyperByHand {
    fn label(&self) -> &'static str {
        "hyper + serde_json by hand"
    }
    async fn get(&self, i: usize) {
        let bytes = self.fetch(format!("{}v1/{}", self.base, name(i))).await;
        let op: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert!(op.get("done").is_some());
    }
    async fn page(&self, token: usize) {
        let url = format!(
            "{}v1/{PARENT}/operations?pageSize=100&pageToken={token}",
            self.base
        );
        let bytes = self.fetch(url).await;
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

/// The fixed warm-up, then `n` gets or `n` pages: the run callgrind counts.
async fn count<C: Client>(client: C, what: &str, n: usize) -> String {
    for i in 0..WARM_GETS {
        client.get(i).await;
    }
    for p in 0..WARM_PAGES {
        client.page(p * 100).await;
    }
    match what {
        "gets" => {
            for i in 0..n {
                client.get(WARM_GETS + i).await;
            }
        }
        "pages" => {
            for p in 0..n {
                client.page(((WARM_PAGES + p) * 100) % (TOTAL - 100)).await;
            }
        }
        other => panic!("count gets|pages, not {other}"),
    }
    format!("{}: {n} {what}", client.label())
}

fn micros(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

async fn run<C: Client>(client: C, mode: &[String]) -> String {
    let number = |i: usize| -> usize { mode[i].parse().expect("a number") };
    match mode[0].as_str() {
        "rate" => measure(client, number(1)).await,
        "count" => count(client, &mode[1], number(2)).await,
        other => panic!("rate or count, not {other}"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (base, which, mode) = (args[0].clone(), args[1].clone(), args[2..].to_vec());
    // Counting runs on one thread (no work stealing, no idle workers spinning), so that callgrind
    // counts the same work every run; rates use two workers as an application would.
    let runtime = match mode[0].as_str() {
        "count" => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
        _ => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build(),
    }
    .unwrap();
    let line = runtime.block_on(async move {
        let _ = rustls::crypto::ring::default_provider().install_default();
        match which.as_str() {
            "hand" => {
                let http = reqwest::Client::builder().build().unwrap();
                run(ByHand { http, base }, &mode).await
            }
            "hand-url" => {
                let http = reqwest::Client::builder().build().unwrap();
                run(
                    ByHandUrl {
                        http,
                        base: reqwest::Url::parse(&base).unwrap(),
                    },
                    &mode,
                )
                .await
            }
            "hand-timeout" => {
                let http = reqwest::Client::builder().build().unwrap();
                run(ByHandTimeout { http, base }, &mode).await
            }
            "hyper" => {
                let http = hyper_util::client::legacy::Client::builder(
                    hyper_util::rt::TokioExecutor::new(),
                )
                .build(hyper_util::client::legacy::connect::HttpConnector::new());
                run(HyperByHand { http, base }, &mode).await
            }
            "generated" => {
                let client = networkconnectivity_v1::Client::builder()
                    .bearer_token("token")
                    .build()
                    .unwrap();
                let service = networkconnectivity_v1::Service::with_base_url(&client, base.clone());
                run(
                    Generated(service.projects().locations().operations()),
                    &mode,
                )
                .await
            }
            #[cfg(feature = "peers")]
            "apis-rs" => {
                let http = hyper_util::client::legacy::Client::builder(
                    hyper_util::rt::TokioExecutor::new(),
                )
                .build(hyper_util::client::legacy::connect::HttpConnector::new());
                let mut hub = google_networkconnectivity1::Networkconnectivity::new(
                    http,
                    "token".to_string(),
                );
                hub.base_url(base.clone());
                hub.root_url(base.clone());
                run(ApisRs(hub), &mode).await
            }
            #[cfg(feature = "peers")]
            "official" => {
                let official = google_cloud_networkconnectivity_v1::client::HubService::builder()
                    .with_endpoint(base.trim_end_matches('/'))
                    .with_credentials(
                        google_cloud_auth::credentials::anonymous::Builder::new().build(),
                    )
                    .build()
                    .await
                    .unwrap();
                run(Official(official), &mode).await
            }
            other => format!(
                "| {other} | not built: run with `--features peers` (bench/run.sh does) | | | |"
            ),
        }
    });
    println!("{line}");
}
