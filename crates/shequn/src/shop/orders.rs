//! My orders (`/shop/{slug}/orders`, newest first) and an order's page
//! (`/shop/{slug}/orders/{id}`): status, lines, money, where it ships (phone masked), its
//! timeline and refund requests with their decisions; 去支付 while it waits for payment,
//! 确认收货 once shipped (`…/receipt`), and 申请退款 (`…/refund`) while money is left to
//! refund: a line or the whole order, an amount in yuan, units sent back, a reason.
//! Another shopper's order is a 404. Times are China time.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use shequn_app::AppError;
use shequn_app::usecases::orders::Placed;
use shequn_app::usecases::shop::{self, RefundAsk};
use shequn_domain::{DomainError, Fen, OrderId, OrderStatus, Reason};

use super::session::{CsrfForm, Posted, Visit};
use super::{
    Chrome, Inputs, fault_page, not_found_page, path_id, query_param, render, status_name,
};
use crate::http::state::AppState;
use crate::web::error_text::reason_text;
use crate::web::i18n::Lang;
use crate::web::local_time;

/// One order in my orders.
pub struct OrderRow {
    id: i64,
    placed: String,
    status: &'static str,
    status_code: &'static str,
    /// The first line's title, and how many more lines.
    first_title: String,
    more_lines: usize,
    units: u64,
    total: String,
}

fn order_row(p: &Placed) -> OrderRow {
    let o = &p.order;
    OrderRow {
        id: p.meta.id.get(),
        placed: local_time(o.placed_at),
        status: status_name(o.status),
        status_code: o.status.as_str(),
        first_title: o.lines.first().map(|l| l.title.clone()).unwrap_or_default(),
        more_lines: o.lines.len().saturating_sub(1),
        units: o.lines.iter().map(|l| u64::from(l.quantity)).sum(),
        total: o.total.to_string(),
    }
}

#[derive(Template)]
#[template(path = "shop/orders.html")]
struct OrdersPage {
    s: Chrome,
    orders: Vec<OrderRow>,
}

/// `GET /shop/{slug}/orders`.
pub(super) async fn list(State(state): State<AppState>, visit: Visit) -> Response {
    let loaded = async {
        let orders = shop::my_orders(&state.db, &visit.shopper).await?;
        let s = Chrome::load(&state, &visit, "orders").await?;
        Ok::<_, AppError>((orders, s))
    }
    .await;
    match loaded {
        Ok((orders, s)) => {
            let page = OrdersPage {
                s,
                orders: orders.iter().map(order_row).collect(),
            };
            visit.finish(render(StatusCode::OK, &page))
        }
        Err(e) => visit.finish(fault_page(Some(&visit.brand), e)),
    }
}

/// A line of the order.
pub struct LineView {
    title: String,
    unit_price: String,
    quantity: u32,
    amount: String,
    refunded: Option<String>,
}

/// One entry of the timeline, in the shopper's words.
pub struct EventView {
    what: &'static str,
    at: String,
}

/// A refund request and what became of it.
pub struct RequestView {
    id: i64,
    /// The line's title, or 整单.
    what: String,
    amount: String,
    quantity: i64,
    reason: String,
    status: &'static str,
    status_code: String,
    note: String,
    /// Where the money is, once approved.
    refund: Option<&'static str>,
    at: String,
}

/// A choice of the refund form's line select.
pub struct LineChoice {
    /// "" for the whole order, else the line's index.
    value: String,
    label: String,
}

/// Where the order goes.
pub struct ShippingView {
    recipient: String,
    phone: String,
    address: String,
    note: String,
}

#[derive(Template)]
#[template(path = "shop/order.html")]
struct OrderPage {
    s: Chrome,
    id: i64,
    status: &'static str,
    status_code: &'static str,
    placed: String,
    pay_deadline: Option<String>,
    total: String,
    paid: String,
    /// What was refunded, when anything was.
    refunded: Option<String>,
    lines: Vec<LineView>,
    shipping: ShippingView,
    timeline: Vec<EventView>,
    requests: Vec<RequestView>,
    /// 去支付: the provider's page of the open payment.
    pay_url: Option<String>,
    /// 确认收货.
    can_confirm: bool,
    /// The refund form's lines, when money is left to refund.
    refund_lines: Option<Vec<LineChoice>>,
    /// Left to refund, `¥12.34`.
    refundable: String,
    /// The refund form: `line`, `amount`, `quantity`, `reason`.
    form: Inputs,
    /// What was just done.
    notice: Option<&'static str>,
    /// A refusal of 确认收货.
    error: Option<String>,
}

