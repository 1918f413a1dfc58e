//! Where access tokens come from.

use super::error::Result;
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
