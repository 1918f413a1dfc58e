//! Issue 13's acceptance tests, over real HTTP on 127.0.0.1 against the runtime's test double
//! (scripted operations, sequences of answers) or the fake of `tests/support/` (faults injected
//! into its own state, the operations it finishes itself): request IDs that
//! make a create safe to retry, waiting for long-running operations (typed results, failures,
//! pollers built from a name, progress), extra headers and query parameters (sent, or refused
//! before sending when they clash), and the tracing of each call and attempt.

use std::time::Duration;

use discogen_tests::{operation_name, FakeOperations, Fault, Logs, Recorded, PARENT};
use futures_util::TryStreamExt;
use networkconnectivity_v1::models::{Hub, OperationMetadata};
use networkconnectivity_v1::prelude::*;
use networkconnectivity_v1::resources::projects::locations::global::hubs::{
    CreateCall, HubsResource,
};
use networkconnectivity_v1::runtime::testing::{Double, ErrorReply, OperationScript};
use networkconnectivity_v1::{Client, Error, PollPolicy, Progress, RetryPolicy, Service, Status};
use serde_json::json;

const TOKEN: &str = "ya29.calls-test-token";
const API_KEY: &str = "AIza-calls-test-key";
const GLOBAL: &str = "projects/demo-project/locations/global";

async fn start() -> (FakeOperations, Client) {
    // Before anything logs: see `Logs`.
    Logs::capture();
    let fake = FakeOperations::start(TOKEN, 3).await;
    let client = Client::builder()
        .root_url(fake.base_url())
        .bearer_token(TOKEN)
        .retry_policy(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(5))
                .max_backoff(Duration::from_millis(20)),
        )
        .build()
        .unwrap();
    (fake, client)
}

fn hubs(client: &Client) -> HubsResource {
    Service::new(client).projects().locations().global().hubs()
}

fn hub(description: &str) -> Hub {
    let mut hub = Hub::default();
    hub.description = Some(description.to_string());
    hub
}

fn quick_polls() -> PollPolicy {
    PollPolicy::default()
        .initial_delay(Duration::from_millis(20))
        .max_delay(Duration::from_millis(100))
        .timeout(Duration::from_secs(10))
}

fn posts(fake: &FakeOperations) -> Vec<Recorded> {
    fake.requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect()
}

// ---- request IDs --------------------------------------------------------------------------

#[tokio::test]
async fn a_create_answered_503_is_retried_with_the_same_request_id() {
    let double = Double::start().await;
    let client = double.client();
    double
        .expect(
            hubs(&client)
                .create(GLOBAL, hub("retried"))
                .hub_id("hub-retried"),
        )
        .error(ErrorReply::unavailable("try again"))
        .operation(OperationScript::succeeds(hub("retried")).running_for(1));
    double
        .expect(
            hubs(&client)
                .create(GLOBAL, hub("second"))
                .hub_id("hub-second"),
        )
        .reply(Default::default());

    let operation = hubs(&client)
        .create(GLOBAL, hub("retried"))
        .hub_id("hub-retried")
        .send()
        .await
        .unwrap();

    assert_eq!(operation.done, Some(false));
    let creates = double.received::<CreateCall>();
    assert_eq!(creates.len(), 2, "the 503, then the create");
    let id = creates[0].query("requestId").expect("a request ID");
    assert_eq!(creates[1].query("requestId"), Some(id));
    // A version 4 UUID, as the service's documentation asks.
    assert_eq!((id.len(), &id[14..15]), (36, "4"), "{id}");
    assert_eq!(creates[0].body(), creates[1].body());

    // Another call gets another ID.
    hubs(&client)
        .create(GLOBAL, hub("second"))
        .hub_id("hub-second")
        .send()
        .await
        .unwrap();
    let last = double.requests().pop().unwrap();
    assert_ne!(last.query("requestId"), Some(id));
    // The first operation was never polled: its expectation is met by the create alone.
    double.verify();
}

#[tokio::test]
async fn a_request_id_set_by_the_caller_is_kept_across_attempts() {
    let (fake, client) = start().await;
    fake.inject([Fault::status(503), Fault::status(502)]);

    hubs(&client)
        .create(GLOBAL, hub("mine"))
        .hub_id("hub-mine")
        .request_id("11111111-2222-4333-8444-555555555555")
        .send()
        .await
        .unwrap();

    let ids: Vec<_> = posts(&fake)
        .iter()
        .map(|r| r.param("requestId").map(str::to_string))
        .collect();
    let mine = Some("11111111-2222-4333-8444-555555555555".to_string());
    assert_eq!(ids, vec![mine.clone(), mine.clone(), mine]);
}

