//! Sending a call: everything decided once before the first attempt ([`Prepared`]), then the
//! attempts, retried by the call's policy, each bounded in time and in the bytes it reads.
//!
//! Only the first and last steps depend on the request's types (writing its parameters and
//! body, decoding its reply); the rest is compiled once, here.

use std::time::{Duration, Instant};

use tracing::Instrument as _;

use bytes::Bytes;
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};

use crate::api::ApiClient;
use crate::attempts::{send_once, Attempts, GiveUp};
use crate::client::header_value;
use crate::error::{Error, Result};
use crate::json::{self, Json};
use crate::method::Method;
use crate::options::RequestOptions;
use crate::request::{ApiRequest, CallState, Params};
use crate::response::Response;

/// Query parameters the client sets itself, or refuses to send as extra parameters because
/// they would break the call or leak a credential.
const CLIENT_QUERY: &[&str] = &[
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

/// Headers the client sets itself, which a call cannot add.
const CLIENT_HEADERS: &[&str] = &[
    "authorization",
    "connection",
    "content-length",
    "content-type",
    "host",
    "transfer-encoding",
    "user-agent",
    "x-goog-api-client",
    "x-goog-api-key",
    "x-goog-api-version",
    "x-goog-user-project",
];

/// The most of an error reply's body that is kept.
const MAX_ERROR_BODY: u64 = 64 * 1024;

/// A call ready to go.
pub(crate) struct Prepared {
    pub method: &'static Method,
    pub url: reqwest::Url,
    /// Headers of this call (API version, quota project, extra ones, content type).
    pub headers: HeaderMap,
    pub body: Option<Bytes>,
    pub idempotent: bool,
    pub options: RequestOptions,
    /// The request ID sent with every attempt, when the method takes one.
    pub request_id: Option<String>,
    /// The value of the first path variable (usually the resource's name), for tracing.
    pub resource: Option<String>,
}

/// How a reply is read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Read {
    /// Whole, up to the client's limit for JSON replies.
    Json,
    /// Not at all: the body is handed back to be streamed.
    Stream,
}

/// A reply as received, before it is judged.
pub(crate) struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// The unread body of a successful streamed reply.
    pub stream: Option<reqwest::Response>,
}

/// What the URL of a call is made of, before it is checked and joined.
pub(crate) struct Target<'a> {
    /// Where the path starts (the base URL, or the root URL for uploads).
    pub prefix: &'a str,
    pub path: &'static [crate::method::Segment],
    /// Query parameters the client adds for media (`uploadType`, `alt`).
    pub media_query: &'a [(&'static str, &'a str)],
}

/// Sends `request` and decodes its reply as `T` (its own reply type, or another reading of it).
pub(crate) async fn send_as<R: ApiRequest, T: Json>(request: R) -> Result<Response<T>> {
    let prepared = prepare(&request, None)?;
    let api = &request.state().api;
    let reply = run(api, &prepared, Read::Json).await?;
    decode(reply, api.api.data_wrapper)
}

/// Sends `request` and decodes its reply.
pub(crate) async fn send<R: ApiRequest>(request: R) -> Result<Response<R::Reply>> {
    send_as::<R, R::Reply>(request).await
}

/// Everything of `request` decided once: its URL, headers and body. `target` replaces the
/// method's path (media uploads go elsewhere).
pub(crate) fn prepare<R: ApiRequest>(request: &R, target: Option<Target<'_>>) -> Result<Prepared> {
    let state = request.state();
    let mut params = Params::default();
    request.params(&mut params);
    let body = match request.body() {
        Some(body) => Some(encode_body(body, state.api.api.data_wrapper)?),
        None => None,
    };
    Prepared::new(state, R::METHOD, params, body, target)
}

/// A request body as JSON, wrapped as `{"data": ...}` for APIs that want it.
pub(crate) fn encode_body<B: Json>(body: &B, data_wrapper: bool) -> Result<Bytes> {
    let bytes = if data_wrapper {
        serde_json::to_vec(&DataOut(body))
    } else {
        json::to_vec(body)
    };
    bytes.map(Bytes::from).map_err(Error::Encode)
}

