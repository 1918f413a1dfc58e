//! Media: uploads through a method's upload path (the media alone, or after the call's JSON
//! body as `multipart/related`), from memory or streamed from a source; resumable uploads
//! ([`ResumableUpload`]); and downloads of a resource's media (`alt=media`), whole or
//! piece by piece (see [`Download`]).

use std::future::Future;

use bytes::Bytes;
use reqwest::header::{self, HeaderValue};

use crate::client::header_value;
pub use crate::download::Download;
use crate::error::{Error, Result};
use crate::request::{ApiRequest, Params};
use crate::response::Response;
use crate::send::{self, Prepared, Read, Target};
use crate::source::UploadSource;
use crate::upload::ResumableUpload;

/// A call that can carry media: implemented by the builders of methods whose document
/// declares a media upload.
pub trait MediaUploadRequest: ApiRequest {
    /// Sends the call with `data` as its media, of type `mime_type` (such as `image/png`),
    /// through the method's upload path: alone, or after the call's body as
    /// `multipart/related` when the method takes a body and the document allows it.
    fn upload(
        self,
        data: impl Into<Bytes>,
        mime_type: impl Into<String>,
    ) -> impl Future<Output = Result<Self::Reply>> + Send {
        let data = data.into();
        let mime_type = mime_type.into();
        async move {
            let (mut prepared, metadata) = prepare_upload(&self, &mime_type)?;
            let (content_type, body) = buffered_body(metadata, data, &mime_type)?;
            prepared.headers.insert(header::CONTENT_TYPE, content_type);
            prepared.body = Some(body);
            let api = &self.state().api;
            let reply = send::run(api, &prepared, Read::Json).await?;
            Ok(send::decode(reply, api.api.data_wrapper)?.into_body())
        }
    }

    /// As [`upload`](Self::upload), with the media read from `source` as it is sent (a file, a
    /// reader, a stream), so that it is never held in memory whole.
    ///
    /// A streamed body cannot be sent twice: the call is made once, whatever the retry
    /// policy, and its attempt timeout (60 s unless set with `with_attempt_timeout`) bounds
    /// the whole upload. Media held in memory ([`UploadSource::bytes`]) is sent as by
    /// [`upload`](Self::upload), with retries. For large media or unreliable networks, prefer
    /// [`upload_resumable`](Self::upload_resumable).
    ///
    /// In `multipart/related`, the boundary between the metadata and the media is 32 random
    /// letters and digits: it cannot be checked against media not yet read, and the chance that
    /// it occurs in it is nil for all practical purposes.
    fn upload_from(
        self,
        source: UploadSource,
        mime_type: impl Into<String>,
    ) -> impl Future<Output = Result<Self::Reply>> + Send {
        let mime_type = mime_type.into();
        async move {
            if let Some(data) = source.in_memory() {
                return self.upload(data, mime_type).await;
            }
            let (mut prepared, metadata) = prepare_upload(&self, &mime_type)?;
            let (content_type, body) = streamed_body(metadata, source, &mime_type)?;
            prepared.headers.insert(header::CONTENT_TYPE, content_type);
            let api = &self.state().api;
            let reply = send_streamed(api, prepared, body).await?;
            Ok(send::decode(reply, api.api.data_wrapper)?.into_body())
        }
    }

    /// Sets up a resumable upload of `source`, of type `mime_type`, for methods whose document
    /// declares the resumable protocol: the media travels in chunks, a failed chunk resumes
    /// where the server stands, and the session can be finished by another process. Send it
    /// with `.send().await`; see [`ResumableUpload`] for the chunk size, progress reports and
    /// the session URI.
    fn upload_resumable(
        self,
        source: UploadSource,
        mime_type: impl Into<String>,
    ) -> ResumableUpload<Self> {
        ResumableUpload::new(self, source, mime_type.into())
    }

