//! Property tests of every parser of what a server sends: `Retry-After` (seconds and HTTP
//! dates), protobuf durations, Google error bodies and their details. Over arbitrary input
//! they never panic, and where the input is well formed they read what it says. The case
//! counts keep the whole file to a few seconds.

use std::time::{Duration, SystemTime};

use discogen_runtime::reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
use discogen_runtime::{parse_duration, parse_retry_after, ErrorDetail, ServiceError, Status};
use proptest::prelude::*;
use serde_json::{json, Value};

/// The detail types `ErrorDetail` decodes, by their `@type` name.
const KNOWN_DETAILS: &[&str] = &[
    "google.rpc.ErrorInfo",
    "google.rpc.RetryInfo",
    "google.rpc.BadRequest",
    "google.rpc.ResourceInfo",
    "google.rpc.QuotaFailure",
    "google.rpc.Help",
    "google.rpc.LocalizedMessage",
];

/// Member names the parsers look for, and others.
fn member_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "@type",
            "retryDelay",
            "reason",
            "domain",
            "metadata",
            "fieldViolations",
            "field",
            "description",
            "violations",
            "subject",
            "links",
            "url",
            "locale",
            "message",
            "code",
            "status",
            "details",
            "error",
            "error_description",
            "resourceName",
        ])
        .prop_map(str::to_string),
        ".{0,8}",
    ]
}

/// A string of the shape a duration, a number or a type name has, or anything.
fn wire_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[-+]?[0-9]{0,25}(\\.[0-9]{0,15})?[se]?[0-9]{0,3}s?",
        prop::sample::select(KNOWN_DETAILS.to_vec())
            .prop_map(|t| format!("type.googleapis.com/{t}")),
        ".{0,24}",
    ]
}

/// Any JSON value, with the member names and strings Google's error bodies have.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        wire_text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(member_name(), inner, 0..6)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// A detail object of a known or unknown type, with arbitrary members.
fn detail() -> impl Strategy<Value = Value> {
    (
        wire_text(),
        prop::collection::btree_map(member_name(), json_value(), 0..6),
    )
        .prop_map(|(kind, members)| {
            let mut object: serde_json::Map<String, Value> = members.into_iter().collect();
            object.insert("@type".to_string(), Value::String(kind));
            Value::Object(object)
        })
}

/// Google's error body with arbitrary members.
fn google_error() -> impl Strategy<Value = Vec<u8>> {
    (
        json_value(),
        json_value(),
        json_value(),
        prop::collection::vec(prop_oneof![detail(), json_value()], 0..5),
    )
        .prop_map(|(code, message, status, details)| {
            json!({"error": {"code": code, "message": message, "status": status, "details": details}})
                .to_string()
                .into_bytes()
        })
}

/// Bytes of an error body: Google's shape with arbitrary members, the same cut or with a
/// byte changed, any JSON, or any bytes.
fn error_body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        google_error(),
        (google_error(), any::<prop::sample::Index>())
            .prop_map(|(body, cut)| body[..cut.index(body.len() + 1)].to_vec()),
        (google_error(), any::<prop::sample::Index>(), any::<u8>()).prop_map(
            |(mut body, at, byte)| {
                if !body.is_empty() {
                    let at = at.index(body.len());
                    body[at] = byte;
                }
                body
            }
        ),
        json_value().prop_map(|v| json!({"error": v}).to_string().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..256),
    ]
}

