//! What a generation run is asked for: the crate's identity and the policies its client
//! follows. Front ends build it from their flags and a `codegen.toml` (`crate::config`, which
//! also holds `Options::for_spec`);
//! lowering reads the policies that shape the IR (pagination, error summaries), emitting the
//! rest. Nothing here is specific to one API: without a config file a spec gets [`Settings::default`].

use crate::naming;
use std::time::Duration;

/// What the generated crate is called, how it describes its origin, and its policies.
#[derive(Debug, Clone, Hash, PartialEq)]
pub struct Options {
    /// Cargo package name (`telnyx-recordings`).
    pub crate_name: String,
    pub crate_version: String,
    /// Prefix of the environment variables `Client::from_env` reads (`TELNYX` →
    /// `TELNYX_API_KEY`, `TELNYX_BASE_URL`).
    pub env_prefix: String,
    /// `env_prefix` was set (by a config file or a flag), not derived from the crate name.
    pub env_prefix_explicit: bool,
    /// No name was given: the crate is named after the spec's `info.title` when it is
    /// generated (`crate_name` holds the fallback, from the file name).
    pub name_from_title: bool,
    /// How generated files name their spec (a path relative to the workspace, say).
    pub spec_label: String,
    /// Add an empty `[workspace]` table, so the crate builds on its own even when its folder
    /// lies inside another workspace.
    pub standalone: bool,
    pub settings: Settings,
}

impl Options {
    /// Defaults derived from a crate name (env prefix from its first word) and default settings.
    pub fn for_crate(crate_name: &str, spec_label: &str) -> Self {
        let crate_name = naming::crate_name(crate_name);
        Options {
            env_prefix: Self::env_prefix_of(&crate_name),
            env_prefix_explicit: false,
            name_from_title: false,
            crate_name,
            crate_version: "0.1.0".to_owned(),
            spec_label: spec_label.to_owned(),
            standalone: false,
            settings: Settings::default(),
        }
    }

    /// The environment prefix a crate name gives when none is set: its first word
    /// (`telnyx-recordings` → `TELNYX`).
    pub fn env_prefix_of(crate_name: &str) -> String {
        naming::env_prefix(crate_name.split('-').next().unwrap_or("API"))
    }

    /// Renames the crate; an environment prefix that was only derived from the old name
    /// follows the new one.
    pub fn rename(&mut self, crate_name: &str) {
        self.crate_name = naming::crate_name(crate_name);
        self.name_from_title = false;
        if !self.env_prefix_explicit {
            self.env_prefix = Self::env_prefix_of(&self.crate_name);
        }
    }

    /// The options as generation uses them for a spec titled `title`: named after it when no
    /// name was given and the title has a letter (`Telnyx API` → `telnyx-api`, env prefix
    /// `TELNYX`); else unchanged.
    pub fn named_for(&self, title: &str) -> std::borrow::Cow<'_, Options> {
        match naming::crate_name_from_title(title).filter(|_| self.name_from_title) {
            Some(name) => {
                let mut named = self.clone();
                named.rename(&name);
                std::borrow::Cow::Owned(named)
            }
            None => std::borrow::Cow::Borrowed(self),
        }
    }

    /// The name of the environment variable the crate reads `what` from (`API_KEY` →
    /// `TELNYX_API_KEY`): the one place these names are made.
    pub fn env_var(&self, what: &str) -> String {
        format!("{}_{what}", self.env_prefix)
    }

    /// Sets the environment prefix (`TELNYX` → `TELNYX_API_KEY`).
    pub fn set_env_prefix(&mut self, prefix: &str) {
        self.env_prefix = naming::env_prefix(prefix);
        self.env_prefix_explicit = true;
    }
}

/// The policies of the generated client, from the `[client]`, `[retry]`, `[pagination]` and
/// `[errors]` tables of `codegen.toml`.
#[derive(Debug, Clone, Hash, PartialEq, Default)]
pub struct Settings {
    pub client: ClientSettings,
    pub retry: RetryPolicy,
    /// How lists page where the spec's shapes do not say it, or say it wrong: without any,
    /// pagination is found from each operation's parameters and response.
    pub pagination: PaginationSettings,
    pub errors: ErrorSummary,
    pub types: TypeSettings,
    pub streaming: StreamingSettings,
    /// Whether the types are compiled as crates of their own (`[crate] split`); `None`:
    /// when there are many of them.
    pub split: Option<bool>,
}

