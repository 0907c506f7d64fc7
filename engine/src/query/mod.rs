//! Query support beyond tree-sitter: the engine's own query predicates.

pub(crate) mod custom;
pub(crate) mod guard;
pub(crate) mod native;
