//! A small API written by hand in exactly the shape discogen generates (see the runtime's
//! README): `files.insert` takes media (simple, multipart and resumable, with a body),
//! `files.get` can download it, and `notes.get`/`notes.create`/`notes.delete` are plain JSON
//! methods to batch. `Service::batch` is the hook a generated crate offers for APIs with a
//! `batchPath`.
#![allow(dead_code)]

use discogen_runtime::{ApiClient, ApiInfo, Client};

pub static API: ApiInfo = ApiInfo {
    crate_name: "media-api-v1",
    name: "mediaapi",
    version: "v1",
    revision: "20260101",
    crate_version: "0.1.0+20260101",
    root_url: Some("https://mediaapi.googleapis.com/"),
    mtls_root_url: None,
    service_path: "mediaapi/v1/",
    batch_path: Some("batch/mediaapi/v1"),
    data_wrapper: false,
    operations_get: None,
};

#[derive(Clone, Debug)]
pub struct Service {
    api: ApiClient,
}

impl Service {
    pub fn new(client: &Client) -> Service {
        Service {
            api: ApiClient::new(client, &API),
        }
    }

    pub fn with_base_url(client: &Client, base_url: impl Into<String>) -> Service {
        Service {
            api: ApiClient::with_base_url(client, &API, base_url),
        }
    }

    pub fn files(&self) -> resources::files::FilesResource {
        resources::files::FilesResource {
            api: self.api.clone(),
        }
    }

    pub fn notes(&self) -> resources::notes::NotesResource {
        resources::notes::NotesResource {
            api: self.api.clone(),
        }
    }

    /// A batch of calls to this API (its document has a `batchPath`).
    pub fn batch(&self) -> discogen_runtime::Batch {
        discogen_runtime::Batch::new(&self.api)
    }
}

pub mod models {
    #[derive(Clone, Debug, Default, PartialEq)]
    #[non_exhaustive]
    pub struct File {
        pub name: Option<String>,
        pub content_type: Option<String>,
        pub size: Option<i64>,
        pub unknown_fields: std::collections::BTreeMap<String, discogen_runtime::RawJson>,
    }
    discogen_runtime::model!(
        File {
            name: "name",
            content_type: "contentType",
            size: "size",
        },
        unknown_fields
    );

    #[derive(Clone, Debug, Default, PartialEq)]
    #[non_exhaustive]
    pub struct Note {
        pub name: Option<String>,
        pub text: Option<String>,
        pub unknown_fields: std::collections::BTreeMap<String, discogen_runtime::RawJson>,
    }
    discogen_runtime::model!(
        Note {
            name: "name",
            text: "text"
        },
        unknown_fields
    );

    #[derive(Clone, Debug, Default, PartialEq)]
    #[non_exhaustive]
    pub struct Empty {
        pub unknown_fields: std::collections::BTreeMap<String, discogen_runtime::RawJson>,
    }
    discogen_runtime::model!(Empty {}, unknown_fields);
}

pub mod resources {
    pub mod files {
        use crate::media_api::models::File;

        #[derive(Clone, Debug)]
        pub struct FilesResource {
            pub(crate) api: discogen_runtime::ApiClient,
        }

        impl FilesResource {
            pub fn insert(&self, request: File) -> InsertCall {
                InsertCall {
                    state: discogen_runtime::CallState::new(&self.api),
                    request,
                }
            }

            pub fn get(&self, file_id: impl Into<String>) -> GetCall {
                GetCall {
                    state: discogen_runtime::CallState::new(&self.api),
                    file_id: file_id.into(),
                }
            }
        }

        pub static INSERT_UPLOAD: discogen_runtime::MediaUpload = discogen_runtime::MediaUpload {
            path: &[discogen_runtime::Segment::Literal(
                "upload/mediaapi/v1/files",
            )],
            multipart: true,
            resumable_path: Some(&[discogen_runtime::Segment::Literal(
                "upload/mediaapi/v1/files",
            )]),
            accept: &["*/*"],
            max_size: Some(1 << 40),
        };

        pub static INSERT: discogen_runtime::Method = discogen_runtime::Method::new(
            "mediaapi.files.insert",
            discogen_runtime::HttpMethod::Post,
            &[discogen_runtime::Segment::Literal("files")],
        )
        .upload(&INSERT_UPLOAD);

        #[derive(Clone, Debug)]
        pub struct InsertCall {
            state: discogen_runtime::CallState,
            request: File,
        }

        impl discogen_runtime::ApiRequest for InsertCall {
            type Reply = File;
            type Body = File;
            const METHOD: &'static discogen_runtime::Method = &INSERT;
            fn state(&self) -> &discogen_runtime::CallState {
                &self.state
            }
            fn state_mut(&mut self) -> &mut discogen_runtime::CallState {
                &mut self.state
            }
            fn params<'a>(&'a self, _params: &mut discogen_runtime::Params<'a>) {}
            fn body(&self) -> Option<&File> {
                Some(&self.request)
            }
        }

        impl discogen_runtime::MediaUploadRequest for InsertCall {}

