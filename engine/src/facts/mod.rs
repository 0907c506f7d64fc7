//! Project facts (CHECKS.md §2) that are extracted from text by plain Rust rather than by pack
//! extractors: F2 triggers and channels from SQL ([`sql`]) and F15 architecture decision records
//! with the Rule 1 matching of findings against them ([`adr`]), and database URLs ([`dsn`]).
//! Pure functions over `&str` inputs; the callers read the files.

pub mod adr;
pub mod dsn;
pub mod sql;
