//! The only place Rust identifiers are made: case conversion (heck's rules; snake and camel
//! case done here, tested against heck), keyword escaping, and collision handling. Everything
//! else asks this module for names.

use foldhash::{HashSet, HashSetExt};
use heck::ToKebabCase;
use proc_macro2::{Ident, Span};
use std::borrow::Cow;

/// Strict and reserved keywords of Rust 2021 (and 2018+ reserved words).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "gen", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be written as raw identifiers (`r#self` is not allowed).
const NOT_RAW: &[&str] = &["self", "Self", "crate", "super", "_"];

fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// Replaces characters heck would drop silently when they carry the whole meaning.
fn symbol_words(raw: &str) -> Cow<'_, str> {
    if raw.is_empty() {
        return Cow::Borrowed("empty");
    }
    if raw.chars().any(|c| c.is_ascii_alphanumeric()) {
        return Cow::Borrowed(raw);
    }
    let mut words = Vec::new();
    for c in raw.chars() {
        let word = match c {
            '+' => "plus",
            '-' => "minus",
            '*' => "star",
            '/' => "slash",
            '=' => "eq",
            '<' => "lt",
            '>' => "gt",
            '!' => "not",
            '.' => "dot",
            '_' => "underscore",
            '@' => "at",
            '#' => "hash",
            '%' => "percent",
            '&' => "and",
            '|' => "or",
            '?' => "question",
            ' ' => "space",
            _ => "symbol",
        };
        words.push(word);
    }
    Cow::Owned(words.join("_"))
}

/// Keeps ASCII letters, digits and separators; other characters become word breaks.
fn ascii_only(raw: &str) -> String {
    raw.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// The longest name made here. Names become file names (`types/<module>.rs`, rustdoc's
/// `struct.<Type>.html`), which most file systems cap at 255 bytes; a longer name keeps its
/// start and gets a hash of the whole, so it stays unique and the same on every run.
pub const MAX_NAME: usize = 100;

/// A stable 32-bit hash (FNV-1a) as 8 hex digits: the same on every run and platform.
fn stable_hash(text: &str) -> String {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in text.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    format!("{hash:08x}")
}

/// `name` (ASCII) cut to [`MAX_NAME`] with a hash of the whole after `separator`.
fn bounded(name: String, separator: &str) -> String {
    if name.len() <= MAX_NAME {
        return name;
    }
    let hash = stable_hash(&name);
    let keep = MAX_NAME - separator.len() - hash.len();
    let head = name[..keep].trim_end_matches('_');
    format!("{head}{separator}{hash}")
}

/// Calls `word` with each word of `text` as heck splits [`ascii_only`]'s text (the case
/// conversions below are heck's of it, done here without heck's character-by-character
/// formatting, which was a quarter of lowering a large spec): words end at every character
/// that is not an ASCII letter or digit, after a lowercase letter followed by a capital, and
/// before the last capital of a run followed by a lowercase letter (`HTTPServer`: `HTTP`,
/// `Server`); digits never split.
fn ascii_words(text: &str, mut word: impl FnMut(&str)) {
    #[derive(Clone, Copy, PartialEq)]
    enum Last {
        Boundary,
        Lower,
        Upper,
    }
    for part in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        let bytes = part.as_bytes();
        let mut start = 0;
        let mut last = Last::Boundary;
        for (i, &c) in bytes.iter().enumerate() {
            let Some(&next) = bytes.get(i + 1) else {
                word(&part[start..]);
                break;
            };
            let with_c = if c.is_ascii_lowercase() {
                Last::Lower
            } else if c.is_ascii_uppercase() {
                Last::Upper
            } else {
                last
            };
            if with_c == Last::Lower && next.is_ascii_uppercase() {
                word(&part[start..=i]);
                start = i + 1;
                last = Last::Boundary;
            } else if last == Last::Upper && c.is_ascii_uppercase() && next.is_ascii_lowercase() {
                word(&part[start..i]);
                start = i;
                last = Last::Boundary;
            } else {
                last = with_c;
            }
        }
    }
}

/// heck's `UpperCamelCase` of [`ascii_only`]'s text.
fn upper_camel_case(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    ascii_words(text, |word| {
        for (i, b) in word.bytes().enumerate() {
            let b = if i == 0 {
                b.to_ascii_uppercase()
            } else {
                b.to_ascii_lowercase()
            };
            out.push(char::from(b));
        }
    });
    out
}

