//! `/api/v1/audit-events`: the operation log of the caller's scope, newest first.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use shequn_app::usecases::audit;
use shequn_domain::AuditEntry;
use shequn_domain::{RegionId, StaffId, StoreId};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{PageOf, rfc3339};
use crate::http::auth::Caller;
use crate::http::extract::ApiQuery;
use crate::http::problem::{ApiError, ProblemBody};
use crate::http::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit_events))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventOut {
    pub id: i64,
    pub at: String,
    /// Who acted; absent for operator commands (`shequn brand create`).
    pub actor_staff_id: Option<i64>,
    pub actor_name: Option<String>,
    /// e.g. `store.updated`, `staff.password_reset`.
    pub action: String,
    /// region, store, staff, token or brand.
    pub subject_type: String,
    pub subject_id: i64,
    pub region_id: Option<i64>,
    pub store_id: Option<i64>,
    /// The values after the change (never secrets).
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

impl From<AuditEntry> for AuditEventOut {
    fn from(r: AuditEntry) -> Self {
        AuditEventOut {
            id: r.id,
            at: rfc3339(r.at),
            actor_staff_id: r.actor_staff_id.map(StaffId::get),
            actor_name: r.actor_name,
            action: r.action,
            subject_type: r.subject_type,
            subject_id: r.subject_id,
            region_id: r.region_id.map(RegionId::get),
            store_id: r.store_id.map(StoreId::get),
            detail: serde_json::from_str(&r.detail).unwrap_or(serde_json::Value::Null),
        }
    }
}

/// The operation log: brand admins see the brand's, managers their region's or store's;
/// shop guides get 403. Newest first; `cursor` pages towards older events.
#[utoipa::path(get, path = "/api/v1/audit-events", tag = "audit", security(("bearer" = [])),
    params(("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = PageOf<AuditEventOut>), (status = 403, body = ProblemBody), (status = 401, body = ProblemBody)))]
async fn list_audit_events(
    State(state): State<AppState>,
    caller: Caller,
    q: ApiQuery,
) -> Result<Json<PageOf<AuditEventOut>>, ApiError> {
    let (cursor, size) = q.page()?;
    let page = audit::list(&state.db, &caller.actor, cursor, size).await?;
    Ok(Json(PageOf::map(page, AuditEventOut::from)))
}
