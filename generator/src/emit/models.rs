//! `src/models.rs`: the schemas, as structs and enums with serde derives and impls.

use proc_macro2::TokenStream;
use quote::quote;

use super::{cfg, docs, ident, type_tokens, Named};
use crate::model::{Api, EnumDef, Field, OperationImpl, StructDef, TypeDef};

pub fn models_rs(api: &Api) -> TokenStream {
    let module_doc = docs::inner(&format!(
        "The data types of the {}: the schemas its methods send and receive.",
        api.title
    ));
    let items = api.models.iter().map(|def| match def {
        TypeDef::Struct(s) => struct_tokens(s, &api.features),
        TypeDef::Enum(e) => enum_tokens(e, &api.features),
    });
    quote! {
        #module_doc
        #(#items)*
    }
}

fn struct_tokens(def: &StructDef, all: &[String]) -> TokenStream {
    let gate = cfg(def.features.as_deref().unwrap_or_default(), all);
    let name = ident(&def.name);
    let doc = docs::outer_with_notes(
        def.description.as_deref(),
        &[format!("Wire name: `{}`.", def.wire)],
    );
    let fields = def.fields.iter().map(field_tokens);
    let unknown = ident(&def.unknown_fields);
    let page = def.page.as_ref().map(|page| {
        let token = ident(&page.next_token_field);
        let items = page.items.as_ref().map(|(field, item_type)| {
            let field = ident(field);
            let item_type = type_tokens(item_type, Named::Local);
            quote! {
                #gate
                impl crate::runtime::paging::PageItems for #name {
                    type Item = #item_type;
                    fn into_items(self) -> Vec<Self::Item> {
                        self.#field.unwrap_or_default()
                    }
                }
            }
        });
        quote! {
            #gate
            impl crate::runtime::paging::Page for #name {
                fn next_page_token(&self) -> Option<&str> {
                    self.#token.as_deref()
                }
            }
            #items
        }
    });
    let operation = def
        .operation
        .as_ref()
        .map(|op| operation_tokens(&quote!(#name), op, &gate));
    quote! {
        #doc
        #gate
        #[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct #name {
            #(#fields)*
            /// JSON members this crate does not know, kept as received so that reading and
            /// writing an object loses nothing.
            #[serde(flatten)]
            pub #unknown: serde_json::Map<String, serde_json::Value>,
        }
        #page
        #operation
    }
}

/// Helpers of a long-running operation model: whether it is done, and its outcome.
fn operation_tokens(name: &TokenStream, op: &OperationImpl, gate: &TokenStream) -> TokenStream {
    let done = ident(&op.done_field);
    let error = ident(&op.error_field);
    let response = ident(&op.response_field);
    let error_type = type_tokens(&op.error_type, Named::Local);
    let response_type = type_tokens(&op.response_type, Named::Local);
    quote! {
        #gate
        impl #name {
            /// Whether the operation has finished, successfully or not (`done` is true).
            pub fn is_done(&self) -> bool {
                self.#done == Some(true)
            }

            /// The outcome of a finished operation: `Ok` with its `response` (empty when the
            /// method returns nothing), or `Err` with its `error` status (a cancelled
            /// operation has code 1, `CANCELLED`); `None` while it is still running.
            pub fn into_outcome(self) -> Option<Result<#response_type, #error_type>> {
                if !self.is_done() {
                    return None;
                }
                let outcome = match self.#error {
                    Some(error) => Err(error),
                    None => Ok(self.#response.unwrap_or_default()),
                };
                Some(outcome)
            }
        }
    }
}

/// What a string format means, for the formats the crate keeps as text.
fn format_note(format: &str) -> Option<&'static str> {
    Some(match format {
        "date-time" | "google-datetime" => {
            "Format: an RFC 3339 timestamp, such as `2026-11-29T08:00:00Z`."
        }
        "date" => "Format: a date, `YYYY-MM-DD`.",
        "google-duration" => "Format: a duration in seconds with an `s` suffix, such as `3.5s`.",
        "google-fieldmask" => {
            "Format: a field mask, comma-separated field paths such as `name,labels`."
        }
        _ => return None,
    })
}

fn field_tokens(field: &Field) -> TokenStream {
    let name = ident(&field.name);
    let wire = &field.wire;
    let ty = type_tokens(&field.ty, Named::Local);
    let mut notes = Vec::new();
    if let Some(text) = field.format.as_deref().and_then(format_note) {
        notes.push(text.to_string());
    }
    if let Some(default) = &field.default {
        notes.push(format!(
            "The service's default: `{}`.",
            default.replace('`', "'")
        ));
    }
    if field.read_only {
        notes.push("Output only: set by the service, ignored in requests.".to_string());
    }
    if field.deprecated {
        notes.push("Deprecated by the service.".to_string());
    }
    let doc = docs::outer_with_notes(field.description.as_deref(), &notes);
    let with = field
        .ty
        .needs_wire_adapter()
        .then(|| quote!(with = "crate::runtime::wire",));
    quote! {
        #doc
        #[serde(rename = #wire, default, #with skip_serializing_if = "Option::is_none")]
        pub #name: Option<#ty>,
    }
}

/// An enum of string values that keeps values it does not know in `UnknownValue`, so a value
/// added to the API later survives a read and a write.
pub(crate) fn enum_tokens(def: &EnumDef, all: &[String]) -> TokenStream {
    let gate = cfg(def.features.as_deref().unwrap_or_default(), all);
    let name = ident(&def.name);
    let doc = docs::outer_with_notes(def.description.as_deref(), &[]);
    let unknown = ident(crate::naming::UNKNOWN_VARIANT);
    let variants = def.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let mut notes = vec![format!("Wire value: `{}`.", v.wire.replace('`', "'"))];
        if v.deprecated {
            notes.push("Deprecated by the service.".to_string());
        }
        let doc = docs::outer_with_notes(v.description.as_deref(), &notes);
        quote! { #doc #variant, }
    });
    let to_wire = def.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let wire = &v.wire;
        quote! { #name::#variant => #wire, }
    });
    let from_wire = def.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let wire = &v.wire;
        quote! { #wire => #name::#variant, }
    });
    quote! {
        #doc
        #gate
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the crate does not know, kept as received.
            #unknown(String),
        }

        #gate
        impl #name {
            /// The value as it is sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_wire)*
                    #name::#unknown(value) => value,
                }
            }
        }

        #gate
        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_wire)*
                    other => #name::#unknown(other.to_string()),
                }
            }
        }

        #gate
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #gate
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #gate
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <String as serde::Deserialize>::deserialize(deserializer)?;
                Ok(#name::from(value.as_str()))
            }
        }
    }
}
