//! Backup points, which HBR calls snapshots: SearchHistoricalSnapshots and
//! DeleteSnapshot (VAULT-5). They are made by backup jobs, which the admin
//! API stands for (`POST /_snapguard/vaults/{vault}/points`), and deleted
//! by time at their retention end.

use serde_json::{Value, json};
use snapguard::{BackupPoint, BackupPointId, DeleteBackupPoint};

use super::{Call, done, json_text, one_of, unix};
use crate::engine::{Engine, Tx};
use crate::error::ApiError;

/// The attribute holding a backup point's data source type.
pub const SOURCE_TYPE: &str = "source_type";
/// The data source types a backup point may have; the first is the
/// default.
pub const SOURCE_TYPES: &[&str] = &["ECS_FILE", "OSS", "NAS", "UDM_ECS"];
/// The most conditions one `Query` holds (**Decision**: the provider
/// publishes none).
const MAX_CONDITIONS: usize = 20;
/// The most vault ids one `IN` condition names.
const MAX_VAULTS: usize = 100;

/// What a `Query` selects.
#[derive(Debug, Default)]
struct Query {
    vaults: Vec<String>,
    policy: Option<String>,
}

/// Reads `Query`: a JSON array of `{"field", "value", "operation"}`, of
/// which snapguard evaluates `VaultId` (`MATCH_TERM` or `IN`, required, as
/// the provider requires it) and `PlanId` (`MATCH_TERM`, a policy).
fn query(call: &mut Call<'_>) -> Result<Query, ApiError> {
    let text = call.params.required("Query")?;
    let invalid = || ApiError::invalid("Query", "it is not a JSON array of conditions");
    let parsed: Value = serde_json::from_str(&text).map_err(|_| invalid())?;
    let list = parsed.as_array().ok_or_else(invalid)?;
    if list.len() > MAX_CONDITIONS {
        return Err(ApiError::invalid(
            "Query",
            format_args!("it has more than {MAX_CONDITIONS} conditions"),
        ));
    }
    let mut query = Query::default();
    for (index, condition) in list.iter().enumerate() {
        let name = |key: &str| format!("Query.{}.{key}", index + 1);
        let object = condition.as_object().ok_or_else(invalid)?;
        if let Some(key) = object
            .keys()
            .find(|key| !["field", "value", "operation"].contains(&key.as_str()))
        {
            return Err(ApiError::invalid(
                &name(key),
                "a condition does not take it",
            ));
        }
        let get = |key: &str| object.get(key).ok_or_else(|| ApiError::missing(&name(key)));
        let field = json_text(get("field")?, &name("field"))?;
        let operation = json_text(get("operation")?, &name("operation"))?;
        let value = get("value")?;
        match (field, operation) {
            ("VaultId", "MATCH_TERM") => {
                query
                    .vaults
                    .push(json_text(value, &name("value"))?.to_owned());
            }
            ("VaultId", "IN") => {
                let ids = in_values(value, &name("value"))?;
                query.vaults.extend(ids);
            }
            ("PlanId", "MATCH_TERM") => {
                query.policy = Some(json_text(value, &name("value"))?.to_owned());
            }
            _ => {
                return Err(ApiError::invalid(
                    &name("field"),
                    format_args!(
                        "snapguard evaluates VaultId (MATCH_TERM, IN) and PlanId (MATCH_TERM), not {} {}",
                        crate::params::truncated(field),
                        crate::params::truncated(operation)
                    ),
                ));
            }
        }
    }
    if query.vaults.is_empty() {
        return Err(ApiError::invalid(
            "Query",
            "it needs a VaultId condition, as the provider requires",
        ));
    }
    if query.vaults.len() > MAX_VAULTS {
        return Err(ApiError::invalid(
            "Query",
            format_args!("it names more than {MAX_VAULTS} vaults"),
        ));
    }
    Ok(query)
}

/// The ids of an `IN` condition: a JSON array, or its text.
fn in_values(value: &Value, name: &str) -> Result<Vec<String>, ApiError> {
    let parsed;
    let list = match value {
        Value::Array(list) => list,
        Value::String(text) => {
            parsed = serde_json::from_str::<Value>(text)
                .map_err(|_| ApiError::invalid(name, "it is not a JSON array"))?;
            parsed
                .as_array()
                .ok_or_else(|| ApiError::invalid(name, "it is not a JSON array"))?
        }
        _ => return Err(ApiError::invalid(name, "it is not a JSON array")),
    };
    list.iter()
        .map(|id| json_text(id, name).map(str::to_owned))
        .collect()
}

