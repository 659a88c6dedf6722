//! Golden tests of the query encoder of the generated crate: deepObject brackets at any
//! depth, percent-encoding of keys and values, literal bracketed names, nothing when unset.

use telnyx_recordings::query::{encode_path_segment, QueryString};
use telnyx_recordings::types::{
    CallRecordingsPageConsolidated, GetRecordingsFilter, GetRecordingsFilterCreatedAt,
    GetRecordingsFilterStartTime, GetRecordingsParams,
};

#[test]
fn nothing_set_gives_an_empty_query() {
    let params = GetRecordingsParams::default();
    assert_eq!(params.query().as_str(), "");
    assert!(params.query().is_empty());
    // Set but empty objects add nothing either.
    let params = GetRecordingsParams::new()
        .page(CallRecordingsPageConsolidated::new())
        .filter(GetRecordingsFilter::new());
    assert_eq!(params.query().as_str(), "");
}

#[test]
fn page_and_nested_filter_use_brackets() {
    let params = GetRecordingsParams::new()
        .page(CallRecordingsPageConsolidated::new().size(50))
        .filter(
            GetRecordingsFilter::new()
                .created_at(GetRecordingsFilterCreatedAt::new().gte("2019-03-29T11:10:00Z")),
        );
    assert_eq!(
        params.query().as_str(),
        "page[size]=50&filter[created_at][gte]=2019-03-29T11:10:00Z"
    );
}

#[test]
fn full_filter_in_spec_order() {
    let params = GetRecordingsParams::new()
        .page(CallRecordingsPageConsolidated::new().size(250).number(3))
        .filter(
            GetRecordingsFilter::new()
                .conference_id("428c31b6-7af4-4bcb-b7f5-5013ef9657c1")
                .created_at(
                    GetRecordingsFilterCreatedAt::new()
                        .gte("2019-03-29T11:10:00Z")
                        .lte("2019-03-30T11:10:00Z"),
                )
                .call_leg_id("leg")
                .call_session_id("session")
                .from("+15551234567")
                .to("+15557654321")
                .connection_id("175237942907135762")
                .sip_call_id("sip")
                .call_control_id("v3:abc")
                .conference_region("us")
                .start_time(GetRecordingsFilterStartTime::new()),
        );
    assert_eq!(
        params.query().as_str(),
        "page[size]=250&page[number]=3\
         &filter[conference_id]=428c31b6-7af4-4bcb-b7f5-5013ef9657c1\
         &filter[created_at][gte]=2019-03-29T11:10:00Z\
         &filter[created_at][lte]=2019-03-30T11:10:00Z\
         &filter[call_leg_id]=leg&filter[call_session_id]=session\
         &filter[from]=%2B15551234567&filter[to]=%2B15557654321\
         &filter[connection_id]=175237942907135762&filter[sip_call_id]=sip\
         &filter[call_control_id]=v3:abc&filter[conference_region]=us"
    );
}

#[test]
fn reserved_and_non_ascii_characters_are_encoded() {
    let params =
        GetRecordingsParams::new().filter(GetRecordingsFilter::new().from("+1 a&b=c/d#e?f é:g"));
    assert_eq!(
        params.query().as_str(),
        "filter[from]=%2B1%20a%26b%3Dc%2Fd%23e%3Ff%20%C3%A9:g"
    );
}

#[test]
fn encoded_values_decode_back_exactly() {
    // What a server sees after form-decoding must be what the caller set.
    let value = "+15551234567 & = / # ? é : %20";
    let value: &str = value;
    let mut query = QueryString::new();
    query.write("filter[from]", value);
    let url = reqwest_like_parse(query.as_str());
    assert_eq!(url, vec![("filter[from]".to_owned(), value.to_owned())]);
}

#[test]
fn literal_bracketed_names_match_the_deep_object_form() {
    // A spec may declare `page[number]` as a plain query parameter name.
    let mut literal = QueryString::new();
    literal.push("page[number]", "2");
    literal.push("filter[status]", "completed");
    let deep = GetRecordingsParams::new().page(CallRecordingsPageConsolidated::new().number(2));
    assert_eq!(literal.as_str(), "page[number]=2&filter[status]=completed");
    assert_eq!(deep.query().as_str(), "page[number]=2");
}

#[test]
fn keys_are_encoded_except_brackets() {
    let mut query = QueryString::new();
    query.push("a b[c&d]", "1");
    assert_eq!(query.as_str(), "a%20b[c%26d]=1");
}

#[test]
fn arrays_and_scalars() {
    let mut query = QueryString::new();
    query.write(
        "filter[features]",
        &vec!["sms".to_owned(), "mms".to_owned()],
    );
    query.write("flag", &true);
    query.write("ratio", &1.5f64);
    query.push_each("tag", &["a", "b"]);
    query.push_delimited("ids", &[1i64, 2, 3], "%7C");
    query.push_list("csv", &["a,b", "c"], ",");
    assert_eq!(
        query.as_str(),
        "filter[features]=sms,mms&flag=true&ratio=1.5&tag=a&tag=b&ids=1%7C2%7C3&csv=a%2Cb,c"
    );
}

#[test]
fn path_segments_stay_one_segment() {
    assert_eq!(encode_path_segment("a/b?c#d e"), "a%2Fb%3Fc%23d%20e");
    assert_eq!(encode_path_segment(".."), "%2E%2E");
    assert_eq!(encode_path_segment("v3:abc-_.~"), "v3%3Aabc-_.~");
}

/// Splits and percent-decodes a query the way servers do (`+` would be a space).
fn reqwest_like_parse(query: &str) -> Vec<(String, String)> {
    let url = format!("http://h/?{query}");
    let url = url::Url::parse(&url).unwrap();
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}
