//! Byte ranges on the wire: the `Content-Range` of upload chunks, the `Range` a server answers
//! a resumable upload with (`308 Resume Incomplete`), and the `Content-Range` of a resumed
//! download (`206 Partial Content`). What a server sends is parsed without panicking and
//! without trusting it: digits only, no overflow.

/// The `Content-Range` of a request carrying bytes `start..start + len` of an upload of `total`
/// bytes (`*` when not yet known). An empty request (asking the server what it has, or
/// finishing an upload whose every byte was sent) says `bytes */total`.
pub(crate) fn content_range(start: u64, len: u64, total: Option<u64>) -> String {
    let total = match total {
        Some(total) => total.to_string(),
        None => "*".to_string(),
    };
    match len.checked_sub(1).and_then(|last| start.checked_add(last)) {
        Some(last) => format!("bytes {start}-{last}/{total}"),
        None => format!("bytes */{total}"),
    }
}

/// How many bytes of an upload the server has, from the `Range` header of a `308` reply:
/// `bytes=0-N` means `N + 1`; no header means none. `Err` describes a header that is not of
/// that form (a server keeps bytes from the first one on, so a range must start at 0).
pub(crate) fn persisted_bytes(range: Option<&[u8]>) -> Result<u64, String> {
    let Some(range) = range else {
        return Ok(0);
    };
    let refuse = || {
        format!(
            "the server's Range header {:?} is not `bytes=0-N`",
            crate::error::excerpt(range)
        )
    };
    let text = std::str::from_utf8(range).map_err(|_| refuse())?.trim();
    let spec = strip_prefix_ignore_case(text, "bytes=").ok_or_else(refuse)?;
    let (first, last) = spec.split_once('-').ok_or_else(refuse)?;
    match (number(first), number(last)) {
        (Some(0), Some(last)) => last.checked_add(1).ok_or_else(refuse),
        _ => Err(refuse()),
    }
}

/// A `Content-Range` of a partial reply: bytes `first..=last` of a representation of
/// `total` bytes (`None` for `*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ContentRange {
    pub first: u64,
    pub last: u64,
    pub total: Option<u64>,
}

/// Parses `bytes first-last/total` (or `/*`); `None` for anything else, including a range
/// whose end comes before its start or lies beyond the total.
pub(crate) fn parse_content_range(value: &[u8]) -> Option<ContentRange> {
    let text = std::str::from_utf8(value).ok()?.trim();
    let spec = strip_prefix_ignore_case(text, "bytes ")?.trim_start();
    let (range, total) = spec.split_once('/')?;
    let (first, last) = range.split_once('-')?;
    let (first, last) = (number(first)?, number(last)?);
    let total = match total.trim() {
        "*" => None,
        total => Some(number(total)?),
    };
    let fits = total.is_none_or(|total| last < total);
    (first <= last && fits).then_some(ContentRange { first, last, total })
}

/// A decimal number of ASCII digits only (no sign, no spaces inside), that fits in a `u64`.
fn number(text: &str) -> Option<u64> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Ranges from a server, well formed or not: never a panic, and what is read holds.
        #[test]
        fn any_range_header_is_read_without_panicking(
            bytes in prop::collection::vec(any::<u8>(), 0..40),
            first in any::<u64>(),
            last in any::<u64>(),
            total in prop::option::of(any::<u64>()),
        ) {
            let _ = parse_content_range(&bytes);
            let _ = persisted_bytes(Some(&bytes));
            let total_text = total.map_or("*".to_string(), |t| t.to_string());
            let text = format!("bytes {first}-{last}/{total_text}");
            if let Some(range) = parse_content_range(text.as_bytes()) {
                prop_assert!(range.first <= range.last);
                prop_assert!(range.total.is_none_or(|t| range.last < t));
            }
            let _ = persisted_bytes(Some(format!("bytes={first}-{last}").as_bytes()));
        }
    }

    #[test]
    fn chunk_ranges() {
        assert_eq!(content_range(0, 262144, None), "bytes 0-262143/*");
        assert_eq!(
            content_range(262144, 10, Some(262154)),
            "bytes 262144-262153/262154"
        );
        assert_eq!(content_range(5, 0, Some(5)), "bytes */5");
        assert_eq!(content_range(0, 0, None), "bytes */*");
    }

    #[test]
    fn persisted_bytes_from_any_header() {
        assert_eq!(persisted_bytes(None), Ok(0));
        assert_eq!(persisted_bytes(Some(b"bytes=0-262143")), Ok(262144));
        assert_eq!(persisted_bytes(Some(b" Bytes=0-0 ")), Ok(1));
        for bad in [
            &b"bytes=1-5"[..],
            b"bytes=0-",
            b"bytes=0-+5",
            b"bytes=0--5",
            b"bytes=0-18446744073709551615",
            b"bytes=0-99999999999999999999999",
            b"0-5",
            b"bytes=0-5,7-9",
            b"\xff\xfe",
            b"",
        ] {
            assert!(persisted_bytes(Some(bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn content_ranges_of_partial_replies() {
        assert_eq!(
            parse_content_range(b"bytes 100-199/1000"),
            Some(ContentRange {
                first: 100,
                last: 199,
                total: Some(1000)
            })
        );
        assert_eq!(
            parse_content_range(b"bytes 0-0/*").map(|r| r.total),
            Some(None)
        );
        for bad in [
            &b"bytes 5-4/10"[..],
            b"bytes 0-10/10",
            b"bytes */10",
            b"items 0-1/2",
            b"bytes 0-1",
            b"bytes -1-2/3",
            b"byte",
            b"",
        ] {
            assert_eq!(parse_content_range(bad), None, "{bad:?}");
        }
    }
}
