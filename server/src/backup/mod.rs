//! The Cloud Backup (HBR) API 2017-09-08 operations snapguard emulates:
//! vaults and their immutability (`WormEnabled`), backup policies and
//! theirs (`Immutable` in a `SECURITY` rule), backup points (HBR calls them
//! snapshots), their replication and restore.
//!
//! Each operation reads the provider's parameters, refuses any it does not
//! take, runs one engine transaction of the library's vault commands
//! (VAULT) and answers the provider's fields. Every HBR body carries
//! `Success`, `Code` and `Message`: `true`, `"200"` and `"successful"` on
//! success, as the API reference's samples show; `false` and the error's
//! code and message, with the error's HTTP status, on a refusal
//! ([`shape`]). Another account's vault, policy or backup point is answered
//! exactly as an id that names nothing.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use snapguard::{
    BackupPoint, BackupPointId, BackupPolicy, BackupPolicyId, DisableImmutability,
    EnableImmutability, ImmutableTarget, ObjectKind, RetentionRequest, Vault, VaultId, VaultKind,
    Violation,
};

pub use crate::api::Call;
use crate::api::{Operation, Product};
use crate::engine::Tx;
use crate::error::ApiError;
use crate::violations::provider_error;

mod policies;
mod replication;
mod restore;
mod snapshots;
mod vaults;

pub use policies::RETENTION;
pub use snapshots::{SOURCE_TYPE, SOURCE_TYPES};

/// The HBR API version the server speaks.
pub const VERSION: &str = "2017-09-08";

/// The product: Cloud Backup (HBR) at [`VERSION`].
pub const PRODUCT: Product = Product {
    name: "HBR",
    version: VERSION,
    operations: OPERATIONS,
    refuse: provider_error,
    host: "hbr.snapguard.local",
    shape,
    unsupported: &[],
};

/// Every operation, by the provider's action name. None takes
/// `ClientToken` or `DryRun`.
pub const OPERATIONS: &[Operation] = &[
    Operation::new("CreateVault", vaults::create),
    Operation::new("UpdateVault", vaults::update),
    Operation::new("DescribeVaults", vaults::describe),
    Operation::new("DeleteVault", vaults::delete),
    Operation::new("CreatePolicyV2", policies::create),
    Operation::new("UpdatePolicyV2", policies::update),
    Operation::new("DescribePoliciesV2", policies::describe),
    Operation::new("SearchHistoricalSnapshots", snapshots::search),
    Operation::new("DeleteSnapshot", snapshots::delete),
    Operation::new("CreateReplicationVault", replication::create),
    Operation::new("CreateRestoreJob", restore::create),
];

/// Adds the fields every HBR body carries: `Success`, and on success the
/// `Code` `"200"` and `Message` `"successful"` (an error body has its own).
pub fn shape(body: &mut Map<String, Value>, error: Option<&ApiError>) {
    body.insert("Success".into(), Value::Bool(error.is_none()));
    if error.is_none() {
        body.insert("Code".into(), Value::String("200".into()));
        body.insert("Message".into(), Value::String("successful".into()));
    }
}

/// The vault prefix of HBR ids (`v-`).
pub const VAULT_PREFIX: &str = "v-";
/// The backup point (HBR snapshot) prefix (`s-`).
pub const POINT_PREFIX: &str = "s-";
/// The backup policy prefix (`po-`).
pub const POLICY_PREFIX: &str = "po-";

/// Attribute names the server keeps beside the state.
pub const NAME: &str = "name";
/// A vault's or policy's description.
pub const DESCRIPTION: &str = "description";

