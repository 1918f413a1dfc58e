//! Errors of every call: one type, shared by every generated crate, with kinds a caller can
//! match on. Everything here that reads what a server sent (error bodies, details, durations,
//! headers) accepts any input without panicking.

use reqwest::header::HeaderMap;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime};

/// The result of every call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong with a call.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with an HTTP error status (after any retries).
    Service(Box<ServiceError>),
    /// The request was refused before anything was sent: a path value that does not match the
    /// method's pattern or would escape its path, a header value with a line break, a header or
    /// query parameter that clashes with one the client sets itself...
    InvalidRequest {
        /// The parameter, header or setting at fault (its wire name).
        parameter: Cow<'static, str>,
        /// What is wrong with it (never the value itself when it is a credential).
        reason: String,
    },
    /// The request could not be sent or the reply could not be read (connection refused or
    /// reset, TLS, a body cut off mid-way).
    Transport(reqwest::Error),
    /// An attempt or the whole call (or a wait for an operation) ran out of time.
    Timeout {
        /// Time from the start of the call to giving up.
        elapsed: Duration,
        /// Attempts (or polls) made.
        attempts: u32,
    },
    /// A successful reply whose body is not the JSON the method promises.
    Decode {
        /// HTTP status of the reply.
        status: u16,
        /// What kind of problem the body has.
        problem: DecodeProblem,
        /// What serde_json found wrong.
        source: serde_json::Error,
        /// The first characters of the body, for a human to look at.
        excerpt: String,
    },
    /// A reply larger than the client's limit for JSON replies (see
    /// [`ClientBuilder::max_reply_size`](crate::ClientBuilder::max_reply_size)); reading
    /// stopped at the limit.
    ReplyTooLarge {
        /// HTTP status of the reply.
        status: u16,
        /// The limit, in bytes.
        limit: u64,
    },
    /// A successful reply that breaks the API's contract in a way decoding cannot see (a
    /// long-running operation without a name to poll it by, a page token that repeats).
    UnexpectedReply(String),
    /// A long-running operation finished with an error.
    Operation {
        /// The operation's name.
        name: Option<String>,
        /// Its `error`: a `google.rpc.Status` (code 1, `CANCELLED`, for a cancelled one).
        status: Box<Status>,
    },
    /// The request body could not be encoded as JSON.
    Encode(serde_json::Error),
    /// The token source failed to produce a usable access token.
    Auth(String),
    /// The media of an upload could not be read from its source, or the source yielded another
    /// number of bytes than it declared (see [`UploadSource`](crate::UploadSource)).
    Source(std::io::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Service(error) => error.fmt(f),
            Error::InvalidRequest { parameter, reason } => {
                write!(f, "invalid request: `{parameter}`: {reason}")
            }
            Error::Transport(error) => write!(f, "transport error: {error}"),
            Error::Timeout { elapsed, attempts } => {
                write!(f, "timed out after {elapsed:.1?} ({attempts} attempt(s))")
            }
            Error::Decode {
                status,
                problem,
                source,
                excerpt,
            } => write!(
                f,
                "cannot decode the reply (HTTP {status}): {problem}: {source}; the body starts with {excerpt:?}"
            ),
            Error::ReplyTooLarge { status, limit } => write!(
                f,
                "the reply (HTTP {status}) is larger than the limit of {limit} bytes for JSON replies"
            ),
            Error::UnexpectedReply(what) => write!(f, "unexpected reply: {what}"),
            Error::Operation { name, status } => {
                match name {
                    Some(name) => write!(f, "operation {name} failed")?,
                    None => f.write_str("the operation failed")?,
                }
                write!(f, ": {status}")
            }
            Error::Encode(error) => write!(f, "cannot encode the request body: {error}"),
            Error::Auth(what) => write!(f, "authentication failed: {what}"),
            Error::Source(error) => write!(f, "cannot read the media to upload: {error}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(error) => Some(error),
            Error::Decode { source, .. } | Error::Encode(source) => Some(source),
            Error::Source(error) => Some(error),
            _ => None,
        }
    }
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
    /// Google's error object (`{"error": {...}}`), when the body is one.
    pub error: Option<Status>,
    /// The body as received (lossily decoded as UTF-8, and cut at the client's limit for
    /// error bodies), kept whatever it is: an HTML page from a proxy, for one.
    pub body: String,
}

