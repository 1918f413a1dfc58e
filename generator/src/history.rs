//! The generated crate's history across regenerations: what the last generation left in the
//! output directory (its name and version, the fingerprints of its public Rust API, the API
//! surface of the document it came from, its changelog), and from that and the new crate, the
//! next version and changelog entry.
//!
//! The version follows the Rust API (see [`listing::compare`]): anything that can break code
//! that compiled before is breaking, whether it comes from the document or from the generator.
//! The discovery diff is kept as the explanation of why. The same document regenerated gives
//! the same version and changelog, so `check` stays exact.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diff::{self, Diff};
use crate::listing::{self, Comparison, Item};
use crate::surface::Surface;

/// The file that records what the crate was generated from.
pub const SURFACE_FILE: &str = "surface.json";
pub const CHANGELOG_FILE: &str = "CHANGELOG.md";

/// What a generated crate records in [`SURFACE_FILE`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// How the fingerprints are computed ([`listing::FINGERPRINT_FORMAT`]): fingerprints of
    /// another format cannot be compared.
    #[serde(default)]
    pub fingerprint_format: String,
    /// Item key -> fingerprint of the crate's public Rust API.
    pub rust_api: BTreeMap<String, String>,
    /// The API surface of the document.
    pub discovery: Surface,
}

/// What the previous generation left in the output directory.
#[derive(Debug, Clone, Default)]
pub struct Previous {
    /// `name` of its `Cargo.toml`.
    pub crate_name: Option<String>,
    /// `version` of its `Cargo.toml` (`0.1.0+20261029`).
    pub version: Option<String>,
    pub surface: Option<Surface>,
    /// Fingerprints of its Rust API, when it recorded them.
    pub rust_api: Option<BTreeMap<String, String>>,
    /// The entries of its changelog (everything from the first `## `).
    pub changelog_entries: Option<String>,
}

impl Previous {
    /// Reads the previous generation in `dir`; what is missing or unreadable is `None`.
    pub fn read(dir: &Path) -> Previous {
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).ok();
        let toml = read("Cargo.toml");
        let field = |name: &str| {
            toml.as_deref().and_then(|toml| {
                toml.lines()
                    .find_map(|line| line.strip_prefix(&format!("{name} = \"")))
                    .and_then(|rest| rest.strip_suffix('"'))
                    .map(str::to_string)
            })
        };
        let recorded = read(SURFACE_FILE);
        // Crates generated before the Rust API was recorded hold the surface alone.
        let (surface, rust_api) = match recorded.as_deref() {
            Some(text) => match serde_json::from_str::<Record>(text) {
                Ok(record) => {
                    let comparable = record.fingerprint_format == listing::FINGERPRINT_FORMAT;
                    (
                        Some(record.discovery),
                        comparable.then_some(record.rust_api),
                    )
                }
                Err(_) => (serde_json::from_str::<Surface>(text).ok(), None),
            },
            None => (None, None),
        };
        Previous {
            crate_name: field("name"),
            version: field("version"),
            surface,
            rust_api,
            changelog_entries: read(CHANGELOG_FILE)
                .and_then(|text| text.find("\n## ").map(|at| text[at + 1..].to_string())),
        }
    }
}

/// The next crate version, the changes it follows from, and whether it is a new release (a
/// changelog entry is due).
#[derive(Debug, Clone)]
pub struct Release {
    pub version: String,
    /// What changed in the document (the explanation), when the previous surface is known.
    pub diff: Option<Diff>,
    /// What changed in the Rust API (what decides the version), when the previous generation
    /// recorded it.
    pub api_changes: Option<Comparison>,
    pub is_new: bool,
}

/// The release of the crate whose API is `items`, generated from a document of surface
/// `surface`, after `previous`.
pub fn release(previous: Option<&Previous>, surface: &Surface, items: &[Item]) -> Release {
    let revision = if surface.revision.is_empty() {
        "0"
    } else {
        &surface.revision
    };
    let first = Release {
        version: format!("0.1.0+{revision}"),
        diff: None,
        api_changes: None,
        is_new: true,
    };
    let Some(previous) = previous else {
        return first;
    };
    let Some(version) = &previous.version else {
        return first;
    };
    let core = version.split('+').next().unwrap_or(version);
    let diff = previous
        .surface
        .as_ref()
        .map(|old| Diff::between(old, surface));
    let api_changes = previous
        .rust_api
        .as_ref()
        .map(|old| listing::compare(old, &listing::fingerprints(items), items));
    let (breaking, additive) = match &api_changes {
        Some(changes) => (!changes.breaking.is_empty(), !changes.additive.is_empty()),
        // Generated before the Rust API was recorded: whether code that compiled against it
        // still compiles cannot be known, so the release says it may not.
        None => (true, false),
    };
    let same_revision = previous
        .surface
        .as_ref()
        .is_some_and(|s| s.revision == surface.revision);
    if !breaking && !additive && same_revision {
        return Release {
            version: format!("{core}+{revision}"),
            diff,
            api_changes,
            is_new: previous.changelog_entries.is_none(),
        };
    }
    Release {
        version: format!(
            "{}+{revision}",
            diff::next_version(core, breaking, additive)
        ),
        diff,
        api_changes,
        is_new: true,
    }
}