pub fn search(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let source_type = call.params.required("SourceType")?;
    one_of("SourceType", &source_type, SOURCE_TYPES)?;
    let query = query(&mut call)?;
    let limit = call.params.number("Limit", 0, 100)?.unwrap_or(10);
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let offset = super::next_token(&mut call)?;
    let sort_by = call.params.take("SortBy");
    if let Some(sort_by) = &sort_by {
        one_of(
            "SortBy",
            sort_by,
            &["CreatedTime", "CompleteTime", "ExpireTime"],
        )?;
    }
    let descending = match call.params.take("Order").as_deref() {
        None | Some("ASC") => false,
        Some("DESC") => true,
        Some(other) => {
            return Err(ApiError::invalid(
                "Order",
                format_args!("`{}` is not ASC or DESC", crate::params::truncated(other)),
            ));
        }
    };
    if let Some(edition) = call.params.take("Edition") {
        one_of("Edition", &edition, &["STANDARD"])?;
    }
    call.finish_in(engine, |call, tx| {
        let mut found: Vec<&BackupPoint> = Vec::new();
        for vault in &query.vaults {
            let vault = call.own_vault(tx, vault)?;
            found.extend(tx.state().backup_points_of(&vault.id).filter(|point| {
                source_type_of(tx, point) == source_type
                    && query
                        .policy
                        .as_deref()
                        .is_none_or(|p| point.policy.as_ref().is_some_and(|q| q.as_str() == p))
            }));
        }
        found.sort_by(|a, b| {
            let key = |p: &BackupPoint| match sort_by.as_deref() {
                Some("ExpireTime") => (p.retention.end().map_or(i64::MAX, unix), p.id.to_string()),
                _ => (unix(p.created_at), p.id.to_string()),
            };
            key(a).cmp(&key(b))
        });
        found.dedup_by(|a, b| a.id == b.id);
        if descending {
            found.reverse();
        }
        let (page, next) = super::token_page(&found, offset, limit);
        let page: Vec<Value> = page.iter().map(|point| fields(tx, point)).collect();
        Ok(json!({
            "Snapshots": { "Snapshot": page },
            "TotalCount": found.len(),
            "Limit": limit,
            "NextToken": next,
        }))
    })
}

/// A point's data source type.
pub fn source_type_of<'t>(tx: &'t Tx<'_>, point: &BackupPoint) -> &'t str {
    tx.attribute(point.id.as_str(), SOURCE_TYPE)
        .unwrap_or(SOURCE_TYPES.first().copied().unwrap_or_default())
}

/// A backup point as `SearchHistoricalSnapshots` shows it: complete as
/// soon as it is recorded, kept until `ExpireTime` (absent when kept
/// permanently), `Retention` days after its creation.
fn fields(tx: &Tx<'_>, point: &BackupPoint) -> Value {
    let created = unix(point.created_at);
    let mut fields = json!({
        "SnapshotId": point.id.as_str(),
        "VaultId": point.vault.as_str(),
        "SourceType": source_type_of(tx, point),
        "Status": "COMPLETE",
        "BackupType": "COMPLETE",
        "CreatedTime": created,
        "CreateTime": created,
        "StartTime": created,
        "CompleteTime": created,
        "UpdatedTime": unix(point.locked_since.unwrap_or(point.created_at)),
    });
    if let Some(map) = fields.as_object_mut() {
        if let Some(end) = point.retention.end() {
            let seconds = end.signed_duration_since(point.created_at).num_seconds();
            let days = seconds.saturating_add(86_399) / 86_400;
            map.insert("ExpireTime".into(), json!(unix(end)));
            map.insert("Retention".into(), json!(days));
        }
        if let Some(policy) = &point.policy {
            map.insert("PlanId".into(), json!(policy.as_str()));
        }
    }
    fields
}

pub fn delete(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let point = call.params.required("SnapshotId")?;
    let vault = call.params.take("VaultId");
    let source_type = call.params.take("SourceType");
    if let Some(source_type) = &source_type {
        one_of("SourceType", source_type, SOURCE_TYPES)?;
    }
    call.finish_in(engine, |call, tx| {
        let found = call.own_point(tx, &point, vault.as_deref())?;
        if source_type
            .as_deref()
            .is_some_and(|t| t != source_type_of(tx, found))
        {
            return Err(call.missing(snapguard::ObjectKind::BackupPoint, &point));
        }
        tx.apply(
            call.actor,
            DeleteBackupPoint::new(BackupPointId::new(point.as_str())),
        )
        .map_err(|violation| call.refused(&violation))?;
        Ok(done())
    })
}