/// Any moment between 1970 and about 2500.
fn moment() -> impl Strategy<Value = SystemTime> {
    (0u64..16_725_225_600).prop_map(|secs| SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}

/// A header map with this `Retry-After`, when the bytes can be a header value at all.
fn headers_with_retry_after(value: &[u8]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_bytes(value) {
        headers.insert(RETRY_AFTER, value);
    }
    headers
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn durations_of_any_text_never_panic(text in prop_oneof![wire_text(), any::<String>()]) {
        let _ = parse_duration(&text);
    }

    #[test]
    fn well_formed_durations_read_exactly(secs in any::<u64>(), nanos in 0u32..1_000_000_000) {
        prop_assert_eq!(
            parse_duration(&format!("{secs}.{nanos:09}s")),
            Some(Duration::new(secs, nanos))
        );
        prop_assert_eq!(parse_duration(&format!("{secs}s")), Some(Duration::from_secs(secs)));
        prop_assert_eq!(parse_duration(&format!("-{secs}.{nanos:09}s")), Some(Duration::ZERO));
    }

    #[test]
    fn durations_beyond_a_u64_are_clamped(digits in "[1-9][0-9]{20,40}", fraction in "[0-9]{0,20}") {
        let parsed = parse_duration(&format!("{digits}.{fraction}s")).unwrap();
        prop_assert_eq!(parsed.as_secs(), u64::MAX);
    }

    #[test]
    fn retry_after_of_any_text_never_panics(
        text in prop_oneof![wire_text(), any::<String>(), "[A-Za-z]{3}, [0-9]{1,2} [A-Za-z]{3} [0-9]{1,5} [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2} GMT"],
        now in moment(),
    ) {
        let _ = parse_retry_after(&text, now);
    }

    #[test]
    fn retry_after_in_seconds_reads_exactly_or_clamps(digits in "[0-9]{1,40}", now in moment()) {
        let expected = digits.parse::<u64>().unwrap_or(u64::MAX);
        prop_assert_eq!(parse_retry_after(&digits, now), Some(Duration::from_secs(expected)));
    }

    #[test]
    fn retry_after_as_a_date_is_the_time_until_then(
        now in 0u64..16_725_225_600,
        ahead in 0u64..10_000_000,
        behind in 0u64..10_000_000,
    ) {
        // HTTP dates have whole seconds, and none before 1970.
        let at = |secs: u64| SystemTime::UNIX_EPOCH + Duration::from_secs(secs);
        let later = httpdate::fmt_http_date(at(now + ahead));
        prop_assert_eq!(parse_retry_after(&later, at(now)), Some(Duration::from_secs(ahead)));
        let earlier = httpdate::fmt_http_date(at(now.saturating_sub(behind)));
        prop_assert_eq!(parse_retry_after(&earlier, at(now)), Some(Duration::ZERO));
    }

    #[test]
    fn details_of_any_shape_decode_without_panicking(value in prop_oneof![detail(), json_value()]) {
        let decoded = ErrorDetail::decode(&value);
        let kind = value.get("@type").and_then(Value::as_str).unwrap_or_default();
        let known = KNOWN_DETAILS.iter().any(|k| kind.rsplit('/').next() == Some(k));
        // A detail of a known type always decodes as that type, whatever its members.
        prop_assert_eq!(known, !matches!(decoded, ErrorDetail::Other(_)), "{:?}", decoded);
        if let ErrorDetail::RetryInfo(info) = decoded {
            let delay = value.get("retryDelay").and_then(Value::as_str);
            prop_assert_eq!(info.retry_delay, delay.and_then(parse_duration));
        }
    }

    #[test]
    fn error_bodies_of_any_bytes_never_panic(
        status in any::<u16>(),
        body in error_body(),
        retry_after in prop_oneof![wire_text().prop_map(String::into_bytes), prop::collection::vec(any::<u8>(), 0..40)],
    ) {
        let _ = Status::from_error_body(&body);
        let error = ServiceError::new(status, headers_with_retry_after(&retry_after), &body);
        let _ = (error.details(), error.retry_after(), error.status_name(), error.message());
        let _ = format!("{error:?}");
        // Display shows an excerpt (200 characters, control ones escaped), however long the
        // body or its message, and no control character of the server's.
        let shown = error.to_string();
        prop_assert!(shown.chars().count() < 1400, "{}", shown);
        prop_assert!(!shown.contains(|c: char| c.is_control()), "{:?}", shown);
        if let Some(status) = &error.error {
            let _ = (status.to_string(), status.decoded_details());
        }
    }

    #[test]
    fn a_retry_info_detail_sets_the_wait_when_the_header_does_not(delay in wire_text()) {
        let body = json!({"error": {"code": 503, "details": [
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": delay}
        ]}});
        let error = ServiceError::new(503, HeaderMap::new(), body.to_string().as_bytes());
        prop_assert_eq!(error.retry_after(), parse_duration(&delay));
    }
}

#[test]
fn the_values_of_issue_10_read_without_panicking() {
    let now = SystemTime::now();
    assert_eq!(
        parse_retry_after("18446744073709551615", now),
        Some(Duration::from_secs(u64::MAX))
    );
    assert_eq!(parse_duration("1e20s"), None);
    let body = json!({"error": {"code": 503, "details": [
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "1e20s"}
    ]}});
    let error = ServiceError::new(
        503,
        headers_with_retry_after(b"18446744073709551615"),
        body.to_string().as_bytes(),
    );
    assert_eq!(error.retry_after(), Some(Duration::from_secs(u64::MAX)));
    assert!(matches!(
        error.details()[0],
        ErrorDetail::RetryInfo(ref info) if info.retry_delay.is_none()
    ));
}
