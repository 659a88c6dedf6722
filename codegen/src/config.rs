//! `codegen.toml`: the generator settings kept next to a spec (or given with `--config`).
//! Every key is optional; what a file leaves out keeps the defaults of [`Options`].
//!
//! ```toml
//! [crate]
//! name = "telnyx-recordings"
//! version = "0.1.0"
//! env_prefix = "TELNYX"
//! # Types compiled as crates of their own: by default when there are 1,000 or more.
//! split = true
//!
//! [client]
//! timeout_ms = 60000
//! connect_timeout_ms = 5000
//! max_body_bytes = 16777216
//!
//! [retry]
//! max_retries = 2
//! initial_delay_ms = 500
//! max_delay_ms = 8000
//! jitter = 0.25
//! statuses = [408, 409, 429]
//! server_errors = true
//! should_retry_header = "x-should-retry"
//! max_retry_after_ms = 60000
//!
//! # Pagination is found from each list's shape; these correct it. A page-number shape the
//! # lists that have it follow:
//! [pagination]
//! page = "page[number]"
//! items = "data"
//! page_number = "meta.page_number"
//! total_pages = "meta.total_pages"
//!
//! # One operation's style (by operationId, or "GET /path"): page, offset, cursor, last_id,
//! # link, or none to turn a detection off.
//! [pagination.operations.ListCalls]
//! style = "cursor"
//! param = "page[after]"
//! next = "meta.cursors.after"
//!
//! [errors]
//! summary = ["errors[0].title"]
//! detail = ["errors[0].detail"]
//!
//! [types]
//! dates = "chrono"      # or "string": date-times and dates exactly as sent
//!
//! # Operations that answer server-sent events when asked (`stream: true`) though the spec
//! # declares only JSON: each gets a `<method>_events` (operationId, or "POST /path").
//! [streaming]
//! events = ["create_chat_completion"]
//! ```

use crate::error::{Error, Location};
use crate::options::{
    FieldPath, OperationPagination, Options, PageStyleName, PaginationSettings, PaginationShape,
};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

impl Options {
    /// The options for a spec: named after its `info.title` when it is generated (else its
    /// file: `call-recordings.yml` → `call-recordings`), then the `codegen.toml` next to it,
    /// if any, applied (its `[crate] name` wins).
    pub fn for_spec(spec: &Path, spec_label: &str) -> Result<Self, Error> {
        let stem = spec
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "api".to_owned());
        let mut options = Options::for_crate(&stem, spec_label);
        options.name_from_title = true;
        if let Some(config) = discover(spec) {
            apply_file(&config, &mut options)?;
        }
        Ok(options)
    }
}

/// The file name looked for next to a spec.
pub const FILE_NAME: &str = "codegen.toml";

/// `codegen.toml` in the spec's folder, if there is one.
pub fn discover(spec: &Path) -> Option<PathBuf> {
    let path = spec.parent().unwrap_or(Path::new(".")).join(FILE_NAME);
    path.is_file().then_some(path)
}

/// Reads the config file at `path` onto `options`.
pub fn apply_file(path: &Path, options: &mut Options) -> Result<(), Error> {
    let bytes = crate::syntax::read_input(path).map_err(|e| {
        Error::new(
            Location::File(path.to_path_buf()),
            format!("cannot read: {e}"),
        )
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Error::new(
            Location::File(path.to_path_buf()),
            "cannot read: not UTF-8 text",
        )
    })?;
    apply(path, &text, options)
}

