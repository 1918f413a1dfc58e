//! README, "When the API changes", walked to the end in both directions: on a copy of this
//! workspace (its git-tracked and untracked-but-not-ignored files, as they are in the working
//! tree, in a git repository of its own), the Network Connectivity document goes
//! 20261029 -> 20240923 -> 20230906 -> 20220817 -> 20230906 -> 20240923 -> 20261029, which
//! covers every consecutive pair of real revisions both ways, breaking and additive. Each step
//! is what a user does:
//!
//! 1. copy the document into `discovery/` and `discogen record` it (`fetch` is tested in
//!    `regenerate.rs`);
//! 2. `discogen generate` (the binary under test): the version goes up, the summary says how
//!    many breaking and additive changes the Rust API has, and an older revision is warned about;
//! 3. review: `INSTA_UPDATE=always cargo test --test snapshots` accepts the changed listing
//!    snapshot, and `git status` shows that it, and no other snapshot, changed;
//! 4. `cargo test` of everything that depends on the generated crate: its own doctests (the
//!    README's test-double example), and in `discogen-tests` the README's examples (doctests),
//!    the snapshot test with the accepted snapshot, freshness, and every test target whose
//!    source uses the crate (end-to-end, production, two APIs...: found by reading
//!    `tests/Cargo.toml`, so new ones are included); all compile and pass. `discogen check` is
//!    clean; no file of the change is one whose only change is a header line (`git diff`);
//!    commit.
//!
//! The other crates and tests of the workspace (the generator, the runtime, the fixture crates
//! and their wire and model tests) do not use the generated crate, so a revision cannot change
//! them; they are not rerun.
//!
//! Cost: the inner cargo builds into the outer build's target directory (cargo does not hold it
//! while test binaries run), the test targets as part of the whole workspace, so that every
//! registry dependency compiled by the outer build (without debug info, by the workspace's
//! profile) is reused; the copy's own crates are built without debug info or incremental state,
//! and the copy keeps the files' modification times at a fixed path (one source tree, as
//! cargo's freshness check assumes), so they compile once and each step compiles only the
//! generated crate and what depends on it.
//! `DISCOGEN_WALK=skip` skips the walk (it says so), for quick local runs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

#[allow(dead_code)]
mod common;
use common::{text, workspace};

/// The revisions in the order the walk visits them, all in `tests/fixtures/revisions/`; the walk
/// starts from the newest, which the vendored document is brought to first if it has moved on.
const CHAIN: [&str; 7] = [
    "20261029", "20240923", "20230906", "20220817", "20230906", "20240923", "20261029",
];

/// Whether going from the first revision to the second breaks code that compiled before.
fn breaks(old: &str, new: &str) -> bool {
    // Only 20220817 -> 20230906 adds without removing or changing anything.
    !(old == "20220817" && new == "20230906")
}

const LISTING_SNAPSHOT: &str = "tests/snapshots/snapshots__networkconnectivity__api.snap";
const DOC: &str = "discovery/networkconnectivity.v1.json";

/// The copy of the workspace and the inner target directory, under a lock so that two runs of
/// this test on one target directory take turns. The copy is removed when the walk succeeds,
/// kept for inspection when it fails (until the next run, which starts by removing it).
struct Walk {
    copy: PathBuf,
    target: PathBuf,
    _lock: std::fs::File,
}

impl Drop for Walk {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // The next run starts by removing it.
            eprintln!(
                "the walk failed; its copy of the workspace is kept in {}",
                self.copy.display()
            );
        } else {
            let _ = std::fs::remove_dir_all(&self.copy);
        }
    }
}

