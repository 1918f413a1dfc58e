//! `src/runtime/`: the code every generated crate builds on (client, errors, auth, paths, wire
//! formats, paging). It does not depend on the document, so it is kept as ordinary, hand-written
//! and rustfmt-formatted Rust in `generator/runtime/` (comments and all) and copied into each
//! crate after a parse that proves it is valid Rust; a generated crate therefore depends on no
//! runtime crate of discogen's. Only the modules an API needs are copied.

use proc_macro2::TokenStream;
use quote::quote;

use crate::error::Error;
use crate::model::Api;

/// The runtime modules: name and source.
const MODULES: &[(&str, &str)] = &[
    ("adc", include_str!("../../runtime-old/adc.rs")),
    ("auth", include_str!("../../runtime-old/auth.rs")),
    ("client", include_str!("../../runtime-old/client.rs")),
    ("error", include_str!("../../runtime-old/error.rs")),
    ("options", include_str!("../../runtime-old/options.rs")),
    ("paging", include_str!("../../runtime-old/paging.rs")),
    ("path", include_str!("../../runtime-old/path.rs")),
    ("poll", include_str!("../../runtime-old/poll.rs")),
    ("response", include_str!("../../runtime-old/response.rs")),
    ("wire", include_str!("../../runtime-old/wire.rs")),
];

/// Modules compiled only with a cargo feature of the generated crate: module, feature.
const FEATURE_GATED: &[(&str, &str)] = &[("adc", "adc")];

/// The build script: it records the compiler version for the `x-goog-api-client` header.
const BUILD_SCRIPT: &str = include_str!("../../runtime-old/build.rs");

/// The runtime of one crate: the modules copied as they are, and `src/runtime/mod.rs`.
pub struct Runtime {
    /// Path relative to the crate root, and source.
    pub copied: Vec<(String, &'static str)>,
    pub module: TokenStream,
}

pub fn runtime_files(api: &Api) -> Result<Runtime, Error> {
    let needs_wire = api.needs_wire();
    let needed = |name: &str| match name {
        "paging" => api.has_paging(),
        "poll" => api.poller.is_some(),
        "wire" => needs_wire,
        _ => true,
    };
    let mut files = Vec::new();
    let mut modules = Vec::new();
    let parse = |file: String, source: &str| {
        syn::parse_file(source).map_err(|e| Error::InvalidOutput {
            file,
            message: e.to_string(),
        })
    };
    for (name, source) in MODULES.iter().filter(|(name, _)| needed(name)) {
        parse(format!("generator/runtime/{name}.rs"), source)?;
        files.push((format!("src/runtime/{name}.rs"), *source));
        let module = super::ident(name);
        modules.push(match FEATURE_GATED.iter().find(|(m, _)| m == name) {
            Some((_, feature)) => quote! {
                #[cfg(feature = #feature)]
                pub mod #module;
            },
            None => quote!(pub mod #module;),
        });
    }
    parse("generator/runtime/build.rs".to_string(), BUILD_SCRIPT)?;
    files.push(("build.rs".to_string(), BUILD_SCRIPT));
    let module = quote! {
        //! The runtime the generated methods build on: the client, call options, errors,
        //! credentials, path expansion, wire formats, paging and polling.
        // Parts of it go unused when only some resource features are enabled.
        #![allow(dead_code)]
        #(#modules)*
    };
    Ok(Runtime {
        copied: files,
        module,
    })
}
