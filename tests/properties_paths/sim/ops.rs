//! The step generator: a history is a list of steps, each a kind and raw
//! choices, resolved against the state reached only when it runs (see
//! `resolve.rs`), so that every generated history stays meaningful
//! whatever the steps before it did.

use proptest::collection::vec;
use proptest::prelude::*;

/// One generated step: its kind and the choices it is resolved with
/// against the state reached.
#[derive(Debug, Clone)]
pub struct Op {
    pub kind: u8,
    pub choices: [u8; 16],
}

/// Histories of 20 to 50 steps.
pub fn ops() -> impl Strategy<Value = Vec<Op>> {
    vec(
        (any::<u8>(), any::<[u8; 16]>()).prop_map(|(kind, choices)| Op { kind, choices }),
        20..=50,
    )
}

/// A cursor over a step's choices; past the end every choice is 0.
pub(super) struct Pick<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) next: usize,
}

impl Pick<'_> {
    pub(super) fn below(&mut self, n: usize) -> usize {
        let byte = self.bytes.get(self.next).copied().unwrap_or(0);
        self.next += 1;
        usize::from(byte) * n / 256
    }

    pub(super) fn percent(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub(super) fn pick<'t, T>(&mut self, items: &'t [T]) -> Option<&'t T> {
        items.get(self.below(items.len()))
    }
}
