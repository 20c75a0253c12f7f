//! `/api/v1/products`, `/api/v1/skus/{id}` and `/api/v1/product-images/{id}`: the
//! brand's catalogue, stock moved by staff with a reason and its ledger, product images
//! (uploaded as the request body, served with caching headers).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use shequn_app::usecases::catalogue::{self, ProductInput, ProductQuery, SkuInput, SkuPatch};
use shequn_domain::catalogue::MAX_IMAGE_BYTES;
use shequn_domain::{Product, ProductId, SearchText, Sku, SkuId, StockMovement};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{PageOf, rfc3339};
use crate::http::auth::Caller;
use crate::http::extract::{ApiJson, ApiQuery, IdPath};
use crate::http::problem::{ApiError, ProblemBody};
use crate::http::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    let images = OpenApiRouter::new()
        .routes(routes!(upload_image))
        // An image is the body: up to 2 MiB, refused by the use case beyond.
        .layer(DefaultBodyLimit::max(MAX_IMAGE_BYTES + 64 * 1024));
    OpenApiRouter::new()
        .routes(routes!(list_products, create_product))
        .routes(routes!(get_product, update_product))
        .routes(routes!(add_sku))
        .routes(routes!(update_sku))
        .routes(routes!(move_stock))
        .routes(routes!(stock_movements))
        .routes(routes!(get_image, delete_image))
        .merge(images)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StockOut {
    pub received: i64,
    /// Free to be ordered.
    pub on_hand: i64,
    /// Taken by orders (paid or awaiting payment), less released.
    pub sold: i64,
    pub returned: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SkuOut {
    pub id: i64,
    pub product_id: i64,
    pub name: String,
    /// Fen.
    pub price: i64,
    /// Fen (划线价).
    pub list_price: Option<i64>,
    pub stock: StockOut,
    pub active: bool,
}

impl From<Sku> for SkuOut {
    fn from(s: Sku) -> Self {
        SkuOut {
            id: s.id.get(),
            product_id: s.product_id.get(),
            name: s.name,
            price: s.price.get(),
            list_price: s.list_price.map(|l| l.get()),
            stock: StockOut {
                received: s.stock.received,
                on_hand: s.stock.on_hand,
                sold: s.stock.sold,
                returned: s.stock.returned,
            },
            active: s.active,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProductOut {
    pub id: i64,
    pub title: String,
    pub category: String,
    /// `high` or `low`.
    pub frequency: &'static str,
    pub usage_days: Option<i64>,
    pub description: String,
    pub on_shelf: bool,
    pub skus: Vec<SkuOut>,
    /// Paths of its images, in order.
    pub images: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<Product> for ProductOut {
    fn from(p: Product) -> Self {
        ProductOut {
            id: p.id.get(),
            title: p.title,
            category: p.category,
            frequency: p.frequency.as_str(),
            usage_days: p.usage_days,
            description: p.description,
            on_shelf: p.on_shelf,
            skus: p.skus.into_iter().map(SkuOut::from).collect(),
            images: p
                .images
                .iter()
                .map(|i| format!("/api/v1/product-images/{i}"))
                .collect(),
            created_at: rfc3339(p.created_at),
            updated_at: rfc3339(p.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkuIn {
    pub name: String,
    /// Fen, 1 to 100,000,000.
    pub price: i64,
    pub list_price: Option<i64>,
    /// Units it starts with (recorded as received).
    #[serde(default)]
    pub stock: i64,
}

impl From<SkuIn> for SkuInput {
    fn from(s: SkuIn) -> Self {
        SkuInput {
            name: s.name,
            price: s.price,
            list_price: s.list_price,
            stock: s.stock,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductIn {
    pub title: String,
    pub category: String,
    /// `high` or `low`.
    pub frequency: String,
    /// Days a unit lasts, for repurchase reminders.
    pub usage_days: Option<i64>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub on_shelf: bool,
    /// 1 to 50 SKUs (creating only; add more with `POST …/skus`).
    #[serde(default)]
    pub skus: Vec<SkuIn>,
}

impl ProductIn {
    fn split(self) -> (ProductInput, Vec<SkuInput>) {
        (
            ProductInput {
                title: self.title,
                category: self.category,
                frequency: self.frequency,
                usage_days: self.usage_days,
                description: self.description,
                on_shelf: self.on_shelf,
            },
            self.skus.into_iter().map(SkuInput::from).collect(),
        )
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkuPatchIn {
    pub name: String,
    pub price: i64,
    pub list_price: Option<i64>,
    pub active: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StockIn {
    /// `received` (a delivery) or `adjusted` (a stocktake, ±).
    pub reason: String,
    pub quantity: i64,
    /// Why; required for an adjustment.
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MovementOut {
    pub id: i64,
    /// `received`, `sold`, `released`, `returned` or `adjusted`.
    pub reason: &'static str,
    pub quantity: i64,
    pub note: String,
    pub staff_id: Option<i64>,
    pub order_id: Option<i64>,
    pub on_hand_after: i64,
    pub at: String,
}

impl From<StockMovement> for MovementOut {
    fn from(m: StockMovement) -> Self {
        MovementOut {
            id: m.id,
            reason: m.reason.as_str(),
            quantity: m.quantity,
            note: m.note,
            staff_id: m.staff_id.map(|s| s.get()),
            order_id: m.order_id.map(|o| o.get()),
            on_hand_after: m.on_hand_after,
            at: rfc3339(m.at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImageOut {
    pub id: i64,
    pub path: String,
}

/// The brand's products with their SKUs and stock.
#[utoipa::path(get, path = "/api/v1/products", tag = "catalogue", security(("bearer" = [])),
    params(("category" = Option<String>, Query), ("on_shelf" = Option<bool>, Query), ("q" = Option<String>, Query, description = "Part of the title"),
        ("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = PageOf<ProductOut>), (status = 422, body = ProblemBody)))]
async fn list_products(
    State(state): State<AppState>,
    caller: Caller,
    q: ApiQuery,
) -> Result<Json<PageOf<ProductOut>>, ApiError> {
    let (cursor, size) = q.page()?;
    let query = ProductQuery {
        category: q.str("category").map(str::to_owned),
        on_shelf: match q.str("on_shelf") {
            Some("true") => Some(true),
            Some("false") => Some(false),
            _ => None,
        },
        search: SearchText::parse("q", q.str("q"))?,
    };
    let page = catalogue::products(&state.db, &caller.actor, query, cursor, size).await?;
    Ok(Json(PageOf::map(page, ProductOut::from)))
}

/// Create a product with its SKUs and their starting stock (brand admins).
#[utoipa::path(post, path = "/api/v1/products", tag = "catalogue", security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header)), request_body = ProductIn,
    responses((status = 201, body = ProductOut), (status = 403, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn create_product(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<ProductIn>,
) -> Result<(StatusCode, Json<ProductOut>), ApiError> {
    let (p, skus) = input.split();
    let made = catalogue::create_product(&state.db, &caller.actor, p, skus).await?;
    Ok((StatusCode::CREATED, Json(made.into())))
}

#[utoipa::path(get, path = "/api/v1/products/{product_id}", tag = "catalogue", security(("bearer" = [])),
    params(("product_id" = i64, Path)),
    responses((status = 200, body = ProductOut), (status = 404, body = ProblemBody)))]
async fn get_product(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<ProductOut>, ApiError> {
    Ok(Json(
        catalogue::product(&state.db, &caller.actor, ProductId(id))
            .await?
            .into(),
    ))
}

/// Rewrite a product's own fields (its SKUs are changed one by one).
#[utoipa::path(put, path = "/api/v1/products/{product_id}", tag = "catalogue", security(("bearer" = [])),
    params(("product_id" = i64, Path)), request_body = ProductIn,
    responses((status = 200, body = ProductOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn update_product(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<ProductIn>,
) -> Result<Json<ProductOut>, ApiError> {
    let (p, _) = input.split();
    let saved = catalogue::update_product(&state.db, &caller.actor, ProductId(id), p).await?;
    Ok(Json(saved.into()))
}

#[utoipa::path(post, path = "/api/v1/products/{product_id}/skus", tag = "catalogue", security(("bearer" = [])),
    params(("product_id" = i64, Path)), request_body = SkuIn,
    responses((status = 201, body = ProductOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn add_sku(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<SkuIn>,
) -> Result<(StatusCode, Json<ProductOut>), ApiError> {
    let p = catalogue::add_sku(&state.db, &caller.actor, ProductId(id), input.into()).await?;
    Ok((StatusCode::CREATED, Json(p.into())))
}

#[utoipa::path(patch, path = "/api/v1/skus/{sku_id}", tag = "catalogue", security(("bearer" = [])),
    params(("sku_id" = i64, Path)), request_body = SkuPatchIn,
    responses((status = 200, body = SkuOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn update_sku(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<SkuPatchIn>,
) -> Result<Json<SkuOut>, ApiError> {
    let patch = SkuPatch {
        name: input.name,
        price: input.price,
        list_price: input.list_price,
        active: input.active,
    };
    Ok(Json(
        catalogue::update_sku(&state.db, &caller.actor, SkuId(id), patch)
            .await?
            .into(),
    ))
}

/// Move stock by hand: a delivery or a stocktake adjustment, recorded with who and why.
/// Stock never goes below zero (409 `out_of_stock`).
#[utoipa::path(post, path = "/api/v1/skus/{sku_id}/stock", tag = "catalogue", security(("bearer" = [])),
    params(("sku_id" = i64, Path), ("Idempotency-Key" = Option<String>, Header)), request_body = StockIn,
    responses((status = 200, body = SkuOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn move_stock(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<StockIn>,
) -> Result<Json<SkuOut>, ApiError> {
    let sku = catalogue::adjust_stock(
        &state.db,
        &caller.actor,
        SkuId(id),
        &input.reason,
        input.quantity,
        &input.note,
    )
    .await?;
    Ok(Json(sku.into()))
}

/// The SKU's stock ledger, newest first.
#[utoipa::path(get, path = "/api/v1/skus/{sku_id}/stock-movements", tag = "catalogue", security(("bearer" = [])),
    params(("sku_id" = i64, Path), ("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = PageOf<MovementOut>), (status = 404, body = ProblemBody)))]
async fn stock_movements(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    q: ApiQuery,
) -> Result<Json<PageOf<MovementOut>>, ApiError> {
    let (cursor, size) = q.page()?;
    let page = catalogue::stock_history(&state.db, &caller.actor, SkuId(id), cursor, size).await?;
    Ok(Json(PageOf::map(page, MovementOut::from)))
}

/// Add an image to the product: the body is the image (PNG, JPEG or WebP, at most 2 MiB).
#[utoipa::path(post, path = "/api/v1/products/{product_id}/images", tag = "catalogue", security(("bearer" = [])),
    params(("product_id" = i64, Path)), request_body(content = Vec<u8>, content_type = "image/png"),
    responses((status = 201, body = ImageOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody), (status = 413, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn upload_image(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    body: Bytes,
) -> Result<(StatusCode, Json<ImageOut>), ApiError> {
    let image =
        catalogue::add_image(&state.db, &caller.actor, ProductId(id), body.to_vec()).await?;
    Ok((
        StatusCode::CREATED,
        Json(ImageOut {
            id: image,
            path: format!("/api/v1/product-images/{image}"),
        }),
    ))
}

/// An image, with an ETag (its SHA-256): a client that has it gets 304.
#[utoipa::path(get, path = "/api/v1/product-images/{image_id}", tag = "catalogue", security(("bearer" = [])),
    params(("image_id" = i64, Path)),
    responses((status = 200, content_type = "image/png", body = Vec<u8>), (status = 304), (status = 404, body = ProblemBody)))]
async fn get_image(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (content_type, bytes, sha) = catalogue::image(&state.db, caller.actor.brand, id).await?;
    let etag = format!("\"{sha}\"");
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let cache = [
        (header::ETAG, etag.clone()),
        (header::CACHE_CONTROL, "private, max-age=86400".to_owned()),
    ];
    if fresh {
        return Ok((StatusCode::NOT_MODIFIED, cache).into_response());
    }
    Ok((cache, [(header::CONTENT_TYPE, content_type)], bytes).into_response())
}

#[utoipa::path(delete, path = "/api/v1/product-images/{image_id}", tag = "catalogue", security(("bearer" = [])),
    params(("image_id" = i64, Path)),
    responses((status = 204), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
async fn delete_image(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<StatusCode, ApiError> {
    catalogue::delete_image(&state.db, &caller.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
