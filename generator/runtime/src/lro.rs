//! Long-running operations: start one, poll it until it is done with growing intervals (up to
//! a deadline), and hand back its typed result, or its `google.rpc.Status` as an error.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::time::{Duration, Instant};

use futures_core::Stream;
use serde_json::Value;

use crate::api::ApiClient;
use crate::error::{Error, Result, Status};
use crate::json::{Json, RawJson};
use crate::request::{ApiRequest, CallState, Params, PathArg};
use crate::send::{self, Prepared, Read};

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

    /// Gives up with [`Error::Timeout`] once `timeout` has passed since waiting began.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The wait after `delay`: grown by the multiplier, at most `max_delay`, never
    /// overflowing.
    fn next_delay(&self, delay: Duration) -> Duration {
        Duration::try_from_secs_f64(delay.as_secs_f64() * self.multiplier)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }
}

/// A long-running operation as the service sends it (`google.longrunning.Operation`), with its
/// result and metadata kept as JSON until the caller says which types they are.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawOperation {
    pub name: Option<String>,
    pub done: Option<bool>,
    pub error: Option<RawJson>,
    pub response: Option<RawJson>,
    pub metadata: Option<RawJson>,
    pub unknown_fields: std::collections::BTreeMap<String, RawJson>,
}

crate::model!(
    RawOperation {
        name: "name",
        done: "done",
        error: "error",
        response: "response",
        metadata: "metadata",
    },
    unknown_fields
);

impl RawOperation {
    /// Whether the operation has finished, successfully or not.
    pub fn is_done(&self) -> bool {
        self.done == Some(true)
    }

    /// The outcome of a finished operation: its `response` read as `R` (an operation without
    /// one, such as a delete, reads as an empty object), or its `error` as
    /// [`Error::Operation`]; `None` while it runs.
    pub fn outcome<R: Json>(&self) -> Option<Result<R>> {
        if !self.is_done() {
            return None;
        }
        if let Some(error) = &self.error {
            let value = error.to_value().unwrap_or_default();
            let status = Status::from_json(&value).unwrap_or_else(|| Status {
                message: Some(format!("an operation error that is not a status: {error}")),
                ..Status::default()
            });
            return Some(Err(Error::Operation {
                name: self.name.clone(),
                status: Box::new(status),
            }));
        }
        let empty = RawJson::from_value(&Value::Object(Default::default()));
        let response = self.response.as_ref().unwrap_or(&empty);
        Some(read_member(response, "response"))
    }

    /// The operation's metadata read as `M`, when it has any.
    pub fn metadata_as<M: Json>(&self) -> Option<Result<M>> {
        self.metadata
            .as_ref()
            .map(|metadata| read_member(metadata, "metadata"))
    }
}

/// An operation's `response` or `metadata`, read as the type the method's document implies.
fn read_member<T: Json>(raw: &RawJson, member: &str) -> Result<T> {
    raw.parse().map_err(|source| Error::Decode {
        status: 200,
        problem: crate::error::DecodeProblem::UnexpectedShape,
        source,
        excerpt: format!("{member}: {}", crate::error::excerpt(raw.get().as_bytes())),
    })
}

/// A call that starts a long-running operation: implemented by the builders of methods that
/// return one, with the types of its result and metadata (inferred from the document, or
/// `serde_json::Value` where nothing could be inferred).
pub trait LongRunning: ApiRequest {
    /// What the operation produces when it succeeds.
    type Result: Json + Send + 'static;
    /// What the operation reports while it runs.
    type Metadata: Json + Send + 'static;

    /// Sends the call and returns a [`Poller`] of the operation it started.
    fn start(self) -> impl Future<Output = Result<Poller<Self::Result, Self::Metadata>>> + Send {
        async move {
            let api = self.state().api.clone();
            let operation = send::send_as::<Self, RawOperation>(self).await?.into_body();
            Poller::from_operation(api, operation)
        }
    }

    /// Sends the call, then waits for the operation it starts, polling by `policy`: the
    /// operation's result, or [`Error::Operation`] with its status when it fails.
    fn send_and_wait(
        self,
        policy: PollPolicy,
    ) -> impl Future<Output = Result<Self::Result>> + Send {
        async move { self.start().await?.with_policy(policy).wait().await }
    }
}

/// Waits for a long-running operation: `.await` it (or call [`Poller::wait`]) for its result,
/// or follow it with [`Poller::progress`]. Each poll is an ordinary call of the API's
/// `operations.get`, retried by the client's policy; an error that survives the retries ends
/// the wait. Dropping the poller stops polling.
#[must_use = "a poller does nothing until it is awaited"]
pub struct Poller<R, M = Value> {
    api: ApiClient,
    name: String,
    /// The operation as the call that started it returned it, not polled yet.
    first: Option<RawOperation>,
    policy: PollPolicy,
    types: PhantomData<fn() -> (R, M)>,
}