impl Walk {
    fn start() -> Walk {
        let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let root = tmp.join("workflow-walk");
        std::fs::create_dir_all(&root).unwrap();
        let lock = std::fs::File::create(root.join("lock")).unwrap();
        lock.lock().unwrap();
        let walk = Walk {
            copy: root.join("workspace"),
            // The outer build's own target directory: cargo does not hold it while test
            // binaries run, and every registry dependency compiled there is reused. The copy's
            // crates have other paths, so their artifacts sit beside the outer ones.
            target: tmp.parent().expect("the target directory").to_path_buf(),
            _lock: lock,
        };
        let _ = std::fs::remove_dir_all(&walk.copy);
        copy_workspace(&workspace(), &walk.copy);
        walk.git(&["init", "-q"]);
        walk.commit("the workspace as it was");
        walk
    }

    fn git(&self, args: &[&str]) -> String {
        let output = Command::new("git")
            .args(["-c", "user.name=walk", "-c", "user.email=walk@localhost"])
            .args(["-c", "commit.gpgsign=false", "-c", "core.autocrlf=false"])
            .args(args)
            .current_dir(&self.copy)
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .expect("run git");
        assert!(output.status.success(), "git {args:?}: {}", text(&output));
        String::from_utf8(output.stdout).unwrap()
    }

    /// Puts revision `revision` of the fixtures in place of the vendored document and records
    /// its provenance, as a user does with a document copied in by hand.
    fn copy_in(&self, revision: &str, context: &str) {
        std::fs::write(
            self.copy.join(DOC),
            std::fs::read(common::revision(revision)).unwrap(),
        )
        .unwrap();
        let source = format!("walk test: revision {revision}");
        let recorded = self.discogen(&["record", DOC, "--source", &source]);
        let said = text(&recorded);
        assert!(recorded.status.success(), "{context}: record: {said}");
        assert!(
            said.contains(&format!("revision {revision}, sha256 ")),
            "{context}: {said}"
        );
        assert!(self.read("discovery/README.md").contains(&source));
    }

    /// Brings the copy to `revision` when its vendored document is another (the API moved on
    /// since the fixtures were taken): not a step of the walk, whose changes are known, but
    /// the same moves, so that the walk starts where it expects.
    fn begin_at(&self, revision: &str) {
        let vendored = std::fs::read(self.copy.join(DOC)).unwrap();
        if vendored == std::fs::read(common::revision(revision)).unwrap() {
            return;
        }
        let context = format!("the vendored document -> {revision}");
        self.copy_in(revision, &context);
        let generated = self.discogen(&["generate"]);
        assert!(
            generated.status.success(),
            "{context}: {}",
            text(&generated)
        );
        let snapshots = ["--test".to_string(), "snapshots".to_string()];
        let accepted = self.cargo_test(&snapshots, "always");
        assert!(accepted.status.success(), "{context}: {}", text(&accepted));
        self.commit(&context);
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
    }

    fn discogen(&self, args: &[&str]) -> Output {
        common::discogen(args, &self.copy)
    }

