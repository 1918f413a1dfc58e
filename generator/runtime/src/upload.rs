//! Resumable uploads (Google's resumable upload protocol): a session is started with the call's
//! metadata, then the media is sent in chunks, each a `PUT` to the session URI with its
//! `Content-Range`, which the server acknowledges (`308 Resume Incomplete` and how much it has
//! in `Range`) until the last one, which it answers with the call's reply.
//!
//! Only the current chunk is held in memory, and what the server has acknowledged is never sent
//! again: when a chunk fails (an error status worth retrying, a broken connection, a timeout),
//! the client waits as the call's retry policy says, asks the server how much it has
//! (`Content-Range: bytes */total`), and goes on from there. The session URI can be kept to
//! finish the upload in another process.
//!
//! What the server sends (the session URI, its ranges, its statuses) is checked before it is
//! used: a session URI that is not http(s), a range that goes back or beyond what was sent, a
//! completion before the last byte, all end the upload with an error.

use std::fmt;
use std::marker::PhantomData;

use bytes::{Bytes, BytesMut};
use reqwest::header::{self, HeaderMap, HeaderValue};

use crate::api::ApiClient;
use crate::attempts::{self, Attempts};
use crate::client::header_value;
use crate::error::{Error, Result};
use crate::options::RequestOptions;
use crate::ranges;
use crate::request::{ApiRequest, Params};
use crate::send::{self, Prepared, Read, Reply, Target};
use crate::source::UploadSource;

/// Chunk sizes are multiples of 256 KiB, as the protocol requires of every chunk but the last.
pub const CHUNK_GRANULARITY: usize = 256 * 1024;

/// The chunk size unless one is chosen: 16 MiB, as Google's Go client. Larger chunks need fewer
/// requests; smaller ones hold less in memory and resend less after a failure.
pub const DEFAULT_CHUNK_SIZE: usize = 64 * CHUNK_GRANULARITY;

/// How far a resumable upload has gone: reported after every chunk the server acknowledges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UploadProgress {
    /// Bytes of the media the server has acknowledged (which it will not need again).
    pub sent: u64,
    /// The media's size, when known (always known once the upload is done).
    pub total: Option<u64>,
}

type ProgressCallback = Box<dyn FnMut(UploadProgress) + Send>;

/// How a resumable upload begins.
enum Begin {
    /// A new session, for media of this MIME type.
    New { mime_type: String },
    /// A session started before, maybe by another process.
    Resume { uri: String },
}

/// A resumable upload being set up, from
/// [`MediaUploadRequest::upload_resumable`](crate::MediaUploadRequest::upload_resumable) or
/// [`resume_upload`](crate::MediaUploadRequest::resume_upload): choose the chunk size and a
/// progress callback, then [`send`](Self::send) it, or [`start`](Self::start) it to learn the
/// session URI first.
///
/// The call's retry policy and timeouts apply to each chunk: the attempt timeout bounds each
/// request, the policy's attempts and elapsed limit count the failures of one chunk (starting
/// afresh once it is through), and the call's timeout (`with_timeout`) bounds each chunk, its
/// retries included, as Go's `ChunkRetryDeadline` does: how long a whole upload of unknown
/// size takes cannot be foreseen.
pub struct ResumableUpload<R: ApiRequest> {
    request: R,
    source: UploadSource,
    begin: Begin,
    chunk_size: usize,
    progress: Option<ProgressCallback>,
}

impl<R: ApiRequest> fmt::Debug for ResumableUpload<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResumableUpload")
            .field("method", &R::METHOD.id)
            .field("source", &self.source)
            .field("chunk_size", &self.chunk_size)
            .finish_non_exhaustive()
    }
}

impl<R: ApiRequest> ResumableUpload<R> {
    pub(crate) fn new(request: R, source: UploadSource, mime_type: String) -> Self {
        Self::with(request, source, Begin::New { mime_type })
    }

    pub(crate) fn resume(request: R, source: UploadSource, uri: String) -> Self {
        Self::with(request, source, Begin::Resume { uri })
    }

