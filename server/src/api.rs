//! The provider's APIs the server speaks, one [`Product`] each, chosen by
//! the request's `Version`, and what every operation shares: the request it
//! gets ([`Call`]), `ClientToken` idempotence and `DryRun`.
//!
//! - **`ClientToken`**: on an operation that takes one, a retry with the
//!   same token and the same parameters (by the same caller) answers what
//!   the first request answered, without acting again; the same token with
//!   anything else is refused with `IdempotentParameterMismatch`. A token
//!   is recorded with the accepted request's changes, in the same database
//!   transaction, so it survives a restart exactly when they do; a refused
//!   request records no token, and its retry is decided again.
//! - **`DryRun=true`**: on an operation that takes it, the request is
//!   decided as it would be and nothing changes: a request that would be
//!   accepted answers the provider's `DryRunOperation` error (400), one that
//!   would be refused answers its real error.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use snapguard::{Actor, Violation};

use crate::engine::{Engine, PendingToken, Tx};
use crate::error::ApiError;
use crate::params::Params;

/// An operation's handler.
pub type Handler = fn(&mut Engine, Call<'_>) -> Result<Value, ApiError>;

/// One operation of a product.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// The provider's action name (`CreateSnapshot`).
    pub name: &'static str,
    /// What answers it.
    pub handler: Handler,
    /// Whether it takes `ClientToken` (idempotence).
    pub client_token: bool,
    /// Whether it takes `DryRun`.
    pub dry_run: bool,
}

impl Operation {
    /// An operation taking neither `ClientToken` nor `DryRun`.
    pub const fn new(name: &'static str, handler: Handler) -> Self {
        Self {
            name,
            handler,
            client_token: false,
            dry_run: false,
        }
    }

    /// The same operation, taking `ClientToken`.
    pub const fn idempotent(self) -> Self {
        Self {
            client_token: true,
            ..self
        }
    }

    /// The same operation, taking `DryRun`.
    pub const fn dry_runs(self) -> Self {
        Self {
            dry_run: true,
            ..self
        }
    }
}

/// One of the provider's APIs: a product at one version.
#[derive(Debug)]
pub struct Product {
    /// The product's name (`ECS`).
    pub name: &'static str,
    /// The API version it is served at (`2014-05-26`).
    pub version: &'static str,
    /// Its operations.
    pub operations: &'static [Operation],
    /// The provider's error for a refusal by the library in an operation.
    pub refuse: fn(&Violation, &str) -> ApiError,
    /// The `HostId` of its error bodies.
    pub host: &'static str,
    /// Adds the fields the product's bodies carry beyond the operation's
    /// own: called with the body and, for an error, the error.
    pub shape: fn(&mut Map<String, Value>, Option<&ApiError>),
    /// Parameters the provider accepts on every operation that snapguard
    /// does not emulate: refused when set, so nobody relies on them.
    pub unsupported: &'static [&'static str],
}

/// Every product the server speaks.
pub const PRODUCTS: &[&Product] = &[
    &crate::ecs::PRODUCT,
    &crate::sharing::PRODUCT,
    &crate::backup::PRODUCT,
];

/// The product served at `version`.
pub fn product(version: &str) -> Option<&'static Product> {
    PRODUCTS
        .iter()
        .copied()
        .find(|product| product.version == version)
}

/// Leaves a body as the operation made it.
pub fn plain(_body: &mut Map<String, Value>, _error: Option<&ApiError>) {}

/// The most characters a `ClientToken` has.
pub const MAX_CLIENT_TOKEN: usize = 64;

/// A request to one operation.
#[derive(Debug)]
pub struct Call<'a> {
    /// The product.
    pub product: &'static Product,
    /// The action name, as the product's table lists it.
    pub action: &'static str,
    /// Who asks.
    pub actor: &'a Actor,
    /// The operation's parameters.
    pub params: Params,
}

