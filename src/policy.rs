//! Permission statements and their evaluation: what a user is allowed and
//! denied (PERM-1, PERM-2, PERM-5), and the size of a policy (GEN-7).

use serde::{Deserialize, Deserializer, Serialize};

use crate::{AccountId, Action, RegionId};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Whether a statement allows or denies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Effect {
    /// Allows what it matches, unless a Deny also matches.
    Allow,
    /// Denies what it matches; wins over any Allow.
    Deny,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// One permission statement, serialized as in a RAM policy document
/// (`{"Effect": "Allow", "Action": [...], "Resource": [...]}`; a single
/// string is accepted where a list is expected).
///
/// Patterns use `*` for any run of characters. Actions match without regard
/// to ASCII case, as RAM action names do; resources match exactly.
///
/// ```
/// use snapguard::{Action, Effect, Statement};
///
/// let allow = Statement::allow(["ecs:*Snapshot"], ["acs:ecs:*:1001:snapshot/*"]);
/// assert!(allow.matches(Action::LockSnapshot, "acs:ecs:cn-hangzhou:1001:snapshot/s-1"));
/// assert!(!allow.matches(Action::LockSnapshot, "acs:ecs:cn-hangzhou:2002:snapshot/s-1"));
/// assert_eq!(allow.effect, Effect::Allow);
/// ```
///
/// Elements the model does not evaluate (`Condition`, `NotAction`,
/// `NotResource`, `Principal`, ...) are refused when deserializing, never
/// dropped: a condition that narrows an Allow must not widen it (PERM-5).
///
/// A user's statements form its custom policy document, bounded by
/// [`Limits::max_policy_chars`](crate::Limits::max_policy_chars) (GEN-7).
/// The document is counted as RAM shows it, in compact JSON:
/// `{"Version":"1","Statement":[{"Effect":"Allow","Action":["ecs:*"],"Resource":["*"]}]}`
/// is 84 characters.
///
/// ```
/// use snapguard::Statement;
///
/// let conditional = r#"{"Effect": "Allow", "Action": "ecs:*", "Resource": "*",
///     "Condition": {"IpAddress": {"acs:SourceIp": "10.0.0.0/8"}}}"#;
/// let error = serde_json::from_str::<Statement>(conditional).unwrap_err();
/// assert!(error.to_string().contains("`Condition`"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", try_from = "RawStatement")]
pub struct Statement {
    /// Allow or Deny.
    pub effect: Effect,
    /// Action patterns, such as `ecs:LockSnapshot` or `ecs:*`.
    #[serde(rename = "Action")]
    pub actions: Vec<String>,
    /// Resource patterns, such as `acs:ecs:*:1001:snapshot/*`.
    #[serde(rename = "Resource")]
    pub resources: Vec<String>,
}

/// A statement element of RAM policies that snapguard does not evaluate
/// (PERM-5): a statement carrying one is refused, since dropping it would
/// read a restricted grant as unconditional.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "PERM-5: statement element `{element}` is not evaluated by snapguard, and ignoring it could widen a grant; remove it"
)]
#[non_exhaustive]
pub struct UnsupportedStatementElement {
    /// The element's name, such as `Condition`.
    pub element: &'static str,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A statement as written, before the elements snapguard does not
/// evaluate are refused.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct RawStatement {
    effect: Effect,
    #[serde(deserialize_with = "one_or_many")]
    #[cfg_attr(feature = "schema", schemars(schema_with = "one_or_many_schema"))]
    action: Vec<String>,
    #[serde(deserialize_with = "one_or_many")]
    #[cfg_attr(feature = "schema", schemars(schema_with = "one_or_many_schema"))]
    resource: Vec<String>,
    #[cfg_attr(feature = "schema", schemars(skip))]
    condition: Option<serde::de::IgnoredAny>,
    #[cfg_attr(feature = "schema", schemars(skip))]
    not_action: Option<serde::de::IgnoredAny>,
    #[cfg_attr(feature = "schema", schemars(skip))]
    not_resource: Option<serde::de::IgnoredAny>,
    #[cfg_attr(feature = "schema", schemars(skip))]
    principal: Option<serde::de::IgnoredAny>,
    #[cfg_attr(feature = "schema", schemars(skip))]
    not_principal: Option<serde::de::IgnoredAny>,
}