    /// `cargo test` in the copy, limited to `targets`: `--test NAME`s, built as part of the
    /// whole workspace (so that dependencies get the features they have in the outer build and
    /// what it compiled is reused), or `--doc` of the crates that depend on the generated one.
    fn cargo_test(&self, targets: &[String], insta_update: &str) -> Output {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
        let mut command = Command::new(cargo);
        command.arg("test");
        if targets.iter().any(|t| t == "--doc") {
            command.args(["-p", "networkconnectivity-v1", "-p", "discogen-tests"]);
        } else {
            command.arg("--workspace");
        }
        command
            .args(targets)
            .current_dir(&self.copy)
            .env("CARGO_TARGET_DIR", &self.target)
            // The copy's own crates (the workspace's profile sets dependencies' debug level
            // apart, so what the outer build compiled for them is still reused).
            .env("CARGO_PROFILE_DEV_DEBUG", "0")
            .env("CARGO_INCREMENTAL", "0")
            .env("CARGO_TERM_COLOR", "never")
            .env("INSTA_UPDATE", insta_update);
        // What the outer `cargo test` or a developer's shell may have set, which would change
        // what the inner run does (another jobserver, another workspace root, snapshots
        // rewritten or forced to pass).
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            if (key.starts_with("INSTA_") && key != "INSTA_UPDATE")
                || key.starts_with("CARGO_PKG_")
                || [
                    "CARGO_MANIFEST_DIR",
                    "CARGO_MANIFEST_PATH",
                    "CARGO_CRATE_NAME",
                    "CARGO_PRIMARY_PACKAGE",
                    "CARGO_MAKEFLAGS",
                    "MAKEFLAGS",
                    "MFLAGS",
                    "UPDATE_GENERATED",
                    "DISCOGEN_DISCOVERY_URL",
                ]
                .contains(&key.as_ref())
            {
                command.env_remove(key.as_ref());
            }
        }
        command.output().expect("run cargo")
    }

    /// The test targets of `tests/` that use the generated crate (their source names
    /// `networkconnectivity_v1`), and the snapshot and freshness tests: `--test NAME` each.
    /// The others (fixture crates' wire and model tests) cannot change with the revision.
    fn tests_of_the_generated_crate(&self) -> Vec<String> {
        let manifest = self.read("tests/Cargo.toml");
        let mut targets = Vec::new();
        let mut name = None;
        for line in manifest.lines().map(str::trim) {
            let value = |key: &str| {
                line.strip_prefix(key)
                    .map(|rest| rest.trim_start_matches([' ', '=']).trim_matches('"'))
            };
            if line.starts_with('[') {
                name = None;
            } else if let Some(value) = value("name") {
                name = Some(value.to_string());
            } else if let (Some(path), Some(test)) = (value("path"), &name) {
                let source = self.read(&format!("tests/{path}"));
                if source.contains("networkconnectivity_v1")
                    || ["snapshots", "freshness"].contains(&test.as_str())
                {
                    targets.extend(["--test".to_string(), test.clone()]);
                }
            }
        }
        targets
    }

    fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.copy.join(path)).unwrap()
    }
}

/// Copies the files git knows of (tracked, or untracked and not ignored) from the working
/// tree, with their modification times (so the inner cargo's fingerprints of unchanged crates
/// hold from one run of this test to the next).
fn copy_workspace(from: &Path, to: &Path) {
    let listed = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(from)
        .output()
        .expect("run git ls-files");
    assert!(listed.status.success(), "{}", text(&listed));
    let mut copied = 0;
    for name in listed.stdout.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let name = std::str::from_utf8(name).unwrap();
        let source = from.join(name);
        let Ok(metadata) = std::fs::metadata(&source) else {
            continue; // deleted in the working tree
        };
        if !metadata.is_file() {
            continue;
        }
        let destination = to.join(name);
        std::fs::create_dir_all(destination.parent().unwrap()).unwrap();
        std::fs::copy(&source, &destination).unwrap();
        let file = std::fs::File::options()
            .write(true)
            .open(&destination)
            .unwrap();
        file.set_modified(metadata.modified().unwrap()).unwrap();
        copied += 1;
    }
    assert!(
        copied > 100 && to.join("Cargo.toml").is_file(),
        "copied {copied} files"
    );
}

/// The numbers of the `generate` summary: (breaking, additive, old revision, new revision,
/// version).
fn summary(said: &str) -> (usize, usize, String, String, String) {
    let line = said
        .lines()
        .find(|l| l.starts_with("Rust API: "))
        .unwrap_or_else(|| panic!("no Rust API summary in:\n{said}"));
    let number = |after: &str, before: &str| -> String {
        let start = line.find(after).unwrap_or_else(|| panic!("{line}")) + after.len();
        let end = start
            + line[start..]
                .find(before)
                .unwrap_or_else(|| panic!("{line}"));
        line[start..end].to_string()
    };
    (
        number("Rust API: ", " breaking").parse().unwrap(),
        number(" breaking, ", " additive").parse().unwrap(),
        number("document revision ", " -> "),
        number(" -> ", ":"),
        number("; version ", ";"),
    )
}

