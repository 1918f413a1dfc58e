//! Step 2: from the parsed document to the model, complete before anything is printed. One
//! module per job: [`refs`] checks the document's references, [`select`] picks the resources,
//! [`types`] decides the type of every schema, [`methods`] the resources, methods and their
//! parameters, [`operations`] what long-running operations produce, [`features`] the cargo
//! feature of every item. Names come from `naming`, the only place naming rules live; the
//! crate's version from `history`.

mod features;
mod methods;
mod operations;
mod refs;
mod select;
mod types;

use crate::discovery::{self, RestDescription};
use crate::error::Error;
use crate::history::{self, Previous, Release};
use crate::model::*;
use crate::naming::{self, Scope as Names};

use methods::{MethodContext, MethodNames, Owner};
use refs::child;

/// What to generate from a document.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Dotted resource paths (`projects.locations.operations`); empty means the whole document.
    pub resources: Vec<String>,
}

/// The model of a crate, with what was decided from its public API.
pub struct Resolved {
    pub api: Api,
    /// The crate's public Rust API, one item each.
    pub items: Vec<crate::listing::Item>,
    /// The crate's version, and what changed since `previous`.
    pub release: Release,
    /// The document's API surface, which the crate records to compare the next document with.
    pub surface: crate::surface::Surface,
}

/// Resolves the document into the model of its crate. `previous` is what the last generation
/// left in the output directory; the crate's version follows from it.
pub fn resolve(
    doc: &RestDescription,
    file: &str,
    selection: &Selection,
    previous: Option<&Previous>,
) -> Result<Resolved, Error> {
    refs::check_refs(doc, file)?;
    if doc.name.is_empty() || doc.version.is_empty() {
        return Err(Error::invalid(
            file,
            "/name",
            "the document needs a name and a version to name the crate",
        ));
    }
    let mut warnings = Vec::new();
    if doc.kind.as_deref() != Some(discovery::DOCUMENT_KIND) {
        warnings.push(format!(
            "the document's kind is {}, not \"{}\"; read as one",
            doc.kind
                .as_deref()
                .map_or("missing".to_string(), |k| format!("{k:?}")),
            discovery::DOCUMENT_KIND
        ));
    }
    let root_url = non_empty(&doc.root_url).or_else(|| non_empty(&doc.base_url));
    if root_url.is_none() {
        warnings.push(
            "the document has no rootUrl: the crate has no default endpoint, and its users give \
             one with Service::with_base_url"
                .to_string(),
        );
    }

    let source_file = std::path::Path::new(file)
        .file_name()
        .map_or_else(|| file.to_string(), |n| n.to_string_lossy().into_owned());
    let crate_name = naming::crate_name(&doc.name, &doc.version);
    let mut types = types::TypeResolver::new(doc, file);
    let mut param_enum_names = Names::default();
    let mut param_enums = Vec::new();

    let tree = select::select(doc, file, selection)?;
    let feature_names = features::feature_names(&tree);
    let operations = operations::Operations::new(doc, &tree);
    let mut ctx = MethodContext {
        file,
        doc,
        types: &mut types,
        param_enum_names: &mut param_enum_names,
        param_enums: &mut param_enums,
        features: &feature_names,
        operations: &operations,
    };
    // Functions on the service: its own, then root resources' accessors, then the API's own
    // methods.
    let mut service_fns = Names::with_reserved(naming::SERVICE_RESERVED);
    let mut resources = tree
        .iter()
        .map(|node| methods::resolve_resource(node, &[], &mut ctx))
        .collect::<Result<Vec<_>, _>>()?;
    for resource in &mut resources {
        resource.accessor = service_fns.claim(resource.accessor.clone());
    }
    // Methods of the API itself (`oauth2.tokeninfo`) hang off the service; a selection of
    // resources leaves them out.
    let mut methods = Vec::new();
    if selection.resources.is_empty() {
        let mut builders = Names::default();
        let owner = Owner {
            module_path: &[],
            resource: None,
            feature: None,
        };
        let statics = methods::static_names(&doc.methods);
        for ((wire, method), (static_name, upload_static)) in doc.methods.iter().zip(statics) {
            let names = MethodNames {
                fn_name: service_fns.claim(naming::value_name(wire)),
                builder: builders.claim(naming::builder_name(wire)),
                static_name,
                upload_static,
            };
            let pointer = child("", "methods", wire);
            methods.push(methods::resolve_method(
                wire, method, &pointer, names, &owner, &mut ctx,
            )?);
        }
        // The schemas no method reaches, for users who decode `Any` payloads.
        types.resolve_all_schemas()?;
    }

    let mut models = types.finish();
    models.sort_by(|a, b| a.name().cmp(b.name()));
    operations::mark_operation_models(&mut models);
    let any_unreached = features::assign_gates(
        &resources,
        &methods,
        &mut models,
        &mut param_enums,
        naming::ALL_TYPES_FEATURE,
    );
    param_enums.sort_by(|a, b| a.name.cmp(&b.name));
    let operations_get = operations
        .poller_id()
        .and_then(|id| operations::operations_get(&resources, id));
    let example = example(&resources, operations_get.as_ref());
    let testing_example = testing_example(&resources);
    let mut features: Vec<Feature> = feature_names
        .iter()
        .map(|(resource, name)| Feature {
            name: name.clone(),
            resource: resource.clone(),
        })
        .collect();
    features.sort_by(|a, b| a.name.cmp(&b.name));

    let mut api = Api {
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
        crate_name,
        crate_version: String::new(),
        root_url,
        service_path: doc.service_path.clone(),
        batch_path: non_empty(&doc.batch_path),
        mtls_root_url: doc.mtls_root_url.clone().filter(|u| !u.is_empty()),
        endpoints: doc
            .endpoints
            .iter()
            .map(|e| Endpoint {
                url: e.endpoint_url.clone(),
                location: e.location.clone(),
                description: e.description.clone(),
            })
            .collect(),
        scopes: scopes(doc),
        resources,
        methods,
        models,
        param_enums,
        operations_get,
        features,
        all_types_feature: any_unreached.then(|| naming::ALL_TYPES_FEATURE.to_string()),
        data_wrapper: doc.features.iter().any(|f| f == "dataWrapper"),
        example,
        testing_example,
        warnings,
    };
    // The version follows from the public API, which does not include it.
    let items = crate::listing::items(&api);
    let surface = crate::surface::Surface::of(doc);
    let release = history::release(previous, &surface, &items);
    api.crate_version = release.version.clone();
    Ok(Resolved {
        api,
        items,
        release,
        surface,
    })
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}

