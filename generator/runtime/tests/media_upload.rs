//! Uploads over real HTTP against the in-process fake: resumable uploads (chunks, broken
//! connections, error statuses, untrusted replies, sessions resumed by a fresh client) and
//! streamed simple and multipart uploads.

mod media_api;
mod media_server;

use std::io::Cursor;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use discogen_runtime::prelude::*;
use discogen_runtime::{Client, Error, UploadSource};
use media_api::models::File;
use media_api::Service;
use media_server::{ChunkFault, Event, FakeServer, GRANULARITY};

const OCTETS: &str = "application/octet-stream";

/// A client that retries quickly, so that tests of failures stay fast.
fn client() -> Client {
    media_server::client_builder().build().unwrap()
}

fn random_bytes(len: usize) -> Vec<u8> {
    let mut rng = fastrand::Rng::with_seed(len as u64);
    std::iter::repeat_with(|| rng.u8(..)).take(len).collect()
}

fn named(name: &str) -> File {
    File {
        name: Some(name.into()),
        ..File::default()
    }
}

fn chunks(events: &[Event]) -> Vec<(u64, u64, u64)> {
    events
        .iter()
        .filter_map(|event| match event {
            Event::Chunk {
                start,
                received,
                persisted,
                ..
            } => Some((*start, *received, *persisted)),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_20_mb_upload_survives_a_cut_connection_without_resending_acknowledged_bytes() {
    let server = FakeServer::start().await;
    let service = Service::with_base_url(&client(), server.base_url());
    let data = random_bytes(20_000_000);
    let chunk = 8 * GRANULARITY as u64;
    // The fourth chunk breaks after 1,000,000 of its bytes; the server keeps 3 × 256 KiB.
    server.fault_chunk(4, ChunkFault::Cut { after: 1_000_000 });
    let progress = Arc::new(Mutex::new(Vec::new()));
    let seen = progress.clone();
    // A reader: not seekable, of unknown length, so only the current chunk can be resent.
    let source = UploadSource::reader(Cursor::new(data.clone()));
    let file = service
        .files()
        .insert(named("big.bin"))
        .upload_resumable(source, OCTETS)
        .chunk_size(chunk as usize)
        .on_progress(move |p| seen.lock().unwrap().push((p.sent, p.total)))
        .send()
        .await
        .unwrap();

    assert_eq!(file.size, Some(20_000_000));
    assert_eq!(file.name.as_deref(), Some("big.bin"));
    assert_eq!(server.file("big.bin").unwrap(), data);
    assert_eq!(server.resent_acknowledged(), 0);
    let events = server.events();
    let chunks = chunks(&events);
    let kept = 3 * chunk + 3 * GRANULARITY as u64;
    assert_eq!(chunks[3], (3 * chunk, 1_000_000, kept));
    // The client asked the server what it had, and went on from there, mid-chunk.
    let cut = events
        .iter()
        .position(|e| {
            matches!(
                e,
                Event::Chunk {
                    received: 1_000_000,
                    ..
                }
            )
        })
        .unwrap();
    assert!(matches!(
        events[cut + 1],
        Event::StatusQuery { persisted, .. } if persisted == kept
    ));
    assert_eq!(chunks[4].0, kept);
    // Every chunk but the last is whole; the only bytes sent twice are those the cut lost.
    let sent: u64 = chunks.iter().map(|c| c.1).sum();
    assert_eq!(sent, 20_000_000 + (1_000_000 - 3 * GRANULARITY as u64));
    let declared = events.iter().find_map(|e| match e {
        Event::SessionStarted {
            declared,
            content_type,
            metadata,
            ..
        } => Some((*declared, content_type.clone(), metadata["name"].clone())),
        _ => None,
    });
    assert_eq!(declared, Some((None, OCTETS.to_string(), "big.bin".into())));

    let progress = progress.lock().unwrap().clone();
    assert!(progress.len() >= 10, "{progress:?}");
    assert!(progress.windows(2).all(|w| w[0].0 < w[1].0), "{progress:?}");
    assert!(progress.contains(&(kept, None)), "{progress:?}");
    assert_eq!(progress.last(), Some(&(20_000_000, Some(20_000_000))));
}

/// Starts an upload whose source fails after `fails_after` bytes (a producer that died): the
/// session URI, and the last progress reported, as a process would have saved them.
async fn interrupted_upload(server: &FakeServer, data: &[u8], fails_after: usize) -> (String, u64) {
    let service = Service::with_base_url(&client(), server.base_url());
    let mut pieces: Vec<Result<Bytes, std::io::Error>> = data[..fails_after]
        .chunks(GRANULARITY)
        .map(|piece| Ok(Bytes::copy_from_slice(piece)))
        .collect();
    pieces.push(Err(std::io::Error::other("the producer died")));
    let saved = Arc::new(Mutex::new(0));
    let progress = saved.clone();
    let session = service
        .files()
        .insert(named("resumed.bin"))
        .upload_resumable(
            UploadSource::stream(futures_util::stream::iter(pieces)),
            OCTETS,
        )
        .chunk_size(4 * GRANULARITY)
        .on_progress(move |p| *progress.lock().unwrap() = p.sent)
        .start()
        .await
        .unwrap();
    let uri = session.uri().to_string();
    assert_eq!(session.offset(), 0);
    let error = session.send().await.unwrap_err();
    assert!(matches!(error, Error::Source(_)), "{error}");
    assert!(error.to_string().contains("the producer died"), "{error}");
    let saved = *saved.lock().unwrap();
    assert_eq!(server.persisted(&uri), saved);
    assert!(saved > 0);
    (uri, saved)
}

#[tokio::test]
async fn an_upload_resumes_from_its_saved_session_uri_in_a_fresh_client() {
    let server = FakeServer::start().await;
    let data = random_bytes(5 * 1024 * 1024 + 12_345);
    let (uri, saved) = interrupted_upload(&server, &data, 3 * 1024 * 1024).await;

    // Another process: a fresh client, the saved URI, a reader positioned at the saved offset.
    let service = Service::with_base_url(&client(), server.base_url());
    let rest = Cursor::new(data[saved as usize..].to_vec());
    let source = UploadSource::reader(rest).at_offset(saved);
    let session = service
        .files()
        .insert(File::default())
        .resume_upload(&uri, source)
        .chunk_size(4 * GRANULARITY)
        .start()
        .await
        .unwrap();
    assert_eq!(session.offset(), saved);
    let file = session.send().await.unwrap();

    assert_eq!(file.size, Some(data.len() as i64));
    assert_eq!(server.file("resumed.bin").unwrap(), data);
    assert_eq!(server.resent_acknowledged(), 0);
    let events = server.events();
    let sessions = events
        .iter()
        .filter(|e| matches!(e, Event::SessionStarted { .. }))
        .count();
    assert_eq!(sessions, 1);
    let resumed = chunks(&events).into_iter().find(|c| c.0 >= saved).unwrap();
    assert_eq!(resumed.0, saved);
}

#[tokio::test]
async fn a_resumed_source_is_moved_to_the_servers_offset() {
    let server = FakeServer::start().await;
    let data = random_bytes(3 * 1024 * 1024 + 7);
    let service = Service::with_base_url(&client(), server.base_url());
    let path = std::env::temp_dir().join(format!("discogen-resume-{}.bin", std::process::id()));
    std::fs::write(&path, &data).unwrap();
    #[allow(unused_mut)]
    let mut sources: Vec<(&str, UploadSource)> = vec![
        ("bytes", UploadSource::bytes(data.clone())),
        (
            "reader from 0",
            UploadSource::reader(Cursor::new(data.clone())),
        ),
    ];
    #[cfg(feature = "fs")]
    sources.push(("file", UploadSource::file(&path).await.unwrap()));
    for (what, source) in sources {
        let (uri, _) = interrupted_upload(&server, &data, 2 * 1024 * 1024).await;
        let file = service
            .files()
            .insert(File::default())
            .resume_upload(&uri, source)
            .chunk_size(4 * GRANULARITY)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(file.size, Some(data.len() as i64), "{what}");
        assert_eq!(server.file("resumed.bin").unwrap(), data, "{what}");
    }
    std::fs::remove_file(&path).unwrap();
    assert_eq!(server.resent_acknowledged(), 0);

    // A reader that starts after the server's offset cannot fill the gap: refused, and nothing
    // but the status query is sent.
    let (uri, saved) = interrupted_upload(&server, &data, 2 * 1024 * 1024).await;
    let before = server.events().len();
    let late =
        UploadSource::reader(Cursor::new(data[saved as usize + 1..].to_vec())).at_offset(saved + 1);
    let error = service
        .files()
        .insert(File::default())
        .resume_upload(&uri, late)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error}");
    let after = server.events();
    assert!(
        matches!(after[before..], [Event::StatusQuery { .. }]),
        "{after:?}"
    );
}

#[tokio::test]
async fn a_chunk_answered_with_503_is_resumed_after_asking_the_server() {
    let server = FakeServer::start().await;
    let service = Service::with_base_url(&client(), server.base_url());
    let data = random_bytes(5 * GRANULARITY);
    server.fault_chunk(2, ChunkFault::Status(503));
    let source = UploadSource::bytes(data.clone());
    let file = service
        .files()
        .insert(named("retried.bin"))
        .upload_resumable(source, OCTETS)
        .chunk_size(2 * GRANULARITY)
        .send()
        .await
        .unwrap();
    assert_eq!(file.size, Some(data.len() as i64));
    assert_eq!(server.file("retried.bin").unwrap(), data);
    assert_eq!(server.resent_acknowledged(), 0);
    let events = server.events();
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::StatusQuery { persisted, .. } if *persisted == 2 * GRANULARITY as u64)));
    // A known length is declared up front, and every chunk says the total.
    assert!(matches!(
        events[0],
        Event::SessionStarted { declared: Some(d), .. } if d == data.len() as u64
    ));
}

