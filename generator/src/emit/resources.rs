//! `src/resources.rs` and one file per resource under `src/resources/`: resource handles, and per
//! method a `static` description of the call, a request builder with the method's own
//! parameters, and the builder's implementations of the runtime's traits.

use proc_macro2::TokenStream;
use quote::quote;

use super::{cfg, docs, feature_note, ident, type_tokens, From};
use crate::model::{Api, Arg, Location, MediaUpload, Method, Param, PathPart, Resource, RustType};

pub fn resource_files(api: &Api) -> Vec<(String, TokenStream)> {
    let mut files = vec![("src/resources.rs".to_string(), root(api))];
    for resource in api.all_resources() {
        let path = format!("src/resources/{}.rs", resource.module_path.join("/"));
        files.push((path, resource_file(resource)));
    }
    files
}

fn root(api: &Api) -> TokenStream {
    let doc = docs::own_inner(
        "The API's resources, reached from [`Service`](crate::Service), and the request builders \
         of the API's own methods.",
    );
    let modules = api.resources.iter().map(|r| {
        let module = ident(r.module());
        quote!(pub mod #module;)
    });
    let methods = api.methods.iter().map(method_items);
    quote! {
        #doc
        #(#modules)*
        #(#methods)*
    }
}

fn resource_file(resource: &Resource) -> TokenStream {
    let doc = docs::inner(&format!(
        "The `{}` resource and its methods.",
        resource.path
    ));
    let handle = ident(&resource.handle);
    let mut handle_doc = format!(
        "The `{}` resource: one function per method, each returning a request builder.",
        resource.path
    );
    if let Some(feature) = &resource.feature {
        handle_doc.push_str(&format!(
            "\n\nIts methods are compiled with the cargo feature `{feature}`."
        ));
    }
    let handle_doc = docs::outer(&handle_doc);
    let modules = resource.children.iter().map(|r| {
        let module = ident(r.module());
        quote!(pub mod #module;)
    });
    let children = resource
        .children
        .iter()
        .map(|child| accessor(child, quote!()));
    let method_fns = resource
        .methods
        .iter()
        .map(|m| method_fn(m, quote!(self.api), TokenStream::new()));
    let methods = resource.methods.iter().map(method_items);
    quote! {
        #doc
        #(#modules)*

        #handle_doc
        #[derive(Clone, Debug)]
        pub struct #handle {
            pub(crate) api: discogen_runtime::ApiClient,
        }

        impl #handle {
            /// The client bound to the API, for the runtime's own functions.
            pub fn api_client(&self) -> &discogen_runtime::ApiClient {
                &self.api
            }
            #(#method_fns)*
            #(#children)*
        }

        #(#methods)*
    }
}

/// The function on a parent handle (or on `Service`, with `prefix` `resources::`) that returns
/// a child resource's handle.
pub(super) fn accessor(resource: &Resource, prefix: TokenStream) -> TokenStream {
    let fn_name = ident(&resource.accessor);
    let module = ident(resource.module());
    let handle = ident(&resource.handle);
    let doc = docs::outer(&format!("The `{}` resource.", resource.path));
    quote! {
        #doc
        pub fn #fn_name(&self) -> #prefix #module::#handle {
            #prefix #module::#handle { api: self.api.clone() }
        }
    }
}

