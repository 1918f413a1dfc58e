//! The generated client under the conditions of production, over real HTTP on 127.0.0.1
//! against the fake Operations API and the faults it injects: retries, timeouts, error kinds,
//! responses, credentials, headers, the operation poller and path safety.

use std::time::{Duration, Instant};

use discogen_tests::{
    operation_name, operations, service_error, FakeOperations, Fault, Logs, PARENT,
};
use networkconnectivity_v1::models::GoogleLongrunningCancelOperationRequest;
use networkconnectivity_v1::prelude::*;
use networkconnectivity_v1::{
    Client, ClientBuilder, DecodeProblem, EnvToken, Error, ErrorDetail, PollPolicy, RetryPolicy,
    Service,
};
use serde_json::json;

const TOKEN: &str = "ya29.production-test-token";
const API_KEY: &str = "AIza-production-test-key";

/// A retry policy with waits short enough for tests.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
}

async fn start() -> FakeOperations {
    // Before anything logs: see `Logs`.
    Logs::capture();
    FakeOperations::start(TOKEN, 10).await
}

fn builder(fake: &FakeOperations) -> ClientBuilder {
    Client::builder()
        .root_url(fake.base_url())
        .bearer_token(TOKEN)
        .retry_policy(fast_retries())
}

// ---- retries ----------------------------------------------------------------------------

#[tokio::test]
async fn two_503s_then_success_takes_exactly_three_attempts() {
    let fake = start().await;
    let client = builder(&fake).build().unwrap();
    fake.inject([Fault::status(503), Fault::status(503)]);

    let operation = operations(&client)
        .get(operation_name(0))
        .send()
        .await
        .unwrap();

    assert_eq!(operation.name, Some(operation_name(0)));
    assert_eq!(fake.requests().len(), 3);
}

#[tokio::test]
async fn every_transient_status_is_retried_for_a_get() {
    let fake = start().await;
    let client = builder(&fake).build().unwrap();
    for status in [408, 429, 500, 502, 503, 504] {
        let before = fake.requests().len();
        fake.inject([Fault::status(status)]);
        operations(&client)
            .get(operation_name(1))
            .send()
            .await
            .unwrap();
        assert_eq!(fake.requests().len() - before, 2, "HTTP {status}");
    }
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let fake = start().await;
    // Waits the service asks for are honoured up to the policy's maximum backoff.
    let client = builder(&fake)
        .retry_policy(fast_retries().max_backoff(Duration::from_secs(3)))
        .build()
        .unwrap();
    fake.inject([Fault::Status {
        status: 429,
        retry_after: Some("1".to_string()),
        details: json!([]),
    }]);

    operations(&client)
        .get(operation_name(0))
        .send()
        .await
        .unwrap();

    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    let waited = requests[1].at - requests[0].at;
    // The backoff alone would wait at most 20 ms.
    assert!(waited >= Duration::from_secs(1), "waited {waited:?}");
    assert!(waited < Duration::from_secs(10), "waited {waited:?}");
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let fake = start().await;
    // Waits the service asks for are honoured up to the policy's maximum backoff.
    let client = builder(&fake)
        .retry_policy(fast_retries().max_backoff(Duration::from_secs(5)))
        .build()
        .unwrap();
    // HTTP dates have whole seconds: three seconds ahead is more than two seconds away when
    // the fake formats it, and more than one when the client reads it, even on a slow machine
    // (the policy's own backoff is a few milliseconds).
    let when = std::time::SystemTime::now() + Duration::from_secs(3);
    fake.inject([Fault::Status {
        status: 503,
        retry_after: Some(httpdate::fmt_http_date(when)),
        details: json!([]),
    }]);

    operations(&client)
        .get(operation_name(0))
        .send()
        .await
        .unwrap();

    let requests = fake.requests();
    let waited = requests[1].at - requests[0].at;
    assert!(waited >= Duration::from_millis(950), "waited {waited:?}");
    assert!(waited < Duration::from_secs(5), "waited {waited:?}");
}

