//! Batch requests over real HTTP against the in-process fake: typed replies and errors per
//! call, in the order added, from one HTTP request; transient parts resent when idempotent;
//! the limit of 1,000 calls.

mod media_api;
mod media_server;

use discogen_runtime::prelude::*;
use discogen_runtime::{ApiRequest, Batch, Client, Error, MAX_BATCH_CALLS};
use media_api::models::Note;
use media_api::Service;
use media_server::{Event, FakeServer};

fn client() -> Client {
    media_server::client_builder().build().unwrap()
}

fn batches(server: &FakeServer) -> Vec<Vec<String>> {
    server
        .events()
        .into_iter()
        .filter_map(|e| match e {
            Event::Batch { calls } => Some(calls),
            _ => None,
        })
        .collect()
}

fn note(text: &str) -> Note {
    Note {
        text: Some(text.into()),
        ..Note::default()
    }
}

#[tokio::test]
async fn three_calls_one_failing_make_one_http_request() {
    let server = FakeServer::start().await;
    let service = Service::with_base_url(&client(), server.base_url());
    let notes = service.notes();

    let mut batch = service.batch();
    let a = batch.add(notes.get("a"));
    let missing = batch.add(notes.get("missing"));
    let created = batch.add(notes.create(note("hello")));
    assert_eq!(batch.len(), 3);
    batch.send().await.unwrap();

    // The fake answers in reverse order: replies are matched by Content-ID.
    let a = a.take().unwrap();
    assert_eq!(a.name.as_deref(), Some("notes/a"));
    assert_eq!(a.text.as_deref(), Some("first"));
    let error = missing.take().unwrap_err();
    let service_error = error.as_service().expect("a Google error per part");
    assert_eq!(service_error.status, 404);
    assert_eq!(service_error.status_name(), Some("NOT_FOUND"));
    assert_eq!(service_error.message(), Some("note missing not found"));
    let created = created.take().unwrap();
    assert_eq!(created.text.as_deref(), Some("hello"));

    let events = server.events();
    assert_eq!(events.len(), 1, "one HTTP request: {events:?}");
    let calls = &batches(&server)[0];
    assert_eq!(calls.len(), 3);
    assert!(
        calls[0].starts_with("GET /mediaapi/v1/notes/a?"),
        "{calls:?}"
    );
    assert!(
        calls[1].starts_with("GET /mediaapi/v1/notes/missing?"),
        "{calls:?}"
    );
    assert!(
        calls[2].starts_with("POST /mediaapi/v1/notes?"),
        "{calls:?}"
    );
    assert!(calls[2].contains("requestId="), "{calls:?}");
}

#[tokio::test]
async fn transient_parts_are_resent_only_when_idempotent() {
    let server = FakeServer::start().await;
    let service = Service::with_base_url(&client(), server.base_url());
    let notes = service.notes();
    server.fault_note("a", 503);
    server.fault_note("create", 503);

    let mut batch = service.batch();
    let get = batch.add(notes.get("a"));
    let delete = batch.add(notes.delete("b"));
    // A create without a request ID is not idempotent: its 503 is returned as is.
    let create = batch.add(notes.create(note("x")).without_request_id());
    batch.send().await.unwrap();

    assert_eq!(get.take().unwrap().text.as_deref(), Some("first"));
    delete.take().unwrap();
    let error = create.take().unwrap_err();
    assert_eq!(error.http_status(), Some(503), "{error}");
    let batches = batches(&server);
    assert_eq!(batches.len(), 2, "{batches:?}");
    assert_eq!(
        batches[1].len(),
        1,
        "only the failed GET is resent: {batches:?}"
    );
    assert!(batches[1][0].starts_with("GET /mediaapi/v1/notes/a"));
}

#[tokio::test]
async fn a_batch_failing_as_a_whole_is_retried_only_when_every_call_is_idempotent() {
    let server = FakeServer::start().await;
    let service = Service::with_base_url(&client(), server.base_url());
    let notes = service.notes();

    server.fault_batch(503);
    let mut batch = service.batch();
    let a = batch.add(notes.get("a"));
    let created = batch.add(notes.create(note("safe: it has a request ID")));
    batch.send().await.unwrap();
    assert_eq!(a.take().unwrap().text.as_deref(), Some("first"));
    assert!(created.take().is_ok());
    assert_eq!(batches(&server).len(), 2);

    server.fault_batch(503);
    let mut batch = service.batch();
    let a = batch.add(notes.get("a"));
    let created = batch.add(notes.create(note("x")).without_request_id());
    let error = batch.send().await.unwrap_err();
    assert_eq!(error.http_status(), Some(503), "{error}");
    assert_eq!(batches(&server).len(), 3, "not retried");
    assert!(a
        .take()
        .unwrap_err()
        .to_string()
        .contains("failed as a whole"));
    assert!(created.take().is_err());
}

#[tokio::test]
async fn a_batch_sends_at_most_max_attempts_requests_whatever_fails() {
    let server = FakeServer::start().await;
    let policy = media_server::quick_retries().max_attempts(3);
    let client = Client::builder().retry_policy(policy).build().unwrap();
    let service = Service::with_base_url(&client, server.base_url());
    let notes = service.notes();
    // The first round gets through, with the GET answered 503; every round after fails as a
    // whole. The call's retry and the whole batch's share the 3 attempts.
    server.fault_note("a", 503);
    server.fault_batch(0);
    for _ in 0..10 {
        server.fault_batch(503);
    }

    let mut batch = service.batch();
    let a = batch.add(notes.get("a"));
    batch.send().await.unwrap();

    let error = a.take().unwrap_err();
    assert_eq!(error.http_status(), Some(503), "{error}");
    assert_eq!(batches(&server).len(), 3, "one request per attempt");
}

#[tokio::test]
async fn more_than_1000_calls_are_refused_before_sending() {
    let server = FakeServer::start().await;
    let service = Service::with_base_url(&client(), server.base_url());
    let mut batch = service.batch();
    let replies: Vec<_> = (0..=MAX_BATCH_CALLS)
        .map(|i| batch.add(service.notes().get(format!("n{i}"))))
        .collect();
    let error = batch.send().await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error}");
    assert!(error.to_string().contains("1000"), "{error}");
    assert!(server.events().is_empty());
    let first = replies.into_iter().next().unwrap().take().unwrap_err();
    assert!(first.to_string().contains("not sent"), "{first}");
}

#[tokio::test]
async fn invalid_calls_get_their_error_and_the_rest_is_sent() {
    let server = FakeServer::start().await;
    let service = Service::with_base_url(&client(), server.base_url());
    let elsewhere = Service::with_base_url(&client(), "http://127.0.0.2:9/mediaapi/v1/");
    let mut batch = Batch::new(&{
        // The batch of the API as bound by the service (what `service.batch()` does).
        let call = service.notes().get("a");
        call.state().api().clone()
    });
    let bad_header = batch.add(service.notes().get("a").with_header("x-test", "a\nb"));
    let other_host = batch.add(elsewhere.notes().get("a"));
    let fine = batch.add(service.notes().get("b"));
    assert_eq!(batch.len(), 1);
    batch.send().await.unwrap();
    assert!(matches!(
        bad_header.take(),
        Err(Error::InvalidRequest { .. })
    ));
    let error = other_host.take().unwrap_err();
    assert!(error.to_string().contains("another host"), "{error}");
    assert_eq!(fine.take().unwrap().text.as_deref(), Some("second"));
}

#[test]
fn batch_futures_are_send() {
    fn send<T: Send>(_: T) {}
    let service = Service::new(&Client::builder().build().unwrap());
    send(service.batch().send());
}
