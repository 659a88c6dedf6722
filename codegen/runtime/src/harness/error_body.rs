//! Stand-in for the `error_body.rs` a generated crate gets from its spec: one variant per
//! declared error schema, plus `Other` and `Empty`.

/// The body of an error response.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ErrorBody {
    /// A declared error schema.
    Problem(Problem),
    /// JSON that matches no declared error schema.
    Other(serde_json::Value),
    /// No body.
    Empty,
}

/// A declared error schema of the stand-in spec.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct Problem {
    pub title: String,
    pub detail: Option<String>,
}

impl ErrorBody {
    /// A one-line summary of the error for messages, when the body has one.
    pub fn summary(&self) -> Option<String> {
        match self {
            Self::Problem(body) => {
                crate::error::summary(&[Some(body.title.as_str())], &[body.detail.as_deref()])
            }
            Self::Other(value) => crate::error::summary(
                &[value
                    .pointer("/message")
                    .and_then(serde_json::Value::as_str)],
                &[],
            ),
            Self::Empty => None,
        }
    }
}
