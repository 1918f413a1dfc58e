//! The generated crate's history across regenerations: what the last generation left in the
//! output directory (its version, the API surface it was built from, its changelog), and from
//! that and the new document, the next version and changelog. The same document regenerated
//! gives the same version and changelog, so `check` stays exact.

use std::path::Path;

use crate::diff::{self, Diff};
use crate::surface::Surface;

/// The file that records the API surface a crate was generated from.
pub const SURFACE_FILE: &str = "surface.json";
pub const CHANGELOG_FILE: &str = "CHANGELOG.md";

/// What the previous generation left in the output directory.
#[derive(Debug, Clone, Default)]
pub struct Previous {
    /// `version` of its `Cargo.toml` (`0.1.0+20261029`).
    pub version: Option<String>,
    pub surface: Option<Surface>,
    /// The entries of its changelog (everything from the first `## `).
    pub changelog_entries: Option<String>,
}

impl Previous {
    /// Reads the previous generation in `dir`; what is missing or unreadable is `None`.
    pub fn read(dir: &Path) -> Previous {
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).ok();
        let version = read("Cargo.toml").and_then(|toml| {
            toml.lines()
                .find_map(|line| line.strip_prefix("version = \""))
                .and_then(|rest| rest.strip_suffix('"'))
                .map(str::to_string)
        });
        Previous {
            version,
            surface: read(SURFACE_FILE).and_then(|text| serde_json::from_str(&text).ok()),
            changelog_entries: read(CHANGELOG_FILE)
                .and_then(|text| text.find("\n## ").map(|at| text[at + 1..].to_string())),
        }
    }
}

/// The next crate version, the diff it follows from (when there is a previous surface), and
/// whether it is a new release (a changelog entry is due).
pub struct Release {
    pub version: String,
    pub diff: Option<Diff>,
    pub is_new: bool,
}

pub fn release(previous: Option<&Previous>, surface: &Surface) -> Release {
    let revision = if surface.revision.is_empty() {
        "0"
    } else {
        &surface.revision
    };
    let first = Release {
        version: format!("0.1.0+{revision}"),
        diff: None,
        is_new: true,
    };
    let Some(previous) = previous else {
        return first;
    };
    let Some(version) = &previous.version else {
        return first;
    };
    let core = version.split('+').next().unwrap_or(version);
    let Some(old) = &previous.surface else {
        // Generated before surfaces were recorded: keep its version line, move to this revision.
        return Release {
            version: format!("{core}+{revision}"),
            diff: None,
            is_new: previous.changelog_entries.is_none(),
        };
    };
    let diff = Diff::between(old, surface);
    if diff.is_empty() && old.revision == surface.revision {
        return Release {
            version: format!("{core}+{revision}"),
            diff: Some(diff),
            is_new: previous.changelog_entries.is_none(),
        };
    }
    Release {
        version: format!("{}+{revision}", diff::next_version(core, &diff)),
        diff: Some(diff),
        is_new: true,
    }
}

/// The changelog: a header, then the new entry when there is one, then the earlier entries.
pub fn changelog(
    header: &str,
    crate_name: &str,
    release: &Release,
    previous: Option<&Previous>,
) -> String {
    let mut text = format!(
        "<!-- {header} -->\n\n# Changelog of {crate_name}\n\nEach entry is written by `discogen generate` from the differences between the\ndiscovery document the crate was generated from and the one before.\n"
    );
    let earlier = previous.and_then(|p| p.changelog_entries.clone());
    if release.is_new || earlier.is_none() {
        text.push_str(&format!("\n## {}\n\n", release.version));
        match &release.diff {
            Some(diff) if !diff.is_empty() => text.push_str(&diff.markdown()),
            Some(diff) => text.push_str(&format!(
                "Revision {} -> {}: no change to the API.\n",
                diff.old_revision, diff.new_revision
            )),
            None => text.push_str("First generation.\n"),
        }
    }
    if let Some(earlier) = earlier {
        text.push('\n');
        text.push_str(&earlier);
    }
    text
}