    /// Resumes the resumable upload whose session URI is `session_uri` (from
    /// [`ResumableSession::uri`](crate::ResumableSession::uri), maybe in another process): asks
    /// the server how much it has, moves `source` there, and sends the rest.
    ///
    /// `source` is the same media as the session's. Bytes and files are moved to the server's
    /// offset. A reader or a stream is read forward to it (and dropped) from where it is:
    /// byte 0 of the media unless [`UploadSource::at_offset`] says it starts later, say at the
    /// offset the last progress report gave. A source that starts after the server's offset
    /// is refused, since the bytes in between cannot be sent. The call's own parameters and
    /// body are not sent again (the session has them); it gives the client, options and reply
    /// type.
    fn resume_upload(
        self,
        session_uri: impl Into<String>,
        source: UploadSource,
    ) -> ResumableUpload<Self> {
        ResumableUpload::resume(self, source, session_uri.into())
    }
}

/// What every upload of `request` through its simple or multipart path shares: the prepared
/// call (URL with `uploadType`, headers; no body yet), and its metadata when it travels with
/// the media as `multipart/related`.
fn prepare_upload<R: ApiRequest>(
    request: &R,
    mime_type: &str,
) -> Result<(Prepared, Option<Bytes>)> {
    let upload = R::METHOD.upload.ok_or_else(crate::upload::no_media::<R>)?;
    // Checked before anything is sent, whichever body it ends up in.
    media_type(mime_type)?;
    let state = request.state();
    let metadata = match request.body() {
        Some(body) if upload.multipart => {
            Some(send::encode_body(body, state.api.api.data_wrapper)?)
        }
        _ => None,
    };
    let kind = if metadata.is_some() {
        "multipart"
    } else {
        "media"
    };
    let mut params = Params::default();
    request.params(&mut params);
    let target = Target {
        prefix: &state.api.endpoint.root_url,
        path: upload.path,
        media_query: &[("uploadType", kind)],
    };
    let prepared = Prepared::new(state, R::METHOD, params, None, Some(target))?;
    Ok((prepared, metadata))
}

/// The body of an upload from memory and its content type: the media alone, or after the
/// metadata as `multipart/related`, with a boundary found in neither.
fn buffered_body(
    metadata: Option<Bytes>,
    data: Bytes,
    mime_type: &str,
) -> Result<(HeaderValue, Bytes)> {
    let Some(metadata) = metadata else {
        return Ok((media_type(mime_type)?, data));
    };
    let boundary = boundary_absent_from("", &[&metadata, &data]);
    let (head, tail) = multipart_frame(&boundary, &metadata, mime_type);
    let body = [&head[..], &data[..], &tail[..]].concat();
    Ok((related_type(&boundary)?, Bytes::from(body)))
}

/// As [`buffered_body`], with the media streamed from `source` (the boundary is checked against
/// the metadata only: the media is not read yet).
fn streamed_body(
    metadata: Option<Bytes>,
    source: UploadSource,
    mime_type: &str,
) -> Result<(HeaderValue, reqwest::Body)> {
    let Some(metadata) = metadata else {
        let body = source.into_body(Bytes::new(), Bytes::new());
        return Ok((media_type(mime_type)?, body));
    };
    let boundary = boundary_absent_from("", &[&metadata]);
    let (head, tail) = multipart_frame(&boundary, &metadata, mime_type);
    let body = source.into_body(Bytes::from(head), Bytes::from(tail));
    Ok((related_type(&boundary)?, body))
}

/// Sends a prepared upload with a streamed body, once (a stream cannot be replayed), within
/// the call's attempt timeout.
async fn send_streamed(
    api: &crate::ApiClient,
    prepared: Prepared,
    body: reqwest::Body,
) -> Result<send::Reply> {
    let limit = crate::attempts::Attempts::new(&prepared.options).limit()?;
    let method = prepared.method.http_method.to_reqwest();
    let response = crate::attempts::send_once(
        api,
        method,
        prepared.url,
        prepared.headers,
        Some(body),
        limit,
        false,
    )
    .await?;
    let reply = send::receive(response, Read::Json, api.client.inner.max_reply_size).await?;
    if !(200..300).contains(&reply.status) {
        return Err(Error::service(reply.status, reply.headers, &reply.body));
    }
    Ok(reply)
}

fn media_type(mime_type: &str) -> Result<HeaderValue> {
    header_value(mime_type, false).map_err(|r| Error::invalid("mime_type", r))
}

