//! A small HTTP/1.1 server on tokio, just enough for the double: request line, headers,
//! `Content-Length` and chunked bodies, `Expect: 100-continue`, keep-alive, and replies with a
//! `Content-Length`. Everything it reads is untrusted: every line, header count and body is
//! bounded, and bad input is answered with a 400 (then the connection is closed), never a
//! panic.

use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// The most bytes of a request line and its headers.
const MAX_HEAD: u64 = 64 * 1024;
/// The most header lines of a request.
const MAX_HEADERS: usize = 100;
/// The most bytes of a request body (decoded, for chunked ones).
const MAX_BODY: u64 = 16 * 1024 * 1024;
/// The most bytes of a chunk-size line or a trailer line.
const MAX_CHUNK_LINE: u64 = 4 * 1024;

/// A request as read from the wire.
#[derive(Debug)]
pub(crate) struct HttpRequest {
    pub method: String,
    /// The request target in origin form (`/v1/x?a=b`), as sent.
    pub target: String,
    /// Header names in lower case, values as sent (lossily decoded as UTF-8).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Whether the client closes the connection after this request.
    pub close: bool,
}

/// What to do with a request: answer it, or close the connection without a word.
#[derive(Debug)]
pub(crate) enum Outcome {
    Reply(HttpReply),
    Close,
}

/// A reply to write.
#[derive(Debug)]
pub(crate) struct HttpReply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Answers requests: the double's dispatcher. Async so that an answer can be delayed without
/// holding anything.
pub(crate) trait Handler: Send + Sync + 'static {
    fn handle(&self, request: HttpRequest) -> impl std::future::Future<Output = Outcome> + Send;
    /// A request that could not be read (for the double's report).
    fn malformed(&self, reason: &str);
}

/// Why a request could not be read.
#[derive(Debug, PartialEq)]
enum ReadError {
    /// The peer closed the connection, or it broke: nothing to answer.
    Gone,
    /// Bad input: answer with this status and reason, then close.
    Bad(u16, &'static str),
}

/// Accepts connections until the task is aborted; aborting it drops the set of connection
/// tasks, which aborts them too.
pub(crate) async fn serve<H: Handler>(listener: TcpListener, handler: Arc<H>) {
    let mut connections = JoinSet::new();
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                connections.spawn(connection(stream, handler.clone()));
            }
            // An accept error (too many open files...) may pass: keep serving, without
            // spinning.
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(10)).await,
        }
        // Reap finished connections so that the set does not grow with every one.
        while connections.try_join_next().is_some() {}
    }
}

/// Serves one connection, request after request, until either side closes it.
async fn connection<H: Handler>(stream: TcpStream, handler: Arc<H>) {
    let _ = stream.set_nodelay(true);
    let mut stream = BufReader::new(stream);
    loop {
        let request = match read_request(&mut stream).await {
            Ok(request) => request,
            Err(ReadError::Gone) => return,
            Err(ReadError::Bad(status, reason)) => {
                handler.malformed(reason);
                let reply = bad_request_reply(status, reason);
                let _ = write_reply(stream.get_mut(), &reply, false, true).await;
                return;
            }
        };
        let head_only = request.method == "HEAD";
        let close = request.close;
        match handler.handle(request).await {
            Outcome::Close => return,
            Outcome::Reply(reply) => {
                if write_reply(stream.get_mut(), &reply, head_only, close)
                    .await
                    .is_err()
                    || close
                {
                    return;
                }
            }
        }
    }
}

