//! Embeds the runtime crate's sources in the generator, for `generate --runtime vendor`: the
//! list of files is read from `runtime/` itself, so a new runtime module is never left out. (Its
//! tests are left out: they are the runtime's own, not its users'.)

use std::path::{Path, PathBuf};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime");
    let mut files = vec![
        PathBuf::from("Cargo.toml"),
        PathBuf::from("README.md"),
        PathBuf::from("build.rs"),
    ];
    collect(&root, Path::new("src"), &mut files);
    // Cargo.toml names an example: a vendored copy needs it to be a valid package.
    collect(&root, Path::new("examples"), &mut files);
    files.sort();
    let entries: String = files
        .iter()
        .map(|relative| {
            let absolute = root.join(relative);
            format!(
                "    ({:?}, include_str!({:?})),\n",
                relative.to_string_lossy().replace('\\', "/"),
                absolute.to_string_lossy()
            )
        })
        .collect();
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("runtime_files.rs"), format!("&[\n{entries}]\n"))
        .expect("OUT_DIR is writable");
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("runtime/Cargo.toml");
    println!(
        "cargo:rustc-env=DISCOGEN_RUNTIME_REQUIREMENT={}",
        requirement(&package_version(&manifest))
    );
    println!("cargo:rerun-if-changed=runtime");
}

/// The `version` of a manifest's `[package]` table.
fn package_version(manifest: &str) -> String {
    let mut in_package = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if let Some(value) = line.strip_prefix("version") {
            if in_package {
                let value = value.trim_start().trim_start_matches('=').trim();
                return value.trim_matches('"').to_string();
            }
        }
    }
    panic!("runtime/Cargo.toml has no [package] version");
}

/// The caret requirement a generated crate names for `version`: `0.1` for 0.1.x (a 0.x minor
/// release may break), `1` for 1.x.
fn requirement(version: &str) -> String {
    let mut parts = version.split('.');
    match (parts.next(), parts.next()) {
        (Some("0"), Some(minor)) => format!("0.{minor}"),
        (Some(major), _) => major.to_string(),
        _ => panic!("runtime/Cargo.toml's version {version:?} is not semver"),
    }
}

/// Every `.rs` file under `root/dir`, by path relative to `root`.
fn collect(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
        return;
    };
    for entry in entries.flatten() {
        let relative = dir.join(entry.file_name());
        let path = root.join(&relative);
        if path.is_dir() {
            collect(root, &relative, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(relative);
        }
    }
}
