//! Request builders. A generated builder holds its method's own parameters and a
//! [`CallState`], and describes itself through [`ApiRequest`]: which [`Method`] it is, the
//! values of its parameters and its body. Everything else, the same for every method, is here:
//! [`Request`] sends it (with retries), sets the standard parameters and the per-call options,
//! and adds the headers and query parameters the document does not list.

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::time::Duration;

use crate::api::ApiClient;
use crate::error::Result;
use crate::json::Json;
use crate::method::Method;
use crate::options::{RequestOptions, RetryPolicy};
use crate::response::Response;

/// What every request builder carries besides its method's own parameters: the API it goes to
/// and everything set through [`Request`]. Small when nothing is set, so builders stay cheap to
/// move.
#[derive(Clone, Debug)]
pub struct CallState {
    pub(crate) api: ApiClient,
    pub(crate) extras: Option<Box<Extras>>,
}

/// What a call sets beyond its method's parameters.
#[derive(Clone, Debug, Default)]
pub(crate) struct Extras {
    pub options: RequestOptions,
    pub system: SystemParams,
    /// Headers the document does not list, as given (checked when the call is sent).
    pub headers: Vec<(String, Secretish)>,
    /// Query parameters the document does not list.
    pub query: Vec<(String, String)>,
    /// Whether the call sends no request ID of its own making.
    pub no_request_id: bool,
}

/// A header value, shown in `Debug` output only by its length: headers may carry credentials.
#[derive(Clone)]
pub(crate) struct Secretish(pub String);

impl fmt::Debug for Secretish {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.0.len())
    }
}

/// The standard parameters a Rust client needs, sent as query parameters when set. The others
/// Google documents are left out on purpose: `alt` and `callback` (JSONP) would break JSON
/// decoding, `uploadType` and `upload_protocol` are set by the client for media, and
/// `access_token`, `oauth_token` and `key` would put a credential in the URL, where proxies
/// and logs keep it (the client sends tokens as `Authorization` and API keys as
/// `x-goog-api-key` headers instead).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct SystemParams {
    pub fields: Option<String>,
    pub quota_user: Option<String>,
    pub pretty_print: Option<bool>,
    pub xgafv: Option<Xgafv>,
}

/// The error format of a reply (the `$.xgafv` standard parameter).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Xgafv {
    /// `1`: version 1 of the error format.
    V1,
    /// `2`: version 2 of the error format.
    V2,
}

impl Xgafv {
    pub fn as_str(self) -> &'static str {
        match self {
            Xgafv::V1 => "1",
            Xgafv::V2 => "2",
        }
    }
}

impl CallState {
    /// The state of a new call to `api`.
    pub fn new(api: &ApiClient) -> CallState {
        CallState {
            api: api.clone(),
            extras: None,
        }
    }

    /// The API the call goes to.
    pub fn api(&self) -> &ApiClient {
        &self.api
    }

    pub(crate) fn extras_mut(&mut self) -> &mut Extras {
        self.extras.get_or_insert_with(Default::default)
    }
}

/// The values of a call's parameters, as a builder writes them: path and query values by wire
/// name.
#[derive(Debug, Default)]
pub struct Params<'a> {
    pub(crate) path: Vec<PathArg<'a>>,
    pub(crate) query: Query<'a>,
}

impl<'a> Params<'a> {
    /// The value of the path variable `name`.
    pub fn path(&mut self, name: &'static str, value: &'a impl PathValue) {
        self.path.push(PathArg {
            name,
            text: value.path_text(),
            secret: value.is_secret(),
        });
    }

    /// A query parameter: nothing when `value` is an unset option or an empty list, one
    /// pair per item of a list.
    pub fn query(&mut self, name: &'static str, value: &'a impl QueryValue) {
        value.push_to(name, &mut self.query);
    }
}

/// Query parameters by wire name, in the order they are sent.
#[derive(Default)]
pub struct Query<'a> {
    pub(crate) pairs: Vec<(&'static str, Cow<'a, str>)>,
}

/// Names only: a value may be a credential ([`Secret`] pushes its plain text, to be sent).
impl fmt::Debug for Query<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Query")
            .field(
                "names",
                &self.pairs.iter().map(|(name, _)| name).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl<'a> Query<'a> {
    /// Adds one pair.
    pub fn push(&mut self, name: &'static str, value: impl Into<Cow<'a, str>>) {
        self.pairs.push((name, value.into()));
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.pairs.iter().any(|(n, _)| *n == name)
    }
}

/// A type a query parameter can hold.
pub trait QueryValue {
    /// Adds the value's pairs to `query`.
    fn push_to<'a>(&'a self, name: &'static str, query: &mut Query<'a>);
}

