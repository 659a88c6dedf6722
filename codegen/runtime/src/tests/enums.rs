use crate::operations::Color;
use std::collections::HashSet;

#[test]
fn string_enums_compare_and_hash_by_their_wire_value() {
    assert_eq!(Color::Red, Color::Red);
    assert_ne!(Color::Red, Color::Blue);
    // A listed value built by hand as the fallback is the same value on the wire.
    assert_eq!(Color::Other("red".into()), Color::Red);
    assert_ne!(Color::Other("teal".into()), Color::Other("Teal".into()));
    let set: HashSet<Color> = [Color::Red, Color::Other("red".into()), Color::Blue]
        .into_iter()
        .collect();
    assert_eq!(set.len(), 2);
    assert_eq!(Color::from("teal"), Color::Other("teal".into()));
}

#[test]
fn string_enums_debug_as_their_variants() {
    assert_eq!(format!("{:?}", Color::Blue), "Blue");
    assert_eq!(format!("{:?}", Color::from("teal")), "Other(\"teal\")");
}