        pub static GET: discogen_runtime::Method = discogen_runtime::Method::new(
            "mediaapi.files.get",
            discogen_runtime::HttpMethod::Get,
            &[
                discogen_runtime::Segment::Literal("files/"),
                discogen_runtime::Segment::Simple {
                    name: "fileId",
                    pattern: None,
                },
            ],
        )
        .download();

        #[derive(Clone, Debug)]
        pub struct GetCall {
            state: discogen_runtime::CallState,
            file_id: String,
        }

        impl discogen_runtime::ApiRequest for GetCall {
            type Reply = File;
            type Body = ();
            const METHOD: &'static discogen_runtime::Method = &GET;
            fn state(&self) -> &discogen_runtime::CallState {
                &self.state
            }
            fn state_mut(&mut self) -> &mut discogen_runtime::CallState {
                &mut self.state
            }
            fn params<'a>(&'a self, params: &mut discogen_runtime::Params<'a>) {
                params.path("fileId", &self.file_id);
            }
        }

        impl discogen_runtime::MediaDownloadRequest for GetCall {}
    }

    pub mod notes {
        use crate::media_api::models::{Empty, Note};

        #[derive(Clone, Debug)]
        pub struct NotesResource {
            pub(crate) api: discogen_runtime::ApiClient,
        }

        impl NotesResource {
            pub fn get(&self, note_id: impl Into<String>) -> GetCall {
                GetCall {
                    state: discogen_runtime::CallState::new(&self.api),
                    note_id: note_id.into(),
                }
            }

            pub fn create(&self, request: Note) -> CreateCall {
                CreateCall {
                    state: discogen_runtime::CallState::new(&self.api),
                    request,
                    request_id: None,
                }
            }

            pub fn delete(&self, note_id: impl Into<String>) -> DeleteCall {
                DeleteCall {
                    state: discogen_runtime::CallState::new(&self.api),
                    note_id: note_id.into(),
                }
            }
        }

        pub static GET: discogen_runtime::Method = discogen_runtime::Method::new(
            "mediaapi.notes.get",
            discogen_runtime::HttpMethod::Get,
            &[
                discogen_runtime::Segment::Literal("notes/"),
                discogen_runtime::Segment::Simple {
                    name: "noteId",
                    pattern: None,
                },
            ],
        );

        #[derive(Clone, Debug)]
        pub struct GetCall {
            state: discogen_runtime::CallState,
            note_id: String,
        }

        impl discogen_runtime::ApiRequest for GetCall {
            type Reply = Note;
            type Body = ();
            const METHOD: &'static discogen_runtime::Method = &GET;
            fn state(&self) -> &discogen_runtime::CallState {
                &self.state
            }
            fn state_mut(&mut self) -> &mut discogen_runtime::CallState {
                &mut self.state
            }
            fn params<'a>(&'a self, params: &mut discogen_runtime::Params<'a>) {
                params.path("noteId", &self.note_id);
            }
        }

        pub static CREATE: discogen_runtime::Method = discogen_runtime::Method::new(
            "mediaapi.notes.create",
            discogen_runtime::HttpMethod::Post,
            &[discogen_runtime::Segment::Literal("notes")],
        )
        .query(&["requestId"])
        .request_id("requestId");

        #[derive(Clone, Debug)]
        pub struct CreateCall {
            state: discogen_runtime::CallState,
            request: Note,
            request_id: Option<String>,
        }

        impl CreateCall {
            /// A unique ID that makes a retried create safe. Sent as `requestId`.
            pub fn request_id(mut self, value: impl Into<String>) -> Self {
                self.request_id = Some(value.into());
                self
            }
        }

        impl discogen_runtime::ApiRequest for CreateCall {
            type Reply = Note;
            type Body = Note;
            const METHOD: &'static discogen_runtime::Method = &CREATE;
            fn state(&self) -> &discogen_runtime::CallState {
                &self.state
            }
            fn state_mut(&mut self) -> &mut discogen_runtime::CallState {
                &mut self.state
            }
            fn params<'a>(&'a self, params: &mut discogen_runtime::Params<'a>) {
                params.query("requestId", &self.request_id);
            }
            fn body(&self) -> Option<&Note> {
                Some(&self.request)
            }
        }

        pub static DELETE: discogen_runtime::Method = discogen_runtime::Method::new(
            "mediaapi.notes.delete",
            discogen_runtime::HttpMethod::Delete,
            &[
                discogen_runtime::Segment::Literal("notes/"),
                discogen_runtime::Segment::Simple {
                    name: "noteId",
                    pattern: None,
                },
            ],
        );

        #[derive(Clone, Debug)]
        pub struct DeleteCall {
            state: discogen_runtime::CallState,
            note_id: String,
        }

        impl discogen_runtime::ApiRequest for DeleteCall {
            type Reply = Empty;
            type Body = ();
            const METHOD: &'static discogen_runtime::Method = &DELETE;
            fn state(&self) -> &discogen_runtime::CallState {
                &self.state
            }
            fn state_mut(&mut self) -> &mut discogen_runtime::CallState {
                &mut self.state
            }
            fn params<'a>(&'a self, params: &mut discogen_runtime::Params<'a>) {
                params.path("noteId", &self.note_id);
            }
        }
    }
}