fn scopes(doc: &RestDescription) -> Vec<Scope> {
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
}

/// The crate-level example: a read of the resource that holds the operations poller when there
/// is one (so it compiles with the feature users need most), else the first method that takes
/// only strings, preferring a GET.
fn example(resources: &[Resource], poller: Option<&MethodRef>) -> Option<Example> {
    fn simple(method: &Method) -> bool {
        method.request.is_none()
            && method.response.is_some()
            && method.required.iter().all(|p| p.ty == RustType::String)
    }
    fn walk<'a>(
        resources: &'a [Resource],
        chain: &mut Vec<&'a Resource>,
        poller: Option<&MethodRef>,
    ) -> Option<(Vec<&'a Resource>, &'a Method)> {
        for resource in resources {
            chain.push(resource);
            let wanted = poller.is_none_or(|p| p.module_path == resource.module_path);
            let found = resource
                .methods
                .iter()
                .filter(|m| wanted && simple(m))
                .min_by_key(|m| m.http_method != HttpMethod::Get);
            if let Some(method) = found {
                return Some((chain.clone(), method));
            }
            if let Some(found) = walk(&resource.children, chain, poller) {
                return Some(found);
            }
            chain.pop();
        }
        None
    }
    let (chain, method) = walk(resources, &mut Vec::new(), poller)
        .or_else(|| walk(resources, &mut Vec::new(), None))?;
    Some(Example {
        accessors: chain.iter().map(|r| r.accessor.clone()).collect(),
        fn_name: method.fn_name.clone(),
        args: method
            .required
            .iter()
            .map(|p| example_value(p.pattern.as_deref(), &p.wire))
            .collect(),
        feature: method.feature.clone(),
    })
}

