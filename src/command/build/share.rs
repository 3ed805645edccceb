//! Constructors and setters of the sharing payloads, and of
//! [`Principal`].

use std::collections::BTreeSet;

use crate::{
    AcceptResourceShare, AccountId, AddDirectoryMember, AssociateResourceShare, CreateFolder,
    CreateResourceDirectory, CreateResourceShare, DeleteResourceShare, DirectoryId,
    DisassociateResourceShare, FolderId, Principal, PrincipalScope, RemoveDirectoryMember,
    SetEncryptedShareRole, ShareId, SnapshotId,
};

impl Principal {
    /// Account `account`.
    ///
    /// ```
    /// use snapguard::{AccountId, Principal};
    /// assert_eq!(Principal::account("2002"), Principal::Account(AccountId::new("2002")));
    /// ```
    #[must_use]
    pub fn account(account: impl Into<AccountId>) -> Self {
        Self::Account(account.into())
    }

    /// Every member account of resource directory `directory`.
    ///
    /// ```
    /// use snapguard::{DirectoryId, Principal};
    /// assert_eq!(Principal::directory("rd-1"), Principal::Directory(DirectoryId::new("rd-1")));
    /// ```
    #[must_use]
    pub fn directory(directory: impl Into<DirectoryId>) -> Self {
        Self::Directory(directory.into())
    }

    /// Every member account in folder `folder`.
    ///
    /// ```
    /// use snapguard::{FolderId, Principal};
    /// assert_eq!(Principal::folder("fd-1"), Principal::Folder(FolderId::new("fd-1")));
    /// ```
    #[must_use]
    pub fn folder(folder: impl Into<FolderId>) -> Self {
        Self::Folder(folder.into())
    }
}

impl CreateResourceDirectory {
    /// Creates resource directory `directory`.
    ///
    /// ```
    /// let command = snapguard::CreateResourceDirectory::new("rd-1");
    /// assert_eq!(command.directory, "rd-1");
    /// ```
    #[must_use]
    pub fn new(directory: impl Into<DirectoryId>) -> Self {
        Self {
            directory: directory.into(),
        }
    }
}

impl CreateFolder {
    /// Creates folder `folder`.
    ///
    /// ```
    /// let command = snapguard::CreateFolder::new("fd-1");
    /// assert_eq!(command.folder, "fd-1");
    /// ```
    #[must_use]
    pub fn new(folder: impl Into<FolderId>) -> Self {
        Self {
            folder: folder.into(),
        }
    }
}

impl AddDirectoryMember {
    /// Adds `account` at the directory's root, or in the folder set with
    /// [`folder`](AddDirectoryMember::folder).
    ///
    /// ```
    /// let command = snapguard::AddDirectoryMember::new("2002").folder("fd-1");
    /// assert_eq!(command.folder.as_ref().map(|f| f.as_str()), Some("fd-1"));
    /// ```
    #[must_use]
    pub fn new(account: impl Into<AccountId>) -> Self {
        Self {
            account: account.into(),
            folder: None,
        }
    }

    /// The folder the account joins.
    #[must_use]
    pub fn folder(self, folder: impl Into<FolderId>) -> Self {
        self.maybe_folder(Some(folder.into()))
    }

    /// The folder the account joins, or `None` for the directory's root.
    #[must_use]
    pub fn maybe_folder(mut self, folder: Option<FolderId>) -> Self {
        self.folder = folder;
        self
    }
}

impl RemoveDirectoryMember {
    /// Removes `account` from the directory.
    ///
    /// ```
    /// let command = snapguard::RemoveDirectoryMember::new("2002");
    /// assert_eq!(command.account, "2002");
    /// ```
    #[must_use]
    pub fn new(account: impl Into<AccountId>) -> Self {
        Self {
            account: account.into(),
        }
    }
}

impl SetEncryptedShareRole {
    /// Trusts no account (no role, SHARE-6) until accounts are added with
    /// [`trust`](SetEncryptedShareRole::trust) or
    /// [`trusted`](SetEncryptedShareRole::trusted).
    ///
    /// ```
    /// let command = snapguard::SetEncryptedShareRole::new().trust("2002").trusted(["3003"]);
    /// assert_eq!(command.trusted.len(), 2);
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self {
            trusted: BTreeSet::new(),
        }
    }

    /// Adds a trusted sharee.
    #[must_use]
    pub fn trust(mut self, account: impl Into<AccountId>) -> Self {
        self.trusted.insert(account.into());
        self
    }

    /// Adds trusted sharees.
    #[must_use]
    pub fn trusted(mut self, accounts: impl IntoIterator<Item = impl Into<AccountId>>) -> Self {
        self.trusted.extend(accounts.into_iter().map(Into::into));
        self
    }
}

