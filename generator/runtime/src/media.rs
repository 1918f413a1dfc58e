//! Media: uploads through a method's upload path (the media alone, or after the call's JSON
//! body as `multipart/related`), and downloads of a resource's media (`alt=media`), whole or
//! piece by piece.

use std::future::Future;

use bytes::Bytes;
use reqwest::header::{self, HeaderMap};

use crate::client::header_value;
use crate::error::{Error, Result};
use crate::request::{ApiRequest, Params};
use crate::response::Response;
use crate::send::{self, Prepared, Read, Target};

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
            let prepared = prepare_upload(&self, data, &mime_type)?;
            let api = &self.state().api;
            let reply = send::run(api, &prepared, Read::Json).await?;
            Ok(send::decode(reply, api.api.data_wrapper)?.into_body())
        }
    }
}

fn prepare_upload<R: ApiRequest>(request: &R, data: Bytes, mime_type: &str) -> Result<Prepared> {
    let Some(upload) = R::METHOD.upload else {
        return Err(Error::invalid(
            "upload",
            format!("{} takes no media", R::METHOD.id),
        ));
    };
    let state = request.state();
    let metadata = match request.body() {
        Some(body) if upload.multipart => {
            Some(send::encode_body(body, state.api.api.data_wrapper)?)
        }
        _ => None,
    };
    let media_type = header_value(mime_type, false).map_err(|r| Error::invalid("mime_type", r))?;
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
    let mut prepared = Prepared::new(state, R::METHOD, params, None, Some(target))?;
    let (content_type, body) = match metadata {
        None => (media_type, data),
        Some(metadata) => {
            let (content_type, body) = multipart_related(&metadata, &data, mime_type);
            let content_type =
                header_value(&content_type, false).map_err(|r| Error::invalid("mime_type", r))?;
            (content_type, body)
        }
    };
    prepared.headers.insert(header::CONTENT_TYPE, content_type);
    prepared.body = Some(body);
    Ok(prepared)
}

/// The metadata, then the media, as `multipart/related` with a boundary found in neither:
/// the `Content-Type` and the body.
fn multipart_related(metadata: &[u8], media: &[u8], mime_type: &str) -> (String, Bytes) {
    let boundary = loop {
        let candidate: String = std::iter::repeat_with(fastrand::alphanumeric)
            .take(32)
            .collect();
        let bytes = candidate.as_bytes();
        let occurs = |part: &[u8]| part.windows(bytes.len()).any(|w| w == bytes);
        if !occurs(metadata) && !occurs(media) {
            break candidate;
        }
    };
    let mut body = Vec::with_capacity(metadata.len() + media.len() + 256);
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(metadata);
    body.extend_from_slice(
        format!("\r\n--{boundary}\r\nContent-Type: {mime_type}\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(media);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (
        format!("multipart/related; boundary={boundary}"),
        Bytes::from(body),
    )
}

/// A call that can return a resource's media instead of its JSON description: implemented by
/// the builders of methods whose document says `supportsMediaDownload`.
pub trait MediaDownloadRequest: ApiRequest {
    /// Sends the call for the resource's media (`alt=media`) and returns its bytes with the
    /// reply's status and headers (`Content-Type` says what they are). The media is held in
    /// memory whole: use [`download_stream`](Self::download_stream) for large media.
    fn download(self) -> impl Future<Output = Result<Response<Bytes>>> + Send {
        async move {
            let prepared = prepare_download(&self)?;
            let reply = send::run(&self.state().api, &prepared, Read::Unlimited).await?;
            Ok(Response::new(reply.status, reply.headers, reply.body))
        }
    }

    /// As [`download`](Self::download), but hands back the media to read piece by piece as
    /// it arrives. Retries and the attempt timeout cover the wait for the reply's headers;
    /// reading takes as long as it takes.
    fn download_stream(self) -> impl Future<Output = Result<Download>> + Send {
        async move {
            let prepared = prepare_download(&self)?;
            let reply = send::run(&self.state().api, &prepared, Read::Stream).await?;
            let response = reply.stream.ok_or_else(|| {
                Error::UnexpectedReply("a streamed reply without a body".to_string())
            })?;
            Ok(Download {
                status: reply.status,
                headers: reply.headers,
                response,
            })
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
    Prepared::new(state, R::METHOD, params, None, Some(target))
}

/// Media read piece by piece, from `download_stream()`: the reply's status and headers, and
/// its body as it arrives.
#[derive(Debug)]
pub struct Download {
    status: u16,
    headers: HeaderMap,
    response: reqwest::Response,
}

impl Download {
    /// The HTTP status code (2xx).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The reply's headers (`Content-Type`, `Content-Length`...).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The next piece of the media as it arrives, or `None` after the last. A connection
    /// that breaks before the end is an error, never a short success.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>> {
        self.response.chunk().await.map_err(Error::transport)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_bodies_have_a_boundary_found_in_neither_part() {
        let (content_type, body) =
            multipart_related(br#"{"name":"a"}"#, b"\x00\x01media", "image/png");
        let boundary = content_type
            .strip_prefix("multipart/related; boundary=")
            .unwrap();
        let text = String::from_utf8_lossy(&body);
        assert!(text.starts_with(&format!("--{boundary}\r\nContent-Type: application/json")));
        assert!(text.contains("Content-Type: image/png\r\n\r\n\u{0}\u{1}media"));
        assert!(text.ends_with(&format!("\r\n--{boundary}--\r\n")));
    }
}
