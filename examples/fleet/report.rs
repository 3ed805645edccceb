//! Reporting helpers: the stopwatch for the simulation's own wall time,
//! and the formatting of counts, instants and rates.

use std::time::{Duration, Instant};

use chrono::{DateTime, SecondsFormat, Utc};

/// A stopwatch for the simulation's own wall time.
pub(crate) struct Stopwatch(Instant);

impl Stopwatch {
    // The library never reads a clock (GEN-1); this example measures its
    // own wall time, and reads one here only.
    #[allow(clippy::disallowed_methods)]
    pub(crate) fn start() -> Self {
        Self(Instant::now())
    }

    pub(crate) fn elapsed(&self) -> Duration {
        self.0.elapsed()
    }
}

/// `n` with thousands separators.
pub(crate) fn thousands(n: impl Into<u128>) -> String {
    let digits = n.into().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

pub(crate) fn instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

pub(crate) fn per_second(count: u64, elapsed: Duration) -> String {
    let seconds = elapsed.as_secs_f64();
    if seconds > 0.0 {
        // Display only: the precision lost converting to f64 is immaterial.
        let rate = count as f64 / seconds;
        format!("{rate:.0}")
    } else {
        "-".to_owned()
    }
}
