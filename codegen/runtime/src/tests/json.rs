use crate::json::{Key, Object, ReadObject};
use serde::de::MapAccess;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// A struct with every kind of field, its impls written as the generator writes them.
#[derive(Debug, PartialEq)]
struct Sample {
    id: i64,
    note: Option<String>,
    nullable: Option<String>,
    nested: Option<Box<Sample>>,
    extra: Map<String, Value>,
}

impl Serialize for Sample {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = Object::new(serializer)?;
        object.required("id", &self.id);
        object.optional("note", &self.note);
        object.required("nullable", &self.nullable);
        object.optional("nested", &self.nested);
        object.flatten(&self.extra);
        object.end()
    }
}

impl<'de> Deserialize<'de> for Sample {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::json::read(deserializer)
    }
}

impl ReadObject for Sample {
    fn read<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut id: Option<i64> = None;
        let mut note: Option<String> = None;
        let mut nullable: Option<String> = None;
        let mut nested: Option<Box<Sample>> = None;
        let mut extra: Map<String, Value> = Default::default();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.as_str() {
                "id" => crate::json::value(&mut map, &mut id),
                "note" => crate::json::optional(&mut map, &mut note),
                "nullable" => crate::json::optional(&mut map, &mut nullable),
                "nested" => crate::json::optional(&mut map, &mut nested),
                _ => crate::json::keep(&mut extra, key, &mut map),
            }?;
        }
        Ok(Sample {
            id: crate::json::required(id, "id")?,
            note,
            nullable,
            nested,
            extra,
        })
    }
}

#[test]
fn objects_round_trip_with_their_optional_and_extra_keys() {
    let wire = json!({"id": 1, "nullable": null, "nested": {"id": 2, "nullable": "x"}, "k": [1]});
    let sample: Sample = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(sample.note, None);
    assert_eq!(
        sample.nested.as_ref().unwrap().nullable.as_deref(),
        Some("x")
    );
    assert_eq!(sample.extra["k"], json!([1]));
    assert_eq!(serde_json::to_value(&sample).unwrap(), wire);
    // From bytes too, with absent and null optional fields alike.
    let from_text: Sample = serde_json::from_str(r#"{"id": 3, "note": null}"#).unwrap();
    assert_eq!(from_text.note, None);
    assert_eq!(from_text.nullable, None, "an absent Option reads as None");
}

#[test]
fn errors_name_the_missing_field_and_point_at_the_bad_value() {
    let e = serde_json::from_value::<Sample>(json!({"nullable": null})).unwrap_err();
    assert_eq!(e.to_string(), "missing field `id`");
    let e = serde_json::from_value::<Sample>(json!({"id": "seven"})).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid type: string \"seven\", expected i64"
    );
    // Each value is decoded where it is read, so the position is the value's own (the
    // client's decoding errors find the field's path from it).
    let text = r#"{"id": 1, "nested": {"id": true}}"#;
    let e = serde_json::from_str::<Sample>(text).unwrap_err();
    assert_eq!((e.line(), e.column()), (1, text.find("true").unwrap() + 4));
    let e = serde_json::from_value::<Sample>(json!([1, 2])).unwrap_err();
    assert!(e.to_string().contains("expected a JSON object"), "{e}");
    let e = serde_json::from_str::<Sample>("{\"id\": 1, \"id\": 2, \"nullable\": null, 7: 1}");
    assert!(e.is_err(), "a key that is not a string is malformed JSON");
}

