//! Batch requests: many calls of one API, of any methods, sent as one HTTP request to the
//! API's batch endpoint, each answered on its own.
//!
//! ```ignore
//! let mut batch = Batch::new(&api);           // or the generated `service.batch()`
//! let a = batch.add(notes.get("a"));
//! let b = batch.add(notes.create(note));
//! batch.send().await?;                        // one HTTP request
//! let note_a = a.take()?;                     // each call's typed reply, or its own error
//! let created = b.take()?;
//! ```
//!
//! Google turned down its global batch endpoint (`www.googleapis.com/batch`) in 2020; APIs
//! that still take batches have their own endpoint, which their discovery document names as
//! `batchPath` (`batch/storage/v1`, `batch/gmail/v1`...). Some documents still name a batch path
//! their service no longer answers: such a batch fails as a whole with the service's error.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderValue};

use crate::api::ApiClient;
use crate::attempts::Attempts;
use crate::batch_wire::{self, InnerRequest};
use crate::error::{Error, Result};
use crate::method::{HttpMethod, Method};
use crate::options::{RequestOptions, RetryPolicy};
use crate::request::ApiRequest;
use crate::send::{self, Prepared, Read, Reply};

/// The most calls one batch may carry, as Google documents it.
pub const MAX_BATCH_CALLS: usize = 1000;

/// The batch request itself, as a method, for tracing and retries.
static BATCH: Method = Method::new("batch", HttpMethod::Post, &[]);

/// Calls of one API sent together as one HTTP request (Google's batch format: `multipart/mixed`
/// parts holding HTTP requests), each answered on its own.
///
/// [`add`](Self::add) each call (any request builder of the API, of any method): it is checked
/// and written at once (a call that is invalid, or that goes to another host, gets its error in
/// its [`BatchReply`] and is not sent). [`send`](Self::send) the batch, then
/// [`take`](BatchReply::take) each call's reply or error.
///
/// A batch carries at most [`MAX_BATCH_CALLS`] calls: more are refused before anything is
/// sent. The batch's credentials, retry policy and timeouts are its client's (or those set
/// here); the calls' own options are not used, except whether each is idempotent. Media
/// uploads and downloads cannot travel in a batch.
///
/// Retries: the batch request as a whole is retried as the policy says when it fails
/// transiently (a connection that could not be opened always; an error status, a broken
/// connection or a timeout only when every call in it is idempotent, since it may have
/// reached the service). Then calls answered with a transient status (408, 429, 5xx) are sent
/// again in a new batch, as the policy allows, when they are idempotent (by their verb,
/// their request ID, or `with_idempotency(true)`). Both kinds of retry count against the same
/// attempts of the policy, so a batch sends at most `max_attempts` requests. The reply is read
/// up to the client's limit for JSON replies.
pub struct Batch {
    api: ApiClient,
    options: RequestOptions,
    calls: Vec<Call>,
}

/// A call in a batch: its request, and what to do with its outcome.
struct Call {
    prepared: Prepared,
    /// Decodes the call's reply as its type and hands it to its [`BatchReply`].
    complete: Box<dyn FnOnce(Result<Reply>) + Send + Sync>,
}

impl fmt::Debug for Batch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batch")
            .field("api", &self.api.api.name)
            .field("calls", &self.calls.len())
            .field("options", &self.options)
            .finish()
    }
}

/// The reply of one call in a [`Batch`], to [`take`](Self::take) once the batch is sent.
pub struct BatchReply<T> {
    slot: Arc<Mutex<Option<Result<T>>>>,
}

impl<T> fmt::Debug for BatchReply<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ready = lock(&self.slot).is_some();
        f.debug_struct("BatchReply").field("ready", &ready).finish()
    }
}

impl<T> BatchReply<T> {
    /// The call's decoded reply, or its error: [`Error::Service`] when the service answered
    /// it with an error status (its own Google error), [`Error::InvalidRequest`] when it was
    /// refused before sending, or when the batch was not sent or failed as a whole (then
    /// [`Batch::send`] returned the reason).
    pub fn take(self) -> Result<T> {
        lock(&self.slot).take().unwrap_or_else(|| {
            Err(Error::invalid(
                "batch",
                "no reply: the batch was not sent, or failed as a whole (see the error of \
                 `Batch::send`)",
            ))
        })
    }
}

