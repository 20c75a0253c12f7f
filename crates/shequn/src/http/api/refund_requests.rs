//! `/api/v1/refund-requests`: the after-sales queue (售后) — customers' refund and return
//! requests, decided by managers and brand admins; staff may file one for a customer on
//! an order (`POST /api/v1/orders/{id}/refund-requests`); and
//! `POST /api/v1/orders/{id}/reconcile`, asking the payment provider about an unpaid order.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use shequn_app::usecases::orders::PaymentApplied;
use shequn_app::usecases::refund_requests::{self as requests, RefundRequestView};
use shequn_app::usecases::{payments, shop};
use shequn_domain::OrderId;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{PageOf, rfc3339};
use crate::http::auth::Caller;
use crate::http::extract::{ApiJson, ApiQuery, IdPath};
use crate::http::problem::{ApiError, ProblemBody};
use crate::http::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_requests))
        .routes(routes!(get_request))
        .routes(routes!(approve_request))
        .routes(routes!(reject_request))
        .routes(routes!(file_request))
        .routes(routes!(reconcile_order))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RefundRequestOut {
    pub id: i64,
    pub order_id: i64,
    /// The line (0-based); absent for the order as a whole.
    pub line_no: Option<i64>,
    pub line_title: Option<String>,
    /// Fen.
    pub amount: i64,
    /// Units sent back.
    pub quantity: i64,
    pub reason: String,
    /// requested | approved | rejected
    pub status: String,
    pub decided_by: Option<i64>,
    pub decision_note: String,
    /// The booked refund's number at the gateway, once approved.
    pub refund_no: Option<String>,
    /// requested | succeeded | failed: the refund's state with its gateway.
    pub refund_status: Option<String>,
    pub created_at: String,
    pub decided_at: Option<String>,
}

impl From<RefundRequestView> for RefundRequestOut {
    fn from(r: RefundRequestView) -> Self {
        RefundRequestOut {
            id: r.id,
            order_id: r.order.get(),
            line_no: r.line,
            line_title: r.line_title,
            amount: r.amount.get(),
            quantity: r.quantity,
            reason: r.reason,
            status: r.status,
            decided_by: r.decided_by.map(|s| s.get()),
            decision_note: r.decision_note,
            refund_no: r.refund_no,
            refund_status: r.refund_status,
            created_at: rfc3339(r.created_at),
            decided_at: r.decided_at.map(rfc3339),
        }
    }
}

/// The queue newest first, within the caller's scope; `status` = requested | approved | rejected.
#[utoipa::path(get, path = "/api/v1/refund-requests", tag = "orders", security(("bearer" = [])),
    params(("status" = Option<String>, Query), ("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = PageOf<RefundRequestOut>), (status = 422, body = ProblemBody)))]
async fn list_requests(
    State(state): State<AppState>,
    caller: Caller,
    q: ApiQuery,
) -> Result<Json<PageOf<RefundRequestOut>>, ApiError> {
    let (cursor, size) = q.page()?;
    let page = requests::list(&state.db, &caller.actor, q.str("status"), cursor, size).await?;
    Ok(Json(PageOf::map(page, RefundRequestOut::from)))
}

#[utoipa::path(get, path = "/api/v1/refund-requests/{request_id}", tag = "orders", security(("bearer" = [])),
    params(("request_id" = i64, Path)),
    responses((status = 200, body = RefundRequestOut), (status = 404, body = ProblemBody)))]
async fn get_request(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<RefundRequestOut>, ApiError> {
    Ok(Json(
        requests::get(&state.db, &caller.actor, id).await?.into(),
    ))
}

/// Approve: the refund is booked (never beyond what was paid: 409 `refund_exceeds_paid`),
/// returned units go back on hand, and the refund is sent to the provider that took the
/// money. Approving again answers the same request.
#[utoipa::path(post, path = "/api/v1/refund-requests/{request_id}/approve", tag = "orders", security(("bearer" = [])),
    params(("request_id" = i64, Path)),
    responses((status = 200, body = RefundRequestOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody)))]
async fn approve_request(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<RefundRequestOut>, ApiError> {
    let approved = requests::approve(&state.db, &caller.actor, id).await?;
    state.send_refunds_soon();
    Ok(Json(approved.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectIn {
    /// Why (the customer sees it): 1 to 200 characters.
    pub note: String,
}

#[utoipa::path(post, path = "/api/v1/refund-requests/{request_id}/reject", tag = "orders", security(("bearer" = [])),
    params(("request_id" = i64, Path)), request_body = RejectIn,
    responses((status = 200, body = RefundRequestOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn reject_request(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<RejectIn>,
) -> Result<Json<RefundRequestOut>, ApiError> {
    Ok(Json(
        requests::reject(&state.db, &caller.actor, id, &input.note)
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestIn {
    /// The line (0-based); absent for the order as a whole.
    pub line_no: Option<i64>,
    /// Fen, at least 1 and at most what is left to refund (less open requests).
    pub amount: i64,
    /// Units of that line sent back.
    #[serde(default)]
    pub quantity: i64,
    pub reason: String,
}

/// File a refund request for the customer (e.g. asked for in the chat group).
#[utoipa::path(post, path = "/api/v1/orders/{order_id}/refund-requests", tag = "orders", security(("bearer" = [])),
    params(("order_id" = i64, Path), ("Idempotency-Key" = Option<String>, Header)), request_body = RequestIn,
    responses((status = 201, body = RefundRequestOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn file_request(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<RequestIn>,
) -> Result<(StatusCode, Json<RefundRequestOut>), ApiError> {
    let ask = shop::RefundAsk {
        line: input.line_no,
        amount: input.amount,
        quantity: input.quantity,
        reason: input.reason,
    };
    let made = requests::file(&state.db, &caller.actor, OrderId(id), ask).await?;
    Ok((StatusCode::CREATED, Json(made.into())))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReconcileOut {
    /// paid | duplicate | refund_booked | nothing_paid
    pub outcome: String,
}

/// Ask the payment provider whether the order was paid (for a notification that never
/// came) and apply what it says.
#[utoipa::path(post, path = "/api/v1/orders/{order_id}/reconcile", tag = "orders", security(("bearer" = [])),
    params(("order_id" = i64, Path)),
    responses((status = 200, body = ReconcileOut), (status = 404, body = ProblemBody)))]
async fn reconcile_order(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<ReconcileOut>, ApiError> {
    let applied =
        payments::reconcile_order(&state.db, state.gateways()?, &caller.actor, OrderId(id)).await?;
    let outcome = match applied {
        Some(PaymentApplied::Paid) => "paid",
        Some(PaymentApplied::Duplicate) => "duplicate",
        Some(PaymentApplied::RefundBooked(_)) => "refund_booked",
        None => "nothing_paid",
    };
    Ok(Json(ReconcileOut {
        outcome: outcome.into(),
    }))
}
