//! Expectations: a request builder of a generated crate, turned into the wire form it is
//! matched by, with predicates and a sequence of answers.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::api::ApiClient;
use crate::error::excerpt;
use crate::lro::LongRunning;
use crate::method::Method;
use crate::paging::{keep_next_page_token, PageItems, PagedRequest};
use crate::request::{ApiRequest, Params};
use crate::send;

use super::answer::{Answer, ErrorReply, OperationScript, PagePlan, Pages, Step};
use super::dispatch::Shared;
use super::record::{decode_body, RawRequest};

/// What an expectation is matched by, and what it answers: the wire form of a request
/// builder, predicates, and its sequence of answers with how often each was given.
pub(crate) struct Rule {
    /// 1-based, in the order expectations were set: how reports name it.
    pub number: usize,
    pub method: &'static Method,
    pub api: ApiClient,
    pub verb: &'static str,
    /// The path as the client sends it (percent-encoded).
    pub path: String,
    /// The query parameters the builder sets, decoded.
    pub query: Vec<(String, String)>,
    /// The headers the builder sets (lower-case names).
    pub headers: Vec<(String, String)>,
    /// The body the builder sends, compared as JSON; `None` when it is not compared.
    pub body: Option<Value>,
    pub predicates: Vec<Predicate>,
    pub steps: Vec<Step>,
    /// Whether `steps` were given, rather than the default empty reply.
    pub answered: bool,
}

/// A condition on a request besides its wire form.
pub(crate) struct Predicate {
    /// What it checks, for reports.
    pub what: String,
    pub holds: Box<dyn Fn(&RawRequest) -> bool + Send>,
}

impl Rule {
    /// The rule of `request`, computed by the client's own preparation of it, so that it is
    /// exactly what the client sends. Only what the builder sets is kept: the client's
    /// `prettyPrint=false` and a request ID of its making are dropped.
    ///
    /// # Panics
    ///
    /// When the client would refuse to send `request`: a test cannot expect it.
    pub(crate) fn new<R: ApiRequest>(request: &R, number: usize) -> Rule {
        let prepared = send::prepare(request, None).unwrap_or_else(|error| {
            panic!(
                "the test double cannot expect a {} call that the client refuses to send: {error}",
                R::METHOD.id
            )
        });
        let mut own = Params::default();
        request.params(&mut own);
        let pretty_set = request
            .state()
            .extras
            .as_ref()
            .is_some_and(|e| e.system.pretty_print.is_some());
        let client_made = |name: &str| {
            let generated_id = R::METHOD.request_id == Some(name);
            let default_pretty = name == "prettyPrint" && !pretty_set;
            (generated_id || default_pretty) && !own.query.has(name)
        };
        let query = prepared
            .url
            .query_pairs()
            .filter(|(name, _)| !client_made(name))
            .map(|(n, v)| (n.into_owned(), v.into_owned()))
            .collect();
        let headers = prepared
            .headers
            .iter()
            .map(|(n, v)| {
                let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
                (n.as_str().to_string(), value)
            })
            .collect();
        Rule {
            number,
            method: R::METHOD,
            api: request.state().api().clone(),
            verb: R::METHOD.http_method.as_str(),
            path: prepared.url.path().to_string(),
            query,
            headers,
            body: prepared
                .body
                .as_ref()
                .and_then(|b| serde_json::from_slice(b).ok()),
            predicates: Vec::new(),
            steps: vec![Step::empty_reply()],
            answered: false,
        }
    }

    /// The step that answers the next matching request; `None` once every answer was given.
    pub(crate) fn open_step(&self) -> Option<&Step> {
        self.steps.iter().find(|step| step.is_open())
    }

    /// The open step, to give its answer.
    pub(crate) fn open_step_mut(&mut self) -> Option<&mut Step> {
        self.steps.iter_mut().find(|step| step.is_open())
    }

    /// Whether every answer was given as many times as expected.
    pub(crate) fn is_met(&self) -> bool {
        !self.steps.iter().any(Step::is_open)
    }

