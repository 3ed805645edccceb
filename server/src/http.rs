//! The HTTP edge: the router, the provider's request envelope (action,
//! version, signature, parameters) and its response envelope (`RequestId`
//! with the operation's fields, or the error body).

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::ecs;
use crate::engine::Shared;
use crate::error::ApiError;
use crate::params::Params;
use crate::signature::SignedRequest;
use crate::{admin, identity, mint};

/// The ECS API version the server speaks.
pub const ECS_VERSION: &str = "2014-05-26";
/// The most bytes a request body may have.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Parameters of the legacy (v2) signature envelope, which name no
/// operation input.
const V2_ENVELOPE: &[&str] = &[
    "AccessKeyId",
    "Signature",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "SignatureType",
    "Timestamp",
    "Format",
];

/// The server's routes: the admin API under `/_snapguard/`, and the
/// provider's API on every other path.
pub fn router(engine: Shared) -> Router {
    Router::new()
        .nest("/_snapguard", admin::router())
        .fallback(provider_api)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(engine)
}

async fn provider_api(
    axum::extract::State(engine): axum::extract::State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request_id = mint::request_id();
    let outcome = answer(engine, method, uri, headers, body).await;
    let (status, mut body) = match outcome {
        Ok(fields) => (200, fields),
        Err(error) => {
            tracing::info!(code = %error.code, status = error.status, "refused: {}", error.message);
            (error.status, error.body(&request_id))
        }
    };
    if let Value::Object(map) = &mut body {
        map.insert("RequestId".into(), Value::String(request_id));
    }
    json_response(status, &body)
}

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

async fn answer(
    engine: Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Value, ApiError> {
    if method != Method::GET && method != Method::POST {
        return Err(ApiError::new(
            405,
            "UnsupportedHTTPMethod",
            format!("The HTTP method {method} is not supported: use GET or POST."),
        ));
    }
    let mut params = Params::default();
    params.extend_from_encoded(uri.query().unwrap_or_default().as_bytes())?;
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
    if form {
        params.extend_from_encoded(&body)?;
    } else if !body.is_empty() && headers.get("x-acs-action").is_none() {
        return Err(ApiError::invalid(
            "body",
            "a request body must be application/x-www-form-urlencoded parameters",
        ));
    }
    let header_pairs: Vec<(String, String)> = headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let query_pairs = query_pairs(uri.query().unwrap_or_default())?;
    let path = uri.path().to_owned();
    let method_text = method.as_str().to_owned();
    // V3 signs the `x-acs-*` headers; the legacy signature covers only the
    // parameters, so a legacy request names its operation there and the
    // (unsigned) headers may not contradict it.
    let legacy = !headers.contains_key(header::AUTHORIZATION);
    let action = envelope_value(&headers, &mut params, "x-acs-action", "Action", legacy)?;
    let version = envelope_value(&headers, &mut params, "x-acs-version", "Version", legacy)?;
    let signed_body = body.clone();
    engine
        .run(move |engine| {
            let request = SignedRequest {
                method: &method_text,
                path: &path,
                query: &query_pairs,
                headers: &header_pairs,
                body: &signed_body,
            };
            let actor = identity::authenticate(engine, &request)?;
            if version != ECS_VERSION {
                return Err(ApiError::new(
                    400,
                    "InvalidVersion",
                    format!(
                        "Specified parameter Version is not valid: `{}`. This endpoint speaks ECS {ECS_VERSION}.",
                        crate::params::truncated(&version)
                    ),
                ));
            }
            for name in V2_ENVELOPE {
                params.take(name);
            }
            ecs::handle(engine, &action, params, &actor)
        })
        .await?
}

/// The operation's action or version: from the V3 header, or the legacy
/// query parameter; given both, they must agree.
fn envelope_value(
    headers: &HeaderMap,
    params: &mut Params,
    header_name: &str,
    param_name: &str,
    legacy: bool,
) -> Result<String, ApiError> {
    let from_header = headers
        .get(header_name)
        .map(|value| value.to_str().map(str::to_owned))
        .transpose()
        .map_err(|_| ApiError::invalid(header_name, "it is not ASCII"))?;
    let from_param = params.take(param_name);
    match (from_header, from_param) {
        (Some(a), Some(b)) if a != b => Err(ApiError::invalid(
            param_name,
            format_args!("the header {header_name} says `{a}` and the parameter `{b}`"),
        )),
        (_, Some(value)) => Ok(value),
        (Some(value), None) if !legacy => Ok(value),
        (_, None) => Err(ApiError::missing(param_name)),
    }
}

/// The query's decoded pairs, in arrival order, as the signature covers them.
fn query_pairs(query: &str) -> Result<Vec<(String, String)>, ApiError> {
    crate::signature::decode_form(query)
        .ok_or_else(|| ApiError::invalid("query", "it is not UTF-8 once decoded"))
}
