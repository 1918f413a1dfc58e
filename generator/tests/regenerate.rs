//! The path from "the API changed" to a reviewed, versioned crate, through the command line:
//! `fetch` against a local Discovery service on 127.0.0.1 (success and every failure, which
//! must leave the vendored file intact), `diff` between the real revisions of Network
//! Connectivity, and `generate` bumping the version and writing the changelog.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};

mod common;
use common::{discogen, revision, scratch, text, workspace};

/// The newest real revision: the vendored document as of this writing, kept apart so that these
/// tests still hold when the vendored document moves on.
fn newest() -> PathBuf {
    revision("20261029")
}

/// A one-shot HTTP server on 127.0.0.1: answers the first request with `status` and `body`,
/// and hands back the request line it got.
fn serve_once(status: u16, body: Vec<u8>) -> (String, std::thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = Vec::new();
        let mut buffer = [0u8; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buffer).unwrap();
            if n == 0 {
                break;
            }
            request.extend_from_slice(&buffer[..n]);
        }
        let head = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(&body).unwrap();
        String::from_utf8_lossy(&request)
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    });
    (base, handle)
}

/// A scratch `discovery/` holding the 20240923 revision with a provenance table.
fn vendored(name: &str) -> (PathBuf, Vec<u8>) {
    let dir = scratch(name);
    std::fs::create_dir_all(dir.join("discovery")).unwrap();
    let old = std::fs::read(revision("20240923")).unwrap();
    std::fs::write(dir.join("discovery/networkconnectivity.v1.json"), &old).unwrap();
    std::fs::write(
        dir.join("discovery/README.md"),
        "| file | API | revision | source | sha256 |\n|---|---|---|---|---|\n\
         | `networkconnectivity.v1.json` | old | `20240923` | pip | `x` |\n",
    )
    .unwrap();
    (dir, old)
}

