//! Step 2: from the parsed document to the model. Checks the document's references, selects the
//! resources to generate, finds the schemas their methods reach, and decides every Rust name and
//! type (through `naming`, the only place naming rules live).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::discovery::{self, escape_pointer_token, RestDescription};
use crate::error::Error;
use crate::model::*;
use crate::naming::{self, Scope as Names};

/// What to generate from a document.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Dotted resource paths (`projects.locations.operations`); empty means the whole document.
    pub resources: Vec<String>,
}

/// Builder field names the generated code uses itself.
const BUILDER_RESERVED: &[&str] = &[
    "client",
    "standard",
    "options",
    "send",
    "send_with_response",
    "send_and_wait",
    "into_request",
    "upload",
    "download",
    "download_stream",
    "request_options",
    "pages",
    "items",
    "clone",
];
/// Functions of the generated `Client` that resource accessors and top-level methods must not
/// take.
const CLIENT_RESERVED: &[&str] = &[
    "builder",
    "base_url",
    "execute",
    "wait_for_operation",
    "clone",
    "fmt",
];
/// Parameters that carry credentials.
const CREDENTIAL_PARAMS: &[&str] = &["key", "access_token", "oauth_token"];
/// Struct field name for JSON keys the crate does not know.
const UNKNOWN_FIELDS: &str = "unknown_fields";