/// `0.4.0+20240923` -> (0, 4, 0).
fn core(version: &str) -> (u64, u64, u64) {
    let core = version.split('+').next().unwrap();
    let parts: Vec<u64> = core.split('.').map(|p| p.parse().unwrap()).collect();
    (parts[0], parts[1], parts[2])
}

/// The files of a diff (`git diff --unified=0`) whose every changed line is a header line:
/// among the first five lines of the file, a comment or a line naming a revision.
fn header_only_changes(diff: &str, revisions: [&str; 2]) -> Vec<String> {
    let mut files: Vec<(String, bool)> = Vec::new();
    let mut side_lines = (0usize, 0usize);
    for line in diff.lines() {
        if let Some(path) = line.strip_prefix("diff --git a/") {
            let path = path.split(" b/").next().unwrap().to_string();
            files.push((path, true));
        } else if let Some(hunk) = line.strip_prefix("@@ -") {
            // @@ -12,3 +12,4 @@: the first line of each side.
            let mut sides = hunk.split(' ');
            let start = |s: &str| s.trim_start_matches('+').split(',').next().unwrap().parse();
            side_lines = (
                start(sides.next().unwrap()).unwrap(),
                start(sides.next().unwrap()).unwrap(),
            );
        } else if line.starts_with("--- ") || line.starts_with("+++ ") {
            continue;
        } else if let Some(changed) = line.strip_prefix(['-', '+']) {
            let number = if line.starts_with('-') {
                &mut side_lines.0
            } else {
                &mut side_lines.1
            };
            let trimmed = changed.trim_start();
            let header = *number <= 5
                && (trimmed.starts_with("//")
                    || trimmed.starts_with("<!--")
                    || trimmed.starts_with("# ")
                    || revisions.iter().any(|r| changed.contains(r)));
            *number += 1;
            if let Some(file) = files.last_mut() {
                file.1 &= header;
            }
        }
    }
    files
        .into_iter()
        // The provenance table's row is the document's own record, not generated.
        .filter(|(path, header_only)| *header_only && !path.starts_with("discovery/"))
        .map(|(path, _)| path)
        .collect()
}

