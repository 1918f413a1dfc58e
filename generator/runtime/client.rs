//! The client: one HTTP connection pool, a base URL and credentials, shared by every call.

use super::auth::{StaticToken, TokenSource};
use super::error::{Error, Result};
use serde::de::DeserializeOwned;
use std::fmt;
use std::sync::Arc;

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
    auth: Option<Arc<dyn TokenSource>>,
    user_agent: String,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("authenticated", &self.inner.auth.is_some())
            .field("user_agent", &self.inner.user_agent)
            .finish()
    }
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

    /// Sends one request and decodes its JSON reply.
    pub(crate) async fn execute<T: DeserializeOwned>(
        &self,
        request: ApiRequest,
    ) -> Result<T> {
        let mut url =
            reqwest::Url::parse(&format!("{}{}", self.inner.base_url, request.path))
                .map_err(|e| Error::InvalidRequest {
                    parameter: "path",
                    reason: format!(
                        "cannot form a URL from the base URL and the path: {e}"
                    ),
                })?;
        if !request.query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(request.query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        let mut builder = self
            .inner
            .http
            .request(request.method.clone(), url)
            .header(reqwest::header::USER_AGENT, &self.inner.user_agent)
            .header("x-goog-api-client", API_CLIENT_HEADER);
        if let Some(auth) = &self.inner.auth {
            let token = auth.token().await?;
            builder = builder.bearer_auth(token);
        }
        builder = match request.body {
            Some(body) => builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body),
            // Google front ends answer 411 to a POST without a length.
            None if request.method != reqwest::Method::GET
                && request.method != reqwest::Method::DELETE =>
            {
                builder.header(reqwest::header::CONTENT_LENGTH, "0")
            }
            None => builder,
        };
        let response = builder.send().await.map_err(Error::transport)?;
        let status = response.status();
        let body = response.bytes().await.map_err(Error::transport)?;
        if !status.is_success() {
            return Err(Error::service(status.as_u16(), &body));
        }
        // 204 No Content carries no JSON at all; every other success must be valid JSON.
        let json: &[u8] = if status == reqwest::StatusCode::NO_CONTENT && body.is_empty()
        {
            b"{}"
        } else {
            &body
        };
        serde_json::from_slice(json)
            .map_err(|e| Error::decode(status.as_u16(), e, &body))
    }
}

/// `x-goog-api-client`, as Google's discovery-based client libraries send it.
const API_CLIENT_HEADER: &str = concat!("gl-rust gdcl/", env!("CARGO_PKG_VERSION"));

/// One HTTP request, as a method's builder describes it.
pub(crate) struct ApiRequest {
    pub method: reqwest::Method,
    /// Path relative to the base URL, already expanded and percent-encoded.
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub body: Option<Vec<u8>>,
}

/// Configures a [`Client`].
#[derive(Default)]
pub struct ClientBuilder {
    base_url: Option<String>,
    auth: Option<Arc<dyn TokenSource>>,
    http: Option<reqwest::Client>,
    user_agent: Option<String>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("authenticated", &self.auth.is_some())
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The URL method paths are appended to; defaults to [`crate::BASE_URL`]. Use it for a
    /// regional endpoint or a local test server. A missing trailing `/` is added.
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

    /// Sends requests through this `reqwest::Client` (proxies, timeouts, TLS settings of your
    /// own) instead of a default one.
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
                reqwest::Client::builder().build().map_err(Error::transport)?
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url: self.base_url.unwrap_or_else(|| crate::BASE_URL.to_string()),
                auth: self.auth,
                user_agent: self.user_agent.unwrap_or_else(|| {
                    concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"))
                        .to_string()
                }),
            }),
        })
    }
}