impl Call<'_> {
    /// Makes `target` (a vault or policy, immutable now or not) immutable
    /// as the request `wanted`: enabling (VAULT-3: enabling again records
    /// nothing); disabling what is immutable, refused by the library
    /// (VAULT-3); disabling what never was, or nothing asked, changes
    /// nothing.
    pub fn set_immutable(
        &self,
        tx: &mut Tx<'_>,
        target: ImmutableTarget,
        wanted: Option<bool>,
        immutable: bool,
    ) -> Result<(), ApiError> {
        match wanted {
            Some(true) => tx
                .apply(self.actor, EnableImmutability::new(target))
                .map(drop),
            Some(false) if immutable => tx
                .apply(self.actor, DisableImmutability::new(target))
                .map(drop),
            _ => Ok(()),
        }
        .map_err(|violation| self.refused(&violation))
    }

    /// Reads a required name: `min..=max` characters.
    pub fn required_text(
        &mut self,
        name: &str,
        min: usize,
        max: usize,
    ) -> Result<String, ApiError> {
        self.text(name, min, max)?
            .ok_or_else(|| ApiError::missing(name))
    }

    /// The caller's own vault `id`; another account's, or none, is refused
    /// as an id that names nothing (GEN-4, PERM-4).
    pub fn own_vault<'t>(&self, tx: &'t Tx<'_>, id: &str) -> Result<&'t Vault, ApiError> {
        let found = tx.state().vault(&VaultId::new(id));
        match found {
            Some(vault) if self.owns(&vault.owner) => Ok(vault),
            _ => Err(self.missing(ObjectKind::Vault, id)),
        }
    }

    /// The caller's own backup policy `id`, as [`Call::own_vault`].
    pub fn own_policy<'t>(&self, tx: &'t Tx<'_>, id: &str) -> Result<&'t BackupPolicy, ApiError> {
        let found = tx.state().backup_policy(&BackupPolicyId::new(id));
        match found {
            Some(policy) if self.owns(&policy.owner) => Ok(policy),
            _ => Err(self.missing(ObjectKind::BackupPolicy, id)),
        }
    }

    /// The caller's own backup point `id`, in `vault` when the request
    /// names one, as [`Call::own_vault`].
    pub fn own_point<'t>(
        &self,
        tx: &'t Tx<'_>,
        id: &str,
        vault: Option<&str>,
    ) -> Result<&'t BackupPoint, ApiError> {
        let found = tx.state().backup_point(&BackupPointId::new(id));
        match found {
            Some(point)
                if self.owns(&point.owner)
                    && vault.is_none_or(|vault| vault == point.vault.as_str()) =>
            {
                Ok(point)
            }
            _ => Err(self.missing(ObjectKind::BackupPoint, id)),
        }
    }

    /// Whether the caller's account is `owner`.
    fn owns(&self, owner: &snapguard::AccountId) -> bool {
        self.actor.account() == Some(owner)
    }

    /// The refusal of an id that names nothing the caller may see.
    pub fn missing(&self, kind: ObjectKind, id: &str) -> ApiError {
        self.refused(&Violation::NotFound {
            kind,
            id: id.to_owned(),
        })
    }
}

/// A vault kind as HBR names it: `VaultType` and `VaultStorageClass`.
/// `STANDARD` and `OTS_BACKUP` are the API's types; the database, NAS and
/// OSS kinds, which the API does not create, get snapguard's names.
pub fn vault_type(kind: VaultKind) -> (&'static str, &'static str) {
    match kind {
        VaultKind::Database => ("DATABASE", "STANDARD"),
        VaultKind::DatabaseRealtime => ("DATABASE_REALTIME", "STANDARD"),
        VaultKind::NasFree30Days => ("NAS_BACKUP", "STANDARD"),
        VaultKind::OssFree30Days => ("OSS_BACKUP", "STANDARD"),
        VaultKind::TablestoreFree30Days => ("OTS_BACKUP", "STANDARD"),
        VaultKind::Archive { .. } => ("STANDARD", "ARCHIVE"),
        _ => ("STANDARD", "STANDARD"),
    }
}

/// An archive vault's retention in days, if it has one.
pub fn vault_retention(kind: VaultKind) -> Option<u32> {
    match kind {
        VaultKind::Archive {
            retention: RetentionRequest::Days(days),
        } => Some(days),
        _ => None,
    }
}

