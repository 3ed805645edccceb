//! The fixed setups a history starts from: id pools, limits, user
//! policies and the setup commands.

use crate::common::{
    ABROAD, OTHER, OTHER_REGION, OWNER, REGION, blank_disk, create_snapshot, finish,
};
use snapguard::{
    ActivateKms, Actor, AddDirectoryMember, Command, CreateAccount, CreateBackupSnapshot,
    CreateFolder, CreateKey, CreateRegion, CreateResourceDirectory, CreateResourceShare,
    CreateSnapshot, CreateUser, Encryption, Limits, Principal, PrincipalScope,
    SetEncryptedShareRole, Site, Statement,
};

pub(crate) const SNAPSHOTS: [&str; 12] = [
    "s-0", "s-1", "s-2", "s-3", "s-4", "s-5", "s-6", "s-7", "s-8", "s-9", "s-10", "s-11",
];
/// `d-0` to `d-3` exist after the setup, `d-4` after the directory setups
/// only (of [`OWNER`], encrypted with a customer key), `d-5` only if
/// created; new disks mostly get fresh ids (`d-6`, ...), as ids are never
/// given twice (GEN-4).
pub(crate) const DISKS: [&str; 6] = ["d-0", "d-1", "d-2", "d-3", "d-4", "d-5"];
pub(crate) const IMAGES: [&str; 4] = ["i-0", "i-1", "i-2", "i-3"];
/// `4004` exists from the start (China, outside the directory) in the
/// directory setups, otherwise only once a `CreateAccount` step registers
/// it, on either site.
pub(crate) const ACCOUNTS: [&str; 4] = [OWNER, OTHER, ABROAD, "4004"];
/// Who acts as a sharee: mostly [`OTHER`], sometimes `4004` or the
/// international [`ABROAD`], which no China share reaches (SHARE-3).
pub(crate) const SHAREES: [&str; 6] = [OTHER, OTHER, OTHER, OTHER, "4004", ABROAD];
/// Resource shares; fresh ones continue the pool (`rs-4`, ...).
pub(crate) const SHARES: [&str; 4] = ["rs-0", "rs-1", "rs-2", "rs-3"];
/// Resource directories: the directory setups hold `rd-0`, managed by
/// [`OWNER`].
pub(crate) const DIRECTORIES: [&str; 2] = ["rd-0", "rd-1"];
/// Folders: the directory setups hold `fd-0` in `rd-0`.
pub(crate) const FOLDERS: [&str; 2] = ["fd-0", "fd-1"];
/// `cn-beijing` exists only once a `CreateRegion` step registers it.
pub(crate) const REGIONS: [&str; 3] = [REGION, OTHER_REGION, "cn-beijing"];
/// Users of [`OWNER`]: `alice` exists, `carol` may be created, `mallory`
/// never is.
pub(crate) const USERS: [&str; 3] = ["alice", "carol", "mallory"];
/// Customer master keys: in the directory setups `key-1` is 1001's and
/// `key-2` 2002's, both in `cn-hangzhou`, and `key-3` is free; fresh keys
/// continue the pool (`key-4`, ...), as key ids are never given twice.
pub(crate) const KEYS: [&str; 3] = ["key-1", "key-2", "key-3"];
/// Not a well-formed id (GEN-5).
pub(crate) const MALFORMED: &str = "s:bad/1";
/// Small, so that rotation (LOCK-11) happens within a history, and that
/// histories sometimes find every automatic snapshot of a disk locked.
pub(crate) const AUTO_LIMIT: u32 = 4;
/// Short, so that LOCK-12 releases happen within a history.
pub(crate) const OVERDUE_DAYS: u32 = 3;

/// Short (1,096 by default), so that the views of permanent snapshots
/// expire within a history (SHARE-9), yet last long enough for sharees to
/// use them.
pub(crate) const PERMANENT_SHARE_DAYS: u32 = 30;
/// Lowered principals per snapshot, so that SHARE-1 refuses within a
/// history.
pub(crate) const LOW_PRINCIPALS: u32 = 2;
/// Lowered shared snapshots per account (`s-0` is shared from the start),
/// so that SHARE-2 refuses within a history.
pub(crate) const LOW_SHARED: u32 = 2;

/// Which fixed setup a history starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Setup {
    /// Regions, accounts 1001, 2002 (China) and 3003 (international),
    /// `alice`, disks `d-0` to `d-3`, snapshot `s-0`.
    Plain,
    /// As [`Setup::Plain`], and a resource directory `rd-0` managed by 1001
    /// with folder `fd-0`, 2002 in `fd-0`, a China account 4004 not in it
    /// yet, KMS activated for 1001 and 2002 with keys `key-1` and `key-2`
    /// in `cn-hangzhou`, so that 2002 copies what is shared with it under
    /// its own key (SHARE-11), a disk `d-4` of 1001 encrypted with `key-1`
    /// and an available snapshot `s-1` of it (not shared yet), an available
    /// Cloud Backup snapshot `s-2` of 1001 (COPY-7), the
    /// share-encrypted-snapshot role of 1001 trusting 2002 (SHARE-6,
    /// SHARE-11), and a share `rs-0` of `s-0` with 2002, not accepted yet.
    Directory,
    /// As [`Setup::Directory`], with the sharing quotas lowered to
    /// [`LOW_PRINCIPALS`] and [`LOW_SHARED`].
    LowQuotas,
}

