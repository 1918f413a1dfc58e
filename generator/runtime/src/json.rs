//! Google's JSON forms, and the decoding of generated models.
//!
//! Google maps protocol buffers to JSON with a few forms that differ from serde's defaults:
//! 64-bit integers are JSON strings (JavaScript cannot hold them in a number); floats are
//! numbers, except NaN and the infinities, which are the strings `"NaN"`, `"Infinity"` and
//! `"-Infinity"`; bytes are base64 text. [`Json`] is how every type a model field can hold is
//! read and written in those forms, however deeply inside options, lists and maps. Reading is
//! lenient where Google's parsers are: integers as strings or numbers, floats as numbers or
//! numeric strings, base64 in the standard or the URL-safe alphabet, with or without padding.
//!
//! Generated models implement [`Json`], `serde::Serialize` and `serde::Deserialize` through the
//! [`model!`](crate::model) macro, which decodes an object in one pass: known members into their
//! fields, every other member kept as JSON in the model's map of unknown members. (serde's
//! `flatten` would buffer every member of every object first.)

use serde::de::{self, Deserializer, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

/// A type with a Google JSON form: every type a generated model field, request body or reply
/// can be.
pub trait Json: Sized {
    /// Writes the value in its JSON form.
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
    /// Reads the value from its JSON form.
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

/// Serializes any [`Json`] value in its JSON form.
#[doc(hidden)]
pub struct Out<'a, T>(pub &'a T);

impl<T: Json> Serialize for Out<'_, T> {
    #[inline]
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.write(serializer)
    }
}

/// Deserializes any [`Json`] value from its JSON form.
#[doc(hidden)]
pub struct In<T>(pub T);

impl<'de, T: Json> Deserialize<'de> for In<T> {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::read(deserializer).map(In)
    }
}

/// An object member's name, borrowed from the input when it can be.
#[doc(hidden)]
pub enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    #[inline]
    pub fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(key) => key,
            Key::Owned(key) => key,
        }
    }

    pub fn into_string(self) -> String {
        match self {
            Key::Borrowed(key) => key.to_string(),
            Key::Owned(key) => key,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Types whose JSON form is serde's own.
macro_rules! plain {
    ($($t:ty),*) => {$(
        impl Json for $t {
            #[inline]
            fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                Serialize::serialize(self, serializer)
            }
            #[inline]
            fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                Deserialize::deserialize(deserializer)
            }
        }
    )*};
}

plain!(String, bool, i32, u32, serde_json::Value);

/// `()`: a reply whose body is not read (any JSON is accepted), and the body of a method
/// without one.
impl Json for () {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_unit()
    }
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        de::IgnoredAny::deserialize(deserializer).map(|_| ())
    }
}

/// Reads an integer given as a JSON string or number.
struct IntegerVisitor<T>(PhantomData<T>);

impl<T> Visitor<'_> for IntegerVisitor<T>
where
    T: TryFrom<i64> + TryFrom<u64> + std::str::FromStr,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a {} as a string or a number",
            std::any::type_name::<T>()
        )
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.parse()
            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }
}

macro_rules! integer_as_string {
    ($($t:ty),*) => {$(
        impl Json for $t {
            fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
            fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any(IntegerVisitor::<$t>(PhantomData))
            }
        }
    )*};
}

integer_as_string!(i64, u64);

/// Reads a float given as a JSON number or as a string (`"NaN"`, `"Infinity"`, `"1.5"`).
struct FloatVisitor;

impl Visitor<'_> for FloatVisitor {
    type Value = f64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number, or \"NaN\", \"Infinity\" or \"-Infinity\"")
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        match v {
            "NaN" => Ok(f64::NAN),
            "Infinity" => Ok(f64::INFINITY),
            "-Infinity" => Ok(f64::NEG_INFINITY),
            _ => v
                .parse()
                .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }
}

/// Writes a float as a number, or as a string when JSON has no number for it.
fn write_float<S: Serializer>(value: f64, serializer: S) -> Result<S::Ok, S::Error> {
    if value.is_nan() {
        serializer.serialize_str("NaN")
    } else if value.is_infinite() {
        serializer.serialize_str(if value > 0.0 { "Infinity" } else { "-Infinity" })
    } else {
        serializer.serialize_f64(value)
    }
}

impl Json for f64 {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        write_float(*self, serializer)
    }
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(FloatVisitor)
    }
}

