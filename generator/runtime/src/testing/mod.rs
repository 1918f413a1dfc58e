//! A test double of Google APIs, for unit tests of code that uses generated crates: no
//! network, no credentials, deterministic and fast, failures included. Enabled by the cargo
//! feature `testing` (add it to the generated crate's dev-dependencies; normal builds compile
//! none of it).
//!
//! A [`Double`] is a small HTTP/1.1 server on 127.0.0.1, run on the test's tokio runtime. The
//! code under test talks to it through an ordinary [`Client`]
//! ([`Double::client`]), so request building, path checks, retries, paging and polling run
//! exactly as in production. The test says what to expect with the generated crate's own
//! request builders, reached resource by resource like the client's methods, and what to
//! answer:
//!
//! - a typed reply ([`Expectation::reply`]), a Google error ([`ErrorReply`]), a connection
//!   closed without reply ([`Expectation::fault`]), each after an optional delay, any number
//!   of times, in sequence ([`Answers`]);
//! - a long-running operation that runs for some polls, reports metadata, and succeeds or
//!   fails ([`OperationScript`]); a listing served page by page ([`Pages`]).
//!
//! Matching compares what the builder sets (verb, path, query parameters, headers, JSON body)
//! with the request, plus optional predicates on the typed body, query values and headers.
//! A request no expectation takes is answered with a Google error (HTTP 501 `UNIMPLEMENTED`)
//! that names the closest expectation and why it did not match, and remembered: unexpected
//! requests and unmet expectations fail the test at [`Double::verify`], or when the double is
//! dropped. Requests are recorded, typed ([`Double::received`]) and raw
//! ([`Double::requests`]).
//!
//! # Example
//!
//! ```ignore
//! use discogen_runtime::testing::{Double, ErrorReply, OperationScript, Pages};
//! use discogen_runtime::PollPolicy;
//! use futures_util::TryStreamExt;
//! use networkconnectivity_v1::models::{Hub, OperationMetadata, Spoke};
//! use networkconnectivity_v1::prelude::*;
//! use networkconnectivity_v1::resources::projects::locations::global::hubs::CreateCall;
//! use networkconnectivity_v1::{Error, Service};
//!
//! const PARENT: &str = "projects/p/locations/global";
//!
//! /// The code under test: creates a hub, waits for it, then lists the project's spokes. The
//! /// poll policy is a parameter, so that tests can poll quickly.
//! async fn create_hub(service: &Service, poll: PollPolicy) -> Result<(Hub, Vec<Spoke>), Error> {
//!     let mut hub = Hub::default();
//!     hub.description = Some("main".into());
//!     let hubs = service.projects().locations().global().hubs();
//!     let hub = hubs.create(PARENT, hub).hub_id("main").send_and_wait(poll).await?;
//!     let spokes = service
//!         .projects()
//!         .locations()
//!         .spokes()
//!         .list("projects/p/locations/-")
//!         .page_size(2)
//!         .items()
//!         .try_collect()
//!         .await?;
//!     Ok((hub, spokes))
//! }
//!
//! #[tokio::test]
//! async fn creates_the_hub_then_lists_the_spokes() {
//!     let double = Double::start().await;
//!     let service = Service::new(&double.client());
//!
//!     // The request the code must send, described by the crate's own builder (its verb,
//!     // path, query parameters and body are matched), and the answers in sequence:
//!     // unavailable once (the client retries: the call carries a request ID), then an
//!     // operation that runs for two polls before it succeeds.
//!     let mut wanted = Hub::default();
//!     wanted.description = Some("main".into());
//!     let mut created = wanted.clone();
//!     created.name = Some(format!("{PARENT}/hubs/main"));
//!     let mut metadata = OperationMetadata::default();
//!     metadata.verb = Some("create".into());
//!     let hubs = service.projects().locations().global().hubs();
//!     double
//!         .expect(hubs.create(PARENT, wanted).hub_id("main"))
//!         .error(ErrorReply::unavailable("try again"))
//!         .operation(
//!             OperationScript::succeeds(created.clone())
//!                 .running_for(2)
//!                 .metadata(metadata),
//!         );
//!
//!     // Five spokes, served page by page by the call's `pageSize`.
//!     let spokes: Vec<Spoke> = (0..5)
//!         .map(|i| {
//!             let mut spoke = Spoke::default();
//!             spoke.name = Some(format!("projects/p/locations/us-east1/spokes/s{i}"));
//!             spoke
//!         })
//!         .collect();
//!     double
//!         .expect(service.projects().locations().spokes().list("projects/p/locations/-"))
//!         .pages(Pages::of(spokes.clone()));
//!
//!     let (hub, listed) = create_hub(&service, Double::poll_policy()).await.unwrap();
//!     assert_eq!((hub, listed), (created, spokes));
//!
//!     // The requests as the double received them, typed by their method.
//!     let creates = double.received::<CreateCall>();
//!     assert_eq!(creates.len(), 2); // the 503, then the retry
//!     assert_eq!(creates[1].body().unwrap().description.as_deref(), Some("main"));
//!     assert_eq!(creates[0].query("requestId"), creates[1].query("requestId"));
//!
//!     // Unexpected requests and unmet expectations fail here (or when `double` is dropped).
//!     double.verify();
//! }
//! ```
//!
//! # Building your own client
//!
//! [`Double::client`] is [`Double::client_builder`] built: the double's URL as root URL (for
//! every API), the bearer token [`BEARER_TOKEN`], and [`Double::retry_policy`] (quick
//! backoffs, so that retried failures cost milliseconds). Start from the builder to change
//! other settings, or from `Client::builder()` with `.root_url(double.url())`. Long-running
//! operations are polled as the code under test says; give it [`Double::poll_policy`] in
//! tests, or each poll waits a second or more.

