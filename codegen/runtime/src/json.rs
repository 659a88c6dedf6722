//! How generated structs read and write JSON objects. serde's derives write a state machine
//! per struct (a field enum with its visitor, a struct visitor, sequence and map forms); at
//! the scale of a whole API that is most of the crate's compile time and memory. Here a
//! struct's impls are a line per field over the helpers below, with the same behaviour for
//! JSON: names as the spec writes them, absent and `null` optional fields read as `None` and
//! left out when `None`, unknown keys skipped (or kept in a flattened map), and each value
//! decoded as its key is read, with no tree of `serde_json::Value`s in between (a decoding
//! error keeps the position of the value it is about).
//!
//! Public so that a type of your own can read and write objects the same way.

use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::fmt;
use std::marker::PhantomData;

/// A struct read from a JSON object key by key (its `Deserialize` calls [`read`]).
pub trait ReadObject: Sized {
    /// Reads the object's entries from `map`, each value as its key names it.
    fn read<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// Reads a `T` from a JSON object (anything else is an error).
pub fn read<'de, T: ReadObject, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

/// The one visitor every [`ReadObject`] shares.
struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: ReadObject> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::read(map)
    }
}

/// An object's key: borrowed from the input when it can be, so that matching it against the
/// field names allocates nothing.
pub enum Key<'de> {
    /// The key as it is in the input (no escapes in it).
    Borrowed(&'de str),
    /// A key that had to be copied (escaped, or from a reader).
    Owned(String),
}

impl Key<'_> {
    /// The key's text, to match against the field names.
    pub fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(key) => key,
            Key::Owned(key) => key,
        }
    }
}

impl From<Key<'_>> for String {
    fn from(key: Key<'_>) -> String {
        match key {
            Key::Borrowed(key) => key.to_owned(),
            Key::Owned(key) => key,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Key<'de>, E> {
        Ok(Key::Borrowed(key))
    }

    fn visit_str<E>(self, key: &str) -> Result<Key<'de>, E> {
        Ok(Key::Owned(key.to_owned()))
    }

    fn visit_string<E>(self, key: String) -> Result<Key<'de>, E> {
        Ok(Key::Owned(key))
    }
}

/// Reads the value of a required field into its slot. (Each read helper returns `()` and the
/// struct's `match` has one `?`: at the scale of a whole API, a `?` per field is a measurable
/// part of the crate's type checking.)
pub fn value<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
) -> Result<(), A::Error> {
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Reads the value of an optional field into its slot (`null` is `None`).
pub fn optional<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
) -> Result<(), A::Error> {
    *slot = map.next_value()?;
    Ok(())
}

/// The value of a required field, `slot` as the object gave it: absent is an error. (A
/// required field that may be `null` is an `Option`, read like an optional one: absent is
/// `None` there.)
pub fn required<T, E: serde::de::Error>(slot: Option<T>, key: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(key))
}

/// Reads the value of an optional field that any value is valid for (another, open member
/// of a merged `anyOf` leaves it unstated): one that is not a `T` reads as `None` and is kept
/// under `key` in the struct's map of other properties, so that writing the struct back
/// loses nothing (dropped only when that map's values are typed and it is not one of them).
pub fn lenient<'de, T, V, R, A>(
    map: &mut A,
    slot: &mut Option<T>,
    rest: &mut R,
    key: &str,
) -> Result<(), A::Error>
where
    T: DeserializeOwned,
    V: DeserializeOwned,
    R: Extend<(String, V)>,
    A: MapAccess<'de>,
{
    let value: Value = map.next_value()?;
    *slot = T::deserialize(&value).ok();
    if slot.is_none() && !value.is_null() {
        if let Ok(kept) = V::deserialize(value) {
            rest.extend(std::iter::once((key.to_owned(), kept)));
        }
    }
    Ok(())
}

/// Skips the value of a key no field names.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(drop)
}

/// Reads every entry of an object that has no field to fill: it must still be an object.
pub fn skip_all<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_key::<IgnoredAny>()?.is_some() {
        skip(&mut map)?;
    }
    Ok(())
}

/// Keeps the value of `key` in the flattened map `rest`, any map of `String` keys (a
/// function, so that the map's type can be inferred from the struct it ends up in).
pub fn keep<'de, V, R, A>(rest: &mut R, key: Key<'de>, map: &mut A) -> Result<(), A::Error>
where
    V: Deserialize<'de>,
    R: Extend<(String, V)>,
    A: MapAccess<'de>,
{
    let value = map.next_value()?;
    rest.extend(std::iter::once((key.into(), value)));
    Ok(())
}

/// The one value a property of an untagged union's variant may take.
#[derive(Debug, Clone, Copy)]
pub enum Fixed<'a> {
    Str(&'a str),
    Int(i64),
}

/// Whether an untagged union may try a variant on `value`: each `(key, value)` of `fixed` is
/// absent, `null` or that value, and when `keys` is given (a struct that allows no other
/// properties) the object has no key beyond them. A value that is not an object is left to
/// the variant's own decoding.
pub fn admits(value: &Value, fixed: &[(&str, Fixed<'_>)], keys: Option<&[&str]>) -> bool {
    let Value::Object(map) = value else {
        return true;
    };
    let fixed_hold = fixed
        .iter()
        .all(|(key, wanted)| match (map.get(*key), wanted) {
            (None | Some(Value::Null), _) => true,
            (Some(Value::String(found)), Fixed::Str(wanted)) => found == wanted,
            (Some(Value::Number(found)), Fixed::Int(wanted)) => found.as_i64() == Some(*wanted),
            _ => false,
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

/// An object being written, field by field. The first error is kept and returned by
/// [`end`](Self::end) (the fields after it are not written), so that a struct's `serialize`
/// is a plain line per field.
pub struct Object<M: SerializeMap> {
    map: M,
    error: Option<M::Error>,
}

impl<M: SerializeMap> Object<M> {
    pub fn new<S: Serializer<SerializeMap = M>>(serializer: S) -> Result<Self, S::Error> {
        let map = serializer.serialize_map(None)?;
        Ok(Object { map, error: None })
    }

    fn entry<K: Serialize + ?Sized, T: Serialize + ?Sized>(&mut self, key: &K, value: &T) {
        if self.error.is_none() {
            if let Err(error) = self.map.serialize_entry(key, value) {
                self.error = Some(error);
            }
        }
    }

    /// A field always written (`None` as `null`).
    pub fn required<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        self.entry(key, value);
    }

    /// A field left out when `None`.
    pub fn optional<T: Serialize>(&mut self, key: &str, value: &Option<T>) {
        if let Some(value) = value {
            self.entry(key, value);
        }
    }

    /// Every entry of a flattened map, as keys of the object.
    pub fn flatten<'a, K, V, I>(&mut self, entries: I)
    where
        K: Serialize + 'a,
        V: Serialize + 'a,
        I: IntoIterator<Item = (&'a K, &'a V)>,
    {
        for (key, value) in entries {
            if self.error.is_some() {
                return;
            }
            self.entry(key, value);
        }
    }

    /// Ends the object, or returns the first error of a field.
    pub fn end(self) -> Result<M::Ok, M::Error> {
        match self.error {
            Some(error) => Err(error),
            None => self.map.end(),
        }
    }
}