#[tokio::test]
async fn a_chunk_that_times_out_is_not_sent_again_when_the_server_has_it() {
    let server = FakeServer::start().await;
    let client = media_server::client_builder()
        .attempt_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let service = Service::with_base_url(&client, server.base_url());
    let data = random_bytes(3 * GRANULARITY);
    // The server keeps the first chunk but answers too late: the client gives up on the
    // request, asks what the server has, and goes on with the second chunk.
    server.fault_chunk(1, ChunkFault::Delay(Duration::from_secs(3)));
    let file = service
        .files()
        .insert(named("slow.bin"))
        .upload_resumable(UploadSource::bytes(data.clone()), OCTETS)
        .chunk_size(2 * GRANULARITY)
        .send()
        .await
        .unwrap();
    assert_eq!(file.size, Some(data.len() as i64));
    assert_eq!(server.file("slow.bin").unwrap(), data);
    let starts: Vec<u64> = chunks(&server.events()).iter().map(|c| c.0).collect();
    assert_eq!(starts, [0, 2 * GRANULARITY as u64]);
}

#[tokio::test]
async fn untrusted_replies_end_the_upload_with_an_error() {
    let server = FakeServer::start().await;
    let service = Service::with_base_url(&client(), server.base_url());
    let data = random_bytes(4 * GRANULARITY);
    let upload = |source: UploadSource| {
        service
            .files()
            .insert(named("x.bin"))
            .upload_resumable(source, OCTETS)
            .chunk_size(GRANULARITY)
            .send()
    };

    // A range that goes back, or beyond what was sent.
    server.fault_chunk(2, ChunkFault::Range("bytes=0-9".into()));
    let error = upload(UploadSource::bytes(data.clone())).await.unwrap_err();
    assert!(matches!(error, Error::UnexpectedReply(_)), "{error}");
    assert!(error.to_string().contains("fewer"), "{error}");
    let beyond = format!("bytes=0-{}", 5 * GRANULARITY);
    let nth = chunks(&server.events()).len() as u64 + 1;
    server.fault_chunk(nth, ChunkFault::Range(beyond));
    let error = upload(UploadSource::bytes(data.clone())).await.unwrap_err();
    assert!(error.to_string().contains("only"), "{error}");
    let nth = chunks(&server.events()).len() as u64 + 1;
    server.fault_chunk(nth, ChunkFault::Range("bytes=zero-one".into()));
    let error = upload(UploadSource::bytes(data.clone())).await.unwrap_err();
    assert!(error.to_string().contains("Range"), "{error}");

    // A session URI that is not http(s).
    for location in ["file:///etc/passwd", "gopher://127.0.0.1/x"] {
        server.next_location(location);
        let error = upload(UploadSource::bytes(data.clone())).await.unwrap_err();
        assert!(matches!(error, Error::UnexpectedReply(_)), "{error}");
        assert!(error.to_string().contains("not http(s)"), "{error}");
    }

    // A session on another origin (here another port of the same host): refused before any
    // chunk, which would carry the token, is sent there.
    let elsewhere = FakeServer::start().await;
    server.next_location(&format!(
        "{}upload/elsewhere?upload_id=x",
        elsewhere.base_url()
    ));
    let error = upload(UploadSource::bytes(data.clone())).await.unwrap_err();
    assert!(matches!(error, Error::UnexpectedReply(_)), "{error}");
    assert!(error.to_string().contains("credentials"), "{error}");
    assert!(elsewhere.events().is_empty(), "{:?}", elsewhere.events());

    // A saved session URI is checked the same way.
    let error = service
        .files()
        .insert(File::default())
        .resume_upload("ftp://example.com/x", UploadSource::bytes(data.clone()))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error}");
}

