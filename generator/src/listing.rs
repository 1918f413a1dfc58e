//! The review surface: the generated crate's public Rust API, one line per item, produced from
//! the model. Types with their fields, resources with their methods and arguments, setters,
//! the runtime traits each builder implements (with their associated types), enums with their
//! variants, method descriptions (verb and path), cargo features and the feature that gates each
//! item. Docs are not part of it: a line changes only when code that uses the item may have to.
//!
//! Each line is `kind path: signature [gate]`; the part before `: ` is the item's key, so two
//! listings compare item by item (see [`compare`]).

use std::collections::BTreeMap;

use crate::model::*;

/// One public item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// `kind path`, unique in the crate (`fn resources::projects::ProjectsResource::locations`).
    pub key: String,
    /// What code that uses it relies on (`(&self) -> ...LocationsResource`); may be empty.
    pub signature: String,
    /// The cargo feature that compiles it; `None` when it always is.
    pub gate: Option<String>,
}

impl Item {
    /// The listing line.
    pub fn line(&self) -> String {
        let mut line = self.key.clone();
        if !self.signature.is_empty() {
            line.push_str(": ");
            line.push_str(&self.signature);
        }
        if let Some(gate) = &self.gate {
            line.push_str(&format!(" [feature {gate}]"));
        }
        line
    }
}

/// The public API of the crate `api` describes, in a stable order.
pub fn items(api: &Api) -> Vec<Item> {
    let mut out = Listing::default();
    out.crate_items(api);
    for resource in api.all_resources() {
        out.resource(resource);
    }
    for method in &api.methods {
        out.method(&["resources".to_string()], method);
    }
    for def in &api.models {
        match def {
            TypeDef::Struct(s) => out.model(s),
            TypeDef::Enum(e) => out.enumeration("models", e),
        }
    }
    for def in &api.param_enums {
        out.enumeration("params", def);
    }
    out.0
}

/// The listing as text, one line per item.
pub fn text(items: &[Item]) -> String {
    items.iter().map(|i| i.line() + "\n").collect()
}

#[derive(Default)]
struct Listing(Vec<Item>);

impl Listing {
    fn push(&mut self, key: String, signature: String, gate: Option<&str>) {
        self.0.push(Item {
            key,
            signature,
            gate: gate.map(str::to_string),
        });
    }

    fn crate_items(&mut self, api: &Api) {
        for feature in &api.features {
            self.push(
                format!("feature {}", feature.name),
                feature.resource.clone(),
                None,
            );
        }
        if let Some(all_types) = &api.all_types_feature {
            self.push(format!("feature {all_types}"), "every feature".into(), None);
        }
        self.push("feature adc".into(), String::new(), None);
        self.push("static API".into(), "ApiInfo".into(), None);
        if api.root_url.is_some() {
            self.push(
                "fn Service::new".into(),
                "(client: &Client) -> Service".into(),
                None,
            );
        }
        self.push(
            "fn Service::with_base_url".into(),
            "(client: &Client, base_url: impl Into<String>) -> Service".into(),
            None,
        );
        if api.batch_path.is_some() {
            self.push("fn Service::batch".into(), "(&self) -> Batch".into(), None);
        }
        for resource in &api.resources {
            self.push(
                format!("fn Service::{}", bare(&resource.accessor)),
                format!("(&self) -> {}", handle_path(resource)),
                None,
            );
        }
        for method in &api.methods {
            self.method_fn("Service", "resources", method);
        }
        if let Some(poller) = &api.operations_get {
            self.push(
                "fn Service::operation".into(),
                format!(
                    "<R, M>(&self, name: impl Into<String>) -> Poller<R, M> (polls {})",
                    poller.id
                ),
                None,
            );
        }
        let constants = [
            ("ROOT_URL", api.root_url.is_some()),
            ("BASE_URL", api.root_url.is_some()),
            ("SERVICE_PATH", true),
            ("BATCH_PATH", api.batch_path.is_some()),
            ("MTLS_ROOT_URL", api.mtls_root_url.is_some()),
            ("MTLS_BASE_URL", api.mtls_root_url.is_some()),
            ("REVISION", true),
        ];
        for (name, present) in constants {
            if present {
                self.push(format!("const {name}"), "&str".into(), None);
            }
        }
        for scope in &api.scopes {
            self.push(
                format!("const scopes::{}", scope.const_name),
                format!("&str = {:?}", scope.url),
                None,
            );
        }
        for endpoint in &api.endpoints {
            self.push(
                format!("endpoint {}", endpoint.location),
                endpoint.url.clone(),
                None,
            );
        }
    }

