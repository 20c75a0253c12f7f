//! The JSON API under `/api/v1`, one module per resource. Each module's `router()` returns
//! an `OpenApiRouter`, so a route cannot exist without its OpenAPI description.

pub mod activity;
pub mod audit;
pub mod auth;
pub mod catalogue;
pub mod communities;
pub mod customers;
pub mod jobs;
pub mod links;
pub mod members;
pub mod orders;
pub mod payment_settings;
pub mod refund_requests;
pub mod regions;
pub mod screening;
pub mod segments;
pub mod staff;
pub mod stores;
pub mod tokens;
pub mod wecom;

use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use super::state::AppState;

/// UTC instant as RFC 3339 with milliseconds, e.g. `2026-11-23T22:35:48.123Z`.
pub fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "shequn API",
        description = "Community commerce: brands, regions, stores and staff. Errors are RFC 9457 problem+json with a stable `code`. Lists are cursor-paginated (`limit` 1-200, default 50; pass `next_cursor` back as `cursor`). Creating POSTs accept an `Idempotency-Key` header.",
        version = "1"
    ),
    modifiers(&BearerAuth),
    components(schemas(super::problem::ProblemBody, super::problem::FieldError)),
    tags(
        (name = "auth", description = "Logging in and the caller"),
        (name = "tokens", description = "API tokens"),
        (name = "regions", description = "Regions (大区)"),
        (name = "stores", description = "Stores (门店)"),
        (name = "staff", description = "Staff: admins, managers, shop guides (导购)"),
        (name = "audit", description = "The operation log (操作日志)"),
        (name = "communities", description = "Communities (社群) of the brand's stores"),
        (name = "customers", description = "Customers (顾客), their intent tiers and consent"),
        (name = "catalogue", description = "Products (商品), SKUs, stock and images"),
        (name = "orders", description = "Orders (订单): placing, cancelling, expiry, the timeline"),
        (name = "jobs", description = "Durable jobs and timers"),
        (name = "screening", description = "Screening of joiners (入群筛选): rules, dry runs, decisions, removal tasks"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Routes that need a bearer token.
pub fn protected() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(auth::protected_router())
        .merge(tokens::router())
        .merge(regions::router())
        .merge(stores::router())
        .merge(staff::router())
        .merge(audit::router())
        .merge(communities::router())
        .merge(customers::router())
        .merge(members::router())
        .merge(activity::router())
        .merge(screening::router())
        .merge(links::router())
        .merge(wecom::router())
        .merge(segments::router())
        .merge(jobs::router())
        .merge(catalogue::router())
        .merge(orders::router())
        .merge(payment_settings::router())
        .merge(refund_requests::router())
}

/// Routes open to anonymous callers.
pub fn public() -> OpenApiRouter<AppState> {
    auth::public_router()
}

/// A page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageOf<T: ToSchema> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// How many items match the query over all pages (absent on an empty later page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
}

impl<T: ToSchema> PageOf<T> {
    pub fn map<R>(page: shequn_app::usecases::Page<R>, f: impl Fn(R) -> T) -> Self {
        PageOf {
            items: page.items.into_iter().map(f).collect(),
            next_cursor: page.next_cursor,
            total: page.total,
        }
    }
}
