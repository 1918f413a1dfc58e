//! The `discogen` command line: exit codes, messages, and that a failure writes nothing.

mod common;
use common::{discogen, scratch, workspace};

#[test]
fn a_dangling_ref_is_exit_1_naming_the_json_path_and_writes_nothing() {
    let dir = scratch("dangling");
    std::fs::write(
        dir.join("bad.json"),
        r#"{"kind":"discovery#restDescription","schemas":{"A":{"$ref":"Missing"}}}"#,
    )
    .unwrap();
    let output = discogen(&["generate", "bad.json", "--out", "out"], &dir);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("bad.json")
            && stderr.contains("/schemas/A/$ref")
            && stderr.contains("Missing"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!dir.join("out").exists(), "nothing may be written");
}

#[test]
fn a_ref_deep_in_a_method_names_its_path() {
    let dir = scratch("method-ref");
    std::fs::write(
        dir.join("doc.json"),
        r#"{"kind":"discovery#restDescription","name":"x","version":"v1","rootUrl":"https://x/","schemas":{},
            "resources":{"projects":{"resources":{"things":{"methods":{"get":{"path":"v1/{+name}","httpMethod":"GET",
            "response":{"$ref":"Nope"}}}}}}}}"#,
    )
    .unwrap();
    let output = discogen(
        &["generate", "doc.json", "--out", "out", "--all-resources"],
        &dir,
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.contains("/resources/projects/resources/things/methods/get/response/$ref"),
        "{stderr}"
    );
}

#[test]
fn not_json_and_not_discovery_and_missing_files_are_clear_errors() {
    let dir = scratch("not-json");
    std::fs::write(dir.join("broken.json"), "{\"kind\": ").unwrap();
    std::fs::write(dir.join("other.json"), r#"{"openapi": "3.0.0"}"#).unwrap();
    for (file, expected) in [
        ("broken.json", "cannot read as JSON"),
        ("other.json", "not a discovery document"),
        ("absent.json", "cannot read"),
    ] {
        let output = discogen(&["generate", file, "--out", "out"], &dir);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{file}: {stderr}");
        assert!(
            stderr.contains(file) && stderr.contains(expected),
            "{file}: {stderr}"
        );
    }
    assert!(!dir.join("out").exists());
}

#[test]
fn an_unknown_resource_lists_the_ones_that_exist() {
    let doc = workspace().join("discovery/networkconnectivity.v1.json");
    let dir = scratch("unknown-resource");
    let output = discogen(
        &[
            "generate",
            doc.to_str().unwrap(),
            "--out",
            "out",
            "--resource",
            "projects.nothing",
        ],
        &dir,
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.contains("projects.nothing") && stderr.contains("locations"),
        "{stderr}"
    );
}

#[test]
fn check_lists_differing_missing_and_extra_files_and_generate_fixes_them() {
    let doc = workspace().join("discovery/networkconnectivity.v1.json");
    let doc = doc.to_str().unwrap();
    let dir = scratch("check");
    let output = discogen(&["generate", doc, "--out", "crate"], &dir);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("created"));
    let clean = discogen(&["check", doc, "--out", "crate"], &dir);
    assert!(
        clean.status.success(),
        "{}",
        String::from_utf8_lossy(&clean.stdout)
    );

    std::fs::write(dir.join("crate/src/models.rs"), "// edited by hand\n").unwrap();
    std::fs::remove_file(dir.join("crate/README.md")).unwrap();
    std::fs::write(dir.join("crate/src/notes.rs"), "// mine\n").unwrap();
    let stale = discogen(&["check", doc, "--out", "crate"], &dir);
    let stdout = String::from_utf8_lossy(&stale.stdout);
    assert_eq!(stale.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("differs: src/models.rs"), "{stdout}");
    assert!(stdout.contains("missing: README.md"), "{stdout}");
    assert!(stdout.contains("extra:   src/notes.rs"), "{stdout}");
    assert!(stdout.contains("discogen -- generate"), "{stdout}");

    // Generate restores generated files but never deletes a file it did not write.
    let output = discogen(&["generate", doc, "--out", "crate"], &dir);
    assert!(output.status.success());
    assert!(dir.join("crate/src/notes.rs").exists());
    std::fs::remove_file(dir.join("crate/src/notes.rs")).unwrap();
    assert!(discogen(&["check", doc, "--out", "crate"], &dir)
        .status
        .success());
}

#[test]
fn generate_removes_generated_files_it_no_longer_produces() {
    let doc = workspace().join("discovery/networkconnectivity.v1.json");
    let doc = doc.to_str().unwrap();
    let dir = scratch("remove");
    assert!(discogen(&["generate", doc, "--out", "crate"], &dir)
        .status
        .success());
    // A file left by an earlier generation (a resource since removed from the document)...
    let stale = dir.join("crate/src/resources/projects/locations/hubs.rs");
    std::fs::write(
        &stale,
        "// @generated by discogen from networkconnectivity.v1.json revision 1; do not edit\n",
    )
    .unwrap();
    let output = discogen(&["generate", doc, "--out", "crate"], &dir);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    assert!(
        stdout.contains("removed") && stdout.contains("hubs.rs"),
        "{stdout}"
    );
    assert!(!stale.exists());
    assert!(discogen(&["check", doc, "--out", "crate"], &dir)
        .status
        .success());
}

#[test]
fn a_path_variable_that_is_no_parameter_is_refused_with_its_json_pointer() {
    let dir = scratch("refused");
    let doc = workspace().join("tests/fixtures/refused/pathvariable.json");
    let output = discogen(&["generate", doc.to_str().unwrap(), "--out", "crate"], &dir);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("at /resources/things/methods/get/path") && stderr.contains("{thingId}"),
        "{stderr}"
    );
    assert!(!dir.join("crate").exists());
}

#[test]
fn older_and_minimal_documents_generate_with_a_warning() {
    let dir = scratch("lenient");
    for (name, warning) in [
        ("oldkind", "discovery#describeItem"),
        ("rooturl", "no rootUrl"),
    ] {
        let doc = workspace().join(format!("tests/fixtures/{name}.json"));
        let output = discogen(&["generate", doc.to_str().unwrap(), "--out", name], &dir);
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(warning), "{stderr}");
    }
}

#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    let revisions = workspace().join("tests/fixtures/revisions");
    // A pipe whose reader is already gone, as after `| head -c 1`: the first write fails
    // (the diff is smaller than a pipe's buffer, so a reader that closes later might miss it).
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_discogen"))
        .args(["diff", "--format", "human"])
        .arg(revisions.join("networkconnectivity.v1.20220817.json"))
        .arg(revisions.join("networkconnectivity.v1.20240923.json"))
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
}
