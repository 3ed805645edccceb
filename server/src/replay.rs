//! Replay protection: a signed request is good once, and only near the
//! time it was signed.
//!
//! The provider refuses a request whose timestamp is more than 15 minutes
//! from its own clock, and a nonce the same AccessKey already used. Without
//! this, anyone who saw one signed `DeleteSnapshot` or `UnlockSnapshot` (in
//! a proxy, a log, a trace) could send it again at will. Timestamps are
//! compared with the wall clock, not the server's clock: the admin API
//! moves the latter forward, and the SDKs sign with the former.
//!
//! Nonces are remembered for the window in which their timestamp is
//! accepted, and no longer; the memory is bounded.

use std::collections::{HashSet, VecDeque};

use chrono::{DateTime, Duration, Utc};

use crate::signature::SignatureError;

/// How far a request's timestamp may be from the wall clock.
pub const WINDOW_MINUTES: i64 = 15;
/// The most nonces remembered; past it, requests are refused until older
/// nonces leave the window (a sustained 550 signed requests a second).
pub const MAX_NONCES: usize = 500_000;
/// The longest nonce accepted.
pub const MAX_NONCE_CHARS: usize = 128;

/// The nonces seen within the window.
#[derive(Debug, Default)]
pub struct ReplayGuard {
    seen: HashSet<(String, String)>,
    by_age: VecDeque<(DateTime<Utc>, String, String)>,
}

/// Why a request was refused as a possible replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replay {
    /// The signature's own errors: a missing, malformed or stale timestamp,
    /// a missing or reused nonce.
    Signature(SignatureError, String),
    /// Too many requests within the window to remember their nonces.
    Throttled,
}

impl ReplayGuard {
    /// Checks and records one request's timestamp and nonce for `key`, at
    /// wall-clock time `wall`.
    pub fn check(
        &mut self,
        key: &str,
        timestamp: Option<&str>,
        nonce: Option<&str>,
        wall: DateTime<Utc>,
    ) -> Result<(), Replay> {
        let refuse = |error: SignatureError, why: String| Err(Replay::Signature(error, why));
        let Some(timestamp) = timestamp else {
            return refuse(
                SignatureError::MissingParameter("Timestamp"),
                "the request has no timestamp (x-acs-date, or Timestamp for the legacy signature)"
                    .into(),
            );
        };
        let Ok(signed_at) = DateTime::parse_from_rfc3339(timestamp) else {
            return refuse(
                SignatureError::TimestampMalformed,
                "the timestamp is not an ISO 8601 UTC instant such as 2026-12-07T06:00:00Z".into(),
            );
        };
        let skew = wall
            .signed_duration_since(signed_at.with_timezone(&Utc))
            .abs();
        if skew > Duration::minutes(WINDOW_MINUTES) {
            return refuse(
                SignatureError::TimestampExpired,
                format!(
                    "the request was signed at {timestamp}, more than {WINDOW_MINUTES} minutes from now ({})",
                    wall.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                ),
            );
        }
        let Some(nonce) = nonce.filter(|n| !n.is_empty()) else {
            return refuse(
                SignatureError::MissingParameter("SignatureNonce"),
                "the request has no nonce (x-acs-signature-nonce, or SignatureNonce)".into(),
            );
        };
        if nonce.chars().count() > MAX_NONCE_CHARS {
            return refuse(
                SignatureError::Malformed(format!(
                    "the nonce is longer than {MAX_NONCE_CHARS} characters"
                )),
                "the nonce is too long".into(),
            );
        }
        self.forget_before(
            wall - Duration::minutes(WINDOW_MINUTES)
                .checked_mul(2)
                .unwrap_or_default(),
        );
        let entry = (key.to_owned(), nonce.to_owned());
        if self.seen.contains(&entry) {
            return refuse(
                SignatureError::NonceUsed,
                format!(
                    "the nonce `{}` was already used with this AccessKey",
                    crate::params::truncated(nonce)
                ),
            );
        }
        if self.seen.len() >= MAX_NONCES {
            return Err(Replay::Throttled);
        }
        self.seen.insert(entry.clone());
        self.by_age.push_back((wall, entry.0, entry.1));
        Ok(())
    }

    /// Forgets nonces recorded before `cutoff`: their requests' timestamps
    /// can no longer be within the window.
    fn forget_before(&mut self, cutoff: DateTime<Utc>) {
        while let Some((at, _, _)) = self.by_age.front() {
            if *at >= cutoff {
                break;
            }
            if let Some((_, key, nonce)) = self.by_age.pop_front() {
                self.seen.remove(&(key, nonce));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn a_nonce_is_good_once_per_key() {
        let mut guard = ReplayGuard::default();
        let now = at("2026-12-07T06:00:00Z");
        let stamp = Some("2026-12-07T06:00:00Z");
        assert!(guard.check("k", stamp, Some("n-1"), now).is_ok());
        assert!(matches!(
            guard.check("k", stamp, Some("n-1"), now),
            Err(Replay::Signature(SignatureError::NonceUsed, _))
        ));
        assert!(guard.check("other", stamp, Some("n-1"), now).is_ok());
    }

    #[test]
    fn timestamps_outside_the_window_are_refused() {
        let mut guard = ReplayGuard::default();
        let now = at("2026-12-07T06:00:00Z");
        for stale in ["2026-12-07T05:44:59Z", "2026-12-07T06:15:01Z"] {
            assert!(matches!(
                guard.check("k", Some(stale), Some(stale), now),
                Err(Replay::Signature(SignatureError::TimestampExpired, _))
            ));
        }
        for fresh in ["2026-12-07T05:45:00Z", "2026-12-07T06:15:00Z"] {
            assert!(guard.check("k", Some(fresh), Some(fresh), now).is_ok());
        }
        assert!(guard.check("k", Some("yesterday"), Some("x"), now).is_err());
        assert!(guard.check("k", None, Some("y"), now).is_err());
        assert!(
            guard
                .check("k", Some("2026-12-07T06:00:00Z"), None, now)
                .is_err()
        );
    }

    #[test]
    fn nonces_are_bounded_at_128_characters() {
        let mut guard = ReplayGuard::default();
        let now = at("2026-12-07T06:00:00Z");
        let stamp = Some("2026-12-07T06:00:00Z");
        let longest = "n".repeat(MAX_NONCE_CHARS);
        assert!(guard.check("k", stamp, Some(&longest), now).is_ok());
        let too_long = "m".repeat(MAX_NONCE_CHARS + 1);
        assert!(matches!(
            guard.check("k", stamp, Some(&too_long), now),
            Err(Replay::Signature(SignatureError::Malformed(_), _))
        ));
    }

    #[test]
    fn nonces_are_forgotten_once_their_window_has_passed() {
        let mut guard = ReplayGuard::default();
        let first = at("2026-12-07T06:00:00Z");
        guard
            .check("k", Some("2026-12-07T06:00:00Z"), Some("n"), first)
            .unwrap();
        let later = at("2026-12-07T07:00:00Z");
        guard
            .check("k", Some("2026-12-07T07:00:00Z"), Some("m"), later)
            .unwrap();
        assert_eq!(guard.seen.len(), 1, "the first nonce is forgotten");
    }
}
