//! The client: one HTTP connection pool, a base URL, credentials and call defaults, shared by
//! every call; and the loop that sends a call, retrying transient failures.

use super::auth::{StaticToken, TokenSource};
use super::error::{Error, Result};
use super::options::{RequestOptions, RetryPolicy};
use super::response::Response;
use serde::de::DeserializeOwned;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A client of the API. Cheap to clone: clones share one connection pool.
///
/// Start from [`Client::builder`]; resources hang off the client (for example
/// `client.projects()`), and each method returns a request builder to `send()`.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    /// The base URL without the service path: where upload paths start.
    root_url: String,
    auth: Option<Arc<dyn TokenSource>>,
    api_key: Option<String>,
    user_agent: String,
    defaults: RequestOptions,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("authenticated", &self.inner.auth.is_some())
            .field(
                "api_key",
                &self.inner.api_key.as_ref().map(|_| "<redacted>"),
            )
            .field("user_agent", &self.inner.user_agent)
            .field("defaults", &self.inner.defaults)
            .finish()
    }
}

/// The default limit of one attempt.
const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);
/// The default limit of opening a connection.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// `x-goog-api-client`, as Google's discovery-based client libraries send it: the language
/// and its version, then the library and its version.
const API_CLIENT_HEADER: &str = concat!(
    "gl-rust/",
    env!("DISCOGEN_RUSTC_VERSION"),
    " gdcl/",
    env!("CARGO_PKG_VERSION")
);

/// One HTTP request, as a method's builder describes it.
pub(crate) struct ApiRequest {
    pub method: reqwest::Method,
    /// Path relative to the base URL, already expanded and percent-encoded.
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub body: Option<Vec<u8>>,
    /// Whether the method's HTTP verb makes sending it twice harmless.
    pub idempotent: bool,
    /// The method's `apiVersion`, sent as `X-Goog-Api-Version`.
    pub api_version: Option<&'static str>,
    /// Whether bodies travel wrapped as `{"data": ...}` (the document's `dataWrapper`).
    pub data_wrapper: bool,
    /// Media to upload; `path` is then relative to the root URL.
    pub upload: Option<Upload>,
    pub options: RequestOptions,
}

/// Media sent with a call: alone (`uploadType=media`), or after the call's JSON body as
/// `multipart/related` (`uploadType=multipart`).
pub(crate) struct Upload {
    pub data: Vec<u8>,
    pub mime_type: String,
    /// The JSON metadata to send with the media.
    pub metadata: Option<Vec<u8>>,
}

impl Upload {
    /// The `Content-Type` and the body of the request.
    fn encode(&self) -> (String, Vec<u8>) {
        let Some(metadata) = &self.metadata else {
            return (self.mime_type.clone(), self.data.clone());
        };
        // A boundary that occurs in neither part.
        let boundary = loop {
            let candidate: String = std::iter::repeat_with(fastrand::alphanumeric)
                .take(32)
                .collect();
            let bytes = candidate.as_bytes();
            let occurs = |part: &[u8]| part.windows(bytes.len()).any(|w| w == bytes);
            if !occurs(metadata) && !occurs(&self.data) {
                break candidate;
            }
        };
        let mut body = Vec::with_capacity(metadata.len() + self.data.len() + 256);
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(metadata);
        body.extend_from_slice(
            format!(
                "\r\n--{boundary}\r\nContent-Type: {}\r\n\r\n",
                self.mime_type
            )
            .as_bytes(),
        );
        body.extend_from_slice(&self.data);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        (format!("multipart/related; boundary={boundary}"), body)
    }
}

/// A body wrapped as `{"data": ...}`, for APIs with the `dataWrapper` feature.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct DataWrapper<T> {
    pub data: T,
}

/// A reply as received, before it is judged.
struct Reply {
    status: reqwest::StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
    /// The unread body of a successful streamed reply.
    stream: Option<reqwest::Response>,
}

impl Client {
    /// A builder with the API's default endpoint and no credentials.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The URL that method paths are appended to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Sends a call, retrying transient failures as its options allow, and decodes the
    /// JSON reply.
    pub(crate) async fn execute<T: DeserializeOwned>(
        &self,
        request: ApiRequest,
    ) -> Result<Response<T>> {
        let reply = self.run(&request, false).await?;
        match request.data_wrapper {
            true => Ok(decode::<DataWrapper<T>>(reply)?.map(|w| w.data)),
            false => decode(reply),
        }
    }

    /// Sends a call that returns media (`alt=media`) and returns its bytes as received.
    pub(crate) async fn download(&self, request: ApiRequest) -> Result<Response<Vec<u8>>> {
        let reply = self.run(&request, false).await?;
        Ok(Response::new(
            reply.status.as_u16(),
            reply.headers,
            reply.body,
        ))
    }

    /// Sends a call that returns media (`alt=media`), and hands back its body unread, to be read
    /// piece by piece. Retries cover everything up to the reply's headers.
    pub(crate) async fn download_stream(&self, request: ApiRequest) -> Result<Download> {
        let reply = self.run(&request, true).await?;
        let response = reply
            .stream
            .ok_or_else(|| Error::UnexpectedReply("a streamed reply without a body".to_string()))?;
        Ok(Download {
            status: reply.status.as_u16(),
            headers: reply.headers,
            response,
        })
    }

