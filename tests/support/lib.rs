//! Test support: an in-process fake of the Operations API of Network Connectivity, served over
//! real HTTP on 127.0.0.1 with an OS-chosen port. It behaves like the service where the client can
//! tell (paths, verbs, paging, Google's error bodies, refusing unknown query parameters and bad
//! credentials) and records every request it receives, so tests can check what went on the wire.
//!
//! The README's examples are compiled as doctests of this crate.
#![doc = include_str!("../../README.md")]

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

mod logs;
pub use logs::Logs;

use networkconnectivity_v1::resources::projects::locations::operations::OperationsResource;
use networkconnectivity_v1::{Client, Error, Service, ServiceError};

/// The workspace's root directory.
pub fn workspace() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
}

/// The JSON files of `dir`, as (file stem, path), sorted.
pub fn json_documents(dir: &std::path::Path) -> Vec<(String, std::path::PathBuf)> {
    let mut documents: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .map(|path| {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            (stem, path)
        })
        .collect();
    documents.sort();
    documents
}

/// The Operations resource of Network Connectivity, on `client`.
pub fn operations(client: &Client) -> OperationsResource {
    Service::new(client).projects().locations().operations()
}

/// The service's answer `error` holds, failing the test when it is another kind of error.
pub fn service_error(error: &Error) -> &ServiceError {
    error
        .as_service()
        .unwrap_or_else(|| panic!("expected a service error, got {error:?}"))
}

/// The project and location the seeded operations live in.
pub const PARENT: &str = "projects/demo-project/locations/us-central1";

/// Parameters every method accepts (the document's top-level `parameters`).
const STANDARD_PARAMS: &[&str] = &[
    "$.xgafv",
    "access_token",
    "alt",
    "callback",
    "fields",
    "key",
    "oauth_token",
    "prettyPrint",
    "quotaUser",
    "uploadType",
    "upload_protocol",
];

/// One request as the fake received it.
#[derive(Clone, Debug, PartialEq)]
pub struct Recorded {
    pub method: String,
    /// The path as sent (still percent-encoded).
    pub path: String,
    /// Query parameters, decoded, in the order sent.
    pub query: Vec<(String, String)>,
    pub authorization: Option<String>,
    pub user_agent: Option<String>,
    /// `x-goog-api-client`.
    pub api_client: Option<String>,
    /// `x-goog-user-project`.
    pub user_project: Option<String>,
    /// `x-goog-api-key`.
    pub api_key: Option<String>,
    /// Every header, names lower-case, values lossily decoded.
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// When the request arrived.
    pub at: Instant,
}

/// A fault the fake answers with instead of its normal reply: one per request, in the order
/// injected, after which it behaves normally again.
#[derive(Clone, Debug)]
pub enum Fault {
    /// A Google JSON error with this HTTP status and `details`, and a `Retry-After` header
    /// when given.
    Status {
        status: u16,
        retry_after: Option<String>,
        details: Value,
    },
    /// An HTML error page with this status, as a proxy or load balancer sends.
    Html(u16),
    /// HTTP 200 with this body and a JSON content type.
    Body(String),
    /// Waits this long, then replies normally.
    Delay(Duration),
    /// Starts a normal 200 reply, then breaks the connection after a few bytes.
    CutConnection,
    /// A reply of `bytes` bytes of JSON (`{"padding":"aaa..."}`) with this status, streamed
    /// from one shared buffer so that the fake itself holds almost none of it; with a
    /// `Content-Length` unless `chunked`. [`FakeOperations::large_bytes_served`] counts what
    /// the client let the fake write.
    Large {
        status: u16,
        bytes: u64,
        chunked: bool,
    },
    /// A reply with exactly this status (any code HTTP allows for a final reply, 999 included),
    /// these headers and this body.
    Raw {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: String,
    },
}

impl Fault {
    /// A Google error with this status and no `Retry-After`.
    pub fn status(status: u16) -> Fault {
        Fault::Status {
            status,
            retry_after: None,
            details: json!([]),
        }
    }

