//! The generator against broken documents: real documents mutated at random (keys dropped,
//! values of the wrong type, `$ref`s dangling or cyclic through aliases, deep nesting, huge
//! strings). Every answer must be either generated code or an error that names the JSON path of
//! the problem; a panic, a hang or a "bug in discogen" error fails the test, printing the seed
//! and the mutation so the case can be replayed.
//!
//! The run is bounded (`MUTATIONS` cases per document, fixed seeds) so it fits in CI;
//! `DISCOGEN_MUTATIONS=5000 cargo test -p discogen --test robustness` runs longer.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use discogen::Error;
use serde_json::{json, Value};

const MUTATIONS: usize = 30;
/// Generous: a case takes milliseconds; only a hang comes near it.
const LIMIT: Duration = Duration::from_secs(60);

fn documents() -> Vec<(String, Value)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut paths = vec![root.join("discovery/networkconnectivity.v1.json")];
    let mut fixtures: Vec<_> = std::fs::read_dir(root.join("tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    fixtures.sort();
    paths.extend(fixtures);
    paths
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (
                name,
                serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap(),
            )
        })
        .collect()
}

/// Every JSON pointer of the document, with the value there.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                pointers(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn parent_and_key(pointer: &str) -> Option<(&str, String)> {
    let (parent, key) = pointer.rsplit_once('/')?;
    Some((parent, key.replace("~1", "/").replace("~0", "~")))
}

/// Applies one random mutation; returns what it did, for the failure message.
fn mutate(doc: &mut Value, rng: &mut fastrand::Rng) -> String {
    let mut all = Vec::new();
    pointers(doc, String::new(), &mut all);
    let target = all[rng.usize(1..all.len())].clone();
    match rng.u8(0..7) {
        0 => {
            let (parent, key) = parent_and_key(&target).unwrap();
            match doc.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.remove(&key);
                }
                Some(Value::Array(items)) => {
                    let i: usize = key.parse().unwrap();
                    items.remove(i);
                }
                _ => {}
            }
            format!("dropped {target}")
        }
        1 => {
            let replacement = match rng.u8(0..6) {
                0 => json!(42),
                1 => json!("text"),
                2 => json!([1, "two", null]),
                3 => json!({"unexpected": true}),
                4 => json!(null),
                _ => json!(false),
            };
            let shown = replacement.to_string();
            *doc.pointer_mut(&target).unwrap() = replacement;
            format!("replaced {target} with {shown}")
        }
        2 => {
            // A `$ref` somewhere that names nothing.
            let refs: Vec<&String> = all.iter().filter(|p| p.ends_with("/$ref")).collect();
            let Some(pointer) = refs.get(rng.usize(0..refs.len().max(1))).cloned().cloned() else {
                return "no $ref to break".to_string();
            };
            *doc.pointer_mut(&pointer).unwrap() = json!("NoSuchSchema");
            format!("dangling {pointer}")
        }
        3 => {
            // Two aliases that refer to each other, used by an existing schema's property.
            let schemas = doc["schemas"].as_object_mut();
            let Some(schemas) = schemas else {
                return "no schemas".to_string();
            };
            schemas.insert("LoopA".into(), json!({"id": "LoopA", "$ref": "LoopB"}));
            schemas.insert(
                "LoopB".into(),
                json!({"id": "LoopB", "type": "array", "items": {"$ref": "LoopA"}}),
            );
            let names: Vec<String> = schemas.keys().cloned().collect();
            let owner = names[rng.usize(0..names.len())].clone();
            schemas[&owner]["properties"]["loop"] = json!({"$ref": "LoopA"});
            format!("alias cycle used from {owner}")
        }
        4 => {
            // Deep nesting of inline objects under one property.
            let depth = rng.usize(20..100);
            let mut schema = json!({"type": "string"});
            for _ in 0..depth {
                schema = json!({"type": "object", "properties": {"inner": schema}});
            }
            let schemas = doc["schemas"].as_object_mut();
            let Some(schemas) = schemas else {
                return "no schemas".to_string();
            };
            schemas.insert(
                "Deep".into(),
                json!({"id": "Deep", "type": "object", "properties": {"d": schema}}),
            );
            let names: Vec<String> = schemas.keys().cloned().collect();
            let owner = names[rng.usize(0..names.len())].clone();
            schemas[&owner]["properties"]["deep"] = json!({"$ref": "Deep"});
            format!("{depth} levels of nesting under {owner}")
        }
        5 => {
            // A huge string in place of a string, or of a name.
            let huge = "x[y]<z> `w` ".repeat(rng.usize(1_000..20_000));
            let value = doc.pointer_mut(&target).unwrap();
            if value.is_string() {
                *value = json!(huge);
                format!("huge string at {target}")
            } else if let Some(map) = value.as_object_mut() {
                if let Some(key) = map.keys().next().cloned() {
                    let moved = map.remove(&key).unwrap();
                    map.insert(format!("{key}{huge}"), moved);
                }
                format!("huge key under {target}")
            } else {
                "nothing huge".to_string()
            }
        }
        _ => {
            // A key whose name is not an identifier at all.
            if let Some(map) = doc.pointer_mut(&target).and_then(Value::as_object_mut) {
                if let Some(key) = map.keys().next().cloned() {
                    let moved = map.remove(&key).unwrap();
                    let odd =
                        ["", "9lives", "self", "a b", "$.x-y@z", "Self", "__"][rng.usize(0..7)];
                    map.insert(odd.to_string(), moved);
                    return format!("renamed {target}/{key} to {odd:?}");
                }
            }
            "nothing to rename".to_string()
        }
    }
}