impl QueryValue for String {
    fn push_to<'a>(&'a self, name: &'static str, query: &mut Query<'a>) {
        query.push(name, self.as_str());
    }
}

macro_rules! display_query_value {
    ($($t:ty),*) => {$(
        impl QueryValue for $t {
            fn push_to<'a>(&'a self, name: &'static str, query: &mut Query<'a>) {
                query.push(name, self.to_string());
            }
        }
        impl PathValue for $t {
            fn path_text(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
        }
    )*};
}

display_query_value!(bool, i32, u32, i64, u64, f32, f64);

impl<T: QueryValue> QueryValue for Option<T> {
    fn push_to<'a>(&'a self, name: &'static str, query: &mut Query<'a>) {
        if let Some(value) = self {
            value.push_to(name, query);
        }
    }
}

impl<T: QueryValue> QueryValue for Vec<T> {
    fn push_to<'a>(&'a self, name: &'static str, query: &mut Query<'a>) {
        for value in self {
            value.push_to(name, query);
        }
    }
}

/// A type a path parameter can hold.
pub trait PathValue {
    /// The value as text, before encoding.
    fn path_text(&self) -> Cow<'_, str>;

    /// Whether the value is a credential, which errors and traces must not show.
    fn is_secret(&self) -> bool {
        false
    }
}

/// A path variable's value, as a builder gives it.
pub(crate) struct PathArg<'a> {
    pub name: &'static str,
    pub text: Cow<'a, str>,
    /// A credential: shown as `<redacted>` in errors and traces.
    pub secret: bool,
}

impl fmt::Debug for PathArg<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={:?}", self.name, self.shown())
    }
}

impl<'a> PathArg<'a> {
    /// A plain value (an operation's name, say).
    pub(crate) fn plain(name: &'static str, text: &'a str) -> Self {
        PathArg {
            name,
            text: Cow::Borrowed(text),
            secret: false,
        }
    }

    /// The value as errors, traces and `Debug` may show it.
    pub(crate) fn shown(&self) -> &str {
        if self.secret {
            "<redacted>"
        } else {
            &self.text
        }
    }
}

impl PathValue for String {
    fn path_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

/// A parameter value that is a credential (`access_token`, `key`...): sent as given, never shown
/// by `Debug`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret<T>(pub T);

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T: QueryValue> QueryValue for Secret<T> {
    fn push_to<'a>(&'a self, name: &'static str, query: &mut Query<'a>) {
        self.0.push_to(name, query);
    }
}

impl<T: PathValue> PathValue for Secret<T> {
    fn path_text(&self) -> Cow<'_, str> {
        self.0.path_text()
    }

    fn is_secret(&self) -> bool {
        true
    }
}

/// A request builder's description of its call: implemented by every generated builder, used
/// by [`Request`] (and the paging, polling, media and batch traits) to send it.
pub trait ApiRequest: Sized + Send + 'static {
    /// The decoded reply (`()` when the method returns nothing).
    type Reply: Json + Send + 'static;
    /// The request body (`()` when the method takes none).
    type Body: Json + Send + Sync + 'static;
    /// The method.
    const METHOD: &'static Method;
    /// The call's state.
    fn state(&self) -> &CallState;
    /// The call's state, to change.
    fn state_mut(&mut self) -> &mut CallState;
    /// Writes the values of the method's parameters (nothing for a method without any).
    fn params<'a>(&'a self, params: &mut Params<'a>) {
        let _ = params;
    }
    /// The request body, when the method takes one.
    fn body(&self) -> Option<&Self::Body> {
        None
    }
}

/// What every request builder can do: send itself, and take the standard parameters, per-call
/// options and extra headers that are the same for every method. Bring it into scope with the
/// generated crate's `prelude` (`use my_api::prelude::*;`).
pub trait Request: ApiRequest {
    /// Sends the request and returns the service's reply.
    fn send(self) -> impl Future<Output = Result<Self::Reply>> + Send {
        async move { Ok(crate::send::send(self).await?.into_body()) }
    }

