//! Issue 14, report times: the reports' whole-table reads come back packed into one JSON
//! value by the database and are unpacked by the store. These tests show the unpacked rows are
//! the rows the query returns, NULLs and awkward text included, on every backend.

use super::*;
use kirjuri_store::testing::packed_rows;

const SELECT: &str = "SELECT id, name_fi, CAST(NULL AS TEXT) AS missing,
        'lainaus \"x\" \\ kenoviiva, rivi
toinen, å ä ö, 😀' AS tricky
    FROM organisations WHERE ($1 IS NULL OR id = $1)";

#[tokio::test]
async fn a_packed_read_returns_every_row_with_nulls_and_awkward_text() {
    each_backend(|store, fx, _| async move {
        let rows = packed_rows(
            &store,
            SELECT,
            &["id", "name_fi", "missing", "tricky"],
            &[None],
        )
        .await
        .unwrap();
        let tricky = "lainaus \"x\" \\ kenoviiva, rivi\ntoinen, å ä ö, 😀".to_owned();
        for org in [&fx.org_a, &fx.org_b] {
            let row = rows
                .iter()
                .find(|r| r[0].as_deref() == Some(org.id.to_string().as_str()))
                .unwrap_or_else(|| panic!("{} missing from {rows:?}", org.id));
            assert_eq!(row[1].as_deref(), Some(org.name_fi.as_str()));
            assert_eq!(row[2], None);
            assert_eq!(row[3].as_ref(), Some(&tricky));
        }
        let counted = raw_i64(&store, "SELECT COUNT(*) FROM organisations").await;
        assert_eq!(rows.len() as i64, counted);
    })
    .await;
}

#[tokio::test]
async fn a_packed_read_of_no_rows_is_empty_and_binds_its_parameters() {
    each_backend(|store, fx, _| async move {
        let one = packed_rows(
            &store,
            SELECT,
            &["id", "name_fi"],
            &[Some(fx.org_b.id.to_string())],
        )
        .await
        .unwrap();
        assert_eq!(
            one,
            vec![vec![
                Some(fx.org_b.id.to_string()),
                Some(fx.org_b.name_fi.as_str().to_owned())
            ]]
        );
        let none = packed_rows(
            &store,
            SELECT,
            &["id"],
            &[Some("no-such-organisation".into())],
        )
        .await
        .unwrap();
        assert!(none.is_empty(), "{none:?}");
    })
    .await;
}

#[tokio::test]
async fn a_packed_read_of_a_column_the_query_lacks_is_an_error() {
    each_backend(|store, _, _| async move {
        let err = packed_rows(&store, SELECT, &["id", "no_such_column"], &[None]).await;
        assert!(err.is_err(), "{err:?}");
    })
    .await;
}
