//! An in-process fake of the media API, served over real HTTP on 127.0.0.1 (an OS-chosen port):
//! Google's resumable upload protocol (sessions, chunks with `Content-Range`, `308` with
//! `Range`, status queries), simple and multipart uploads, media downloads with `Range`, and
//! the batch format (`multipart/mixed` of `application/http` parts). It records what it
//! receives, so tests can check what went on the wire, and injects faults on demand: a
//! connection broken in the middle of a chunk or of a download, error statuses, bogus ranges.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

/// A retry policy that retries at once, so that tests of failures stay fast.
pub fn quick_retries() -> discogen_runtime::RetryPolicy {
    discogen_runtime::RetryPolicy::default()
        .initial_backoff(std::time::Duration::from_millis(5))
        .max_backoff(std::time::Duration::from_millis(50))
}

/// A client builder with [`quick_retries`].
pub fn client_builder() -> discogen_runtime::ClientBuilder {
    discogen_runtime::Client::builder().retry_policy(quick_retries())
}

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use futures_util::StreamExt as _;
use serde_json::{json, Value};

/// Google keeps the bytes of a broken chunk in multiples of 256 KiB.
pub const GRANULARITY: usize = 256 * 1024;

/// What the server saw.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    SessionStarted {
        session: u64,
        content_type: String,
        declared: Option<u64>,
        metadata: Value,
    },
    /// A `PUT` of bytes: where it started, how many arrived, how many the server then had.
    Chunk {
        session: u64,
        start: u64,
        received: u64,
        persisted: u64,
    },
    /// An empty `PUT` asking what the server has.
    StatusQuery { session: u64, persisted: u64 },
    /// A simple or multipart upload.
    Upload {
        kind: String,
        len: u64,
        chunked: bool,
        metadata: Value,
    },
    /// A media download, with its `Range` header.
    Download { file: String, range: Option<String> },
    /// A batch request, with the request line of each call in it.
    Batch { calls: Vec<String> },
    /// A JSON call outside a batch.
    Call(String),
}

/// A fault on a chunk `PUT`.
#[derive(Clone, Debug)]
pub enum ChunkFault {
    /// Read this many bytes of it, keep them (in whole 256 KiB, as Google does), and break the
    /// connection.
    Cut { after: usize },
    /// Answer with this status, keeping nothing.
    Status(u16),
    /// Keep the chunk but answer `308` with this `Range`.
    Range(String),
    /// Keep the chunk but answer only after this long.
    Delay(std::time::Duration),
}

/// A fault on the next media download.
#[derive(Clone, Debug)]
pub enum DownloadFault {
    /// Send this many bytes, then break the connection.
    Cut { after: usize },
    /// Send this many bytes, then nothing more, keeping the connection open (a minute).
    Stall { after: usize },
    /// Answer a range request with the whole media (200), as servers without ranges do.
    IgnoreRange,
}

struct Session {
    metadata: Value,
    content_type: String,
    declared: Option<u64>,
    data: Vec<u8>,
    /// The most the server has told the client it has.
    acknowledged: u64,
    file: Option<Value>,
}

#[derive(Default)]
struct Inner {
    addr: Option<SocketAddr>,
    next_id: u64,
    sessions: HashMap<u64, Session>,
    files: HashMap<String, (String, Bytes)>,
    notes: BTreeMap<String, String>,
    events: Vec<Event>,
    /// Faults by the number of the chunk `PUT` (from 1, over the server's life).
    chunk_faults: HashMap<u64, ChunkFault>,
    chunk_puts: u64,
    download_faults: VecDeque<DownloadFault>,
    /// Note IDs (or `create`) whose next call is answered with this status, once.
    note_faults: HashMap<String, u16>,
    /// Statuses the next batch requests are answered with, as a whole.
    batch_faults: VecDeque<u16>,
    /// Replaces the `Location` of the next session.
    location: Option<String>,
    /// Bytes sent again although the server had acknowledged them.
    resent_acknowledged: u64,
}

type Shared = Arc<Mutex<Inner>>;

/// The running fake.
pub struct FakeServer {
    pub addr: SocketAddr,
    inner: Shared,
}

