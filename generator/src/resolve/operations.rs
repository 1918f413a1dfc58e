//! Long-running operations: which schema is an operation, which method polls them, and what
//! each method that starts one produces, inferred from the document where it can be done
//! soundly.

use heck::ToUpperCamelCase;

use crate::discovery::{self, RestDescription};
use crate::error::Error;
use crate::model::*;

use super::select::Selected;
use super::types::TypeResolver;

/// What the document says about its long-running operations.
pub(super) struct Operations<'d> {
    doc: &'d RestDescription,
    /// The id of the method that polls operations (`operations.get`), when the selected
    /// resources have one.
    poller: Option<String>,
    /// The schema of operation metadata and why it was chosen.
    metadata: Option<(&'d str, String)>,
}

impl<'d> Operations<'d> {
    pub fn new(doc: &'d RestDescription, selected: &[Selected<'d>]) -> Self {
        Operations {
            doc,
            poller: find_poller(doc, selected),
            metadata: metadata_schema(doc),
        }
    }

    /// The id of the method that polls operations.
    pub fn poller_id(&self) -> Option<&str> {
        self.poller.as_deref()
    }

    /// The result and metadata types of `method` (named `wire` in `resource`) when it starts a
    /// long-running operation that the crate can poll.
    pub fn long_running(
        &self,
        wire: &str,
        method: &'d discovery::Method,
        resource: Option<&'d discovery::Resource>,
        types: &mut TypeResolver<'d>,
        pointer: &str,
    ) -> Result<Option<LongRunning>, Error> {
        if self.poller.as_deref() == Some(method.id.as_str())
            || self.poller.is_none()
            || !returns_operation(self.doc, method)
        {
            return Ok(None);
        }
        let (result_id, result_reason) = self.result_schema(wire, resource);
        let result = match result_id {
            Some(id) => types.schema_type(id, &format!("{pointer}/response"))?,
            None => None,
        };
        let (result, result_reason) = match result {
            Some(ty) => (ty, result_reason),
            None => (
                RustType::Json,
                "nothing in the document says what the operation produces, so the result is \
                 kept as JSON"
                    .to_string(),
            ),
        };
        let metadata = match &self.metadata {
            Some((id, _)) => types.schema_type(id, &format!("{pointer}/response"))?,
            None => None,
        };
        let (metadata, metadata_reason) = match (metadata, &self.metadata) {
            (Some(ty), Some((_, reason))) => (ty, reason.clone()),
            _ => (
                RustType::Json,
                "the document has no operation metadata schema, so the metadata is kept as JSON"
                    .to_string(),
            ),
        };
        Ok(Some(LongRunning {
            result,
            metadata,
            result_reason,
            metadata_reason,
        }))
    }

    /// The schema an operation started by method `wire` produces: the resource itself for
    /// `create`, `patch` and `update` (what the resource's `get` returns), `Empty` for
    /// `delete`, and `{Method}Response` for a custom method.
    fn result_schema(
        &self,
        wire: &str,
        resource: Option<&'d discovery::Resource>,
    ) -> (Option<&'d str>, String) {
        let schemas = &self.doc.schemas;
        match wire {
            "create" | "patch" | "update" => {
                let got = resource
                    .and_then(|r| r.methods.get("get"))
                    .and_then(|get| get.response.as_ref()?.ref_.as_deref())
                    .filter(|id| !is_operation_schema(self.doc, id));
                match got {
                    Some(id) => (
                        Some(id),
                        format!(
                            "`{wire}` of a resource produces the resource, which its `get` \
                             returns as `{id}`"
                        ),
                    ),
                    None => (None, String::new()),
                }
            }
            "delete" => match schemas.get_key_value("Empty") {
                Some((id, _)) => (
                    Some(id.as_str()),
                    "`delete` produces nothing: `Empty`".to_string(),
                ),
                None => (None, String::new()),
            },
            custom => {
                let name = format!("{}Response", custom.to_upper_camel_case());
                match schemas.get_key_value(&name) {
                    Some((id, _)) => (
                        Some(id.as_str()),
                        format!("the document has a `{id}` schema for the `{custom}` method"),
                    ),
                    None => (None, String::new()),
                }
            }
        }
    }
}

