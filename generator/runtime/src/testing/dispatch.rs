//! The double's state and how it answers a request: the first expectation that matches and
//! still has answers, else a poll of a scripted operation, else an unexpected request, which
//! is remembered and answered with a Google error naming the closest expectation.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde_json::{json, Value};

use crate::api::{ApiClient, ApiInfo};
use crate::method::{Method, Segment};
use crate::request::{ApiRequest, CallState, Params, PathArg};
use crate::send::Prepared;

use super::answer::{Answer, ErrorReply, OperationPlan, PagePlan};
use super::expectation::{Mismatch, Rule};
use super::http::{Handler, HttpReply, HttpRequest, Outcome};
use super::record::{RawRequest, Received};

/// The state the test and the server share.
pub(crate) struct Shared {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    rules: Vec<Rule>,
    operations: Vec<ScriptedOperation>,
    requests: Vec<RawRequest>,
    /// Unexpected and malformed requests, described when they came.
    problems: Vec<String>,
    /// The APIs of the expectations, to find methods' paths under their service paths.
    apis: Vec<&'static ApiInfo>,
    /// Operations started so far, to name the next one.
    started: u32,
}

/// An operation the double started, answering its polls.
struct ScriptedOperation {
    name: String,
    /// The path of its `operations.get`.
    poll_path: String,
    polls: u32,
    plan: OperationPlan,
    data_wrapper: bool,
    /// The id of `operations.get`, recorded on its polls.
    method_id: &'static str,
}

impl Shared {
    pub(crate) fn new() -> Shared {
        Shared {
            state: Mutex::new(State::default()),
        }
    }

    /// The state, even after a panic elsewhere (a user's page encoding, say): it is kept
    /// consistent between statements, and a test double must still report.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Registers the expectation of `request`; its index.
    pub(crate) fn add_rule<R: ApiRequest>(&self, request: &R) -> usize {
        // Computed before locking: it panics on a request the client would refuse.
        let mut rule = Rule::new(request, 0);
        let mut state = self.lock();
        let api = rule.api.api();
        if !state.apis.iter().any(|known| std::ptr::eq(*known, api)) {
            state.apis.push(api);
        }
        rule.number = state.rules.len() + 1;
        state.rules.push(rule);
        state.rules.len() - 1
    }

    /// Changes the expectation at `index`.
    pub(crate) fn with_rule<T>(&self, index: usize, change: impl FnOnce(&mut Rule) -> T) -> T {
        change(&mut self.lock().rules[index])
    }

    /// Every request received, in order.
    pub(crate) fn requests(&self) -> Vec<RawRequest> {
        self.lock().requests.clone()
    }

    /// The received requests that call `R`'s method.
    pub(crate) fn received<R: ApiRequest>(&self) -> Vec<Received<R>> {
        let state = self.lock();
        state
            .requests
            .iter()
            .filter_map(|request| Received::decode(request, &state.apis))
            .collect()
    }

    /// Everything that fails the test: unexpected and malformed requests, then unmet
    /// expectations.
    pub(crate) fn problems(&self) -> Vec<String> {
        let state = self.lock();
        let mut problems = state.problems.clone();
        problems.extend(state.rules.iter().filter(|r| !r.is_met()).map(unmet));
        problems
    }

    /// Answers a request, and records it.
    fn answer(&self, request: HttpRequest) -> (Duration, Outcome) {
        let mut request = RawRequest::from_http(request);
        let mut state = self.lock();
        let answer = state.answer(&mut request);
        state.requests.push(request);
        answer
    }
}

impl Handler for Shared {
    async fn handle(&self, request: HttpRequest) -> Outcome {
        let (delay, outcome) = self.answer(request);
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        outcome
    }

    fn malformed(&self, reason: &str) {
        self.lock()
            .problems
            .push(format!("malformed HTTP request: {reason}"));
    }
}

fn unmet(rule: &Rule) -> String {
    let (given, expected) = rule.progress();
    let listing = rule
        .steps
        .iter()
        .any(|step| matches!(step.answer, Answer::Pages(_)));
    format!(
        "unmet expectation {rule}: answered {given} of {expected} time(s){}",
        if listing {
            " (a listing is answered once its last page is served)"
        } else {
            ""
        }
    )
}