/// Whether the connection closes after this request: HTTP/1.0 unless the client asked to keep
/// it alive, HTTP/1.1 when the client asked to close it.
fn closes_after(headers: &[(String, String)], http10: bool) -> bool {
    let has = |token: &str| {
        header(headers, "connection")
            .is_some_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
    };
    if http10 {
        !has("keep-alive")
    } else {
        has("close")
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// Reads one request. A connection closed before its first byte is [`ReadError::Gone`].
async fn read_request<S>(stream: &mut BufReader<S>) -> Result<HttpRequest, ReadError>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let mut budget = MAX_HEAD;
    let mut line = read_line(stream, &mut budget).await?;
    // RFC 9112 asks servers to ignore empty lines before a request line.
    while line.is_empty() {
        line = read_line(stream, &mut budget).await?;
    }
    let (method, target, http10) = parse_request_line(&line)?;
    let mut headers = Vec::new();
    loop {
        let line = read_line(stream, &mut budget).await.map_err(cut_head)?;
        if line.is_empty() {
            break;
        }
        if headers.len() == MAX_HEADERS {
            return Err(ReadError::Bad(431, "too many header lines"));
        }
        headers.push(parse_header(&line)?);
    }
    if header(&headers, "expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        let interim = b"HTTP/1.1 100 Continue\r\n\r\n";
        if stream.get_mut().write_all(interim).await.is_err() {
            return Err(ReadError::Gone);
        }
    }
    let body = read_body(stream, &headers).await?;
    Ok(HttpRequest {
        close: closes_after(&headers, http10),
        method,
        target,
        headers,
        body,
    })
}

/// A connection that ends inside the head of a request sent something incomplete.
fn cut_head(error: ReadError) -> ReadError {
    match error {
        ReadError::Gone => ReadError::Bad(400, "the request head is incomplete"),
        bad => bad,
    }
}

/// Reads one line (without its CRLF or LF), taking at most `budget` bytes.
async fn read_line<S: tokio::io::AsyncRead + Unpin>(
    stream: &mut BufReader<S>,
    budget: &mut u64,
) -> Result<String, ReadError> {
    let mut bytes = Vec::new();
    let read = (&mut *stream)
        .take(*budget)
        .read_until(b'\n', &mut bytes)
        .await
        .map_err(|_| ReadError::Gone)?;
    *budget -= read as u64;
    if read == 0 {
        return Err(if *budget == 0 {
            ReadError::Bad(431, "the request head is too large")
        } else {
            ReadError::Gone
        });
    }
    if bytes.pop() != Some(b'\n') {
        return Err(if *budget == 0 {
            ReadError::Bad(431, "the request head is too large")
        } else {
            ReadError::Bad(400, "the request head is incomplete")
        });
    }
    if bytes.last() == Some(&b'\r') {
        bytes.pop();
    }
    String::from_utf8(bytes).map_err(|_| ReadError::Bad(400, "the request head is not UTF-8"))
}

/// `GET /path?query HTTP/1.1`: the method, the target, and whether it is HTTP/1.0.
fn parse_request_line(line: &str) -> Result<(String, String, bool), ReadError> {
    let bad = ReadError::Bad(400, "malformed request line");
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad);
    };
    if method.is_empty() || !method.bytes().all(is_token_byte) {
        return Err(bad);
    }
    if !target.starts_with('/') || target.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(ReadError::Bad(
            400,
            "the request target is not in origin form",
        ));
    }
    let http10 = match version {
        "HTTP/1.1" => false,
        "HTTP/1.0" => true,
        _ => return Err(ReadError::Bad(505, "only HTTP/1.0 and HTTP/1.1 are served")),
    };
    Ok((method.to_string(), target.to_string(), http10))
}

/// `Name: value`, with the name in lower case and the value trimmed.
fn parse_header(line: &str) -> Result<(String, String), ReadError> {
    let bad = ReadError::Bad(400, "malformed header line");
    let (name, value) = line.split_once(':').ok_or(bad)?;
    if name.is_empty() || !name.bytes().all(is_token_byte) {
        // Also refuses obsolete line folding, whose lines start with a space.
        return Err(ReadError::Bad(400, "malformed header line"));
    }
    let value = value.trim_matches([' ', '\t']);
    if value.bytes().any(|b| (b < b' ' && b != b'\t') || b == 0x7f) {
        return Err(ReadError::Bad(
            400,
            "a header value holds a control character",
        ));
    }
    Ok((name.to_ascii_lowercase(), value.to_string()))
}

/// A `tchar` of RFC 9110.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// How the body of a request is delimited.
#[derive(Debug, PartialEq)]
enum Framing {
    Length(u64),
    Chunked,
}

