//! Conformance against Prism, an independent mock server built from the same spec:
//! requests the generated client sends for a matrix of parameters pass Prism's validation
//! (no 422), and random responses Prism makes from the schemas (`-d`) always decode.
//!
//! Prism is pinned in `conformance/package.json` (with its lock file). The first run installs
//! it (`npm ci --prefix conformance`); without node and npm the tests fail and say what to
//! install (the README says so too).

use telnyx_recordings::types::{GetRecordingsFilterCreatedAt, GetRecordingsParams};
use telnyx_recordings::{Client, Error};
use xtask::prism::Prism;

/// Starts the pinned Prism (installed on first use) on the seed spec.
fn start(extra: &[&str]) -> Prism {
    let bin = xtask::prism::binary().unwrap_or_else(|e| panic!("{e}"));
    let spec = openapi_rust_gen_tests::spec();
    Prism::start(&bin, &spec, extra).unwrap_or_else(|e| panic!("{e}"))
}

fn client(prism: &Prism) -> Client {
    Client::builder()
        .api_key("KEY")
        .base_url(&prism.url)
        .max_retries(0)
        .build()
        .unwrap()
}

/// Parameter combinations: page bounds, every filter, values with reserved characters.
fn matrix() -> Vec<GetRecordingsParams> {
    use telnyx_recordings::types::{
        CallRecordingsPageConsolidated, GetRecordingsFilter, GetRecordingsFilterEndTime,
        GetRecordingsFilterStartTime,
    };
    let mut all = vec![GetRecordingsParams::new()];
    for (size, number) in [(1, 1), (20, 2), (250, 1), (250, 1000)] {
        all.push(
            GetRecordingsParams::new().page(
                CallRecordingsPageConsolidated::new()
                    .size(size)
                    .number(number),
            ),
        );
    }
    let values = [
        "+15551234567",
        "a b&c=d/e?f#g",
        "é:ü",
        "v3:e-31OnvjEM7Y4wvxr3TKNk8M3QyLcGZPiUIzCGtwQtOtEjY-B0urkw",
    ];
    for value in values {
        all.push(
            GetRecordingsParams::new().filter(
                GetRecordingsFilter::new()
                    .from(value)
                    .to(value)
                    .connection_id(value)
                    .sip_call_id(value)
                    .call_control_id(value)
                    .conference_region(value),
            ),
        );
    }
    let (gte, lte) = ("2019-03-29T11:10:00Z", "2019-03-30T11:10:00Z");
    let id = "428c31b6-7af4-4bcb-b7f5-5013ef9657c1";
    all.push(
        GetRecordingsParams::new()
            .page(CallRecordingsPageConsolidated::new().size(50))
            .filter(
                GetRecordingsFilter::new()
                    .conference_id(id)
                    .call_leg_id(id)
                    .call_session_id(id)
                    .created_at(GetRecordingsFilterCreatedAt::new().gte(gte).lte(lte))
                    .start_time(GetRecordingsFilterStartTime::new().gte(gte))
                    .end_time(GetRecordingsFilterEndTime::new().lte(lte)),
            ),
    );
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prism_accepts_every_request_and_decodes_its_responses() {
    let prism = start(&["--errors"]);
    let client = client(&prism);
    let combos = matrix();
    for params in &combos {
        match client.get_recordings(params).await {
            Ok(page) => assert!(page.data.is_some(), "{params:?}"),
            Err(e) => panic!("Prism rejected {:?}: {e} ({e:?})", params.query().as_str()),
        }
    }
    // A control: an out-of-range page size must be rejected, or the matrix proves nothing.
    let bad = GetRecordingsParams::new()
        .page(telnyx_recordings::types::CallRecordingsPageConsolidated::new().size(251));
    let err = client.get_recordings(&bad).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422), "{err}");
    // And a request without the API key is refused as the spec's 401.
    let anonymous = Client::builder()
        .api_key("")
        .base_url(&prism.url)
        .build()
        .unwrap();
    let err = anonymous
        .get_recordings(&Default::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api(_)), "{err:?}");
    eprintln!("prism: {} parameter combinations accepted", combos.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_responses_from_the_schemas_always_decode() {
    let prism = start(&["-d"]);
    let client = client(&prism);
    let mut items = 0;
    for _ in 0..200 {
        let page = client
            .get_recordings(&GetRecordingsParams::default())
            .await
            .unwrap_or_else(|e| panic!("a random response did not decode: {e}"));
        items += page.data.map_or(0, |d| d.len());
    }
    eprintln!("prism -d: 200 responses, {items} recordings decoded");
}
