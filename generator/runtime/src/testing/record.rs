//! The requests the double received: raw, and typed by the method they call.

use std::borrow::Cow;
use std::fmt;

use serde_json::Value;

use crate::api::ApiInfo;
use crate::json;
use crate::method::{Method, Segment};
use crate::request::{ApiRequest, PathArg};

use super::http::HttpRequest;

/// A request as the double received it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct RawRequest {
    /// The HTTP verb (`GET`).
    pub method: String,
    /// The path as sent, percent-encoded (`/v1/projects/p/locations/global/hubs/h`).
    pub path: String,
    /// The query parameters, decoded, in the order sent.
    pub query: Vec<(String, String)>,
    /// The headers, with names in lower case, in the order sent.
    pub headers: Vec<(String, String)>,
    /// The body (empty when there is none).
    pub body: Vec<u8>,
    /// The id of the method whose expectation (or scripted operation) answered the request;
    /// `None` for an unexpected request.
    pub method_id: Option<&'static str>,
}

impl RawRequest {
    pub(crate) fn from_http(request: HttpRequest) -> RawRequest {
        let (path, query) = match request.target.split_once('?') {
            Some((path, query)) => (path.to_string(), query),
            None => (request.target, ""),
        };
        RawRequest {
            method: request.method,
            path,
            query: form_urlencoded::parse(query.as_bytes())
                .map(|(n, v)| (n.into_owned(), v.into_owned()))
                .collect(),
            headers: request.headers,
            body: request.body,
            method_id: None,
        }
    }

    /// The first value of query parameter `name`.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query_all(name).first().copied()
    }

    /// Every value of query parameter `name`, in the order sent.
    pub fn query_all(&self, name: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The first value of header `name` (in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.header_all(name).first().copied()
    }

    /// Every value of header `name` (in any case), in the order sent.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The body as JSON; `None` when there is no body or it is not JSON.
    pub fn body_json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// `GET /v1/x?a=b`: how requests are named in reports.
impl fmt::Display for RawRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        if !self.query.is_empty() {
            let query = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&self.query)
                .finish();
            write!(f, "?{query}")?;
        }
        Ok(())
    }
}

/// A received request of method `R`, with its body decoded as `R::Body`.
pub struct Received<R: ApiRequest> {
    request: RawRequest,
    body: Option<R::Body>,
}

impl<R: ApiRequest> fmt::Debug for Received<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Received")
            .field("request", &self.request)
            .finish_non_exhaustive()
    }
}

impl<R: ApiRequest> Received<R> {
    /// The request if it calls `R`'s method, decoded. `apis` are the APIs the double knows,
    /// whose service paths come before method paths.
    pub(crate) fn decode(request: &RawRequest, apis: &[&'static ApiInfo]) -> Option<Self> {
        let api = calls(R::METHOD, request, apis)?;
        let body = decode_body::<R::Body>(&request.body, api.is_some_and(|a| a.data_wrapper));
        Some(Received {
            request: request.clone(),
            body,
        })
    }

    /// The body, decoded; `None` when there is none or it is not an `R::Body`.
    pub fn body(&self) -> Option<&R::Body> {
        self.body.as_ref()
    }

    /// The first value of query parameter `name`.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.request.query(name)
    }

    /// The first value of header `name` (in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.request.header(name)
    }

    /// The request as received.
    pub fn raw(&self) -> &RawRequest {
        &self.request
    }
}

/// A body read as `B` (unwrapped from `{"data": ...}` for APIs that wrap bodies).
pub(crate) fn decode_body<B: json::Json>(body: &[u8], data_wrapper: bool) -> Option<B> {
    if body.is_empty() {
        return None;
    }
    if data_wrapper {
        let mut value: Value = serde_json::from_slice(body).ok()?;
        return json::from_value(value.get_mut("data")?.take()).ok();
    }
    json::from_slice(body).ok()
}