/// The schema of operation metadata: `OperationMetadata`, or the one schema whose name ends
/// with it. No method names it (operations carry it as `Any`), so it is found by name.
fn metadata_schema(doc: &RestDescription) -> Option<(&str, String)> {
    if let Some((id, _)) = doc.schemas.get_key_value("OperationMetadata") {
        return Some((
            id.as_str(),
            "the document's `OperationMetadata` schema".to_string(),
        ));
    }
    let mut candidates = doc
        .schemas
        .keys()
        .filter(|id| id.ends_with("OperationMetadata"));
    match (candidates.next(), candidates.next()) {
        (Some(id), None) => Some((
            id.as_str(),
            format!("`{id}`, the document's only operation metadata schema"),
        )),
        _ => None,
    }
}

/// Whether schema `id` is shaped like `google.longrunning.Operation`: a boolean `done`, an
/// `error` object and a `response`.
pub(super) fn is_operation_schema(doc: &RestDescription, id: &str) -> bool {
    let Some(schema) = doc.schemas.get(id) else {
        return false;
    };
    let property = |name: &str| schema.properties.get(name);
    let done = property("done").is_some_and(|p| p.type_.as_deref() == Some("boolean"));
    let error =
        property("error").is_some_and(|p| p.ref_.is_some() || p.type_.as_deref() == Some("object"));
    done && error && property("response").is_some()
}

fn returns_operation(doc: &RestDescription, method: &discovery::Method) -> bool {
    method
        .response
        .as_ref()
        .and_then(|r| r.ref_.as_deref())
        .is_some_and(|id| is_operation_schema(doc, id))
}

/// The method a poller calls: the first `get` of an `operations` resource (parents before
/// children) that takes only the operation's name and returns an operation.
fn find_poller(doc: &RestDescription, selected: &[Selected<'_>]) -> Option<String> {
    for node in selected {
        if node.wire == "operations" && node.with_methods {
            if let Some(get) = node.resource.methods.get("get") {
                let path_params: Vec<&discovery::Schema> = get
                    .parameters
                    .values()
                    .filter(|p| p.location.as_deref() == Some("path"))
                    .collect();
                let required_query = get
                    .parameters
                    .values()
                    .any(|p| p.required && p.location.as_deref() != Some("path"));
                let by_name = path_params.len() == 1
                    && path_params[0].type_.as_deref().unwrap_or("string") == "string";
                if get.request.is_none()
                    && by_name
                    && !required_query
                    && returns_operation(doc, get)
                {
                    return Some(get.id.clone());
                }
            }
        }
        if let Some(found) = find_poller(doc, &node.children) {
            return Some(found);
        }
    }
    None
}

/// The `static` of the poller method, once the resources are resolved.
pub(super) fn operations_get(resources: &[Resource], id: &str) -> Option<MethodRef> {
    Resource::all_in(resources)
        .into_iter()
        .find_map(|resource| {
            let method = resource.methods.iter().find(|m| m.id == id)?;
            Some(MethodRef {
                module_path: resource.module_path.clone(),
                static_name: method.static_name.clone(),
                id: method.id.clone(),
            })
        })
}

/// Marks the models shaped like `google.longrunning.Operation`, for their `is_done` and
/// `into_outcome` helpers.
pub(super) fn mark_operation_models(models: &mut [TypeDef]) {
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
            done_field: done.name.clone(),
            error_field: error.name.clone(),
            error_type: error.ty.clone(),
            response_field: response.name.clone(),
            response_type: response.ty.clone(),
        }));
    }
}
