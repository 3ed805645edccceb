//! The JSON Schema of the oracle's requests and responses, generated from
//! the types (feature `schema`).

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use super::{Expect, Request, Response};
use crate::{Event, RuleId, Violation};

/// The JSON Schema (draft 2020-12) of the oracle's protocol: a line is a
/// request (`#/$defs/Request`) or a response (`#/$defs/Response`), and
/// every type they contain is defined under `$defs`, generated from the
/// Rust types and their serde attributes. The repository keeps it in
/// `schema/oracle.schema.json`; the `snapguard-oracle` binary prints it
/// with `--schema` when built with this feature.
///
/// The schema describes what the oracle reads: a field with a default may
/// be left out, and a field renamed in this release is described by its
/// new name only, though the old one is still read.
///
/// ```
/// let schema = snapguard::oracle::json_schema();
/// let request = schema.pointer("/$defs/Request").unwrap();
/// assert!(request.to_string().contains("deletion_report"));
/// ```
#[must_use]
pub fn json_schema() -> Schema {
    let mut generator = SchemaSettings::draft2020_12()
        .with_transform(RecursiveTransform(without_code_examples))
        .into_generator();
    let request = generator.subschema_for::<Request>();
    let response = generator.subschema_for::<Response>();
    let definitions = generator.take_definitions(true);
    json_schema!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "snapguard oracle",
        "description": concat!(
            "The JSON-lines protocol of snapguard's oracle (`snapguard-oracle`, ",
            "module `snapguard::oracle`), version ", env!("CARGO_PKG_VERSION"), ": ",
            "each line read is a Request, each line written a Response. ",
            "Generated from the Rust types; regenerate with ",
            "`SNAPGUARD_BLESS=1 cargo test --features schema --test rules model::oracle`."
        ),
        "anyOf": [request, response],
        "$defs": definitions,
    })
}

/// Drops the Rust examples of the doc comments schemars takes as
/// descriptions: they show the Rust API, not the JSON.
fn without_code_examples(schema: &mut Schema) {
    let Some(serde_json::Value::String(text)) = schema.get_mut("description") else {
        return;
    };
    if !text.contains("```") {
        return;
    }
    let mut in_code = false;
    let mut kept = Vec::new();
    for line in text.lines() {
        let fence = line.trim_start().starts_with("```");
        let second_blank = line.trim().is_empty()
            && kept
                .last()
                .is_some_and(|last: &&str| last.trim().is_empty());
        if fence {
            in_code = !in_code;
        } else if !in_code && !second_blank {
            kept.push(line);
        }
    }
    *text = kept.join("\n").trim().to_owned();
}

/// The schema of a response's `violation`: a [`Violation`] with its `rule`
/// and `retry_at` beside its fields.
pub(super) fn reported_violation(generator: &mut SchemaGenerator) -> Schema {
    let violation = generator.subschema_for::<Violation>();
    let rule = generator.subschema_for::<RuleId>();
    json_schema!({
        "description": "The refusal in full: the violation's own fields, and beside them the rule that refused and the instant waiting lifts it (`null` when waiting does not).",
        "allOf": [
            violation,
            {
                "type": "object",
                "properties": {
                    "rule": rule,
                    "retry_at": {"type": ["string", "null"], "format": "date-time"},
                },
                "required": ["rule", "retry_at"],
            },
        ],
    })
}

impl JsonSchema for Expect {
    fn schema_name() -> Cow<'static, str> {
        "Expect".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let events = generator.subschema_for::<Vec<Event>>();
        let rule = generator.subschema_for::<RuleId>();
        json_schema!({
            "description": "What a step must lead to.",
            "oneOf": [
                {
                    "description": "Accepted, whatever the events.",
                    "const": "accepted",
                },
                {
                    "description": "Accepted with exactly these events, in this order.",
                    "type": "object",
                    "properties": {"accepted": events},
                    "required": ["accepted"],
                    "additionalProperties": false,
                },
                {
                    "description": "Accepted with events of these types (their `type` tags) among others, each as many times as it is listed.",
                    "type": "object",
                    "properties": {"accepted_with": {"type": "array", "items": {"type": "string"}}},
                    "required": ["accepted_with"],
                    "additionalProperties": false,
                },
                {
                    "description": "Refused by this rule, or by any of these rules.",
                    "type": "object",
                    "properties": {"refused": {"anyOf": [
                        rule,
                        {"type": "array", "items": rule, "minItems": 1},
                    ]}},
                    "required": ["refused"],
                    "additionalProperties": false,
                },
            ],
        })
    }
}