    /// A 503 whose `Retry-After` header is `value`, as given.
    pub fn retry_after(value: &str) -> Fault {
        Fault::Status {
            status: 503,
            retry_after: Some(value.to_string()),
            details: json!([]),
        }
    }

    /// A list page of one operation whose `nextPageToken` is `token`, whatever was asked.
    pub fn page(token: &str) -> Fault {
        Fault::Body(
            json!({
                "operations": [{"name": format!("{PARENT}/operations/page-{token}")}],
                "nextPageToken": token
            })
            .to_string(),
        )
    }

    /// A redirect with this status (301, 302, 303, 307, 308) to `location`.
    pub fn redirect(status: u16, location: &str) -> Fault {
        Fault::Raw {
            status,
            headers: vec![("location", location.to_string())],
            body: String::new(),
        }
    }
}

impl Recorded {
    /// The value of query parameter `name`, if sent once or more (the first).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of header `name` (lower-case), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct State {
    token: String,
    operations: BTreeMap<String, Value>,
    /// Operations that become done after a number of `get`s: polls left, and the members
    /// (`response` or `error`) they finish with.
    pending: BTreeMap<String, (usize, Value)>,
    faults: VecDeque<Fault>,
    log: Vec<Recorded>,
    /// Bytes of [`Fault::Large`] replies handed to the connection so far.
    large_served: Arc<AtomicU64>,
}

/// A running fake server. It stops when dropped.
pub struct FakeOperations {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

impl FakeOperations {
    /// Starts a server that accepts `Bearer {token}` and holds `count` operations named
    /// `{PARENT}/operations/op-0000`...; every third is done with a response, the others running.
    pub async fn start(token: &str, count: usize) -> FakeOperations {
        let operations = (0..count).map(|i| {
            let name = operation_name(i);
            (name.clone(), seeded_operation(&name, i))
        });
        let state = Arc::new(Mutex::new(State {
            token: token.to_string(),
            operations: operations.collect(),
            ..State::default()
        }));
        let app = axum::Router::new().fallback({
            let state = state.clone();
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let state = state.clone();
                async move { serve(&state, method, uri, headers, body).await }
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await
                .expect("fake server");
        });
        FakeOperations {
            addr,
            state,
            _shutdown: shutdown,
        }
    }

    /// The base URL to give the client (`http://127.0.0.1:PORT/`).
    pub fn base_url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.state).log.clone()
    }

    /// Answers the next requests with `faults`, one each, in order.
    pub fn inject(&self, faults: impl IntoIterator<Item = Fault>) {
        lock(&self.state).faults.extend(faults);
    }

    /// Adds a running operation called `name` that becomes done on its `polls`-th `get`, then
    /// holds `outcome`'s members (`{"response": ...}` or `{"error": ...}`).
    pub fn add_pending_operation(&self, name: &str, polls: usize, outcome: Value) {
        let mut state = lock(&self.state);
        state.operations.insert(
            name.to_string(),
            json!({"name": name, "done": false, "metadata": {"verb": "update"}}),
        );
        state.pending.insert(name.to_string(), (polls, outcome));
    }

    /// Bytes of [`Fault::Large`] replies the fake wrote so far: what the client read, plus
    /// what the connection's buffers took before the client closed it.
    pub fn large_bytes_served(&self) -> u64 {
        lock(&self.state).large_served.load(Ordering::SeqCst)
    }
}

/// The name of the `i`th seeded operation.
pub fn operation_name(i: usize) -> String {
    format!("{PARENT}/operations/op-{i:04}")
}