pub(crate) fn limits(setup: Setup) -> Limits {
    let mut limits = Limits::default();
    if setup == Setup::LowQuotas {
        limits.max_principals_per_snapshot = LOW_PRINCIPALS;
        limits.max_shared_snapshots_per_account = LOW_SHARED;
    }
    limits.auto_snapshots_per_disk = AUTO_LIMIT;
    limits.overdue_release_days = OVERDUE_DAYS;
    limits.archive_min_age_days = 2;
    limits.min_archive_retention_days = 10;
    limits.archive_min_storage_days = 5;
    // Permanent snapshots' shared views expire within a history (SHARE-9),
    // and the next deadline is never years away.
    limits.permanent_share_days = PERMANENT_SHARE_DAYS;
    limits
}

/// The permission statements a user may be given.
pub(crate) fn policy(index: u8) -> Vec<Statement> {
    match index % 3 {
        0 => vec![
            Statement::allow(["ecs:*"], [format!("acs:ecs:*:{OWNER}:*")]),
            Statement::deny(
                ["ecs:UnlockSnapshot", "ecs:DeleteSnapshot"],
                [format!("acs:ecs:*:{OWNER}:snapshot/s-1*")],
            ),
        ],
        1 => vec![Statement::allow(
            [
                "ecs:CreateSnapshot",
                "ecs:LockSnapshot",
                "ecs:DescribeLockedSnapshots",
            ],
            [format!("acs:ecs:{REGION}:{OWNER}:snapshot/*")],
        )],
        _ => Vec::new(),
    }
}

/// The commands of a fixed setup, all at [`t0`].
pub(crate) fn setup_commands(setup: Setup) -> Vec<(Actor, Command)> {
    let platform = Actor::Platform;
    let mut commands: Vec<(Actor, Command)> = vec![
        (platform.clone(), CreateRegion::new(REGION).into()),
        (platform.clone(), CreateRegion::new(OTHER_REGION).into()),
    ];
    for (account, site) in [
        (OWNER, Site::China),
        (OTHER, Site::China),
        (ABROAD, Site::International),
    ] {
        commands.push((platform.clone(), CreateAccount::new(account, site).into()));
    }
    commands.push((
        Actor::root(OWNER),
        CreateUser::new("alice").statements(policy(0)).into(),
    ));
    commands.push((Actor::root(OWNER), blank_disk("d-0", REGION).into()));
    commands.push((Actor::root(OWNER), blank_disk("d-1", OTHER_REGION).into()));
    commands.push((Actor::root(OTHER), blank_disk("d-2", REGION).into()));
    commands.push((Actor::root(ABROAD), blank_disk("d-3", OTHER_REGION).into()));
    commands.push((
        Actor::root(OWNER),
        CreateSnapshot::new("s-0", "d-0").tag("env", "prod").into(),
    ));
    commands.push((platform.clone(), finish("s-0").into()));
    if setup != Setup::Plain {
        commands.push((platform, CreateAccount::new("4004", Site::China).into()));
        let manager = Actor::root(OWNER);
        commands.push((
            manager.clone(),
            CreateResourceDirectory::new(DIRECTORIES[0]).into(),
        ));
        commands.push((manager.clone(), CreateFolder::new(FOLDERS[0]).into()));
        commands.push((
            manager.clone(),
            AddDirectoryMember::new(OTHER).folder(FOLDERS[0]).into(),
        ));
        commands.push((manager.clone(), ActivateKms::new().into()));
        commands.push((manager.clone(), CreateKey::new(KEYS[0], REGION).into()));
        commands.push((Actor::root(OTHER), ActivateKms::new().into()));
        commands.push((Actor::root(OTHER), CreateKey::new(KEYS[1], REGION).into()));
        commands.push((
            manager.clone(),
            blank_disk("d-4", REGION)
                .encryption(Encryption::CustomerKey(KEYS[0].into()))
                .into(),
        ));
        commands.push((manager.clone(), create_snapshot("s-1", "d-4", None).into()));
        commands.push((Actor::Platform, finish("s-1").into()));
        commands.push((
            Actor::Platform,
            CreateBackupSnapshot::new("s-2", OWNER, REGION).into(),
        ));
        commands.push((Actor::Platform, finish("s-2").into()));
        commands.push((
            manager.clone(),
            SetEncryptedShareRole::new().trust(OTHER).into(),
        ));
        commands.push((
            manager,
            CreateResourceShare::new(SHARES[0], PrincipalScope::AllAccounts)
                .principal(Principal::account(OTHER))
                .snapshot("s-0")
                .into(),
        ));
    }
    commands
}
