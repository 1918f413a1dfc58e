//! An API as data ([`ApiInfo`], one `static` per generated crate) and an API bound to a client
//! ([`ApiClient`]): the shared client, plus where this API's methods are sent.

use std::fmt;
use std::sync::Arc;

use reqwest::header::HeaderValue;

use crate::client::Client;
use crate::method::Method;

/// What a generated crate knows about its API, from the discovery document.
#[derive(Debug)]
pub struct ApiInfo {
    /// The API's name (`networkconnectivity`).
    pub name: &'static str,
    /// The API's version (`v1`).
    pub version: &'static str,
    /// The revision of the discovery document (`20261029`).
    pub revision: &'static str,
    /// The generated crate's name, in the default `User-Agent`.
    pub crate_name: &'static str,
    /// The generated crate's version, reported in `x-goog-api-client`.
    pub crate_version: &'static str,
    /// The root URL of the service (`https://networkconnectivity.googleapis.com/`); `None`
    /// when the document has none, so that the caller must give one.
    pub root_url: Option<&'static str>,
    /// The root URL for mutual-TLS clients, when the document gives one.
    pub mtls_root_url: Option<&'static str>,
    /// The path of the API under the root URL.
    pub service_path: &'static str,
    /// The path of the batch endpoint under the root URL, when the API has one.
    pub batch_path: Option<&'static str>,
    /// Whether bodies travel wrapped as `{"data": ...}` (the document's `dataWrapper`).
    pub data_wrapper: bool,
    /// The method that reads a long-running operation by name (`operations.get`), which
    /// pollers call.
    pub operations_get: Option<&'static Method>,
}

/// The domain of Google's public cloud, in which every document's root URL is given.
pub const DEFAULT_UNIVERSE_DOMAIN: &str = "googleapis.com";

impl ApiInfo {
    /// The root URL in `universe_domain`: the document's root URL, with its
    /// `googleapis.com` host suffix replaced by the universe's domain.
    pub fn root_url_in(&self, universe_domain: &str) -> Option<String> {
        Some(in_universe(self.root_url?, universe_domain))
    }

    /// The mutual-TLS root URL in `universe_domain`.
    pub fn mtls_root_url_in(&self, universe_domain: &str) -> Option<String> {
        Some(in_universe(self.mtls_root_url?, universe_domain))
    }
}

/// `https://x.googleapis.com/` in universe `example.com` is `https://x.example.com/`.
fn in_universe(url: &str, universe_domain: &str) -> String {
    if universe_domain == DEFAULT_UNIVERSE_DOMAIN {
        return url.to_string();
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match host.strip_suffix(DEFAULT_UNIVERSE_DOMAIN) {
        Some(prefix) if prefix.is_empty() || prefix.ends_with('.') => {
            format!("{scheme}://{prefix}{universe_domain}{path}")
        }
        _ => url.to_string(),
    }
}

/// An API bound to a [`Client`]: the client's connection pool, credentials and defaults, and
/// the URL this API's method paths start at. Cheap to clone.
#[derive(Clone)]
pub struct ApiClient {
    pub(crate) client: Client,
    pub(crate) api: &'static ApiInfo,
    pub(crate) endpoint: Arc<Endpoint>,
}

/// Where an API's calls go, decided once when it is bound.
pub(crate) struct Endpoint {
    /// Where method paths start (ends with `/`).
    pub base_url: String,
    /// Where upload paths start (ends with `/`).
    pub root_url: String,
    /// `x-goog-api-client`: the language and its version, then the library and its version,
    /// as Google's discovery-based clients send it.
    pub api_client_header: HeaderValue,
    /// The default `User-Agent`: the generated crate's name and version, then the runtime's.
    pub user_agent: HeaderValue,
}

impl fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiClient")
            .field("api", &self.api.name)
            .field("version", &self.api.version)
            .field("base_url", &self.endpoint.base_url)
            .field("client", &self.client)
            .finish()
    }
}

