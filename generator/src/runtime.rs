//! How a generated crate depends on discogen-runtime: by path to this workspace's runtime crate
//! (the default when it exists, as for the crates of this repository), by version requirement
//! (for crates generated for use elsewhere), or on a private copy vendored into the crate
//! (`--runtime vendor`, for self-contained output). The generated code is the same in all three.

use std::path::{Path, PathBuf};

/// The runtime crate's sources, held by the generator so that vendoring works from an installed
/// binary too: every file of `runtime/` the crate builds from, listed by the build script.
const RUNTIME_FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/runtime_files.rs"));

/// The requirement on the runtime crate's version that generated crates name (`0.1`), from
/// the runtime's Cargo.toml by the build script.
pub const RUNTIME_VERSION: &str = env!("DISCOGEN_RUNTIME_REQUIREMENT");

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

    /// The runtime crate a crate generated into `out` should depend on by path: that of the
    /// discogen workspace holding `out` (a checkout with `generator/runtime`), so that a
    /// discogen built from one checkout, run in another, does not tie the second checkout's
    /// crates to the first one's runtime; else the one this generator was built from.
    pub fn workspace_crate_for(out: &Path) -> Option<PathBuf> {
        let out = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
        let enclosing = out
            .ancestors()
            .map(|dir| dir.join("generator/runtime"))
            .find(|dir| {
                std::fs::read_to_string(dir.join("Cargo.toml"))
                    .is_ok_and(|toml| toml.contains("name = \"discogen-runtime\""))
            });
        enclosing.or_else(Runtime::workspace_crate)
    }

    /// The default for a crate generated into `out`: a path dependency on the runtime crate of
    /// [`Runtime::workspace_crate_for`] when there is one, else a version requirement.
    pub fn default_for(out: &Path) -> Runtime {
        match Runtime::workspace_crate_for(out) {
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
        self.dependency_with(&[])
    }

    /// The same, with `features` of the runtime enabled.
    pub fn dependency_with(&self, features: &[&str]) -> String {
        let mut keys = match self {
            Runtime::Path(path) => vec![
                format!("path = {}", toml_string(path)),
                format!("version = \"{RUNTIME_VERSION}\""),
            ],
            Runtime::Version(requirement) if features.is_empty() => {
                return toml_string(requirement)
            }
            Runtime::Version(requirement) => {
                vec![format!("version = {}", toml_string(requirement))]
            }
            Runtime::Vendor => vec![format!("path = \"{VENDOR_DIR}\"")],
        };
        if !features.is_empty() {
            let list: Vec<String> = features.iter().map(|f| toml_string(f)).collect();
            keys.push(format!("features = [{}]", list.join(", ")));
        }
        format!("{{ {} }}", keys.join(", "))
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
/// `text` as a quoted TOML string.
fn toml_string(text: &str) -> String {
    format!("\"{}\"", crate::render::toml_escape(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The functions a trait declares in `source` (the runtime file that defines it).
    fn trait_functions(source: &str, name: &str) -> Vec<String> {
        let start = source
            .find(&format!("pub trait {name}"))
            .unwrap_or_else(|| panic!("no trait {name}"));
        let body = &source[start..];
        let end = body.find("\n}").expect("the trait's closing brace");
        body[..end]
            .split("fn ")
            .skip(1)
            .filter_map(|rest| {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                (!name.is_empty()).then_some(name)
            })
            .collect()
    }

    #[test]
    fn builders_leave_every_method_of_the_runtime_s_user_traits_free() {
        let file = |path: &str| {
            RUNTIME_FILES
                .iter()
                .find(|(p, _)| *p == path)
                .unwrap_or_else(|| panic!("no {path}"))
                .1
        };
        let traits = [
            ("src/request.rs", "Request"),
            ("src/paging.rs", "PagedRequest"),
            ("src/lro.rs", "LongRunning"),
            ("src/media.rs", "MediaUploadRequest"),
            ("src/media.rs", "MediaDownloadRequest"),
        ];
        let mut found = Vec::new();
        for (path, name) in traits {
            let functions = trait_functions(file(path), name);
            assert!(!functions.is_empty(), "{name}: no functions found");
            found.extend(functions);
        }
        // What the traits need from a builder, not for users; and the setters of standard
        // parameters, which a method's own parameter of the same wire name may take (it sets
        // the same query parameter).
        let plumbing = ["set_page_token"];
        let standard = ["fields", "quota_user", "pretty_print", "xgafv"];
        let missing: Vec<&String> = found
            .iter()
            .filter(|f| !crate::naming::BUILDER_RESERVED.contains(&f.as_str()))
            .filter(|f| !plumbing.contains(&f.as_str()) && !standard.contains(&f.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "not in naming::BUILDER_RESERVED: {missing:?}"
        );
    }

    #[test]
    fn a_vendored_copy_is_a_whole_crate() {
        let files = Runtime::Vendor.vendored_files();
        let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        for wanted in [
            "Cargo.toml",
            "build.rs",
            "src/lib.rs",
            "src/send.rs",
            "src/testing/mod.rs",
        ] {
            assert!(
                paths.contains(&format!("{VENDOR_DIR}/{wanted}").as_str()),
                "{paths:?}"
            );
        }
        assert!(files.iter().all(|(_, text)| !text.is_empty()));
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

    #[test]
    fn a_crate_generated_in_another_checkout_uses_that_checkouts_runtime() {
        let other = std::env::temp_dir().join(format!("discogen-checkout-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&other);
        std::fs::create_dir_all(other.join("generator/runtime")).unwrap();
        std::fs::write(
            other.join("generator/runtime/Cargo.toml"),
            "[package]\nname = \"discogen-runtime\"\n",
        )
        .unwrap();
        let found = Runtime::workspace_crate_for(&other.join("generated"));
        let default = Runtime::default_for(&other.join("generated"));
        std::fs::remove_dir_all(&other).unwrap();
        assert_eq!(found, Some(other.join("generator/runtime")));
        assert_eq!(default, Runtime::Path("../generator/runtime".into()));
        // Outside any checkout: the runtime this generator was built from.
        assert_eq!(
            Runtime::workspace_crate_for(Path::new("/")),
            Runtime::workspace_crate()
        );
    }
}
