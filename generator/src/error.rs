//! The generator's one error type. Every variant names the file it is about, and problems inside
//! a document name the JSON pointer of the offending value, so a user can find it.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{file}: cannot read: {source}")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },

    #[error("{file}: cannot read as JSON (line {line}, column {column}): {message}")]
    NotJson {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },

    #[error("{file}: at {pointer}: {message}")]
    Invalid {
        file: String,
        pointer: String,
        message: String,
    },

    #[error("{file}: cannot write: {source}")]
    Write {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("cannot fetch {url}: {message}; {file} was left as it was")]
    Fetch {
        url: String,
        file: String,
        message: String,
    },

    #[error("{file}: generated code is not valid Rust ({message}); this is a bug in discogen")]
    InvalidOutput { file: String, message: String },
}

impl Error {
    pub(crate) fn invalid(file: &str, pointer: &str, message: impl Into<String>) -> Self {
        Error::Invalid {
            file: file.to_string(),
            pointer: pointer.to_string(),
            message: message.into(),
        }
    }
}
