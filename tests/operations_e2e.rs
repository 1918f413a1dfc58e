//! The generated client's Operations methods end to end, over real HTTP on 127.0.0.1.
//!
//! Most tests run against the runtime's test double (`runtime::testing`, the same one users
//! get): it checks each request against what the crate's own builder describes and answers
//! with typed values. What only a hand-made server can do, operations whose state changes,
//! stays with the fake of `tests/support/`; tokens, secrets and malformed replies are tested
//! in `production.rs` and `hostile.rs`.

use std::collections::BTreeSet;

use discogen_tests::{operation_name, operations, FakeOperations, PARENT};
use futures_util::TryStreamExt;
use networkconnectivity_v1::models::{
    Empty, GoogleLongrunningCancelOperationRequest, GoogleLongrunningOperation, OperationMetadata,
};
use networkconnectivity_v1::prelude::*;
use networkconnectivity_v1::resources::projects::locations::operations::{
    CancelCall, GetCall, ListCall,
};
use networkconnectivity_v1::runtime::testing::{self, Double, ErrorReply, Pages};
use networkconnectivity_v1::{Client, Error};
use serde_json::json;

/// An operation as the service sends it, with a member the document does not describe.
fn finished_operation(name: &str) -> GoogleLongrunningOperation {
    serde_json::from_value(json!({
        "name": name,
        "done": true,
        "metadata": {
            "@type": "type.googleapis.com/google.cloud.networkconnectivity.v1.OperationMetadata",
            "verb": "create",
            "target": format!("{PARENT}/hubs/h"),
        },
        "response": {
            "@type": "type.googleapis.com/google.cloud.networkconnectivity.v1.Hub",
            "name": format!("{PARENT}/hubs/h"),
        },
        "futureField": {"index": 3},
    }))
    .unwrap()
}

/// `count` operations named as the fake names them.
fn seeded_operations(count: usize) -> Vec<GoogleLongrunningOperation> {
    (0..count)
        .map(|i| {
            let mut operation = GoogleLongrunningOperation::default();
            operation.name = Some(operation_name(i));
            operation.done = Some(i % 3 == 0);
            operation
        })
        .collect()
}

// ---- against the test double ----------------------------------------------------------------

#[tokio::test]
async fn get_returns_the_operation_and_keeps_unknown_members() {
    let double = Double::start().await;
    let client = double.client();
    let name = operation_name(3);
    let served = finished_operation(&name);
    double
        .expect(operations(&client).get(&name))
        .reply(served.clone());

    let operation = operations(&client).get(&name).send().await.unwrap();

    assert_eq!(operation, served);
    assert_eq!(operation.done, Some(true));
    // An operation's metadata is JSON kept as received, read as the type it is when asked.
    let metadata: OperationMetadata = operation.metadata.as_ref().unwrap().parse().unwrap();
    assert_eq!(metadata.verb.as_deref(), Some("create"));
    assert_eq!(
        operation.response.as_ref().unwrap().to_value().unwrap()["@type"],
        "type.googleapis.com/google.cloud.networkconnectivity.v1.Hub"
    );
    // A member the document does not describe survives, and a read-then-write loses nothing.
    assert_eq!(
        operation.unknown_fields["futureField"].to_value().unwrap()["index"],
        3
    );

    let received = double.received::<GetCall>();
    assert_eq!(received.len(), 1);
    let request = received[0].raw();
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, format!("/v1/{name}"));
    // Only the compact-reply parameter Google's Go clients send too.
    assert_eq!(
        request.query,
        vec![("prettyPrint".to_string(), "false".to_string())]
    );
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {}", testing::BEARER_TOKEN).as_str())
    );
    assert!(request
        .header("user-agent")
        .unwrap()
        .starts_with("networkconnectivity-v1/"));
    double.verify();
}

