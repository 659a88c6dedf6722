//! The catalogue of `codegen diff`: every rule's stable id (spelled here and nowhere else),
//! its level (what the change does to users of the generated crate) and the message it
//! reports, `{}` filled in order by the comparison that found it.

use super::Level;

macro_rules! rules {
    ($($rule:ident = $id:literal, $level:ident, $message:literal;)*) => {
        /// A kind of change.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $($rule,)*
        }

        impl Rule {
            /// Every rule, in catalogue order.
            pub const ALL: &'static [Rule] = &[$(Rule::$rule,)*];

            /// The stable kebab-case id (`parameter-added`): reports and CI filters use it.
            pub fn id(self) -> &'static str {
                match self {
                    $(Rule::$rule => $id,)*
                }
            }

            pub fn level(self) -> Level {
                match self {
                    $(Rule::$rule => Level::$level,)*
                }
            }

            fn template(self) -> &'static str {
                match self {
                    $(Rule::$rule => $message,)*
                }
            }
        }
    };
}

impl Rule {
    /// The rule's message with `args` in its `{}`s, in order.
    pub fn message(self, args: &[&str]) -> String {
        let mut out = String::new();
        let mut args = args.iter();
        let mut parts = self.template().split("{}");
        out.push_str(parts.next().unwrap_or_default());
        for part in parts {
            out.push_str(args.next().copied().unwrap_or_default());
            out.push_str(part);
        }
        out
    }

    /// The change's pointer is in the old spec (what it reports is gone from the new one).
    pub fn in_old_spec(self) -> bool {
        self.id().ends_with("-removed")
    }

    /// The rule of an id, if there is one.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id)
    }
}

