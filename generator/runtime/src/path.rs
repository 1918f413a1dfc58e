//! Expansion of path templates (`v1/{+name}:cancel`), with the checks that keep a parameter value
//! from steering a request anywhere else.

use crate::error::{Error, Result};
use crate::method::Segment;
use crate::request::PathArg;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Characters left as they are in a path segment: RFC 3986 unreserved characters and the
/// sub-delimiters and `:`/`@` that Google resource names use. Everything else is encoded,
/// `%` included, so a value cannot smuggle in an encoded `/`.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

/// Whether `value` matches a parameter's `pattern` from the discovery document. Patterns are
/// compiled once and cached. A pattern that is not a valid regular expression checks nothing,
/// as in Google's own clients, which only apply the patterns they can compile.
fn matches(pattern: &'static str, value: &str) -> bool {
    if let Some(matched) = resource_name_match(pattern, value) {
        return matched;
    }
    type Cache = Mutex<HashMap<&'static str, Option<Arc<regex_lite::Regex>>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let compiled = {
        let mut cache = CACHE
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        cache
            .entry(pattern)
            .or_insert_with(|| regex_lite::Regex::new(pattern).ok().map(Arc::new))
            .clone()
    };
    compiled.is_none_or(|re| re.is_match(value))
}

/// The shape almost every Google pattern has, `^projects/[^/]+/locations/[^/]+$`, matched
/// without a regex engine (it is on the path of every call); `None` for any other shape.
fn resource_name_match(pattern: &str, value: &str) -> Option<bool> {
    let body = pattern.strip_prefix('^')?.strip_suffix('$')?;
    // Split twice rather than collected: this runs on every call.
    let pieces = || body.split("[^/]+");
    let literal = |piece: &str| {
        piece
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'/' | b'-' | b'_' | b':'))
    };
    // After each `[^/]+`, the text goes on with a `/` (or ends): matching is then
    // deterministic, up to the next `/`.
    let deterministic = pieces().skip(1).all(|p| p.is_empty() || p.starts_with('/'));
    if !pieces().all(literal) || !deterministic {
        return None;
    }
    let mut rest_pieces = pieces();
    let Some(mut rest) = value.strip_prefix(rest_pieces.next()?) else {
        return Some(false);
    };
    for piece in rest_pieces {
        let segment = rest.find('/').unwrap_or(rest.len());
        if segment == 0 {
            return Some(false);
        }
        match rest[segment..].strip_prefix(piece) {
            Some(after) => rest = after,
            None => return Some(false),
        }
    }
    Some(rest.is_empty())
}

/// Expands a path template with the values of its variables (by wire name), refusing values
/// that do not match their pattern or that would change the request's target.
pub(crate) fn expand(template: &[Segment], values: &[PathArg<'_>]) -> Result<String> {
    let mut path = String::with_capacity(64);
    for segment in template {
        let (name, pattern, reserved) = match segment {
            Segment::Literal(text) => {
                path.push_str(text);
                continue;
            }
            Segment::Simple { name, pattern } => (*name, *pattern, false),
            Segment::Reserved { name, pattern } => (*name, *pattern, true),
        };
        let Some(arg) = values.iter().find(|arg| arg.name == name) else {
            return Err(Error::invalid(
                name,
                "the path needs a value for this variable",
            ));
        };
        let value: &str = &arg.text;
        check(value, pattern).map_err(|reason| refused(arg, value, reason))?;
        if reserved {
            for (i, piece) in value.split('/').enumerate() {
                check_segment(piece).map_err(|reason| refused(arg, piece, reason))?;
                if i > 0 {
                    path.push('/');
                }
                push_encoded(&mut path, piece);
            }
        } else {
            check_segment(value).map_err(|reason| refused(arg, value, reason))?;
            push_encoded(&mut path, value);
        }
    }
    Ok(path)
}

/// The error for `arg`, quoting `part` of its value unless the value is a credential.
fn refused(arg: &PathArg<'_>, part: &str, reason: impl std::fmt::Display) -> Error {
    let part = if arg.secret { "<redacted>" } else { part };
    Error::invalid(arg.name, format!("{part:?}: {reason}"))
}

fn check(value: &str, pattern: Option<&'static str>) -> std::result::Result<(), String> {
    match pattern {
        Some(pattern) if !matches(pattern, value) => {
            Err(format!("does not match the pattern {pattern}"))
        }
        _ => Ok(()),
    }
}

/// Appends `segment` percent-encoded by [`SEGMENT`]. Google resource names almost never need an
/// escape, so they are first scanned and copied whole (this runs on every call).
fn push_encoded(path: &mut String, segment: &str) {
    if segment.bytes().all(is_kept) {
        path.push_str(segment);
    } else {
        path.extend(utf8_percent_encode(segment, SEGMENT));
    }
}

/// Whether [`SEGMENT`] leaves `byte` as it is.
fn is_kept(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&byte)
}

