//! The test double's expectations, over real HTTP on 127.0.0.1: how requests are matched,
//! every kind of answer, sequences, and the failures of unexpected requests and unmet
//! expectations.

mod double_api;

use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use discogen_runtime::testing::{Double, ErrorReply, BEARER_TOKEN};
use discogen_runtime::{Error, ErrorDetail};
use double_api::models::{Empty, Hub};
use double_api::prelude::*;
use double_api::resources::projects::locations::global::hubs::HubsResource;
use double_api::Service;
use serde_json::json;

const PARENT: &str = "projects/p/locations/global";
const NAME: &str = "projects/p/locations/global/hubs/h";

fn hub(name: &str, description: &str) -> Hub {
    Hub {
        name: Some(name.to_string()),
        description: Some(description.to_string()),
        ..Hub::default()
    }
}

/// The double, and the hubs of a service bound to it.
async fn start() -> (Double, HubsResource) {
    let double = Double::start().await;
    let hubs = Service::new(&double.client())
        .projects()
        .locations()
        .global()
        .hubs();
    (double, hubs)
}

/// The message of a caught panic.
fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .unwrap_or_default(),
    }
}

/// The report `verify` panics with.
fn verify_report(double: Double) -> String {
    let caught = std::panic::catch_unwind(AssertUnwindSafe(move || double.verify()));
    panic_message(caught.expect_err("verify should fail"))
}

#[tokio::test]
async fn a_get_is_answered_with_its_typed_reply() {
    let (double, hubs) = start().await;
    double.expect(hubs.get(NAME)).reply(hub(NAME, "main"));
    // The client adds `prettyPrint=false` and headers of its own: the expectation set none of
    // them, so they are not looked at.
    assert_eq!(hubs.get(NAME).send().await.unwrap(), hub(NAME, "main"));
    assert!(double.problems().is_empty(), "{:?}", double.problems());
    double.verify();
}

#[tokio::test]
async fn query_parameters_the_expectation_sets_must_match() {
    let (double, hubs) = start().await;
    double
        .expect(hubs.list(PARENT).filter("labels.env = prod"))
        .reply(Default::default());
    // `pageSize` was not set by the expectation: any value matches.
    hubs.list(PARENT)
        .filter("labels.env = prod")
        .page_size(10)
        .send()
        .await
        .unwrap();

    let error = hubs
        .list(PARENT)
        .filter("labels.env = dev")
        .send()
        .await
        .unwrap_err();
    let service = error.as_service().expect("a Google error");
    assert_eq!(service.status, 501);
    assert_eq!(service.status_name(), Some("UNIMPLEMENTED"));
    let message = service.message().unwrap();
    assert!(
        message.contains(
            "unexpected request GET /v1/projects/p/locations/global/hubs?filter=labels.env+%3D+dev"
        ),
        "{message}"
    );
    assert!(message.contains("closest expectation #1"), "{message}");

    let report = verify_report(double);
    assert!(report.contains("1 problem(s)"), "{report}");
    assert!(
        report.contains(
            "query parameter `filter` is [\"labels.env = dev\"], expected [\"labels.env = prod\"]"
        ),
        "{report}"
    );
    assert!(
        report.contains("it was already answered as many times as expected"),
        "{report}"
    );
}

#[tokio::test]
async fn the_closest_expectation_is_named_for_a_request_nothing_matches() {
    let (double, hubs) = start().await;
    double.expect(hubs.delete(NAME));
    double.expect(hubs.get(NAME)).reply(hub(NAME, "main"));
    let other = "projects/p/locations/global/hubs/other";
    let error = hubs.get(other).send().await.unwrap_err();
    assert_eq!(error.http_status(), Some(501));
    hubs.delete(NAME).send().await.unwrap();
    hubs.get(NAME).send().await.unwrap();
    let problems = double.problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with(&format!(
            "unexpected request GET /v1/{other}?prettyPrint=false"
        )),
        "{}",
        problems[0]
    );
    assert!(
        problems[0].contains(&format!(
            "closest expectation #2 networkconnectivity.projects.locations.global.hubs.get: GET /v1/{NAME}: the path is not /v1/{NAME}"
        )),
        "{}",
        problems[0]
    );
    let _ = verify_report(double);
}

