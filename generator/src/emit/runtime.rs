//! `src/runtime/`: the code every generated crate builds on (client, errors, auth, paths, wire
//! formats, paging). It does not depend on the document, so it is kept as ordinary, hand-written
//! and rustfmt-formatted Rust in `generator/runtime/` (comments and all) and copied into each
//! crate after a parse that proves it is valid Rust; a generated crate therefore depends on no
//! runtime crate of discogen's. Only the modules an API needs are copied.

use proc_macro2::TokenStream;
use quote::quote;

use crate::error::Error;
use crate::model::{Api, TypeDef};

/// The runtime modules: name, source, and whether an API needs it.
const MODULES: &[(&str, &str)] = &[
    ("auth", include_str!("../../runtime/auth.rs")),
    ("client", include_str!("../../runtime/client.rs")),
    ("error", include_str!("../../runtime/error.rs")),
    ("paging", include_str!("../../runtime/paging.rs")),
    ("path", include_str!("../../runtime/path.rs")),
    ("wire", include_str!("../../runtime/wire.rs")),
];

/// The runtime of one crate: the modules copied as they are, and `src/runtime/mod.rs`.
pub struct Runtime {
    /// Path relative to the crate root, and source.
    pub copied: Vec<(String, &'static str)>,
    pub module: TokenStream,
}

pub fn runtime_files(api: &Api) -> Result<Runtime, Error> {
    let needs_wire = api.models.iter().any(|def| match def {
        TypeDef::Struct(s) => s.fields.iter().any(|f| f.ty.needs_wire_adapter()),
        TypeDef::Enum(_) => false,
    });
    let needed = |name: &str| match name {
        "paging" => api.has_paging(),
        "wire" => needs_wire,
        _ => true,
    };
    let mut files = Vec::new();
    let mut modules = Vec::new();
    for (name, source) in MODULES.iter().filter(|(name, _)| needed(name)) {
        syn::parse_file(source).map_err(|e| Error::InvalidOutput {
            file: format!("generator/runtime/{name}.rs"),
            message: e.to_string(),
        })?;
        files.push((format!("src/runtime/{name}.rs"), *source));
        modules.push(super::ident(name));
    }
    let module = quote! {
        //! The runtime the generated methods build on: the client, errors, credentials, path
        //! expansion, wire formats and paging.
        #(pub mod #modules;)*
    };
    Ok(Runtime {
        copied: files,
        module,
    })
}
