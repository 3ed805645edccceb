//! Dispatch from a command to the rule family that decides it.

use crate::ctx::{Ctx, Step, Verdict};
use crate::rules::{
    account, archive, copy, directory, disk, image, key, lock, region, rotation, share, snapshot,
    vault,
};
use crate::{Command, Event};

/// Runs the rules of `command` against a state with nothing due.
pub(crate) fn dispatch(ctx: &Ctx<'_>, command: &Command, v: &mut Verdict) -> Step<Vec<Event>> {
    match command {
        Command::CreateAccount(c) => account::create_account(ctx, c),
        Command::CreateRegion(c) => region::create_region(ctx, c),
        Command::CreateUser(c) => account::create_user(ctx, c),
        Command::SetUserPolicy(c) => account::set_user_policy(ctx, c),
        Command::MarkAccountOverdue(c) => account::mark_overdue(ctx, c),
        Command::SettleAccount(c) => account::settle(ctx, c),
        Command::ReleaseOverdueSnapshot(c) => account::release_overdue(ctx, c, v),
        Command::CreateDisk(c) => disk::create_disk(ctx, c, v),
        Command::ReleaseDisk(c) => disk::release_disk(ctx, c, v),
        Command::ResetDisk(c) => disk::reset_disk(ctx, c, v),
        Command::CreateSnapshot(c) => snapshot::create_snapshot(ctx, c, v),
        Command::CreateAutomaticSnapshot(c) => rotation::create_automatic_snapshot(ctx, c, v),
        Command::CreateBackupSnapshot(c) => snapshot::create_backup_snapshot(ctx, c),
        Command::FinishSnapshot(c) => snapshot::finish_snapshot(ctx, c),
        Command::DeleteSnapshot(c) => snapshot::delete_snapshot(ctx, c, v),
        Command::SetSnapshotRetention(c) => snapshot::set_retention(ctx, c, v),
        Command::ArchiveSnapshot(c) => archive::archive_snapshot(ctx, c, v),
        Command::CopySnapshot(c) => copy::copy_snapshot(ctx, c, v),
        Command::LockSnapshot(c) => lock::lock_snapshot(ctx, c, v),
        Command::UnlockSnapshot(c) => lock::unlock_snapshot(ctx, c, v),
        Command::ImportImage(c) => image::import_image(ctx, c, v),
        Command::CreateImage(c) => image::create_image(ctx, c, v),
        Command::DeleteImage(c) => image::delete_image(ctx, c, v),
        Command::ReinitializeDisk(c) => disk::reinitialize_disk(ctx, c, v),
        Command::CreateResourceDirectory(c) => directory::create_directory(ctx, c, v),
        Command::CreateFolder(c) => directory::create_folder(ctx, c),
        Command::AddDirectoryMember(c) => directory::add_member(ctx, c, v),
        Command::RemoveDirectoryMember(c) => directory::remove_member(ctx, c, v),
        Command::SetEncryptedShareRole(c) => account::set_encrypted_share_role(ctx, c),
        Command::CreateResourceShare(c) => share::create_share(ctx, c, v),
        Command::AssociateResourceShare(c) => share::associate_share(ctx, c, v),
        Command::DisassociateResourceShare(c) => share::disassociate_share(ctx, c, v),
        Command::DeleteResourceShare(c) => share::delete_share(ctx, c, v),
        Command::AcceptResourceShare(c) => share::accept_share(ctx, c, v),
        Command::ActivateKms(_) => key::activate_kms(ctx),
        Command::CreateKey(c) => key::create_key(ctx, c, v),
        Command::EnableKey(c) => key::set_key_enabled(ctx, &c.key, true, v),
        Command::DisableKey(c) => key::set_key_enabled(ctx, &c.key, false, v),
        Command::MarkRegionClosingDown(c) => region::mark_closing_down(ctx, c),
        Command::CreateVault(c) => vault::create_vault(ctx, c, v),
        Command::CreateBackupPolicy(c) => vault::create_policy(ctx, c, v),
        Command::EnableImmutability(c) => vault::enable(ctx, c, v),
        Command::DisableImmutability(c) => vault::disable(ctx, c, v),
        Command::CreateBackupPoint(c) => vault::create_point(ctx, c),
        Command::DeleteBackupPoint(c) => vault::delete_point(ctx, c, v),
        Command::RestoreBackupPoint(c) => vault::restore(ctx, c, v),
        Command::DeleteVault(c) => vault::delete_vault(ctx, c, v),
        Command::ReplicateVault(c) => vault::replicate_vault(ctx, c, v),
        Command::ReplicateBackupPoint(c) => vault::replicate_point(ctx, c, v),
    }
}