impl ServiceError {
    /// The reply to an HTTP error status.
    pub fn new(status: u16, headers: HeaderMap, body: &[u8]) -> ServiceError {
        ServiceError {
            status,
            headers,
            error: Status::from_error_body(body),
            body: String::from_utf8_lossy(body).into_owned(),
        }
    }

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
            .map(Status::decoded_details)
            .unwrap_or_default()
    }

    /// How long the service asks the client to wait before trying again: the `Retry-After`
    /// header (seconds or an HTTP date), else a `RetryInfo` detail. Values too large for a
    /// `Duration` are clamped; unreadable ones are ignored.
    pub fn retry_after(&self) -> Option<Duration> {
        let header = self.headers.get(reqwest::header::RETRY_AFTER);
        if let Some(delay) = header
            .and_then(|v| v.to_str().ok())
            .and_then(|value| parse_retry_after(value, SystemTime::now()))
        {
            return Some(delay);
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
                    write!(f, " {}", shown(status))?;
                }
                if let Some(message) = &error.message {
                    write!(f, ": {}", shown(message))?;
                }
                Ok(())
            }
            None => write!(f, ": {}", shown(&self.body)),
        }
    }
}

/// A `google.rpc.Status`: Google's error object, the `error` member of an error reply (with
/// the HTTP status name in `status`) and of a long-running operation that failed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Status {
    /// The code: the HTTP status in an error reply, a `google.rpc.Code` in an operation (1 is
    /// `CANCELLED`).
    pub code: Option<i32>,
    /// A developer-facing message.
    pub message: Option<String>,
    /// The canonical status name (`NOT_FOUND`...), in error replies.
    pub status: Option<String>,
    /// Typed details, each with an `@type`, as received; [`Status::decoded_details`] decodes
    /// the known ones.
    pub details: Vec<Value>,
}

impl Status {
    /// Reads a status from JSON, leniently: members of the wrong type are ignored. `None` when
    /// `value` is no object.
    pub fn from_json(value: &Value) -> Option<Status> {
        let object = value.as_object()?;
        Some(Status {
            code: object
                .get("code")
                .and_then(Value::as_i64)
                .and_then(|c| i32::try_from(c).ok()),
            message: string(object.get("message")),
            status: string(object.get("status")),
            details: object
                .get("details")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
        })
    }

    /// Google's error object in an error reply's body, if it holds one: `{"error": {...}}`,
    /// or the OAuth form `{"error": "invalid_grant", "error_description": "..."}`.
    pub fn from_error_body(body: &[u8]) -> Option<Status> {
        let value: Value = serde_json::from_slice(body).ok()?;
        match value.get("error")? {
            Value::String(name) => Some(Status {
                status: Some(name.clone()),
                message: string(value.get("error_description")),
                ..Status::default()
            }),
            error => Status::from_json(error),
        }
    }

    /// Every detail, decoded by `@type` when the type is one of [`ErrorDetail`]'s and kept as
    /// JSON otherwise.
    pub fn decoded_details(&self) -> Vec<ErrorDetail> {
        self.details.iter().map(ErrorDetail::decode).collect()
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(code) = self.code {
            write!(f, "code {code}")?;
        }
        if let Some(status) = &self.status {
            write!(f, " {}", shown(status))?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {}", shown(message))?;
        }
        Ok(())
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
    /// Any other detail, as received.
    Other(Value),
}

impl ErrorDetail {
    /// Decodes one detail. Members of the wrong type read as absent, so a detail of a known
    /// type always decodes.
    pub fn decode(value: &Value) -> ErrorDetail {
        let kind = value
            .get("@type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let text = |name: &str| string(value.get(name)).unwrap_or_default();
        let list = |name: &str| {
            value
                .get(name)
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default()
        };
        match kind.rsplit('/').next().unwrap_or_default() {
            "google.rpc.ErrorInfo" => ErrorDetail::ErrorInfo(ErrorInfo {
                reason: text("reason"),
                domain: text("domain"),
                metadata: value
                    .get("metadata")
                    .and_then(Value::as_object)
                    .map(|m| {
                        m.iter()
                            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                            .collect()
                    })
                    .unwrap_or_default(),
            }),
            "google.rpc.RetryInfo" => ErrorDetail::RetryInfo(RetryInfo {
                retry_delay: value
                    .get("retryDelay")
                    .and_then(Value::as_str)
                    .and_then(parse_duration),
            }),
            "google.rpc.BadRequest" => ErrorDetail::BadRequest(BadRequest {
                field_violations: list("fieldViolations")
                    .iter()
                    .map(|v| FieldViolation {
                        field: string(v.get("field")).unwrap_or_default(),
                        description: string(v.get("description")).unwrap_or_default(),
                        reason: string(v.get("reason")),
                    })
                    .collect(),
            }),
            "google.rpc.ResourceInfo" => ErrorDetail::ResourceInfo(ResourceInfo {
                resource_type: text("resourceType"),
                resource_name: text("resourceName"),
                owner: text("owner"),
                description: text("description"),
            }),
            "google.rpc.QuotaFailure" => ErrorDetail::QuotaFailure(QuotaFailure {
                violations: list("violations")
                    .iter()
                    .map(|v| QuotaViolation {
                        subject: string(v.get("subject")).unwrap_or_default(),
                        description: string(v.get("description")).unwrap_or_default(),
                    })
                    .collect(),
            }),
            "google.rpc.Help" => ErrorDetail::Help(Help {
                links: list("links")
                    .iter()
                    .map(|v| HelpLink {
                        description: string(v.get("description")).unwrap_or_default(),
                        url: string(v.get("url")).unwrap_or_default(),
                    })
                    .collect(),
            }),
            "google.rpc.LocalizedMessage" => ErrorDetail::LocalizedMessage(LocalizedMessage {
                locale: text("locale"),
                message: text("message"),
            }),
            _ => ErrorDetail::Other(value.clone()),
        }
    }
}

fn string(value: Option<&Value>) -> Option<String> {
    value?.as_str().map(str::to_string)
}

/// `google.rpc.ErrorInfo`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ErrorInfo {
    /// The reason, an UPPER_SNAKE_CASE constant unique within the domain.
    pub reason: String,
    /// The service that produced the error (`googleapis.com`...).
    pub domain: String,
    /// More context, such as the service or the quota limit.
    pub metadata: BTreeMap<String, String>,
}

/// `google.rpc.RetryInfo`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RetryInfo {
    /// How long to wait before retrying (sent as a duration string such as `"1.5s"`); `None`
    /// when absent or unreadable.
    pub retry_delay: Option<Duration>,
}

