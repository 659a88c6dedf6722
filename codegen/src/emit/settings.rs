//! `src/settings.rs`: what the spec and the generator settings decide for the client (base
//! URL, authentication, environment variables, timeouts, retry policy), as the constants the
//! runtime's `client.rs` reads. No spec-named type is in scope here: plain paths.

use super::docs;
use crate::ir::{Api, Credential, CredentialKind, KeyLocation, Need, TokenUrl};
use crate::naming;
use crate::options::Options;
use proc_macro2::{Literal, TokenStream};
use quote::quote;
use std::time::Duration;

pub fn settings_rs(api: &Api, options: &Options) -> TokenStream {
    let s = &options.settings;
    let env_key = options.env_var("API_KEY");
    let env_url = options.env_var("BASE_URL");
    let (base_url, base_doc) = base_url(api);
    let base_doc = docs::attrs(&[base_doc]);
    let (credential_uses, credentials) = credentials(api, options);
    let timeout = duration(s.client.timeout);
    let connect_timeout = duration(s.client.connect_timeout);
    let max_body =
        Literal::usize_unsuffixed(usize::try_from(s.client.max_body_bytes).unwrap_or(usize::MAX));
    let r = &s.retry;
    let max_retries = Literal::u32_unsuffixed(r.max_retries);
    let initial_delay = duration(r.initial_delay);
    let max_delay = duration(r.max_delay);
    let jitter = Literal::f64_unsuffixed(r.jitter);
    let statuses = r.statuses.iter().map(|s| Literal::u16_unsuffixed(*s));
    let server_errors = r.server_errors;
    let should_retry = match &r.should_retry_header {
        Some(name) => {
            let name = name.to_ascii_lowercase();
            quote!(Some(#name))
        }
        None => quote!(None),
    };
    let max_retry_after = duration(r.max_retry_after);
    let credential_headers = &api.credential_names.headers;
    let credential_query = &api.credential_names.query;
    let key_doc = docs::attrs(&[format!(
        "The variable [`Client::from_env`](crate::Client::from_env) reads the API key from{}.",
        if api.default_credential.is_none() {
            " (unused: the API takes no key)"
        } else {
            ""
        }
    )]);
    quote! {
        //! What the spec and the generator settings decide for the client: base URL,
        //! authentication, environment variables, timeouts and the retry policy.

        #credential_uses
        use crate::client::RetryPolicy;
        use std::time::Duration;

        #base_doc
        pub const DEFAULT_BASE_URL: Option<&str> = #base_url;

        #credentials

        /// Headers that carry a credential of one of the spec's security schemes, removed on a
        /// redirect to another origin (besides `Authorization`, cookies and sensitive values).
        pub(crate) const CREDENTIAL_HEADERS: &[&str] = &[#(#credential_headers),*];

        /// Query parameters that carry a credential, removed on a redirect to another origin.
        pub(crate) const CREDENTIAL_QUERY: &[&str] = &[#(#credential_query),*];

        #key_doc
        pub const ENV_API_KEY: &str = #env_key;

        /// The variable [`Client::from_env`](crate::Client::from_env) reads a base URL from.
        pub const ENV_BASE_URL: &str = #env_url;

        /// The time allowed for one attempt of a request, from sending to the end of the body.
        pub const DEFAULT_TIMEOUT: Duration = #timeout;

        /// The time allowed to connect.
        pub const DEFAULT_CONNECT_TIMEOUT: Duration = #connect_timeout;

        /// Retries after the first attempt.
        pub const DEFAULT_MAX_RETRIES: u32 = #max_retries;

        /// The first retry's delay before jitter; each further retry doubles it.
        pub const DEFAULT_RETRY_INITIAL_DELAY: Duration = #initial_delay;

        /// The largest response body the client reads.
        pub const DEFAULT_MAX_BODY_BYTES: usize = #max_body;

        /// When a failed attempt is tried again (besides connection errors and timeouts).
        pub(crate) const RETRY: RetryPolicy = RetryPolicy {
            max_delay: #max_delay,
            jitter: #jitter,
            statuses: &[#(#statuses),*],
            server_errors: #server_errors,
            should_retry_header: #should_retry,
            max_retry_after: #max_retry_after,
        };
    }
}

/// `DEFAULT_BASE_URL`'s value and docs.
fn base_url(api: &Api) -> (TokenStream, String) {
    match &api.base_url {
        Some(url) if api.base_url_upgraded => (
            quote!(Some(#url)),
            format!(
                "The default base URL: {}, the spec's first server with https instead of \
                 its plain http (the API key is never sent in clear by default).",
                docs::code_span(url)
            ),
        ),
        Some(url) => (
            quote!(Some(#url)),
            format!(
                "The default base URL: {}, the spec's first server.",
                docs::code_span(url)
            ),
        ),
        None => (
            quote!(None),
            "The default base URL: none, the spec names no absolute server URL, so set one \
             with `ClientBuilder::base_url`."
                .to_owned(),
        ),
    }
}

/// The credentials (`CREDENTIALS`, an index constant for each), which ones `api_key` and
/// `token_source` set, the top-level requirement, and a `ClientBuilder` setter per credential
/// other than `api_key`'s.
fn credentials(api: &Api, options: &Options) -> (TokenStream, TokenStream) {
    let consts: Vec<proc_macro2::Ident> = api.credentials.iter().map(index_const).collect();
    let specs = api.credentials.iter().map(|c| {
        let schemes = c.schemes.join(", ");
        let setter = &c.setter;
        let env: Vec<String> = c.env.iter().map(|e| options.env_var(e)).collect();
        let sent = sent(&c.kind);
        quote! {
            CredentialSpec {
                schemes: #schemes,
                setter: #setter,
                env: &[#(#env),*],
                sent: #sent,
            }
        }
    });
    let indexes = api
        .credentials
        .iter()
        .zip(&consts)
        .enumerate()
        .map(|(i, (c, name))| {
            let doc = docs::attrs(&[format!(
                "The index of {} in [`CREDENTIALS`].",
                docs::code_span(&c.schemes.join(", "))
            )]);
            let i = Literal::usize_unsuffixed(i);
            quote! {
                #doc
                pub(crate) const #name: usize = #i;
            }
        });
    let index = |i: Option<usize>| match i {
        Some(i) => {
            let name = &consts[i];
            quote!(Some(#name))
        }
        None => quote!(None),
    };
    let default = index(api.default_credential);
    let token = index(api.token_credential);
    let security = requirement(&api.security, |need| {
        let name = &consts[need.credential];
        quote!(#name)
    });
    let setters = api
        .credentials
        .iter()
        .zip(&consts)
        .enumerate()
        .filter(|(i, (c, _))| {
            // `api_key`, the runtime's own, sets the main credential when it is one string.
            api.default_credential != Some(*i)
                || !matches!(
                    c.kind,
                    CredentialKind::Bearer | CredentialKind::ApiKey { .. }
                )
        })
        .map(|(_, (c, name))| setter(c, name))
        .collect::<Vec<_>>();
    let setters = (!setters.is_empty()).then(|| {
        quote! {
            impl crate::ClientBuilder {
                #(#setters)*
            }
        }
    });
    // Only what this crate's credentials use (an unused import is a warning).
    let any_credential = !api.credentials.is_empty();
    let uses = [
        ("CredentialSpec", true),
        ("Need", api.security.iter().any(|a| !a.is_empty())),
        ("Requirement", true),
        ("Sent", any_credential),
        (
            "TokenUrl",
            api.credentials
                .iter()
                .any(|c| matches!(c.kind, CredentialKind::OAuth { .. })),
        ),
    ];
    let uses = uses
        .iter()
        .filter(|(_, used)| *used)
        .map(|(name, _)| naming::ident(name));
    let uses = quote!(use crate::auth::{#(#uses),*};);
    let items = quote! {
        /// The credentials a client can hold: the spec's security schemes, merged where two
        /// send the same thing the same way. Operations refer to them by index.
        pub(crate) const CREDENTIALS: &[CredentialSpec] = &[#(#specs),*];

        #(#indexes)*

        /// The credential [`ClientBuilder::api_key`](crate::ClientBuilder::api_key) sets: the
        /// main scheme's.
        pub(crate) const DEFAULT_CREDENTIAL: Option<usize> = #default;

        /// The credential a [`TokenSource`](crate::TokenSource) feeds: OAuth2's, else a bearer
        /// token's.
        pub(crate) const TOKEN_CREDENTIAL: Option<usize> = #token;

        /// What operations without a `security` of their own need: the spec's top-level
        /// requirement (alternatives of credentials sent together).
        pub(crate) const SECURITY: Requirement = #security;

        #setters
    };
    (uses, items)
}

/// The constant holding a credential's index (`CREDENTIAL_API_KEY`).
pub(super) fn index_const(c: &Credential) -> proc_macro2::Ident {
    naming::ident(&format!("CREDENTIAL_{}", naming::const_name(&c.setter)))
}

/// A requirement as the runtime's `Requirement`, each credential named by `name`.
fn requirement(security: &[Vec<Need>], name: impl Fn(&Need) -> TokenStream) -> TokenStream {
    let alternatives = security.iter().map(|alternative| {
        let needs = alternative.iter().map(|need| {
            let credential = name(need);
            let scopes = &need.scopes;
            quote!(Need { credential: #credential, scopes: &[#(#scopes),*] })
        });
        quote!(&[#(#needs),*])
    });
    quote!(&[#(#alternatives),*])
}

/// How the runtime sends a credential of this kind.
fn sent(kind: &CredentialKind) -> TokenStream {
    match kind {
        CredentialKind::Bearer => quote!(Sent::Header("authorization", "Bearer ")),
        CredentialKind::Basic => quote!(Sent::Basic),
        CredentialKind::ApiKey {
            location: KeyLocation::Header,
            name,
        } => quote!(Sent::Header(#name, "")),
        CredentialKind::ApiKey {
            location: KeyLocation::Query,
            name,
        } => quote!(Sent::Query(#name)),
        CredentialKind::ApiKey {
            location: KeyLocation::Cookie,
            name,
        } => quote!(Sent::Cookie(#name)),
        CredentialKind::OAuth {
            token_url,
            secret_in_form,
        } => {
            let url = match token_url {
                TokenUrl::Base(path) => quote!(TokenUrl::Base(#path)),
                TokenUrl::Absolute(url) => quote!(TokenUrl::Absolute(#url)),
            };
            quote!(Sent::OAuth { token_url: #url, secret_in_form: #secret_in_form })
        }
    }
}

/// How a credential of this kind is sent, in words (docs, API.md, reports).
pub fn describe(kind: &CredentialKind) -> String {
    match kind {
        CredentialKind::Bearer => "`Authorization: Bearer <token>`".to_owned(),
        CredentialKind::Basic => "`Authorization: Basic <user:password>`".to_owned(),
        CredentialKind::ApiKey { location, name } => {
            let place = match location {
                KeyLocation::Header => "header",
                KeyLocation::Query => "query parameter",
                KeyLocation::Cookie => "cookie",
            };
            format!("a key in the {} {place}", docs::code_span(name))
        }
        CredentialKind::OAuth { token_url, .. } => {
            let url = match token_url {
                TokenUrl::Base(path) => format!("the base URL + {}", docs::code_span(path)),
                TokenUrl::Absolute(url) => docs::code_span(url),
            };
            format!("OAuth2 client credentials, a token from {url} sent as `Authorization: Bearer`")
        }
    }
}

/// A requirement in words, by setter (docs, API.md, reports): `` `api_key` or
/// `oauth_client_credentials` (scope `admin`) ``; "no credentials" for none.
pub fn requirement_words(api: &Api, security: &[Vec<Need>]) -> String {
    if security.is_empty() {
        return "no credentials".to_owned();
    }
    let alternatives: Vec<String> = security
        .iter()
        .map(|alternative| {
            if alternative.is_empty() {
                return "none".to_owned();
            }
            let needs: Vec<String> = alternative
                .iter()
                .map(|need| {
                    let setter = format!("`{}`", api.credentials[need.credential].setter);
                    match need.scopes.as_slice() {
                        [] => setter,
                        [scope] => format!("{setter} (scope {})", docs::code_span(scope)),
                        scopes => {
                            let scopes: Vec<String> =
                                scopes.iter().map(|s| docs::code_span(s)).collect();
                            format!("{setter} (scopes {})", scopes.join(", "))
                        }
                    }
                })
                .collect();
            needs.join(" and ")
        })
        .collect();
    alternatives.join(" or ")
}

/// The `ClientBuilder` method that sets a credential.
fn setter(c: &Credential, index: &proc_macro2::Ident) -> TokenStream {
    let name = naming::ident(&c.setter);
    let schemes = docs::code_span(&c.schemes.join(", "));
    let mut doc = vec![format!(
        "The credential of {schemes}: {}.",
        describe(&c.kind)
    )];
    if let Some(text) = &c.description {
        doc.push(String::new());
        doc.extend(docs::sanitize(text));
    }
    let doc = docs::attrs(&doc);
    match &c.kind {
        CredentialKind::Basic => quote! {
            #doc
            pub fn #name(self, username: impl Into<String>, password: impl Into<String>) -> Self {
                self.credential(
                    crate::settings::#index,
                    crate::auth::Secret::Basic { user: username.into(), password: password.into() },
                )
            }
        },
        CredentialKind::OAuth { .. } => quote! {
            #doc
            pub fn #name(self, client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
                self.credential(
                    crate::settings::#index,
                    crate::auth::Secret::ClientCredentials { id: client_id.into(), secret: client_secret.into() },
                )
            }
        },
        CredentialKind::Bearer | CredentialKind::ApiKey { .. } => quote! {
            #doc
            pub fn #name(self, key: impl Into<String>) -> Self {
                self.credential(crate::settings::#index, crate::auth::Secret::Key(key.into()))
            }
        },
    }
}

/// `Duration::from_secs(n)` for whole seconds, else `Duration::from_millis(n)`.
fn duration(d: Duration) -> TokenStream {
    let ms = d.as_millis();
    if ms % 1000 == 0 {
        let secs = Literal::u64_unsuffixed(d.as_secs());
        quote!(Duration::from_secs(#secs))
    } else {
        let ms = Literal::u64_unsuffixed(u64::try_from(ms).unwrap_or(u64::MAX));
        quote!(Duration::from_millis(#ms))
    }
}
