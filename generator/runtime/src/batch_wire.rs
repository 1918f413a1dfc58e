//! Google's batch format on the wire: calls written as HTTP requests inside one
//! `multipart/mixed` request (each part `Content-Type: application/http` with a `Content-ID`),
//! and the reply read back as HTTP replies inside `multipart/mixed` parts, each naming the
//! call it answers (`Content-ID: <response-...>`).
//!
//! The reply is untrusted: it is split and parsed without panicking, within the bytes already
//! read (bounded by the client's reply limit), and a part that cannot be read becomes an error
//! of its call alone.

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

/// One call of a batch, as an HTTP request.
pub(crate) struct InnerRequest<'a> {
    /// The part's `Content-ID`, without its angle brackets.
    pub content_id: String,
    pub method: &'static str,
    /// The path and query, from the host's root (`/v1/things/a?fields=b`).
    pub target: String,
    pub headers: &'a HeaderMap,
    pub body: Option<&'a [u8]>,
}

/// The requests as one `multipart/mixed` body: its boundary (found in no request) and bytes.
pub(crate) fn encode(requests: &[InnerRequest<'_>]) -> (String, Bytes) {
    let inner: Vec<Vec<u8>> = requests.iter().map(http_request).collect();
    let parts: Vec<&[u8]> = inner.iter().map(Vec::as_slice).collect();
    let boundary = crate::media::boundary_absent_from("batch_", &parts);
    let size: usize = inner.iter().map(|text| text.len() + 160).sum();
    let mut body = Vec::with_capacity(size);
    for (request, text) in requests.iter().zip(&inner) {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Type: application/http\r\n\
                 Content-Transfer-Encoding: binary\r\nContent-ID: <{}>\r\n\r\n",
                request.content_id
            )
            .as_bytes(),
        );
        body.extend_from_slice(text);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (boundary, Bytes::from(body))
}

/// A request as HTTP/1.1 text: request line, headers, blank line, body. Header values cannot
/// hold line breaks (`HeaderValue` refuses them), so no part can forge another.
fn http_request(request: &InnerRequest<'_>) -> Vec<u8> {
    let body = request.body.unwrap_or_default();
    let mut text = Vec::with_capacity(body.len() + 256);
    text.extend_from_slice(
        format!("{} {} HTTP/1.1\r\n", request.method, request.target).as_bytes(),
    );
    for (name, value) in request.headers {
        text.extend_from_slice(name.as_str().as_bytes());
        text.extend_from_slice(b": ");
        text.extend_from_slice(value.as_bytes());
        text.extend_from_slice(b"\r\n");
    }
    if request.body.is_some() {
        text.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    text.extend_from_slice(b"\r\n");
    text.extend_from_slice(body);
    text
}

/// The boundary of a `multipart/mixed` content type (`multipart/mixed; boundary=xyz`, the
/// value maybe quoted); `None` for another type or a boundary RFC 2046 does not allow.
pub(crate) fn boundary_of(content_type: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(content_type).ok()?;
    let mut params = text.split(';');
    let media_type = params.next()?.trim();
    if !media_type.eq_ignore_ascii_case("multipart/mixed") {
        return None;
    }
    let boundary = params.find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim())
    })?;
    let boundary = boundary
        .strip_prefix('"')
        .and_then(|b| b.strip_suffix('"'))
        .unwrap_or(boundary);
    let valid = (1..=70).contains(&boundary.len())
        && boundary.bytes().all(|b| b.is_ascii_graphic() || b == b' ');
    valid.then(|| boundary.to_string())
}