fn lock<T>(slot: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    slot.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Batch {
    /// An empty batch to `api`'s batch endpoint (its document's `batchPath`, under its root
    /// URL).
    pub fn new(api: &ApiClient) -> Batch {
        Batch {
            api: api.clone(),
            options: RequestOptions::default(),
            calls: Vec::new(),
        }
    }

    /// Adds a call. It is prepared now (its URL, headers and body); one that cannot be sent, or
    /// goes to another host than the batch, is left out and gets its error in its reply.
    pub fn add<R: ApiRequest>(&mut self, call: R) -> BatchReply<R::Reply> {
        let slot = Arc::new(Mutex::new(None));
        let reply = BatchReply { slot: slot.clone() };
        let data_wrapper = call.state().api.api.data_wrapper;
        let complete = move |outcome: Result<Reply>| {
            let result = outcome
                .and_then(|reply| send::decode::<R::Reply>(reply, data_wrapper))
                .map(crate::Response::into_body);
            *lock(&slot) = Some(result);
        };
        match self.prepare(&call) {
            Ok(prepared) => self.calls.push(Call {
                prepared,
                complete: Box::new(complete),
            }),
            Err(error) => complete(Err(error)),
        }
        reply
    }

    fn prepare<R: ApiRequest>(&self, call: &R) -> Result<Prepared> {
        let prepared = send::prepare(call, None)?;
        let batch_root = reqwest::Url::parse(&self.api.endpoint.root_url).ok();
        let same_origin = batch_root.is_some_and(|root| root.origin() == prepared.url.origin());
        if !same_origin {
            return Err(Error::invalid(
                "batch",
                format!(
                    "{} goes to another host than the batch ({})",
                    R::METHOD.id,
                    self.api.endpoint.root_url
                ),
            ));
        }
        Ok(prepared)
    }

    /// The number of calls that will be sent.
    pub fn len(&self) -> usize {
        self.calls.len()
    }

    /// Whether no call will be sent.
    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    /// Retries by `policy` instead of the client's policy.
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.options.retry = Some(policy);
        self
    }

    /// Gives up on one HTTP request after `timeout`.
    pub fn with_attempt_timeout(mut self, timeout: Duration) -> Self {
        self.options.attempt_timeout = Some(timeout);
        self
    }

    /// Gives up on the whole batch, retries and waits included, after `timeout`.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Sends the calls as one batch (and the calls to retry in new ones) and hands each call
    /// its outcome. `Err` when the batch cannot be sent (no batch endpoint, more than
    /// [`MAX_BATCH_CALLS`] calls: nothing is sent) or fails as a whole; then the calls'
    /// replies say so.
    pub async fn send(self) -> Result<()> {
        let url = self.url()?;
        if self.calls.len() > MAX_BATCH_CALLS {
            return Err(Error::invalid(
                "batch",
                format!(
                    "{} calls: a batch carries at most {MAX_BATCH_CALLS}",
                    self.calls.len()
                ),
            ));
        }
        let options = self.options.or(&self.api.client.inner.defaults);
        let mut attempts = Attempts::new(&options);
        let mut pending: Vec<(Call, Option<Error>)> =
            self.calls.into_iter().map(|call| (call, None)).collect();
        while !pending.is_empty() {
            let calls: Vec<&Call> = pending.iter().map(|(call, _)| call).collect();
            let outcomes = match send_round(&self.api, &url, &calls, &options, &attempts).await {
                Ok(outcomes) => outcomes,
                Err(error) => {
                    // The round is tried again here, not inside `send::run`, so that the
                    // batch's requests and its calls' retries share one count of attempts.
                    let idempotent = pending.iter().all(|(call, _)| call.prepared.idempotent);
                    let transient = error.is_transient(idempotent);
                    match attempts.wait_or_fail(error, transient).await {
                        Ok(()) => continue,
                        Err(error) => return finish_after_failure(pending, error),
                    }
                }
            };
            pending = settle(pending, outcomes, &mut attempts).await;
        }
        Ok(())
    }

    /// The batch endpoint: the API's batch path under its root URL.
    fn url(&self) -> Result<reqwest::Url> {
        let api = self.api.api;
        let path = api.batch_path.ok_or_else(|| {
            Error::invalid(
                "batch",
                format!("the {} API has no batch endpoint", api.name),
            )
        })?;
        let url = format!(
            "{}{}",
            self.api.endpoint.root_url,
            path.trim_start_matches('/')
        );
        reqwest::Url::parse(&url)
            .map_err(|e| Error::invalid("batch", format!("no batch URL can be formed: {e}")))
    }
}

