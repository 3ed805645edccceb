//! Regions, including those closing down (COPY-4). Their rules are in
//! `rules/region.rs`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::RegionId;

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A region.
///
/// Deserializing refuses unknown fields and requires every field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Region {
    /// Its id.
    pub id: RegionId,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// Whether the provider announced it is closing down: it accepts no
    /// encrypted copies (COPY-4). It never reopens.
    pub closing_down: bool,
}