#[tokio::test]
async fn bodies_are_compared_as_json_or_by_a_typed_predicate() {
    let (double, hubs) = start().await;
    let operation = double_api::models::GoogleLongrunningOperation {
        name: Some("operations/x".into()),
        done: Some(true),
        ..Default::default()
    };
    double
        .expect(hubs.create(PARENT, hub("", "exact")).hub_id("a"))
        .reply(operation.clone());
    double
        .expect(hubs.create(PARENT, Hub::default()).hub_id("b"))
        .body_matches(|body: &Hub| {
            body.description
                .as_deref()
                .is_some_and(|d| d.starts_with("pred"))
        })
        .reply(operation.clone());

    let created = hubs
        .create(PARENT, hub("", "exact"))
        .hub_id("a")
        .send()
        .await
        .unwrap();
    assert_eq!(created, operation);
    hubs.create(PARENT, hub("", "predicate"))
        .hub_id("b")
        .send()
        .await
        .unwrap();

    // Another body for `a`: no expectation takes it.
    let error = hubs
        .create(PARENT, hub("", "other"))
        .hub_id("a")
        .without_retries()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.http_status(), Some(501));
    let report = verify_report(double);
    assert!(
        report.contains("the body is {\"name\":\"\",\"description\":\"other\"}"),
        "{report}"
    );
}

#[tokio::test]
async fn predicates_on_query_values_and_headers() {
    let (double, hubs) = start().await;
    double
        .expect(hubs.list(PARENT))
        .query_matches("pageSize", |size| {
            size.parse::<i32>().is_ok_and(|n| n <= 100)
        })
        .header_matches("authorization", |value| {
            value == format!("Bearer {BEARER_TOKEN}")
        })
        .reply(Default::default())
        .times(2);
    // A header the builder sets is part of its wire form.
    double
        .expect(hubs.get(NAME).with_header("if-match", "etag-1"))
        .reply(hub(NAME, "tagged"));

    hubs.list(PARENT).page_size(100).send().await.unwrap();
    hubs.list(PARENT).page_size(3).send().await.unwrap();
    let too_big = hubs.list(PARENT).page_size(1000).send().await.unwrap_err();
    assert_eq!(too_big.http_status(), Some(501));
    let untagged = hubs.get(NAME).send().await.unwrap_err();
    assert_eq!(untagged.http_status(), Some(501));
    let tagged = hubs
        .get(NAME)
        .with_header("If-Match", "etag-1")
        .send()
        .await
        .unwrap();
    assert_eq!(tagged.description.as_deref(), Some("tagged"));

    let report = verify_report(double);
    assert!(report.contains("2 problem(s)"), "{report}");
    assert!(
        report.contains("the predicate on query `pageSize` does not hold"),
        "{report}"
    );
    assert!(
        report.contains("header `if-match` is None, expected \"etag-1\""),
        "{report}"
    );
}

#[tokio::test]
async fn a_google_error_reaches_the_caller_typed() {
    let (double, hubs) = start().await;
    double
        .expect(hubs.create(PARENT, hub("", "x")).hub_id("h"))
        .error(ErrorReply::already_exists("hub h exists").detail(json!({
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "RESOURCE_EXISTS",
            "domain": "networkconnectivity.googleapis.com",
        })));
    let error = hubs
        .create(PARENT, hub("", "x"))
        .hub_id("h")
        .send()
        .await
        .unwrap_err();
    let service = error.as_service().expect("a Google error");
    assert_eq!(
        (service.status, service.status_name(), service.message()),
        (409, Some("ALREADY_EXISTS"), Some("hub h exists"))
    );
    assert!(
        matches!(&service.details()[..], [ErrorDetail::ErrorInfo(info)] if info.reason == "RESOURCE_EXISTS")
    );
    double.verify();
}

#[tokio::test]
async fn a_retried_503_then_the_reply() {
    let (double, hubs) = start().await;
    double
        .expect(hubs.get(NAME))
        .error(ErrorReply::unavailable("try again"))
        .times(2)
        .reply(hub(NAME, "at last"));
    let got = hubs.get(NAME).send().await.unwrap();
    assert_eq!(got.description.as_deref(), Some("at last"));
    assert_eq!(double.requests().len(), 3);
    double.verify();
}

#[tokio::test]
async fn a_503_that_outlasts_the_retries_reaches_the_caller() {
    let (double, hubs) = start().await;
    double
        .expect(hubs.get(NAME))
        .error(ErrorReply::unavailable("down").header("x-goog-request-id", "r-1"))
        .times(5);
    let error = hubs.get(NAME).send().await.unwrap_err();
    let service = error.as_service().unwrap();
    assert_eq!(service.status, 503);
    assert_eq!(service.headers.get("x-goog-request-id").unwrap(), "r-1");
    double.verify();
}

#[tokio::test]
async fn a_fault_is_a_transport_error_retried_for_idempotent_calls() {
    let (double, hubs) = start().await;
    double
        .expect(hubs.get(NAME))
        .fault()
        .reply(hub(NAME, "after a fault"));
    double.expect(hubs.delete(NAME)).fault();
    assert_eq!(
        hubs.get(NAME).send().await.unwrap().description.as_deref(),
        Some("after a fault")
    );
    let error = hubs
        .delete(NAME)
        .without_retries()
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    double.verify();
}

