//! Application Default Credentials (the `adc` cargo feature), through the `gcp_auth` crate:
//! `GOOGLE_APPLICATION_CREDENTIALS`, then gcloud's application default credentials, then the
//! metadata server on Google Cloud, then `gcloud auth print-access-token`.

use super::auth::{TokenFuture, TokenSource};
use super::error::{Error, Result};
use std::fmt;
use std::sync::Arc;

/// Tokens from Application Default Credentials, cached and refreshed by `gcp_auth`.
#[derive(Clone)]
pub struct ApplicationDefaultCredentials {
    provider: Arc<dyn gcp_auth::TokenProvider>,
    scopes: Vec<String>,
}

impl fmt::Debug for ApplicationDefaultCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApplicationDefaultCredentials")
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

impl ApplicationDefaultCredentials {
    /// Finds the credentials of the environment, asking for every scope of the API
    /// ([`crate::scopes::ALL`]).
    pub async fn new() -> Result<Self> {
        Self::with_scopes(crate::scopes::ALL).await
    }

    /// Finds the credentials of the environment, asking for `scopes`.
    pub async fn with_scopes(scopes: &[&str]) -> Result<Self> {
        let provider = gcp_auth::provider()
            .await
            .map_err(|e| Error::Auth(e.to_string()))?;
        Ok(ApplicationDefaultCredentials {
            provider,
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
        })
    }

    /// The project the credentials belong to, when they say.
    pub async fn project_id(&self) -> Result<String> {
        let id = self
            .provider
            .project_id()
            .await
            .map_err(|e| Error::Auth(e.to_string()))?;
        Ok(id.to_string())
    }
}

impl TokenSource for ApplicationDefaultCredentials {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(async move {
            let scopes: Vec<&str> = self.scopes.iter().map(String::as_str).collect();
            let token = self
                .provider
                .token(&scopes)
                .await
                .map_err(|e| Error::Auth(e.to_string()))?;
            Ok(token.as_str().to_string())
        })
    }
}
