//! A small API written by hand in exactly the shape discogen generates (see the runtime's
//! README): a slice of Network Connectivity v1 with hubs (get, list, create as a long-running
//! operation, delete) and `operations.get`.
#![allow(dead_code, unused_imports)]

pub static API: discogen_runtime::ApiInfo = discogen_runtime::ApiInfo {
    crate_name: "double-api-v1",
    name: "networkconnectivity",
    version: "v1",
    revision: "20261029",
    crate_version: "0.4.0+20261029",
    root_url: Some("https://networkconnectivity.googleapis.com/"),
    mtls_root_url: Some("https://networkconnectivity.mtls.googleapis.com/"),
    service_path: "",
    batch_path: Some("batch"),
    data_wrapper: false,
    operations_get: Some(&resources::projects::locations::operations::GET),
};

pub use discogen_runtime::{Client, Error};

pub mod prelude {
    pub use discogen_runtime::prelude::*;
}

#[derive(Clone, Debug)]
pub struct Service {
    api: discogen_runtime::ApiClient,
}

impl Service {
    pub fn new(client: &Client) -> Service {
        Service {
            api: discogen_runtime::ApiClient::new(client, &API),
        }
    }
    pub fn projects(&self) -> resources::projects::ProjectsResource {
        resources::projects::ProjectsResource {
            api: self.api.clone(),
        }
    }
}

pub mod models {
    #[derive(Clone, Debug, Default, PartialEq)]
    #[non_exhaustive]
    pub struct Hub {
        pub name: Option<String>,
        pub description: Option<String>,
        pub labels: Option<std::collections::BTreeMap<String, String>>,
        pub unknown_fields: std::collections::BTreeMap<String, discogen_runtime::RawJson>,
    }
    discogen_runtime::model!(
        Hub {
            name: "name",
            description: "description",
            labels: "labels",
        },
        unknown_fields
    );

    #[derive(Clone, Debug, Default, PartialEq)]
    #[non_exhaustive]
    pub struct ListHubsResponse {
        pub hubs: Option<Vec<Hub>>,
        pub next_page_token: Option<String>,
        pub unreachable: Option<Vec<String>>,
        pub unknown_fields: std::collections::BTreeMap<String, discogen_runtime::RawJson>,
    }
    discogen_runtime::model!(
        ListHubsResponse {
            hubs: "hubs",
            next_page_token: "nextPageToken",
            unreachable: "unreachable",
        },
        unknown_fields
    );
    discogen_runtime::page!(ListHubsResponse {
        next_page_token,
        hubs: Hub
    });

    #[derive(Clone, Debug, Default, PartialEq)]
    #[non_exhaustive]
    pub struct OperationMetadata {
        pub create_time: Option<String>,
        pub target: Option<String>,
        pub verb: Option<String>,
        pub unknown_fields: std::collections::BTreeMap<String, discogen_runtime::RawJson>,
    }
    discogen_runtime::model!(
        OperationMetadata {
            create_time: "createTime",
            target: "target",
            verb: "verb",
        },
        unknown_fields
    );

    #[derive(Clone, Debug, Default, PartialEq)]
    #[non_exhaustive]
    pub struct GoogleRpcStatus {
        pub code: Option<i32>,
        pub message: Option<String>,
        pub details: Option<Vec<discogen_runtime::serde_json::Value>>,
        pub unknown_fields: std::collections::BTreeMap<String, discogen_runtime::RawJson>,
    }
    discogen_runtime::model!(
        GoogleRpcStatus {
            code: "code",
            message: "message",
            details: "details",
        },
        unknown_fields
    );

    #[derive(Clone, Debug, Default, PartialEq)]
    #[non_exhaustive]
    pub struct GoogleLongrunningOperation {
        pub name: Option<String>,
        pub done: Option<bool>,
        pub error: Option<GoogleRpcStatus>,
        pub metadata: Option<discogen_runtime::serde_json::Value>,
        pub response: Option<discogen_runtime::serde_json::Value>,
        pub unknown_fields: std::collections::BTreeMap<String, discogen_runtime::RawJson>,
    }
    discogen_runtime::model!(
        GoogleLongrunningOperation {
            name: "name",
            done: "done",
            error: "error",
            metadata: "metadata",
            response: "response",
        },
        unknown_fields
    );
    discogen_runtime::operation_model!(GoogleLongrunningOperation {
        done: done,
        error: error: GoogleRpcStatus,
        response: response: discogen_runtime::serde_json::Value
    });