/// Everything a method adds to its resource's module: its `static`, its builder and the
/// builder's impls.
fn method_items(method: &Method) -> TokenStream {
    let description = method_static(method);
    let builder = builder(method);
    quote! { #description #builder }
}

/// How a required parameter is taken by the function that starts a request (the argument) and
/// stored in the builder (the field initializer).
fn argument(param: &Param) -> (TokenStream, TokenStream) {
    let name = ident(&param.field);
    let arg = arg_type(&param.arg());
    let init = match (param.arg(), param.secret) {
        // Taken as it is stored: the field init shorthand.
        (Arg::Plain(_), false) => quote!(#name),
        _ => {
            let value = stored(param, quote!(#name));
            quote!(#name: #value)
        }
    };
    (quote!(#name: #arg), init)
}

/// The type a parameter's value is taken as.
fn arg_type(arg: &Arg) -> TokenStream {
    match arg {
        Arg::IntoString => quote!(impl Into<String>),
        Arg::IntoStrings => quote!(impl IntoIterator<Item = impl Into<String>>),
        Arg::Iter(inner) => {
            let inner = type_tokens(inner, From::Elsewhere);
            quote!(impl IntoIterator<Item = #inner>)
        }
        Arg::Plain(ty) => type_tokens(ty, From::Elsewhere),
    }
}

/// How a taken value `value` is stored in the builder's field.
fn stored(param: &Param, value: TokenStream) -> TokenStream {
    let converted = match param.arg() {
        Arg::IntoString => quote!(#value.into()),
        Arg::IntoStrings => quote!(#value.into_iter().map(Into::into).collect()),
        Arg::Iter(_) => quote!(#value.into_iter().collect()),
        Arg::Plain(_) => value,
    };
    if param.secret {
        quote!(discogen_runtime::Secret(#converted))
    } else {
        converted
    }
}

/// The type of a parameter's field in the builder.
fn field_type(param: &Param) -> TokenStream {
    let ty = type_tokens(&param.ty, From::Elsewhere);
    let ty = if param.secret {
        quote!(discogen_runtime::Secret<#ty>)
    } else {
        ty
    };
    if held_bare(param) {
        ty
    } else {
        quote!(Option<#ty>)
    }
}

/// Whether the builder holds the parameter's value as it is rather than in an `Option`: a
/// required one always has a value, and an optional list is empty when unset.
fn held_bare(param: &Param) -> bool {
    param.required || matches!(param.ty, RustType::Vec(_))
}

/// The doc of the function that starts a request.
fn method_doc(method: &Method) -> TokenStream {
    let mut notes = vec![format!(
        "`{} {}` ({}).",
        method.http_method.as_str(),
        method.path_template,
        method.id
    )];
    notes.push(
        match (&method.request_id, method.http_method.is_idempotent()) {
            (Some(id), _) => format!(
            "Safe to retry: the client sends the same fresh `{id}` with every attempt unless the \
             call sets its own (or says \
             [`without_request_id`](discogen_runtime::Request::without_request_id)), so \
             transient failures are retried."
        ),
            (None, true) => {
                "Idempotent: transient failures are retried by the client's retry policy."
                    .to_string()
            }
            (None, false) => "Not idempotent: retried only when a connection could not be opened, \
             unless the call says \
             [`with_idempotency(true)`](discogen_runtime::Request::with_idempotency)."
                .to_string(),
        },
    );
    if let Some(lro) = &method.long_running {
        notes.push(format!(
            "Starts a long-running operation: \
             [`send_and_wait`](discogen_runtime::LongRunning::send_and_wait) polls it and \
             returns its result, a `{}` ({}); while it runs it reports a `{}` ({}).",
            type_name(&lro.result),
            lro.result_reason,
            type_name(&lro.metadata),
            lro.metadata_reason
        ));
    }
    if let Some(media) = &method.media_upload {
        notes.push(upload_note(method, media));
    }
    if method.media_download {
        notes.push(
            "Returns the resource's media too: \
             [`download`](discogen_runtime::MediaDownloadRequest::download)."
                .to_string(),
        );
    }
    if !method.scopes.is_empty() {
        let scopes: Vec<String> = method.scopes.iter().map(|s| format!("`{s}`")).collect();
        notes.push(format!("OAuth scopes: {}.", scopes.join(", ")));
    }
    if method.deprecated {
        notes.push("Deprecated by the service.".to_string());
    }
    notes.extend(feature_note(method.feature.as_deref()));
    docs::outer_with_notes(method.description.as_deref(), &notes)
}

fn upload_note(method: &Method, media: &MediaUpload) -> String {
    let mut note = format!(
        "Takes media: [`upload`](discogen_runtime::MediaUploadRequest::upload) sends it to \
         `{} {}`",
        method.http_method.as_str(),
        media.path_template
    );
    if media.multipart && method.request.is_some() {
        note.push_str(", after the request body as `multipart/related`");
    }
    note.push('.');
    if media.resumable_path.is_some() {
        note.push_str(" The service also takes resumable uploads.");
    }
    if !media.accept.is_empty() {
        let accept: Vec<String> = media.accept.iter().map(|a| format!("`{a}`")).collect();
        note.push_str(&format!(" Accepted media types: {}.", accept.join(", ")));
    }
    if let Some(max) = &media.max_size {
        note.push_str(&format!(" Largest upload: {max}."));
    }
    note
}

/// A type as docs name it.
fn type_name(ty: &RustType) -> String {
    match ty {
        RustType::Named(name) | RustType::Boxed(name) => name.clone(),
        RustType::Json => "RawJson".to_string(),
        other => format!("{other:?}"),
    }
}

/// The function that starts a request; `api` is how it reaches the API client from `self`, and
/// `module` where the builder is seen from there.
pub(super) fn method_fn(method: &Method, api: TokenStream, module: TokenStream) -> TokenStream {
    let gate = cfg(method.feature.as_deref());
    let fn_name = ident(&method.fn_name);
    let builder = ident(&method.builder);
    let builder = quote!(#module #builder);
    let doc = method_doc(method);
    let (params, inits): (Vec<_>, Vec<_>) = method.required.iter().map(argument).unzip();
    let (body_param, body_init) = match &method.request {
        Some(body) => {
            let arg = ident(&body.arg);
            let ty = type_tokens(&body.ty, From::Elsewhere);
            (Some(quote!(#arg: #ty)), Some(quote!(#arg,)))
        }
        None => (None, None),
    };
    let optional = method.optional.iter().map(|p| {
        let field = ident(&p.field);
        match (held_bare(p), p.secret) {
            (true, true) => quote!(#field: discogen_runtime::Secret(Vec::new()),),
            (true, false) => quote!(#field: Vec::new(),),
            (false, _) => quote!(#field: None,),
        }
    });
    let state = ident(crate::naming::CALL_STATE_FIELD);
    quote! {
        #doc
        #gate
        pub fn #fn_name(&self, #(#params,)* #body_param) -> #builder {
            #builder {
                #state: discogen_runtime::CallState::new(&#api),
                #(#inits,)*
                #body_init
                #(#optional)*
            }
        }
    }
}

/// The `static` that describes a method to the runtime.
fn method_static(method: &Method) -> TokenStream {
    let name = ident(&method.static_name);
    let id = &method.id;
    let verb = ident(method.http_method.variant());
    let path = segments(&method.path);
    let doc = docs::own(&format!(
        "The `{}` method as data: `{} {}`.",
        method.id,
        method.http_method.as_str(),
        method.path_template
    ));
    let query: Vec<&str> = method
        .params()
        .filter(|p| p.location == Location::Query)
        .map(|p| p.wire.as_str())
        .collect();
    let mut chain = TokenStream::new();
    if !query.is_empty() {
        chain.extend(quote!(.query(&[#(#query),*])));
    }
    if let Some(request_id) = &method.request_id {
        chain.extend(quote!(.request_id(#request_id)));
    }
    if let Some(version) = &method.api_version {
        chain.extend(quote!(.api_version(#version)));
    }
    if method.media_download {
        chain.extend(quote!(.download()));
    }
    let upload = method.media_upload.as_ref().map(|media| {
        let upload_name = ident(&media.static_name);
        chain.extend(quote!(.upload(&#upload_name)));
        let path = segments(&media.path);
        let multipart = media.multipart;
        let resumable = match &media.resumable_path {
            Some(path) => {
                let path = segments(path);
                quote!(Some(#path))
            }
            None => quote!(None),
        };
        let accept = &media.accept;
        let max_size = match media.max_bytes {
            Some(bytes) => quote!(Some(#bytes)),
            None => quote!(None),
        };
        quote! {
            #[doc = " How the method uploads media."]
            pub static #upload_name: discogen_runtime::MediaUpload = discogen_runtime::MediaUpload {
                path: #path,
                multipart: #multipart,
                resumable_path: #resumable,
                accept: &[#(#accept),*],
                max_size: #max_size,
            };
        }
    });
    quote! {
        #upload
        #doc
        pub static #name: discogen_runtime::Method = discogen_runtime::Method::new(
            #id,
            discogen_runtime::HttpMethod::#verb,
            #path,
        ) #chain;
    }
}

/// A path template as the runtime's `Segment`s.
fn segments(path: &[PathPart]) -> TokenStream {
    let parts = path.iter().map(|part| match part {
        PathPart::Literal(text) => quote!(discogen_runtime::Segment::Literal(#text)),
        PathPart::Variable {
            wire,
            reserved,
            pattern,
        } => {
            let pattern = match pattern {
                Some(pattern) => quote!(Some(#pattern)),
                None => quote!(None),
            };
            let kind = if *reserved {
                quote!(Reserved)
            } else {
                quote!(Simple)
            };
            quote!(discogen_runtime::Segment::#kind { name: #wire, pattern: #pattern })
        }
    });
    quote!(&[#(#parts),*])
}

fn builder(method: &Method) -> TokenStream {
    let gate = cfg(method.feature.as_deref());
    let builder = ident(&method.builder);
    let static_name = ident(&method.static_name);
    let mut doc = format!(
        "A request to `{}`: set optional parameters, then send it with \
         [`Request::send`](discogen_runtime::Request::send) \
         (`use` the crate's `prelude`).",
        method.id
    );
    if let Some(note) = feature_note(method.feature.as_deref()) {
        doc.push_str("\n\n");
        doc.push_str(&note);
    }
    let doc = docs::own(&doc);
    let state = ident(crate::naming::CALL_STATE_FIELD);
    let fields = method.params().map(|p| {
        let field = ident(&p.field);
        let ty = field_type(p);
        quote!(pub(crate) #field: #ty,)
    });
    let body_field = method.request.as_ref().map(|body| {
        let arg = ident(&body.arg);
        let ty = type_tokens(&body.ty, From::Elsewhere);
        quote!(pub(crate) #arg: #ty,)
    });
    let setters = (!method.optional.is_empty()).then(|| {
        let setters = method.optional.iter().map(setter);
        quote! {
            #gate
            impl #builder {
                #(#setters)*
            }
        }
    });
    let reply = method
        .response
        .as_ref()
        .map_or(quote!(()), |ty| type_tokens(ty, From::Elsewhere));
    let (body_type, body_fn) = match &method.request {
        Some(body) => {
            let ty = type_tokens(&body.ty, From::Elsewhere);
            let arg = ident(&body.arg);
            (
                ty.clone(),
                Some(quote! {
                    #[inline]
                    fn body(&self) -> Option<&#ty> {
                        Some(&self.#arg)
                    }
                }),
            )
        }
        None => (quote!(()), None),
    };
    let params = method.params().map(|p| {
        let field = ident(&p.field);
        let wire = &p.wire;
        match p.location {
            Location::Path => quote!(params.path(#wire, &self.#field);),
            Location::Query => quote!(params.query(#wire, &self.#field);),
        }
    });
    let params_fn = (method.params().next().is_some()).then(|| {
        quote! {
            #[inline]
            fn params<'a>(&'a self, params: &mut discogen_runtime::Params<'a>) {
                #(#params)*
            }
        }
    });
    let paging = method.paging.as_ref().map(|paging| {
        let token = ident(&paging.page_token_field);
        quote! {
            #gate
            impl discogen_runtime::PagedRequest for #builder {
                #[inline]
                fn set_page_token(&mut self, token: String) {
                    self.#token = Some(token);
                }
            }
        }
    });
    let long_running = method.long_running.as_ref().map(|lro| {
        let result = type_tokens(&lro.result, From::Elsewhere);
        let metadata = type_tokens(&lro.metadata, From::Elsewhere);
        quote! {
            #gate
            impl discogen_runtime::LongRunning for #builder {
                type Result = #result;
                type Metadata = #metadata;
            }
        }
    });
    let upload = method.media_upload.as_ref().map(|_| {
        quote! {
            #gate
            impl discogen_runtime::MediaUploadRequest for #builder {}
        }
    });
    let download = method.media_download.then(|| {
        quote! {
            #gate
            impl discogen_runtime::MediaDownloadRequest for #builder {}
        }
    });
    quote! {
        #doc
        #gate
        #[derive(Clone, Debug)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #builder {
            pub(crate) #state: discogen_runtime::CallState,
            #(#fields)*
            #body_field
        }

        #setters

        #gate
        impl discogen_runtime::ApiRequest for #builder {
            type Reply = #reply;
            type Body = #body_type;
            const METHOD: &'static discogen_runtime::Method = &#static_name;
            #[inline]
            fn state(&self) -> &discogen_runtime::CallState {
                &self.#state
            }
            #[inline]
            fn state_mut(&mut self) -> &mut discogen_runtime::CallState {
                &mut self.#state
            }
            #params_fn
            #body_fn
        }

        #paging
        #long_running
        #upload
        #download
    }
}

/// A setter of an optional parameter.
fn setter(param: &Param) -> TokenStream {
    let name = ident(&param.field);
    let mut notes = vec![format!("Sent as the `{}` query parameter.", param.wire)];
    if let Some(default) = &param.default {
        notes.push(format!(
            "The service's default: `{}`.",
            default.replace('`', "'")
        ));
    }
    if param.secret {
        notes.push("A credential: never shown in `Debug` output.".to_string());
    }
    if param.deprecated {
        notes.push("Deprecated by the service.".to_string());
    }
    let doc = docs::outer_with_notes(param.description.as_deref(), &notes);
    let arg = arg_type(&param.arg());
    let value = stored(param, quote!(value));
    let value = if held_bare(param) {
        value
    } else {
        quote!(Some(#value))
    };
    quote! {
        #doc
        pub fn #name(mut self, value: #arg) -> Self {
            self.#name = #value;
            self
        }
    }
}