pub fn resolve(doc: &RestDescription, file: &str, selection: &Selection) -> Result<Api, Error> {
    check_refs(doc, file)?;
    if doc.root_url.is_empty() {
        return Err(Error::invalid(
            file,
            "/rootUrl",
            "the document has no rootUrl, so the client has no endpoint",
        ));
    }
    if doc.name.is_empty() || doc.version.is_empty() {
        return Err(Error::invalid(
            file,
            "/name",
            "the document needs a name and a version to name the crate",
        ));
    }

    let source_file = std::path::Path::new(file)
        .file_name()
        .map_or_else(|| file.to_string(), |n| n.to_string_lossy().into_owned());
    let crate_name = naming::crate_name(&doc.name, &doc.version);
    let mut types = TypeResolver::new(doc, file);

    let mut param_enum_names = Names::with_reserved(&["StandardParams"]);
    // The standard parameters are fields of one struct: one namespace for all of them.
    let mut standard_fields = Names::default();
    let mut param_enums = Vec::new();
    let standard_params = doc
        .parameters
        .iter()
        .map(|(wire, schema)| {
            let pointer = child("", "parameters", wire);
            resolve_param(
                wire,
                schema,
                "",
                &pointer,
                &mut standard_fields,
                &mut param_enum_names,
                &mut param_enums,
                file,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;

    let tree = select(doc, file, selection)?;
    let mut ctx = MethodContext {
        file,
        types: &mut types,
        param_enum_names: &mut param_enum_names,
        param_enums: &mut param_enums,
        standard_params: &standard_params,
    };
    // Functions on the client: its own, then root resources' accessors, then top-level methods.
    let mut client_fns = Names::with_reserved(CLIENT_RESERVED);
    let mut resources = tree
        .iter()
        .map(|node| resolve_resource(node, &[], &mut ctx))
        .collect::<Result<Vec<_>, _>>()?;
    for resource in &mut resources {
        resource.accessor = client_fns.claim(resource.accessor.clone());
    }
    // Methods of the API itself (`oauth2.tokeninfo`) hang off the client; a selection of
    // resources leaves them out.
    let mut methods = Vec::new();
    if selection.resources.is_empty() {
        let mut builders = Names::default();
        for (wire, method) in &doc.methods {
            let pointer = child("", "methods", wire);
            let fn_name = client_fns.claim(naming::value_name(wire));
            let builder = builders.claim(naming::builder_name(wire));
            methods.push(resolve_method(
                wire,
                method,
                &pointer,
                fn_name,
                builder,
                &[],
                &mut ctx,
            )?);
        }
    }

    let mut models = types.finish();
    models.sort_by(|a, b| a.name().cmp(b.name()));
    mark_operations(&mut models);
    let features = crate::features::assign(&mut resources, &methods, &mut models, &mut param_enums);
    // After `assign`: the poller takes the feature of its resource.
    let poller = find_poller(&resources, &models);
    param_enums.sort_by(|a, b| a.name.cmp(&b.name));

    Ok(Api {
        source_file,
        name: doc.name.clone(),
        version: doc.version.clone(),
        revision: doc.revision.clone(),
        title: if doc.title.is_empty() {
            doc.name.clone()
        } else {
            doc.title.clone()
        },
        description: doc.description.clone(),
        documentation_link: doc.documentation_link.clone(),
        lib_name: naming::lib_name(&crate_name),
        crate_version: format!(
            "0.1.0+{}",
            if doc.revision.is_empty() {
                "0"
            } else {
                &doc.revision
            }
        ),
        crate_name,
        root_url: doc.root_url.clone(),
        service_path: doc.service_path.clone(),
        batch_path: doc.batch_path.clone(),
        mtls_root_url: doc.mtls_root_url.clone(),
        endpoints: doc
            .endpoints
            .iter()
            .map(|e| Endpoint {
                url: e.endpoint_url.clone(),
                location: e.location.clone(),
                description: e.description.clone(),
            })
            .collect(),
        scopes: {
            // `ALL` lists every scope.
            let mut names = Names::with_reserved(&["ALL"]);
            doc.auth
                .iter()
                .flat_map(|a| &a.oauth2.scopes)
                .map(|(url, scope)| Scope {
                    url: url.clone(),
                    const_name: names.claim(naming::scope_const_name(url)),
                    description: scope.description.clone(),
                })
                .collect()
        },
        standard_params,
        resources,
        models,
        param_enums,
        poller,
        features,
        data_wrapper: doc.features.iter().any(|f| f == "dataWrapper"),
        methods,
    })
}

// ---------------------------------------------------------------------------------------------
// References

/// Every `$ref` in the document must name a schema of the document. Checked over the whole
/// document, selected or not, so a broken document is reported whatever is selected.
fn check_refs(doc: &RestDescription, file: &str) -> Result<(), Error> {
    let check = RefCheck { doc, file };
    for (name, s) in &doc.schemas {
        check.schema(s, &child("", "schemas", name))?;
    }
    for (name, p) in &doc.parameters {
        check.schema(p, &child("", "parameters", name))?;
    }
    for (name, m) in &doc.methods {
        check.method(m, &child("", "methods", name))?;
    }
    for (name, r) in &doc.resources {
        check.resource(r, &child("", "resources", name))?;
    }
    Ok(())
}

struct RefCheck<'a> {
    doc: &'a RestDescription,
    file: &'a str,
}

impl RefCheck<'_> {
    fn schema(&self, s: &discovery::Schema, pointer: &str) -> Result<(), Error> {
        if let Some(target) = &s.ref_ {
            if !self.doc.schemas.contains_key(target) {
                return Err(Error::invalid(
                    self.file,
                    &format!("{pointer}/$ref"),
                    format!(
                        "`$ref` names the schema \"{target}\", which the document does not define"
                    ),
                ));
            }
        }
        for (name, property) in &s.properties {
            self.schema(property, &child(pointer, "properties", name))?;
        }
        if let Some(items) = &s.items {
            self.schema(items, &format!("{pointer}/items"))?;
        }
        if let Some(values) = &s.additional_properties {
            self.schema(values, &format!("{pointer}/additionalProperties"))?;
        }
        Ok(())
    }

    fn method(&self, m: &discovery::Method, pointer: &str) -> Result<(), Error> {
        for (name, p) in &m.parameters {
            self.schema(p, &child(pointer, "parameters", name))?;
        }
        for (key, body) in [("request", &m.request), ("response", &m.response)] {
            if let Some(body) = body {
                self.schema(body, &format!("{pointer}/{key}"))?;
            }
        }
        Ok(())
    }

    fn resource(&self, r: &discovery::Resource, pointer: &str) -> Result<(), Error> {
        for (name, m) in &r.methods {
            self.method(m, &child(pointer, "methods", name))?;
        }
        for (name, nested) in &r.resources {
            self.resource(nested, &child(pointer, "resources", name))?;
        }
        Ok(())
    }
}

/// The JSON pointer of member `name` of the object `key` under `base`
/// (`child("/resources/a", "methods", "get")` is `/resources/a/methods/get`).
fn child(base: &str, key: &str, name: &str) -> String {
    format!("{base}/{key}/{}", escape_pointer_token(name))
}

// ---------------------------------------------------------------------------------------------
// Selection

/// A resource of the document chosen for generation: with its methods when it was selected (or
/// lies under a selected resource), without them when it is only on the way to one.
struct Selected<'d> {
    wire: String,
    pointer: String,
    resource: &'d discovery::Resource,
    with_methods: bool,
    children: Vec<Selected<'d>>,
}

