//! The command table: every command once, with its name, the order of its
//! checks and the rule family that decides it. From it are generated the
//! [`Command`] enum, its names, check orders and `From` conversions
//! (`command/mod.rs`) and the dispatch arms (`dispatch.rs`), so the command
//! surface cannot disagree with itself.
//!
//! [`Command`]: crate::Command
//! [`Command::checked_rules`]: crate::Command::checked_rules

/// Calls `$callback!` with the table: `|ctx, c, v|` (the names the
/// handlers use for the rule context, the payload and the verdict), then
/// one entry a command, `Variant name [checks] => handler`, where the
/// variant is also the payload type, `name` its serialized `type` tag and
/// `checks` the rules its handler checks after the instant, in the order it
/// checks them ([`Command::checked_rules`]; a check that examines several
/// objects is listed once). `tests/machine/check_order.rs` and the property
/// tests hold every refusal `explain` finds to this order.
macro_rules! command_table {
    ($callback:ident) => {
        $callback! {
            |ctx, c, v|
            CreateAccount create_account [
                Perm1, Gen7, Gen5, Gen4
            ] => account::create_account(ctx, c),
            CreateRegion create_region [
                Perm1, Gen7, Gen5, Gen4
            ] => region::create_region(ctx, c),
            CreateUser create_user [
                Perm1, Gen4, Gen7, Gen5, Gen4
            ] => account::create_user(ctx, c),
            SetUserPolicy set_user_policy [
                Perm1, Gen4, Gen7, Gen4
            ] => account::set_user_policy(ctx, c),
            MarkAccountOverdue mark_account_overdue [
                Perm1, Gen4
            ] => account::mark_overdue(ctx, c),
            SettleAccount settle_account [
                Perm1, Gen4
            ] => account::settle(ctx, c),
            ReleaseOverdueSnapshot release_overdue_snapshot [
                Perm1, Gen4, Lock12
            ] => account::release_overdue(ctx, c, v),
            CreateDisk create_disk [
                Perm1, Gen4, Gen7, Gen5, Gen4, Perm4, Gen4, Perm1, Perm5, Share7, Share9, Share6,
                Perm4, Disk1, Share11, Disk1, Perm4, Disk1
            ] => disk::create_disk(ctx, c, v),
            ReleaseDisk release_disk [
                Perm1, Gen4, Perm4, Perm1, Gen4
            ] => disk::release_disk(ctx, c, v),
            ResetDisk reset_disk [
                Perm1, Gen4, Perm4, Gen4, Disk2, Perm4, Perm1, Perm5, Disk2
            ] => disk::reset_disk(ctx, c, v),
            CreateSnapshot create_snapshot [
                Perm1, Gen4, Gen7, Gen4, Perm4, Gen7, Gen5, Gen4, Perm1, Snap5, Gen5
            ] => snapshot::create_snapshot(ctx, c, v),
            CreateAutomaticSnapshot create_automatic_snapshot [
                Perm1, Gen4, Gen7, Gen5, Gen4, Snap5, Gen5, Gen4, Lock11
            ] => rotation::create_automatic_snapshot(ctx, c, v),
            CreateBackupSnapshot create_backup_snapshot [
                Perm1, Gen4, Gen7, Gen5, Gen4, Snap5, Gen5
            ] => snapshot::create_backup_snapshot(ctx, c),
            FinishSnapshot finish_snapshot [
                Perm1, Gen4, Snap1
            ] => snapshot::finish_snapshot(ctx, c),
            DeleteSnapshot delete_snapshot [
                Perm1, Gen4, Share10, Perm4, Perm1, Lock10, Share12
            ] => snapshot::delete_snapshot(ctx, c, v),
            SetSnapshotRetention set_snapshot_retention [
                Perm1, Gen4, Share10, Perm4, Perm1, Arch5, Share14, Snap5, Gen5, Snap3
            ] => snapshot::set_retention(ctx, c, v),
            ArchiveSnapshot archive_snapshot [
                Perm1, Gen4, Share10, Perm4, Perm1, Arch5, Arch1, Share5, Gen5, Arch1, Arch2, Gen5,
                Arch2, Lock14
            ] => archive::archive_snapshot(ctx, c, v),
            CopySnapshot copy_snapshot [
                Perm1, Gen4, Perm4, Gen4, Gen7, Gen5, Gen4, Perm1, Share7, Share9, Share6, Perm4,
                Copy1, Arch3, Copy2, Share11, Gen4, Copy3, Perm4, Copy3, Copy4, Snap5, Gen5
            ] => copy::copy_snapshot(ctx, c, v),
            LockSnapshot lock_snapshot [
                Perm1, Gen4, Lock3, Perm4, Perm2, Lock3, Lock1, Gen5, Lock8, Lock4
            ] => lock::lock_snapshot(ctx, c, v),
            UnlockSnapshot unlock_snapshot [
                Perm1, Gen4, Lock3, Perm4, Perm2, Lock6
            ] => lock::unlock_snapshot(ctx, c, v),
            ImportImage import_image [
                Perm1, Gen4, Gen7, Gen5, Gen4, Perm1
            ] => image::import_image(ctx, c, v),
            CreateImage create_image [
                Perm1, Gen4, Gen7, Gen5, Gen4, Image1, Perm1, Perm5, Image1
            ] => image::create_image(ctx, c, v),
            DeleteImage delete_image [
                Perm1, Gen4, Perm4, Perm1
            ] => image::delete_image(ctx, c, v),
            ReinitializeDisk reinitialize_disk [
                Perm1, Gen4, Perm4, Perm1, Perm5, Disk4, Gen4
            ] => disk::reinitialize_disk(ctx, c, v),
            CreateResourceDirectory create_resource_directory [
                Perm1, Gen4, Gen7, Gen5, Gen4, Share8
            ] => directory::create_directory(ctx, c, v),
            CreateFolder create_folder [
                Perm1, Gen4, Share8, Perm4, Gen7, Gen5, Gen4, Gen7
            ] => directory::create_folder(ctx, c),
            AddDirectoryMember add_directory_member [
                Perm1, Gen4, Share8, Perm4, Gen4, Perm4, Share8, Gen4, Share3
            ] => directory::add_member(ctx, c, v),
            RemoveDirectoryMember remove_directory_member [
                Perm1, Gen4, Share8, Perm4, Gen4, Share8
            ] => directory::remove_member(ctx, c, v),
            SetEncryptedShareRole set_encrypted_share_role [
                Perm1, Gen4
            ] => account::set_encrypted_share_role(ctx, c),
            CreateResourceShare create_resource_share [
                Perm1, Gen4, Gen7, Gen5, Gen4, Gen7, Gen4, Share10, Perm4, Perm1, Perm5, Share1,
                Gen4, Share3, Share4, Share5, Share6, Share1, Share2, Gen5
            ] => share::create_share(ctx, c, v),
            AssociateResourceShare associate_resource_share [
                Perm1, Gen4, Perm4, Gen4, Share10, Perm4, Perm1, Perm5, Share1, Gen4, Share3,
                Share4, Share5, Share6, Share1, Share2, Gen5
            ] => share::associate_share(ctx, c, v),
            DisassociateResourceShare disassociate_resource_share [
                Perm1, Gen4, Perm4, Gen4, Perm1
            ] => share::disassociate_share(ctx, c, v),
            DeleteResourceShare delete_resource_share [
                Perm1, Gen4, Perm4, Perm1
            ] => share::delete_share(ctx, c, v),
            AcceptResourceShare accept_resource_share [
                Perm1, Gen4, Perm1, Share7
            ] => share::accept_share(ctx, c, v),
            ActivateKms activate_kms [
                Perm1, Gen4
            ] => key::activate_kms(ctx, c),
            CreateKey create_key [
                Perm1, Gen4, Gen7, Gen5, Gen4, Perm1, Gen4, Copy3
            ] => key::create_key(ctx, c, v),
            EnableKey enable_key [
                Perm1, Gen4, Perm4, Perm1
            ] => key::set_key_enabled(ctx, &c.key, true, v),
            DisableKey disable_key [
                Perm1, Gen4, Perm4, Perm1
            ] => key::set_key_enabled(ctx, &c.key, false, v),
            MarkRegionClosingDown mark_region_closing_down [
                Perm1, Gen4
            ] => region::mark_closing_down(ctx, c),
            CreateVault create_vault [
                Perm1, Gen4, Gen7, Gen5, Gen4, Perm1, Snap5, Gen5
            ] => vault::create_vault(ctx, c, v),
            CreateBackupPolicy create_backup_policy [
                Perm1, Gen4, Perm4, Gen7, Gen5, Gen4, Perm1, Vault2
            ] => vault::create_policy(ctx, c, v),
            EnableImmutability enable_immutability [
                Perm1, Gen4, Perm4, Gen4, Perm1, Vault2, Gen4
            ] => vault::enable(ctx, c, v),
            DisableImmutability disable_immutability [
                Perm1, Gen4, Perm4, Gen4, Perm1, Vault3
            ] => vault::disable(ctx, c, v),
            CreateBackupPoint create_backup_point [
                Perm1, Gen4, Gen7, Gen5, Gen4, Perm4, Snap5, Gen5
            ] => vault::create_point(ctx, c),
            DeleteBackupPoint delete_backup_point [
                Perm1, Gen4, Perm4, Gen4, Perm1, Vault5
            ] => vault::delete_point(ctx, c, v),
            RestoreBackupPoint restore_backup_point [
                Perm1, Gen4, Perm4, Gen4, Perm1
            ] => vault::restore(ctx, c, v),
            DeleteVault delete_vault [
                Perm1, Gen4, Perm4, Perm1, Vault6, Vault5
            ] => vault::delete_vault(ctx, c, v),
            ReplicateVault replicate_vault [
                Perm1, Gen4, Perm4, Gen4, Gen7, Gen5, Gen4, Perm1, Vault7
            ] => vault::replicate_vault(ctx, c, v),
            ReplicateBackupPoint replicate_backup_point [
                Perm1, Gen4, Gen7, Gen5, Gen4, Vault7
            ] => vault::replicate_point(ctx, c, v),
        }
    };
}

pub(crate) use command_table;