#[tokio::test]
async fn chunk_sizes_that_are_not_multiples_of_256_kib_are_refused_before_sending() {
    let server = FakeServer::start().await;
    let service = Service::with_base_url(&client(), server.base_url());
    for size in [0, 1000, GRANULARITY + 1] {
        let error = service
            .files()
            .insert(named("x.bin"))
            .upload_resumable(UploadSource::bytes(vec![1; 10]), OCTETS)
            .chunk_size(size)
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::InvalidRequest { parameter, .. } if parameter == "chunk_size"),
            "{error}"
        );
    }
    assert!(server.events().is_empty());
}

#[tokio::test]
async fn empty_and_exact_multiple_uploads_finish() {
    let server = FakeServer::start().await;
    let service = Service::with_base_url(&client(), server.base_url());
    for (name, len) in [("empty.bin", 0), ("two.bin", 2 * GRANULARITY)] {
        let data = random_bytes(len);
        // A stream of unknown length: the client reads ahead to know a chunk is the last.
        let items: Vec<Result<Bytes, std::io::Error>> = data
            .chunks(1000)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        let source = UploadSource::stream(futures_util::stream::iter(items));
        let file = service
            .files()
            .insert(named(name))
            .upload_resumable(source, OCTETS)
            .chunk_size(GRANULARITY)
            .send()
            .await
            .unwrap();
        assert_eq!(file.size, Some(len as i64));
        assert_eq!(server.file(name).unwrap(), data);
    }
}