#[tokio::test]
async fn a_retry_info_detail_sets_the_wait_when_there_is_no_retry_after() {
    let fake = start().await;
    // Waits the service asks for are honoured up to the policy's maximum backoff.
    let client = builder(&fake)
        .retry_policy(fast_retries().max_backoff(Duration::from_secs(3)))
        .build()
        .unwrap();
    fake.inject([Fault::Status {
        status: 503,
        retry_after: None,
        details: json!([{
            "@type": "type.googleapis.com/google.rpc.RetryInfo",
            "retryDelay": "0.400s"
        }]),
    }]);

    operations(&client)
        .get(operation_name(0))
        .send()
        .await
        .unwrap();

    let requests = fake.requests();
    let waited = requests[1].at - requests[0].at;
    assert!(waited >= Duration::from_millis(380), "waited {waited:?}");
}

#[tokio::test]
async fn errors_that_are_not_transient_are_tried_once() {
    let fake = start().await;
    let client = builder(&fake).build().unwrap();
    for status in [400, 401, 403, 404, 409] {
        let before = fake.requests().len();
        fake.inject([Fault::status(status)]);
        let error = operations(&client)
            .get(operation_name(0))
            .send()
            .await
            .unwrap_err();
        assert_eq!(service_error(&error).status, status);
        assert_eq!(fake.requests().len() - before, 1, "HTTP {status}");
    }
    // A real 404 from the service, too.
    let before = fake.requests().len();
    let missing = format!("{PARENT}/operations/missing");
    let error = operations(&client).get(&missing).send().await.unwrap_err();
    assert_eq!(service_error(&error).status, 404);
    assert_eq!(fake.requests().len() - before, 1);
}

#[tokio::test]
async fn a_post_is_not_retried_unless_the_call_says_it_is_idempotent() {
    let fake = start().await;
    let client = builder(&fake).build().unwrap();
    let cancel = || {
        operations(&client).cancel(
            operation_name(1),
            GoogleLongrunningCancelOperationRequest::default(),
        )
    };

    fake.inject([Fault::status(503)]);
    let error = cancel().send().await.unwrap_err();
    assert_eq!(service_error(&error).status, 503);
    assert_eq!(fake.requests().len(), 1);

    fake.inject([Fault::status(503)]);
    cancel().with_idempotency(true).send().await.unwrap();
    let requests = fake.requests();
    assert_eq!(requests.len(), 3);
    // The retried POST is the same call again.
    assert_eq!(requests[1].path, requests[2].path);
    assert_eq!(requests[1].body, requests[2].body);
    assert!(
        requests[2].path.ends_with(":cancel"),
        "{}",
        requests[2].path
    );
}