impl Default for SetEncryptedShareRole {
    /// Trusts no account, as [`SetEncryptedShareRole::new`].
    fn default() -> Self {
        Self::new()
    }
}

/// The setters of the principals and snapshots a share command names,
/// the same on the three that name them.
macro_rules! share_members {
    ($payload:ident) => {
        impl $payload {
            /// Adds a principal, such as [`Principal::account`].
            #[must_use]
            pub fn principal(mut self, principal: impl Into<Principal>) -> Self {
                self.principals.push(principal.into());
                self
            }

            /// Adds principals.
            #[must_use]
            pub fn principals(
                mut self,
                principals: impl IntoIterator<Item = impl Into<Principal>>,
            ) -> Self {
                self.principals
                    .extend(principals.into_iter().map(Into::into));
                self
            }

            /// Adds a snapshot.
            #[must_use]
            pub fn snapshot(mut self, snapshot: impl Into<SnapshotId>) -> Self {
                self.snapshots.push(snapshot.into());
                self
            }

            /// Adds snapshots.
            #[must_use]
            pub fn snapshots(
                mut self,
                snapshots: impl IntoIterator<Item = impl Into<SnapshotId>>,
            ) -> Self {
                self.snapshots.extend(snapshots.into_iter().map(Into::into));
                self
            }
        }
    };
}

share_members!(CreateResourceShare);
share_members!(AssociateResourceShare);
share_members!(DisassociateResourceShare);

impl CreateResourceShare {
    /// Creates share `share` that may name whom `scope` allows, with the
    /// principals and snapshots added by the setters.
    ///
    /// ```
    /// use snapguard::{CreateResourceShare, Principal, PrincipalScope};
    /// let command = CreateResourceShare::new("rs-1", PrincipalScope::AllAccounts)
    ///     .principal(Principal::account("2002"))
    ///     .snapshot("s-1");
    /// assert_eq!((command.principals.len(), command.snapshots.len()), (1, 1));
    /// ```
    #[must_use]
    pub fn new(share: impl Into<ShareId>, scope: PrincipalScope) -> Self {
        Self {
            share: share.into(),
            scope,
            principals: Vec::new(),
            snapshots: Vec::new(),
        }
    }
}

impl AssociateResourceShare {
    /// Adds to `share` the principals and snapshots given to the setters.
    ///
    /// ```
    /// use snapguard::{AssociateResourceShare, Principal};
    /// let command = AssociateResourceShare::new("rs-1")
    ///     .principals([Principal::account("2002"), Principal::folder("fd-1")])
    ///     .snapshots(["s-1", "s-2"]);
    /// assert_eq!((command.principals.len(), command.snapshots.len()), (2, 2));
    /// ```
    #[must_use]
    pub fn new(share: impl Into<ShareId>) -> Self {
        Self {
            share: share.into(),
            principals: Vec::new(),
            snapshots: Vec::new(),
        }
    }
}

impl DisassociateResourceShare {
    /// Removes from `share` the principals and snapshots given to the
    /// setters.
    ///
    /// ```
    /// use snapguard::DisassociateResourceShare;
    /// let command = DisassociateResourceShare::new("rs-1").snapshot("s-1");
    /// assert_eq!(command.snapshots, ["s-1"]);
    /// ```
    #[must_use]
    pub fn new(share: impl Into<ShareId>) -> Self {
        Self {
            share: share.into(),
            principals: Vec::new(),
            snapshots: Vec::new(),
        }
    }
}

impl DeleteResourceShare {
    /// Deletes `share`.
    ///
    /// ```
    /// let command = snapguard::DeleteResourceShare::new("rs-1");
    /// assert_eq!(command.share, "rs-1");
    /// ```
    #[must_use]
    pub fn new(share: impl Into<ShareId>) -> Self {
        Self {
            share: share.into(),
        }
    }
}

impl AcceptResourceShare {
    /// Accepts `share`.
    ///
    /// ```
    /// let command = snapguard::AcceptResourceShare::new("rs-1");
    /// assert_eq!(command.share, "rs-1");
    /// ```
    #[must_use]
    pub fn new(share: impl Into<ShareId>) -> Self {
        Self {
            share: share.into(),
        }
    }
}