#[test]
fn every_revision_pair_both_ways_generates_reviews_and_passes() {
    if std::env::var("DISCOGEN_WALK").as_deref() == Ok("skip") {
        eprintln!("DISCOGEN_WALK=skip: the walk over the revisions is skipped");
        return;
    }
    let began = Instant::now();
    let walk = Walk::start();
    walk.begin_at(CHAIN[0]);
    let mut version = summary_version(&walk.read("generated/Cargo.toml"));
    let mut timings = Vec::new();
    let targets = walk.tests_of_the_generated_crate();
    for wanted in [
        "snapshots",
        "freshness",
        "operations_e2e",
        "production",
        "two_apis",
    ] {
        assert!(targets.iter().any(|t| t == wanted), "{targets:?}");
    }

    for pair in CHAIN.windows(2) {
        let (old, new) = (pair[0], pair[1]);
        let step = Instant::now();
        let context = format!("{old} -> {new}");

        // 1. The document, copied in by hand, and its provenance.
        walk.copy_in(new, &context);

        // 2. Generate.
        let generated = walk.discogen(&["generate"]);
        let said = text(&generated);
        assert!(generated.status.success(), "{context}: generate: {said}");
        let (breaking, additive, from, to, next) = summary(&said);
        assert_eq!((from.as_str(), to.as_str()), (old, new), "{said}");
        assert!(
            core(&next) > core(&version),
            "{context}: {version} -> {next}"
        );
        assert!(next.ends_with(&format!("+{new}")), "{context}: {next}");
        if breaks(old, new) {
            assert!(breaking > 0, "{context}: expected breaking changes: {said}");
        } else {
            assert_eq!(breaking, 0, "{context}: expected additive only: {said}");
            assert!(additive > 0, "{context}: {said}");
        }
        assert_eq!(
            said.contains("is older than revision"),
            new < old,
            "{context}: the warning on going back in time: {said}"
        );
        assert!(said.contains("updated   generated/CHANGELOG.md"), "{said}");
        assert_eq!(summary_version(&walk.read("generated/Cargo.toml")), next);
        version = next;

        // 3. Review: the snapshot test, accepting what changed.
        let review = Instant::now();
        let snapshots = ["--test".to_string(), "snapshots".to_string()];
        let accepted = walk.cargo_test(&snapshots, "always");
        assert!(
            accepted.status.success(),
            "{context}: INSTA_UPDATE=always cargo test --test snapshots: {}",
            text(&accepted)
        );
        let changed = walk.git(&["status", "--porcelain", "--", "tests/snapshots"]);
        let changed: Vec<&str> = changed.lines().map(|l| l[3..].trim()).collect();
        assert_eq!(
            changed,
            [LISTING_SNAPSHOT],
            "{context}: the snapshots changed"
        );
        let review = review.elapsed();

        // 4. Everything passes with the accepted snapshots, and nothing is stale.
        let tests = Instant::now();
        for targets in [targets.clone(), vec!["--doc".to_string()]] {
            let tested = walk.cargo_test(&targets, "no");
            let said = text(&tested);
            assert!(
                tested.status.success(),
                "{context}: cargo test {targets:?}: {said}"
            );
            assert!(said.contains("test result: ok."), "{said}");
        }
        let tests = tests.elapsed();
        let check = walk.discogen(&["check"]);
        assert!(
            check.status.success() && text(&check).contains("is up to date"),
            "{context}: discogen check: {}",
            text(&check)
        );
        let diff = walk.git(&["diff", "HEAD", "--unified=0", "--no-color", "--no-ext-diff"]);
        let header_only = header_only_changes(&diff, [old, new]);
        assert!(
            header_only.is_empty(),
            "{context}: files whose only change is a header line: {header_only:?}"
        );
        walk.commit(&format!("networkconnectivity {old} -> {new}"));
        timings.push(format!(
            "{context}: {:.0?} (snapshot review {review:.0?}, tests {tests:.0?})",
            step.elapsed()
        ));
    }
    eprintln!(
        "walk over {} steps in {:.0?}: {}",
        CHAIN.len() - 1,
        began.elapsed(),
        timings.join(", ")
    );
}

fn summary_version(toml: &str) -> String {
    toml.lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap()
        .to_string()
}

/// The header check is not vacuous: a file whose only change is its first line is found, one
/// with a change further down is not, and the provenance table is not generated output.
#[test]
fn a_change_to_a_header_line_alone_is_found() {
    let diff = "\
diff --git a/generated/src/lib.rs b/generated/src/lib.rs
--- a/generated/src/lib.rs
+++ b/generated/src/lib.rs
@@ -1 +1 @@
-// @generated by discogen from networkconnectivity.v1.json (revision 20240923); do not edit
+// @generated by discogen from networkconnectivity.v1.json (revision 20261029); do not edit
diff --git a/generated/README.md b/generated/README.md
--- a/generated/README.md
+++ b/generated/README.md
@@ -5 +5 @@
-`20240923`), generated by discogen
+`20261029`), generated by discogen
@@ -40,0 +41 @@
+- `get`: `GET v1/{+name}`
diff --git a/discovery/README.md b/discovery/README.md
--- a/discovery/README.md
+++ b/discovery/README.md
@@ -3 +3 @@
-| `networkconnectivity.v1.json` | `20240923` |
+| `networkconnectivity.v1.json` | `20261029` |
";
    assert_eq!(
        header_only_changes(diff, ["20240923", "20261029"]),
        ["generated/src/lib.rs"]
    );
}