mod answer;
mod dispatch;
mod expectation;
mod http;
mod record;

use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::client::{Client, ClientBuilder};
use crate::lro::PollPolicy;
use crate::options::RetryPolicy;
use crate::request::ApiRequest;

pub use answer::{ErrorReply, OperationScript, Pages};
pub use expectation::{Answers, Expectation};
pub use record::{RawRequest, Received};

use dispatch::Shared;

/// The bearer token of [`Double::client`].
pub const BEARER_TOKEN: &str = "discogen-test-token";

/// A test double of Google APIs: an HTTP server on 127.0.0.1 that answers as expectations
/// say. See the [module documentation](self).
///
/// Dropping it stops the server, and fails the test (panics, unless the thread is already
/// panicking) when a request was unexpected or an expectation unmet, as
/// [`verify`](Self::verify) does.
pub struct Double {
    shared: Arc<Shared>,
    url: String,
    client: Client,
    server: JoinHandle<()>,
    /// Whether `verify` reported already, so that dropping does not report again.
    verified: bool,
}

impl std::fmt::Debug for Double {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Double")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Double {
    /// Starts a double on a free port of 127.0.0.1, served by the current tokio runtime.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, or when no port of 127.0.0.1 can be bound.
    pub async fn start() -> Double {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap_or_else(|e| panic!("the test double cannot listen on 127.0.0.1: {e}"));
        let address = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("the test double has no address: {e}"));
        let url = format!("http://{address}/");
        let shared = Arc::new(Shared::new());
        let server = tokio::spawn(http::serve(listener, shared.clone()));
        let client = Double::builder_for(&url)
            .build()
            .unwrap_or_else(|e| panic!("the test double cannot build its client: {e}"));
        Double {
            shared,
            url,
            client,
            server,
            verified: false,
        }
    }

    /// The double's root URL (`http://127.0.0.1:<port>/`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A client of the double (see [`client_builder`](Self::client_builder)); clones share
    /// one connection pool.
    pub fn client(&self) -> Client {
        self.client.clone()
    }

    /// A client builder with the double's URL as root URL of every API, the bearer token
    /// [`BEARER_TOKEN`] and [`Double::retry_policy`], to change other settings before
    /// building.
    pub fn client_builder(&self) -> ClientBuilder {
        Double::builder_for(&self.url)
    }

    fn builder_for(url: &str) -> ClientBuilder {
        Client::builder()
            .root_url(url)
            .bearer_token(BEARER_TOKEN)
            .retry_policy(Double::retry_policy())
    }

    /// The retry policy of the double's client: 5 attempts, as by default, with waits of at
    /// most 20 ms. A `Retry-After` longer than 20 ms is not waited for: the call fails.
    pub fn retry_policy() -> RetryPolicy {
        RetryPolicy::default()
            .initial_backoff(Duration::from_millis(2))
            .max_backoff(Duration::from_millis(20))
    }

    /// A poll policy for tests: polls 1 ms apart, growing to 10 ms.
    pub fn poll_policy() -> PollPolicy {
        PollPolicy::default()
            .initial_delay(Duration::from_millis(1))
            .max_delay(Duration::from_millis(10))
    }

    /// Expects the request `request` describes, a builder of the generated crate (bound to
    /// any client: only its wire form counts), and returns the expectation to refine and
    /// answer. Expectations are tried in the order they were set.
    ///
    /// # Panics
    ///
    /// When the client would refuse to send `request` (a path value that does not match its
    /// pattern, say).
    pub fn expect<R: ApiRequest>(&self, request: R) -> Expectation<R> {
        let index = self.shared.add_rule(&request);
        Expectation::new(self.shared.clone(), index)
    }

    /// The received requests that call `R`'s method, in order, with their bodies decoded.
    pub fn received<R: ApiRequest>(&self) -> Vec<Received<R>> {
        self.shared.received::<R>()
    }

    /// Every received request, in order (polls and unexpected ones included).
    pub fn requests(&self) -> Vec<RawRequest> {
        self.shared.requests()
    }

    /// What would fail the test now: each unexpected or malformed request (with the closest
    /// expectation), then each unmet expectation. Empty when all is well.
    pub fn problems(&self) -> Vec<String> {
        self.shared.problems()
    }

    /// Fails the test (panics) when a request was unexpected or an expectation is unmet,
    /// with a report of each, and stops the double.
    pub fn verify(mut self) {
        self.verified = true;
        fail_on(&self.shared.problems());
    }
}

impl Drop for Double {
    fn drop(&mut self) {
        self.server.abort();
        if !self.verified && !std::thread::panicking() {
            fail_on(&self.shared.problems());
        }
    }
}

/// Panics with a report of `problems`, if any.
fn fail_on(problems: &[String]) {
    if problems.is_empty() {
        return;
    }
    let mut report = format!("the test double found {} problem(s):", problems.len());
    for (i, problem) in problems.iter().enumerate() {
        report.push_str(&format!("\n{}. {problem}", i + 1));
    }
    panic!("{report}");
}
