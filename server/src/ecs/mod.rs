//! The ECS API 2014-05-26 operations snapguard emulates, by name.
//!
//! Each operation reads its parameters with the provider's names and
//! ranges, refuses any it does not take ([`Params::finish`]), runs one
//! engine transaction of snapguard commands and queries, and answers the
//! provider's response fields. A refusal by the library becomes the
//! provider's error through [`crate::violations`].

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;
use snapguard::{
    Actor, DiskId, Encryption, ImageId, KeyId, ObjectKind, RegionId, SnapshotId, Violation,
};

use crate::engine::{Engine, Tx};
use crate::error::ApiError;
use crate::params::Params;
use crate::violations::provider_error;

mod disks;
mod images;
mod locks;
mod snapshots;

pub use disks::{DELETE_AUTO_SNAPSHOT, category as disk_category};

/// The ECS API version the server speaks.
pub const VERSION: &str = "2014-05-26";

/// One operation: its action name and its handler.
type Handler = fn(&mut Engine, Call<'_>) -> Result<Value, ApiError>;

/// Every operation, by the provider's action name.
pub const OPERATIONS: &[(&str, Handler)] = &[
    ("CreateSnapshot", snapshots::create),
    ("DescribeSnapshots", snapshots::describe),
    ("DeleteSnapshot", snapshots::delete),
    ("ModifySnapshotAttribute", snapshots::modify_attribute),
    ("ModifySnapshotCategory", snapshots::modify_category),
    ("CopySnapshot", snapshots::copy),
    ("LockSnapshot", locks::lock),
    ("UnlockSnapshot", locks::unlock),
    ("DescribeLockedSnapshots", locks::describe),
    ("CreateDisk", disks::create),
    ("DeleteDisk", disks::delete),
    ("ModifyDiskAttribute", disks::modify_attribute),
    ("ResetDisk", disks::reset),
    ("ReInitDisk", disks::reinit),
    ("CreateImage", images::create),
    ("DeleteImage", images::delete),
];

/// Parameters every operation accepts and none uses: the provider's
/// reseller fields, which the SDK sends only when the caller sets them.
/// They are refused when set, so nobody relies on them being honoured.
const UNSUPPORTED_COMMON: &[&str] = &[
    "OwnerId",
    "OwnerAccount",
    "ResourceOwnerId",
    "ResourceOwnerAccount",
];

/// A request to one operation.
#[derive(Debug)]
pub struct Call<'a> {
    /// The action name, as the table lists it.
    pub action: &'static str,
    /// Who asks.
    pub actor: &'a Actor,
    /// The operation's parameters.
    pub params: Params,
}

/// Runs the operation `action` for `actor`.
pub fn handle(
    engine: &mut Engine,
    action: &str,
    params: Params,
    actor: &Actor,
) -> Result<Value, ApiError> {
    let Some((name, handler)) = OPERATIONS.iter().find(|(name, _)| *name == action) else {
        return Err(ApiError::new(
            404,
            "InvalidAction.NotFound",
            format!(
                "Specified api is not found, please check your url and method: `{}` is not an ECS {} operation snapguard emulates.",
                crate::params::truncated(action),
                VERSION
            ),
        ));
    };
    for common in UNSUPPORTED_COMMON {
        if params.peek(common).is_some() {
            return Err(ApiError::invalid(
                common,
                "snapguard does not emulate reseller ownership parameters",
            ));
        }
    }
    handler(
        engine,
        Call {
            action: name,
            actor,
            params,
        },
    )
}