impl ApiClient {
    /// The API at its default endpoint: the client's root URL when it sets one (see
    /// [`ClientBuilder::root_url`](crate::ClientBuilder::root_url)), else the document's root
    /// URL in the client's universe domain; then the API's service path. An API whose
    /// document has no root URL has no default endpoint: calls fail with
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) until one is given with
    /// [`ApiClient::with_base_url`].
    pub fn new(client: &Client, api: &'static ApiInfo) -> ApiClient {
        let root = client
            .inner
            .root_url
            .clone()
            .or_else(|| api.root_url_in(&client.inner.universe_domain))
            .unwrap_or_default();
        let base = if root.is_empty() {
            String::new()
        } else {
            format!("{root}{}", api.service_path)
        };
        ApiClient::bind(client, api, base, root)
    }

    /// The API at `base_url`, where method paths start (a regional endpoint, a test server):
    /// it replaces both the root URL and the service path. Uploads go to the same URL
    /// without the service path, when it ends with it. A missing trailing `/` is added.
    pub fn with_base_url(
        client: &Client,
        api: &'static ApiInfo,
        base_url: impl Into<String>,
    ) -> ApiClient {
        let mut base = base_url.into();
        if !base.ends_with('/') {
            base.push('/');
        }
        let root = match base.strip_suffix(api.service_path) {
            Some(root) if !api.service_path.is_empty() => root.to_string(),
            _ => base.clone(),
        };
        ApiClient::bind(client, api, base, root)
    }

    fn bind(
        client: &Client,
        api: &'static ApiInfo,
        base_url: String,
        root_url: String,
    ) -> ApiClient {
        let api_client = format!(
            "gl-rust/{} gdcl/{}",
            env!("DISCOGEN_RUSTC_VERSION"),
            api.crate_version
        );
        let user_agent = format!(
            "{}/{} discogen-runtime/{}",
            api.crate_name,
            api.crate_version,
            env!("CARGO_PKG_VERSION")
        );
        let fallback =
            HeaderValue::from_static(concat!("discogen-runtime/", env!("CARGO_PKG_VERSION")));
        ApiClient {
            client: client.clone(),
            api,
            endpoint: Arc::new(Endpoint {
                base_url,
                root_url,
                api_client_header: HeaderValue::from_str(&api_client)
                    .unwrap_or_else(|_| HeaderValue::from_static("gl-rust")),
                user_agent: HeaderValue::from_str(&user_agent).unwrap_or(fallback),
            }),
        }
    }

    /// The URL method paths are appended to (empty when there is none).
    pub fn base_url(&self) -> &str {
        &self.endpoint.base_url
    }

    /// The shared client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The API.
    pub fn api(&self) -> &'static ApiInfo {
        self.api
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_urls_move_to_another_universe() {
        let api = ApiInfo {
            name: "x",
            version: "v1",
            revision: "1",
            crate_name: "x-v1",
            crate_version: "0.1.0",
            root_url: Some("https://x.googleapis.com/"),
            mtls_root_url: Some("https://x.mtls.googleapis.com/"),
            service_path: "x/v1/",
            batch_path: None,
            data_wrapper: false,
            operations_get: None,
        };
        assert_eq!(
            api.root_url_in("googleapis.com").unwrap(),
            "https://x.googleapis.com/"
        );
        assert_eq!(
            api.root_url_in("example.goog").unwrap(),
            "https://x.example.goog/"
        );
        assert_eq!(
            api.mtls_root_url_in("example.goog").unwrap(),
            "https://x.mtls.example.goog/"
        );
        assert_eq!(
            in_universe("https://notgoogleapis.com/", "example.goog"),
            "https://notgoogleapis.com/"
        );
        let client = Client::builder().build().unwrap();
        let bound = ApiClient::new(&client, Box::leak(Box::new(api)));
        assert_eq!(bound.base_url(), "https://x.googleapis.com/x/v1/");
        let local = ApiClient::with_base_url(&client, bound.api, "http://127.0.0.1:1/x/v1");
        assert_eq!(local.base_url(), "http://127.0.0.1:1/x/v1/");
        assert_eq!(local.endpoint.root_url, "http://127.0.0.1:1/");
    }
}