/// Applies the settings in `text` (the content of `path`) onto `options`.
pub fn apply(path: &Path, text: &str, options: &mut Options) -> Result<(), Error> {
    let file: File = toml::from_str(text).map_err(|e| {
        let location = match e.span() {
            Some(span) => {
                let (line, column) = line_column(text, span.start);
                Location::Position {
                    file: path.to_path_buf(),
                    line,
                    column,
                }
            }
            None => Location::File(path.to_path_buf()),
        };
        Error::new(
            location,
            format!("invalid generator config: {}", e.message()),
        )
    })?;
    let invalid = |key: &str, message: String| {
        Error::new(
            Location::File(path.to_path_buf()),
            format!("invalid generator config: `{key}`: {message}"),
        )
    };
    if let Some(krate) = file.krate {
        if let Some(name) = krate.name {
            options.rename(&name);
        }
        if let Some(version) = krate.version {
            options.crate_version = version;
        }
        if let Some(prefix) = krate.env_prefix {
            options.set_env_prefix(&prefix);
        }
        if krate.split.is_some() {
            options.settings.split = krate.split;
        }
    }
    let settings = &mut options.settings;
    if let Some(client) = file.client {
        let c = &mut settings.client;
        set_ms(&mut c.timeout, client.timeout_ms);
        set_ms(&mut c.connect_timeout, client.connect_timeout_ms);
        if let Some(bytes) = client.max_body_bytes {
            c.max_body_bytes = bytes;
        }
    }
    if let Some(retry) = file.retry {
        let r = &mut settings.retry;
        if let Some(n) = retry.max_retries {
            r.max_retries = n;
        }
        set_ms(&mut r.initial_delay, retry.initial_delay_ms);
        set_ms(&mut r.max_delay, retry.max_delay_ms);
        set_ms(&mut r.max_retry_after, retry.max_retry_after_ms);
        if let Some(jitter) = retry.jitter {
            if !(0.0..=1.0).contains(&jitter) {
                return Err(invalid(
                    "retry.jitter",
                    format!("{jitter} is not between 0 and 1"),
                ));
            }
            r.jitter = jitter;
        }
        if let Some(statuses) = retry.statuses {
            if let Some(bad) = statuses.iter().find(|s| !(100..=599).contains(*s)) {
                return Err(invalid(
                    "retry.statuses",
                    format!("{bad} is not an HTTP status"),
                ));
            }
            r.statuses = statuses;
        }
        if let Some(all) = retry.server_errors {
            r.server_errors = all;
        }
        if let Some(header) = retry.should_retry_header {
            r.should_retry_header = (!header.is_empty()).then_some(header);
        }
    }
    if let Some(p) = file.pagination {
        settings.pagination = pagination(p, &invalid)?;
    }
    if let Some(types) = file.types {
        match types.dates.as_deref() {
            None => {}
            Some("chrono") => settings.types.typed_dates = true,
            Some("string") => settings.types.typed_dates = false,
            Some(other) => {
                return Err(invalid(
                    "types.dates",
                    format!("{other:?} is neither \"chrono\" nor \"string\""),
                ))
            }
        }
    }
    if let Some(streaming) = file.streaming {
        if let Some(events) = streaming.events {
            settings.streaming.events = events;
        }
    }
    if let Some(errors) = file.errors {
        let paths = |key: &str, list: Vec<String>| {
            list.iter()
                .map(|p| FieldPath::parse(p).map_err(|m| invalid(&format!("errors.{key}"), m)))
                .collect::<Result<Vec<_>, _>>()
        };
        if let Some(summary) = errors.summary {
            settings.errors.summary = paths("summary", summary)?;
        }
        if let Some(detail) = errors.detail {
            settings.errors.detail = paths("detail", detail)?;
        }
    }
    Ok(())
}

