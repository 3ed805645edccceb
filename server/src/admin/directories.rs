//! Resource directories and the role that lets encrypted snapshots be
//! shared: what an enterprise's administrators set up in the Resource
//! Directory and RAM consoles, which the endpoint does not serve as APIs.
//! Each is issued as the account's root, as the library's commands say.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use snapguard::{
    AccountId, Actor, AddDirectoryMember, CreateFolder, CreateResourceDirectory, DirectoryId,
    FolderId, RemoveDirectoryMember, SetEncryptedShareRole,
};

use super::{apply, body, run};
use crate::engine::Shared;
use crate::mint::{self, IdKind};

/// `POST /accounts/{account}/directory`: a resource directory the account
/// manages, of which it is the first member.
pub async fn create_directory(
    State(engine): State<Shared>,
    Path(account): Path<String>,
) -> Response {
    run(engine, move |engine| {
        engine.transact(|tx| {
            let directory = DirectoryId::new(mint::mint(IdKind::Directory));
            apply(
                tx,
                &Actor::root(account.as_str()),
                CreateResourceDirectory::new(directory.clone()),
            )?;
            Ok(json!({ "directory_id": directory.as_str(), "management_account_id": account }))
        })
    })
    .await
}

/// `POST /accounts/{account}/folders`: a folder of the directory the
/// account manages.
pub async fn create_folder(State(engine): State<Shared>, Path(account): Path<String>) -> Response {
    run(engine, move |engine| {
        engine.transact(|tx| {
            let folder = FolderId::new(mint::mint(IdKind::Folder));
            apply(
                tx,
                &Actor::root(account.as_str()),
                CreateFolder::new(folder.clone()),
            )?;
            Ok(json!({ "folder_id": folder.as_str() }))
        })
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewMember {
    account_id: String,
    #[serde(default)]
    folder_id: Option<String>,
}

/// `POST /accounts/{account}/members`: an account joins the directory the
/// account manages, at its root or in a folder (SHARE-8).
pub async fn add_member(
    State(engine): State<Shared>,
    Path(account): Path<String>,
    bytes: Bytes,
) -> Response {
    run(engine, move |engine| {
        let request: NewMember = body(&bytes)?;
        engine.transact(|tx| {
            apply(
                tx,
                &Actor::root(account.as_str()),
                AddDirectoryMember::new(AccountId::new(request.account_id.as_str()))
                    .maybe_folder(request.folder_id.as_deref().map(FolderId::new)),
            )?;
            Ok(json!({ "account_id": request.account_id, "folder_id": request.folder_id }))
        })
    })
    .await
}

/// `DELETE /accounts/{account}/members/{member}`: an account leaves the
/// directory the account manages (SHARE-8).
pub async fn remove_member(
    State(engine): State<Shared>,
    Path((account, member)): Path<(String, String)>,
) -> Response {
    run(engine, move |engine| {
        engine.transact(|tx| {
            apply(
                tx,
                &Actor::root(account.as_str()),
                RemoveDirectoryMember::new(AccountId::new(member.as_str())),
            )?;
            Ok(json!({ "account_id": member, "removed": true }))
        })
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Role {
    trusted: Vec<String>,
}

/// `PUT /accounts/{account}/encrypted-share-role`: the accounts the
/// account's share-encrypted-snapshot role
/// (`AliyunECSShareEncryptSnapshotDefaultRole`) trusts, replacing the
/// list; an empty list is no role (SHARE-6).
pub async fn set_encrypted_share_role(
    State(engine): State<Shared>,
    Path(account): Path<String>,
    bytes: Bytes,
) -> Response {
    run(engine, move |engine| {
        let request: Role = body(&bytes)?;
        engine.transact(|tx| {
            apply(
                tx,
                &Actor::root(account.as_str()),
                SetEncryptedShareRole::new().trusted(request.trusted.iter().map(String::as_str)),
            )?;
            Ok(json!({ "account_id": account, "trusted": request.trusted }))
        })
    })
    .await
}
