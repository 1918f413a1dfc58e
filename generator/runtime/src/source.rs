//! Where the media of an upload comes from ([`UploadSource`]): bytes in memory, a file, any
//! [`AsyncRead`] or a stream of [`Bytes`]. It is read piece by piece, so that an upload holds
//! in memory only what it is sending; and it checks that it yields the number of bytes it
//! declared, since that number was promised to the server.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::task::{ready, Context, Poll};

use bytes::{Buf as _, Bytes, BytesMut};
use futures_core::Stream;
use tokio::io::{AsyncRead, ReadBuf};

/// The most a streamed body reads from its source at once.
const PIECE: usize = 64 * 1024;

/// The media of an upload, read as it is sent: bytes in memory, a file, any
/// [`tokio::io::AsyncRead`] or a [`Stream`] of [`Bytes`].
///
/// A source knows its length when it is bytes or a file, or when told with
/// [`with_length`](Self::with_length); the server is then told the size up front, and a source
/// that yields more or fewer bytes ends the upload with [`Error::Source`](crate::Error::Source)
/// rather than sending something else than announced.
///
/// Bytes and files are *seekable*: a resumed upload moves them to where the server stands. A
/// reader or a stream is read once, front to back: a resumable upload keeps its current chunk
/// in memory to resend it, but nothing before.
pub struct UploadSource {
    kind: Kind,
    /// The offset in the media of the source's first byte (non-zero for a source that resumes
    /// an upload part-way).
    start: u64,
    /// How many bytes the source yields, when known.
    len: Option<u64>,
    /// Bytes handed out so far, counted from the source's first byte.
    position: u64,
    /// Bytes read from the source and not yet handed out: the rest of a stream's item, or what
    /// was read ahead to learn whether the source had ended.
    pending: Bytes,
    /// Room to read pieces of a reader into, for streamed bodies.
    scratch: BytesMut,
}

enum Kind {
    Bytes(Bytes),
    Reader(Pin<Box<dyn AsyncRead + Send>>),
    Stream(Pin<Box<dyn Stream<Item = io::Result<Bytes>> + Send>>),
    #[cfg(feature = "fs")]
    File(tokio::fs::File),
}

impl fmt::Debug for UploadSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.kind {
            Kind::Bytes(_) => "bytes",
            Kind::Reader(_) => "reader",
            Kind::Stream(_) => "stream",
            #[cfg(feature = "fs")]
            Kind::File(_) => "file",
        };
        f.debug_struct("UploadSource")
            .field("kind", &kind)
            .field("start", &self.start)
            .field("len", &self.len)
            .field("position", &self.position)
            .finish()
    }
}

impl From<Bytes> for UploadSource {
    fn from(data: Bytes) -> Self {
        UploadSource::bytes(data)
    }
}

impl From<Vec<u8>> for UploadSource {
    fn from(data: Vec<u8>) -> Self {
        UploadSource::bytes(data)
    }
}

impl UploadSource {
    fn new(kind: Kind, len: Option<u64>) -> UploadSource {
        UploadSource {
            kind,
            start: 0,
            len,
            position: 0,
            pending: Bytes::new(),
            scratch: BytesMut::new(),
        }
    }

    /// Media held in memory (seekable, of known length).
    pub fn bytes(data: impl Into<Bytes>) -> UploadSource {
        let data = data.into();
        let len = data.len() as u64;
        UploadSource::new(Kind::Bytes(data), Some(len))
    }

    /// Media read from `reader`, front to back, of unknown length unless given with
    /// [`with_length`](Self::with_length).
    pub fn reader(reader: impl AsyncRead + Send + 'static) -> UploadSource {
        UploadSource::new(Kind::Reader(Box::pin(reader)), None)
    }

