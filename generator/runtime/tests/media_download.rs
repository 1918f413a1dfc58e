//! Downloads over real HTTP against the in-process fake: streamed media resumed with `Range`
//! after a broken connection, and refused when the server cannot send the exact rest.

mod media_api;
mod media_server;

use std::time::Duration;

use bytes::Bytes;
use discogen_runtime::prelude::*;
use discogen_runtime::{Client, Error};
use media_api::Service;
use media_server::{DownloadFault, Event, FakeServer};

fn client() -> Client {
    media_server::client_builder().build().unwrap()
}

fn media(len: usize) -> Bytes {
    let mut rng = fastrand::Rng::with_seed(3);
    Bytes::from(
        std::iter::repeat_with(|| rng.u8(..))
            .take(len)
            .collect::<Vec<u8>>(),
    )
}

fn ranges(server: &FakeServer) -> Vec<Option<String>> {
    server
        .events()
        .into_iter()
        .filter_map(|e| match e {
            Event::Download { range, .. } => Some(range),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_download_that_stalls_is_resumed_after_the_read_timeout() {
    let server = FakeServer::start().await;
    let data = media(300_000);
    server.put_file("f", data.clone());
    server.fault_download(DownloadFault::Stall { after: 100_000 });
    let client = media_server::client_builder()
        .read_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let service = Service::with_base_url(&client, server.base_url());

    // Bounded loosely: the stalled connection would hold the download for a minute.
    let received = tokio::time::timeout(Duration::from_secs(30), async {
        let mut download = service.files().get("f").download_stream().await?;
        let mut received = Vec::new();
        while let Some(piece) = download.chunk().await? {
            received.extend_from_slice(&piece);
        }
        Ok::<_, Error>(received)
    })
    .await
    .expect("the stalled download was not given up")
    .unwrap();

    assert!(
        received == data,
        "the resumed download differs from the media"
    );
    assert_eq!(ranges(&server), [None, Some("bytes=100000-".to_string())]);
}

#[tokio::test]
async fn a_download_cut_midway_resumes_with_range() {
    let server = FakeServer::start().await;
    let data = media(3_000_000);
    server.put_file("f", data.clone());
    server.fault_download(DownloadFault::Cut { after: 1_000_000 });
    let service = Service::with_base_url(&client(), server.base_url());

    let mut download = service.files().get("f").download_stream().await.unwrap();
    assert_eq!(download.status(), 200);
    let mut received = Vec::new();
    while let Some(piece) = download.chunk().await.unwrap() {
        received.extend_from_slice(&piece);
    }

    assert_eq!(received.len(), data.len());
    assert!(
        received == data,
        "the resumed download differs from the media"
    );
    let ranges = ranges(&server);
    assert_eq!(ranges.len(), 2, "{ranges:?}");
    assert_eq!(ranges[0], None);
    // The rest was asked for from where the connection broke: at most the 1,000,000 bytes the
    // server sent before breaking it (usually all of them arrive).
    let from: usize = ranges[1]
        .as_deref()
        .and_then(|r| r.strip_prefix("bytes=")?.strip_suffix('-')?.parse().ok())
        .unwrap_or_else(|| panic!("{ranges:?}"));
    assert!(from > 0 && from <= 1_000_000, "{ranges:?}");
}

#[tokio::test]
async fn a_server_that_ignores_ranges_ends_the_download_with_an_error() {
    let server = FakeServer::start().await;
    let data = media(2_000_000);
    server.put_file("f", data.clone());
    server.fault_download(DownloadFault::Cut { after: 500_000 });
    server.fault_download(DownloadFault::IgnoreRange);
    // JSON replies are limited to less than the media: the whole media sent again is not read.
    let client = media_server::client_builder()
        .max_reply_size(1_000_000)
        .build()
        .unwrap();
    let service = Service::with_base_url(&client, server.base_url());

    let mut download = service.files().get("f").download_stream().await.unwrap();
    let mut received = Vec::new();
    let error = loop {
        match download.chunk().await {
            Ok(Some(piece)) => received.extend_from_slice(&piece),
            Ok(None) => panic!("a short or duplicated body ended as a success"),
            Err(error) => break error,
        }
    };
    assert!(matches!(error, Error::UnexpectedReply(_)), "{error}");
    assert!(error.to_string().contains("200"), "{error}");
    // What was handed out is the media's beginning, nothing twice (at most what the server
    // sent before cutting the connection: the last bytes may be lost with it).
    assert!(received.len() <= 500_000, "{}", received.len());
    assert!(data.starts_with(&received));
}

#[tokio::test]
async fn a_whole_download_cut_midway_resumes_with_range() {
    let server = FakeServer::start().await;
    let data = media(3_000_000);
    server.put_file("f", data.clone());
    server.fault_download(DownloadFault::Cut { after: 1_000_000 });
    let service = Service::with_base_url(&client(), server.base_url());

    let reply = service.files().get("f").download().await.unwrap();

    assert!(reply.body() == &data, "the resumed download differs");
    let ranges = ranges(&server);
    assert_eq!(
        ranges.len(),
        2,
        "asked for the rest, not again from the start: {ranges:?}"
    );
    assert!(ranges[1].is_some(), "{ranges:?}");
}

#[tokio::test]
async fn whole_downloads_still_work() {
    let server = FakeServer::start().await;
    let data = media(100_000);
    server.put_file("f", data.clone());
    let service = Service::with_base_url(&client(), server.base_url());
    let reply = service.files().get("f").download().await.unwrap();
    assert_eq!(reply.body(), &data);
    assert_eq!(reply.header("etag"), Some("\"etag-100000\""));
}
