//! The provider's error answer: an HTTP status and the JSON body
//! `{"RequestId", "HostId", "Code", "Message"}` that the official SDKs raise
//! as an exception carrying `code` and `statusCode`.

use std::fmt;

/// A refused request, as the provider reports it.
///
/// Every refusal the server gives, from a malformed parameter to a
/// snapguard rule, is one of these: never a crash, never an HTTP 200 with a
/// `Code` (which the SDKs would not raise).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status, 4xx or 5xx.
    pub status: u16,
    /// The provider's error code, such as `InvalidSnapshotId.NotFound`.
    pub code: String,
    /// What went wrong, for a human; for a rule's refusal it starts with
    /// the snapguard rule id.
    pub message: String,
}

impl ApiError {
    /// An error with this status, code and message.
    pub fn new(status: u16, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.into(),
            message: message.into(),
        }
    }

    /// `MissingParameter` (400): a required parameter is absent or empty.
    pub fn missing(name: &str) -> Self {
        Self::new(
            400,
            "MissingParameter",
            format!(
                "The input parameter \"{name}\" that is mandatory for processing this request is not supplied."
            ),
        )
    }

    /// `InvalidParameter` (400): a parameter is present but unusable.
    pub fn invalid(name: &str, why: impl fmt::Display) -> Self {
        Self::new(
            400,
            "InvalidParameter",
            format!("The specified parameter \"{name}\" is not valid: {why}."),
        )
    }

    /// The body the SDKs parse, with this request's id.
    pub fn body(&self, request_id: &str) -> serde_json::Value {
        serde_json::json!({
            "RequestId": request_id,
            "HostId": "ecs.snapguard.local",
            "Code": self.code,
            "Message": self.message,
        })
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_and_invalid_name_the_parameter_in_code_and_message() {
        let missing = ApiError::missing("SnapshotId");
        assert_eq!(
            (missing.status, missing.code.as_str()),
            (400, "MissingParameter")
        );
        assert!(missing.message.contains("\"SnapshotId\""));
        let invalid = ApiError::invalid("SnapshotIds.3", "not a snapshot id");
        assert_eq!(invalid.code, "InvalidParameter");
        assert!(invalid.message.contains("SnapshotIds.3"));
        assert!(invalid.message.contains("not a snapshot id"));
    }

    #[test]
    fn body_has_the_four_fields_the_sdks_read() {
        let body = ApiError::new(403, "Forbidden.RAM", "no").body("R-1");
        assert_eq!(body["RequestId"], "R-1");
        assert_eq!(body["Code"], "Forbidden.RAM");
        assert_eq!(body["Message"], "no");
        assert!(body["HostId"].is_string());
    }
}