/// The README's example test: the first resource (parents before children) with a `create`
/// that starts an operation producing a model and takes it as its body, and a `list` whose
/// items are that model, both taking only strings.
fn testing_example(resources: &[Resource]) -> Option<TestingExample> {
    fn walk<'a>(
        resources: &'a [Resource],
        chain: &mut Vec<&'a Resource>,
    ) -> Option<TestingExample> {
        for resource in resources {
            chain.push(resource);
            if let Some(found) = pair(resource, chain) {
                return Some(found);
            }
            if let Some(found) = walk(&resource.children, chain) {
                return Some(found);
            }
            chain.pop();
        }
        None
    }
    fn strings_only(method: &Method) -> bool {
        method.required.iter().all(|p| p.ty == RustType::String)
    }
    fn args(method: &Method) -> Vec<String> {
        method
            .required
            .iter()
            .map(|p| example_value(p.pattern.as_deref(), &p.wire))
            .collect()
    }
    fn pair(resource: &Resource, chain: &[&Resource]) -> Option<TestingExample> {
        let create = resource.methods.iter().find(|m| {
            m.fn_name == "create"
                && strings_only(m)
                && matches!(
                    (&m.long_running, &m.request),
                    (Some(lro), Some(body)) if matches!(&lro.result, RustType::Named(_)) && body.ty == lro.result
                )
        })?;
        let RustType::Named(model) = &create.long_running.as_ref()?.result else {
            return None;
        };
        let list = resource.methods.iter().find(|m| {
            m.fn_name == "list"
                && strings_only(m)
                && m.paging
                    .as_ref()
                    .and_then(|p| p.items.as_ref())
                    .is_some_and(|items| items.item_type == RustType::Named(model.clone()))
        })?;
        Some(TestingExample {
            accessors: chain.iter().map(|r| r.accessor.clone()).collect(),
            create: (create.fn_name.clone(), args(create)),
            list: (list.fn_name.clone(), args(list)),
            model: model.clone(),
            feature: resource.feature.clone(),
        })
    }
    walk(resources, &mut Vec::new())
}