impl Prepared {
    pub(crate) fn new(
        state: &CallState,
        method: &'static Method,
        mut params: Params<'_>,
        body: Option<Bytes>,
        target: Option<Target<'_>>,
    ) -> Result<Prepared> {
        let api = &state.api;
        let extras = state.extras.as_deref();
        let options = crate::attempts::resolved_options(state);
        let target = target.unwrap_or(Target {
            prefix: &api.endpoint.base_url,
            path: method.path,
            media_query: &[],
        });
        if target.prefix.is_empty() {
            return Err(Error::invalid(
                "base_url",
                format!(
                    "the {} API's discovery document names no root URL: give one with \
                     `Service::with_base_url`",
                    api.api.name
                ),
            ));
        }
        let path = crate::path::expand(target.path, &params.path)?;
        let resource = params.path.first().map(|arg| arg.shown().to_string());

        // The request ID: the call's own, or a fresh one unless the call says otherwise.
        let mut request_id = None;
        if let Some(name) = method.request_id {
            match params.query.pairs.iter().find(|(n, _)| *n == name) {
                Some((_, id)) => request_id = Some(id.to_string()),
                None if !extras.is_some_and(|e| e.no_request_id) => {
                    let id = uuid_v4();
                    params.query.push(name, id.clone());
                    request_id = Some(id);
                }
                None => {}
            }
        }
        let idempotent = options
            .idempotent
            .unwrap_or(method.idempotent || request_id.is_some());

        // Standard parameters, unless the method has its own of the same name.
        let system = extras.map(|e| &e.system);
        // A compact JSON reply unless the call asks otherwise; media replies are no JSON.
        let media_reply = target.media_query.contains(&("alt", "media"));
        let pretty = match system.and_then(|s| s.pretty_print) {
            Some(pretty) => Some(if pretty { "true" } else { "false" }),
            None => (!media_reply).then_some("false"),
        };
        let standard = [
            ("fields", system.and_then(|s| s.fields.as_deref())),
            ("quotaUser", system.and_then(|s| s.quota_user.as_deref())),
            ("prettyPrint", pretty),
            ("$.xgafv", system.and_then(|s| s.xgafv.map(|x| x.as_str()))),
        ]
        .into_iter()
        .filter(|(name, _)| !method.query.contains(name))
        .filter_map(|(name, value)| Some((name, value?)));

        let extra_query = extras.map(|e| e.query.as_slice()).unwrap_or_default();
        for (name, _) in extra_query {
            let clash = if name.is_empty() {
                Some("an empty name")
            } else if method.query.contains(&name.as_str()) || params.query.has(name) {
                Some("a parameter of the method")
            } else if method.path_variables().any(|v| v == name) {
                Some("a path parameter of the method")
            } else if CLIENT_QUERY.contains(&name.as_str()) {
                Some("a parameter the client sets itself (or refuses to send)")
            } else {
                None
            };
            if let Some(clash) = clash {
                return Err(Error::invalid(
                    name.clone(),
                    format!("an extra query parameter cannot be {clash}"),
                ));
            }
        }

        let mut url = String::with_capacity(target.prefix.len() + path.len() + 64);
        url.push_str(target.prefix);
        url.push_str(&path);
        url.push('?');
        let query_start = url.len();
        let mut query = form_urlencoded::Serializer::for_suffix(url, query_start);
        query.extend_pairs(params.query.pairs.iter().map(|(n, v)| (*n, v.as_ref())));
        query.extend_pairs(standard);
        query.extend_pairs(extra_query.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        query.extend_pairs(target.media_query.iter().copied());
        let mut url = query.finish();
        if url.ends_with('?') {
            url.pop();
        }
        let url = reqwest::Url::parse(&url).map_err(|e| {
            Error::invalid(
                "base_url",
                format!("cannot form a URL from the base URL and the path: {e}"),
            )
        })?;

        let mut headers = HeaderMap::new();
        if let Some(version) = method.api_version {
            let value =
                header_value(version, false).map_err(|r| Error::invalid("apiVersion", r))?;
            headers.insert("x-goog-api-version", value);
        }
        if let Some(project) = &options.quota_project {
            let value =
                header_value(project, false).map_err(|r| Error::invalid("quota_project", r))?;
            headers.insert("x-goog-user-project", value);
        }
        for (name, value) in extras.map(|e| e.headers.as_slice()).unwrap_or_default() {
            let parsed = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::invalid(name.clone(), "not a valid HTTP header name"))?;
            if CLIENT_HEADERS.contains(&parsed.as_str()) {
                return Err(Error::invalid(
                    name.clone(),
                    "a header the client sets itself cannot be added to a call",
                ));
            }
            let value =
                header_value(&value.0, true).map_err(|r| Error::invalid(name.clone(), r))?;
            headers.append(parsed, value);
        }
        if body.is_some() {
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
        }
        Ok(Prepared {
            method,
            url,
            headers,
            body,
            idempotent,
            options,
            request_id,
            resource,
        })
    }
}

