//! The checks: which properties a run checks after every step, and the
//! step that checks them (the properties themselves are in `model.rs`).

use snapguard::AccountId;

use super::Sim;
use super::world::{DENIED, OWNER, alice};
use crate::model::{check_denied, check_encryption, check_never_read, check_provenance};

/// Which properties a run checks.
#[derive(Debug, Clone, Copy, Default)]
pub struct Checks {
    pub encryption: bool,
    pub provenance: bool,
    pub denied: bool,
    pub never_read: bool,
}

impl Sim {
    pub(super) fn check(&self) -> Result<(), String> {
        if self.checks.encryption {
            check_encryption(&self.state, &self.model)?;
        }
        if self.checks.provenance {
            check_provenance(&self.state, &self.model, self.now)?;
        }
        if self.checks.denied {
            check_denied(
                &self.state,
                &self.model,
                DENIED,
                &alice(),
                &AccountId::new(OWNER),
            )?;
        }
        if self.checks.never_read {
            check_never_read(&self.model, &alice(), DENIED)?;
        }
        Ok(())
    }
}
