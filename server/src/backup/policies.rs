//! Backup policies: CreatePolicyV2, UpdatePolicyV2, DescribePoliciesV2,
//! and their `Rules`.
//!
//! A policy backs up into one vault (the `VaultId` of its `BACKUP` rules);
//! its `TRANSITION` rule's `Retention` is how long the backup points it
//! makes are kept; a `SECURITY` rule's `Immutable` is immutable backup
//! (VAULT-2 to VAULT-4). `REPLICATION` and `TAG` rules, and archiving
//! (`ArchiveDays`, `RetentionRules`), are not emulated and are refused.

use serde_json::{Map, Value, json};
use snapguard::{
    Action, BackupPolicy, BackupPolicyId, CreateBackupPolicy, ImmutableTarget, ObjectKind,
    PolicyKind, VaultId,
};

use super::{
    Call, DESCRIPTION, NAME, POLICY_PREFIX, done, json_bool, json_number, json_text, one_of, unix,
};
use crate::engine::{Engine, Tx};
use crate::error::ApiError;
use crate::mint::with_prefix;

/// The attribute holding a policy's retention in days.
pub const RETENTION: &str = "retention";
/// The attribute holding a policy's backup schedule.
const SCHEDULE: &str = "schedule";
/// The most rules a policy has (**Decision**: the provider publishes none).
const MAX_RULES: usize = 32;
/// The longest retention in days: the library's (SNAP-5), inside the
/// provider's 1 to 364,635.
const MAX_RETENTION_DAYS: u64 = 65_536;

/// What a policy's rules say, as far as snapguard models it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Rules {
    /// The vault its `BACKUP` rules back up into.
    vault: Option<String>,
    /// Its `SECURITY` rule's `Immutable`, if it has one.
    immutable: Option<bool>,
    /// Days its backup points are kept (`TRANSITION`, else `BACKUP`).
    retention: Option<u64>,
    /// Its `BACKUP` rule's `Schedule`.
    schedule: Option<String>,
}

/// Reads `Rules`, a JSON array of rule objects.
fn rules(call: &mut Call<'_>) -> Result<Option<Rules>, ApiError> {
    let Some(text) = call.params.take("Rules") else {
        return Ok(None);
    };
    let parsed: Value = serde_json::from_str(&text)
        .map_err(|_| ApiError::invalid("Rules", "it is not a JSON array of rules"))?;
    let Value::Array(list) = parsed else {
        return Err(ApiError::invalid(
            "Rules",
            "it is not a JSON array of rules",
        ));
    };
    if list.len() > MAX_RULES {
        return Err(ApiError::invalid(
            "Rules",
            format_args!("it has more than {MAX_RULES} rules"),
        ));
    }
    let mut rules = Rules::default();
    let mut backup_retention = None;
    for (index, rule) in list.iter().enumerate() {
        let Value::Object(rule) = rule else {
            return Err(ApiError::invalid(
                &format!("Rules.{}", index + 1),
                "it is not a JSON object",
            ));
        };
        read_rule(index + 1, rule, &mut rules, &mut backup_retention)?;
    }
    rules.retention = rules.retention.or(backup_retention);
    Ok(Some(rules))
}