/// A random (version 4) UUID: unique, which is all a request ID must be.
pub(crate) fn uuid_v4() -> String {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&fastrand::u64(..).to_le_bytes());
    bytes[8..].copy_from_slice(&fastrand::u64(..).to_le_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Sends a prepared call, retrying transient failures as its options allow, until a
/// successful reply has been read (or handed back to be streamed).
///
/// The call is traced as a span `google_api_call` (the API, the method's id, the resource's
/// name, the request ID, the number of attempts, the final status and the duration), with a
/// child span `attempt` per attempt (its status, why it is retried, the wait before the next,
/// and Google's `x-goog-*` reply identifiers that support asks for). Field names follow
/// OpenTelemetry's HTTP client conventions where they fit. Nothing is computed for them when no
/// subscriber listens, and no credential is ever recorded.
pub(crate) async fn run(api: &ApiClient, prepared: &Prepared, read: Read) -> Result<Reply> {
    let span = tracing::info_span!(
        "google_api_call",
        api = api.api.name,
        method = prepared.method.id,
        resource = prepared.resource.as_deref(),
        request_id = prepared.request_id.as_deref(),
        "http.request.method" = prepared.method.http_method.as_str(),
        "server.address" = prepared.url.host_str(),
        "http.response.status_code" = tracing::field::Empty,
        "error.type" = tracing::field::Empty,
        attempts = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
    );
    let started = Instant::now();
    let result = retry_loop(api, prepared, read, &span, started)
        .instrument(span.clone())
        .await;
    if !span.is_disabled() {
        span.record("duration_ms", millis(started.elapsed()));
        match &result {
            Ok(reply) => span.record("http.response.status_code", reply.status),
            Err(error) => {
                if let Some(status) = error.http_status() {
                    span.record("http.response.status_code", status);
                }
                span.record("error.type", error_type(error))
            }
        };
    }
    result
}

async fn retry_loop(
    api: &ApiClient,
    prepared: &Prepared,
    read: Read,
    span: &tracing::Span,
    started: Instant,
) -> Result<Reply> {
    let mut attempts = Attempts::starting_at(&prepared.options, started);
    loop {
        let attempt = attempts.failures() + 1;
        span.record("attempts", attempt);
        let limit = attempts.limit()?;
        let attempt_span = tracing::debug_span!(
            "attempt",
            "http.request.resend_count" = attempt - 1,
            "http.response.status_code" = tracing::field::Empty,
            retry_reason = tracing::field::Empty,
            backoff_ms = tracing::field::Empty,
            google_ids = tracing::field::Empty,
        );
        tracing::debug!(parent: &attempt_span, attempt, "sending request");
        let outcome = attempt_once(api, prepared, limit, read)
            .instrument(attempt_span.clone())
            .await;
        if !attempt_span.is_disabled() {
            if let Ok(reply) = &outcome {
                attempt_span.record("http.response.status_code", reply.status);
                attempt_span.record("google_ids", google_ids(&reply.headers).as_str());
            }
        }
        let error = match outcome {
            Ok(reply) if (200..300).contains(&reply.status) => return Ok(reply),
            Ok(reply) => Error::service(reply.status, reply.headers, &reply.body),
            Err(error) => attempts.account(error),
        };
        tracing::debug!(parent: &attempt_span, attempt, error = %error, "attempt failed");
        let delay = match attempts.retry_delay(&error, error.is_transient(prepared.idempotent)) {
            Ok(delay) => delay,
            Err(give_up) => {
                if give_up == GiveUp::WaitTooLong {
                    attempt_span.record("retry_reason", give_up.reason());
                }
                return Err(error);
            }
        };
        if !attempt_span.is_disabled() {
            attempt_span.record("retry_reason", error_type(&error));
            attempt_span.record("backoff_ms", millis(delay));
        }
        tracing::info!(
            parent: &attempt_span,
            method = prepared.method.id,
            attempt,
            delay_ms = millis(delay),
            error = %error,
            "retrying after a transient failure"
        );
        tokio::time::sleep(delay).await;
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// A short, stable name of an error's kind, for tracing (`error.type`).
fn error_type(error: &Error) -> &'static str {
    match error {
        Error::Service(e) => match e.status {
            408 => "http 408",
            429 => "http 429",
            500..=599 => "http 5xx",
            _ => "http error",
        },
        Error::Transport(e) if e.is_connect() => "connect",
        Error::Transport(_) => "transport",
        Error::Timeout { .. } => "timeout",
        Error::Decode { .. } => "decode",
        Error::ReplyTooLarge { .. } => "reply too large",
        Error::InvalidRequest { .. } => "invalid request",
        Error::Auth(_) => "auth",
        _ => "other",
    }
}

/// Google's identifiers of a reply (`x-goog-*` and `x-guploader-uploadid` headers), which its
/// support asks for: `name=value` pairs.
fn google_ids(headers: &HeaderMap) -> String {
    let mut ids = String::new();
    for (name, value) in headers {
        let name = name.as_str();
        if name.starts_with("x-goog-") || name == "x-guploader-uploadid" {
            if let Ok(value) = value.to_str() {
                if !ids.is_empty() {
                    ids.push(' ');
                }
                ids.push_str(name);
                ids.push('=');
                ids.push_str(&crate::error::excerpt(value.as_bytes()));
            }
        }
    }
    ids
}

/// Adds the headers the client sends with every request: user agent, `x-goog-api-client`, the
/// API key and a fresh access token. Also used by the requests sent outside [`run`] (the chunks
/// of resumable uploads, resumed downloads).
pub(crate) async fn client_headers(api: &ApiClient, headers: &mut HeaderMap) -> Result<()> {
    let inner = &api.client.inner;
    let user_agent = inner
        .user_agent
        .as_ref()
        .unwrap_or(&api.endpoint.user_agent);
    headers.insert(header::USER_AGENT, user_agent.clone());
    headers.insert("x-goog-api-client", api.endpoint.api_client_header.clone());
    if let Some(key) = &inner.api_key {
        headers.insert("x-goog-api-key", key.clone());
    }
    if let Some(auth) = &inner.auth {
        let token = auth.token().await?;
        let value = header_value(&format!("Bearer {token}"), true).map_err(|reason| {
            Error::Auth(format!(
                "the access token from the token source cannot be sent: {reason}"
            ))
        })?;
        headers.insert(header::AUTHORIZATION, value);
    }
    Ok(())
}

/// One attempt: send, and read the reply as `read` says.
async fn attempt_once(
    api: &ApiClient,
    prepared: &Prepared,
    limit: Option<Duration>,
    read: Read,
) -> Result<Reply> {
    let mut headers = prepared.headers.clone();
    let method = prepared.method.http_method;
    if prepared.body.is_none()
        && !matches!(
            method,
            crate::method::HttpMethod::Get | crate::method::HttpMethod::Delete
        )
    {
        // Google front ends answer 411 to a POST without a length.
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from_static("0"));
    }
    let response = send_once(
        api,
        method.to_reqwest(),
        prepared.url.clone(),
        headers,
        prepared.body.clone().map(reqwest::Body::from),
        limit,
        // A stream is read later, for as long as it takes: only its headers are bounded.
        read == Read::Stream,
    )
    .await?;
    receive(response, read, api.client.inner.max_reply_size).await
}

/// Reads a reply as `read` says: a success whole up to `max` bytes (or streamed), an error
/// reply up to [`MAX_ERROR_BODY`] (the rest is not read).
pub(crate) async fn receive(
    mut response: reqwest::Response,
    read: Read,
    max: u64,
) -> Result<Reply> {
    let status = response.status().as_u16();
    let headers = std::mem::take(response.headers_mut());
    let success = (200..300).contains(&status);
    if success && read == Read::Stream {
        return Ok(Reply {
            status,
            headers,
            body: Bytes::new(),
            stream: Some(response),
        });
    }
    let body = if success {
        let too_large = Error::ReplyTooLarge { status, limit: max };
        if response.content_length().is_some_and(|length| length > max) {
            return Err(too_large);
        }
        match read_at_most(response, max).await? {
            (body, false) => body,
            (_, true) => return Err(too_large),
        }
    } else {
        // An error body larger than what is kept: its beginning says enough.
        read_at_most(response, MAX_ERROR_BODY).await?.0
    };
    Ok(Reply {
        status,
        headers,
        body,
        stream: None,
    })
}

/// Reads at most `max` bytes of a body; `true` when there was more (which is not read).
async fn read_at_most(mut response: reqwest::Response, max: u64) -> Result<(Bytes, bool)> {
    if response
        .content_length()
        .is_some_and(|length| length <= max)
    {
        // hyper reads exactly the announced length, no more.
        return Ok((response.bytes().await.map_err(Error::transport)?, false));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(Error::transport)? {
        let room = usize::try_from(max).unwrap_or(usize::MAX) - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((Bytes::from(body), true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((Bytes::from(body), false))
}

/// Decodes a successful reply. 204 No Content carries no JSON at all; every other success
/// must be valid JSON, so a cut-off or garbled body is an error, never an empty success.
pub(crate) fn decode<T: Json>(reply: Reply, data_wrapper: bool) -> Result<Response<T>> {
    let json: &[u8] = if reply.status == 204 && reply.body.is_empty() {
        b"{}"
    } else {
        &reply.body
    };
    let body = if data_wrapper {
        json::from_slice::<DataIn<T>>(json).map(|wrapped| wrapped.0)
    } else {
        json::from_slice::<T>(json)
    }
    .map_err(|e| Error::decode(reply.status, e, &reply.body))?;
    Ok(Response::new(reply.status, reply.headers, body))
}

/// A body written as `{"data": ...}`.
struct DataOut<'a, T>(&'a T);

impl<T: Json> serde::Serialize for DataOut<'_, T> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("data", &json::Out(self.0))?;
        map.end()
    }
}

/// A body read from `{"data": ...}` (a missing `data` reads as JSON `null`).
struct DataIn<T>(T);

impl<T: Json> Json for DataIn<T> {
    fn write<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serde::Serialize::serialize(&DataOut(&self.0), serializer)
    }

    fn read<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        let mut value = serde_json::Value::deserialize(deserializer)?;
        let data = value
            .get_mut("data")
            .map(serde_json::Value::take)
            .unwrap_or(serde_json::Value::Null);
        T::read(data).map(DataIn).map_err(serde::de::Error::custom)
    }
}

use serde::Deserialize as _;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_version_4_uuids() {
        let id = uuid_v4();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
        assert_ne!(uuid_v4(), id);
    }
}