/// Generates `bytes` on a thread, within `LIMIT`.
fn generate(name: &str, bytes: Vec<u8>) -> Result<Result<(), Error>, String> {
    let (send, receive) = mpsc::channel();
    let file = name.to_string();
    std::thread::spawn(move || {
        let outcome = std::panic::catch_unwind(|| {
            let options = discogen::Options {
                rustfmt: false,
                ..discogen::Options::default()
            };
            discogen::generate_from_bytes(&file, &bytes, &options, None).map(|_| ())
        });
        let _ = send.send(outcome);
    });
    match receive.recv_timeout(LIMIT) {
        Ok(Ok(result)) => Ok(result),
        Ok(Err(_)) => Err("panicked".to_string()),
        Err(_) => Err(format!("did not finish within {LIMIT:?}")),
    }
}

#[test]
fn mutated_documents_get_code_or_an_error_with_a_json_path() {
    let count = std::env::var("DISCOGEN_MUTATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(MUTATIONS);
    let mut failures = Vec::new();
    let mut outcomes = [0usize; 2];
    for (index, (name, original)) in documents().into_iter().enumerate() {
        for case in 0..count {
            let seed = (index * 1_000_003 + case) as u64;
            let mut rng = fastrand::Rng::with_seed(seed);
            let mut doc = original.clone();
            let mutations: Vec<String> = (0..rng.usize(1..4))
                .map(|_| mutate(&mut doc, &mut rng))
                .collect();
            let bytes = serde_json::to_vec(&doc).unwrap();
            let describe = || format!("{name}, seed {seed}: {}", mutations.join("; "));
            match generate(&name, bytes) {
                Ok(Ok(())) => outcomes[0] += 1,
                Ok(Err(Error::Invalid { pointer, .. })) if pointer.starts_with('/') => {
                    outcomes[1] += 1
                }
                // Nesting beyond the JSON parser's limit is refused with its position.
                Ok(Err(Error::NotJson { message, .. })) if message.contains("128 levels") => {
                    outcomes[1] += 1
                }
                Ok(Err(error)) => failures.push(format!("{}: {error}", describe())),
                Err(problem) => failures.push(format!("{}: {problem}", describe())),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Both outcomes must occur, or the mutations test nothing.
    assert!(
        outcomes[0] > 0 && outcomes[1] > 0,
        "generated/refused: {outcomes:?}"
    );
}
