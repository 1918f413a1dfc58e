//! `src/resources.rs` and one file per resource under `src/resources/`: resource handles, one
//! request builder per method, and the streams of list methods.

use proc_macro2::TokenStream;
use quote::quote;

use super::{cfg_any, docs, ident, type_tokens, Named};
use crate::model::{
    Api, Location, Method, Param, PathPart, PollerMethod, Resource, RustType, TypeDef,
};

pub fn resource_files(api: &Api) -> Vec<(String, TokenStream)> {
    let mut files = vec![("src/resources.rs".to_string(), root(api))];
    for resource in api.all_resources() {
        let path = format!("src/resources/{}.rs", resource.module_path.join("/"));
        files.push((path, resource_file(api, resource)));
    }
    files
}

fn root(api: &Api) -> TokenStream {
    let doc = docs::own_inner(
        "The API's resources, reached from [`Client`](crate::Client), and the request builders \
         of the API's own methods.",
    );
    let modules = api.resources.iter().map(|r| {
        let gate = cfg_any(&r.features);
        let module = ident(r.module());
        quote!(#gate pub mod #module;)
    });
    let accessors = api
        .resources
        .iter()
        .map(|r| accessor(r, quote!(self.clone())));
    let poller = api.poller.as_ref().map(poller_fn);
    let method_fns = api
        .methods
        .iter()
        .map(|m| method_fn(m, &quote!(self.clone())));
    let imports = (!api.methods.is_empty()).then(|| {
        quote! {
            use crate::runtime::client::ApiRequest;
            use crate::runtime::path::{expand, Part};
        }
    });
    let builders = api
        .methods
        .iter()
        .map(|m| builder(api, m, &TokenStream::new()));
    quote! {
        #doc
        #imports
        #(#modules)*
        impl crate::Client {
            #(#accessors)*
            #(#method_fns)*
            #poller
        }
        #(#builders)*
    }
}

/// `Client::wait_for_operation`: a poller over the API's operations `get` method.
fn poller_fn(poller: &PollerMethod) -> TokenStream {
    let gate = cfg_any(poller.feature.as_slice());
    let doc = docs::own(&format!(
        "Waits for the long-running operation `name` to finish: polls `{}` with growing \
         intervals (see [`PollPolicy`](crate::PollPolicy)) until the operation is done. \
         `.await` the poller for the finished operation, whether it succeeded or failed; its \
         `into_outcome()` tells which.",
        poller.id
    ));
    let accessors = poller.accessors.iter().map(|a| ident(a));
    let get = ident(&poller.fn_name);
    let operation = type_tokens(
        &RustType::Named(poller.operation_type.clone()),
        Named::Models,
    );
    quote! {
        #doc
        #gate
        pub fn wait_for_operation(&self, name: impl Into<String>) -> crate::Poller<#operation> {
            let resource = self #(.#accessors())*;
            let name: String = name.into();
            crate::runtime::poll::Poller::new(
                move || Box::pin(resource.#get(name.clone()).send()),
                #operation::is_done,
            )
        }
    }
}

/// The function on a parent that returns a child resource's handle.
fn accessor(resource: &Resource, client: TokenStream) -> TokenStream {
    let gate = cfg_any(&resource.features);
    let fn_name = ident(&resource.accessor);
    let module = ident(resource.module());
    let handle = ident(&resource.handle);
    let doc = docs::outer(&format!("The `{}` resource.", resource.path));
    quote! {
        #doc
        #gate
        pub fn #fn_name(&self) -> #module::#handle {
            #module::#handle { client: #client }
        }
    }
}

