//! Media read piece by piece ([`Download`]), resumed where it broke: when the connection fails
//! part-way, the rest is asked for with `Range: bytes=N-` (and `If-Range`, so that a resource
//! changed in between is not stitched to the old one's beginning). Only a `206` whose
//! `Content-Range` starts exactly at `N` and has the same total is accepted; anything else ends
//! the download with an error, never with a body that is short or has bytes twice.

use std::fmt;

use bytes::Bytes;
use reqwest::header::{self, HeaderMap, HeaderValue};

use crate::api::ApiClient;
use crate::attempts::{self, Attempts};
use crate::error::{Error, Result};
use crate::ranges;
use crate::send::{Prepared, Reply};

/// Media read piece by piece, from `download_stream()`: the reply's status and headers, and
/// its body as it arrives.
///
/// When the connection breaks before the end, the download resumes where it broke, as the
/// call's retry policy allows (the policy's attempts count failures in a row; any piece
/// received starts the count afresh): with `Range: bytes=N-`, and `If-Range` with the
/// reply's `ETag` or `Last-Modified`. The server must answer `206 Partial Content` from byte
/// `N` of the same representation; otherwise (it ignores ranges, the resource changed) the
/// download ends with [`Error::UnexpectedReply`]. A reply sent with a `Content-Encoding` is
/// not resumed, since its ranges would count encoded bytes. The call's timeout
/// (`with_timeout`) bounds each resumption with its retries, counted from the last piece
/// received, not the whole download: media takes as long as it takes to arrive.
pub struct Download {
    status: u16,
    headers: HeaderMap,
    response: reqwest::Response,
    resume: Option<Box<Resume>>,
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("resumable", &self.resume.is_some())
            .field("received", &self.resume.as_ref().map(|r| r.received))
            .finish()
    }
}

/// What resuming needs: the request, and what was received of which representation.
struct Resume {
    api: ApiClient,
    url: reqwest::Url,
    /// The request's own headers (the client's are added to each request).
    headers: HeaderMap,
    attempts: Attempts,
    /// Bytes received so far.
    received: u64,
    /// The media's size, from the first reply's `Content-Length`.
    total: Option<u64>,
    /// `If-Range`: the first reply's strong `ETag`, else its `Last-Modified`.
    validator: Option<HeaderValue>,
}

/// The answer to a resumed request.
enum Resumed {
    /// The rest of the media.
    Rest(reqwest::Response),
    /// Not the rest of the same media: why.
    Refused(String),
}

impl Download {
    /// The download of a successful streamed reply to `prepared`.
    pub(crate) fn start(api: &ApiClient, prepared: Prepared, reply: Reply) -> Result<Download> {
        let response = reply
            .stream
            .ok_or_else(|| Error::UnexpectedReply("a streamed reply without a body".to_string()))?;
        let resume = resumable(reply.status, &reply.headers).then(|| {
            Box::new(Resume {
                api: api.clone(),
                url: prepared.url,
                headers: prepared.headers,
                attempts: Attempts::new(&prepared.options),
                received: 0,
                total: content_length(&reply.headers),
                validator: validator(&reply.headers),
            })
        });
        Ok(Download {
            status: reply.status,
            headers: reply.headers,
            response,
            resume,
        })
    }

    /// The HTTP status code (2xx).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The reply's headers (`Content-Type`, `Content-Length`...).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The status and headers of the reply, once the media is read.
    pub(crate) fn into_parts(self) -> (u16, HeaderMap) {
        (self.status, self.headers)
    }

    /// The next piece of the media as it arrives, or `None` after the last. A connection
    /// that breaks before the end is resumed when it can be, and is an error otherwise, never
    /// a short success.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>> {
        loop {
            match self.response.chunk().await {
                Ok(Some(piece)) => {
                    if let Some(resume) = &mut self.resume {
                        resume.received += piece.len() as u64;
                        resume.attempts.restart();
                    }
                    return Ok(Some(piece));
                }
                Ok(None) => return Ok(None),
                Err(error) => self.resume_after(Error::transport(error)).await?,
            }
        }
    }

    /// Asks for the rest of the media after `error` broke the reply, as the retry policy
    /// allows; `Err` when it cannot be had.
    async fn resume_after(&mut self, mut error: Error) -> Result<()> {
        let Some(resume) = self.resume.as_deref_mut() else {
            return Err(error);
        };
        loop {
            let transient = error.is_transient(true);
            resume.attempts.wait_or_fail(error, transient).await?;
            error = match resume.request().await {
                Ok(Resumed::Rest(response)) => {
                    tracing::info!(offset = resume.received, "resumed a broken download");
                    self.response = response;
                    return Ok(());
                }
                Ok(Resumed::Refused(why)) => {
                    return Err(Error::UnexpectedReply(format!(
                        "the download broke after {} bytes and cannot be resumed: {why}",
                        resume.received
                    )))
                }
                Err(error) => error,
            };
        }
    }
}

