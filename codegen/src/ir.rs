//! The intermediate representation: everything the emitter needs, with Rust names and
//! wire names side by side. Nothing here refers to `openapiv3`.

/// A whole API, ready to emit.
#[derive(Debug, Clone, Hash)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    /// `servers[0].url`, when the spec has one (plain http upgraded to https but for local hosts).
    pub base_url: Option<String>,
    /// The spec's server said plain http; the default is https.
    pub base_url_upgraded: bool,
    /// The credentials a client can hold: the spec's security schemes, merged where two send
    /// the same thing the same way.
    pub credentials: Vec<Credential>,
    /// The credential `ClientBuilder::api_key` sets: the main scheme's.
    pub default_credential: Option<usize>,
    /// The credential `ClientBuilder::token_source` feeds: the first OAuth2 client-credentials
    /// one, else the first bearer one.
    pub token_credential: Option<usize>,
    /// The spec's top-level requirement, which operations without their own follow.
    pub security: Security,
    /// The names that carry credentials, removed when a redirect leads to another origin.
    pub credential_names: CredentialNames,
    /// Every named type, in a deterministic order (claim order: components, then inline).
    pub types: Vec<TypeDef>,
    pub operations: Vec<Operation>,
    /// One `ErrorBody` variant per distinct declared error body type, in first-use order.
    pub error_bodies: Vec<ErrorBodyVariant>,
    /// The configured summary paths as JSON pointers, for error bodies no schema describes
    /// (`ErrorBody::Other`): `(summary candidates, detail candidates)`.
    pub other_error_summary: (Vec<String>, Vec<String>),
    /// Groups of operations (by tag), each written to its own file.
    pub groups: Vec<Group>,
    /// The runtime files the crate needs.
    pub runtime: RuntimeParts,
    /// Some component schema is used by no operation: the crate has an `other-schemas` feature.
    pub other_schemas: bool,
    /// A large API's component types are compiled as crates of their own (`None`: one crate).
    pub split: Option<Split>,
    /// The spec's webhooks, when it declares any.
    pub webhooks: Option<Webhooks>,
    /// Prelude names a generated type also has (a schema named `Result`): generated code
    /// writes these fully qualified (`::std::result::Result`), every other one bare.
    pub shadowed_prelude: Vec<Prelude>,
    /// Problems in the spec that did not stop generation.
    pub warnings: Vec<crate::error::Diagnostic>,
}

/// Where the types of a split crate compile: crate 0 is the common one (the runtime's
/// encoding modules, `Error` and the types several features use), crates 1.. are parts
/// holding the types of disjoint sets of features; the main crate (operations, client)
/// depends on all of them and re-exports every type at its usual path.
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub struct Split {
    /// How many crates of types: the common one and the parts.
    pub crates: usize,
    /// Per type (by `TypeId`): the crate of types that holds it; `None`: the main crate
    /// (operations' inline types, and files that use them).
    pub home: Vec<Option<usize>>,
    /// The runtime parts each crate of types needs, for its own types.
    pub runtime: Vec<RuntimeParts>,
    /// The inline types of operations given files of types (so that a crate of types holds
    /// them), with their group: its module re-exports them where they were.
    pub moved: Vec<(usize, TypeId)>,
}

impl Split {
    /// The types `crate_index` holds (`None`: the main crate's).
    pub fn types_of<'a>(
        &'a self,
        types: &'a [TypeDef],
        crate_index: Option<usize>,
    ) -> impl Iterator<Item = &'a TypeDef> + 'a {
        types
            .iter()
            .enumerate()
            .filter(move |(i, _)| self.home.get(*i).copied().flatten() == crate_index)
            .map(|(_, t)| t)
    }

    /// The crate of types holding `id`, if not the main crate.
    pub fn home(&self, id: TypeId) -> Option<usize> {
        self.home.get(id.0).copied().flatten()
    }
}

/// The standard prelude names generated code uses.
#[derive(Debug, Clone, Hash, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Prelude {
    String,
    Vec,
    Option,
    Box,
    Result,
    Default,
    Into,
    From,
    Send,
    ToOwned,
}

impl Prelude {
    pub const ALL: [Prelude; 10] = [
        Prelude::String,
        Prelude::Vec,
        Prelude::Option,
        Prelude::Box,
        Prelude::Result,
        Prelude::Default,
        Prelude::Into,
        Prelude::From,
        Prelude::Send,
        Prelude::ToOwned,
    ];

    /// The bare name, as the prelude brings it into scope.
    pub fn name(self) -> &'static str {
        match self {
            Prelude::String => "String",
            Prelude::Vec => "Vec",
            Prelude::Option => "Option",
            Prelude::Box => "Box",
            Prelude::Result => "Result",
            Prelude::Default => "Default",
            Prelude::Into => "Into",
            Prelude::From => "From",
            Prelude::Send => "Send",
            Prelude::ToOwned => "ToOwned",
        }
    }

    /// The module of `std` it lives in.
    pub fn module(self) -> &'static str {
        match self {
            Prelude::String => "string",
            Prelude::ToOwned => "borrow",
            Prelude::Vec => "vec",
            Prelude::Option => "option",
            Prelude::Box => "boxed",
            Prelude::Result => "result",
            Prelude::Default => "default",
            Prelude::Into | Prelude::From => "convert",
            Prelude::Send => "marker",
        }
    }
}

impl Api {
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// The struct a type is, or names through aliases.
    pub fn struct_behind(&self, id: TypeId) -> Option<TypeId> {
        struct_behind(id, |id| self.types.get(id.0).map(|t| &t.kind))
    }
}

/// The struct `id` is, or names through a chain of aliases; `None` for other kinds. Alias
/// loops (reported by the analysis) end the walk: it visits each type at most once.
pub fn struct_behind<'t>(
    id: TypeId,
    kind_of: impl Fn(TypeId) -> Option<&'t TypeKind>,
) -> Option<TypeId> {
    let mut id = id;
    let mut seen = std::collections::HashSet::new();
    while seen.insert(id) {
        match kind_of(id)? {
            TypeKind::Struct(_) => return Some(id),
            TypeKind::Alias(TypeRef::Named(next)) => id = *next,
            _ => return None,
        }
    }
    None
}