/// An instant as HBR writes it: UNIX seconds.
pub fn unix(at: DateTime<Utc>) -> i64 {
    at.timestamp()
}

/// An account id as HBR writes owner ids (a number), when it is one.
pub fn owner_id(account: &snapguard::AccountId) -> Value {
    account
        .as_str()
        .parse::<u64>()
        .map_or_else(|_| Value::String(account.to_string()), Value::from)
}

/// An empty success: the envelope adds `RequestId`, `Success`, `Code`
/// and `Message`.
pub fn done() -> Value {
    Value::Object(Map::new())
}

/// Reads a boolean a JSON document carries (`true`/`false`, or their
/// text, as some clients send it).
pub fn json_bool(value: &Value, name: &str) -> Result<bool, ApiError> {
    match value {
        Value::Bool(flag) => Ok(*flag),
        Value::String(text) if text.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(text) if text.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(ApiError::invalid(name, "it is not true or false")),
    }
}

/// Reads a whole number a JSON document carries (a number or its text).
pub fn json_number(value: &Value, name: &str, min: u64, max: u64) -> Result<u64, ApiError> {
    let number = match value {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.parse::<u64>().ok(),
        _ => None,
    };
    match number {
        Some(number) if (min..=max).contains(&number) => Ok(number),
        _ => Err(ApiError::invalid(
            name,
            format_args!("it is not a whole number from {min} to {max}"),
        )),
    }
}

/// Reads a text a JSON document carries.
pub fn json_text<'v>(value: &'v Value, name: &str) -> Result<&'v str, ApiError> {
    value
        .as_str()
        .ok_or_else(|| ApiError::invalid(name, "it is not a string"))
}

/// Reads `NextToken`: the offset a previous page returned, 0 without one.
pub fn next_token(call: &mut Call<'_>) -> Result<usize, ApiError> {
    match call.params.take("NextToken").filter(|t| !t.is_empty()) {
        None => Ok(0),
        Some(token) => token.parse::<usize>().map_err(|_| {
            ApiError::invalid("NextToken", "it is not a token this endpoint returned")
        }),
    }
}

/// The `limit` items of `items` from `offset`, and the `NextToken` of the
/// page after them (empty when there is none; `limit` 0 asks for the count
/// alone, so there is no next page either).
pub fn token_page<T>(items: &[T], offset: usize, limit: usize) -> (&[T], String) {
    let end = offset.saturating_add(limit).min(items.len());
    let page = items.get(offset.min(end)..end).unwrap_or_default();
    let next = if end < items.len() && limit > 0 {
        end.to_string()
    } else {
        String::new()
    };
    (page, next)
}

/// Checks a value against the ones the provider documents.
pub fn one_of(name: &str, value: &str, allowed: &[&str]) -> Result<(), ApiError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(ApiError::invalid(
            name,
            format_args!(
                "`{}` is not one of {}",
                crate::params::truncated(value),
                allowed.join(", ")
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_carry_success_code_and_message() {
        let mut ok = Map::new();
        shape(&mut ok, None);
        assert_eq!(ok["Success"], Value::Bool(true));
        assert_eq!(ok["Code"], "200");
        assert_eq!(ok["Message"], "successful");
        let error = ApiError::new(404, "VaultNotExist", "GEN-4");
        let mut refused = error.body("R").as_object().cloned().unwrap_or_default();
        shape(&mut refused, Some(&error));
        assert_eq!(refused["Success"], Value::Bool(false));
        assert_eq!(refused["Code"], "VaultNotExist");
    }

    #[test]
    fn json_readers_take_values_and_their_text() {
        assert!(json_bool(&Value::Bool(true), "x").is_ok_and(|b| b));
        assert!(json_bool(&Value::from("False"), "x").is_ok_and(|b| !b));
        assert!(json_bool(&Value::from(1), "x").is_err());
        assert_eq!(json_number(&Value::from("7"), "x", 1, 9).ok(), Some(7));
        assert!(json_number(&Value::from(10), "x", 1, 9).is_err());
    }
}
