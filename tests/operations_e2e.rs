//! The generated client against the fake Operations API, over real HTTP on 127.0.0.1.

use std::collections::BTreeSet;

use discogen_tests::{operation_name, FakeOperations, PARENT};
use futures_util::TryStreamExt;
use networkconnectivity_v1::models::GoogleLongrunningCancelOperationRequest;
use networkconnectivity_v1::prelude::*;
use networkconnectivity_v1::{Client, Error, Service};

const TOKEN: &str = "test-access-token";
const SEEDED: usize = 300;

async fn setup() -> (FakeOperations, Client) {
    let fake = FakeOperations::start(TOKEN, SEEDED).await;
    let client = Client::builder()
        .root_url(fake.base_url())
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    (fake, client)
}

fn operations(
    client: &Client,
) -> networkconnectivity_v1::resources::projects::locations::operations::OperationsResource {
    Service::new(client).projects().locations().operations()
}

#[tokio::test]
async fn get_returns_the_operation_and_keeps_unknown_members() {
    let (fake, client) = setup().await;
    let name = operation_name(3);
    let operation = operations(&client).get(&name).send().await.unwrap();

    assert_eq!(operation.name.as_deref(), Some(name.as_str()));
    assert_eq!(operation.done, Some(true));
    // An operation's metadata is JSON kept as received, read as the type it is when asked.
    let metadata: networkconnectivity_v1::models::OperationMetadata =
        operation.metadata.as_ref().unwrap().parse().unwrap();
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
    let written = serde_json::to_value(&operation).unwrap();
    assert_eq!(written, fake.operation(&name).unwrap());

    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, format!("/v1/{name}"));
    // Only the compact-reply parameter Google's Go clients send too.
    assert_eq!(
        request.query,
        vec![("prettyPrint".to_string(), "false".to_string())]
    );
    assert_eq!(
        request.authorization.as_deref(),
        Some("Bearer test-access-token")
    );
    assert!(request
        .user_agent
        .as_deref()
        .unwrap()
        .starts_with("networkconnectivity-v1/"));
}

#[tokio::test]
async fn item_stream_lists_every_operation_exactly_once() {
    let (fake, client) = setup().await;
    let names: Vec<String> = operations(&client)
        .list(PARENT)
        .page_size(7)
        .items()
        .map_ok(|operation| operation.name.unwrap())
        .try_collect()
        .await
        .unwrap();

    assert_eq!(names.len(), SEEDED);
    let unique: BTreeSet<&String> = names.iter().collect();
    assert_eq!(unique.len(), SEEDED, "an operation came twice");
    assert_eq!(names, fake.names());

    // ceil(300 / 7) = 43 pages, each asking for 7, each after the first with the previous token.
    let requests = fake.requests();
    assert_eq!(requests.len(), SEEDED.div_ceil(7));
    for (i, request) in requests.iter().enumerate() {
        assert_eq!(request.method, "GET");
        assert_eq!(request.path, format!("/v1/{PARENT}/operations"));
        assert_eq!(request.param("pageSize"), Some("7"));
        let expected_token = (i > 0).then(|| format!("after:{}", operation_name(i * 7 - 1)));
        assert_eq!(
            request.param("pageToken").map(str::to_string),
            expected_token
        );
        assert_eq!(
            request.authorization.as_deref(),
            Some("Bearer test-access-token")
        );
    }
}

#[tokio::test]
async fn page_stream_and_a_single_page() {
    let (fake, client) = setup().await;
    let pages: Vec<_> = operations(&client)
        .list(PARENT)
        .page_size(100)
        .filter("done=true")
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].operations.as_ref().unwrap().len(), SEEDED / 3);
    assert!(pages[0].next_page_token.is_none());

    let page = operations(&client)
        .list(PARENT)
        .page_size(10)
        .send()
        .await
        .unwrap();
    assert_eq!(page.operations.unwrap().len(), 10);
    assert_eq!(
        page.next_page_token.as_deref(),
        Some(format!("after:{}", operation_name(9)).as_str())
    );
    let last = fake.requests().pop().unwrap();
    assert_eq!(
        last.query,
        vec![
            ("pageSize".to_string(), "10".to_string()),
            ("prettyPrint".to_string(), "false".to_string())
        ]
    );
}

