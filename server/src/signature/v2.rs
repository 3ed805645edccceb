//! V2, RPC `HMAC-SHA1`: the signature parameters in the query or a form
//! body (see the parent module for the scheme).

use std::borrow::Cow;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use super::{
    Claim, Scheme, SignatureError, SignedRequest, decode_form, malformed, percent_encode, shorten,
};

/// The v2 claim: the `AccessKeyId` parameter, the signature parameters
/// checked for presence and support.
pub(super) fn claim(request: &SignedRequest<'_>) -> Result<Claim, SignatureError> {
    let params = v2_params(request)?;
    let fields = V2Fields::read(&params)?;
    Ok(Claim {
        scheme: Scheme::V2,
        access_key_id: fields.access_key_id.to_owned(),
    })
}

/// A v2 request's parameters: the query's, then a form body's.
type Params<'a> = Vec<(Cow<'a, str>, Cow<'a, str>)>;

fn v2_params<'a>(request: &SignedRequest<'a>) -> Result<Params<'a>, SignatureError> {
    let mut params: Params<'a> = request
        .query
        .iter()
        .map(|(name, value)| (Cow::Borrowed(name.as_str()), Cow::Borrowed(value.as_str())))
        .collect();
    if request.body.is_empty() {
        return Ok(params);
    }
    let content_type = request
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        .map(|(_, value)| value.as_str())
        .unwrap_or("");
    if !super::encoding::is_form(content_type) {
        return Err(malformed(format!(
            "a v2 signature does not cover a body of type {}",
            shorten(content_type)
        )));
    }
    let form = std::str::from_utf8(request.body)
        .ok()
        .and_then(decode_form)
        .ok_or_else(|| malformed("the form body is not UTF-8"))?;
    params.extend(
        form.into_iter()
            .map(|(name, value)| (Cow::Owned(name), Cow::Owned(value))),
    );
    Ok(params)
}

/// The v2 signature parameters, checked for presence and support.
struct V2Fields<'p> {
    access_key_id: &'p str,
    signature: &'p str,
}

impl<'p> V2Fields<'p> {
    fn read(params: &'p Params<'_>) -> Result<Self, SignatureError> {
        let access_key_id = single(params, "AccessKeyId")?.filter(|v| !v.is_empty());
        let signature = single(params, "Signature")?.filter(|v| !v.is_empty());
        let (access_key_id, signature) = match (access_key_id, signature) {
            (None, None) => return Err(SignatureError::Missing),
            (None, Some(_)) => return Err(SignatureError::MissingParameter("AccessKeyId")),
            (Some(_), None) => return Err(SignatureError::MissingParameter("Signature")),
            (Some(access_key_id), Some(signature)) => (access_key_id, signature),
        };
        match single(params, "SignatureMethod")? {
            None => return Err(SignatureError::MissingParameter("SignatureMethod")),
            Some("HMAC-SHA1") => {}
            Some(other) => {
                return Err(SignatureError::UnsupportedAlgorithm(format!(
                    "SignatureMethod {}",
                    shorten(other)
                )));
            }
        }
        match single(params, "SignatureVersion")? {
            None => return Err(SignatureError::MissingParameter("SignatureVersion")),
            Some("1.0") => {}
            Some(other) => {
                return Err(SignatureError::UnsupportedAlgorithm(format!(
                    "SignatureVersion {}",
                    shorten(other)
                )));
            }
        }
        Ok(V2Fields {
            access_key_id,
            signature,
        })
    }
}

/// The value of a parameter given at most once.
fn single<'p>(params: &'p Params<'_>, name: &str) -> Result<Option<&'p str>, SignatureError> {
    let mut found = None;
    for (n, value) in params {
        if n.as_ref() == name {
            if found.is_some() {
                return Err(malformed(format!("the parameter {name} is given twice")));
            }
            found = Some(value.as_ref());
        }
    }
    Ok(found)
}

pub(super) fn verify(
    request: &SignedRequest<'_>,
    claim: &Claim,
    secret: &str,
) -> Result<(), SignatureError> {
    let params = v2_params(request)?;
    let fields = V2Fields::read(&params)?;
    if fields.access_key_id != claim.access_key_id {
        return Err(SignatureError::Mismatch);
    }
    let mut signed: Vec<(&str, &str)> = params
        .iter()
        .filter(|(name, _)| name.as_ref() != "Signature")
        .map(|(name, value)| (name.as_ref(), value.as_ref()))
        .collect();
    signed.sort_unstable();
    let mut canonical = String::new();
    for (index, (name, value)) in signed.iter().enumerate() {
        if index > 0 {
            canonical.push('&');
        }
        canonical.push_str(&percent_encode(name));
        canonical.push('=');
        canonical.push_str(&percent_encode(value));
    }
    let string_to_sign = format!(
        "{}&{}&{}",
        request.method,
        percent_encode("/"),
        percent_encode(&canonical)
    );
    // A `+` sent unencoded in the query arrives decoded as a space.
    let provided = base64::engine::general_purpose::STANDARD
        .decode(fields.signature.replace(' ', "+"))
        .map_err(|_| SignatureError::Mismatch)?;
    let mut mac = Hmac::<Sha1>::new_from_slice(format!("{secret}&").as_bytes())
        .map_err(|_| SignatureError::Mismatch)?;
    mac.update(string_to_sign.as_bytes());
    mac.verify_slice(&provided)
        .map_err(|_| SignatureError::Mismatch)
}

/// The first value of a v2 parameter (of the query or a form body).
pub(super) fn first_param(request: &SignedRequest<'_>, name: &str) -> Option<String> {
    let params = v2_params(request).ok()?;
    params
        .into_iter()
        .find(|(n, _)| n.as_ref() == name)
        .map(|(_, value)| value.into_owned())
}