/// Runs the operation `action` of `product` for `actor`.
pub fn handle(
    engine: &mut Engine,
    product: &'static Product,
    action: &str,
    mut params: Params,
    actor: &Actor,
) -> Result<Value, ApiError> {
    let Some(operation) = product.operations.iter().find(|op| op.name == action) else {
        return Err(ApiError::new(
            404,
            "InvalidAction.NotFound",
            format!(
                "Specified api is not found, please check your url and method: `{}` is not a {} {} operation snapguard emulates.",
                crate::params::truncated(action),
                product.name,
                product.version
            ),
        ));
    };
    for name in product.unsupported {
        if params.peek(name).is_some() {
            return Err(ApiError::invalid(
                name,
                "snapguard does not emulate this parameter",
            ));
        }
    }
    engine.end_call();
    let dry_run = operation.dry_run && params.boolean("DryRun")? == Some(true);
    let token = if operation.client_token {
        client_token(&mut params)?
    } else {
        None
    };
    if let Some(token) = token {
        let account = actor.account().map(ToString::to_string).unwrap_or_default();
        let fingerprint = fingerprint(product, operation, actor, &params, dry_run);
        if let Some(record) = engine.client_token(&account, &token) {
            if record.fingerprint != fingerprint {
                return Err(ApiError::new(
                    400,
                    "IdempotentParameterMismatch",
                    format!(
                        "The specified parameters are different from before: ClientToken `{token}` was used by a request with other parameters (or another caller or operation)."
                    ),
                ));
            }
            return serde_json::from_str(&record.response).map_err(|error| {
                crate::engine::internal(format!("the answer to ClientToken `{token}`: {error}"))
            });
        }
        if !dry_run {
            engine.expect_token(PendingToken {
                account,
                token,
                fingerprint,
            });
        }
    }
    engine.set_dry_run(dry_run);
    let outcome = (operation.handler)(
        engine,
        Call {
            product,
            action: operation.name,
            actor,
            params,
        },
    );
    engine.end_call();
    outcome
}

/// Reads `ClientToken`: at most 64 ASCII characters.
fn client_token(params: &mut Params) -> Result<Option<String>, ApiError> {
    let token = params.take("ClientToken");
    if let Some(token) = &token {
        if token.is_empty()
            || token.len() > MAX_CLIENT_TOKEN
            || !token.chars().all(|c| c.is_ascii_graphic())
        {
            return Err(ApiError::invalid(
                "ClientToken",
                format_args!("it has 1 to {MAX_CLIENT_TOKEN} printable ASCII characters"),
            ));
        }
    }
    Ok(token)
}

/// What makes two requests with one token the same request: the operation,
/// the caller (account and RAM user, in their stable serialized form, as
/// tokens outlive the process) and every parameter, each part
/// length-prefixed so that no two requests hash alike by shifting text.
fn fingerprint(
    product: &Product,
    operation: &Operation,
    actor: &Actor,
    params: &Params,
    dry_run: bool,
) -> String {
    let mut hash = Sha256::new();
    let mut part = |text: &str| {
        hash.update(u64::try_from(text.len()).unwrap_or(u64::MAX).to_be_bytes());
        hash.update(text.as_bytes());
    };
    let caller = serde_json::to_string(actor).unwrap_or_default();
    for text in [
        product.version,
        operation.name,
        &caller,
        if dry_run { "dry" } else { "wet" },
    ] {
        part(text);
    }
    for (name, value) in params.iter() {
        part(name);
        part(value);
    }
    hex::encode(hash.finalize())
}