/// What `generate` would refuse or warn about when writing over `previous`: a crate of another
/// API, or an older revision than the one in place.
pub enum Overwrite {
    /// Writing is fine.
    Fine,
    /// The directory holds another API's crate (its name, the new one's).
    OtherApi(String, String),
    /// The new document is an older revision than the one the crate came from.
    OlderRevision(String, String),
}

/// Whether generating `crate_name` from revision `revision` over `previous` replaces another
/// API's crate or goes back in revision.
pub fn overwrite(previous: &Previous, crate_name: &str, revision: &str) -> Overwrite {
    if let Some(old) = &previous.crate_name {
        if old != crate_name {
            return Overwrite::OtherApi(old.clone(), crate_name.to_string());
        }
    }
    match &previous.surface {
        // Revisions are dates (`20261029`): they compare as numbers.
        Some(old) if numeric(&old.revision) > numeric(revision) => {
            Overwrite::OlderRevision(old.revision.clone(), revision.to_string())
        }
        _ => Overwrite::Fine,
    }
}

fn numeric(revision: &str) -> u64 {
    revision.parse().unwrap_or(0)
}

/// What a generated crate records of itself.
pub fn record(surface: &Surface, items: &[Item]) -> String {
    let record = Record {
        fingerprint_format: listing::FINGERPRINT_FORMAT.to_string(),
        rust_api: listing::fingerprints(items),
        discovery: surface.clone(),
    };
    serde_json::to_string_pretty(&record).expect("a record serializes") + "\n"
}

/// The changelog: a header, then the new entry when there is one, then the earlier entries.
pub fn changelog(
    header: &str,
    crate_name: &str,
    release: &Release,
    previous: Option<&Previous>,
) -> String {
    let mut text = format!(
        "<!-- {header} -->\n\n# Changelog of {crate_name}\n\nEach entry is written by `discogen generate`: the changes to the crate's Rust API, which\ndecide the version, then the changes to the discovery document that explain them.\n"
    );
    let earlier = previous.and_then(|p| p.changelog_entries.clone());
    if release.is_new || earlier.is_none() {
        text.push_str(&format!("\n## {}\n\n", release.version));
        text.push_str(&entry(release));
    }
    if let Some(earlier) = earlier {
        text.push('\n');
        text.push_str(&earlier);
    }
    text
}

/// One changelog entry.
fn entry(release: &Release) -> String {
    let mut text = String::new();
    match (&release.api_changes, &release.diff) {
        (None, None) => return "First generation.\n".to_string(),
        (None, Some(_)) => text.push_str(
            "The previous generation recorded no Rust API this one can compare with, so this \
             release counts as breaking.\n",
        ),
        (Some(changes), _) if changes.is_empty() => {
            text.push_str("No change to the Rust API.\n");
        }
        (Some(changes), _) => {
            text.push_str(&format!(
                "Rust API: {} breaking, {} additive change(s).\n",
                changes.breaking.len(),
                changes.additive.len()
            ));
            for (title, group) in [
                ("Breaking", &changes.breaking),
                ("Additive", &changes.additive),
            ] {
                if !group.is_empty() {
                    text.push_str(&format!("\n### {title}\n\n"));
                    for change in group {
                        text.push_str(&format!("- {change}\n"));
                    }
                }
            }
        }
    }
    if let Some(diff) = &release.diff {
        if !text.is_empty() {
            text.push_str("\n### Why: the discovery document\n\n");
        }
        if diff.is_empty() {
            text.push_str(&format!(
                "Revision {} -> {}: no change to the API.\n",
                diff.old_revision, diff.new_revision
            ));
        } else {
            text.push_str(&diff.markdown());
        }
    }
    text
}