    fn resource(&mut self, resource: &Resource) {
        let handle = handle_path(resource);
        self.push(format!("struct {handle}"), String::new(), None);
        let module = module(resource);
        for method in &resource.methods {
            self.method_fn(&handle, &module, method);
        }
        for child in &resource.children {
            self.push(
                format!("fn {handle}::{}", bare(&child.accessor)),
                format!("(&self) -> {}", handle_path(child)),
                None,
            );
        }
        let path: Vec<String> = std::iter::once("resources".to_string())
            .chain(resource.module_path.iter().cloned())
            .collect();
        for method in &resource.methods {
            self.method(&path, method);
        }
    }

    /// The function that starts a request, on its resource handle (or the service).
    fn method_fn(&mut self, owner: &str, module: &str, method: &Method) {
        let mut args: Vec<String> = method
            .required
            .iter()
            .map(|p| format!("{}: {}", bare(&p.field), arg(&p.arg())))
            .collect();
        if let Some(body) = &method.request {
            args.push(format!("{}: {}", bare(&body.arg), ty(&body.ty)));
        }
        let args = std::iter::once("&self".to_string())
            .chain(args)
            .collect::<Vec<_>>()
            .join(", ");
        self.push(
            format!("fn {owner}::{}", bare(&method.fn_name)),
            format!("({args}) -> {module}::{}", method.builder),
            method.feature.as_deref(),
        );
    }

    /// A method's description, builder, setters and trait impls.
    fn method(&mut self, module_path: &[String], method: &Method) {
        let module = module_path.join("::");
        let gate = method.feature.as_deref();
        self.push(
            format!("static {module}::{}", method.static_name),
            format!(
                "Method = {} {}",
                method.http_method.as_str(),
                method.path_template
            ),
            None,
        );
        let builder = format!("{module}::{}", method.builder);
        self.push(format!("struct {builder}"), String::new(), gate);
        for param in &method.optional {
            self.push(
                format!("fn {builder}::{}", bare(&param.field)),
                format!("(self, value: {}) -> Self", arg(&param.arg())),
                gate,
            );
        }
        let reply = method.response.as_ref().map_or("()".to_string(), ty);
        let body = method
            .request
            .as_ref()
            .map_or("()".to_string(), |b| ty(&b.ty));
        self.push(
            format!("impl ApiRequest for {builder}"),
            format!("Reply = {reply}, Body = {body}"),
            gate,
        );
        if method.paging.is_some() {
            self.push(
                format!("impl PagedRequest for {builder}"),
                String::new(),
                gate,
            );
        }
        if let Some(lro) = &method.long_running {
            self.push(
                format!("impl LongRunning for {builder}"),
                format!(
                    "Result = {}, Metadata = {}",
                    ty(&lro.result),
                    ty(&lro.metadata)
                ),
                gate,
            );
        }
        if method.media_upload.is_some() {
            self.push(
                format!("impl MediaUploadRequest for {builder}"),
                String::new(),
                gate,
            );
        }
        if method.media_download {
            self.push(
                format!("impl MediaDownloadRequest for {builder}"),
                String::new(),
                gate,
            );
        }
    }

