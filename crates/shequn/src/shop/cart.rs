//! The cart: 加入购物车 from a product's page (`POST /shop/{slug}/cart`), the cart's page
//! (`GET /shop/{slug}/cart`: lines, quantities, total, 去结算) and a line's new quantity
//! (`POST /shop/{slug}/cart/{sku}`; 0 removes it). Prices and totals come from the use
//! case; nothing the browser sends but a SKU and a quantity is read.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use shequn_app::usecases::shop::{self, Cart, CartLine, MAX_QUANTITY};

use super::catalogue::{LOW_STOCK, show_product};
use super::session::{CsrfForm, Posted, Visit};
use super::{Chrome, Inputs, fault_page, not_found_page, path_id, render};
use crate::http::state::AppState;

/// A quantity as typed, or the message to show beside its input.
fn quantity(raw: &str, least: i64) -> Result<i64, String> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|q| (least..=MAX_QUANTITY).contains(q))
        .ok_or_else(|| format!("请输入 {least}–{MAX_QUANTITY} 之间的数量"))
}

/// Where a refusal of the cart's use cases goes on the product form.
fn product_input(field: &str) -> Option<(&'static str, &'static str)> {
    match field {
        "sku" | "sku_id" => Some(("sku", "规格")),
        "quantity" => Some(("quantity", "数量")),
        _ => None,
    }
}

#[derive(Deserialize)]
pub(super) struct AddIn {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    product: String,
    #[serde(default)]
    sku: String,
    #[serde(default)]
    quantity: String,
}

impl CsrfForm for AddIn {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// 加入购物车: back to the product, which says so; a refusal shows beside its input there.
pub(super) async fn add(State(state): State<AppState>, posted: Posted<AddIn>) -> Response {
    let Posted { visit, form } = posted;
    let product = path_id(form.product.trim());
    let mut inputs = Inputs::new()
        .with("sku", form.sku.trim())
        .with("quantity", form.quantity.trim());
    let sku = form.sku.trim().parse::<i64>().ok().filter(|s| *s > 0);
    if sku.is_none() {
        inputs.fail("sku", "请选择规格");
    }
    let qty = match quantity(&form.quantity, 1) {
        Ok(q) => Some(q),
        Err(m) => {
            inputs.fail("quantity", m);
            None
        }
    };
    let added = match (sku, qty) {
        (Some(sku), Some(qty)) => {
            match shop::add_to_cart(&state.db, &visit.shopper, sku, qty).await {
                Ok(_) => true,
                Err(e) => {
                    if !inputs.refuse(&e, product_input) {
                        return fault_page(Some(&visit.brand), e);
                    }
                    false
                }
            }
        }
        _ => false,
    };
    match (added, product) {
        (true, Some(p)) => Redirect::to(&format!("{}/p/{p}?added=1", visit.home())).into_response(),
        (true, None) => Redirect::to(&format!("{}/cart", visit.home())).into_response(),
        (false, Some(p)) => {
            show_product(
                &state,
                &visit,
                p,
                StatusCode::UNPROCESSABLE_ENTITY,
                inputs,
                None,
            )
            .await
        }
        (false, None) => {
            show_cart(
                &state,
                &visit,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                inputs.first_message(),
            )
            .await
        }
    }
}

/// A cart line as its page shows it.
pub struct LineView {
    pub sku: i64,
    pub product: i64,
    pub title: String,
    pub sku_name: String,
    pub unit_price: String,
    pub quantity: i64,
    /// Price × quantity.
    pub amount: String,
    pub image: Option<i64>,
    /// Fewer units left than asked for, or only a few.
    pub short: bool,
    pub low: bool,
    /// Why this line's new quantity was refused.
    pub error: Option<String>,
}

pub fn line_view(l: &CartLine) -> LineView {
    LineView {
        sku: l.sku.get(),
        product: l.product.get(),
        title: l.title.clone(),
        sku_name: l.sku_name.clone(),
        unit_price: l.unit_price.to_string(),
        quantity: l.quantity,
        amount: l
            .unit_price
            .checked_mul(l.quantity)
            .map(|a| a.to_string())
            .unwrap_or_default(),
        image: l.image,
        short: l.available < l.quantity,
        low: l.available >= l.quantity && l.available <= LOW_STOCK,
        error: None,
    }
}

#[derive(Template)]
#[template(path = "shop/cart.html")]
struct CartPage {
    s: Chrome,
    lines: Vec<LineView>,
    total: String,
    count: i64,
    /// A refusal that belongs to no line.
    error: Option<String>,
}

/// The cart's page; `line_error` is (SKU, message) of a refused new quantity.
async fn show_cart(
    state: &AppState,
    visit: &Visit,
    status: StatusCode,
    line_error: Option<(i64, String)>,
    error: Option<String>,
) -> Response {
    let cart: Cart = match shop::cart(&state.db, &visit.shopper).await {
        Ok(c) => c,
        Err(e) => return visit.finish(fault_page(Some(&visit.brand), e)),
    };
    let mut error = error;
    let mut lines: Vec<LineView> = cart.lines.iter().map(line_view).collect();
    if let Some((sku, message)) = line_error {
        match lines.iter_mut().find(|l| l.sku == sku) {
            Some(l) => l.error = Some(message),
            None => error = error.or(Some(message)),
        }
    }
    let page = CartPage {
        s: Chrome::of(visit, cart.count, "cart"),
        lines,
        total: cart.total.to_string(),
        count: cart.count,
        error,
    };
    visit.finish(render(status, &page))
}

/// `GET /shop/{slug}/cart`.
pub(super) async fn show(State(state): State<AppState>, visit: Visit) -> Response {
    show_cart(&state, &visit, StatusCode::OK, None, None).await
}

#[derive(Deserialize)]
pub(super) struct QuantityIn {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    quantity: String,
}

impl CsrfForm for QuantityIn {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// A line's new quantity (0 removes it); back to the cart.
pub(super) async fn set_quantity(
    State(state): State<AppState>,
    Path((_, raw_sku)): Path<(String, String)>,
    posted: Posted<QuantityIn>,
) -> Response {
    let Posted { visit, form } = posted;
    let Some(sku) = path_id(&raw_sku) else {
        return not_found_page(Some(&visit.brand));
    };
    let qty = match quantity(&form.quantity, 0) {
        Ok(q) => q,
        Err(m) => {
            return show_cart(
                &state,
                &visit,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some((sku, m)),
                None,
            )
            .await;
        }
    };
    match shop::set_cart_quantity(&state.db, &visit.shopper, sku, qty).await {
        Ok(_) => Redirect::to(&format!("{}/cart", visit.home())).into_response(),
        Err(e) => {
            let mut inputs = Inputs::new();
            if !inputs.refuse(&e, product_input) {
                return fault_page(Some(&visit.brand), e);
            }
            let message = inputs.first_message().unwrap_or_default();
            show_cart(
                &state,
                &visit,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some((sku, message)),
                None,
            )
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_are_whole_numbers_within_the_cart_bound() {
        assert_eq!(quantity(" 2 ", 1), Ok(2));
        assert_eq!(quantity("0", 0), Ok(0));
        assert!(quantity("0", 1).is_err());
        assert!(quantity("100", 1).is_err());
        assert!(quantity("1.5", 1).is_err());
        assert_eq!(quantity("", 1), Err("请输入 1–99 之间的数量".to_owned()));
    }
}
