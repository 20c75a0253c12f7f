//! Checkout (`/shop/{slug}/checkout`): where the order goes (收货人, 手机号, 收货地址, 备注)
//! and the cart once more; 提交订单并支付 places the order and goes on to the payment
//! provider's page, which comes back to the order. The form carries a random key made when
//! it was shown, passed to the use case as the idempotency key: a double submit places one
//! order and goes to the same payment.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use shequn_app::AppError;
use shequn_app::usecases::shop::{self, CheckoutInput};
use shequn_domain::Reason;

use super::cart::{LineView, line_view};
use super::session::{CsrfForm, Posted, Visit};
use super::{Chrome, Inputs, fault_page, render};
use crate::http::state::AppState;

/// The length of a checkout key: 32 hex digits (128 random bits), within the use case's
/// bounds (16 to 64 characters).
const KEY_LEN: usize = 32;

/// A fresh key for one checkout form.
fn new_key() -> String {
    let mut k = shequn_app::secrets::random_secret("");
    k.truncate(KEY_LEN);
    k
}

/// The form's key, if it is one we could have made; else a fresh one.
fn key_or_new(raw: &str) -> String {
    let k = raw.trim();
    if k.len() == KEY_LEN && k.bytes().all(|b| b.is_ascii_hexdigit()) {
        k.to_owned()
    } else {
        new_key()
    }
}

/// Where a refusal of checkout goes: the shipping inputs by name, the cart above its
/// summary (`general`).
fn checkout_input(field: &str) -> Option<(&'static str, &'static str)> {
    match field {
        "recipient" => Some(("recipient", "收货人")),
        "phone" => Some(("phone", "手机号")),
        "address" => Some(("address", "收货地址")),
        "note" => Some(("note", "备注")),
        _ => None,
    }
}

#[derive(Template)]
#[template(path = "shop/checkout.html")]
struct CheckoutPage {
    s: Chrome,
    lines: Vec<LineView>,
    total: String,
    count: i64,
    /// The shipping inputs, their errors, and (`general`) what is wrong with the cart.
    form: Inputs,
    key: String,
}

async fn show_checkout(
    state: &AppState,
    visit: &Visit,
    status: StatusCode,
    form: Inputs,
    key: String,
) -> Response {
    let cart = match shop::cart(&state.db, &visit.shopper).await {
        Ok(c) => c,
        Err(e) => return visit.finish(fault_page(Some(&visit.brand), e)),
    };
    let page = CheckoutPage {
        s: Chrome::of(visit, cart.count, ""),
        lines: cart.lines.iter().map(line_view).collect(),
        total: cart.total.to_string(),
        count: cart.count,
        form,
        key,
    };
    visit.finish(render(status, &page))
}

/// `GET /shop/{slug}/checkout`.
pub(super) async fn form(State(state): State<AppState>, visit: Visit) -> Response {
    show_checkout(&state, &visit, StatusCode::OK, Inputs::new(), new_key()).await
}

#[derive(Deserialize)]
pub(super) struct CheckoutIn {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    recipient: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    note: String,
}

impl CsrfForm for CheckoutIn {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// 提交订单并支付: to the provider's pay page; a refusal shows beside its input.
pub(super) async fn place(State(state): State<AppState>, posted: Posted<CheckoutIn>) -> Response {
    let Posted { visit, form } = posted;
    let key = key_or_new(&form.key);
    let mut inputs = Inputs::new()
        .with("recipient", form.recipient.clone())
        .with("phone", form.phone.clone())
        .with("address", form.address.clone())
        .with("note", form.note.clone());
    let input = CheckoutInput {
        recipient: form.recipient,
        phone: form.phone,
        address: form.address,
        note: form.note,
    };
    match shop::checkout(&state.db, &visit.shopper, input, &key).await {
        Ok((_, intent)) => Redirect::to(&intent.pay_url).into_response(),
        Err(AppError::IdempotencyKeyReused) => {
            // The same form was sent before with other details, and that order stands.
            inputs.general = Some("这个订单已经提交过了，请到「我的订单」查看。".to_owned());
            show_checkout(
                &state,
                &visit,
                StatusCode::UNPROCESSABLE_ENTITY,
                inputs,
                new_key(),
            )
            .await
        }
        Err(AppError::Invalid {
            field: "cart",
            reason: Reason::Required,
        }) => {
            inputs.general = Some("购物车是空的，先去挑选商品吧。".to_owned());
            show_checkout(
                &state,
                &visit,
                StatusCode::UNPROCESSABLE_ENTITY,
                inputs,
                key,
            )
            .await
        }
        Err(e) => {
            if !inputs.refuse(&e, checkout_input) {
                return fault_page(Some(&visit.brand), e);
            }
            // Nothing was placed, so the same key still guards against a double submit.
            show_checkout(
                &state,
                &visit,
                StatusCode::UNPROCESSABLE_ENTITY,
                inputs,
                key,
            )
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_keeps_its_key_unless_it_is_no_key_of_ours() {
        let key = new_key();
        assert_eq!(key.len(), KEY_LEN);
        assert_eq!(key_or_new(&format!(" {key} ")), key);
        assert_eq!(key_or_new("").len(), KEY_LEN);
        assert_ne!(key_or_new("a b"), "a b");
        let long = "a".repeat(KEY_LEN + 1);
        assert_ne!(key_or_new(&long), long);
    }
}
