//! Shared pieces of the benchmarks: the operations the fake service serves, and CPU and memory
//! readings of this process.

use serde_json::{json, Value};

/// The `i`th operation as the service would send it, with metadata, a response, and a member
/// the discovery document does not describe (kept by the typed client).
pub fn operation(i: usize) -> Value {
    let parent = "projects/bench-project/locations/us-central1";
    json!({
        "name": format!("{parent}/operations/op-{i:08}"),
        "metadata": {
            "@type": "type.googleapis.com/google.cloud.networkconnectivity.v1.OperationMetadata",
            "createTime": "2026-11-29T08:00:00.123456789Z",
            "endTime": "2026-11-29T08:00:05.987654321Z",
            "target": format!("{parent}/hubs/hub-{i}"),
            "verb": "create",
            "requestedCancellation": false,
            "apiVersion": "v1"
        },
        "done": true,
        "response": {
            "@type": "type.googleapis.com/google.cloud.networkconnectivity.v1.Hub",
            "name": format!("{parent}/hubs/hub-{i}"),
            "labels": {"team": "network", "env": "prod"},
            "state": "ACTIVE",
            "uniqueId": "5f2c0a9e-8d1b-4c3e-9a7f-1b2c3d4e5f60"
        },
        "futureField": {"addedIn": "a later revision", "index": i}
    })
}

/// A list page of `count` operations starting at `start`, with a next page token unless it is
/// the last of `total`.
pub fn page(start: usize, count: usize, total: usize) -> Value {
    let end = (start + count).min(total);
    let mut page = json!({ "operations": (start..end).map(operation).collect::<Vec<_>>() });
    if end < total {
        page["nextPageToken"] = json!(end.to_string());
    }
    page
}

/// User plus system CPU time of this process so far.
pub fn cpu_time() -> std::time::Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let tv = |t: libc::timeval| {
        std::time::Duration::from_secs(t.tv_sec as u64)
            + std::time::Duration::from_micros(t.tv_usec as u64)
    };
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// Peak resident set size of this process, in MiB.
pub fn peak_rss_mib() -> f64 {
    // SAFETY: as above.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    usage.ru_maxrss as f64 / 1024.0
}
