//! Issue 10, "Hostile servers and bad values": the generated client over real HTTP on 127.0.0.1
//! against the fake Operations API (and a raw TCP server for what no HTTP library would send).
//! Whatever a server sends (waits, status codes, page tokens, sizes, redirects, bodies) never
//! panics the caller, never makes it wait past its policy or deadline, and never makes it hold
//! more than its reply limit; a value that can never be sent fails before anything is sent.
//!
//! Time bounds are loose (seconds) on purpose: they tell "waited what the server asked" from
//! "did not", not how fast the machine is.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use discogen_tests::{
    operation_name, operations, service_error, FakeOperations, Fault, RawServer, Recorder, PARENT,
};
use futures_util::TryStreamExt;
use networkconnectivity_v1::prelude::*;
use networkconnectivity_v1::runtime::error_details::RetryInfo;
use networkconnectivity_v1::runtime::{
    PageStream, TokenFuture, TokenSource, DEFAULT_MAX_REPLY_SIZE,
};
use networkconnectivity_v1::{Client, ClientBuilder, Error, ErrorDetail, RetryPolicy};
use serde_json::json;

const TOKEN: &str = "ya29.hostile-test-token";
const MB: u64 = 1_000_000;

/// Retries with waits short enough for tests; waits asked for by the server are allowed up
/// to one second.
fn policy() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_secs(1))
}

fn builder(fake: &FakeOperations) -> ClientBuilder {
    Client::builder()
        .root_url(fake.base_url())
        .bearer_token(TOKEN)
        .retry_policy(policy())
}

/// Asserts that a call refused `setting` before sending, without quoting `secret`.
fn assert_refused(error: &Error, setting: &str, secret: &str) {
    assert!(
        matches!(error, Error::InvalidRequest { parameter, .. } if parameter == setting),
        "expected `{setting}` refused, got {error:?}"
    );
    let shown = format!("{error} {error:?}");
    assert!(
        !shown.contains(secret),
        "the error quotes the value: {shown}"
    );
}

// ---- waits the server asks for ----------------------------------------------------------

/// `call`'s result, failing the test (instead of hanging it) when the client waits what a
/// server asked for past any sensible bound.
async fn within<T>(call: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), call)
        .await
        .expect("the client waited for what the server asked")
}

#[tokio::test]
async fn a_retry_after_of_u64_max_seconds_ends_the_call_at_once() {
    let fake = FakeOperations::start(TOKEN, 3).await;
    let client = builder(&fake).build().unwrap();
    fake.inject([Fault::retry_after("18446744073709551615")]);

    let started = Instant::now();
    let error = within(operations(&client).get(operation_name(0)).send())
        .await
        .unwrap_err();

    assert_eq!(service_error(&error).status, 503);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(u64::MAX)));
    assert_eq!(
        fake.requests().len(),
        1,
        "a wait past max_backoff is not waited"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn with_a_deadline_a_huge_retry_after_is_not_waited_even_when_the_policy_allows_it() {
    let fake = FakeOperations::start(TOKEN, 3).await;
    // No limit of its own: only the call's deadline stands between the caller and the wait.
    let unbounded = policy().max_backoff(Duration::MAX).max_elapsed(None);
    let client = builder(&fake).retry_policy(unbounded).build().unwrap();
    for value in [
        "18446744073709551615",
        "99999999999999999999999999",
        "Fri, 31 Dec 9999 23:59:59 GMT",
    ] {
        let before = fake.requests().len();
        fake.inject([Fault::retry_after(value)]);
        let started = Instant::now();

        let call = operations(&client)
            .get(operation_name(0))
            .with_timeout(Duration::from_secs(2))
            .send();
        let error = within(call).await.unwrap_err();

        assert_eq!(service_error(&error).status, 503, "{value}");
        assert!(
            error.retry_after().unwrap() > Duration::from_secs(3600),
            "{value}"
        );
        assert_eq!(fake.requests().len() - before, 1, "{value}");
        // Not waited for: the error comes at once (the bound is loose, for a loaded machine;
        // the delay asked for is more than an hour).
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{value}: {:?}",
            started.elapsed()
        );
    }
}

