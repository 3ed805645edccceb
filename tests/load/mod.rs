//! Loading refuses a saved state no accepted history produces: bounds
//! (GEN-7), provenance and ranges.

mod bounds;
mod provenance;
mod ranges;