#[tokio::test]
async fn retries_stop_after_the_policy_s_attempts() {
    let fake = start().await;
    let client = builder(&fake).build().unwrap();
    fake.inject((0..5).map(|_| Fault::status(503)));

    let error = operations(&client)
        .get(operation_name(0))
        .with_retry_policy(fast_retries().max_attempts(3))
        .send()
        .await
        .unwrap_err();

    assert_eq!(service_error(&error).status, 503);
    assert_eq!(fake.requests().len(), 3);

    let before = fake.requests().len();
    let error = operations(&client)
        .get(operation_name(0))
        .without_retries()
        .send()
        .await
        .unwrap_err();
    assert_eq!(service_error(&error).status, 503);
    assert_eq!(fake.requests().len() - before, 1);
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_reported_as_transport() {
    let logs = Logs::capture();
    // A port that was just free: nothing listens on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .root_url(format!("http://127.0.0.1:{port}/"))
        .bearer_token(TOKEN)
        .retry_policy(fast_retries().max_attempts(3))
        .build()
        .unwrap();
    let name = format!("{PARENT}/operations/refused-connection");

    // Even a POST: a connection that was never opened carried nothing.
    let error = operations(&client)
        .cancel(&name, GoogleLongrunningCancelOperationRequest::default())
        .send()
        .await
        .unwrap_err();

    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    let lines = logs.lines_with(&name);
    let sent = lines
        .iter()
        .filter(|l| l.contains(": sending request"))
        .count();
    let retried = lines
        .iter()
        .filter(|l| l.contains("retrying after a transient failure"))
        .count();
    assert_eq!((sent, retried), (3, 2), "{lines:#?}");
}

#[tokio::test]
async fn every_attempt_is_visible_in_tracing_and_no_secret_is() {
    let logs = Logs::capture();
    let fake = start().await;
    let client = builder(&fake).api_key(API_KEY).build().unwrap();
    let name = format!("{PARENT}/operations/traced");
    fake.add_pending_operation(&name, 1, json!({"response": {}}));
    fake.inject([Fault::status(500), Fault::status(502)]);

    operations(&client)
        .get(&name)
        .with_header("x-goog-iap-jwt-assertion", TOKEN)
        .send()
        .await
        .unwrap();

    let lines = logs.lines_with(&name);
    let sent: Vec<_> = lines
        .iter()
        .filter(|l| l.contains(": sending request"))
        .collect();
    assert_eq!(sent.len(), 3, "{lines:#?}");
    assert!(sent[2].contains("attempt=3"), "{lines:#?}");
    assert!(lines.iter().any(|l| l.contains("HTTP 502")), "{lines:#?}");
    let all = logs.all();
    assert!(!all.contains(TOKEN) && !all.contains(API_KEY), "{all}");
}

// ---- timeouts ---------------------------------------------------------------------------

#[tokio::test]
async fn a_reply_slower_than_the_attempt_timeout_is_a_timeout() {
    let fake = start().await;
    let client = builder(&fake).build().unwrap();
    fake.inject([Fault::Delay(Duration::from_secs(3))]);

    let started = Instant::now();
    let error = operations(&client)
        .get(operation_name(0))
        .with_attempt_timeout(Duration::from_millis(200))
        .without_retries()
        .send()
        .await
        .unwrap_err();

    assert!(error.is_timeout(), "{error:?}");
    assert!(
        matches!(error, Error::Timeout { attempts: 1, .. }),
        "{error:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_timed_out_attempt_of_a_get_is_retried() {
    let fake = start().await;
    let client = builder(&fake)
        .attempt_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    fake.inject([Fault::Delay(Duration::from_secs(3))]);

    operations(&client)
        .get(operation_name(0))
        .send()
        .await
        .unwrap();

    assert_eq!(fake.requests().len(), 2);
}

#[tokio::test]
async fn the_overall_deadline_bounds_the_whole_call() {
    let fake = start().await;
    let client = builder(&fake).build().unwrap();
    fake.inject((0..20).map(|_| Fault::Delay(Duration::from_secs(3))));

    let started = Instant::now();
    let error = operations(&client)
        .get(operation_name(0))
        .with_retry_policy(fast_retries().max_attempts(20))
        .with_attempt_timeout(Duration::from_millis(300))
        .with_timeout(Duration::from_millis(800))
        .send()
        .await
        .unwrap_err();

    assert!(error.is_timeout(), "{error:?}");
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(750), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(1800), "{elapsed:?}");
    let attempts = fake.requests().len();
    assert!((2..=4).contains(&attempts), "{attempts} attempts");
}

/// A token source that never answers (a metadata server that hangs).
struct HangingToken;

impl networkconnectivity_v1::TokenSource for HangingToken {
    fn token(&self) -> networkconnectivity_v1::TokenFuture<'_> {
        Box::pin(std::future::pending())
    }
}

#[tokio::test]
async fn a_token_source_that_hangs_cannot_hold_a_call_past_its_deadline() {
    let fake = start().await;
    let client = Client::builder()
        .root_url(fake.base_url())
        .token_source(HangingToken)
        .retry_policy(fast_retries())
        .build()
        .unwrap();

    let started = Instant::now();
    let call = operations(&client)
        .get(operation_name(0))
        .with_attempt_timeout(Duration::from_millis(200))
        .with_timeout(Duration::from_millis(600))
        .send();
    // The outer bound only turns a hang into a failure; the call must end by itself.
    let error = tokio::time::timeout(Duration::from_secs(10), call)
        .await
        .expect("the call waited for the token past its deadline")
        .unwrap_err();

    assert!(error.is_timeout(), "{error:?}");
    assert!(
        started.elapsed() >= Duration::from_millis(550),
        "{:?}",
        started.elapsed()
    );
    assert!(
        fake.requests().is_empty(),
        "nothing is sent without a token"
    );
}

// ---- error kinds ------------------------------------------------------------------------

#[tokio::test]
async fn an_html_502_is_a_clean_service_error() {
    let fake = start().await;
    let client = builder(&fake).build().unwrap();
    fake.inject([Fault::Html(502)]);

    let error = operations(&client)
        .get(operation_name(0))
        .without_retries()
        .send()
        .await
        .unwrap_err();

    let service = error.as_service().expect("a service error");
    assert_eq!(service.status, 502);
    assert_eq!(service.error, None);
    assert!(service.body.contains("<h1>Bad Gateway</h1>"));
    assert!(
        error.to_string().starts_with("HTTP 502: <!DOCTYPE html>"),
        "{error}"
    );
}

