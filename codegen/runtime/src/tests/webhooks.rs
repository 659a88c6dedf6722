//! Webhook verification: the Ed25519 primitive on RFC 8032's vectors, Telnyx-shaped
//! deliveries signed here with a fixed key and every way one can be wrong, and Standard
//! Webhooks on its published vector.

use crate::webhooks::{Verifier, WebhookError, WebhookEvent};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use reqwest::header::{HeaderMap, HeaderValue};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// RFC 8032 §7.1, tests 1–3: (secret key, public key, message, signature).
const RFC8032: &[(&str, &str, &str, &str)] = &[
    (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
    (
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    ),
];

#[test]
fn rfc8032_vectors_verify_and_tampering_does_not() {
    for (secret, public, message, signature) in RFC8032 {
        let secret: [u8; 32] = hex(secret).try_into().unwrap();
        let public: [u8; 32] = hex(public).try_into().unwrap();
        let signature: [u8; 64] = hex(signature).try_into().unwrap();
        let message = hex(message);
        // The vector is what it claims: the key signs the message into the signature.
        let signing = SigningKey::from_bytes(&secret);
        assert_eq!(signing.verifying_key().to_bytes(), public);
        assert_eq!(signing.sign(&message).to_bytes(), signature);

        let key = VerifyingKey::from_bytes(&public).unwrap();
        crate::webhooks::ed25519_verify(&key, &message, &signature).unwrap();
        let mut other = message.clone();
        other.push(0);
        assert!(matches!(
            crate::webhooks::ed25519_verify(&key, &other, &signature),
            Err(WebhookError::SignatureMismatch)
        ));
        let mut flipped = signature;
        flipped[10] ^= 1;
        assert!(crate::webhooks::ed25519_verify(&key, &message, &flipped).is_err());
    }
}

const NOW: u64 = 1_700_000_000;
const BODY: &str = r#"{"data":{"event_type":"call.initiated","id":"0ccc7b54","occurred_at":"2018-02-02T22:25:27.521992Z","payload":{"call_control_id":"v3:abc"},"record_type":"event"}}"#;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn telnyx_key() -> SigningKey {
    SigningKey::from_bytes(&[7; 32])
}

fn public_base64(key: &SigningKey) -> String {
    BASE64.encode(key.verifying_key().to_bytes())
}

/// Headers of a delivery signed by `key` at `timestamp` over `body`, as Telnyx sends them.
fn signed(key: &SigningKey, timestamp: &str, body: &[u8]) -> HeaderMap {
    let mut message = format!("{timestamp}|").into_bytes();
    message.extend_from_slice(body);
    let signature = BASE64.encode(key.sign(&message).to_bytes());
    let mut headers = HeaderMap::new();
    headers.insert(
        "telnyx-timestamp",
        HeaderValue::from_str(timestamp).unwrap(),
    );
    headers.insert(
        "telnyx-signature-ed25519",
        HeaderValue::from_str(&signature).unwrap(),
    );
    headers
}

#[test]
fn a_signed_telnyx_delivery_verifies_and_decodes() {
    // The key as the pinned example passes it: a `String` by value (a `&str` works too).
    let verifier = Verifier::new(public_base64(&telnyx_key())).unwrap();
    let headers = signed(&telnyx_key(), &NOW.to_string(), BODY.as_bytes());
    verifier
        .verify_at(BODY.as_bytes(), &headers, at(NOW))
        .unwrap();
    // 300 s either way is inside the window.
    verifier
        .verify_at(BODY.as_bytes(), &headers, at(NOW + 300))
        .unwrap();
    verifier
        .verify_at(BODY.as_bytes(), &headers, at(NOW - 300))
        .unwrap();
    let event = WebhookEvent::parse(BODY.as_bytes()).unwrap();
    assert!(matches!(event, WebhookEvent::CallInitiated(_)), "{event:?}");
    assert_eq!(event.event_type(), Some("call.initiated"));
}

