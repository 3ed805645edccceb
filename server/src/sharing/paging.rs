//! Resource Sharing's pagination: `MaxResults` (1 to 100, 20 by default)
//! and the `NextToken` a previous page returned.

use serde_json::{Value, json};

use crate::api::Call;
use crate::error::ApiError;

/// The most items a page holds.
const MAX_RESULTS: usize = 100;
/// The items a page holds by default.
const DEFAULT_RESULTS: usize = 20;

/// A page: `max` items from `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    offset: usize,
    max: usize,
}

impl Paging {
    /// Reads `MaxResults` and `NextToken`, with the provider's codes
    /// (`InvalidParameter.MaxResults`, `InvalidParameter.NextToken`).
    pub fn read(call: &mut Call<'_>) -> Result<Self, ApiError> {
        let max = match call.params.take("MaxResults") {
            None => DEFAULT_RESULTS,
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|max| (1..=MAX_RESULTS).contains(max))
                .ok_or_else(|| {
                    ApiError::new(
                        400,
                        "InvalidParameter.MaxResults",
                        format!(
                            "The MaxResults is invalid: `{}` is not a whole number from 1 to {MAX_RESULTS}.",
                            crate::params::truncated(&text)
                        ),
                    )
                })?,
        };
        // An empty token asks for the first page, as a paging loop's first
        // call may send it.
        let offset = match call.params.take("NextToken").filter(|t| !t.is_empty()) {
            None => 0,
            Some(token) => token.parse::<usize>().map_err(|_| invalid_token())?,
        };
        Ok(Self { offset, max })
    }

    /// The page's items, and the token of the next page if any.
    pub fn slice<'a, T>(&self, items: &'a [T]) -> Result<(&'a [T], Option<String>), ApiError> {
        if self.offset > items.len() {
            return Err(invalid_token());
        }
        let end = self.offset.saturating_add(self.max).min(items.len());
        let page = items.get(self.offset..end).unwrap_or_default();
        let next = (end < items.len()).then(|| end.to_string());
        Ok((page, next))
    }

    /// A list response: `field` holds the page, `NextToken` the next page's
    /// token when there is one.
    pub fn body(field: &str, page: Vec<Value>, next: Option<String>) -> Value {
        let mut body = json!({ field: page });
        if let (Some(next), Some(fields)) = (next, body.as_object_mut()) {
            fields.insert("NextToken".into(), json!(next));
        }
        body
    }
}

fn invalid_token() -> ApiError {
    ApiError::new(
        400,
        "InvalidParameter.NextToken",
        "The NextToken is invalid: it is not a token this endpoint returned for this listing.",
    )
}
