//! Errors of every call: one type, with kinds a caller can match on.

use reqwest::header::HeaderMap;
use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime};

/// The result of every call of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong with a call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with an HTTP error status (after any retries).
    #[error("{0}")]
    Service(Box<ServiceError>),
    /// The request was refused before anything was sent (for example a path parameter that does
    /// not match the method's pattern).
    #[error("invalid request: parameter `{parameter}`: {reason}")]
    InvalidRequest {
        /// The parameter's wire name.
        parameter: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The request could not be sent or the reply could not be read (connection refused or
    /// reset, TLS, a body cut off mid-way).
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// An attempt or the whole call (or a wait for an operation) ran out of time.
    #[error("timed out after {elapsed:.1?} ({attempts} attempt(s))")]
    Timeout {
        /// Time from the start of the call to giving up.
        elapsed: Duration,
        /// Attempts (or polls) made.
        attempts: u32,
    },
    /// A successful reply whose body is not the JSON the method promises.
    #[error("cannot decode the reply (HTTP {status}): {problem}: {source}; the body starts with {excerpt:?}")]
    Decode {
        /// HTTP status of the reply.
        status: u16,
        /// What kind of problem the body has.
        problem: DecodeProblem,
        /// What serde_json found wrong.
        #[source]
        source: serde_json::Error,
        /// The first bytes of the body, for a human to look at.
        excerpt: String,
    },
    /// A successful reply that breaks the API's contract in a way decoding cannot see (for
    /// example a long-running operation without a name to poll it by).
    #[error("unexpected reply: {0}")]
    UnexpectedReply(String),
    /// The request body could not be encoded as JSON.
    #[error("cannot encode the request body: {0}")]
    Encode(#[source] serde_json::Error),
    /// The token source failed to produce an access token.
    #[error("authentication failed: {0}")]
    Auth(String),
}

/// Why a successful reply's body could not be decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeProblem {
    /// The JSON stops before its end: the body was cut short.
    Truncated,
    /// The body is not JSON at all.
    NotJson,
    /// The body is JSON, but not of the shape the method promises.
    UnexpectedShape,
}

impl fmt::Display for DecodeProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DecodeProblem::Truncated => "the JSON body is truncated",
            DecodeProblem::NotJson => "the body is not valid JSON",
            DecodeProblem::UnexpectedShape => "the JSON body has an unexpected shape",
        })
    }
}

/// An HTTP error reply, with Google's error body decoded when it is one.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceError {
    /// The HTTP status code.
    pub status: u16,
    /// The reply's headers.
    pub headers: HeaderMap,
    /// Google's error object (`{"error": {...}}`, a `google.rpc.Status`), when the body is one.
    pub error: Option<ApiError>,
    /// The body as received (lossily decoded as UTF-8), kept whatever it is: an HTML page
    /// from a proxy, for one.
    pub body: String,
}

impl ServiceError {
    /// The canonical status name Google sends (`NOT_FOUND`, `PERMISSION_DENIED`...), if any.
    pub fn status_name(&self) -> Option<&str> {
        self.error.as_ref()?.status.as_deref()
    }

    /// The error message Google sends, if any.
    pub fn message(&self) -> Option<&str> {
        self.error.as_ref()?.message.as_deref()
    }

    /// The error's details, decoded by `@type` where this crate knows the type.
    pub fn details(&self) -> Vec<ErrorDetail> {
        self.error
            .as_ref()
            .map(ApiError::decoded_details)
            .unwrap_or_default()
    }