impl Json for f32 {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.is_finite() {
            serializer.serialize_f32(*self)
        } else {
            write_float(f64::from(*self), serializer)
        }
    }
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Out-of-range values become infinities, as in Google's own parsers.
        Ok(deserializer.deserialize_any(FloatVisitor)? as f32)
    }
}

/// Bytes as base64: written in the standard alphabet with padding, read in either alphabet.
impl Json for Vec<u8> {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use base64::Engine as _;
        serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(self))
    }
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use base64::Engine as _;
        let text = String::deserialize(deserializer)?;
        let unpadded = text.trim_end_matches('=');
        let engine = if unpadded.contains(['-', '_']) {
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
        } else {
            &base64::engine::general_purpose::STANDARD_NO_PAD
        };
        engine
            .decode(unpadded)
            .map_err(|e| de::Error::custom(format!("invalid base64: {e}")))
    }
}

impl<T: Json> Json for Option<T> {
    #[inline]
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(value) => serializer.serialize_some(&Out(value)),
            None => serializer.serialize_none(),
        }
    }
    #[inline]
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<In<T>>::deserialize(deserializer)?.map(|v| v.0))
    }
}

impl<T: Json> Json for Box<T> {
    #[inline]
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).write(serializer)
    }
    #[inline]
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::read(deserializer).map(Box::new)
    }
}

impl<T: Json> Json for Vec<T> {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter().map(Out))
    }
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SeqVisitor<T>(PhantomData<T>);
        impl<'de, T: Json> Visitor<'de> for SeqVisitor<T> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON array")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
                // The hint comes from the input: never trust it beyond a small bound.
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
                while let Some(In(item)) = seq.next_element::<In<T>>()? {
                    out.push(item);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_seq(SeqVisitor(PhantomData))
    }
}

impl<T: Json> Json for BTreeMap<String, T> {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter().map(|(k, v)| (k, Out(v))))
    }
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<T>(PhantomData<T>);
        impl<'de, T: Json> Visitor<'de> for MapVisitor<T> {
            type Value = BTreeMap<String, T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<BTreeMap<String, T>, A::Error> {
                let mut out = BTreeMap::new();
                while let Some((key, In(value))) = map.next_entry::<String, In<T>>()? {
                    out.insert(key, value);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

/// JSON kept as received: an `any` value of the document, a map of them (an operation's
/// `metadata` or `response`), or a member this crate does not know. It is checked to be JSON
/// when read but decoded only when asked ([`RawJson::parse`], [`RawJson::to_value`]), which
/// keeps reading a reply fast; it is written back exactly as received.
///
/// It is read from serde_json (text or a `serde_json::Value`), the format of Google's APIs.
#[derive(Clone)]
pub struct RawJson(Box<serde_json::value::RawValue>);

impl RawJson {
    /// The JSON text, as received.
    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// Decodes the JSON as `T`: a generated model, `String`, `serde_json::Value`...
    pub fn parse<T: Json>(&self) -> Result<T, serde_json::Error> {
        from_slice(self.get().as_bytes())
    }

    /// The JSON as a `serde_json::Value` (an error only for numbers a `Value` cannot hold).
    pub fn to_value(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_str(self.get())
    }

    /// JSON holding `value`.
    pub fn from_value(value: &serde_json::Value) -> RawJson {
        match serde_json::value::to_raw_value(value) {
            Ok(raw) => RawJson(raw),
            // A `Value` always serializes; `null` keeps this total.
            Err(_) => RawJson::default(),
        }
    }

    /// Whether it is JSON `null`.
    pub fn is_null(&self) -> bool {
        self.get().trim() == "null"
    }
}

impl Default for RawJson {
    /// JSON `null`.
    fn default() -> Self {
        RawJson(serde_json::value::RawValue::NULL.to_owned())
    }
}

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.get())
    }
}

impl fmt::Display for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.get())
    }
}

/// Equal when they hold the same JSON value, whatever its spelling.
impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
            || matches!((self.to_value(), other.to_value()), (Ok(a), Ok(b)) if a == b)
    }
}

impl From<serde_json::Value> for RawJson {
    fn from(value: serde_json::Value) -> Self {
        RawJson::from_value(&value)
    }
}

impl From<&serde_json::Value> for RawJson {
    fn from(value: &serde_json::Value) -> Self {
        RawJson::from_value(value)
    }
}

impl Json for RawJson {
    #[inline]
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
    #[inline]
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Box::<serde_json::value::RawValue>::deserialize(deserializer).map(RawJson)
    }
}

impl Serialize for RawJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.write(serializer)
    }
}

