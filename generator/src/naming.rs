//! Every naming rule of the generated code lives here, and only here: how a wire name becomes a
//! Rust type, field, function, module, enum variant or constant name, how keywords and names that
//! are not identifiers are handled, and how collisions inside one scope are broken.
//!
//! Wire names are never changed: the model keeps them beside the Rust names for serde and the URL.

use std::collections::BTreeSet;

use heck::{ToKebabCase, ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

/// Rust keywords that can be used as raw identifiers (`r#type`).
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "union", "unsafe", "unsized",
    "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers: they get a trailing underscore instead.
const NON_RAW_KEYWORDS: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Type names that generated modules use unqualified (the prelude's types, variants and traits).
/// A schema spelled like one of these would shadow it, so it gets a `Model` suffix instead.
/// Everything else the generated code names is path-qualified (`serde_json::Value`,
/// `crate::Client`...), so schemas called `Client`, `Error` or `Value` keep their names.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "From",
    "Into",
    "Default",
    "Clone",
    "Copy",
    "Debug",
    "PartialEq",
    "Eq",
    "Hash",
    "Send",
    "Sync",
    "Sized",
    "Iterator",
    "IntoIterator",
    "Fn",
    "FnMut",
    "FnOnce",
    "Drop",
    "ToString",
    "ToOwned",
];

/// The Rust name of a schema or of any other generated type (`UpperCamelCase`).
pub fn type_name(wire: &str) -> String {
    let name = wire.to_upper_camel_case();
    let name = digit_safe(&name, "T");
    if name.is_empty() {
        return "Unnamed".to_string();
    }
    if RESERVED_TYPE_NAMES.contains(&name.as_str()) {
        return format!("{name}Model");
    }
    name
}

/// The name of a type that the generator invents for an inline schema: the owner's name
/// followed by the property's.
pub fn inline_type_name(owner: &str, property: &str) -> String {
    if property.is_empty() {
        return owner.to_string();
    }
    format!("{owner}{}", property.to_upper_camel_case())
}

/// The name of an enum variant for a wire value. `Self` cannot be a variant, so `SELF` becomes
/// `SelfValue`; digit-first values get a `V` prefix (`30DAYS` -> `V30Days`).
pub fn variant_name(wire: &str) -> String {
    let name = wire.to_upper_camel_case();
    let name = digit_safe(&name, "V");
    match name.as_str() {
        "" => "Empty".to_string(),
        "Self" => "SelfValue".to_string(),
        _ => name,
    }
}

/// The catch-all variant that keeps enum values this crate does not know.
pub const UNKNOWN_VARIANT: &str = "UnknownValue";

/// The struct field that keeps the JSON members a model does not know.
pub const UNKNOWN_FIELDS: &str = "unknown_fields";

/// The builder field that holds the runtime's per-call state.
pub const CALL_STATE_FIELD: &str = "call_state";

/// Names a request builder's fields and setters must not take: the field of the call's state,
/// and the methods builders get from the runtime's user-facing traits (a setter of the same
/// name would hide them; a test in `runtime.rs` checks this list against the traits' sources)
/// or from `Clone`.
pub const BUILDER_RESERVED: &[&str] = &[
    CALL_STATE_FIELD,
    "clone",
    // Request (its `fields`, `quota_user`, `pretty_print` and `xgafv` set the standard query
    // parameters of the same wire names: a method that declares one of them again gets a
    // setter of that name, which sets the same parameter)
    "send",
    "send_with_response",
    "with_retry_policy",
    "without_retries",
    "with_attempt_timeout",
    "with_timeout",
    "with_idempotency",
    "with_quota_project",
    "with_header",
    "with_query_param",
    "without_request_id",
    // PagedRequest
    "pages",
    "items",
    // LongRunning
    "send_and_wait",
    "start",
    // MediaUploadRequest
    "upload",
    "upload_from",
    "upload_resumable",
    "resume_upload",
    // MediaDownloadRequest
    "download",
    "download_stream",
];

/// Functions of the generated `Service` that resource accessors and the API's own methods must
/// not take.
pub const SERVICE_RESERVED: &[&str] = &[
    "new",
    "batch",
    "with_base_url",
    "api_client",
    "operation",
    "wait_for_operation",
    "clone",
    "fmt",
];

/// Functions of a resource handle that its methods and children must not take.
pub const HANDLE_RESERVED: &[&str] = &["api_client", "clone", "fmt"];

/// Parameter names that carry credentials, compared without case, `_` or `-`.
const CREDENTIAL_NAMES: &[&str] = &[
    "key",
    "apikey",
    "accesstoken",
    "oauthtoken",
    "idtoken",
    "refreshtoken",
    "clientsecret",
    "password",
];

/// Whether a parameter carries a credential, by its name or its description ("OAuth access
/// token", "API key"...): its value is never shown in `Debug` output.
pub fn is_credential(wire: &str, description: Option<&str>) -> bool {
    let flat: String = wire
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    if CREDENTIAL_NAMES.contains(&flat.as_str()) {
        return true;
    }
    let description = description.unwrap_or_default().to_ascii_lowercase();
    flat.ends_with("token")
        && !flat.contains("page")
        && (description.contains("oauth") || description.contains("access token"))
}

/// The `static` that describes a method (`get` -> `GET`).
pub fn method_static_name(method: &str) -> String {
    const_name(method)
}

/// The name of the `static` describing the media upload of the method whose `static` is
/// `method_static`.
pub fn upload_static_name(method_static: &str) -> String {
    format!("{method_static}_UPLOAD")
}

/// The name of a field, parameter, function or module (`snake_case`), escaped when it is a
/// keyword.
pub fn value_name(wire: &str) -> String {
    let name = wire.to_snake_case();
    let name = digit_safe(&name, "_");
    escape_keyword(if name.is_empty() {
        "unnamed".to_string()
    } else {
        name
    })
}

/// The name of a constant (`SHOUTY_SNAKE_CASE`).
pub fn const_name(wire: &str) -> String {
    let name = wire.to_shouty_snake_case();
    let name = digit_safe(&name, "_");
    if name.is_empty() {
        "UNNAMED".to_string()
    } else {
        name
    }
}

/// The constant that holds an OAuth scope: named after the scope URL's last path segment
/// (`https://www.googleapis.com/auth/cloud-platform` -> `CLOUD_PLATFORM`).
pub fn scope_const_name(url: &str) -> String {
    let tail = url.trim_end_matches('/').rsplit('/').next().unwrap_or(url);
    const_name(tail)
}

/// The request builder type of a method (`get` -> `GetCall`), as Google's Go clients name them.
pub fn builder_name(method: &str) -> String {
    digit_safe(&format!("{}Call", method.to_upper_camel_case()), "T")
}

/// The handle type of a resource (`operations` -> `OperationsResource`).
pub fn resource_handle_name(resource: &str) -> String {
    digit_safe(&format!("{}Resource", resource.to_upper_camel_case()), "T")
}

/// Cargo feature names the generated crate defines itself, which no resource may take.
pub const RESERVED_FEATURES: &[&str] = &[
    "default",
    "adc",
    "testing",
    "http2",
    "fs",
    ALL_TYPES_FEATURE,
];

/// The cargo feature that compiles the schemas no method reaches.
pub const ALL_TYPES_FEATURE: &str = "all-types";

/// The cargo feature of a resource: its path segments, kebab-case, joined by `-`; callers pass
/// as many trailing segments as uniqueness needs (`["routeTables"]` -> `route-tables`,
/// `["hubs", "groups"]` -> `hubs-groups`).
pub fn feature_name(segments: &[&str]) -> String {
    segments
        .iter()
        .map(|s| s.to_kebab_case())
        .collect::<Vec<_>>()
        .join("-")
}

/// The Rust crate (package) name of an API: `networkconnectivity` `v1` -> `networkconnectivity-v1`.
pub fn crate_name(api: &str, version: &str) -> String {
    format!("{}-{}", api.to_snake_case(), version.to_snake_case()).replace('_', "-")
}

/// The library name that `use` statements see: the crate name with `_` for `-`.
pub fn lib_name(crate_name: &str) -> String {
    crate_name.replace('-', "_")
}

/// Prefixes names that would start with a digit, which no Rust identifier may.
fn digit_safe(name: &str, prefix: &str) -> String {
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{prefix}{name}")
    } else {
        name.to_string()
    }
}

