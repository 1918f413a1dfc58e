//! Cargo features of the generated crate: one per resource that has methods, each enabling that
//! resource's methods and exactly the types they reach, so that a user who needs one resource
//! compiles one resource. Decided here, after the model is built; the emitters only spell the
//! `#[cfg]`s out.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::model::{EnumDef, Method, Resource, RustType, TypeDef};
use crate::naming;

/// Gives every resource with methods a feature and every type the features that reach it;
/// returns all features, sorted.
pub fn assign(
    resources: &mut [Resource],
    top_level: &[Method],
    models: &mut [TypeDef],
    param_enums: &mut [EnumDef],
) -> Vec<String> {
    let names = feature_names(resources);
    set_resource_features(resources, &names);

    let index: HashMap<String, usize> = models
        .iter()
        .enumerate()
        .map(|(i, def)| (def.name().to_string(), i))
        .collect();
    let mut model_reach: Vec<BTreeSet<String>> = vec![BTreeSet::new(); models.len()];
    let mut enum_reach: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // Top-level methods are always compiled, and so is everything they reach.
    let always = String::new();
    let mut reachers: Vec<(&String, &[Method])> = vec![(&always, top_level)];
    let resources_list = Resource::all_in(resources);
    for resource in &resources_list {
        if let Some(feature) = &resource.feature {
            reachers.push((feature, &resource.methods));
        }
    }
    for (feature, methods) in reachers {
        let mut stack: Vec<usize> = Vec::new();
        for method in methods {
            let roots = method.request.iter().map(|b| &b.ty).chain(&method.response);
            stack.extend(
                roots
                    .filter_map(named)
                    .filter_map(|name| index.get(name).copied()),
            );
            for param in method.required.iter().chain(&method.optional) {
                if let Some(name) = named(&param.ty) {
                    enum_reach
                        .entry(name.to_string())
                        .or_default()
                        .insert(feature.clone());
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
                        .filter_map(|f| named(&f.ty))
                        .filter_map(|name| index.get(name).copied()),
                );
            }
        }
    }

    let every: Vec<String> = names
        .values()
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let gate = |reach: Option<&BTreeSet<String>>| match reach {
        Some(reach) if !reach.is_empty() && !reach.contains("") && reach.len() < every.len() => {
            Some(reach.iter().cloned().collect())
        }
        _ => None,
    };
    for (def, reach) in models.iter_mut().zip(&model_reach) {
        match def {
            TypeDef::Struct(s) => s.features = gate(Some(reach)),
            TypeDef::Enum(e) => e.features = gate(Some(reach)),
        }
    }
    for def in param_enums.iter_mut() {
        def.features = gate(enum_reach.get(&def.name));
    }
    every
}

/// The name of the generated type a type refers to, through `Vec`, maps and boxes.
fn named(ty: &RustType) -> Option<&str> {
    match ty {
        RustType::Named(name) | RustType::Boxed(name) => Some(name),
        RustType::Vec(inner) | RustType::Map(inner) => named(inner),
        _ => None,
    }
}

/// Feature names by resource path: the last path segment, with as many parent segments as it
/// takes to make it unique and not one of the crate's own features.
fn feature_names(resources: &[Resource]) -> BTreeMap<String, String> {
    let paths: Vec<Vec<&str>> = Resource::all_in(resources)
        .into_iter()
        .filter(|r| !r.methods.is_empty())
        .map(|r| r.path.split('.').collect())
        .collect();
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
            return paths
                .iter()
                .zip(names)
                .map(|(segments, name)| (segments.join("."), seen.claim(name)))
                .collect();
        }
    }
}

fn set_resource_features(resources: &mut [Resource], names: &BTreeMap<String, String>) {
    for resource in resources {
        set_resource_features(&mut resource.children, names);
        resource.feature = names.get(&resource.path).cloned();
        let mut features: BTreeSet<String> = resource.feature.iter().cloned().collect();
        for child in &resource.children {
            features.extend(child.features.iter().cloned());
        }
        resource.features = features.into_iter().collect();
    }
}