    fn with(request: R, source: UploadSource, begin: Begin) -> Self {
        ResumableUpload {
            request,
            source,
            begin,
            chunk_size: DEFAULT_CHUNK_SIZE,
            progress: None,
        }
    }

    /// Sends the media in chunks of `bytes`: a non-zero multiple of 256 KiB
    /// ([`CHUNK_GRANULARITY`]), else the upload fails before anything is sent. This much memory
    /// is held while uploading. Default: [`DEFAULT_CHUNK_SIZE`].
    pub fn chunk_size(mut self, bytes: usize) -> Self {
        self.chunk_size = bytes;
        self
    }

    /// Calls `report` after each chunk the server acknowledges, and once the upload is done.
    pub fn on_progress(mut self, report: impl FnMut(UploadProgress) + Send + 'static) -> Self {
        self.progress = Some(Box::new(report));
        self
    }

    /// Starts the session (or, for a resumed one, asks the server how much it has and moves the
    /// source there), without sending media yet: keep
    /// [`ResumableSession::uri`] to resume in another process.
    pub async fn start(self) -> Result<ResumableSession<R>> {
        check_chunk_size(self.chunk_size)?;
        let ResumableUpload {
            request,
            mut source,
            begin,
            chunk_size,
            progress,
        } = self;
        let api = request.state().api.clone();
        let options = attempts::resolved_options(request.state());
        let (uri, status) = match begin {
            Begin::New { mime_type } => {
                if source.offset() != 0 {
                    return Err(Error::invalid(
                        "source",
                        "a new upload starts at the media's first byte: `at_offset` is for \
                         resuming",
                    ));
                }
                let uri = start_session(&request, source.total(), &mime_type).await?;
                (uri, Status::Incomplete(0))
            }
            Begin::Resume { uri } => {
                let uri = checked_uri(&uri, &api.endpoint.root_url, "session_uri")?;
                let mut attempts = Attempts::new(&options);
                let status = ask(&api, &uri, source.total(), &mut attempts).await?;
                if let Status::Incomplete(offset) = status {
                    // The source is moved to where the server stands (or refused, when it
                    // cannot get there); `skip_to` also refuses an offset beyond its end.
                    source.skip_to(offset).await?;
                }
                (uri, status)
            }
        };
        let mut session = ResumableSession {
            api,
            uri,
            options,
            source,
            chunk_size,
            progress,
            persisted: 0,
            done: None,
            reply: PhantomData,
        };
        match status {
            Status::Incomplete(offset) => session.persisted = offset,
            Status::Complete(reply) => session.done = Some(*reply),
        }
        Ok(session)
    }

    /// Starts (or resumes) the session and sends the media, chunk by chunk, until the server
    /// answers with the call's reply.
    pub async fn send(self) -> Result<R::Reply> {
        self.start().await?.send().await
    }
}

/// A started resumable upload: its session URI, how much the server has, and what is left to
/// [`send`](Self::send).
pub struct ResumableSession<R: ApiRequest> {
    api: ApiClient,
    uri: reqwest::Url,
    options: RequestOptions,
    source: UploadSource,
    chunk_size: usize,
    progress: Option<ProgressCallback>,
    /// Bytes the server has acknowledged.
    persisted: u64,
    /// The server's final reply, when it had every byte already.
    done: Option<Reply>,
    reply: PhantomData<fn() -> R>,
}

impl<R: ApiRequest> fmt::Debug for ResumableSession<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResumableSession")
            .field("method", &R::METHOD.id)
            .field("persisted", &self.persisted)
            .field("done", &self.done.is_some())
            .finish_non_exhaustive()
    }
}

impl<R: ApiRequest> ResumableSession<R> {
    /// The session URI: give it to
    /// [`resume_upload`](crate::MediaUploadRequest::resume_upload) to finish the upload later
    /// or elsewhere (Google keeps sessions for about a week). It authorises the upload: keep
    /// it as you would a credential.
    pub fn uri(&self) -> &str {
        self.uri.as_str()
    }

