//! What the double answers: Google errors, scripted operations and listings as the user gives
//! them, and the steps of an expectation's sequence they become once encoded.

use std::ops::Range;
use std::time::Duration;

use serde_json::{json, Value};

use crate::error::Status;
use crate::json::{self, Json};

/// A Google error reply: an HTTP status with Google's error object
/// (`{"error": {"code", "message", "status", "details"}}`), as the client decodes into
/// [`ServiceError`](crate::ServiceError).
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorReply {
    status: u16,
    status_name: String,
    message: String,
    details: Vec<Value>,
    headers: Vec<(String, String)>,
}

impl ErrorReply {
    /// An error with HTTP status `http_status` (4xx or 5xx), canonical status name
    /// `status_name` (`NOT_FOUND`, `UNAVAILABLE`...) and `message`.
    ///
    /// # Panics
    ///
    /// When `http_status` is not an error status: the client would take it for a success.
    pub fn new(
        http_status: u16,
        status_name: impl Into<String>,
        message: impl Into<String>,
    ) -> ErrorReply {
        assert!(
            (400..=599).contains(&http_status),
            "an error reply needs a 4xx or 5xx status, not {http_status}"
        );
        ErrorReply {
            status: http_status,
            status_name: status_name.into(),
            message: message.into(),
            details: Vec::new(),
            headers: Vec::new(),
        }
    }

    /// 400 `INVALID_ARGUMENT`.
    pub fn invalid_argument(message: impl Into<String>) -> ErrorReply {
        ErrorReply::new(400, "INVALID_ARGUMENT", message)
    }

    /// 403 `PERMISSION_DENIED`.
    pub fn permission_denied(message: impl Into<String>) -> ErrorReply {
        ErrorReply::new(403, "PERMISSION_DENIED", message)
    }

    /// 404 `NOT_FOUND`.
    pub fn not_found(message: impl Into<String>) -> ErrorReply {
        ErrorReply::new(404, "NOT_FOUND", message)
    }

    /// 409 `ALREADY_EXISTS`.
    pub fn already_exists(message: impl Into<String>) -> ErrorReply {
        ErrorReply::new(409, "ALREADY_EXISTS", message)
    }

    /// 429 `RESOURCE_EXHAUSTED` (retried by the client).
    pub fn resource_exhausted(message: impl Into<String>) -> ErrorReply {
        ErrorReply::new(429, "RESOURCE_EXHAUSTED", message)
    }

    /// 503 `UNAVAILABLE` (retried by the client).
    pub fn unavailable(message: impl Into<String>) -> ErrorReply {
        ErrorReply::new(503, "UNAVAILABLE", message)
    }

    /// Adds a detail (an object with an `@type`, such as
    /// `{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "..."}`).
    pub fn detail(mut self, detail: Value) -> ErrorReply {
        self.details.push(detail);
        self
    }

    /// Adds a header to the reply, such as `Retry-After` (the double's client retries only
    /// when the wait fits its policy: see [`Double::retry_policy`](super::Double::retry_policy)).
    ///
    /// # Panics
    ///
    /// When the name or the value cannot be sent in an HTTP header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> ErrorReply {
        let (name, value) = (name.into(), value.into());
        assert!(
            reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_ok()
                && reqwest::header::HeaderValue::from_str(&value).is_ok(),
            "{name:?}: {value:?} cannot be sent as an HTTP header"
        );
        self.headers.push((name.to_ascii_lowercase(), value));
        self
    }

    /// The body Google sends: `{"error": {"code", "message", "status", "details"}}`.
    pub(crate) fn body(&self) -> Vec<u8> {
        let body = json!({
            "error": {
                "code": self.status,
                "message": self.message,
                "status": self.status_name,
                "details": self.details,
            }
        });
        body.to_string().into_bytes()
    }

    /// The reply as the double sends it.
    pub(crate) fn into_answer(self) -> Answer {
        let body = self.body();
        Answer::Reply {
            status: self.status,
            headers: self.headers,
            body,
        }
    }
}

/// How a scripted long-running operation goes: how many polls find it running, the metadata
/// it reports meanwhile, and how it ends. Give it to
/// [`Expectation::operation`](super::Expectation::operation).
#[derive(Clone, Debug, PartialEq)]
pub struct OperationScript<T, M> {
    outcome: Result<T, Status>,
    running_polls: u32,
    metadata: Option<M>,
}

impl<T, M> OperationScript<T, M> {
    /// An operation that succeeds with `result` (the first poll finds it done, unless
    /// [`running_for`](Self::running_for) says otherwise).
    pub fn succeeds(result: T) -> Self {
        OperationScript {
            outcome: Ok(result),
            running_polls: 0,
            metadata: None,
        }
    }

    /// An operation that fails with the `google.rpc.Code` `code` (9 is
    /// `FAILED_PRECONDITION`, 1 `CANCELLED`...) and `message`: the waiting caller gets
    /// [`Error::Operation`](crate::Error::Operation).
    pub fn fails(code: i32, message: impl Into<String>) -> Self {
        OperationScript::fails_with(Status {
            code: Some(code),
            message: Some(message.into()),
            ..Status::default()
        })
    }