#[tokio::test]
async fn a_wait_the_policy_allows_is_not_taken_past_the_call_s_deadline() {
    let fake = FakeOperations::start(TOKEN, 3).await;
    let client = builder(&fake)
        .retry_policy(policy().max_backoff(Duration::from_secs(10)))
        .build()
        .unwrap();
    fake.inject([Fault::retry_after("3")]);

    let error = operations(&client)
        .get(operation_name(0))
        .with_timeout(Duration::from_secs(1))
        .send()
        .await
        .unwrap_err();

    // The service's error, not a timeout after waiting until the deadline.
    assert_eq!(service_error(&error).status, 503);
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn no_wait_is_longer_than_max_backoff() {
    let fake = FakeOperations::start(TOKEN, 3).await;
    let client = builder(&fake)
        .retry_policy(policy().max_backoff(Duration::from_millis(100)))
        .build()
        .unwrap();
    let later = std::time::SystemTime::now() + Duration::from_secs(5);
    for value in ["3".to_string(), httpdate::fmt_http_date(later)] {
        fake.inject([Fault::retry_after(&value)]);
        let started = Instant::now();

        let error = operations(&client)
            .get(operation_name(0))
            .send()
            .await
            .unwrap_err();

        // Waiting what was asked would take 3 s or more.
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{value}: {:?}",
            started.elapsed()
        );
        assert!(
            error.retry_after().unwrap() >= Duration::from_secs(2),
            "{value}"
        );
    }
}

#[tokio::test]
async fn an_unreadable_retry_after_falls_back_to_the_backoff() {
    let fake = FakeOperations::start(TOKEN, 3).await;
    let client = builder(&fake).build().unwrap();
    for value in [
        "soon",
        "-1",
        "1.5",
        "Wed, 99 Foo 2026 25:61:61 GMT",
        "1e9",
        "٣",
    ] {
        let before = fake.requests().len();
        fake.inject([Fault::retry_after(value)]);

        operations(&client)
            .get(operation_name(0))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{value}: {e:?}"));

        assert_eq!(fake.requests().len() - before, 2, "{value}");
    }
}