/// `google.rpc.BadRequest`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BadRequest {
    /// Every field that is wrong.
    pub field_violations: Vec<FieldViolation>,
}

/// One wrong field of a [`BadRequest`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FieldViolation {
    /// The path of the field (`hub.name`...).
    pub field: String,
    /// What is wrong with it.
    pub description: String,
    /// A machine-readable reason, when given.
    pub reason: Option<String>,
}

/// `google.rpc.ResourceInfo`.
#[derive(Clone, Debug, Default, PartialEq)]
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
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QuotaFailure {
    /// Every exceeded quota.
    pub violations: Vec<QuotaViolation>,
}

/// One exceeded quota of a [`QuotaFailure`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QuotaViolation {
    /// Whose quota (`project:my-project`...).
    pub subject: String,
    /// Which quota, and how it was exceeded.
    pub description: String,
}

/// `google.rpc.Help`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Help {
    /// Links to read.
    pub links: Vec<HelpLink>,
}

/// One link of a [`Help`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HelpLink {
    /// What the link is about.
    pub description: String,
    /// The URL.
    pub url: String,
}

/// `google.rpc.LocalizedMessage`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LocalizedMessage {
    /// The locale of the message (`en-US`...).
    pub locale: String,
    /// The message.
    pub message: String,
}

/// Reads a protobuf JSON duration (`"3s"`, `"0.250s"`, `"-1.5s"`), as Google sends in
/// `RetryInfo` and elsewhere. Negative durations are zero; durations beyond what a `Duration`
/// holds are clamped to its maximum; anything else that is not a number of seconds followed by
/// `s` (exponents included, which protobuf does not write) is `None`. Never panics.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let number = text.trim().strip_suffix('s')?;
    let (negative, digits) = match number.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, number.strip_prefix('+').unwrap_or(number)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    if negative {
        return Some(Duration::ZERO);
    }
    // Digits beyond u64 saturate; nanoseconds past the ninth digit are dropped.
    let seconds = whole
        .parse::<u64>()
        .unwrap_or(if whole.is_empty() { 0 } else { u64::MAX });
    let nanos = fraction
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(9)
        .fold(0u32, |n, b| n * 10 + u32::from(b - b'0'));
    Some(Duration::new(seconds, nanos))
}

/// Reads a `Retry-After` header: a number of seconds, or an HTTP date (a date in the past is
/// zero). Clamped rather than overflowing; anything else is `None`. Never panics.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Duration::from_secs(
            value.parse::<u64>().unwrap_or(u64::MAX),
        ));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or_default())
}

impl Error {
    /// The HTTP status, when the service answered.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Service(e) => Some(e.status),
            Error::Decode { status, .. } | Error::ReplyTooLarge { status, .. } => Some(*status),
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