#[tokio::test]
async fn item_stream_lists_every_operation_exactly_once() {
    const SEEDED: usize = 300;
    let double = Double::start().await;
    let client = double.client();
    let served = seeded_operations(SEEDED);
    double
        .expect(operations(&client).list(PARENT).page_size(7))
        .pages(Pages::of(served.clone()));

    let listed: Vec<GoogleLongrunningOperation> = operations(&client)
        .list(PARENT)
        .page_size(7)
        .items()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(listed, served);
    let unique: BTreeSet<_> = listed.iter().map(|o| o.name.clone()).collect();
    assert_eq!(unique.len(), SEEDED, "an operation came twice");

    // ceil(300 / 7) = 43 pages, each asking for 7, each after the first with a new token.
    let pages = double.received::<ListCall>();
    assert_eq!(pages.len(), SEEDED.div_ceil(7));
    assert_eq!(pages[0].query("pageToken"), None);
    let tokens: BTreeSet<_> = pages[1..].iter().map(|p| p.query("pageToken")).collect();
    assert_eq!(tokens.len(), pages.len() - 1, "a page token came twice");
    for page in &pages {
        assert_eq!(page.raw().path, format!("/v1/{PARENT}/operations"));
        assert_eq!(page.query("pageSize"), Some("7"));
    }
    double.verify();
}

#[tokio::test]
async fn page_stream_and_a_single_page() {
    let double = Double::start().await;
    let client = double.client();
    let served = seeded_operations(30);
    double
        .expect(operations(&client).list(PARENT).filter("done=true"))
        .pages(Pages::of(served.clone()))
        .times(2);

    // Ten items a page: three pages, the last without a next token.
    let pages: Vec<_> = operations(&client)
        .list(PARENT)
        .page_size(10)
        .filter("done=true")
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);
    assert!(pages
        .iter()
        .all(|p| p.operations.as_ref().unwrap().len() == 10));
    assert!(pages[1].next_page_token.is_some());
    assert!(pages[2].next_page_token.is_none());

    // One page alone, as `send` returns it.
    let page = operations(&client)
        .list(PARENT)
        .filter("done=true")
        .send()
        .await
        .unwrap();
    // No page size: the double's default (50) covers the 30 items.
    assert_eq!(page.operations.unwrap().len(), 30);
    assert!(page.next_page_token.is_none());
    let last = double.requests().pop().unwrap();
    assert_eq!(
        last.query,
        vec![
            ("filter".to_string(), "done=true".to_string()),
            ("prettyPrint".to_string(), "false".to_string())
        ]
    );
    double.verify();
}

#[tokio::test]
async fn cancel_posts_an_empty_body_then_get_reads_code_1() {
    let double = Double::start().await;
    let client = double.client();
    let name = operation_name(7);
    double
        .expect(
            operations(&client).cancel(&name, GoogleLongrunningCancelOperationRequest::default()),
        )
        .reply(Empty::default());
    let mut cancelled = GoogleLongrunningOperation::default();
    cancelled.name = Some(name.clone());
    cancelled.done = Some(true);
    cancelled.error = Some(
        serde_json::from_value(json!({"code": 1, "message": "Operation was cancelled."})).unwrap(),
    );
    double
        .expect(operations(&client).get(&name))
        .reply(cancelled);

    let reply = operations(&client)
        .cancel(&name, GoogleLongrunningCancelOperationRequest::default())
        .send()
        .await
        .unwrap();
    assert!(reply.unknown_fields.is_empty());
    let cancel = &double.received::<CancelCall>()[0];
    assert_eq!(cancel.raw().method, "POST");
    assert_eq!(cancel.raw().path, format!("/v1/{name}:cancel"));
    assert_eq!(cancel.raw().body, b"{}");

    let operation = operations(&client).get(&name).send().await.unwrap();
    assert_eq!(operation.done, Some(true));
    let error = operation.error.unwrap();
    assert_eq!(error.code, Some(1));
    assert_eq!(error.message.as_deref(), Some("Operation was cancelled."));
    double.verify();
}

#[tokio::test]
async fn a_404_is_a_service_error_with_google_s_details() {
    let double = Double::start().await;
    let client = double.client();
    let name = operation_name(11);
    double
        .expect(operations(&client).delete(&name))
        .reply(Empty::default());
    double.expect(operations(&client).get(&name)).error(
        ErrorReply::not_found(format!("Operation {name} not found")).detail(json!({
            "@type": "type.googleapis.com/google.rpc.ResourceInfo",
            "resourceName": name,
        })),
    );

    operations(&client).delete(&name).send().await.unwrap();
    let error = operations(&client).get(&name).send().await.unwrap_err();

    assert_eq!(double.requests()[0].method, "DELETE");
    assert_eq!(error.http_status(), Some(404));
    let service = error.as_service().expect("a service error");
    assert_eq!(service.status_name(), Some("NOT_FOUND"));
    let details = &service.error.as_ref().unwrap().details;
    assert_eq!(
        details[0]["@type"],
        "type.googleapis.com/google.rpc.ResourceInfo"
    );
    assert!(error.to_string().contains("HTTP 404 NOT_FOUND"), "{error}");
    double.verify();
}