    /// Bytes of the media the server has.
    pub fn offset(&self) -> u64 {
        self.persisted
    }

    /// Sends the rest of the media, chunk by chunk, and returns the call's reply.
    pub async fn send(mut self) -> Result<R::Reply> {
        let reply = match self.done.take() {
            Some(reply) => reply,
            None => {
                let span = tracing::info_span!(
                    "google_api_upload",
                    api = self.api.api.name,
                    method = R::METHOD.id,
                    chunk_size = self.chunk_size,
                    offset = self.persisted,
                );
                let reply = tracing::Instrument::instrument(self.upload(), span).await?;
                let sent = self.source.offset();
                self.report(sent, Some(sent));
                reply
            }
        };
        let reply = send::decode::<R::Reply>(reply, self.api.api.data_wrapper)?;
        Ok(reply.into_body())
    }

    /// The chunk loop. `buffer` always holds the bytes from the server's offset on: what the
    /// server acknowledges is dropped from its front, the source tops it up to a whole chunk.
    async fn upload(&mut self) -> Result<Reply> {
        let mut buffer = BytesMut::new();
        loop {
            let ended = self
                .source
                .fill(&mut buffer, self.chunk_size)
                .await
                .map_err(Error::Source)?;
            let last = ended || self.source.at_end().await.map_err(Error::Source)?;
            // Taken whole, not `split`: the buffer must not keep a share of the chunk's memory,
            // so that the memory can be taken back once the server acknowledges the chunk.
            let chunk = std::mem::take(&mut buffer).freeze();
            let total = match last {
                true => Some(self.persisted + chunk.len() as u64),
                false => self.source.total(),
            };
            tracing::debug!(
                offset = self.persisted,
                len = chunk.len(),
                last,
                "sending a chunk of a resumable upload"
            );
            match self.send_chunk(&chunk, total, last).await? {
                Status::Complete(reply) => return Ok(*reply),
                Status::Incomplete(persisted) => {
                    let acknowledged = (persisted - self.persisted) as usize;
                    self.persisted = persisted;
                    self.report(persisted, total);
                    buffer = rest_of(chunk, acknowledged);
                }
            }
        }
    }

    /// Sends `chunk` (the bytes from the server's offset on) until the server acknowledges
    /// some of it or ends the upload. After a failure the server is asked what it has before
    /// anything is sent again, so that nothing it acknowledged is sent twice.
    async fn send_chunk(
        &mut self,
        chunk: &Bytes,
        total: Option<u64>,
        last: bool,
    ) -> Result<Status> {
        let start = self.persisted;
        let sent_end = start + chunk.len() as u64;
        let range = ranges::content_range(start, chunk.len() as u64, total);
        let mut attempts = Attempts::new(&self.options);
        loop {
            let limit = attempts.limit()?;
            let outcome = put(&self.api, &self.uri, chunk.clone(), &range, limit).await;
            let (error, transient) = match outcome.and_then(|r| judge(r, start, sent_end, last)) {
                // An acknowledgement of nothing (or a last, empty request that does not finish
                // the upload) is retried as a failure, so that a server that never moves cannot
                // keep the client sending forever.
                Ok(Status::Incomplete(persisted)) if persisted == start => {
                    let error =
                        format!("the server acknowledged none of the chunk at byte {start}");
                    (Error::UnexpectedReply(error), true)
                }
                Ok(status) => return Ok(status),
                Err(error) => {
                    let transient = error.is_transient(true);
                    (error, transient)
                }
            };
            attempts.wait_or_fail(error, transient).await?;
            match ask(&self.api, &self.uri, total, &mut attempts).await? {
                Status::Incomplete(persisted) => {
                    check_persisted(persisted, start, sent_end)?;
                    if persisted > start {
                        return Ok(Status::Incomplete(persisted));
                    }
                }
                Status::Complete(reply) if last => return Ok(Status::Complete(reply)),
                Status::Complete(_) => return Err(early_end(start)),
            }
        }
    }