/// The values of the string enum `ty` is, or names through aliases; `None` for other types.
pub fn enum_values_behind<'t>(
    ty: &TypeRef,
    kind_of: impl Fn(TypeId) -> Option<&'t TypeKind>,
) -> Option<Vec<String>> {
    let mut ty = ty.clone();
    let mut seen = std::collections::HashSet::new();
    loop {
        let TypeRef::Named(id) = ty else { return None };
        if !seen.insert(id) {
            return None;
        }
        match kind_of(id)? {
            TypeKind::StringEnum(e) if !e.variants.is_empty() => {
                return Some(e.variants.iter().map(|v| v.wire_value.clone()).collect())
            }
            TypeKind::Alias(target) => ty = target.clone(),
            _ => return None,
        }
    }
}

/// Which runtime files (`codegen/runtime/src/`) a crate needs besides those every crate has,
/// and under which cargo features: a part is present when its set is not empty.
#[derive(Debug, Clone, Hash, Default, PartialEq, Eq)]
pub struct RuntimeParts(std::collections::BTreeMap<RuntimePart, Features>);

impl RuntimeParts {
    /// `part` is used by items compiled under `features`.
    pub fn use_in(&mut self, part: RuntimePart, features: &Features) {
        self.0.entry(part).or_default().union(features);
    }

    /// Under which features the part compiles; `None` when no item uses it. The parts every
    /// crate has compile always.
    pub fn features(&self, part: RuntimePart) -> Option<&Features> {
        self.0.get(&part).filter(|f| !f.is_empty())
    }

    /// Sets under which features `part` compiles (`None`: not at all).
    pub fn replace(&mut self, part: RuntimePart, features: Option<&Features>) {
        match features {
            Some(features) => {
                self.0.insert(part, features.clone());
            }
            None => {
                self.0.remove(&part);
            }
        }
    }

    /// The crate needs the part's files.
    pub fn needs(&self, part: RuntimePart) -> bool {
        part == RuntimePart::Always || self.features(part).is_some()
    }
}

/// A part of the spec-independent runtime: a set of its files (`runtime::FILES`) that a crate
/// gets when something of the spec needs it, compiled under the features of what does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuntimePart {
    /// Every crate: the error type, query encoding.
    Always,
    /// The client and response decoding: every group with operations.
    Operations,
    /// The groups with a `*_stream` method.
    Pagination,
    /// Where string enums are used.
    StringEnums,
    /// Where a binary value or a multipart body is.
    Multipart,
    /// Where structs are (their serde impls use the `json` helpers).
    Objects,
    /// The spec declares webhooks: under the `webhooks` feature.
    Webhooks,
}

impl RuntimePart {
    /// Gated even when every feature uses the part: items only operations call would be
    /// dead code without a feature that has operations, and the webhooks' dependencies are
    /// optional, there only with their feature.
    pub fn strict(self) -> bool {
        matches!(
            self,
            RuntimePart::Operations | RuntimePart::Pagination | RuntimePart::Webhooks
        )
    }
}

/// The cargo features under which an item compiles: those of the groups (tags) whose
/// operations use it, directly or through other types, and `other-schemas` for component
/// schemas no operation uses.
#[derive(Debug, Clone, Hash, Default, PartialEq, Eq)]
pub struct Features {
    /// Indices into `Api::groups`.
    pub groups: std::collections::BTreeSet<usize>,
    pub other_schemas: bool,
    /// Webhook payloads (and what they hold): the `webhooks` feature.
    pub webhooks: bool,
}

impl Features {
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && !self.other_schemas && !self.webhooks
    }

    pub fn union(&mut self, other: &Features) {
        self.groups.extend(&other.groups);
        self.other_schemas |= other.other_schemas;
        self.webhooks |= other.webhooks;
    }

    pub fn group(index: usize) -> Self {
        Features {
            groups: [index].into_iter().collect(),
            ..Features::default()
        }
    }
}

/// The spec's webhooks (OpenAPI 3.1 `webhooks`): how deliveries are signed, and the event
/// enum that tells them apart.
#[derive(Debug, Clone, Hash)]
pub struct Webhooks {
    pub scheme: WebhookScheme,
    /// The property path (wire names) whose value names the event type (`data.event_type`);
    /// `None` when no property tells the webhooks apart.
    pub discriminator: Option<Vec<String>>,
    /// One variant per event type, in spec order.
    pub events: Vec<WebhookEventVariant>,
    /// Webhooks whose bodies carry no known event type: they arrive as `Other`.
    pub undiscriminated: Vec<(String, TypeRef)>,
}

/// How deliveries are signed, read from the headers the webhooks declare.
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub enum WebhookScheme {
    /// Ed25519 over `"{timestamp}|{body}"`: the two header names (lower-case).
    Ed25519 {
        timestamp_header: String,
        signature_header: String,
    },
    /// Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
    StandardWebhooks,
    /// No scheme this generator knows.
    Unknown,
}

#[derive(Debug, Clone, Hash)]
pub struct WebhookEventVariant {
    pub rust_name: String,
    /// The discriminator's value for this event (`call.initiated`).
    pub event_type: String,
    /// The webhook's body type (shared by the event types of one webhook).
    pub payload: TypeRef,
    /// The webhook's key in the spec, and its summary.
    pub webhook: String,
    pub summary: Option<String>,
}

/// A variant of `ErrorBody`: a declared error body type, and how its summary is read.
#[derive(Debug, Clone, Hash)]
pub struct ErrorBodyVariant {
    pub rust_name: String,
    pub ty: TypeId,
    /// The configured summary paths this type has (strings), in the configured order.
    pub summary: Vec<FieldChain>,
    /// The configured detail paths this type has.
    pub detail: Vec<FieldChain>,
    /// Held in a `Box`: the type is large (an error would make every `Result` that large).
    pub boxed: bool,
}