/// heck's `snake_case` of [`ascii_only`]'s text.
fn snake_case(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    ascii_words(text, |word| {
        if !out.is_empty() {
            out.push('_');
        }
        out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    });
    out
}

fn camel(raw: &str, digit_prefix: char) -> String {
    let words = symbol_words(raw);
    let mut name = upper_camel_case(&words);
    if name.is_empty() {
        name = "Value".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, digit_prefix);
    }
    bounded(name, "H")
}

fn snake(raw: &str) -> String {
    let words = symbol_words(raw);
    let mut name = snake_case(&words);
    if name.is_empty() {
        name = "value".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'n');
    }
    bounded(name, "_")
}

/// Names Windows reserves for devices, whatever the extension (`con.rs`, `aux/`): a crate
/// with such a file cannot be checked out there.
const DEVICE_NAMES: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// `UpperCamelCase` name of a type made from spec text (`call-recordings_Errors` → `CallRecordingsErrors`).
pub fn type_name(raw: &str) -> String {
    camel(raw, 'T')
}

/// The variant of a union named after its member type, without repeating the union's name
/// (`PaymentSourceCard` in `PaymentSource` is `Card`).
pub fn member_variant(union: &str, member: &str) -> String {
    match member.strip_prefix(union) {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_uppercase()) => rest.to_owned(),
        _ => member.to_owned(),
    }
}

/// `UpperCamelCase` name of an enum variant (`1080p` → `V1080p`, `` → `Empty`).
pub fn variant_name(raw: &str) -> String {
    camel(raw, 'V')
}

/// `snake_case` name of a field, parameter or method.
pub fn snake_name(raw: &str) -> String {
    snake(raw)
}

/// `snake_case` name of a module (and so of its file): keywords get a trailing underscore
/// rather than `r#`, since `mod r#mod;` would be `mod.rs`, the parent's own file.
///
/// Names Windows keeps for devices get the underscore too (`con` → `con_`), and the length is
/// bounded: a module's name is a file name.
pub fn module_name(raw: &str) -> String {
    let name = snake(raw);
    if is_keyword(&name)
        || NOT_RAW.contains(&name.as_str())
        || DEVICE_NAMES.contains(&name.as_str())
    {
        format!("{name}_")
    } else {
        name
    }
}

/// A cargo feature name from a tag (`Call Recordings` → `call-recordings`).
pub fn feature_name(raw: &str) -> String {
    let words = symbol_words(raw);
    let name = ascii_only(&words).to_kebab_case();
    if name.is_empty() {
        "operations".to_owned()
    } else {
        name
    }
}

/// `SCREAMING_SNAKE_CASE` for environment variable prefixes.
pub fn env_prefix(raw: &str) -> String {
    snake(raw).to_uppercase()
}

/// `SCREAMING_SNAKE_CASE` name of a constant (`oauth_client_credentials` →
/// `OAUTH_CLIENT_CREDENTIALS`).
pub fn const_name(raw: &str) -> String {
    snake(raw.trim_start_matches("r#")).to_uppercase()
}

/// A valid Cargo package name from arbitrary text (`My API v2` → `my-api-v2`).
pub fn crate_name(raw: &str) -> String {
    let name = snake(raw).replace('_', "-");
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("api-{name}")
    } else {
        name
    }
}

/// The package of a split crate's types (`ir::Split`): `telnyx-types` (the common one, index
/// 0), `telnyx-types-1`, `telnyx-types-2`...
pub fn types_crate_name(crate_name: &str, index: usize) -> String {
    match index {
        0 => format!("{crate_name}-types"),
        n => format!("{crate_name}-types-{n}"),
    }
}

/// A crate name from a spec's title (`Telnyx API` → `telnyx-api`): its words, at most six,
/// ASCII only; `None` when the title has no letter to name a crate by.
pub fn crate_name_from_title(title: &str) -> Option<String> {
    let words: Vec<String> = ascii_only(title)
        .to_kebab_case()
        .split('-')
        .filter(|w| !w.is_empty())
        .take(6)
        .map(str::to_owned)
        .collect();
    // A word of two letters at least: `Ünïcødé` leaves single letters, no name.
    let named = words
        .iter()
        .any(|w| w.chars().filter(char::is_ascii_alphabetic).count() >= 2);
    named.then(|| crate_name(&words.join("-")))
}

