//! discogen: generates a Rust client crate from a Google API Discovery document.
//!
//! The steps, each in its own module: [`discovery`] parses the document; [`resolve`] turns it
//! into the [`model`], where every Rust name (through [`naming`]), type, feature, long-running
//! operation type and the crate's version are decided; [`emit`] writes Rust as tokens printed
//! by prettyplease, which [`layout`] hands to rustfmt for the final layout; [`render`] fills the
//! templates of the non-Rust files; [`output`] writes or checks the files on disk. The
//! generated code is data over [`discogen-runtime`](runtime), which holds the behaviour.

pub mod diff;
pub mod discovery;
pub mod emit;
pub mod error;
pub mod fetch;
pub mod history;
pub mod layout;
pub mod listing;
pub mod model;
pub mod naming;
pub mod output;
pub mod render;
pub mod resolve;
pub mod runtime;
pub mod surface;

use std::collections::BTreeMap;
use std::path::Path;

pub use error::Error;
pub use resolve::Selection;
pub use runtime::Runtime;

/// The generated crate: file contents by path relative to the crate root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The crate's name (`networkconnectivity-v1`).
    pub crate_name: String,
    /// The document's revision.
    pub revision: String,
    pub files: BTreeMap<String, String>,
    /// Whether rustfmt laid the Rust files out (see [`layout`]).
    pub layout: layout::Layout,
    /// The crate's version (`0.2.0+20261029`).
    pub version: String,
    /// Whether this generation is a new release (a new CHANGELOG entry), not the same one again.
    pub new_release: bool,
    /// What changed in the API since the previous generation, when it recorded its surface.
    pub diff: Option<diff::Diff>,
    /// What changed in the Rust API since the previous generation, when it recorded it.
    pub api_changes: Option<listing::Comparison>,
    /// The public Rust API, one line per item: the review surface.
    pub listing: String,
    /// What was read leniently from the document.
    pub warnings: Vec<String>,
}

/// How to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub selection: Selection,
    /// How the crate depends on the runtime.
    pub runtime: Runtime,
    /// Whether rustfmt lays the Rust files out (without it, every step but the final layout
    /// runs: for tests that generate many documents).
    pub rustfmt: bool,
}

impl Options {
    /// The whole document, with the default runtime dependency for a crate written to `out`.
    pub fn for_output(out: &Path) -> Options {
        Options {
            selection: Selection::default(),
            runtime: Runtime::default_for(out),
            rustfmt: true,
        }
    }
}

impl Default for Options {
    /// The whole document, laid out by rustfmt, depending on the runtime by version.
    fn default() -> Options {
        Options {
            selection: Selection::default(),
            runtime: Runtime::Version(runtime::RUNTIME_VERSION.to_string()),
            rustfmt: true,
        }
    }
}

/// Generates the crate for the document at `path`, as the successor of `previous` (what the
/// last generation left in the output directory; `None` for a first generation): the version
/// follows the API's changes and the changelog gains an entry.
pub fn generate(
    path: &Path,
    options: &Options,
    previous: Option<&history::Previous>,
) -> Result<Generated, Error> {
    let doc = discovery::load(path)?;
    build(&doc, &path.display().to_string(), options, previous)
}

/// Generates the crate for a document held in memory; `file` names it in headers and errors.
pub fn generate_from_bytes(
    file: &str,
    bytes: &[u8],
    options: &Options,
    previous: Option<&history::Previous>,
) -> Result<Generated, Error> {
    let doc = discovery::parse(file, bytes)?;
    build(&doc, file, options, previous)
}

fn build(
    doc: &discovery::RestDescription,
    file: &str,
    options: &Options,
    previous: Option<&history::Previous>,
) -> Result<Generated, Error> {
    let resolve::Resolved {
        api,
        items,
        release,
        surface,
    } = resolve::resolve(doc, file, &options.selection, previous)?;
    let mut rust: Vec<(String, String)> = emit::rust_files(&api)?
        .into_iter()
        .map(|file| (file.path, file.contents))
        .collect();
    let layout = match options.rustfmt {
        true => layout::apply(&mut rust)?,
        false => layout::Layout::PrettypleaseOnly,
    };
    let mut files: BTreeMap<String, String> = rust.into_iter().collect();
    for (path, contents) in render::files(&api, emit::example_code(&api), &options.runtime)? {
        files.insert(path, contents);
    }
    files.extend(options.runtime.vendored_files());
    files.insert(
        history::SURFACE_FILE.to_string(),
        history::record(&surface, &items),
    );
    files.insert(
        history::CHANGELOG_FILE.to_string(),
        history::changelog(&api.generated_header(), &api.crate_name, &release, previous),
    );
    Ok(Generated {
        crate_name: api.crate_name.clone(),
        revision: api.revision.clone(),
        files,
        layout,
        version: release.version,
        new_release: release.is_new,
        diff: release.diff,
        api_changes: release.api_changes,
        listing: listing::text(&items),
        warnings: api.warnings,
    })
}
