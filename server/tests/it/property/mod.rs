//! Support for the merge property test: base documents, random offline
//! edits with their oracle, and flattened rows as comparable text.

pub mod base;
pub mod edits;
pub mod rows;
