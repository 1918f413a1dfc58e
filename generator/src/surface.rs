//! The API surface of a discovery document: what a user of the generated crate can see of it
//! (resources, methods with their verbs, paths, parameters and bodies, schemas with their
//! properties, enum values, scopes), normalized so that two revisions compare by value.
//! Descriptions and documentation links are not part of it. A generated crate records its
//! surface (`surface.json`) so the next regeneration knows what changed.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::discovery::{self, RestDescription};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Surface {
    pub name: String,
    pub version: String,
    pub revision: String,
    pub scopes: BTreeSet<String>,
    /// Every resource by dotted path, with or without methods of its own.
    pub resources: BTreeSet<String>,
    /// Methods by dotted path (`projects.locations.operations.list`; `tokeninfo` for a method
    /// of the API itself).
    pub methods: BTreeMap<String, MethodSurface>,
    pub schemas: BTreeMap<String, SchemaSurface>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodSurface {
    pub http_method: String,
    pub path: String,
    pub parameters: BTreeMap<String, ParamSurface>,
    /// The request body's type, as [`type_of`] spells it.
    pub request: Option<String>,
    pub response: Option<String>,
    pub media_upload: bool,
    pub media_download: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParamSurface {
    pub r#type: String,
    pub location: String,
    pub required: bool,
    pub repeated: bool,
    pub enum_values: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaSurface {
    pub r#type: String,
    /// Properties by dotted path: properties of inline objects are `outer.inner`.
    pub properties: BTreeMap<String, PropertySurface>,
    pub enum_values: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertySurface {
    pub r#type: String,
    pub read_only: bool,
    pub enum_values: Vec<String>,
}

impl Surface {
    pub fn of(doc: &RestDescription) -> Surface {
        let mut surface = Surface {
            name: doc.name.clone(),
            version: doc.version.clone(),
            revision: doc.revision.clone(),
            scopes: doc
                .auth
                .iter()
                .flat_map(|a| a.oauth2.scopes.keys().cloned())
                .collect(),
            ..Surface::default()
        };
        for (name, method) in &doc.methods {
            surface.methods.insert(name.clone(), method_surface(method));
        }
        add_resources(&mut surface, &doc.resources, "");
        for (name, schema) in &doc.schemas {
            let mut properties = BTreeMap::new();
            add_properties(&mut properties, schema, "");
            surface.schemas.insert(
                name.clone(),
                SchemaSurface {
                    r#type: type_of(schema),
                    properties,
                    enum_values: schema.enum_.clone(),
                },
            );
        }
        surface
    }
}

fn add_resources(
    surface: &mut Surface,
    resources: &BTreeMap<String, discovery::Resource>,
    prefix: &str,
) {
    for (name, resource) in resources {
        let path = format!("{prefix}{name}");
        surface.resources.insert(path.clone());
        for (method_name, method) in &resource.methods {
            surface
                .methods
                .insert(format!("{path}.{method_name}"), method_surface(method));
        }
        add_resources(surface, &resource.resources, &format!("{path}."));
    }
}

fn method_surface(method: &discovery::Method) -> MethodSurface {
    MethodSurface {
        http_method: method.http_method.to_ascii_uppercase(),
        path: method.path.clone(),
        parameters: method
            .parameters
            .iter()
            .map(|(name, p)| {
                let param = ParamSurface {
                    r#type: type_of(p),
                    location: p.location.clone().unwrap_or_default(),
                    required: p.required || p.location.as_deref() == Some("path"),
                    repeated: p.repeated,
                    enum_values: p.enum_.clone(),
                };
                (name.clone(), param)
            })
            .collect(),
        request: method.request.as_ref().map(type_of),
        response: method.response.as_ref().map(type_of),
        media_upload: method.media_upload.is_some(),
        media_download: method.supports_media_download,
    }
}

fn add_properties(
    out: &mut BTreeMap<String, PropertySurface>,
    schema: &discovery::Schema,
    prefix: &str,
) {
    for (name, property) in &schema.properties {
        let path = format!("{prefix}{name}");
        out.insert(
            path.clone(),
            PropertySurface {
                r#type: type_of(property),
                read_only: property.read_only,
                enum_values: property.enum_.clone(),
            },
        );
        add_properties(out, property, &format!("{path}."));
        if let Some(items) = &property.items {
            add_properties(out, items, &format!("{path}[]."));
        }
    }
}

/// A schema's type in a few words: `string`, `string(int64)`, `Hub` for a `$ref`,
/// `array<Hub>`, `map<string>`, `object` for an inline object (its properties are listed
/// separately), `any`.
pub fn type_of(schema: &discovery::Schema) -> String {
    if let Some(id) = &schema.ref_ {
        return id.clone();
    }
    match schema.type_.as_deref() {
        Some("array") => format!(
            "array<{}>",
            schema
                .items
                .as_deref()
                .map_or_else(|| "any".to_string(), type_of)
        ),
        Some("object") if schema.properties.is_empty() => format!(
            "map<{}>",
            schema
                .additional_properties
                .as_deref()
                .map_or_else(|| "any".to_string(), type_of)
        ),
        Some(kind) => match &schema.format {
            Some(format) => format!("{kind}({format})"),
            None => kind.to_string(),
        },
        None => "any".to_string(),
    }
}