impl State {
    fn answer(&mut self, request: &mut RawRequest) -> (Duration, Outcome) {
        for index in 0..self.rules.len() {
            if let Some(answer) = self.answer_by_rule(index, request) {
                return answer;
            }
        }
        if let Some(outcome) = self.answer_poll(request) {
            return (Duration::ZERO, outcome);
        }
        (Duration::ZERO, self.unexpected(request))
    }

    /// The answer of expectation `index`, when it takes the request.
    fn answer_by_rule(
        &mut self,
        index: usize,
        request: &mut RawRequest,
    ) -> Option<(Duration, Outcome)> {
        if !why_not(&self.rules[index], request).is_empty() {
            return None;
        }
        let rule = &mut self.rules[index];
        request.method_id = Some(rule.method.id);
        let (number, method, api) = (rule.number, rule.method, rule.api.clone());
        let step = rule.open_step_mut()?;
        let delay = step.delay;
        let outcome = match &step.answer {
            Answer::Reply {
                status,
                headers,
                body,
            } => {
                step.used += 1;
                json_reply(*status, headers.clone(), body.clone())
            }
            Answer::Fault => {
                step.used += 1;
                Outcome::Close
            }
            Answer::Operation(plan) => {
                step.used += 1;
                let plan = plan.clone();
                self.start_operation(&api, plan)
            }
            Answer::Pages(plan) => {
                let token = sent_page_token(method, request);
                let offset = page_offset(token, number, plan.len).unwrap_or(0);
                let size = page_size(method).and_then(|name| request.query(name));
                let (body, last) = serve_page(plan, number, offset, size);
                if last {
                    step.used += 1;
                }
                json_reply(200, Vec::new(), body)
            }
        };
        Some((delay, outcome))
    }

    /// Starts a scripted operation: its first state, running. An API without
    /// `operations.get` cannot be polled, so its operations are done at once.
    fn start_operation(&mut self, api: &ApiClient, plan: OperationPlan) -> Outcome {
        self.started += 1;
        let data_wrapper = api.api().data_wrapper;
        let Some(get) = api.api().operations_get else {
            let operation = operation_json(&format!("op-{}", self.started), &plan, true);
            return value_reply(operation, data_wrapper);
        };
        let Some((name, poll_path)) = operation_target(api, get, self.started) else {
            self.problems.push(format!(
                "no operation name the test double can make matches the path of {}: the \
                 operation was answered as done at once",
                get.id
            ));
            let operation = operation_json(&format!("op-{}", self.started), &plan, true);
            return value_reply(operation, data_wrapper);
        };
        let operation = operation_json(&name, &plan, false);
        self.operations.push(ScriptedOperation {
            name,
            poll_path,
            polls: 0,
            plan,
            data_wrapper,
            method_id: get.id,
        });
        value_reply(operation, data_wrapper)
    }

    /// A poll of a scripted operation: running for as many polls as scripted, then done.
    fn answer_poll(&mut self, request: &mut RawRequest) -> Option<Outcome> {
        if request.method != "GET" {
            return None;
        }
        let operation = self
            .operations
            .iter_mut()
            .find(|operation| operation.poll_path == request.path)?;
        operation.polls += 1;
        request.method_id = Some(operation.method_id);
        let done = operation.polls > operation.plan.running_polls;
        let value = operation_json(&operation.name, &operation.plan, done);
        Some(value_reply(value, operation.data_wrapper))
    }

    /// Remembers an unexpected request, and answers it with a Google error that says which
    /// expectation came closest and why it did not match (HTTP 501, which no client retries).
    fn unexpected(&mut self, request: &RawRequest) -> Outcome {
        let mut problem = format!("unexpected request {request}");
        match self.closest(request) {
            Some((rule, reasons)) => {
                problem.push_str(&format!("\n    closest expectation {rule}: {reasons}"))
            }
            None => problem.push_str("\n    (no expectation was set)"),
        }
        let body = ErrorReply::new(
            501,
            "UNIMPLEMENTED",
            format!("discogen test double: {problem}"),
        )
        .body();
        self.problems.push(problem);
        json_reply(501, Vec::new(), body)
    }

