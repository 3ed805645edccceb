//! The command table: every command once, with its name and the rule
//! family that decides it. From it are generated the [`Command`] enum, its
//! names and `From` conversions (`command/mod.rs`) and the dispatch arms
//! (`dispatch.rs`), so the command surface cannot disagree with itself.
//!
//! [`Command`]: crate::Command

/// Calls `$callback!` with the table: `|ctx, c, v|` (the names the
/// handlers use for the rule context, the payload and the verdict), then
/// one entry a command, `Variant name => handler`, where the variant is
/// also the payload type and `name` its serialized `type` tag.
macro_rules! command_table {
    ($callback:ident) => {
        $callback! {
            |ctx, c, v|
            CreateAccount create_account => account::create_account(ctx, c),
            CreateRegion create_region => region::create_region(ctx, c),
            CreateUser create_user => account::create_user(ctx, c),
            SetUserPolicy set_user_policy => account::set_user_policy(ctx, c),
            MarkAccountOverdue mark_account_overdue => account::mark_overdue(ctx, c),
            SettleAccount settle_account => account::settle(ctx, c),
            ReleaseOverdueSnapshot release_overdue_snapshot => account::release_overdue(ctx, c, v),
            CreateDisk create_disk => disk::create_disk(ctx, c, v),
            ReleaseDisk release_disk => disk::release_disk(ctx, c, v),
            ResetDisk reset_disk => disk::reset_disk(ctx, c, v),
            CreateSnapshot create_snapshot => snapshot::create_snapshot(ctx, c, v),
            CreateAutomaticSnapshot create_automatic_snapshot => rotation::create_automatic_snapshot(ctx, c, v),
            CreateBackupSnapshot create_backup_snapshot => snapshot::create_backup_snapshot(ctx, c),
            FinishSnapshot finish_snapshot => snapshot::finish_snapshot(ctx, c),
            DeleteSnapshot delete_snapshot => snapshot::delete_snapshot(ctx, c, v),
            SetSnapshotRetention set_snapshot_retention => snapshot::set_retention(ctx, c, v),
            ArchiveSnapshot archive_snapshot => archive::archive_snapshot(ctx, c, v),
            CopySnapshot copy_snapshot => copy::copy_snapshot(ctx, c, v),
            LockSnapshot lock_snapshot => lock::lock_snapshot(ctx, c, v),
            UnlockSnapshot unlock_snapshot => lock::unlock_snapshot(ctx, c, v),
            ImportImage import_image => image::import_image(ctx, c, v),
            CreateImage create_image => image::create_image(ctx, c, v),
            DeleteImage delete_image => image::delete_image(ctx, c, v),
            ReinitializeDisk reinitialize_disk => disk::reinitialize_disk(ctx, c, v),
            CreateResourceDirectory create_resource_directory => directory::create_directory(ctx, c, v),
            CreateFolder create_folder => directory::create_folder(ctx, c),
            AddDirectoryMember add_directory_member => directory::add_member(ctx, c, v),
            RemoveDirectoryMember remove_directory_member => directory::remove_member(ctx, c, v),
            SetEncryptedShareRole set_encrypted_share_role => account::set_encrypted_share_role(ctx, c),
            CreateResourceShare create_resource_share => share::create_share(ctx, c, v),
            AssociateResourceShare associate_resource_share => share::associate_share(ctx, c, v),
            DisassociateResourceShare disassociate_resource_share => share::disassociate_share(ctx, c, v),
            DeleteResourceShare delete_resource_share => share::delete_share(ctx, c, v),
            AcceptResourceShare accept_resource_share => share::accept_share(ctx, c, v),
            ActivateKms activate_kms => key::activate_kms(ctx, c),
            CreateKey create_key => key::create_key(ctx, c, v),
            EnableKey enable_key => key::set_key_enabled(ctx, &c.key, true, v),
            DisableKey disable_key => key::set_key_enabled(ctx, &c.key, false, v),
            MarkRegionClosingDown mark_region_closing_down => region::mark_closing_down(ctx, c),
            CreateVault create_vault => vault::create_vault(ctx, c, v),
            CreateBackupPolicy create_backup_policy => vault::create_policy(ctx, c, v),
            EnableImmutability enable_immutability => vault::enable(ctx, c, v),
            DisableImmutability disable_immutability => vault::disable(ctx, c, v),
            CreateBackupPoint create_backup_point => vault::create_point(ctx, c),
            DeleteBackupPoint delete_backup_point => vault::delete_point(ctx, c, v),
            RestoreBackupPoint restore_backup_point => vault::restore(ctx, c, v),
            DeleteVault delete_vault => vault::delete_vault(ctx, c, v),
            ReplicateVault replicate_vault => vault::replicate_vault(ctx, c, v),
            ReplicateBackupPoint replicate_backup_point => vault::replicate_point(ctx, c, v),
        }
    };
}

pub(crate) use command_table;