fn select<'d>(
    doc: &'d RestDescription,
    file: &str,
    selection: &Selection,
) -> Result<Vec<Selected<'d>>, Error> {
    fn whole<'d>(wire: &str, pointer: String, resource: &'d discovery::Resource) -> Selected<'d> {
        Selected {
            wire: wire.to_string(),
            children: resource
                .resources
                .iter()
                .map(|(name, nested)| whole(name, child(&pointer, "resources", name), nested))
                .collect(),
            pointer,
            resource,
            with_methods: true,
        }
    }
    if selection.resources.is_empty() {
        return Ok(doc
            .resources
            .iter()
            .map(|(name, r)| whole(name, child("", "resources", name), r))
            .collect());
    }
    let mut roots: Vec<Selected<'d>> = Vec::new();
    for dotted in &selection.resources {
        let mut level = &mut roots;
        let mut resources = &doc.resources;
        let mut pointer = String::new();
        let segments: Vec<&str> = dotted.split('.').collect();
        for (i, segment) in segments.iter().enumerate() {
            pointer.push_str(&child("", "resources", segment));
            let Some(resource) = resources.get(*segment) else {
                let known: Vec<&str> = resources.keys().map(String::as_str).collect();
                return Err(Error::invalid(
                    file,
                    &pointer,
                    format!(
                        "no resource `{}` to generate (`--resource {dotted}`); resources here: {}",
                        segments[..=i].join("."),
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                ));
            };
            let last = i + 1 == segments.len();
            let position = match level.iter().position(|s| s.wire == *segment) {
                Some(p) => p,
                None => {
                    level.push(Selected {
                        wire: segment.to_string(),
                        pointer: pointer.clone(),
                        resource,
                        with_methods: false,
                        children: Vec::new(),
                    });
                    level.len() - 1
                }
            };
            if last {
                level[position] = whole(segment, pointer.clone(), resource);
                break;
            }
            if level[position].with_methods {
                break; // already selected whole, with everything under it
            }
            resources = &resource.resources;
            level = &mut level[position].children;
        }
    }
    sort_selected(&mut roots);
    Ok(roots)
}

fn sort_selected(nodes: &mut [Selected<'_>]) {
    nodes.sort_by(|a, b| a.wire.cmp(&b.wire));
    for node in nodes {
        sort_selected(&mut node.children);
    }
}

// ---------------------------------------------------------------------------------------------
// Resources and methods

struct MethodContext<'a, 'd> {
    file: &'a str,
    types: &'a mut TypeResolver<'d>,
    param_enum_names: &'a mut Names,
    param_enums: &'a mut Vec<EnumDef>,
    standard_params: &'a [Param],
}

fn resolve_resource<'d>(
    node: &Selected<'d>,
    parent_path: &[String],
    ctx: &mut MethodContext<'_, 'd>,
) -> Result<Resource, Error> {
    let mut module_path = parent_path.to_vec();
    module_path.push(naming::value_name(&node.wire));
    // Functions on the handle: methods first, then child resources, in one namespace.
    let mut handle_fns = Names::with_reserved(&["new", "clone"]);
    let mut methods = Vec::new();
    if node.with_methods {
        let mut builders = Names::with_reserved(&[&naming::resource_handle_name(&node.wire)]);
        let full_path: Vec<String> = module_path.clone();
        for (wire, method) in &node.resource.methods {
            let pointer = child(&node.pointer, "methods", wire);
            let fn_name = handle_fns.claim(naming::value_name(wire));
            let builder = builders.claim(naming::builder_name(wire));
            methods.push(resolve_method(
                wire, method, &pointer, fn_name, builder, &full_path, ctx,
            )?);
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
        path: dotted_path(&node.pointer),
        accessor: naming::value_name(&node.wire),
        handle: naming::resource_handle_name(&node.wire),
        module_path,
        methods,
        children,
        feature: None,
        features: Vec::new(),
    })
}