    fn model(&mut self, def: &StructDef) {
        let gate = def.gate.feature();
        let path = format!("models::{}", def.name);
        self.push(format!("struct {path}"), String::new(), gate);
        for field in &def.fields {
            self.push(
                format!("field {path}::{}", bare(&field.name)),
                format!("Option<{}>", ty(&field.ty)),
                gate,
            );
        }
        self.push(
            format!("field {path}::{}", def.unknown_fields),
            "BTreeMap<String, RawJson>".into(),
            gate,
        );
        if let Some(page) = &def.page {
            let items = page
                .items
                .as_ref()
                .map(|i| format!("Item = {}", ty(&i.item_type)))
                .unwrap_or_default();
            let kind = if page.items.is_some() {
                "PageItems"
            } else {
                "Page"
            };
            self.push(format!("impl {kind} for {path}"), items, gate);
        }
        if let Some(op) = &def.operation {
            self.push(
                format!("fn {path}::into_outcome"),
                format!(
                    "(self) -> Option<Result<{}, {}>>",
                    ty(&op.response_type),
                    ty(&op.error_type)
                ),
                gate,
            );
        }
    }

    fn enumeration(&mut self, module: &str, def: &EnumDef) {
        let gate = def.gate.feature();
        let path = format!("{module}::{}", def.name);
        self.push(format!("enum {path}"), String::new(), gate);
        for variant in &def.variants {
            self.push(
                format!("variant {path}::{}", variant.name),
                format!("{:?}", variant.wire),
                gate,
            );
        }
        self.push(
            format!("variant {path}::{}", def.unknown_variant),
            "(String)".into(),
            gate,
        );
    }
}

/// Two listings compared item by item.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// Items code may use that are gone, or whose signature or gate changed in a way that
    /// can break it.
    pub breaking: Vec<String>,
    /// New items, and items that became available under more features.
    pub additive: Vec<String>,
}

impl Comparison {
    pub fn is_empty(&self) -> bool {
        self.breaking.is_empty() && self.additive.is_empty()
    }
}

/// How `new` differs from `old`, each given as item key -> fingerprint of its signature and
/// gate (see [`fingerprints`]), with the new items' lines to describe them. Anything that can
/// break code that compiled against `old` is breaking: a removed item, a changed signature, a
/// gate that narrowed. New items and a gate lifted (an item compiled with more features) are
/// additive: structs and enums are `#[non_exhaustive]`, so new fields and variants break no one.
pub fn compare(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
    new_items: &[Item],
) -> Comparison {
    let lines: BTreeMap<&str, &Item> = new_items.iter().map(|i| (i.key.as_str(), i)).collect();
    let mut comparison = Comparison::default();
    for (key, fingerprint) in old {
        match new.get(key) {
            None => comparison.breaking.push(format!("removed `{key}`")),
            Some(now) if now == fingerprint => {}
            Some(now) => {
                // `signature:gate` for a gated item, `signature` for one always compiled.
                let signature = |f: &str| f.split(':').next().unwrap_or_default().to_string();
                let lifted = fingerprint.contains(':')
                    && !now.contains(':')
                    && signature(fingerprint) == signature(now);
                let line = lines.get(key.as_str()).map_or(key.clone(), |i| i.line());
                if lifted {
                    comparison
                        .additive
                        .push(format!("now always compiled: `{line}`"));
                } else {
                    comparison.breaking.push(format!("changed: `{line}`"));
                }
            }
        }
    }
    for item in new_items {
        if !old.contains_key(&item.key) {
            comparison.additive.push(format!("added `{}`", item.line()));
        }
    }
    comparison
}

/// The format of [`fingerprints`], recorded beside them.
pub const FINGERPRINT_FORMAT: &str = "fnv1a-64";

/// Item key -> fingerprint: what a generated crate records of its API so that the next
/// generation can compare (the listing itself lives in the review snapshot): a hash of the
/// signature, followed for a gated item by `:` and a hash of its gate, so that a gate lifted is
/// told from a signature changed.
pub fn fingerprints(items: &[Item]) -> BTreeMap<String, String> {
    items
        .iter()
        .map(|i| {
            let signature = short_hash(&i.signature);
            let fingerprint = match &i.gate {
                Some(gate) => format!("{signature}:{}", short_hash(gate)),
                None => signature,
            };
            (i.key.clone(), fingerprint)
        })
        .collect()
}

