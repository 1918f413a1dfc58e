//! What changed between two API surfaces, each change classified by what it does to users of the
//! generated crate: *breaking* when code that compiled against the old crate may not compile or
//! may behave differently (something removed, a type, verb or path changed, a parameter that
//! became required or stopped being required, which moves it between arguments and setters),
//! *additive* when old code keeps working (something added; enum values added, since enums
//! keep values they do not know). Descriptions are not compared.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::surface::{MethodSurface, ParamSurface, PropertySurface, SchemaSurface, Surface};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Impact {
    Breaking,
    Additive,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Area {
    Resource,
    Method,
    Parameter,
    Schema,
    Property,
    #[serde(rename = "enum value")]
    EnumValue,
    Scope,
}

impl Area {
    fn label(self) -> &'static str {
        match self {
            Area::Resource => "resource",
            Area::Method => "method",
            Area::Parameter => "parameter",
            Area::Schema => "schema",
            Area::Property => "property",
            Area::EnumValue => "enum value",
            Area::Scope => "scope",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    pub impact: Impact,
    pub area: Area,
    /// Where: `projects.locations.operations.list`, `Hub.labels`, `list.pageSize`...
    pub item: String,
    /// What happened, in a few words.
    pub what: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diff {
    pub api: String,
    pub old_revision: String,
    pub new_revision: String,
    pub changes: Vec<Change>,
}

impl Diff {
    pub fn between(old: &Surface, new: &Surface) -> Diff {
        let mut changes = Vec::new();
        let mut push = |impact, area, item: String, what: String| {
            changes.push(Change {
                impact,
                area,
                item,
                what,
            })
        };
        use Impact::{Additive, Breaking};

        for (item, removed) in keys(&old.resources, &new.resources) {
            let methods = count_under(if removed { old } else { new }, &item);
            let what = format!(
                "{} ({methods} methods)",
                if removed { "removed" } else { "added" }
            );
            push(
                if removed { Breaking } else { Additive },
                Area::Resource,
                item,
                what,
            );
        }
        let in_changed_resource = |method: &str, surface: &Surface, other: &Surface| {
            method.rsplit_once('.').is_some_and(|(resource, _)| {
                surface.resources.contains(resource) && !other.resources.contains(resource)
            })
        };
        for (name, method) in &old.methods {
            match new.methods.get(name) {
                None if !in_changed_resource(name, old, new) => {
                    push(Breaking, Area::Method, name.clone(), "removed".into())
                }
                None => {}
                Some(now) => compare_methods(name, method, now, &mut push),
            }
        }
        for name in new.methods.keys() {
            if !old.methods.contains_key(name) && !in_changed_resource(name, new, old) {
                let m = &new.methods[name];
                push(
                    Additive,
                    Area::Method,
                    name.clone(),
                    format!("added ({} {})", m.http_method, m.path),
                );
            }
        }
        for (name, schema) in &old.schemas {
            match new.schemas.get(name) {
                None => push(Breaking, Area::Schema, name.clone(), "removed".into()),
                Some(now) => compare_schemas(name, schema, now, &mut push),
            }
        }
        for name in new.schemas.keys() {
            if !old.schemas.contains_key(name) {
                push(Additive, Area::Schema, name.clone(), "added".into());
            }
        }
        for (scope, removed) in keys(&old.scopes, &new.scopes) {
            let what = if removed { "removed" } else { "added" };
            push(
                if removed { Breaking } else { Additive },
                Area::Scope,
                scope,
                what.into(),
            );
        }
        changes.sort();
        Diff {
            api: format!("{} {}", new.name, new.version),
            old_revision: old.revision.clone(),
            new_revision: new.revision.clone(),
            changes,
        }
    }

    pub fn count(&self, impact: Impact) -> usize {
        self.changes.iter().filter(|c| c.impact == impact).count()
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Grouped by impact, aligned for a terminal.
    pub fn human(&self) -> String {
        let mut out = format!(
            "{}: revision {} -> {}: {} breaking, {} additive\n",
            self.api,
            self.old_revision,
            self.new_revision,
            self.count(Impact::Breaking),
            self.count(Impact::Additive)
        );
        let width = self
            .changes
            .iter()
            .map(|c| c.item.len())
            .max()
            .unwrap_or(0)
            .min(70);
        for (impact, title) in [
            (Impact::Breaking, "Breaking"),
            (Impact::Additive, "Additive"),
        ] {
            let group: Vec<&Change> = self.changes.iter().filter(|c| c.impact == impact).collect();
            if group.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n{title} ({}):", group.len());
            for change in group {
                let _ = writeln!(
                    out,
                    "  {:<10} {:<width$}  {}",
                    change.area.label(),
                    change.item,
                    change.what
                );
            }
        }
        out
    }

    /// For a changelog or a pull-request description.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "`{}` revision {} → {}: {} breaking, {} additive change(s).\n",
            self.api,
            self.old_revision,
            self.new_revision,
            self.count(Impact::Breaking),
            self.count(Impact::Additive)
        );
        for (impact, title) in [
            (Impact::Breaking, "Breaking"),
            (Impact::Additive, "Additive"),
        ] {
            let group: Vec<&Change> = self.changes.iter().filter(|c| c.impact == impact).collect();
            if group.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n**{title}**\n");
            for change in group {
                let _ = writeln!(
                    out,
                    "- {} `{}`: {}",
                    change.area.label(),
                    change.item,
                    markdown_text(&change.what)
                );
            }
        }
        out
    }

    pub fn json(&self) -> String {
        serde_json::to_string_pretty(&serde_json::json!({
            "api": self.api,
            "old_revision": self.old_revision,
            "new_revision": self.new_revision,
            "breaking": self.count(Impact::Breaking),
            "additive": self.count(Impact::Additive),
            "changes": self.changes,
        }))
        .expect("a diff serializes")
            + "\n"
    }
}

/// Text for Markdown: as it is, or as code when it holds what Markdown would read as markup
/// (`map<string>` would be an HTML tag, `a_b_c` emphasis).
fn markdown_text(text: &str) -> String {
    if text.contains(['<', '>', '*', '_', '[', '`', '\\']) {
        let fence = if text.contains('`') { "``" } else { "`" };
        format!("{fence}{text}{fence}")
    } else {
        text.to_string()
    }
}

/// Keys in exactly one of two sets: `(key, true)` when only in `old` (removed).
fn keys(old: &BTreeSet<String>, new: &BTreeSet<String>) -> Vec<(String, bool)> {
    let removed = old.difference(new).map(|k| (k.clone(), true));
    let added = new.difference(old).map(|k| (k.clone(), false));
    removed.chain(added).collect()
}

fn count_under(surface: &Surface, resource: &str) -> usize {
    let prefix = format!("{resource}.");
    surface
        .methods
        .keys()
        .filter(|m| m.starts_with(&prefix))
        .count()
}

fn compare_methods(
    name: &str,
    old: &MethodSurface,
    new: &MethodSurface,
    push: &mut impl FnMut(Impact, Area, String, String),
) {
    use Impact::{Additive, Breaking};
    let mut changed = |what: &str, before: &dyn std::fmt::Debug, after: &dyn std::fmt::Debug| {
        push(
            Breaking,
            Area::Method,
            name.to_string(),
            format!("{what}: {before:?} -> {after:?}"),
        )
    };
    if old.http_method != new.http_method {
        changed("HTTP method", &old.http_method, &new.http_method);
    }
    if old.path != new.path {
        changed("path", &old.path, &new.path);
    }
    if old.request != new.request {
        changed("request body", &old.request, &new.request);
    }
    if old.response != new.response {
        changed("response", &old.response, &new.response);
    }
    if old.media_upload && !new.media_upload {
        changed("media upload", &true, &false);
    }
    if old.media_download && !new.media_download {
        changed("media download", &true, &false);
    }
    if !old.media_upload && new.media_upload {
        push(
            Additive,
            Area::Method,
            name.into(),
            "media upload added".into(),
        );
    }
    if !old.media_download && new.media_download {
        push(
            Additive,
            Area::Method,
            name.into(),
            "media download added".into(),
        );
    }
    for (param, before) in &old.parameters {
        let item = format!("{name}.{param}");
        match new.parameters.get(param) {
            None => push(Breaking, Area::Parameter, item, "removed".into()),
            Some(after) => compare_params(&item, before, after, push),
        }
    }
    for (param, after) in &new.parameters {
        if !old.parameters.contains_key(param) {
            let (impact, what) = if after.required {
                (Breaking, format!("added, required ({})", after.r#type))
            } else {
                (Additive, format!("added, optional ({})", after.r#type))
            };
            push(impact, Area::Parameter, format!("{name}.{param}"), what);
        }
    }
}

fn compare_params(
    item: &str,
    old: &ParamSurface,
    new: &ParamSurface,
    push: &mut impl FnMut(Impact, Area, String, String),
) {
    use Impact::Breaking;
    if old.r#type != new.r#type || old.repeated != new.repeated {
        let spell = |p: &ParamSurface| {
            format!("{}{}", p.r#type, if p.repeated { ", repeated" } else { "" })
        };
        push(
            Breaking,
            Area::Parameter,
            item.into(),
            format!("type: {} -> {}", spell(old), spell(new)),
        );
    }
    if old.location != new.location {
        push(
            Breaking,
            Area::Parameter,
            item.into(),
            format!("moved: {} -> {}", old.location, new.location),
        );
    }
    if old.required != new.required {
        let what = if new.required {
            "became required"
        } else {
            "became optional"
        };
        push(Breaking, Area::Parameter, item.into(), what.into());
    }
    compare_enum_values(item, &old.enum_values, &new.enum_values, push);
}

fn compare_schemas(
    name: &str,
    old: &SchemaSurface,
    new: &SchemaSurface,
    push: &mut impl FnMut(Impact, Area, String, String),
) {
    use Impact::{Additive, Breaking};
    if old.r#type != new.r#type {
        push(
            Breaking,
            Area::Schema,
            name.into(),
            format!("type: {} -> {}", old.r#type, new.r#type),
        );
    }
    compare_enum_values(name, &old.enum_values, &new.enum_values, push);
    for (property, before) in &old.properties {
        let item = format!("{name}.{property}");
        match new.properties.get(property) {
            None => push(Breaking, Area::Property, item, "removed".into()),
            Some(after) => compare_properties(&item, before, after, push),
        }
    }
    for (property, after) in &new.properties {
        if !old.properties.contains_key(property) {
            let what = format!(
                "added ({}{})",
                after.r#type,
                if after.read_only { ", output only" } else { "" }
            );
            push(Additive, Area::Property, format!("{name}.{property}"), what);
        }
    }
}

fn compare_properties(
    item: &str,
    old: &PropertySurface,
    new: &PropertySurface,
    push: &mut impl FnMut(Impact, Area, String, String),
) {
    use Impact::{Additive, Breaking};
    if old.r#type != new.r#type {
        push(
            Breaking,
            Area::Property,
            item.into(),
            format!("type: {} -> {}", old.r#type, new.r#type),
        );
    }
    if old.read_only != new.read_only {
        // Output-only is documentation: the field stays in the struct either way.
        let what = if new.read_only {
            "became output only"
        } else {
            "became writable"
        };
        push(Additive, Area::Property, item.into(), what.into());
    }
    compare_enum_values(item, &old.enum_values, &new.enum_values, push);
}

fn compare_enum_values(
    item: &str,
    old: &[String],
    new: &[String],
    push: &mut impl FnMut(Impact, Area, String, String),
) {
    let old_set: BTreeSet<&String> = old.iter().collect();
    let new_set: BTreeSet<&String> = new.iter().collect();
    for removed in old_set.difference(&new_set) {
        push(
            Impact::Breaking,
            Area::EnumValue,
            format!("{item}: {removed}"),
            "removed".into(),
        );
    }
    for added in new_set.difference(&old_set) {
        push(
            Impact::Additive,
            Area::EnumValue,
            format!("{item}: {added}"),
            "added".into(),
        );
    }
}

/// The semver part of the next crate version, given the previous one and what changed: patch
/// when nothing did, minor for additive changes, major for breaking ones (minor before 1.0,
/// where a minor bump is what signals a breaking change).
pub fn next_version(previous: &str, breaking: bool, additive: bool) -> String {
    let core = previous.split('+').next().unwrap_or(previous);
    let mut numbers = core.split('.').map(|n| n.parse::<u64>().unwrap_or(0));
    let (major, minor, patch) = (
        numbers.next().unwrap_or(0),
        numbers.next().unwrap_or(1),
        numbers.next().unwrap_or(0),
    );
    match (major, breaking, additive) {
        (0, true, _) | (0, false, true) => format!("0.{}.0", minor + 1),
        (_, true, _) => format!("{}.0.0", major + 1),
        (_, false, true) => format!("{major}.{}.0", minor + 1),
        _ => format!("{major}.{minor}.{}", patch + 1),
    }
}

/// Changes grouped by area, for a short summary line (`3 methods, 12 properties`).
pub fn summary(diff: &Diff) -> String {
    let mut by_area: BTreeMap<&str, usize> = BTreeMap::new();
    for change in &diff.changes {
        *by_area.entry(change.area.label()).or_default() += 1;
    }
    by_area
        .iter()
        .map(|(area, n)| format!("{n} {area}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_follow_the_changes() {
        let none = (false, false);
        let additive = (false, true);
        let breaking = (true, true);
        let next_version = |version: &str, (breaking, additive): (bool, bool)| {
            next_version(version, breaking, additive)
        };
        // Before 1.0 a minor bump is the breaking one, and additive changes take one too.
        assert_eq!(next_version("0.3.1", none), "0.3.2");
        assert_eq!(next_version("0.3.1", additive), "0.4.0");
        assert_eq!(next_version("0.3.1", breaking), "0.4.0");
        assert_eq!(next_version("1.4.2", none), "1.4.3");
        assert_eq!(next_version("1.4.2", additive), "1.5.0");
        assert_eq!(next_version("1.4.2", breaking), "2.0.0");
    }
}
