//! Scripted long-running operations and listings of the test double, through the runtime's
//! own polling and paging.

mod double_api;

use std::panic::AssertUnwindSafe;

use discogen_runtime::testing::{Double, ErrorReply, OperationScript, Pages};
use discogen_runtime::{Error, Progress};
use double_api::models::{Hub, OperationMetadata};
use double_api::prelude::*;
use double_api::resources::projects::locations::global::hubs::{self, HubsResource};
use double_api::resources::projects::locations::operations;
use double_api::Service;
use futures_util::{StreamExt, TryStreamExt};

const PARENT: &str = "projects/p/locations/global";

fn hub(name: &str) -> Hub {
    Hub {
        name: Some(name.to_string()),
        ..Hub::default()
    }
}

fn metadata(verb: &str) -> OperationMetadata {
    OperationMetadata {
        verb: Some(verb.to_string()),
        target: Some(format!("{PARENT}/hubs/h")),
        ..OperationMetadata::default()
    }
}

async fn start() -> (Double, HubsResource) {
    let double = Double::start().await;
    let hubs = Service::new(&double.client())
        .projects()
        .locations()
        .global()
        .hubs();
    (double, hubs)
}

#[tokio::test]
async fn an_operation_runs_for_its_polls_then_succeeds() {
    let (double, hubs) = start().await;
    let created = hub(&format!("{PARENT}/hubs/h"));
    double
        .expect(hubs.create(PARENT, Hub::default()).hub_id("h"))
        .error(ErrorReply::unavailable("busy"))
        .operation(
            OperationScript::succeeds(created.clone())
                .running_for(2)
                .metadata(metadata("create")),
        );

    let hub = hubs
        .create(PARENT, Hub::default())
        .hub_id("h")
        .send_and_wait(Double::poll_policy())
        .await
        .unwrap();
    assert_eq!(hub, created);

    // The 503 retried, the start, then two polls that find it running and one done; the
    // name follows the pattern of `operations.get`.
    let polls = double.received::<operations::GetCall>();
    assert_eq!(double.received::<hubs::CreateCall>().len(), 2);
    assert_eq!(polls.len(), 3);
    assert!(polls
        .iter()
        .all(|poll| poll.raw().path == "/v1/projects/p/locations/l/operations/op-1"));
    double.verify();
}

#[tokio::test]
async fn an_operation_reports_its_metadata_while_it_runs() {
    let (double, hubs) = start().await;
    double
        .expect(hubs.create(PARENT, Hub::default()))
        .operation(
            OperationScript::succeeds(hub("done"))
                .running_for(1)
                .metadata(metadata("create")),
        );
    let poller = hubs.create(PARENT, Hub::default()).start().await.unwrap();
    assert_eq!(poller.name(), "projects/p/locations/l/operations/op-1");
    let progress: Vec<_> = poller
        .with_policy(Double::poll_policy())
        .progress()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        progress,
        [
            Progress::Running(Some(metadata("create"))),
            Progress::Running(Some(metadata("create"))),
            Progress::Done(hub("done")),
        ]
    );
    double.verify();
}

#[tokio::test]
async fn an_operation_that_fails_ends_in_its_status() {
    let (double, hubs) = start().await;
    double
        .expect(hubs.create(PARENT, Hub::default()))
        .operation(OperationScript::fails(9, "the hub limit is reached").running_for(1));
    let error = hubs
        .create(PARENT, Hub::default())
        .send_and_wait(Double::poll_policy())
        .await
        .unwrap_err();
    let Error::Operation { name, status } = error else {
        panic!("an operation error: {error:?}")
    };
    assert_eq!(
        name.as_deref(),
        Some("projects/p/locations/l/operations/op-1")
    );
    assert_eq!(
        (status.code, status.message.as_deref()),
        (Some(9), Some("the hub limit is reached"))
    );
    double.verify();
}