#[test]
fn keys_are_borrowed_when_the_input_allows_and_duplicates_keep_the_last() {
    let sample: Sample =
        serde_json::from_str(r#"{"id": 1, "id": 2, "n\u0061me": "escaped", "nullable": "x"}"#)
            .unwrap();
    assert_eq!(sample.id, 2);
    assert_eq!(sample.extra["name"], json!("escaped"));
    let sample: Sample = serde_json::from_reader(&br#"{"id": 5, "z": 1}"#[..]).unwrap();
    assert_eq!((sample.id, &sample.extra["z"]), (5, &json!(1)));
}

#[test]
fn a_struct_without_fields_reads_any_object_and_nothing_else() {
    #[derive(Debug)]
    struct Empty {}
    impl<'de> Deserialize<'de> for Empty {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            crate::json::read(deserializer)
        }
    }
    impl ReadObject for Empty {
        fn read<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
            crate::json::skip_all(map)?;
            Ok(Self {})
        }
    }
    assert!(serde_json::from_str::<Empty>(r#"{"a": {"b": [1, 2]}, "c": null}"#).is_ok());
    assert!(serde_json::from_str::<Empty>("[]").is_err());
    assert!(serde_json::from_str::<Empty>("null").is_err());
}

#[test]
fn flattened_maps_of_typed_values_keep_their_types() {
    #[derive(Debug)]
    struct Counts {
        name: String,
        rest: BTreeMap<String, i64>,
    }
    impl<'de> Deserialize<'de> for Counts {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            crate::json::read(deserializer)
        }
    }
    impl ReadObject for Counts {
        fn read<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let mut name = None;
            let mut rest = Default::default();
            while let Some(key) = map.next_key::<Key<'de>>()? {
                match key.as_str() {
                    "name" => name = Some(map.next_value()?),
                    _ => crate::json::keep(&mut rest, key, &mut map)?,
                }
            }
            Ok(Counts {
                name: crate::json::required(name, "name")?,
                rest,
            })
        }
    }
    let counts: Counts = serde_json::from_value(json!({"name": "n", "a": 1})).unwrap();
    assert_eq!((counts.name.as_str(), counts.rest["a"]), ("n", 1));
    assert!(serde_json::from_value::<Counts>(json!({"name": "n", "a": "x"})).is_err());
}

#[test]
fn union_guards_keep_closed_members_and_one_value_properties_apart() {
    use crate::json::{admits, Fixed};
    let reboot = json!({"type": "ForceReboot"});
    let install = json!({"type": "InstallAndroidApp", "appId": "ANDA422LZ223223K5F694GWX"});
    let untyped = json!({"appId": "x"});
    let closed_keys: &[&str] = &["type"];
    // A closed member with only `type` takes no object with more keys.
    assert!(admits(&reboot, &[], Some(closed_keys)));
    assert!(!admits(&install, &[], Some(closed_keys)));
    // A one-value property decides even when it is optional: absent or null admits.
    let reboot_type = [("type", Fixed::Str("ForceReboot"))];
    let install_type = [("type", Fixed::Str("InstallAndroidApp"))];
    assert!(!admits(&install, &reboot_type, None));
    assert!(admits(&install, &install_type, None));
    assert!(admits(&untyped, &install_type, None));
    assert!(admits(&json!({"type": null}), &reboot_type, None));
    assert!(!admits(&json!({"type": 1}), &reboot_type, None));
    // Not an object: the variant's own decoding decides.
    assert!(admits(&json!("text"), &reboot_type, Some(closed_keys)));
}

#[test]
fn union_guards_compare_one_value_integers_as_numbers() {
    use crate::json::{admits, Fixed};
    // Discord's channels: `type: {enum: [1]}` is a private channel, `[3]` a group.
    let private = [("type", Fixed::Int(1))];
    assert!(admits(
        &json!({"type": 1, "recipients": []}),
        &private,
        None
    ));
    assert!(!admits(
        &json!({"type": 3, "recipients": []}),
        &private,
        None
    ));
    assert!(!admits(&json!({"type": "1"}), &private, None));
    assert!(!admits(&json!({"type": 1.5}), &private, None));
    assert!(admits(&json!({"recipients": []}), &private, None));
}

#[test]
fn union_variants_are_tried_by_how_many_of_the_keys_they_declare() {
    use crate::json::by_fit;
    // PagerDuty's alert grouping `config`: three open members, every property optional.
    let window: &[&str] = &["timeframe", "recommended_timeframe"];
    let content: &[&str] = &["aggregate", "fields", "time_window"];
    let time: &[&str] = &["timeout"];
    let declared = [window, content, time];
    assert_eq!(by_fit(&json!({"timeout": 60}), &declared), [2, 0, 1]);
    assert_eq!(
        by_fit(
            &json!({"aggregate": "all", "fields": [], "timeout": 1}),
            &declared
        ),
        [1, 2, 0]
    );
    // Equals (here: none of the keys) keep the spec's order; so does a value that is no object.
    assert_eq!(by_fit(&json!({"other": 1}), &declared), [0, 1, 2]);
    assert_eq!(by_fit(&json!("text"), &declared), [0, 1, 2]);
    // A variant that is not a struct declares nothing and goes after those that fit.
    assert_eq!(by_fit(&json!({"timeout": 1}), &[&[], time]), [1, 0]);
}