impl Resume {
    /// Asks for the media from byte `received` on.
    async fn request(&mut self) -> Result<Resumed> {
        let mut headers = self.headers.clone();
        let range = HeaderValue::from_str(&format!("bytes={}-", self.received))
            .map_err(|_| Error::invalid("Range", "not a header value"))?;
        headers.insert(header::RANGE, range);
        if let Some(validator) = &self.validator {
            headers.insert(header::IF_RANGE, validator.clone());
        }
        let response = attempts::send_once(
            &self.api,
            reqwest::Method::GET,
            self.url.clone(),
            headers,
            None,
            self.attempts.limit()?,
            true,
        )
        .await?;
        let status = response.status().as_u16();
        if (200..300).contains(&status) && status != 206 {
            // The whole media again, or something else: none of it is read.
            return Ok(Resumed::Refused(format!(
                "the server answered {status} to a range request, not 206"
            )));
        }
        if status != 206 {
            let max = self.api.client.inner.max_reply_size;
            let reply = crate::send::receive(response, crate::send::Read::Json, max).await?;
            return Err(Error::service(status, reply.headers, &reply.body));
        }
        let range = response.headers().get(header::CONTENT_RANGE);
        match self.check_range(range.map(HeaderValue::as_bytes)) {
            Ok(()) => Ok(Resumed::Rest(response)),
            Err(why) => Ok(Resumed::Refused(why)),
        }
    }

    /// A partial reply is the rest of the same media when its range starts where the download
    /// broke and runs to the end of the same total.
    fn check_range(&self, range: Option<&[u8]>) -> std::result::Result<(), String> {
        let Some(range) = range.and_then(ranges::parse_content_range) else {
            return Err("its partial reply has no valid Content-Range".to_string());
        };
        let total = range.total.or(self.total);
        let whole = match (self.total, range.total) {
            (Some(known), Some(now)) => known == now,
            _ => true,
        };
        let to_end = total.is_none_or(|total| range.last.checked_add(1) == Some(total));
        if range.first != self.received || !whole || !to_end {
            return Err(format!(
                "its partial reply has bytes {}-{} of {}, not the rest from byte {} of {}",
                range.first,
                range.last,
                shown(range.total),
                self.received,
                shown(self.total)
            ));
        }
        Ok(())
    }
}

fn shown(total: Option<u64>) -> String {
    total.map_or_else(|| "*".to_string(), |t| t.to_string())
}

/// Whether a reply can be resumed: a whole (200) reply in its identity encoding.
fn resumable(status: u16, headers: &HeaderMap) -> bool {
    let encoded = headers
        .get(header::CONTENT_ENCODING)
        .is_some_and(|e| !e.as_bytes().eq_ignore_ascii_case(b"identity"));
    status == 200 && !encoded
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// What `If-Range` may carry: a strong `ETag` (a weak one never matches), else the
/// `Last-Modified` date.
fn validator(headers: &HeaderMap) -> Option<HeaderValue> {
    match headers.get(header::ETAG) {
        Some(etag) if !etag.as_bytes().starts_with(b"W/") => Some(etag.clone()),
        _ => headers.get(header::LAST_MODIFIED).cloned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resume(received: u64, total: Option<u64>) -> Resume {
        let client = crate::Client::builder().build().unwrap();
        static API: crate::ApiInfo = crate::ApiInfo {
            crate_name: "x-v1",
            name: "x",
            version: "v1",
            revision: "1",
            crate_version: "0.1.0",
            root_url: Some("https://x.googleapis.com/"),
            mtls_root_url: None,
            service_path: "",
            batch_path: None,
            data_wrapper: false,
            operations_get: None,
        };
        Resume {
            api: ApiClient::new(&client, &API),
            url: reqwest::Url::parse("https://x.googleapis.com/m").unwrap(),
            headers: HeaderMap::new(),
            attempts: Attempts::new(&Default::default()),
            received,
            total,
            validator: None,
        }
    }

    #[test]
    fn only_the_exact_rest_of_the_same_media_is_accepted() {
        let r = resume(100, Some(1000));
        assert!(r.check_range(Some(b"bytes 100-999/1000")).is_ok());
        assert!(r.check_range(Some(b"bytes 100-999/*")).is_ok());
        for bad in [
            &b"bytes 0-999/1000"[..],
            b"bytes 101-999/1000",
            b"bytes 100-998/1000",
            b"bytes 100-1099/1100",
            b"garbage",
        ] {
            assert!(r.check_range(Some(bad)).is_err(), "{bad:?}");
        }
        assert!(r.check_range(None).is_err());
        assert!(resume(5, None).check_range(Some(b"bytes 5-9/10")).is_ok());
        // The last byte position of a u64, with a known length: refused, no overflow.
        let huge = b"bytes 5-18446744073709551615/*";
        assert!(resume(5, Some(1000)).check_range(Some(huge)).is_err());
        assert!(resume(5, None).check_range(Some(huge)).is_ok());
    }

    #[test]
    fn encoded_or_partial_replies_are_not_resumed() {
        let mut headers = HeaderMap::new();
        assert!(resumable(200, &headers));
        assert!(!resumable(206, &headers));
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        assert!(!resumable(200, &headers));
    }

    #[test]
    fn weak_etags_are_no_validators() {
        let mut headers = HeaderMap::new();
        headers.insert(header::ETAG, HeaderValue::from_static("W/\"1\""));
        assert_eq!(validator(&headers), None);
        headers.insert(header::LAST_MODIFIED, HeaderValue::from_static("x"));
        assert_eq!(validator(&headers).unwrap(), "x");
        headers.insert(header::ETAG, HeaderValue::from_static("\"2\""));
        assert_eq!(validator(&headers).unwrap(), "\"2\"");
    }
}
