//! The resource directory rules (SHARE-8).

use crate::ctx::{Ctx, Step, Verdict, foreign, owned};
use crate::rules::account::root_account;
use crate::{
    AccountId, AddDirectoryMember, Bound, CreateFolder, CreateResourceDirectory, Event, ObjectKind,
    RemoveDirectoryMember, ResourceDirectory, Violation,
};

/// The directory an account manages, refusing an account outside any
/// directory (SHARE-8) or a member that does not manage its directory
/// (PERM-4).
fn managed<'a>(ctx: &'a Ctx<'_>, account: &AccountId) -> Result<&'a ResourceDirectory, Violation> {
    let directory = ctx
        .state
        .directory_of(account)
        .ok_or_else(|| Violation::NotInDirectory {
            account: account.clone(),
            directory: None,
        })?;
    owned(
        account,
        &directory.management,
        ObjectKind::Directory,
        directory.id.as_str(),
    )?;
    Ok(directory)
}

/// Checks: the account's root; a fresh, well-formed id (GEN-7, GEN-5, GEN-4); the
/// account is in no directory yet (SHARE-8).
pub(crate) fn create_directory(
    ctx: &Ctx<'_>,
    c: &CreateResourceDirectory,
    v: &mut Verdict,
) -> Step<Vec<Event>> {
    let account = root_account(ctx)?;
    let directory_id = ctx.fresh(ObjectKind::Directory, &c.directory, |id| {
        ctx.state.directory(id).is_some()
    })?;
    v.check(not_in_directory(ctx, account))?;
    Ok(vec![Event::DirectoryCreated {
        at: ctx.now,
        directory: directory_id.clone(),
        management: account.clone(),
    }])
}

/// SHARE-8: an account belongs to one directory at most.
fn not_in_directory(ctx: &Ctx<'_>, account: &AccountId) -> Result<(), Violation> {
    match ctx.state.directory_of(account) {
        Some(directory) => Err(Violation::AlreadyInDirectory {
            account: account.clone(),
            directory: directory.id.clone(),
        }),
        None => Ok(()),
    }
}

/// Checks: the root of a management account (SHARE-8, PERM-4); a fresh,
/// well-formed folder id (GEN-7, GEN-5, GEN-4); one folder more within the
/// directory's bound (GEN-7).
pub(crate) fn create_folder(ctx: &Ctx<'_>, c: &CreateFolder) -> Step<Vec<Event>> {
    let account = root_account(ctx)?;
    let directory = managed(ctx, account)?;
    let folder_id = ctx.fresh(ObjectKind::Folder, &c.folder, |id| {
        ctx.state.folder(id).is_some()
    })?;
    let held = ctx.state.index.folders_of(&directory.id);
    ctx.state
        .limits
        .within(Bound::FoldersPerDirectory, held.saturating_add(1))?;
    Ok(vec![Event::FolderCreated {
        at: ctx.now,
        folder: folder_id.clone(),
        directory: directory.id.clone(),
    }])
}

/// SHARE-8. Checks, in order: the root of a management account; the
/// account exists (GEN-4); the folder, if any, exists (GEN-4) and is one of
/// the directory's (PERM-4); the account is in no directory (SHARE-8); it
/// is on the management account's site (SHARE-3).
pub(crate) fn add_member(
    ctx: &Ctx<'_>,
    c: &AddDirectoryMember,
    v: &mut Verdict,
) -> Step<Vec<Event>> {
    let management = root_account(ctx)?;
    let directory = managed(ctx, management)?;
    let joining = ctx.account(&c.account)?;
    if let Some(id) = &c.folder {
        let folder = ctx.folder(id)?;
        if folder.directory != directory.id {
            let owner = ctx.directory(&folder.directory)?;
            return Err(foreign(
                ObjectKind::Folder,
                id.as_str(),
                &owner.management,
                management,
            )
            .into());
        }
    }
    v.check(not_in_directory(ctx, &joining.id))?;
    let site = ctx.account(management)?.site;
    v.ensure(joining.site == site, || Violation::CrossSite {
        account: management.clone(),
        site,
        other: joining.id.clone(),
        other_site: joining.site,
    })?;
    Ok(vec![Event::DirectoryMemberAdded {
        at: ctx.now,
        directory: directory.id.clone(),
        account: joining.id.clone(),
        folder: c.folder.clone(),
    }])
}

/// SHARE-8. Checks, in order: the root of a management account; the
/// account exists (GEN-4) and is a member of the directory (SHARE-8); it is
/// not the management account itself (SHARE-8). The account loses what was
/// shared with it through the directory, its folder, or a share scoped to
/// the directory.
pub(crate) fn remove_member(
    ctx: &Ctx<'_>,
    c: &RemoveDirectoryMember,
    v: &mut Verdict,
) -> Step<Vec<Event>> {
    let management = root_account(ctx)?;
    let directory = managed(ctx, management)?;
    let leaving = ctx.account(&c.account)?;
    v.ensure(directory.members.contains_key(&leaving.id), || {
        Violation::NotInDirectory {
            account: leaving.id.clone(),
            directory: Some(directory.id.clone()),
        }
    })?;
    v.ensure(leaving.id != directory.management, || {
        Violation::ManagementAccountLeaving {
            account: leaving.id.clone(),
            directory: directory.id.clone(),
        }
    })?;
    Ok(vec![Event::DirectoryMemberRemoved {
        at: ctx.now,
        directory: directory.id.clone(),
        account: leaving.id.clone(),
    }])
}
