//! What the test double records, typed and raw, and its HTTP server faced with clients other
//! than the runtime's: keep-alive, chunked bodies, and garbage.

mod double_api;

use discogen_runtime::testing::{Double, BEARER_TOKEN};
use double_api::models::Hub;
use double_api::prelude::*;
use double_api::resources::projects::locations::global::hubs;
use double_api::resources::projects::locations::operations;
use double_api::Service;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const PARENT: &str = "projects/p/locations/global";
const NAME: &str = "projects/p/locations/global/hubs/h";

#[tokio::test]
async fn recorded_requests_typed_by_their_method() {
    let double = Double::start().await;
    let service = Service::new(&double.client());
    let hubs = service.projects().locations().global().hubs();
    let body = Hub {
        description: Some("main".into()),
        ..Hub::default()
    };
    double
        .expect(hubs.create(PARENT, Hub::default()))
        .body_matches(|_| true);
    double.expect(hubs.get(NAME));

    hubs.create(PARENT, body.clone())
        .hub_id("h")
        .with_quota_project("billed")
        .send()
        .await
        .unwrap();
    hubs.get(NAME).send().await.unwrap();
    // Unexpected, but recorded: an operation's `get` has the same path template as a hub's,
    // and is told apart by the pattern of its name.
    let operation = "projects/p/locations/l/operations/o";
    service
        .projects()
        .locations()
        .operations()
        .get(operation)
        .send()
        .await
        .unwrap_err();

    let creates = double.received::<hubs::CreateCall>();
    assert_eq!(creates.len(), 1);
    let create = &creates[0];
    assert_eq!(create.body(), Some(&body));
    assert_eq!(create.query("hubId"), Some("h"));
    assert_eq!(create.query("requestId").map(str::len), Some(36));
    assert_eq!(create.header("x-goog-user-project"), Some("billed"));
    assert_eq!(
        create.header("Authorization"),
        Some(format!("Bearer {BEARER_TOKEN}").as_str())
    );
    assert_eq!(create.raw().method, "POST");

    let gets = double.received::<hubs::GetCall>();
    assert_eq!(gets.len(), 1);
    assert_eq!(gets[0].body(), None);
    assert_eq!(gets[0].raw().path, format!("/v1/{NAME}"));
    let polls = double.received::<operations::GetCall>();
    assert_eq!(polls.len(), 1);
    assert_eq!(polls[0].raw().path, format!("/v1/{operation}"));
    assert_eq!(polls[0].raw().method_id, None);

    let raw = double.requests();
    assert_eq!(raw.len(), 3);
    assert_eq!(
        raw[1].method_id,
        Some("networkconnectivity.projects.locations.global.hubs.get")
    );
    assert_eq!(
        raw[1].to_string(),
        format!("GET /v1/{NAME}?prettyPrint=false")
    );
    assert_eq!(
        raw[0].body_json().unwrap(),
        serde_json::json!({"description": "main"})
    );
    assert_eq!(double.problems().len(), 1);
    assert!(std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| double.verify())).is_err());
}

/// Reads one reply: its status and body (replies of the double always have a length).
async fn read_reply(stream: &mut BufReader<TcpStream>) -> (u16, String) {
    let mut status_line = String::new();
    stream.read_line(&mut status_line).await.unwrap();
    let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let mut length = 0;
    loop {
        let mut line = String::new();
        stream.read_line(&mut line).await.unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("content-length: ") {
            length = value.parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    stream.read_exact(&mut body).await.unwrap();
    (status, String::from_utf8(body).unwrap())
}

#[tokio::test]
async fn the_server_keeps_connections_alive_reads_chunks_and_refuses_garbage() {
    let double = Double::start().await;
    let hubs = Service::new(&double.client())
        .projects()
        .locations()
        .global()
        .hubs();
    double
        .expect(hubs.get(NAME))
        .reply(Hub {
            name: Some(NAME.into()),
            ..Hub::default()
        })
        .times(2);
    double
        .expect(hubs.create(PARENT, Hub::default()))
        .body_matches(|hub: &Hub| hub.description.as_deref() == Some("chunked"));

    let address = double
        .url()
        .trim_start_matches("http://")
        .trim_end_matches('/');
    let mut stream = BufReader::new(TcpStream::connect(address).await.unwrap());
    let get = format!("GET /v1/{NAME} HTTP/1.1\r\nHost: x\r\n\r\n");
    let chunked = format!(
        "POST /v1/{PARENT}/hubs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n\
         5\r\n{{\"des\r\n14;ext=1\r\ncription\":\"chunked\"}}\r\n0\r\n\r\n"
    );
    // Two requests sent at once, then one more, on one connection.
    stream
        .get_mut()
        .write_all(format!("{get}{get}").as_bytes())
        .await
        .unwrap();
    for _ in 0..2 {
        let (status, body) = read_reply(&mut stream).await;
        assert_eq!(status, 200);
        assert!(body.contains(NAME), "{body}");
    }
    stream
        .get_mut()
        .write_all(chunked.as_bytes())
        .await
        .unwrap();
    assert_eq!(read_reply(&mut stream).await, (200, "{}".to_string()));
    let received = double.received::<hubs::CreateCall>();
    assert_eq!(
        received[0].body().unwrap().description.as_deref(),
        Some("chunked")
    );

    // Garbage: a 400, the connection closed, and the test fails.
    stream
        .get_mut()
        .write_all(b"GET /x HTTP/1.1\r\nno colon here\r\n\r\n")
        .await
        .unwrap();
    let (status, body) = read_reply(&mut stream).await;
    assert_eq!(status, 400);
    assert!(body.contains("malformed header line"), "{body}");
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).await.unwrap();
    assert!(rest.is_empty());
    assert_eq!(
        double.problems(),
        ["malformed HTTP request: malformed header line"]
    );
    assert!(std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| double.verify())).is_err());
}

/// The API of `double_api`, with bodies wrapped as `{"data": ...}`, as some older APIs want.
static WRAPPED: discogen_runtime::ApiInfo = discogen_runtime::ApiInfo {
    crate_name: "wrapped-v1",
    data_wrapper: true,
    name: double_api::API.name,
    version: double_api::API.version,
    revision: double_api::API.revision,
    crate_version: double_api::API.crate_version,
    root_url: double_api::API.root_url,
    mtls_root_url: double_api::API.mtls_root_url,
    service_path: double_api::API.service_path,
    batch_path: double_api::API.batch_path,
    operations_get: double_api::API.operations_get,
};

#[tokio::test]
async fn bodies_of_apis_with_a_data_wrapper_are_wrapped() {
    let double = Double::start().await;
    let hubs = hubs::HubsResource {
        api: discogen_runtime::ApiClient::new(&double.client(), &WRAPPED),
    };
    let sent = Hub {
        description: Some("wrapped".into()),
        ..Hub::default()
    };
    let created = Hub {
        name: Some(NAME.into()),
        ..sent.clone()
    };
    double.expect(hubs.create(PARENT, sent.clone())).operation(
        discogen_runtime::testing::OperationScript::succeeds(created.clone()).running_for(1),
    );
    let hub = hubs
        .create(PARENT, sent.clone())
        .send_and_wait(Double::poll_policy())
        .await
        .unwrap();
    assert_eq!(hub, created);
    let requests = double.requests();
    assert_eq!(
        requests[0].body_json().unwrap(),
        serde_json::json!({"data": {"description": "wrapped"}})
    );
    assert_eq!(double.received::<hubs::CreateCall>()[0].body(), Some(&sent));
    double.verify();
}
