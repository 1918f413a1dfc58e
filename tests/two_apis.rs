//! Two generated crates, one client: `networkconnectivity-v1` and `oauth2-v2` share one
//! connection pool, one token source, one set of defaults and one error type, over real HTTP on
//! 127.0.0.1 against one server that answers for both APIs.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderMap, Uri};
use axum::response::IntoResponse;
use networkconnectivity_v1::prelude::*;
use networkconnectivity_v1::{Client, Error, RetryPolicy, TokenFuture, TokenSource};
use serde_json::json;

/// A token source written once, for every API: counts the tokens it hands out.
#[derive(Default)]
struct CountingTokens(AtomicUsize);

impl TokenSource for CountingTokens {
    fn token(&self) -> TokenFuture<'_> {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        Box::pin(async move { Ok(format!("token-{n}")) })
    }
}

/// Answers both APIs: oauth2's userinfo, Network Connectivity's hubs, and a 404 for the rest.
/// Records the `Authorization` and `User-Agent` of every request.
async fn serve(seen: Arc<std::sync::Mutex<Vec<(String, String, String)>>>) -> String {
    let app = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap| {
        let seen = seen.clone();
        async move {
            let header = |name: &str| {
                headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string()
            };
            seen.lock().unwrap().push((
                uri.path().to_string(),
                header("authorization"),
                header("user-agent"),
            ));
            let (status, body) = match uri.path() {
                "/oauth2/v2/userinfo" => (200, json!({"email": "me@example.com", "id": "7"})),
                "/v1/projects/p/locations/global/hubs" => {
                    (200, json!({"hubs": [{"name": "projects/p/locations/global/hubs/h"}]}))
                }
                _ => (
                    404,
                    json!({"error": {"code": 404, "message": "nothing here", "status": "NOT_FOUND"}}),
                ),
            };
            (
                axum::http::StatusCode::from_u16(status).unwrap(),
                [("content-type", "application/json")],
                body.to_string(),
            )
                .into_response()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/")
}

/// The two crates' errors are one type: this compiles only if they are.
fn one_error_type(error: oauth2_v2::Error) -> networkconnectivity_v1::Error {
    error
}

#[tokio::test]
async fn one_client_serves_two_generated_apis() {
    let seen = Arc::default();
    let url = serve(Arc::clone(&seen)).await;
    let tokens = Arc::new(CountingTokens::default());
    let client = Client::builder()
        .root_url(url)
        .token_source(SharedTokens(Arc::clone(&tokens)))
        .retry_policy(RetryPolicy::none())
        .attempt_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let connectivity = networkconnectivity_v1::Service::new(&client);
    let oauth2 = oauth2_v2::Service::new(&client);

    let me = oauth2.userinfo().get().send().await.unwrap();
    let hubs = connectivity
        .projects()
        .locations()
        .global()
        .hubs()
        .list("projects/p/locations/global")
        .send()
        .await
        .unwrap();
    assert_eq!(me.email.as_deref(), Some("me@example.com"));
    assert_eq!(hubs.hubs.unwrap().len(), 1);

    // Errors from both APIs are handled by one function of one type.
    let errors: Vec<Error> = vec![
        one_error_type(oauth2.userinfo().v2().me().get().send().await.unwrap_err()),
        connectivity
            .projects()
            .locations()
            .get("projects/p/locations/nowhere")
            .send()
            .await
            .unwrap_err(),
    ];
    for error in &errors {
        assert_eq!(error.http_status(), Some(404), "{error}");
    }

    // One token source served every call of both APIs, and each API said who it was.
    assert_eq!(tokens.0.load(Ordering::SeqCst), 4);
    let seen = seen.lock().unwrap().clone();
    let authorizations: Vec<&str> = seen.iter().map(|(_, a, _)| a.as_str()).collect();
    assert_eq!(
        authorizations,
        [
            "Bearer token-1",
            "Bearer token-2",
            "Bearer token-3",
            "Bearer token-4"
        ]
    );
    assert!(seen[0].2.starts_with("oauth2-v2/"), "{seen:?}");
    assert!(seen[1].2.starts_with("networkconnectivity-v1/"), "{seen:?}");
}

/// The counting token source, shared with the test so it can read the count.
struct SharedTokens(Arc<CountingTokens>);

impl TokenSource for SharedTokens {
    fn token(&self) -> TokenFuture<'_> {
        self.0.token()
    }
}
