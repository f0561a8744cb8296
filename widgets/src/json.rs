//! Reading provider JSON that is loose about types: numbers sent as strings
//! ("148.85001", "-0.1148%"), or as JSON numbers, or not at all.

use serde::{Deserialize, Deserializer};

#[derive(Deserialize)]
#[serde(untagged)]
enum Loose {
    Num(f64),
    Text(String),
    Other(serde::de::IgnoredAny),
}

/// A number, or a string holding one (a trailing `%` is allowed); anything
/// else, including null, an empty string or "None", is `None`.
pub fn flex_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(match Option::<Loose>::deserialize(d)? {
        Some(Loose::Num(n)) if n.is_finite() => Some(n),
        Some(Loose::Text(s)) => s
            .trim()
            .trim_end_matches('%')
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite()),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "flex_f64")]
        v: Option<f64>,
    }

    #[test]
    fn numbers_strings_and_junk() {
        let v = |j: &str| serde_json::from_str::<T>(j).unwrap().v;
        assert_eq!(v(r#"{"v": 1.5}"#), Some(1.5));
        assert_eq!(v(r#"{"v": "148.85001"}"#), Some(148.85001));
        assert_eq!(v(r#"{"v": "-0.1148%"}"#), Some(-0.1148));
        assert_eq!(v(r#"{"v": "None"}"#), None);
        assert_eq!(v(r#"{"v": null}"#), None);
        assert_eq!(v(r#"{"v": [1]}"#), None);
        assert_eq!(v(r#"{}"#), None);
    }
}
