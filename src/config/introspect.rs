//! The field names a `Deserialize` struct accepts, read from what it asks the
//! deserializer for, so "unknown key" messages can list and suggest keys.

use serde::Deserializer;
use serde::de::{Error as _, Visitor, value::Error};

pub struct FieldNames<'a>(pub &'a mut Vec<&'static str>);

impl<'de> Deserializer<'de> for FieldNames<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Error> {
        Err(Error::custom("field introspection"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Error> {
        self.0.extend_from_slice(fields);
        Err(Error::custom("field introspection"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

/// The closest known key, when it is close enough to be a likely typo.
pub fn suggest<'a>(unknown: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(unknown, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct S {
        latitude: f64,
        longitude: f64,
    }

    #[test]
    fn reads_struct_fields_and_suggests() {
        let mut names = Vec::new();
        assert!(S::deserialize(FieldNames(&mut names)).is_err());
        assert_eq!(names, ["latitude", "longitude"]);
        assert_eq!(suggest("latitud", &names), Some("latitude"));
        assert_eq!(suggest("colour", &names), None);
    }
}
