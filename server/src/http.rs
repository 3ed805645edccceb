//! The HTTP edge: the router, the provider's request envelope (action,
//! version, signature, parameters) and its response envelope (`RequestId`
//! with the operation's fields, or the error body).

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::Response;
use serde_json::Value;

use crate::api::{self, Product};
use crate::engine::Shared;
use crate::error::ApiError;
use crate::params::Params;
use crate::reply::json_response;
use crate::signature::SignedRequest;
use crate::{admin, identity, mint};

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
        .layer(axum::middleware::map_response(json_errors))
        .with_state(engine)
}

/// Gives the answers the framework makes by itself (a body over the limit,
/// an admin route that does not exist, a method a route does not take, a
/// path segment that does not parse) the provider's JSON error body, so
/// that no client ever sees an error it cannot parse.
async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let text = axum::body::to_bytes(response.into_body(), 4096)
        .await
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default();
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "InvalidParameter.TooLarge",
        StatusCode::NOT_FOUND => "InvalidAction.NotFound",
        StatusCode::METHOD_NOT_ALLOWED => "UnsupportedHTTPMethod",
        _ if status.is_server_error() => "InternalError",
        _ => "InvalidParameter",
    };
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => {
            format!("The request body is larger than {MAX_BODY_BYTES} bytes.")
        }
        _ if text.is_empty() => status.canonical_reason().unwrap_or("error").to_owned(),
        _ => text,
    };
    let error = ApiError::new(status.as_u16(), code, message);
    json_response(status.as_u16(), &error.body(&mint::request_id()))
}

async fn provider_api(
    axum::extract::State(engine): axum::extract::State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let request_id = mint::request_id();
    let (product, outcome) = match body {
        Ok(body) => decide(engine, method, uri, headers, body).await,
        Err(rejection) => (
            None,
            Err(ApiError::new(
                rejection.status().as_u16(),
                "InvalidParameter.TooLarge",
                format!(
                    "The request body could not be read: {rejection}. At most {MAX_BODY_BYTES} bytes."
                ),
            )),
        ),
    };
    let (status, mut body, error) = match outcome {
        Ok(fields) => (200, fields, None),
        Err(error) => {
            tracing::info!(code = %error.code, status = error.status, "refused: {}", error.message);
            (error.status, error.body(&request_id), Some(error))
        }
    };
    if let Value::Object(map) = &mut body {
        map.insert("RequestId".into(), Value::String(request_id));
        if let Some(product) = product {
            if error.is_some() {
                map.insert("HostId".into(), Value::String(product.host.into()));
            }
            (product.shape)(map, error.as_ref());
        }
    }
    json_response(status, &body)
}

/// The request's product (once its version is known) and its answer.
async fn decide(
    engine: Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (Option<&'static Product>, Result<Value, ApiError>) {
    let mut product = None;
    let outcome = read_and_run(engine, method, uri, headers, body, &mut product).await;
    (product, outcome)
}

async fn read_and_run(
    engine: Shared,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
    product_seen: &mut Option<&'static Product>,
) -> Result<Value, ApiError> {
    if method != Method::GET && method != Method::POST {
        return Err(ApiError::new(
            405,
            "UnsupportedHTTPMethod",
            format!("The HTTP method {method} is not supported: use GET or POST."),
        ));
    }
    if uri.path() != "/" {
        return Err(ApiError::new(
            404,
            "InvalidAction.NotFound",
            format!(
                "Specified api is not found, please check your url and method: the API is served at `/`, not `{}`.",
                crate::params::truncated(uri.path())
            ),
        ));
    }
    let mut params = Params::default();
    params.extend_from_encoded(uri.query().unwrap_or_default().as_bytes())?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|value| value.to_str().unwrap_or("(not ASCII)"))
        .unwrap_or_default();
    if crate::signature::is_form(content_type) {
        params.extend_from_encoded(&body)?;
    } else if !body.is_empty() {
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
    let product = api::product(&version);
    *product_seen = product;
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
            let Some(product) = product else {
                let spoken: Vec<String> = api::PRODUCTS
                    .iter()
                    .map(|product| format!("{} {}", product.name, product.version))
                    .collect();
                return Err(ApiError::new(
                    400,
                    "InvalidVersion",
                    format!(
                        "Specified parameter Version is not valid: `{}`. This endpoint speaks {}.",
                        crate::params::truncated(&version),
                        spoken.join(", ")
                    ),
                ));
            };
            // The legacy signature's own parameters name no operation input;
            // in a V3 request they are unknown parameters, refused as such.
            if legacy {
                for name in V2_ENVELOPE {
                    params.take(name);
                }
            }
            api::handle(engine, product, &action, params, &actor)
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