#[test]
fn every_bad_delivery_has_its_own_error() {
    let key = telnyx_key();
    let verifier = Verifier::ed25519(public_base64(&key)).unwrap();
    let now = NOW.to_string();
    let check = |body: &str, headers: &HeaderMap, clock: u64| {
        verifier.verify_at(body.as_bytes(), headers, at(clock))
    };
    let good = signed(&key, &now, BODY.as_bytes());

    // A tampered body.
    let tampered = BODY.replace("call.initiated", "call.hangup");
    assert!(matches!(
        check(&tampered, &good, NOW),
        Err(WebhookError::SignatureMismatch)
    ));
    // Signed by another key.
    let stranger = SigningKey::from_bytes(&[9; 32]);
    assert!(matches!(
        check(BODY, &signed(&stranger, &now, BODY.as_bytes()), NOW),
        Err(WebhookError::SignatureMismatch)
    ));
    // 301 s old, 301 s ahead: refused however good the signature.
    for clock in [NOW + 301, NOW - 301] {
        match check(BODY, &good, clock) {
            Err(WebhookError::TimestampOutsideTolerance {
                skew_secs,
                tolerance_secs: 300,
                ..
            }) => assert_eq!(skew_secs.unsigned_abs(), 301),
            other => panic!("{other:?}"),
        }
    }
    // A signature made over another timestamp, sent with this one.
    let mut replayed = signed(&key, &(NOW - 1000).to_string(), BODY.as_bytes());
    replayed.insert("telnyx-timestamp", HeaderValue::from_str(&now).unwrap());
    assert!(matches!(
        check(BODY, &replayed, NOW),
        Err(WebhookError::SignatureMismatch)
    ));
    // Missing headers.
    for name in ["telnyx-timestamp", "telnyx-signature-ed25519"] {
        let mut headers = good.clone();
        headers.remove(name);
        match check(BODY, &headers, NOW) {
            Err(WebhookError::MissingHeader(missing)) => assert_eq!(missing, name),
            other => panic!("{name}: {other:?}"),
        }
    }
    // A timestamp that is not a number.
    let mut headers = good.clone();
    headers.insert("telnyx-timestamp", HeaderValue::from_static("yesterday"));
    assert!(matches!(
        check(BODY, &headers, NOW),
        Err(WebhookError::BadTimestamp { .. })
    ));
    // Not base64; base64 of the wrong length.
    for (signature, reason) in [("%%%not-base64%%%", "not base64"), ("AAAA", "64 bytes")] {
        let mut headers = good.clone();
        headers.insert(
            "telnyx-signature-ed25519",
            HeaderValue::from_static(signature),
        );
        match check(BODY, &headers, NOW) {
            Err(WebhookError::BadSignatureEncoding { reason: r, .. }) => {
                assert!(r.contains(reason), "{r}")
            }
            other => panic!("{signature}: {other:?}"),
        }
    }
    // A malformed key: not base64, too short.
    for key in ["not a key!", "AAAA"] {
        assert!(matches!(
            Verifier::ed25519(key),
            Err(WebhookError::MalformedKey(_))
        ));
    }
    // The tolerance is configurable.
    let strict = verifier.clone().tolerance(Duration::from_secs(10));
    assert!(matches!(
        strict.verify_at(BODY.as_bytes(), &good, at(NOW + 11)),
        Err(WebhookError::TimestampOutsideTolerance { .. })
    ));
}