/// The framing the headers announce (no body at all is a length of 0).
fn framing(headers: &[(String, String)]) -> Result<Framing, ReadError> {
    let mut lengths = headers.iter().filter(|(n, _)| n == "content-length");
    let length = match (lengths.next(), lengths.next()) {
        (None, _) => None,
        (Some((_, value)), None) => Some(parse_length(value)?),
        // Several lengths may disagree: a classic request-smuggling vector.
        (Some(_), Some(_)) => return Err(ReadError::Bad(400, "several Content-Length headers")),
    };
    let chunked = match header(headers, "transfer-encoding") {
        None => false,
        Some(value) if value.eq_ignore_ascii_case("chunked") => true,
        Some(_) => return Err(ReadError::Bad(501, "unsupported Transfer-Encoding")),
    };
    match (chunked, length) {
        (true, Some(_)) => Err(ReadError::Bad(
            400,
            "both Transfer-Encoding and Content-Length",
        )),
        (true, None) => Ok(Framing::Chunked),
        (false, length) => Ok(Framing::Length(length.unwrap_or(0))),
    }
}

fn parse_length(value: &str) -> Result<u64, ReadError> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ReadError::Bad(400, "malformed Content-Length"));
    }
    // Digits only: the parse fails only on overflow, which is too large anyway.
    value
        .parse()
        .map_err(|_| ReadError::Bad(413, "the request body is too large"))
}

async fn read_body<S: tokio::io::AsyncRead + Unpin>(
    stream: &mut BufReader<S>,
    headers: &[(String, String)],
) -> Result<Vec<u8>, ReadError> {
    match framing(headers)? {
        Framing::Length(0) => Ok(Vec::new()),
        Framing::Length(length) if length > MAX_BODY => {
            Err(ReadError::Bad(413, "the request body is too large"))
        }
        Framing::Length(length) => {
            let mut body = Vec::new();
            read_exactly(stream, length, &mut body).await?;
            Ok(body)
        }
        Framing::Chunked => read_chunked(stream).await,
    }
}

/// Appends exactly `length` bytes to `body`; a connection that ends first sent a cut body.
async fn read_exactly<S: tokio::io::AsyncRead + Unpin>(
    stream: &mut BufReader<S>,
    length: u64,
    body: &mut Vec<u8>,
) -> Result<(), ReadError> {
    let read = (&mut *stream)
        .take(length)
        .read_to_end(body)
        .await
        .map_err(|_| ReadError::Gone)?;
    if (read as u64) < length {
        return Err(ReadError::Gone);
    }
    Ok(())
}

/// A chunked body: chunks until one of size 0, then trailers (read and dropped).
async fn read_chunked<S: tokio::io::AsyncRead + Unpin>(
    stream: &mut BufReader<S>,
) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    loop {
        let mut budget = MAX_CHUNK_LINE;
        let line = read_line(stream, &mut budget)
            .await
            .map_err(chunk_line_error)?;
        let size = parse_chunk_size(&line)?;
        if size == 0 {
            break;
        }
        if body.len() as u64 + size > MAX_BODY {
            return Err(ReadError::Bad(413, "the request body is too large"));
        }
        read_exactly(stream, size, &mut body).await?;
        let mut end = Vec::with_capacity(2);
        read_exactly(stream, 2, &mut end).await?;
        if end != b"\r\n" {
            return Err(ReadError::Bad(400, "a chunk is longer than its size"));
        }
    }
    let mut budget = MAX_HEAD;
    while !read_line(stream, &mut budget)
        .await
        .map_err(chunk_line_error)?
        .is_empty()
    {}
    Ok(body)
}

/// A chunk-size or trailer line too long is a malformed body, not a malformed head.
fn chunk_line_error(error: ReadError) -> ReadError {
    match error {
        ReadError::Bad(431, _) => ReadError::Bad(400, "a chunk-size or trailer line is too long"),
        other => other,
    }
}

/// The size of a chunk, in hexadecimal before any `;extension`.
fn parse_chunk_size(line: &str) -> Result<u64, ReadError> {
    let digits = line.split(';').next().unwrap_or_default().trim_end();
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ReadError::Bad(400, "malformed chunk size"));
    }
    u64::from_str_radix(digits, 16).map_err(|_| ReadError::Bad(400, "malformed chunk size"))
}

fn bad_request_reply(status: u16, reason: &str) -> HttpReply {
    let name = if status == 501 {
        "UNIMPLEMENTED"
    } else {
        "INVALID_ARGUMENT"
    };
    let body = super::ErrorReply::new(status, name, format!("discogen test double: {reason}"));
    HttpReply {
        status,
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.body(),
    }
}

