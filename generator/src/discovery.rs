//! Step 1: the Discovery format, read as Google publishes it.
//!
//! These types mirror the JSON of a `discovery#restDescription` document and nothing more: no
//! Rust names, no decisions. Keys this crate does not use are ignored, so newer documents with
//! extra keys still parse. Maps are `BTreeMap`s so that every later step walks them in one
//! order, which keeps the output deterministic.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::Error;

/// The value of `kind` that every REST discovery document carries.
pub const DOCUMENT_KIND: &str = "discovery#restDescription";

/// A whole discovery document (`RestDescription`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RestDescription {
    pub kind: Option<String>,
    pub id: String,
    pub name: String,
    pub version: String,
    pub revision: String,
    pub title: String,
    pub description: String,
    pub documentation_link: String,
    pub root_url: String,
    pub service_path: String,
    pub base_url: String,
    pub batch_path: String,
    pub mtls_root_url: Option<String>,
    pub endpoints: Vec<Endpoint>,
    pub parameters: BTreeMap<String, Schema>,
    pub auth: Option<Auth>,
    pub schemas: BTreeMap<String, Schema>,
    pub resources: BTreeMap<String, Resource>,
    pub methods: BTreeMap<String, Method>,
    pub features: Vec<String>,
}

/// A regional endpoint (`endpoints[]`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Endpoint {
    pub endpoint_url: String,
    pub location: String,
    pub description: String,
}

/// `auth`: only OAuth 2.0 scopes are described by discovery documents.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Auth {
    pub oauth2: OAuth2,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OAuth2 {
    pub scopes: BTreeMap<String, Scope>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Scope {
    pub description: String,
}

/// A JSON schema as discovery spells it. Schemas, properties, array items, map values and
/// method parameters all share this shape.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Schema {
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub type_: Option<String>,
    #[serde(rename = "$ref")]
    pub ref_: Option<String>,
    pub description: Option<String>,
    pub format: Option<String>,
    pub properties: BTreeMap<String, Schema>,
    pub additional_properties: Option<Box<Schema>>,
    pub items: Option<Box<Schema>>,
    #[serde(rename = "enum")]
    pub enum_: Vec<String>,
    pub enum_descriptions: Vec<String>,
    pub enum_deprecated: Vec<bool>,
    pub default: Option<String>,
    pub pattern: Option<String>,
    pub required: bool,
    pub repeated: bool,
    pub location: Option<String>,
    pub read_only: bool,
    pub deprecated: bool,
    pub minimum: Option<String>,
    pub maximum: Option<String>,
}

/// A resource: methods and nested resources.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Resource {
    pub methods: BTreeMap<String, Method>,
    pub resources: BTreeMap<String, Resource>,
    pub deprecated: bool,
}

/// A method of a resource (or of the document itself).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Method {
    pub id: String,
    pub path: String,
    pub flat_path: Option<String>,
    pub http_method: String,
    pub description: Option<String>,
    pub parameters: BTreeMap<String, Schema>,
    pub parameter_order: Vec<String>,
    pub request: Option<Schema>,
    pub response: Option<Schema>,
    pub scopes: Vec<String>,
    pub supports_media_download: bool,
    pub use_media_download_service: bool,
    pub supports_media_upload: bool,
    pub media_upload: Option<MediaUpload>,
    pub api_version: Option<String>,
    pub deprecated: bool,
}

/// `mediaUpload` of a method: where and what media can be uploaded.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MediaUpload {
    pub accept: Vec<String>,
    pub max_size: Option<String>,
    pub protocols: MediaProtocols,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MediaProtocols {
    pub simple: Option<MediaProtocol>,
    pub resumable: Option<MediaProtocol>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MediaProtocol {
    pub multipart: bool,
    pub path: String,
}

/// Reads and parses a discovery document. Errors name the file and, for a document that is JSON
/// but not of the expected shape, the JSON path of the offending value.
pub fn load(path: &Path) -> Result<RestDescription, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        file: path.display().to_string(),
        source,
    })?;
    parse(&path.display().to_string(), &bytes)
}

/// Parses a discovery document held in memory; `file` is only used in error messages.
pub fn parse(file: &str, bytes: &[u8]) -> Result<RestDescription, Error> {
    // Parse to a value first so that "not JSON" and "JSON of the wrong shape" are told apart.
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| Error::NotJson {
        file: file.to_string(),
        line: e.line(),
        column: e.column(),
        // serde_json stops at 128 levels of nesting, far beyond any real document.
        message: if e.to_string().starts_with("recursion limit exceeded") {
            "nested more than 128 levels deep, which no discovery document is".to_string()
        } else {
            e.to_string()
        },
    })?;
    // Older documents carry other `discovery#` kinds (`discovery#describeItem`), which Google's
    // Python client reads too: read them (resolve warns). Anything else is not a document.
    let kind = value.get("kind").and_then(|k| k.as_str());
    if !kind.is_some_and(|k| k.starts_with("discovery#")) {
        return Err(Error::invalid(
            file,
            "/kind",
            format!(
                "not a discovery document: expected \"kind\": \"{DOCUMENT_KIND}\", found {}",
                value
                    .get("kind")
                    .map_or("nothing".to_string(), |k| k.to_string())
            ),
        ));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let pointer = pointer_of(e.path());
        Error::invalid(file, &pointer, e.into_inner().to_string())
    })
}

/// Turns a `serde_path_to_error` path into a JSON pointer (`/resources/projects/methods`).
fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        pointer.push('/');
        match segment {
            Segment::Seq { index } => pointer.push_str(&index.to_string()),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                pointer.push_str(&escape_pointer_token(key))
            }
            Segment::Unknown => pointer.push('?'),
        }
    }
    if pointer.is_empty() {
        pointer.push('/');
    }
    pointer
}

/// Escapes one token of a JSON pointer (RFC 6901: `~` as `~0`, `/` as `~1`).
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_shape_names_the_json_path() {
        let doc = br#"{"kind":"discovery#restDescription","resources":{"a":{"methods":{"get":{"parameterOrder":"x"}}}}}"#;
        let err = parse("doc.json", doc).unwrap_err().to_string();
        assert!(
            err.contains("doc.json") && err.contains("/resources/a/methods/get/parameterOrder"),
            "{err}"
        );
    }

    #[test]
    fn nesting_beyond_the_parser_s_limit_is_a_clear_error() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let err = parse("x.json", deep.as_bytes()).unwrap_err().to_string();
        assert!(
            err.contains("more than 128 levels") && err.contains("column"),
            "{err}"
        );
    }

    #[test]
    fn not_json_and_not_discovery_are_told_apart() {
        let err = parse("x.json", b"{nope").unwrap_err().to_string();
        assert!(err.contains("cannot read as JSON"), "{err}");
        let err = parse("x.json", br#"{"kind":"something#else"}"#)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("not a discovery document") && err.contains("/kind"),
            "{err}"
        );
    }

    #[test]
    fn unknown_keys_are_tolerated() {
        let doc = br#"{"kind":"discovery#restDescription","futureKey":{"x":1},"schemas":{"A":{"type":"object","newThing":true}}}"#;
        let parsed = parse("doc.json", doc).unwrap();
        assert!(parsed.schemas.contains_key("A"));
    }
}
