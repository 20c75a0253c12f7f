//! `/refunds` (退款/售后): the queue of the refund and return requests customers made on
//! the orders in the reader's scope, newest first, filtered by status (待处理 by default);
//! a request's page (`/refunds/{id}`) with its order (lines, paid, refunded so far), and
//! the decision: 同意退款 (asked first, naming the request and the amount) or 拒绝 with a
//! note that must be given.
//!
//! Every member of staff reads the requests they can see; shop guides get no forms, and a
//! guide's decision sent anyway is refused on the request's page (the use cases check who
//! may decide).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use shequn_app::AppError;
use shequn_app::usecases::Page;
use shequn_app::usecases::orders;
use shequn_app::usecases::refund_requests::{self, RefundRequestView};
use shequn_domain::{PageSize, Role, StaffId};

use super::chrome::{Chrome, failure_page, local_time, render};
use super::form::{FormState, REFUSED, form_failed};
use super::i18n::Text;
use super::list::{ListPage, Paging};
use super::orders::staff_name;
use super::session::Console;
use crate::http::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(QUEUE_PATH, get(queue))
        .route("/refunds/{request_id}", get(detail))
        .route("/refunds/{request_id}/approve", post(approve))
        .route("/refunds/{request_id}/reject", post(reject))
}

/// The nav item of every page of this family.
const NAV: &str = "refunds";

const QUEUE_PATH: &str = "/refunds";

/// A request's statuses in their stored form, in the order the filter offers them.
const STATUSES: [&str; 3] = ["requested", "approved", "rejected"];
/// The queue's default: the requests that wait for a decision.
const WAITING: &str = "requested";
/// The filter's value for every request, whatever its status.
const ALL: &str = "all";

fn request_path(id: i64) -> String {
    format!("/refunds/{id}")
}

/// The status the queue shows: as asked (`all` for every request), else the waiting ones.
fn status_filter(raw: Option<&str>) -> &'static str {
    let raw = raw.map(str::trim).unwrap_or("");
    if raw == ALL {
        return ALL;
    }
    STATUSES
        .iter()
        .copied()
        .find(|s| *s == raw)
        .unwrap_or(WAITING)
}

/// The filter as the pager's links keep it: nothing for the default.
fn filter_links(filter: &'static str) -> Vec<(&'static str, String)> {
    if filter == WAITING {
        Vec::new()
    } else {
        vec![("status", filter.to_owned())]
    }
}

/// Whether the reader's role decides requests at all (the use cases check it again, with
/// the order's scope).
fn may_decide(console: &Console) -> bool {
    console.actor.role != Role::ShopGuide
}

/// One choice of the status select: the value the form sends back and its words.
struct Choice {
    value: &'static str,
    label: &'static str,
}

fn status_choices(t: &'static Text) -> Vec<Choice> {
    let mut choices: Vec<Choice> = STATUSES
        .iter()
        .map(|&s| Choice {
            value: s,
            label: t.refunds.status_name(s),
        })
        .collect();
    choices.push(Choice {
        value: ALL,
        label: t.refunds.all_statuses,
    });
    choices
}

/// What a request is for: its line's title, or 整单.
fn item(t: &Text, r: &RefundRequestView) -> String {
    r.line_title
        .clone()
        .unwrap_or_else(|| t.refunds.whole_order.to_owned())
}

/// One request as the queue shows it.
struct RequestRow {
    id: i64,
    order: i64,
    item: String,
    amount: String,
    quantity: i64,
    reason: String,
    status: &'static str,
    status_code: String,
    created: String,
}

fn request_row(t: &Text, r: &RefundRequestView) -> RequestRow {
    RequestRow {
        id: r.id,
        order: r.order.get(),
        item: item(t, r),
        amount: r.amount.to_string(),
        quantity: r.quantity,
        reason: r.reason.clone(),
        status: t.refunds.status_name(&r.status),
        status_code: r.status.clone(),
        created: local_time(r.created_at),
    }
}

#[derive(Template)]
#[template(path = "refunds.html")]
struct QueuePage {
    c: Chrome,
    list: ListPage<RequestRow>,
    statuses: Vec<Choice>,
    /// A status's stored form, or `all`.
    status_filter: &'static str,
}

#[derive(Deserialize)]
struct QueueParams {
    status: Option<String>,
}