#[tokio::test]
async fn bad_bodies_in_a_200_are_distinct_decode_errors() {
    let fake = start().await;
    let client = builder(&fake).build().unwrap();
    let cases = [
        ("<html>not json</html>", DecodeProblem::NotJson),
        (
            r#"{"name": "projects/p", "done": tr"#,
            DecodeProblem::Truncated,
        ),
        (
            r#"{"name": "projects/p", "done": "yes"}"#,
            DecodeProblem::UnexpectedShape,
        ),
    ];
    for (body, expected) in cases {
        fake.inject([Fault::Body(body.to_string())]);
        let error = operations(&client)
            .get(operation_name(0))
            .send()
            .await
            .unwrap_err();
        match &error {
            Error::Decode {
                status: 200,
                problem,
                excerpt,
                ..
            } => {
                assert_eq!(*problem, expected, "{body}");
                assert_eq!(excerpt, body);
            }
            other => panic!("{body}: expected a decode error, got {other:?}"),
        }
        assert!(error.to_string().contains(&expected.to_string()), "{error}");
    }
    // Decode errors are not retried: the service did answer.
    assert_eq!(fake.requests().len(), 3);
}

#[tokio::test]
async fn a_connection_cut_mid_body_is_a_transport_error_and_a_get_retries_it() {
    let fake = start().await;
    let client = builder(&fake).build().unwrap();

    fake.inject([Fault::CutConnection]);
    let error = operations(&client)
        .get(operation_name(0))
        .without_retries()
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");

    fake.inject([Fault::CutConnection]);
    operations(&client)
        .get(operation_name(0))
        .send()
        .await
        .unwrap();
    assert_eq!(fake.requests().len(), 3);
}

#[tokio::test]
async fn google_error_details_are_decoded_and_kept_raw() {
    let fake = start().await;
    let client = builder(&fake).build().unwrap();
    fake.inject([Fault::Status {
        status: 400,
        retry_after: None,
        details: json!([
            {
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": "filter", "description": "Unsupported filter"}]
            },
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "INVALID_FILTER",
                "domain": "networkconnectivity.googleapis.com",
                "metadata": {"filter": "x"}
            },
            {"@type": "type.googleapis.com/google.rpc.DebugInfo", "detail": "kept as JSON"}
        ]),
    }]);

    let error = operations(&client).list(PARENT).send().await.unwrap_err();

    let service = error.as_service().unwrap();
    assert_eq!(service.status_name(), Some("Bad Request"));
    assert_eq!(service.error.as_ref().unwrap().code, Some(400));
    let details = service.details();
    assert_eq!(details.len(), 3);
    match &details[0] {
        ErrorDetail::BadRequest(bad) => {
            assert_eq!(bad.field_violations[0].field, "filter");
            assert_eq!(bad.field_violations[0].description, "Unsupported filter");
        }
        other => panic!("{other:?}"),
    }
    match &details[1] {
        ErrorDetail::ErrorInfo(info) => {
            assert_eq!(info.reason, "INVALID_FILTER");
            assert_eq!(info.metadata["filter"], "x");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(&details[2], ErrorDetail::Other(v) if v["detail"] == "kept as JSON"));
    assert_eq!(service.error.as_ref().unwrap().details.len(), 3);
}

// ---- responses --------------------------------------------------------------------------

#[tokio::test]
async fn send_with_response_gives_status_headers_and_body() {
    let fake = start().await;
    let client = builder(&fake).build().unwrap();

    let response = operations(&client)
        .get(operation_name(3))
        .send_with_response()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(
        response.header("content-type"),
        Some("application/json; charset=UTF-8")
    );
    assert!(response.headers().contains_key("content-length"));
    assert_eq!(response.body().done, Some(true));
    let (status, _, operation) = response.into_parts();
    assert_eq!((status, operation.name), (200, Some(operation_name(3))));
}

// ---- credentials and headers ------------------------------------------------------------