/// A timeline event in the shopper's words.
fn event_name(event: &str) -> &'static str {
    match event {
        "placed" => "提交订单",
        "payment_received" => "付款成功",
        "shipped" => "商家已发货",
        "completed" => "确认收货",
        "cancelled" => "订单已取消",
        "expired" => "超时未付款，订单关闭",
        "refunded" => "退款成功",
        "refund_requested" => "申请退款",
        "refund_rejected" => "退款申请未通过",
        _ => "订单更新",
    }
}

/// A refund request's status: 处理中, 已同意, 已拒绝.
fn request_status(status: &str) -> &'static str {
    match status {
        "approved" => "已同意",
        "rejected" => "已拒绝",
        _ => "处理中",
    }
}

/// Where an approved refund's money is.
fn refund_progress(status: Option<&str>) -> Option<&'static str> {
    match status? {
        "succeeded" => Some("已退回原支付账户"),
        "failed" => Some("退款失败，商家会联系你"),
        _ => Some("退款处理中"),
    }
}

/// The order's page; `form` is the refund form as typed (with its errors).
async fn show_order(
    state: &AppState,
    visit: &Visit,
    id: i64,
    status: StatusCode,
    form: Inputs,
    notice: Option<&'static str>,
    error: Option<String>,
) -> Response {
    let loaded = async {
        let mut mine = shop::my_order(&state.db, &visit.shopper, OrderId(id)).await?;
        if mine.placed.order.status == OrderStatus::PendingPayment
            && mine.intent.as_ref().is_some_and(|i| i.status == "open")
            && let Ok(g) = state.gateways()
        {
            // Back from the pay page before the notification: ask the gateway.
            match shop::settle_on_return(&state.db, g, &visit.shopper, OrderId(id)).await {
                Ok(true) => mine = shop::my_order(&state.db, &visit.shopper, OrderId(id)).await?,
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "asking the gateway about an order failed"),
            }
        }
        let s = Chrome::load(state, visit, "orders").await?;
        Ok::<_, AppError>((mine, s))
    }
    .await;
    let (mine, s) = match loaded {
        Ok(l) => l,
        Err(e) => return visit.finish(fault_page(Some(&visit.brand), e)),
    };
    let o = &mine.placed.order;
    let pending = o.status == OrderStatus::PendingPayment;
    let lines = o
        .lines
        .iter()
        .map(|l| LineView {
            title: l.title.clone(),
            unit_price: l.unit_price.to_string(),
            quantity: l.quantity,
            amount: l.amount().map(|a| a.to_string()).unwrap_or_default(),
            refunded: (l.refunded != Fen::ZERO).then(|| l.refunded.to_string()),
        })
        .collect();
    let refundable = o.refundable();
    let refund_lines = (o.status.holds_payment() && refundable > Fen::ZERO).then(|| {
        let mut choices = vec![LineChoice {
            value: String::new(),
            label: format!("整单（最多可退 {refundable}）"),
        }];
        choices.extend(
            o.lines
                .iter()
                .enumerate()
                .filter(|(_, l)| l.refundable() > Fen::ZERO)
                .map(|(i, l)| LineChoice {
                    value: i.to_string(),
                    label: format!(
                        "{} ×{}（最多可退 {}）",
                        l.title,
                        l.quantity,
                        l.refundable().min(refundable)
                    ),
                }),
        );
        choices
    });
    let requests = mine
        .requests
        .iter()
        .map(|r| RequestView {
            id: r.id,
            what: r.line_title.clone().unwrap_or_else(|| "整单".to_owned()),
            amount: r.amount.to_string(),
            quantity: r.quantity,
            reason: r.reason.clone(),
            status: request_status(&r.status),
            status_code: r.status.clone(),
            note: r.decision_note.clone(),
            refund: if r.status == "approved" {
                refund_progress(r.refund_status.as_deref())
            } else {
                None
            },
            at: local_time(r.created_at),
        })
        .collect();
    let pay_url = mine
        .intent
        .as_ref()
        .filter(|i| pending && i.status == "open")
        .map(|i| i.pay_url.clone());
    let page = OrderPage {
        s,
        id: mine.placed.meta.id.get(),
        status: status_name(o.status),
        status_code: o.status.as_str(),
        placed: local_time(o.placed_at),
        pay_deadline: pending.then(|| local_time(o.pay_deadline)),
        total: o.total.to_string(),
        paid: o.paid.to_string(),
        refunded: (o.refunded != Fen::ZERO).then(|| o.refunded.to_string()),
        lines,
        shipping: ShippingView {
            recipient: mine.shipping.recipient.clone(),
            // Masked by the use case (138****5678).
            phone: mine.shipping.phone.clone(),
            address: mine.shipping.address.clone(),
            note: mine.shipping.note.clone(),
        },
        timeline: mine
            .timeline
            .iter()
            .map(|e| EventView {
                what: event_name(&e.event),
                at: local_time(e.at),
            })
            .collect(),
        requests,
        pay_url,
        can_confirm: o.status == OrderStatus::Shipped,
        refund_lines,
        refundable: refundable.to_string(),
        form,
        notice,
        error,
    };
    visit.finish(render(status, &page))
}