#[tokio::test]
async fn cancel_then_get_reads_done_with_code_1() {
    let (fake, client) = setup().await;
    let name = operation_name(7);
    let reply = operations(&client)
        .cancel(&name, GoogleLongrunningCancelOperationRequest::default())
        .send()
        .await
        .unwrap();
    assert!(reply.unknown_fields.is_empty());

    let cancel = &fake.requests()[0];
    assert_eq!(cancel.method, "POST");
    assert_eq!(cancel.path, format!("/v1/{name}:cancel"));
    assert_eq!(cancel.body, "{}");

    let operation = operations(&client).get(&name).send().await.unwrap();
    assert_eq!(operation.done, Some(true));
    let error = operation.error.unwrap();
    assert_eq!(error.code, Some(1));
    assert_eq!(error.message.as_deref(), Some("Operation was cancelled."));
}

#[tokio::test]
async fn delete_then_get_is_a_404_not_found() {
    let (fake, client) = setup().await;
    let name = operation_name(11);
    operations(&client).delete(&name).send().await.unwrap();
    assert_eq!(fake.requests()[0].method, "DELETE");
    assert!(fake.operation(&name).is_none());

    let error = operations(&client).get(&name).send().await.unwrap_err();
    assert_eq!(error.http_status(), Some(404));
    let service = error.as_service().expect("a service error");
    assert_eq!(service.status_name(), Some("NOT_FOUND"));
    let details = &service.error.as_ref().unwrap().details;
    assert_eq!(
        details[0]["@type"],
        "type.googleapis.com/google.rpc.ResourceInfo"
    );
    assert!(error.to_string().contains("HTTP 404 NOT_FOUND"), "{error}");
}

#[tokio::test]
async fn a_wrong_token_is_refused_with_google_error_details() {
    let fake = FakeOperations::start(TOKEN, 3).await;
    let client = Client::builder()
        .root_url(fake.base_url())
        .bearer_token("stolen")
        .build()
        .unwrap();
    let error = operations(&client)
        .get(operation_name(0))
        .send()
        .await
        .unwrap_err();
    let service = error.as_service().unwrap();
    assert_eq!(service.status, 401);
    assert_eq!(service.status_name(), Some("UNAUTHENTICATED"));
    assert_eq!(
        service.error.as_ref().unwrap().details[0]["reason"],
        "ACCESS_TOKEN_TYPE_UNSUPPORTED"
    );
    assert!(!error.to_string().contains("stolen"));
}

#[tokio::test]
async fn standard_and_optional_parameters_go_in_the_query() {
    let (fake, client) = setup().await;
    // Parameters every revision of the document has, so that regenerating an older one is a
    // snapshot to review, not a compile error here (generator/tests/workflow.rs).
    operations(&client)
        .list(PARENT)
        .filter("done=false")
        .page_size(3)
        .page_token("after:x")
        .fields("operations(name,done),nextPageToken")
        .quota_user("someone")
        .pretty_print(false)
        .xgafv(networkconnectivity_v1::runtime::Xgafv::V2)
        .send()
        .await
        .unwrap();
    let request = fake.requests().pop().unwrap();
    let mut query = request.query.clone();
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
}

#[tokio::test]
async fn a_name_that_does_not_match_the_pattern_is_refused_before_sending() {
    let (fake, client) = setup().await;
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
        fake.requests().is_empty(),
        "nothing may be sent: {:?}",
        fake.requests()
    );
}

#[tokio::test]
async fn the_client_debug_output_has_no_token() {
    let (_fake, client) = setup().await;
    let shown = format!("{client:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    let call = operations(&client)
        .get(operation_name(1))
        .with_header("x-goog-iap-jwt-assertion", "secret-in-header");
    let shown = format!("{call:?}");
    assert!(!shown.contains("secret-in-header"), "{shown}");
}

#[tokio::test]
async fn malformed_json_in_a_success_is_a_decode_error() {
    // A server that answers 200 with a body cut short.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buffer = [0u8; 4096];
        let _ = socket.read(&mut buffer).await.unwrap();
        let body = r#"{"name": "projects/p/locations/l/operations/o", "done": tr"#;
        let reply = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
        socket.write_all(reply.as_bytes()).await.unwrap();
    });
    let client = Client::builder()
        .root_url(format!("http://{addr}/"))
        .build()
        .unwrap();
    let error = operations(&client)
        .get("projects/p/locations/l/operations/o")
        .send()
        .await
        .unwrap_err();
    match &error {
        Error::Decode {
            status, excerpt, ..
        } => {
            assert_eq!(*status, 200);
            assert!(excerpt.contains("\"done\": tr"), "{excerpt}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}
