//! Who is asking: the request's signature names an AccessKeyId, the key
//! names an account's root or one of its RAM users, and the signature must
//! be the key's secret's. The actor then goes to the library, which checks
//! the user's permission statements (PERM-1, PERM-2, PERM-5).

use snapguard::Actor;

use crate::engine::Engine;
use crate::error::ApiError;
use crate::replay::Replay;
use crate::signature::{self, SignedRequest};
use crate::store::KeyRecord;

/// The actor a verified request speaks for: the signature is the key's,
/// and the request is fresh and seen for the first time (see
/// [`crate::replay`]).
pub fn authenticate(engine: &mut Engine, request: &SignedRequest<'_>) -> Result<Actor, ApiError> {
    let claim = signature::claim(request).map_err(signature_error)?;
    let key = engine.key(&claim.access_key_id).ok_or_else(|| {
        ApiError::new(
            404,
            "InvalidAccessKeyId.NotFound",
            format!(
                "Specified access key is not found: `{}`. Keys are created by the admin API (POST /_snapguard/accounts, .../users).",
                crate::params::truncated(&claim.access_key_id)
            ),
        )
    })?;
    signature::verify(request, &claim, &key.secret).map_err(signature_error)?;
    let actor = actor_of(key);
    let timestamp = signature::timestamp(request, claim.scheme);
    let nonce = signature::nonce(request, claim.scheme);
    engine
        .replay_guard()
        .check(&claim.access_key_id, timestamp.as_deref(), nonce.as_deref(), chrono::Utc::now())
        .map_err(|replay| match replay {
            Replay::Signature(error, why) => {
                ApiError::new(error.status(), error.code(), format!("{error}: {why}."))
            }
            Replay::Throttled => ApiError::new(
                503,
                "Throttling",
                "Request was denied due to request throttling: too many signed requests within the replay window.",
            ),
        })?;
    Ok(actor)
}

/// The actor an access key stands for.
pub fn actor_of(key: &KeyRecord) -> Actor {
    match &key.user {
        None => Actor::root(key.account.as_str()),
        Some(user) => Actor::user(key.account.as_str(), user.as_str()),
    }
}

fn signature_error(error: signature::SignatureError) -> ApiError {
    ApiError::new(error.status(), error.code(), error.to_string())
}
