//! `/`: the brand home, with the figures of the signed-in member's scope. For a shop guide
//! it is the workbench (工作台): their communities with today's joins and leaves, the
//! members waiting for review, their removal tasks and the customers to follow up.
//! Managers and admins keep the figures and the latest events, and see the communities of
//! their scope with today's movement.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use shequn_app::AppError;
use shequn_app::usecases::Page;
use shequn_app::usecases::audit;
use shequn_app::usecases::customers::{self, ListQuery};
use shequn_app::usecases::dashboard::{self, Counts};
use shequn_app::usecases::screening::{self, DecisionQuery, TaskQuery};
use shequn_app::usecases::workbench::{self, CommunityToday};
use shequn_domain::{AuditEntry, Customer, Decision, RemovalTask};
use shequn_domain::{Cursor, PageSize, Role};

use super::audit_text;
use super::chrome::{Chrome, failure_page, local_time, render};
use super::i18n::{Lang, Text};
use super::session::Console;
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(page))
}

/// How many rows each list of the workbench shows; the rest are a link away.
const FIRST_ROWS: i64 = 5;

/// A community with today's joins and leaves.
struct CommunityLine {
    id: i64,
    name: String,
    members: i64,
    joins: i64,
    leaves: i64,
}

impl From<CommunityToday> for CommunityLine {
    fn from(x: CommunityToday) -> Self {
        CommunityLine {
            id: x.community.id.get(),
            name: x.community.name,
            members: x.community.members,
            joins: x.joins,
            leaves: x.leaves,
        }
    }
}

/// A member waiting for review: who, which rule caught them, and why.
struct ReviewLine {
    customer_id: i64,
    nickname: String,
    rule_name: String,
    evidence: String,
}

/// A removal task of the guide: who, from which community.
struct TaskLine {
    community_id: i64,
    community: String,
    customer_id: i64,
    nickname: String,
}

/// A customer to follow up, with a note: when they were added, or last active.
struct CustomerLine {
    id: i64,
    nickname: String,
    note: String,
}

/// The first rows of one list of the workbench, and how many there are in all.
struct Short<T> {
    items: Vec<T>,
    total: i64,
    /// 「共 N 位」, when the list has more than it shows.
    more: Option<String>,
}

impl<T> Short<T> {
    fn of<U>(t: &Text, page: Page<U>, line: impl Fn(&U) -> T) -> Self {
        let items: Vec<T> = page.items.iter().map(line).collect();
        let total = page.total.unwrap_or(items.len() as i64);
        let more = (total > items.len() as i64)
            .then(|| t.home.in_all.replace("{count}", &total.to_string()));
        Short { items, total, more }
    }
}

/// What a shop guide's home shows beside their communities.
struct Workbench {
    reviews: Short<ReviewLine>,
    tasks: Short<TaskLine>,
    strong_new: Short<CustomerLine>,
    silent: Short<CustomerLine>,
    /// The customer list with the same filters, under each follow-up list.
    strong_new_link: String,
    silent_link: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    counts: Counts,
    /// The latest operation-log events of the member's scope (none for shop guides).
    recent: Vec<AuditEntry>,
    /// A guide's own active communities, or a manager's (first 50 in scope), with today's
    /// joins and leaves.
    communities: Vec<CommunityLine>,
    /// A shop guide's workbench; None for managers and admins.
    workbench: Option<Workbench>,
    lang: Lang,
}

impl HomePage {
    fn time(&self, ms: &i64) -> String {
        local_time(*ms)
    }

    fn sentence(&self, e: &AuditEntry) -> String {
        audit_text::sentence(self.lang, e)
    }
}

/// How many operation-log events the home page shows.
const RECENT_EVENTS: i64 = 8;

fn review_line(lang: Lang, d: &Decision) -> ReviewLine {
    ReviewLine {
        customer_id: d.customer_id.get(),
        nickname: d.nickname.clone(),
        rule_name: d.rule_name.clone(),
        evidence: d
            .evidence
            .iter()
            .map(|e| super::screening::evidence_text(lang, e))
            .collect::<Vec<_>>()
            .join(lang.text().screening.evidence_separator),
    }
}

