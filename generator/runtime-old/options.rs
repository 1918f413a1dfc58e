//! How a call is sent: retry policy, deadlines and per-call settings, with client-wide
//! defaults that each call can override.

use std::time::Duration;

/// When and how often a failed attempt is tried again.
///
/// Transient failures are retried: HTTP 408, 429, 500, 502, 503 and 504, attempts that time
/// out, and connections that fail or break. A connection that could not be opened is retried
/// for every method (nothing reached the server); everything else is retried only for
/// idempotent methods (GET, PUT, DELETE...) or calls marked
/// [`with_idempotency(true)`](RequestOptionsBuilder::with_idempotency). Other errors (400,
/// 401, 403, 404, 409...) are returned at once.
///
/// The wait before attempt `n + 1` is chosen at random between zero and
/// `min(max_backoff, initial_backoff * multiplier^(n - 1))` ("full jitter"), unless the
/// service says how long to wait (`Retry-After`, or a `RetryInfo` error detail), which is
/// honoured as given.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    multiplier: f64,
    max_elapsed: Option<Duration>,
}

impl Default for RetryPolicy {
    /// Up to 5 attempts, backoff from 1 s doubling up to 32 s, no retry started after 2
    /// minutes.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(32),
            multiplier: 2.0,
            max_elapsed: Some(Duration::from_secs(120)),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries: one attempt per call.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The number of attempts, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The upper bound of the first wait.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The upper bound of any wait chosen by backoff.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// How much the bound grows after each attempt (at least 1).
    pub fn multiplier(mut self, multiplier: f64) -> Self {
        self.multiplier = if multiplier.is_finite() {
            multiplier.max(1.0)
        } else {
            1.0
        };
        self
    }

    /// No retry starts later than this after the call began; `None` for no limit other
    /// than the attempts.
    pub fn max_elapsed(mut self, elapsed: Option<Duration>) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    pub(crate) fn attempts(&self) -> u32 {
        self.max_attempts
    }

    pub(crate) fn elapsed_limit(&self) -> Option<Duration> {
        self.max_elapsed
    }

    /// The wait after failed attempt `attempt` (1-based): full jitter under the bound.
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(1).min(64) as i32;
        let bound = self.initial_backoff.as_secs_f64() * self.multiplier.powi(exponent);
        let bound = bound.min(self.max_backoff.as_secs_f64());
        Duration::from_secs_f64(bound * fastrand::f64())
    }
}

/// Settings of one call; unset ones come from the client (see [`crate::ClientBuilder`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RequestOptions {
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) idempotent: Option<bool>,
    pub(crate) quota_project: Option<String>,
}

impl RequestOptions {
    /// These options, with unset ones taken from `defaults`.
    pub(crate) fn or(&self, defaults: &RequestOptions) -> RequestOptions {
        RequestOptions {
            retry: self.retry.clone().or_else(|| defaults.retry.clone()),
            attempt_timeout: self.attempt_timeout.or(defaults.attempt_timeout),
            timeout: self.timeout.or(defaults.timeout),
            idempotent: self.idempotent.or(defaults.idempotent),
            quota_project: self
                .quota_project
                .clone()
                .or_else(|| defaults.quota_project.clone()),
        }
    }
}

/// Per-call settings, available on every request builder:
/// bring the trait into scope (`use <this crate>::RequestOptionsBuilder;`) to call them.
pub trait RequestOptionsBuilder: Sized {
    /// The call's options. Prefer the `with_*` methods.
    fn request_options(&mut self) -> &mut RequestOptions;

    /// Retries this call by `policy` instead of the client's policy.
    fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.request_options().retry = Some(policy);
        self
    }

    /// Sends this call once, whatever the client's retry policy.
    fn without_retries(self) -> Self {
        self.with_retry_policy(RetryPolicy::none())
    }

    /// Gives up on one attempt after `timeout` (and retries it, if the policy allows).
    fn with_attempt_timeout(mut self, timeout: Duration) -> Self {
        self.request_options().attempt_timeout = Some(timeout);
        self
    }

    /// Gives up on the whole call, retries and waits included, after `timeout`.
    fn with_timeout(mut self, timeout: Duration) -> Self {
        self.request_options().timeout = Some(timeout);
        self
    }

    /// Declares whether sending this call twice is harmless. Methods with an idempotent
    /// HTTP verb are by default; say `true` for a POST whose repetition you know is safe
    /// (for example one that carries a request ID) to have it retried too.
    fn with_idempotency(mut self, idempotent: bool) -> Self {
        self.request_options().idempotent = Some(idempotent);
        self
    }

    /// Bills this call's quota to `project` (the `x-goog-user-project` header).
    fn with_quota_project(mut self, project: impl Into<String>) -> Self {
        self.request_options().quota_project = Some(project.into());
        self
    }
}
