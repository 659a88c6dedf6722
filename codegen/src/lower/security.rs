//! The spec's security schemes → the credentials a client can hold, and each requirement
//! (top-level and per operation) → alternatives of those credentials. Schemes that send the
//! same thing the same way are one credential: two http bearer schemes are one token, two
//! API keys in the same header one key. The main credential (`ClientBuilder::api_key`) is the
//! first scheme of the top-level requirement that takes one string (a bearer token or a key;
//! Stripe lists basic first, then bearer), else the first at all.

use super::Lowerer;
use crate::ir::{Credential, CredentialKind, KeyLocation, Need, Security, TokenUrl};
use crate::naming::{self, Namespace};
use openapiv3::{APIKeyLocation, OpenAPI, ReferenceOr, SecurityRequirement, SecurityScheme};
use std::collections::BTreeMap;

/// What lowering found of the spec's security.
#[derive(Debug, Default)]
pub(super) struct Schemes {
    /// Scheme name → its credential (`None`: a scheme the client cannot send).
    by_name: BTreeMap<String, Option<usize>>,
    pub(super) credentials: Vec<Credential>,
    pub(super) default: Option<usize>,
    pub(super) token: Option<usize>,
    pub(super) security: Security,
}

impl Lowerer<'_> {
    /// The credentials of the schemes some requirement names, and the top-level requirement.
    pub(super) fn lower_security(&mut self) -> Schemes {
        let api = self.api;
        let declared: Vec<(&String, &SecurityScheme)> = api
            .components
            .iter()
            .flat_map(|c| c.security_schemes.iter())
            .filter_map(|(name, scheme)| match scheme {
                ReferenceOr::Item(scheme) => Some((name, scheme)),
                ReferenceOr::Reference { .. } => None,
            })
            .collect();
        let used = used_schemes(api);
        let mut schemes = Schemes::default();
        for (name, scheme) in declared {
            if !used.contains_key(name.as_str()) {
                continue;
            }
            let pointer = crate::pointer::component("securitySchemes", name);
            let Some(kind) = self.credential_kind(scheme, &pointer) else {
                schemes.by_name.insert(name.clone(), None);
                continue;
            };
            let index = match schemes.credentials.iter().position(|c| c.kind == kind) {
                Some(index) => {
                    schemes.credentials[index].schemes.push(name.clone());
                    index
                }
                None => {
                    schemes.credentials.push(Credential {
                        pointer,
                        schemes: vec![name.clone()],
                        setter: String::new(),
                        env: Vec::new(),
                        kind,
                        description: description(scheme),
                    });
                    schemes.credentials.len() - 1
                }
            };
            schemes.by_name.insert(name.clone(), Some(index));
        }
        schemes.default = main_credential(&used, &schemes);
        name_credentials(&mut schemes);
        schemes.token = schemes
            .credentials
            .iter()
            .position(|c| matches!(c.kind, CredentialKind::OAuth { .. }))
            .or(schemes
                .default
                .filter(|&i| schemes.credentials[i].kind == CredentialKind::Bearer))
            .or_else(|| {
                schemes
                    .credentials
                    .iter()
                    .position(|c| c.kind == CredentialKind::Bearer)
            });
        let top = api.security.clone().unwrap_or_default();
        schemes.security = self.requirement(&schemes, &top, "#/security");
        schemes
    }

    /// How a scheme is sent, or `None` (with a warning) for one the client cannot send.
    fn credential_kind(
        &mut self,
        scheme: &SecurityScheme,
        pointer: &str,
    ) -> Option<CredentialKind> {
        Some(match scheme {
            SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => {
                CredentialKind::Bearer
            }
            SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => {
                CredentialKind::Basic
            }
            SecurityScheme::HTTP { scheme, .. } => {
                self.warn(
                    pointer,
                    format!(
                        "the http scheme {:?} is not supported: operations that need it are sent without it",
                        crate::escape::comment(scheme)
                    ),
                );
                return None;
            }
            SecurityScheme::APIKey { location, name, .. } => {
                let valid = !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
                if !valid {
                    self.warn(
                        pointer,
                        "the API key's name cannot be sent (not a token): operations that need it are sent without it",
                    );
                    return None;
                }
                let (location, name) = match location {
                    APIKeyLocation::Header => (KeyLocation::Header, name.to_ascii_lowercase()),
                    APIKeyLocation::Query => (KeyLocation::Query, name.clone()),
                    APIKeyLocation::Cookie => (KeyLocation::Cookie, name.clone()),
                };
                // An `Authorization` key is a bearer token when the spec says so nowhere
                // else; as a key it is sent as given (Discord's `Bot <token>`).
                CredentialKind::ApiKey { location, name }
            }
            SecurityScheme::OAuth2 { flows, .. } => match &flows.client_credentials {
                Some(flow) => CredentialKind::OAuth {
                    token_url: self.token_url(&flow.token_url),
                    secret_in_form: self.secret_in_form(&flow.token_url),
                },
                // Tokens of other flows come from elsewhere: a bearer token.
                None => CredentialKind::Bearer,
            },
            SecurityScheme::OpenIDConnect { .. } => CredentialKind::Bearer,
        })
    }

    /// The token URL under the client's base URL when it starts with a server URL of the
    /// spec (so a test server or a region's URL gets the token requests too).
    fn token_url(&self, url: &str) -> TokenUrl {
        for server in &self.api.servers {
            let base = server.url.trim_end_matches('/');
            if base.is_empty() || base.contains('{') {
                continue;
            }
            if let Some(path) = url.strip_prefix(base).filter(|p| p.starts_with('/')) {
                return TokenUrl::Base(path.to_owned());
            }
        }
        TokenUrl::Absolute(url.to_owned())
    }

    /// Whether the spec's token endpoint (an operation at the token URL's path) requires
    /// `client_secret` in its form body; otherwise the id and secret go as HTTP Basic, which
    /// RFC 6749 has every server accept.
    fn secret_in_form(&self, url: &str) -> bool {
        let TokenUrl::Base(path) = self.token_url(url) else {
            return false;
        };
        let Some(ReferenceOr::Item(item)) = self.api.paths.paths.get(&path) else {
            return false;
        };
        let Some(body) = item.post.as_ref().and_then(|op| op.request_body.as_ref()) else {
            return false;
        };
        let body = match body {
            ReferenceOr::Item(body) => Some(body),
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/requestBodies/")
                .and_then(|name| self.api.components.as_ref()?.request_bodies.get(name))
                .and_then(|b| b.as_item()),
        };
        let Some(schema) = body
            .and_then(|b| b.content.get("application/x-www-form-urlencoded"))
            .and_then(|media| media.schema.as_ref())
        else {
            return false;
        };
        let schema = match schema {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/schemas/")
                .and_then(|name| self.api.components.as_ref()?.schemas.get(name))
                .and_then(|s| s.as_item()),
        };
        matches!(
            schema.map(|s| &s.schema_kind),
            Some(openapiv3::SchemaKind::Type(openapiv3::Type::Object(o)))
                if o.required.iter().any(|r| r == "client_secret")
        )
    }

    /// A requirement's alternatives as credentials. An alternative naming a scheme the spec
    /// does not declare, or one the client cannot send, is dropped with a warning.
    pub(super) fn requirement(
        &mut self,
        schemes: &Schemes,
        requirement: &[SecurityRequirement],
        pointer: &str,
    ) -> Security {
        let mut out: Security = Vec::new();
        for (i, alternative) in requirement.iter().enumerate() {
            let mut needs: Vec<Need> = Vec::new();
            let mut usable = true;
            for (name, scopes) in alternative {
                match schemes.by_name.get(name) {
                    Some(Some(credential)) => {
                        match needs.iter_mut().find(|n| n.credential == *credential) {
                            Some(need) => {
                                for scope in scopes {
                                    if !need.scopes.contains(scope) {
                                        need.scopes.push(scope.clone());
                                    }
                                }
                            }
                            None => needs.push(Need {
                                credential: *credential,
                                scopes: scopes.clone(),
                            }),
                        }
                    }
                    Some(None) => usable = false,
                    None => {
                        usable = false;
                        self.warn(
                            &format!("{pointer}/{i}"),
                            format!(
                                "no security scheme {:?} is declared: this alternative is left out",
                                crate::escape::comment(name)
                            ),
                        );
                    }
                }
            }
            if usable && !out.contains(&needs) {
                out.push(needs);
            }
        }
        if out.is_empty() && !requirement.is_empty() {
            self.warn(
                pointer,
                "no alternative of this security requirement can be met: requests are sent without credentials",
            );
        }
        out
    }
}

