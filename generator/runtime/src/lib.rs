//! The runtime of the crates discogen generates from Google API Discovery documents.
//!
//! A generated crate is mostly data: its models, and per method a request builder with the
//! method's own parameters and a description of the call ([`Method`]). Everything that is the
//! same for every method is here, written once and shared by every generated crate:
//!
//! - one [`Client`] (connection pool, credentials, retry and timeout defaults, user agent,
//!   quota project, universe domain) for every API: bind it to an API with the generated
//!   crate's `Service::new(&client)`;
//! - one [`Error`] type, one [`TokenSource`] trait;
//! - sending, with retries ([`RetryPolicy`]) and per-call options, standard parameters and
//!   extra headers ([`Request`]); paging ([`PagedRequest`]); long-running operations
//!   ([`LongRunning`], [`Poller`]); media ([`MediaUploadRequest`], [`MediaDownloadRequest`]);
//! - Google's JSON wire forms ([`json`]).
//!
//! Everything read from a server (headers, durations, error bodies, page tokens) is parsed
//! without panicking and bounded; values that can never be sent fail before sending.
#![forbid(unsafe_code)]

#[cfg(feature = "adc")]
mod adc;
mod api;
mod attempts;
mod auth;
mod batch;
mod batch_wire;
mod client;
mod download;
mod error;
pub mod json;
mod lro;
mod media;
pub mod method;
mod options;
mod paging;
mod path;
mod ranges;
pub mod request;
mod response;
mod send;
mod source;
#[cfg(feature = "testing")]
pub mod testing;
mod upload;

#[cfg(feature = "adc")]
pub use adc::ApplicationDefaultCredentials;
pub use api::{ApiClient, ApiInfo, DEFAULT_UNIVERSE_DOMAIN};
pub use auth::{EnvToken, StaticToken, TokenFuture, TokenSource};
pub use batch::{Batch, BatchReply, MAX_BATCH_CALLS};
pub use client::{Client, ClientBuilder, DEFAULT_MAX_REPLY_SIZE, UNIVERSE_DOMAIN_VARIABLE};
pub use error::{
    parse_duration, parse_retry_after, DecodeProblem, Error, ErrorDetail, Result, ServiceError,
    Status,
};
pub use json::{Json, RawJson};
pub use lro::{LongRunning, PollPolicy, Poller, Progress, ProgressStream, RawOperation};
pub use media::{Download, MediaDownloadRequest, MediaUploadRequest};
pub use method::{HttpMethod, MediaUpload, Method, Segment};
pub use options::{RequestOptions, RetryPolicy};
pub use paging::{Page, PageItems, PageStream, PagedRequest};
pub use request::{ApiRequest, CallState, Params, Request, Secret, Xgafv};
pub use response::Response;
pub use source::UploadSource;
pub use upload::{
    ResumableSession, ResumableUpload, UploadProgress, CHUNK_GRANULARITY, DEFAULT_CHUNK_SIZE,
};

/// The typed details of Google errors, found in [`ServiceError::details`].
pub mod error_details {
    pub use crate::error::{
        BadRequest, ErrorInfo, FieldViolation, Help, HelpLink, LocalizedMessage, QuotaFailure,
        QuotaViolation, ResourceInfo, RetryInfo,
    };
}

/// The traits that give request builders their methods (`send`, `pages`, `send_and_wait`,
/// `upload`...): `use discogen_runtime::prelude::*;`, or the generated crate's own prelude,
/// which is the same.
pub mod prelude {
    pub use crate::{LongRunning, MediaDownloadRequest, MediaUploadRequest, PagedRequest, Request};
}

/// Bytes, the type of media.
pub use bytes::Bytes;
/// The HTTP client this crate uses, for [`ClientBuilder::http_client`] and the header types of
/// [`Response`].
pub use reqwest;
/// serde, for the code the macros of this crate expand to.
#[doc(hidden)]
pub use serde;
/// serde_json, for the models of generated crates.
pub use serde_json;
