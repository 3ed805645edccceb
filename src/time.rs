//! Checked calendar arithmetic.
//!
//! chrono's `+` panics when an instant leaves its range; every sum of an
//! instant and a span in this crate goes through [`later`] instead and turns
//! an overflow into [`Violation::TimeOutOfRange`] (GEN-5).

use std::fmt;

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A span of time as the rules state it: whole days or whole hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Span {
    /// Whole days of 24 hours (UTC has no daylight saving).
    Days(u32),
    /// Whole hours.
    Hours(u32),
}

impl Span {
    fn delta(self) -> Option<TimeDelta> {
        match self {
            Self::Days(d) => TimeDelta::try_days(i64::from(d)),
            Self::Hours(h) => TimeDelta::try_hours(i64::from(h)),
        }
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Days(d) => write!(f, "{d} days"),
            Self::Hours(h) => write!(f, "{h} hours"),
        }
    }
}

/// `start + span` is past the representable instants (GEN-5); a rule
/// reports it as [`Violation::TimeOutOfRange`](crate::Violation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OutOfRange {
    pub(crate) start: DateTime<Utc>,
    pub(crate) span: Span,
}

/// `start + span`, or [`OutOfRange`] when the result is not representable.
pub(crate) fn later(start: DateTime<Utc>, span: Span) -> Result<DateTime<Utc>, OutOfRange> {
    span.delta()
        .and_then(|delta| start.checked_add_signed(delta))
        .ok_or(OutOfRange { start, span })
}

/// Whether `end` comes no later than `start + span`. A limit past the
/// representable instants never ends, so it bounds nothing: the one place
/// that says so.
pub(crate) fn no_later_than(end: DateTime<Utc>, start: DateTime<Utc>, span: Span) -> bool {
    later(start, span).map_or(true, |limit| end <= limit)
}

/// Whether `t` falls inside a leap second, which chrono represents with
/// a fraction of one second or more and accepts at any minute: such
/// instants are out of range (GEN-7, GEN-5), since a span added to one
/// would not last as long as it says.
pub(crate) fn in_leap_second(t: DateTime<Utc>) -> bool {
    t.timestamp_subsec_nanos() >= 1_000_000_000
}

/// `end - span`, or `None` when not representable.
pub(crate) fn earlier(end: DateTime<Utc>, span: Span) -> Option<DateTime<Utc>> {
    span.delta().and_then(|delta| end.checked_sub_signed(delta))
}

/// An instant in RFC 3339 with a `Z` suffix, as every message prints it.
pub(crate) fn rfc3339(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Like [`rfc3339`] for an optional instant, with `never` for `None`.
pub(crate) fn rfc3339_or_never(t: &Option<DateTime<Utc>>) -> String {
    t.as_ref().map_or_else(|| "never".to_owned(), rfc3339)
}