#[test]
fn a_lenient_field_reads_a_value_of_another_type_as_none_and_keeps_it() {
    #[derive(Debug, PartialEq)]
    struct Loose {
        services: Option<Vec<i64>>,
        rest: Map<String, Value>,
    }
    impl Serialize for Loose {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut object = Object::new(serializer)?;
            object.optional("services", &self.services);
            object.flatten(&self.rest);
            object.end()
        }
    }
    impl<'de> Deserialize<'de> for Loose {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            crate::json::read(deserializer)
        }
    }
    impl ReadObject for Loose {
        fn read<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let mut services: Option<Vec<i64>> = None;
            let mut rest: Map<String, Value> = Default::default();
            while let Some(key) = map.next_key::<Key<'de>>()? {
                match key.as_str() {
                    "services" => {
                        crate::json::lenient(&mut map, &mut services, &mut rest, "services")
                    }
                    _ => crate::json::keep(&mut rest, key, &mut map),
                }?;
            }
            Ok(Loose { services, rest })
        }
    }
    let read = |text: &str| serde_json::from_str::<Loose>(text).unwrap();
    assert_eq!(read(r#"{"services": [1, 2]}"#).services, Some(vec![1, 2]));
    assert!(read(r#"{"services": [1, 2]}"#).rest.is_empty());
    // Another member's shape: `None`, and written back as it came.
    let text = r#"{"services":{"id":1},"after":true}"#;
    let other = read(text);
    assert_eq!(other.services, None);
    assert_eq!(other.rest.get("services"), Some(&json!({"id": 1})));
    assert_eq!(
        serde_json::to_value(&other).unwrap(),
        serde_json::from_str::<Value>(text).unwrap()
    );
    let null = read(r#"{"services": null}"#);
    assert_eq!((null.services, null.rest.len()), (None, 0));
    assert!(serde_json::from_str::<Loose>(r#"{"services": [1,"#).is_err());

    // A map of typed values keeps only a value of its type.
    struct Counts {
        total: Option<String>,
        rest: BTreeMap<String, i64>,
    }
    impl<'de> Deserialize<'de> for Counts {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            crate::json::read(deserializer)
        }
    }
    impl ReadObject for Counts {
        fn read<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let mut total: Option<String> = None;
            let mut rest: BTreeMap<String, i64> = Default::default();
            while let Some(key) = map.next_key::<Key<'de>>()? {
                match key.as_str() {
                    "total" => crate::json::lenient(&mut map, &mut total, &mut rest, "total"),
                    _ => crate::json::keep(&mut rest, key, &mut map),
                }?;
            }
            Ok(Counts { total, rest })
        }
    }
    let counts = serde_json::from_str::<Counts>(r#"{"total": 3}"#).unwrap();
    assert_eq!((counts.total, counts.rest.get("total")), (None, Some(&3)));
    let counts = serde_json::from_str::<Counts>(r#"{"total": [3]}"#).unwrap();
    assert_eq!((counts.total, counts.rest.len()), (None, 0));
}

#[test]
fn the_first_error_of_a_field_is_the_error_of_the_object() {
    struct Refuses(&'static str);
    impl Serialize for Refuses {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom(self.0))
        }
    }
    struct Pair;
    impl Serialize for Pair {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut object = Object::new(serializer)?;
            object.required("ok", &1);
            object.optional("first", &Some(Refuses("first")));
            object.required("second", &Refuses("second"));
            object.end()
        }
    }
    let error = serde_json::to_string(&Pair).unwrap_err();
    assert_eq!(error.to_string(), "first");
}
