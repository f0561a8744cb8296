//! The config's JSON Schema, for editors: Taplo (Even Better TOML) reads it
//! from a `#:schema` line and completes and checks every key. It is built
//! from the structs the parser reads, so a key the schema offers is one
//! `homedash check` takes, with the same words as config.example.toml.

use homedash_widgets::source::{self, Kind};
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value, json};

use super::gateway::{RawClient, RawServer};
use super::layout::{RawLayout, RawPage};
use super::oauth::OAUTH_KEYS;
use super::{Common, Dashboard, RawCredential, RawKeyring, RawKiosk, RawTheme};

/// Beside the config, where the wizard writes the schema.
pub const FILE_NAME: &str = "homedash.schema.json";
/// The first line of a config the wizard writes.
pub const DIRECTIVE: &str = "#:schema ./homedash.schema.json";

/// Letters, digits, '-' and '_': a widget id or credential name.
const NAME_PATTERN: &str = "^[A-Za-z0-9_-]+$";

/// The whole schema (JSON Schema draft 7, which Taplo reads).
pub fn generate() -> Value {
    let mut generator = SchemaSettings::draft07().into_generator();
    let mut properties = Map::new();
    properties.insert("dashboard".into(), closed::<Dashboard>(&mut generator));
    properties.insert("theme".into(), closed::<RawTheme>(&mut generator));
    properties.insert("keyring".into(), closed::<RawKeyring>(&mut generator));
    properties.insert("kiosk".into(), closed::<RawKiosk>(&mut generator));
    properties.insert(
        "widget".into(),
        json!({
            "description": "Widgets: one [widget.ID] table each. ID is letters, digits, '-' and '_'; the layout refers to widgets by it.",
            "type": "object",
            "propertyNames": { "pattern": NAME_PATTERN },
            "additionalProperties": widget(&mut generator),
        }),
    );
    properties.insert(
        "credential".into(),
        json!({
            "description": "Credentials: one [credential.NAME] table per token, saying which provider it is for and where its value comes from. The value itself is never in the config: `homedash creds add NAME` puts it in the OS keyring.",
            "type": "object",
            "propertyNames": { "pattern": NAME_PATTERN, "maxLength": 64 },
            "additionalProperties": credential(&mut generator),
        }),
    );
    properties.insert("layout".into(), closed::<RawLayout>(&mut generator));
    properties.insert(
        "page".into(),
        json!({
            "description": "Named pages instead of [layout]: keys 1-9, [ and ] or a click on the page bar switch between them.",
            "type": "array",
            "items": closed::<RawPage>(&mut generator),
        }),
    );
    properties.insert("keys".into(), keys());
    properties.insert("gateway".into(), closed::<RawClient>(&mut generator));
    properties.insert("gateway_server".into(), closed::<RawServer>(&mut generator));

    let mut definitions = Map::new();
    for (name, mut schema) in generator.take_definitions(true) {
        tidy(&mut schema);
        definitions.insert(name, schema);
    }
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "homedash config",
        "description": "homedash's config.toml: widgets, credentials (references, never values), layout or pages, theme and team mode. `homedash check` reports every problem with file:line:col.",
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
        "definitions": definitions,
    })
}

/// `what` with its first letter a capital.
fn capital(what: &str) -> String {
    let mut cs = what.chars();
    cs.next()
        .map(|c| c.to_uppercase().chain(cs).collect())
        .unwrap_or_default()
}

/// `[keys.SCOPE]`: each screen's actions, from the action table.
fn keys() -> Value {
    use crate::keymap::{SPECS, Scope};
    let key = json!({
        "type": "string",
        "description": "A character (\"r\", \"?\"), Space, Ctrl-LETTER, F1 to F12, or Enter, Esc, Tab, Shift-Tab, Backspace, Del, Up, Down, Left, Right, PgUp, PgDn, Home, End."
    });
    let mut scopes = Map::new();
    for scope in Scope::ALL {
        let mut actions = Map::new();
        for s in SPECS.iter().filter(|s| s.scope == scope) {
            let default: Vec<String> = s.keys.iter().map(|k| format!("\"{}\"", k.label())).collect();
            actions.insert(
                s.name.into(),
                json!({
                    "description": format!("{}; by default {}.", capital(s.what), default.join(", ")),
                    "anyOf": [key.clone(), { "type": "array", "items": key.clone() }],
                }),
            );
        }
        scopes.insert(
            scope.name().into(),
            json!({
                "description": format!("Keys of {}: an action's keys replace its defaults.", scope.what()),
                "type": "object",
                "properties": actions,
                "additionalProperties": false,
            }),
        );
    }
    json!({
        "description": "Your keys: [keys.dashboard], [keys.credentials], …, each ACTION = \"KEY\" or [\"KEY\", …]. A key on two actions of one screen is refused, with both places.",
        "type": "object",
        "properties": scopes,
        "additionalProperties": false,
    })
}