fn check_segment(segment: &str) -> std::result::Result<(), &'static str> {
    if segment.is_empty() {
        Err("an empty path segment is not allowed")
    } else if segment == "." || segment == ".." {
        Err("`.` and `..` path segments are not allowed")
    } else if segment.bytes().all(is_kept) {
        // No `?`, `#`, `%` or control character: the usual resource name, in one scan.
        Ok(())
    } else if segment.contains(['?', '#']) {
        Err("`?` and `#` are not allowed in a path parameter")
    } else if has_percent_escape(segment) {
        Err("percent-encoded text (such as an encoded `/`, %2F) is not allowed; pass the plain value")
    } else if segment.chars().any(char::is_control) {
        Err("control characters are not allowed in a path parameter")
    } else {
        Ok(())
    }
}

/// Whether `segment` holds a `%XX` escape: the client encodes values itself, so an escape in a
/// value is either double encoding or an attempt to smuggle in a `/`, `?` or `#`.
fn has_percent_escape(segment: &str) -> bool {
    segment
        .as_bytes()
        .windows(3)
        .any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    const TEMPLATE: &[Segment] = &[
        Segment::Literal("v1/"),
        Segment::Reserved {
            name: "name",
            pattern: Some("^projects/[^/]+/operations/[^/]+$"),
        },
        Segment::Literal(":cancel/"),
        Segment::Simple {
            name: "id",
            pattern: None,
        },
    ];

    fn expand_with(name: &str, id: &str) -> Result<String> {
        expand(
            TEMPLATE,
            &[PathArg::plain("name", name), PathArg::plain("id", id)],
        )
    }

    #[test]
    fn values_are_encoded_by_the_kind_of_variable() {
        assert_eq!(
            expand_with("projects/p 1/operations/o:é", "a/b c").unwrap(),
            "v1/projects/p%201/operations/o:%C3%A9:cancel/a%2Fb%20c"
        );
    }

    #[test]
    fn the_fast_path_keeps_exactly_what_the_encode_set_keeps() {
        for byte in 0..=u8::MAX {
            let text = [byte];
            let encoded: String = percent_encoding::percent_encode(&text, SEGMENT).collect();
            let kept = encoded.as_bytes() == text;
            assert_eq!(is_kept(byte), kept, "byte {byte:#04x}");
        }
    }

    #[test]
    fn values_that_would_change_the_target_are_refused() {
        for name in [
            "projects/p/operations/..",
            "projects//operations/o",
            "projects/p/operations/o%2F",
            "projects/p/operations/o#x",
            "projects/p/operations/o\n",
            "projects/p/other/o",
        ] {
            let error = expand_with(name, "1").unwrap_err();
            assert!(
                matches!(&error, Error::InvalidRequest { parameter, .. } if parameter == "name"),
                "{name:?}: {error}"
            );
        }
        assert!(expand_with("projects/p/operations/o", "..").is_err());
        assert!(expand(
            TEMPLATE,
            &[PathArg::plain("name", "projects/p/operations/o")]
        )
        .is_err());
    }

    #[test]
    fn a_credential_is_never_quoted_in_a_refusal() {
        for bad in [
            "projects/p/other/sk-secret",
            "projects/p/operations/sk-secret%2F",
        ] {
            let arg = PathArg {
                name: "name",
                text: Cow::Borrowed(bad),
                secret: true,
            };
            let error = expand(TEMPLATE, &[arg, PathArg::plain("id", "1")]).unwrap_err();
            let shown = format!("{error} {error:?}");
            assert!(!shown.contains("sk-secret"), "{shown}");
            assert!(shown.contains("<redacted>"), "{shown}");
        }
        // A plain value is quoted, to say what was wrong with it.
        let error = expand_with("projects/p/other/o", "1").unwrap_err();
        assert!(error.to_string().contains("projects/p/other/o"), "{error}");
    }

    #[test]
    fn resource_name_patterns_match_without_the_regex_engine() {
        let pattern = "^projects/[^/]+/locations/[^/]+$";
        assert_eq!(
            resource_name_match(pattern, "projects/a/locations/b"),
            Some(true)
        );
        assert_eq!(
            resource_name_match(pattern, "projects/a/locations/b/c"),
            Some(false)
        );
        assert_eq!(
            resource_name_match(pattern, "projects//locations/b"),
            Some(false)
        );
        assert_eq!(resource_name_match("^[a-z]+$", "abc"), None);
        assert!(matches("^[a-z]+$", "abc") && !matches("^[a-z]+$", "ABC"));
        // A pattern that is no valid expression checks nothing, as in Google's clients.
        assert!(matches("^(unclosed$", "anything"));
    }
}
