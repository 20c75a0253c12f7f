//! The brand's settings beside `/settings/intent-tiers` (in `customers.rs`), linked from
//! each other: `/settings/lifecycle`, the days that decide a customer's stage (新客, 活跃,
//! 沉默, 流失); `/settings/welcome-texts`, the 入群欢迎语 of each intent tier (默认 until
//! the brand writes its own); `/settings/wecom`, the WeCom callback: whether it is set, the
//! corp ID, the callback URL to copy into WeCom's console, and the form to set it.
//!
//! Brand admins change them; everyone else reads them (the use cases check it again). The
//! WeCom token and EncodingAESKey are never shown: their inputs start empty, even after a
//! refused save.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use shequn_app::AppError;
use shequn_app::usecases::wecom::{self, WecomSettings};
use shequn_app::usecases::{brands, links, segments};
use shequn_domain::links::parse_welcome;
use shequn_domain::{Reason, Role, Tier};

use super::chrome::{Chrome, failure_page, local_time, render};
use super::error_text::{form_message, reason_text};
use super::form::{FormState, REFUSED, form_failed};
use super::i18n::Text;
use super::session::Console;
use crate::http::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(LIFECYCLE_PATH, get(lifecycle).post(save_lifecycle))
        .route(WELCOME_PATH, get(welcome_texts).post(save_welcome_texts))
        .route(WECOM_PATH, get(wecom_page).post(save_wecom))
}

/// The nav item of the settings pages: they are the customers' (as the intent tiers).
const NAV: &str = "customers";

const LIFECYCLE_PATH: &str = "/settings/lifecycle";
const WELCOME_PATH: &str = "/settings/welcome-texts";
const WECOM_PATH: &str = "/settings/wecom";

/// Why a member of staff other than a brand admin gets no settings form.
const ADMINS_ONLY: &str = "only brand admins change the brand's settings";

fn can_edit(console: &Console) -> bool {
    console.actor.role == Role::BrandAdmin
}

/// Where this request reached the server (`http://host:port`), for the absolute URLs a
/// page hands out (the WeCom callback, a customer's unsubscribe link), as the API and the
/// join links build them.
pub(super) fn origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|p| *p == "https")
        .unwrap_or("http");
    format!("{scheme}://{host}")
}

/// The WeCom callback URL of the brand with this slug.
fn callback_url(origin: &str, slug: &str) -> String {
    format!("{origin}/wecom/{slug}/callback")
}

// ---- /settings/lifecycle ----

/// One day-count input of the lifecycle form.
struct DaysField {
    /// The input's name, as the use case names the field at fault.
    name: &'static str,
    id: &'static str,
    /// The stage's word: 新客, 活跃, 流失.
    stage: &'static str,
    hint: &'static str,
    min: i64,
    max: i64,
}

fn days_fields(t: &'static Text) -> Vec<DaysField> {
    vec![
        DaysField {
            name: "new_days",
            id: "new-days",
            stage: t.customers.stage_new,
            hint: t.settings.new_days_hint,
            min: 1,
            max: 365,
        },
        DaysField {
            name: "active_days",
            id: "active-days",
            stage: t.customers.stage_active,
            hint: t.settings.active_days_hint,
            min: 1,
            max: 3649,
        },
        DaysField {
            name: "churned_days",
            id: "churned-days",
            stage: t.customers.stage_churned,
            hint: t.settings.churned_days_hint,
            min: 2,
            max: 3650,
        },
    ]
}

#[derive(Template)]
#[template(path = "settings/lifecycle.html")]
struct LifecyclePage {
    c: Chrome,
    fields: Vec<DaysField>,
    /// The brand's days, or what was typed when refused.
    form: FormState,
    can_edit: bool,
}

async fn show_lifecycle(
    state: &AppState,
    console: &Console,
    c: Chrome,
    status: StatusCode,
    form: FormState,
) -> Response {
    match segments::thresholds(&state.db, &console.actor).await {
        Ok(days) => {
            let form = form
                .or_with("new_days", days.new_days.to_string())
                .or_with("active_days", days.active_days.to_string())
                .or_with("churned_days", days.churned_days.to_string());
            render(
                status,
                &LifecyclePage {
                    c,
                    fields: days_fields(console.lang.text()),
                    form,
                    can_edit: can_edit(console),
                },
            )
        }
        Err(e) => failure_page(console, e),
    }
}

async fn lifecycle(State(state): State<AppState>, console: Console) -> Response {
    let c = Chrome::for_console(&console, NAV);
    show_lifecycle(&state, &console, c, StatusCode::OK, FormState::new()).await
}

#[derive(Deserialize)]
struct LifecycleForm {
    new_days: Option<String>,
    active_days: Option<String>,
    churned_days: Option<String>,
}