/// Reads the rule numbered `n` (from 1) into `rules`.
fn read_rule(
    n: usize,
    rule: &Map<String, Value>,
    rules: &mut Rules,
    backup_retention: &mut Option<u64>,
) -> Result<(), ApiError> {
    let field = |key: &str| format!("Rules.{n}.{key}");
    let kind = json_text(
        rule.get("RuleType")
            .ok_or_else(|| ApiError::missing(&field("RuleType")))?,
        &field("RuleType"),
    )?;
    one_of(
        &field("RuleType"),
        kind,
        &["BACKUP", "TRANSITION", "SECURITY", "REPLICATION", "TAG"],
    )?;
    let allowed: &[&str] = match kind {
        "BACKUP" => &[
            "RuleType",
            "RuleId",
            "VaultId",
            "Schedule",
            "BackupType",
            "Retention",
        ],
        "TRANSITION" => &["RuleType", "RuleId", "Retention"],
        "SECURITY" => &["RuleType", "RuleId", "Immutable"],
        _ => {
            return Err(ApiError::invalid(
                &field("RuleType"),
                format_args!("snapguard does not emulate {kind} rules"),
            ));
        }
    };
    // The SDK sends these lists empty with every rule: empty, they say
    // nothing.
    let empty = |key: &str, value: &Value| {
        ["DataSourceFilters", "RetentionRules", "TagFilters"].contains(&key)
            && (value.is_null() || value.as_array().is_some_and(Vec::is_empty))
    };
    if let Some(key) = rule
        .iter()
        .find(|(key, value)| !allowed.contains(&key.as_str()) && !empty(key, value))
        .map(|(key, _)| key)
    {
        return Err(ApiError::invalid(
            &field(key),
            format_args!("a {kind} rule does not take it, or snapguard does not emulate it"),
        ));
    }
    let retention = rule
        .get("Retention")
        .map(|value| json_number(value, &field("Retention"), 1, MAX_RETENTION_DAYS))
        .transpose()?;
    match kind {
        "BACKUP" => {
            let vault = json_text(
                rule.get("VaultId")
                    .ok_or_else(|| ApiError::missing(&field("VaultId")))?,
                &field("VaultId"),
            )?;
            if rules.vault.as_deref().is_some_and(|v| v != vault) {
                return Err(ApiError::invalid(
                    &field("VaultId"),
                    "snapguard emulates policies backing up into one vault",
                ));
            }
            rules.vault = Some(vault.to_owned());
            if let Some(kind) = rule.get("BackupType") {
                one_of(
                    &field("BackupType"),
                    json_text(kind, &field("BackupType"))?,
                    &["COMPLETE"],
                )?;
            }
            if let Some(schedule) = rule.get("Schedule") {
                rules.schedule = Some(json_text(schedule, &field("Schedule"))?.to_owned());
            }
            *backup_retention = retention.or(*backup_retention);
        }
        "TRANSITION" => {
            rules.retention =
                Some(retention.ok_or_else(|| ApiError::missing(&field("Retention")))?);
        }
        _ => {
            let immutable = rule
                .get("Immutable")
                .ok_or_else(|| ApiError::missing(&field("Immutable")))?;
            rules.immutable = Some(json_bool(immutable, &field("Immutable"))?);
        }
    }
    Ok(())
}

/// Records what a policy's rules say beside the state.
fn record(tx: &mut Tx<'_>, policy: &str, rules: &Rules) {
    tx.set_given(
        policy,
        [
            (RETENTION, rules.retention.map(|days| days.to_string())),
            (SCHEDULE, rules.schedule.clone()),
        ],
    );
}

pub fn create(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let name = call.text("PolicyName", 1, 64)?;
    let description = call.text("PolicyDescription", 0, 255)?;
    let kind = match call.params.take("PolicyType").as_deref() {
        None | Some("STANDARD") => PolicyKind::General,
        Some("UDM_ECS_ONLY") => PolicyKind::EcsInstance,
        Some(other) => {
            return Err(ApiError::invalid(
                "PolicyType",
                format_args!(
                    "`{}` is not STANDARD or UDM_ECS_ONLY",
                    crate::params::truncated(other)
                ),
            ));
        }
    };
    let rules = rules(&mut call)?.ok_or_else(|| ApiError::missing("Rules"))?;
    let vault = rules.vault.clone().ok_or_else(|| {
        ApiError::invalid(
            "Rules",
            "snapguard needs a BACKUP rule naming the VaultId the policy backs up into",
        )
    })?;
    call.finish_in(engine, |call, tx| {
        call.own_vault(tx, &vault)?;
        let policy = BackupPolicyId::new(with_prefix(POLICY_PREFIX));
        tx.apply(
            call.actor,
            CreateBackupPolicy::new(policy.clone(), VaultId::new(vault.as_str()), kind)
                .immutable(rules.immutable == Some(true)),
        )
        .map_err(|violation| call.refused(&violation))?;
        tx.set_given(policy.as_str(), [(NAME, name), (DESCRIPTION, description)]);
        record(tx, policy.as_str(), &rules);
        Ok(json!({ "PolicyId": policy.as_str() }))
    })
}