/// A 64-bit FNV-1a hash in hex: stable across runs, platforms and Rust releases (which std's
/// hasher is not), and cheap for the thousands of items of a large API.
fn short_hash(text: &str) -> String {
    use std::hash::Hasher;
    let mut hasher = fnv::FnvHasher::default();
    hasher.write(text.as_bytes());
    format!("{:016x}", hasher.finish())
}

/// `r#type` -> `type`, as rustdoc shows names.
fn bare(name: &str) -> &str {
    name.trim_start_matches("r#")
}

fn module(resource: &Resource) -> String {
    std::iter::once("resources")
        .chain(resource.module_path.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join("::")
}

fn handle_path(resource: &Resource) -> String {
    format!("{}::{}", module(resource), resource.handle)
}

/// How an argument or setter takes its value.
fn arg(arg: &Arg) -> String {
    match arg {
        Arg::IntoString => "impl Into<String>".into(),
        Arg::IntoStrings => "impl IntoIterator<Item = impl Into<String>>".into(),
        Arg::Iter(inner) => format!("impl IntoIterator<Item = {}>", ty(inner)),
        Arg::Plain(t) => ty(t),
    }
}

/// A type as the listing spells it.
fn ty(t: &RustType) -> String {
    match t {
        RustType::String => "String".into(),
        RustType::Bool => "bool".into(),
        RustType::I32 => "i32".into(),
        RustType::U32 => "u32".into(),
        RustType::I64 => "i64".into(),
        RustType::U64 => "u64".into(),
        RustType::F32 => "f32".into(),
        RustType::F64 => "f64".into(),
        RustType::Bytes => "Vec<u8>".into(),
        RustType::Json => "RawJson".into(),
        RustType::Unit => "()".into(),
        RustType::Vec(inner) => format!("Vec<{}>", ty(inner)),
        RustType::Map(inner) => format!("BTreeMap<String, {}>", ty(inner)),
        RustType::Named(name) => format!("models::{name}"),
        RustType::Boxed(name) => format!("Box<models::{name}>"),
        RustType::Param(name) => format!("params::{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(key: &str, signature: &str, gate: Option<&str>) -> Item {
        Item {
            key: key.into(),
            signature: signature.into(),
            gate: gate.map(Into::into),
        }
    }

    #[test]
    fn what_can_break_code_is_breaking() {
        let old = vec![
            item("fn A::get", "(&self) -> GetCall", Some("a")),
            item("fn A::gone", "(&self)", None),
            item("field models::T::x", "Option<String>", Some("a")),
            item("struct models::U", "", Some("a")),
            item("struct models::W", "", None),
        ];
        let new = vec![
            item("fn A::get", "(&self, x: String) -> GetCall", Some("a")),
            item("field models::T::x", "Option<String>", Some("b")),
            item("struct models::U", "", None),
            item("struct models::W", "", Some("a")),
            item("fn A::list", "(&self) -> ListCall", Some("a")),
        ];
        let comparison = compare(&fingerprints(&old), &fingerprints(&new), &new);
        assert_eq!(
            comparison.breaking,
            [
                "changed: `field models::T::x: Option<String> [feature b]`",
                "changed: `fn A::get: (&self, x: String) -> GetCall [feature a]`",
                "removed `fn A::gone`",
                "changed: `struct models::W [feature a]`",
            ]
        );
        assert_eq!(
            comparison.additive,
            [
                "now always compiled: `struct models::U`",
                "added `fn A::list: (&self) -> ListCall [feature a]`"
            ]
        );
        let same = compare(&fingerprints(&new), &fingerprints(&new), &new);
        assert!(same.is_empty());
    }
}
