//! Project facts (CHECKS.md §2) that are extracted from text by plain Rust rather than by pack
//! extractors: F2 triggers and channels from SQL ([`sql`]), the order migrations are applied in
//! ([`order`]), F15 architecture decision records with the Rule 1 matching of findings against
//! them ([`adr`]), the gate of checks on their required facts ([`gate`]) and database URLs
//! ([`dsn`]). Pure functions over `&str` inputs; the callers read the files.

pub mod adr;
pub mod dsn;
pub mod gate;
pub mod order;
pub mod sql;