async fn save_lifecycle(
    State(state): State<AppState>,
    console: Console,
    Form(sent): Form<LifecycleForm>,
) -> Response {
    if !can_edit(&console) {
        return failure_page(&console, AppError::Forbidden(ADMINS_ONLY));
    }
    let lang = console.lang;
    let t = lang.text();
    let mut typed = FormState::new();
    let mut days = [0_i64; 3];
    let sent = [
        ("new_days", sent.new_days),
        ("active_days", sent.active_days),
        ("churned_days", sent.churned_days),
    ];
    for (i, (name, raw)) in sent.into_iter().enumerate() {
        let raw = raw.unwrap_or_default().trim().to_owned();
        match raw.parse::<i64>() {
            Ok(n) => days[i] = n,
            Err(_) if raw.is_empty() => {
                typed
                    .errors
                    .insert(name, reason_text(lang, &Reason::Required));
            }
            Err(_) => {
                typed
                    .errors
                    .insert(name, t.settings.not_a_number.to_owned());
            }
        }
        typed = typed.with(name, raw);
    }
    if typed.has_errors() {
        let c = Chrome::for_console(&console, NAV);
        return show_lifecycle(&state, &console, c, REFUSED, typed).await;
    }
    let [new_days, active_days, churned_days] = days;
    match segments::set_thresholds(
        &state.db,
        &console.actor,
        new_days,
        active_days,
        churned_days,
    )
    .await
    {
        Ok(_) => console.done(LIFECYCLE_PATH, t.settings.done_lifecycle.to_owned()),
        Err(e) => {
            form_failed(&console, NAV, e, typed, |c, form| {
                show_lifecycle(&state, &console, c, REFUSED, form)
            })
            .await
        }
    }
}

// ---- /settings/welcome-texts ----

/// One tier's welcome text: its textarea is named by the tier's stored form.
struct WelcomeLine {
    tier: &'static str,
    label: &'static str,
    /// The brand has not written its own: the default is sent.
    is_default: bool,
}

#[derive(Template)]
#[template(path = "settings/welcome_texts.html")]
struct WelcomePage {
    c: Chrome,
    lines: Vec<WelcomeLine>,
    /// The texts, or what was typed when refused.
    form: FormState,
    can_edit: bool,
}

async fn show_welcome(
    state: &AppState,
    console: &Console,
    c: Chrome,
    status: StatusCode,
    form: FormState,
) -> Response {
    match links::welcome_texts(&state.db, &console.actor).await {
        Ok(texts) => {
            let t = console.lang.text();
            let mut form = form;
            let mut lines = Vec::with_capacity(texts.len());
            for w in texts {
                let tier = w.tier.as_str();
                form = form.or_with(tier, w.body);
                lines.push(WelcomeLine {
                    tier,
                    label: t.customers.tier_name(tier),
                    is_default: w.is_default,
                });
            }
            render(
                status,
                &WelcomePage {
                    c,
                    lines,
                    form,
                    can_edit: can_edit(console),
                },
            )
        }
        Err(e) => failure_page(console, e),
    }
}

async fn welcome_texts(State(state): State<AppState>, console: Console) -> Response {
    let c = Chrome::for_console(&console, NAV);
    show_welcome(&state, &console, c, StatusCode::OK, FormState::new()).await
}

/// The use case names a refused text `body`: here it is the tier's textarea.
fn at_tier(e: AppError, tier: Tier) -> AppError {
    match e {
        AppError::Invalid {
            field: "body",
            reason,
        } => AppError::Invalid {
            field: tier.as_str(),
            reason,
        },
        other => other,
    }
}

/// Saves the texts that changed (one textarea a tier, named by the tier); a text left as
/// it was, the default included, is not written. All are checked before any is saved.
async fn save_welcome_texts(
    State(state): State<AppState>,
    console: Console,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    if !can_edit(&console) {
        return failure_page(&console, AppError::Forbidden(ADMINS_ONLY));
    }
    let lang = console.lang;
    let mut typed = FormState::new();
    let mut bodies: Vec<(Tier, String)> = Vec::new();
    for tier in Tier::ALL.iter().copied() {
        let Some(body) = pairs
            .iter()
            .find(|(name, _)| name.as_str() == tier.as_str())
            .map(|(_, v)| v.clone())
        else {
            continue;
        };
        if let Err(e) = parse_welcome(tier.as_str(), &body)
            && let Some(m) = form_message(lang, &AppError::from(e))
        {
            typed.errors.insert(tier.as_str(), m.message);
        }
        typed = typed.with(tier.as_str(), body.clone());
        bodies.push((tier, body));
    }
    if typed.has_errors() {
        let c = Chrome::for_console(&console, NAV);
        return show_welcome(&state, &console, c, REFUSED, typed).await;
    }
    let saved = async {
        let current = links::welcome_texts(&state.db, &console.actor).await?;
        let mut changed = 0_usize;
        for (tier, body) in &bodies {
            let same = current
                .iter()
                .any(|w| w.tier == *tier && w.body == body.trim());
            if same {
                continue;
            }
            links::set_welcome_text(&state.db, &console.actor, tier.as_str(), body)
                .await
                .map_err(|e| at_tier(e, *tier))?;
            changed += 1;
        }
        Ok::<_, AppError>(changed)
    }
    .await;
    match saved {
        Ok(changed) => {
            let t = lang.text();
            console.done(WELCOME_PATH, t.settings.welcome_saved(changed))
        }
        Err(e) => {
            form_failed(&console, NAV, e, typed, |c, form| {
                show_welcome(&state, &console, c, REFUSED, form)
            })
            .await
        }
    }
}