    #[derive(Clone, Debug, Default, PartialEq)]
    #[non_exhaustive]
    pub struct Empty {
        pub unknown_fields: std::collections::BTreeMap<String, discogen_runtime::RawJson>,
    }
    discogen_runtime::model!(Empty {}, unknown_fields);
}

pub mod resources {
    pub mod projects {
        #[derive(Clone, Debug)]
        pub struct ProjectsResource {
            pub(crate) api: discogen_runtime::ApiClient,
        }

        impl ProjectsResource {
            pub fn locations(&self) -> locations::LocationsResource {
                locations::LocationsResource {
                    api: self.api.clone(),
                }
            }
        }

        pub mod locations {
            #[derive(Clone, Debug)]
            pub struct LocationsResource {
                pub(crate) api: discogen_runtime::ApiClient,
            }

            impl LocationsResource {
                pub fn global(&self) -> global::GlobalResource {
                    global::GlobalResource {
                        api: self.api.clone(),
                    }
                }
                pub fn operations(&self) -> operations::OperationsResource {
                    operations::OperationsResource {
                        api: self.api.clone(),
                    }
                }
            }

            pub mod global {
                #[derive(Clone, Debug)]
                pub struct GlobalResource {
                    pub(crate) api: discogen_runtime::ApiClient,
                }

                impl GlobalResource {
                    pub fn hubs(&self) -> hubs::HubsResource {
                        hubs::HubsResource {
                            api: self.api.clone(),
                        }
                    }
                }

                pub mod hubs {
                    use crate::double_api::models::{
                        Empty, GoogleLongrunningOperation, Hub, ListHubsResponse, OperationMetadata,
                    };

                    #[derive(Clone, Debug)]
                    pub struct HubsResource {
                        pub(crate) api: discogen_runtime::ApiClient,
                    }

                    impl HubsResource {
                        /// Gets details about a hub.
                        pub fn get(&self, name: impl Into<String>) -> GetCall {
                            GetCall {
                                state: discogen_runtime::CallState::new(&self.api),
                                name: name.into(),
                            }
                        }
                        /// Lists the hubs of a project.
                        pub fn list(&self, parent: impl Into<String>) -> ListCall {
                            ListCall {
                                state: discogen_runtime::CallState::new(&self.api),
                                parent: parent.into(),
                                filter: None,
                                order_by: None,
                                page_size: None,
                                page_token: None,
                            }
                        }
                        /// Creates a hub: a long-running operation.
                        pub fn create(
                            &self,
                            parent: impl Into<String>,
                            request: Hub,
                        ) -> CreateCall {
                            CreateCall {
                                state: discogen_runtime::CallState::new(&self.api),
                                parent: parent.into(),
                                request,
                                hub_id: None,
                                request_id: None,
                            }
                        }
                        /// Deletes a hub.
                        pub fn delete(&self, name: impl Into<String>) -> DeleteCall {
                            DeleteCall {
                                state: discogen_runtime::CallState::new(&self.api),
                                name: name.into(),
                                request_id: None,
                            }
                        }
                    }

                    pub static GET: discogen_runtime::Method = discogen_runtime::Method::new(
                        "networkconnectivity.projects.locations.global.hubs.get",
                        discogen_runtime::HttpMethod::Get,
                        &[
                            discogen_runtime::Segment::Literal("v1/"),
                            discogen_runtime::Segment::Reserved {
                                name: "name",
                                pattern: Some("^projects/[^/]+/locations/global/hubs/[^/]+$"),
                            },
                        ],
                    );

                    #[derive(Clone, Debug)]
                    pub struct GetCall {
                        state: discogen_runtime::CallState,
                        name: String,
                    }

