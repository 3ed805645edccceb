//! How commands are built: a `new` constructor per payload taking its
//! required fields, and a by-value setter per optional field.
//!
//! Ids are taken as `impl Into<…Id>`, so `&str`, `String` and the id type
//! all work. An optional field left alone keeps its default: `None`,
//! `false`, empty, [`Encryption::Unencrypted`](crate::Encryption::Unencrypted),
//! [`DiskSource::Blank`](crate::DiskSource::Blank). For a field of type
//! `Option<T>`, `field(value)` sets it and `maybe_field(option)` passes an
//! `Option` through; a collection is added to, one item (`tag`,
//! `principal`, ...) or many (`tags`, `principals`, ...) at a time.
//!
//! ```
//! use snapguard::{Actor, CreateAccount, CreateDisk, CreateRegion, CreateSnapshot, DiskCategory, Site, State};
//! use chrono::{TimeZone, Utc};
//!
//! let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
//! let owner = Actor::root("1001");
//! let mut state = State::new();
//! state.apply_mut(now, &Actor::Platform, CreateRegion::new("cn-hangzhou"))?;
//! state.apply_mut(now, &Actor::Platform, CreateAccount::new("1001", Site::China))?;
//! state.apply_mut(now, &owner, CreateDisk::new("d-1", "cn-hangzhou", DiskCategory::Essd, 40))?;
//! state.apply_mut(
//!     now,
//!     &owner,
//!     CreateSnapshot::new("s-1", "d-1").retention_days(7).tag("env", "prod"),
//! )?;
//! assert_eq!(state.snapshot(&"s-1".into()).map(|s| s.tags.len()), Some(1));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod copy;
mod disk;
mod share;
mod snapshot;
mod vault;

use crate::{
    AccountId, CreateAccount, CreateRegion, CreateUser, MarkAccountOverdue, RegionId,
    SetUserPolicy, SettleAccount, Site, Statement, UserId,
};

impl CreateAccount {
    /// Registers `account` on `site`.
    ///
    /// ```
    /// use snapguard::{CreateAccount, Site};
    /// let command = CreateAccount::new("1001", Site::China);
    /// assert_eq!(command.account, "1001");
    /// ```
    #[must_use]
    pub fn new(account: impl Into<AccountId>, site: Site) -> Self {
        Self {
            account: account.into(),
            site,
        }
    }
}

impl CreateRegion {
    /// Registers `region`.
    ///
    /// ```
    /// let command = snapguard::CreateRegion::new("cn-hangzhou");
    /// assert_eq!(command.region, "cn-hangzhou");
    /// ```
    #[must_use]
    pub fn new(region: impl Into<RegionId>) -> Self {
        Self {
            region: region.into(),
        }
    }
}

impl CreateUser {
    /// Adds `user`, with no permission statement until given some.
    ///
    /// ```
    /// use snapguard::{CreateUser, Statement};
    /// let command = CreateUser::new("alice").statement(Statement::allow(["ecs:*"], ["*"]));
    /// assert_eq!(command.statements.len(), 1);
    /// ```
    #[must_use]
    pub fn new(user: impl Into<UserId>) -> Self {
        Self {
            user: user.into(),
            statements: Vec::new(),
        }
    }

    /// Adds a permission statement.
    #[must_use]
    pub fn statement(mut self, statement: Statement) -> Self {
        self.statements.push(statement);
        self
    }

    /// Adds permission statements.
    #[must_use]
    pub fn statements(mut self, statements: impl IntoIterator<Item = Statement>) -> Self {
        self.statements.extend(statements);
        self
    }
}

impl SetUserPolicy {
    /// Replaces `user`'s statements by none, or by those added with the
    /// setters.
    ///
    /// ```
    /// use snapguard::{SetUserPolicy, Statement};
    /// let command = SetUserPolicy::new("alice").statements([Statement::allow(["*"], ["*"])]);
    /// assert_eq!(command.statements.len(), 1);
    /// ```
    #[must_use]
    pub fn new(user: impl Into<UserId>) -> Self {
        Self {
            user: user.into(),
            statements: Vec::new(),
        }
    }

    /// Adds a permission statement.
    #[must_use]
    pub fn statement(mut self, statement: Statement) -> Self {
        self.statements.push(statement);
        self
    }

    /// Adds permission statements.
    #[must_use]
    pub fn statements(mut self, statements: impl IntoIterator<Item = Statement>) -> Self {
        self.statements.extend(statements);
        self
    }
}

impl MarkAccountOverdue {
    /// Records that `account` became overdue.
    ///
    /// ```
    /// let command = snapguard::MarkAccountOverdue::new("1001");
    /// assert_eq!(command.account, "1001");
    /// ```
    #[must_use]
    pub fn new(account: impl Into<AccountId>) -> Self {
        Self {
            account: account.into(),
        }
    }
}

impl SettleAccount {
    /// Records that `account` paid what it owed.
    ///
    /// ```
    /// let command = snapguard::SettleAccount::new("1001");
    /// assert_eq!(command.account, "1001");
    /// ```
    #[must_use]
    pub fn new(account: impl Into<AccountId>) -> Self {
        Self {
            account: account.into(),
        }
    }
}