// ---- /settings/wecom ----

/// The brand's saved WeCom settings as the page shows them: never the secrets.
struct SavedWecom {
    corp_id: String,
    updated: String,
}

#[derive(Template)]
#[template(path = "settings/wecom.html")]
struct WecomPage {
    c: Chrome,
    /// None until the brand's callback is set.
    saved: Option<SavedWecom>,
    callback_url: String,
    /// The corp ID (saved or typed); the token and key inputs are declared but always
    /// empty, so their errors show beside them.
    form: FormState,
    can_edit: bool,
}

/// The form's words for what WeCom would not accept: the use case says only which input.
fn reword_wecom(t: &Text, form: &mut FormState) {
    for (name, message) in [
        ("corp_id", t.settings.corp_id_invalid),
        ("token", t.settings.token_invalid),
        ("encoding_aes_key", t.settings.aes_key_invalid),
    ] {
        if let Some(m) = form.errors.get_mut(name) {
            *m = message.to_owned();
        }
    }
}

async fn show_wecom(
    state: &AppState,
    console: &Console,
    headers: &HeaderMap,
    c: Chrome,
    status: StatusCode,
    form: FormState,
) -> Response {
    let loaded = async {
        let saved = wecom::status(&state.db, &console.actor).await?;
        let brand = brands::current(&state.db, &console.actor).await?;
        Ok::<_, AppError>((saved, brand))
    }
    .await;
    match loaded {
        Ok((saved, brand)) => {
            let form = form
                .or_with(
                    "corp_id",
                    saved
                        .as_ref()
                        .map(|s| s.corp_id.clone())
                        .unwrap_or_default(),
                )
                // Never the saved secrets: they are typed again on each save.
                .with("token", "")
                .with("encoding_aes_key", "");
            render(
                status,
                &WecomPage {
                    c,
                    saved: saved.map(|s| SavedWecom {
                        corp_id: s.corp_id,
                        updated: local_time(s.updated_at),
                    }),
                    callback_url: callback_url(&origin(headers), &brand.slug),
                    form,
                    can_edit: can_edit(console),
                },
            )
        }
        Err(e) => failure_page(console, e),
    }
}

async fn wecom_page(
    State(state): State<AppState>,
    console: Console,
    headers: HeaderMap,
) -> Response {
    let c = Chrome::for_console(&console, NAV);
    show_wecom(
        &state,
        &console,
        &headers,
        c,
        StatusCode::OK,
        FormState::new(),
    )
    .await
}

#[derive(Deserialize)]
struct WecomForm {
    corp_id: Option<String>,
    token: Option<String>,
    encoding_aes_key: Option<String>,
}

async fn save_wecom(
    State(state): State<AppState>,
    console: Console,
    headers: HeaderMap,
    Form(sent): Form<WecomForm>,
) -> Response {
    if !can_edit(&console) {
        return failure_page(&console, AppError::Forbidden(ADMINS_ONLY));
    }
    let corp_id = sent.corp_id.unwrap_or_default().trim().to_owned();
    // What was typed, but for the secrets: a refused form shows them empty again.
    let typed = FormState::new()
        .with("corp_id", corp_id.clone())
        .with("token", "")
        .with("encoding_aes_key", "");
    let settings = WecomSettings {
        corp_id,
        token: sent.token.unwrap_or_default().trim().to_owned(),
        encoding_aes_key: sent.encoding_aes_key.unwrap_or_default().trim().to_owned(),
    };
    match wecom::configure(&state.db, &console.actor, settings).await {
        Ok(_) => {
            let t = console.lang.text();
            console.done(WECOM_PATH, t.settings.done_wecom.to_owned())
        }
        Err(e) => {
            let t = console.lang.text();
            form_failed(&console, NAV, e, typed, |c, mut form| {
                reword_wecom(t, &mut form);
                show_wecom(&state, &console, &headers, c, REFUSED, form)
            })
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_urls_follow_the_host_and_the_forwarded_scheme() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::HOST,
            "shequn.example.com".parse().expect("a header"),
        );
        assert_eq!(origin(&headers), "http://shequn.example.com");
        headers.insert("x-forwarded-proto", "https".parse().expect("a header"));
        assert_eq!(
            callback_url(&origin(&headers), "demo"),
            "https://shequn.example.com/wecom/demo/callback"
        );
        assert_eq!(origin(&HeaderMap::new()), "http://localhost");
    }

    #[test]
    fn wecom_errors_say_what_wecom_expects() {
        let t = super::super::i18n::Lang::Zh.text();
        let mut form = FormState::new().with("token", "");
        form.errors.insert("token", "请从列表中选择".to_owned());
        reword_wecom(t, &mut form);
        assert_eq!(form.error("token"), Some("Token 需为 1–32 位字母或数字"));
    }
}