    /// Media read from a stream of pieces, front to back, of unknown length unless given with
    /// [`with_length`](Self::with_length). An error of the stream ends the upload with
    /// [`Error::Source`](crate::Error::Source).
    pub fn stream<S, E>(stream: S) -> UploadSource
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        use futures_util::StreamExt as _;
        let stream = stream.map(|item| item.map_err(io::Error::other));
        UploadSource::new(Kind::Stream(Box::pin(stream)), None)
    }

    /// The file at `path` (seekable, of the length the file has when opened).
    #[cfg(feature = "fs")]
    pub async fn file(path: impl AsRef<std::path::Path>) -> io::Result<UploadSource> {
        let file = tokio::fs::File::open(path).await?;
        let len = file.metadata().await?.len();
        Ok(UploadSource::new(Kind::File(file), Some(len)))
    }

    /// Declares how many bytes the source yields. The server is told (so it can refuse an
    /// upload that is too large before it starts), and a source that then yields another
    /// number of bytes ends the upload with an error.
    pub fn with_length(mut self, len: u64) -> UploadSource {
        self.len = Some(len);
        self
    }

    /// Declares that the source's first byte is byte `offset` of the media: for resuming an
    /// upload (see [`MediaUploadRequest::resume_upload`](crate::MediaUploadRequest::resume_upload))
    /// with a reader or a stream that is already positioned part-way. A source that starts
    /// before the server's offset is read forward (or moved, when seekable) to it; one that
    /// starts after it cannot be used.
    pub fn at_offset(mut self, offset: u64) -> UploadSource {
        self.start = offset;
        self
    }

    /// How many bytes the source yields, when known.
    pub fn len(&self) -> Option<u64> {
        self.len
    }

    /// Whether the source is known to yield nothing.
    pub fn is_empty(&self) -> bool {
        self.len == Some(0)
    }

    /// Whether the source can be moved to any offset (bytes and files).
    pub fn is_seekable(&self) -> bool {
        !matches!(self.kind, Kind::Reader(_) | Kind::Stream(_))
    }

    /// The offset in the media of the next byte the source yields.
    pub(crate) fn offset(&self) -> u64 {
        self.start.saturating_add(self.position)
    }

    /// The length of the whole media, when known.
    pub(crate) fn total(&self) -> Option<u64> {
        self.len.map(|len| self.start.saturating_add(len))
    }

    /// Whether the source holds its bytes in memory already (sending them needs no streaming).
    pub(crate) fn in_memory(&self) -> Option<Bytes> {
        match &self.kind {
            Kind::Bytes(data) if self.start == 0 && self.position == 0 => Some(data.clone()),
            _ => None,
        }
    }

    /// Reads up to `dst.len()` bytes; `0` at the end of the source.
    fn poll_read(&mut self, cx: &mut Context<'_>, dst: &mut [u8]) -> Poll<io::Result<usize>> {
        if dst.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let n = if self.pending.is_empty() {
            ready!(self.poll_raw(cx, dst))?
        } else {
            let n = self.pending.len().min(dst.len());
            dst[..n].copy_from_slice(&self.pending[..n]);
            self.pending.advance(n);
            n
        };
        Poll::Ready(self.count(n).map(|()| n))
    }

    /// Reads from the underlying source, past what is pending.
    fn poll_raw(&mut self, cx: &mut Context<'_>, dst: &mut [u8]) -> Poll<io::Result<usize>> {
        let UploadSource {
            kind,
            position,
            pending,
            ..
        } = self;
        match kind {
            Kind::Bytes(data) => {
                let rest = usize::try_from(*position)
                    .ok()
                    .and_then(|at| data.get(at..))
                    .unwrap_or_default();
                let n = rest.len().min(dst.len());
                dst[..n].copy_from_slice(&rest[..n]);
                Poll::Ready(Ok(n))
            }
            Kind::Reader(reader) => poll_read_into(reader.as_mut(), cx, dst),
            #[cfg(feature = "fs")]
            Kind::File(file) => poll_read_into(Pin::new(file), cx, dst),
            Kind::Stream(stream) => {
                let Some(mut item) = ready!(poll_next_nonempty(stream.as_mut(), cx))? else {
                    return Poll::Ready(Ok(0));
                };
                let n = item.len().min(dst.len());
                dst[..n].copy_from_slice(&item[..n]);
                item.advance(n);
                *pending = item;
                Poll::Ready(Ok(n))
            }
        }
    }

    /// The next piece of at most `max` bytes (without copying when the source has it whole),
    /// or `None` at the end: for streamed bodies.
    pub(crate) fn poll_piece(
        &mut self,
        cx: &mut Context<'_>,
        max: usize,
    ) -> Poll<Option<io::Result<Bytes>>> {
        let piece = if !self.pending.is_empty() {
            let n = self.pending.len().min(max);
            self.pending.split_to(n)
        } else {
            match &mut self.kind {
                Kind::Bytes(data) => {
                    let at = usize::try_from(self.position).unwrap_or(usize::MAX);
                    let at = at.min(data.len());
                    data.slice(at..data.len().min(at.saturating_add(max)))
                }
                Kind::Stream(stream) => match ready!(poll_next_nonempty(stream.as_mut(), cx)) {
                    Ok(Some(mut item)) => {
                        let piece = item.split_to(item.len().min(max));
                        self.pending = item;
                        piece
                    }
                    Ok(None) => Bytes::new(),
                    Err(error) => return Poll::Ready(Some(Err(error))),
                },
                _ => {
                    let mut scratch = std::mem::take(&mut self.scratch);
                    scratch.resize(max, 0);
                    let read = self.poll_raw(cx, &mut scratch);
                    let piece = match &read {
                        Poll::Ready(Ok(n)) => scratch.split_to(*n).freeze(),
                        _ => Bytes::new(),
                    };
                    self.scratch = scratch;
                    if let Err(error) = ready!(read) {
                        return Poll::Ready(Some(Err(error)));
                    }
                    piece
                }
            }
        };
        if let Err(error) = self.count(piece.len()) {
            return Poll::Ready(Some(Err(error)));
        }
        Poll::Ready((!piece.is_empty()).then_some(piece).map(Ok))
    }

    /// Counts `n` bytes handed out (`0`: the end), and checks them against the declared length.
    fn count(&mut self, n: usize) -> io::Result<()> {
        self.position = self.position.saturating_add(n as u64);
        match self.len {
            Some(len) if self.position > len => Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("the source yields more than its declared length of {len} bytes"),
            )),
            Some(len) if n == 0 && self.position < len => Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "the source ended after {} bytes, before its declared length of {len}",
                    self.position
                ),
            )),
            _ => Ok(()),
        }
    }

    /// Appends bytes to `buf` until it holds `want` bytes or the source ends; `true` when it
    /// ended.
    pub(crate) async fn fill(&mut self, buf: &mut BytesMut, want: usize) -> io::Result<bool> {
        let mut filled = buf.len();
        if filled >= want {
            return Ok(false);
        }
        buf.resize(want, 0);
        while filled < want {
            let n = std::future::poll_fn(|cx| self.poll_read(cx, &mut buf[filled..want])).await?;
            if n == 0 {
                buf.truncate(filled);
                return Ok(true);
            }
            filled += n;
        }
        Ok(false)
    }

    /// Whether the source has nothing more to yield. A reader or a stream of unknown length is
    /// read ahead by one piece (kept for the next read) to know.
    pub(crate) async fn at_end(&mut self) -> io::Result<bool> {
        if !self.pending.is_empty() {
            return Ok(false);
        }
        if let Some(len) = self.len {
            if self.position >= len {
                return Ok(true);
            }
        }
        let ahead = std::future::poll_fn(|cx| match &mut self.kind {
            Kind::Stream(stream) => poll_next_nonempty(stream.as_mut(), cx),
            _ => {
                let mut byte = [0u8; 1];
                self.poll_raw(cx, &mut byte)
                    .map_ok(|n| (n == 1).then(|| Bytes::copy_from_slice(&byte)))
            }
        })
        .await?;
        match ahead {
            Some(ahead) => {
                self.pending = ahead;
                Ok(false)
            }
            None => self.count(0).map(|()| true),
        }
    }

    /// Moves the source so that its next byte is byte `offset` of the media: seeks bytes and
    /// files; reads a reader or a stream forward, dropping what it reads. `Err` says why it
    /// cannot (the offset lies before the source's start, or behind a source that cannot go
    /// back, or after its end).
    pub(crate) async fn skip_to(&mut self, offset: u64) -> crate::Result<()> {
        let current = self.offset();
        if offset == current {
            return Ok(());
        }
        let cannot = |why: String| crate::Error::invalid("source", why);
        let Some(target) = offset.checked_sub(self.start) else {
            return Err(cannot(format!(
                "the server has {offset} bytes of the upload, but the source starts at byte {} \
                 of the media",
                self.start
            )));
        };
        if self.len.is_some_and(|len| target > len) {
            return Err(cannot(format!(
                "the server has {offset} bytes of the upload, more than the source's {} bytes",
                self.total().unwrap_or_default()
            )));
        }
        if self.is_seekable() {
            // Bytes are read from `position` on; a file is moved there.
            #[cfg(feature = "fs")]
            if let Kind::File(file) = &mut self.kind {
                seek_file(file, target)
                    .await
                    .map_err(crate::Error::Source)?;
            }
            self.pending = Bytes::new();
            self.position = target;
            return Ok(());
        }
        if offset < current {
            return Err(cannot(format!(
                "the server has {offset} bytes of the upload, but the source, which cannot go \
                 back, is at byte {current} of the media"
            )));
        }
        let mut left = offset - current;
        let mut scratch = vec![0u8; PIECE];
        while left > 0 {
            let want = usize::try_from(left).unwrap_or(PIECE).min(PIECE);
            let n = std::future::poll_fn(|cx| self.poll_read(cx, &mut scratch[..want]))
                .await
                .map_err(crate::Error::Source)?;
            if n == 0 {
                return Err(cannot(format!(
                    "the source ended at byte {} of the media, before the server's offset \
                     {offset}",
                    self.offset()
                )));
            }
            left -= n as u64;
        }
        Ok(())
    }

    /// The source as a request body: `head`, the source's bytes, then `tail`.
    pub(crate) fn into_body(self, head: Bytes, tail: Bytes) -> reqwest::Body {
        let size = self.len.map(|len| {
            let remaining = len.saturating_sub(self.position);
            remaining.saturating_add((head.len() + tail.len()) as u64)
        });
        reqwest::Body::wrap(StreamedBody {
            head,
            source: Mutex::new(self),
            tail,
            source_done: false,
            size,
        })
    }
}