    /// `(answers given, answers expected)`.
    pub(crate) fn progress(&self) -> (u32, u32) {
        self.steps.iter().fold((0, 0), |(used, times), step| {
            (used + step.used, times.saturating_add(step.times))
        })
    }

    /// How `request` differs from the expectation, worst first; empty when it matches. The
    /// predicates are tried only on a request that matches otherwise.
    pub(crate) fn mismatches(&self, request: &RawRequest) -> Vec<Mismatch> {
        let mut found = Vec::new();
        if request.method != self.verb {
            found.push(Mismatch::Verb(self.verb));
        }
        if request.path != self.path {
            found.push(Mismatch::Path(self.path.clone()));
        }
        for (name, expected) in self.query_by_name() {
            let got = request.query_all(name);
            if got != expected && !self.is_paging_mask(name, &expected, &got) {
                found.push(Mismatch::Other(format!(
                    "query parameter `{name}` is {got:?}, expected {expected:?}"
                )));
            }
        }
        for (name, value) in &self.headers {
            if !request.header_all(name).contains(&value.as_str()) {
                found.push(Mismatch::Other(format!(
                    "header `{name}` is {:?}, expected {value:?}",
                    request.header(name)
                )));
            }
        }
        if let Some(body) = &self.body {
            if request.body_json().as_ref() != Some(body) {
                found.push(Mismatch::Other(format!(
                    "the body is {}, expected {}",
                    excerpt(&request.body),
                    excerpt(body.to_string().as_bytes())
                )));
            }
        }
        if found.is_empty() {
            for predicate in &self.predicates {
                if !holds(predicate, request) {
                    found.push(Mismatch::Other(format!("{} does not hold", predicate.what)));
                }
            }
        }
        found
    }

    /// Whether `got` is the field mask `expected` as paging sends it: `pages()` and `items()`
    /// add `nextPageToken` to a list call's mask, so that the mask the code under test set is
    /// still the expectation's.
    fn is_paging_mask(&self, name: &str, expected: &[&str], got: &[&str]) -> bool {
        name == "fields"
            && self.method.query.contains(&"pageToken")
            && matches!((expected, got), ([mask], [sent]) if keep_next_page_token(mask) == *sent)
    }

    /// The expected query values, grouped by name in the order first seen.
    fn query_by_name(&self) -> Vec<(&str, Vec<&str>)> {
        let mut grouped: Vec<(&str, Vec<&str>)> = Vec::new();
        for (name, value) in &self.query {
            match grouped.iter_mut().find(|(n, _)| n == name) {
                Some((_, values)) => values.push(value),
                None => grouped.push((name, vec![value])),
            }
        }
        grouped
    }
}

/// Runs a predicate; one that panics does not hold (the panic is printed by the hook, and the
/// double's server keeps going).
fn holds(predicate: &Predicate, request: &RawRequest) -> bool {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (predicate.holds)(request)))
        .unwrap_or(false)
}

/// `#2 hubs.get: GET /v1/projects/p/...?view=BASIC`: how reports name an expectation.
impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "#{} {}: {} {}",
            self.number, self.method.id, self.verb, self.path
        )?;
        if !self.query.is_empty() {
            let query = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&self.query)
                .finish();
            write!(f, "?{query}")?;
        }
        Ok(())
    }
}

/// How a request differs from an expectation.
pub(crate) enum Mismatch {
    Verb(&'static str),
    Path(String),
    Other(String),
}

impl Mismatch {
    /// How far off this makes the request, to find the closest expectation: a different
    /// method weighs more than a different parameter.
    pub(crate) fn weight(&self) -> u32 {
        match self {
            Mismatch::Verb(_) => 4,
            Mismatch::Path(_) => 3,
            Mismatch::Other(_) => 1,
        }
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::Verb(verb) => write!(f, "the verb is not {verb}"),
            Mismatch::Path(path) => write!(f, "the path is not {path}"),
            Mismatch::Other(what) => f.write_str(what),
        }
    }
}