/// The schema as the file in assets/ and beside a wizard's config holds it.
pub fn text() -> String {
    serde_json::to_string_pretty(&generate()).unwrap_or_default()
}

/// `T`'s schema with no unknown key allowed and no `null` (TOML has none).
fn closed<T: JsonSchema>(generator: &mut SchemaGenerator) -> Value {
    let mut v = T::json_schema(generator).to_value();
    tidy(&mut v);
    v
}

/// Every struct closed to unknown keys, as the parser reports them, and
/// `Option`'s null taken out again.
fn tidy(v: &mut Value) {
    match v {
        Value::Object(o) => {
            // Only a struct's own schema: an `if`'s properties are a
            // condition, which must hold whatever else the table has.
            let is_struct = o.get("type").is_some_and(|t| t == "object") && o.contains_key("properties");
            if is_struct && !o.contains_key("additionalProperties") {
                o.insert("additionalProperties".into(), Value::Bool(false));
            }
            if let Some(Value::Array(types)) = o.get_mut("type") {
                types.retain(|t| t != "null");
                if let [one] = types.as_slice() {
                    let one = one.clone();
                    o.insert("type".into(), one);
                }
            }
            if let Some(Value::Array(any)) = o.get_mut("anyOf") {
                any.retain(|s| s.get("type").is_none_or(|t| t != "null"));
                if let [one] = any.as_slice() {
                    let one = one.clone();
                    o.remove("anyOf");
                    if let Value::Object(inner) = one {
                        o.extend(inner);
                    }
                }
            }
            // A doc comment's line breaks are not the sentence's.
            if let Some(Value::String(d)) = o.get_mut("description") {
                *d = d.split_whitespace().collect::<Vec<_>>().join(" ");
            }
            if let Some(Value::Array(values)) = o.get_mut("enum") {
                values.retain(|e| !e.is_null());
            }
            o.values_mut().for_each(tidy);
        }
        Value::Array(a) => a.iter_mut().for_each(tidy),
        _ => {}
    }
}

fn properties(schema: &Value) -> Map<String, Value> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

fn required(schema: &Value) -> Vec<Value> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// A `[widget.ID]` table. Its keys depend on kind and provider, so each
/// pair is a branch (`if` kind and provider `then` exactly its keys),
/// which also keeps an editor's message to the one branch that applies.
/// The listed properties are every key of every provider, for completion.
fn widget(generator: &mut SchemaGenerator) -> Value {
    let common = closed::<Common>(generator);
    let common_props = properties(&common);
    let mut listed = common_props.clone();
    let mut branches = Vec::new();
    let providers = source::schemas(generator);
    let mut kinds: Vec<Kind> = Vec::new();
    for info in source::ALL {
        if !kinds.contains(&info.kind) {
            kinds.push(info.kind);
        }
    }
    for kind in kinds {
        let names = kind.providers();
        branches.push(json!({
            "if": { "properties": { "kind": { "const": kind.name() } }, "required": ["kind"] },
            "then": { "properties": { "provider": {
                "description": format!("Which API serves a {} widget (default \"{}\").", kind.name(), names.first().copied().unwrap_or("")),
                "enum": names,
            } } },
        }));
        for (info, schema) in providers.iter().filter(|(i, _)| i.kind == kind) {
            let mut own = schema.clone().to_value();
            tidy(&mut own);
            let mut props = common_props.clone();
            for (k, v) in properties(&own) {
                // Listed for completion with its description; the
                // branch checks its type.
                listed.entry(k.clone()).or_insert_with(|| {
                    let described = v.get("description").map(|d| ("description".to_string(), d.clone()));
                    Value::Object(described.into_iter().collect())
                });
                props.insert(k, v);
            }
            // The default provider's branch also holds when `provider` is left out.
            let required_when: &[&str] = if names.first() == Some(&info.name) {
                &["kind"]
            } else {
                &["kind", "provider"]
            };
            branches.push(json!({
                "if": {
                    "properties": { "kind": { "const": kind.name() }, "provider": { "const": info.name } },
                    "required": required_when,
                },
                "then": { "properties": props, "required": required(&own), "additionalProperties": false },
            }));
        }
    }
    json!({
        "type": "object",
        "required": ["kind"],
        "properties": listed,
        "allOf": branches,
    })
}

/// A `[credential.NAME]` table: OAuth's keys only with `type = "oauth2"`.
fn credential(generator: &mut SchemaGenerator) -> Value {
    let mut schema = closed::<RawCredential>(generator);
    let providers: Vec<&str> = source::keyed_all().iter().map(|p| p.name).collect();
    if let Some(p) = schema.pointer_mut("/properties/provider") {
        p["enum"] = json!(providers);
    }
    schema["if"] = json!({ "properties": { "type": { "const": "oauth2" } }, "required": ["type"] });
    schema["else"] = json!({ "propertyNames": { "not": { "enum": OAUTH_KEYS } } });
    schema
}

