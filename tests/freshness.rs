//! The checked-in generated crates must be exactly what the generator produces now. On a
//! difference the test fails and names the command that fixes it; with `UPDATE_GENERATED=1` it
//! rewrites the stale crates first (and still fails, so a stale tree never passes silently).

use std::path::Path;

use discogen::output::{self, Difference};
use discogen::Selection;
use discogen_tests::{json_documents, workspace};

/// Compares one crate directory with a fresh generation; returns the report of what differs.
fn check(doc: &str, out: &str, selection: Selection, command: &str) -> Option<String> {
    let root = workspace();
    // As `discogen generate` does: the successor of what is on disk, so versions and
    // changelogs compare too.
    let previous = discogen::history::Previous::read(&root.join(out));
    let options = discogen::Options {
        selection,
        ..discogen::Options::for_output(&root.join(out))
    };
    let generated = discogen::generate(&root.join(doc), &options, Some(&previous)).unwrap();
    let differences: Vec<Difference> = output::check(&root.join(out), &generated.files).unwrap();
    if differences.is_empty() {
        return None;
    }
    let mut report = format!(
        "{out} is stale; run `{command}` (or UPDATE_GENERATED=1 cargo test --test freshness):\n"
    );
    for difference in &differences {
        report.push_str(&format!("  {difference}\n"));
    }
    if std::env::var_os("UPDATE_GENERATED").is_some() {
        output::write(&root.join(out), &generated.files).unwrap();
        report.push_str("  (rewritten now: review the diff and commit it)\n");
    }
    Some(report)
}

#[test]
fn generated_crate_is_fresh() {
    let stale = check(
        "discovery/networkconnectivity.v1.json",
        "generated",
        Selection::default(),
        "cargo run -p discogen -- generate",
    );
    assert!(stale.is_none(), "{}", stale.unwrap());
}

#[test]
fn fixture_crates_are_fresh() {
    let mut stale = Vec::new();
    let fixtures = workspace().join("tests/fixtures");
    let names = json_stems(&fixtures);
    assert!(names.len() >= 6, "{names:?}");
    for name in names {
        let doc = format!("tests/fixtures/{name}.json");
        let out = format!("tests/crates/{name}-v1");
        let command = format!("cargo run -p discogen -- generate {doc} --out {out}");
        stale.extend(check(&doc, &out, Selection::default(), &command));
    }
    assert!(stale.is_empty(), "{}", stale.join("\n"));
}

/// The crates generated from the real documents in `tests/fixtures/real/`.
#[test]
fn real_document_crates_are_fresh() {
    let mut stale = Vec::new();
    let names = json_stems(&workspace().join("tests/fixtures/real"));
    assert!(names.len() >= 4, "{names:?}");
    for name in names {
        let doc = format!("tests/fixtures/real/{name}.json");
        let out = format!("tests/real-crates/{}", name.replace('.', "-"));
        let command = format!("cargo run -p discogen -- generate {doc} --out {out}");
        stale.extend(check(&doc, &out, Selection::default(), &command));
    }
    assert!(stale.is_empty(), "{}", stale.join("\n"));
}

/// File names without `.json` of the JSON files in `dir`, sorted.
fn json_stems(dir: &Path) -> Vec<String> {
    json_documents(dir)
        .into_iter()
        .map(|(stem, _)| stem)
        .collect()
}

/// Every real document used as a fixture matches the sha256 its provenance table records.
#[test]
fn real_fixtures_match_their_recorded_sha256() {
    assert!(check_digests("tests/fixtures/real") >= 4);
    assert_eq!(check_digests("tests/fixtures/revisions"), 4);
}

/// Every vendored document matches the sha256 its provenance table records.
#[test]
fn vendored_documents_match_their_recorded_sha256() {
    assert!(check_digests("discovery") >= 1);
}

/// Checks each JSON file of `dir` against the sha256 in `dir/README.md`; returns how many.
fn check_digests(dir: &str) -> usize {
    use sha2::{Digest, Sha256};
    let root = workspace().join(dir);
    let table = std::fs::read_to_string(root.join("README.md")).unwrap();
    let mut checked = 0;
    for entry in std::fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let row = table
            .lines()
            .find(|l| l.starts_with(&format!("| `{file}`")))
            .unwrap_or_else(|| {
                panic!(
                    "{dir}/README.md records no provenance for {file}: cargo run -p discogen -- \
                     record {dir}/{file} --source \"where it comes from\""
                )
            });
        let digest: String = Sha256::digest(std::fs::read(&path).unwrap())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(
            row.contains(&format!("`{digest}`")),
            "{dir}/{file}: sha256 {digest} is not the one recorded in {dir}/README.md ({row}); \
             if the file was replaced on purpose, record where it comes from: \
             cargo run -p discogen -- record {dir}/{file} --source \"...\""
        );
        checked += 1;
    }
    checked
}