impl<'de> Deserialize<'de> for RawJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        RawJson::read(deserializer)
    }
}

/// Decodes a value from JSON bytes.
pub fn from_slice<T: Json>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = T::read(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// Encodes a value as JSON bytes.
pub fn to_vec<T: Json>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    serde_json::to_vec(&Out(value))
}

/// Decodes a value from a `serde_json::Value` (an operation's `response` or `metadata`).
pub fn from_value<T: Json>(value: serde_json::Value) -> Result<T, serde_json::Error> {
    T::read(value)
}

/// Implements [`Json`], `serde::Serialize` and `serde::Deserialize` for a generated model: a
/// struct whose fields are all `Option`s, each read from and written to the member of the
/// given wire name (`field: "wireName"`), and a map that keeps every other member as
/// [`RawJson`].
///
/// ```
/// #[derive(Clone, Debug, Default, PartialEq)]
/// pub struct Hub {
///     pub name: Option<String>,
///     pub r#type: Option<i64>,
///     pub unknown_fields: std::collections::BTreeMap<String, discogen_runtime::RawJson>,
/// }
/// discogen_runtime::model!(Hub { name: "name", r#type: "@type" }, unknown_fields);
///
/// let hub: Hub = serde_json::from_str(r#"{"name":"a","@type":"7","extra":[1]}"#).unwrap();
/// assert_eq!(hub.r#type, Some(7));
/// assert_eq!(hub.unknown_fields["extra"].get(), "[1]");
/// assert_eq!(
///     serde_json::to_string(&hub).unwrap(),
///     r#"{"name":"a","@type":"7","extra":[1]}"#
/// );
/// ```
#[macro_export]
macro_rules! model {
    ($name:ident { $($field:ident : $wire:literal),* $(,)? }, $unknown:ident) => {
        impl $crate::json::Json for $name {
            fn write<S: $crate::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                use $crate::serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(::core::option::Option::None)?;
                $(
                    if let ::core::option::Option::Some(value) = &self.$field {
                        map.serialize_entry($wire, &$crate::json::Out(value))?;
                    }
                )*
                for (key, value) in &self.$unknown {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
            fn read<'de, D: $crate::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                struct ModelVisitor;
                impl<'de> $crate::serde::de::Visitor<'de> for ModelVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        f.write_str(::core::concat!("a JSON object (", ::core::stringify!($name), ")"))
                    }
                    fn visit_map<A: $crate::serde::de::MapAccess<'de>>(self, mut map: A) -> ::core::result::Result<$name, A::Error> {
                        let mut out = <$name as ::core::default::Default>::default();
                        while let ::core::option::Option::Some(key) = map.next_key::<$crate::json::Key<'de>>()? {
                            match key.as_str() {
                                $( $wire => out.$field = map.next_value::<$crate::json::In<_>>()?.0, )*
                                _ => {
                                    let value = map.next_value::<$crate::json::RawJson>()?;
                                    out.$unknown.insert(key.into_string(), value);
                                }
                            }
                        }
                        ::core::result::Result::Ok(out)
                    }
                }
                deserializer.deserialize_map(ModelVisitor)
            }
        }
        $crate::__serde_via_json!($name);
    };
}

/// Implements [`Json`] and serde's traits for an enum of string values with a catch-all
/// variant that keeps values this crate does not know (so a value added to the API later
/// survives a read and a write), plus `as_str`, `From<&str>` and `Display`. Variants are
/// given as `Variant: "WIRE_VALUE"`.
///
/// ```
/// #[derive(Clone, Debug, PartialEq, Eq, Hash)]
/// pub enum State { Active, Deleting, UnknownValue(String) }
/// discogen_runtime::string_enum!(State { Active: "ACTIVE", Deleting: "DELETING" }, UnknownValue);
///
/// assert_eq!(State::from("ACTIVE"), State::Active);
/// assert_eq!(State::from("NEW").as_str(), "NEW");
/// ```
#[macro_export]
macro_rules! string_enum {
    ($name:ident { $($variant:ident : $wire:literal),* $(,)? }, $unknown:ident) => {
        impl $name {
            /// The value as it is sent on the wire.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )*
                    $name::$unknown(value) => value,
                }
            }
        }
        impl ::core::convert::From<&str> for $name {
            #[inline]
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => $name::$variant, )*
                    other => $name::$unknown(::std::string::ToString::to_string(other)),
                }
            }
        }
        impl ::core::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl $crate::json::Json for $name {
            fn write<S: $crate::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
            fn read<'de, D: $crate::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                let key = <$crate::json::Key<'de> as $crate::serde::Deserialize>::deserialize(deserializer)?;
                ::core::result::Result::Ok($name::from(key.as_str()))
            }
        }
        impl $crate::request::QueryValue for $name {
            #[inline]
            fn push_to<'a>(&'a self, name: &'static str, query: &mut $crate::request::Query<'a>) {
                query.push(name, self.as_str());
            }
        }
        impl $crate::request::PathValue for $name {
            #[inline]
            fn path_text(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed(self.as_str())
            }
        }
        $crate::__serde_via_json!($name);
    };
}

