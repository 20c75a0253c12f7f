//! `/orders` (订单): the orders of the customers in the reader's scope, newest first,
//! filtered by status, store and the days they were placed (China time); an order's page
//! (`/orders/{id}`) with its money, its lines, its timeline (payments included) and its
//! refund requests (linking to `/refunds/{id}`), with 取消订单 while it waits for payment,
//! 发货 once paid and 完成 once shipped, each asked first.
//!
//! Every member of staff reads the orders they can see, cancels an unpaid one, ships and
//! completes (the use cases check it again). Money is shown with `Fen`'s `¥12.34`.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use shequn_app::AppError;
use shequn_app::usecases::Page;
use shequn_app::usecases::orders::{self, OrderQuery, Placed};
use shequn_app::usecases::refund_requests::{self, RefundRequestView};
use shequn_app::usecases::{staff, stores};
use shequn_domain::{Cursor, OrderId, OrderStatus, PageSize, StaffId, Store};

use super::chrome::{Chrome, failure_page, local_time, render};
use super::form::{FormState, REFUSED, form_failed};
use super::i18n::Text;
use super::list::{ListPage, Paging};
use super::session::Console;
use crate::http::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(LIST_PATH, get(list))
        .route("/orders/{order_id}", get(detail))
        .route("/orders/{order_id}/cancel", post(cancel))
        .route("/orders/{order_id}/ship", post(ship))
        .route("/orders/{order_id}/complete", post(complete))
}

/// The nav item of every page of this family.
const NAV: &str = "orders";

const LIST_PATH: &str = "/orders";

fn order_path(id: i64) -> String {
    format!("/orders/{id}")
}

/// An optional id from a form select or a query, where "" means none.
fn opt_id(raw: Option<&str>) -> Option<i64> {
    raw.and_then(|s| s.trim().parse::<i64>().ok())
        .filter(|n| *n > 0)
}

/// The first instant of the China-time day `YYYY-MM-DD` (or, `next`, of the day after:
/// the end of a range that includes the day), in UTC milliseconds; None for no such day.
fn day_start(raw: &str, next: bool) -> Option<i64> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let day = time::Date::parse(raw.trim(), fmt).ok()?;
    let day = if next { day.next_day()? } else { day };
    let at = day
        .midnight()
        .assume_offset(time::macros::offset!(+8))
        .unix_timestamp();
    at.checked_mul(1000)
}

/// One choice of a select: the value the form sends back and its words.
struct Choice {
    value: &'static str,
    label: &'static str,
}

fn status_choices(t: &'static Text) -> Vec<Choice> {
    OrderStatus::ALL
        .iter()
        .map(|s| Choice {
            value: s.as_str(),
            label: t.orders.status_name(s.as_str()),
        })
        .collect()
}

/// A store as the list's filter offers it: the id as the form sends it back.
struct StoreChoice {
    id: i64,
    code: String,
    name: String,
}

impl From<Store> for StoreChoice {
    fn from(s: Store) -> Self {
        StoreChoice {
            id: s.id.get(),
            code: s.code,
            name: s.name,
        }
    }
}

/// The stores in the reader's scope (the first [`PageSize::MAX`]).
async fn store_choices(state: &AppState, console: &Console) -> Result<Vec<StoreChoice>, AppError> {
    let page = stores::list(
        &state.db,
        &console.actor,
        None,
        None,
        Cursor::default(),
        PageSize::MAX_PAGE,
    )
    .await?;
    Ok(page.items.into_iter().map(StoreChoice::from).collect())
}

/// One order as the list shows it.
struct OrderRow {
    id: i64,
    placed: String,
    customer_id: i64,
    /// The customer's nickname, or #id.
    customer: String,
    /// The store's name, "" when it has none or the reader does not see it.
    store: String,
    status: &'static str,
    status_code: &'static str,
    total: String,
    paid: String,
}

fn order_row(
    t: &Text,
    p: &Placed,
    stores: &[StoreChoice],
    names: &HashMap<shequn_domain::CustomerId, String>,
) -> OrderRow {
    let store = p
        .meta
        .store
        .and_then(|s| stores.iter().find(|x| x.id == s.get()))
        .map(|s| s.name.clone())
        .unwrap_or_default();
    OrderRow {
        id: p.meta.id.get(),
        placed: local_time(p.order.placed_at),
        customer_id: p.meta.customer.get(),
        customer: names
            .get(&p.meta.customer)
            .cloned()
            .unwrap_or_else(|| format!("#{}", p.meta.customer.get())),
        store,
        status: t.orders.status_name(p.order.status.as_str()),
        status_code: p.order.status.as_str(),
        total: p.order.total.to_string(),
        paid: p.order.paid.to_string(),
    }
}