fn resource_file(api: &Api, resource: &Resource) -> TokenStream {
    let doc = docs::inner(&format!(
        "The `{}` resource and its methods.",
        resource.path
    ));
    let handle = ident(&resource.handle);
    let handle_doc = docs::outer(&format!(
        "The `{}` resource: one function per method, each returning a request builder.",
        resource.path
    ));
    let modules = resource.children.iter().map(|r| {
        let gate = cfg_any(&r.features);
        let module = ident(r.module());
        quote!(#gate pub mod #module;)
    });
    let children = resource
        .children
        .iter()
        .map(|child| accessor(child, quote!(self.client.clone())));
    // The module exists for its children's features too; its own methods need its own.
    let own = match &resource.feature {
        Some(feature) if resource.features.len() > 1 => cfg_any(std::slice::from_ref(feature)),
        _ => TokenStream::new(),
    };
    let method_fns = resource.methods.iter().map(|m| {
        let method = method_fn(m, &quote!(self.client.clone()));
        quote!(#own #method)
    });
    let imports = (!resource.methods.is_empty()).then(|| {
        quote! {
            #own
            use crate::runtime::client::ApiRequest;
            #own
            use crate::runtime::path::{expand, Part};
        }
    });
    let builders = resource.methods.iter().map(|m| builder(api, m, &own));
    quote! {
        #doc
        #imports
        #(#modules)*

        #handle_doc
        #[derive(Clone, Debug)]
        pub struct #handle {
            pub(crate) client: crate::Client,
        }

        impl #handle {
            #(#method_fns)*
            #(#children)*
        }

        #(#builders)*
    }
}