fn task_line(task: &RemovalTask) -> TaskLine {
    TaskLine {
        community_id: task.community_id.get(),
        community: task.community_name.clone(),
        customer_id: task.customer_id.get(),
        nickname: task.nickname.clone(),
    }
}

fn new_customer_line(t: &Text, c: &Customer) -> CustomerLine {
    CustomerLine {
        id: c.id.get(),
        nickname: c.nickname.clone(),
        note: format!("{}{}", t.home.added, local_time(c.created_at)),
    }
}

fn silent_customer_line(t: &Text, c: &Customer) -> CustomerLine {
    CustomerLine {
        id: c.id.get(),
        nickname: c.nickname.clone(),
        note: match c.last_active_at {
            Some(at) => format!("{}{}", t.home.last_active, local_time(at)),
            None => t.home.never_active.to_owned(),
        },
    }
}

/// A shop guide's lists: the open decisions of their scope, their own open removal tasks,
/// and their new strong-intent and quiet customers (the first few of each).
async fn workbench_of(state: &AppState, console: &Console) -> Result<Workbench, AppError> {
    let db = &state.db;
    let a = &console.actor;
    let lang = console.lang;
    let t = lang.text();
    let size = PageSize::parse(Some(FIRST_ROWS))?;
    let open = || Some("open".to_owned());
    let decisions = screening::decisions(
        db,
        a,
        DecisionQuery {
            status: open(),
            ..DecisionQuery::default()
        },
        Cursor(0),
        size,
    )
    .await?;
    let tasks = screening::tasks(
        db,
        a,
        TaskQuery {
            status: open(),
            mine: true,
            ..TaskQuery::default()
        },
        Cursor(0),
        size,
    )
    .await?;
    let mine = |tier: Option<&str>, lifecycle: &str| ListQuery {
        guide: Some(a.staff),
        tier: tier.map(str::to_owned),
        lifecycle: Some(lifecycle.to_owned()),
        ..ListQuery::default()
    };
    let strong_new = customers::list(db, a, mine(Some("strong"), "new"), Cursor(0), size).await?;
    let silent = customers::list(db, a, mine(None, "silent"), Cursor(0), size).await?;
    Ok(Workbench {
        reviews: Short::of(t, decisions, |d| review_line(lang, d)),
        tasks: Short::of(t, tasks, task_line),
        strong_new: Short::of(t, strong_new, |c| new_customer_line(t, c)),
        silent: Short::of(t, silent, |c| silent_customer_line(t, c)),
        strong_new_link: format!("/customers?tier=strong&lifecycle=new&guide_id={}", a.staff),
        silent_link: format!("/customers?lifecycle=silent&guide_id={}", a.staff),
    })
}

async fn page(State(state): State<AppState>, console: Console) -> Response {
    let guide = console.actor.role == Role::ShopGuide;
    let loaded = async {
        let counts = dashboard::counts(&state.db, &console.actor).await?;
        let recent = if guide {
            Vec::new()
        } else {
            let size = PageSize::parse(Some(RECENT_EVENTS))?;
            audit::list(&state.db, &console.actor, Cursor::default(), size)
                .await?
                .items
        };
        let communities = workbench::my_communities(&state.db, &console.actor).await?;
        let desk = if guide {
            Some(workbench_of(&state, &console).await?)
        } else {
            None
        };
        Ok::<_, AppError>((counts, recent, communities, desk))
    }
    .await;
    match loaded {
        Ok((counts, recent, communities, workbench)) => {
            let c = Chrome::for_console(&console, "home");
            let lang = console.lang;
            render(
                StatusCode::OK,
                &HomePage {
                    c,
                    counts,
                    recent,
                    communities: communities.into_iter().map(CommunityLine::from).collect(),
                    workbench,
                    lang,
                },
            )
        }
        Err(e) => failure_page(&console, e),
    }
}