fn escape_keyword(name: String) -> String {
    if NON_RAW_KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else if RAW_KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// One namespace of generated names (the fields of a struct, the items of a module, the
/// methods of a builder). Names are claimed in a fixed order; a name already taken gets the
/// smallest numeric suffix that is free, so the result is deterministic.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope in which `reserved` names are already taken (names the generated code itself
    /// uses in that namespace).
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Scope {
            taken: reserved.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Claims `name`, or `name` with a suffix when it is taken. Snake-case names get `_2`,
    /// camel-case names `2`.
    pub fn claim(&mut self, name: String) -> String {
        if self.taken.insert(name.clone()) {
            return name;
        }
        let separator = if name.starts_with(|c: char| c.is_ascii_uppercase()) {
            ""
        } else {
            "_"
        };
        let base = name.trim_start_matches("r#");
        (2..)
            .map(|n| format!("{base}{separator}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always yields a free name")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_and_odd_names() {
        assert_eq!(value_name("type"), "r#type");
        assert_eq!(value_name("self"), "self_");
        assert_eq!(value_name("pageSize"), "page_size");
        assert_eq!(value_name("$.xgafv"), "xgafv");
        assert_eq!(value_name("upload_protocol"), "upload_protocol");
        assert_eq!(value_name("30days"), "_30days");
        assert_eq!(value_name("@type"), "r#type");
        assert_eq!(type_name("Option"), "OptionModel");
        assert_eq!(type_name("GoogleRpcStatus"), "GoogleRpcStatus");
        assert_eq!(type_name("3dModel"), "T3dModel");
        assert_eq!(variant_name("SELF"), "SelfValue");
        assert_eq!(variant_name("30DAYS"), "V30days");
        assert_eq!(variant_name("1"), "V1");
        assert_eq!(builder_name("get"), "GetCall");
        assert_eq!(resource_handle_name("operations"), "OperationsResource");
        assert_eq!(
            scope_const_name("https://www.googleapis.com/auth/cloud-platform"),
            "CLOUD_PLATFORM"
        );
        assert_eq!(
            crate_name("networkconnectivity", "v1"),
            "networkconnectivity-v1"
        );
        assert_eq!(crate_name("admin", "directory_v1"), "admin-directory-v1");
        assert_eq!(method_static_name("getIamPolicy"), "GET_IAM_POLICY");
    }

    #[test]
    fn credentials_are_told_by_name_or_description() {
        assert!(is_credential("key", None));
        assert!(is_credential("access_token", Some("OAuth access token.")));
        assert!(is_credential("id_token", None));
        assert!(is_credential(
            "userToken",
            Some("An OAuth access token of the user")
        ));
        assert!(!is_credential("pageToken", Some("OAuth paging token")));
        assert!(!is_credential(
            "serviceConnectionToken",
            Some("The token name")
        ));
        assert!(!is_credential("requestId", None));
    }

    #[test]
    fn scope_breaks_collisions_deterministically() {
        let mut scope = Scope::with_reserved(&["unknown_fields"]);
        assert_eq!(scope.claim("name".into()), "name");
        assert_eq!(scope.claim("name".into()), "name_2");
        assert_eq!(scope.claim("unknown_fields".into()), "unknown_fields_2");
        assert_eq!(scope.claim("r#type".into()), "r#type");
        assert_eq!(scope.claim("r#type".into()), "type_2");
        let mut types = Scope::default();
        assert_eq!(types.claim("Foo".into()), "Foo");
        assert_eq!(types.claim("Foo".into()), "Foo2");
    }
}
