//! `src/models.rs` (the schemas) and `src/params.rs` (enums of parameter values): plain types
//! with their wire names handed to the runtime's macros, which implement decoding, encoding
//! and the paging and operation helpers.

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, feature_note, gate, ident, type_tokens, From};
use crate::model::{Api, EnumDef, Field, Gate, OperationImpl, StructDef, TypeDef};

pub fn models_rs(api: &Api) -> TokenStream {
    let module_doc = docs::inner(&format!(
        "The data types of the {}: the schemas its methods send and receive.",
        api.title
    ));
    let items = api.models.iter().map(|def| match def {
        TypeDef::Struct(s) => struct_tokens(s),
        TypeDef::Enum(e) => enum_tokens(e),
    });
    quote! {
        #module_doc
        #(#items)*
    }
}

pub fn params_rs(api: &Api) -> TokenStream {
    let doc = docs::inner("Enums of parameter values.");
    let enums = api.param_enums.iter().map(enum_tokens);
    quote! {
        #doc
        #(#enums)*
    }
}

/// The notes every generated type's doc ends with.
fn type_notes(wire: Option<&str>, type_gate: &Gate, used_by: &[String]) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(wire) = wire {
        notes.push(format!("Wire name: `{wire}`."));
    }
    if let Some(note) = feature_note(type_gate.feature()) {
        notes.push(note);
    } else if used_by.len() > 1 {
        notes.push(format!(
            "Always compiled: the methods of {} features use it.",
            used_by.len()
        ));
    }
    notes
}

fn struct_tokens(def: &StructDef) -> TokenStream {
    let cfg = gate(&def.gate);
    let name = ident(&def.name);
    let doc = docs::outer_with_notes(
        def.description.as_deref(),
        &type_notes(Some(&def.wire), &def.gate, &def.used_by),
    );
    let fields = def.fields.iter().map(field_tokens);
    let unknown = ident(&def.unknown_fields);
    let wires = def.fields.iter().map(|f| {
        let field = ident(&f.name);
        let wire = &f.wire;
        quote!(#field: #wire)
    });
    let page = def.page.as_ref().map(|page| {
        let token = ident(&page.next_token_field);
        let items = page.items.as_ref().map(|items| {
            let field = ident(&items.field);
            let item = type_tokens(&items.item_type, From::Models);
            quote!(, #field: #item)
        });
        quote! {
            #cfg
            discogen_runtime::page!(#name { #token #items });
        }
    });
    let operation = def
        .operation
        .as_ref()
        .map(|op| operation_tokens(&name, op, &cfg));
    quote! {
        #doc
        #cfg
        #[derive(Clone, Debug, Default, PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            /// JSON members this crate does not know, kept as received so that reading and
            /// writing an object loses nothing.
            pub #unknown: std::collections::BTreeMap<String, discogen_runtime::RawJson>,
        }
        #cfg
        discogen_runtime::model!(#name { #(#wires),* }, #unknown);
        #page
        #operation
    }
}

/// `is_done` and `into_outcome` of a long-running operation model.
fn operation_tokens(
    name: &proc_macro2::Ident,
    op: &OperationImpl,
    cfg: &TokenStream,
) -> TokenStream {
    let done = ident(&op.done_field);
    let error = ident(&op.error_field);
    let response = ident(&op.response_field);
    let error_type = type_tokens(&op.error_type, From::Models);
    let response_type = type_tokens(&op.response_type, From::Models);
    quote! {
        #cfg
        discogen_runtime::operation_model!(#name {
            done: #done,
            error: #error: #error_type,
            response: #response: #response_type
        });
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
    let ty = type_tokens(&field.ty, From::Models);
    let mut notes = vec![format!("Wire name: `{}`.", field.wire.replace('`', "'"))];
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
    quote! {
        #doc
        pub #name: Option<#ty>,
    }
}

/// An enum of string values that keeps values it does not know, so a value added to the API
/// later survives a read and a write.
fn enum_tokens(def: &EnumDef) -> TokenStream {
    let cfg = gate(&def.gate);
    let name = ident(&def.name);
    let doc = docs::outer_with_notes(
        def.description.as_deref(),
        &type_notes(None, &def.gate, &def.used_by),
    );
    let unknown = ident(&def.unknown_variant);
    let variants = def.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let mut notes = vec![format!("Wire value: `{}`.", v.wire.replace('`', "'"))];
        if v.deprecated {
            notes.push("Deprecated by the service.".to_string());
        }
        let doc = docs::outer_with_notes(v.description.as_deref(), &notes);
        quote! { #doc #variant, }
    });
    let wires = def.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let wire = &v.wire;
        quote!(#variant: #wire)
    });
    quote! {
        #doc
        #cfg
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the crate does not know, kept as received.
            #unknown(String),
        }
        #cfg
        discogen_runtime::string_enum!(#name { #(#wires),* }, #unknown);
    }
}