fn seeded_operation(name: &str, i: usize) -> Value {
    let mut operation = json!({
        "name": name,
        "metadata": {
            "@type": "type.googleapis.com/google.cloud.networkconnectivity.v1.OperationMetadata",
            "createTime": "2026-11-29T08:00:00Z",
            "target": format!("{PARENT}/hubs/hub-{i}"),
            "verb": "create",
            "requestedCancellation": false,
            "apiVersion": "v1"
        },
        "done": i.is_multiple_of(3),
        // A member the discovery document does not describe: clients must keep it.
        "futureField": {"addedIn": "a later revision", "index": i}
    });
    if i.is_multiple_of(3) {
        operation["response"] = json!({
            "@type": "type.googleapis.com/google.cloud.networkconnectivity.v1.Hub",
            "name": format!("{PARENT}/hubs/hub-{i}")
        });
    }
    operation
}

fn lock<T>(state: &Mutex<T>) -> MutexGuard<'_, T> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Records the request, then answers with the next injected fault or normally.
async fn serve(
    state: &Mutex<State>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let recorded = Recorded {
        method: method.to_string(),
        path: uri.path().to_string(),
        query: uri
            .query()
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default(),
        authorization: header("authorization"),
        user_agent: header("user-agent"),
        api_client: header("x-goog-api-client"),
        user_project: header("x-goog-user-project"),
        api_key: header("x-goog-api-key"),
        headers: headers
            .iter()
            .map(|(k, v)| {
                let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
                (k.to_string(), value)
            })
            .collect(),
        body: String::from_utf8_lossy(&body).into_owned(),
        at: Instant::now(),
    };
    let (fault, large_served) = {
        let mut state = lock(state);
        state.log.push(recorded.clone());
        (state.faults.pop_front(), state.large_served.clone())
    };
    match fault {
        None => answer(state, &method, &recorded, &body).await,
        Some(Fault::Delay(delay)) => {
            tokio::time::sleep(delay).await;
            answer(state, &method, &recorded, &body).await
        }
        Some(Fault::Status {
            status,
            retry_after,
            details,
        }) => {
            let status = StatusCode::from_u16(status).expect("a valid status");
            let mut response = google_error(
                status,
                status.canonical_reason().unwrap_or("ERROR"),
                "Injected fault",
                details,
            );
            if let Some(after) = retry_after {
                response
                    .headers_mut()
                    .insert("retry-after", after.parse().expect("a header value"));
            }
            response
        }
        Some(Fault::Html(status)) => (
            StatusCode::from_u16(status).expect("a valid status"),
            [("content-type", "text/html; charset=UTF-8")],
            "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>\
             <body><h1>Bad Gateway</h1><p>The server encountered a temporary error.</p></body></html>",
        )
            .into_response(),
        Some(Fault::Body(text)) => (
            StatusCode::OK,
            [("content-type", "application/json; charset=UTF-8")],
            text,
        )
            .into_response(),
        Some(Fault::CutConnection) => {
            let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
                Ok(Bytes::from_static(b"{\"name\": \"projects/")),
                Err(std::io::Error::other("connection cut by the fake")),
            ];
            (
                StatusCode::OK,
                [("content-type", "application/json; charset=UTF-8")],
                Body::from_stream(futures_util::stream::iter(chunks)),
            )
                .into_response()
        }
        Some(Fault::Large {
            status,
            bytes,
            chunked,
        }) => large_reply(status, bytes, chunked, large_served),
        Some(Fault::Raw {
            status,
            headers,
            body,
        }) => {
            let mut response = Response::new(Body::from(body));
            *response.status_mut() = StatusCode::from_u16(status).expect("a valid status");
            for (name, value) in headers {
                let value = value.parse().expect("a header value");
                response.headers_mut().append(name, value);
            }
            response
        }
    }
}

/// The shared piece every [`Fault::Large`] reply is made of.
static PADDING: [u8; 64 * 1024] = [b'a'; 64 * 1024];

