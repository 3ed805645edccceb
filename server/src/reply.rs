//! A JSON answer with the provider's content type, for the provider's API
//! and the admin API alike.

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// A JSON response with the provider's content type.
pub fn json_response(status: u16, body: &Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::CONTENT_TYPE, "application/json;charset=utf-8")],
        Body::from(body.to_string()),
    )
        .into_response()
}