/// An expectation being set: what requests it matches, then its answers. Returned by
/// [`Double::expect`](super::Double::expect), which already registered it: without an answer
/// it answers one matching request with an empty JSON object (`{}`), which every reply model
/// reads (a `delete` often needs no more).
///
/// A request matches when it has the builder's verb and path, every query parameter the
/// builder sets (with the same values), every header it sets, and its JSON body (unless
/// [`body_matches`](Self::body_matches) replaces that comparison), and when every predicate
/// holds. Parameters the builder does not set are not looked at.
pub struct Expectation<R> {
    shared: Arc<Shared>,
    index: usize,
    types: PhantomData<fn() -> R>,
}

/// The answers of an expectation, in sequence: each answer method adds the next one, which
/// [`times`](Self::times) and [`delay`](Self::delay) then modify. Once every answer was given
/// as often as it should be, the expectation matches no more (a later expectation of the same
/// request may take over), and it is met.
///
/// ```ignore
/// // Unavailable twice (retried by the client), then the hub.
/// double
///     .expect(hubs.get(name))
///     .error(ErrorReply::unavailable("try again"))
///     .times(2)
///     .reply(hub);
/// ```
pub struct Answers<R> {
    shared: Arc<Shared>,
    index: usize,
    types: PhantomData<fn() -> R>,
}

impl<R> fmt::Debug for Expectation<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Expectation")
            .field("number", &(self.index + 1))
            .finish_non_exhaustive()
    }
}

impl<R> fmt::Debug for Answers<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Answers")
            .field("number", &(self.index + 1))
            .finish_non_exhaustive()
    }
}

impl<R: ApiRequest> Expectation<R> {
    pub(crate) fn new(shared: Arc<Shared>, index: usize) -> Self {
        Expectation {
            shared,
            index,
            types: PhantomData,
        }
    }

    /// Matches only requests whose body, decoded as `R::Body`, satisfies `predicate`, instead
    /// of comparing the body with the builder's (`|_| true` accepts any body).
    pub fn body_matches(self, predicate: impl Fn(&R::Body) -> bool + Send + 'static) -> Self {
        let wrapped = self.shared.with_rule(self.index, |rule| {
            rule.body = None;
            rule.api.api().data_wrapper
        });
        self.predicate("the body predicate".to_string(), move |request| {
            decode_body::<R::Body>(&request.body, wrapped).is_some_and(|body| predicate(&body))
        })
    }

    /// Matches only requests that have query parameter `name`, each of whose values
    /// satisfies `predicate`.
    pub fn query_matches(
        self,
        name: impl Into<String>,
        predicate: impl Fn(&str) -> bool + Send + 'static,
    ) -> Self {
        let name = name.into();
        self.predicate(format!("the predicate on query `{name}`"), move |request| {
            let values = request.query_all(&name);
            !values.is_empty() && values.into_iter().all(&predicate)
        })
    }

    /// Matches only requests that have header `name` (in any case), each of whose values
    /// satisfies `predicate`.
    pub fn header_matches(
        self,
        name: impl Into<String>,
        predicate: impl Fn(&str) -> bool + Send + 'static,
    ) -> Self {
        let name = name.into();
        self.predicate(
            format!("the predicate on header `{name}`"),
            move |request| {
                let values = request.header_all(&name);
                !values.is_empty() && values.into_iter().all(&predicate)
            },
        )
    }

    fn predicate(self, what: String, holds: impl Fn(&RawRequest) -> bool + Send + 'static) -> Self {
        self.shared.with_rule(self.index, |rule| {
            rule.predicates.push(Predicate {
                what,
                holds: Box::new(holds),
            })
        });
        self
    }

    /// Answers with `reply` (HTTP 200).
    pub fn reply(self, reply: R::Reply) -> Answers<R> {
        self.answers().reply(reply)
    }

    /// Answers with a Google error.
    pub fn error(self, error: ErrorReply) -> Answers<R> {
        self.answers().error(error)
    }

    /// Closes the connection without answering: the client sees a transport error (and
    /// retries it if the call is idempotent).
    pub fn fault(self) -> Answers<R> {
        self.answers().fault()
    }