    /// The expectation that comes closest to `request`, with why it does not match.
    fn closest(&self, request: &RawRequest) -> Option<(String, String)> {
        let mut best: Option<((u32, usize), String, String)> = None;
        for rule in &self.rules {
            let reasons = why_not(rule, request);
            let weight: u32 = reasons.iter().map(Mismatch::weight).sum();
            // Among equals, the one whose path shares the longest start with the request's.
            let shared = common_prefix(&rule.path, &request.path);
            let score = (weight, usize::MAX - shared);
            if best.as_ref().is_none_or(|(b, _, _)| score < *b) {
                let reasons: Vec<String> = reasons.iter().map(ToString::to_string).collect();
                best = Some((score, rule.to_string(), reasons.join("; ")));
            }
        }
        best.map(|(_, rule, reasons)| (rule, reasons))
    }
}

/// Why `rule` does not take `request`: how they differ, or that the rule gave all its
/// answers, or that a page token is not one of its own. Empty when it takes it.
fn why_not(rule: &Rule, request: &RawRequest) -> Vec<Mismatch> {
    let mut reasons = rule.mismatches(request);
    match rule.open_step() {
        None => reasons.push(Mismatch::Other(
            "it was already answered as many times as expected".to_string(),
        )),
        Some(step) => {
            if let Answer::Pages(plan) = &step.answer {
                let token = sent_page_token(rule.method, request);
                if token.is_some() && page_offset(token, rule.number, plan.len).is_none() {
                    reasons.push(Mismatch::Other(
                        "its page token is not one the expectation sent".to_string(),
                    ));
                }
            }
        }
    }
    reasons
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

/// The page token a request to a list method sends, if any.
fn sent_page_token<'a>(method: &Method, request: &'a RawRequest) -> Option<&'a str> {
    method
        .query
        .contains(&"pageToken")
        .then(|| request.query("pageToken"))
        .flatten()
}

/// The name of a list method's page size parameter (`maxResults` in older APIs).
fn page_size(method: &Method) -> Option<&'static str> {
    let query = method.query.iter().copied();
    query
        .clone()
        .find(|n| *n == "pageSize")
        .or_else(|| query.clone().find(|n| *n == "maxResults"))
}

/// The page token of expectation `number` for the page at `offset`.
fn page_token_for(number: usize, offset: usize) -> String {
    format!("discogen-double-{number}-{offset}")
}

/// Where the page a request asks for starts: 0 without a token, `None` for a token that is
/// not one of expectation `number` for a listing of `len` items.
fn page_offset(token: Option<&str>, number: usize, len: usize) -> Option<usize> {
    let Some(token) = token else {
        return Some(0);
    };
    let rest = token.strip_prefix(&format!("discogen-double-{number}-"))?;
    let offset: usize = rest.parse().ok()?;
    (offset < len && page_token_for(number, offset) == token).then_some(offset)
}

/// The page at `offset` with `size` items (the call's, or the listing's default), and whether
/// it is the last.
fn serve_page(
    plan: &PagePlan,
    number: usize,
    offset: usize,
    size: Option<&str>,
) -> (Vec<u8>, bool) {
    let size = size
        .and_then(|s| s.parse::<usize>().ok())
        .filter(|&s| s > 0)
        .unwrap_or(plan.default_page_size);
    let end = offset.saturating_add(size).min(plan.len);
    let last = end == plan.len;
    let token = (!last).then(|| page_token_for(number, end));
    ((plan.encode)(offset..end, token), last)
}

/// A `google.longrunning.Operation` at one point of its script.
fn operation_json(name: &str, plan: &OperationPlan, done: bool) -> Value {
    let mut operation = json!({ "name": name, "done": done });
    if let Some(metadata) = &plan.metadata {
        operation["metadata"] = metadata.clone();
    }
    if done {
        match &plan.outcome {
            Ok(response) => operation["response"] = response.clone(),
            Err(error) => operation["error"] = error.clone(),
        }
    }
    operation
}

