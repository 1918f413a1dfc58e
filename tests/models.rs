//! Behaviour of generated models on the wire, through crates generated from the fixtures.

use serde_json::json;

#[test]
fn int64_is_written_as_a_string_and_read_from_strings_or_numbers() {
    use int64_v1::models::Counters;
    let from_strings: Counters = serde_json::from_value(json!({
        "total": "9007199254740993",
        "unsignedTotal": "18446744073709551615",
        "small": 7,
        "history": ["1", "-2"],
        "byZone": {"a": "3"},
        "matrix": [["4"], []]
    }))
    .unwrap();
    assert_eq!(from_strings.total, Some(9_007_199_254_740_993));
    assert_eq!(from_strings.unsigned_total, Some(u64::MAX));
    assert_eq!(from_strings.history, Some(vec![1, -2]));
    assert_eq!(from_strings.by_zone.as_ref().unwrap()["a"], 3);
    assert_eq!(from_strings.matrix, Some(vec![vec![4], vec![]]));

    let from_numbers: Counters =
        serde_json::from_value(json!({"total": 12, "history": [5], "byZone": {"b": 6}})).unwrap();
    assert_eq!(from_numbers.total, Some(12));
    assert_eq!(from_numbers.history, Some(vec![5]));

    let written = serde_json::to_value(&from_strings).unwrap();
    assert_eq!(written["total"], json!("9007199254740993"));
    assert_eq!(written["history"], json!(["1", "-2"]));
    assert_eq!(written["byZone"], json!({"a": "3"}));
    assert_eq!(written["matrix"], json!([["4"], []]));
    assert_eq!(written["small"], json!(7));
    // Unset fields are not written at all.
    assert!(written.get("ratio").is_none());
}

#[test]
fn int64_refuses_what_is_not_an_integer() {
    use int64_v1::models::Counters;
    let error = serde_json::from_value::<Counters>(json!({"total": "12abc"}))
        .unwrap_err()
        .to_string();
    assert!(error.contains("12abc"), "{error}");
    assert!(serde_json::from_value::<Counters>(json!({"unsignedTotal": -1})).is_err());
    assert!(serde_json::from_value::<Counters>(json!({"total": 1.5})).is_err());
}

#[test]
fn floats_carry_nan_and_infinities_as_strings() {
    use int64_v1::models::Counters;
    let read: Counters = serde_json::from_value(json!({
        "ratio": "NaN",
        "weight": "-Infinity",
        "samples": [1.5, "Infinity", 2, "0.25"]
    }))
    .unwrap();
    assert!(read.ratio.unwrap().is_nan());
    assert_eq!(read.weight, Some(f32::NEG_INFINITY));
    assert_eq!(read.samples, Some(vec![1.5, f64::INFINITY, 2.0, 0.25]));

    let written = serde_json::to_value(&read).unwrap();
    assert_eq!(written["ratio"], json!("NaN"));
    assert_eq!(written["weight"], json!("-Infinity"));
    assert_eq!(written["samples"], json!([1.5, "Infinity", 2.0, 0.25]));
    assert!(serde_json::from_value::<Counters>(json!({"ratio": "lots"})).is_err());
}

#[test]
fn bytes_are_base64_in_either_alphabet() {
    use int64_v1::models::Counters;
    let bytes = vec![0xfb, 0xff, 0x00, 0x3e];
    // Standard alphabet with padding, URL-safe without: both read.
    for text in ["+/8APg==", "-_8APg", "+/8APg"] {
        let read: Counters = serde_json::from_value(json!({ "digest": text })).unwrap();
        assert_eq!(read.digest.as_ref(), Some(&bytes), "{text}");
    }
    let mut counters = Counters::default();
    counters.digest = Some(bytes);
    let written = serde_json::to_value(counters).unwrap();
    assert_eq!(written["digest"], json!("+/8APg=="));
    let error = serde_json::from_value::<Counters>(json!({"digest": "not base64!"}))
        .unwrap_err()
        .to_string();
    assert!(error.contains("invalid base64"), "{error}");
}