impl FakeServer {
    pub async fn start() -> FakeServer {
        let inner: Shared = Arc::default();
        {
            let mut state = lock(&inner);
            state.notes.insert("a".into(), "first".into());
            state.notes.insert("b".into(), "second".into());
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        lock(&inner).addr = Some(addr);
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(inner.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        FakeServer { addr, inner }
    }

    /// Where the API's methods are (`Service::with_base_url`).
    pub fn base_url(&self) -> String {
        format!("http://{}/mediaapi/v1/", self.addr)
    }

    pub fn events(&self) -> Vec<Event> {
        lock(&self.inner).events.clone()
    }

    pub fn resent_acknowledged(&self) -> u64 {
        lock(&self.inner).resent_acknowledged
    }

    /// The media of a stored file.
    pub fn file(&self, name: &str) -> Option<Bytes> {
        lock(&self.inner)
            .files
            .get(name)
            .map(|(_, data)| data.clone())
    }

    pub fn put_file(&self, name: &str, data: Bytes) {
        let file = ("application/octet-stream".to_string(), data);
        lock(&self.inner).files.insert(name.into(), file);
    }

    /// Bytes the server has of the session at `uri`.
    pub fn persisted(&self, uri: &str) -> u64 {
        let path = uri.split('?').next().unwrap_or_default();
        let id = session_id(&path[path.find("/upload/session/").unwrap()..]).unwrap();
        lock(&self.inner).sessions[&id].data.len() as u64
    }

    /// A fault on the `nth` chunk `PUT` the server receives (from 1; status queries are not
    /// counted).
    pub fn fault_chunk(&self, nth: u64, fault: ChunkFault) {
        lock(&self.inner).chunk_faults.insert(nth, fault);
    }

    pub fn fault_download(&self, fault: DownloadFault) {
        lock(&self.inner).download_faults.push_back(fault);
    }

    pub fn fault_note(&self, id: &str, status: u16) {
        lock(&self.inner).note_faults.insert(id.into(), status);
    }

    /// Answers the next batch request as a whole with `status` (0: lets that one through, to
    /// fail a later one).
    pub fn fault_batch(&self, status: u16) {
        lock(&self.inner).batch_faults.push_back(status);
    }

    pub fn next_location(&self, location: &str) {
        lock(&self.inner).location = Some(location.into());
    }
}

fn lock(inner: &Shared) -> MutexGuard<'_, Inner> {
    inner.lock().unwrap_or_else(|e| e.into_inner())
}

async fn handle(
    State(inner): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let path = uri.path().to_string();
    let query: Vec<(String, String)> = form_pairs(uri.query().unwrap_or_default());
    let param = |name: &str| {
        query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    match (method.as_str(), path.as_str()) {
        ("POST", "/upload/mediaapi/v1/files") => {
            let kind = param("uploadType").unwrap_or_default();
            if kind == "resumable" {
                start_session(&inner, &headers, read_all(body).await)
            } else {
                simple_upload(&inner, &kind, &headers, read_all(body).await)
            }
        }
        ("PUT", p) if p.starts_with("/upload/session/") => {
            session_put(&inner, p, &headers, body).await
        }
        ("GET", p)
            if p.starts_with("/mediaapi/v1/files/") && param("alt").as_deref() == Some("media") =>
        {
            download(&inner, &p["/mediaapi/v1/files/".len()..], &headers)
        }
        ("POST", "/batch/mediaapi/v1") => batch(&inner, &headers, read_all(body).await),
        (verb, _) => {
            let line = format!("{verb} {uri}");
            lock(&inner).events.push(Event::Call(line));
            let (status, value) = call(&inner, verb, &path, &read_all(body).await);
            json_reply(status, &value)
        }
    }
}

fn form_pairs(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

async fn read_all(body: Body) -> Bytes {
    axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default()
}

fn json_reply(status: u16, value: &Value) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json; charset=UTF-8")
        .body(Body::from(value.to_string()))
        .unwrap()
}

fn google_error(status: u16, message: &str) -> Value {
    let name = match status {
        400 => "INVALID_ARGUMENT",
        404 => "NOT_FOUND",
        429 => "RESOURCE_EXHAUSTED",
        503 => "UNAVAILABLE",
        _ => "UNKNOWN",
    };
    json!({"error": {"code": status, "message": message, "status": name}})
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers.get(name)?.to_str().ok().map(str::to_string)
}

// --- Resumable uploads -------------------------------------------------------------------

fn start_session(inner: &Shared, headers: &HeaderMap, body: Bytes) -> Response {
    let metadata: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let content_type = header_text(headers, "x-upload-content-type".parse().unwrap());
    let declared = header_text(headers, "x-upload-content-length".parse().unwrap())
        .and_then(|v| v.parse().ok());
    let mut state = lock(inner);
    state.next_id += 1;
    let session = state.next_id;
    state.sessions.insert(
        session,
        Session {
            metadata: metadata.clone(),
            content_type: content_type.clone().unwrap_or_default(),
            declared,
            data: Vec::new(),
            acknowledged: 0,
            file: None,
        },
    );
    state.events.push(Event::SessionStarted {
        session,
        content_type: content_type.unwrap_or_default(),
        declared,
        metadata,
    });
    let addr = state.addr.unwrap();
    let location = state
        .location
        .take()
        .unwrap_or_else(|| format!("http://{addr}/upload/session/{session}?upload_id=u{session}"));
    Response::builder()
        .status(200)
        .header(header::LOCATION, location)
        .body(Body::empty())
        .unwrap()
}

fn session_id(path: &str) -> Option<u64> {
    path.strip_prefix("/upload/session/")?.parse().ok()
}

/// `bytes a-b/total`, `bytes */total`, with `*` for an unknown total.
struct ChunkRange {
    range: Option<(u64, u64)>,
    total: Option<u64>,
}

fn parse_chunk_range(value: &str) -> Option<ChunkRange> {
    let spec = value.strip_prefix("bytes ")?;
    let (range, total) = spec.split_once('/')?;
    let total = if total == "*" {
        None
    } else {
        Some(total.parse().ok()?)
    };
    let range = if range == "*" {
        None
    } else {
        let (a, b) = range.split_once('-')?;
        Some((a.parse().ok()?, b.parse().ok()?))
    };
    Some(ChunkRange { range, total })
}

async fn session_put(inner: &Shared, path: &str, headers: &HeaderMap, body: Body) -> Response {
    let Some(id) = session_id(path) else {
        return json_reply(404, &google_error(404, "no such session"));
    };
    let Some(range) =
        header_text(headers, header::CONTENT_RANGE).and_then(|v| parse_chunk_range(&v))
    else {
        return json_reply(400, &google_error(400, "bad Content-Range"));
    };
    let Some((first, last)) = range.range else {
        let _ = read_all(body).await;
        return status_query(inner, id, range.total);
    };
    let fault = {
        let mut state = lock(inner);
        state.chunk_puts += 1;
        let nth = state.chunk_puts;
        state.chunk_faults.remove(&nth)
    };
    if let Some(ChunkFault::Cut { after }) = fault {
        let received = read_some(body, after).await;
        keep_cut_chunk(inner, id, first, &received);
        // Breaks the connection: the task serving it ends without a reply. `resume_unwind`
        // does not run the panic hook, so nothing is printed.
        std::panic::resume_unwind(Box::new("connection cut by the test server"));
    }
    let data = read_all(body).await;
    if let Some(ChunkFault::Status(status)) = fault {
        return json_reply(status, &google_error(status, "injected failure"));
    }
    let is_last = range.total == Some(last + 1);
    if let Some(refusal) = store_chunk(inner, id, first, last, is_last, &data) {
        return refusal;
    }
    match fault {
        Some(ChunkFault::Delay(delay)) => {
            tokio::time::sleep(delay).await;
            incomplete(inner, id)
        }
        Some(ChunkFault::Range(bogus)) => Response::builder()
            .status(308)
            .header(header::RANGE, bogus)
            .body(Body::empty())
            .unwrap(),
        _ if is_last => finish(inner, id),
        _ => incomplete(inner, id),
    }
}

/// Keeps the bytes `first..=last` of a session, or refuses them as Google would (the reply).
fn store_chunk(
    inner: &Shared,
    id: u64,
    first: u64,
    last: u64,
    is_last: bool,
    data: &[u8],
) -> Option<Response> {
    let mut guard = lock(inner);
    let state = &mut *guard;
    let Some(session) = state.sessions.get_mut(&id) else {
        return Some(json_reply(404, &google_error(404, "no such session")));
    };
    if first < session.acknowledged {
        state.resent_acknowledged += session.acknowledged - first;
    }
    if first > session.data.len() as u64 || data.len() as u64 != last - first + 1 {
        let error = google_error(400, "the chunk does not follow what I have");
        return Some(json_reply(400, &error));
    }
    if !is_last && !data.len().is_multiple_of(GRANULARITY) {
        let error = google_error(400, "a chunk must be a multiple of 256 KiB");
        return Some(json_reply(400, &error));
    }
    session.data.truncate(first as usize);
    session.data.extend_from_slice(data);
    let persisted = session.data.len() as u64;
    state.events.push(Event::Chunk {
        session: id,
        start: first,
        received: data.len() as u64,
        persisted,
    });
    None
}

/// Reads at most `limit` bytes of a body.
async fn read_some(body: Body, limit: usize) -> Vec<u8> {
    let mut stream = body.into_data_stream();
    let mut received = Vec::new();
    while received.len() < limit {
        match stream.next().await {
            Some(Ok(piece)) => received.extend_from_slice(&piece),
            _ => break,
        }
    }
    received.truncate(limit);
    received
}

/// What a broken chunk leaves: the bytes received, in whole 256 KiB.
fn keep_cut_chunk(inner: &Shared, id: u64, first: u64, received: &[u8]) {
    let mut state = lock(inner);
    let state = &mut *state;
    let session = state.sessions.get_mut(&id).unwrap();
    if first < session.acknowledged {
        state.resent_acknowledged += session.acknowledged - first;
    }
    session.data.truncate(first as usize);
    session.data.extend_from_slice(received);
    let kept = session.data.len() / GRANULARITY * GRANULARITY;
    session.data.truncate(kept);
    state.events.push(Event::Chunk {
        session: id,
        start: first,
        received: received.len() as u64,
        persisted: kept as u64,
    });
}

fn status_query(inner: &Shared, id: u64, total: Option<u64>) -> Response {
    let mut state = lock(inner);
    let Some(session) = state.sessions.get_mut(&id) else {
        return json_reply(404, &google_error(404, "no such session"));
    };
    let persisted = session.data.len() as u64;
    let done = session.file.is_some() || total == Some(persisted);
    state.events.push(Event::StatusQuery {
        session: id,
        persisted,
    });
    drop(state);
    if done {
        return finish(inner, id);
    }
    incomplete(inner, id)
}

fn incomplete(inner: &Shared, id: u64) -> Response {
    let mut state = lock(inner);
    let session = state.sessions.get_mut(&id).unwrap();
    let persisted = session.data.len() as u64;
    session.acknowledged = session.acknowledged.max(persisted);
    let mut reply = Response::builder().status(308);
    if persisted > 0 {
        reply = reply.header(header::RANGE, format!("bytes=0-{}", persisted - 1));
    }
    reply.body(Body::empty()).unwrap()
}

fn finish(inner: &Shared, id: u64) -> Response {
    let mut state = lock(inner);
    let state = &mut *state;
    let session = state.sessions.get_mut(&id).unwrap();
    if let Some(file) = &session.file {
        return json_reply(200, file);
    }
    if session
        .declared
        .is_some_and(|d| d != session.data.len() as u64)
    {
        return json_reply(400, &google_error(400, "not the declared length"));
    }
    let name = session.metadata["name"]
        .as_str()
        .unwrap_or("unnamed")
        .to_string();
    let data = Bytes::copy_from_slice(&session.data);
    let file = json!({
        "name": name,
        "contentType": session.content_type,
        "size": data.len().to_string(),
    });
    session.file = Some(file.clone());
    state
        .files
        .insert(name, (session.content_type.clone(), data));
    json_reply(200, &file)
}

// --- Simple and multipart uploads ---------------------------------------------------------

fn simple_upload(inner: &Shared, kind: &str, headers: &HeaderMap, body: Bytes) -> Response {
    let content_type = header_text(headers, header::CONTENT_TYPE).unwrap_or_default();
    let chunked = headers.get(header::CONTENT_LENGTH).is_none();
    let (metadata, media_type, media) = if kind == "multipart" {
        match split_related(&content_type, &body) {
            Some(parts) => parts,
            None => return json_reply(400, &google_error(400, "bad multipart body")),
        }
    } else {
        (Value::Null, content_type, body)
    };
    let name = metadata["name"].as_str().unwrap_or("simple").to_string();
    let file = json!({"name": name, "contentType": media_type, "size": media.len().to_string()});
    let mut state = lock(inner);
    state.events.push(Event::Upload {
        kind: kind.into(),
        len: media.len() as u64,
        chunked,
        metadata,
    });
    state.files.insert(name, (media_type, media));
    json_reply(200, &file)
}

/// The metadata and the media of a `multipart/related` body.
fn split_related(content_type: &str, body: &Bytes) -> Option<(Value, String, Bytes)> {
    let boundary = content_type.split("boundary=").nth(1)?;
    let delimiter = format!("--{boundary}");
    let positions: Vec<usize> = find_all(body, delimiter.as_bytes());
    if positions.len() != 3 {
        return None;
    }
    let part = |i: usize| {
        let start = positions[i] + delimiter.len() + 2;
        let end = positions[i + 1] - 2;
        body.slice(start..end)
    };
    let (metadata, media) = (part(0), part(1));
    let split = |part: &Bytes| {
        let at = find_all(part, b"\r\n\r\n")[0];
        (
            String::from_utf8_lossy(&part[..at]).to_string(),
            part.slice(at + 4..),
        )
    };
    let (_, metadata) = split(&metadata);
    let (media_headers, media) = split(&media);
    let media_type = media_headers.strip_prefix("Content-Type: ")?.to_string();
    Some((serde_json::from_slice(&metadata).ok()?, media_type, media))
}

fn find_all(haystack: &[u8], needle: &[u8]) -> Vec<usize> {
    haystack
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

// --- Downloads ---------------------------------------------------------------------------

fn download(inner: &Shared, file: &str, headers: &HeaderMap) -> Response {
    let range = header_text(headers, header::RANGE);
    let if_range = header_text(headers, header::IF_RANGE);
    let mut state = lock(inner);
    state.events.push(Event::Download {
        file: file.into(),
        range: range.clone(),
    });
    let Some((content_type, data)) = state.files.get(file).cloned() else {
        return json_reply(404, &google_error(404, "no such file"));
    };
    let fault = state.download_faults.pop_front();
    drop(state);
    let etag = format!("\"etag-{}\"", data.len());
    let start = match (range, &fault) {
        (Some(_), Some(DownloadFault::IgnoreRange)) => None,
        (Some(range), _) if if_range.as_ref().is_none_or(|v| *v == etag) => range
            .strip_prefix("bytes=")
            .and_then(|r| r.strip_suffix('-'))
            .and_then(|n| n.parse::<usize>().ok()),
        _ => None,
    };
    let total = data.len();
    let mut reply = Response::builder()
        .header(header::CONTENT_TYPE, content_type)
        .header(header::ETAG, etag);
    let body = match start {
        Some(start) if start < total => {
            reply = reply.status(206).header(
                header::CONTENT_RANGE,
                format!("bytes {start}-{}/{total}", total - 1),
            );
            data.slice(start..)
        }
        Some(_) => return json_reply(416, &google_error(400, "range not satisfiable")),
        None => {
            reply = reply.status(200);
            data
        }
    };
    reply = reply.header(header::CONTENT_LENGTH, body.len());
    match fault {
        Some(DownloadFault::Cut { after }) => {
            let pieces: Vec<Result<Bytes, std::io::Error>> = vec![
                Ok(body.slice(..after.min(body.len()))),
                Err(std::io::Error::other("connection cut by the test server")),
            ];
            reply
                .body(Body::from_stream(futures_util::stream::iter(pieces)))
                .unwrap()
        }
        Some(DownloadFault::Stall { after }) => {
            let head = body.slice(..after.min(body.len()));
            let stalled = futures_util::stream::once(async move {
                tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                Err::<Bytes, _>(std::io::Error::other("stalled for a minute"))
            });
            let pieces = futures_util::stream::iter([Ok(head)]).chain(stalled);
            reply.body(Body::from_stream(pieces)).unwrap()
        }
        _ => reply.body(Body::from(body)).unwrap(),
    }
}

// --- JSON methods and batches --------------------------------------------------------------

/// A JSON method of the API: `(status, reply)`.
fn call(inner: &Shared, verb: &str, target: &str, body: &[u8]) -> (u16, Value) {
    let path = target.split('?').next().unwrap_or_default();
    let mut state = lock(inner);
    let note = path.strip_prefix("/mediaapi/v1/notes/");
    let key = note.unwrap_or("create").to_string();
    if let Some(status) = state.note_faults.remove(&key) {
        return (status, google_error(status, "injected failure"));
    }
    match (verb, note) {
        ("GET", Some(id)) => match state.notes.get(id) {
            Some(text) => (200, json!({"name": format!("notes/{id}"), "text": text})),
            None => (404, google_error(404, &format!("note {id} not found"))),
        },
        ("DELETE", Some(id)) => match state.notes.remove(id) {
            Some(_) => (200, json!({})),
            None => (404, google_error(404, &format!("note {id} not found"))),
        },
        ("POST", None) if path == "/mediaapi/v1/notes" => {
            let note: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
            state.next_id += 1;
            let id = format!("n{}", state.next_id);
            let text = note["text"].as_str().unwrap_or_default().to_string();
            state.notes.insert(id.clone(), text.clone());
            (200, json!({"name": format!("notes/{id}"), "text": text}))
        }
        _ => (404, google_error(404, "no such method")),
    }
}

/// A batch: each part's request answered by [`call`], the parts of the reply in reverse
/// order (clients must match them by `Content-ID`).
fn batch(inner: &Shared, headers: &HeaderMap, body: Bytes) -> Response {
    let content_type = header_text(headers, header::CONTENT_TYPE).unwrap_or_default();
    let Some(boundary) = content_type
        .strip_prefix("multipart/mixed; boundary=")
        .map(str::to_string)
    else {
        return json_reply(400, &google_error(400, "not multipart/mixed"));
    };
    let text = String::from_utf8_lossy(&body).to_string();
    let fault = lock(inner).batch_faults.pop_front();
    if let Some(status) = fault.filter(|status| *status != 0) {
        lock(inner).events.push(Event::Batch { calls: Vec::new() });
        return json_reply(status, &google_error(status, "injected failure"));
    }
    let mut replies = Vec::new();
    let mut lines = Vec::new();
    for part in text.split(&format!("--{boundary}")) {
        if part.starts_with("--") || part.trim().is_empty() {
            continue;
        }
        let Some((mime, request)) = part.trim_start_matches("\r\n").split_once("\r\n\r\n") else {
            continue;
        };
        let content_id = mime
            .lines()
            .find_map(|l| l.strip_prefix("Content-ID: "))
            .unwrap_or_default()
            .trim_matches(['<', '>'])
            .to_string();
        let (head, inner_body) = request.split_once("\r\n\r\n").unwrap_or((request, ""));
        let request_line = head.lines().next().unwrap_or_default().to_string();
        let mut words = request_line.split(' ');
        let (verb, target) = (
            words.next().unwrap_or_default(),
            words.next().unwrap_or_default(),
        );
        let inner_body = inner_body.strip_suffix("\r\n").unwrap_or(inner_body);
        let (status, value) = call(inner, verb, target, inner_body.as_bytes());
        lines.push(request_line.clone());
        replies.push((content_id, status, value));
    }
    lock(inner).events.push(Event::Batch { calls: lines });
    let boundary = "batch_reply_7d1b2f";
    let mut out = String::new();
    for (content_id, status, value) in replies.iter().rev() {
        let json = value.to_string();
        let reason = StatusCode::from_u16(*status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Unknown");
        out.push_str(&format!(
            "--{boundary}\r\nContent-Type: application/http\r\nContent-ID: <response-{content_id}>\r\n\r\n\
             HTTP/1.1 {status} {reason}\r\nContent-Type: application/json; charset=UTF-8\r\n\
             Content-Length: {}\r\n\r\n{json}\r\n",
            json.len()
        ));
    }
    out.push_str(&format!("--{boundary}--\r\n"));
    Response::builder()
        .status(200)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/mixed; boundary={boundary}"),
        )
        .body(Body::from(out))
        .unwrap()
}