#[tokio::test]
async fn a_missing_or_wrong_token_is_a_401_with_google_s_details() {
    let fake = start().await;
    let anonymous = Client::builder().root_url(fake.base_url()).build().unwrap();
    let wrong = Client::builder()
        .root_url(fake.base_url())
        .bearer_token("wrong-token-4f1c")
        .build()
        .unwrap();

    for client in [anonymous, wrong] {
        let error = operations(&client)
            .get(operation_name(0))
            .send()
            .await
            .unwrap_err();
        assert!(error.is_unauthenticated(), "{error:?}");
        assert!(!format!("{error} {error:?}").contains("wrong-token-4f1c"));
        let service = error.as_service().unwrap();
        assert_eq!(service.status_name(), Some("UNAUTHENTICATED"));
        assert!(matches!(
            &service.details()[0],
            ErrorDetail::ErrorInfo(info) if info.reason == "ACCESS_TOKEN_TYPE_UNSUPPORTED"
        ));
    }
    let requests = fake.requests();
    assert_eq!(requests.len(), 2, "401 is not retried");
    assert_eq!(requests[0].authorization, None);
}

#[tokio::test]
async fn an_env_token_is_read_from_the_environment() {
    // No `set_var`: changing the environment while other tests' threads read it is unsound.
    // Cargo sets `CARGO_PKG_NAME` for every test process; the unset name is unset.
    const UNSET: &str = "DISCOGEN_TEST_VARIABLE_THAT_IS_NEVER_SET";
    Logs::capture();
    let token = std::env::var("CARGO_PKG_NAME").expect("cargo sets it for tests");
    let fake = FakeOperations::start(&token, 10).await;
    let from_env = |variable: &str| {
        Client::builder()
            .root_url(fake.base_url())
            .token_source(EnvToken::new(variable))
            .build()
            .unwrap()
    };

    let error = operations(&from_env(UNSET))
        .get(operation_name(0))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Auth(m) if m.contains(UNSET)),
        "{error:?}"
    );
    assert!(error.is_unauthenticated());
    assert!(
        fake.requests().is_empty(),
        "nothing is sent without a token"
    );

    operations(&from_env("CARGO_PKG_NAME"))
        .get(operation_name(0))
        .send()
        .await
        .unwrap();
    assert_eq!(
        fake.requests()[0].authorization,
        Some(format!("Bearer {token}"))
    );
}

#[tokio::test]
async fn an_api_key_is_sent_as_a_header_and_never_in_the_url() {
    let fake = start().await;
    let client = builder(&fake).api_key(API_KEY).build().unwrap();

    operations(&client)
        .get(operation_name(0))
        .send()
        .await
        .unwrap();

    let requests = fake.requests();
    assert_eq!(requests[0].api_key.as_deref(), Some(API_KEY));
    // Out of the URL, where proxies and access logs would keep it.
    assert!(
        requests[0]
            .query
            .iter()
            .all(|(name, value)| name != "key" && value != API_KEY),
        "{:?}",
        requests[0].query
    );
}

#[tokio::test]
async fn headers_name_the_library_and_the_quota_project() {
    let fake = start().await;
    let client = builder(&fake)
        .quota_project("billing-project")
        .build()
        .unwrap();

    operations(&client)
        .get(operation_name(0))
        .send()
        .await
        .unwrap();
    operations(&client)
        .get(operation_name(0))
        .with_quota_project("other-project")
        .send()
        .await
        .unwrap();

    let requests = fake.requests();
    let user_agent = requests[0].user_agent.as_deref().unwrap();
    assert!(
        user_agent.starts_with("networkconnectivity-v1/0."),
        "{user_agent}"
    );
    // As Google's libraries send it: `gl-rust/<rustc version> gdcl/<library version>`.
    let api_client = requests[0].api_client.as_deref().unwrap();
    let (language, library) = api_client.split_once(' ').unwrap();
    let rustc = language.strip_prefix("gl-rust/").unwrap();
    assert!(
        rustc.split('.').count() >= 3 && rustc.starts_with("1."),
        "{api_client}"
    );
    assert!(library.starts_with("gdcl/0."), "{api_client}");
    assert_eq!(requests[0].user_project.as_deref(), Some("billing-project"));
    assert_eq!(requests[1].user_project.as_deref(), Some("other-project"));
}