/// `/resources/a/resources/b` -> `a.b`.
fn dotted_path(pointer: &str) -> String {
    pointer
        .split("/resources/")
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(".")
}

fn resolve_method<'d>(
    wire: &str,
    method: &'d discovery::Method,
    pointer: &str,
    fn_name: String,
    builder: String,
    resource_path: &[String],
    ctx: &mut MethodContext<'_, 'd>,
) -> Result<Method, Error> {
    let file = ctx.file;
    let http_method = match method.http_method.to_ascii_uppercase().as_str() {
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
    };
    let mut fields = Names::with_reserved(BUILDER_RESERVED);
    // Enum types of this method's parameters are named after the method's place in the tree.
    let enum_prefix: String = resource_path
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
        let mut param = resolve_param(
            name,
            schema,
            &enum_prefix,
            &p_pointer,
            &mut fields,
            ctx.param_enum_names,
            ctx.param_enums,
            file,
        )?;
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
            ctx.param_enum_names,
            ctx.param_enums,
            file,
        )?);
    }
    let standard_setters = ctx
        .standard_params
        .iter()
        .map(|p| fields.claim(p.field.clone()))
        .collect();

    let path = parse_path(&method.path, &required, file, &format!("{pointer}/path"))?;
    let media_upload = match method
        .media_upload
        .as_ref()
        .and_then(|m| Some((m, m.protocols.simple.as_ref()?)))
    {
        Some((media, simple)) => {
            let template = simple.path.trim_start_matches('/').to_string();
            let p_pointer = format!("{pointer}/mediaUpload/protocols/simple/path");
            Some(MediaUpload {
                path: parse_path(&template, &required, file, &p_pointer)?,
                path_template: template,
                multipart: simple.multipart,
                accept: media.accept.clone(),
                max_size: media.max_size.clone(),
            })
        }
        None => None,
    };
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

    Ok(Method {
        id: method.id.clone(),
        fn_name,
        builder,
        http_method,
        idempotent: http_method.is_idempotent(),
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
        standard_setters,
    })
}

#[allow(clippy::too_many_arguments)]
fn resolve_param(
    wire: &str,
    schema: &discovery::Schema,
    enum_prefix: &str,
    pointer: &str,
    fields: &mut Names,
    enum_names: &mut Names,
    enums: &mut Vec<EnumDef>,
    file: &str,
) -> Result<Param, Error> {
    let location = match schema.location.as_deref() {
        Some("path") => Location::Path,
        Some("query") | None => Location::Query,
        Some(other) => {
            return Err(Error::invalid(
                file,
                &format!("{pointer}/location"),
                format!("unsupported parameter location {other:?}"),
            ))
        }
    };
    let scalar = if !schema.enum_.is_empty() {
        let name = enum_names.claim(naming::type_name(&format!(
            "{enum_prefix}{}",
            naming::type_name(wire)
        )));
        enums.push(enum_def(&name, schema));
        RustType::Named(name)
    } else {
        // Query and path values are text: base64 stays the caller's to encode.
        match scalar_type(schema) {
            RustType::Bytes => RustType::String,
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
        secret: CREDENTIAL_PARAMS.contains(&wire),
    })
}

/// The Rust type of a scalar (`string`, `integer`, `number`, `boolean`, `any`) by type and format.
fn scalar_type(schema: &discovery::Schema) -> RustType {
    match (
        schema.type_.as_deref().unwrap_or("any"),
        schema.format.as_deref(),
    ) {
        ("string", Some("int64")) | ("integer", Some("int64")) => RustType::I64,
        ("string", Some("uint64")) | ("integer", Some("uint64")) => RustType::U64,
        ("string", Some("byte")) => RustType::Bytes,
        ("string", _) => RustType::String,
        ("integer", Some("uint32")) => RustType::U32,
        ("integer", _) => RustType::I32,
        ("number", Some("float")) => RustType::F32,
        ("number", _) => RustType::F64,
        ("boolean", _) => RustType::Bool,
        _ => RustType::Json,
    }
}

fn enum_def(name: &str, schema: &discovery::Schema) -> EnumDef {
    let mut variants = Names::with_reserved(&[naming::UNKNOWN_VARIANT]);
    EnumDef {
        name: name.to_string(),
        description: schema.description.clone(),
        variants: schema
            .enum_
            .iter()
            .enumerate()
            .map(|(i, wire)| Variant {
                wire: wire.clone(),
                name: variants.claim(naming::variant_name(wire)),
                description: schema.enum_descriptions.get(i).cloned(),
                deprecated: schema.enum_deprecated.get(i).copied().unwrap_or(false),
            })
            .collect(),
        features: None,
    }
}