/// `{"padding":"aaa..."}` of `bytes` bytes (at least the 14 of its frame), streamed piece by
/// piece as the connection takes them, counting each piece in `served`.
fn large_reply(status: u16, bytes: u64, chunked: bool, served: Arc<AtomicU64>) -> Response {
    const HEAD: &[u8] = b"{\"padding\":\"";
    const TAIL: &[u8] = b"\"}";
    let frame = (HEAD.len() + TAIL.len()) as u64;
    let padding = bytes.saturating_sub(frame);
    let pieces = padding.div_ceil(PADDING.len() as u64);
    let body = (0..pieces).map(move |i| {
        let len = (padding - i * PADDING.len() as u64).min(PADDING.len() as u64);
        Bytes::from_static(&PADDING[..len as usize])
    });
    let stream = std::iter::once(Bytes::from_static(HEAD))
        .chain(body)
        .chain(std::iter::once(Bytes::from_static(TAIL)))
        .map(move |piece| {
            served.fetch_add(piece.len() as u64, Ordering::SeqCst);
            Ok::<_, std::io::Error>(piece)
        });
    let mut response = Response::new(Body::from_stream(futures_util::stream::iter(stream)));
    *response.status_mut() = StatusCode::from_u16(status).expect("a valid status");
    let headers = response.headers_mut();
    headers.insert(
        "content-type",
        "application/json; charset=UTF-8"
            .parse()
            .expect("a header value"),
    );
    if !chunked {
        headers.insert("content-length", (padding + frame).into());
    }
    response
}

/// The service's own answer, with only the fields the `fields` parameter selects, as Google's
/// partial responses go.
async fn answer(
    state: &Mutex<State>,
    method: &Method,
    request: &Recorded,
    body: &Bytes,
) -> Response {
    let response = handle(&mut lock(state), method, request, body);
    let Some(mask) = request.param("fields") else {
        return response;
    };
    if !response.status().is_success() {
        return response;
    }
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("the fake's own reply");
    let value: Value = serde_json::from_slice(&bytes).expect("the fake's own JSON");
    json_reply(select_fields(&value, mask))
}

/// `value` with only the members `mask` selects: `a,b(c,d),e/f`, `*` for all.
pub fn select_fields(value: &Value, mask: &str) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().map(|v| select_fields(v, mask)).collect()),
        Value::Object(members) => {
            let mut kept = serde_json::Map::new();
            for entry in top_level(mask) {
                let entry = entry.trim();
                if entry == "*" {
                    return value.clone();
                }
                let (name, sub) = match (entry.find('('), entry.find('/')) {
                    (Some(open), slash) if slash.is_none_or(|s| open < s) => {
                        let inner = &entry[open + 1..];
                        (
                            &entry[..open],
                            Some(inner.strip_suffix(')').unwrap_or(inner)),
                        )
                    }
                    (_, Some(slash)) => (&entry[..slash], Some(&entry[slash + 1..])),
                    _ => (entry, None),
                };
                if let Some(member) = members.get(name) {
                    let selected = match sub {
                        Some(sub) => select_fields(member, sub),
                        None => member.clone(),
                    };
                    kept.insert(name.to_string(), selected);
                }
            }
            Value::Object(kept)
        }
        other => other.clone(),
    }
}