impl<R, M> fmt::Debug for Poller<R, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Poller")
            .field("name", &self.name)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

/// The stream of [`Poller::progress`].
pub type ProgressStream<R, M> = Pin<Box<dyn Stream<Item = Result<Progress<R, M>>> + Send>>;

/// Where an operation stands, as [`Poller::progress`] reports it.
#[derive(Clone, Debug, PartialEq)]
pub enum Progress<R, M> {
    /// Still running; its latest metadata, when it reports any.
    Running(Option<M>),
    /// Finished successfully.
    Done(R),
}

impl<R: Json + Send + 'static, M: Json + Send + 'static> Poller<R, M> {
    /// A poller of the operation called `name`, through the API's `operations.get`.
    pub fn new(api: &ApiClient, name: impl Into<String>) -> Self {
        Poller {
            api: api.clone(),
            name: name.into(),
            first: None,
            policy: PollPolicy::default(),
            types: PhantomData,
        }
    }

    fn from_operation(api: ApiClient, operation: RawOperation) -> Result<Self> {
        let name = match (&operation.name, operation.is_done()) {
            (Some(name), _) => name.clone(),
            (None, true) => String::new(),
            (None, false) => {
                return Err(Error::UnexpectedReply(
                    "the service started an operation without a name to poll it by".to_string(),
                ))
            }
        };
        Ok(Poller {
            api,
            name,
            first: Some(operation),
            policy: PollPolicy::default(),
            types: PhantomData,
        })
    }

    /// Polls by `policy` instead of [`PollPolicy::default`].
    pub fn with_policy(mut self, policy: PollPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The operation's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Polls until the operation is done: its result, [`Error::Operation`] when it failed, or
    /// [`Error::Timeout`] when the policy's deadline passes first.
    pub async fn wait(self) -> Result<R> {
        let mut polling = Polling::new(self);
        loop {
            let operation = polling.next_state().await?;
            if let Some(outcome) = operation.outcome() {
                return outcome;
            }
        }
    }

    /// The operation as it goes: a [`Progress::Running`] with its metadata after each poll
    /// that finds it running (the first one comes from the call that started it), then
    /// [`Progress::Done`] with its result; an error ends the stream.
    pub fn progress(self) -> ProgressStream<R, M> {
        Box::pin(futures_util::stream::try_unfold(
            Some(Polling::new(self)),
            |polling| async move {
                let Some(mut polling) = polling else {
                    return Ok(None);
                };
                let operation = polling.next_state().await?;
                match operation.outcome::<R>() {
                    Some(outcome) => Ok(Some((Progress::Done(outcome?), None))),
                    None => {
                        let metadata = operation.metadata_as::<M>().transpose()?;
                        Ok(Some((Progress::Running(metadata), Some(polling))))
                    }
                }
            },
        ))
    }
}

impl<R: Json + Send + 'static, M: Json + Send + 'static> IntoFuture for Poller<R, M> {
    type Output = Result<R>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<R>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.wait())
    }
}

/// The state of a wait: polls made, the next delay and the deadline.
struct Polling<R, M> {
    poller: Poller<R, M>,
    started: Instant,
    deadline: Option<Instant>,
    delay: Duration,
    polls: u32,
    /// Whether a state was handed out already, so the next one comes after a wait.
    handed_out: bool,
}

impl<R, M> Polling<R, M> {
    fn new(poller: Poller<R, M>) -> Self {
        let started = Instant::now();
        Polling {
            deadline: poller.policy.timeout.and_then(|t| started.checked_add(t)),
            delay: poller.policy.initial_delay.min(poller.policy.max_delay),
            poller,
            started,
            polls: 0,
            handed_out: false,
        }
    }

    /// The operation's next state: the one the starting call returned, else a poll after the
    /// current delay. A poll that cannot finish before the deadline is not started.
    async fn next_state(&mut self) -> Result<RawOperation> {
        if let Some(first) = self.poller.first.take() {
            self.handed_out = true;
            return Ok(first);
        }
        if std::mem::replace(&mut self.handed_out, true) {
            let resume = Instant::now().checked_add(self.delay);
            if self
                .deadline
                .is_some_and(|deadline| resume.is_none_or(|resume| resume > deadline))
            {
                return Err(Error::timeout(self.started.elapsed(), self.polls));
            }
            tracing::debug!(
                operation = %self.poller.name,
                polls = self.polls,
                delay_ms = u64::try_from(self.delay.as_millis()).unwrap_or(u64::MAX),
                "operation not done yet"
            );
            tokio::time::sleep(self.delay).await;
            self.delay = self.poller.policy.next_delay(self.delay);
        }
        self.polls += 1;
        let poll = poll_once(&self.poller.api, &self.poller.name);
        match self.deadline {
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                tokio::time::timeout(left, poll)
                    .await
                    .map_err(|_| Error::timeout(self.started.elapsed(), self.polls))?
            }
            None => poll.await,
        }
    }
}