/// Hands each call its final outcome, and returns those to send again (with their error, in
/// case the next round fails as a whole), after waiting as the policy says.
async fn settle(
    pending: Vec<(Call, Option<Error>)>,
    outcomes: Vec<Result<Reply>>,
    attempts: &mut Attempts,
) -> Vec<(Call, Option<Error>)> {
    let mut again = Vec::new();
    let mut wait = None;
    let mut failed_round = false;
    for ((call, _), outcome) in pending.into_iter().zip(outcomes) {
        let error = match outcome {
            Ok(reply) if (200..300).contains(&reply.status) => {
                (call.complete)(Ok(reply));
                continue;
            }
            Ok(reply) => Error::service(reply.status, reply.headers, &reply.body),
            Err(error) => error,
        };
        if !error.is_transient(call.prepared.idempotent) {
            (call.complete)(Err(error));
            continue;
        }
        // One failure is counted per round, whatever the number of calls that failed in it.
        if !failed_round {
            failed_round = true;
            wait = attempts.retry_delay(&error, true).ok();
        }
        match wait {
            Some(_) => again.push((call, Some(error))),
            None => (call.complete)(Err(error)),
        }
    }
    if let Some(delay) = wait.filter(|_| !again.is_empty()) {
        tracing::info!(
            calls = again.len(),
            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            "sending the calls of a batch that failed transiently again"
        );
        tokio::time::sleep(delay).await;
    }
    again
}

/// After a round failed as a whole: the first round's failure is the batch's; a later round's
/// leaves each call with its error of the round before.
fn finish_after_failure(pending: Vec<(Call, Option<Error>)>, error: Error) -> Result<()> {
    let first_round = pending.iter().all(|(_, previous)| previous.is_none());
    if first_round {
        return Err(error);
    }
    for (call, previous) in pending {
        (call.complete)(Err(
            previous.unwrap_or_else(|| Error::invalid("batch", error.to_string()))
        ));
    }
    Ok(())
}

/// Sends one batch of `calls` and returns each call's reply or error, in order.
async fn send_round(
    api: &ApiClient,
    url: &reqwest::Url,
    calls: &[&Call],
    options: &RequestOptions,
    attempts: &Attempts,
) -> Result<Vec<Result<Reply>>> {
    let id = crate::send::uuid_v4();
    let requests: Vec<InnerRequest<'_>> = calls
        .iter()
        .enumerate()
        .map(|(index, call)| inner_request(&call.prepared, format!("{id}+{index}")))
        .collect();
    let (boundary, body) = batch_wire::encode(&requests);
    let mut headers = HeaderMap::new();
    let content_type = HeaderValue::from_str(&format!("multipart/mixed; boundary={boundary}"))
        .map_err(|_| Error::invalid("batch", "the boundary is no header value"))?;
    headers.insert(header::CONTENT_TYPE, content_type);
    let mut options = options.clone();
    // What is left of the batch's deadline, after earlier rounds.
    options.timeout = attempts.left();
    // One request per round: [`Batch::send`] decides about trying again.
    options.retry = Some(RetryPolicy::none());
    let prepared = Prepared {
        method: &BATCH,
        url: url.clone(),
        headers,
        body: Some(body),
        idempotent: calls.iter().all(|call| call.prepared.idempotent),
        options,
        request_id: None,
        resource: None,
    };
    let reply = send::run(api, &prepared, Read::Json).await?;
    let boundary = reply
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| batch_wire::boundary_of(value.as_bytes()))
        .ok_or_else(|| {
            Error::UnexpectedReply(format!(
                "the batch reply (HTTP {}) is not multipart/mixed",
                reply.status
            ))
        })?;
    Ok(match_parts(&reply.body, &boundary, &id, calls.len()))
}

