//! References: every `$ref` of the document must name one of its schemas.

use crate::discovery::{self, escape_pointer_token, RestDescription};
use crate::error::Error;

/// Every `$ref` in the document must name a schema of the document. Checked over the whole
/// document, selected or not, so a broken document is reported whatever is selected.
pub(super) fn check_refs(doc: &RestDescription, file: &str) -> Result<(), Error> {
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
pub(crate) fn child(base: &str, key: &str, name: &str) -> String {
    format!("{base}/{key}/{}", escape_pointer_token(name))
}