/// How a required parameter is taken by the method function (the argument) and stored in the
/// builder (the field initializer).
fn argument(param: &Param) -> (TokenStream, TokenStream) {
    let name = ident(&param.field);
    match &param.ty {
        RustType::String => (
            quote!(#name: impl Into<String>),
            quote!(#name: #name.into()),
        ),
        RustType::Vec(inner) if **inner == RustType::String => (
            quote!(#name: impl IntoIterator<Item = impl Into<String>>),
            quote!(#name: #name.into_iter().map(Into::into).collect()),
        ),
        ty => {
            let ty = type_tokens(ty, Named::Params);
            (quote!(#name: #ty), quote!(#name))
        }
    }
}

/// The function that starts a request; `client` is how it reaches the client from `self`.
fn method_fn(method: &Method, client: &TokenStream) -> TokenStream {
    let fn_name = ident(&method.fn_name);
    let builder = ident(&method.builder);
    let mut notes = vec![format!(
        "`{} {}` ({}).",
        method.http_method.as_str(),
        method.path_template,
        method.id
    )];
    notes.push(if method.idempotent {
        "Idempotent: transient failures are retried by the client's retry policy.".to_string()
    } else {
        "Not idempotent: retried only when a connection could not be opened, unless the call \
         says [`with_idempotency(true)`](crate::RequestOptionsBuilder::with_idempotency)."
            .to_string()
    });
    if !method.scopes.is_empty() {
        notes.push(format!(
            "OAuth scopes: {}.",
            method
                .scopes
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let doc = docs::outer_with_notes(method.description.as_deref(), &notes);
    let (params, inits): (Vec<_>, Vec<_>) = method.required.iter().map(argument).unzip();
    let (body_param, body_init) = match &method.request {
        Some(body) => {
            let arg = ident(&body.arg);
            let ty = type_tokens(&body.ty, Named::Models);
            (Some(quote!(#arg: #ty)), Some(quote!(#arg,)))
        }
        None => (None, None),
    };
    let optional = method.optional.iter().map(|p| {
        let field = ident(&p.field);
        if matches!(p.ty, RustType::Vec(_)) {
            quote!(#field: Vec::new(),)
        } else {
            quote!(#field: None,)
        }
    });
    quote! {
        #doc
        pub fn #fn_name(&self, #(#params,)* #body_param) -> #builder {
            #builder {
                client: #client,
                #(#inits,)*
                #body_init
                #(#optional)*
                standard: Default::default(),
                options: Default::default(),
            }
        }
    }
}

fn builder(api: &Api, method: &Method, gate: &TokenStream) -> TokenStream {
    let builder = ident(&method.builder);
    let doc = docs::own(&format!(
        "A request to `{}`; set optional parameters, then [`send`]({}::send).",
        method.id, method.builder
    ));
    let required_fields = method.required.iter().map(|p| {
        let field = ident(&p.field);
        let ty = type_tokens(&p.ty, Named::Params);
        quote!(#field: #ty,)
    });
    let body_field = method.request.as_ref().map(|body| {
        let arg = ident(&body.arg);
        let ty = type_tokens(&body.ty, Named::Models);
        quote!(#arg: #ty,)
    });
    let optional_fields = method.optional.iter().map(|p| {
        let field = ident(&p.field);
        let ty = type_tokens(&p.ty, Named::Params);
        if matches!(p.ty, RustType::Vec(_)) {
            quote!(#field: #ty,)
        } else {
            quote!(#field: Option<#ty>,)
        }
    });
    let setters = method.optional.iter().map(|p| {
        let field = ident(&p.field);
        setter(p, quote!(self.#field))
    });
    let standard_setters = api
        .standard_params
        .iter()
        .zip(&method.standard_setters)
        .map(|(p, name)| {
            let mut p = p.clone();
            let field = ident(&p.field);
            p.field = name.clone();
            setter(&p, quote!(self.standard.#field))
        });
    let send = send_fn(api, method);
    let wait = send_and_wait_fn(api, method);
    let paging = method.paging.as_ref().map(|paging| {
        let page_type = type_tokens(&RustType::Named(paging.page_type.clone()), Named::Models);
        let token = ident(&paging.page_token_field);
        let items = paging.items.as_ref().map(|items| {
            let item_type = type_tokens(&items.item_type, Named::Models);
            let doc = docs::outer(&format!(
                "Every item of every page (the `{}` of each page), fetching pages as the stream is read.",
                items.field.trim_start_matches("r#")
            ));
            quote! {
                #doc
                pub fn items(self) -> crate::PageStream<#item_type> {
                    crate::runtime::paging::items(self)
                }
            }
        });
        quote! {
            #gate
            impl #builder {
                /// Every page, starting at this request's page token and following
                /// `nextPageToken` until the service returns none.
                pub fn pages(self) -> crate::PageStream<#page_type> {
                    crate::runtime::paging::pages(self)
                }
                #items
            }

            #gate
            impl crate::runtime::paging::PagedCall for #builder {
                type Page = #page_type;
                fn set_page_token(&mut self, token: String) {
                    self.#token = Some(token);
                }
                fn fetch(self) -> crate::runtime::paging::Fetch<Self::Page> {
                    Box::pin(self.send())
                }
            }
        }
    });
    quote! {
        #doc
        #gate
        #[derive(Clone, Debug)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #builder {
            client: crate::Client,
            #(#required_fields)*
            #body_field
            #(#optional_fields)*
            standard: crate::params::StandardParams,
            options: crate::RequestOptions,
        }

        #gate
        impl #builder {
            #(#setters)*
            #(#standard_setters)*
            #send
            #wait
        }

        #gate
        impl crate::RequestOptionsBuilder for #builder {
            fn request_options(&mut self) -> &mut crate::RequestOptions {
                &mut self.options
            }
        }

        #paging
    }
}

/// `send_and_wait` for a method that starts a long-running operation: send, then poll the
/// operation by name through the client's poller until it is done.
fn send_and_wait_fn(api: &Api, method: &Method) -> Option<TokenStream> {
    let poller = api.poller.as_ref()?;
    match &method.response {
        Some(RustType::Named(name)) if *name == poller.operation_type => {}
        _ => return None,
    }
    if method.id == poller.id {
        return None;
    }
    let name_field = api.models.iter().find_map(|def| match def {
        TypeDef::Struct(s) if s.name == poller.operation_type => {
            s.operation.as_ref()?.name_field.clone()
        }
        _ => None,
    })?;
    let name_field = ident(&name_field);
    let operation = type_tokens(
        &RustType::Named(poller.operation_type.clone()),
        Named::Models,
    );
    // The poller's `get` belongs to its own resource's feature.
    let gate = cfg_any(poller.feature.as_slice());
    let doc = docs::own(&format!(
        "Sends the request, then waits for the long-running operation it starts to finish, \
         polling `{}` by `policy` (see [`Client::wait_for_operation`](crate::Client::wait_for_operation)). \
         Returns the finished operation; its `into_outcome()` tells success from failure.",
        poller.id
    ));
    Some(quote! {
        #doc
        #gate
        pub async fn send_and_wait(self, policy: crate::PollPolicy) -> crate::Result<#operation> {
            let client = self.client.clone();
            let operation = self.send().await?;
            if operation.is_done() {
                return Ok(operation);
            }
            let name = operation.#name_field.ok_or_else(|| {
                crate::Error::UnexpectedReply(
                    "the service started an operation without a name to poll it by".to_string(),
                )
            })?;
            client.wait_for_operation(name).with_policy(policy).await
        }
    })
}

/// A setter that stores `param` in `place`.
fn setter(param: &Param, place: TokenStream) -> TokenStream {
    let name = ident(&param.field);
    let mut notes = vec![format!("Sent as the `{}` query parameter.", param.wire)];
    if let Some(default) = &param.default {
        notes.push(format!(
            "The service's default: `{}`.",
            default.replace('`', "'")
        ));
    }
    if param.deprecated {
        notes.push("Deprecated by the service.".to_string());
    }
    let doc = docs::outer_with_notes(param.description.as_deref(), &notes);
    let (arg, value) = match &param.ty {
        RustType::String => (quote!(impl Into<String>), quote!(Some(value.into()))),
        RustType::Vec(inner) if **inner == RustType::String => (
            quote!(impl IntoIterator<Item = impl Into<String>>),
            quote!(value.into_iter().map(Into::into).collect()),
        ),
        RustType::Vec(inner) => {
            let inner = type_tokens(inner, Named::Params);
            (
                quote!(impl IntoIterator<Item = #inner>),
                quote!(value.into_iter().collect()),
            )
        }
        ty => (type_tokens(ty, Named::Params), quote!(Some(value))),
    };
    quote! {
        #doc
        pub fn #name(mut self, value: #arg) -> Self {
            #place = #value;
            self
        }
    }
}

/// `Part`s that expand `path` with the builder's fields.
fn path_parts(method: &Method, path: &[PathPart]) -> Vec<TokenStream> {
    path.iter()
        .map(|part| match part {
            PathPart::Literal(text) => quote!(Part::Literal(#text)),
            PathPart::Variable {
                field,
                wire,
                reserved,
            } => {
                let param = method
                    .required
                    .iter()
                    .find(|p| &p.field == field)
                    .expect("resolve checks path variables");
                let field = ident(field);
                let pattern = match &param.pattern {
                    Some(pattern) => quote!(Some(#pattern)),
                    None => quote!(None),
                };
                let kind = if *reserved {
                    quote!(Reserved)
                } else {
                    quote!(Simple)
                };
                let value = match param.ty {
                    RustType::String => quote!(&self.#field),
                    _ => quote!(&self.#field.to_string()),
                };
                quote!(Part::#kind { name: #wire, value: #value, pattern: #pattern })
            }
        })
        .collect()
}

fn send_fn(api: &Api, method: &Method) -> TokenStream {
    let parts = path_parts(method, &method.path);
    // Required single values start the query; lists and optional values are pushed as set.
    let (leading, pushed): (Vec<&Param>, Vec<&Param>) = method
        .required
        .iter()
        .chain(&method.optional)
        .filter(|p| p.location == Location::Query)
        .partition(|p| p.required && !matches!(p.ty, RustType::Vec(_)));
    let leading: Vec<TokenStream> = leading
        .iter()
        .map(|p| {
            let field = ident(&p.field);
            let wire = &p.wire;
            quote!((#wire, self.#field.to_string()))
        })
        .collect();
    let query_init = if leading.is_empty() {
        quote!(let mut query = Vec::new();)
    } else {
        quote!(let mut query = vec![#(#leading),*];)
    };
    let query_params = pushed.iter().map(|p| {
        let field = ident(&p.field);
        let wire = &p.wire;
        if matches!(p.ty, RustType::Vec(_)) {
            quote! {
                for value in &self.#field {
                    query.push((#wire, value.to_string()));
                }
            }
        } else {
            quote! {
                if let Some(value) = &self.#field {
                    query.push((#wire, value.to_string()));
                }
            }
        }
    });
    let body = match &method.request {
        Some(body) => {
            let arg = ident(&body.arg);
            if api.data_wrapper {
                quote! {
                    let body = crate::runtime::client::DataWrapper { data: &self.#arg };
                    let body = Some(serde_json::to_vec(&body).map_err(crate::Error::Encode)?);
                }
            } else {
                quote!(let body = Some(serde_json::to_vec(&self.#arg).map_err(crate::Error::Encode)?);)
            }
        }
        None => quote!(let body = None;),
    };
    let http_method = ident(method.http_method.as_str());
    let idempotent = method.idempotent;
    let data_wrapper = api.data_wrapper;
    let api_version = match &method.api_version {
        Some(version) => quote!(Some(#version)),
        None => quote!(None),
    };
    let (output, call) = match &method.response {
        Some(response) => {
            let ty = type_tokens(response, Named::Models);
            (ty, quote!(client.execute(request).await))
        }
        None => (
            quote!(()),
            quote! {
                let response = client.execute::<serde::de::IgnoredAny>(request).await?;
                Ok(response.map(|_| ()))
            },
        ),
    };
    let media = media_fns(method, &output);
    let send_body = match &method.response {
        Some(_) => quote!(Ok(self.send_with_response().await?.into_body())),
        None => quote! {
            self.send_with_response().await?;
            Ok(())
        },
    };
    quote! {
        /// Sends the request and returns the service's reply.
        pub async fn send(self) -> crate::Result<#output> {
            #send_body
        }

        /// Sends the request and returns the reply with its HTTP status and headers.
        pub async fn send_with_response(self) -> crate::Result<crate::Response<#output>> {
            let (client, request) = self.into_request()?;
            #call
        }

        #media

        /// The request as it goes on the wire; refuses invalid path values before anything
        /// is sent.
        fn into_request(self) -> crate::Result<(crate::Client, ApiRequest)> {
            let parts = [#(#parts),*];
            let path = expand(&parts)?;
            #query_init
            #(#query_params)*
            self.standard.append_to(&mut query);
            #body
            let request = ApiRequest {
                method: reqwest::Method::#http_method,
                path,
                query,
                body,
                idempotent: #idempotent,
                api_version: #api_version,
                data_wrapper: #data_wrapper,
                upload: None,
                options: self.options,
            };
            Ok((self.client, request))
        }
    }
}

/// `upload` for methods with media upload, `download` for methods with media download.
fn media_fns(method: &Method, output: &TokenStream) -> TokenStream {
    let upload = method.media_upload.as_ref().map(|media| {
        let parts = path_parts(method, &media.path);
        let together = media.multipart && method.request.is_some();
        let mut notes = vec![format!(
            "`{} {}`{}.",
            method.http_method.as_str(),
            media.path_template,
            if together {
                ", the request body and the media together as `multipart/related`"
            } else {
                ""
            }
        )];
        if !media.accept.is_empty() {
            let accept: Vec<String> = media.accept.iter().map(|a| format!("`{a}`")).collect();
            notes.push(format!("Accepted media types: {}.", accept.join(", ")));
        }
        if let Some(max) = &media.max_size {
            notes.push(format!("Largest upload: {max}."));
        }
        let doc = docs::outer_with_notes(
            Some(
                "Sends the request with `data` as its media, of type `mime_type` (such as \
                 `image/png`), through the upload endpoint.",
            ),
            &notes,
        );
        let metadata = if together {
            quote!(request.body.take())
        } else {
            quote!(None)
        };
        quote! {
            #doc
            pub async fn upload(
                self,
                data: impl Into<Vec<u8>>,
                mime_type: impl Into<String>,
            ) -> crate::Result<#output> {
                let upload_parts = [#(#parts),*];
                let upload_path = expand(&upload_parts)?;
                let (client, mut request) = self.into_request()?;
                request.path = upload_path;
                request.upload = Some(crate::runtime::client::Upload {
                    data: data.into(),
                    mime_type: mime_type.into(),
                    metadata: #metadata,
                });
                client.execute(request).await.map(crate::Response::into_body)
            }
        }
    });
    let download = method.media_download.then(|| {
        quote! {
            /// Sends the request for the resource's media (`alt=media`) instead of its JSON
            /// description, and returns the media's bytes with the reply's status and headers
            /// (`Content-Type` says what they are).
            pub async fn download(self) -> crate::Result<crate::Response<Vec<u8>>> {
                let (client, mut request) = self.into_request()?;
                request.query.retain(|(name, _)| *name != "alt");
                request.query.push(("alt", "media".to_string()));
                client.download(request).await
            }

            /// As [`download`](Self::download), but hands back the media to read piece by
            /// piece as it arrives, for media too large to hold at once. Retries and the
            /// attempt timeout cover the wait for the reply's headers; reading takes as long as
            /// it takes.
            pub async fn download_stream(self) -> crate::Result<crate::Download> {
                let (client, mut request) = self.into_request()?;
                request.query.retain(|(name, _)| *name != "alt");
                request.query.push(("alt", "media".to_string()));
                client.download_stream(request).await
            }
        }
    });
    quote!(#upload #download)
}
