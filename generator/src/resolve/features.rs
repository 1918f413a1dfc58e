//! Cargo features of the generated crate: one per resource that has methods, compiling that
//! resource's methods and the types only they use, so that a user who needs one resource
//! compiles one resource. Each item has at most one gate: a type reached by one feature's
//! methods is compiled with that feature; a type reached by several (or by the API's own
//! methods) is always compiled; a schema no method reaches is compiled with the `all-types`
//! feature.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::model::{EnumDef, Gate, Method, Resource, RustType, TypeDef};
use crate::naming;

use super::methods::dotted_path;
use super::select::Selected;

/// Feature names by resource path: the last path segment, with as many parent segments as it
/// takes to make it unique and not one of the crate's own features.
pub(super) fn feature_names(selected: &[Selected<'_>]) -> BTreeMap<String, String> {
    fn with_methods(nodes: &[Selected<'_>], out: &mut Vec<String>) {
        for node in nodes {
            if node.with_methods && !node.resource.methods.is_empty() {
                out.push(dotted_path(&node.pointer));
            }
            with_methods(&node.children, out);
        }
    }
    let mut dotted = Vec::new();
    with_methods(selected, &mut dotted);
    let paths: Vec<Vec<&str>> = dotted.iter().map(|p| p.split('.').collect()).collect();
    let mut depth = vec![1usize; paths.len()];
    loop {
        let names: Vec<String> = paths
            .iter()
            .zip(&depth)
            .map(|(segments, &d)| {
                let name = naming::feature_name(&segments[segments.len() - d..]);
                if d == segments.len() && naming::RESERVED_FEATURES.contains(&name.as_str()) {
                    format!("{name}-resource")
                } else {
                    name
                }
            })
            .collect();
        let mut count: HashMap<&str, usize> = HashMap::new();
        for name in &names {
            *count.entry(name).or_default() += 1;
        }
        let mut grew = false;
        for (i, name) in names.iter().enumerate() {
            let clash =
                count[name.as_str()] > 1 || naming::RESERVED_FEATURES.contains(&name.as_str());
            if clash && depth[i] < paths[i].len() {
                depth[i] += 1;
                grew = true;
            }
        }
        if !grew {
            // Full paths are unique, so only equal kebab spellings of different paths
            // (`a_b` and `aB`) can still clash: number them.
            let mut seen = naming::Scope::default();
            return dotted
                .iter()
                .zip(names)
                .map(|(path, name)| (path.clone(), seen.claim(name)))
                .collect();
        }
    }
}

/// Decides the gate of every type and parameter enum from the features whose methods reach
/// it. Returns whether any type is gated by `all_types` (no method reaches it).
pub(super) fn assign_gates(
    resources: &[Resource],
    top_level: &[Method],
    models: &mut [TypeDef],
    param_enums: &mut [EnumDef],
    all_types: &str,
) -> bool {
    let index: HashMap<String, usize> = models
        .iter()
        .enumerate()
        .map(|(i, def)| (def.name().to_string(), i))
        .collect();
    let mut model_reach: Vec<BTreeSet<String>> = vec![BTreeSet::new(); models.len()];
    let mut enum_reach: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // The API's own methods are always compiled, and so is everything they reach: the empty
    // feature stands for them.
    let always = String::new();
    let mut reachers: Vec<(&String, &[Method])> = vec![(&always, top_level)];
    for resource in Resource::all_in(resources) {
        if let Some(feature) = &resource.feature {
            reachers.push((feature, &resource.methods));
        }
    }
    for (feature, methods) in reachers {
        let mut stack: Vec<usize> = Vec::new();
        for method in methods {
            for root in roots(method) {
                match root {
                    RustType::Param(name) => {
                        enum_reach
                            .entry(name.clone())
                            .or_default()
                            .insert(feature.clone());
                    }
                    ty => stack.extend(ty.named().and_then(|name| index.get(name).copied())),
                }
            }
        }
        while let Some(i) = stack.pop() {
            if !model_reach[i].insert(feature.clone()) {
                continue;
            }
            if let TypeDef::Struct(s) = &models[i] {
                stack.extend(
                    s.fields
                        .iter()
                        .filter_map(|f| f.ty.named())
                        .filter_map(|name| index.get(name).copied()),
                );
            }
        }
    }
    let mut any_unreached = false;
    for (def, reach) in models.iter_mut().zip(&model_reach) {
        let (gate, used_by) = gate_of(reach, all_types);
        any_unreached |= reach.is_empty();
        match def {
            TypeDef::Struct(s) => (s.gate, s.used_by) = (gate, used_by),
            TypeDef::Enum(e) => (e.gate, e.used_by) = (gate, used_by),
        }
    }
    for def in param_enums.iter_mut() {
        let reach = enum_reach.remove(&def.name).unwrap_or_default();
        (def.gate, def.used_by) = gate_of(&reach, all_types);
    }
    any_unreached
}

/// The types a method names directly: body, reply, parameters, and what its long-running
/// operation produces and reports.
fn roots(method: &Method) -> Vec<&RustType> {
    let mut roots: Vec<&RustType> = method.request.iter().map(|b| &b.ty).collect();
    roots.extend(&method.response);
    roots.extend(method.params().map(|p| &p.ty));
    if let Some(lro) = &method.long_running {
        roots.push(&lro.result);
        roots.push(&lro.metadata);
    }
    roots
        .into_iter()
        .flat_map(|ty| match ty {
            RustType::Vec(inner) | RustType::Map(inner) => vec![&**inner],
            ty => vec![ty],
        })
        .collect()
}

fn gate_of(reach: &BTreeSet<String>, all_types: &str) -> (Gate, Vec<String>) {
    let used_by: Vec<String> = reach.iter().filter(|f| !f.is_empty()).cloned().collect();
    let gate = match reach.iter().collect::<Vec<_>>().as_slice() {
        [] => Gate::Feature(all_types.to_string()),
        [one] if !one.is_empty() => Gate::Feature((*one).clone()),
        _ => Gate::Always,
    };
    (gate, used_by)
}