    /// Starts a scripted long-running operation: the call gets a running operation with a
    /// name that matches the API's `operations.get` pattern
    /// (`projects/p/locations/l/operations/op-1` for
    /// `^projects/[^/]+/locations/[^/]+/operations/[^/]+$`, numbered in the order operations
    /// start), whose polls are answered as the script says. (In an API without
    /// `operations.get`, the operation is done at once.)
    pub fn operation(self, script: OperationScript<R::Result, R::Metadata>) -> Answers<R>
    where
        R: LongRunning,
    {
        self.answers().operation(script)
    }

    /// Serves a listing page by page, with the call's `pageSize` and page tokens of the
    /// double's making; the answer counts as given once its last page was served.
    pub fn pages(self, pages: impl Into<Pages<Item<R>>>) -> Answers<R>
    where
        R: PagedRequest<Reply: PageItems<Item: Clone>>,
    {
        self.answers().pages(pages)
    }

    fn answers(self) -> Answers<R> {
        Answers {
            shared: self.shared,
            index: self.index,
            types: PhantomData,
        }
    }
}

/// The item type of a list method.
type Item<R> = <<R as ApiRequest>::Reply as PageItems>::Item;

impl<R: ApiRequest> Answers<R> {
    /// Then answers with `reply` (HTTP 200).
    pub fn reply(self, reply: R::Reply) -> Self {
        let data_wrapper = self.data_wrapper();
        let body = send::encode_body(&reply, data_wrapper)
            .unwrap_or_else(|e| panic!("the test double cannot encode a reply: {e}"));
        self.push(Answer::Reply {
            status: 200,
            headers: Vec::new(),
            body: body.to_vec(),
        })
    }

    /// Then answers with a Google error.
    pub fn error(self, error: ErrorReply) -> Self {
        self.push(error.into_answer())
    }

    /// Then closes the connection without answering.
    pub fn fault(self) -> Self {
        self.push(Answer::Fault)
    }

    /// Then starts a scripted long-running operation (see [`Expectation::operation`]).
    pub fn operation(self, script: OperationScript<R::Result, R::Metadata>) -> Self
    where
        R: LongRunning,
    {
        self.push(Answer::Operation(script.into_plan()))
    }

    /// Then serves a listing page by page (see [`Expectation::pages`]).
    pub fn pages(self, pages: impl Into<Pages<Item<R>>>) -> Self
    where
        R: PagedRequest<Reply: PageItems<Item: Clone>>,
    {
        let (items, default_page_size) = pages.into().into_parts();
        let data_wrapper = self.data_wrapper();
        let len = items.len();
        let encode = move |range: std::ops::Range<usize>, token: Option<String>| {
            let page = R::Reply::from_items(items[range].to_vec(), token);
            send::encode_body(&page, data_wrapper)
                .unwrap_or_else(|e| panic!("the test double cannot encode a page: {e}"))
                .to_vec()
        };
        self.push(Answer::Pages(PagePlan {
            len,
            default_page_size,
            encode: Box::new(encode),
        }))
    }

    /// Gives the last answer `n` times in a row (instead of once; 0 skips it).
    pub fn times(self, n: u32) -> Self {
        self.shared
            .with_rule(self.index, |rule| last_step(rule).times = n);
        self
    }

    /// Waits `delay` before each time the last answer is given (to run into the client's
    /// attempt timeout, say).
    pub fn delay(self, delay: Duration) -> Self {
        self.shared
            .with_rule(self.index, |rule| last_step(rule).delay = delay);
        self
    }

    fn data_wrapper(&self) -> bool {
        self.shared
            .with_rule(self.index, |rule| rule.api.api().data_wrapper)
    }

    fn push(self, answer: Answer) -> Self {
        self.shared.with_rule(self.index, |rule| {
            if !rule.answered {
                rule.steps.clear();
                rule.answered = true;
            }
            rule.steps.push(Step::once(answer));
        });
        self
    }
}

/// The step `times` and `delay` modify: `Answers` exists only once an answer was pushed.
fn last_step(rule: &mut Rule) -> &mut Step {
    rule.steps
        .last_mut()
        .expect("an expectation always has an answer")
}