/// Splits `v1/{+name}:cancel` into literals and variables; every variable must be a required
/// path parameter of the method.
fn parse_path(
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
            field: param.field.clone(),
            wire: name.to_string(),
            reserved,
        });
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        parts.push(PathPart::Literal(rest.to_string()));
    }
    Ok(parts)
}

// ---------------------------------------------------------------------------------------------
// Types

/// Decides the Rust type of every schema the selected methods reach.
struct TypeResolver<'d> {
    doc: &'d RestDescription,
    file: &'d str,
    /// Rust name of every schema of the document, decided up front (in schema order) so that a
    /// schema's name does not depend on what else is selected.
    schema_names: BTreeMap<String, String>,
    type_names: Names,
    /// Schemas already resolved or queued, by schema id.
    seen: BTreeSet<String>,
    queue: VecDeque<String>,
    defs: Vec<TypeDef>,
    /// Pages found while resolving methods, by struct name.
    pages: BTreeMap<String, PageImpl>,
    /// Aliases (schemas that are not types of their own) being expanded, to catch cycles.
    expanding: Vec<String>,
}

impl<'d> TypeResolver<'d> {
    fn new(doc: &'d RestDescription, file: &'d str) -> Self {
        let mut type_names = Names::default();
        let schema_names = doc
            .schemas
            .keys()
            .map(|id| (id.clone(), type_names.claim(naming::type_name(id))))
            .collect();
        TypeResolver {
            doc,
            file,
            schema_names,
            type_names,
            seen: BTreeSet::new(),
            queue: VecDeque::new(),
            defs: Vec::new(),
            pages: BTreeMap::new(),
            expanding: Vec::new(),
        }
    }

    /// The type of a request or response body: usually a `$ref` to a schema; given inline,
    /// it is named after the method (`{owner}Request`).
    fn body_type(
        &mut self,
        schema: &'d discovery::Schema,
        owner: &str,
        prop: &str,
        pointer: &str,
    ) -> Result<RustType, Error> {
        let ty = self.type_of(schema, owner, prop, pointer)?;
        self.drain()?;
        Ok(ty)
    }

    /// Resolves every schema reached but not resolved yet.
    fn drain(&mut self) -> Result<(), Error> {
        let doc = self.doc;
        while let Some(next) = self.queue.pop_front() {
            let schema = &doc.schemas[&next];
            let pointer = child("", "schemas", &next);
            let name = self.schema_names[&next].clone();
            if !schema.enum_.is_empty() {
                self.defs.push(TypeDef::Enum(enum_def(&name, schema)));
            } else if is_struct(schema) {
                let def = self.struct_def(&name, &next, schema, &pointer)?;
                self.defs.push(TypeDef::Struct(def));
            }
            // Other schemas (arrays, scalars, maps) are not types of their own: a `$ref` to them
            // is replaced by their type where it is used.
        }
        Ok(())
    }

    fn struct_def(
        &mut self,
        name: &str,
        wire: &str,
        schema: &'d discovery::Schema,
        pointer: &str,
    ) -> Result<StructDef, Error> {
        // Plain wire names (`type`) claim their Rust name before odd ones that convert to the
        // same name (`@type`), so the plain one keeps it.
        let mut names = Names::with_reserved(&[UNKNOWN_FIELDS]);
        let mut claimed: BTreeMap<&str, String> = BTreeMap::new();
        let plain = |wire: &str| wire.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        for pass_plain in [true, false] {
            for prop in schema.properties.keys().filter(|p| plain(p) == pass_plain) {
                claimed.insert(prop, names.claim(naming::value_name(prop)));
            }
        }
        let mut fields = Vec::new();
        for (prop, property) in &schema.properties {
            let p_pointer = child(pointer, "properties", prop);
            fields.push(Field {
                wire: prop.clone(),
                name: claimed[prop.as_str()].clone(),
                ty: self.type_of(property, name, prop, &p_pointer)?,
                description: property.description.clone(),
                format: property.format.clone(),
                default: property.default.clone(),
                read_only: property.read_only,
                deprecated: property.deprecated,
            });
        }
        Ok(StructDef {
            name: name.to_string(),
            wire: wire.to_string(),
            description: schema.description.clone(),
            fields,
            unknown_fields: UNKNOWN_FIELDS.to_string(),
            page: None,
            operation: None,
            features: None,
        })
    }

