//! Issue 6 in the server: every entry passes the entry-quality checks (A13–A18) before it is
//! written, and `POST /api/check` checks the text an official is writing.

use super::*;

async fn count(app: &App, table: &str) -> i64 {
    raw_i64(&app.store, &format!("SELECT COUNT(*) FROM {table}")).await
}

#[tokio::test]
async fn an_entry_is_saved_with_its_warnings_and_a_blocking_finding_refuses_it() {
    each_backend(|app| async move {
        let a = app.login("a").await;
        // A14: an internal abbreviation warns; the entry is saved with the finding.
        let (s, e) = a
            .post(
                &app.client_path("/entries"),
                json!({"entry_type": "contact", "text": "Asiakas ohjattiin TTV:lle selvitystä varten.",
                       "event_at": "2026-03-02T10:00:00+02:00"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{e}");
        let f = &e["findings"][0];
        assert_eq!((f["kind"].as_str(), f["severity"].as_str()), (Some("abbreviation"), Some("warn")), "{e}");
        assert!(f["suggestion_fi"].as_str().unwrap().contains("työttömyysturvan vastuualue"), "{f}");
        assert_eq!(count(&app, "entry_findings").await, 1);

        // A15: a belittling word in safety information blocks; nothing is written.
        let entries = count(&app, "entries").await;
        let (s, b) = a
            .post(
                &app.client_path("/entries"),
                json!({"entry_type": "safety", "text": "Asiakas on laiska ja hankala.",
                       "event_at": "2026-03-02T10:00:00+02:00"}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(b["error"]["code"], "blocked_by_checks");
        assert_eq!(b["error"]["field"], "text");
        let found = &b["error"]["findings"][0];
        assert_eq!((found["kind"].as_str(), found["severity"].as_str()), (Some("offensive"), Some("block")), "{b}");
        assert_eq!(found["matched"], "laiska");
        assert_eq!((found["start"].as_u64(), found["end"].as_u64()), (Some(11), Some(17)));
        assert_eq!(count(&app, "entries").await, entries);
        assert_eq!(count(&app, "entry_findings").await, 1);
        app
    })
    .await;
}

#[tokio::test]
async fn the_check_endpoint_reports_findings_and_refuses_bad_input() {
    each_backend(|app| async move {
        let a = app.login("a").await;
        // A16: a valid identity code in free text is found, and shown only masked.
        let text = "Asiakkaan henkilötunnus on 131052-308T.";
        let (s, r) = a
            .post("/api/check", json!({"text": text, "entry_type": "contact"}))
            .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let hetu = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["kind"] == "hetu")
            .unwrap();
        assert_eq!(hetu["matched"], "131052-****");
        assert!(!r.to_string().contains("308T"));
        assert_eq!(r["blocks"], false);
        // A18: in an outgoing e-mail it blocks.
        let (_, r) = a
            .post("/api/check", json!({"text": text, "purpose": "email"}))
            .await;
        assert_eq!(r["blocks"], true, "{r}");
        // A17: a diagnosis code outside work-capacity information.
        let (_, r) = a
            .post(
                "/api/check",
                json!({"text": "Asiakkaalla on todettu F32.1.", "entry_type": "contact"}),
            )
            .await;
        assert!(
            r["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["kind"] == "health"),
            "{r}"
        );
        let (_, r) = a
            .post(
                "/api/check",
                json!({"text": "Asiakkaalla on todettu F32.1.", "entry_type": "work_capacity"}),
            )
            .await;
        assert!(
            r["findings"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["kind"] != "health"),
            "{r}"
        );
        // Bad input: a field error each, never a panic.
        for (body, field) in [
            (json!({"text": ""}), "text"),
            (json!({"text": "x".repeat(100_001)}), "text"),
            (json!({"text": "Teksti.", "purpose": "fax"}), "purpose"),
            (
                json!({"text": "Teksti.", "entry_type": "gossip"}),
                "entry_type",
            ),
            (
                json!({"text": "Teksti.", "language": "klingon"}),
                "language",
            ),
        ] {
            let (s, b) = a.post("/api/check", body).await;
            assert_field_error(s, &b, field);
        }
        let (s, b) = a
            .post(
                "/api/check",
                json!({"text": "ohjaus\u{0}\u{7}\u{1b}[2J TTV"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        app
    })
    .await;
}
