//! Step 3: the model as Rust source. Code is built as tokens with `quote!`, parsed into a
//! `syn::File` and printed by `prettyplease`; nothing here decides a name, a type or a gate.
//! What differs per method is emitted as data (a `static` description and a builder with the
//! method's own setters); what is the same for every method lives in discogen-runtime.

mod crate_root;
pub mod docs;
mod models;
mod resources;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::error::Error;
use crate::model::{Api, Gate, RustType};

pub use crate_root::{example_code, testing_example_code};

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
            if !api.param_enums.is_empty() {
                add("src/params.rs".into(), models::params_rs(api))?;
            }
            for (path, tokens) in resources::resource_files(api) {
                add(path, tokens)?;
            }
            Ok::<_, Error>(())
        })();
        let models = models.join().expect("the models thread does not panic");
        others.and(models)
    })?;
    files.push(RustFile {
        path: "src/models.rs".into(),
        contents: models,
    });
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

/// Where a model type is named from.
#[derive(Clone, Copy)]
pub(crate) enum From {
    /// Inside `models`: the bare name.
    Models,
    /// Anywhere else: `crate::models::Name`.
    Elsewhere,
}

/// The Rust spelling of a type.
pub(crate) fn type_tokens(ty: &RustType, from: From) -> TokenStream {
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
        RustType::Json => quote!(discogen_runtime::RawJson),
        RustType::Unit => quote!(()),
        RustType::Vec(inner) => {
            let inner = type_tokens(inner, from);
            quote!(Vec<#inner>)
        }
        RustType::Map(inner) => {
            let inner = type_tokens(inner, from);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        RustType::Named(name) => model_path(name, from),
        RustType::Boxed(name) => {
            let inner = model_path(name, from);
            quote!(Box<#inner>)
        }
        RustType::Param(name) => {
            let name = ident(name);
            quote!(crate::params::#name)
        }
    }
}

fn model_path(name: &str, from: From) -> TokenStream {
    let name = ident(name);
    match from {
        From::Models => quote!(#name),
        From::Elsewhere => quote!(crate::models::#name),
    }
}

/// `#[cfg(feature = "...")]` for an item compiled with one feature; nothing for one always
/// compiled.
pub(crate) fn cfg(feature: Option<&str>) -> TokenStream {
    match feature {
        Some(feature) => quote!(#[cfg(feature = #feature)]),
        None => TokenStream::new(),
    }
}

/// The gate of a type, as an attribute.
pub(crate) fn gate(gate: &Gate) -> TokenStream {
    cfg(gate.feature())
}

/// The doc note that says which cargo feature compiles an item.
pub(crate) fn feature_note(feature: Option<&str>) -> Option<String> {
    feature.map(|f| format!("Compiled with the cargo feature `{f}`."))
}