    /// How long the service asks the client to wait before trying again: the `Retry-After`
    /// header (seconds or an HTTP date), else a `RetryInfo` detail.
    pub fn retry_after(&self) -> Option<Duration> {
        let header = self.headers.get(reqwest::header::RETRY_AFTER);
        if let Some(value) = header.and_then(|v| v.to_str().ok()).map(str::trim) {
            if let Ok(seconds) = value.parse::<u64>() {
                return Some(Duration::from_secs(seconds));
            }
            if let Ok(when) = httpdate::parse_http_date(value) {
                return Some(when.duration_since(SystemTime::now()).unwrap_or_default());
            }
        }
        self.details().into_iter().find_map(|detail| match detail {
            ErrorDetail::RetryInfo(info) => info.retry_delay,
            _ => None,
        })
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        match &self.error {
            Some(error) => {
                if let Some(status) = &error.status {
                    write!(f, " {status}")?;
                }
                if let Some(message) = &error.message {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
            None => write!(f, ": {}", excerpt(self.body.as_bytes())),
        }
    }
}

/// Google's JSON error object, the `error` member of an error reply: a `google.rpc.Status`
/// with the HTTP status name.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ApiError {
    /// The HTTP status code, repeated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i32>,
    /// A developer-facing message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The canonical status name (`NOT_FOUND`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Typed details, each with an `@type`, as received; [`ApiError::decoded_details`]
    /// decodes the known ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<serde_json::Value>,
    /// Members of the error object this crate does not know.
    #[serde(flatten)]
    pub unknown_fields: serde_json::Map<String, serde_json::Value>,
}

impl ApiError {
    /// Every detail, decoded by `@type` when the type is one of [`ErrorDetail`]'s and kept as
    /// JSON otherwise.
    pub fn decoded_details(&self) -> Vec<ErrorDetail> {
        self.details.iter().map(ErrorDetail::decode).collect()
    }
}

/// One `details` entry of a Google error, decoded by its `@type`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ErrorDetail {
    /// `google.rpc.ErrorInfo`: the machine-readable reason.
    ErrorInfo(ErrorInfo),
    /// `google.rpc.RetryInfo`: how long to wait before retrying.
    RetryInfo(RetryInfo),
    /// `google.rpc.BadRequest`: which fields of the request are wrong.
    BadRequest(BadRequest),
    /// `google.rpc.ResourceInfo`: the resource the error is about.
    ResourceInfo(ResourceInfo),
    /// `google.rpc.QuotaFailure`: which quota was exceeded.
    QuotaFailure(QuotaFailure),
    /// `google.rpc.Help`: links to documentation.
    Help(Help),
    /// `google.rpc.LocalizedMessage`: a message for end users.
    LocalizedMessage(LocalizedMessage),
    /// Any other detail (or a known one that does not decode), as received.
    Other(serde_json::Value),
}

impl ErrorDetail {
    fn decode(value: &serde_json::Value) -> ErrorDetail {
        fn typed<T: serde::de::DeserializeOwned>(
            value: &serde_json::Value,
            wrap: fn(T) -> ErrorDetail,
        ) -> ErrorDetail {
            match T::deserialize(value) {
                Ok(detail) => wrap(detail),
                Err(_) => ErrorDetail::Other(value.clone()),
            }
        }
        let kind = value
            .get("@type")
            .and_then(|t| t.as_str())
            .unwrap_or_default();
        match kind.rsplit('/').next().unwrap_or_default() {
            "google.rpc.ErrorInfo" => typed(value, ErrorDetail::ErrorInfo),
            "google.rpc.RetryInfo" => typed(value, ErrorDetail::RetryInfo),
            "google.rpc.BadRequest" => typed(value, ErrorDetail::BadRequest),
            "google.rpc.ResourceInfo" => typed(value, ErrorDetail::ResourceInfo),
            "google.rpc.QuotaFailure" => typed(value, ErrorDetail::QuotaFailure),
            "google.rpc.Help" => typed(value, ErrorDetail::Help),
            "google.rpc.LocalizedMessage" => typed(value, ErrorDetail::LocalizedMessage),
            _ => ErrorDetail::Other(value.clone()),
        }
    }
}

/// `google.rpc.ErrorInfo`.
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ErrorInfo {
    /// The reason, an UPPER_SNAKE_CASE constant unique within the domain.
    pub reason: String,
    /// The service that produced the error (`googleapis.com`...).
    pub domain: String,
    /// More context, such as the service or the quota limit.
    pub metadata: BTreeMap<String, String>,
}

/// `google.rpc.RetryInfo`.
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RetryInfo {
    /// How long to wait before retrying (sent as a duration string such as `"1.5s"`).
    #[serde(deserialize_with = "duration_string")]
    pub retry_delay: Option<Duration>,
}

/// `google.rpc.BadRequest`.
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BadRequest {
    /// Every field that is wrong.
    pub field_violations: Vec<FieldViolation>,
}

/// One wrong field of a [`BadRequest`].
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct FieldViolation {
    /// The path of the field (`hub.name`...).
    pub field: String,
    /// What is wrong with it.
    pub description: String,
    /// A machine-readable reason, when given.
    pub reason: Option<String>,
}

/// `google.rpc.ResourceInfo`.
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ResourceInfo {
    /// The kind of resource.
    pub resource_type: String,
    /// The name of the resource.
    pub resource_name: String,
    /// Its owner, when known.
    pub owner: String,
    /// What went wrong with it.
    pub description: String,
}