    fn report(&mut self, sent: u64, total: Option<u64>) {
        if let Some(report) = &mut self.progress {
            report(UploadProgress { sent, total });
        }
    }
}

/// What the server has of an upload.
enum Status {
    /// This many bytes, and it waits for more.
    Incomplete(u64),
    /// Everything: its reply to the call.
    Complete(Box<Reply>),
}

/// The buffer after the server acknowledged its first `acknowledged` bytes: the rest, in the
/// same memory when no one else holds it (so that memory stays at one chunk), else copied.
fn rest_of(chunk: Bytes, acknowledged: usize) -> BytesMut {
    let mut rest = BytesMut::from(chunk);
    bytes::Buf::advance(&mut rest, acknowledged);
    rest
}

fn check_chunk_size(bytes: usize) -> Result<()> {
    if bytes == 0 || !bytes.is_multiple_of(CHUNK_GRANULARITY) {
        return Err(Error::invalid(
            "chunk_size",
            format!(
                "a chunk size must be a non-zero multiple of 256 KiB ({CHUNK_GRANULARITY} bytes), \
                 as the resumable upload protocol requires; {bytes} is not"
            ),
        ));
    }
    Ok(())
}

/// Starts a session: a `POST` of the call's metadata to the method's resumable path, with the
/// media's type and size in `X-Upload-Content-*`; the server answers with the session URI in
/// `Location`. Retried as the call's policy allows: a session that is started twice costs
/// nothing but an unused URI.
async fn start_session<R: ApiRequest>(
    request: &R,
    total: Option<u64>,
    mime_type: &str,
) -> Result<reqwest::Url> {
    let upload = R::METHOD.upload.ok_or_else(|| no_media::<R>())?;
    let path = upload.resumable_path.ok_or_else(|| {
        Error::invalid(
            "upload",
            format!("{} takes no resumable uploads", R::METHOD.id),
        )
    })?;
    if let (Some(max), Some(total)) = (upload.max_size, total) {
        if total > max {
            return Err(Error::invalid(
                "upload",
                format!(
                    "{total} bytes is more than the {max} bytes {} takes",
                    R::METHOD.id
                ),
            ));
        }
    }
    let state = request.state();
    let api = &state.api;
    let metadata = match request.body() {
        Some(body) => Some(send::encode_body(body, api.api.data_wrapper)?),
        None => None,
    };
    let mut params = Params::default();
    request.params(&mut params);
    let target = Target {
        prefix: &api.endpoint.root_url,
        path,
        media_query: &[("uploadType", "resumable")],
    };
    let mut prepared = Prepared::new(state, R::METHOD, params, metadata, Some(target))?;
    prepared.idempotent = prepared.options.idempotent.unwrap_or(true);
    let content_type =
        header_value(mime_type, false).map_err(|r| Error::invalid("mime_type", r))?;
    prepared
        .headers
        .insert("x-upload-content-type", content_type);
    if let Some(total) = total {
        prepared
            .headers
            .insert("x-upload-content-length", HeaderValue::from(total));
    }
    let reply = send::run(api, &prepared, Read::Json).await?;
    let location = reply
        .headers
        .get(header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .ok_or_else(|| {
            Error::UnexpectedReply("the server started no upload session (no Location)".into())
        })?;
    // A relative Location is relative to the request's URL.
    let uri = prepared.url.join(location).map_err(|e| {
        Error::UnexpectedReply(format!("the upload session's Location is no URL: {e}"))
    })?;
    check_session_uri(uri, &api.endpoint.root_url).map_err(Error::UnexpectedReply)
}

pub(crate) fn no_media<R: ApiRequest>() -> Error {
    Error::invalid("upload", format!("{} takes no media", R::METHOD.id))
}

/// A session URI given by the caller, checked as one from the server would be.
fn checked_uri(uri: &str, root_url: &str, what: &'static str) -> Result<reqwest::Url> {
    let parsed =
        reqwest::Url::parse(uri).map_err(|e| Error::invalid(what, format!("not a URL: {e}")))?;
    check_session_uri(parsed, root_url).map_err(|reason| Error::invalid(what, reason))
}

/// Every chunk carries the call's credentials, so a session URI is used only where the API
/// itself is reached: http(s), never plain http for an https API, and on the API's own origin
/// (scheme, host and port), as Google's session URIs are. A server (or a proxy) that names
/// another host gets no token.
fn check_session_uri(
    uri: reqwest::Url,
    root_url: &str,
) -> std::result::Result<reqwest::Url, String> {
    match uri.scheme() {
        "https" => {}
        "http" if !root_url.starts_with("https:") => {}
        "http" => return Err("the upload session URI is plain http for an https API".into()),
        scheme => {
            return Err(format!(
                "the upload session URI has scheme `{scheme}`, not http(s)"
            ))
        }
    }
    let api = reqwest::Url::parse(root_url)
        .map_err(|e| format!("the API's root URL is no URL: {e}"))?
        .origin();
    if uri.origin() != api {
        return Err(format!(
            "the upload session URI is on {}, not on the API's {}: its chunks would carry \
             the call's credentials there",
            uri.origin().ascii_serialization(),
            api.ascii_serialization()
        ));
    }
    Ok(uri)
}

/// One `PUT` of bytes to the session URI.
async fn put(
    api: &ApiClient,
    uri: &reqwest::Url,
    body: Bytes,
    content_range: &str,
    limit: Option<std::time::Duration>,
) -> Result<Reply> {
    let mut headers = HeaderMap::new();
    let range = HeaderValue::from_str(content_range)
        .map_err(|_| Error::invalid("Content-Range", "not a header value"))?;
    headers.insert(header::CONTENT_RANGE, range);
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
    let response = attempts::send_once(
        api,
        reqwest::Method::PUT,
        uri.clone(),
        headers,
        Some(body.into()),
        limit,
        false,
    )
    .await?;
    send::receive(response, Read::Json, api.client.inner.max_reply_size).await
}

/// Asks the server how much it has: an empty `PUT` with `Content-Range: bytes */total`.
async fn query(
    api: &ApiClient,
    uri: &reqwest::Url,
    total: Option<u64>,
    limit: Option<std::time::Duration>,
) -> Result<Status> {
    let reply = put(
        api,
        uri,
        Bytes::new(),
        &ranges::content_range(0, 0, total),
        limit,
    )
    .await?;
    match reply.status {
        200..=299 => Ok(Status::Complete(Box::new(reply))),
        308 => Ok(Status::Incomplete(persisted(&reply)?)),
        status => Err(Error::service(status, reply.headers, &reply.body)),
    }
}

/// [`query`], retried as the call's policy allows.
async fn ask(
    api: &ApiClient,
    uri: &reqwest::Url,
    total: Option<u64>,
    attempts: &mut Attempts,
) -> Result<Status> {
    loop {
        match query(api, uri, total, attempts.limit()?).await {
            Ok(status) => return Ok(status),
            Err(error) => {
                let transient = error.is_transient(true);
                attempts.wait_or_fail(error, transient).await?;
            }
        }
    }
}

/// The server's answer to a chunk of bytes `start..sent_end`.
fn judge(reply: Reply, start: u64, sent_end: u64, last: bool) -> Result<Status> {
    match reply.status {
        200..=299 if last => Ok(Status::Complete(Box::new(reply))),
        200..=299 => Err(early_end(sent_end)),
        308 => {
            let persisted = persisted(&reply)?;
            check_persisted(persisted, start, sent_end)?;
            Ok(Status::Incomplete(persisted))
        }
        status => Err(Error::service(status, reply.headers, &reply.body)),
    }
}

fn persisted(reply: &Reply) -> Result<u64> {
    let range = reply.headers.get(header::RANGE).map(HeaderValue::as_bytes);
    ranges::persisted_bytes(range).map_err(Error::UnexpectedReply)
}

/// A server never has less than it acknowledged (those bytes are gone from memory, and a
/// reader cannot go back for them), nor more than it was sent.
fn check_persisted(persisted: u64, acknowledged: u64, sent_end: u64) -> Result<()> {
    if persisted < acknowledged {
        return Err(Error::UnexpectedReply(format!(
            "the server now has {persisted} bytes of the upload, fewer than the {acknowledged} \
             it acknowledged: the session is broken, start a new upload"
        )));
    }
    if persisted > sent_end {
        return Err(Error::UnexpectedReply(format!(
            "the server claims {persisted} bytes of the upload, but only {sent_end} were sent"
        )));
    }
    Ok(())
}

fn early_end(at: u64) -> Error {
    Error::UnexpectedReply(format!(
        "the server ended the upload at byte {at}, before the media's last byte was sent"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, range: Option<&str>) -> Reply {
        let mut headers = HeaderMap::new();
        if let Some(range) = range {
            headers.insert(header::RANGE, HeaderValue::from_str(range).unwrap());
        }
        Reply {
            status,
            headers,
            body: Bytes::new(),
            stream: None,
        }
    }

    #[test]
    fn chunk_sizes_are_multiples_of_256_kib() {
        assert!(check_chunk_size(CHUNK_GRANULARITY).is_ok());
        assert!(check_chunk_size(DEFAULT_CHUNK_SIZE).is_ok());
        for bad in [0, 1, CHUNK_GRANULARITY + 1, 1000 * 1000] {
            let error = check_chunk_size(bad).unwrap_err().to_string();
            assert!(error.contains("256 KiB"), "{error}");
        }
    }

    #[test]
    fn ranges_that_go_back_or_beyond_are_refused() {
        let ok = judge(reply(308, Some("bytes=0-99")), 50, 200, false).unwrap();
        assert!(matches!(ok, Status::Incomplete(100)));
        assert!(matches!(
            judge(reply(308, None), 0, 200, false).unwrap(),
            Status::Incomplete(0)
        ));
        for (range, start) in [("bytes=0-9", 50), ("bytes=0-200", 50), ("junk", 0)] {
            let error = judge(reply(308, Some(range)), start, 200, false);
            assert!(matches!(error, Err(Error::UnexpectedReply(_))), "{range}");
        }
        assert!(matches!(
            judge(reply(200, None), 0, 200, false),
            Err(Error::UnexpectedReply(_))
        ));
        assert!(matches!(
            judge(reply(503, None), 0, 200, false),
            Err(Error::Service(_))
        ));
    }

    #[test]
    fn session_uris_are_http_or_https_without_downgrade_on_the_api_s_origin() {
        let https = "https://x.googleapis.com/";
        assert!(checked_uri("https://x.googleapis.com/upload?upload_id=1", https, "u").is_ok());
        assert!(checked_uri("https://x.googleapis.com:443/u?upload_id=1", https, "u").is_ok());
        for elsewhere in [
            "https://evil.example/upload?upload_id=1",
            "https://x.googleapis.com:8443/upload",
            "https://x.googleapis.com.evil.example/upload",
        ] {
            let error = checked_uri(elsewhere, https, "u").unwrap_err().to_string();
            assert!(error.contains("credentials"), "{elsewhere}: {error}");
        }
        assert!(checked_uri("http://127.0.0.1:2/upload", "http://127.0.0.1:1/", "u").is_err());
        assert!(checked_uri("http://x.googleapis.com/upload", https, "u").is_err());
        assert!(checked_uri("http://127.0.0.1:1/upload", "http://127.0.0.1:1/", "u").is_ok());
        assert!(checked_uri("file:///etc/passwd", "http://127.0.0.1:1/", "u").is_err());
        assert!(checked_uri("javascript:alert(1)", https, "u").is_err());
        assert!(checked_uri("not a url", https, "u").is_err());
    }

    #[test]
    fn acknowledged_bytes_leave_the_buffer_without_a_copy() {
        let chunk = Bytes::from(vec![7u8; 1024]);
        let pointer = chunk.as_ptr();
        let rest = rest_of(chunk, 1000);
        assert_eq!(rest.len(), 24);
        assert_eq!(rest.as_ptr(), pointer.wrapping_add(1000));
    }
}
