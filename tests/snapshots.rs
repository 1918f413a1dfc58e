//! Snapshots of what the generator emits: every file of the Network Connectivity crate, and the
//! generated sources of each synthetic fixture (one rule each). A change to the
//! generator shows up here as a snapshot diff to accept or reject with `cargo insta review`.

use std::path::Path;

use discogen::Selection;

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
}

/// A file name for a snapshot: `src/resources/projects.rs` -> `src__resources__projects.rs`.
fn snapshot_name(prefix: &str, path: &str) -> String {
    format!("{prefix}__{}", path.replace('/', "__"))
}

#[test]
fn network_connectivity_every_file() {
    let generated = discogen::generate(
        &workspace().join("discovery/networkconnectivity.v1.json"),
        &Selection::default(),
    )
    .unwrap();
    assert_eq!(
        generated.layout,
        discogen::layout::Layout::Rustfmt,
        "rustfmt must be installed: `rustup component add rustfmt`"
    );
    assert!(generated.files.len() >= 40, "{:?}", generated.files.keys());
    for (path, contents) in &generated.files {
        insta::assert_snapshot!(snapshot_name("networkconnectivity", path), contents);
    }
}

/// The generated Rust of a fixture, without the runtime modules that are copied unchanged (they
/// are covered by the Network Connectivity snapshots).
fn fixture_sources(name: &str) -> Vec<(String, String)> {
    let doc = workspace().join(format!("tests/fixtures/{name}.json"));
    generated_sources(&doc)
}

fn generated_sources(doc: &Path) -> Vec<(String, String)> {
    let generated = discogen::generate(doc, &Selection::default()).unwrap();
    generated
        .files
        .into_iter()
        .filter(|(path, _)| {
            path.ends_with(".rs")
                && (!path.starts_with("src/runtime/") || path == "src/runtime/mod.rs")
        })
        .collect()
}

fn snapshot_fixture(name: &str) {
    let sources = fixture_sources(name);
    let mut combined = String::new();
    for (path, contents) in &sources {
        combined.push_str(&format!("=== {path}\n{contents}\n"));
    }
    insta::assert_snapshot!(format!("fixture__{name}"), combined);
}

#[test]
fn fixture_naming() {
    snapshot_fixture("naming");
}

#[test]
fn fixture_int64() {
    snapshot_fixture("int64");
}

#[test]
fn fixture_maps() {
    snapshot_fixture("maps");
}

#[test]
fn fixture_enums() {
    snapshot_fixture("enums");
}

#[test]
fn fixture_paging() {
    snapshot_fixture("paging");
}

#[test]
fn fixture_recursion() {
    snapshot_fixture("recursion");
}

#[test]
fn fixture_media() {
    snapshot_fixture("media");
}

#[test]
fn fixture_wrapper() {
    snapshot_fixture("wrapper");
}

/// The real documents of `tests/fixtures/real/`, one snapshot each.
#[test]
fn real_documents() {
    for name in ["oauth2.v2", "translate.v2", "kgsearch.v1", "homegraph.v1"] {
        let sources =
            generated_sources(&workspace().join(format!("tests/fixtures/real/{name}.json")));
        let mut combined = String::new();
        for (path, contents) in &sources {
            combined.push_str(&format!("=== {path}\n{contents}\n"));
        }
        insta::assert_snapshot!(format!("real__{name}"), combined);
    }
}

/// `discogen diff` between real revisions of Network Connectivity, as a reviewer reads it.
#[test]
fn diff_outputs() {
    let surface = |path: &str| {
        let doc = discogen::discovery::load(&workspace().join(path)).unwrap();
        discogen::surface::Surface::of(&doc)
    };
    let revisions = "tests/fixtures/revisions/networkconnectivity.v1";
    let older = surface(&format!("{revisions}.20230906.json"));
    let old = surface(&format!("{revisions}.20240923.json"));
    let new = surface("discovery/networkconnectivity.v1.json");
    let diff = discogen::diff::Diff::between(&older, &old);
    insta::assert_snapshot!("diff__20230906_20240923__human", diff.human());
    insta::assert_snapshot!("diff__20230906_20240923__markdown", diff.markdown());
    let diff = discogen::diff::Diff::between(&old, &new);
    insta::assert_snapshot!("diff__20240923_20261029__markdown", diff.markdown());
}

#[test]
fn output_is_deterministic() {
    let doc = workspace().join("discovery/networkconnectivity.v1.json");
    let selection = Selection::default();
    let first = discogen::generate(&doc, &selection).unwrap();
    for _ in 0..2 {
        assert_eq!(discogen::generate(&doc, &selection).unwrap(), first);
    }
}