#[test]
fn unknown_event_types_are_kept_whole_and_bad_bodies_are_errors() {
    let body = r#"{"data":{"event_type":"call.teleported","payload":{"to":"mars"}}}"#;
    match WebhookEvent::parse(body.as_bytes()).unwrap() {
        WebhookEvent::Other(json) => assert_eq!(json["data"]["payload"]["to"], "mars"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        WebhookEvent::parse(b"not json"),
        Err(WebhookError::Decode {
            event_type: None,
            ..
        })
    ));
    // A body without the discriminator is another event.
    let event = WebhookEvent::parse(br#"{"data":7}"#).unwrap();
    assert!(matches!(event, WebhookEvent::Other(_)));
}

#[test]
fn from_env_reads_the_documented_variable() {
    // The only test touching this variable.
    std::env::remove_var("RUNTIME_PUBLIC_KEY");
    assert!(matches!(
        Verifier::from_env(),
        Err(WebhookError::MissingKey("RUNTIME_PUBLIC_KEY"))
    ));
    std::env::set_var("RUNTIME_PUBLIC_KEY", public_base64(&telnyx_key()));
    let verifier = Verifier::from_env().unwrap();
    std::env::remove_var("RUNTIME_PUBLIC_KEY");
    let headers = signed(&telnyx_key(), &NOW.to_string(), BODY.as_bytes());
    verifier
        .verify_at(BODY.as_bytes(), &headers, at(NOW))
        .unwrap();
    assert!(!format!("{verifier:?}").contains(&public_base64(&telnyx_key())));
}

/// The vector published with the Standard Webhooks specification.
#[test]
fn standard_webhooks_reference_vector() {
    let verifier = Verifier::standard("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    let body = br#"{"test": 2432232314}"#;
    let mut headers = HeaderMap::new();
    headers.insert(
        "webhook-id",
        HeaderValue::from_static("msg_p5jXN8AQM9LWM0D4loKWxJek"),
    );
    headers.insert("webhook-timestamp", HeaderValue::from_static("1614265330"));
    headers.insert(
        "webhook-signature",
        HeaderValue::from_static("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
    );
    verifier
        .verify_at(body, &headers, at(1_614_265_330))
        .unwrap();
    // Several signatures (a secret being rotated): any one matching is enough.
    headers.insert(
        "webhook-signature",
        HeaderValue::from_static(
            "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        ),
    );
    verifier
        .verify_at(body, &headers, at(1_614_265_330))
        .unwrap();
    // Another body, another id, no v1 signature, too late.
    assert!(matches!(
        verifier.verify_at(br#"{"test": 2432232315}"#, &headers, at(1_614_265_330)),
        Err(WebhookError::SignatureMismatch)
    ));
    let mut other_id = headers.clone();
    other_id.insert("webhook-id", HeaderValue::from_static("msg_other"));
    assert!(matches!(
        verifier.verify_at(body, &other_id, at(1_614_265_330)),
        Err(WebhookError::SignatureMismatch)
    ));
    let mut v2 = headers.clone();
    v2.insert("webhook-signature", HeaderValue::from_static("v2,abc"));
    assert!(matches!(
        verifier.verify_at(body, &v2, at(1_614_265_330)),
        Err(WebhookError::BadSignatureEncoding { .. })
    ));
    assert!(matches!(
        verifier.verify_at(body, &headers, at(1_614_265_330 + 301)),
        Err(WebhookError::TimestampOutsideTolerance { .. })
    ));
    let mut no_id = headers.clone();
    no_id.remove("webhook-id");
    assert!(matches!(
        verifier.verify_at(body, &no_id, at(1_614_265_330)),
        Err(WebhookError::MissingHeader("webhook-id"))
    ));
    assert!(matches!(
        Verifier::standard("whsec_***"),
        Err(WebhookError::MalformedKey(_))
    ));
}

#[test]
fn weak_keys_and_short_secrets_are_refused_at_construction() {
    // Points of small order: the identity (1, 0) and the point of order 2 (-1, 0), compressed.
    let identity = {
        let mut bytes = [0u8; 32];
        bytes[0] = 1;
        bytes
    };
    let minus_one = {
        let mut bytes = [0u8; 32];
        bytes[0] = 0xec;
        bytes[1..31].fill(0xff);
        bytes[31] = 0x7f;
        bytes
    };
    for point in [identity, minus_one] {
        let key = BASE64.encode(point);
        assert!(
            matches!(Verifier::ed25519(&key), Err(WebhookError::MalformedKey(m)) if m.contains("weak")),
            "{key}"
        );
    }
    // 15 bytes of secret: too short; 16: enough.
    assert!(matches!(
        Verifier::standard(format!("whsec_{}", BASE64.encode([7u8; 15]))),
        Err(WebhookError::MalformedKey(m)) if m.contains("fewer than 16")
    ));
    assert!(Verifier::standard(format!("whsec_{}", BASE64.encode([7u8; 16]))).is_ok());
}