/// The parts of a `multipart/mixed` body: what lies between its delimiter lines (`--boundary`
/// at the start of a line), up to the closing `--boundary--`. A body cut short loses only its
/// unfinished last part.
pub(crate) fn split(body: &Bytes, boundary: &str) -> Vec<Bytes> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut parts = Vec::new();
    let Some(mut at) = find_delimiter(body, delimiter, 0) else {
        return parts;
    };
    loop {
        let after = at + delimiter.len();
        if body[after..].starts_with(b"--") {
            return parts;
        }
        // The rest of the delimiter line (transport padding) is not content.
        let Some(line_end) = find(body, b"\n", after).map(|i| i + 1) else {
            return parts;
        };
        let Some(next) = find_delimiter(body, delimiter, line_end) else {
            return parts;
        };
        // The line break before a delimiter belongs to the delimiter.
        let mut end = next;
        if end > line_end && body[end - 1] == b'\n' {
            end -= 1;
            if end > line_end && body[end - 1] == b'\r' {
                end -= 1;
            }
        }
        parts.push(body.slice(line_end..end));
        at = next;
    }
}

/// The next `delimiter` at or after `from` that starts a line.
fn find_delimiter(body: &[u8], delimiter: &[u8], mut from: usize) -> Option<usize> {
    loop {
        let at = find(body, delimiter, from)?;
        if at == 0 || body[at - 1] == b'\n' {
            return Some(at);
        }
        from = at + 1;
    }
}

/// The first `needle` in `haystack` at or after `from`.
fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = *needle.first()?;
    let mut at = from;
    while let Some(rest) = haystack.get(at..) {
        let offset = rest.iter().position(|&b| b == first)?;
        at += offset;
        if haystack.get(at..at + needle.len()) == Some(needle) {
            return Some(at);
        }
        at += 1;
    }
    None
}

/// An HTTP reply found in a part.
#[derive(Debug)]
pub(crate) struct PartReply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// Reads a part: its `Content-ID` (without angle brackets), and the HTTP reply it holds, or
/// why it cannot be read.
pub(crate) fn parse_part(part: &Bytes) -> (Option<String>, Result<PartReply, String>) {
    let mut mime_headers = [httparse::EMPTY_HEADER; 16];
    let (consumed, mime_headers) = match httparse::parse_headers(part, &mut mime_headers) {
        Ok(httparse::Status::Complete((consumed, headers))) => (consumed, headers),
        _ => return (None, Err("the part's headers cannot be read".to_string())),
    };
    let content_id = mime_headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-id"))
        .and_then(|h| std::str::from_utf8(h.value).ok())
        .map(|id| {
            let id = id.trim();
            let id = id.strip_prefix('<').unwrap_or(id);
            id.strip_suffix('>').unwrap_or(id).to_string()
        });
    (content_id, parse_http_reply(&part.slice(consumed..)))
}