impl TryFrom<RawStatement> for Statement {
    type Error = UnsupportedStatementElement;

    fn try_from(raw: RawStatement) -> Result<Self, Self::Error> {
        let unsupported = [
            ("Condition", raw.condition.is_some()),
            ("NotAction", raw.not_action.is_some()),
            ("NotResource", raw.not_resource.is_some()),
            ("Principal", raw.principal.is_some()),
            ("NotPrincipal", raw.not_principal.is_some()),
        ];
        match unsupported.into_iter().find(|(_, present)| *present) {
            Some((element, _)) => Err(UnsupportedStatementElement { element }),
            None => Ok(Self {
                effect: raw.effect,
                actions: raw.action,
                resources: raw.resource,
            }),
        }
    }
}

impl Statement {
    /// A statement with `effect` over the given action and resource patterns.
    ///
    /// ```
    /// use snapguard::{Action, Effect, Statement};
    /// let deny = Statement::new(Effect::Deny, ["ecs:UnlockSnapshot"], ["*"]);
    /// assert_eq!(deny, Statement::deny(["ecs:UnlockSnapshot"], ["*"]));
    /// assert!(deny.matches(Action::UnlockSnapshot, "acs:ecs:cn-hangzhou:1001:snapshot/s-1"));
    /// ```
    #[must_use]
    pub fn new<A, R>(effect: Effect, actions: A, resources: R) -> Self
    where
        A: IntoIterator,
        A::Item: Into<String>,
        R: IntoIterator,
        R::Item: Into<String>,
    {
        Self {
            effect,
            actions: actions.into_iter().map(Into::into).collect(),
            resources: resources.into_iter().map(Into::into).collect(),
        }
    }

    /// An Allow statement.
    #[must_use]
    pub fn allow<A, R>(actions: A, resources: R) -> Self
    where
        A: IntoIterator,
        A::Item: Into<String>,
        R: IntoIterator,
        R::Item: Into<String>,
    {
        Self::new(Effect::Allow, actions, resources)
    }

    /// A Deny statement.
    #[must_use]
    pub fn deny<A, R>(actions: A, resources: R) -> Self
    where
        A: IntoIterator,
        A::Item: Into<String>,
        R: IntoIterator,
        R::Item: Into<String>,
    {
        Self::new(Effect::Deny, actions, resources)
    }

    /// Whether the statement names `action` on `resource`.
    ///
    /// ```
    /// use snapguard::{Action, Statement};
    /// let any = Statement::allow(["*"], ["*"]);
    /// assert!(any.matches(Action::DeleteSnapshot, "acs:ecs:cn-hangzhou:1001:snapshot/s-1"));
    /// ```
    #[must_use]
    pub fn matches(&self, action: Action, resource: &str) -> bool {
        self.actions
            .iter()
            .any(|pattern| glob(pattern, action.name(), true))
            && self
                .resources
                .iter()
                .any(|pattern| glob(pattern, resource, false))
    }
}

/// The characters of the custom policy document holding `statements`, in
/// compact JSON (see [`Statement`]): linear in the statements' text.
pub(crate) fn policy_chars(statements: &[Statement]) -> usize {
    const DOCUMENT: &str = r#"{"Version":"1","Statement":[]}"#;
    const STATEMENT: &str = r#"{"Effect":"","Action":[],"Resource":[]}"#;
    let list = |items: &[String]| -> usize {
        let commas = items.len().saturating_sub(1);
        items
            .iter()
            .map(|item| json_string_chars(item))
            .fold(commas, usize::saturating_add)
    };
    let each = statements.iter().map(|statement| {
        let effect = match statement.effect {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        };
        STATEMENT
            .len()
            .saturating_add(effect.len())
            .saturating_add(list(&statement.actions))
            .saturating_add(list(&statement.resources))
    });
    let commas = statements.len().saturating_sub(1);
    each.fold(DOCUMENT.len().saturating_add(commas), usize::saturating_add)
}