#[tokio::test]
async fn standard_and_optional_parameters_go_in_the_query() {
    let double = Double::start().await;
    let client = double.client();
    // Parameters every revision of the document has, so that regenerating an older one is a
    // snapshot to review, not a compile error here (generator/tests/workflow.rs).
    let call = || {
        operations(&client)
            .list(PARENT)
            .filter("done=false")
            .page_size(3)
            .page_token("after:x")
            .fields("operations(name,done),nextPageToken")
            .quota_user("someone")
            .pretty_print(false)
            .xgafv(networkconnectivity_v1::runtime::Xgafv::V2)
    };
    double.expect(call()).reply(Default::default());

    call().send().await.unwrap();

    let mut query = double.requests().pop().unwrap().query;
    query.sort();
    let expected: Vec<(String, String)> = [
        ("$.xgafv", "2"),
        ("fields", "operations(name,done),nextPageToken"),
        ("filter", "done=false"),
        ("pageSize", "3"),
        ("pageToken", "after:x"),
        ("prettyPrint", "false"),
        ("quotaUser", "someone"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(query, expected);
    double.verify();
}

#[tokio::test]
async fn a_name_that_does_not_match_the_pattern_is_refused_before_sending() {
    // A double without expectations: any request that reached it would fail `verify`.
    let double = Double::start().await;
    let client = double.client();
    for bad in [
        "projects/p/locations/l", // the parent, not an operation
        "projects/p/locations/l/operations/op/../../../../hubs/x", // steers elsewhere
        "projects/p/locations/l/operations/op?alt=media", // injects a query
        "",
    ] {
        let error = operations(&client).get(bad).send().await.unwrap_err();
        match &error {
            Error::InvalidRequest { parameter, reason } => {
                assert_eq!(parameter, "name");
                assert!(
                    reason.contains("pattern") || reason.contains("not allowed"),
                    "{reason}"
                );
            }
            other => panic!("{bad:?}: expected InvalidRequest, got {other:?}"),
        }
    }
    assert!(
        double.requests().is_empty(),
        "nothing may be sent: {:?}",
        double.requests()
    );
    double.verify();
}

// ---- against the fake: what it alone can do --------------------------------------------------

const TOKEN: &str = "test-access-token";

async fn fake_and_client() -> (FakeOperations, Client) {
    let fake = FakeOperations::start(TOKEN, 30).await;
    let client = Client::builder()
        .root_url(fake.base_url())
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    (fake, client)
}

#[tokio::test]
async fn the_fake_s_state_follows_cancel_and_delete() {
    let (fake, client) = fake_and_client().await;
    let cancelled = operation_name(7);
    operations(&client)
        .cancel(
            &cancelled,
            GoogleLongrunningCancelOperationRequest::default(),
        )
        .send()
        .await
        .unwrap();
    let operation = operations(&client).get(&cancelled).send().await.unwrap();
    assert_eq!(operation.error.unwrap().code, Some(1));

    let deleted = operation_name(11);
    operations(&client).delete(&deleted).send().await.unwrap();
    let error = operations(&client).get(&deleted).send().await.unwrap_err();
    assert_eq!(error.http_status(), Some(404));

    // The list reflects both: filtered by the server, read in one page.
    let done: Vec<_> = operations(&client)
        .list(PARENT)
        .filter("done=true")
        .page_size(100)
        .items()
        .map_ok(|operation| operation.name.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert!(done.contains(&cancelled));
    assert!(!done.contains(&deleted));
    // What the client sent for each step.
    let sent: Vec<(String, String)> = fake
        .requests()
        .iter()
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect();
    let path = |name: &str| format!("/v1/{name}");
    assert_eq!(
        sent[..4],
        [
            ("POST".to_string(), format!("{}:cancel", path(&cancelled))),
            ("GET".to_string(), path(&cancelled)),
            ("DELETE".to_string(), path(&deleted)),
            ("GET".to_string(), path(&deleted)),
        ]
    );
    assert_eq!(fake.requests()[0].body, "{}");
    assert_eq!(fake.requests()[4].param("filter"), Some("done=true"));
}