impl Call<'_> {
    /// The provider's error for a refusal by the library.
    ///
    /// Another account's object is reported exactly as an object that does
    /// not exist (PERM-4 refuses it, GEN-4's answer is given): the provider
    /// reveals nothing of other accounts, not even that an id is taken.
    pub fn refused(&self, violation: &Violation) -> ApiError {
        match violation {
            Violation::ForeignResource { kind, id, .. } => (self.product.refuse)(
                &Violation::NotFound {
                    kind: *kind,
                    id: id.clone(),
                },
                self.action,
            ),
            _ => (self.product.refuse)(violation, self.action),
        }
    }

    /// Checks that the caller may take `action` on its own object (the
    /// library's permission check, for what the server keeps beside the
    /// state: names, descriptions, a disk's `DeleteAutoSnapshot`, what
    /// describing shows).
    pub fn authorize(
        &self,
        tx: &Tx<'_>,
        action: snapguard::Action,
        kind: snapguard::ObjectKind,
        id: &str,
    ) -> Result<(), ApiError> {
        tx.state()
            .authorize(tx.now(), self.actor, action, kind, id)
            .map_err(|violation| self.refused(&violation))
    }

    /// Checks that a RAM user's statements allow `action` on `resource`,
    /// whoever owns it (PERM-1: an explicit Deny wins, an Allow is needed):
    /// for what a caller sees of another account's objects, which
    /// [`Call::authorize`] (the caller's own objects) does not cover. An
    /// account's root may.
    pub fn may(
        &self,
        tx: &Tx<'_>,
        action: snapguard::Action,
        resource: &str,
    ) -> Result<(), ApiError> {
        let Actor::User { account, user } = self.actor else {
            return Ok(());
        };
        let statements = tx
            .state()
            .user(account, user)
            .map(|u| u.statements.as_slice())
            .unwrap_or_default();
        let matching = |effect: snapguard::Effect| {
            statements
                .iter()
                .any(|s| s.effect == effect && s.matches(action, resource))
        };
        let denied = matching(snapguard::Effect::Deny);
        if denied || !matching(snapguard::Effect::Allow) {
            return Err(self.refused(&Violation::PermissionDenied {
                actor: self.actor.clone(),
                action,
                resource: resource.to_owned(),
                explicit_deny: denied,
            }));
        }
        Ok(())
    }

    /// Reads an optional name or description: `min..=max` characters, not
    /// starting with `http://` or `https://`.
    pub fn text(&mut self, name: &str, min: usize, max: usize) -> Result<Option<String>, ApiError> {
        let Some(text) = self.params.take(name) else {
            return Ok(None);
        };
        let chars = text.chars().count();
        if chars < min || chars > max {
            return Err(ApiError::invalid(
                name,
                format_args!("it has {chars} characters, not {min} to {max}"),
            ));
        }
        if text.starts_with("http://") || text.starts_with("https://") {
            return Err(ApiError::invalid(
                name,
                "it cannot start with http:// or https://",
            ));
        }
        Ok(Some(text))
    }

    /// Refuses unread parameters, then runs one transaction whose answer
    /// is the operation's: recorded with its `ClientToken`, if it has one.
    pub fn finish_in(
        self,
        engine: &mut Engine,
        work: impl FnOnce(&Call<'_>, &mut Tx<'_>) -> Result<Value, ApiError>,
    ) -> Result<Value, ApiError> {
        let Call {
            product,
            action,
            actor,
            params,
        } = self;
        params.finish(action)?;
        let call = Call {
            product,
            action,
            actor,
            params: Params::default(),
        };
        engine.transact(|tx| {
            let answer = work(&call, tx)?;
            tx.answered(&answer)?;
            Ok(answer)
        })
    }
}

#[cfg(test)]
mod tests {
    use snapguard::{AccountId, Actor};

    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        let mut params = Params::default();
        for (name, value) in pairs {
            params
                .insert((*name).to_owned(), (*value).to_owned())
                .unwrap();
        }
        params
    }

    fn call(pairs: &[(&str, &str)]) -> Call<'static> {
        static ROOT: std::sync::LazyLock<Actor> = std::sync::LazyLock::new(|| Actor::Root {
            account: AccountId::new("1"),
        });
        Call {
            product: &crate::ecs::PRODUCT,
            action: "CreateSnapshot",
            actor: &ROOT,
            params: params(pairs),
        }
    }

    #[test]
    fn text_takes_min_to_max_characters_and_no_url() {
        let ok = |value: &str| call(&[("Name", value)]).text("Name", 2, 4);
        assert_eq!(ok("ab").unwrap().as_deref(), Some("ab"));
        assert_eq!(ok("abcd").unwrap().as_deref(), Some("abcd"));
        assert_eq!(
            ok("\u{e9}\u{e9}").unwrap().as_deref(),
            Some("\u{e9}\u{e9}"),
            "characters, not bytes"
        );
        for bad in ["a", "abcde"] {
            assert_eq!(ok(bad).unwrap_err().code, "InvalidParameter", "{bad}");
        }
        let url = call(&[("Name", "https://a")]).text("Name", 2, 20);
        assert!(url.unwrap_err().message.contains("http"));
        let plain = call(&[("Name", "http:x")]).text("Name", 2, 20);
        assert_eq!(plain.unwrap().as_deref(), Some("http:x"));
        assert_eq!(call(&[]).text("Name", 2, 4).unwrap(), None);
    }

    #[test]
    fn fingerprints_differ_when_text_only_shifts_between_parts() {
        let ecs = &crate::ecs::PRODUCT;
        let operation = &crate::ecs::OPERATIONS[0];
        let actor = Actor::Root {
            account: AccountId::new("1"),
        };
        let a = fingerprint(ecs, operation, &actor, &params(&[("Ab", "c")]), false);
        let b = fingerprint(ecs, operation, &actor, &params(&[("A", "bc")]), false);
        let same = fingerprint(ecs, operation, &actor, &params(&[("Ab", "c")]), false);
        let dry = fingerprint(ecs, operation, &actor, &params(&[("Ab", "c")]), true);
        assert_ne!(a, b);
        assert_eq!(a, same);
        assert_ne!(a, dry);
    }
}