/// Moves a file to `position`.
#[cfg(feature = "fs")]
async fn seek_file(file: &mut tokio::fs::File, position: u64) -> io::Result<()> {
    use tokio::io::AsyncSeek as _;
    Pin::new(&mut *file).start_seek(io::SeekFrom::Start(position))?;
    std::future::poll_fn(|cx| Pin::new(&mut *file).poll_complete(cx))
        .await
        .map(|_| ())
}

fn poll_read_into(
    reader: Pin<&mut (impl AsyncRead + ?Sized)>,
    cx: &mut Context<'_>,
    dst: &mut [u8],
) -> Poll<io::Result<usize>> {
    let mut buf = ReadBuf::new(dst);
    ready!(reader.poll_read(cx, &mut buf))?;
    Poll::Ready(Ok(buf.filled().len()))
}

/// The next item of a stream that is not empty (an empty item is no end).
fn poll_next_nonempty(
    mut stream: Pin<&mut (dyn Stream<Item = io::Result<Bytes>> + Send)>,
    cx: &mut Context<'_>,
) -> Poll<io::Result<Option<Bytes>>> {
    loop {
        match ready!(stream.as_mut().poll_next(cx)) {
            Some(Ok(item)) if item.is_empty() => continue,
            Some(Ok(item)) => return Poll::Ready(Ok(Some(item))),
            Some(Err(error)) => return Poll::Ready(Err(error)),
            None => return Poll::Ready(Ok(None)),
        }
    }
}