/// A multipart boundary: `prefix` and 32 random letters and digits, found in none of `parts`.
pub(crate) fn boundary_absent_from(prefix: &str, parts: &[&[u8]]) -> String {
    loop {
        let random: String = std::iter::repeat_with(fastrand::alphanumeric)
            .take(32)
            .collect();
        let candidate = format!("{prefix}{random}");
        let bytes = candidate.as_bytes();
        let occurs = |part: &&[u8]| part.windows(bytes.len()).any(|w| w == bytes);
        if !parts.iter().any(occurs) {
            return candidate;
        }
    }
}

/// What comes before and after the media in `multipart/related`: the metadata part and the
/// media part's headers, then the closing boundary.
fn multipart_frame(boundary: &str, metadata: &[u8], mime_type: &str) -> (Vec<u8>, Vec<u8>) {
    let mut head = Vec::with_capacity(metadata.len() + 160);
    head.extend_from_slice(
        format!("--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n").as_bytes(),
    );
    head.extend_from_slice(metadata);
    head.extend_from_slice(
        format!("\r\n--{boundary}\r\nContent-Type: {mime_type}\r\n\r\n").as_bytes(),
    );
    let tail = format!("\r\n--{boundary}--\r\n").into_bytes();
    (head, tail)
}

fn related_type(boundary: &str) -> Result<HeaderValue> {
    header_value(&format!("multipart/related; boundary={boundary}"), false)
        .map_err(|r| Error::invalid("mime_type", r))
}

/// A call that can return a resource's media instead of its JSON description: implemented by
/// the builders of methods whose document says `supportsMediaDownload`.
pub trait MediaDownloadRequest: ApiRequest {
    /// Sends the call for the resource's media (`alt=media`) and returns its bytes with the
    /// reply's status and headers (`Content-Type` says what they are). The media is held in
    /// memory whole: use [`download_stream`](Self::download_stream) for large media. It is
    /// read as that stream is: retries and the attempt timeout cover the wait for the reply's
    /// headers, a connection that stalls or breaks part-way is resumed where it broke when the
    /// server supports it, and the whole media takes as long as it takes.
    fn download(self) -> impl Future<Output = Result<Response<Bytes>>> + Send {
        async move {
            let mut download = self.download_stream().await?;
            let mut body = bytes::BytesMut::new();
            while let Some(piece) = download.chunk().await? {
                body.extend_from_slice(&piece);
            }
            let (status, headers) = download.into_parts();
            Ok(Response::new(status, headers, body.freeze()))
        }
    }

    /// As [`download`](Self::download), but hands back the media to read piece by piece as
    /// it arrives. Retries and the attempt timeout cover the wait for the reply's headers;
    /// reading takes as long as it takes. A connection that breaks part-way is resumed where
    /// it broke, when the server supports it (see [`Download`]).
    fn download_stream(self) -> impl Future<Output = Result<Download>> + Send {
        async move {
            let prepared = prepare_download(&self)?;
            let api = &self.state().api;
            let reply = send::run(api, &prepared, Read::Stream).await?;
            Download::start(api, prepared, reply)
        }
    }
}

fn prepare_download<R: ApiRequest>(request: &R) -> Result<Prepared> {
    let state = request.state();
    let mut params = Params::default();
    request.params(&mut params);
    let target = Target {
        prefix: &state.api.endpoint.base_url,
        path: R::METHOD.path,
        media_query: &[("alt", "media")],
    };
    let mut prepared = Prepared::new(state, R::METHOD, params, None, Some(target))?;
    // Media comes as stored: a compressed reply would be decompressed on the way, so that its
    // length and ranges no longer match what a resumed download asks for.
    prepared.headers.insert(
        reqwest::header::ACCEPT_ENCODING,
        reqwest::header::HeaderValue::from_static("identity"),
    );
    Ok(prepared)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_bodies_have_a_boundary_found_in_neither_part() {
        let (metadata, media) = (&br#"{"name":"a"}"#[..], &b"\x00\x01media"[..]);
        let boundary = boundary_absent_from("", &[metadata, media]);
        let (head, tail) = multipart_frame(&boundary, metadata, "image/png");
        let body = [&head[..], media, &tail[..]].concat();
        let text = String::from_utf8_lossy(&body);
        assert!(text.starts_with(&format!("--{boundary}\r\nContent-Type: application/json")));
        assert!(text.contains("Content-Type: image/png\r\n\r\n\u{0}\u{1}media"));
        assert!(text.ends_with(&format!("\r\n--{boundary}--\r\n")));
    }
}
