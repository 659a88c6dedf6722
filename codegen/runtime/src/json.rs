//! How generated structs read and write JSON objects. serde's derives write a state machine
//! per struct (a field enum, a visitor, sequence and map forms); at the scale of a whole API
//! that is most of the crate's compile time and memory. Here each struct's impls are a line
//! per field over these two helpers, with the same behaviour for JSON: names as the spec
//! writes them, absent and `null` optional fields read as `None` and left out when `None`,
//! unknown keys ignored (or kept in a flattened map), and errors that name the field.
//!
//! Public so that a type of your own can read and write objects the same way.

use serde::de::DeserializeOwned;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// The fields of an object being read, taken out by name.
pub struct Fields(Map<String, Value>);

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Map::<String, Value>::deserialize(deserializer).map(Fields)
    }
}

impl Fields {
    /// A field that must be present (a `null` is read as `T` reads it: `Option` takes it).
    pub fn required<T: DeserializeOwned, E: serde::de::Error>(
        &mut self,
        key: &'static str,
    ) -> Result<T, E> {
        match self.0.remove(key) {
            Some(value) => convert(key, value),
            // An `Option` may be absent, as serde's derive allows.
            None => T::deserialize(Value::Null).map_err(|_| E::missing_field(key)),
        }
    }

    /// A field that may be absent or `null`.
    pub fn optional<T: DeserializeOwned, E: serde::de::Error>(
        &mut self,
        key: &str,
    ) -> Result<Option<T>, E> {
        match self.0.remove(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => convert(key, value).map(Some),
        }
    }

    /// Every key not taken yet, as the flattened map of a struct that keeps unknown keys.
    pub fn rest<T: DeserializeOwned, E: serde::de::Error>(self) -> Result<T, E> {
        T::deserialize(Value::Object(self.0)).map_err(E::custom)
    }
}

/// Reads `value` as the field `key`: an error says which field, and which value when it is a
/// scalar (`created_at = "2024-13-45": input is out of range`); nested fields add their names
/// after it (`data: created_at = ...`).
fn convert<T: DeserializeOwned, E: serde::de::Error>(key: &str, value: Value) -> Result<T, E> {
    let shown = match &value {
        Value::Object(_) | Value::Array(_) => None,
        scalar => Some(scalar.to_string()),
    };
    T::deserialize(value).map_err(|e| match shown {
        Some(shown) => {
            let shown: String = shown.chars().take(80).collect();
            E::custom(format_args!("{key} = {shown}: {e}"))
        }
        None => E::custom(format_args!("{key}: {e}")),
    })
}

/// Whether an untagged union may try a variant on `value`: each `(key, value)` of `fixed` is
/// absent, `null` or that string, and when `keys` is given (a struct that allows no other
/// properties) the object has no key beyond them. A value that is not an object is left to
/// the variant's own decoding.
pub fn admits(value: &Value, fixed: &[(&str, &str)], keys: Option<&[&str]>) -> bool {
    let Value::Object(map) = value else {
        return true;
    };
    let fixed_hold = fixed.iter().all(|(key, wanted)| match map.get(*key) {
        None | Some(Value::Null) => true,
        Some(Value::String(found)) => found == wanted,
        Some(_) => false,
    });
    fixed_hold && keys.is_none_or(|keys| map.keys().all(|k| keys.contains(&k.as_str())))
}

/// The order in which an untagged union tries its variants on `value`: for an object, the
/// variants that declare most of its keys first (`declared`: the keys of each variant, empty
/// for one that is not a struct), in the spec's order among equals; for any other value, the
/// spec's order.
pub fn by_fit(value: &Value, declared: &[&[&str]]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..declared.len()).collect();
    if let Value::Object(map) = value {
        let fit: Vec<usize> = declared
            .iter()
            .map(|keys| map.keys().filter(|k| keys.contains(&k.as_str())).count())
            .collect();
        // Stable: equals keep the spec's order.
        order.sort_by_key(|&i| std::cmp::Reverse(fit[i]));
    }
    order
}

/// An object being written, field by field.
pub struct Object<M>(M);

impl<M: SerializeMap> Object<M> {
    pub fn new<S: Serializer<SerializeMap = M>>(serializer: S) -> Result<Self, S::Error> {
        serializer.serialize_map(None).map(Object)
    }

    /// A field always written (`None` as `null`).
    pub fn required<T: Serialize + ?Sized>(
        &mut self,
        key: &str,
        value: &T,
    ) -> Result<(), M::Error> {
        self.0.serialize_entry(key, value)
    }

    /// A field left out when `None`.
    pub fn optional<T: Serialize>(&mut self, key: &str, value: &Option<T>) -> Result<(), M::Error> {
        match value {
            Some(value) => self.0.serialize_entry(key, value),
            None => Ok(()),
        }
    }

    /// Every entry of a flattened map, as keys of the object.
    pub fn flatten<'a, K, V, I>(&mut self, entries: I) -> Result<(), M::Error>
    where
        K: Serialize + 'a,
        V: Serialize + 'a,
        I: IntoIterator<Item = (&'a K, &'a V)>,
    {
        for (key, value) in entries {
            self.0.serialize_entry(key, value)?;
        }
        Ok(())
    }

    pub fn end(self) -> Result<M::Ok, M::Error> {
        self.0.end()
    }
}