    /// The failed operation's status, when a long-running operation ended in error.
    pub fn as_operation_status(&self) -> Option<&Status> {
        match self {
            Error::Operation { status, .. } => Some(status),
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

    /// Whether trying again may succeed: see [`RetryPolicy`](crate::RetryPolicy).
    /// `idempotent` says whether the request may safely reach the service twice.
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
    pub fn retry_after(&self) -> Option<Duration> {
        self.as_service()?.retry_after()
    }

    /// A request refused before sending.
    pub(crate) fn invalid(
        parameter: impl Into<Cow<'static, str>>,
        reason: impl Into<String>,
    ) -> Self {
        Error::InvalidRequest {
            parameter: parameter.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn service(status: u16, headers: HeaderMap, body: &[u8]) -> Self {
        Error::Service(Box::new(ServiceError::new(status, headers, body)))
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

    /// Transport errors lose their URL: it may carry an API key or a token in the query. A
    /// timed-out attempt becomes [`Error::Timeout`].
    pub(crate) fn transport(error: reqwest::Error) -> Self {
        if error.is_timeout() {
            return Error::timeout(Duration::ZERO, 1);
        }
        Error::Transport(error.without_url())
    }
}

/// The first 200 characters of a text, for error messages.
pub(crate) fn excerpt(body: &[u8]) -> String {
    const LIMIT: usize = 200;
    let text = String::from_utf8_lossy(body);
    match text.char_indices().nth(LIMIT) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.into_owned(),
    }
}

/// The excerpt of a server's text shown in an error message, its control characters (line
/// breaks, terminal escapes) escaped: a server's text must not forge log lines or drive the
/// terminal of whoever prints the error.
fn shown(text: &str) -> String {
    let mut shown = String::new();
    for c in excerpt(text.as_bytes()).chars() {
        if c.is_control() {
            shown.extend(c.escape_default());
        } else {
            shown.push(c);
        }
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn durations_from_the_wire_never_panic_and_are_clamped() {
        assert_eq!(parse_duration("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(
            parse_duration("0.000000001s"),
            Some(Duration::from_nanos(1))
        );
        assert_eq!(parse_duration("3s"), Some(Duration::from_secs(3)));
        assert_eq!(parse_duration(".5s"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("-2s"), Some(Duration::ZERO));
        assert_eq!(
            parse_duration("99999999999999999999999999s"),
            Some(Duration::new(u64::MAX, 0))
        );
        assert_eq!(
            parse_duration("1.1234567891234s"),
            Some(Duration::new(1, 123_456_789))
        );
        for bad in [
            "1e20s", "s", "", "1", "NaNs", "infs", "1.2.3s", "--1s", "1 s", "٣s",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("18446744073709551615", now),
            Some(Duration::from_secs(u64::MAX))
        );
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(30))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        for bad in ["", "-1", "1.5", "soon", "Wed, 99 Foo 2026 25:61:61 GMT"] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
        }
    }

    #[test]
    fn error_bodies_of_any_shape() {
        let google = json!({"error": {"code": 404, "message": "gone", "status": "NOT_FOUND",
            "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "1e20s"},
                        {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": 5,
                         "metadata": {"a": "b", "c": 1}},
                        {"@type": "type.googleapis.com/google.rpc.BadRequest",
                         "fieldViolations": [{"field": "x", "description": "bad"}, 7]},
                        "not an object"]}});
        let error = ServiceError::new(404, HeaderMap::new(), google.to_string().as_bytes());
        assert_eq!(error.status_name(), Some("NOT_FOUND"));
        assert_eq!(error.retry_after(), None);
        let details = error.details();
        assert_eq!(
            details[0],
            ErrorDetail::RetryInfo(RetryInfo { retry_delay: None })
        );
        let ErrorDetail::ErrorInfo(info) = &details[1] else {
            panic!("{details:?}")
        };
        assert_eq!(info.reason, "");
        assert_eq!(info.metadata.len(), 1);
        let ErrorDetail::BadRequest(bad) = &details[2] else {
            panic!("{details:?}")
        };
        assert_eq!(bad.field_violations.len(), 2);
        assert_eq!(details[3], ErrorDetail::Other(json!("not an object")));

        let oauth = br#"{"error":"invalid_grant","error_description":"Bad Request"}"#;
        let error = ServiceError::new(400, HeaderMap::new(), oauth);
        assert_eq!(error.status_name(), Some("invalid_grant"));
        assert_eq!(error.message(), Some("Bad Request"));
        for body in [&b"<html>"[..], b"", b"{\"error\": 5}", b"[1]", b"\xff\xfe"] {
            let error = ServiceError::new(502, HeaderMap::new(), body);
            assert_eq!(error.error, None);
            let _ = error.to_string();
        }
    }
}