impl Call<'_> {
    /// The provider's error for a refusal by the library.
    ///
    /// Another account's object is reported exactly as an object that does
    /// not exist (PERM-4 refuses it, GEN-4's answer is given): the provider
    /// reveals nothing of other accounts, not even that an id is taken.
    pub fn refused(&self, violation: &Violation) -> ApiError {
        match violation {
            Violation::ForeignResource { kind, id, .. } => provider_error(
                &Violation::NotFound {
                    kind: *kind,
                    id: id.clone(),
                },
                self.action,
            ),
            _ => provider_error(violation, self.action),
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
        kind: ObjectKind,
        id: &str,
    ) -> Result<(), ApiError> {
        tx.state()
            .authorize(tx.now(), self.actor, action, kind, id)
            .map_err(|violation| self.refused(&violation))
    }

    /// Reads `RegionId`, checked against the regions snapguard knows inside
    /// the transaction ([`Call::known_region`]).
    pub fn region(&mut self, required: bool) -> Result<Option<RegionId>, ApiError> {
        let region = if required {
            Some(self.params.required("RegionId")?)
        } else {
            self.params.take("RegionId")
        };
        Ok(region.map(RegionId::new))
    }

    /// Refuses a region snapguard does not know.
    pub fn known_region(&self, tx: &Tx<'_>, region: Option<&RegionId>) -> Result<(), ApiError> {
        match region {
            Some(region) if tx.state().region(region).is_none() => {
                Err(self.refused(&Violation::NotFound {
                    kind: ObjectKind::Region,
                    id: region.to_string(),
                }))
            }
            _ => Ok(()),
        }
    }

    /// Checks an object a request names in `region` (when it names one):
    /// the region is known, the object is visible to the caller
    /// ([`Call::visible`]) and in that region ([`Call::in_region`]).
    pub fn locate(
        &self,
        tx: &Tx<'_>,
        kind: ObjectKind,
        id: &str,
        region: Option<&RegionId>,
    ) -> Result<(), ApiError> {
        self.known_region(tx, region)?;
        self.visible(tx, kind, id)?;
        let state = tx.state();
        let actual = match kind {
            ObjectKind::Snapshot => state.snapshot(&SnapshotId::new(id)).map(|s| &s.region),
            ObjectKind::Disk => state.disk(&DiskId::new(id)).map(|d| &d.region),
            ObjectKind::Image => state.image(&ImageId::new(id)).map(|i| &i.region),
            _ => None,
        };
        self.in_region(kind, id, actual, region)
    }

    /// Refuses an object asked for in a region it is not in, as the
    /// provider does: it does not exist there.
    pub fn in_region(
        &self,
        kind: ObjectKind,
        id: &str,
        actual: Option<&RegionId>,
        asked: Option<&RegionId>,
    ) -> Result<(), ApiError> {
        match (actual, asked) {
            (Some(actual), Some(asked)) if actual != asked => {
                let mut error = self.refused(&Violation::NotFound {
                    kind,
                    id: id.to_owned(),
                });
                error.message = format!(
                    "GEN-4: {kind} `{id}` does not exist in region `{asked}` (RegionId); it is in `{actual}`."
                );
                Err(error)
            }
            _ => Ok(()),
        }
    }

    /// Refuses, exactly as an id that names nothing, an object of another
    /// account that this account may not see: a snapshot neither its own
    /// nor shared with it, another account's disk or image. The library
    /// would refuse it too (PERM-4), later and naming the owner; the
    /// provider reveals nothing of another account's objects.
    pub fn visible(&self, tx: &Tx<'_>, kind: ObjectKind, id: &str) -> Result<(), ApiError> {
        let Some(account) = self.actor.account() else {
            return Ok(());
        };
        let state = tx.state();
        let owner = match kind {
            ObjectKind::Snapshot => {
                let snapshot = SnapshotId::new(id);
                match state.snapshot(&snapshot) {
                    Some(found)
                        if found.owner != *account
                            && state
                                .shared_with(&snapshot, tx.now())
                                .accounts
                                .contains_key(account) =>
                    {
                        return Ok(());
                    }
                    found => found.map(|s| &s.owner),
                }
            }
            ObjectKind::Disk => state.disk(&DiskId::new(id)).map(|d| &d.owner),
            ObjectKind::Image => state.image(&ImageId::new(id)).map(|i| &i.owner),
            _ => None,
        };
        match owner {
            Some(owner) if owner != account => Err(self.refused(&Violation::NotFound {
                kind,
                id: id.to_owned(),
            })),
            _ => Ok(()),
        }
    }

    /// Checks tags the server keeps beside the state (on copies and disks,
    /// which the model gives no tags) against the library's bounds, as the
    /// library checks a snapshot's own (GEN-7).
    pub fn bounded_tags(
        &self,
        tx: &Tx<'_>,
        tags: &std::collections::BTreeMap<String, String>,
    ) -> Result<(), ApiError> {
        let limits = tx.state().limits();
        let too_many = (tags.len()
            > usize::try_from(limits.max_tags_per_resource).unwrap_or(usize::MAX))
        .then_some((
            snapguard::Bound::Tags,
            tags.len(),
            limits.max_tags_per_resource,
        ));
        let too_long = tags
            .iter()
            .flat_map(|(key, value)| [key.chars().count(), value.chars().count()])
            .find(|chars| *chars > usize::try_from(limits.max_tag_chars).unwrap_or(usize::MAX))
            .map(|chars| (snapguard::Bound::TagChars, chars, limits.max_tag_chars));
        match too_many.or(too_long) {
            None => Ok(()),
            Some((bound, size, max)) => {
                Err(self.refused(&Violation::BoundExceeded { bound, size, max }))
            }
        }
    }

    /// Reads `DryRun`; a dry run is not emulated yet, so `true` is refused
    /// rather than silently performed.
    pub fn no_dry_run(&mut self) -> Result<(), ApiError> {
        if self.params.boolean("DryRun")? == Some(true) {
            return Err(ApiError::invalid(
                "DryRun",
                "snapguard does not emulate dry runs yet",
            ));
        }
        Ok(())
    }

    /// Reads `ClientToken`: at most 64 ASCII characters. Idempotence is not
    /// emulated yet; the token is checked and otherwise has no effect.
    pub fn client_token(&mut self) -> Result<Option<String>, ApiError> {
        let token = self.params.take("ClientToken");
        if let Some(token) = &token {
            if token.len() > 64 || !token.is_ascii() {
                return Err(ApiError::invalid(
                    "ClientToken",
                    "it has at most 64 ASCII characters",
                ));
            }
        }
        Ok(token)
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

    /// Refuses parameters no step read.
    pub fn finish(self) -> Result<(), ApiError> {
        self.params.finish(self.action)
    }
}

/// An instant as the provider writes it: `2026-12-07T06:00:00Z`.
pub fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The encryption a request asks for with `Encrypted` and `KMSKeyId`: a
/// key named is a customer master key (whatever `Encrypted` says, as the
/// provider reads it), otherwise the service key or none.
pub fn encryption(encrypted: bool, key: Option<KeyId>) -> Encryption {
    match (encrypted, key) {
        (_, Some(key)) => Encryption::CustomerKey(key),
        (true, None) => Encryption::ServiceKey,
        (false, None) => Encryption::Unencrypted,
    }
}

/// An empty success: only the `RequestId` the envelope adds.
pub fn done() -> Value {
    Value::Object(serde_json::Map::new())
}