/// How often each scheme is named: by the top-level requirement first (in its order), then
/// by operations (the most named first), for specs that state requirements per operation
/// only (Discord's).
fn used_schemes(api: &OpenAPI) -> BTreeMap<&str, (usize, usize)> {
    let mut used: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (rank, name) in api
        .security
        .iter()
        .flatten()
        .flat_map(|req| req.keys())
        .enumerate()
    {
        used.entry(name.as_str()).or_insert((rank, 0));
    }
    let top = used.len();
    for (_, item) in api.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (_, op) in item.iter() {
            for name in op.security.iter().flatten().flat_map(|req| req.keys()) {
                used.entry(name.as_str()).or_insert((top, 0)).1 += 1;
            }
        }
    }
    used
}

/// The credential `api_key` sets: the top-level requirement's first (then the most used by
/// operations) that takes one string; else the first of them at all.
fn main_credential(used: &BTreeMap<&str, (usize, usize)>, schemes: &Schemes) -> Option<usize> {
    let mut ranked: Vec<(&str, (usize, usize))> = used.iter().map(|(n, r)| (*n, *r)).collect();
    // Top-level rank first; among the rest, the most used; then by name (deterministic).
    ranked.sort_by(|a, b| {
        (a.1 .0, std::cmp::Reverse(a.1 .1), a.0).cmp(&(b.1 .0, std::cmp::Reverse(b.1 .1), b.0))
    });
    let candidates: Vec<usize> = ranked
        .iter()
        .filter_map(|(name, _)| schemes.by_name.get(*name).copied().flatten())
        .collect();
    let one_string = |&i: &usize| {
        matches!(
            schemes.credentials[i].kind,
            CredentialKind::Bearer | CredentialKind::ApiKey { .. }
        )
    };
    candidates
        .iter()
        .copied()
        .find(one_string)
        .or_else(|| candidates.first().copied())
}