/// `[streaming]`: what the spec under-declares about streamed answers.
#[derive(Debug, Clone, Hash, PartialEq, Default)]
pub struct StreamingSettings {
    /// Operations (operationId, or `METHOD /path`) that answer server-sent events when asked
    /// though the spec declares only another body: each gets a `<method>_events`, its event
    /// data any JSON.
    pub events: Vec<String>,
}

/// How some formats are typed.
#[derive(Debug, Clone, Hash, PartialEq)]
pub struct TypeSettings {
    /// `format: date-time` as `chrono::DateTime<Utc>` and `format: date` as
    /// `chrono::NaiveDate` (else `String`, exactly as sent).
    pub typed_dates: bool,
}

impl Default for TypeSettings {
    fn default() -> Self {
        TypeSettings { typed_dates: true }
    }
}

/// Timeouts and limits of one request.
#[derive(Debug, Clone, Hash, PartialEq)]
pub struct ClientSettings {
    /// Time allowed per attempt, from sending to the end of the body.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// The largest response body read.
    pub max_body_bytes: u64,
}

impl Default for ClientSettings {
    fn default() -> Self {
        ClientSettings {
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(5),
            max_body_bytes: 16 * 1024 * 1024,
        }
    }
}

/// When and how a failed request is tried again.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The first retry's delay; each further one doubles it, up to `max_delay`.
    pub initial_delay: Duration,
    pub max_delay: Duration,
    /// Up to this fraction of each backoff is taken off at random (0 turns jitter off).
    pub jitter: f64,
    /// Statuses retried besides connection errors and timeouts.
    pub statuses: Vec<u16>,
    /// Every 5xx is retried.
    pub server_errors: bool,
    /// A response header whose `true`/`false` overrides the status rule (Stainless-made
    /// SDKs send `x-should-retry`).
    pub should_retry_header: Option<String>,
    /// `Retry-After`/`retry-after-ms` is honoured when it asks for more than 0 and at most this.
    pub max_retry_after: Duration,
}

// By hand for the `f64`: its bits are what the generated code is built from.
impl std::hash::Hash for RetryPolicy {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let RetryPolicy {
            max_retries,
            initial_delay,
            max_delay,
            jitter,
            statuses,
            server_errors,
            should_retry_header,
            max_retry_after,
        } = self;
        max_retries.hash(state);
        initial_delay.hash(state);
        max_delay.hash(state);
        jitter.to_bits().hash(state);
        statuses.hash(state);
        server_errors.hash(state);
        should_retry_header.hash(state);
        max_retry_after.hash(state);
    }
}

impl Default for RetryPolicy {
    /// The policy most API SDKs share: 2 retries of connection errors, timeouts, 408, 409,
    /// 429 and 5xx, exponential backoff from 0.5 s capped at 8 s with 25 % jitter, and
    /// `Retry-After` honoured up to a minute.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            jitter: 0.25,
            statuses: vec![408, 409, 429],
            server_errors: true,
            should_retry_header: None,
            max_retry_after: Duration::from_secs(60),
        }
    }
}

/// Where a page-number paginated list keeps its page number, items and page counts.
#[derive(Debug, Clone, Hash, PartialEq)]
pub struct PaginationShape {
    /// The page-number parameter: a query parameter with this literal name
    /// (`page[number]`), or the field in brackets of an object parameter (`number` in `page`).
    pub page: String,
    /// The items of a page, in the success body.
    pub items: FieldPath,
    /// The page the body is, and how many there are; paging stops at the last page or at
    /// the first empty one.
    pub page_number: FieldPath,
    pub total_pages: FieldPath,
}

/// `[pagination]` of `codegen.toml`.
#[derive(Debug, Clone, Hash, PartialEq, Default)]
pub struct PaginationSettings {
    /// A page-number shape the lists that have it follow (before anything is detected).
    pub shape: Option<PaginationShape>,
    /// Per operation (by operationId, or `GET /path`): a style added, corrected or turned
    /// off (`[pagination.operations."listCalls"]`).
    pub operations: std::collections::BTreeMap<String, OperationPagination>,
}

/// How one operation pages, as `codegen.toml` says.
#[derive(Debug, Clone, Hash, PartialEq)]
pub struct OperationPagination {
    pub style: PageStyleName,
    /// The query parameter the walk sets (`page[number]`, `offset`, `cursor`).
    pub param: Option<String>,
    /// The items in the success body.
    pub items: Option<FieldPath>,
    /// The body field with the next cursor (`cursor`) or the next URL (`link`; without it,
    /// the `Link` header).
    pub next: Option<FieldPath>,
    /// The page count (`page`) or the total of items (`offset`).
    pub total: Option<FieldPath>,
    /// The body's boolean saying there are more items (`last_id`).
    pub has_more: Option<FieldPath>,
}