/// The name of the `n`th operation and the path of its polls: a name made from the pattern
/// of `operations.get` if that works, else a plain one the path accepts.
fn operation_target(api: &ApiClient, get: &'static Method, n: u32) -> Option<(String, String)> {
    let pattern = get.path.iter().find_map(|segment| match segment {
        Segment::Literal(_) => None,
        Segment::Simple { pattern, .. } | Segment::Reserved { pattern, .. } => Some(*pattern),
    });
    let candidates = [
        pattern.flatten().and_then(|p| name_from_pattern(p, n)),
        Some(format!("operations/op-{n}")),
        Some(format!("op-{n}")),
    ];
    candidates.into_iter().flatten().find_map(|name| {
        let path = poll_path(api, get, &name)?;
        Some((name, path))
    })
}

/// The path the client polls operation `name` at, or `None` when it refuses the name.
fn poll_path(api: &ApiClient, get: &'static Method, name: &str) -> Option<String> {
    let state = CallState::new(api);
    let variable = get.path_variables().next()?;
    let mut params = Params::default();
    params.path.push(PathArg::plain(variable, name));
    let prepared = Prepared::new(&state, get, params, None, None).ok()?;
    Some(prepared.url.path().to_string())
}

/// A name that matches a resource-name pattern: each `[^/]+` becomes the initial of the
/// collection before it, the last one `op-<n>`
/// (`^projects/[^/]+/locations/[^/]+/operations/[^/]+$` gives
/// `projects/p/locations/l/operations/op-1`). `None` for a pattern of another shape.
pub(crate) fn name_from_pattern(pattern: &str, n: u32) -> Option<String> {
    let body = pattern.strip_prefix('^').unwrap_or(pattern);
    let body = body.strip_suffix('$').unwrap_or(body);
    let body = body
        .strip_suffix(".*")
        .or_else(|| body.strip_suffix(".+"))
        .map(|start| format!("{start}[^/]+"))
        .unwrap_or_else(|| body.to_string());
    let pieces: Vec<&str> = body.split("[^/]+").collect();
    let literal = |piece: &str| {
        piece
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_'))
    };
    if pieces.len() < 2 || !pieces.iter().all(|piece| literal(piece)) {
        return None;
    }
    let mut name = String::new();
    for (i, piece) in pieces.iter().enumerate() {
        name.push_str(piece);
        match pieces.len() - i {
            1 => {}
            2 => name.push_str(&format!("op-{n}")),
            _ => {
                let collection = piece.split('/').rfind(|word| !word.is_empty());
                let initial = collection.and_then(|word| word.chars().next());
                name.push(initial.unwrap_or('x').to_ascii_lowercase());
            }
        }
    }
    Some(name)
}

fn json_reply(status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> Outcome {
    let mut all = vec![("content-type".to_string(), "application/json".to_string())];
    all.extend(headers);
    Outcome::Reply(HttpReply {
        status,
        headers: all,
        body,
    })
}

/// A 200 reply of `value`, wrapped as `{"data": ...}` for APIs that want it.
fn value_reply(value: Value, data_wrapper: bool) -> Outcome {
    let value = if data_wrapper {
        json!({ "data": value })
    } else {
        value
    };
    json_reply(200, Vec::new(), value.to_string().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_follow_the_pattern() {
        assert_eq!(
            name_from_pattern("^projects/[^/]+/locations/[^/]+/operations/[^/]+$", 1).unwrap(),
            "projects/p/locations/l/operations/op-1"
        );
        assert_eq!(
            name_from_pattern("^operations/.*$", 7).unwrap(),
            "operations/op-7"
        );
        assert_eq!(name_from_pattern("^[^/]+$", 2).unwrap(), "op-2");
        assert_eq!(name_from_pattern("^operations/(a|b)$", 1), None);
        assert_eq!(name_from_pattern("^operations$", 1), None);
    }
}
