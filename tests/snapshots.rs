//! Snapshots of what the generator emits: the public Rust API of the Network Connectivity crate
//! (one line per item: what a reviewer reads when the API or the generator changes), and the
//! whole generated sources of each small fixture (one rule each) and real document, where the
//! code itself is the point. A change shows up here as a snapshot diff to accept or reject with
//! `cargo insta test --review` (or `cargo insta review`).

use std::path::Path;

use discogen_tests::{json_documents, workspace};

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

/// The generated Rust of a document, every file one after the other.
fn generated_sources(doc: &Path) -> String {
    let generated = discogen::generate(doc, &discogen::Options::default(), None).unwrap();
    let mut combined = String::new();
    for (path, contents) in generated.files.iter().filter(|(p, _)| p.ends_with(".rs")) {
        combined.push_str(&format!("=== {path}\n{contents}\n"));
    }
    combined
}

/// The JSON files of a directory of the workspace, by file stem, sorted.
fn documents(dir: &str) -> Vec<(String, std::path::PathBuf)> {
    json_documents(&workspace().join(dir))
}

/// Each synthetic fixture of `tests/fixtures/` (one rule each), whole.
#[test]
fn fixtures() {
    let fixtures = documents("tests/fixtures");
    assert!(fixtures.len() >= 13, "{fixtures:?}");
    for (name, path) in fixtures {
        insta::assert_snapshot!(format!("fixture__{name}"), generated_sources(&path));
    }
}

/// The real documents of `tests/fixtures/real/`, whole.
#[test]
fn real_documents() {
    let real = documents("tests/fixtures/real");
    assert!(real.len() >= 5, "{real:?}");
    for (name, path) in real {
        insta::assert_snapshot!(format!("real__{name}"), generated_sources(&path));
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
