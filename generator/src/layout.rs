//! Step 3b: the final layout of the Rust files. prettyplease prints the tokens; rustfmt then lays
//! them out exactly as `cargo fmt` would, so the generated crate is rustfmt-clean whatever the
//! document's names are (the two formatters break long lines differently, and long generated
//! names make long lines). The files are written to a scratch copy of the crate and rustfmt runs
//! once over it, from `src/lib.rs` through every module, as `cargo fmt` does: one process
//! start-up per crate, not per file.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use crate::error::Error;

/// How the files were laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// By rustfmt: the output `cargo fmt --check` accepts.
    Rustfmt,
    /// By prettyplease only, because rustfmt could not be run: valid, but not rustfmt-clean.
    PrettypleaseOnly,
}

/// The rustfmt to run: `$RUSTFMT`, else `rustfmt` on the PATH.
fn rustfmt_command(dir: &Path) -> Command {
    let program = std::env::var_os("RUSTFMT").unwrap_or_else(|| "rustfmt".into());
    let mut command = Command::new(program);
    command
        .args(["--edition", "2021", "--quiet"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .current_dir(dir);
    command
}

/// Lays out every `(path, source)` (paths relative to the crate root) in place with rustfmt;
/// when rustfmt cannot be started, leaves them as they are and says so.
pub fn apply(files: &mut [(String, String)]) -> Result<Layout, Error> {
    // Whether rustfmt can be started is asked once per process, not once per crate.
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    let available = *AVAILABLE.get_or_init(|| {
        rustfmt_command(&std::env::temp_dir())
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if !available {
        return Ok(Layout::PrettypleaseOnly);
    }
    let scratch = Scratch::new();
    let failed = |file: &str, message: String| Error::InvalidOutput {
        file: file.to_string(),
        message,
    };
    for (path, source) in files.iter() {
        let target = scratch.0.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| failed(path, e.to_string()))?;
        }
        std::fs::write(&target, source).map_err(|e| failed(path, e.to_string()))?;
    }
    // `src/lib.rs` reaches every module; anything outside `src/` (the build script) is a root
    // of its own.
    let roots: Vec<&str> = files
        .iter()
        .map(|(path, _)| path.as_str())
        .filter(|path| *path == "src/lib.rs" || !path.starts_with("src/"))
        .collect();
    let output = rustfmt_command(&scratch.0)
        .args(&roots)
        .output()
        .map_err(|e| failed("src/lib.rs", format!("cannot run rustfmt: {e}")))?;
    if !output.status.success() {
        return Err(failed(
            "src/lib.rs",
            format!(
                "rustfmt refused it: {}",
                String::from_utf8_lossy(&output.stderr)
            ),
        ));
    }
    for (path, source) in files.iter_mut() {
        *source = std::fs::read_to_string(scratch.0.join(path.as_str()))
            .map_err(|e| failed(path, e.to_string()))?;
    }
    Ok(Layout::Rustfmt)
}

/// A scratch directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "discogen-layout-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