#[tokio::test]
async fn without_a_request_id_none_is_sent_and_a_503_is_not_retried() {
    let (fake, client) = start().await;
    fake.inject([Fault::status(503)]);

    let error = hubs(&client)
        .create(GLOBAL, hub("bare"))
        .hub_id("hub-bare")
        .without_request_id()
        .send()
        .await
        .unwrap_err();

    assert_eq!(error.http_status(), Some(503));
    let posts = posts(&fake);
    assert_eq!(posts.len(), 1, "a POST without a request ID is not retried");
    assert_eq!(posts[0].param("requestId"), None);

    // Saying it is idempotent makes it retried again.
    fake.inject([Fault::status(503)]);
    hubs(&client)
        .create(GLOBAL, hub("bare"))
        .hub_id("hub-bare-2")
        .without_request_id()
        .with_idempotency(true)
        .send()
        .await
        .unwrap();
    assert_eq!(fake.requests().len(), 3);
}

// ---- long-running operations ------------------------------------------------------------------

#[tokio::test]
async fn send_and_wait_returns_the_typed_hub() {
    let double = Double::start().await;
    let client = double.client();
    let mut created = hub("typed");
    created.name = Some(format!("{GLOBAL}/hubs/hub-typed"));
    double
        .expect(
            hubs(&client)
                .create(GLOBAL, hub("typed"))
                .hub_id("hub-typed"),
        )
        .operation(OperationScript::succeeds(created.clone()).running_for(1));

    let hub: Hub = hubs(&client)
        .create(GLOBAL, hub("typed"))
        .hub_id("hub-typed")
        .send_and_wait(Double::poll_policy())
        .await
        .unwrap();

    assert_eq!(hub, created);
    // The create, a poll that finds it running, a poll that finds it done: both polls ask
    // for the operation the create returned.
    let requests = double.requests();
    let verbs: Vec<_> = requests.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(verbs, ["POST", "GET", "GET"]);
    assert_eq!(requests[0].path, format!("/v1/{GLOBAL}/hubs"));
    assert_eq!(requests[1].path, requests[2].path);
    assert!(requests[1].path.contains("/operations/"), "{requests:?}");
    double.verify();
}

#[tokio::test]
async fn an_operation_that_fails_is_an_operation_error_with_its_status() {
    let double = Double::start().await;
    let client = double.client();
    let status = Status {
        code: Some(9),
        message: Some("the hub's VPC is being deleted".to_string()),
        details: vec![json!({
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "VPC_DELETING"
        })],
        ..Status::default()
    };
    double
        .expect(
            hubs(&client)
                .create(GLOBAL, hub("doomed"))
                .hub_id("hub-doomed"),
        )
        .operation(OperationScript::fails_with(status).running_for(2));

    let error = hubs(&client)
        .create(GLOBAL, hub("doomed"))
        .hub_id("hub-doomed")
        .send_and_wait(Double::poll_policy())
        .await
        .unwrap_err();

    let Error::Operation { name, status } = &error else {
        panic!("expected Error::Operation, got {error:?}")
    };
    let polled = double.requests().pop().unwrap().path;
    assert_eq!(name.as_ref().map(|n| format!("/v1/{n}")), Some(polled));
    assert_eq!(status.code, Some(9));
    assert_eq!(
        status.message.as_deref(),
        Some("the hub's VPC is being deleted")
    );
    assert_eq!(status.details[0]["reason"], "VPC_DELETING");
    assert!(error.to_string().contains("being deleted"), "{error}");
    double.verify();
}

#[tokio::test]
async fn a_poller_built_from_a_name_waits_for_the_typed_result() {
    let (fake, client) = start().await;
    let name = format!("{PARENT}/operations/by-name");
    fake.add_pending_operation(
        &name,
        3,
        json!({"response": {"name": "hub-by-name", "description": "found"}}),
    );

    let hub: Hub = Service::new(&client)
        .operation::<Hub, OperationMetadata>(&name)
        .with_policy(quick_polls())
        .await
        .unwrap();

    assert_eq!(hub.name.as_deref(), Some("hub-by-name"));
    assert_eq!(hub.description.as_deref(), Some("found"));
    assert_eq!(fake.requests().len(), 3);
}

#[tokio::test]
async fn progress_reports_the_metadata_of_each_poll_then_the_result() {
    let double = Double::start().await;
    let client = double.client();
    let mut metadata = OperationMetadata::default();
    metadata.verb = Some("create".to_string());
    metadata.status_message = Some("building".to_string());
    let mut created = hub("watched");
    created.name = Some(format!("{GLOBAL}/hubs/hub-watched"));
    double
        .expect(
            hubs(&client)
                .create(GLOBAL, hub("watched"))
                .hub_id("hub-watched"),
        )
        .operation(
            OperationScript::succeeds(created.clone())
                .running_for(1)
                .metadata(metadata.clone()),
        );

    let poller = hubs(&client)
        .create(GLOBAL, hub("watched"))
        .hub_id("hub-watched")
        .start()
        .await
        .unwrap();
    let steps: Vec<Progress<Hub, OperationMetadata>> = poller
        .with_policy(Double::poll_policy())
        .progress()
        .try_collect()
        .await
        .unwrap();

    // The create's own reply, then the poll that finds it running, then the result.
    assert_eq!(
        steps,
        [
            Progress::Running(Some(metadata.clone())),
            Progress::Running(Some(metadata)),
            Progress::Done(created)
        ],
        "{steps:#?}"
    );
    double.verify();
}