fn retry_info(delay: &str) -> Fault {
    Fault::Status {
        status: 503,
        retry_after: None,
        details: json!([{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": delay}]),
    }
}

#[tokio::test]
async fn a_retry_info_of_1e20s_is_unreadable_and_the_backoff_is_used() {
    let fake = FakeOperations::start(TOKEN, 3).await;
    let client = builder(&fake).build().unwrap();
    fake.inject([retry_info("1e20s")]);

    operations(&client)
        .get(operation_name(0))
        .send()
        .await
        .unwrap();

    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests[1].at - requests[0].at < Duration::from_secs(2));

    // The same error kept: its details and wait read without panicking.
    fake.inject([retry_info("1e20s")]);
    let error = operations(&client)
        .get(operation_name(0))
        .without_retries()
        .send()
        .await
        .unwrap_err();
    let service = service_error(&error);
    assert_eq!(
        service.details(),
        vec![ErrorDetail::RetryInfo(RetryInfo { retry_delay: None })]
    );
    assert_eq!(error.retry_after(), None);
    assert!(error.to_string().contains("503"), "{error}");
}

#[tokio::test]
async fn a_retry_info_too_long_for_a_duration_is_clamped_and_not_waited() {
    let fake = FakeOperations::start(TOKEN, 3).await;
    let client = builder(&fake).build().unwrap();
    fake.inject([retry_info("99999999999999999999999.999999999999s")]);
    let started = Instant::now();

    let error = within(operations(&client).get(operation_name(0)).send())
        .await
        .unwrap_err();

    assert_eq!(
        error.retry_after(),
        Some(Duration::new(u64::MAX, 999_999_999))
    );
    assert_eq!(fake.requests().len(), 1);
    assert!(started.elapsed() < Duration::from_secs(5));
}

// ---- values that can never be sent ------------------------------------------------------

#[tokio::test]
async fn client_settings_with_line_breaks_fail_the_build_naming_the_setting() {
    let secret = "ya29.secret-from-a-file";
    let cases = [
        (
            Client::builder().bearer_token(format!("{secret}\n")),
            "bearer_token",
        ),
        (
            Client::builder().api_key(format!("{secret}\r\n")),
            "api_key",
        ),
        (
            Client::builder().quota_project(format!("{secret}\r\nX-Evil: 1")),
            "quota_project",
        ),
        (
            Client::builder().user_agent(format!("{secret}\nX-Evil: 1")),
            "user_agent",
        ),
    ];
    for (builder, setting) in cases {
        let error = builder.build().unwrap_err();
        assert_refused(&error, setting, secret);
    }
}

#[tokio::test]
async fn call_values_with_line_breaks_are_refused_before_sending() {
    let fake = FakeOperations::start(TOKEN, 3).await;
    let client = builder(&fake).build().unwrap();
    let secret = "etag-or-token-value";
    let get = || operations(&client).get(operation_name(0));

    let error = get()
        .with_quota_project(format!("{secret}\r\nX-Evil: 1"))
        .send()
        .await
        .unwrap_err();
    assert_refused(&error, "quota_project", secret);
    let error = get()
        .with_header(
            "If-Match",
            format!("{secret}\r\nAuthorization: Bearer stolen"),
        )
        .send()
        .await
        .unwrap_err();
    assert_refused(&error, "If-Match", secret);
    let error = get()
        .with_header("x-custom", format!("{secret}\n"))
        .send()
        .await
        .unwrap_err();
    assert_refused(&error, "x-custom", secret);
    let error = get()
        .with_header("Bad Name\r\n", "v")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");

    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

/// A token source that returns one token and counts how often it is asked.
struct CountingToken {
    token: String,
    asked: Arc<AtomicUsize>,
}

impl TokenSource for CountingToken {
    fn token(&self) -> TokenFuture<'_> {
        self.asked.fetch_add(1, Ordering::SeqCst);
        let token = self.token.clone();
        Box::pin(async move { Ok(token) })
    }
}

#[tokio::test]
async fn a_token_source_giving_a_token_with_a_newline_fails_once_without_sending() {
    let fake = FakeOperations::start(TOKEN, 3).await;
    let asked = Arc::new(AtomicUsize::new(0));
    let client = Client::builder()
        .root_url(fake.base_url())
        .token_source(CountingToken {
            token: format!("{TOKEN}\n"),
            asked: asked.clone(),
        })
        .retry_policy(policy().max_attempts(5))
        .build()
        .unwrap();

    let error = operations(&client)
        .get(operation_name(0))
        .send()
        .await
        .unwrap_err();

    assert!(matches!(error, Error::Auth(_)), "{error:?}");
    assert!(error.is_unauthenticated());
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    assert_eq!(asked.load(Ordering::SeqCst), 1, "retried");
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[tokio::test]
async fn hostile_query_values_arrive_as_one_value() {
    let fake = FakeOperations::start(TOKEN, 3).await;
    let client = builder(&fake).build().unwrap();
    let value = "done=true&pageSize=1#frag\r\nX-Evil: 1 %2F/..";

    // The fake refuses the filter (400): what matters is how it arrived.
    let _ = operations(&client)
        .list(PARENT)
        .filter(value)
        .quota_user("a&b=c")
        .send()
        .await;

    let request = &fake.requests()[0];
    assert_eq!(request.param("filter"), Some(value));
    assert_eq!(request.param("quotaUser"), Some("a&b=c"));
    assert_eq!(request.param("pageSize"), None);
    assert_eq!(request.path, format!("/v1/{PARENT}/operations"));
}

// ---- page tokens --------------------------------------------------------------------------

#[tokio::test]
async fn a_page_token_sent_twice_in_a_row_ends_paging_with_an_error() {
    let fake = FakeOperations::start(TOKEN, 3).await;
    let client = builder(&fake).build().unwrap();
    fake.inject([Fault::page("same"), Fault::page("same")]);

    let mut items = operations(&client).list(PARENT).items();
    let first = items.try_next().await.unwrap().unwrap();
    let error = items.try_next().await.unwrap_err();

    assert_eq!(first.name, Some(format!("{PARENT}/operations/page-same")));
    assert!(
        matches!(&error, Error::UnexpectedReply(why) if why.contains("same")),
        "{error:?}"
    );
    assert!(
        items.try_next().await.unwrap().is_none(),
        "the stream ends after its error"
    );
    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].param("pageToken"), Some("same"));
}

#[tokio::test]
async fn a_cycle_of_two_page_tokens_ends_paging_with_an_error() {
    let fake = FakeOperations::start(TOKEN, 3).await;
    let client = builder(&fake).build().unwrap();
    fake.inject([Fault::page("a"), Fault::page("b"), Fault::page("a")]);

    let pages = until_error(operations(&client).list(PARENT).pages()).await;

    assert_eq!(pages.len(), 3);
    assert!(pages[..2].iter().all(Result::is_ok));
    assert!(
        matches!(pages[2], Err(Error::UnexpectedReply(_))),
        "{:?}",
        pages[2]
    );
    let tokens: Vec<_> = fake
        .requests()
        .iter()
        .map(|r| r.param("pageToken").map(str::to_string))
        .collect();
    assert_eq!(tokens, [None, Some("a".into()), Some("b".into())]);
}

#[tokio::test]
async fn a_starting_page_token_answered_with_itself_is_not_asked_twice() {
    let fake = FakeOperations::start(TOKEN, 3).await;
    let client = builder(&fake).build().unwrap();
    fake.inject([Fault::page("start"), Fault::page("start")]);

    let pages = until_error(operations(&client).list(PARENT).page_token("start").pages()).await;

    assert_eq!(pages.len(), 1);
    assert!(
        matches!(pages[0], Err(Error::UnexpectedReply(_))),
        "{:?}",
        pages[0]
    );
    assert_eq!(fake.requests().len(), 1);
}

/// Every item of a stream up to its end or its first error, the error included.
async fn until_error<T>(mut stream: PageStream<T>) -> Vec<Result<T, Error>> {
    let mut all = Vec::new();
    loop {
        match stream.try_next().await {
            Ok(Some(page)) => all.push(Ok(page)),
            Ok(None) => return all,
            Err(error) => {
                all.push(Err(error));
                return all;
            }
        }
    }
}

// ---- fields and paging --------------------------------------------------------------------

#[tokio::test]
async fn a_fields_mask_without_the_page_token_does_not_cut_paging() {
    let fake = FakeOperations::start(TOKEN, 60).await;
    let client = builder(&fake).build().unwrap();

    let items: Vec<_> = operations(&client)
        .list(PARENT)
        .page_size(7)
        .fields("operations(name)")
        .items()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(items.len(), 60);
    assert_eq!(items[59].name, Some(operation_name(59)));
    // The fake applied the mask: only names came back.
    assert!(items
        .iter()
        .all(|op| op.done.is_none() && op.metadata.is_none()));
    let requests = fake.requests();
    assert_eq!(requests.len(), 9, "60 items in pages of 7");
    assert!(requests
        .iter()
        .all(|r| r.param("fields") == Some("operations(name),nextPageToken")));
}

#[tokio::test]
async fn the_fake_drops_the_page_token_a_mask_does_not_select() {
    // The control of the test above: a single call keeps the caller's mask as it is, and the
    // fake then leaves nextPageToken out, as Google does.
    let fake = FakeOperations::start(TOKEN, 60).await;
    let client = builder(&fake).build().unwrap();

    let page = operations(&client)
        .list(PARENT)
        .page_size(7)
        .fields("operations(name)")
        .send()
        .await
        .unwrap();

    assert_eq!(page.operations.map(|ops| ops.len()), Some(7));
    assert_eq!(page.next_page_token, None);
    // The client sent the caller's mask as it is.
    assert_eq!(fake.requests()[0].param("fields"), Some("operations(name)"));
}

// ---- reply sizes ----------------------------------------------------------------------------

/// Tests that move tens of megabytes run one at a time, so that the memory check sees only
/// its own.
static BIG: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn large(bytes: u64, chunked: bool) -> Fault {
    Fault::Large {
        status: 200,
        bytes,
        chunked,
    }
}

fn assert_too_large(error: &Error, limit: u64) {
    assert!(
        matches!(error, Error::ReplyTooLarge { status: 200, limit: l } if *l == limit),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_50_mb_reply_is_refused_without_being_read() {
    let _big = BIG.lock().await;
    let fake = FakeOperations::start(TOKEN, 3).await;
    let client = builder(&fake).build().unwrap();
    fake.inject([large(50 * MB, false)]);

    let error = operations(&client)
        .get(operation_name(0))
        .send()
        .await
        .unwrap_err();

    assert_too_large(&error, DEFAULT_MAX_REPLY_SIZE);
    assert_eq!(fake.requests().len(), 1, "a reply too large is not retried");
    // What the connection's buffers took before the client closed it, far from the whole.
    let served = fake.large_bytes_served();
    assert!(served < 25 * MB, "{served} bytes served");
}

#[tokio::test]
async fn a_chunked_reply_without_a_length_is_cut_at_the_limit() {
    let _big = BIG.lock().await;
    let fake = FakeOperations::start(TOKEN, 3).await;
    let client = builder(&fake).build().unwrap();
    fake.inject([large(50 * MB, true)]);

    let error = operations(&client)
        .get(operation_name(0))
        .send()
        .await
        .unwrap_err();

    assert_too_large(&error, DEFAULT_MAX_REPLY_SIZE);
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn a_smaller_limit_is_honoured_both_ways() {
    let fake = FakeOperations::start(TOKEN, 3).await;
    let client = builder(&fake).max_reply_size(100_000).build().unwrap();
    fake.inject([
        large(100_001, false),
        large(100_001, true),
        large(100_000, false),
        large(100_000, true),
    ]);
    let get = || operations(&client).get(operation_name(0)).send();

    assert_too_large(&get().await.unwrap_err(), 100_000);
    assert_too_large(&get().await.unwrap_err(), 100_000);
    for _ in 0..2 {
        // A reply of exactly the limit is read and decoded (its padding kept as unknown).
        let operation = get().await.unwrap();
        let padding: String = operation.unknown_fields["padding"].parse().unwrap();
        assert_eq!(padding.len(), 100_000 - 14);
    }
}

#[tokio::test]
async fn an_error_reply_keeps_only_the_beginning_of_a_huge_body() {
    let _big = BIG.lock().await;
    let fake = FakeOperations::start(TOKEN, 3).await;
    let client = builder(&fake).build().unwrap();
    for chunked in [false, true] {
        fake.inject([Fault::Large {
            status: 400,
            bytes: 50 * MB,
            chunked,
        }]);

        let error = operations(&client)
            .get(operation_name(0))
            .send()
            .await
            .unwrap_err();

        let service = service_error(&error);
        assert_eq!(service.status, 400);
        assert_eq!(service.body.len(), 64 * 1024, "chunked: {chunked}");
        assert!(service.body.starts_with("{\"padding\":\"aaa"));
        assert!(error.to_string().len() < 1000);
    }
    assert!(fake.large_bytes_served() < 50 * MB);
}

#[tokio::test]
async fn refusing_a_50_mb_reply_does_not_grow_memory_by_its_size() {
    let _big = BIG.lock().await;
    let Some(baseline) = reset_peak_memory() else {
        eprintln!("no /proc/self/clear_refs: the peak memory check is Linux-only");
        return;
    };
    let fake = FakeOperations::start(TOKEN, 3).await;
    let client = builder(&fake).max_reply_size(MB).build().unwrap();
    fake.inject([large(50 * MB, false), large(50 * MB, true)]);

    for _ in 0..2 {
        let error = operations(&client)
            .get(operation_name(0))
            .send()
            .await
            .unwrap_err();
        assert_too_large(&error, MB);
    }

    let peak = memory_kb("VmHWM").expect("VmHWM") * 1000;
    let grown = peak.saturating_sub(baseline);
    // The client holds at most the limit (1 MB) of each reply; reading either reply whole would
    // grow the peak by 50 MB.
    assert!(grown < 20 * MB, "peak memory grew by {grown} bytes");
}

/// Resets the process's peak resident memory (Linux), returning the resident memory then.
fn reset_peak_memory() -> Option<u64> {
    std::fs::write("/proc/self/clear_refs", "5").ok()?;
    Some(memory_kb("VmRSS")? * 1000)
}

/// A `kB` line of /proc/self/status.
fn memory_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test]
async fn media_downloads_are_not_limited_by_the_reply_size() {
    let _big = BIG.lock().await;
    let media: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let recorder = Recorder::start(200, "video/mp4", media.clone()).await;
    let client = media_v1::Client::builder()
        .bearer_token(TOKEN)
        .max_reply_size(64 * 1024)
        .build()
        .unwrap();
    let service =
        media_v1::Service::with_base_url(&client, recorder.base_url(media_v1::SERVICE_PATH));

    let mut download = service
        .files()
        .get("b", "big.mp4")
        .download_stream()
        .await
        .unwrap();
    let mut received = 0;
    while let Some(piece) = download.chunk().await.unwrap() {
        received += piece.len();
    }
    assert_eq!(received, media.len());
    let whole = service
        .files()
        .get("b", "big.mp4")
        .download()
        .await
        .unwrap();
    assert_eq!(whole.body().len(), media.len());
    // A JSON reply of the same service is still limited.
    let error = service
        .files()
        .get("b", "big.mp4")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::ReplyTooLarge { .. }), "{error:?}");
}

// ---- status codes, redirects and bodies -------------------------------------------------------

#[tokio::test]
async fn odd_status_codes_are_service_errors_tried_once() {
    let fake = FakeOperations::start(TOKEN, 3).await;
    let client = builder(&fake).build().unwrap();
    for status in [999, 599, 418, 304, 300] {
        let before = fake.requests().len();
        fake.inject([Fault::Raw {
            status,
            headers: vec![],
            body: "\u{0}\u{1b}[31m not json".to_string(),
        }]);

        let error = operations(&client)
            .get(operation_name(0))
            .send()
            .await
            .unwrap_err();

        let service = service_error(&error);
        assert_eq!(service.status, status);
        assert_eq!(service.error, None);
        let _ = (error.to_string(), format!("{error:?}"), error.retry_after());
        let tries = fake.requests().len() - before;
        // 599 is a server error, but not one of the transient ones.
        assert_eq!(tries, 1, "HTTP {status}");
    }
}

#[tokio::test]
async fn a_server_s_text_cannot_forge_lines_in_error_messages() {
    let fake = FakeOperations::start(TOKEN, 3).await;
    let client = builder(&fake).build().unwrap();
    let forged = "denied\r\n2026-01-01T00:00:00Z  INFO forged: all good\u{1b}[2J";
    let html = "<html>\n\u{1b}]0;title\u{7}</html>";
    fake.inject([
        Fault::Raw {
            status: 403,
            headers: vec![],
            body: json!({"error": {"code": 403, "message": forged, "status": "PERMISSION_DENIED"}})
                .to_string(),
        },
        Fault::Raw {
            status: 502,
            headers: vec![],
            body: html.to_string(),
        },
    ]);

    for _ in 0..2 {
        let error = operations(&client)
            .get(operation_name(0))
            .without_retries()
            .send()
            .await
            .unwrap_err();

        let text = error.to_string();
        assert!(!text.contains(['\r', '\n', '\u{1b}', '\u{7}']), "{text:?}");
        // The text is still there, escaped, and kept as sent in the error itself.
        assert!(text.contains("\\r\\n") || text.contains("\\n"), "{text:?}");
        let service = service_error(&error);
        assert!(service.message() == Some(forged) || service.body == html);
    }
}

/// A reply written with `\n` line ends, sent with `\r\n`.
fn raw(reply: &str) -> Vec<u8> {
    reply.replace('\n', "\r\n").into_bytes()
}

/// A reply with this status line and body, and the body's true length.
fn with_body(status_line: &str, body: &str) -> String {
    format!("{status_line}\ncontent-length: {}\n\n{body}", body.len())
}

#[tokio::test]
async fn informational_replies_before_the_real_one_are_skipped() {
    let server = RawServer::start(vec![raw(
        "HTTP/1.1 100 Continue\n\nHTTP/1.1 103 Early Hints\nlink: </style.css>\n\n\
         HTTP/1.1 200 OK\ncontent-type: application/json\ncontent-length: 18\n\n{\"name\": \"op-103\"}",
    )])
    .await;
    let client = Client::builder()
        .root_url(server.base_url())
        .bearer_token(TOKEN)
        .retry_policy(policy())
        .build()
        .unwrap();

    let operation = operations(&client)
        .get(operation_name(0))
        .send()
        .await
        .unwrap();

    assert_eq!(operation.name.as_deref(), Some("op-103"));
    assert_eq!(server.connections(), 1, "one exchange, not retried");
}

#[tokio::test]
async fn replies_no_server_should_send_are_errors_not_panics() {
    let replies = [
        // A protocol switch nobody asked for.
        "HTTP/1.1 101 Switching Protocols\nupgrade: h2c\nconnection: upgrade\n\n",
        // A status line that is no status line.
        "HTTP/1.1 20 OK\ncontent-length: 2\n\n{}",
        "SSH-2.0-OpenSSH_9.6\n\n",
        // A length longer than the body.
        "HTTP/1.1 200 OK\ncontent-length: 100\n\n{}",
        // Two lengths that disagree.
        "HTTP/1.1 200 OK\ncontent-length: 2\ncontent-length: 3\n\n{}",
        // A length no u64 holds.
        "HTTP/1.1 200 OK\ncontent-length: 99999999999999999999999\n\n{}",
        // A chunk size no u64 holds.
        "HTTP/1.1 200 OK\ntransfer-encoding: chunked\n\nffffffffffffffffffff\n{}\n0\n\n",
        // JSON nested deeper than any model.
        &with_body("HTTP/1.1 200 OK", &"[".repeat(20_000)),
        &with_body("HTTP/1.1 500 Oops", &"{\"error\":".repeat(2_000)),
    ];
    for reply in replies {
        let server = RawServer::start(vec![raw(reply)]).await;
        let client = Client::builder()
            .root_url(server.base_url())
            .bearer_token(TOKEN)
            .retry_policy(policy().max_attempts(2))
            .attempt_timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        let started = Instant::now();

        let outcome = operations(&client).get(operation_name(0)).send().await;

        let shown = &reply[..reply.len().min(40)];
        let error = outcome.expect_err(shown);
        let _ = (error.to_string(), format!("{error:?}"), error.retry_after());
        assert!(started.elapsed() < Duration::from_secs(12), "{shown}");
    }
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed_and_carries_no_credential() {
    let fake = FakeOperations::start(TOKEN, 3).await;
    let elsewhere = Recorder::start(200, "application/json", b"{}".to_vec()).await;
    let api_key = "AIza-hostile-test-key";
    let client = builder(&fake).api_key(api_key).build().unwrap();
    for status in [301, 302, 303, 307, 308] {
        fake.inject([Fault::redirect(
            status,
            &format!("{}v1/stolen", elsewhere.base_url("")),
        )]);

        let error = operations(&client)
            .get(operation_name(0))
            .send()
            .await
            .unwrap_err();

        let service = service_error(&error);
        assert_eq!(service.status, status);
        assert!(service.headers.contains_key("location"));
    }
    assert!(
        elsewhere.requests().is_empty(),
        "{:?}",
        elsewhere.requests()
    );
}

#[tokio::test]
async fn a_redirect_within_the_same_origin_is_followed() {
    let fake = FakeOperations::start(TOKEN, 3).await;
    let client = builder(&fake).build().unwrap();
    let target = format!("/v1/{}", operation_name(1));
    fake.inject([Fault::redirect(307, &target)]);

    let operation = operations(&client)
        .get(operation_name(0))
        .send()
        .await
        .unwrap();

    assert_eq!(operation.name, Some(operation_name(1)));
    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].path, target);
    assert_eq!(requests[1].authorization, Some(format!("Bearer {TOKEN}")));
}

#[tokio::test]
async fn a_redirect_loop_ends() {
    let fake = FakeOperations::start(TOKEN, 3).await;
    let client = builder(&fake).build().unwrap();
    let target = format!("/v1/{}", operation_name(0));
    fake.inject((0..30).map(|_| Fault::redirect(302, &target)));

    let error = operations(&client)
        .get(operation_name(0))
        .send()
        .await
        .unwrap_err();

    // The last redirect comes back as the service's answer, which is not retried.
    assert_eq!(service_error(&error).status, 302);
    assert!(
        fake.requests().len() <= 12,
        "{} requests",
        fake.requests().len()
    );
}