    /// Sends a call, retrying transient failures as its options allow, until a successful
    /// reply has been read whole.
    async fn run(&self, request: &ApiRequest, stream: bool) -> Result<Reply> {
        let options = request.options.or(&self.inner.defaults);
        let policy = options.retry.clone().unwrap_or_default();
        let idempotent = options.idempotent.unwrap_or(request.idempotent);
        let url = self.url(request)?;
        let started = Instant::now();
        let deadline = options.timeout.map(|timeout| started + timeout);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let limit = match deadline {
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Err(Error::timeout(started.elapsed(), attempt - 1));
                    }
                    Some(options.attempt_timeout.map_or(left, |t| t.min(left)))
                }
                None => options.attempt_timeout,
            };
            tracing::debug!(
                method = %request.method,
                path = %request.path,
                attempt,
                "sending request"
            );
            let error = match self
                .attempt(request, url.clone(), &options, limit, stream)
                .await
            {
                Ok(reply) if reply.status.is_success() => {
                    tracing::debug!(status = reply.status.as_u16(), attempt, "reply");
                    return Ok(reply);
                }
                Ok(reply) => Error::service(reply.status.as_u16(), reply.headers, &reply.body),
                Err(Error::Timeout { .. }) => Error::timeout(started.elapsed(), attempt),
                Err(error) => error,
            };
            tracing::debug!(attempt, error = %error, "attempt failed");
            if !error.is_transient(idempotent) || attempt >= policy.attempts() {
                return Err(error);
            }
            let delay = error
                .retry_delay()
                .unwrap_or_else(|| policy.backoff(attempt));
            let too_late = policy
                .elapsed_limit()
                .is_some_and(|limit| started.elapsed() + delay > limit)
                || deadline.is_some_and(|deadline| Instant::now() + delay >= deadline);
            if too_late {
                return Err(error);
            }
            tracing::info!(
                method = %request.method,
                path = %request.path,
                attempt,
                delay_ms = delay.as_millis() as u64,
                error = %error,
                "retrying after a transient failure"
            );
            tokio::time::sleep(delay).await;
        }
    }

    fn url(&self, request: &ApiRequest) -> Result<reqwest::Url> {
        // Uploads go to their own path under the root URL (`upload/...`), not the base URL.
        let prefix = match request.upload {
            Some(_) => &self.inner.root_url,
            None => &self.inner.base_url,
        };
        let mut url = reqwest::Url::parse(&format!("{prefix}{}", request.path)).map_err(|e| {
            Error::InvalidRequest {
                parameter: "path",
                reason: format!("cannot form a URL from the base URL and the path: {e}"),
            }
        })?;
        let key = match &self.inner.api_key {
            Some(key) if !request.query.iter().any(|(name, _)| *name == "key") => {
                Some(("key", key.as_str()))
            }
            _ => None,
        };
        let upload_type = request.upload.as_ref().map(|upload| {
            let kind = if upload.metadata.is_some() {
                "multipart"
            } else {
                "media"
            };
            ("uploadType", kind)
        });
        if !request.query.is_empty() || key.is_some() || upload_type.is_some() {
            url.query_pairs_mut()
                .extend_pairs(request.query.iter().map(|(k, v)| (*k, v.as_str())))
                .extend_pairs(upload_type)
                .extend_pairs(key);
        }
        Ok(url)
    }

    /// One attempt: send, and read the whole reply.
    async fn attempt(
        &self,
        request: &ApiRequest,
        url: reqwest::Url,
        options: &RequestOptions,
        limit: Option<Duration>,
        stream: bool,
    ) -> Result<Reply> {
        let mut builder = self
            .inner
            .http
            .request(request.method.clone(), url)
            .header(reqwest::header::USER_AGENT, &self.inner.user_agent)
            .header("x-goog-api-client", API_CLIENT_HEADER);
        if let (Some(limit), false) = (limit, stream) {
            // reqwest's timeout covers the whole exchange, the body's last byte included.
            builder = builder.timeout(limit);
        }
        if let Some(version) = request.api_version {
            builder = builder.header("x-goog-api-version", version);
        }
        if let Some(project) = &options.quota_project {
            builder = builder.header("x-goog-user-project", project);
        }
        if let Some(auth) = &self.inner.auth {
            let token = auth.token().await?;
            builder = builder.bearer_auth(token);
        }
        builder = match (&request.upload, &request.body) {
            (Some(upload), _) => {
                let (content_type, body) = upload.encode();
                builder
                    .header(reqwest::header::CONTENT_TYPE, content_type)
                    .body(body)
            }
            (None, Some(body)) => builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone()),
            // Google front ends answer 411 to a POST without a length.
            (None, None)
                if request.method != reqwest::Method::GET
                    && request.method != reqwest::Method::DELETE =>
            {
                builder.header(reqwest::header::CONTENT_LENGTH, "0")
            }
            (None, None) => builder,
        };
        let response = match (limit, stream) {
            // A stream is read later, for as long as it takes: only its headers are bounded.
            (Some(limit), true) => tokio::time::timeout(limit, builder.send())
                .await
                .map_err(|_| Error::timeout(Duration::ZERO, 1))?,
            _ => builder.send().await,
        }
        .map_err(Error::transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        if stream && status.is_success() {
            return Ok(Reply {
                status,
                headers,
                body: Vec::new(),
                stream: Some(response),
            });
        }
        let body = response.bytes().await.map_err(Error::transport)?;
        Ok(Reply {
            status,
            headers,
            body: body.into(),
            stream: None,
        })
    }
}