#[tokio::test]
async fn a_delay_before_the_answer() {
    let (double, hubs) = start().await;
    double
        .expect(hubs.get(NAME))
        .reply(hub(NAME, "slow"))
        .delay(Duration::from_secs(5))
        .reply(hub(NAME, "a little late"))
        .delay(Duration::from_millis(50));
    // The first answer comes too late for the attempt timeout: the retry gets the second.
    let started = Instant::now();
    let got = hubs
        .get(NAME)
        .with_attempt_timeout(Duration::from_millis(300))
        .send()
        .await
        .unwrap();
    assert_eq!(got.description.as_deref(), Some("a little late"));
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(350) && elapsed < Duration::from_secs(5),
        "{elapsed:?}"
    );
    double.verify();
}

#[tokio::test]
async fn answers_given_times_then_the_next_expectation_takes_over() {
    let (double, hubs) = start().await;
    double
        .expect(hubs.get(NAME))
        .reply(hub(NAME, "first"))
        .times(2);
    double.expect(hubs.get(NAME)).reply(hub(NAME, "second"));
    let mut got = Vec::new();
    for _ in 0..3 {
        got.push(hubs.get(NAME).send().await.unwrap().description.unwrap());
    }
    assert_eq!(got, ["first", "first", "second"]);
    let error = hubs.get(NAME).send().await.unwrap_err();
    assert_eq!(error.http_status(), Some(501));
    let report = verify_report(double);
    assert!(report.contains("closest expectation #1"), "{report}");
}

#[tokio::test]
async fn an_expectation_without_answers_replies_with_an_empty_object() {
    let (double, hubs) = start().await;
    double.expect(hubs.delete(NAME));
    assert_eq!(hubs.delete(NAME).send().await.unwrap(), Empty::default());
    double.verify();
}

#[tokio::test]
async fn request_ids_count_only_when_the_expectation_sets_one() {
    let (double, hubs) = start().await;
    double.expect(hubs.delete(NAME).request_id("r-1"));
    double.expect(hubs.delete(NAME));
    // The client makes a request ID of its own: the second expectation does not look at it.
    hubs.delete(NAME).send().await.unwrap();
    hubs.delete(NAME).request_id("r-1").send().await.unwrap();
    let sent: Vec<_> = double
        .requests()
        .iter()
        .map(|r| r.query("requestId").unwrap().to_string())
        .collect();
    assert_eq!(sent[1], "r-1");
    assert_eq!(sent[0].len(), 36, "a UUID");
    double.verify();
}

#[tokio::test]
async fn standard_parameters_count_when_the_expectation_sets_them() {
    let (double, hubs) = start().await;
    double
        .expect(hubs.get(NAME).pretty_print(true).fields("name"))
        .reply(hub(NAME, "pretty"));
    let error = hubs.get(NAME).fields("name").send().await.unwrap_err();
    assert_eq!(error.http_status(), Some(501));
    let got = hubs
        .get(NAME)
        .fields("name")
        .pretty_print(true)
        .send()
        .await
        .unwrap();
    assert_eq!(got.description.as_deref(), Some("pretty"));
    let report = verify_report(double);
    assert!(
        report.contains("query parameter `prettyPrint` is [\"false\"], expected [\"true\"]"),
        "{report}"
    );
}

#[tokio::test]
async fn an_unmet_expectation_fails_the_test_when_the_double_is_dropped() {
    let (double, hubs) = start().await;
    double.expect(hubs.get(NAME)).reply(hub(NAME, "x"));
    double
        .expect(hubs.delete(NAME))
        .reply(Empty::default())
        .times(2);
    hubs.get(NAME).send().await.unwrap();
    hubs.delete(NAME).send().await.unwrap();
    let caught = std::panic::catch_unwind(AssertUnwindSafe(move || drop(double)));
    let report = panic_message(caught.expect_err("dropping should fail the test"));
    assert!(report.contains("1 problem(s)"), "{report}");
    assert!(
        report.contains(&format!(
            "unmet expectation #2 networkconnectivity.projects.locations.global.hubs.delete: DELETE /v1/{NAME}: answered 1 of 2 time(s)"
        )),
        "{report}"
    );
}

#[tokio::test]
async fn the_double_reports_nothing_when_dropped_while_the_test_panics() {
    let caught = tokio::spawn(async {
        let (double, hubs) = start().await;
        double.expect(hubs.get(NAME));
        panic!("the test's own failure");
    })
    .await
    .unwrap_err();
    // One panic, the test's: a second one in `Drop` would have aborted the process.
    assert_eq!(panic_message(caught.into_panic()), "the test's own failure");
}