#[tokio::test]
async fn simple_and_multipart_uploads_stream_their_source() {
    let server = FakeServer::start().await;
    let service = Service::with_base_url(&client(), server.base_url());
    let data = random_bytes(3 * 1024 * 1024 + 5);

    // With a body, the metadata and the media travel together as multipart/related.
    let known = UploadSource::reader(Cursor::new(data.clone())).with_length(data.len() as u64);
    let file = service
        .files()
        .insert(named("multi.bin"))
        .upload_from(known, "image/png")
        .await
        .unwrap();
    assert_eq!(file.size, Some(data.len() as i64));
    assert_eq!(file.content_type.as_deref(), Some("image/png"));
    assert_eq!(server.file("multi.bin").unwrap(), data);

    // Of unknown length: sent with chunked transfer encoding.
    let unknown = UploadSource::reader(Cursor::new(data.clone()));
    service
        .files()
        .insert(named("chunked.bin"))
        .upload_from(unknown, "image/png")
        .await
        .unwrap();
    assert_eq!(server.file("chunked.bin").unwrap(), data);

    let uploads: Vec<(String, u64, bool)> = server
        .events()
        .into_iter()
        .filter_map(|e| match e {
            Event::Upload {
                kind, len, chunked, ..
            } => Some((kind, len, chunked)),
            _ => None,
        })
        .collect();
    let len = data.len() as u64;
    assert_eq!(
        uploads,
        [
            ("multipart".to_string(), len, false),
            ("multipart".to_string(), len, true)
        ]
    );

    // A source that yields less than it declared fails the upload rather than sending a
    // body other than the one announced.
    let short = UploadSource::reader(Cursor::new(vec![0u8; 10])).with_length(11);
    let error = service
        .files()
        .insert(named("short.bin"))
        .upload_from(short, "image/png")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error}");
    assert!(server.file("short.bin").is_none());
}

#[test]
fn upload_futures_are_send() {
    fn send<T: Send>(_: T) {}
    let service = Service::new(&Client::builder().build().unwrap());
    let call = || service.files().insert(File::default());
    send(
        call()
            .upload_resumable(UploadSource::bytes(vec![]), OCTETS)
            .send(),
    );
    send(
        call()
            .upload_resumable(UploadSource::bytes(vec![]), OCTETS)
            .start(),
    );
    send(call().upload_from(UploadSource::bytes(vec![]), OCTETS));
}