/// The way from a value to one inside it, as Rust field accesses (`body.meta.total_pages`,
/// `body.errors[0].title`). Boxes need no step of their own: field access sees through them.
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub struct FieldChain(pub Vec<Access>);

#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub enum Access {
    /// A field; `optional`: it is an `Option`.
    Field { rust_name: String, optional: bool },
    /// The first element of a `Vec`.
    First,
}

/// How requests authenticate.
/// Header (lowercase) and query parameter names of the spec's `apiKey` security schemes.
#[derive(Debug, Clone, Hash, Default, PartialEq, Eq)]
pub struct CredentialNames {
    pub headers: Vec<String>,
    pub query: Vec<String>,
}

/// A credential a client can hold: one or more of the spec's security schemes that send the
/// same thing the same way (Telnyx's eight bearer schemes are one API key).
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub struct Credential {
    /// The first scheme's pointer (`#/components/securitySchemes/bearerAuth`).
    pub pointer: String,
    /// The spec's names of the schemes merged into it, in spec order.
    pub schemes: Vec<String>,
    /// The `ClientBuilder` method that sets it (`api_key` for the main one).
    pub setter: String,
    /// The variables `Client::from_env` reads it from: one, or two (user name and password,
    /// client id and secret).
    pub env: Vec<String>,
    pub kind: CredentialKind,
    /// The first scheme's description.
    pub description: Option<String>,
}

/// How a credential is sent.
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub enum CredentialKind {
    /// `Authorization: Bearer <token>` (http bearer, and OAuth2/OpenID Connect schemes
    /// without a client-credentials flow: their token comes from elsewhere).
    Bearer,
    /// `Authorization: Basic`, from a user name and password.
    Basic,
    /// A key in a header (lowercase name), the query or a cookie.
    ApiKey { location: KeyLocation, name: String },
    /// An OAuth2 client-credentials flow: a token fetched from `token_url`.
    OAuth {
        token_url: TokenUrl,
        /// The client id and secret go in the token request's form, not as HTTP Basic (the
        /// spec's token endpoint requires them there).
        secret_in_form: bool,
    },
}

#[derive(Debug, Clone, Hash, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyLocation {
    Header,
    Query,
    Cookie,
}

/// Where a token endpoint is.
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub enum TokenUrl {
    /// A path under the client's base URL (the spec's URL starts with one of its servers).
    Base(String),
    Absolute(String),
}

/// A security requirement: alternatives, each the credentials sent together (an empty one:
/// none needed). No alternative: nothing is sent.
pub type Security = Vec<Vec<Need>>;

/// One credential of an alternative, with the OAuth2 scopes it asks for.
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub struct Need {
    /// Index into `Api::credentials`.
    pub credential: usize,
    pub scopes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TypeId(pub usize);

// By hand: inside [`hash_for_cache`] each id hashed is also recorded, so that a file's cache
// key can follow every type its items mention, wherever in them (fields, parameters,
// responses, pages) the mention is.
impl std::hash::Hash for TypeId {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        MENTIONED.with(|mentioned| {
            if let Some(ids) = mentioned.borrow_mut().as_mut() {
                ids.push(*self);
            }
        });
        self.0.hash(state);
    }
}

/// Which file of the generated crate holds an item. The output is split so that a change to
/// one schema, or to one tag's operations, touches few files.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Module {
    /// `src/types/<name>.rs`: a component schema and the inline types named from it.
    Types(String),
    /// `src/operations/<name>.rs`: a group's methods, parameter structs and inline types
    /// (index into `Api::groups`).
    Operations(usize),
}

/// Operations sharing their first tag (or, untagged, their first path segment).
#[derive(Debug, Clone, Hash)]
pub struct Group {
    /// JSON pointer of the tag's entry in the spec's `tags` list, when it has one.
    pub pointer: Option<String>,
    /// The module (file) name.
    pub rust_name: String,
    /// The cargo feature of its operations (the tag in kebab-case: `call-recordings`).
    pub feature: String,
    /// The tag, when the group is one.
    pub tag: Option<String>,
    /// The tag's description from the spec's `tags` list.
    pub description: Option<String>,
}

/// Text from the spec that becomes rustdoc (raw; the emitter sanitises it).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Docs {
    pub title: Option<String>,
    pub description: Option<String>,
    /// The spec's example, rendered as JSON.
    pub example: Option<String>,
    /// The spec's default, rendered as JSON.
    pub default: Option<String>,
}

/// What [`Docs`] do when hashed (inside [`hash_for_cache`] and [`hash_docs_aside`]).
enum DocsHashing {
    InPlace,
    Hidden,
    /// Into a hasher of their own.
    Aside(crate::cache::StableHasher),
}

thread_local! {
    static DOCS: std::cell::RefCell<DocsHashing> =
        const { std::cell::RefCell::new(DocsHashing::InPlace) };
    static MENTIONED: std::cell::RefCell<Option<Vec<TypeId>>> =
        const { std::cell::RefCell::new(None) };
}

impl std::hash::Hash for Docs {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let in_place = DOCS.with(|docs| match &mut *docs.borrow_mut() {
            DocsHashing::InPlace => true,
            DocsHashing::Hidden => false,
            DocsHashing::Aside(aside) => {
                self.hash_fields(aside);
                false
            }
        });
        if in_place {
            self.hash_fields(state);
        }
    }
}

impl Docs {
    fn hash_fields<H: std::hash::Hasher>(&self, state: &mut H) {
        let Docs {
            title,
            description,
            example,
            default,
        } = self;
        use std::hash::Hash;
        title.hash(state);
        description.hash(state);
        example.hash(state);
        default.hash(state);
    }
}

/// Hashes `value` for the formatting cache's input keys, its [`Docs`] left out unless `docs`,
/// and returns the types it mentions (each `TypeId` hashed, in order, repeats included). A
/// derived `Hash` is only stable within one build of the generator, which is all the cache
/// needs (it keeps nothing across builds).
pub fn hash_for_cache(
    state: &mut impl std::hash::Hasher,
    value: &impl std::hash::Hash,
    docs: bool,
) -> Vec<TypeId> {
    let docs = if docs {
        DocsHashing::InPlace
    } else {
        DocsHashing::Hidden
    };
    hash_with(state, value, docs).0
}