/// The refund form as first shown.
fn blank_refund_form() -> Inputs {
    Inputs::new().with("quantity", "0")
}

/// `GET /shop/{slug}/orders/{id}` (`?done=refund|receipt` after a change).
pub(super) async fn detail(
    State(state): State<AppState>,
    visit: Visit,
    Path((_, raw_id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(id) = path_id(&raw_id) else {
        return visit.finish(not_found_page(Some(&visit.brand)));
    };
    let notice = match query_param(query.as_deref(), "done").as_deref() {
        Some("refund") => Some("已提交退款申请，商家处理后会在这里显示结果。"),
        Some("receipt") => Some("已确认收货，感谢你的购买！"),
        _ => None,
    };
    show_order(
        &state,
        &visit,
        id,
        StatusCode::OK,
        blank_refund_form(),
        notice,
        None,
    )
    .await
}

#[derive(Deserialize)]
pub(super) struct RefundIn {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    line: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    reason: String,
}

impl CsrfForm for RefundIn {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// Where a refusal of a refund request goes on its form.
fn refund_input(field: &str) -> Option<(&'static str, &'static str)> {
    match field {
        "line" | "line_no" => Some(("line", "退款商品")),
        "amount" => Some(("amount", "退款金额")),
        "quantity" | "restock" => Some(("quantity", "退回件数")),
        "reason" => Some(("reason", "退款原因")),
        _ => None,
    }
}

/// The refund form read into the use case's ask, or the form with its errors.
fn read_refund(form: &RefundIn) -> Result<RefundAsk, Inputs> {
    let mut inputs = Inputs::new()
        .with("line", form.line.trim())
        .with("amount", form.amount.trim())
        .with("quantity", form.quantity.trim())
        .with("reason", form.reason.clone());
    let line = match form.line.trim() {
        "" => None,
        raw => match raw.parse::<i64>() {
            Ok(l) if l >= 0 => Some(l),
            _ => {
                inputs.fail("line", "请选择退款的商品");
                None
            }
        },
    };
    let amount = match form.amount.trim() {
        "" => {
            inputs.fail("amount", "请填写退款金额");
            None
        }
        raw => match Fen::parse_yuan("amount", raw) {
            Ok(f) if f > Fen::ZERO => Some(f),
            Ok(_) => {
                inputs.fail("amount", "退款金额需大于 0");
                None
            }
            Err(DomainError::Invalid { reason, .. }) => {
                inputs.fail("amount", reason_text(Lang::Zh, &reason));
                None
            }
            Err(DomainError::Forbidden(_)) => {
                inputs.fail("amount", reason_text(Lang::Zh, &Reason::NotAnAmount));
                None
            }
        },
    };
    let quantity = match form.quantity.trim() {
        "" => Some(0),
        raw => match raw.parse::<i64>() {
            Ok(q) if q >= 0 => Some(q),
            _ => {
                inputs.fail("quantity", "请输入退回的件数（不退货填 0）");
                None
            }
        },
    };
    match (amount, quantity) {
        (Some(amount), Some(quantity)) if !inputs.has_errors() => Ok(RefundAsk {
            line,
            amount: amount.get(),
            quantity,
            reason: form.reason.clone(),
        }),
        _ => Err(inputs),
    }
}

/// 申请退款: back to the order, which lists the request; a refusal shows beside its input.
pub(super) async fn request_refund(
    State(state): State<AppState>,
    Path((_, raw_id)): Path<(String, String)>,
    posted: Posted<RefundIn>,
) -> Response {
    let Posted { visit, form } = posted;
    let Some(id) = path_id(&raw_id) else {
        return not_found_page(Some(&visit.brand));
    };
    let refused = StatusCode::UNPROCESSABLE_ENTITY;
    let ask = match read_refund(&form) {
        Ok(a) => a,
        Err(inputs) => return show_order(&state, &visit, id, refused, inputs, None, None).await,
    };
    match shop::request_refund(&state.db, &visit.shopper, OrderId(id), ask).await {
        Ok(_) => Redirect::to(&format!("{}/orders/{id}?done=refund", visit.home())).into_response(),
        Err(e) => {
            let mut inputs = Inputs::new()
                .with("line", form.line.trim())
                .with("amount", form.amount.trim())
                .with("quantity", form.quantity.trim())
                .with("reason", form.reason.clone());
            if !inputs.refuse(&e, refund_input) {
                return fault_page(Some(&visit.brand), e);
            }
            show_order(&state, &visit, id, refused, inputs, None, None).await
        }
    }
}

#[derive(Deserialize)]
pub(super) struct ReceiptIn {
    #[serde(default)]
    csrf: String,
}

impl CsrfForm for ReceiptIn {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// 确认收货: shipped → completed; back to the order.
pub(super) async fn confirm_receipt(
    State(state): State<AppState>,
    Path((_, raw_id)): Path<(String, String)>,
    posted: Posted<ReceiptIn>,
) -> Response {
    let visit = posted.visit;
    let Some(id) = path_id(&raw_id) else {
        return not_found_page(Some(&visit.brand));
    };
    match shop::confirm_receipt(&state.db, &visit.shopper, OrderId(id)).await {
        Ok(()) => {
            Redirect::to(&format!("{}/orders/{id}?done=receipt", visit.home())).into_response()
        }
        Err(e) => {
            let mut inputs = blank_refund_form();
            if !inputs.refuse(&e, |_| None) {
                return fault_page(Some(&visit.brand), e);
            }
            let message = inputs.general.take();
            show_order(
                &state,
                &visit,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                inputs,
                None,
                message,
            )
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(line: &str, amount: &str, quantity: &str) -> RefundIn {
        RefundIn {
            csrf: String::new(),
            line: line.to_owned(),
            amount: amount.to_owned(),
            quantity: quantity.to_owned(),
            reason: "包装破损".to_owned(),
        }
    }

    #[test]
    fn a_refund_is_asked_in_yuan_and_sent_in_fen() {
        let ask = read_refund(&form("1", "50", "")).expect("a valid ask");
        assert_eq!((ask.line, ask.amount, ask.quantity), (Some(1), 5_000, 0));
        let ask = read_refund(&form("", "¥12.34", "2")).expect("a valid ask");
        assert_eq!((ask.line, ask.amount, ask.quantity), (None, 1_234, 2));
    }

    #[test]
    fn a_bad_refund_form_says_why_beside_each_input() {
        let Err(f) = read_refund(&form("x", "12.345", "-1")) else {
            panic!("refused");
        };
        assert_eq!(f.error("line"), Some("请选择退款的商品"));
        assert_eq!(f.error("amount"), Some("请输入金额，例如 12.34"));
        assert!(f.error("quantity").is_some());
        let Err(f) = read_refund(&form("", "", "0")) else {
            panic!("refused");
        };
        assert_eq!(f.error("amount"), Some("请填写退款金额"));
        let Err(f) = read_refund(&form("", "0", "0")) else {
            panic!("refused");
        };
        assert_eq!(f.error("amount"), Some("退款金额需大于 0"));
    }
}