async fn queue(
    State(state): State<AppState>,
    console: Console,
    Query(q): Query<QueueParams>,
    Query(paging): Query<Paging>,
) -> Response {
    let t = console.lang.text();
    let filter = status_filter(q.status.as_deref());
    let wanted = (filter != ALL).then_some(filter);
    let size = PageSize::default();
    match refund_requests::list(&state.db, &console.actor, wanted, paging.cursor(), size).await {
        Ok(page) => {
            let page: Page<RequestRow> = Page {
                items: page.items.iter().map(|r| request_row(t, r)).collect(),
                next_cursor: page.next_cursor,
                total: page.total,
            };
            let links = filter_links(filter);
            render(
                StatusCode::OK,
                &QueuePage {
                    c: Chrome::for_console(&console, NAV),
                    list: ListPage::new(page, &paging, QUEUE_PATH, &links),
                    statuses: status_choices(t),
                    status_filter: filter,
                },
            )
        }
        Err(e) => failure_page(&console, e),
    }
}

/// A request as its page shows it.
struct RequestDetail {
    id: i64,
    order: i64,
    item: String,
    amount: String,
    quantity: i64,
    reason: String,
    status: &'static str,
    status_code: String,
    created: String,
    /// Once decided: when, by whom, and the note (a rejection's reason).
    decided: Option<String>,
    decided_by: Option<String>,
    note: String,
    /// Once approved: the refund's number and where its money is.
    refund_no: Option<String>,
    refund_status: Option<&'static str>,
}

/// One line of the request's order.
struct LineView {
    title: String,
    unit_price: String,
    quantity: u32,
    amount: String,
    /// What was refunded on the line, when anything was.
    refunded: Option<String>,
    /// The line this request is about.
    asked: bool,
}

/// The request's order: its money and its lines.
struct OrderSummary {
    id: i64,
    /// 「订单 #12」
    heading: String,
    status: &'static str,
    status_code: &'static str,
    total: String,
    paid: String,
    refunded: String,
    lines: Vec<LineView>,
}

#[derive(Template)]
#[template(path = "refund.html")]
struct RequestPage {
    c: Chrome,
    /// 「退款申请 #7」
    heading: String,
    r: RequestDetail,
    order: OrderSummary,
    /// Waiting, and the reader's role decides: the two forms.
    can_decide: bool,
    /// Waiting, but the reader is a shop guide: said instead of the forms.
    read_only: bool,
    /// Asked before approving, naming the request and the amount.
    confirm_approve: String,
    /// The rejection's note (what was typed, after a refusal) and its error.
    form: FormState,
}

async fn show_request(
    state: &AppState,
    console: &Console,
    id: i64,
    c: Chrome,
    status: StatusCode,
    form: FormState,
) -> Response {
    let a = &console.actor;
    let loaded = async {
        let request = refund_requests::get(&state.db, a, id).await?;
        let (placed, _) = orders::get(&state.db, a, request.order).await?;
        Ok::<_, AppError>((request, placed))
    }
    .await;
    let (r, placed) = match loaded {
        Ok(found) => found,
        Err(e) => return failure_page(console, e),
    };
    let t = console.lang.text();
    let decided_by = match r.decided_at {
        Some(_) => {
            let mut known: HashMap<StaffId, String> = HashMap::new();
            Some(staff_name(state, console, &mut known, r.decided_by).await)
        }
        None => None,
    };
    let number = r.id.to_string();
    let waiting = r.status == WAITING;
    let o = &placed.order;
    let lines: Vec<LineView> = o
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| LineView {
            title: l.title.clone(),
            unit_price: l.unit_price.to_string(),
            quantity: l.quantity,
            amount: l.amount().map(|a| a.to_string()).unwrap_or_default(),
            refunded: (l.refunded.get() != 0).then(|| l.refunded.to_string()),
            asked: i64::try_from(i).ok() == r.line,
        })
        .collect();
    let order_id = placed.meta.id.get();
    let order = OrderSummary {
        id: order_id,
        heading: t.fill(t.orders.order_title, "", &order_id.to_string()),
        status: t.orders.status_name(o.status.as_str()),
        status_code: o.status.as_str(),
        total: o.total.to_string(),
        paid: o.paid.to_string(),
        refunded: o.refunded.to_string(),
        lines,
    };
    let detail = RequestDetail {
        id: r.id,
        order: r.order.get(),
        item: item(t, &r),
        amount: r.amount.to_string(),
        quantity: r.quantity,
        reason: r.reason.clone(),
        status: t.refunds.status_name(&r.status),
        status_code: r.status.clone(),
        created: local_time(r.created_at),
        decided: r.decided_at.map(local_time),
        decided_by,
        note: r.decision_note.clone(),
        refund_no: r.refund_no.clone(),
        refund_status: r
            .refund_status
            .as_deref()
            .map(|s| t.refunds.refund_status_name(s)),
    };
    render(
        status,
        &RequestPage {
            c,
            heading: t.fill(t.refunds.request_title, "", &number),
            confirm_approve: t.fill(t.refunds.confirm_approve, &detail.amount, &number),
            r: detail,
            order,
            can_decide: waiting && may_decide(console),
            read_only: waiting && !may_decide(console),
            form: form.or_with("note", ""),
        },
    )
}