/// Decodes a successful reply. 204 No Content carries no JSON at all; every other success
/// must be valid JSON, so a cut-off or garbled body is an error, never an empty success.
fn decode<T: DeserializeOwned>(reply: Reply) -> Result<Response<T>> {
    let status = reply.status.as_u16();
    let json: &[u8] = if reply.status == reqwest::StatusCode::NO_CONTENT && reply.body.is_empty() {
        b"{}"
    } else {
        &reply.body
    };
    let body = serde_json::from_slice(json).map_err(|e| Error::decode(status, e, &reply.body))?;
    Ok(Response::new(status, reply.headers, body))
}

/// Media read piece by piece, from `download_stream()`: the reply's status and headers, and its
/// body as it arrives.
#[derive(Debug)]
pub struct Download {
    status: u16,
    headers: reqwest::header::HeaderMap,
    response: reqwest::Response,
}

impl Download {
    /// The HTTP status code (2xx).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The reply's headers (`Content-Type`, `Content-Length`...).
    pub fn headers(&self) -> &reqwest::header::HeaderMap {
        &self.headers
    }

    /// The next piece of the media as it arrives, or `None` after the last. A connection
    /// that breaks before the end is an error, never a short success.
    pub async fn chunk(&mut self) -> Result<Option<bytes::Bytes>> {
        self.response.chunk().await.map_err(Error::transport)
    }
}

/// Configures a [`Client`].
#[derive(Default)]
pub struct ClientBuilder {
    base_url: Option<String>,
    auth: Option<Arc<dyn TokenSource>>,
    api_key: Option<String>,
    http: Option<reqwest::Client>,
    user_agent: Option<String>,
    defaults: RequestOptions,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("authenticated", &self.auth.is_some())
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("defaults", &self.defaults)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The URL method paths are appended to; defaults to [`crate::BASE_URL`]. Use it for a
    /// regional endpoint (see [`crate::endpoints`]) or a local test server. A missing
    /// trailing `/` is added.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        let mut url = url.into();
        if !url.ends_with('/') {
            url.push('/');
        }
        self.base_url = Some(url);
        self
    }

    /// Authenticates every call with tokens from `source`.
    pub fn token_source(mut self, source: impl TokenSource + 'static) -> Self {
        self.auth = Some(Arc::new(source));
        self
    }

    /// Authenticates every call with one fixed access token.
    pub fn bearer_token(self, token: impl Into<String>) -> Self {
        self.token_source(StaticToken::new(token))
    }

    /// Sends `key` as the `key` query parameter of every call (unless the call sets its own):
    /// an API key identifies the project for APIs that accept keys.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Bills every call's quota to `project` (the `x-goog-user-project` header); a call can
    /// override it.
    pub fn quota_project(mut self, project: impl Into<String>) -> Self {
        self.defaults.quota_project = Some(project.into());
        self
    }

    /// The retry policy of every call that does not set its own
    /// (default: [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.defaults.retry = Some(policy);
        self
    }

    /// The limit of one attempt of every call that does not set its own (default: 60 s).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.defaults.attempt_timeout = Some(timeout);
        self
    }

    /// The limit of every call, retries and waits included, unless the call sets its own
    /// (default: none beyond the retry policy's).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.defaults.timeout = Some(timeout);
        self
    }

    /// Sends requests through this `reqwest::Client` (proxies, TLS settings, client
    /// certificates for the mutual-TLS endpoint...) instead of a default one.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Replaces the `User-Agent` header (by default the crate's name and version).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client> {
        let http = match self.http {
            Some(http) => http,
            None => {
                // reqwest is built without a TLS crypto provider so that only ring is compiled;
                // make it the process default unless the application chose one already.
                let _ = rustls::crypto::ring::default_provider().install_default();
                reqwest::Client::builder()
                    .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
                    .build()
                    .map_err(Error::transport)?
            }
        };
        let mut defaults = self.defaults;
        defaults.attempt_timeout = defaults.attempt_timeout.or(Some(DEFAULT_ATTEMPT_TIMEOUT));
        let base_url = self.base_url.unwrap_or_else(|| crate::BASE_URL.to_string());
        let root_url = match base_url.strip_suffix(crate::SERVICE_PATH) {
            Some(root) if !crate::SERVICE_PATH.is_empty() => root.to_string(),
            _ => base_url.clone(),
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                root_url,
                base_url,
                auth: self.auth,
                api_key: self.api_key,
                user_agent: self.user_agent.unwrap_or_else(|| {
                    concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_string()
                }),
                defaults,
            }),
        })
    }
}
