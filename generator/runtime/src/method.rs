//! What a method of an API is, as data: everything the runtime needs to send it, read from the
//! discovery document by the generator and emitted as a `static` per method.

/// The HTTP verb of a method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }

    /// Idempotent by HTTP semantics (RFC 9110): GET, PUT and DELETE; POST and PATCH are not.
    pub const fn is_idempotent(self) -> bool {
        matches!(self, HttpMethod::Get | HttpMethod::Put | HttpMethod::Delete)
    }

    pub(crate) fn to_reqwest(self) -> reqwest::Method {
        match self {
            HttpMethod::Get => reqwest::Method::GET,
            HttpMethod::Post => reqwest::Method::POST,
            HttpMethod::Put => reqwest::Method::PUT,
            HttpMethod::Patch => reqwest::Method::PATCH,
            HttpMethod::Delete => reqwest::Method::DELETE,
        }
    }
}

/// One piece of a path template (`v1/{+name}:cancel` is a literal, a variable, a literal).
#[derive(Debug)]
pub enum Segment {
    /// Text copied as it is.
    Literal(&'static str),
    /// `{name}`: the value is one path segment; every reserved character is encoded, `/`
    /// included.
    Simple {
        /// The parameter's wire name.
        name: &'static str,
        /// The regular expression the value must match, from the document.
        pattern: Option<&'static str>,
    },
    /// `{+name}`: `/` separates segments that are each encoded.
    Reserved {
        /// The parameter's wire name.
        name: &'static str,
        /// The regular expression the value must match, from the document.
        pattern: Option<&'static str>,
    },
}

impl Segment {
    /// The wire name of the variable, `None` for a literal.
    pub fn variable(&self) -> Option<&'static str> {
        match self {
            Segment::Literal(_) => None,
            Segment::Simple { name, .. } | Segment::Reserved { name, .. } => Some(name),
        }
    }
}

/// How a method uploads media, when it can.
#[derive(Debug)]
pub struct MediaUpload {
    /// The simple and multipart upload path (`upload/storage/v1/b/{bucket}/o`), relative to the
    /// API's root URL.
    pub path: &'static [Segment],
    /// Whether the request body (metadata) and the media can travel together as
    /// `multipart/related`.
    pub multipart: bool,
    /// The resumable upload path, when the document declares the resumable protocol.
    pub resumable_path: Option<&'static [Segment]>,
    /// Accepted MIME types (`*/*`, `image/png`...).
    pub accept: &'static [&'static str],
    /// The largest upload in bytes, when the document says.
    pub max_size: Option<u64>,
}

/// A method of an API: its id, verb, path template and everything else that decides how it is
/// sent, retried, paged and waited for.
#[derive(Debug)]
pub struct Method {
    /// `networkconnectivity.projects.locations.operations.get`.
    pub id: &'static str,
    pub http_method: HttpMethod,
    /// The path template, relative to the API's base URL.
    pub path: &'static [Segment],
    /// Whether sending the request twice is harmless (by its verb), so that transient failures
    /// are retried.
    pub idempotent: bool,
    /// Wire names of the method's own query parameters: a standard parameter or an extra one
    /// with the same name is not sent beside them.
    pub query: &'static [&'static str],
    /// The wire name of the method's request-ID parameter (a unique ID that makes a retried
    /// mutation safe), when it has one.
    pub request_id: Option<&'static str>,
    /// The method's `apiVersion`, sent as the `X-Goog-Api-Version` header.
    pub api_version: Option<&'static str>,
    /// Media upload, when the method takes media.
    pub upload: Option<&'static MediaUpload>,
    /// Whether the method can return the resource's media (`alt=media`) instead of JSON.
    pub download: bool,
}

impl Method {
    /// A method with no query parameters, request ID, API version or media; idempotent by its
    /// verb. The other fields are set with the `const fn`s below, so a generated `static`
    /// names only what differs.
    pub const fn new(
        id: &'static str,
        http_method: HttpMethod,
        path: &'static [Segment],
    ) -> Method {
        Method {
            id,
            http_method,
            path,
            idempotent: http_method.is_idempotent(),
            query: &[],
            request_id: None,
            api_version: None,
            upload: None,
            download: false,
        }
    }

    /// The method's own query parameters.
    pub const fn query(mut self, names: &'static [&'static str]) -> Method {
        self.query = names;
        self
    }

    /// The request-ID parameter.
    pub const fn request_id(mut self, name: &'static str) -> Method {
        self.request_id = Some(name);
        self
    }

    /// The `apiVersion`.
    pub const fn api_version(mut self, version: &'static str) -> Method {
        self.api_version = Some(version);
        self
    }

    /// Media upload.
    pub const fn upload(mut self, upload: &'static MediaUpload) -> Method {
        self.upload = Some(upload);
        self
    }

    /// Media download.
    pub const fn download(mut self) -> Method {
        self.download = true;
        self
    }

    /// The wire names of the path variables, in template order.
    pub fn path_variables(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.path.iter().filter_map(Segment::variable)
    }
}
