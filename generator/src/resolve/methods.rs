//! Resources and methods: handles, builders, parameters, paths, media, request IDs and the
//! long-running operations methods start.

use std::collections::BTreeMap;

use crate::discovery;
use crate::error::Error;
use crate::model::*;
use crate::naming::{self, Scope as Names};

use super::operations::Operations;
use super::refs::child;
use super::select::Selected;
use super::types::{enum_def, scalar_type, TypeResolver};

/// What resolving methods needs beside the method itself.
pub(super) struct MethodContext<'a, 'd> {
    pub file: &'a str,
    pub doc: &'d discovery::RestDescription,
    pub types: &'a mut TypeResolver<'d>,
    pub param_enum_names: &'a mut Names,
    pub param_enums: &'a mut Vec<EnumDef>,
    /// The cargo feature of each resource with methods, by dotted path.
    pub features: &'a BTreeMap<String, String>,
    pub operations: &'a Operations<'d>,
}

/// Where a method hangs: its resource (absent for the API's own methods).
pub(super) struct Owner<'a, 'd> {
    /// Module path of the resource (`["projects", "locations"]`).
    pub module_path: &'a [String],
    /// The resource as the document has it, for its sibling methods.
    pub resource: Option<&'d discovery::Resource>,
    pub feature: Option<&'a str>,
}

