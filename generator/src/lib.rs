//! discogen: generates a Rust client crate from a Google API Discovery document.
//!
//! The steps, each in its own module: [`discovery`] parses the document; [`resolve`] turns it
//! into the [`model`], where every Rust name (through [`naming`]) and type is decided; [`emit`]
//! writes Rust as tokens printed by prettyplease, which [`layout`] hands to rustfmt for the
//! final layout; [`render`] fills the templates of the non-Rust files; [`output`] writes or
//! checks the files on disk.

pub mod discovery;
pub mod emit;
pub mod error;
pub mod features;
pub mod layout;
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
    /// Whether rustfmt laid the Rust files out (see [`layout`]).
    pub layout: layout::Layout,
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

/// As [`generate_from_bytes`], without the rustfmt pass: every step but the final layout (the
/// Rust is still parsed and printed), for tests that generate many documents.
pub fn generate_from_bytes_without_rustfmt(
    file: &str,
    bytes: &[u8],
    selection: &Selection,
) -> Result<Generated, Error> {
    let doc = discovery::parse(file, bytes)?;
    build(&doc, file, selection, false)
}

fn generate_from(
    doc: &discovery::RestDescription,
    file: &str,
    selection: &Selection,
) -> Result<Generated, Error> {
    build(doc, file, selection, true)
}

fn build(
    doc: &discovery::RestDescription,
    file: &str,
    selection: &Selection,
    rustfmt: bool,
) -> Result<Generated, Error> {
    let api = resolve::resolve(doc, file, selection)?;
    let mut rust: Vec<(String, String)> = emit::rust_files(&api)?
        .into_iter()
        .map(|file| (file.path, file.contents))
        .collect();
    let layout = match rustfmt {
        true => layout::apply(&mut rust)?,
        false => layout::Layout::PrettypleaseOnly,
    };
    let mut files: BTreeMap<String, String> = rust.into_iter().collect();
    for (path, contents) in render::files(&api, emit::example_code(&api))? {
        files.insert(path, contents);
    }
    Ok(Generated { files, layout })
}