#[tokio::test]
async fn no_secret_appears_in_debug_output_or_in_any_error() {
    let fake = start().await;
    let client = builder(&fake).api_key(API_KEY).build().unwrap();
    let debug = format!("{client:?}");
    assert!(
        !debug.contains(TOKEN) && !debug.contains(API_KEY),
        "{debug}"
    );
    let call = operations(&client)
        .get(operation_name(0))
        .with_header("x-goog-iap-jwt-assertion", TOKEN);
    let debug = format!("{call:?}");
    assert!(
        !debug.contains(TOKEN) && !debug.contains(API_KEY),
        "{debug}"
    );

    let mut errors = Vec::new();
    for fault in [
        Fault::status(401),
        Fault::status(404),
        Fault::Html(502),
        Fault::Body("{\"done\": tr".to_string()),
        Fault::CutConnection,
        Fault::Delay(Duration::from_secs(2)),
    ] {
        fake.inject([fault]);
        let call = operations(&client)
            .get(operation_name(0))
            .with_header("x-goog-iap-jwt-assertion", TOKEN)
            .without_retries()
            .with_attempt_timeout(Duration::from_millis(300));
        errors.push(call.send().await.unwrap_err());
    }
    errors.push(
        operations(&client)
            .get("projects/../x")
            .send()
            .await
            .unwrap_err(),
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let unreachable = Client::builder()
        .root_url(format!("http://127.0.0.1:{port}/"))
        .bearer_token(TOKEN)
        .api_key(API_KEY)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    errors.push(
        operations(&unreachable)
            .get(operation_name(0))
            .with_header("x-goog-iap-jwt-assertion", TOKEN)
            .send()
            .await
            .unwrap_err(),
    );

    assert_eq!(errors.len(), 8);
    for error in &errors {
        let mut text = format!("{error} {error:?}");
        let mut source = std::error::Error::source(error);
        while let Some(inner) = source {
            text.push_str(&format!(" {inner} {inner:?}"));
            source = inner.source();
        }
        assert!(!text.contains(TOKEN) && !text.contains(API_KEY), "{text}");
    }
}

// ---- long-running operations ------------------------------------------------------------

fn quick_polls() -> PollPolicy {
    PollPolicy::default()
        .initial_delay(Duration::from_millis(40))
        .multiplier(2.0)
        .max_delay(Duration::from_secs(1))
}

#[tokio::test]
async fn the_poller_returns_the_response_once_the_operation_is_done() {
    let fake = start().await;
    let client = builder(&fake).build().unwrap();
    let name = format!("{PARENT}/operations/slow");
    fake.add_pending_operation(
        &name,
        4,
        json!({"response": {"@type": "type.googleapis.com/google.cloud.networkconnectivity.v1.Hub", "name": "hub-1"}}),
    );

    let response = Service::new(&client)
        .wait_for_operation(&name)
        .with_policy(quick_polls())
        .await
        .unwrap();

    assert_eq!(response.to_value().unwrap()["name"], "hub-1");
    let polls = fake.requests();
    assert_eq!(polls.len(), 4);
    assert!(polls
        .iter()
        .all(|r| r.method == "GET" && r.path == format!("/v1/{name}")));
    // The intervals grow: 40 ms, 80 ms, 160 ms. Each poll is sent that long after the
    // previous one's reply, so the fake sees them at least that far apart, however slow the
    // machine (2 ms for the clocks' resolution).
    let gaps: Vec<Duration> = polls.windows(2).map(|w| w[1].at - w[0].at).collect();
    for (gap, delay) in gaps.iter().zip([40, 80, 160]) {
        assert!(*gap >= Duration::from_millis(delay - 2), "{gaps:?}");
    }
}

#[tokio::test]
async fn a_method_that_starts_an_operation_can_wait_for_it() {
    let fake = start().await;
    let client = builder(&fake).build().unwrap();
    let mut hub = networkconnectivity_v1::models::Hub::default();
    hub.description = Some("made by a test".to_string());

    let created = Service::new(&client)
        .projects()
        .locations()
        .global()
        .hubs()
        .create("projects/demo-project/locations/global", hub)
        .hub_id("hub-1")
        .send_and_wait(quick_polls())
        .await
        .unwrap();

    assert_eq!(
        created.name.as_deref(),
        Some("projects/demo-project/locations/global/hubs/hub-1")
    );
    assert_eq!(created.description.as_deref(), Some("made by a test"));
    let requests = fake.requests();
    // The create (POST with a query parameter and a body), then two polls.
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(
        requests[0].path,
        "/v1/projects/demo-project/locations/global/hubs"
    );
    assert_eq!(requests[0].param("hubId"), Some("hub-1"));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&requests[0].body).unwrap(),
        json!({"description": "made by a test"})
    );
    let poll = "/v1/projects/demo-project/locations/global/operations/create-hub-hub-1";
    assert!(requests[1..]
        .iter()
        .all(|r| r.method == "GET" && r.path == poll));
}