/// Whether `request` calls `method`: `Some` with the API it was found in (`None` when found
/// under no known API's service path).
///
/// A request answered for a method says so; any other is matched against the method's verb and
/// path template, after the service path of a known API of the method or, failing that, after
/// any leading segments.
fn calls(
    method: &'static Method,
    request: &RawRequest,
    apis: &[&'static ApiInfo],
) -> Option<Option<&'static ApiInfo>> {
    let api = apis.iter().copied().find(|api| {
        method
            .id
            .strip_prefix(api.name)
            .is_some_and(|r| r.starts_with('.'))
    });
    if let Some(id) = request.method_id {
        return (id == method.id).then_some(api);
    }
    if request.method != method.http_method.as_str() {
        return None;
    }
    let path = request.path.strip_prefix('/')?;
    if let Some(rest) = api.and_then(|a| path.strip_prefix(a.service_path)) {
        if path_matches(method.path, rest) {
            return Some(api);
        }
    }
    let mut starts = std::iter::once(0).chain(path.match_indices('/').map(|(i, _)| i + 1));
    starts
        .any(|start| path_matches(method.path, &path[start..]))
        .then_some(api)
}

/// Whether `path` (percent-encoded, relative to the base URL) is `template` expanded with
/// some values: the values are found by trying every split, and checked by expanding them
/// again (which also checks the variables' patterns).
pub(crate) fn path_matches(template: &'static [Segment], path: &str) -> bool {
    let mut values = Vec::new();
    capture(template, template, path, path, &mut values)
}

fn capture(
    template: &'static [Segment],
    segments: &[Segment],
    rest: &str,
    path: &str,
    values: &mut Vec<PathArg<'static>>,
) -> bool {
    let Some((segment, tail)) = segments.split_first() else {
        return rest.is_empty()
            && crate::path::expand(template, values).is_ok_and(|expanded| expanded == path);
    };
    let (name, reserved) = match segment {
        Segment::Literal(text) => {
            return rest
                .strip_prefix(text)
                .is_some_and(|rest| capture(template, tail, rest, path, values))
        }
        Segment::Simple { name, .. } => (*name, false),
        Segment::Reserved { name, .. } => (*name, true),
    };
    let longest = if reserved {
        rest.len()
    } else {
        rest.find('/').unwrap_or(rest.len())
    };
    (1..=longest)
        .filter(|&end| rest.is_char_boundary(end))
        .any(|end| {
            let Ok(value) = percent_encoding::percent_decode_str(&rest[..end]).decode_utf8() else {
                return false;
            };
            values.push(PathArg {
                name,
                text: Cow::Owned(value.into_owned()),
                secret: false,
            });
            let found = capture(template, tail, &rest[end..], path, values);
            values.pop();
            found
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    static GET: &[Segment] = &[
        Segment::Literal("v1/"),
        Segment::Reserved {
            name: "name",
            pattern: Some("^projects/[^/]+/hubs/[^/]+$"),
        },
    ];
    static LIST: &[Segment] = &[
        Segment::Literal("v1/"),
        Segment::Reserved {
            name: "parent",
            pattern: Some("^projects/[^/]+$"),
        },
        Segment::Literal("/hubs"),
    ];
    static CANCEL: &[Segment] = &[
        Segment::Literal("v1/ops/"),
        Segment::Simple {
            name: "op",
            pattern: None,
        },
        Segment::Literal(":cancel"),
    ];

    #[test]
    fn paths_match_their_templates_only() {
        assert!(path_matches(GET, "v1/projects/p/hubs/h"));
        assert!(!path_matches(GET, "v1/projects/p/hubs"));
        assert!(path_matches(LIST, "v1/projects/p/hubs"));
        assert!(!path_matches(LIST, "v1/projects/p/hubs/h"));
        assert!(path_matches(CANCEL, "v1/ops/a%20b:cancel"));
        assert!(!path_matches(CANCEL, "v1/ops/a/b:cancel"));
        assert!(!path_matches(CANCEL, "v1/ops/%ff:cancel"));
    }
}
