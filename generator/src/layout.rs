//! Step 3b: the final layout of the Rust files. prettyplease prints the tokens; rustfmt then lays
//! them out exactly as `cargo fmt` would, so the generated crate is rustfmt-clean whatever the
//! document's names are (the two formatters break long lines differently, and long generated
//! names make long lines). The files are written to a scratch copy of the crate and rustfmt runs
//! once over it, from `src/lib.rs` through every module, as `cargo fmt` does: one process
//! start-up per crate, not per file; the models file, the largest, is formatted meanwhile by a
//! second rustfmt.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
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
    // The largest file is formatted by a second rustfmt, through its standard input, while
    // the first formats the others: the two cores share the work.
    let alone = files
        .iter()
        .position(|(path, source)| path == ALONE && source.len() > 64 * 1024);
    for (i, (path, source)) in files.iter().enumerate() {
        let target = scratch.0.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| failed(path, e.to_string()))?;
        }
        // The first rustfmt reaches the file through its module: it finds it empty.
        let text = if Some(i) == alone {
            ""
        } else {
            source.as_str()
        };
        std::fs::write(&target, text).map_err(|e| failed(path, e.to_string()))?;
    }
    let second = match alone {
        Some(i) => {
            Some(format_through_stdin(&scratch.0, &files[i].1).map_err(|e| failed(ALONE, e))?)
        }
        None => None,
    };
    // `src/lib.rs` reaches every module; anything outside `src/` (a build script) is a root of
    // its own.
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
    let alone_text = match second {
        Some(child) => Some(finish_stdin(child).map_err(|e| failed(ALONE, e))?),
        None => None,
    };
    for (i, (path, source)) in files.iter_mut().enumerate() {
        *source = match (&alone_text, Some(i) == alone) {
            (Some(text), true) => text.clone(),
            _ => std::fs::read_to_string(scratch.0.join(path.as_str()))
                .map_err(|e| failed(path, e.to_string()))?,
        };
    }
    Ok(Layout::Rustfmt)
}

/// The file formatted by a rustfmt of its own.
const ALONE: &str = "src/models.rs";

/// Starts a rustfmt that formats `source` from its standard input (fed by a thread, so that
/// neither side waits on a full pipe).
fn format_through_stdin(
    dir: &Path,
    source: &str,
) -> Result<(Child, std::thread::JoinHandle<()>), String> {
    let mut child = rustfmt_command(dir)
        .stdin(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run rustfmt: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("rustfmt has no standard input")?;
    let source = source.to_string();
    let feeder = std::thread::spawn(move || {
        // A write error shows as rustfmt's own failure below.
        let _ = stdin.write_all(source.as_bytes());
    });
    Ok((child, feeder))
}

/// The output of the rustfmt started by [`format_through_stdin`].
fn finish_stdin((child, feeder): (Child, std::thread::JoinHandle<()>)) -> Result<String, String> {
    let output = child
        .wait_with_output()
        .map_err(|e| format!("cannot run rustfmt: {e}"))?;
    let _ = feeder.join();
    if !output.status.success() {
        return Err(format!(
            "rustfmt refused it: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| format!("rustfmt wrote no UTF-8: {e}"))
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