/// [`hash_for_cache`], the [`Docs`] hashed aside: their hash is returned beside the types
/// mentioned, so that one pass gives a value's key both without its docs and with them.
pub fn hash_docs_aside(
    state: &mut impl std::hash::Hasher,
    value: &impl std::hash::Hash,
) -> (Vec<TypeId>, u64) {
    let aside = DocsHashing::Aside(crate::cache::StableHasher::new());
    let (mentioned, aside) = hash_with(state, value, aside);
    let docs = match aside {
        DocsHashing::Aside(h) => h.finish(),
        DocsHashing::InPlace | DocsHashing::Hidden => 0,
    };
    (mentioned, docs)
}

/// Hashes `value` with its docs hashed as `docs` says; returns the types mentioned and how
/// the docs were left (the hasher they went into, when aside).
fn hash_with(
    state: &mut impl std::hash::Hasher,
    value: &impl std::hash::Hash,
    docs: DocsHashing,
) -> (Vec<TypeId>, DocsHashing) {
    // Put back as found even if hashing panics, for whatever this thread hashes next.
    struct Restore(Option<DocsHashing>, Option<Vec<TypeId>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            if let Some(docs) = self.0.take() {
                DOCS.with(|d| *d.borrow_mut() = docs);
            }
            MENTIONED.with(|mentioned| *mentioned.borrow_mut() = self.1.take());
        }
    }
    let mut restore = Restore(
        Some(DOCS.with(|d| d.replace(docs))),
        MENTIONED.with(|mentioned| mentioned.borrow_mut().replace(Vec::new())),
    );
    value.hash(state);
    let mentioned = MENTIONED
        .with(|mentioned| mentioned.borrow_mut().take())
        .unwrap_or_default();
    let outer = restore.0.take().unwrap_or(DocsHashing::InPlace);
    let used = DOCS.with(|d| d.replace(outer));
    (mentioned, used)
}

#[derive(Debug, Clone, Hash)]
pub struct TypeDef {
    pub name: String,
    /// JSON pointer of the schema this type comes from.
    pub pointer: String,
    pub docs: Docs,
    pub kind: TypeKind,
    /// The type is written into query strings, headers or paths (implements `ToQuery`).
    pub in_query: bool,
    /// The type is a form-urlencoded request body (its fields are top-level form keys).
    pub form_body: bool,
    /// The type is a `multipart/form-data` request body (its fields are the parts).
    pub multipart_body: bool,
    /// The file it is written to.
    pub module: Module,
    /// Under which features it compiles.
    pub features: Features,
    /// Which serde impls it needs.
    pub serde: Serde,
    /// It derives `PartialEq`: types read from responses (and those holding them) do not,
    /// which keeps large crates' compile memory down; what users build and send does.
    pub partial_eq: bool,
    /// The type this one is the sent form of (`UserInput` of `User`: without readOnly
    /// properties), when a schema used both ways was split.
    pub sent_form_of: Option<TypeId>,
}

/// The serde directions a type needs: `Deserialize` when it is read from a response (and
/// then `Serialize` too, so that what is read can be written back), `Serialize` when it is
/// sent as JSON. Types only written into queries or forms need neither.
#[derive(Debug, Clone, Hash, Copy, Default, PartialEq, Eq)]
pub struct Serde {
    pub serialize: bool,
    pub deserialize: bool,
}

#[derive(Debug, Clone, Hash)]
pub enum TypeKind {
    Struct(Struct),
    /// A string enum; values outside the list decode into the fallback variant.
    StringEnum(StringEnum),
    /// `pub type Name = Target;`
    Alias(TypeRef),
    /// One of several shapes, tried in order (oneOf/anyOf without a usable discriminator).
    Untagged(Vec<UntaggedVariant>),
    /// One of several object schemas, chosen by the value of a discriminator property.
    Tagged(Tagged),
}

impl TypeKind {
    /// Every use of a type in the definition: fields, the alias target, the variants.
    pub fn refs(&self) -> Vec<&TypeRef> {
        match self {
            TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).collect(),
            TypeKind::StringEnum(_) => Vec::new(),
            TypeKind::Alias(ty) => vec![ty],
            TypeKind::Untagged(variants) => variants.iter().map(|v| &v.ty).collect(),
            TypeKind::Tagged(tagged) => tagged.variants.iter().map(|v| &v.ty).collect(),
        }
    }

    /// [`TypeKind::refs`], to change.
    pub fn refs_mut(&mut self) -> Vec<&mut TypeRef> {
        match self {
            TypeKind::Struct(s) => s.fields.iter_mut().map(|f| &mut f.ty).collect(),
            TypeKind::StringEnum(_) => Vec::new(),
            TypeKind::Alias(ty) => vec![ty],
            TypeKind::Untagged(variants) => variants.iter_mut().map(|v| &mut v.ty).collect(),
            TypeKind::Tagged(tagged) => tagged.variants.iter_mut().map(|v| &mut v.ty).collect(),
        }
    }
}

#[derive(Debug, Clone, Hash)]
pub struct Tagged {
    /// The discriminator property's wire name.
    pub property: String,
    pub variants: Vec<TaggedVariant>,
    /// Name of the variant holding objects whose tag the spec does not list.
    pub fallback: String,
}

#[derive(Debug, Clone, Hash)]
pub struct TaggedVariant {
    pub rust_name: String,
    /// The discriminator values that select this variant.
    pub tags: Vec<String>,
    pub ty: TypeRef,
    pub boxed: bool,
}

#[derive(Debug, Clone, Hash)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// The required fields (indices into `fields`), in the order of the schema's `required`
    /// lists: the arguments of the constructor.
    pub required_order: Vec<usize>,
    /// Whether `Default` can be derived (every required field has a default value).
    pub derive_default: bool,
    /// The schema allows no other properties (`additionalProperties: false`): as a member of
    /// an untagged union it does not take an object with keys it does not declare.
    pub closed: bool,
    /// The schema's properties this type leaves out for its direction: readOnly ones on a
    /// type sent, writeOnly ones on a type read (what `codegen diff` names as a flip).
    pub left_out: Vec<LeftOut>,
}