/// Setter and variable names: `api_key` / `API_KEY` for the main credential when it is one
/// string, `oauth_client_credentials` / `CLIENT_ID` + `CLIENT_SECRET` for the first OAuth2
/// one, the first scheme's name in snake case for the others (never a name `ClientBuilder`
/// has).
fn name_credentials(schemes: &mut Schemes) {
    let reserved: Vec<&str> = crate::runtime::builder_names()
        .iter()
        .map(String::as_str)
        .collect();
    let mut setters = Namespace::with_reserved(&reserved);
    let mut oauth_named = false;
    for (index, credential) in schemes.credentials.iter_mut().enumerate() {
        let main = schemes.default == Some(index);
        let own = naming::snake_name(&credential.schemes[0]);
        let (setter, env) = match &credential.kind {
            // A basic credential has a `(user, password)` setter; as the main one,
            // `api_key("user:password")` sets it too.
            CredentialKind::Basic if main => (setters.claim(&own), vec!["API_KEY".to_owned()]),
            CredentialKind::Basic => {
                let setter = setters.claim(&own);
                let upper = naming::const_name(&setter);
                (
                    setter,
                    vec![format!("{upper}_USERNAME"), format!("{upper}_PASSWORD")],
                )
            }
            CredentialKind::OAuth { .. } if !oauth_named => {
                oauth_named = true;
                (
                    setters.claim("oauth_client_credentials"),
                    vec!["CLIENT_ID".to_owned(), "CLIENT_SECRET".to_owned()],
                )
            }
            CredentialKind::OAuth { .. } => {
                let setter = setters.claim(&format!("{own}_client_credentials"));
                let upper = naming::const_name(&own);
                (
                    setter,
                    vec![
                        format!("{upper}_CLIENT_ID"),
                        format!("{upper}_CLIENT_SECRET"),
                    ],
                )
            }
            CredentialKind::Bearer | CredentialKind::ApiKey { .. } if main => {
                ("api_key".to_owned(), vec!["API_KEY".to_owned()])
            }
            CredentialKind::Bearer | CredentialKind::ApiKey { .. } => {
                // A scheme named like a builder method (Swagger's petstore calls its header
                // key `api_key`) says where it goes: `api_key_header`.
                let place = match &credential.kind {
                    CredentialKind::ApiKey { location, .. } => match location {
                        KeyLocation::Header => "header",
                        KeyLocation::Query => "query",
                        KeyLocation::Cookie => "cookie",
                    },
                    _ => "token",
                };
                let own = if setters.contains(&own) {
                    format!("{own}_{place}")
                } else {
                    own
                };
                let setter = setters.claim(&own);
                let upper = naming::const_name(&setter);
                (setter, vec![upper])
            }
        };
        credential.setter = setter;
        credential.env = env;
    }
}

