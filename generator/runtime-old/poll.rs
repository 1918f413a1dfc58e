//! Waiting for long-running operations: poll until the operation is done, with growing
//! intervals, until a deadline.

use super::error::{Error, Result};
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::{Duration, Instant};

/// How a [`Poller`] spaces its polls and when it gives up.
#[derive(Clone, Debug, PartialEq)]
pub struct PollPolicy {
    initial_delay: Duration,
    max_delay: Duration,
    multiplier: f64,
    timeout: Option<Duration>,
}

impl Default for PollPolicy {
    /// First wait 1 s, each wait 1.5 times the previous, at most 60 s; no deadline (drop the
    /// future to stop waiting).
    fn default() -> Self {
        PollPolicy {
            initial_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
            multiplier: 1.5,
            timeout: None,
        }
    }
}

impl PollPolicy {
    /// The wait after the first poll.
    pub fn initial_delay(mut self, delay: Duration) -> Self {
        self.initial_delay = delay;
        self
    }

    /// The longest wait between two polls.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// How much each wait grows over the previous one (at least 1).
    pub fn multiplier(mut self, multiplier: f64) -> Self {
        self.multiplier = if multiplier.is_finite() {
            multiplier.max(1.0)
        } else {
            1.0
        };
        self
    }

    /// Gives up with [`Error::Timeout`] once `timeout` has passed since the first poll.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

/// The future of one poll.
pub(crate) type PollFuture<O> = Pin<Box<dyn Future<Output = Result<O>> + Send + 'static>>;

/// Waits for a long-running operation: `.await` it (or call [`Poller::wait`]) to get the
/// operation once it is done. Each poll is an ordinary call, retried by the client's policy;
/// an error that survives the retries ends the wait. Dropping the future stops polling.
#[must_use = "a poller does nothing until it is awaited"]
pub struct Poller<O> {
    poll: Box<dyn FnMut() -> PollFuture<O> + Send>,
    is_done: fn(&O) -> bool,
    policy: PollPolicy,
}

impl<O> fmt::Debug for Poller<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Poller")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl<O: Send + 'static> Poller<O> {
    pub(crate) fn new(
        poll: impl FnMut() -> PollFuture<O> + Send + 'static,
        is_done: fn(&O) -> bool,
    ) -> Self {
        Poller {
            poll: Box::new(poll),
            is_done,
            policy: PollPolicy::default(),
        }
    }

    /// Polls by `policy` instead of [`PollPolicy::default`].
    pub fn with_policy(mut self, policy: PollPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Polls until the operation is done and returns it, whether it succeeded or failed;
    /// [`Error::Timeout`] when the policy's deadline passes first.
    pub async fn wait(mut self) -> Result<O> {
        let started = Instant::now();
        let deadline = self.policy.timeout.map(|timeout| started + timeout);
        let mut delay = self.policy.initial_delay.min(self.policy.max_delay);
        let mut polls = 0;
        loop {
            polls += 1;
            let poll = (self.poll)();
            let operation = match deadline {
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    match tokio::time::timeout(left, poll).await {
                        Ok(operation) => operation?,
                        Err(_) => return Err(Error::timeout(started.elapsed(), polls)),
                    }
                }
                None => poll.await?,
            };
            if (self.is_done)(&operation) {
                return Ok(operation);
            }
            if deadline.is_some_and(|deadline| Instant::now() + delay > deadline) {
                return Err(Error::timeout(started.elapsed(), polls));
            }
            tracing::debug!(
                polls,
                delay_ms = delay.as_millis() as u64,
                "operation not done yet"
            );
            tokio::time::sleep(delay).await;
            delay = delay
                .mul_f64(self.policy.multiplier)
                .min(self.policy.max_delay);
        }
    }
}

impl<O: Send + 'static> IntoFuture for Poller<O> {
    type Output = Result<O>;
    type IntoFuture = PollFuture<O>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.wait())
    }
}
