//! Plain data shared by every stage: severities, categories, effort, exemption.
//!
//! These are the words of CHECKS.md §0. They are serde types so that the catalogue, packs and the
//! JSON output all spell them the same way.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How bad a finding is. Ordered: `Low < Medium < High < Critical`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];

    /// One level down; LOW stays LOW (CHECKS.md §0).
    pub fn lower(self) -> Severity {
        match self {
            Severity::Critical => Severity::High,
            Severity::High => Severity::Medium,
            Severity::Medium | Severity::Low => Severity::Low,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }

    /// Parses `low`, `LOW`, `Low`, ... .
    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_uppercase().as_str() {
            "LOW" => Some(Severity::Low),
            "MEDIUM" => Some(Severity::Medium),
            "HIGH" => Some(Severity::High),
            "CRITICAL" => Some(Severity::Critical),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The four categories, in report order.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Query,
    Transaction,
    Runtime,
    Resource,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Query,
        Category::Transaction,
        Category::Runtime,
        Category::Resource,
    ];

    /// The id prefix: `query`, `transaction`, `runtime`, `resource`.
    pub fn id(self) -> &'static str {
        match self {
            Category::Query => "query",
            Category::Transaction => "transaction",
            Category::Runtime => "runtime",
            Category::Resource => "resource",
        }
    }

    /// The report title: `Query Efficiency`, ...
    pub fn title(self) -> &'static str {
        match self {
            Category::Query => "Query Efficiency",
            Category::Transaction => "Transaction Correctness",
            Category::Runtime => "Runtime Performance",
            Category::Resource => "Resource Lifecycle",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.id() == s)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Effort to fix: S < 1 h, M 1-4 h, L > 4 h.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Effort {
    S,
    M,
    L,
}

impl Effort {
    pub fn as_str(self) -> &'static str {
        match self {
            Effort::S => "S",
            Effort::M => "M",
            Effort::L => "L",
        }
    }

    /// Parses `S`, `M`, `L` (any case).
    pub fn parse(s: &str) -> Option<Effort> {
        match s.to_ascii_uppercase().as_str() {
            "S" => Some(Effort::S),
            "M" => Some(Effort::M),
            "L" => Some(Effort::L),
            _ => None,
        }
    }
}

/// Whether the post-filter (ADR overrides, execution-context downgrades) may change a check's
/// findings.
/// Written in TOML as `true`, `false` or `"hot_path"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Exempt {
    /// `false`: the post-filter applies.
    #[default]
    No,
    /// `true`: never changed by the post-filter.
    Always,
    /// `"hot_path"`: exempt only when the finding sits on the request path.
    HotPath,
}

impl Serialize for Exempt {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Exempt::No => s.serialize_bool(false),
            Exempt::Always => s.serialize_bool(true),
            Exempt::HotPath => s.serialize_str("hot_path"),
        }
    }
}

impl<'de> Deserialize<'de> for Exempt {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Flag(bool),
            Mode(String),
        }
        match Raw::deserialize(d)? {
            Raw::Flag(true) => Ok(Exempt::Always),
            Raw::Flag(false) => Ok(Exempt::No),
            Raw::Mode(m) if m == "hot_path" => Ok(Exempt::HotPath),
            Raw::Mode(m) => Err(serde::de::Error::custom(format!(
                "invalid exempt value `{m}`: expected true, false or \"hot_path\""
            ))),
        }
    }
}

impl JsonSchema for Exempt {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Exempt".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "true (never changed by the post-filter), false, or \"hot_path\"",
            "oneOf": [{"type": "boolean"}, {"const": "hot_path"}]
        })
    }
}

/// The language of a source file.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Python,
    Go,
    #[serde(alias = "js")]
    JavaScript,
    #[serde(alias = "ts")]
    TypeScript,
    Tsx,
}

impl Language {
    pub const ALL: [Language; 5] = [
        Language::Python,
        Language::Go,
        Language::JavaScript,
        Language::TypeScript,
        Language::Tsx,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::Go => "go",
            Language::JavaScript => "javascript",
            Language::TypeScript => "typescript",
            Language::Tsx => "tsx",
        }
    }

    pub fn parse(s: &str) -> Option<Language> {
        match s {
            "python" | "py" => Some(Language::Python),
            "go" => Some(Language::Go),
            "javascript" | "js" => Some(Language::JavaScript),
            "typescript" | "ts" => Some(Language::TypeScript),
            "tsx" => Some(Language::Tsx),
            _ => None,
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