/// The identifier for a name this module produced; keywords become raw identifiers
/// (`r#type`) or, where Rust forbids that (`self`, `crate`...), get a trailing underscore.
pub fn ident(name: &str) -> Ident {
    if NOT_RAW.contains(&name) {
        Ident::new(&format!("{name}_"), Span::call_site())
    } else if is_keyword(name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// A snake_case name of at most `max` characters: small words (`for`, `the`, `a`...) go first,
/// then words from the end. Names that fit are returned unchanged.
pub fn fit(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_owned();
    }
    const SMALL: &[&str] = &[
        "a", "an", "the", "for", "of", "on", "in", "to", "with", "by", "and", "from", "at",
    ];
    let mut words: Vec<&str> = name.split('_').filter(|w| !SMALL.contains(w)).collect();
    while words.len() > 1 && words.join("_").len() > max {
        words.pop();
    }
    let fitted = words.join("_");
    fitted.chars().take(max).collect()
}

/// Setter names for fields or parameters (`rust_names`, in order): the field's own name, or
/// `with_<name>` when a generated struct already has a method of that name (`new`, `clone`...).
pub fn setter_names<'a>(rust_names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    // The same names for every struct (thousands in a large API): made into keys once.
    static RESERVED: std::sync::OnceLock<HashSet<String>> = std::sync::OnceLock::new();
    let reserved = RESERVED.get_or_init(|| {
        crate::runtime::type_method_names()
            .iter()
            .map(|name| normalise_key(name))
            .collect()
    });
    let mut names = Namespace {
        base: Some(reserved),
        taken: HashSet::new(),
    };
    rust_names
        .into_iter()
        .map(|name| {
            if names.contains(name) {
                names.claim(&format!("with_{name}"))
            } else {
                names.claim(name)
            }
        })
        .collect()
}

/// Names for a function's own locals (`wanted`, in order) that no field of the struct it
/// builds takes (`fields`: the fields' names, which the function also uses as locals).
pub fn locals<'a, const N: usize>(
    fields: impl IntoIterator<Item = &'a str>,
    wanted: [&str; N],
) -> [String; N] {
    let mut names = Namespace::default();
    for field in fields {
        names.claim(field);
    }
    wanted.map(|name| names.claim(name))
}

/// A one-letter name for a function's type parameter (`wanted` first, then the alphabet from
/// it) that none of `types` (the types its signature and body name) takes: a type of the spec
/// named `A` must not be shadowed by the parameter. Past `Z`, `wanted` with a number.
pub fn type_param<'a>(types: impl IntoIterator<Item = &'a str>, wanted: char) -> String {
    let taken: HashSet<&str> = types.into_iter().collect();
    let start = wanted.to_ascii_uppercase();
    if let Some(letter) = (start..='Z')
        .chain('A'..start)
        .map(String::from)
        .find(|name| !taken.contains(name.as_str()))
    {
        return letter;
    }
    // Only finitely many names are taken, so a free one is always found.
    let mut n = 2;
    loop {
        let name = format!("{start}{n}");
        if !taken.contains(name.as_str()) {
            return name;
        }
        n += 1;
    }
}

/// The name serde gives a field declared with [`ident`]`(name)` (raw identifiers lose `r#`).
pub fn serde_name(name: &str) -> String {
    let ident = ident(name).to_string();
    ident.strip_prefix("r#").unwrap_or(&ident).to_owned()
}

/// The library target name of a package (`telnyx-recordings` → `telnyx_recordings`).
pub fn lib_name(crate_name: &str) -> String {
    crate_name.replace('-', "_")
}

/// A scope in which names must be unique (the types of a crate, the fields of a struct,
/// the methods of the client). Collisions get a numeric suffix, in claim order, which the
/// callers keep deterministic.
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    /// Names taken in every namespace of a kind, shared among them.
    base: Option<&'static HashSet<String>>,
    taken: HashSet<String>,
}

