//! One request with the client's headers, and the retry bookkeeping every step that sends
//! requests shares (a whole call in [`send::run`](crate::send::run), the chunks of a resumable
//! upload, a download resumed where it broke, the rounds of a batch): the call's
//! [`RetryPolicy`], its attempt timeout and its deadline.

use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;

use crate::api::ApiClient;
use crate::error::{Error, Result};
use crate::options::{RequestOptions, RetryPolicy};
use crate::request::CallState;
use crate::send::client_headers;

/// A call's options, with what it leaves unset taken from its client.
pub(crate) fn resolved_options(state: &CallState) -> RequestOptions {
    let defaults = &state.api.client.inner.defaults;
    match state.extras.as_deref() {
        Some(extras) => extras.options.or(defaults),
        None => defaults.clone(),
    }
}

/// Sends one request with the client's headers (credentials, user agent...), giving up after
/// `limit` (which covers the whole exchange unless `headers_only`, when it covers the wait for
/// the reply's headers: a streamed body is read later, for as long as it takes). Getting the
/// credentials counts against `limit`: a token source that hangs cannot hold a call past it.
pub(crate) async fn send_once(
    api: &ApiClient,
    method: reqwest::Method,
    url: reqwest::Url,
    mut headers: HeaderMap,
    body: Option<reqwest::Body>,
    limit: Option<Duration>,
    headers_only: bool,
) -> Result<reqwest::Response> {
    let started = Instant::now();
    let timed_out = || Error::timeout(started.elapsed(), 1);
    match limit {
        Some(limit) => tokio::time::timeout(limit, client_headers(api, &mut headers))
            .await
            .map_err(|_| timed_out())??,
        None => client_headers(api, &mut headers).await?,
    }
    let limit = limit.map(|limit| limit.saturating_sub(started.elapsed()));
    let mut builder = api.client.inner.http.request(method, url).headers(headers);
    if let Some(body) = body {
        builder = builder.body(body);
    }
    match limit {
        Some(limit) if headers_only => tokio::time::timeout(limit, builder.send())
            .await
            .map_err(|_| timed_out())?,
        Some(limit) => {
            builder = builder.timeout(limit);
            builder.send().await
        }
        None => builder.send().await,
    }
    .map_err(Error::transport)
}

/// Counts the failures of one step (a whole call, a chunk, a resumption, a batch round) against
/// the call's retry policy and deadline: how long the next request may take, and whether and
/// when to try again after a failure. The deadline (`with_timeout`) and the policy's elapsed
/// limit run from the step's start, and start afresh with [`restart`](Self::restart).
pub(crate) struct Attempts {
    policy: RetryPolicy,
    attempt_timeout: Option<Duration>,
    timeout: Option<Duration>,
    started: Instant,
    failures: u32,
}

/// Why a failure is not tried again, for tracing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GiveUp {
    NotTransient,
    OutOfAttempts,
    /// The service asks for a wait longer than the policy's longest.
    WaitTooLong,
    /// The wait would end past the policy's elapsed limit or the deadline.
    OutOfTime,
}

impl GiveUp {
    pub(crate) fn reason(self) -> &'static str {
        match self {
            GiveUp::NotTransient => "not retried: not a transient failure",
            GiveUp::OutOfAttempts => "not retried: no attempt left",
            GiveUp::WaitTooLong => {
                "not retried: the service asks to wait longer than the retry policy allows"
            }
            GiveUp::OutOfTime => "not retried: the wait would end past the deadline",
        }
    }
}

impl Attempts {
    pub(crate) fn new(options: &RequestOptions) -> Attempts {
        Attempts::starting_at(options, Instant::now())
    }

    /// As [`new`](Self::new), for a step that began at `started`.
    pub(crate) fn starting_at(options: &RequestOptions, started: Instant) -> Attempts {
        Attempts {
            policy: options.retry.clone().unwrap_or_default(),
            attempt_timeout: options.attempt_timeout,
            timeout: options.timeout,
            started,
            failures: 0,
        }
    }

    /// Failures counted so far: the next attempt is number `failures() + 1`.
    pub(crate) fn failures(&self) -> u32 {
        self.failures
    }

    /// Starts counting afresh: the step made progress, so its next failure is a first one.
    pub(crate) fn restart(&mut self) {
        self.started = Instant::now();
        self.failures = 0;
    }

    /// How long the next request may take: the attempt timeout, cut to what is left of the
    /// deadline. Fails when the deadline has passed.
    pub(crate) fn limit(&self) -> Result<Option<Duration>> {
        match self.left() {
            Some(left) if left.is_zero() => {
                Err(Error::timeout(self.started.elapsed(), self.failures))
            }
            Some(left) => Ok(Some(self.attempt_timeout.map_or(left, |t| t.min(left)))),
            None => Ok(self.attempt_timeout),
        }
    }

    /// What is left of the deadline, when there is one.
    pub(crate) fn left(&self) -> Option<Duration> {
        let timeout = self.timeout?;
        Some(timeout.saturating_sub(self.started.elapsed()))
    }

    /// `error` of the attempt that just failed, a timeout saying how long the step has taken
    /// and how many attempts it made (a request's own timeout knows neither).
    pub(crate) fn account(&self, error: Error) -> Error {
        match error {
            Error::Timeout { .. } => Error::timeout(self.started.elapsed(), self.failures + 1),
            error => error,
        }
    }

    /// Counts a failure, and returns the wait before trying again, or why it must not be
    /// retried: not `transient`, out of attempts, or the wait would end past the policy's
    /// elapsed limit or the deadline. A wait the service asks for is honoured when the policy
    /// allows it, as for every other call.
    pub(crate) fn retry_delay(
        &mut self,
        error: &Error,
        transient: bool,
    ) -> std::result::Result<Duration, GiveUp> {
        self.failures += 1;
        if !transient {
            return Err(GiveUp::NotTransient);
        }
        if self.failures >= self.policy.attempts() {
            return Err(GiveUp::OutOfAttempts);
        }
        let delay = match error.retry_after() {
            Some(asked) if asked > self.policy.max_wait() => return Err(GiveUp::WaitTooLong),
            Some(asked) => asked,
            None => self.policy.backoff(self.failures),
        };
        let resume = self.started.elapsed().saturating_add(delay);
        let past_elapsed = self.policy.elapsed_limit().is_some_and(|l| resume > l);
        let past_deadline = self.timeout.is_some_and(|t| resume >= t);
        match past_elapsed || past_deadline {
            true => Err(GiveUp::OutOfTime),
            false => Ok(delay),
        }
    }

    /// Waits before trying again after `error`, or hands it back when it must not be retried
    /// (see [`retry_delay`](Self::retry_delay)).
    pub(crate) async fn wait_or_fail(&mut self, error: Error, transient: bool) -> Result<()> {
        let error = self.account(error);
        match self.retry_delay(&error, transient) {
            Ok(delay) => {
                tracing::info!(
                    failures = self.failures,
                    delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                    error = %error,
                    "retrying after a transient failure"
                );
                tokio::time::sleep(delay).await;
                Ok(())
            }
            Err(_) => Err(error),
        }
    }
}
