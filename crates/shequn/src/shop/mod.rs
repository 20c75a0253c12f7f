//! The brand's mobile store (微商城) for its customers, phone-first and in Chinese, rendered
//! on the server (askama, no script to build): `/shop/{slug}` and below — the products by
//! category, a product, the cart, checkout (then the payment provider's page), my orders
//! with refund requests and 确认收货.
//!
//! Who is shopping comes from the `shequn_shop` cookie ([`session::Visit`]); every form
//! carries the session's CSRF token ([`session::Posted`]). Handlers parse the form, call one
//! use case of `usecases::shop` and render a page or redirect (post/redirect/get); a refused
//! form shows its message beside the input at fault, in the console's Chinese wording
//! (`web::error_text`). Unknown stores, products and orders get a Chinese 404 page; no input
//! makes a 500. Every page is `no-store` (they carry the session's token and the shopper's
//! orders); images and the style sheet may be cached.

mod cart;
mod catalogue;
mod checkout;
mod images;
mod orders;
pub mod session;

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::map_response;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use shequn_app::AppError;
use shequn_app::usecases::shop::{self, ShopBrand};
use shequn_domain::{Fen, OrderStatus, Reason};

use crate::http::state::AppState;
use crate::web::error_text::{FieldMessage, form_message};
use crate::web::i18n::Lang;
use session::Visit;

/// The store's routes; merged beside the customers' other pages (`http::public`).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/shop/{slug}", get(catalogue::home))
        .route("/shop/{slug}/p/{product_id}", get(catalogue::product))
        .route("/shop/{slug}/cart", get(cart::show).post(cart::add))
        .route("/shop/{slug}/cart/{sku_id}", post(cart::set_quantity))
        .route(
            "/shop/{slug}/checkout",
            get(checkout::form).post(checkout::place),
        )
        .route("/shop/{slug}/orders", get(orders::list))
        .route("/shop/{slug}/orders/{order_id}", get(orders::detail))
        .route(
            "/shop/{slug}/orders/{order_id}/refund",
            post(orders::request_refund),
        )
        .route(
            "/shop/{slug}/orders/{order_id}/receipt",
            post(orders::confirm_receipt),
        )
        .layer(map_response(no_store))
        // Not pages: an image is named by its id and carries an ETag; the style sheet is
        // the same for every store.
        .route("/shop/{slug}/images/{image_id}", get(images::image))
        .route(
            "/shop/assets/shop.css",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                        (header::CACHE_CONTROL, CSS_CACHE),
                    ],
                    CSS,
                )
            }),
        )
}

const CSS: &str = include_str!("../../templates/shop/shop.css");
/// The style sheet may be kept for an hour: a deploy's new look shows within the hour.
const CSS_CACHE: &str = "public, max-age=3600";

/// A store page carries the session's CSRF token and the shopper's orders: the browser
/// keeps no copy, unless the handler said otherwise.
async fn no_store(mut res: Response) -> Response {
    if !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// What every store page's layout shows: the store, the cart's count on the bottom bar,
/// the token for its forms.
pub struct Chrome {
    pub slug: String,
    pub brand: String,
    pub csrf: String,
    /// Units in the cart.
    pub cart_count: i64,
    /// The bottom bar's current tab: "home", "cart", "orders" or "" (none).
    pub tab: &'static str,
}

impl Chrome {
    pub fn of(visit: &Visit, cart_count: i64, tab: &'static str) -> Chrome {
        Chrome {
            slug: visit.brand.slug.clone(),
            brand: visit.brand.name.clone(),
            csrf: visit.shopper.csrf.clone(),
            cart_count,
            tab,
        }
    }

    /// The layout's data, with the cart's count read for it.
    pub async fn load(
        state: &AppState,
        visit: &Visit,
        tab: &'static str,
    ) -> Result<Chrome, AppError> {
        let cart = shop::cart(&state.db, &visit.shopper).await?;
        Ok(Chrome::of(visit, cart.count, tab))
    }
}

/// Renders a store page, or the 500 page if the template fails (logged).
pub fn render(status: StatusCode, tpl: &impl Template) -> Response {
    match tpl.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "shop template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html("<!doctype html><meta charset=\"utf-8\"><p>页面出错了，请稍后再试。</p>"),
            )
                .into_response()
        }
    }
}

/// A page that only says something (not found, expired, failed), with the way back to the
/// store when it is known.
#[derive(Template)]
#[template(path = "shop/message.html")]
struct MessagePage {
    /// (name, slug) of the store.
    store: Option<(String, String)>,
    title: &'static str,
    text: String,
}

pub fn message_page(
    brand: Option<&ShopBrand>,
    status: StatusCode,
    title: &'static str,
    text: impl Into<String>,
) -> Response {
    render(
        status,
        &MessagePage {
            store: brand.map(|b| (b.name.clone(), b.slug.clone())),
            title,
            text: text.into(),
        },
    )
}

/// The 404 page of an unknown store, product, order or image.
pub fn not_found_page(brand: Option<&ShopBrand>) -> Response {
    message_page(
        brand,
        StatusCode::NOT_FOUND,
        "页面不存在",
        "商品可能已经下架，或者链接有误。",
    )
}