/// `source = "env"` needs `env`, and `source = "command"` needs `command`:
/// a credential's own keys and a client secret's table alike (their
/// `#[schemars(transform)]`).
pub(super) fn source_needs_its_key(schema: &mut schemars::Schema) {
    schema.insert(
        "allOf".into(),
        json!(["env", "command"].map(|s| json!({
            "if": { "properties": { "source": { "const": s } }, "required": ["source"] },
            "then": { "required": [s] },
        }))),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{TOP_KEYS, field_names};
    use super::*;
    use crate::config::introspect::FieldNames;
    use homedash_widgets::Source;

    fn keys(v: &Value) -> Vec<String> {
        let mut k: Vec<String> = properties(v).keys().cloned().collect();
        k.sort();
        k
    }

    fn names(mut v: Vec<&str>) -> Vec<String> {
        v.sort_unstable();
        v.dedup();
        v.into_iter().map(String::from).collect()
    }

    /// Every widget branch offers exactly the keys the parser takes for
    /// that kind and provider, and every provider has its branch.
    #[test]
    fn each_provider_branch_has_the_keys_check_takes() {
        let schema = generate();
        let branches = schema.pointer("/properties/widget/additionalProperties/allOf").unwrap();
        let mut seen = 0;
        for info in source::ALL {
            let branch = branches
                .as_array()
                .unwrap()
                .iter()
                .find(|b| {
                    b.pointer("/if/properties/kind/const") == Some(&json!(info.kind.name()))
                        && b.pointer("/if/properties/provider/const") == Some(&json!(info.name))
                })
                .unwrap_or_else(|| panic!("no branch for {}", info.name));
            let mut expect = field_names::<Common>();
            assert!(Source::deserialize_for(info.kind, info.name, FieldNames(&mut expect)).is_some());
            assert_eq!(keys(&branch["then"]), names(expect), "{}", info.name);
            assert_eq!(branch.pointer("/then/additionalProperties"), Some(&json!(false)));
            seen += 1;
        }
        assert_eq!(seen, source::ALL.len());
    }

    #[test]
    fn tables_have_the_keys_check_takes() {
        let schema = generate();
        assert_eq!(keys(&schema), names(TOP_KEYS.to_vec()));
        let cred = schema.pointer("/properties/credential/additionalProperties").unwrap();
        assert_eq!(keys(cred), names(field_names::<RawCredential>()));
        assert_eq!(
            keys(&schema["properties"]["dashboard"]),
            names(field_names::<Dashboard>())
        );
        assert_eq!(keys(&schema["properties"]["theme"]), names(field_names::<RawTheme>()));
        assert_eq!(
            keys(&schema["properties"]["keyring"]),
            names(field_names::<RawKeyring>())
        );
        assert_eq!(keys(&schema["properties"]["kiosk"]), names(field_names::<RawKiosk>()));
        assert_eq!(
            keys(&schema["properties"]["gateway"]),
            names(field_names::<RawClient>())
        );
        assert_eq!(
            keys(&schema["properties"]["gateway_server"]),
            names(field_names::<RawServer>())
        );
        assert_eq!(
            keys(&schema["properties"]["page"]["items"]),
            names(field_names::<RawPage>())
        );
    }

    /// Each key an editor offers says what it is, and nothing says `null`.
    #[test]
    fn every_key_is_described_and_none_is_null() {
        fn walk(v: &Value, path: &str, out: &mut Vec<String>) {
            if let Some(o) = v.as_object() {
                if let Some(Value::Object(props)) = o.get("properties") {
                    for (k, p) in props {
                        let described = p
                            .get("description")
                            .and_then(Value::as_str)
                            .is_some_and(|d| !d.is_empty());
                        let inside_if = path.ends_with("/if");
                        let is_ref = p.get("$ref").is_some();
                        if !described && !inside_if && !is_ref {
                            out.push(format!("{path}/{k}"));
                        }
                    }
                }
                for (k, c) in o {
                    walk(c, &format!("{path}/{k}"), out);
                }
            } else if let Some(a) = v.as_array() {
                for (i, c) in a.iter().enumerate() {
                    walk(c, &format!("{path}/{i}"), out);
                }
            }
        }
        let schema = generate();
        let mut missing = Vec::new();
        walk(&schema, "", &mut missing);
        assert!(missing.is_empty(), "keys without a description: {missing:#?}");
        assert!(!schema.to_string().contains("null"), "a null in the schema");
    }
}
