//! discogen: generates a Rust client crate from a Google API Discovery document.
//!
//! The steps, each in its own module: [`discovery`] parses the document; [`resolve`] turns it
//! into the [`model`], where every Rust name (through [`naming`]) and type is decided; [`emit`]
//! writes Rust as tokens formatted by prettyplease; [`render`] fills the templates of the
//! non-Rust files; [`output`] writes or checks the files on disk.

pub mod discovery;
pub mod emit;
pub mod error;
pub mod model;
pub mod naming;
pub mod output;
pub mod render;
pub mod resolve;

use std::collections::BTreeMap;
use std::path::Path;

pub use error::Error;
pub use resolve::Selection;

/// The generated crate: file contents by path relative to the crate root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    pub files: BTreeMap<String, String>,
}

/// Generates the crate for the document at `path`.
pub fn generate(path: &Path, selection: &Selection) -> Result<Generated, Error> {
    let doc = discovery::load(path)?;
    generate_from(&doc, &path.display().to_string(), selection)
}

/// Generates the crate for a document held in memory; `file` names it in headers and errors.
pub fn generate_from_bytes(
    file: &str,
    bytes: &[u8],
    selection: &Selection,
) -> Result<Generated, Error> {
    let doc = discovery::parse(file, bytes)?;
    generate_from(&doc, file, selection)
}

fn generate_from(
    doc: &discovery::RestDescription,
    file: &str,
    selection: &Selection,
) -> Result<Generated, Error> {
    let api = resolve::resolve(doc, file, selection)?;
    let mut files = BTreeMap::new();
    for rust in emit::rust_files(&api)? {
        files.insert(rust.path, rust.contents);
    }
    for (path, contents) in render::files(&api, emit::example_code(&api))? {
        files.insert(path, contents);
    }
    Ok(Generated { files })
}
