//! Where access tokens come from.

use super::error::{Error, Result};
use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// The future a [`TokenSource`] returns.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<String>> + Send + 'a>>;

/// A source of OAuth 2.0 access tokens, sent as `Authorization: Bearer <token>` with every call.
///
/// Implement it to plug in any credential flow; it is asked once per request, so it may cache
/// and refresh.
pub trait TokenSource: Send + Sync {
    /// An access token valid for the next request.
    fn token(&self) -> TokenFuture<'_>;
}

/// A fixed access token. Its `Debug` output never shows the token.
#[derive(Clone)]
pub struct StaticToken(String);

impl StaticToken {
    /// A token source that always returns `token`.
    pub fn new(token: impl Into<String>) -> Self {
        StaticToken(token.into())
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticToken(<redacted>)")
    }
}

impl TokenSource for StaticToken {
    fn token(&self) -> TokenFuture<'_> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
}

/// An access token read from an environment variable at every call, so that a process that
/// refreshes the variable (or a test) needs no restart. The token is never shown by `Debug`.
#[derive(Clone, Debug)]
pub struct EnvToken {
    variable: String,
}

impl EnvToken {
    /// A token source reading `variable` (for example `GOOGLE_OAUTH_ACCESS_TOKEN`, which
    /// `gcloud auth print-access-token` output is often stored in).
    pub fn new(variable: impl Into<String>) -> Self {
        EnvToken {
            variable: variable.into(),
        }
    }
}

impl TokenSource for EnvToken {
    fn token(&self) -> TokenFuture<'_> {
        let token = match std::env::var(&self.variable) {
            Ok(token) if !token.trim().is_empty() => Ok(token.trim().to_string()),
            Ok(_) => Err(Error::Auth(format!(
                "the environment variable {} is empty",
                self.variable
            ))),
            Err(e) => Err(Error::Auth(format!(
                "cannot read the environment variable {}: {e}",
                self.variable
            ))),
        };
        Box::pin(async move { token })
    }
}