#[tokio::test]
async fn a_cancelled_operation_comes_back_with_code_1() {
    let fake = start().await;
    let client = builder(&fake).build().unwrap();
    let name = format!("{PARENT}/operations/to-cancel");
    fake.add_pending_operation(&name, 1000, json!({"response": {}}));

    operations(&client)
        .cancel(&name, GoogleLongrunningCancelOperationRequest::default())
        .send()
        .await
        .unwrap();
    let error = Service::new(&client)
        .wait_for_operation(&name)
        .with_policy(quick_polls())
        .await
        .unwrap_err();

    let status = error.as_operation_status().expect("the operation's status");
    assert_eq!(status.code, Some(1));
}

#[tokio::test]
async fn the_poller_times_out_at_its_deadline() {
    let fake = start().await;
    let client = builder(&fake).build().unwrap();
    let name = format!("{PARENT}/operations/never");
    fake.add_pending_operation(&name, usize::MAX, json!({"response": {}}));

    let started = Instant::now();
    let error = Service::new(&client)
        .wait_for_operation(&name)
        .with_policy(quick_polls().timeout(Duration::from_millis(500)))
        .wait()
        .await
        .unwrap_err();

    assert!(
        matches!(error, Error::Timeout { attempts, .. } if attempts >= 3),
        "{error:?}"
    );
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn dropping_the_poller_stops_polling() {
    let fake = start().await;
    let client = builder(&fake).build().unwrap();
    let name = format!("{PARENT}/operations/abandoned");
    fake.add_pending_operation(&name, usize::MAX, json!({"response": {}}));

    let poller = Service::new(&client)
        .wait_for_operation(&name)
        .with_policy(quick_polls());
    // Polls at about 0, 40, 120 and 280 ms; dropped at 400 ms, before the one at 600 ms.
    let gave_up = tokio::time::timeout(Duration::from_millis(400), poller).await;
    assert!(gave_up.is_err());
    // A poll sent just before the drop may reach the server a little later, on a busy
    // machine: count once it has had time to land.
    tokio::time::sleep(Duration::from_millis(60)).await;
    let polls = fake.requests().len();
    assert!(polls >= 2, "{polls} polls before the drop");
    // Past the time of the next poll, and more: no request came.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(fake.requests().len(), polls);
}

#[tokio::test]
async fn the_poller_reports_an_error_that_outlives_the_retries() {
    let fake = start().await;
    let client = builder(&fake).build().unwrap();
    let missing = format!("{PARENT}/operations/missing");

    let error = Service::new(&client)
        .wait_for_operation(&missing)
        .await
        .unwrap_err();

    assert_eq!(service_error(&error).status, 404);
}

// ---- path safety ------------------------------------------------------------------------

#[tokio::test]
async fn values_that_would_change_the_target_are_refused_before_sending() {
    let fake = start().await;
    let client = builder(&fake).build().unwrap();
    let base = format!("{PARENT}/operations");
    let refused = [
        format!("{base}/."),
        format!("{base}/.."),
        format!("{base}/a%2Fb"),
        format!("{base}/a%2fb"),
        format!("{base}/a?alt=media"),
        format!("{base}/a#fragment"),
        format!("{base}/a\u{7}b"),
        format!("{base}/a\nb"),
        "projects//locations/l/operations/o".to_string(),
        "projects/p/locations/l/operations/o/".to_string(),
        "projects/p/locations/l/operations/o/../../../../other".to_string(),
        "".to_string(),
    ];
    for value in &refused {
        let error = operations(&client).get(value).send().await.unwrap_err();
        assert!(
            matches!(&error, Error::InvalidRequest { parameter, .. } if parameter == "name"),
            "{value:?}: {error:?}"
        );
        let error = operations(&client).list(value).send().await.unwrap_err();
        assert!(
            matches!(error, Error::InvalidRequest { .. }),
            "{value:?}: {error:?}"
        );
    }
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[tokio::test]
async fn reserved_characters_in_a_name_are_encoded_segment_by_segment() {
    let fake = start().await;
    let client = builder(&fake).build().unwrap();
    let name = format!("{PARENT}/operations/a b:c@d");

    let error = operations(&client).get(&name).send().await.unwrap_err();

    assert_eq!(service_error(&error).status, 404);
    let requests = fake.requests();
    assert_eq!(
        requests[0].path,
        format!("/v1/{PARENT}/operations/a%20b:c@d")
    );
}

// ---- helpers ----------------------------------------------------------------------------
