//! The server's clock: the wall clock plus an offset that the admin API
//! only ever moves forward, in whole seconds (the provider's times carry no
//! fractions).
//!
//! Never backwards: a reading is at least the latest one given, so a wall
//! clock stepped back by the system (or an offset restored after a restart
//! on a machine whose clock is behind) cannot make the library refuse a
//! request for time running backwards (GEN-2).

use chrono::{DateTime, Duration, DurationRound, TimeDelta, Utc};

/// The server's clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock {
    offset: Duration,
    latest: Option<DateTime<Utc>>,
}

impl Clock {
    /// A clock `offset` ahead of the wall clock, never earlier than `floor`
    /// (the latest instant the state recorded).
    pub fn new(offset: Duration, floor: Option<DateTime<Utc>>) -> Self {
        Self {
            offset,
            latest: floor,
        }
    }

    /// How far ahead of the wall clock this clock runs.
    pub fn offset(&self) -> Duration {
        self.offset
    }

    /// The current instant, in whole seconds, never before an earlier one.
    pub fn now(&mut self) -> DateTime<Utc> {
        let wall = Utc::now()
            .checked_add_signed(self.offset)
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        let wall = wall.duration_trunc(TimeDelta::seconds(1)).unwrap_or(wall);
        let now = self.latest.map_or(wall, |latest| latest.max(wall));
        self.latest = Some(now);
        now
    }

    /// Moves the clock forward by `by` (at least zero).
    pub fn advance(&mut self, by: Duration) -> Result<DateTime<Utc>, String> {
        if by < Duration::zero() {
            return Err("the clock only moves forward".into());
        }
        let before = self.now();
        self.offset = self
            .offset
            .checked_add(&by)
            .ok_or("the clock cannot move that far")?;
        let target = before
            .checked_add_signed(by)
            .ok_or("the clock cannot move that far")?;
        self.latest = Some(target);
        Ok(self.now())
    }

    /// Moves the clock forward to `to`, refused when `to` is in its past.
    pub fn advance_to(&mut self, to: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
        let now = self.now();
        if to < now {
            return Err(format!(
                "the clock only moves forward: it is {} and {} is earlier",
                now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                to.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ));
        }
        self.advance(to.signed_duration_since(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_never_go_backwards_even_below_a_floor() {
        let future = Utc::now() + Duration::days(400);
        let mut clock = Clock::new(Duration::zero(), Some(future));
        assert!(clock.now() >= future);
    }

    #[test]
    fn advancing_moves_by_the_amount_and_refuses_the_past() {
        let mut clock = Clock::new(Duration::zero(), None);
        let before = clock.now();
        let after = clock.advance(Duration::hours(72)).unwrap();
        assert!(after >= before + Duration::hours(72));
        assert!(after < before + Duration::hours(72) + Duration::seconds(5));
        assert!(clock.advance(Duration::seconds(-1)).is_err());
        assert!(clock.advance_to(before).is_err());
        let target = after + Duration::days(1);
        assert!(clock.advance_to(target).unwrap() >= target);
    }
}
