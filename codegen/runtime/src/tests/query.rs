use crate::query::{
    encode_path_segment, form_body, header, header_value, path_segment, CookieString, QueryString,
};
use std::collections::BTreeMap;

#[test]
fn values_and_keys_are_encoded_for_a_query() {
    let mut q = QueryString::new();
    q.push("filter[created_at][gte]", "2019-03-29T11:10:00Z");
    q.push("to", "+1 555&x=y");
    assert_eq!(
        q.as_str(),
        "filter[created_at][gte]=2019-03-29T11:10:00Z&to=%2B1%20555%26x%3Dy"
    );
}

/// Numbers and booleans are written into the query in place: the same text as `push` of
/// their `to_string()`, extremes included (a float is never written with an exponent).
#[test]
fn scalars_are_written_as_their_text() {
    fn same<T: crate::query::ToQuery + ToString>(value: T) {
        let mut written = QueryString::new();
        written.write("a[b]", &value);
        let mut pushed = QueryString::new();
        pushed.push("a[b]", &value.to_string());
        assert_eq!(written, pushed, "{}", value.to_string());
    }
    for v in [i64::MIN, -1, 0, i64::MAX] {
        same(v);
    }
    same(i32::MIN);
    same(u64::MAX);
    same(u32::MAX);
    for v in [
        0.0,
        -0.0,
        1.5,
        -2.25e-7,
        1e300,
        f64::MIN_POSITIVE,
        f64::MAX,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ] {
        same(v);
    }
    same(f32::MIN_POSITIVE);
    same(true);
    same(false);
    let mut q = QueryString::new();
    q.write("n", &3i64);
    q.write("f", &-0.5f64);
    assert_eq!(q.as_str(), "n=3&f=-0.5");
}

/// Every ASCII byte and multi-byte characters (two to four bytes, one at the end), each
/// encoded as the reference does: unreserved characters and the context's extras as they
/// are, every other byte as `%XX` in upper case.
#[test]
fn every_byte_is_encoded_by_its_context() {
    let text: String = (0u8..128).map(char::from).chain("é€😀a𝄞".chars()).collect();
    let reference = |extra: &str| -> String {
        text.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric()
                    || b"-._~".contains(&b)
                    || extra.as_bytes().contains(&b)
                {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    assert_eq!(encode_path_segment(&text), reference(""));
    let mut q = QueryString::new();
    q.push(&text, &text);
    assert_eq!(
        q.as_str(),
        format!("{}={}", reference("[]"), reference(":"))
    );
    assert_eq!(encode_path_segment("é"), "%C3%A9");
    assert_eq!(encode_path_segment(""), "");
}

#[test]
fn arrays_and_objects_take_their_layouts() {
    let mut q = QueryString::new();
    q.push_each("tag", &["a".to_owned(), "b c".to_owned()]);
    q.push_delimited("ids", &[1, 2, 3], "%7C");
    q.write("list", &vec![1, 2]);
    let mut map = BTreeMap::new();
    map.insert("k".to_owned(), 1);
    q.write("obj", &map);
    q.push_flat_object(
        "range",
        &serde_json::json!({"min": 1, "max": null, "label": "a,b"}),
    );
    assert_eq!(
        q.as_str(),
        "tag=a&tag=b%20c&ids=1%7C2%7C3&list=1,2&obj[k]=1&range=label,a%2Cb,min,1"
    );
    let mut empty = QueryString::new();
    empty.push_list::<&str>("none", &[], ",");
    assert!(empty.is_empty());
}

#[test]
fn json_values_nest_and_index() {
    let mut q = QueryString::new();
    q.write(
        "f",
        &serde_json::json!({"a": [{"b": true}], "n": null, "s": "x"}),
    );
    assert_eq!(q.as_str(), "f[a][0][b]=true&f[s]=x");
}

#[test]
fn path_segments_stay_one_segment() {
    assert_eq!(encode_path_segment("a/b?c#d"), "a%2Fb%3Fc%23d");
    assert_eq!(encode_path_segment(".."), "%2E%2E");
    assert_eq!(encode_path_segment("."), "%2E");
    assert_eq!(path_segment("id", "a b").unwrap(), "a%20b");
    assert_eq!(path_segment("n", &7i64).unwrap(), "7");
    // An empty value would address another resource: refused, naming the parameter.
    let error = path_segment("call_id", "").unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid request: the path parameter call_id is empty"
    );
}

#[test]
fn forms_headers_and_cookies() {
    let mut map = BTreeMap::new();
    map.insert("name".to_owned(), "A B".to_owned());
    assert_eq!(form_body(&map), b"name=A%20B");
    assert_eq!(header_value("x-id", &42).unwrap(), "42");
    let map = header("Accept", "application/yaml").unwrap();
    assert_eq!(map.len(), 1);
    assert_eq!(map["accept"], "application/yaml");
    assert!(header("bad name", "x").is_err());
    let e = header_value("x-id", "a\nb").unwrap_err();
    assert!(e.to_string().contains("x-id"), "{e}");
    let mut cookies = CookieString::new();
    cookies.push("session", "a b");
    cookies.push("n", &7);
    assert_eq!(cookies.as_str(), "session=a%20b; n=7");
}

#[test]
fn dates_are_written_as_they_serialize() {
    use chrono::{NaiveDate, TimeZone, Utc};
    let at = Utc.with_ymd_and_hms(2019, 3, 29, 11, 10, 0).unwrap();
    let mut q = QueryString::new();
    q.write("filter[created_at][gte]", &at);
    q.write("day", &NaiveDate::from_ymd_opt(2019, 3, 29).unwrap());
    assert_eq!(
        q.as_str(),
        "filter[created_at][gte]=2019-03-29T11:10:00Z&day=2019-03-29"
    );
    assert_eq!(serde_json::to_value(at).unwrap(), "2019-03-29T11:10:00Z");
    let millis = at + chrono::Duration::milliseconds(521);
    assert_eq!(
        serde_json::to_value(millis).unwrap(),
        "2019-03-29T11:10:00.521Z"
    );
    let mut q = QueryString::new();
    q.write("t", &millis);
    assert_eq!(q.as_str(), "t=2019-03-29T11:10:00.521Z");
    // Any offset is read, and kept as the same instant in UTC.
    let parsed: chrono::DateTime<Utc> =
        serde_json::from_value("2019-03-29T12:10:00+01:00".into()).unwrap();
    assert_eq!(parsed, at);
}

#[test]
fn idempotency_keys_are_version_4_uuids_that_never_repeat() {
    let keys: std::collections::HashSet<String> = (0..10_000)
        .map(|_| crate::query::idempotency_key())
        .collect();
    assert_eq!(keys.len(), 10_000);
    for key in keys.iter().take(50) {
        let groups: Vec<&str> = key.split('-').collect();
        let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
        assert_eq!(lengths, [8, 4, 4, 4, 12], "{key}");
        assert!(groups[2].starts_with('4'), "version 4: {key}");
        assert!(
            matches!(&groups[3][..1], "8" | "9" | "a" | "b"),
            "variant: {key}"
        );
    }
}
