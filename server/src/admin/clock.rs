//! The clock: reading it, moving it forward, and the state it decided.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::json;

use super::{body, run};
use crate::ecs::time;
use crate::engine::Shared;
use crate::error::ApiError;

pub async fn clock(State(engine): State<Shared>) -> Response {
    run(engine, |engine| Ok(json!({ "now": time(engine.now()) }))).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    seconds: Option<i64>,
    hours: Option<i64>,
    days: Option<i64>,
    to: Option<DateTime<Utc>>,
}

pub async fn advance(State(engine): State<Shared>, bytes: Bytes) -> Response {
    run(engine, move |engine| {
        let request: Advance = body(&bytes)?;
        let by = [
            request.seconds.map(Duration::try_seconds),
            request.hours.map(Duration::try_hours),
            request.days.map(Duration::try_days),
        ];
        let given = by.iter().filter(|d| d.is_some()).count() + usize::from(request.to.is_some());
        if given != 1 {
            return Err(ApiError::invalid(
                "body",
                "give exactly one of `seconds`, `hours`, `days` or `to`",
            ));
        }
        let by = match by.into_iter().flatten().next() {
            None => None,
            Some(None) => return Err(ApiError::invalid("body", "the clock cannot move that far")),
            Some(Some(by)) => Some(by),
        };
        let (now, events) = engine.move_clock(by, request.to)?;
        Ok(json!({ "now": time(now), "events": events }))
    })
    .await
}

pub async fn state(State(engine): State<Shared>) -> Response {
    run(engine, |engine| {
        serde_json::to_value(engine.state())
            .map_err(|error| crate::engine::internal(error.to_string()))
    })
    .await
}
