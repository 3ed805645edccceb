//! The golden requests of `data/signatures.json`, loaded once, and an owned
//! copy of one to tamper with.

use std::sync::LazyLock;

use serde::Deserialize;
use snapguard_server::signature::{
    Claim, SignatureError, SignedRequest, claim, decode_form, verify,
};

/// A golden request of `data/signatures.json`: as the official Python SDK
/// sent it, captured by a local HTTP server (the file's `about` tells the
/// SDK's versions and configuration); header names lower-cased.
#[derive(Deserialize)]
pub struct Captured {
    pub method: String,
    pub path: String,
    pub raw_query: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// The golden requests.
#[derive(Deserialize)]
pub struct Golden {
    pub v3_describe_snapshots: Captured,
    pub v3_lock_snapshot: Captured,
    pub v3_form_body: Captured,
    pub v2_describe_snapshots: Captured,
    pub v2_lock_snapshot: Captured,
    pub v2_form_body: Captured,
    /// Computed by the SDK's own `Utils.get_authorization` on a request
    /// built by hand: an encoded path, an empty query value, a header value
    /// with surrounding whitespace, a GET.
    pub v3_util: Captured,
}

pub static GOLDEN: LazyLock<Golden> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../data/signatures.json"))
        .expect("the golden requests parse")
});

pub const SECRET: &str = "secret-example";
pub const ACCESS_KEY_ID: &str = "LTAIexample";
pub const UTIL_SECRET: &str = "util-secret";

pub fn v3_golden() -> [&'static Captured; 3] {
    [
        &GOLDEN.v3_describe_snapshots,
        &GOLDEN.v3_lock_snapshot,
        &GOLDEN.v3_form_body,
    ]
}

pub fn v2_golden() -> [&'static Captured; 3] {
    [
        &GOLDEN.v2_describe_snapshots,
        &GOLDEN.v2_lock_snapshot,
        &GOLDEN.v2_form_body,
    ]
}

/// An owned request, to tamper with.
#[derive(Clone, Debug)]
pub struct Owned {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Captured {
    pub fn owned(&self) -> Owned {
        Owned {
            method: self.method.clone(),
            path: self.path.clone(),
            query: decode_form(&self.raw_query).expect("the captured query decodes"),
            headers: self.headers.clone(),
            body: self.body.as_bytes().to_vec(),
        }
    }
}

impl Owned {
    pub fn request(&self) -> SignedRequest<'_> {
        SignedRequest {
            method: &self.method,
            path: &self.path,
            query: &self.query,
            headers: &self.headers,
            body: &self.body,
        }
    }

    pub fn check(&self, secret: &str) -> Result<Claim, SignatureError> {
        let request = self.request();
        let claim = claim(&request)?;
        verify(&request, &claim, secret)?;
        Ok(claim)
    }

    pub fn header_mut(&mut self, name: &str) -> &mut String {
        &mut self
            .headers
            .iter_mut()
            .find(|(n, _)| n == name)
            .expect("the header is there")
            .1
    }

    pub fn set_authorization(&mut self, value: &str) {
        *self.header_mut("authorization") = value.to_owned();
    }

    pub fn signed_headers(&self) -> Vec<String> {
        let value = &self
            .headers
            .iter()
            .find(|(n, _)| n == "authorization")
            .expect("V3")
            .1;
        let start = value.find("SignedHeaders=").expect("SignedHeaders") + 14;
        let rest = &value[start..];
        let end = rest.find(',').expect("a comma");
        rest[..end].split(';').map(str::to_owned).collect()
    }
}

/// Changes the last character of a value (or makes an empty one `x`).
pub fn tweak(value: &str) -> String {
    let mut chars: Vec<char> = value.chars().collect();
    match chars.last_mut() {
        None => "x".to_owned(),
        Some(last) => {
            *last = if *last == 'a' { 'b' } else { 'a' };
            chars.into_iter().collect()
        }
    }
}

pub fn tweak_byte(value: &[u8]) -> Vec<u8> {
    let mut out = value.to_vec();
    match out.last_mut() {
        None => out.push(b'x'),
        Some(last) => *last = if *last == b'a' { b'b' } else { b'a' },
    }
    out
}
