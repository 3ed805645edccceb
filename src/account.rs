//! Accounts and their users: the model. Their rules (creating them,
//! policies, overdue accounts and the release of LOCK-12) are in
//! `rules/account.rs`.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{AccountId, Statement, UserId};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// The site an account is registered on. Accounts of different sites never
/// share with each other (SHARE-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Site {
    /// The China site.
    China,
    /// The international site.
    International,
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::China => "China site",
            Self::International => "international site",
        })
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A customer account.
///
/// Deserializing refuses unknown fields and requires every field,
/// `overdue_since` included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Account {
    /// Its id.
    pub id: AccountId,
    /// Its site.
    pub site: Site,
    /// Since when it is overdue, if it is (LOCK-12).
    ///
    /// Required when deserializing (`null` when in good standing): with
    /// `deserialize_with`, serde no longer treats a missing `Option` key
    /// as `None`.
    #[serde(deserialize_with = "Option::deserialize")]
    #[cfg_attr(feature = "schema", schemars(required))]
    pub overdue_since: Option<DateTime<Utc>>,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// The accounts its share-encrypted-snapshot role
    /// (`AliyunECSShareEncryptSnapshotDefaultRole`) trusts; empty when it
    /// has no such role. Snapshots encrypted with a customer key are usable
    /// only by the sharees listed (SHARE-6).
    pub encrypted_share_trustees: BTreeSet<AccountId>,
    /// Whether it activated Key Management Service, which encrypted copies
    /// and customer master keys need (COPY-3).
    pub kms_activated: bool,
}

impl Account {
    pub(crate) fn new(id: AccountId, site: Site, created_at: DateTime<Utc>) -> Self {
        Self {
            id,
            site,
            overdue_since: None,
            created_at,
            encrypted_share_trustees: BTreeSet::new(),
            kms_activated: false,
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A user of an account, with its permission statements (PERM-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct User {
    /// The account it belongs to.
    pub account: AccountId,
    /// Its id within the account.
    pub id: UserId,
    /// What it is allowed and denied.
    pub statements: Vec<Statement>,
}