/// A property a type leaves out because of its direction.
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub struct LeftOut {
    /// JSON pointer of the property.
    pub pointer: String,
    /// The field it would have been.
    pub rust_name: String,
    /// readOnly (left out of a type sent); otherwise writeOnly (left out of a type read).
    pub read_only: bool,
}

#[derive(Debug, Clone, Hash)]
pub struct Field {
    /// JSON pointer of the property (`#/components/schemas/Pet/properties/name`); of the
    /// `additionalProperties` schema for the flattened map.
    pub pointer: String,
    pub rust_name: String,
    /// The chained setter of an optional field (its name, unless that is taken).
    pub setter: String,
    pub wire_name: String,
    /// serde must be told the wire name (the Rust name does not serialize as it).
    pub rename: bool,
    pub ty: TypeRef,
    /// Required fields are plain `T`; others are `Option<T>` and skipped when `None`.
    pub required: bool,
    /// `null` is a valid value (a required nullable field is `Option<T>`, always sent).
    pub nullable: bool,
    /// Boxed to break a cycle of directly contained types.
    pub boxed: bool,
    pub docs: Docs,
    /// The keys the spec does not name (`additionalProperties` beside `properties`): a map
    /// flattened into the object, so that no key is lost. `wire_name` is empty.
    pub flatten: bool,
    /// `readOnly`: sent by the server only (not part of the type sent in requests).
    pub read_only: bool,
    /// `writeOnly`: sent by clients only (not part of the type read from responses).
    pub write_only: bool,
    /// A property of some members of a merged `anyOf` that another, open member leaves
    /// unstated: any value is valid there, so one that is not a `T` reads as `None`.
    pub lenient: bool,
    /// The one value an integer property may take (`enum: [1]`, `const: 1`): like a
    /// one-value string enum, it decides which member of an untagged union a value is.
    pub one_integer: Option<i64>,
}

impl Field {
    /// The field is an `Option` in Rust.
    pub fn optional(&self) -> bool {
        !self.required || self.nullable
    }
}

#[derive(Debug, Clone, Hash)]
pub struct StringEnum {
    pub variants: Vec<EnumVariant>,
    /// Name of the variant that holds values the spec does not list.
    pub fallback: String,
}

#[derive(Debug, Clone, Hash)]
pub struct EnumVariant {
    pub rust_name: String,
    pub wire_value: String,
}

#[derive(Debug, Clone, Hash)]
pub struct UntaggedVariant {
    pub rust_name: String,
    pub ty: TypeRef,
    /// Boxed to break a cycle of directly contained types.
    pub boxed: bool,
    /// What an object must be to be tried as this variant (found by the analysis).
    pub guard: Guard,
}

/// The checks before an untagged union tries a variant: a struct that allows no other
/// properties takes no object with keys it does not declare, and a property with one allowed
/// value (`type: InstallAndroidApp`, optional or not) takes no object holding another value.
#[derive(Debug, Clone, Hash, Default, PartialEq, Eq)]
pub struct Guard {
    /// The declared keys of a closed struct.
    pub keys: Option<Vec<String>>,
    /// `(property, value)` of each one-value property.
    pub fixed: Vec<(String, Fixed)>,
    /// Every key a struct variant declares (empty for other variants): when two or more
    /// variants are structs, an object tries first those that declare most of its keys.
    pub declared: Vec<String>,
}

/// The one value a property may take.
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub enum Fixed {
    String(String),
    Integer(i64),
}

impl Guard {
    /// No check before trying the variant (its rank aside).
    pub fn is_empty(&self) -> bool {
        self.keys.is_none() && self.fixed.is_empty()
    }
}

/// A use of a type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    String,
    Integer(IntWidth),
    Number(FloatWidth),
    Boolean,
    /// Any JSON value.
    Json,
    /// Bytes (`type: string, format: binary`): a file in multipart bodies.
    Binary,
    /// `format: date-time`, as `chrono::DateTime<Utc>` (unless the settings keep strings).
    DateTime,
    /// `format: date`, as `chrono::NaiveDate`.
    Date,
    Array(Box<TypeRef>),
    /// A JSON object with arbitrary keys.
    Map(Box<TypeRef>),
    /// An array item, map value or alias that may be `null` (`Option<T>`; fields carry their
    /// nullability themselves).
    Nullable(Box<TypeRef>),
    Named(TypeId),
}

