//! Types: the Rust type of every schema the selected methods reach (and, when the whole
//! document is generated, of every other schema too), with recursion boxed and pages marked.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::discovery::{self, RestDescription};
use crate::error::Error;
use crate::model::*;
use crate::naming::{self, Scope as Names};

use super::refs::child;

pub(super) struct TypeResolver<'d> {
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
    pub fn new(doc: &'d RestDescription, file: &'d str) -> Self {
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
    pub fn body_type(
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

    /// Resolves every schema of the document not resolved yet: the schemas no method reaches,
    /// which users still need to decode `Any` payloads and operation metadata.
    pub fn resolve_all_schemas(&mut self) -> Result<(), Error> {
        let doc = self.doc;
        for (id, schema) in &doc.schemas {
            if (is_struct(schema) || !schema.enum_.is_empty()) && self.seen.insert(id.clone()) {
                self.queue.push_back(id.clone());
            }
        }
        self.drain()
    }

    /// The Rust type of the schema `id`, when it is a type of its own (a struct or an enum).
    pub fn schema_type(&mut self, id: &str, pointer: &str) -> Result<Option<RustType>, Error> {
        let Some(schema) = self.doc.schemas.get(id) else {
            return Ok(None);
        };
        if !is_struct(schema) && schema.enum_.is_empty() {
            return Ok(None);
        }
        let ty = self.ref_type(id, pointer)?;
        self.drain()?;
        Ok(Some(ty))
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
        let mut names = Names::with_reserved(&[naming::UNKNOWN_FIELDS]);
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
            unknown_fields: naming::UNKNOWN_FIELDS.to_string(),
            page: None,
            operation: None,
            gate: Gate::Always,
            used_by: Vec::new(),
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
                // An object of anything (an operation's `metadata`, a `google.protobuf.Struct`)
                // is one piece of JSON, kept as received and decoded when asked: building a map
                // of JSON trees would cost as much as decoding the reply untyped.
                Ok(match value {
                    RustType::Json => RustType::Json,
                    value => RustType::Map(Box::new(value)),
                })
            }
            _ => Ok(scalar_type(schema)),
        }
    }

    pub fn ref_type(&mut self, id: &str, pointer: &str) -> Result<RustType, Error> {
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
    pub fn paging(&mut self, page_type: &str, page_token_field: &str) -> Option<Paging> {
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
            items: items.clone(),
        };
        self.pages.insert(page_type.to_string(), page);
        Some(Paging {
            page_token_field: page_token_field.to_string(),
            items,
        })
    }

    /// The types reached, with recursion boxed and pages marked.
    pub fn finish(mut self) -> Vec<TypeDef> {
        box_recursion(&mut self.defs);
        for def in &mut self.defs {
            if let TypeDef::Struct(s) = def {
                s.page = self.pages.get(&s.name).cloned();
            }
        }
        self.defs
    }
}

pub(super) fn is_struct(schema: &discovery::Schema) -> bool {
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

/// The Rust type of a schema that is a scalar, by its `type` and `format`.
pub(super) fn scalar_type(schema: &discovery::Schema) -> RustType {
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

pub(super) fn enum_def(name: &str, schema: &discovery::Schema) -> EnumDef {
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
        unknown_variant: naming::UNKNOWN_VARIANT.to_string(),
        gate: Gate::Always,
        used_by: Vec::new(),
    }
}