    /// The type of a property (or array item, or map value) of the struct `owner`.
    fn type_of(
        &mut self,
        schema: &'d discovery::Schema,
        owner: &str,
        prop: &str,
        pointer: &str,
    ) -> Result<RustType, Error> {
        if let Some(id) = &schema.ref_ {
            return self.ref_type(id, pointer);
        }
        if !schema.enum_.is_empty() {
            let name = self.type_names.claim(naming::inline_type_name(owner, prop));
            self.defs.push(TypeDef::Enum(enum_def(&name, schema)));
            return Ok(RustType::Named(name));
        }
        match schema.type_.as_deref() {
            Some("array") => {
                let item = match &schema.items {
                    Some(items) => self.type_of(
                        items,
                        owner,
                        &format!("{prop}Item"),
                        &format!("{pointer}/items"),
                    )?,
                    None => RustType::Json,
                };
                Ok(RustType::Vec(Box::new(item)))
            }
            Some("object") if !schema.properties.is_empty() => {
                let name = self.type_names.claim(naming::inline_type_name(owner, prop));
                let def = self.struct_def(&name, prop, schema, pointer)?;
                self.defs.push(TypeDef::Struct(def));
                Ok(RustType::Named(name))
            }
            Some("object") => {
                let value = match &schema.additional_properties {
                    Some(values) => self.type_of(
                        values,
                        owner,
                        &format!("{prop}Value"),
                        &format!("{pointer}/additionalProperties"),
                    )?,
                    None => RustType::Json,
                };
                Ok(RustType::Map(Box::new(value)))
            }
            _ => Ok(scalar_type(schema)),
        }
    }

    fn ref_type(&mut self, id: &str, pointer: &str) -> Result<RustType, Error> {
        let target = &self.doc.schemas[id];
        if target.enum_.is_empty() && !is_struct(target) {
            // A named alias of an array, map or scalar: use the aliased type. An alias that leads
            // back to itself has no finite type.
            if self.expanding.iter().any(|a| a == id) {
                return Err(Error::invalid(
                    self.file,
                    pointer,
                    format!(
                        "schema \"{id}\" is defined through itself ({} -> {id})",
                        self.expanding.join(" -> ")
                    ),
                ));
            }
            self.expanding.push(id.to_string());
            let alias_pointer = child("", "schemas", id);
            let owner = self.schema_names[id].clone();
            let ty = self.type_of(target, &owner, "", &alias_pointer);
            self.expanding.pop();
            return ty;
        }
        if self.seen.insert(id.to_string()) {
            self.queue.push_back(id.to_string());
        }
        Ok(RustType::Named(self.schema_names[id].clone()))
    }

    /// Paging of a method returning `page_type`, when that type has a `nextPageToken`.
    fn paging(&mut self, page_type: &str, page_token_field: &str) -> Option<Paging> {
        // `body_type` resolved the page's struct (and all it reaches) before this is called.
        let def = self.defs.iter().find_map(|d| match d {
            TypeDef::Struct(s) if s.name == page_type => Some(s),
            _ => None,
        })?;
        let token = def
            .fields
            .iter()
            .find(|f| f.wire == "nextPageToken" && f.ty == RustType::String)?;
        let lists: Vec<&Field> = def
            .fields
            .iter()
            .filter(|f| matches!(f.ty, RustType::Vec(_)))
            .collect();
        let of_structs: Vec<&&Field> = lists
            .iter()
            .filter(
                |f| matches!(&f.ty, RustType::Vec(inner) if matches!(**inner, RustType::Named(_))),
            )
            .collect();
        let items_field = match (of_structs.as_slice(), lists.as_slice()) {
            ([one], _) => Some(**one),
            ([], [one]) => Some(*one),
            _ => None,
        };
        let items = items_field.map(|f| match &f.ty {
            RustType::Vec(inner) => PageItems {
                field: f.name.clone(),
                item_type: (**inner).clone(),
            },
            _ => unreachable!("filtered to Vec fields above"),
        });
        let page = PageImpl {
            next_token_field: token.name.clone(),
            items: items
                .as_ref()
                .map(|i| (i.field.clone(), i.item_type.clone())),
        };
        self.pages.insert(page_type.to_string(), page);
        Some(Paging {
            page_token_field: page_token_field.to_string(),
            page_type: page_type.to_string(),
            next_token_field: token.name.clone(),
            items,
        })
    }

