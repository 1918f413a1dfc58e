//! What the command-line tests share: running the `discogen` binary, scratch directories, the
//! workspace root and its real revisions of Network Connectivity.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `discogen` in `dir`, with no Discovery URL from the environment.
pub fn discogen(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_discogen"))
        .args(args)
        .current_dir(dir)
        .env_remove("DISCOGEN_DISCOVERY_URL")
        .output()
        .expect("run discogen")
}

/// An empty directory of its own for one test of this process.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("discogen-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The real revision `revision` (`20240923`) of the Network Connectivity document.
#[allow(dead_code)]
pub fn revision(revision: &str) -> PathBuf {
    workspace().join(format!(
        "tests/fixtures/revisions/networkconnectivity.v1.{revision}.json"
    ))
}

/// What a command printed, standard output then standard error.
#[allow(dead_code)]
pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}