/// A use-case error that no form shows, as a page. Every variant has its arm.
pub fn fault_page(brand: Option<&ShopBrand>, e: AppError) -> Response {
    match &e {
        AppError::NotFound(_) => not_found_page(brand),
        AppError::Forbidden(_) => message_page(
            brand,
            StatusCode::FORBIDDEN,
            "无法访问",
            "这个页面不属于你的账户。",
        ),
        AppError::Invalid { .. } | AppError::Refused(_) => {
            let text = form_message(Lang::Zh, &e)
                .map(|m| m.message)
                .unwrap_or_default();
            message_page(brand, StatusCode::UNPROCESSABLE_ENTITY, "操作未完成", text)
        }
        AppError::BadCredentials
        | AppError::IdempotencyKeyReused
        | AppError::Store(_)
        | AppError::Internal(_) => {
            tracing::error!(error = %e, "shop request failed");
            message_page(
                brand,
                StatusCode::INTERNAL_SERVER_ERROR,
                "出了点问题",
                "请稍后再试。",
            )
        }
    }
}

/// The inputs of a store form: what each shows and, after a refusal, the message beside
/// the input at fault (or above the form, `general`). Keys are the inputs' `name`s.
#[derive(Debug, Default)]
pub struct Inputs {
    values: HashMap<&'static str, String>,
    errors: HashMap<&'static str, String>,
    pub general: Option<String>,
}

impl Inputs {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.values.insert(name, value.into());
        self
    }

    pub fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    pub fn error(&self, name: &str) -> Option<&str> {
        self.errors.get(name).map(String::as_str)
    }

    pub fn invalid(&self, name: &str) -> bool {
        self.errors.contains_key(name)
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || self.general.is_some()
    }

    /// The message above the form, else one beside an input: for a page that shows the
    /// refusal elsewhere than on this form.
    pub fn first_message(&self) -> Option<String> {
        self.general
            .clone()
            .or_else(|| self.errors.values().next().cloned())
    }

    /// Puts `message` beside the input `name`.
    pub fn fail(&mut self, name: &'static str, message: impl Into<String>) {
        self.errors.insert(name, message.into());
    }

    /// Places a use case's refusal: beside the input that `input` names for the use case's
    /// field (with the words for it), else above the form. False when `e` is no form
    /// error (not found, a fault): the caller shows a page for it.
    pub fn refuse(
        &mut self,
        e: &AppError,
        input: impl Fn(&str) -> Option<(&'static str, &'static str)>,
    ) -> bool {
        let Some(FieldMessage { field, message }) = form_message(Lang::Zh, e) else {
            return false;
        };
        match input(field) {
            Some((name, label)) => {
                let message = match e {
                    AppError::Invalid {
                        reason: Reason::Required,
                        ..
                    } => format!("请填写{label}"),
                    _ => message,
                };
                self.errors.insert(name, message);
            }
            None => self.general = Some(message),
        }
        true
    }
}

/// The value of `name` in a query string (`c=护肤&via=…`), decoded.
pub fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query?).ok()?;
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// A positive id from a path segment; None (→ 404) for anything else.
pub fn path_id(raw: &str) -> Option<i64> {
    raw.parse::<i64>().ok().filter(|n| *n > 0)
}

/// An amount as an input shows it, to be typed again: `99.50` (no ¥).
pub fn yuan(f: Fen) -> String {
    f.to_string().replacen('¥', "", 1)
}

/// An order's status in the words the shop uses with its customers.
pub fn status_name(s: OrderStatus) -> &'static str {
    match s {
        OrderStatus::PendingPayment => "待付款",
        OrderStatus::Paid => "已付款",
        OrderStatus::Shipped => "已发货",
        OrderStatus::Completed => "已完成",
        OrderStatus::Cancelled => "已取消",
        OrderStatus::Expired => "已关闭",
        OrderStatus::Refunded => "已退款",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_required_field_is_asked_for_by_its_name() {
        let mut f = Inputs::new().with("phone", "");
        let e = AppError::invalid("phone", Reason::Required);
        assert!(f.refuse(&e, |field| {
            (field == "phone").then_some(("phone", "手机号"))
        }));
        assert_eq!(f.error("phone"), Some("请填写手机号"));
        let e = AppError::invalid("phone", Reason::NotAPhone);
        assert!(f.refuse(&e, |field| {
            (field == "phone").then_some(("phone", "手机号"))
        }));
        assert_eq!(f.error("phone"), Some("请输入 11 位手机号，以 1 开头"));
        let e = AppError::invalid("cart", Reason::Required);
        assert!(f.refuse(&e, |_| None));
        assert_eq!(f.general.as_deref(), Some("不能为空"));
        assert!(!f.refuse(&AppError::NotFound("order"), |_| None));
    }

    #[test]
    fn query_values_are_decoded_and_ids_are_positive() {
        assert_eq!(
            query_param(Some("c=%E6%8A%A4%E8%82%A4&via=x"), "c").as_deref(),
            Some("护肤")
        );
        assert_eq!(query_param(Some("c=1"), "via"), None);
        assert_eq!(path_id("12"), Some(12));
        assert_eq!(path_id("0"), None);
        assert_eq!(path_id("x1"), None);
        assert_eq!(yuan(Fen::new(9_950)), "99.50");
    }
}