impl TypeRef {
    /// Replaces each type it names (under arrays, maps, `Option`) by what `f` gives.
    pub fn map_ids(&mut self, f: &impl Fn(TypeId) -> TypeId) {
        match self {
            TypeRef::Named(id) => *id = f(*id),
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                inner.map_ids(f)
            }
            _ => {}
        }
    }

    /// The element type under any arrays and maps (`Vec<BTreeMap<_, T>>` → `T`).
    pub fn innermost(&self) -> &TypeRef {
        match self {
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                inner.innermost()
            }
            other => other,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntWidth {
    I32,
    I64,
    U32,
    U64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FloatWidth {
    /// Every `number`, `format: float` included (an `f32` would not round-trip JSON decimals).
    F64,
}

#[derive(Debug, Clone, Hash, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    /// Every method, in the order a path item lists them.
    pub const ALL: [Method; 8] = [
        Method::Get,
        Method::Put,
        Method::Post,
        Method::Delete,
        Method::Options,
        Method::Head,
        Method::Patch,
        Method::Trace,
    ];

    /// The method a path item's key names (`get`).
    pub fn from_key(key: &str) -> Option<Method> {
        Method::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(key))
    }

    /// As HTTP writes it (`GET`): also the name of `reqwest::Method`'s constant.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

#[derive(Debug, Clone, Hash)]
pub struct Operation {
    /// JSON pointer of the operation (`#/paths/~1calls/post`).
    pub pointer: String,
    /// snake_case method name on the client.
    pub rust_name: String,
    /// Names of the arguments and locals of the generated methods, chosen after the path
    /// parameters' so that none collides with them.
    pub locals: Locals,
    /// How each status is handled, in match order; the last arm catches every other status.
    pub arms: Vec<ResponseArm>,
    /// The spec's operationId, when it has one.
    pub operation_id: Option<String>,
    pub method: Method,
    /// The path template as written (`/calls/{call_id}`), for docs and tracing.
    pub path: String,
    pub path_segments: Vec<PathSegment>,
    /// Path parameters become method arguments, in template order.
    pub path_params: Vec<Param>,
    /// The `<OperationId>Params` struct with the query, header and cookie parameters.
    pub params_struct: Option<ParamsStruct>,
    pub body: Option<RequestBody>,
    /// Declared responses, success first, in status order; `default` last.
    pub responses: Vec<Response>,
    pub summary: Option<String>,
    pub docs: Docs,
    pub deprecated: bool,
    /// Page-number pagination, when the parameters and the response have its shape.
    pub pagination: Option<Pagination>,
    /// Index into `Api::groups`.
    pub group: usize,
    /// Success statuses with different bodies: the method returns this enum.
    pub success_enum: Option<SuccessEnum>,
    /// The `Accept` header, when no success response is JSON (`text/csv`,
    /// `application/ld+json`): the media types they declare. `None`: `application/json`.
    pub accept: Option<String>,
    /// The field of the parameters struct that holds an optional `Idempotency-Key` header:
    /// when the caller leaves it unset, each call sends a new key, the same on every retry.
    pub idempotency_key: Option<String>,
    /// The operation's own security requirement; `None`: the API's (`Api::security`).
    pub security: Option<Security>,
    /// `<method>_events`: the same call answered as server-sent events, when a success
    /// response offers `text/event-stream` beside another body (or `codegen.toml` says so).
    pub events: Option<EventsMethod>,
    /// `<method>_bytes`: the same call answered as a download, when a success response
    /// offers a binary media type beside JSON.
    pub bytes: Option<BytesMethod>,
}

/// `<method>_bytes`: an operation asked for its binary answer.
#[derive(Debug, Clone, Hash)]
pub struct BytesMethod {
    pub rust_name: String,
    /// The `Accept` header: the binary media types offered.
    pub accept: String,
}

impl Operation {
    /// The first success response: what awaiting a call gives when the successes share one
    /// body type.
    pub fn success(&self) -> Option<&Response> {
        self.responses.iter().find(|r| r.status.is_success())
    }

    /// The method hands over its success body as it arrives (a download, server-sent
    /// events) instead of reading it whole.
    pub fn streams_success(&self) -> bool {
        self.arms.iter().any(|arm| {
            matches!(
                arm.outcome,
                Outcome::Success {
                    decode: Decode::Stream | Decode::Events(_),
                    ..
                }
            )
        })
    }

    /// Some parameter goes into the query string.
    pub fn has_query(&self) -> bool {
        self.params_struct
            .as_ref()
            .is_some_and(|ps| ps.params.iter().any(|p| p.location == ParamLocation::Query))
    }
}

/// Argument and local variable names of an operation's methods.
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub struct Locals {
    /// The parameters struct argument.
    pub params: String,
    /// The request body argument.
    pub body: String,
    pub path: String,
    pub request: String,
    pub response: String,
    pub cookies: String,
    /// The value of an optional header or cookie parameter being written.
    pub value: String,
    /// The page a stream starts at.
    pub first: String,
    /// The page number inside a stream's fetch closure.
    pub number: String,
    /// The client and the cursor a `*_pages` walk hands its page function.
    pub client: String,
    pub cursor: String,
}

/// Statuses handled alike.
#[derive(Debug, Clone, Hash, PartialEq)]
pub struct ResponseArm {
    /// `Default` stands for every status not matched before (the last arm has it).
    pub statuses: Vec<StatusMatch>,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub enum Outcome {
    /// The method's success type (or, with a success enum, the named variant of it).
    Success {
        decode: Decode,
        variant: Option<String>,
    },
    /// `Error::Api` with the body decoded as this `Api::error_bodies` variant (else kept as
    /// JSON, `ErrorBody::Other`).
    Error { body: Option<usize> },
}

/// How a success body is read.
#[derive(Debug, Clone, Hash, Copy, PartialEq, Eq)]
pub enum Decode {
    Json,
    Text,
    /// Bytes read whole (a variant of a success enum).
    Bytes,
    /// A `ByteStream`: the body as it arrives.
    Stream,
    /// An `EventStream` of server-sent events.
    Events(EventData),
    Empty,
}

/// What the `data` of a server-sent event is decoded as.
#[derive(Debug, Clone, Hash, Copy, PartialEq, Eq)]
pub enum EventData {
    /// The text as sent (the stream's schema is a string, or absent).
    Text,
    /// JSON of the event type.
    Json,
}

/// `<method>_events`: an operation asked for `text/event-stream`.
#[derive(Debug, Clone, Hash)]
pub struct EventsMethod {
    pub rust_name: String,
    /// The event data type: the schema given for the stream; `None`: text (`String`).
    pub data: Option<TypeRef>,
    /// The wire name of a boolean `stream` property of the JSON request body, set to `true`.
    pub stream_field: Option<String>,
    /// The spec's `text/event-stream` response, or the generator settings.
    pub found_by: EventsFoundBy,
}

#[derive(Debug, Clone, Hash, Copy, PartialEq, Eq)]
pub enum EventsFoundBy {
    /// A success response declares `text/event-stream` beside another body.
    Spec,
    /// `[streaming] events` in `codegen.toml` (the spec declares only the other body).
    Settings,
}

/// One variant per success status, for operations whose successes differ in body
/// (`200` with a resource, `202` with a job, `204` with nothing).
#[derive(Debug, Clone, Hash)]
pub struct SuccessEnum {
    pub name: String,
    pub variants: Vec<SuccessVariant>,
}

#[derive(Debug, Clone, Hash)]
pub struct SuccessVariant {
    /// From the status's reason phrase (`Created`, `NoContent`), else `Status<code>`.
    pub rust_name: String,
    pub status: StatusMatch,
    pub body: ResponseBody,
    pub description: String,
    /// Boxed: the body is large beside the other variants.
    pub boxed: bool,
}

/// Page-number pagination, as the configured shape finds it in an operation.
#[derive(Debug, Clone, Hash)]
pub struct Pagination {
    /// `<name>_stream`: every item, page after page.
    pub stream_name: String,
    /// `<name>_pages`: every page, whole (its metadata included).
    pub pages_name: String,
    pub item: TypeRef,
    /// From the success body to its items (a `Vec<item>`, possibly optional); field steps
    /// only, none when the body is the list itself.
    pub items: FieldChain,
    pub style: PageStyle,
    /// What told the generator the list pages so.
    pub found_by: FoundBy,
}

/// How a list pages.
#[derive(Debug, Clone, Hash)]
pub enum PageStyle {
    /// A page-number parameter; the walk ends at the page count when the body gives one,
    /// else at an empty page or one shorter than a full page.
    PageNumber {
        page: ParamField,
        /// The page-size parameter, when there is one: a page shorter than it is the last.
        size: Option<ParamField>,
        /// The page the body says it is.
        page_number: Option<(FieldChain, Numeric)>,
        /// The number of pages the body says there are.
        total_pages: Option<(FieldChain, Numeric)>,
        /// A boolean of the body saying there are more pages.
        more: Option<FieldChain>,
    },
    /// An offset parameter advanced by the items read; the walk ends at the total the body
    /// gives, or at an empty or short page.
    Offset {
        offset: ParamField,
        limit: Option<ParamField>,
        total: Option<(FieldChain, Numeric)>,
        /// A boolean of the body saying there are more items.
        more: Option<FieldChain>,
    },
    /// A cursor parameter fed from a body field; the walk ends when the field is null,
    /// absent or empty.
    Cursor {
        cursor: ParamField,
        next: FieldChain,
    },
    /// A cursor parameter fed with the last item's id: while a boolean of the body says there
    /// are more (Stripe's `starting_after` and `has_more`), or, without one, until an empty
    /// page or one shorter than the limit asked for (Discord's `after` and `limit`).
    LastId {
        cursor: ParamField,
        /// From an item to its id (a string).
        id: FieldChain,
        /// From the body to the boolean.
        has_more: Option<FieldChain>,
        /// The limit parameter, when the walk ends at a short page.
        limit: Option<ParamField>,
    },
    /// The next page's URL, followed as given: an RFC 8288 `Link: <..>; rel="next"` header,
    /// or a body field.
    Link { next: Option<FieldChain> },
}

impl PageStyle {
    /// The parameter the walk sets for each page (none for links, followed as given).
    pub fn walked(&self) -> Option<&ParamField> {
        match self {
            PageStyle::PageNumber { page, .. } => Some(page),
            PageStyle::Offset { offset, .. } => Some(offset),
            PageStyle::Cursor { cursor, .. } | PageStyle::LastId { cursor, .. } => Some(cursor),
            PageStyle::Link { .. } => None,
        }
    }

    /// The style as docs name it.
    pub fn describe(&self) -> &'static str {
        match self {
            PageStyle::PageNumber { .. } => "page numbers",
            PageStyle::Offset { .. } => "offsets",
            PageStyle::Cursor { .. } => "a cursor from each page",
            PageStyle::LastId { .. } => "the last item's id",
            PageStyle::Link { next: None } => "the `Link` header's next page",
            PageStyle::Link { next: Some(_) } => "a next-page link in each page",
        }
    }
}

/// What told the generator how a list pages.
#[derive(Debug, Clone, Hash, Copy, PartialEq, Eq)]
pub enum FoundBy {
    /// The operation's parameters and response (nothing configured).
    Shape,
    /// `codegen.toml`.
    Config,
    /// An extension of the spec (`x-pagination`, `x-speakeasy-pagination`,
    /// `x-fern-pagination`).
    Extension,
}

/// A field of the parameters struct the walk sets: `params.page_number`, or a field of an
/// object parameter (`params.page.number`, sent as `page[number]`).
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub struct ParamField {
    /// The parameter's field in the parameters struct.
    pub param: String,
    /// The field inside it, for an object parameter.
    pub field: Option<String>,
    /// The type of what is set (an integer for numbers and offsets, a string for cursors).
    pub ty: TypeRef,
    /// The field is an `Option`.
    pub optional: bool,
    /// As the request writes it (`page[number]`), for docs.
    pub wire: String,
}

/// The Rust type of a numeric field that holds a count (some specs type counts as `number`).
#[derive(Debug, Clone, Hash, Copy, PartialEq, Eq)]
pub enum Numeric {
    Int(IntWidth),
    Float(FloatWidth),
}

#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub enum PathSegment {
    Literal(String),
    /// Index into `Operation::path_params`.
    Param(usize),
}