/// The characters of `text` as a JSON string, quotes and escapes included.
fn json_string_chars(text: &str) -> usize {
    text.chars()
        .map(|c| match c {
            '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
            c if u32::from(c) < 0x20 => 6,
            _ => 1,
        })
        .fold(2, usize::saturating_add)
}

/// The outcome of evaluating statements (PERM-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    Allowed,
    /// No Allow matched.
    ImplicitDeny,
    /// A Deny matched; it wins over any Allow.
    ExplicitDeny,
}

/// PERM-1: an explicit Deny wins; otherwise an Allow is needed.
pub(crate) fn evaluate(statements: &[Statement], action: Action, resource: &str) -> Decision {
    let mut allowed = false;
    for statement in statements.iter().filter(|s| s.matches(action, resource)) {
        match statement.effect {
            Effect::Deny => return Decision::ExplicitDeny,
            Effect::Allow => allowed = true,
        }
    }
    if allowed {
        Decision::Allowed
    } else {
        Decision::ImplicitDeny
    }
}

/// The resource name of an object: `acs:ecs:<region>:<account>:<kind>/<id>`.
pub(crate) fn resource_name(
    region: &RegionId,
    account: &AccountId,
    kind: &str,
    id: &str,
) -> String {
    format!("acs:ecs:{region}:{account}:{kind}/{id}")
}

/// The resource name of a resource share, which has no region:
/// `acs:resourcesharing::<account>:resourceshare/<id>`.
pub(crate) fn share_resource_name(account: &AccountId, id: &str) -> String {
    format!("acs:resourcesharing::{account}:resourceshare/{id}")
}

/// Wildcard match where `*` stands for any run of characters: the text
/// must start with the part before the first `*`, end with the part after
/// the last, and hold the parts between in order (leftmost match is enough
/// for `*`-only patterns). Linear in the text's length per part.
fn glob(pattern: &str, text: &str, ignore_case: bool) -> bool {
    if ignore_case {
        return glob(
            &pattern.to_ascii_lowercase(),
            &text.to_ascii_lowercase(),
            false,
        );
    }
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.split_once(part) {
            Some((_, after)) => rest = after,
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// The schema of what [`one_or_many`] reads.
#[cfg(feature = "schema")]
fn one_or_many_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
    })
}

fn one_or_many<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(one) => vec![one],
        OneOrMany::Many(many) => many,
    })
}

#[cfg(test)]
mod tests {
    use super::{Statement, glob, policy_chars};

    #[test]
    fn glob_matches_wildcards() {
        assert!(glob("*", "", false));
        assert!(glob("ecs:*", "ecs:LockSnapshot", false));
        assert!(glob("*Snap*", "ecs:LockSnapshot", false));
        assert!(glob("ECS:locksnapshot", "ecs:LockSnapshot", true));
        assert!(!glob("ECS:locksnapshot", "ecs:LockSnapshot", false));
        assert!(!glob("ecs:Lock", "ecs:LockSnapshot", false));
        assert!(glob("a*b*c", "aXbYbZc", false));
        assert!(!glob("a*b*c", "aXbYbZ", false));
        assert!(!glob("ab*ba", "aba", false));
        assert!(glob("a*a", "aa", false));
        assert!(!glob("a*a", "a", false));
        assert!(glob("**", "anything", false));
    }

    #[test]
    fn policy_chars_counts_the_compact_json_document() {
        let document = r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":["ecs:*"],"Resource":["*"]}]}"#;
        let statements = [Statement::allow(["ecs:*"], ["*"])];
        assert_eq!(policy_chars(&statements), document.len());
        let two = r#"{"Version":"1","Statement":[{"Effect":"Deny","Action":["a","b"],"Resource":["q\"\\\n\u0001é \u001f"]},{"Effect":"Allow","Action":[],"Resource":[]}]}"#;
        let statements = [
            Statement::deny(["a", "b"], ["q\"\\\n\u{1}é \u{1f}"]),
            Statement::allow(Vec::<String>::new(), Vec::<String>::new()),
        ];
        assert_eq!(policy_chars(&statements), two.chars().count());
        assert_eq!(policy_chars(&[]), r#"{"Version":"1","Statement":[]}"#.len());
    }
}