#[test]
fn fetch_replaces_the_document_and_its_provenance() {
    let (dir, _) = vendored("fetch-ok");
    let new = std::fs::read(newest()).unwrap();
    let (base, server) = serve_once(200, new.clone());

    // API and version default to the current document's.
    let output = discogen(&["fetch", "--base-url", &base], &dir);

    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert_eq!(
        server.join().unwrap(),
        "GET /discovery/v1/apis/networkconnectivity/v1/rest HTTP/1.1"
    );
    assert!(
        text(&output).contains("revision 20240923 -> 20261029"),
        "{}",
        text(&output)
    );
    assert_eq!(
        std::fs::read(dir.join("discovery/networkconnectivity.v1.json")).unwrap(),
        new
    );
    let readme = std::fs::read_to_string(dir.join("discovery/README.md")).unwrap();
    assert!(readme.contains("`20261029`"), "{readme}");
    assert!(
        readme.contains("`47c219d349f9de5251e7a0b25366d1a9b1001f5fc98543e956ee22791571244c`"),
        "{readme}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("discovery"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn every_fetch_failure_leaves_the_old_document_intact() {
    let not_discovery = br#"{"kind": "something#else", "name": "networkconnectivity"}"#.to_vec();
    let other_api = std::fs::read(workspace().join("tests/fixtures/paging.json")).unwrap();
    let cases: Vec<(u16, Vec<u8>, &str)> = vec![
        (404, br#"{"error": {"code": 404}}"#.to_vec(), "HTTP 404"),
        (500, b"<html>oops</html>".to_vec(), "HTTP 500"),
        (
            200,
            b"{\"kind\": \"discovery#restDescription\", ".to_vec(),
            "cannot read as JSON",
        ),
        (200, not_discovery, "not a discovery document"),
        (200, other_api, "not networkconnectivity v1"),
    ];
    for (status, body, expected) in cases {
        let (dir, old) = vendored("fetch-fail");
        let (base, server) = serve_once(status, body);
        let output = discogen(&["fetch", "--base-url", &base], &dir);
        server.join().unwrap();
        let said = text(&output);
        assert_eq!(output.status.code(), Some(1), "{said}");
        assert!(
            said.contains(expected) && said.contains("was left as it was"),
            "{said}"
        );
        assert_eq!(
            std::fs::read(dir.join("discovery/networkconnectivity.v1.json")).unwrap(),
            old
        );
        assert!(std::fs::read_to_string(dir.join("discovery/README.md"))
            .unwrap()
            .contains("| old |"));
    }

    // Nothing listens on a port that was just free.
    let (dir, old) = vendored("fetch-refused");
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let output = discogen(
        &["fetch", "networkconnectivity", "v1", "--base-url", &base],
        &dir,
    );
    let said = text(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(
        said.contains("cannot fetch") && said.contains("was left as it was"),
        "{said}"
    );
    assert_eq!(
        std::fs::read(dir.join("discovery/networkconnectivity.v1.json")).unwrap(),
        old
    );
}

#[test]
fn diff_finds_what_really_changed_between_revisions() {
    let dir = scratch("diff");
    let old = revision("20220817");
    let json = discogen(
        &[
            "diff",
            old.to_str().unwrap(),
            newest().to_str().unwrap(),
            "--format",
            "json",
        ],
        &dir,
    );
    assert_eq!(json.status.code(), Some(0), "{}", text(&json));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let changes = report["changes"].as_array().unwrap();
    let find = |item: &str| {
        changes
            .iter()
            .find(|c| c["item"] == item)
            .unwrap_or_else(|| panic!("no change to {item}"))
    };
    let partial = find("projects.locations.operations.list.returnPartialSuccess");
    assert_eq!(partial["impact"], "additive");
    assert_eq!(partial["area"], "parameter");
    let unreachable = find("GoogleLongrunningListOperationsResponse.unreachable");
    assert_eq!(
        (&unreachable["impact"], &unreachable["area"]),
        (&"additive".into(), &"property".into())
    );
    let spokes_routes = find("projects.locations.spokes.gatewayAdvertisedRoutes");
    assert_eq!(
        (&spokes_routes["impact"], &spokes_routes["area"]),
        (&"additive".into(), &"resource".into())
    );
    assert_eq!(report["old_revision"], "20220817");
    assert_eq!(report["new_revision"], "20261029");

    // Between 20230906 and 20240923 spokes lost `accept` and `reject`: breaking.
    let output = discogen(
        &[
            "diff",
            revision("20230906").to_str().unwrap(),
            revision("20240923").to_str().unwrap(),
            "--fail-on",
            "breaking",
        ],
        &dir,
    );
    let said = text(&output);
    assert_eq!(output.status.code(), Some(2), "{said}");
    assert!(said.contains("4 breaking"), "{said}");
    let accept = said
        .lines()
        .find(|l| l.contains("projects.locations.spokes.accept "))
        .unwrap();
    assert!(
        accept.contains("method") && accept.contains("removed"),
        "{accept}"
    );

    // Additive only: `--fail-on breaking` passes, `--fail-on any` does not.
    let args = |fail: &'static str| {
        vec![
            "diff".to_string(),
            revision("20220817").display().to_string(),
            revision("20230906").display().to_string(),
            "--fail-on".to_string(),
            fail.to_string(),
        ]
    };
    let run = |args: Vec<String>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        discogen(&args, &dir).status.code()
    };
    assert_eq!(run(args("breaking")), Some(0));
    assert_eq!(run(args("any")), Some(2));
}

#[test]
fn generate_bumps_the_version_by_the_diff_and_writes_the_changelog() {
    let dir = scratch("generate");
    let generate = |doc: &Path| {
        let output = discogen(&["generate", doc.to_str().unwrap(), "--out", "crate"], &dir);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output));
        text(&output)
    };
    let version = || {
        let toml = std::fs::read_to_string(dir.join("crate/Cargo.toml")).unwrap();
        toml.lines()
            .find(|l| l.starts_with("version = "))
            .unwrap()
            .to_string()
    };

    generate(&revision("20220817"));
    assert_eq!(version(), "version = \"0.1.0+20220817\"");
    // Additive only: minor.
    let said = generate(&revision("20230906"));
    assert!(said.contains("0 breaking, 76 additive"), "{said}");
    assert_eq!(version(), "version = \"0.2.0+20230906\"");
    // Breaking, before 1.0: minor.
    generate(&revision("20240923"));
    assert_eq!(version(), "version = \"0.3.0+20240923\"");
    // The same document again: nothing changes, no new entry.
    let changelog = std::fs::read_to_string(dir.join("crate/CHANGELOG.md")).unwrap();
    let said = generate(&revision("20240923"));
    assert!(said.contains("API unchanged"), "{said}");
    assert!(
        said.contains("no new entry in crate/CHANGELOG.md"),
        "{said}"
    );
    assert_eq!(version(), "version = \"0.3.0+20240923\"");
    assert_eq!(
        std::fs::read_to_string(dir.join("crate/CHANGELOG.md")).unwrap(),
        changelog
    );

    let headings: Vec<&str> = changelog.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(
        headings,
        [
            "## 0.3.0+20240923",
            "## 0.2.0+20230906",
            "## 0.1.0+20220817"
        ]
    );
    assert!(
        changelog.contains("- method `projects.locations.spokes.accept`: removed"),
        "{changelog}"
    );
    let check = discogen(
        &[
            "check",
            revision("20240923").to_str().unwrap(),
            "--out",
            "crate",
        ],
        &dir,
    );
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
}