fn description(scheme: &SecurityScheme) -> Option<String> {
    match scheme {
        SecurityScheme::APIKey { description, .. }
        | SecurityScheme::HTTP { description, .. }
        | SecurityScheme::OAuth2 { description, .. }
        | SecurityScheme::OpenIDConnect { description, .. } => description.clone(),
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::{Api, CredentialKind, KeyLocation, Need, TokenUrl};
    use std::path::Path;

    fn lower(text: &str) -> Api {
        let doc = crate::load::parse(Path::new("t.yml"), text.as_bytes()).unwrap();
        crate::lower::lower(&doc, &Default::default()).unwrap()
    }

    fn need(credential: usize) -> Need {
        Need {
            credential,
            scopes: Vec::new(),
        }
    }

    /// Discord states requirements per operation only: the most required scheme is the
    /// client's main one.
    #[test]
    fn requirements_per_operation_only_make_the_most_used_scheme_the_main_one() {
        let api = lower(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      \
             security: [{Bot: []}]\n      responses: {'204': {description: d}}\n  /b:\n    get:\n      \
             security: [{Bot: []}, {OAuth: []}]\n      responses: {'204': {description: d}}\n\
             components:\n  securitySchemes:\n    Bot: {type: apiKey, in: header, name: Authorization}\n    \
             OAuth: {type: http, scheme: bearer}\n",
        );
        let main = &api.credentials[api.default_credential.unwrap()];
        assert_eq!(
            main.kind,
            CredentialKind::ApiKey {
                location: KeyLocation::Header,
                name: "authorization".into()
            }
        );
        assert_eq!(main.setter, "api_key");
        assert_eq!(api.credentials[1].setter, "o_auth");
        assert!(api.security.is_empty(), "no top-level requirement");
        assert_eq!(
            api.operations[1].security,
            Some(vec![vec![need(0)], vec![need(1)]])
        );
    }

    /// Telnyx: eight bearer schemes are one credential; an OAuth2 client-credentials flow
    /// whose token URL is under the server is fetched from the base URL; `security: []`
    /// sends nothing.
    #[test]
    fn schemes_that_send_the_same_thing_are_one_credential() {
        let api = lower(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nservers: [{url: 'https://api.x.com/v2'}]\n\
             security: [{bearerAuth: []}]\npaths:\n  /a:\n    get:\n      security: [{BearerAuth: []}]\n      \
             responses: {'204': {description: d}}\n  /b:\n    get:\n      security: []\n      \
             responses: {'204': {description: d}}\n  /c:\n    get:\n      security: [{oauth: [admin]}, {}]\n      \
             responses: {'204': {description: d}}\n\
             components:\n  securitySchemes:\n    bearerAuth: {type: http, scheme: bearer}\n    \
             BearerAuth: {type: http, scheme: bearer, bearerFormat: JWT}\n    \
             oauth: {type: oauth2, flows: {clientCredentials: {tokenUrl: 'https://api.x.com/v2/oauth/token', scopes: {admin: A}}}}\n",
        );
        assert_eq!(api.credentials.len(), 2, "{:#?}", api.credentials);
        assert_eq!(api.credentials[0].schemes, ["bearerAuth", "BearerAuth"]);
        assert_eq!(api.credentials[0].env, ["API_KEY"]);
        assert_eq!(
            api.credentials[1].kind,
            CredentialKind::OAuth {
                token_url: TokenUrl::Base("/oauth/token".into()),
                secret_in_form: false
            }
        );
        assert_eq!(api.credentials[1].setter, "oauth_client_credentials");
        assert_eq!(api.credentials[1].env, ["CLIENT_ID", "CLIENT_SECRET"]);
        assert_eq!(api.token_credential, Some(1));
        // `/a` names another scheme of the same credential: the API's requirement.
        assert_eq!(api.operations[0].security, None);
        assert_eq!(api.operations[1].security, Some(vec![]));
        assert_eq!(
            api.operations[2].security,
            Some(vec![
                vec![Need {
                    credential: 1,
                    scopes: vec!["admin".into()]
                }],
                vec![]
            ])
        );
    }

    /// Stripe lists basic first, then bearer: `api_key` is the bearer token, and basic gets
    /// a `(user, password)` setter named after its scheme.
    #[test]
    fn the_main_credential_is_one_string_when_an_alternative_allows() {
        let api = lower(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nsecurity: [{basicAuth: []}, {bearerAuth: []}]\n\
             paths: {}\ncomponents:\n  securitySchemes:\n    basicAuth: {type: http, scheme: basic}\n    \
             bearerAuth: {type: http, scheme: bearer}\n    unused: {type: apiKey, in: query, name: k}\n",
        );
        let main = api.default_credential.unwrap();
        assert_eq!(api.credentials[main].kind, CredentialKind::Bearer);
        let basic = &api.credentials[1 - main];
        assert_eq!(basic.setter, "basic_auth");
        assert_eq!(basic.env, ["BASIC_AUTH_USERNAME", "BASIC_AUTH_PASSWORD"]);
        assert_eq!(
            api.credentials.len(),
            2,
            "a scheme nothing requires is no credential"
        );
    }

    /// An undeclared scheme, or one the client cannot send, drops its alternative (with a
    /// warning); a setter never takes a name `ClientBuilder` has.
    #[test]
    fn unusable_alternatives_are_dropped_and_setters_do_not_clash() {
        let api = lower(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nsecurity: [{main: []}]\npaths:\n  /a:\n    get:\n      \
             security: [{digest: []}, {missing: []}, {timeout: []}]\n      responses: {'204': {description: d}}\n\
             components:\n  securitySchemes:\n    main: {type: http, scheme: bearer}\n    \
             digest: {type: http, scheme: digest}\n    timeout: {type: apiKey, in: cookie, name: t}\n",
        );
        assert_eq!(api.operations[0].security, Some(vec![vec![need(1)]]));
        // A scheme named like a builder method says where it goes.
        assert_eq!(api.credentials[1].setter, "timeout_cookie");
        let warnings: Vec<String> = api.warnings.iter().map(|w| w.to_string()).collect();
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("digest") && w.contains("not supported")),
            "{warnings:?}"
        );
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("\"missing\"") && w.contains("#/paths/~1a/get/security/1")),
            "{warnings:?}"
        );
    }

    /// The token endpoint of the spec requires the secret in its form: it goes there.
    #[test]
    fn a_token_endpoint_that_requires_the_secret_in_its_form_gets_it_there() {
        let api = lower(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nservers: [{url: 'https://x.com'}]\n\
             security: [{oauth: []}]\npaths:\n  /token:\n    post:\n      security: []\n      requestBody:\n        \
             content:\n          application/x-www-form-urlencoded:\n            schema:\n              \
             type: object\n              required: [client_id, client_secret]\n              properties: {client_id: {type: string}, client_secret: {type: string}}\n      \
             responses: {'204': {description: d}}\n\
             components:\n  securitySchemes:\n    oauth: {type: oauth2, flows: {clientCredentials: {tokenUrl: 'https://x.com/token', scopes: {}}}}\n",
        );
        assert_eq!(
            api.credentials[0].kind,
            CredentialKind::OAuth {
                token_url: TokenUrl::Base("/token".into()),
                secret_in_form: true
            }
        );
        // The only credential, OAuth2: `oauth_client_credentials` sets it, and so does
        // `api_key` (a token obtained elsewhere).
        assert_eq!(api.default_credential, Some(0));
        assert_eq!(api.credentials[0].setter, "oauth_client_credentials");
    }
}