/// An HTTP/1.x reply: status line, headers, body (as long as its `Content-Length` says, when it
/// says; a part shorter than that is cut and refused).
fn parse_http_reply(text: &Bytes) -> Result<PartReply, String> {
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    let text = text.slice(start..);
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut reply = httparse::Response::new(&mut headers);
    let consumed = match reply.parse(&text) {
        Ok(httparse::Status::Complete(consumed)) => consumed,
        Ok(httparse::Status::Partial) => return Err("the part's HTTP reply is cut short".into()),
        Err(error) => return Err(format!("the part's HTTP reply cannot be read: {error}")),
    };
    let status = reply.code.unwrap_or_default();
    let mut map = HeaderMap::new();
    for header in reply.headers.iter() {
        // A header that is not valid HTTP is dropped, as a client drops it from any reply.
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(header.name.as_bytes()),
            HeaderValue::from_bytes(header.value),
        ) {
            map.append(name, value);
        }
    }
    let mut body = text.slice(consumed..);
    let declared = map
        .get(reqwest::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<usize>().ok());
    if let Some(declared) = declared {
        if declared > body.len() {
            return Err(format!(
                "the part's body has {} of its {declared} bytes",
                body.len()
            ));
        }
        body.truncate(declared);
    }
    Ok(PartReply {
        status,
        headers: map,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// A batch reply from a server, well formed or not, is split and read without
        /// panicking.
        #[test]
        fn any_batch_reply_is_read_without_panicking(
            content_type in "[ -~]{0,60}",
            boundary in "[a-z0-9_-]{1,12}",
            parts in prop::collection::vec("[ -~\r\n]{0,120}", 0..4),
        ) {
            let _ = boundary_of(content_type.as_bytes());
            let delimiter = format!("--{boundary}");
            let mut body = String::new();
            for part in &parts {
                body.push_str(&format!("{delimiter}\r\n{part}\r\n"));
            }
            body.push_str(&format!("{delimiter}--"));
            for part in split(&Bytes::from(body), &boundary) {
                let _ = parse_part(&part);
            }
            let noise = Bytes::from(parts.concat());
            let _ = parse_part(&noise);
        }
    }

    #[test]
    fn requests_are_written_as_googles_batch_format() {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        let empty = HeaderMap::new();
        let requests = [
            InnerRequest {
                content_id: "abc+0".into(),
                method: "GET",
                target: "/v1/notes/a?prettyPrint=false".into(),
                headers: &empty,
                body: None,
            },
            InnerRequest {
                content_id: "abc+1".into(),
                method: "POST",
                target: "/v1/notes".into(),
                headers: &headers,
                body: Some(br#"{"text":"hi"}"#),
            },
        ];
        let (boundary, body) = encode(&requests);
        let text = String::from_utf8(body.to_vec()).unwrap();
        let expected = format!(
            "--{boundary}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\
             Content-ID: <abc+0>\r\n\r\nGET /v1/notes/a?prettyPrint=false HTTP/1.1\r\n\r\n\r\n\
             --{boundary}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\
             Content-ID: <abc+1>\r\n\r\nPOST /v1/notes HTTP/1.1\r\ncontent-type: application/json\r\n\
             Content-Length: 13\r\n\r\n{{\"text\":\"hi\"}}\r\n--{boundary}--\r\n"
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn boundaries_from_content_types() {
        let b = |t: &str| boundary_of(t.as_bytes());
        assert_eq!(
            b("multipart/mixed; boundary=batch_x").as_deref(),
            Some("batch_x")
        );
        assert_eq!(
            b("Multipart/Mixed;charset=x;BOUNDARY=\"a b\"").as_deref(),
            Some("a b")
        );
        assert_eq!(b("multipart/related; boundary=x"), None);
        assert_eq!(b("multipart/mixed"), None);
        assert_eq!(b("multipart/mixed; boundary="), None);
        assert_eq!(
            b(&format!("multipart/mixed; boundary={}", "x".repeat(71))),
            None
        );
    }

    #[test]
    fn replies_split_into_parts_and_parse() {
        let body = Bytes::from_static(
            b"preamble\r\n--b\r\nContent-Type: application/http\r\nContent-ID: <response-x+1>\r\n\r\n\
              HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}\r\n\
              --b  \r\nContent-ID: <response-x+0>\r\n\r\nHTTP/1.1 200 OK\r\n\r\n{\"a\":1}\n--b--\r\nepilogue",
        );
        let parts = split(&body, "b");
        assert_eq!(parts.len(), 2);
        let (id, reply) = parse_part(&parts[0]);
        assert_eq!(id.as_deref(), Some("response-x+1"));
        let reply = reply.unwrap();
        assert_eq!((reply.status, &reply.body[..]), (404, &b"{}"[..]));
        let (id, reply) = parse_part(&parts[1]);
        assert_eq!(id.as_deref(), Some("response-x+0"));
        assert_eq!(&reply.unwrap().body[..], b"{\"a\":1}");
    }

    #[test]
    fn broken_replies_never_panic() {
        let cases: [&[u8]; 8] = [
            b"",
            b"--b",
            b"--b\r\n",
            b"--b\r\nContent-ID: <1>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}\r\n--b--",
            b"--b\r\nContent-ID: <1>\r\n\r\nHTTP/1.1\r\n\r\n--b--",
            b"--b\r\n\xff\xfe\r\n\r\n\r\n--b--",
            b"x--b\r\n--b--",
            b"--b\r\nContent-ID: <1>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n{}\r\n--b--",
        ];
        for case in cases {
            for part in split(&Bytes::from_static(case), "b") {
                let _ = parse_part(&part);
            }
        }
        let cut = split(
            &Bytes::from_static(b"--b\r\nContent-ID: <1>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}\r\n--b--"),
            "b",
        );
        assert!(parse_part(&cut[0]).1.is_err());
    }
}