/// serde's traits for a type that implements [`Json`].
#[doc(hidden)]
#[macro_export]
macro_rules! __serde_via_json {
    ($name:ident) => {
        impl $crate::serde::Serialize for $name {
            #[inline]
            fn serialize<S: $crate::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::json::Json::write(self, serializer)
            }
        }
        impl<'de> $crate::serde::Deserialize<'de> for $name {
            #[inline]
            fn deserialize<D: $crate::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::json::Json::read(deserializer)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Clone, Debug, Default, PartialEq)]
    struct Sample {
        int: Option<i64>,
        ints: Option<Vec<u64>>,
        float: Option<f64>,
        bytes: Option<Vec<u8>>,
        nested: Option<Box<Sample>>,
        map: Option<BTreeMap<String, i64>>,
        r#type: Option<String>,
        unknown: BTreeMap<String, RawJson>,
    }
    crate::model!(
        Sample {
            int: "int",
            ints: "ints",
            float: "float",
            bytes: "bytes",
            nested: "nested",
            map: "map",
            r#type: "@type",
        },
        unknown
    );

    #[test]
    fn wire_forms_round_trip() {
        let text = r#"{"int":"-9007199254740993","ints":["1",2],"float":"NaN","bytes":"aGk-","nested":{"int":3,"x":null},"map":{"a":"5"},"@type":"t","other":{"k":[1]}}"#;
        let sample: Sample = from_slice(text.as_bytes()).unwrap();
        assert_eq!(sample.int, Some(-9_007_199_254_740_993));
        assert_eq!(sample.ints, Some(vec![1, 2]));
        assert!(sample.float.unwrap().is_nan());
        assert_eq!(sample.bytes.as_deref(), Some(&b"hi>"[..]));
        assert_eq!(sample.nested.as_ref().unwrap().int, Some(3));
        assert!(sample.nested.as_ref().unwrap().unknown["x"].is_null());
        assert_eq!(sample.map.as_ref().unwrap()["a"], 5);
        assert_eq!(sample.r#type.as_deref(), Some("t"));
        assert_eq!(
            sample.unknown["other"].to_value().unwrap(),
            json!({"k": [1]})
        );
        let written: serde_json::Value = serde_json::from_slice(&to_vec(&sample).unwrap()).unwrap();
        assert_eq!(
            written,
            json!({"int":"-9007199254740993","ints":["1","2"],"float":"NaN","bytes":"aGk+",
                   "nested":{"int":"3","x":null},"map":{"a":"5"},"@type":"t","other":{"k":[1]}})
        );
    }

    #[test]
    fn null_members_are_absent_values_and_wrong_shapes_are_errors() {
        let sample: Sample = from_slice(br#"{"int":null,"nested":null}"#).unwrap();
        assert_eq!(sample, Sample::default());
        assert!(from_slice::<Sample>(br#"{"int":"x"}"#).is_err());
        assert!(from_slice::<Sample>(br#"{"int":1.5}"#).is_err());
        assert!(from_slice::<Sample>(br#"[1]"#).is_err());
        assert!(from_slice::<Sample>(br#"{"int":1} trailing"#).is_err());
    }

    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    enum State {
        Active,
        SelfValue,
        UnknownValue(String),
    }
    crate::string_enum!(
        State {
            Active: "ACTIVE",
            SelfValue: "SELF"
        },
        UnknownValue
    );

    #[test]
    fn enums_keep_values_they_do_not_know() {
        let states: Vec<State> = from_slice(br#"["ACTIVE","SELF","LATER"]"#).unwrap();
        assert_eq!(
            states,
            [
                State::Active,
                State::SelfValue,
                State::UnknownValue("LATER".into())
            ]
        );
        assert_eq!(
            String::from_utf8(to_vec(&states).unwrap()).unwrap(),
            r#"["ACTIVE","SELF","LATER"]"#
        );
        assert_eq!(State::Active.to_string(), "ACTIVE");
    }
}
