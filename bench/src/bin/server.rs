//! A fast fake of the Operations API for the client benchmarks, in its own process so its work
//! does not count as the client's: `server PORT TOTAL` serves TOTAL operations on 127.0.0.1.
//! Replies are prebuilt bytes, so the server is not the bottleneck. Every client gets the same
//! bytes for the same call: the reply depends only on the path and on `pageSize`/`pageToken`
//! (other query parameters, such as the `prettyPrint=false` and `$alt` some clients send, and
//! headers, such as request IDs, are ignored). Each new request shape (method, path with the
//! numbers taken out, query names, header names) is printed once to stderr, so a run shows
//! what each client sends.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::IntoResponse;

struct Data {
    operations: Vec<Bytes>,
    shapes: Mutex<HashSet<String>>,
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().expect("PORT").parse().expect("PORT");
    let total: usize = args.next().expect("TOTAL").parse().expect("TOTAL");
    let data = Arc::new(Data {
        operations: (0..total)
            .map(|i| Bytes::from(serde_json::to_vec(&discogen_bench::operation(i)).unwrap()))
            .collect(),
        shapes: Mutex::new(HashSet::new()),
    });
    let app = axum::Router::new().fallback(move |method: Method, uri: Uri, headers: HeaderMap| {
        let data = data.clone();
        async move {
            log_shape(&data, &method, &uri, &headers);
            reply(&data, &method, &uri)
        }
    });
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind");
    println!("listening");
    axum::serve(listener, app).await.expect("serve");
}

/// Prints a request's shape the first time it is seen.
fn log_shape(data: &Data, method: &Method, uri: &Uri, headers: &HeaderMap) {
    let path: String = uri.path().chars().filter(|c| !c.is_ascii_digit()).collect();
    let mut query: Vec<&str> = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| kv.split('=').next().unwrap_or_default())
        .collect();
    query.sort();
    let mut names: Vec<&str> = headers.keys().map(|k| k.as_str()).collect();
    names.sort();
    let shape = format!("{method} {path} ?{} [{}]", query.join("&"), names.join(", "));
    if data.shapes.lock().unwrap().insert(shape.clone()) {
        eprintln!("request shape: {shape}");
    }
}

fn reply(data: &Data, method: &Method, uri: &Uri) -> axum::response::Response {
    let json = [("content-type", "application/json; charset=UTF-8")];
    let path = uri.path();
    // cancel and delete answer an empty message.
    if path.ends_with(":cancel") || method == Method::DELETE {
        return (StatusCode::OK, json, "{}").into_response();
    }
    if path.ends_with("/operations") {
        let param = |name: &str| {
            uri.query()
                .unwrap_or_default()
                .split('&')
                .find_map(|kv| kv.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
                .and_then(|v| v.parse::<usize>().ok())
        };
        let size = param("pageSize").unwrap_or(100);
        let start = param("pageToken").unwrap_or(0);
        let end = (start + size).min(data.operations.len());
        let mut body = b"{\"operations\":[".to_vec();
        for (n, op) in data.operations[start..end].iter().enumerate() {
            if n > 0 {
                body.push(b',');
            }
            body.extend_from_slice(op);
        }
        body.push(b']');
        if end < data.operations.len() {
            body.extend_from_slice(format!(",\"nextPageToken\":\"{end}\"").as_bytes());
        }
        body.push(b'}');
        return (StatusCode::OK, json, body).into_response();
    }
    let index = path
        .rsplit_once("/op-")
        .and_then(|(_, i)| i.parse::<usize>().ok())
        .filter(|i| *i < data.operations.len());
    match index {
        Some(i) => (StatusCode::OK, json, data.operations[i].clone()).into_response(),
        None => (StatusCode::NOT_FOUND, json, "{\"error\":{\"code\":404}}").into_response(),
    }
}