/// A request body read from an [`UploadSource`] as it is sent, between a head and a tail
/// (the parts of `multipart/related` around the media).
struct StreamedBody {
    head: Bytes,
    /// In a mutex only because reqwest wants bodies to be `Sync`; it is reached through
    /// `get_mut`, never locked.
    source: Mutex<UploadSource>,
    tail: Bytes,
    source_done: bool,
    size: Option<u64>,
}

impl http_body::Body for StreamedBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, io::Error>>> {
        let this = self.get_mut();
        if !this.head.is_empty() {
            let head = std::mem::take(&mut this.head);
            return Poll::Ready(Some(Ok(http_body::Frame::data(head))));
        }
        if !this.source_done {
            let source = this
                .source
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner);
            match ready!(source.poll_piece(cx, PIECE)) {
                Some(piece) => return Poll::Ready(Some(piece.map(http_body::Frame::data))),
                None => this.source_done = true,
            }
        }
        let tail = std::mem::take(&mut this.tail);
        Poll::Ready((!tail.is_empty()).then(|| Ok(http_body::Frame::data(tail))))
    }

    fn is_end_stream(&self) -> bool {
        self.source_done && self.head.is_empty() && self.tail.is_empty()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        match self.size {
            Some(size) => http_body::SizeHint::with_exact(size),
            None => http_body::SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream_of(pieces: &[&'static [u8]]) -> UploadSource {
        let items: Vec<Result<Bytes, io::Error>> =
            pieces.iter().map(|p| Ok(Bytes::from_static(p))).collect();
        UploadSource::stream(futures_util::stream::iter(items))
    }

    #[tokio::test]
    async fn fills_chunks_across_stream_items_and_knows_the_end() {
        let mut source = stream_of(&[b"abc", b"", b"defg", b"h"]);
        let mut buf = BytesMut::new();
        assert!(!source.fill(&mut buf, 5).await.unwrap());
        assert_eq!(&buf[..], b"abcde");
        assert!(!source.at_end().await.unwrap());
        buf.clear();
        assert!(source.fill(&mut buf, 5).await.unwrap());
        assert_eq!(&buf[..], b"fgh");
        assert!(source.at_end().await.unwrap());
        assert_eq!(source.offset(), 8);
    }

    #[tokio::test]
    async fn a_reader_read_ahead_keeps_the_byte_it_read() {
        let mut source = UploadSource::reader(&b"0123456789"[..]);
        let mut buf = BytesMut::new();
        source.fill(&mut buf, 4).await.unwrap();
        assert!(!source.at_end().await.unwrap());
        source.fill(&mut buf, 10).await.unwrap();
        assert_eq!(&buf[..], b"0123456789");
        assert!(source.at_end().await.unwrap());
    }

    #[tokio::test]
    async fn a_declared_length_is_enforced_both_ways() {
        let mut short = UploadSource::reader(&b"abc"[..]).with_length(4);
        let error = short.fill(&mut BytesMut::new(), 10).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
        let mut long = stream_of(&[b"abcdef"]).with_length(4);
        let error = long.fill(&mut BytesMut::new(), 10).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
    }

    #[tokio::test]
    async fn skipping_forward_backward_and_beyond() {
        let mut bytes = UploadSource::bytes(&b"0123456789"[..]);
        bytes.skip_to(7).await.unwrap();
        let mut buf = BytesMut::new();
        bytes.fill(&mut buf, 10).await.unwrap();
        assert_eq!(&buf[..], b"789");
        bytes.skip_to(2).await.unwrap();
        assert!(bytes.skip_to(11).await.is_err());

        let mut reader = UploadSource::reader(&b"3456789"[..]).at_offset(3);
        assert!(reader.skip_to(2).await.is_err());
        reader.skip_to(5).await.unwrap();
        let mut buf = BytesMut::new();
        reader.fill(&mut buf, 10).await.unwrap();
        assert_eq!(&buf[..], b"56789");
        assert!(reader.skip_to(4).await.is_err());
    }

    #[tokio::test]
    async fn pieces_of_a_reader_stop_at_the_end() {
        let mut source = UploadSource::reader(&b"abcdef"[..]).with_length(6);
        let mut got = Vec::new();
        while let Some(piece) = std::future::poll_fn(|cx| source.poll_piece(cx, 4)).await {
            got.extend_from_slice(&piece.unwrap());
        }
        assert_eq!(got, b"abcdef");
    }
}