#[derive(Template)]
#[template(path = "orders.html")]
struct OrdersPage {
    c: Chrome,
    list: ListPage<OrderRow>,
    statuses: Vec<Choice>,
    /// A status's stored form, or "" for every order.
    status_filter: &'static str,
    stores: Vec<StoreChoice>,
    /// 0 for every store.
    store_filter: i64,
    /// One customer's orders (a link from elsewhere); kept by the filter form.
    customer_filter: Option<i64>,
    /// The days as typed.
    from: String,
    to: String,
    /// Why a date was not applied.
    date_error: Option<&'static str>,
}

#[derive(Deserialize)]
struct ListParams {
    status: Option<String>,
    store_id: Option<String>,
    customer_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// The list's filters.
#[derive(Default)]
struct Filters {
    status: Option<OrderStatus>,
    store: Option<i64>,
    customer: Option<i64>,
    /// As typed; applied when they are days.
    from: String,
    to: String,
}

impl Filters {
    fn of(p: &ListParams) -> Filters {
        Filters {
            status: p
                .status
                .as_deref()
                .and_then(|s| OrderStatus::parse("status", s).ok()),
            store: opt_id(p.store_id.as_deref()),
            customer: opt_id(p.customer_id.as_deref()),
            from: p.from.as_deref().unwrap_or("").trim().to_owned(),
            to: p.to.as_deref().unwrap_or("").trim().to_owned(),
        }
    }

