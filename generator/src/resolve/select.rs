//! Selection: which resources of the document are generated (all of them by default, or the
//! ones `--resource` names and what lies on the way to them).

use crate::discovery::{self, RestDescription};
use crate::error::Error;

use super::refs::child;
use super::Selection;

/// A resource of the document chosen for generation: with its methods when it was selected (or
/// lies under a selected resource), without them when it is only on the way to one.
pub(super) struct Selected<'d> {
    pub wire: String,
    pub pointer: String,
    pub resource: &'d discovery::Resource,
    pub with_methods: bool,
    pub children: Vec<Selected<'d>>,
}

pub(super) fn select<'d>(
    doc: &'d RestDescription,
    file: &str,
    selection: &Selection,
) -> Result<Vec<Selected<'d>>, Error> {
    fn whole<'d>(wire: &str, pointer: String, resource: &'d discovery::Resource) -> Selected<'d> {
        Selected {
            wire: wire.to_string(),
            children: resource
                .resources
                .iter()
                .map(|(name, nested)| whole(name, child(&pointer, "resources", name), nested))
                .collect(),
            pointer,
            resource,
            with_methods: true,
        }
    }
    if selection.resources.is_empty() {
        return Ok(doc
            .resources
            .iter()
            .map(|(name, r)| whole(name, child("", "resources", name), r))
            .collect());
    }
    let mut roots: Vec<Selected<'d>> = Vec::new();
    for dotted in &selection.resources {
        let mut level = &mut roots;
        let mut resources = &doc.resources;
        let mut pointer = String::new();
        let segments: Vec<&str> = dotted.split('.').collect();
        for (i, segment) in segments.iter().enumerate() {
            pointer.push_str(&child("", "resources", segment));
            let Some(resource) = resources.get(*segment) else {
                let known: Vec<&str> = resources.keys().map(String::as_str).collect();
                return Err(Error::invalid(
                    file,
                    &pointer,
                    format!(
                        "no resource `{}` to generate (`--resource {dotted}`); resources here: {}",
                        segments[..=i].join("."),
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                ));
            };
            let last = i + 1 == segments.len();
            let position = match level.iter().position(|s| s.wire == *segment) {
                Some(p) => p,
                None => {
                    level.push(Selected {
                        wire: segment.to_string(),
                        pointer: pointer.clone(),
                        resource,
                        with_methods: false,
                        children: Vec::new(),
                    });
                    level.len() - 1
                }
            };
            if last {
                level[position] = whole(segment, pointer.clone(), resource);
                break;
            }
            if level[position].with_methods {
                break; // already selected whole, with everything under it
            }
            resources = &resource.resources;
            level = &mut level[position].children;
        }
    }
    sort_selected(&mut roots);
    Ok(roots)
}

fn sort_selected(nodes: &mut [Selected<'_>]) {
    nodes.sort_by(|a, b| a.wire.cmp(&b.wire));
    for node in nodes {
        sort_selected(&mut node.children);
    }
}