/// `google.rpc.QuotaFailure`.
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct QuotaFailure {
    /// Every exceeded quota.
    pub violations: Vec<QuotaViolation>,
}

/// One exceeded quota of a [`QuotaFailure`].
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct QuotaViolation {
    /// Whose quota (`project:my-project`...).
    pub subject: String,
    /// Which quota, and how it was exceeded.
    pub description: String,
}

/// `google.rpc.Help`.
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Help {
    /// Links to read.
    pub links: Vec<HelpLink>,
}

/// One link of a [`Help`].
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct HelpLink {
    /// What the link is about.
    pub description: String,
    /// The URL.
    pub url: String,
}

/// `google.rpc.LocalizedMessage`.
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LocalizedMessage {
    /// The locale of the message (`en-US`...).
    pub locale: String,
    /// The message.
    pub message: String,
}

/// Reads a protobuf JSON duration (`"3s"`, `"0.250s"`).
fn duration_string<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<Duration>, D::Error> {
    let text = <Option<String> as serde::Deserialize>::deserialize(deserializer)?;
    let Some(text) = text else {
        return Ok(None);
    };
    let seconds = text
        .strip_suffix('s')
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .ok_or_else(|| serde::de::Error::custom(format!("invalid duration {text:?}")))?;
    Ok(Some(Duration::from_secs_f64(seconds)))
}

#[derive(serde::Deserialize)]
struct ErrorEnvelope {
    error: ApiError,
}

impl Error {
    /// The HTTP status, when the service answered.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Service(e) => Some(e.status),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The service's error reply, when there is one.
    pub fn as_service(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(e) => Some(e),
            _ => None,
        }
    }

    /// Whether the credentials are the problem: the token source failed, or the service
    /// answered 401.
    pub fn is_unauthenticated(&self) -> bool {
        matches!(self, Error::Auth(_)) || self.http_status() == Some(401)
    }

    /// Whether the call ran out of time.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// Whether trying again may succeed: see [`crate::RetryPolicy`]. `idempotent` says
    /// whether the request may safely reach the service twice.
    pub(crate) fn is_transient(&self, idempotent: bool) -> bool {
        match self {
            Error::Service(e) => {
                idempotent && matches!(e.status, 408 | 429 | 500 | 502 | 503 | 504)
            }
            // A connection that was never opened carried nothing: safe for every method.
            Error::Transport(e) if e.is_connect() => true,
            Error::Transport(_) | Error::Timeout { .. } => idempotent,
            _ => false,
        }
    }

    /// The wait the service asked for, if any.
    pub(crate) fn retry_delay(&self) -> Option<Duration> {
        self.as_service()?.retry_after()
    }

    pub(crate) fn service(status: u16, headers: HeaderMap, body: &[u8]) -> Self {
        let error = serde_json::from_slice::<ErrorEnvelope>(body)
            .ok()
            .map(|e| e.error);
        Error::Service(Box::new(ServiceError {
            status,
            headers,
            error,
            body: String::from_utf8_lossy(body).into_owned(),
        }))
    }

    pub(crate) fn decode(status: u16, source: serde_json::Error, body: &[u8]) -> Self {
        let problem = match source.classify() {
            serde_json::error::Category::Eof => DecodeProblem::Truncated,
            serde_json::error::Category::Data => DecodeProblem::UnexpectedShape,
            serde_json::error::Category::Syntax | serde_json::error::Category::Io => {
                DecodeProblem::NotJson
            }
        };
        Error::Decode {
            status,
            problem,
            source,
            excerpt: excerpt(body),
        }
    }

    pub(crate) fn timeout(elapsed: Duration, attempts: u32) -> Self {
        Error::Timeout { elapsed, attempts }
    }

    /// Transport errors lose their URL: it may carry an API key or access token in the query.
    /// A timed-out attempt becomes [`Error::Timeout`].
    pub(crate) fn transport(error: reqwest::Error) -> Self {
        if error.is_timeout() {
            return Error::timeout(Duration::ZERO, 1);
        }
        Error::Transport(error.without_url())
    }
}

/// The first 200 characters of a body, for error messages.
fn excerpt(body: &[u8]) -> String {
    const LIMIT: usize = 200;
    let text = String::from_utf8_lossy(body);
    match text.char_indices().nth(LIMIT) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.into_owned(),
    }
}