// ---- extra headers and query parameters ---------------------------------------------------

#[tokio::test]
async fn an_extra_header_reaches_the_server() {
    let (fake, client) = start().await;
    let operations = Service::new(&client).projects().locations().operations();

    operations
        .get(operation_name(0))
        .with_header("If-Match", "\"etag-42\"")
        .with_header("x-extra", "one")
        .send()
        .await
        .unwrap();

    let request = &fake.requests()[0];
    assert_eq!(request.header("if-match"), Some("\"etag-42\""));
    assert_eq!(request.header("x-extra"), Some("one"));
}

#[tokio::test]
async fn a_header_the_client_sets_is_refused_before_sending() {
    let (fake, client) = start().await;
    let operations = Service::new(&client).projects().locations().operations();
    for name in [
        "Authorization",
        "authorization",
        "x-goog-api-client",
        "X-Goog-Api-Key",
        "x-goog-user-project",
        "User-Agent",
        "Content-Type",
        "Content-Length",
        "Host",
    ] {
        let error = operations
            .get(operation_name(0))
            .with_header(name, "Bearer stolen")
            .send()
            .await
            .unwrap_err();

        assert!(
            matches!(&error, Error::InvalidRequest { parameter, .. } if parameter == name),
            "{name}: {error:?}"
        );
        assert!(!error.to_string().contains("stolen"), "{error}");
    }
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[tokio::test]
async fn a_query_parameter_that_clashes_is_refused_before_sending() {
    let (fake, client) = start().await;
    let operations = Service::new(&client).projects().locations().operations();
    for name in [
        "fields",
        "key",
        "access_token",
        "alt",
        "prettyPrint",
        "pageSize",
        "name",
        "",
    ] {
        let error = operations
            .list(PARENT)
            .with_query_param(name, "x")
            .send()
            .await
            .unwrap_err();

        assert!(
            matches!(&error, Error::InvalidRequest { parameter, .. } if parameter == name),
            "{name:?}: {error:?}"
        );
    }
    for name in ["requestId", "hubId", "parent"] {
        let error = hubs(&client)
            .create(GLOBAL, hub("clash"))
            .hub_id("hub-clash")
            .with_query_param(name, "x")
            .send()
            .await
            .unwrap_err();

        assert!(
            matches!(&error, Error::InvalidRequest { parameter, .. } if parameter == name),
            "{name:?}: {error:?}"
        );
    }
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

// ---- tracing ----------------------------------------------------------------------------------

#[tokio::test]
async fn calls_and_attempts_are_traced_without_credentials() {
    let logs = Logs::capture();
    let (fake, _) = start().await;
    let client = Client::builder()
        .root_url(fake.base_url())
        .bearer_token(TOKEN)
        .api_key(API_KEY)
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(5)))
        .build()
        .unwrap();
    let marker = "7e57c0de-0000-4000-8000-000000000001";
    let header_secret = "extra-header-secret-value";
    fake.inject([Fault::status(503)]);

    hubs(&client)
        .create(GLOBAL, hub("traced"))
        .hub_id("hub-traced")
        .request_id(marker)
        .with_header("x-goog-iap-jwt-assertion", header_secret)
        .send()
        .await
        .unwrap();

    // fmt writes a span's fields, all recorded by then, on the line of its closing.
    let lines = logs.lines_with(marker);
    let closings = |of_attempt: bool| {
        lines
            .iter()
            .filter(|l| l.contains(": close ") && l.contains("}:attempt{") == of_attempt)
            .cloned()
            .collect::<Vec<_>>()
    };
    let call = closings(false);
    assert_eq!(call.len(), 1, "{lines:#?}");
    for field in [
        "api=\"networkconnectivity\"",
        "method=\"networkconnectivity.projects.locations.global.hubs.create\"",
        &format!("resource=\"{GLOBAL}\""),
        &format!("request_id=\"{marker}\""),
        "http.request.method=\"POST\"",
        "server.address=\"127.0.0.1\"",
        "attempts=2",
        "http.response.status_code=200",
        "duration_ms=",
    ] {
        assert!(call[0].contains(field), "{field} missing in {}", call[0]);
    }
    let attempts = closings(true);
    assert_eq!(attempts.len(), 2, "{lines:#?}");
    for field in [
        "http.request.resend_count=0",
        "http.response.status_code=503",
        "retry_reason=\"http 5xx\"",
        "backoff_ms=",
    ] {
        assert!(
            attempts[0].contains(field),
            "{field} missing in {}",
            attempts[0]
        );
    }
    assert!(
        attempts[1].contains("http.request.resend_count=1"),
        "{}",
        attempts[1]
    );
    assert!(
        attempts[1].contains("http.response.status_code=200"),
        "{}",
        attempts[1]
    );

    let all = logs.all();
    for secret in [TOKEN, API_KEY, header_secret] {
        assert!(!all.contains(secret), "{secret} logged:\n{all}");
    }
}

// ---- helpers ----------------------------------------------------------------------------------
