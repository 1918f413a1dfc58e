//! Step 3: the model as Rust source. Code is built as tokens with `quote!`, parsed into a
//! `syn::File` and printed by `prettyplease`; nothing here decides a name or a type.

mod crate_root;
pub use crate_root::example_code;
pub mod docs;
mod models;
mod resources;
mod runtime;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::error::Error;
use crate::model::{Api, RustType};

/// One emitted Rust file: path relative to the crate root (`src/lib.rs`) and its contents.
pub struct RustFile {
    pub path: String,
    pub contents: String,
}

/// Every Rust source file of the generated crate.
pub fn rust_files(api: &Api) -> Result<Vec<RustFile>, Error> {
    let header = api.generated_header();
    let mut files = Vec::new();
    let mut add = |path: String, tokens: TokenStream| -> Result<(), Error> {
        let contents = format_file(&path, &header, tokens)?;
        files.push(RustFile { path, contents });
        Ok(())
    };
    // The models are the largest file: build and print them on another thread meanwhile
    // (token streams cannot cross threads; the printed text can).
    let models = std::thread::scope(|scope| {
        let models = scope.spawn(|| format_file("src/models.rs", &header, models::models_rs(api)));
        let others = (|| {
            add("src/lib.rs".into(), crate_root::lib_rs(api))?;
            add("src/params.rs".into(), crate_root::params_rs(api))?;
            for (path, tokens) in resources::resource_files(api) {
                add(path, tokens)?;
            }
            let runtime = runtime::runtime_files(api)?;
            add("src/runtime/mod.rs".into(), runtime.module)?;
            Ok::<_, Error>(runtime.copied)
        })();
        let models = models.join().expect("the models thread does not panic");
        others.and_then(|copied| Ok((models?, copied)))
    });
    let (models, copied) = models?;
    files.push(RustFile {
        path: "src/models.rs".into(),
        contents: models,
    });
    for (path, source) in copied {
        files.push(RustFile {
            contents: format!("// {header}\n\n{source}"),
            path,
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Parses the tokens as a file (which also proves they are valid Rust) and prints them.
fn format_file(path: &str, header: &str, tokens: TokenStream) -> Result<String, Error> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| Error::InvalidOutput {
        file: path.to_string(),
        message: e.to_string(),
    })?;
    Ok(format!("// {header}\n\n{}", prettyplease::unparse(&file)))
}

/// An identifier from a model name; `r#type` becomes a raw identifier.
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// Where a `RustType::Named` lives, seen from the module being emitted.
#[derive(Clone, Copy)]
pub(crate) enum Named {
    /// In the same module: the bare name.
    Local,
    /// In `crate::models`.
    Models,
    /// In `crate::params`.
    Params,
}

/// The Rust spelling of a type.
pub(crate) fn type_tokens(ty: &RustType, named: Named) -> TokenStream {
    match ty {
        RustType::String => quote!(String),
        RustType::Bool => quote!(bool),
        RustType::I32 => quote!(i32),
        RustType::U32 => quote!(u32),
        RustType::I64 => quote!(i64),
        RustType::U64 => quote!(u64),
        RustType::F32 => quote!(f32),
        RustType::F64 => quote!(f64),
        RustType::Bytes => quote!(Vec<u8>),
        RustType::Json => quote!(serde_json::Value),
        RustType::Vec(inner) => {
            let inner = type_tokens(inner, named);
            quote!(Vec<#inner>)
        }
        RustType::Map(inner) => {
            let inner = type_tokens(inner, named);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        RustType::Named(name) => named_path(name, named),
        RustType::Boxed(name) => {
            let inner = named_path(name, named);
            quote!(Box<#inner>)
        }
    }
}

fn named_path(name: &str, named: Named) -> TokenStream {
    let name = ident(name);
    match named {
        Named::Local => quote!(#name),
        Named::Models => quote!(crate::models::#name),
        Named::Params => quote!(crate::params::#name),
    }
}

/// `#[cfg(...)]` for a type that exists under any of `features`; nothing when those are all
/// of the crate's features (or none is named): such a type is public and harmless to compile
/// with no feature enabled.
pub(crate) fn cfg(features: &[String], all: &[String]) -> TokenStream {
    if features.len() >= all.len() {
        return TokenStream::new();
    }
    cfg_any(features)
}

/// `#[cfg(...)]` for an item that exists under any of `features`, even when those are all of
/// them: resource handles and methods, which would be dead code with no feature enabled.
pub(crate) fn cfg_any(features: &[String]) -> TokenStream {
    match features {
        [] => TokenStream::new(),
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}