/// Writes a reply with its `Content-Length` (no body for HEAD requests and for statuses that
/// have none).
async fn write_reply(
    stream: &mut TcpStream,
    reply: &HttpReply,
    head_only: bool,
    close: bool,
) -> std::io::Result<()> {
    let bodiless = matches!(reply.status, 100..=199 | 204 | 304);
    let mut out = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (name, value) in &reply.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    if !bodiless {
        out.push_str(&format!("content-length: {}\r\n", reply.body.len()));
    }
    if close {
        out.push_str("connection: close\r\n");
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    if !bodiless && !head_only {
        bytes.extend_from_slice(&reply.body);
    }
    stream.write_all(&bytes).await?;
    stream.flush().await
}

/// The reason phrase of a status (only informative: clients ignore it).
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads one request from `input` through a real socket pair.
    async fn read(input: &[u8]) -> Result<HttpRequest, ReadError> {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let input = input.to_vec();
        let writer = tokio::spawn(async move {
            let mut client = TcpStream::connect(address).await.unwrap();
            client.write_all(&input).await.unwrap();
            client.shutdown().await.unwrap();
            // Keep the socket open until the server side is done reading.
            let mut sink = Vec::new();
            let _ = client.read_to_end(&mut sink).await;
        });
        let (server, _) = listener.accept().await.unwrap();
        let mut stream = BufReader::new(server);
        let result = read_request(&mut stream).await;
        drop(stream);
        writer.await.unwrap();
        result
    }

    #[tokio::test]
    async fn reads_lengths_and_chunks() {
        let request = read(b"POST /v1/x?a=b HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}")
            .await
            .unwrap();
        assert_eq!(
            (request.method.as_str(), request.target.as_str()),
            ("POST", "/v1/x?a=b")
        );
        assert_eq!(request.body, b"{}");
        assert_eq!(request.headers[0], ("host".to_string(), "h".to_string()));
        let chunked = read(
            b"PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n1\r\nd\r\n0\r\nT: v\r\n\r\n",
        )
        .await
        .unwrap();
        assert_eq!(chunked.body, b"abcd");
    }

    #[tokio::test]
    async fn refuses_bad_input_without_panicking() {
        let cases: &[(&[u8], u16)] = &[
            (b"GET\r\n\r\n", 400),
            (b"GET http://x/ HTTP/1.1\r\n\r\n", 400),
            (b"GET / HTTP/2\r\n\r\n", 505),
            (b"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", 400),
            (b"GET / HTTP/1.1\r\n folded\r\n\r\n", 400),
            (b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400),
            (
                b"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
                413,
            ),
            (
                b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
                400,
            ),
            (
                b"POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
                400,
            ),
            (b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
            (
                b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                400,
            ),
            (
                b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffff\r\n",
                413,
            ),
            (
                b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabc\r\n",
                400,
            ),
            (b"GET / HTTP/1.1\r\nX: \x01\r\n\r\n", 400),
            (b"GET /\xff HTTP/1.1\r\n\r\n", 400),
            (b"GET / HTTP/1.1\r\nHost: h", 400),
        ];
        for (input, status) in cases {
            match read(input).await {
                Err(ReadError::Bad(got, _)) => {
                    assert_eq!(got, *status, "{}", String::from_utf8_lossy(input))
                }
                other => panic!("{}: {other:?}", String::from_utf8_lossy(input)),
            }
        }
        let mut huge = b"GET / HTTP/1.1\r\n".to_vec();
        huge.extend(std::iter::repeat_n(b'a', MAX_HEAD as usize));
        assert!(matches!(read(&huge).await, Err(ReadError::Bad(431, _))));
        let mut many = b"GET / HTTP/1.1\r\n".to_vec();
        for i in 0..=MAX_HEADERS {
            many.extend(format!("h{i}: v\r\n").bytes());
        }
        many.extend(b"\r\n");
        assert!(matches!(read(&many).await, Err(ReadError::Bad(431, _))));
        assert_eq!(read(b"").await.unwrap_err(), ReadError::Gone);
        // A body cut short: the client went away, nothing to answer.
        let cut = read(b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc").await;
        assert_eq!(cut.unwrap_err(), ReadError::Gone);
    }
}