fn set_ms(target: &mut Duration, ms: Option<u64>) {
    if let Some(ms) = ms {
        *target = Duration::from_millis(ms);
    }
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(rename = "crate")]
    krate: Option<CrateSection>,
    client: Option<ClientSection>,
    retry: Option<RetrySection>,
    pagination: Option<PaginationSection>,
    errors: Option<ErrorsSection>,
    types: Option<TypesSection>,
    streaming: Option<StreamingSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StreamingSection {
    events: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TypesSection {
    dates: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CrateSection {
    name: Option<String>,
    version: Option<String>,
    env_prefix: Option<String>,
    split: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientSection {
    timeout_ms: Option<u64>,
    connect_timeout_ms: Option<u64>,
    max_body_bytes: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RetrySection {
    max_retries: Option<u32>,
    initial_delay_ms: Option<u64>,
    max_delay_ms: Option<u64>,
    jitter: Option<f64>,
    statuses: Option<Vec<u16>>,
    server_errors: Option<bool>,
    should_retry_header: Option<String>,
    max_retry_after_ms: Option<u64>,
}

/// `[pagination]`: a page-number shape (all four keys, or none), and per-operation styles.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PaginationSection {
    page: Option<String>,
    items: Option<String>,
    page_number: Option<String>,
    total_pages: Option<String>,
    #[serde(default)]
    operations: std::collections::BTreeMap<String, OperationSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OperationSection {
    style: String,
    param: Option<String>,
    items: Option<String>,
    next: Option<String>,
    total: Option<String>,
    has_more: Option<String>,
}

fn pagination(
    p: PaginationSection,
    invalid: &dyn Fn(&str, String) -> Error,
) -> Result<PaginationSettings, Error> {
    let path = |key: &str, text: &str| FieldPath::parse(text).map_err(|m| invalid(key, m));
    let shape = match (p.page, p.items, p.page_number, p.total_pages) {
        (None, None, None, None) => None,
        (Some(page), Some(items), Some(page_number), Some(total_pages)) => Some(PaginationShape {
            page,
            items: path("pagination.items", &items)?,
            page_number: path("pagination.page_number", &page_number)?,
            total_pages: path("pagination.total_pages", &total_pages)?,
        }),
        _ => {
            return Err(invalid(
                "pagination",
                "a page-number shape needs `page`, `items`, `page_number` and `total_pages`"
                    .to_owned(),
            ))
        }
    };
    let mut operations = std::collections::BTreeMap::new();
    for (id, op) in p.operations {
        let key = |k: &str| format!("pagination.operations.{id}.{k}");
        let style = PageStyleName::parse(&op.style).ok_or_else(|| {
            invalid(
                &key("style"),
                format!(
                    "{:?} is not one of none, page, offset, cursor, last_id, link",
                    op.style
                ),
            )
        })?;
        let optional = |k: &str, text: Option<String>| -> Result<Option<FieldPath>, Error> {
            text.map(|t| path(&key(k), &t)).transpose()
        };
        operations.insert(
            id.clone(),
            OperationPagination {
                style,
                param: op.param,
                items: optional("items", op.items)?,
                next: optional("next", op.next)?,
                total: optional("total", op.total)?,
                has_more: optional("has_more", op.has_more)?,
            },
        );
    }
    Ok(PaginationSettings { shape, operations })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ErrorsSection {
    summary: Option<Vec<String>>,
    detail: Option<Vec<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(text: &str) -> Result<Options, String> {
        let mut options = Options::for_crate("api", "api.yml");
        apply(Path::new("codegen.toml"), text, &mut options).map_err(|e| e.to_string())?;
        Ok(options)
    }

    #[test]
    fn an_empty_file_keeps_the_defaults() {
        assert_eq!(options("").unwrap(), Options::for_crate("api", "api.yml"));
    }

    #[test]
    fn every_section_is_read() {
        let o = options(
            "[crate]\nname = \"My API\"\nenv_prefix = \"my\"\n\
             [client]\ntimeout_ms = 1500\n\
             [retry]\nmax_retries = 5\nstatuses = [429]\nserver_errors = false\nshould_retry_header = \"x-retry\"\n\
             [pagination]\npage = \"page[number]\"\nitems = \"data\"\npage_number = \"meta.page_number\"\ntotal_pages = \"meta.total_pages\"\n\
             [errors]\nsummary = [\"errors[0].title\"]\ndetail = []\n\
             [types]\ndates = \"string\"\n\
             [streaming]\nevents = [\"create_chat_completion\"]\n",
        )
        .unwrap();
        assert_eq!(o.crate_name, "my-api");
        assert_eq!(o.env_prefix, "MY");
        assert_eq!(o.settings.client.timeout, Duration::from_millis(1500));
        assert_eq!(o.settings.retry.max_retries, 5);
        assert_eq!(o.settings.retry.statuses, [429]);
        assert!(!o.settings.retry.server_errors);
        assert_eq!(
            o.settings.retry.should_retry_header.as_deref(),
            Some("x-retry")
        );
        let p = o.settings.pagination.shape.unwrap();
        assert_eq!(p.total_pages.to_string(), "meta.total_pages");
        assert_eq!(o.settings.errors.summary[0].to_string(), "errors[0].title");
        assert!(o.settings.errors.detail.is_empty());
        assert!(!o.settings.types.typed_dates);
        assert_eq!(o.settings.streaming.events, ["create_chat_completion"]);
    }

    #[test]
    fn mistakes_are_located() {
        let e = options("[retry]\nmax_retrys = 3\n").unwrap_err();
        assert!(
            e.starts_with("error: codegen.toml:2:1: invalid generator config"),
            "{e}"
        );
        assert!(e.contains("max_retrys"), "{e}");
        let e = options("[retry]\njitter = 2.0\n").unwrap_err();
        assert!(e.contains("`retry.jitter`"), "{e}");
        let e = options("[errors]\nsummary = [\"errors[1].title\"]\n").unwrap_err();
        assert!(e.contains("`errors.summary`"), "{e}");
        let e = options("[pagination]\npage = \"page\"\n").unwrap_err();
        assert!(e.contains("a page-number shape needs"), "{e}");
        let e = options("[pagination.operations.listCalls]\nstyle = \"pages\"\n").unwrap_err();
        assert!(e.contains("`pagination.operations.listCalls.style`"), "{e}");
    }

    #[test]
    fn pagination_is_set_per_operation() {
        let o = options(
            "[pagination.operations.listCalls]\nstyle = \"cursor\"\nparam = \"page[after]\"\n\
             next = \"meta.cursors.after\"\n\
             [pagination.operations.\"GET /things\"]\nstyle = \"none\"\n",
        )
        .unwrap();
        let p = &o.settings.pagination;
        assert!(p.shape.is_none());
        let calls = &p.operations["listCalls"];
        assert_eq!(calls.style, PageStyleName::Cursor);
        assert_eq!(calls.param.as_deref(), Some("page[after]"));
        assert_eq!(
            calls.next.as_ref().unwrap().to_string(),
            "meta.cursors.after"
        );
        assert_eq!(p.operations["GET /things"].style, PageStyleName::None);
    }
}