#[derive(Debug, Clone, Hash)]
pub struct ParamsStruct {
    pub name: String,
    /// Every parameter type compares: the struct derives `PartialEq`.
    pub partial_eq: bool,
    pub params: Vec<Param>,
    pub derive_default: bool,
}

#[derive(Debug, Clone, Hash)]
pub struct Param {
    /// JSON pointer of the parameter object (the component one when referenced); an
    /// undeclared path parameter has its operation's.
    pub pointer: String,
    pub rust_name: String,
    /// The chained setter of an optional parameter of the parameters struct.
    pub setter: String,
    pub wire_name: String,
    pub location: ParamLocation,
    pub style: ParamStyle,
    /// How a query parameter is written (computed from its style and type).
    pub layout: QueryLayout,
    pub ty: TypeRef,
    pub required: bool,
    pub docs: Docs,
}

/// How a query parameter's value is laid out in the query string.
#[derive(Debug, Clone, Hash, Copy, PartialEq, Eq)]
pub enum QueryLayout {
    /// `key=v`; objects nest with brackets (`key[field]=v`, for `deepObject` and for
    /// exploded `form` objects alike, as the corpus's servers expect); arrays comma-joined.
    Nested,
    /// `key=a&key=b`: an exploded `form` array.
    Repeated,
    /// `key=a%7Cb` or `key=a%20b`: the encoded separator.
    Delimited(&'static str),
    /// `key=k1,v1,k2,v2`: a `form` object with `explode: false`.
    FlatObject,
}

#[derive(Debug, Clone, Hash, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

impl ParamLocation {
    /// As the spec's `in` writes it (`query`).
    pub fn as_str(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        }
    }
}

