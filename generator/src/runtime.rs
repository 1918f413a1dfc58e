//! How a generated crate depends on discogen-runtime: by path to this workspace's runtime crate
//! (the default when it exists, as for the crates of this repository), by version requirement
//! (for crates generated for use elsewhere), or on a private copy vendored into the crate
//! (`--runtime vendor`, for self-contained output). The generated code is the same in all three.

use std::path::{Path, PathBuf};

/// The runtime crate's sources, held by the generator so that vendoring works from an installed
/// binary too. `vendored_files_are_the_runtime_crate` checks that this list is complete.
const RUNTIME_FILES: &[(&str, &str)] = &[
    ("Cargo.toml", include_str!("../runtime/Cargo.toml")),
    ("README.md", include_str!("../runtime/README.md")),
    ("build.rs", include_str!("../runtime/build.rs")),
    ("src/adc.rs", include_str!("../runtime/src/adc.rs")),
    ("src/api.rs", include_str!("../runtime/src/api.rs")),
    ("src/auth.rs", include_str!("../runtime/src/auth.rs")),
    ("src/client.rs", include_str!("../runtime/src/client.rs")),
    ("src/error.rs", include_str!("../runtime/src/error.rs")),
    ("src/json.rs", include_str!("../runtime/src/json.rs")),
    ("src/lib.rs", include_str!("../runtime/src/lib.rs")),
    ("src/lro.rs", include_str!("../runtime/src/lro.rs")),
    ("src/media.rs", include_str!("../runtime/src/media.rs")),
    ("src/method.rs", include_str!("../runtime/src/method.rs")),
    ("src/options.rs", include_str!("../runtime/src/options.rs")),
    ("src/paging.rs", include_str!("../runtime/src/paging.rs")),
    ("src/path.rs", include_str!("../runtime/src/path.rs")),
    ("src/request.rs", include_str!("../runtime/src/request.rs")),
    (
        "src/response.rs",
        include_str!("../runtime/src/response.rs"),
    ),
    ("src/send.rs", include_str!("../runtime/src/send.rs")),
];

/// The runtime crate's version, which a version requirement names.
pub const RUNTIME_VERSION: &str = "0.1";

/// Where the vendored copy goes inside the generated crate.
pub const VENDOR_DIR: &str = "discogen-runtime";

/// How the generated crate gets its runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Runtime {
    /// A path dependency (relative to the generated crate) on the runtime crate.
    Path(String),
    /// A version requirement on the published runtime crate.
    Version(String),
    /// A private copy inside the generated crate.
    Vendor,
}

impl Runtime {
    /// The runtime crate this generator was built from, when its sources are still there.
    pub fn workspace_crate() -> Option<PathBuf> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime");
        dir.join("Cargo.toml").is_file().then_some(dir)
    }

    /// The default for a crate generated into `out`: a path dependency on this workspace's
    /// runtime crate when it exists, else a version requirement.
    pub fn default_for(out: &Path) -> Runtime {
        match Runtime::workspace_crate() {
            Some(runtime) => Runtime::path_from(out, &runtime),
            None => Runtime::Version(RUNTIME_VERSION.to_string()),
        }
    }

    /// A path dependency on `runtime`, written relative to `out` when it can be.
    pub fn path_from(out: &Path, runtime: &Path) -> Runtime {
        let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let (out, runtime) = (absolute(out), absolute(runtime));
        let relative = pathdiff::diff_paths(&runtime, &out).unwrap_or(runtime);
        let text = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        Runtime::Path(text)
    }

    /// The value of the `discogen-runtime` dependency in the generated `Cargo.toml`.
    pub fn dependency(&self) -> String {
        match self {
            Runtime::Path(path) => format!(
                "{{ path = {}, version = \"{RUNTIME_VERSION}\" }}",
                toml_string(path)
            ),
            Runtime::Version(requirement) => toml_string(requirement),
            Runtime::Vendor => format!("{{ path = \"{VENDOR_DIR}\" }}"),
        }
    }

    /// The files of a vendored copy, by path relative to the generated crate.
    pub fn vendored_files(&self) -> Vec<(String, String)> {
        match self {
            Runtime::Vendor => RUNTIME_FILES
                .iter()
                .map(|(path, text)| (format!("{VENDOR_DIR}/{path}"), text.to_string()))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendored_files_are_the_runtime_crate() {
        fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                let relative = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                if path.is_dir() && (relative == "src" || relative.starts_with("src/")) {
                    walk(root, &path, out);
                } else if path.is_file()
                    && (relative.ends_with(".rs")
                        && (relative == "build.rs" || relative.starts_with("src/"))
                        || relative == "Cargo.toml"
                        || relative == "README.md")
                {
                    out.push(relative);
                }
            }
        }
        let root = Runtime::workspace_crate().expect("the runtime crate is in this workspace");
        let mut on_disk = Vec::new();
        walk(&root, &root, &mut on_disk);
        on_disk.sort();
        let held: Vec<&str> = RUNTIME_FILES.iter().map(|(p, _)| *p).collect();
        assert_eq!(
            held, on_disk,
            "RUNTIME_FILES must list every file of the runtime crate"
        );
    }

    #[test]
    fn paths_are_relative_to_the_generated_crate() {
        let runtime = Path::new("/work/x/generator/runtime");
        assert_eq!(
            Runtime::path_from(Path::new("/work/x/generated"), runtime),
            Runtime::Path("../generator/runtime".into())
        );
        assert_eq!(
            Runtime::path_from(Path::new("/work/x/tests/crates/a-v1"), runtime).dependency(),
            "{ path = \"../../../generator/runtime\", version = \"0.1\" }"
        );
        assert_eq!(
            Runtime::Vendor.dependency(),
            "{ path = \"discogen-runtime\" }"
        );
    }
}
