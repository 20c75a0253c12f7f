//! `/api/v1/orders`: placing an order for a customer (prices from the catalogue, stock
//! reserved, unpaid orders expiring), cancelling, reading with the timeline; and
//! `/api/v1/order-settings` (how long unpaid orders wait).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use shequn_app::storage::orders::TimelineEntry;
use shequn_app::usecases::orders::{self, LineInput, OrderQuery, PlaceInput, Placed};
use shequn_domain::OrderId;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{PageOf, rfc3339};
use crate::http::auth::Caller;
use crate::http::extract::{ApiJson, ApiQuery, IdPath};
use crate::http::problem::{ApiError, Problem, ProblemBody};
use crate::http::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_orders, place_order))
        .routes(routes!(get_order))
        .routes(routes!(cancel_order))
        .routes(routes!(ship_order))
        .routes(routes!(complete_order))
        .routes(routes!(refund_order))
        .routes(routes!(get_settings, set_settings))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineIn {
    pub sku_id: i64,
    pub quantity: i64,
    /// Ignored: prices come from the catalogue.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub price: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderIn {
    pub customer_id: i64,
    /// 1 to 50 lines, each SKU once.
    pub lines: Vec<LineIn>,
    /// The community the order came through, if any.
    pub community_id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LineOut {
    pub sku_id: i64,
    pub title: String,
    /// Fen, as sold.
    pub unit_price: i64,
    pub quantity: u32,
    pub refunded: i64,
    pub returned: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventOut {
    pub event: String,
    pub status_after: String,
    pub staff_id: Option<i64>,
    pub at: String,
}

impl From<TimelineEntry> for EventOut {
    fn from(e: TimelineEntry) -> Self {
        EventOut {
            event: e.event,
            status_after: e.status_after,
            staff_id: e.staff.map(|s| s.get()),
            at: rfc3339(e.at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderOut {
    pub id: i64,
    pub customer_id: i64,
    pub store_id: Option<i64>,
    pub guide_id: Option<i64>,
    pub community_id: Option<i64>,
    /// `pending_payment`, `paid`, `shipped`, `completed`, `cancelled`, `expired`, `refunded`.
    pub status: &'static str,
    /// Fen.
    pub total: i64,
    pub paid: i64,
    pub refunded: i64,
    pub lines: Vec<LineOut>,
    pub placed_at: String,
    /// Unpaid after this, the order expires and its stock goes back.
    pub pay_deadline: String,
    pub closed_at: Option<String>,
    /// Present on a single order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Vec<EventOut>>,
    /// Where a store order ships (on a single order; the phone masked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping: Option<ShippingOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShippingOut {
    pub recipient: String,
    /// Masked, e.g. 139****5678.
    pub phone: String,
    pub address: String,
    pub note: String,
}

fn order_out(p: Placed, timeline: Option<Vec<TimelineEntry>>) -> OrderOut {
    let o = p.order;
    OrderOut {
        id: p.meta.id.get(),
        customer_id: p.meta.customer.get(),
        store_id: p.meta.store.map(|s| s.get()),
        guide_id: p.meta.guide.map(|s| s.get()),
        community_id: p.meta.community.map(|c| c.get()),
        status: o.status.as_str(),
        total: o.total.get(),
        paid: o.paid.get(),
        refunded: o.refunded.get(),
        lines: o
            .lines
            .into_iter()
            .map(|l| LineOut {
                sku_id: l.sku.get(),
                title: l.title,
                unit_price: l.unit_price.get(),
                quantity: l.quantity,
                refunded: l.refunded.get(),
                returned: l.returned,
            })
            .collect(),
        placed_at: rfc3339(o.placed_at),
        pay_deadline: rfc3339(o.pay_deadline),
        closed_at: o.closed_at.map(rfc3339),
        timeline: timeline.map(|t| t.into_iter().map(EventOut::from).collect()),
        shipping: None,
    }
}

fn time_param(q: &ApiQuery, name: &'static str) -> Result<Option<i64>, ApiError> {
    match q.str(name) {
        None => Ok(None),
        Some(raw) => OffsetDateTime::parse(raw, &Rfc3339)
            .map(|t| Some((t.unix_timestamp_nanos() / 1_000_000) as i64))
            .map_err(|_| {
                Problem::validation(name, format!("must be an RFC 3339 time, got '{raw}'")).into()
            }),
    }
}

/// Orders newest first, within the caller's scope.
#[utoipa::path(get, path = "/api/v1/orders", tag = "orders", security(("bearer" = [])),
    params(("status" = Option<String>, Query), ("customer_id" = Option<i64>, Query), ("store_id" = Option<i64>, Query),
        ("from" = Option<String>, Query, description = "Placed at or after (RFC 3339)"), ("to" = Option<String>, Query, description = "Placed before (RFC 3339)"),
        ("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = PageOf<OrderOut>), (status = 422, body = ProblemBody)))]
async fn list_orders(
    State(state): State<AppState>,
    caller: Caller,
    q: ApiQuery,
) -> Result<Json<PageOf<OrderOut>>, ApiError> {
    let (cursor, size) = q.page()?;
    let query = OrderQuery {
        status: q.str("status").map(str::to_owned),
        customer: q.id("customer_id")?,
        store: q.id("store_id")?,
        from: time_param(&q, "from")?,
        to: time_param(&q, "to")?,
    };
    let page = orders::list(&state.db, &caller.actor, query, cursor, size).await?;
    Ok(Json(PageOf::map(page, |p| order_out(p, None))))
}

/// Place an order for a customer. Prices and totals come from the catalogue (a price in
/// the request is ignored); each line's units are reserved at once, so a SKU without
/// enough stock refuses the order (409 `out_of_stock`). Send an `Idempotency-Key`: a retry
/// answers the same order and never places a second.
#[utoipa::path(post, path = "/api/v1/orders", tag = "orders", security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header)), request_body = OrderIn,
    responses((status = 201, body = OrderOut), (status = 409, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn place_order(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<OrderIn>,
) -> Result<(StatusCode, Json<OrderOut>), ApiError> {
    let placed = orders::place(
        &state.db,
        &caller.actor,
        PlaceInput {
            customer: input.customer_id,
            lines: input
                .lines
                .into_iter()
                .map(|l| LineInput {
                    sku: l.sku_id,
                    quantity: l.quantity,
                })
                .collect(),
            community: input.community_id,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(order_out(placed, None))))
}

#[utoipa::path(get, path = "/api/v1/orders/{order_id}", tag = "orders", security(("bearer" = [])),
    params(("order_id" = i64, Path)),
    responses((status = 200, body = OrderOut), (status = 404, body = ProblemBody)))]
async fn get_order(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<OrderOut>, ApiError> {
    let (placed, timeline) = orders::get(&state.db, &caller.actor, OrderId(id)).await?;
    let shipping =
        shequn_app::usecases::shop::shipping_for_staff(&state.db, &caller.actor, OrderId(id))
            .await?
            .map(|s| ShippingOut {
                recipient: s.recipient,
                phone: s.phone,
                address: s.address,
                note: s.note,
            });
    Ok(Json(OrderOut {
        shipping,
        ..order_out(placed, Some(timeline))
    }))
}

/// Cancel an unpaid order: its stock goes back. Cancelling twice changes nothing; a paid
/// order refuses with 409 `invalid_transition`.
#[utoipa::path(post, path = "/api/v1/orders/{order_id}/cancel", tag = "orders", security(("bearer" = [])),
    params(("order_id" = i64, Path)),
    responses((status = 200, body = OrderOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody)))]
async fn cancel_order(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<OrderOut>, ApiError> {
    let placed = orders::cancel(&state.db, &caller.actor, OrderId(id)).await?;
    Ok(Json(order_out(placed, None)))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsIo {
    /// Minutes an unpaid order waits before it expires (5 to 10,080; default 30).
    pub pay_within_minutes: i64,
}

#[utoipa::path(get, path = "/api/v1/order-settings", tag = "orders", security(("bearer" = [])),
    responses((status = 200, body = SettingsIo)))]
async fn get_settings(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<SettingsIo>, ApiError> {
    Ok(Json(SettingsIo {
        pay_within_minutes: orders::pay_within_minutes(&state.db, &caller.actor).await?,
    }))
}

#[utoipa::path(put, path = "/api/v1/order-settings", tag = "orders", security(("bearer" = [])),
    request_body = SettingsIo,
    responses((status = 200, body = SettingsIo), (status = 403, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn set_settings(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<SettingsIo>,
) -> Result<Json<SettingsIo>, ApiError> {
    let m =
        orders::set_pay_within_minutes(&state.db, &caller.actor, input.pay_within_minutes).await?;
    Ok(Json(SettingsIo {
        pay_within_minutes: m,
    }))
}

/// Ship a paid order.
#[utoipa::path(post, path = "/api/v1/orders/{order_id}/ship", tag = "orders", security(("bearer" = [])),
    params(("order_id" = i64, Path)),
    responses((status = 200, body = OrderOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody)))]
async fn ship_order(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<OrderOut>, ApiError> {
    let placed = orders::ship(&state.db, &caller.actor, OrderId(id)).await?;
    Ok(Json(order_out(placed, None)))
}

/// Complete a shipped order (the buyer confirmed receipt).
#[utoipa::path(post, path = "/api/v1/orders/{order_id}/complete", tag = "orders", security(("bearer" = [])),
    params(("order_id" = i64, Path)),
    responses((status = 200, body = OrderOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody)))]
async fn complete_order(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<OrderOut>, ApiError> {
    let placed = orders::complete(&state.db, &caller.actor, OrderId(id)).await?;
    Ok(Json(order_out(placed, None)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundIn {
    /// The line (0-based, as listed); absent for the order as a whole.
    pub line_no: Option<i64>,
    /// Fen, more than 0; never more than is left to refund.
    pub amount: i64,
    /// Units of that line that came back to stock.
    #[serde(default)]
    pub restock: i64,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RefundOut {
    pub order: OrderOut,
    /// The refund's number at the gateway (reused by every retry of this refund).
    pub refund_no: String,
}

/// Book a refund staff approved (managers and admins): full or partial, per line or on the
/// whole order, never more than was paid (409 `refund_exceeds_paid`); returned units go
/// back to stock.
#[utoipa::path(post, path = "/api/v1/orders/{order_id}/refunds", tag = "orders", security(("bearer" = [])),
    params(("order_id" = i64, Path), ("Idempotency-Key" = Option<String>, Header)), request_body = RefundIn,
    responses((status = 201, body = RefundOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn refund_order(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<RefundIn>,
) -> Result<(StatusCode, Json<RefundOut>), ApiError> {
    let (placed, refund_no) = orders::refund(
        &state.db,
        &caller.actor,
        OrderId(id),
        orders::RefundInput {
            line: input.line_no,
            amount: input.amount,
            restock: input.restock,
            reason: input.reason,
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(RefundOut {
            order: order_out(placed, None),
            refund_no,
        }),
    ))
}
