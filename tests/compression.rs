//! Replies come gzip-compressed when the server offers it (JSON lists shrink several times), and
//! media comes as stored, over real HTTP on 127.0.0.1.

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::http::HeaderMap;
use axum::response::IntoResponse;
use discogen_tests::{operation_name, Recorder};
use networkconnectivity_v1::prelude::*;
use networkconnectivity_v1::{Client, Service};
use serde_json::json;

/// A server that answers every request with one operation, gzip-compressed when the request
/// accepts it, and records each request's `Accept-Encoding`.
async fn compressing_server(seen: Arc<Mutex<Vec<String>>>) -> String {
    let app = axum::Router::new().fallback(move |headers: HeaderMap| {
        let seen = seen.clone();
        async move {
            let accepts = headers
                .get("accept-encoding")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            seen.lock().unwrap().push(accepts.clone());
            let body =
                json!({"name": operation_name(1), "done": true, "padding": "x".repeat(4096)})
                    .to_string();
            if accepts.contains("gzip") {
                let mut encoder =
                    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                encoder.write_all(body.as_bytes()).unwrap();
                let compressed = encoder.finish().unwrap();
                (
                    [
                        ("content-type", "application/json"),
                        ("content-encoding", "gzip"),
                    ],
                    compressed,
                )
                    .into_response()
            } else {
                ([("content-type", "application/json")], body.into_bytes()).into_response()
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/")
}

#[tokio::test]
async fn a_compressed_reply_decodes_and_gzip_is_asked_for_by_default() {
    let seen = Arc::default();
    let url = compressing_server(Arc::clone(&seen)).await;
    let client = Client::builder().root_url(url).build().unwrap();
    let operations = Service::new(&client).projects().locations().operations();

    let operation = operations.get(operation_name(1)).send().await.unwrap();

    assert_eq!(operation.name, Some(operation_name(1)));
    assert_eq!(
        operation.unknown_fields["padding"]
            .parse::<String>()
            .unwrap()
            .len(),
        4096
    );
    assert!(
        seen.lock().unwrap()[0].contains("gzip"),
        "{:?}",
        seen.lock().unwrap()
    );
}

#[tokio::test]
async fn compression_can_be_turned_off() {
    let seen = Arc::default();
    let url = compressing_server(Arc::clone(&seen)).await;
    let client = Client::builder().root_url(url).gzip(false).build().unwrap();
    let operations = Service::new(&client).projects().locations().operations();

    operations.get(operation_name(1)).send().await.unwrap();

    assert!(!seen.lock().unwrap()[0].contains("gzip"));
}

#[tokio::test]
async fn media_is_asked_for_as_stored() {
    let recorder = Recorder::start(200, "image/png", b"pixels".to_vec()).await;
    let client = media_v1::Client::builder().build().unwrap();
    let service =
        media_v1::Service::with_base_url(&client, recorder.base_url(media_v1::SERVICE_PATH));

    let media = service
        .files()
        .get("photos", "cat.png")
        .download()
        .await
        .unwrap();

    assert_eq!(media.body().as_ref(), b"pixels");
    assert_eq!(
        recorder.requests()[0].header("accept-encoding"),
        Some("identity")
    );
}
