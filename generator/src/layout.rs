//! Step 3b: the final layout of the Rust files. prettyplease prints the tokens; rustfmt then lays
//! them out exactly as `cargo fmt` would, so the generated crate is rustfmt-clean whatever the
//! document's names are (the two formatters break long lines differently, and long generated
//! names make long lines). rustfmt runs on each file through stdin, several at once, with its
//! default settings and the crate's edition.

use std::io::Write;
use std::process::{Child, Command, Stdio};

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
fn rustfmt_command() -> Command {
    let program = std::env::var_os("RUSTFMT").unwrap_or_else(|| "rustfmt".into());
    let mut command = Command::new(program);
    command
        .args(["--edition", "2021", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Away from any project's rustfmt.toml: the crate is formatted with the defaults.
        .current_dir(std::env::temp_dir());
    command
}

/// Lays out every `(path, source)` in place with rustfmt; when rustfmt cannot be started, leaves
/// them as they are and says so.
pub fn apply(files: &mut [(String, String)]) -> Result<Layout, Error> {
    if rustfmt_command().arg("--version").output().is_err() {
        return Ok(Layout::PrettypleaseOnly);
    }
    let parallel = std::thread::available_parallelism().map_or(2, |n| n.get()) * 2;
    for batch in files.chunks_mut(parallel) {
        let children = batch
            .iter()
            .map(|(path, source)| spawn(path, source))
            .collect::<Result<Vec<_>, _>>()?;
        for ((path, source), child) in batch.iter_mut().zip(children) {
            *source = finish(path, child)?;
        }
    }
    Ok(Layout::Rustfmt)
}

fn spawn(path: &str, source: &str) -> Result<Child, Error> {
    let failed = |e: std::io::Error| Error::InvalidOutput {
        file: path.to_string(),
        message: format!("cannot run rustfmt: {e}"),
    };
    let mut child = rustfmt_command().spawn().map_err(failed)?;
    // Write from a thread: a large file could fill the pipe while rustfmt fills stdout.
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let source = source.to_string();
    std::thread::spawn(move || {
        let _ = stdin.write_all(source.as_bytes());
    });
    Ok(child)
}

fn finish(path: &str, child: Child) -> Result<String, Error> {
    let output = child.wait_with_output().map_err(|e| Error::InvalidOutput {
        file: path.to_string(),
        message: format!("rustfmt failed: {e}"),
    })?;
    if !output.status.success() {
        return Err(Error::InvalidOutput {
            file: path.to_string(),
            message: format!(
                "rustfmt refused it: {}",
                String::from_utf8_lossy(&output.stderr)
            ),
        });
    }
    String::from_utf8(output.stdout).map_err(|e| Error::InvalidOutput {
        file: path.to_string(),
        message: format!("rustfmt wrote invalid UTF-8: {e}"),
    })
}