                    impl discogen_runtime::ApiRequest for GetCall {
                        type Reply = Hub;
                        type Body = ();
                        const METHOD: &'static discogen_runtime::Method = &GET;
                        fn state(&self) -> &discogen_runtime::CallState {
                            &self.state
                        }
                        fn state_mut(&mut self) -> &mut discogen_runtime::CallState {
                            &mut self.state
                        }
                        fn params<'a>(&'a self, params: &mut discogen_runtime::Params<'a>) {
                            params.path("name", &self.name);
                        }
                    }

                    pub static LIST: discogen_runtime::Method = discogen_runtime::Method::new(
                        "networkconnectivity.projects.locations.global.hubs.list",
                        discogen_runtime::HttpMethod::Get,
                        &[
                            discogen_runtime::Segment::Literal("v1/"),
                            discogen_runtime::Segment::Reserved {
                                name: "parent",
                                pattern: Some("^projects/[^/]+/locations/global$"),
                            },
                            discogen_runtime::Segment::Literal("/hubs"),
                        ],
                    )
                    .query(&["filter", "orderBy", "pageSize", "pageToken"]);

                    #[derive(Clone, Debug)]
                    pub struct ListCall {
                        state: discogen_runtime::CallState,
                        parent: String,
                        filter: Option<String>,
                        order_by: Option<String>,
                        page_size: Option<i32>,
                        page_token: Option<String>,
                    }

                    impl ListCall {
                        /// An expression that filters the results. Sent as the `filter` query parameter.
                        pub fn filter(mut self, value: impl Into<String>) -> Self {
                            self.filter = Some(value.into());
                            self
                        }
                        /// Sort the results by a certain order. Sent as the `orderBy` query parameter.
                        pub fn order_by(mut self, value: impl Into<String>) -> Self {
                            self.order_by = Some(value.into());
                            self
                        }
                        /// The maximum number of results per page. Sent as the `pageSize` query parameter.
                        pub fn page_size(mut self, value: i32) -> Self {
                            self.page_size = Some(value);
                            self
                        }
                        /// The page token. Sent as the `pageToken` query parameter.
                        pub fn page_token(mut self, value: impl Into<String>) -> Self {
                            self.page_token = Some(value.into());
                            self
                        }
                    }

                    impl discogen_runtime::ApiRequest for ListCall {
                        type Reply = ListHubsResponse;
                        type Body = ();
                        const METHOD: &'static discogen_runtime::Method = &LIST;
                        fn state(&self) -> &discogen_runtime::CallState {
                            &self.state
                        }
                        fn state_mut(&mut self) -> &mut discogen_runtime::CallState {
                            &mut self.state
                        }
                        fn params<'a>(&'a self, params: &mut discogen_runtime::Params<'a>) {
                            params.path("parent", &self.parent);
                            params.query("filter", &self.filter);
                            params.query("orderBy", &self.order_by);
                            params.query("pageSize", &self.page_size);
                            params.query("pageToken", &self.page_token);
                        }
                    }

                    impl discogen_runtime::PagedRequest for ListCall {
                        fn set_page_token(&mut self, token: String) {
                            self.page_token = Some(token);
                        }
                    }

                    pub static CREATE: discogen_runtime::Method = discogen_runtime::Method::new(
                        "networkconnectivity.projects.locations.global.hubs.create",
                        discogen_runtime::HttpMethod::Post,
                        &[
                            discogen_runtime::Segment::Literal("v1/"),
                            discogen_runtime::Segment::Reserved {
                                name: "parent",
                                pattern: Some("^projects/[^/]+/locations/global$"),
                            },
                            discogen_runtime::Segment::Literal("/hubs"),
                        ],
                    )
                    .query(&["hubId", "requestId"])
                    .request_id("requestId");

                    #[derive(Clone, Debug)]
                    pub struct CreateCall {
                        state: discogen_runtime::CallState,
                        parent: String,
                        request: Hub,
                        hub_id: Option<String>,
                        request_id: Option<String>,
                    }