pub(super) fn resolve_resource<'d>(
    node: &Selected<'d>,
    parent_path: &[String],
    ctx: &mut MethodContext<'_, 'd>,
) -> Result<Resource, Error> {
    let mut module_path = parent_path.to_vec();
    module_path.push(naming::value_name(&node.wire));
    let path = dotted_path(&node.pointer);
    let feature = ctx.features.get(&path).cloned();
    // Functions on the handle: methods first, then child resources, in one namespace.
    let mut handle_fns = Names::with_reserved(naming::HANDLE_RESERVED);
    let mut methods = Vec::new();
    if node.with_methods {
        let mut builders = Names::with_reserved(&[&naming::resource_handle_name(&node.wire)]);
        let owner = Owner {
            module_path: &module_path,
            resource: Some(node.resource),
            feature: feature.as_deref(),
        };
        let statics = static_names(&node.resource.methods);
        for ((wire, method), (static_name, upload_static)) in
            node.resource.methods.iter().zip(statics)
        {
            let names = MethodNames {
                fn_name: handle_fns.claim(naming::value_name(wire)),
                builder: builders.claim(naming::builder_name(wire)),
                static_name,
                upload_static,
            };
            let pointer = child(&node.pointer, "methods", wire);
            methods.push(resolve_method(wire, method, &pointer, names, &owner, ctx)?);
        }
    }
    let children = node
        .children
        .iter()
        .map(|child| {
            let mut resource = resolve_resource(child, &module_path, ctx)?;
            resource.accessor = handle_fns.claim(naming::value_name(&child.wire));
            Ok(resource)
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(Resource {
        path,
        accessor: naming::value_name(&node.wire),
        handle: naming::resource_handle_name(&node.wire),
        module_path,
        methods,
        children,
        feature,
    })
}

/// `/resources/a/resources/b` -> `a.b`.
pub(super) fn dotted_path(pointer: &str) -> String {
    pointer
        .split("/resources/")
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(".")
}

/// The Rust names of a method, claimed in their namespaces by the caller.
pub(super) struct MethodNames {
    pub fn_name: String,
    pub builder: String,
    pub static_name: String,
    /// The `static` of the method's media upload, when it takes media.
    pub upload_static: Option<String>,
}

/// The names of the `static`s of a module's methods, in the methods' order: each method's, and
/// its media upload's when it takes media. The methods' own are claimed first, so that a
/// method named like another's upload (`insertUpload` beside `insert`) keeps its name.
pub(super) fn static_names(
    methods: &BTreeMap<String, discovery::Method>,
) -> Vec<(String, Option<String>)> {
    let mut statics = Names::default();
    let own: Vec<String> = methods
        .keys()
        .map(|wire| statics.claim(naming::method_static_name(wire)))
        .collect();
    own.into_iter()
        .zip(methods.values())
        .map(|(name, method)| {
            let upload = method
                .media_upload
                .as_ref()
                .map(|_| statics.claim(naming::upload_static_name(&name)));
            (name, upload)
        })
        .collect()
}

pub(super) fn resolve_method<'d>(
    wire: &str,
    method: &'d discovery::Method,
    pointer: &str,
    names: MethodNames,
    owner: &Owner<'_, 'd>,
    ctx: &mut MethodContext<'_, 'd>,
) -> Result<Method, Error> {
    let file = ctx.file;
    let http_method = http_method(&method.http_method, file, pointer)?;
    let mut fields = Names::with_reserved(naming::BUILDER_RESERVED);
    // Enum types of this method's parameters are named after the method's place in the tree.
    let enum_prefix: String = owner
        .module_path
        .iter()
        .map(|m| naming::type_name(m))
        .chain([naming::type_name(wire)])
        .collect();

    // Required parameters in `parameterOrder`, then any other required ones, then optional ones.
    let mut order: Vec<&String> = method.parameter_order.iter().collect();
    for (name, p) in &method.parameters {
        if (p.required || p.location.as_deref() == Some("path")) && !order.contains(&name) {
            order.push(name);
        }
    }
    let mut required = Vec::new();
    for name in &order {
        let Some(schema) = method.parameters.get(*name) else {
            return Err(Error::invalid(
                file,
                &format!("{pointer}/parameterOrder"),
                format!(
                    "`parameterOrder` names \"{name}\", which is not a parameter of the method"
                ),
            ));
        };
        let p_pointer = child(pointer, "parameters", name);
        let mut param = resolve_param(name, schema, &enum_prefix, &p_pointer, &mut fields, ctx)?;
        param.required = true;
        required.push(param);
    }
    let request = match &method.request {
        Some(schema) => Some(Body {
            ty: ctx.types.body_type(
                schema,
                &enum_prefix,
                "Request",
                &format!("{pointer}/request"),
            )?,
            arg: fields.claim("body".to_string()),
        }),
        None => None,
    };
    let mut optional = Vec::new();
    for (name, schema) in &method.parameters {
        if order.contains(&name) {
            continue;
        }
        let p_pointer = child(pointer, "parameters", name);
        optional.push(resolve_param(
            name,
            schema,
            &enum_prefix,
            &p_pointer,
            &mut fields,
            ctx,
        )?);
    }

    let path = parse_path(&method.path, &required, file, &format!("{pointer}/path"))?;
    let media_upload = media_upload(method, &required, pointer, names.upload_static, ctx)?;
    let response = match &method.response {
        Some(schema) => Some(ctx.types.body_type(
            schema,
            &enum_prefix,
            "Response",
            &format!("{pointer}/response"),
        )?),
        None => None,
    };
    let paging = match (&response, optional.iter().find(|p| p.wire == "pageToken")) {
        (Some(RustType::Named(page_type)), Some(token)) => {
            ctx.types.paging(page_type, &token.field)
        }
        _ => None,
    };
    let long_running =
        ctx.operations
            .long_running(wire, method, owner.resource, ctx.types, pointer)?;
    let request_id = optional
        .iter()
        .find(|p| is_request_id(p))
        .map(|p| p.wire.clone());

    Ok(Method {
        id: method.id.clone(),
        fn_name: names.fn_name,
        builder: names.builder,
        static_name: names.static_name,
        feature: owner.feature.map(str::to_string),
        http_method,
        request_id,
        api_version: method.api_version.clone().filter(|v| !v.is_empty()),
        media_upload,
        media_download: method.supports_media_download,
        path,
        path_template: method.path.clone(),
        description: method.description.clone(),
        required,
        optional,
        request,
        response,
        scopes: method.scopes.clone(),
        paging,
        long_running,
        deprecated: method.deprecated,
    })
}

fn http_method(verb: &str, file: &str, pointer: &str) -> Result<HttpMethod, Error> {
    Ok(match verb.to_ascii_uppercase().as_str() {
        "GET" => HttpMethod::Get,
        "POST" => HttpMethod::Post,
        "PUT" => HttpMethod::Put,
        "PATCH" => HttpMethod::Patch,
        "DELETE" => HttpMethod::Delete,
        other => {
            return Err(Error::invalid(
                file,
                &format!("{pointer}/httpMethod"),
                format!("unsupported HTTP method {other:?}"),
            ))
        }
    })
}

/// A request-ID parameter, told from the document: an optional string query parameter named
/// like one (`requestId`, `request_id`) whose description says it makes retries safe (a unique
/// ID the service uses to recognise a request it has already completed).
fn is_request_id(param: &Param) -> bool {
    let named = param.wire.eq_ignore_ascii_case("requestId") || param.wire == "request_id";
    let description = param
        .description
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    named
        && param.location == Location::Query
        && param.ty == RustType::String
        && description.contains("unique")
        && (description.contains("retr") || description.contains("idempoten"))
}

/// How a method uploads media. The path of each protocol comes from the document; one that
/// names a parameter the method does not declare falls back to the path Google's Python client
/// always uses: `upload/` + the service path + the method's path.
fn media_upload(
    method: &discovery::Method,
    required: &[Param],
    pointer: &str,
    static_name: Option<String>,
    ctx: &mut MethodContext<'_, '_>,
) -> Result<Option<MediaUpload>, Error> {
    // A name was claimed for every method that takes media.
    let (Some(media), Some(static_name)) = (method.media_upload.as_ref(), static_name) else {
        return Ok(None);
    };
    let derived = format!(
        "upload/{}{}",
        ctx.doc.service_path.trim_start_matches('/'),
        method.path
    );
    let path_of = |protocol: Option<&discovery::MediaProtocol>, name: &str| {
        let template = protocol
            .map(|p| p.path.trim_start_matches('/').to_string())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| derived.clone());
        let p_pointer = format!("{pointer}/mediaUpload/protocols/{name}/path");
        match parse_path(&template, required, ctx.file, &p_pointer) {
            Ok(path) => Ok((template, path)),
            Err(_) => parse_path(&derived, required, ctx.file, &format!("{pointer}/path"))
                .map(|path| (derived.clone(), path)),
        }
    };
    let simple = media.protocols.simple.as_ref();
    let (path_template, path) = path_of(simple, "simple")?;
    let resumable_path = match &media.protocols.resumable {
        Some(resumable) => Some(path_of(Some(resumable), "resumable")?.1),
        None => None,
    };
    Ok(Some(MediaUpload {
        static_name,
        path,
        path_template,
        multipart: simple.is_none_or(|s| s.multipart),
        resumable_path,
        accept: media.accept.clone(),
        max_bytes: media.max_size.as_deref().and_then(parse_size),
        max_size: media.max_size.clone(),
    }))
}

