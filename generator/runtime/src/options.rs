//! How a call is sent: retry policy, deadlines and per-call settings, with client-wide
//! defaults that each call can override.

use std::time::Duration;

/// When and how often a failed attempt is tried again.
///
/// Transient failures are retried: HTTP 408, 429, 500, 502, 503 and 504, attempts that time
/// out, and connections that fail or break. A connection that could not be opened is retried
/// for every method (nothing reached the server); everything else is retried only for
/// idempotent calls: methods with an idempotent verb (GET, PUT, DELETE), methods that carry a
/// request ID (see [`Request::without_request_id`](crate::Request::without_request_id)), and
/// calls marked [`with_idempotency(true)`](crate::Request::with_idempotency). Other errors
/// (400, 401, 403, 404, 409...) are returned at once, and so are requests refused before
/// sending (an invalid header value, a path value that does not match its pattern).
///
/// The wait before attempt `n + 1` is chosen at random between zero and
/// `min(max_backoff, initial_backoff * multiplier^(n - 1))` ("full jitter").
///
/// When the service says how long to wait (`Retry-After`, or a `RetryInfo` error detail),
/// that wait is used instead, **if the policy allows it**: a wait longer than `max_backoff`,
/// or one that would end after the call's deadline (see
/// [`Request::with_timeout`](crate::Request::with_timeout)) or after `max_elapsed`, is not
/// waited: the call ends at once with the service's error, whose
/// [`retry_after`](crate::Error::retry_after) tells how long the service asked for. No wait
/// of this client is ever longer than `max_backoff`, and deadlines always win.
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

    /// The upper bound of any wait, chosen by backoff or asked for by the service.
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

    pub(crate) fn max_wait(&self) -> Duration {
        self.max_backoff
    }

    /// The wait after failed attempt `attempt` (1-based): full jitter under the bound.
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(1).min(64) as i32;
        let bound = self.initial_backoff.as_secs_f64() * self.multiplier.powi(exponent);
        let bound = bound.min(self.max_backoff.as_secs_f64());
        // `try_from` refuses what a `Duration` cannot hold instead of panicking.
        Duration::try_from_secs_f64(bound * fastrand::f64())
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff)
    }
}

/// Settings of one call; unset ones come from the client (see
/// [`ClientBuilder`](crate::ClientBuilder)).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_under_its_bounds_whatever_the_settings() {
        let policy = RetryPolicy::default();
        for attempt in [0, 1, 2, 6, 64, u32::MAX] {
            assert!(policy.backoff(attempt) <= Duration::from_secs(32));
        }
        let extreme = RetryPolicy::default()
            .initial_backoff(Duration::MAX)
            .max_backoff(Duration::MAX)
            .multiplier(f64::MAX);
        for attempt in [1, 2, 100] {
            assert!(extreme.backoff(attempt) <= Duration::MAX);
        }
        assert_eq!(
            RetryPolicy::default()
                .initial_backoff(Duration::ZERO)
                .backoff(3),
            Duration::ZERO
        );
        assert_eq!(RetryPolicy::default().multiplier(f64::NAN).multiplier, 1.0);
    }
}
