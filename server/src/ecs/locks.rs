//! Locks: LockSnapshot, UnlockSnapshot, DescribeLockedSnapshots, and the
//! pagination (`NextToken`, `MaxResults`, `PageNumber`, `PageSize`) the
//! describe operations share.

use serde_json::{Value, json};
use snapguard::{
    LockQuery, LockSnapshot, LockState, LockView, ObjectKind, SnapshotId, UnlockSnapshot,
};

use super::{Call, done, time};
use crate::engine::Engine;
use crate::error::ApiError;

/// The most snapshot ids one `DescribeLockedSnapshots` names.
const MAX_IDS: usize = 100;

pub fn lock(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let region = call.region(true)?;
    let snapshot = SnapshotId::new(call.params.required("SnapshotId")?);
    let mode = call.params.required("LockMode")?;
    if mode != "compliance" {
        return Err(ApiError::invalid(
            "LockMode",
            "the only lock mode is `compliance`",
        ));
    }
    // The library checks the ranges (LOCK-1), so the refusal names its rule
    // and has the provider's code for it; here only the form is checked.
    let duration_days = number_u32(&mut call, "LockDuration")?;
    let cool_off_hours = number_u32(&mut call, "CoolOffPeriod")?;
    call.finish_in(engine, |call, tx| {
        call.locate(tx, ObjectKind::Snapshot, snapshot.as_str(), region.as_ref())?;
        tx.apply(
            call.actor,
            LockSnapshot::new(snapshot.clone(), duration_days, cool_off_hours),
        )
        .map_err(|violation| call.refused(&violation))?;
        let view = tx
            .state()
            .lock_view(tx.now(), call.actor, &snapshot)
            .map_err(|violation| call.refused(&violation))?;
        Ok(json!({ "LockedSnapshotInfo": view.as_ref().map(lock_fields) }))
    })
}

pub fn unlock(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let region = call.region(true)?;
    let snapshot = SnapshotId::new(call.params.required("SnapshotId")?);
    call.finish_in(engine, |call, tx| {
        call.locate(tx, ObjectKind::Snapshot, snapshot.as_str(), region.as_ref())?;
        tx.apply(call.actor, UnlockSnapshot::new(snapshot))
            .map_err(|violation| call.refused(&violation))?;
        Ok(done())
    })
}

pub fn describe(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let region = call.region(true)?;
    let ids = call.params.list("SnapshotIds", MAX_IDS)?;
    let status = match call.params.take("LockStatus").as_deref() {
        None => None,
        Some("compliance-cooloff") => Some(LockState::CoolOff),
        Some("compliance") => Some(LockState::Compliance),
        Some("expired") => Some(LockState::Expired),
        Some(other) => {
            return Err(ApiError::invalid(
                "LockStatus",
                format_args!(
                    "`{}` is not compliance-cooloff, compliance or expired",
                    crate::params::truncated(other)
                ),
            ));
        }
    };
    let page = Page::read(&mut call, 10)?;
    call.finish_in(engine, |call, tx| {
        call.known_region(tx, region.as_ref())?;
        let mut query = status.map_or_else(LockQuery::all, LockQuery::in_state);
        if let Some(region) = &region {
            query = query.in_region(region.clone());
        }
        let mut views = tx
            .state()
            .describe_locked_snapshots(tx.now(), call.actor, &query)
            .map_err(|violation| call.refused(&violation))?;
        if !ids.is_empty() {
            views.retain(|view| ids.iter().any(|id| id == view.snapshot.as_str()));
        }
        views.sort_by(|a, b| a.snapshot.cmp(&b.snapshot));
        let (items, next) = page.slice(&views)?;
        let mut body = json!({
            "LockedSnapshotsInfo": items.iter().map(lock_fields).collect::<Vec<_>>(),
        });
        page.fields(&mut body, next);
        Ok(body)
    })
}