    /// The filters that are set, as the pager's links keep them.
    fn links(&self) -> Vec<(&'static str, String)> {
        let mut f = Vec::new();
        if let Some(s) = self.status {
            f.push(("status", s.as_str().to_owned()));
        }
        if let Some(s) = self.store {
            f.push(("store_id", s.to_string()));
        }
        if let Some(c) = self.customer {
            f.push(("customer_id", c.to_string()));
        }
        if !self.from.is_empty() {
            f.push(("from", self.from.clone()));
        }
        if !self.to.is_empty() {
            f.push(("to", self.to.clone()));
        }
        f
    }
}

async fn list(
    State(state): State<AppState>,
    console: Console,
    Query(q): Query<ListParams>,
    Query(paging): Query<Paging>,
) -> Response {
    let t = console.lang.text();
    let filters = Filters::of(&q);
    let from = (!filters.from.is_empty())
        .then(|| day_start(&filters.from, false))
        .flatten();
    let to = (!filters.to.is_empty())
        .then(|| day_start(&filters.to, true))
        .flatten();
    let bad_date =
        (!filters.from.is_empty() && from.is_none()) || (!filters.to.is_empty() && to.is_none());
    let query = OrderQuery {
        status: filters.status.map(|s| s.as_str().to_owned()),
        customer: filters.customer,
        store: filters.store,
        from,
        to,
    };
    let size = PageSize::default();
    let loaded = async {
        let stores = store_choices(&state, &console).await?;
        let page = orders::list(&state.db, &console.actor, query, paging.cursor(), size).await?;
        let names = orders::customer_names(&state.db, &console.actor, &page.items).await?;
        Ok::<_, AppError>((stores, page, names))
    }
    .await;
    match loaded {
        Ok((stores, page, names)) => {
            let items: Vec<OrderRow> = page
                .items
                .iter()
                .map(|p| order_row(t, p, &stores, &names))
                .collect();
            let page: Page<OrderRow> = Page {
                items,
                next_cursor: page.next_cursor,
                total: page.total,
            };
            let links = filters.links();
            render(
                StatusCode::OK,
                &OrdersPage {
                    c: Chrome::for_console(&console, NAV),
                    list: ListPage::new(page, &paging, LIST_PATH, &links),
                    statuses: status_choices(t),
                    status_filter: filters.status.map_or("", OrderStatus::as_str),
                    stores,
                    store_filter: filters.store.unwrap_or(0),
                    customer_filter: filters.customer,
                    from: filters.from,
                    to: filters.to,
                    date_error: bad_date.then_some(t.orders.bad_date),
                },
            )
        }
        Err(e) => failure_page(&console, e),
    }
}

/// One line of an order.
struct LineView {
    title: String,
    unit_price: String,
    quantity: u32,
    amount: String,
    /// What was refunded on the line, when anything was.
    refunded: Option<String>,
}

/// One refund request of an order, as its page lists them.
struct RequestLine {
    id: i64,
    /// The line's title, or 整单.
    item: String,
    amount: String,
    quantity: i64,
    status: &'static str,
    status_code: String,
    created: String,
}

fn request_line(t: &Text, r: &RefundRequestView) -> RequestLine {
    RequestLine {
        id: r.id,
        item: r
            .line_title
            .clone()
            .unwrap_or_else(|| t.refunds.whole_order.to_owned()),
        amount: r.amount.to_string(),
        quantity: r.quantity,
        status: t.refunds.status_name(&r.status),
        status_code: r.status.clone(),
        created: local_time(r.created_at),
    }
}

/// One entry of an order's timeline.
struct EventView {
    /// The event's word (its code when the console does not know it).
    event: String,
    status: &'static str,
    at: String,
    staff: String,
}

#[derive(Template)]
#[template(path = "order.html")]
struct OrderPage {
    c: Chrome,
    id: i64,
    /// 「订单 #12」
    heading: String,
    status: &'static str,
    status_code: &'static str,
    customer_id: i64,
    /// The customer's nickname, or #id.
    customer: String,
    /// Where it ships (store orders), the phone masked.
    shipping: Option<shequn_app::usecases::shop::Shipping>,
    /// The order's store, when it has one the reader sees.
    store: Option<StoreChoice>,
    placed: String,
    /// While it waits for payment.
    pay_deadline: Option<String>,
    paid_at: Option<String>,
    closed_at: Option<String>,
    total: String,
    paid: String,
    refunded: String,
    lines: Vec<LineView>,
    timeline: Vec<EventView>,
    /// Waiting for payment: 取消订单, after this question.
    can_cancel: bool,
    confirm_cancel: String,
    /// Paid: 发货, after this question.
    can_ship: bool,
    confirm_ship: String,
    /// Shipped: 完成, after this question.
    can_complete: bool,
    confirm_complete: String,
    /// Its refund requests, oldest first as the use case gives them.
    requests: Vec<RequestLine>,
}

/// The name of who did something on the order: the reader, someone they see, someone
/// else, or the system (no staff member).
pub(super) async fn staff_name(
    state: &AppState,
    console: &Console,
    known: &mut HashMap<StaffId, String>,
    who: Option<StaffId>,
) -> String {
    let t = console.lang.text();
    let Some(id) = who else {
        return t.orders.by_system.to_owned();
    };
    if id == console.actor.staff {
        return console.staff.display_name.clone();
    }
    if let Some(name) = known.get(&id) {
        return name.clone();
    }
    let name = staff::get(&state.db, &console.actor, id)
        .await
        .map_or_else(|_| t.orders.someone.to_owned(), |m| m.display_name);
    known.insert(id, name.clone());
    name
}

async fn show_order(
    state: &AppState,
    console: &Console,
    id: i64,
    c: Chrome,
    status: StatusCode,
) -> Response {
    let a = &console.actor;
    let loaded = async {
        let (placed, timeline) = orders::get(&state.db, a, OrderId(id)).await?;
        let requests = refund_requests::of_order(&state.db, a, OrderId(id)).await?;
        let shipping =
            shequn_app::usecases::shop::shipping_for_staff(&state.db, a, OrderId(id)).await?;
        let names = orders::customer_names(&state.db, a, std::slice::from_ref(&placed)).await?;
        Ok::<_, AppError>((placed, timeline, requests, shipping, names))
    }
    .await;
    let (placed, timeline, requests, shipping, names) = match loaded {
        Ok(found) => found,
        Err(e) => return failure_page(console, e),
    };
    let t = console.lang.text();
    let store = match placed.meta.store {
        Some(s) => stores::get(&state.db, a, s)
            .await
            .ok()
            .map(StoreChoice::from),
        None => None,
    };
    let mut known: HashMap<StaffId, String> = HashMap::new();
    let mut events = Vec::with_capacity(timeline.len());
    for entry in &timeline {
        events.push(EventView {
            event: t
                .orders
                .event_name(&entry.event)
                .map_or_else(|| entry.event.clone(), str::to_owned),
            status: t.orders.status_name(&entry.status_after),
            at: local_time(entry.at),
            staff: staff_name(state, console, &mut known, entry.staff).await,
        });
    }
    let o = &placed.order;
    let pending = o.status == OrderStatus::PendingPayment;
    let number = placed.meta.id.get().to_string();
    let lines: Vec<LineView> = o
        .lines
        .iter()
        .map(|l| LineView {
            title: l.title.clone(),
            unit_price: l.unit_price.to_string(),
            quantity: l.quantity,
            amount: l.amount().map(|a| a.to_string()).unwrap_or_default(),
            refunded: (l.refunded.get() != 0).then(|| l.refunded.to_string()),
        })
        .collect();
    render(
        status,
        &OrderPage {
            c,
            id: placed.meta.id.get(),
            heading: t.fill(t.orders.order_title, "", &number),
            status: t.orders.status_name(o.status.as_str()),
            status_code: o.status.as_str(),
            customer_id: placed.meta.customer.get(),
            customer: names
                .get(&placed.meta.customer)
                .cloned()
                .unwrap_or_else(|| format!("#{}", placed.meta.customer.get())),
            shipping,
            store,
            placed: local_time(o.placed_at),
            pay_deadline: pending.then(|| local_time(o.pay_deadline)),
            paid_at: o.paid_at.map(local_time),
            closed_at: o.closed_at.map(local_time),
            total: o.total.to_string(),
            paid: o.paid.to_string(),
            refunded: o.refunded.to_string(),
            lines,
            timeline: events,
            can_cancel: pending,
            confirm_cancel: t.fill(t.orders.confirm_cancel, "", &number),
            can_ship: o.status == OrderStatus::Paid,
            confirm_ship: t.fill(t.orders.confirm_ship, "", &number),
            can_complete: o.status == OrderStatus::Shipped,
            confirm_complete: t.fill(t.orders.confirm_complete, "", &number),
            requests: requests.iter().map(|r| request_line(t, r)).collect(),
        },
    )
}

async fn detail(State(state): State<AppState>, console: Console, Path(id): Path<i64>) -> Response {
    let c = Chrome::for_console(&console, NAV);
    show_order(&state, &console, id, c, StatusCode::OK).await
}

/// 取消订单: its units go back on hand; back to the order with a message naming it. An
/// order past waiting for payment is refused above its page.
async fn cancel(State(state): State<AppState>, console: Console, Path(id): Path<i64>) -> Response {
    match orders::cancel(&state.db, &console.actor, OrderId(id)).await {
        Ok(placed) => {
            let t = console.lang.text();
            let number = placed.meta.id.get().to_string();
            console.done(
                &order_path(id),
                t.fill(t.orders.done_cancelled, "", &number),
            )
        }
        Err(e) => {
            form_failed(&console, NAV, e, FormState::new(), |c, _| {
                show_order(&state, &console, id, c, REFUSED)
            })
            .await
        }
    }
}

/// 发货: back to the order, now 已发货, with a message naming it; an order that is not
/// paid (or already shipped) is refused above its page.
async fn ship(State(state): State<AppState>, console: Console, Path(id): Path<i64>) -> Response {
    let shipped = orders::ship(&state.db, &console.actor, OrderId(id)).await;
    step_done(
        &state,
        &console,
        id,
        shipped,
        console.lang.text().orders.done_shipped,
    )
    .await
}

/// 完成: back to the order, now 已完成, with a message naming it; an order that is not
/// shipped is refused above its page.
async fn complete(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<i64>,
) -> Response {
    let completed = orders::complete(&state.db, &console.actor, OrderId(id)).await;
    step_done(
        &state,
        &console,
        id,
        completed,
        console.lang.text().orders.done_completed,
    )
    .await
}

/// After 发货 or 完成: post/redirect/get with `said` naming the order, or the order's page
/// again with the refusal above it.
async fn step_done(
    state: &AppState,
    console: &Console,
    id: i64,
    result: Result<Placed, AppError>,
    said: &'static str,
) -> Response {
    match result {
        Ok(placed) => {
            let t = console.lang.text();
            let number = placed.meta.id.get().to_string();
            console.done(&order_path(id), t.fill(said, "", &number))
        }
        Err(e) => {
            form_failed(console, NAV, e, FormState::new(), |c, _| {
                show_order(state, console, id, c, REFUSED)
            })
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_china_time_and_the_end_day_is_included() {
        // 2026-11-01 00:00 in China is 2026-10-31 16:00 UTC.
        assert_eq!(day_start("2026-11-01", false), Some(1_793_462_400_000));
        assert_eq!(
            day_start("2026-11-01", true),
            Some(1_793_462_400_000 + 86_400_000)
        );
        assert_eq!(day_start("2026-13-01", false), None);
        assert_eq!(day_start("11/01/2026", false), None);
        assert_eq!(day_start("", false), None);
    }

    #[test]
    fn a_list_link_keeps_its_filters() {
        let f = Filters::of(&ListParams {
            status: Some("pending_payment".to_owned()),
            store_id: Some("".to_owned()),
            customer_id: Some("7".to_owned()),
            from: Some(" 2026-11-01 ".to_owned()),
            to: None,
        });
        assert_eq!(
            f.links(),
            vec![
                ("status", "pending_payment".to_owned()),
                ("customer_id", "7".to_owned()),
                ("from", "2026-11-01".to_owned()),
            ]
        );
    }
}