/// How a query value is laid out.
#[derive(Debug, Clone, Hash, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// `key=v` (arrays: `key=a&key=b` when exploded, else `key=a,b`).
    Form { explode: bool },
    /// `key[prop][nested]=v`.
    DeepObject,
    /// `key=a|b`.
    PipeDelimited,
    /// `key=a%20b`.
    SpaceDelimited,
    /// Path and header parameters.
    Simple,
}

#[derive(Debug, Clone, Hash)]
pub struct RequestBody {
    /// JSON pointer of the media type object sent (`.../requestBody/content/application~1json`).
    pub pointer: String,
    pub content_type: String,
    pub kind: BodyKind,
    pub required: bool,
    pub docs: Docs,
}

#[derive(Debug, Clone, Hash)]
pub enum BodyKind {
    Json(TypeRef),
    /// `application/x-www-form-urlencoded`, encoded like a query (arrays as repeated keys).
    Form(TypeRef),
    /// `multipart/form-data`: the struct's fields are the parts (`format: binary` ones files).
    Multipart(TypeRef),
    /// `text/*`: a string, sent as UTF-8 with the declared content type.
    Text,
    /// Sent as given, with the declared content type.
    Bytes,
}

#[derive(Debug, Clone, Hash)]
pub struct Response {
    /// JSON pointer of the response object (the component one when referenced).
    pub pointer: String,
    /// The headers it declares, lowercase (`link`).
    pub headers: Vec<String>,
    /// JSON pointer of the media type object the client decodes, when the body is JSON.
    pub media: Option<String>,
    pub status: StatusMatch,
    pub body: ResponseBody,
    /// The media types the response declares, in spec order.
    pub media_types: Vec<String>,
    /// `text/event-stream` declared beside another body: the event data type (`None`:
    /// text), for the operation's `<method>_events`.
    pub events: Option<Option<TypeRef>>,
    pub description: String,
}

impl Response {
    /// The types its body is read as: the JSON body's, and its events' data.
    pub fn read_types(&self) -> impl Iterator<Item = &TypeRef> {
        let body = match &self.body {
            ResponseBody::Json(ty) | ResponseBody::Events(Some(ty)) => Some(ty),
            _ => None,
        };
        body.into_iter()
            .chain(self.events.as_ref().and_then(|data| data.as_ref()))
    }
}

#[derive(Debug, Clone, Hash, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    Code(u16),
    /// `2XX` and friends: the hundreds digit.
    Range(u16),
    Default,
}

impl StatusMatch {
    /// As the spec writes it: `404`, `4XX`, `default`.
    pub fn label(self) -> String {
        match self {
            StatusMatch::Code(c) => c.to_string(),
            StatusMatch::Range(h) => format!("{h}XX"),
            StatusMatch::Default => "default".to_owned(),
        }
    }

    pub fn is_success(self) -> bool {
        match self {
            StatusMatch::Code(c) => (200..300).contains(&c),
            StatusMatch::Range(r) => r == 2,
            StatusMatch::Default => false,
        }
    }
}

#[derive(Debug, Clone, Hash, PartialEq)]
pub enum ResponseBody {
    None,
    Json(TypeRef),
    /// `text/*` content, returned as a string (a body that is not UTF-8 is an error).
    Text,
    /// Binary content: a `ByteStream` read as it arrives when it is what the method gives,
    /// bytes read whole inside a success enum.
    Bytes,
    /// `text/event-stream` only: server-sent events whose data is this type (`None`: text).
    Events(Option<TypeRef>),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::StableHasher;
    use std::hash::Hash;

    fn field(description: &str, ty: TypeRef) -> (Docs, TypeRef) {
        let docs = Docs {
            description: Some(description.to_owned()),
            ..Docs::default()
        };
        (docs, ty)
    }

    #[test]
    fn docs_hashed_aside_split_the_key_hashed_with_them() {
        let value = field("a pet", TypeRef::Named(TypeId(7)));
        let mut aside = StableHasher::new();
        let (mentioned, docs) = hash_docs_aside(&mut aside, &value);
        assert_eq!(mentioned, vec![TypeId(7)]);
        let mut hidden = StableHasher::new();
        assert_eq!(hash_for_cache(&mut hidden, &value, false), mentioned);
        assert_eq!(
            aside.finish(),
            hidden.finish(),
            "without docs: the same key"
        );

        let redescribed = field("a dog", TypeRef::Named(TypeId(7)));
        let retyped = field("a pet", TypeRef::Named(TypeId(8)));
        let split = |value: &(Docs, TypeRef)| {
            let mut h = StableHasher::new();
            let (_, docs) = hash_docs_aside(&mut h, value);
            (h.finish(), docs)
        };
        assert_eq!(split(&value), (aside.finish(), docs));
        let (rest, other_docs) = split(&redescribed);
        assert_eq!(rest, aside.finish());
        assert_ne!(other_docs, docs);
        let (other_rest, same_docs) = split(&retyped);
        assert_ne!(other_rest, aside.finish());
        assert_eq!(same_docs, docs);

        // Outside, docs hash in place again, and nothing is recorded as mentioned.
        let plain = |value: &(Docs, TypeRef)| {
            let mut h = StableHasher::new();
            value.hash(&mut h);
            h.finish()
        };
        assert_ne!(plain(&value), plain(&redescribed));
        MENTIONED.with(|m| assert!(m.borrow().is_none()));
    }
}