/// `5TB`, `10MB`, `512KB`, `4096` -> bytes.
fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let digits = text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &text[digits.len()..];
    let factor: u64 = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "KB" | "K" => 1 << 10,
        "MB" | "M" => 1 << 20,
        "GB" | "G" => 1 << 30,
        "TB" | "T" => 1 << 40,
        _ => return None,
    };
    digits.trim().parse::<u64>().ok()?.checked_mul(factor)
}

fn resolve_param(
    wire: &str,
    schema: &discovery::Schema,
    enum_prefix: &str,
    pointer: &str,
    fields: &mut Names,
    ctx: &mut MethodContext<'_, '_>,
) -> Result<Param, Error> {
    let location = match schema.location.as_deref() {
        Some("path") => Location::Path,
        Some("query") | None => Location::Query,
        Some(other) => {
            return Err(Error::invalid(
                ctx.file,
                &format!("{pointer}/location"),
                format!("unsupported parameter location {other:?}"),
            ))
        }
    };
    let scalar = if !schema.enum_.is_empty() {
        let name = ctx.param_enum_names.claim(naming::type_name(&format!(
            "{enum_prefix}{}",
            naming::type_name(wire)
        )));
        ctx.param_enums.push(enum_def(&name, schema));
        RustType::Param(name)
    } else {
        // Query and path values are text: base64 stays the caller's to encode.
        match scalar_type(schema) {
            RustType::Bytes | RustType::Json => RustType::String,
            other => other,
        }
    };
    Ok(Param {
        wire: wire.to_string(),
        field: fields.claim(naming::value_name(wire)),
        ty: if schema.repeated {
            RustType::Vec(Box::new(scalar))
        } else {
            scalar
        },
        location,
        required: schema.required,
        pattern: schema.pattern.clone(),
        description: schema.description.clone(),
        default: schema.default.clone(),
        deprecated: schema.deprecated,
        secret: naming::is_credential(wire, schema.description.as_deref()),
    })
}

/// Splits `v1/{+name}:cancel` into literals and variables; every variable must be a path
/// parameter of the method.
pub(super) fn parse_path(
    template: &str,
    params: &[Param],
    file: &str,
    pointer: &str,
) -> Result<Vec<PathPart>, Error> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            parts.push(PathPart::Literal(rest[..open].to_string()));
        }
        let Some(close) = rest[open..].find('}') else {
            return Err(Error::invalid(
                file,
                pointer,
                format!("unclosed `{{` in path template {template:?}"),
            ));
        };
        let expression = &rest[open + 1..open + close];
        let (reserved, name) = match expression.strip_prefix('+') {
            Some(name) => (true, name),
            None => (false, expression),
        };
        let Some(param) = params
            .iter()
            .find(|p| p.wire == name && p.location == Location::Path)
        else {
            return Err(Error::invalid(
                file,
                pointer,
                format!("path template {template:?} uses {{{expression}}}, which is not a path parameter of the method"),
            ));
        };
        parts.push(PathPart::Variable {
            wire: name.to_string(),
            reserved,
            pattern: param.pattern.clone(),
        });
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        parts.push(PathPart::Literal(rest.to_string()));
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_sizes() {
        assert_eq!(parse_size("5TB"), Some(5 << 40));
        assert_eq!(parse_size("10MB"), Some(10 << 20));
        assert_eq!(parse_size("4096"), Some(4096));
        assert_eq!(parse_size("lots"), None);
        assert_eq!(parse_size("99999999999999999999TB"), None);
    }

    #[test]
    fn a_method_named_like_an_upload_keeps_its_name() {
        let uploads = || discovery::Method {
            media_upload: Some(discovery::MediaUpload::default()),
            ..discovery::Method::default()
        };
        let methods = BTreeMap::from([
            ("insert".to_string(), uploads()),
            ("insertUpload".to_string(), discovery::Method::default()),
            ("get".to_string(), discovery::Method::default()),
        ]);
        assert_eq!(
            static_names(&methods),
            [
                ("GET".to_string(), None),
                ("INSERT".to_string(), Some("INSERT_UPLOAD2".to_string())),
                ("INSERT_UPLOAD".to_string(), None),
            ]
        );
    }
}