    /// The types reached, with recursion boxed and pages marked.
    fn finish(mut self) -> Vec<TypeDef> {
        box_recursion(&mut self.defs);
        for def in &mut self.defs {
            if let TypeDef::Struct(s) = def {
                s.page = self.pages.get(&s.name).cloned();
            }
        }
        self.defs
    }
}

fn is_struct(schema: &discovery::Schema) -> bool {
    schema.ref_.is_none()
        && schema.type_.as_deref() == Some("object")
        && (schema.additional_properties.is_none() || !schema.properties.is_empty())
}

/// A struct that contains itself through plain (not `Vec` or map) fields has no finite size:
/// box each such field whose target leads back to the field's owner.
fn box_recursion(defs: &mut [TypeDef]) {
    let edges: BTreeMap<String, Vec<String>> = defs
        .iter()
        .filter_map(|d| match d {
            TypeDef::Struct(s) => Some((
                s.name.clone(),
                s.fields
                    .iter()
                    .filter_map(|f| match &f.ty {
                        RustType::Named(target) => Some(target.clone()),
                        _ => None,
                    })
                    .collect(),
            )),
            TypeDef::Enum(_) => None,
        })
        .collect();
    let reaches = |from: &str, to: &str| {
        let mut stack = vec![from.to_string()];
        let mut visited = BTreeSet::new();
        while let Some(node) = stack.pop() {
            if node == to {
                return true;
            }
            if visited.insert(node.clone()) {
                stack.extend(edges.get(&node).into_iter().flatten().cloned());
            }
        }
        false
    };
    for def in defs.iter_mut() {
        if let TypeDef::Struct(s) = def {
            for field in &mut s.fields {
                if let RustType::Named(target) = &field.ty {
                    if edges.contains_key(target) && reaches(target, &s.name) {
                        field.ty = RustType::Boxed(target.clone());
                    }
                }
            }
        }
    }
}

/// Marks the models shaped like `google.longrunning.Operation`: a boolean `done`, an `error`
/// object and a `response` member.
fn mark_operations(models: &mut [TypeDef]) {
    for def in models {
        let TypeDef::Struct(s) = def else { continue };
        let field = |wire: &str| s.fields.iter().find(|f| f.wire == wire);
        let (Some(done), Some(error), Some(response)) =
            (field("done"), field("error"), field("response"))
        else {
            continue;
        };
        if done.ty != RustType::Bool || !matches!(error.ty, RustType::Named(_) | RustType::Boxed(_))
        {
            continue;
        }
        s.operation = Some(Box::new(OperationImpl {
            name_field: field("name")
                .filter(|f| f.ty == RustType::String)
                .map(|f| f.name.clone()),
            done_field: done.name.clone(),
            error_field: error.name.clone(),
            error_type: error.ty.clone(),
            response_field: response.name.clone(),
            response_type: response.ty.clone(),
        }));
    }
}