/// One `operations.get` of the operation called `name`.
async fn poll_once(api: &ApiClient, name: &str) -> Result<RawOperation> {
    let Some(method) = api.api.operations_get else {
        return Err(Error::UnexpectedReply(format!(
            "the {} API has no operations.get method to poll operations by",
            api.api.name
        )));
    };
    let state = CallState::new(api);
    let Some(variable) = method.path_variables().next() else {
        return Err(Error::UnexpectedReply(format!(
            "{} has no path variable to name the operation by",
            method.id
        )));
    };
    let mut params = Params::default();
    params.path.push(PathArg::plain(variable, name));
    let prepared = Prepared::new(&state, method, params, None, None)?;
    let reply = send::run(api, &prepared, Read::Json).await?;
    Ok(send::decode::<RawOperation>(reply, api.api.data_wrapper)?.into_body())
}

/// The helpers of a generated model shaped like `google.longrunning.Operation`: `is_done` and
/// `into_outcome`.
#[macro_export]
macro_rules! operation_model {
    ($name:ident { done: $done:ident, error: $error:ident: $error_type:ty, response: $response:ident: $response_type:ty }) => {
        impl $name {
            /// Whether the operation has finished, successfully or not (`done` is true).
            #[inline]
            pub fn is_done(&self) -> bool {
                self.$done == ::core::option::Option::Some(true)
            }

            /// The outcome of a finished operation: `Ok` with its `response` (empty when the
            /// method returns nothing), or `Err` with its `error` status (a cancelled
            /// operation has code 1, `CANCELLED`); `None` while it is still running.
            #[inline]
            pub fn into_outcome(
                self,
            ) -> ::core::option::Option<::core::result::Result<$response_type, $error_type>> {
                if !self.is_done() {
                    return ::core::option::Option::None;
                }
                ::core::option::Option::Some(match self.$error {
                    ::core::option::Option::Some(error) => ::core::result::Result::Err(error),
                    ::core::option::Option::None => {
                        ::core::result::Result::Ok(self.$response.unwrap_or_default())
                    }
                })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn poll_delays_grow_and_stay_bounded() {
        let policy = PollPolicy::default();
        assert_eq!(
            policy.next_delay(Duration::from_secs(2)),
            Duration::from_secs(3)
        );
        assert_eq!(
            policy.next_delay(Duration::from_secs(50)),
            Duration::from_secs(60)
        );
        let extreme = PollPolicy::default()
            .max_delay(Duration::MAX)
            .multiplier(f64::MAX);
        assert_eq!(extreme.next_delay(Duration::MAX), Duration::MAX);
    }

    #[test]
    fn outcomes_of_finished_operations() {
        let running: RawOperation = json::from_slice(br#"{"name":"op","done":false}"#).unwrap();
        assert!(running.outcome::<Value>().is_none());
        let failed: RawOperation = json::from_slice(
            br#"{"name":"op","done":true,"error":{"code":1,"message":"cancelled"}}"#,
        )
        .unwrap();
        let Some(Err(Error::Operation { name, status })) = failed.outcome::<Value>() else {
            panic!("an operation error")
        };
        assert_eq!((name.as_deref(), status.code), (Some("op"), Some(1)));
        let odd: RawOperation = json::from_slice(br#"{"done":true,"error":"boom"}"#).unwrap();
        assert!(matches!(
            odd.outcome::<Value>(),
            Some(Err(Error::Operation { .. }))
        ));
        let done: RawOperation =
            json::from_slice(br#"{"done":true,"response":{"n":"5"}}"#).unwrap();
        #[derive(Debug, Default, PartialEq)]
        struct N {
            n: Option<i64>,
            rest: std::collections::BTreeMap<String, RawJson>,
        }
        crate::model!(N { n: "n" }, rest);
        assert_eq!(done.outcome::<N>().unwrap().unwrap().n, Some(5));
        let wrong: RawOperation =
            json::from_slice(br#"{"done":true,"response":{"n":"x"}}"#).unwrap();
        assert!(matches!(
            wrong.outcome::<N>(),
            Some(Err(Error::Decode { .. }))
        ));
        let empty: RawOperation = json::from_slice(br#"{"done":true}"#).unwrap();
        assert_eq!(empty.outcome::<N>().unwrap().unwrap(), N::default());
    }
}
