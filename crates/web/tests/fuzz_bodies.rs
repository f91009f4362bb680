//! Property tests over request parsing: whatever bytes arrive, parsing and validation answer
//! with a value or an error, never a panic.

use kirjuri_domain::ClientId;
use kirjuri_web::extract::parse_body;
use kirjuri_web::wire::{NewAppointmentRequest, NewClientRequest, NewEntryRequest};
use proptest::prelude::*;

fn client() -> ClientId {
    "7e0e5c3e-0000-4000-8000-000000000001".parse().unwrap()
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        "\\PC{0,30}".prop_map(serde_json::Value::from),
        prop_oneof![
            Just("2026-02-30"),
            Just("2026-03-02T10:00:00+02:00"),
            Just("visit"),
            Just("phone"),
            Just("employment_plan"),
            Just("131052-308T"),
            Just("fi"),
            Just("03:30"),
        ]
        .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    Just("hetu".to_owned()),
                    Just("entry_type".to_owned()),
                    Just("text".to_owned()),
                    Just("event_at".to_owned()),
                    Just("follow_up_dates".to_owned()),
                    Just("corrects".to_owned()),
                    Just("mode".to_owned()),
                    Just("kind".to_owned()),
                    Just("date".to_owned()),
                    Just("time".to_owned()),
                    Just("address".to_owned()),
                    Just("duration_minutes".to_owned()),
                    Just("language".to_owned()),
                    "[a-z_]{1,10}",
                ],
                inner,
                0..8,
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = parse_body::<NewEntryRequest>(&bytes);
        let _ = parse_body::<NewClientRequest>(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics_and_errors_name_a_field(v in json_value()) {
        let bytes = serde_json::to_vec(&v).unwrap();
        match parse_body::<NewEntryRequest>(&bytes) {
            Ok(req) => { let _ = req.into_domain(client()); }
            Err(e) => prop_assert!(e.field.is_some() || e.code == "invalid_json", "{e:?}"),
        }
        if let Ok(req) = parse_body::<NewAppointmentRequest>(&bytes) {
            let _ = req.into_domain(client());
        }
        if let Ok(req) = parse_body::<NewClientRequest>(&bytes) {
            let _ = req.parse();
        }
    }
}