/// A lock as the provider shows it.
fn lock_fields(view: &LockView) -> Value {
    json!({
        "SnapshotId": view.snapshot.as_str(),
        "LockMode": "compliance",
        "LockStatus": match view.state {
            LockState::CoolOff => "compliance-cooloff",
            LockState::Compliance => "compliance",
            LockState::Expired => "expired",
        },
        "LockCreationTime": time(view.start),
        "LockDurationStartTime": time(view.start),
        "LockDuration": view.expiry.signed_duration_since(view.start).num_days(),
        "CoolOffPeriod": view.cool_off_end.signed_duration_since(view.start).num_hours(),
        "CoolOffPeriodExpiredTime": time(view.cool_off_end),
        "LockExpiredTime": time(view.expiry),
    })
}

fn number_u32(call: &mut Call<'_>, name: &str) -> Result<u32, ApiError> {
    let number = call.params.required_number(name, 0, u64::from(u32::MAX))?;
    u32::try_from(number).map_err(|_| ApiError::invalid(name, "it is too large"))
}

/// Pagination, either by token (`NextToken`, `MaxResults`) or by page
/// (`PageNumber`, `PageSize`), never both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// `MaxResults` items from the offset a `NextToken` carries.
    Token { offset: usize, max: usize },
    /// Page `number` (from 1) of `size` items.
    Numbered { number: usize, size: usize },
}

impl Page {
    /// Reads the pagination parameters; `default` items per page.
    pub fn read(call: &mut Call<'_>, default: usize) -> Result<Self, ApiError> {
        // An empty token asks for the first page, as the first call of a
        // paging loop sends it.
        let token = call.params.take("NextToken").filter(|t| !t.is_empty());
        let max = call.params.number("MaxResults", 1, 100)?;
        let number = call.params.number("PageNumber", 1, 1_000_000)?;
        let size = call.params.number("PageSize", 1, 100)?;
        let to_usize = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        if (token.is_some() || max.is_some()) && (number.is_some() || size.is_some()) {
            return Err(ApiError::invalid(
                "NextToken",
                "page with NextToken/MaxResults or with PageNumber/PageSize, not both",
            ));
        }
        if number.is_some() || size.is_some() {
            return Ok(Self::Numbered {
                number: number.map_or(1, to_usize),
                size: size.map_or(default, to_usize),
            });
        }
        let offset = match token {
            None => 0,
            Some(token) => token.parse::<usize>().map_err(|_| {
                ApiError::invalid("NextToken", "it is not a token this endpoint returned")
            })?,
        };
        Ok(Self::Token {
            offset,
            max: max.map_or(default, to_usize),
        })
    }

    /// The page's items, and the token of the next page if any.
    pub fn slice<'a, T>(&self, items: &'a [T]) -> Result<(&'a [T], Option<String>), ApiError> {
        let (start, len) = match *self {
            Self::Token { offset, max } => (offset, max),
            Self::Numbered { number, size } => {
                (number.saturating_sub(1).saturating_mul(size), size)
            }
        };
        if start > items.len() && matches!(self, Self::Token { .. }) {
            return Err(ApiError::invalid("NextToken", "it is past the last item"));
        }
        let start = start.min(items.len());
        let end = start.saturating_add(len).min(items.len());
        let page = items.get(start..end).unwrap_or_default();
        let next = (end < items.len()).then(|| end.to_string());
        Ok((page, next))
    }

    /// Adds the pagination fields to a response.
    pub fn fields(&self, body: &mut Value, next: Option<String>) {
        let Some(fields) = body.as_object_mut() else {
            return;
        };
        match *self {
            Self::Token { max, .. } => {
                fields.insert("NextToken".into(), json!(next.unwrap_or_default()));
                fields.insert("MaxResults".into(), json!(max));
            }
            Self::Numbered { number, size } => {
                fields.insert("PageNumber".into(), json!(number));
                fields.insert("PageSize".into(), json!(size));
            }
        }
    }
}