impl Namespace {
    /// A namespace in which `reserved` are already in use (e.g. the client's own methods).
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Namespace {
            base: None,
            taken: reserved.iter().map(|s| normalise_key(s)).collect(),
        }
    }

    /// Whether `key` (a normalised name) is in use, here or in the shared base.
    fn is_taken(&self, key: &str) -> bool {
        self.base.is_some_and(|base| base.contains(key)) || self.taken.contains(key)
    }

    /// Takes `key` (a normalised name) when it is free (`insert` says whether it was: one
    /// hash of the key, not two).
    fn take(&mut self, key: String) -> bool {
        !self.base.is_some_and(|base| base.contains(&key)) && self.taken.insert(key)
    }

    /// Claims `candidate`, or `candidate2`, `candidate3`... (`candidate_2` for snake case).
    pub fn claim(&mut self, candidate: &str) -> String {
        self.claim_with(candidate, false)
    }

    /// Claims a cargo feature name: `candidate`, or `candidate-2`, `candidate-3`...
    pub fn claim_kebab(&mut self, candidate: &str) -> String {
        self.claim_with(candidate, true)
    }

    fn claim_with(&mut self, candidate: &str, kebab: bool) -> String {
        if self.take(normalise_key(candidate)) {
            return candidate.to_owned();
        }
        let snake = candidate.chars().all(|c| !c.is_ascii_uppercase());
        (2..)
            .map(|n| {
                if kebab {
                    format!("{candidate}-{n}")
                } else if snake {
                    format!("{candidate}_{n}")
                } else {
                    format!("{candidate}{n}")
                }
            })
            .find(|name| self.take(normalise_key(name)))
            .expect("an unbounded range always yields a free name")
    }

    pub fn contains(&self, name: &str) -> bool {
        self.is_taken(&normalise_key(name))
    }

    /// Frees a name this namespace gave out (a claim that is undone).
    pub fn release(&mut self, name: &str) {
        self.taken.remove(&normalise_key(name));
    }
}

