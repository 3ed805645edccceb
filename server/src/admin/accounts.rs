//! Regions, accounts and their root keys, RAM users and their policies,
//! KMS and its keys, and billing's overdue mark.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};
use snapguard::{
    AccountId, ActivateKms, Actor, CreateAccount, CreateKey, CreateRegion, CreateUser, KeyId,
    MarkAccountOverdue, MarkRegionClosingDown, RegionId, SetUserPolicy, Site, Statement, UserId,
};

use super::{apply, body, created, run};
use crate::engine::{Shared, Tx};
use crate::error::ApiError;
use crate::mint::{self, IdKind};
use crate::store::KeyRecord;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewRegion {
    region_id: String,
}

pub async fn create_region(State(engine): State<Shared>, bytes: Bytes) -> Response {
    run(engine, move |engine| {
        let request: NewRegion = body(&bytes)?;
        engine.transact(|tx| {
            let events = apply(
                tx,
                &Actor::Platform,
                CreateRegion::new(RegionId::new(request.region_id.clone())),
            )?;
            Ok(json!({ "region_id": created(&events)? }))
        })
    })
    .await
}

pub async fn closing_down(State(engine): State<Shared>, Path(region): Path<String>) -> Response {
    run(engine, move |engine| {
        engine.transact(|tx| {
            apply(
                tx,
                &Actor::Platform,
                MarkRegionClosingDown::new(RegionId::new(region.clone())),
            )?;
            Ok(json!({ "region_id": region, "closing_down": true }))
        })
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewAccount {
    account_id: String,
    #[serde(default = "china")]
    site: Site,
}

fn china() -> Site {
    Site::China
}

pub async fn create_account(State(engine): State<Shared>, bytes: Bytes) -> Response {
    run(engine, move |engine| {
        let request: NewAccount = body(&bytes)?;
        engine.transact(|tx| add_account(tx, &request.account_id, request.site))
    })
    .await
}

/// Creates an account and its root access key.
pub fn add_account(tx: &mut Tx<'_>, account: &str, site: Site) -> Result<Value, ApiError> {
    let events = apply(
        tx,
        &Actor::Platform,
        CreateAccount::new(AccountId::new(account), site),
    )?;
    let account = created(&events)?;
    let key = new_key(tx, &account, None);
    Ok(account_json(&account, site, &key))
}

fn new_key(tx: &mut Tx<'_>, account: &str, user: Option<&str>) -> KeyRecord {
    let mut id = mint::access_key_id();
    while tx.key_exists(&id) {
        id = mint::access_key_id();
    }
    let key = KeyRecord {
        id,
        secret: mint::secret(),
        account: account.to_owned(),
        user: user.map(str::to_owned),
    };
    tx.add_key(key.clone());
    key
}

fn account_json(account: &str, site: Site, key: &KeyRecord) -> Value {
    json!({
        "account_id": account,
        "site": site,
        "access_key_id": key.id,
        "access_key_secret": key.secret,
    })
}

pub async fn account(State(engine): State<Shared>, Path(account): Path<String>) -> Response {
    run(engine, move |engine| {
        let site = engine
            .state()
            .account(&AccountId::new(account.as_str()))
            .map(|found| found.site)
            .ok_or_else(|| {
                ApiError::new(
                    404,
                    "InvalidAccount.NotFound",
                    format!("No account `{}`.", crate::params::truncated(&account)),
                )
            })?;
        let key = engine
            .keys()
            .find(|key| key.account == account && key.user.is_none())
            .ok_or_else(|| crate::engine::internal("the account has no root key"))?;
        Ok(account_json(&account, site, key))
    })
    .await
}

/// A RAM policy document: `{"Version": "1", "Statement": [...]}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
struct PolicyDocument {
    #[serde(default)]
    #[allow(dead_code)]
    version: Option<String>,
    statement: Vec<Statement>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUser {
    user_name: String,
    policy: PolicyDocument,
}

pub async fn create_user(
    State(engine): State<Shared>,
    Path(account): Path<String>,
    bytes: Bytes,
) -> Response {
    run(engine, move |engine| {
        let request: NewUser = body(&bytes)?;
        engine.transact(|tx| {
            let events = apply(
                tx,
                &Actor::root(account.as_str()),
                CreateUser::new(UserId::new(request.user_name.as_str()))
                    .statements(request.policy.statement),
            )?;
            let user = created(&events)?;
            let key = new_key(tx, &account, Some(&user));
            Ok(json!({
                "user_name": user,
                "access_key_id": key.id,
                "access_key_secret": key.secret,
            }))
        })
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewPolicy {
    policy: PolicyDocument,
}

pub async fn set_policy(
    State(engine): State<Shared>,
    Path((account, user)): Path<(String, String)>,
    bytes: Bytes,
) -> Response {
    run(engine, move |engine| {
        let request: NewPolicy = body(&bytes)?;
        engine.transact(|tx| {
            apply(
                tx,
                &Actor::root(account.as_str()),
                SetUserPolicy::new(UserId::new(user.as_str())).statements(request.policy.statement),
            )?;
            Ok(json!({ "user_name": user }))
        })
    })
    .await
}

pub async fn activate_kms(State(engine): State<Shared>, Path(account): Path<String>) -> Response {
    run(engine, move |engine| {
        engine.transact(|tx| {
            apply(tx, &Actor::root(account.as_str()), ActivateKms::new())?;
            Ok(json!({ "account_id": account, "kms": true }))
        })
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewKey {
    region_id: String,
}

pub async fn create_key(
    State(engine): State<Shared>,
    Path(account): Path<String>,
    bytes: Bytes,
) -> Response {
    run(engine, move |engine| {
        let request: NewKey = body(&bytes)?;
        engine.transact(|tx| {
            let key = KeyId::new(mint::mint(IdKind::Key));
            apply(
                tx,
                &Actor::root(account.as_str()),
                CreateKey::new(key.clone(), RegionId::new(request.region_id.as_str())),
            )?;
            Ok(json!({ "key_id": key.as_str() }))
        })
    })
    .await
}

pub async fn overdue(State(engine): State<Shared>, Path(account): Path<String>) -> Response {
    run(engine, move |engine| {
        engine.transact(|tx| {
            apply(
                tx,
                &Actor::Billing,
                MarkAccountOverdue::new(AccountId::new(account.as_str())),
            )?;
            Ok(json!({ "account_id": account, "overdue": true }))
        })
    })
    .await
}