rules! {
    // The API as a whole.
    SecuritySchemeChanged = "security-scheme-changed", Breaking,
        "requests authenticate with {}, no longer {}: a key configured for the old scheme is sent where the server no longer reads it";
    CredentialRemoved = "credential-removed", Breaking,
        "`ClientBuilder::{}` is gone (no operation uses {} any more): code that calls it no longer compiles";
    CredentialAdded = "credential-added", Addition,
        "new credential `ClientBuilder::{}`: {}";
    ServerUrlChanged = "server-url-changed", Addition,
        "the default base URL is {} (was {}); clients that set `base_url` are unaffected";
    FeatureRemoved = "feature-removed", Breaking,
        "the cargo feature `{}` is gone (its tag has no operations left, or was renamed): manifests that enable it no longer build";
    FeatureAdded = "feature-added", Addition,
        "new cargo feature `{}`, on by default";
    DescriptionChanged = "description-changed", Docs,
        "the {} changed";
    // Operations.
    OperationSecurityChanged = "operation-security-changed", Addition,
        "the operation takes {} (was {}): a client without such a credential gets `Error::Auth` before sending";
    OperationRemoved = "operation-removed", Breaking,
        "`{}` is gone: calls to the method no longer compile";
    OperationAdded = "operation-added", Addition,
        "new operation `{}`";
    OperationRenamed = "operation-renamed", Breaking,
        "the method is `{}`, no longer `{}` (operationId {} → {})";
    PathParametersChanged = "path-parameters-changed", Breaking,
        "the path arguments are ({}), were ({})";
    MethodArgumentsChanged = "method-arguments-changed", Breaking,
        "the method {} `&types::{}` argument ({})";
    ParameterRemoved = "parameter-removed", Breaking,
        "the {} parameter `{}` is gone with its field and setter";
    ParameterAdded = "parameter-added", Addition,
        "new {} parameter `{}`, optional: a setter, nothing breaks";
    ParameterAddedRequired = "parameter-added-required", Breaking,
        "new {} parameter `{}`, required: `new(..)` takes one more argument";
    ParameterTypeChanged = "parameter-type-changed", Breaking,
        "`{}` is `{}`, was `{}`";
    ParameterBecameRequired = "parameter-became-required", Breaking,
        "`{}` is required: `new(..)` takes it, and the field's type is no longer an Option";
    ParameterBecameOptional = "parameter-became-optional", Breaking,
        "`{}` is optional: `new(..)` no longer takes it, and the field's type is an Option";
    RequestBodyChanged = "request-body-changed", Breaking,
        "the body argument is {}, was {}";
    ResponseTypeRenamed = "response-type-renamed", Breaking,
        "the method returns `{}`, was `{}`, of the same shape: reading the response compiles as before, code naming `{}` for it does not";
    ResponseTypeChanged = "response-type-changed", Breaking,
        "the method returns `{}`, was `{}`";
    SuccessStatusChanged = "success-status-changed", Addition,
        "success statuses {} (were {}); the return type is the same";
    // Types.
    SchemaRemoved = "schema-removed", Breaking,
        "`types::{}` is gone";
    SchemaAdded = "schema-added", Addition,
        "new type `types::{}`";
    SchemaRenamed = "schema-renamed", Breaking,
        "`types::{}` is now `types::{}` (same shape): paths naming it no longer compile";
    TypeChanged = "type-changed", Breaking,
        "`{}` is {}, was {}";
    DeriveRemoved = "derive-removed", Breaking,
        "`{}` no longer implements `PartialEq` (it is now read from responses, or holds a type that is): comparisons of it no longer compile";
    ConstructorChanged = "constructor-changed", Breaking,
        "{}: `new(..)` {}";
    ResponseFieldRemoved = "response-field-removed", Breaking,
        "the field `{}` is gone (and its setter)";
    ResponseFieldAdded = "response-field-added", Addition,
        "new field `{}`, optional: structs are `#[non_exhaustive]` and the field starts unset, nothing breaks";
    ResponseFieldAddedRequired = "response-field-added-required", Breaking,
        "new field `{}`, required: reading compiles as before, but `new(..)` (how tests build this response) takes one more argument";
    ResponseFieldBecameNullable = "response-field-became-nullable", Breaking,
        "`{}` is `{}`, was `{}`: code reading it must handle None";
    ResponseFieldTypeChanged = "response-field-type-changed", Breaking,
        "`{}` is `{}`, was `{}`";
    FieldBecameReadOnly = "field-became-read-only", Breaking,
        "`{}` is readOnly now (the server assigns it): the type sent leaves it out, so code that sets it (by `new(..)` or its setter) no longer compiles";
    FieldBecameWriteOnly = "field-became-write-only", Breaking,
        "`{}` is writeOnly now (responses never carry it): the type read leaves it out, code reading the field no longer compiles";
    RequestBodyFieldRemoved = "request-body-field-removed", Breaking,
        "the field `{}` is gone (and its setter)";
    RequestBodyFieldAdded = "request-body-field-added", Addition,
        "new field `{}`, optional: a setter, nothing breaks";
    RequestBodyFieldAddedRequired = "request-body-field-added-required", Breaking,
        "new field `{}`, required: `new(..)` takes one more argument";
    RequestBodyFieldBecameRequired = "request-body-field-became-required", Breaking,
        "`{}` is required: `new(..)` takes it, as `{}` (was `{}`, set by a setter)";
    RequestBodyFieldBecameOptional = "request-body-field-became-optional", Breaking,
        "`{}` is optional: `new(..)` no longer takes it; it has a setter of `{}`";
    RequestBodyFieldTypeChanged = "request-body-field-type-changed", Breaking,
        "`{}` is `{}`, was `{}`";
    ResponseEnumValueRemoved = "response-enum-value-removed", Breaking,
        "the value {} is gone with its variant `{}`";
    ResponseEnumValueAdded = "response-enum-value-added", Addition,
        "new value {} (variant `{}`); the enum is `#[non_exhaustive]`, and before this the value decoded into its fallback variant";
    RequestEnumValueRemoved = "request-enum-value-removed", Breaking,
        "the value {} is gone with its variant `{}`";
    RequestEnumValueAdded = "request-enum-value-added", Addition,
        "new value {} (variant `{}`); the enum is `#[non_exhaustive]`, and before this the value decoded into its fallback variant";
    UnionVariantRemoved = "union-variant-removed", Breaking,
        "the variant `{}({})` is gone: code naming it no longer compiles";
    UnionVariantAdded = "union-variant-added", Addition,
        "new variant `{}({})`; the enum is `#[non_exhaustive]`, nothing breaks";
    UnionVariantTypeChanged = "union-variant-type-changed", Breaking,
        "the variant `{}` holds `{}`, was `{}`";
    UnionVariantTagsChanged = "union-variant-tags-changed", Addition,
        "the variant `{}` is chosen by {}, was {}: the Rust API is the same, the tag on the wire changes";
    UnionDiscriminatorChanged = "union-discriminator-changed", Breaking,
        "the variant is chosen by `{}`, was `{}`: bodies that decoded before may not";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_messages_fill_in_order() {
        let ids: std::collections::BTreeSet<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        assert_eq!(ids.len(), Rule::ALL.len());
        for rule in Rule::ALL {
            assert!(
                rule.id()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
                "{rule:?}"
            );
            assert_eq!(Rule::from_id(rule.id()), Some(*rule));
        }
        assert_eq!(
            Rule::ParameterTypeChanged.message(&["page", "i64", "i32"]),
            "`page` is `i64`, was `i32`"
        );
    }
}