#[test]
fn unknown_members_survive_a_round_trip() {
    use maps_v1::models::Bag;
    let input = json!({
        "labels": {"env": "prod"},
        "anything": [1, {"deep": null}],
        "attributes": {"@type": "type.googleapis.com/x", "n": 1},
        "children": {"a": {"name": "child", "extra": true}},
        "nested": {"x": {"y": 2}},
        "inline": {"depth": 1, "deeper": {"leaf": "l"}},
        "aliased": ["a", "b"],
        "addedLater": {"some": ["thing"]}
    });
    let bag: Bag = serde_json::from_value(input.clone()).unwrap();
    assert_eq!(
        bag.inline
            .as_ref()
            .unwrap()
            .deeper
            .as_ref()
            .unwrap()
            .leaf
            .as_deref(),
        Some("l")
    );
    assert_eq!(
        bag.children.as_ref().unwrap()["a"].unknown_fields["extra"],
        json!(true).into()
    );
    assert_eq!(
        bag.unknown_fields["addedLater"],
        json!({"some": ["thing"]}).into()
    );
    assert_eq!(serde_json::to_value(&bag).unwrap(), input);
}

#[test]
fn enums_keep_values_they_do_not_know() {
    use enums_v1::models::{Level, Signal, SignalState};
    let signal: Signal =
        serde_json::from_value(json!({"state": "UNKNOWN", "level": "HIGH"})).unwrap();
    assert_eq!(signal.state, Some(SignalState::Unknown));
    assert_eq!(signal.level, Some(Level::High));

    let signal: Signal = serde_json::from_value(json!({"state": "UNKNOWN_VALUE"})).unwrap();
    assert_eq!(signal.state, Some(SignalState::UnknownValue2));

    let newer: Signal = serde_json::from_value(json!({"state": "ADDED_NEXT_YEAR"})).unwrap();
    assert_eq!(
        newer.state,
        Some(SignalState::UnknownValue("ADDED_NEXT_YEAR".to_string()))
    );
    assert_eq!(
        serde_json::to_value(&newer).unwrap(),
        json!({"state": "ADDED_NEXT_YEAR"})
    );

    for (variant, wire) in [
        (SignalState::SelfValue, "SELF"),
        (SignalState::V30days, "30DAYS"),
        (SignalState::LowerCase, "lower-case"),
    ] {
        assert_eq!(variant.as_str(), wire);
        assert_eq!(SignalState::from(wire), variant);
        assert_eq!(variant.to_string(), wire);
    }
}

#[test]
fn odd_and_colliding_names_keep_their_wire_names() {
    use naming_v1::models::{OptionModel, Thing};
    let input = json!({
        "type": "a", "@type": "b", "match": "c", "self": "d", "$ref": "e", "kind.name": "f",
        "30days": true, "fooBar": "g", "foo_bar": "h", "unknownFields": "i",
        "option": {"value": "j"}
    });
    let thing: Thing = serde_json::from_value(input.clone()).unwrap();
    assert_eq!(thing.r#type.as_deref(), Some("a"));
    assert_eq!(thing.type_2.as_deref(), Some("b"));
    assert_eq!(thing.r#match.as_deref(), Some("c"));
    assert_eq!(thing.self_.as_deref(), Some("d"));
    assert_eq!(thing.foo_bar_2.as_deref(), Some("h"));
    assert_eq!(thing.unknown_fields_2.as_deref(), Some("i"));
    assert_eq!(thing._30days, Some(true));
    let mut option = OptionModel::default();
    option.value = Some("j".into());
    assert_eq!(thing.option, Some(option));
    assert!(thing.unknown_fields.is_empty());
    assert_eq!(serde_json::to_value(&thing).unwrap(), input);
}

#[test]
fn recursive_schemas_nest() {
    use recursion_v1::models::{Node, Pair};
    let input = json!({"value": "a", "next": {"value": "b", "pair": {"left": {"value": "c"}}}, "children": [{"value": "d"}]});
    let node: Node = serde_json::from_value(input.clone()).unwrap();
    let next: &Node = node.next.as_deref().unwrap();
    let pair: &Pair = next.pair.as_deref().unwrap();
    assert_eq!(pair.left.as_ref().unwrap().value.as_deref(), Some("c"));
    assert_eq!(serde_json::to_value(&node).unwrap(), input);
}

/// A list method whose page holds a single list of strings streams those strings, and a
/// required query parameter is positional.
#[allow(dead_code)]
fn list_items_are_typed(service: &paging_v1::Service) -> paging_v1::PageStream<String> {
    use paging_v1::prelude::*;
    service
        .widgets()
        .list_names("my-project", "required-value")
        .items()
}