/// An example value for a parameter: its pattern with each `[^/]+` replaced by a name made from
/// the segment before it (`^projects/[^/]+$` -> `projects/my-project`).
pub fn example_value(pattern: Option<&str>, wire: &str) -> String {
    let Some(pattern) = pattern else {
        return format!("my-{wire}");
    };
    let body = pattern.trim_start_matches('^').trim_end_matches('$');
    let pieces: Vec<&str> = body.split("[^/]+").collect();
    let mut out = String::new();
    for (i, piece) in pieces.iter().enumerate() {
        out.push_str(piece);
        if i + 1 < pieces.len() {
            let segment = piece
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or(wire);
            let segment = if segment.is_empty() { wire } else { segment };
            out.push_str("my-");
            out.push_str(segment.strip_suffix('s').unwrap_or(segment));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve_doc(doc: &[u8]) -> Api {
        let doc = discovery::parse("x.json", doc).unwrap();
        resolve(&doc, "x.json", &Selection::default(), None)
            .unwrap()
            .api
    }

    /// A document with an operation schema, an `operations.get`, and a hubs resource whose
    /// create, delete and custom method start operations; `get_params` are the get method's
    /// parameters.
    fn operations_doc(get_params: &str) -> Vec<u8> {
        format!(
            r#"{{"kind":"discovery#restDescription","name":"x","version":"v1","rootUrl":"https://x/",
            "schemas":{{
              "Status":{{"id":"Status","type":"object","properties":{{"code":{{"type":"integer","format":"int32"}}}}}},
              "Empty":{{"id":"Empty","type":"object","properties":{{}}}},
              "Hub":{{"id":"Hub","type":"object","properties":{{"name":{{"type":"string"}}}}}},
              "OperationMetadata":{{"id":"OperationMetadata","type":"object","properties":{{"verb":{{"type":"string"}}}}}},
              "Operation":{{"id":"Operation","type":"object","properties":{{
                "name":{{"type":"string"}},"done":{{"type":"boolean"}},
                "error":{{"$ref":"Status"}},
                "response":{{"type":"object","additionalProperties":{{"type":"any"}}}}}}}}}},
            "resources":{{"projects":{{"resources":{{
             "operations":{{"methods":{{
              "get":{{"id":"x.projects.operations.get","httpMethod":"GET","path":"v1/{{+name}}",
                     "parameters":{get_params},"response":{{"$ref":"Operation"}}}},
              "cancel":{{"id":"x.projects.operations.cancel","httpMethod":"POST",
                     "path":"v1/{{+name}}:cancel",
                     "parameters":{{"name":{{"type":"string","location":"path","required":true}}}}}}
             }}}},
             "hubs":{{"methods":{{
              "get":{{"id":"x.projects.hubs.get","httpMethod":"GET","path":"v1/{{+name}}",
                     "parameters":{{"name":{{"type":"string","location":"path","required":true}}}},
                     "response":{{"$ref":"Hub"}}}},
              "create":{{"id":"x.projects.hubs.create","httpMethod":"POST","path":"v1/{{+parent}}/hubs",
                     "parameters":{{"parent":{{"type":"string","location":"path","required":true}},
                        "requestId":{{"type":"string","location":"query",
                          "description":"A unique request ID; a retried request with the same ID is ignored."}}}},
                     "request":{{"$ref":"Hub"}},"response":{{"$ref":"Operation"}}}},
              "delete":{{"id":"x.projects.hubs.delete","httpMethod":"DELETE","path":"v1/{{+name}}",
                     "parameters":{{"name":{{"type":"string","location":"path","required":true}}}},
                     "response":{{"$ref":"Operation"}}}},
              "frobnicate":{{"id":"x.projects.hubs.frobnicate","httpMethod":"POST","path":"v1/{{+name}}:frob",
                     "parameters":{{"name":{{"type":"string","location":"path","required":true}}}},
                     "response":{{"$ref":"Operation"}}}}
             }}}}}}}}}}}}"#
        )
        .into_bytes()
    }

    #[test]
    fn operations_get_becomes_the_poller_and_long_running_types_are_inferred() {
        let api = resolve_doc(&operations_doc(
            r#"{"name":{"type":"string","location":"path","required":true}}"#,
        ));
        let poller = api.operations_get.as_ref().expect("a poller");
        assert_eq!(poller.module_path, ["projects", "operations"]);
        assert_eq!(poller.static_name, "GET");
        let hubs = &api.resources[0].children[0];
        let lro = |name: &str| {
            hubs.methods
                .iter()
                .find(|m| m.fn_name == name)
                .unwrap()
                .long_running
                .clone()
        };
        let create = lro("create").unwrap();
        assert_eq!(create.result, RustType::Named("Hub".into()));
        assert_eq!(create.metadata, RustType::Named("OperationMetadata".into()));
        assert_eq!(
            lro("delete").unwrap().result,
            RustType::Named("Empty".into())
        );
        assert_eq!(lro("frobnicate").unwrap().result, RustType::Json);
        assert!(lro("get").is_none());
        let create = hubs.methods.iter().find(|m| m.fn_name == "create").unwrap();
        assert_eq!(create.request_id.as_deref(), Some("requestId"));
        // OperationMetadata is reached through the operations' metadata only.
        let metadata = api
            .models
            .iter()
            .find(|d| d.name() == "OperationMetadata")
            .expect("OperationMetadata is generated");
        let TypeDef::Struct(metadata) = metadata else {
            panic!("a struct")
        };
        assert_eq!(metadata.gate, Gate::Feature("hubs".into()));
        let operation = api.models.iter().find(|d| d.name() == "Operation").unwrap();
        let TypeDef::Struct(operation) = operation else {
            panic!("a struct")
        };
        assert!(operation.operation.is_some());
        assert_eq!(operation.gate, Gate::Always);
    }

    #[test]
    fn a_get_that_needs_more_than_the_name_is_not_a_poller() {
        let api = resolve_doc(&operations_doc(
            r#"{"name":{"type":"string","location":"path","required":true},
                "view":{"type":"string","location":"query","required":true}}"#,
        ));
        assert!(api.operations_get.is_none());
        assert!(api.all_methods().all(|m| m.long_running.is_none()));
    }
}