async fn detail(State(state): State<AppState>, console: Console, Path(id): Path<i64>) -> Response {
    let c = Chrome::for_console(&console, NAV);
    show_request(&state, &console, id, c, StatusCode::OK, FormState::new()).await
}

/// 同意退款: the refund is booked; back to the request, now 已同意, with a message naming
/// it and its order.
async fn approve(State(state): State<AppState>, console: Console, Path(id): Path<i64>) -> Response {
    match refund_requests::approve(&state.db, &console.actor, id).await {
        Ok(r) => {
            state.send_refunds_soon();
            decided(&console, &r, console.lang.text().refunds.done_approved)
        }
        Err(e) => decision_failed(&state, &console, id, e, FormState::new()).await,
    }
}

#[derive(Deserialize)]
struct RejectForm {
    note: Option<String>,
}

/// 拒绝 with its note: back to the request, now 已拒绝; a missing note is said beside it.
async fn reject(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<i64>,
    Form(sent): Form<RejectForm>,
) -> Response {
    let note = sent.note.unwrap_or_default();
    let typed = FormState::new().with("note", note.clone());
    match refund_requests::reject(&state.db, &console.actor, id, &note).await {
        Ok(r) => decided(&console, &r, console.lang.text().refunds.done_rejected),
        Err(e) => decision_failed(&state, &console, id, e, typed).await,
    }
}

/// After a decision (post/redirect/get): the request's page says `said`, naming the
/// request and its order.
fn decided(console: &Console, r: &RefundRequestView, said: &'static str) -> Response {
    let t = console.lang.text();
    let message = t.fill(said, &r.order.get().to_string(), &r.id.to_string());
    console.done(&request_path(r.id), message)
}

/// A refused decision: the request's page again, with the refusal beside the note or
/// above the page (exceeding what was paid, a request already decided); a role that may
/// not decide is told so there too, with 403. A request the reader cannot see is the
/// not-found page.
async fn decision_failed(
    state: &AppState,
    console: &Console,
    id: i64,
    e: AppError,
    typed: FormState,
) -> Response {
    if let AppError::Forbidden(_) = e {
        let mut c = Chrome::for_console(console, NAV);
        c.error = Some(console.lang.text().errors.forbidden.to_owned());
        return show_request(state, console, id, c, StatusCode::FORBIDDEN, typed).await;
    }
    form_failed(console, NAV, e, typed, |c, form| {
        show_request(state, console, id, c, REFUSED, form)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::super::i18n::Lang;
    use super::*;

    #[test]
    fn the_queue_shows_waiting_requests_unless_asked_otherwise() {
        assert_eq!(status_filter(None), "requested");
        assert_eq!(status_filter(Some("")), "requested");
        assert_eq!(status_filter(Some("nonsense")), "requested");
        assert_eq!(status_filter(Some("rejected")), "rejected");
        assert_eq!(status_filter(Some("all")), "all");
        assert!(filter_links("requested").is_empty());
        assert_eq!(
            filter_links("approved"),
            vec![("status", "approved".to_owned())]
        );
    }

    #[test]
    fn every_status_has_its_word() {
        let zh = status_choices(Lang::Zh.text());
        let words: Vec<&str> = zh.iter().map(|c| c.label).collect();
        assert_eq!(words, ["待处理", "已同意", "已拒绝", "全部"]);
    }

    #[test]
    fn a_decision_names_the_request_and_its_order() {
        let t = Lang::Zh.text();
        assert_eq!(
            t.fill(t.refunds.done_approved, "34", "12"),
            "已同意退款申请 #12（订单 #34）"
        );
        assert_eq!(
            t.fill(t.refunds.confirm_approve, "¥9.90", "12"),
            "确定同意退款申请 #12 吗？将退款 ¥9.90 给顾客。"
        );
    }
}
