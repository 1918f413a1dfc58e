//! discogen: generates a Rust client crate from a Google API Discovery document.
//!
//! The steps, each in its own module: [`discovery`] parses the document; [`resolve`] turns it
//! into the [`model`], where every Rust name (through [`naming`]) and type is decided; [`emit`]
//! writes Rust as tokens printed by prettyplease, which [`layout`] hands to rustfmt for the
//! final layout; [`render`] fills the templates of the non-Rust files; [`output`] writes or
//! checks the files on disk.

pub mod diff;
pub mod discovery;
pub mod emit;
pub mod error;
pub mod features;
pub mod fetch;
pub mod history;
pub mod layout;
pub mod model;
pub mod naming;
pub mod output;
pub mod render;
pub mod resolve;
pub mod surface;

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
    /// The crate's version (`0.2.0+20261029`).
    pub version: String,
    /// What changed in the API since the previous generation, when it recorded its surface.
    pub diff: Option<diff::Diff>,
}

/// Generates the crate for the document at `path`, as a first generation (version `0.1.0`).
pub fn generate(path: &Path, selection: &Selection) -> Result<Generated, Error> {
    generate_after(path, selection, None)
}

/// Generates the crate for the document at `path` as the successor of `previous` (what the
/// last generation left in the output directory): the version follows the API's changes and
/// the changelog gains an entry.
pub fn generate_after(
    path: &Path,
    selection: &Selection,
    previous: Option<&history::Previous>,
) -> Result<Generated, Error> {
    let doc = discovery::load(path)?;
    build(&doc, &path.display().to_string(), selection, true, previous)
}

/// Generates the crate for a document held in memory; `file` names it in headers and errors.
pub fn generate_from_bytes(
    file: &str,
    bytes: &[u8],
    selection: &Selection,
) -> Result<Generated, Error> {
    let doc = discovery::parse(file, bytes)?;
    build(&doc, file, selection, true, None)
}

/// As [`generate_from_bytes`], without the rustfmt pass: every step but the final layout (the
/// Rust is still parsed and printed), for tests that generate many documents.
pub fn generate_from_bytes_without_rustfmt(
    file: &str,
    bytes: &[u8],
    selection: &Selection,
) -> Result<Generated, Error> {
    let doc = discovery::parse(file, bytes)?;
    build(&doc, file, selection, false, None)
}

fn build(
    doc: &discovery::RestDescription,
    file: &str,
    selection: &Selection,
    rustfmt: bool,
    previous: Option<&history::Previous>,
) -> Result<Generated, Error> {
    let mut api = resolve::resolve(doc, file, selection)?;
    let surface = surface::Surface::of(doc);
    let release = history::release(previous, &surface);
    api.crate_version = release.version.clone();
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
    let surface_json = serde_json::to_string_pretty(&surface).expect("a surface serializes");
    files.insert(history::SURFACE_FILE.to_string(), surface_json + "\n");
    files.insert(
        history::CHANGELOG_FILE.to_string(),
        history::changelog(&api.generated_header(), &api.crate_name, &release, previous),
    );
    Ok(Generated {
        files,
        layout,
        version: release.version,
        diff: release.diff,
    })
}
