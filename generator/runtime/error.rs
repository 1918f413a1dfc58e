//! Errors of every call: one type, with kinds a caller can match on.

use std::fmt;

/// The result of every call of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong with a call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with an HTTP error status.
    #[error("{0}")]
    Service(Box<ServiceError>),
    /// The request was refused before anything was sent (for example a path parameter that does
    /// not match the method's pattern).
    #[error("invalid request: parameter `{parameter}`: {reason}")]
    InvalidRequest {
        /// The parameter's wire name.
        parameter: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The request could not be sent or the reply could not be read (connection, TLS, I/O).
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// A successful reply whose body is not the JSON the method promises.
    #[error("cannot decode the reply (HTTP {status}): {source}; the body starts with {excerpt:?}")]
    Decode {
        /// HTTP status of the reply.
        status: u16,
        /// What serde_json found wrong.
        #[source]
        source: serde_json::Error,
        /// The first bytes of the body, for a human to look at.
        excerpt: String,
    },
    /// The request body could not be encoded as JSON.
    #[error("cannot encode the request body: {0}")]
    Encode(#[source] serde_json::Error),
    /// The token source failed to produce an access token.
    #[error("authentication failed: {0}")]
    Auth(String),
}

/// An HTTP error reply, with Google's error body decoded when it is one.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceError {
    /// The HTTP status code.
    pub status: u16,
    /// Google's error object (`{"error": {...}}`), when the body is one.
    pub error: Option<ApiError>,
    /// The body as received (lossily decoded as UTF-8), for bodies that are not Google's JSON.
    pub body: String,
}

impl ServiceError {
    /// The canonical status name Google sends (`NOT_FOUND`, `PERMISSION_DENIED`...), if any.
    pub fn status_name(&self) -> Option<&str> {
        self.error.as_ref()?.status.as_deref()
    }

    /// The error message Google sends, if any.
    pub fn message(&self) -> Option<&str> {
        self.error.as_ref()?.message.as_deref()
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        match &self.error {
            Some(error) => {
                if let Some(status) = &error.status {
                    write!(f, " {status}")?;
                }
                if let Some(message) = &error.message {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
            None => write!(f, ": {}", excerpt(self.body.as_bytes())),
        }
    }
}

/// Google's JSON error object: the `error` member of an error reply.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ApiError {
    /// The HTTP status code, repeated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i32>,
    /// A developer-facing message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The canonical status name (`NOT_FOUND`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Typed details, each with an `@type`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<serde_json::Value>,
    /// Members of the error object this crate does not know.
    #[serde(flatten)]
    pub unknown_fields: serde_json::Map<String, serde_json::Value>,
}

#[derive(serde::Deserialize)]
struct ErrorEnvelope {
    error: ApiError,
}

impl Error {
    /// The HTTP status, when the service answered with an error.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Service(e) => Some(e.status),
            Error::Decode {
                status,
                ..
            } => Some(*status),
            _ => None,
        }
    }

    /// The service's error reply, when there is one.
    pub fn as_service(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(e) => Some(e),
            _ => None,
        }
    }

    pub(crate) fn service(status: u16, body: &[u8]) -> Self {
        let error = serde_json::from_slice::<ErrorEnvelope>(body).ok().map(|e| e.error);
        Error::Service(Box::new(ServiceError {
            status,
            error,
            body: String::from_utf8_lossy(body).into_owned(),
        }))
    }

    pub(crate) fn decode(status: u16, source: serde_json::Error, body: &[u8]) -> Self {
        Error::Decode {
            status,
            source,
            excerpt: excerpt(body),
        }
    }

    /// Transport errors lose their URL: it may carry an API key or access token in the query.
    pub(crate) fn transport(error: reqwest::Error) -> Self {
        Error::Transport(error.without_url())
    }
}

/// The first 200 characters of a body, for error messages.
fn excerpt(body: &[u8]) -> String {
    const LIMIT: usize = 200;
    let text = String::from_utf8_lossy(body);
    match text.char_indices().nth(LIMIT) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.into_owned(),
    }
}
