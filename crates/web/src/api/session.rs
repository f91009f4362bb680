//! Health, the signed-in user, organisations.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

use crate::auth::Act;
use crate::error::{ApiError, ErrorBody};
use crate::wire::{Health, OrgView, UserView};
use crate::AppState;

#[utoipa::path(get, path = "/health", tag = "system",
    responses((status = 200, body = Health),
              (status = 503, body = Health, description = "the database does not answer, or does not take writes")))]
/// Whether the database answers and takes writes: a probe write each time, and a write the
/// server refused lately for lack of storage with none succeeding since (issue 16), answer
/// 503 so that a load balancer stops sending here. The probe is reused for
/// `Config::health_probe_interval`, so a flood of calls is not a flood of writes.
pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    use kirjuri_app::operations::DatabaseHealth as D;
    let probed = {
        // Held across the probe: whoever arrives meanwhile waits and reuses its answer.
        let mut last = state.health_probe.lock().await;
        match &*last {
            // Only a healthy answer is reused: a database that recovers shows at once.
            Some((at, db @ D::Ok)) if at.elapsed() < state.config.health_probe_interval => {
                db.clone()
            }
            _ => {
                let server = format!("pid {}", std::process::id());
                // A stalled database must not hold every caller behind this lock.
                let db = tokio::time::timeout(
                    std::time::Duration::from_secs(5),
                    state.app.database_health(&server),
                )
                .await
                .unwrap_or_else(|_| D::Unreachable("no answer within 5 s".into()));
                *last = Some((std::time::Instant::now(), db.clone()));
                db
            }
        }
    };
    // A refused write is read live, never from the reused probe.
    let db = match probed {
        D::Ok if state.metrics.writes.refusing() => D::StorageFull,
        other => other,
    };
    let (code, database, message): (u8, _, _) = match &db {
        D::Ok => (0, "ok", None),
        D::Unreachable(_) => (1, "unreachable", Some("the database does not answer")),
        D::StorageFull => (
            2,
            "storage_full",
            Some("the database's storage is full: writes are refused, reads still answer"),
        ),
        D::Unwritable(_) => (
            3,
            "unwritable",
            Some("the database refuses writes (read-only): nothing can be saved, and every read of client data is refused because its access-log row cannot be written"),
        ),
    };
    // Said once when the state changes, not at every probe of a load balancer.
    let before = state
        .metrics
        .writes
        .reported
        .swap(code, std::sync::atomic::Ordering::Relaxed);
    if before != code {
        match &db {
            D::Ok => tracing::info!("health: the database takes writes again"),
            D::Unreachable(why) | D::Unwritable(why) => {
                tracing::error!("health: {database}: {why}")
            }
            D::StorageFull => tracing::error!("health: the database's storage is full"),
        }
    }
    let status = if code == 0 {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(Health {
            status: if code == 0 { "ok" } else { "degraded" },
            database,
            message,
            notices: state.app.notice_health().await.ok().flatten(),
        }),
    )
}

#[utoipa::path(get, path = "/api/me", tag = "session",
    responses((status = 200, body = UserView), (status = 401, body = ErrorBody)))]
/// The signed-in user.
pub async fn me(
    State(state): State<AppState>,
    Act(actor): Act,
) -> Result<Json<UserView>, ApiError> {
    let (user, organisation) = state.app.whoami(&actor).await?;
    Ok(Json(UserView::new(&user, organisation.as_ref())))
}

#[utoipa::path(get, path = "/api/organisations", tag = "organisations",
    responses((status = 200, body = [OrgView])))]
/// Every organisation, named in full.
pub async fn organisations(
    State(state): State<AppState>,
    Act(actor): Act,
) -> Result<Json<Vec<OrgView>>, ApiError> {
    let orgs = state.app.organisations(&actor).await?;
    Ok(Json(orgs.iter().map(OrgView::from).collect()))
}