#[tokio::test]
async fn operations_are_numbered_and_polled_apart() {
    let (double, hubs) = start().await;
    double
        .expect(hubs.create(PARENT, Hub::default()))
        .operation(OperationScript::succeeds(hub("one")))
        .operation(OperationScript::succeeds(hub("two")).running_for(3));
    let first = hubs.create(PARENT, Hub::default()).start().await.unwrap();
    let second = hubs.create(PARENT, Hub::default()).start().await.unwrap();
    assert_eq!(second.name(), "projects/p/locations/l/operations/op-2");
    let second = second
        .with_policy(Double::poll_policy())
        .wait()
        .await
        .unwrap();
    let first = first
        .with_policy(Double::poll_policy())
        .wait()
        .await
        .unwrap();
    assert_eq!((first, second), (hub("one"), hub("two")));
    double.verify();
}

#[tokio::test]
async fn paging_through_three_pages_by_the_calls_page_size() {
    let (double, hubs) = start().await;
    let all: Vec<Hub> = (0..5)
        .map(|i| hub(&format!("{PARENT}/hubs/h{i}")))
        .collect();
    double.expect(hubs.list(PARENT)).pages(all.clone());

    let pages: Vec<_> = hubs
        .list(PARENT)
        .page_size(2)
        .pages()
        .try_collect()
        .await
        .unwrap();
    let sizes: Vec<usize> = pages
        .iter()
        .map(|p| p.hubs.as_ref().map_or(0, Vec::len))
        .collect();
    assert_eq!(sizes, [2, 2, 1]);
    assert!(pages[2].next_page_token.is_none());

    let lists = double.received::<hubs::ListCall>();
    assert_eq!(lists.len(), 3);
    assert!(lists.iter().all(|list| list.query("pageSize") == Some("2")));
    assert_eq!(lists[0].query("pageToken"), None);
    assert_eq!(
        lists[1].query("pageToken"),
        pages[0].next_page_token.as_deref()
    );
    double.verify();
}

#[tokio::test]
async fn items_of_a_listing_with_its_default_page_size() {
    let (double, hubs) = start().await;
    let all: Vec<Hub> = (0..5).map(|i| hub(&format!("h{i}"))).collect();
    // Paging adds `nextPageToken` to the field mask the code sets: the expectation's mask
    // still matches.
    double
        .expect(
            hubs.list(PARENT)
                .filter("labels.env = prod")
                .fields("hubs(name)"),
        )
        .pages(Pages::of(all.clone()).default_page_size(2));
    let items: Vec<Hub> = hubs
        .list(PARENT)
        .filter("labels.env = prod")
        .fields("hubs(name)")
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, all);
    let requests = double.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(
        requests[0].query("fields"),
        Some("hubs(name),nextPageToken")
    );
    double.verify();
}

#[tokio::test]
async fn an_unfinished_listing_is_unmet_and_a_foreign_page_token_unexpected() {
    let (double, hubs) = start().await;
    let all: Vec<Hub> = (0..3).map(|i| hub(&format!("h{i}"))).collect();
    double.expect(hubs.list(PARENT)).pages(all);
    let first = hubs
        .list(PARENT)
        .page_size(1)
        .pages()
        .next()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.hubs.map(|h| h.len()), Some(1));
    let error = hubs
        .list(PARENT)
        .page_token("forged")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.http_status(), Some(501));

    let problems = double.problems();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].contains("its page token is not one the expectation sent"),
        "{}",
        problems[0]
    );
    assert!(
        problems[1].contains(
            "answered 0 of 1 time(s) (a listing is answered once its last page is served)"
        ),
        "{}",
        problems[1]
    );
    let caught = std::panic::catch_unwind(AssertUnwindSafe(move || double.verify()));
    assert!(caught.is_err());
}

#[tokio::test]
async fn an_empty_listing_is_one_empty_page() {
    let (double, hubs) = start().await;
    double.expect(hubs.list(PARENT)).pages(Vec::new());
    let pages: Vec<_> = hubs.list(PARENT).pages().try_collect().await.unwrap();
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].hubs.as_deref(), Some(&[][..]));
    double.verify();
}
