//! Limits are checked where they are made (GEN-5), and the instant a
//! service decides at never runs backwards (GEN-2).

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use proptest::prelude::*;
use snapguard::testing::{History, HistoryConfig};
use snapguard::{Actor, CreateRegion, Limits, LimitsError, RuleId, State, StateError};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
}

/// Each incoherent configuration, with the field it must be refused for.
fn incoherent() -> Vec<(Limits, &'static str)> {
    let mut cases = Vec::new();
    let mut l = Limits::default();
    l.min_lock_days = 0;
    cases.push((l, "min_lock_days"));
    let mut l = Limits::default();
    l.min_lock_days = l.max_lock_days + 1;
    cases.push((l, "min_lock_days"));
    let mut l = Limits::default();
    l.permanent_share_days = 0;
    cases.push((l, "permanent_share_days"));
    let mut l = Limits::default();
    l.max_id_chars = 0;
    cases.push((l, "max_id_chars"));
    let mut l = Limits::default();
    l.min_retention_days = l.max_retention_days + 1;
    cases.push((l, "min_retention_days"));
    let mut l = Limits::default();
    l.min_archive_retention_days = l.max_archive_retention_days + 1;
    cases.push((l, "min_archive_retention_days"));
    cases
}

#[test]
fn gen_5_with_limits_refuses_every_incoherent_limit_naming_it() {
    for (limits, field) in incoherent() {
        let error = State::with_limits(limits.clone()).unwrap_err();
        assert_eq!(error.field, field, "{limits:?}");
        assert_eq!(error.rule(), RuleId::Gen5);
        assert_eq!(limits.validate(), Err(error.clone()));
        assert!(
            error
                .to_string()
                .starts_with(&format!("the limit `{field}` is incoherent: ")),
            "{error}"
        );
        // Loading reports the same field.
        assert_eq!(
            StateError::from(error),
            StateError::IncoherentLimits {
                field: field.into()
            }
        );
    }
}

#[test]
fn gen_5_with_limits_accepts_coherent_limits_at_their_edges() {
    let mut limits = Limits::default();
    limits.min_lock_days = limits.max_lock_days;
    limits.min_retention_days = limits.max_retention_days;
    limits.min_archive_retention_days = limits.max_archive_retention_days;
    limits.permanent_share_days = 1;
    limits.max_id_chars = 1;
    let state = State::with_limits(limits.clone()).unwrap();
    assert_eq!(state.limits(), &limits);
}

#[test]
fn gen_5_a_state_cannot_be_loaded_with_incoherent_limits() {
    for (limits, field) in incoherent() {
        let mut json = serde_json::to_value(State::new()).unwrap();
        json["limits"] = serde_json::to_value(&limits).unwrap();
        let error = serde_json::from_value::<State>(json).unwrap_err();
        assert!(error.to_string().contains(field), "{error}");
    }
}

#[test]
fn gen_5_history_config_refuses_incoherent_limits() {
    for (limits, field) in incoherent() {
        let error = HistoryConfig::default().with_limits(limits).unwrap_err();
        assert_eq!(error.field, field);
    }
    let mut coherent = Limits::default();
    coherent.auto_snapshots_per_disk = 2;
    let config = HistoryConfig::default()
        .with_limits(coherent.clone())
        .unwrap();
    assert_eq!(config.limits, coherent);
}

#[test]
fn gen_5_a_history_with_incoherent_limits_does_not_replay() {
    let (limits, field) = incoherent().remove(0);
    let mut config = HistoryConfig::default();
    config.limits = limits;
    let history = History::from_bytes(&config, &[7; 64]);
    assert!(history.steps.is_empty(), "no state holds these limits");
    let error: LimitsError = history.replay().unwrap_err();
    assert_eq!(error.field, field);
}

proptest! {
    /// Readings that jitter back and forth, as the clocks of several
    /// threads do: deciding at `monotonic_now` never meets GEN-2, and the
    /// clock is the latest reading so far.
    #[test]
    fn gen_2_monotonic_now_never_runs_backwards(
        offsets in proptest::collection::vec(-3_600_i64..3_600, 1..64),
    ) {
        let mut state = State::new();
        let mut latest: Option<DateTime<Utc>> = None;
        for (n, offset) in offsets.into_iter().enumerate() {
            let reading = t0() + TimeDelta::seconds(offset);
            let now = state.monotonic_now(reading);
            prop_assert!(now >= reading);
            prop_assert_eq!(Some(now), latest.max(Some(reading)));
            // A command records its instant as the clock.
            let region = CreateRegion::new(format!("r-{n}"));
            prop_assert!(state.apply_mut(now, &Actor::Platform, region).is_ok());
            prop_assert!(state.advance_mut(state.monotonic_now(reading)).is_ok());
            latest = latest.max(Some(reading));
            prop_assert_eq!(state.clock(), latest);
        }
    }
}

#[test]
fn gen_2_monotonic_now_of_an_empty_state_is_the_reading() {
    assert_eq!(State::new().monotonic_now(t0()), t0());
}