/// `self` and `self_` render to the same identifier, so they must collide here.
fn normalise_key(name: &str) -> String {
    if NOT_RAW.contains(&name) {
        format!("{name}_")
    } else {
        name.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use heck::{ToSnakeCase, ToUpperCamelCase};

    /// The case conversions are heck's of `ascii_only`'s text for every string of up to six
    /// characters over the kinds the conversion tells apart (lowercase, capital, digit, ASCII
    /// separator, a character beyond ASCII; letters two of each), which covers every sequence
    /// of kinds that long, and for a few longer ones.
    #[test]
    fn case_conversions_are_heck_s() {
        const ALPHABET: &[char] = &['a', 'b', 'A', 'B', '0', ' ', '_', 'é'];
        let mut text = String::new();
        let check = |text: &str| {
            let ascii = ascii_only(text);
            assert_eq!(snake_case(text), ascii.to_snake_case(), "{text:?}");
            assert_eq!(
                upper_camel_case(text),
                ascii.to_upper_camel_case(),
                "{text:?}"
            );
        };
        for len in 0..=6u32 {
            for mut n in 0..ALPHABET.len().pow(len) {
                text.clear();
                for _ in 0..len {
                    text.push(ALPHABET[n % ALPHABET.len()]);
                    n /= ALPHABET.len();
                }
                check(&text);
            }
        }
        for text in [
            "HTTPServerError",
            "getV2CallRecordingsByIDJSON",
            "call-recordings_Errors",
            "  leading and trailing  ",
            "X509CertificateURL",
            "already_snake_case",
            "ÜnïcødéName",
            "naïveHTTPÉcole2Go",
            "Ω",
        ] {
            check(text);
        }
    }

    #[test]
    fn type_params_avoid_the_types_they_would_shadow() {
        assert_eq!(type_param(["Lookup", "Label"], 'A'), "A");
        assert_eq!(type_param(["A", "B"], 'A'), "C");
        let letters: Vec<String> = ('A'..='Z').map(String::from).collect();
        assert_eq!(type_param(letters.iter().map(String::as_str), 'A'), "A2");
    }

    #[test]
    fn types_and_fields() {
        assert_eq!(type_name("call-recordings_Errors"), "CallRecordingsErrors");
        assert_eq!(type_name("1Password item"), "T1passwordItem");
        assert_eq!(type_name("Ümlaut"), "Mlaut");
        assert_eq!(snake_name("callLegId"), "call_leg_id");
        assert_eq!(snake_name("page[number]"), "page_number");
        assert_eq!(snake_name("$.xgafv"), "xgafv");
        assert_eq!(snake_name("2fa"), "n2fa");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("+"), "Plus");
        assert_eq!(variant_name("-1"), "V1");
        assert_eq!(variant_name("***"), "StarStarStar");
        assert_eq!(crate_name("Telnyx Recordings"), "telnyx-recordings");
        assert_eq!(
            crate_name_from_title("Telnyx API").as_deref(),
            Some("telnyx-api")
        );
        assert_eq!(
            crate_name_from_title("Swagger Petstore - OpenAPI 3.0").as_deref(),
            Some("swagger-petstore-open-api-3-0")
        );
        assert_eq!(
            crate_name_from_title("3D Shapes").as_deref(),
            Some("n3d-shapes")
        );
        assert_eq!(crate_name_from_title("!!! ---"), None);
        assert_eq!(crate_name_from_title(""), None);
        assert_eq!(
            crate_name_from_title("Ünïcødé"),
            None,
            "no ASCII letter: the file name"
        );
        assert_eq!(env_prefix("telnyx"), "TELNYX");
        assert_eq!(feature_name("Call Recordings"), "call-recordings");
        assert_eq!(feature_name("SIM Cards (v2)"), "sim-cards-v2");
    }

    #[test]
    fn keywords_become_valid_identifiers() {
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("self").to_string(), "self_");
        assert_eq!(ident("Self").to_string(), "Self_");
        assert_eq!(ident("crate").to_string(), "crate_");
        assert_eq!(ident("Option").to_string(), "Option");
        assert_eq!(module_name("mod"), "mod_");
        assert_eq!(module_name("Type"), "type_");
        assert_eq!(module_name("CallRecordings"), "call_recordings");
        assert_eq!(serde_name("type"), "type");
        assert_eq!(serde_name("self"), "self_");
        assert_eq!(serde_name("call_id"), "call_id");
    }

    #[test]
    fn long_names_are_fitted() {
        assert_eq!(fit("short_name", 60), "short_name");
        assert_eq!(
            fit(
                "validate_verification_codes_for_messaging_hosted_number_order",
                60
            ),
            "validate_verification_codes_messaging_hosted_number_order"
        );
        assert_eq!(fit("a_very_long_name_of_words", 10), "very_long");
        assert!(fit(&"x".repeat(80), 60).len() == 60);
    }

    #[test]
    fn names_are_file_system_safe() {
        let long = "word ".repeat(2000);
        let ty = type_name(&long);
        assert_eq!(ty.len(), MAX_NAME);
        assert_eq!(ty, type_name(&long), "stable");
        assert_ne!(ty, type_name(&format!("{long} other")), "distinct");
        assert!(ty.starts_with("WordWord") && ty[..MAX_NAME - 8].ends_with('H'));
        let module = module_name(&long);
        assert_eq!(module.len(), MAX_NAME);
        assert!(module.starts_with("word_word_"));
        for device in ["CON", "aux", "Nul", "com1", "LPT9", "prn"] {
            assert_eq!(module_name(device), format!("{}_", device.to_lowercase()));
        }
        assert_eq!(module_name("console"), "console");
    }

    #[test]
    fn setters_never_shadow_what_structs_have() {
        assert_eq!(
            setter_names(["size", "new", "clone", "with_new", "query"]),
            [
                "size",
                "with_new",
                "with_clone",
                "with_with_new",
                "with_query"
            ]
        );
    }

    #[test]
    fn collisions_are_suffixed_in_claim_order() {
        let mut ns = Namespace::with_reserved(&["new", "builder"]);
        assert_eq!(ns.claim("new"), "new_2");
        assert_eq!(ns.claim("get"), "get");
        assert_eq!(ns.claim("get"), "get_2");
        let mut types = Namespace::default();
        assert_eq!(types.claim("Asc"), "Asc");
        assert_eq!(types.claim("Asc"), "Asc2");
        let mut fields = Namespace::default();
        assert_eq!(fields.claim("self"), "self");
        assert_eq!(fields.claim("self_"), "self__2");
    }

    #[test]
    fn a_released_name_is_claimed_again_as_before() {
        let mut ns = Namespace::default();
        assert_eq!(ns.claim("Foo"), "Foo");
        assert_eq!(ns.claim("Foo"), "Foo2");
        ns.release("Foo2");
        assert_eq!(ns.claim("Foo"), "Foo2");
        // `self` and `self_` are one key: releasing one frees the other.
        assert_eq!(ns.claim("self"), "self");
        ns.release("self_");
        assert_eq!(ns.claim("self_"), "self_");
    }
}