    /// An operation that fails with `status` (with details, say).
    pub fn fails_with(status: Status) -> Self {
        OperationScript {
            outcome: Err(status),
            running_polls: 0,
            metadata: None,
        }
    }

    /// The number of polls that find the operation still running before one finds it done.
    pub fn running_for(mut self, polls: u32) -> Self {
        self.running_polls = polls;
        self
    }

    /// The metadata the operation reports (from the call that starts it to its end).
    pub fn metadata(mut self, metadata: M) -> Self {
        self.metadata = Some(metadata);
        self
    }
}

impl<T: Json, M: Json> OperationScript<T, M> {
    /// The script with its values as JSON.
    pub(crate) fn into_plan(self) -> OperationPlan {
        OperationPlan {
            running_polls: self.running_polls,
            metadata: self.metadata.as_ref().map(to_value),
            outcome: match &self.outcome {
                Ok(result) => Ok(to_value(result)),
                Err(status) => Err(status_json(status)),
            },
        }
    }
}

/// A `google.rpc.Status` as an operation's `error`.
fn status_json(status: &Status) -> Value {
    let mut error = json!({ "code": status.code.unwrap_or(2) });
    if let Some(message) = &status.message {
        error["message"] = json!(message);
    }
    if let Some(name) = &status.status {
        error["status"] = json!(name);
    }
    if !status.details.is_empty() {
        error["details"] = json!(status.details);
    }
    error
}

/// A value in its Google JSON form.
///
/// # Panics
///
/// When the value cannot be encoded (a map with keys that are not strings): a test that
/// scripts it is wrong.
pub(crate) fn to_value<T: Json>(value: &T) -> Value {
    serde_json::to_value(json::Out(value))
        .unwrap_or_else(|e| panic!("the test double cannot encode a scripted value: {e}"))
}

/// The items a list method serves, page by page. Give it (or just a `Vec` of items) to
/// [`Expectation::pages`](super::Expectation::pages).
#[derive(Clone, Debug, PartialEq)]
pub struct Pages<T> {
    items: Vec<T>,
    default_page_size: usize,
}

impl<T> Pages<T> {
    /// The page size used when a call sets no `pageSize` (or 0), unless
    /// [`default_page_size`](Self::default_page_size) says otherwise.
    pub const DEFAULT_PAGE_SIZE: usize = 50;

    /// Serves `items`.
    pub fn of(items: Vec<T>) -> Self {
        Pages {
            items,
            default_page_size: Self::DEFAULT_PAGE_SIZE,
        }
    }

    /// The page size when a call sets none, as a service's own default (at least 1).
    pub fn default_page_size(mut self, size: usize) -> Self {
        self.default_page_size = size.max(1);
        self
    }

    /// The items and the default page size.
    pub(crate) fn into_parts(self) -> (Vec<T>, usize) {
        (self.items, self.default_page_size)
    }
}

impl<T> From<Vec<T>> for Pages<T> {
    fn from(items: Vec<T>) -> Self {
        Pages::of(items)
    }
}

/// One answer of an expectation's sequence, encoded.
pub(crate) enum Answer {
    /// A reply as it is sent (a typed reply or a Google error).
    Reply {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// The connection closed without a reply.
    Fault,
    /// A running operation, then its polls.
    Operation(OperationPlan),
    /// A listing served page by page.
    Pages(PagePlan),
}

/// An [`OperationScript`] in JSON.
#[derive(Clone)]
pub(crate) struct OperationPlan {
    pub running_polls: u32,
    pub metadata: Option<Value>,
    /// The `response`, or the `error`.
    pub outcome: Result<Value, Value>,
}

/// Encodes the page of the items in a range, followed by a page token when more follow.
pub(crate) type PageEncoder = Box<dyn Fn(Range<usize>, Option<String>) -> Vec<u8> + Send>;

/// A [`Pages`] with its items kept typed until a page is asked for, since the page size is
/// the call's.
pub(crate) struct PagePlan {
    pub len: usize,
    pub default_page_size: usize,
    pub encode: PageEncoder,
}

/// A step of a sequence: an answer, given `times` times, each after `delay`.
pub(crate) struct Step {
    pub answer: Answer,
    pub times: u32,
    pub used: u32,
    pub delay: Duration,
}

impl Step {
    pub(crate) fn once(answer: Answer) -> Step {
        Step {
            answer,
            times: 1,
            used: 0,
            delay: Duration::ZERO,
        }
    }

    /// The step of an expectation given no answer: an empty JSON object, which every
    /// generated reply model (and `()`) reads.
    pub(crate) fn empty_reply() -> Step {
        Step::once(Answer::Reply {
            status: 200,
            headers: Vec::new(),
            body: b"{}".to_vec(),
        })
    }

    /// Whether the step still has answers to give.
    pub(crate) fn is_open(&self) -> bool {
        self.used < self.times
    }
}