                    impl CreateCall {
                        /// A unique identifier for the hub. Sent as the `hubId` query parameter.
                        pub fn hub_id(mut self, value: impl Into<String>) -> Self {
                            self.hub_id = Some(value.into());
                            self
                        }
                        /// A request ID to identify requests. Sent as the `requestId` query parameter.
                        pub fn request_id(mut self, value: impl Into<String>) -> Self {
                            self.request_id = Some(value.into());
                            self
                        }
                    }

                    impl discogen_runtime::ApiRequest for CreateCall {
                        type Reply = GoogleLongrunningOperation;
                        type Body = Hub;
                        const METHOD: &'static discogen_runtime::Method = &CREATE;
                        fn state(&self) -> &discogen_runtime::CallState {
                            &self.state
                        }
                        fn state_mut(&mut self) -> &mut discogen_runtime::CallState {
                            &mut self.state
                        }
                        fn params<'a>(&'a self, params: &mut discogen_runtime::Params<'a>) {
                            params.path("parent", &self.parent);
                            params.query("hubId", &self.hub_id);
                            params.query("requestId", &self.request_id);
                        }
                        fn body(&self) -> Option<&Hub> {
                            Some(&self.request)
                        }
                    }

                    impl discogen_runtime::LongRunning for CreateCall {
                        type Result = Hub;
                        type Metadata = OperationMetadata;
                    }

                    pub static DELETE: discogen_runtime::Method = discogen_runtime::Method::new(
                        "networkconnectivity.projects.locations.global.hubs.delete",
                        discogen_runtime::HttpMethod::Delete,
                        &[
                            discogen_runtime::Segment::Literal("v1/"),
                            discogen_runtime::Segment::Reserved {
                                name: "name",
                                pattern: Some("^projects/[^/]+/locations/global/hubs/[^/]+$"),
                            },
                        ],
                    )
                    .query(&["requestId"])
                    .request_id("requestId");

                    #[derive(Clone, Debug)]
                    pub struct DeleteCall {
                        state: discogen_runtime::CallState,
                        name: String,
                        request_id: Option<String>,
                    }

                    impl DeleteCall {
                        /// A request ID to identify requests. Sent as the `requestId` query parameter.
                        pub fn request_id(mut self, value: impl Into<String>) -> Self {
                            self.request_id = Some(value.into());
                            self
                        }
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
                            params.path("name", &self.name);
                            params.query("requestId", &self.request_id);
                        }
                    }
                }
            }

            pub mod operations {
                use crate::double_api::models::GoogleLongrunningOperation;

                #[derive(Clone, Debug)]
                pub struct OperationsResource {
                    pub(crate) api: discogen_runtime::ApiClient,
                }

                impl OperationsResource {
                    /// Gets the latest state of a long-running operation.
                    pub fn get(&self, name: impl Into<String>) -> GetCall {
                        GetCall {
                            state: discogen_runtime::CallState::new(&self.api),
                            name: name.into(),
                        }
                    }
                }

                pub static GET: discogen_runtime::Method = discogen_runtime::Method::new(
                    "networkconnectivity.projects.locations.operations.get",
                    discogen_runtime::HttpMethod::Get,
                    &[
                        discogen_runtime::Segment::Literal("v1/"),
                        discogen_runtime::Segment::Reserved {
                            name: "name",
                            pattern: Some("^projects/[^/]+/locations/[^/]+/operations/[^/]+$"),
                        },
                    ],
                );

                #[derive(Clone, Debug)]
                pub struct GetCall {
                    state: discogen_runtime::CallState,
                    name: String,
                }

                impl discogen_runtime::ApiRequest for GetCall {
                    type Reply = GoogleLongrunningOperation;
                    type Body = ();
                    const METHOD: &'static discogen_runtime::Method = &GET;
                    fn state(&self) -> &discogen_runtime::CallState {
                        &self.state
                    }
                    fn state_mut(&mut self) -> &mut discogen_runtime::CallState {
                        &mut self.state
                    }
                    fn params<'a>(&'a self, params: &mut discogen_runtime::Params<'a>) {
                        params.path("name", &self.name);
                    }
                }
            }
        }
    }
}
