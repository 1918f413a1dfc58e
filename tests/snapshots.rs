//! Snapshots of what the generator emits: the public Rust API of the Network Connectivity crate
//! (one line per item: what a reviewer reads when the API or the generator changes), and the
//! whole generated sources of each small fixture (one rule each) and real document, where the
//! code itself is the point. A change shows up here as a snapshot diff to accept or reject with
//! `cargo insta test --review` (or `cargo insta review`).

use std::path::Path;

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
}

/// The review surface of the Network Connectivity crate: its public Rust API, one line per
/// item. The crate itself is committed in `generated/` (and kept fresh by the freshness test),
/// so it is not stored a second time here.
#[test]
fn network_connectivity_api() {
    let generated = discogen::generate(
        &workspace().join("discovery/networkconnectivity.v1.json"),
        &discogen::Options::for_output(&workspace().join("generated")),
        None,
    )
    .unwrap();
    insta::assert_snapshot!("networkconnectivity__api", generated.listing);
}

/// The generated Rust of a fixture.
fn fixture_sources(name: &str) -> Vec<(String, String)> {
    let doc = workspace().join(format!("tests/fixtures/{name}.json"));
    generated_sources(&doc)
}

fn generated_sources(doc: &Path) -> Vec<(String, String)> {
    let generated = discogen::generate(doc, &discogen::Options::default(), None).unwrap();
    generated
        .files
        .into_iter()
        .filter(|(path, _)| path.ends_with(".rs"))
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

/// `discogen diff` between fixed real revisions of Network Connectivity, as a reviewer reads it
/// (never against the vendored document, which moves with every API update).
#[test]
fn diff_outputs() {
    let surface = |revision: &str| {
        let path = format!("tests/fixtures/revisions/networkconnectivity.v1.{revision}.json");
        let doc = discogen::discovery::load(&workspace().join(path)).unwrap();
        discogen::surface::Surface::of(&doc)
    };
    let diff = discogen::diff::Diff::between(&surface("20230906"), &surface("20240923"));
    insta::assert_snapshot!("diff__20230906_20240923__human", diff.human());
    insta::assert_snapshot!("diff__20230906_20240923__markdown", diff.markdown());
    let diff = discogen::diff::Diff::between(&surface("20220817"), &surface("20230906"));
    insta::assert_snapshot!("diff__20220817_20230906__markdown", diff.markdown());
}

#[test]
fn output_is_deterministic() {
    let doc = workspace().join("discovery/networkconnectivity.v1.json");
    let options = discogen::Options::default();
    let first = discogen::generate(&doc, &options, None).unwrap();
    for _ in 0..2 {
        assert_eq!(discogen::generate(&doc, &options, None).unwrap(), first);
    }
}