/// The method a poller calls: the first `get` of an `operations` resource (parents before
/// children) that takes only the operation's name and returns an operation model.
fn find_poller(resources: &[Resource], models: &[TypeDef]) -> Option<PollerMethod> {
    fn walk(
        resources: &[Resource],
        chain: &mut Vec<String>,
        models: &[TypeDef],
    ) -> Option<PollerMethod> {
        for resource in resources {
            chain.push(resource.accessor.clone());
            let is_operations = resource.path.rsplit('.').next() == Some("operations");
            let found = resource
                .methods
                .iter()
                .filter(|_| is_operations)
                .find(|m| {
                    m.id.rsplit('.').next() == Some("get")
                        && m.request.is_none()
                        && m.required.len() == 1
                        && m.required[0].ty == RustType::String
                        && m.required[0].location == Location::Path
                        && operation_type(m).is_some_and(|r| is_operation(models, r))
                })
                .map(|m| PollerMethod {
                    accessors: chain.clone(),
                    fn_name: m.fn_name.clone(),
                    id: m.id.clone(),
                    operation_type: operation_type(m).unwrap_or_default().to_string(),
                    feature: resource.feature.clone(),
                })
                .or_else(|| walk(&resource.children, chain, models));
            chain.pop();
            if found.is_some() {
                return found;
            }
        }
        None
    }
    fn operation_type(method: &Method) -> Option<&str> {
        match &method.response {
            Some(RustType::Named(name)) => Some(name),
            _ => None,
        }
    }
    fn is_operation(models: &[TypeDef], name: &str) -> bool {
        models
            .iter()
            .any(|d| matches!(d, TypeDef::Struct(s) if s.name == name && s.operation.is_some()))
    }
    walk(resources, &mut Vec::new(), models)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_parameters_share_one_namespace() {
        let doc = br#"{"kind":"discovery#restDescription","name":"x","version":"v1","rootUrl":"https://x/",
            "parameters":{"uploadType":{"type":"string","location":"query"},
                          "upload_type":{"type":"string","location":"query"}}}"#;
        let doc = discovery::parse("x.json", doc).unwrap();
        let api = resolve(&doc, "x.json", &Selection::default()).unwrap();
        let fields: Vec<&str> = api
            .standard_params
            .iter()
            .map(|p| p.field.as_str())
            .collect();
        assert_eq!(fields, ["upload_type", "upload_type_2"]);
    }

    /// A document with an operation schema and an `operations.get`; `get_params` are the
    /// get method's parameters.
    fn operations_doc(get_params: &str) -> Vec<u8> {
        format!(
            r#"{{"kind":"discovery#restDescription","name":"x","version":"v1","rootUrl":"https://x/",
            "schemas":{{
              "Status":{{"id":"Status","type":"object","properties":{{"code":{{"type":"integer","format":"int32"}}}}}},
              "Operation":{{"id":"Operation","type":"object","properties":{{
                "name":{{"type":"string"}},"done":{{"type":"boolean"}},
                "error":{{"$ref":"Status"}},
                "response":{{"type":"object","additionalProperties":{{"type":"any"}}}}}}}}}},
            "resources":{{"projects":{{"resources":{{"operations":{{"methods":{{
              "get":{{"id":"x.projects.operations.get","httpMethod":"GET","path":"v1/{{+name}}",
                     "parameters":{get_params},"response":{{"$ref":"Operation"}}}},
              "cancel":{{"id":"x.projects.operations.cancel","httpMethod":"POST",
                     "path":"v1/{{+name}}:cancel",
                     "parameters":{{"name":{{"type":"string","location":"path","required":true}}}}}}
            }}}}}}}}}}}}"#
        )
        .into_bytes()
    }

    #[test]
    fn operations_get_becomes_the_poller_and_verbs_decide_idempotency() {
        let doc = operations_doc(r#"{"name":{"type":"string","location":"path","required":true}}"#);
        let doc = discovery::parse("x.json", &doc).unwrap();
        let api = resolve(&doc, "x.json", &Selection::default()).unwrap();
        let poller = api.poller.as_ref().expect("a poller");
        assert_eq!(poller.accessors, ["projects", "operations"]);
        assert_eq!(poller.fn_name, "get");
        assert_eq!(poller.operation_type, "Operation");
        let operation = api.models.iter().find(|d| d.name() == "Operation").unwrap();
        let TypeDef::Struct(operation) = operation else {
            panic!("a struct")
        };
        let helpers = operation.operation.as_ref().expect("operation helpers");
        assert_eq!(helpers.error_type, RustType::Named("Status".to_string()));
        let methods = &api.resources[0].children[0].methods;
        let idempotent: Vec<(&str, bool)> = methods
            .iter()
            .map(|m| (m.fn_name.as_str(), m.idempotent))
            .collect();
        assert_eq!(idempotent, [("cancel", false), ("get", true)]);
    }

    #[test]
    fn a_get_that_needs_more_than_the_name_is_not_a_poller() {
        let doc = operations_doc(
            r#"{"name":{"type":"string","location":"path","required":true},
                "view":{"type":"string","location":"query","required":true}}"#,
        );
        let doc = discovery::parse("x.json", &doc).unwrap();
        let api = resolve(&doc, "x.json", &Selection::default()).unwrap();
        assert!(api.poller.is_none());
    }
}