pub fn update(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let policy = call.params.required("PolicyId")?;
    let name = call.text("PolicyName", 1, 64)?;
    let description = call.text("PolicyDescription", 0, 255)?;
    let rules = rules(&mut call)?;
    call.finish_in(engine, |call, tx| {
        let found = call.own_policy(tx, &policy)?;
        // What the server keeps (name, description, retention, schedule)
        // is guarded as the library guards immutability:
        // hbr:UpdateBackupPlan (PERM-1).
        call.authorize(
            tx,
            Action::UpdateBackupPlan,
            ObjectKind::BackupPolicy,
            &policy,
        )?;
        let (vault, immutable) = (found.vault.clone(), found.immutable_since.is_some());
        if let Some(rules) = &rules {
            if rules.vault.as_deref().is_some_and(|v| v != vault.as_str()) {
                return Err(ApiError::invalid(
                    "Rules",
                    "snapguard does not emulate moving a policy to another vault",
                ));
            }
            let target = ImmutableTarget::Policy(BackupPolicyId::new(policy.as_str()));
            // A SECURITY rule left out leaves immutability as it is.
            call.set_immutable(tx, target, rules.immutable, immutable)?;
            record(tx, &policy, rules);
        }
        tx.set_given(&policy, [(NAME, name), (DESCRIPTION, description)]);
        Ok(done())
    })
}

pub fn describe(engine: &mut Engine, mut call: Call<'_>) -> Result<Value, ApiError> {
    let id = call.params.take("PolicyId");
    let max = call.params.number("MaxResults", 10, 100)?.unwrap_or(10);
    let max = usize::try_from(max).unwrap_or(usize::MAX);
    let offset = super::next_token(&mut call)?;
    call.finish_in(engine, |call, tx| {
        let account = call.actor.account();
        let mut found: Vec<&BackupPolicy> = tx
            .state()
            .backup_policies()
            .filter(|policy| Some(&policy.owner) == account)
            .filter(|policy| id.as_deref().is_none_or(|id| id == policy.id.as_str()))
            .collect();
        found.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        let (page, next) = super::token_page(&found, offset, max);
        let page: Vec<Value> = page.iter().map(|policy| fields(tx, policy)).collect();
        Ok(json!({
            "Policies": page,
            "TotalCount": found.len(),
            "MaxResults": max,
            "NextToken": next,
        }))
    })
}

/// A policy as `DescribePoliciesV2` shows it.
fn fields(tx: &Tx<'_>, policy: &BackupPolicy) -> Value {
    let id = policy.id.as_str();
    let mut backup = json!({
        "RuleType": "BACKUP",
        "VaultId": policy.vault.as_str(),
        "BackupType": "COMPLETE",
    });
    if let (Some(map), Some(schedule)) = (backup.as_object_mut(), tx.attribute(id, SCHEDULE)) {
        map.insert("Schedule".into(), json!(schedule));
    }
    let mut rules = vec![backup];
    if let Some(days) = tx
        .attribute(id, RETENTION)
        .and_then(|d| d.parse::<u64>().ok())
    {
        rules.push(json!({ "RuleType": "TRANSITION", "Retention": days }));
    }
    rules.push(json!({
        "RuleType": "SECURITY",
        "Immutable": policy.immutable_since.is_some(),
    }));
    json!({
        "PolicyId": id,
        "PolicyName": tx.attribute(id, NAME).unwrap_or_default(),
        "PolicyDescription": tx.attribute(id, DESCRIPTION).unwrap_or_default(),
        "PolicyType": match policy.kind {
            PolicyKind::EcsInstance => "UDM_ECS_ONLY",
            _ => "STANDARD",
        },
        "CreatedTime": unix(policy.created_at),
        "UpdatedTime": unix(policy.immutable_since.unwrap_or(policy.created_at)),
        "Rules": rules,
    })
}