    /// Sends the request and returns the reply with its HTTP status and headers.
    fn send_with_response(self) -> impl Future<Output = Result<Response<Self::Reply>>> + Send {
        crate::send::send(self)
    }

    /// Selects the fields of the reply (the `fields` standard parameter, a field mask such as
    /// `name,labels`): the service sends only those. When paging with `pages()` or `items()`,
    /// `nextPageToken` is added to the mask if it lacks it, so a partial reply never ends a
    /// listing early.
    fn fields(mut self, fields: impl Into<String>) -> Self {
        self.state_mut().extras_mut().system.fields = Some(fields.into());
        self
    }

    /// Attributes the call's quota to a user of a server-side application (the `quotaUser`
    /// standard parameter; any string of at most 40 characters).
    fn quota_user(mut self, user: impl Into<String>) -> Self {
        self.state_mut().extras_mut().system.quota_user = Some(user.into());
        self
    }

    /// Asks for an indented reply (`prettyPrint`). The client asks for a compact one by
    /// default, as Google's Go clients do: it is smaller and decodes faster.
    fn pretty_print(mut self, pretty: bool) -> Self {
        self.state_mut().extras_mut().system.pretty_print = Some(pretty);
        self
    }

    /// The error format of the reply (`$.xgafv`).
    fn xgafv(mut self, format: Xgafv) -> Self {
        self.state_mut().extras_mut().system.xgafv = Some(format);
        self
    }

    /// Retries this call by `policy` instead of the client's policy.
    fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.state_mut().extras_mut().options.retry = Some(policy);
        self
    }

    /// Sends this call once, whatever the client's retry policy.
    fn without_retries(self) -> Self {
        self.with_retry_policy(RetryPolicy::none())
    }

    /// Gives up on one attempt after `timeout` (and retries it, if the policy allows).
    fn with_attempt_timeout(mut self, timeout: Duration) -> Self {
        self.state_mut().extras_mut().options.attempt_timeout = Some(timeout);
        self
    }

    /// Gives up on the whole call, retries and waits included, after `timeout`.
    fn with_timeout(mut self, timeout: Duration) -> Self {
        self.state_mut().extras_mut().options.timeout = Some(timeout);
        self
    }

    /// Declares whether sending this call twice is harmless. Methods with an idempotent HTTP
    /// verb and methods that carry a request ID are by default; say `true` for a call whose
    /// repetition you know is safe to have it retried too, `false` to never retry it after it
    /// may have reached the service.
    fn with_idempotency(mut self, idempotent: bool) -> Self {
        self.state_mut().extras_mut().options.idempotent = Some(idempotent);
        self
    }

    /// Bills this call's quota to `project` (the `x-goog-user-project` header).
    fn with_quota_project(mut self, project: impl Into<String>) -> Self {
        self.state_mut().extras_mut().options.quota_project = Some(project.into());
        self
    }

    /// Adds a header the document does not list, such as `If-Match` with a resource's `etag`.
    /// A header the client sets itself (`Authorization`, `User-Agent`, `Content-Type`,
    /// `x-goog-api-client`, `x-goog-api-key`, `x-goog-api-version`, `x-goog-user-project`...)
    /// or a name or value that is not valid HTTP refuses the call before anything is sent.
    fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let extras = self.state_mut().extras_mut();
        extras.headers.push((name.into(), Secretish(value.into())));
        self
    }

    /// Adds a query parameter the document does not list. One that clashes with the
    /// method's own parameters or with those the client sets itself refuses the call before
    /// anything is sent.
    fn with_query_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let extras = self.state_mut().extras_mut();
        extras.query.push((name.into(), value.into()));
        self
    }

    /// Sends no request ID of the client's making. By default a method that takes a request
    /// ID (a unique ID that lets the service recognise a retried mutation) gets a fresh UUID
    /// when the call sets none, the same for every attempt, which makes the call safe to
    /// retry; without it, such a call is retried like any other of its verb.
    fn without_request_id(mut self) -> Self {
        self.state_mut().extras_mut().no_request_id = true;
        self
    }
}

impl<R: ApiRequest> Request for R {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_value_is_never_shown_by_debug() {
        let key = Secret("sk-secret".to_string());
        let mut params = Params::default();
        params.query("key", &key);
        let shown = format!("{params:?}");
        assert!(!shown.contains("sk-secret"), "{shown}");
        assert!(shown.contains("key"), "{shown}");
    }
}