/// The entries of a field mask outside parentheses.
fn top_level(mask: &str) -> Vec<&str> {
    let (mut depth, mut start, mut entries) = (0usize, 0, Vec::new());
    for (i, c) in mask.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                entries.push(&mask[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    entries.push(&mask[start..]);
    entries
}

/// The service's own answer to a request.
fn handle(state: &mut State, method: &Method, request: &Recorded, body: &Bytes) -> Response {
    let query = &request.query;
    if request.authorization != Some(format!("Bearer {}", state.token)) {
        return google_error(
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            "Request had invalid authentication credentials. Expected OAuth 2 access token.",
            json!([{
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "ACCESS_TOKEN_TYPE_UNSUPPORTED",
                "domain": "googleapis.com",
                "metadata": {"service": "networkconnectivity.googleapis.com"}
            }]),
        );
    }

    let Some(rest) = request.path.strip_prefix("/v1/") else {
        return not_found(&request.path);
    };
    let (resource, verb) = match rest.rsplit_once(':') {
        Some((resource, verb)) if !verb.contains('/') => (resource, Some(verb)),
        _ => (rest, None),
    };
    let segments: Vec<&str> = resource.split('/').collect();
    let is_operation = segments.len() == 6
        && segments[0] == "projects"
        && segments[2] == "locations"
        && segments[4] == "operations";
    let is_collection = segments.len() == 5
        && segments[0] == "projects"
        && segments[2] == "locations"
        && segments[4] == "operations";

    let is_hubs = segments.len() == 5
        && segments[0] == "projects"
        && segments[2] == "locations"
        && segments[3] == "global"
        && segments[4] == "hubs";
    if is_hubs && method == Method::POST && verb.is_none() {
        return create_hub(state, resource, query, body);
    }

    match (method, is_operation, is_collection, verb) {
        (&Method::GET, true, _, None) => {
            if let Some(response) = unknown_param(query, &[]) {
                return response;
            }
            poll_pending(state, resource);
            match state.operations.get(resource) {
                Some(operation) => json_reply(operation.clone()),
                None => not_found(resource),
            }
        }
        (&Method::DELETE, true, _, None) => {
            if let Some(response) = unknown_param(query, &[]) {
                return response;
            }
            match state.operations.remove(resource) {
                Some(_) => json_reply(json!({})),
                None => not_found(resource),
            }
        }
        (&Method::POST, true, _, Some("cancel")) => {
            if let Some(response) = unknown_param(query, &[]) {
                return response;
            }
            if !serde_json::from_slice::<Value>(body).is_ok_and(|b| b.is_object()) {
                return google_error(
                    StatusCode::BAD_REQUEST,
                    "INVALID_ARGUMENT",
                    "Invalid JSON payload received.",
                    json!([]),
                );
            }
            state.pending.remove(resource);
            match state.operations.get_mut(resource) {
                Some(operation) => {
                    operation["done"] = json!(true);
                    operation["error"] = json!({"code": 1, "message": "Operation was cancelled."});
                    if let Some(object) = operation.as_object_mut() {
                        object.remove("response");
                    }
                    json_reply(json!({}))
                }
                None => not_found(resource),
            }
        }
        (&Method::GET, _, true, None) => {
            if let Some(response) = unknown_param(
                query,
                &["filter", "pageSize", "pageToken", "returnPartialSuccess"],
            ) {
                return response;
            }
            list(state, resource.trim_end_matches("/operations"), query)
        }
        _ => google_error(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            &format!("No route for {method} {}", request.path),
            json!([]),
        ),
    }
}

/// `hubs.create`: starts an operation that finishes on its second poll with the hub.
fn create_hub(
    state: &mut State,
    collection: &str,
    query: &[(String, String)],
    body: &Bytes,
) -> Response {
    if let Some(response) = unknown_param(query, &["hubId", "requestId"]) {
        return response;
    }
    let Some((_, hub_id)) = query.iter().find(|(k, _)| k == "hubId") else {
        return google_error(
            StatusCode::BAD_REQUEST,
            "INVALID_ARGUMENT",
            "hubId is required",
            json!([]),
        );
    };
    let Ok(mut hub) = serde_json::from_slice::<Value>(body) else {
        return google_error(
            StatusCode::BAD_REQUEST,
            "INVALID_ARGUMENT",
            "Invalid JSON payload received.",
            json!([]),
        );
    };
    hub["name"] = json!(format!("{collection}/{hub_id}"));
    hub["@type"] = json!("type.googleapis.com/google.cloud.networkconnectivity.v1.Hub");
    let location = collection.trim_end_matches("/hubs");
    let name = format!("{location}/operations/create-hub-{hub_id}");
    let operation = json!({"name": name, "done": false, "metadata": {"verb": "create"}});
    state.operations.insert(name.clone(), operation.clone());
    state.pending.insert(name, (2, json!({ "response": hub })));
    json_reply(operation)
}

/// Counts a `get` of a pending operation, finishing it on its last poll.
fn poll_pending(state: &mut State, name: &str) {
    let Some((left, _)) = state.pending.get_mut(name) else {
        return;
    };
    *left = left.saturating_sub(1);
    if *left > 0 {
        // Running operations report their progress in their metadata, as the service does.
        let message = json!(format!("{left} poll(s) to go"));
        if let Some(metadata) = state
            .operations
            .get_mut(name)
            .and_then(|op| op.get_mut("metadata"))
            .and_then(Value::as_object_mut)
        {
            metadata.insert("statusMessage".to_string(), message);
        }
        return;
    }
    let (_, outcome) = state.pending.remove(name).expect("present");
    if let (Some(operation), Some(members)) = (state.operations.get_mut(name), outcome.as_object())
    {
        operation["done"] = json!(true);
        for (key, value) in members {
            operation[key] = value.clone();
        }
    }
}

/// `list`: pages of `pageSize` (default 50, at most 100) in name order; the page token is the
/// name of the last operation of the previous page, as opaque to the client as a real one.
fn list(state: &State, parent: &str, query: &[(String, String)]) -> Response {
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let page_size = match param("pageSize").map(str::parse::<usize>) {
        None => 50,
        Some(Ok(n)) => n.clamp(1, 100),
        Some(Err(_)) => {
            return google_error(
                StatusCode::BAD_REQUEST,
                "INVALID_ARGUMENT",
                "Invalid value for pageSize",
                json!([]),
            )
        }
    };
    let after = match param("pageToken").filter(|t| !t.is_empty()) {
        None => None,
        Some(token) => match token.strip_prefix("after:") {
            Some(name) => Some(name.to_string()),
            None => {
                return google_error(
                    StatusCode::BAD_REQUEST,
                    "INVALID_ARGUMENT",
                    "Invalid page token",
                    json!([]),
                )
            }
        },
    };
    let done_filter = match param("filter") {
        None | Some("") => None,
        Some("done=true") => Some(true),
        Some("done=false") => Some(false),
        Some(other) => {
            return google_error(
                StatusCode::BAD_REQUEST,
                "INVALID_ARGUMENT",
                &format!("Unsupported filter {other:?}"),
                json!([]),
            )
        }
    };
    let prefix = format!("{parent}/operations/");
    let matching: Vec<&Value> = state
        .operations
        .iter()
        .filter(|(name, _)| name.starts_with(&prefix))
        .filter(|(name, _)| {
            after
                .as_ref()
                .is_none_or(|after| name.as_str() > after.as_str())
        })
        .filter(|(_, op)| done_filter.is_none_or(|done| op["done"] == json!(done)))
        .map(|(_, op)| op)
        .collect();
    let page: Vec<Value> = matching
        .iter()
        .take(page_size)
        .map(|op| (*op).clone())
        .collect();
    let mut reply = json!({ "operations": page });
    if matching.len() > page_size {
        let last = page
            .last()
            .and_then(|op| op["name"].as_str())
            .unwrap_or_default();
        reply["nextPageToken"] = json!(format!("after:{last}"));
    }
    json_reply(reply)
}

/// Refuses query parameters the method does not declare, as Google does.
fn unknown_param(query: &[(String, String)], method_params: &[&str]) -> Option<Response> {
    let known = |k: &str| STANDARD_PARAMS.contains(&k) || method_params.contains(&k);
    let (unknown, _) = query.iter().find(|(k, _)| !known(k))?;
    Some(google_error(
        StatusCode::BAD_REQUEST,
        "INVALID_ARGUMENT",
        &format!("Invalid JSON payload received. Unknown name \"{unknown}\": Cannot bind query parameter."),
        json!([]),
    ))
}

fn json_reply(value: Value) -> Response {
    (
        StatusCode::OK,
        [("content-type", "application/json; charset=UTF-8")],
        value.to_string(),
    )
        .into_response()
}

fn not_found(what: &str) -> Response {
    google_error(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        &format!("Resource '{what}' was not found"),
        json!([{
            "@type": "type.googleapis.com/google.rpc.ResourceInfo",
            "resourceName": what
        }]),
    )
}

/// An error reply shaped as Google sends them: `{"error": {code, message, status, details}}`.
fn google_error(status: StatusCode, name: &str, message: &str, details: Value) -> Response {
    let body = json!({
        "error": {
            "code": status.as_u16(),
            "message": message,
            "status": name,
            "details": details
        }
    });
    (
        status,
        [("content-type", "application/json; charset=UTF-8")],
        body.to_string(),
    )
        .into_response()
}

/// One request as a [`Recorder`] received it, raw.
#[derive(Clone, Debug)]
pub struct RawRequest {
    pub method: String,
    pub path: String,
    /// Query parameters, decoded, in the order sent.
    pub query: Vec<(String, String)>,
    /// Every header, names lower-case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawRequest {
    /// The value of header `name` (lower-case), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A server on 127.0.0.1 that answers every request with one canned reply and records each
/// request raw: for checking what the fixture crates put on the wire (uploads, downloads,
/// wrapped bodies, headers). It stops when dropped.
pub struct Recorder {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<RawRequest>>>,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

impl Recorder {
    /// Starts a server that answers `status` with `body` of type `content_type`.
    pub async fn start(status: u16, content_type: &'static str, body: Vec<u8>) -> Recorder {
        let log: Arc<Mutex<Vec<RawRequest>>> = Arc::default();
        let app = axum::Router::new().fallback({
            let log = log.clone();
            move |method: Method, uri: Uri, headers: HeaderMap, request_body: Bytes| {
                let log = log.clone();
                let body = body.clone();
                async move {
                    lock(&log).push(RawRequest {
                        method: method.to_string(),
                        path: uri.path().to_string(),
                        query: uri
                            .query()
                            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
                            .unwrap_or_default(),
                        headers: headers
                            .iter()
                            .map(|(k, v)| {
                                (
                                    k.to_string(),
                                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                                )
                            })
                            .collect(),
                        body: request_body.to_vec(),
                    });
                    (
                        StatusCode::from_u16(status).expect("a valid status"),
                        [("content-type", content_type)],
                        body,
                    )
                }
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await
                .expect("recorder");
        });
        Recorder {
            addr,
            log,
            _shutdown: shutdown,
        }
    }

    /// `http://127.0.0.1:PORT/` followed by `service_path`.
    pub fn base_url(&self, service_path: &str) -> String {
        format!("http://{}/{service_path}", self.addr)
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<RawRequest> {
        lock(&self.log).clone()
    }
}

/// A server on 127.0.0.1 that answers each connection with the next of its canned replies,
/// written as raw bytes (status lines, framing and headers no HTTP library would send), then
/// closes it; the last reply answers every connection after it. It stops when dropped.
pub struct RawServer {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

impl RawServer {
    /// Starts a server that answers connection `i` with `replies[i]` (at least one).
    pub async fn start(replies: Vec<Vec<u8>>) -> RawServer {
        assert!(!replies.is_empty(), "a raw server needs a reply");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let connections = Arc::new(AtomicUsize::new(0));
        let (shutdown, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let count = connections.clone();
        tokio::spawn(async move {
            loop {
                let (socket, _) = tokio::select! {
                    accepted = listener.accept() => accepted.expect("accept"),
                    _ = &mut stopped => return,
                };
                let i = count.fetch_add(1, Ordering::SeqCst);
                let reply = replies[i.min(replies.len() - 1)].clone();
                tokio::spawn(answer_raw(socket, reply));
            }
        });
        RawServer {
            addr,
            connections,
            _shutdown: shutdown,
        }
    }

    /// `http://127.0.0.1:PORT/`.
    pub fn base_url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// Reads a request's head, writes `reply`, and closes the connection.
async fn answer_raw(mut socket: tokio::net::TcpStream, reply: Vec<u8>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
        match socket.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
    }
    let _ = socket.write_all(&reply).await;
    let _ = socket.shutdown().await;
}