/// The pagination styles `codegen.toml` and the extensions can name.
#[derive(Debug, Clone, Hash, Copy, PartialEq, Eq)]
pub enum PageStyleName {
    /// The operation does not page (a detection turned off).
    None,
    Page,
    Offset,
    Cursor,
    LastId,
    Link,
}

impl PageStyleName {
    pub fn parse(name: &str) -> Option<PageStyleName> {
        Some(match name {
            "none" => PageStyleName::None,
            "page" => PageStyleName::Page,
            "offset" => PageStyleName::Offset,
            "cursor" => PageStyleName::Cursor,
            "last_id" => PageStyleName::LastId,
            "link" => PageStyleName::Link,
            _ => return None,
        })
    }
}

/// Which fields of an error body make the one-line summary of `Display`.
#[derive(Debug, Clone, Hash, PartialEq)]
pub struct ErrorSummary {
    /// Candidates for the summary: the first the body has (as a string) is used.
    pub summary: Vec<FieldPath>,
    /// Candidates for a detail appended after `": "` when present and different.
    pub detail: Vec<FieldPath>,
}

impl Default for ErrorSummary {
    /// Common shapes: a top-level `message` (or `error`, or `error.message`...), or JSON:API's
    /// `errors[0]`; a `detail` next to them.
    fn default() -> Self {
        let paths = |list: &[&str]| {
            list.iter()
                .map(|p| FieldPath::parse(p).unwrap_or_default())
                .collect()
        };
        ErrorSummary {
            summary: paths(&[
                "message",
                "error.message",
                "error",
                "error_description",
                "title",
                "errors[0].message",
                "errors[0].title",
            ]),
            detail: paths(&["detail", "errors[0].detail"]),
        }
    }
}

/// A path to a value inside a JSON body: `meta.total_pages`, `errors[0].title`.
#[derive(Debug, Clone, Hash, PartialEq, Eq, Default)]
pub struct FieldPath(pub Vec<PathStep>);

#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub enum PathStep {
    /// A property, by its wire name.
    Field(String),
    /// The first element of an array (`[0]`).
    First,
}

impl FieldPath {
    /// Parses `a.b[0].c`; only index 0 is supported (the first element).
    pub fn parse(text: &str) -> Result<FieldPath, String> {
        let mut steps = Vec::new();
        for part in text.split('.') {
            let (name, mut rest) = match part.find('[') {
                Some(i) => (&part[..i], &part[i..]),
                None => (part, ""),
            };
            if name.is_empty() {
                return Err(format!("`{text}`: empty field name"));
            }
            steps.push(PathStep::Field(name.to_owned()));
            while !rest.is_empty() {
                match rest.strip_prefix("[0]") {
                    Some(tail) => {
                        steps.push(PathStep::First);
                        rest = tail;
                    }
                    None => {
                        return Err(format!(
                            "`{text}`: only `[0]` (the first element) can index an array"
                        ))
                    }
                }
            }
        }
        Ok(FieldPath(steps))
    }

    /// The same path as a JSON pointer (`/errors/0/title`), for bodies read as JSON values.
    pub fn json_pointer(&self) -> String {
        self.0
            .iter()
            .map(|step| match step {
                PathStep::Field(name) => crate::pointer::join("", name),
                PathStep::First => "/0".to_owned(),
            })
            .collect()
    }
}

impl std::fmt::Display for FieldPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                PathStep::Field(name) if i == 0 => f.write_str(name)?,
                PathStep::Field(name) => write!(f, ".{name}")?,
                PathStep::First => f.write_str("[0]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_parse_and_print() {
        let path = FieldPath::parse("errors[0].title").unwrap();
        assert_eq!(
            path.0,
            [
                PathStep::Field("errors".into()),
                PathStep::First,
                PathStep::Field("title".into())
            ]
        );
        assert_eq!(path.to_string(), "errors[0].title");
        assert_eq!(path.json_pointer(), "/errors/0/title");
        assert_eq!(FieldPath::parse("a/b").unwrap().json_pointer(), "/a~1b");
        assert!(FieldPath::parse("errors[1]").is_err());
        assert!(FieldPath::parse("a..b").is_err());
    }

    #[test]
    fn defaults_assume_no_particular_api() {
        let settings = Settings::default();
        assert!(settings.pagination.shape.is_none());
        assert!(settings.retry.should_retry_header.is_none());
        assert_eq!(settings.retry.max_retries, 2);
    }
}