/// A call as the request inside a batch part: its path and query from the host's root, its
/// own headers, its body.
fn inner_request(prepared: &Prepared, content_id: String) -> InnerRequest<'_> {
    let url = &prepared.url;
    let target = match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_string(),
    };
    InnerRequest {
        content_id,
        method: prepared.method.http_method.as_str(),
        target,
        headers: &prepared.headers,
        body: prepared.body.as_deref(),
    }
}

/// Each call's reply in the batch reply, found by its `Content-ID` (`response-{id}+{index}`),
/// whatever the order of the parts. A call without a readable part gets an error; parts that
/// answer no call are ignored.
fn match_parts(body: &bytes::Bytes, boundary: &str, id: &str, calls: usize) -> Vec<Result<Reply>> {
    let mut outcomes: Vec<Option<Result<Reply>>> = (0..calls).map(|_| None).collect();
    for part in batch_wire::split(body, boundary) {
        let (content_id, reply) = batch_wire::parse_part(&part);
        let index = content_id.as_deref().and_then(|cid| call_index(cid, id));
        let Some(outcome) = index.and_then(|i| outcomes.get_mut(i)) else {
            continue;
        };
        if outcome.is_none() {
            *outcome = Some(match reply {
                Ok(reply) => Ok(Reply {
                    status: reply.status,
                    headers: reply.headers,
                    body: reply.body,
                    stream: None,
                }),
                Err(why) => Err(Error::UnexpectedReply(why)),
            });
        }
    }
    outcomes
        .into_iter()
        .map(|outcome| {
            outcome.unwrap_or_else(|| {
                Err(Error::UnexpectedReply(
                    "the batch reply has no part for this call".to_string(),
                ))
            })
        })
        .collect()
}

/// The index of the call a part's `Content-ID` answers: `response-{id}+{index}`.
fn call_index(content_id: &str, id: &str) -> Option<usize> {
    let rest = content_id.strip_prefix("response-")?.strip_prefix(id)?;
    let index = rest.strip_prefix('+')?;
    if index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    index.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_ids_name_their_call() {
        assert_eq!(call_index("response-abc+12", "abc"), Some(12));
        assert_eq!(call_index("response-abc+", "abc"), None);
        assert_eq!(call_index("response-abd+1", "abc"), None);
        assert_eq!(call_index("abc+1", "abc"), None);
        assert_eq!(call_index("response-abc+-1", "abc"), None);
        assert_eq!(
            call_index("response-abc+99999999999999999999999", "abc"),
            None
        );
    }

    #[test]
    fn parts_are_matched_in_any_order_and_missing_ones_are_errors() {
        let body = bytes::Bytes::from_static(
            b"--b\r\nContent-ID: <response-x+2>\r\n\r\nHTTP/1.1 200 OK\r\n\r\n{\"n\":2}\r\n\
              --b\r\nContent-ID: <response-x+0>\r\n\r\nHTTP/1.1 404 Not Found\r\n\r\n{}\r\n\
              --b\r\nContent-ID: <response-x+0>\r\n\r\nHTTP/1.1 200 OK\r\n\r\n{}\r\n\
              --b\r\nContent-ID: <response-y+1>\r\n\r\nHTTP/1.1 200 OK\r\n\r\n{}\r\n--b--",
        );
        let outcomes = match_parts(&body, "b", "x", 3);
        assert_eq!(outcomes[0].as_ref().unwrap().status, 404);
        assert!(matches!(outcomes[1], Err(Error::UnexpectedReply(_))));
        assert_eq!(&outcomes[2].as_ref().unwrap().body[..], b"{\"n\":2}");
    }
}
