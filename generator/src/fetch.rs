//! `discogen fetch`: downloads a discovery document from the Discovery service and replaces the
//! vendored copy only when the download is a valid document of the API asked for. The new file
//! is written beside the old one and renamed over it, so the old file is never half-replaced;
//! any failure (network, HTTP status, not JSON, not a discovery document, another API) leaves
//! it as it was. The provenance table beside it (`README.md`) gets the new revision and sha256.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::discovery;
use crate::error::Error;

/// The Discovery service's root, overridable with `--base-url` or `DISCOGEN_DISCOVERY_URL`.
pub const DEFAULT_BASE_URL: &str = "https://www.googleapis.com";

/// What a fetch did.
#[derive(Debug)]
pub struct Fetched {
    pub url: String,
    pub path: PathBuf,
    pub previous_revision: Option<String>,
    pub revision: String,
    /// The download is byte for byte the file already there.
    pub unchanged: bool,
}

/// The document URL of `api` `version` under `base_url`.
pub fn document_url(base_url: &str, api: &str, version: &str) -> String {
    format!(
        "{}/discovery/v1/apis/{api}/{version}/rest",
        base_url.trim_end_matches('/')
    )
}

/// Downloads `api` `version` and replaces `path` with it.
pub fn fetch(base_url: &str, api: &str, version: &str, path: &Path) -> Result<Fetched, Error> {
    let url = document_url(base_url, api, version);
    let failed = |message: String| Error::Fetch {
        url: url.clone(),
        file: path.display().to_string(),
        message,
    };
    let bytes = download(&url).map_err(failed)?;
    let doc = discovery::parse(&url, &bytes).map_err(|e| failed(e.to_string()))?;
    if doc.name != api || doc.version != version {
        return Err(failed(format!(
            "the document describes {} {}, not {api} {version}",
            doc.name, doc.version
        )));
    }
    let old = std::fs::read(path).ok();
    let previous_revision = old
        .as_deref()
        .and_then(|bytes| discovery::parse("", bytes).ok())
        .map(|d| d.revision);
    let unchanged = old.as_deref() == Some(bytes.as_slice());
    if !unchanged {
        replace(path, &bytes)?;
        record_provenance(path, &doc, &format!("the Discovery service, {url}"), &bytes)?;
    }
    Ok(Fetched {
        url,
        path: path.to_path_buf(),
        previous_revision,
        revision: doc.revision,
        unchanged,
    })
}

fn download(url: &str) -> Result<Vec<u8>, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(60)))
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent.get(url).call().map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_vec()
        .map_err(|e| format!("reading the reply: {e}"))?;
    if !status.is_success() {
        let excerpt: String = String::from_utf8_lossy(&body).chars().take(200).collect();
        return Err(format!("HTTP {status}: {excerpt}"));
    }
    Ok(body)
}

/// Writes `bytes` beside `path`, then renames it over `path`.
fn replace(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let write_error = |source| Error::Write {
        file: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(write_error)?;
    }
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let temporary = path.with_file_name(format!(".{name}.download"));
    std::fs::write(&temporary, bytes).map_err(write_error)?;
    std::fs::rename(&temporary, path).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        write_error(e)
    })
}

/// What `record` wrote.
#[derive(Debug)]
pub struct Recorded {
    pub revision: String,
    pub sha256: String,
}

/// Records the provenance of a document copied into place by hand (from a PyPI package, say):
/// checks that it is a discovery document and writes its row of the provenance table beside
/// it (revision, `source`, sha256), adding the row when there is none.
pub fn record(path: &Path, source: &str) -> Result<Recorded, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::Read {
        file: path.display().to_string(),
        source: e,
    })?;
    let doc = discovery::parse(&path.display().to_string(), &bytes)?;
    record_provenance(path, &doc, source, &bytes)?;
    Ok(Recorded {
        revision: doc.revision,
        sha256: sha256_hex(&bytes),
    })
}

/// Rewrites the document's row of the provenance table in `README.md` beside it (adding it at
/// the end of the table when missing), if there is such a table.
fn record_provenance(
    path: &Path,
    doc: &discovery::RestDescription,
    source: &str,
    bytes: &[u8],
) -> Result<(), Error> {
    let readme = path.with_file_name("README.md");
    let Ok(text) = std::fs::read_to_string(&readme) else {
        return Ok(());
    };
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let prefix = format!("| `{name}` |");
    let source = source.replace('|', "/").replace('\n', " ");
    let row = format!(
        "| `{name}` | {} {} | `{}` | {source} | `{}` |",
        doc.title,
        doc.version,
        doc.revision,
        sha256_hex(bytes)
    );
    let mut found = false;
    let mut lines: Vec<String> = text
        .lines()
        .map(|line| {
            if line.starts_with(&prefix) {
                found = true;
                row.clone()
            } else {
                line.to_string()
            }
        })
        .collect();
    if !found {
        // After the table's last row.
        let Some(last) = lines.iter().rposition(|l| l.starts_with("| `")) else {
            return Ok(());
        };
        lines.insert(last + 1, row);
    }
    lines.push(String::new());
    std::fs::write(&readme, lines.join("\n")).map_err(|source| Error::Write {
        file: readme,
        source,
    })
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
