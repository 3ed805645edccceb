//! The Cloud Backup (HBR) API 2017-09-08 on the endpoint: each operation
//! accepted and refused with the exact status and code, refusals leaving
//! the state as it was, immutability (VAULT-2 to VAULT-8) through vaults,
//! policies, backup points (HBR snapshots), replication and restore, and
//! time deleting backup points at their retention end.

mod access;
mod points;
mod policies;
mod vaults;

use crate::common;

use common::{HBR_VERSION, Server};
use serde_json::{Value, json};

/// A client of one account, calling HBR.
struct Hbr<'s> {
    client: common::Client<'s>,
}

impl Hbr<'_> {
    fn call(&self, action: &str, params: &[(&str, &str)]) -> common::Answer {
        self.client.call_version(HBR_VERSION, action, params)
    }

    /// A success, with the fields every HBR success carries.
    #[track_caller]
    fn ok(&self, action: &str, params: &[(&str, &str)]) -> Value {
        let answer = self.call(action, params);
        let body = answer.ok().clone();
        assert_eq!(body["Success"], json!(true), "{action}: {body}");
        assert_eq!(body["Code"], json!("200"), "{action}: {body}");
        assert_eq!(body["Message"], json!("successful"), "{action}: {body}");
        body
    }

    /// A refusal with this status and code, naming `rule`, that changed
    /// nothing in the state.
    #[track_caller]
    fn refused(
        &self,
        action: &str,
        params: &[(&str, &str)],
        status: u16,
        code: &str,
        rule: &str,
    ) -> common::Answer {
        let before = without_clock(self.client.server.state());
        let answer = self.call(action, params);
        answer.assert_error(status, code);
        assert_eq!(answer.json["Success"], json!(false), "{answer:?}");
        let message = answer.json["Message"].as_str().unwrap_or_default();
        assert!(
            message.contains(rule),
            "{action}: the message does not name {rule}: {message}"
        );
        assert_eq!(
            without_clock(self.client.server.state()),
            before,
            "{action}: a refusal changed the state"
        );
        answer
    }

    /// A general-purpose vault, immutable or not.
    fn vault(&self, worm: bool) -> String {
        let worm = worm.to_string();
        let body = self.ok(
            "CreateVault",
            &[
                ("VaultRegionId", common::REGION),
                ("VaultName", "vault"),
                ("WormEnabled", &worm),
            ],
        );
        common::id(&body, "VaultId")
    }

    /// A policy backing up into `vault`.
    fn policy(&self, vault: &str, kind: &str, immutable: bool, retention: Option<u32>) -> String {
        let mut rules = vec![
            json!({"RuleType": "BACKUP", "VaultId": vault, "Schedule": "I|1631685600|P1D", "BackupType": "COMPLETE"}),
        ];
        if let Some(days) = retention {
            rules.push(json!({"RuleType": "TRANSITION", "Retention": days}));
        }
        rules.push(json!({"RuleType": "SECURITY", "Immutable": immutable}));
        let rules = Value::Array(rules).to_string();
        let body = self.ok(
            "CreatePolicyV2",
            &[
                ("PolicyName", "daily"),
                ("PolicyType", kind),
                ("Rules", &rules),
            ],
        );
        common::id(&body, "PolicyId")
    }

    /// The vault as `DescribeVaults` shows it.
    fn described(&self, vault: &str) -> Value {
        let body = self.ok("DescribeVaults", &[("VaultId", vault)]);
        body["Vaults"]["Vault"][0].clone()
    }

    /// The ids of the backup points `SearchHistoricalSnapshots` finds in
    /// `vault`.
    fn points(&self, vault: &str) -> Vec<String> {
        let query = json!([{"field": "VaultId", "value": vault, "operation": "MATCH_TERM"}]);
        let body = self.ok(
            "SearchHistoricalSnapshots",
            &[
                ("SourceType", "ECS_FILE"),
                ("Query", &query.to_string()),
                ("Limit", "100"),
            ],
        );
        body["Snapshots"]["Snapshot"]
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|s| s["SnapshotId"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn hbr(server: &Server) -> Hbr<'_> {
    Hbr {
        client: server.default_client(),
    }
}

fn without_clock(mut state: Value) -> Value {
    if let Some(fields) = state.as_object_mut() {
        fields.remove("clock");
    }
    state
}

/// A backup point a backup job records in `vault`.
fn point(server: &Server, vault: &str, body: Value) -> String {
    let made = server.post(&format!("/vaults/{vault}/points"), body);
    common::id(&made, "snapshot_id")
}
