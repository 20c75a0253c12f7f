//! `/api/v1/communities/{id}/join-links`, `/api/v1/join-links/{id}` (with its QR code as
//! SVG and PNG), `/api/v1/joins` (joining through a link), `/api/v1/welcome-texts` and a
//! community's welcome outbox.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use shequn_app::storage::links::Welcome;
use shequn_app::usecases::links::{self, LinkInput, WelcomeText};
use shequn_domain::{CommunityId, CustomerId, JoinLink};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::members::JoinedOut;
use super::rfc3339;
use crate::http::auth::Caller;
use crate::http::extract::{ApiJson, IdPath};
use crate::http::problem::{ApiError, ProblemBody};
use crate::http::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_links, create_link))
        .routes(routes!(get_link))
        .routes(routes!(deactivate_link))
        .routes(routes!(activate_link))
        .routes(routes!(link_qr_svg))
        .routes(routes!(link_qr_png))
        .routes(routes!(join_through_link))
        .routes(routes!(list_welcome_texts))
        .routes(routes!(set_welcome_text))
        .routes(routes!(welcome_outbox))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LinkOut {
    pub id: i64,
    pub community_id: i64,
    /// The code in the link's URL (`/j/{code}`) and WeCom's `State` for a channel QR.
    pub code: String,
    /// The path of the public join page; the QR codes carry it as an absolute URL.
    pub path: String,
    pub channel: &'static str,
    pub inviter_id: Option<i64>,
    pub label: String,
    pub active: bool,
    /// Stints that came through the link.
    pub joins: i64,
    pub created_at: String,
}

impl From<JoinLink> for LinkOut {
    fn from(l: JoinLink) -> Self {
        LinkOut {
            id: l.id,
            community_id: l.community_id.get(),
            path: format!("/j/{}", l.code),
            code: l.code,
            channel: l.channel.as_str(),
            inviter_id: l.inviter_id.map(CustomerId::get),
            label: l.label,
            active: l.active,
            joins: l.joins,
            created_at: rfc3339(l.created_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkIn {
    /// The channel joiners through this link are attributed to, e.g. `fission_poster`.
    pub channel: String,
    /// The customer who shares the link (referral).
    pub inviter_id: Option<i64>,
    /// What staff call it, e.g. 门店海报 11 月.
    pub label: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinViaLinkIn {
    pub code: String,
    pub customer_id: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WelcomeTextOut {
    /// `strong`, `intent` or `weak`.
    pub tier: &'static str,
    pub body: String,
    /// True while the brand has not written its own.
    pub is_default: bool,
}

impl From<WelcomeText> for WelcomeTextOut {
    fn from(w: WelcomeText) -> Self {
        WelcomeTextOut {
            tier: w.tier.as_str(),
            body: w.body,
            is_default: w.is_default,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WelcomeTextIn {
    pub body: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WelcomeOut {
    pub id: i64,
    pub customer_id: i64,
    pub membership_id: i64,
    pub tier: &'static str,
    pub body: String,
    /// `queued` until delivery (a later issue) sends it.
    pub status: String,
    pub created_at: String,
}

impl From<Welcome> for WelcomeOut {
    fn from(w: Welcome) -> Self {
        WelcomeOut {
            id: w.id,
            customer_id: w.customer_id.get(),
            membership_id: w.membership_id,
            tier: w.tier.as_str(),
            body: w.body,
            status: w.status,
            created_at: rfc3339(w.created_at),
        }
    }
}

/// The community's join links, newest first.
#[utoipa::path(get, path = "/api/v1/communities/{community_id}/join-links", tag = "communities", security(("bearer" = [])),
    params(("community_id" = i64, Path)),
    responses((status = 200, body = Vec<LinkOut>), (status = 404, body = ProblemBody)))]
async fn list_links(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<Vec<LinkOut>>, ApiError> {
    let list = links::of_community(&state.db, &caller.actor, CommunityId(id)).await?;
    Ok(Json(list.into_iter().map(LinkOut::from).collect()))
}

/// Open a join link (invite link and QR code) for the community, with the channel it
/// stands for and, for referrals, the inviting customer.
#[utoipa::path(post, path = "/api/v1/communities/{community_id}/join-links", tag = "communities", security(("bearer" = [])),
    params(("community_id" = i64, Path), ("Idempotency-Key" = Option<String>, Header)), request_body = LinkIn,
    responses((status = 201, body = LinkOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn create_link(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<LinkIn>,
) -> Result<(StatusCode, Json<LinkOut>), ApiError> {
    let l = links::create(
        &state.db,
        &caller.actor,
        CommunityId(id),
        LinkInput {
            channel: input.channel,
            inviter_id: input.inviter_id,
            label: input.label,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(l.into())))
}

#[utoipa::path(get, path = "/api/v1/join-links/{link_id}", tag = "communities", security(("bearer" = [])),
    params(("link_id" = i64, Path)),
    responses((status = 200, body = LinkOut), (status = 404, body = ProblemBody)))]
async fn get_link(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<LinkOut>, ApiError> {
    Ok(Json(links::get(&state.db, &caller.actor, id).await?.into()))
}

/// Switch the link off: its URL and QR stop letting anyone in.
#[utoipa::path(post, path = "/api/v1/join-links/{link_id}/deactivate", tag = "communities", security(("bearer" = [])),
    params(("link_id" = i64, Path)),
    responses((status = 200, body = LinkOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
async fn deactivate_link(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<LinkOut>, ApiError> {
    Ok(Json(
        links::set_active(&state.db, &caller.actor, id, false)
            .await?
            .into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/join-links/{link_id}/activate", tag = "communities", security(("bearer" = [])),
    params(("link_id" = i64, Path)),
    responses((status = 200, body = LinkOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody)))]
async fn activate_link(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<LinkOut>, ApiError> {
    Ok(Json(
        links::set_active(&state.db, &caller.actor, id, true)
            .await?
            .into(),
    ))
}

/// The absolute URL of a join page as this request reached the server.
fn public_url(headers: &HeaderMap, code: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|p| *p == "https")
        .unwrap_or("http");
    format!("{scheme}://{host}/j/{code}")
}

fn image(content_type: &'static str, body: impl IntoResponse) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "private, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// The link's QR code as SVG (for print and screens).
#[utoipa::path(get, path = "/api/v1/join-links/{link_id}/qr.svg", tag = "communities", security(("bearer" = [])),
    params(("link_id" = i64, Path)),
    responses((status = 200, content_type = "image/svg+xml", body = String), (status = 404, body = ProblemBody)))]
async fn link_qr_svg(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let l = links::get(&state.db, &caller.actor, id).await?;
    let svg = shequn_app::qr::svg(&public_url(&headers, &l.code))?;
    Ok(image("image/svg+xml", svg))
}

/// The link's QR code as PNG (for chat apps that take images only).
#[utoipa::path(get, path = "/api/v1/join-links/{link_id}/qr.png", tag = "communities", security(("bearer" = [])),
    params(("link_id" = i64, Path)),
    responses((status = 200, content_type = "image/png", body = Vec<u8>), (status = 404, body = ProblemBody)))]
async fn link_qr_png(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let l = links::get(&state.db, &caller.actor, id).await?;
    let png = shequn_app::qr::png(&public_url(&headers, &l.code))?;
    Ok(image("image/png", png))
}

/// A customer joins through a link (as the join page or an integration reports it):
/// screened like any invite-link join, attributed to the link's channel and inviter, and
/// welcomed by tier when they consented to messages. Answers like joining a community.
#[utoipa::path(post, path = "/api/v1/joins", tag = "communities", security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header)), request_body = JoinViaLinkIn,
    responses((status = 201, body = JoinedOut), (status = 200, body = JoinedOut), (status = 202, body = JoinedOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn join_through_link(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<JoinViaLinkIn>,
) -> Result<(StatusCode, Json<JoinedOut>), ApiError> {
    let joined = links::join(
        &state.db,
        &caller.actor,
        &input.code,
        CustomerId(input.customer_id),
    )
    .await?;
    let status = if joined.membership.is_none() {
        StatusCode::ACCEPTED
    } else if joined.already {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(JoinedOut::from(joined))))
}

/// The welcome text each intent tier gets on joining (defaults until the brand writes its own).
#[utoipa::path(get, path = "/api/v1/welcome-texts", tag = "communities", security(("bearer" = [])),
    responses((status = 200, body = Vec<WelcomeTextOut>)))]
async fn list_welcome_texts(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<WelcomeTextOut>>, ApiError> {
    let texts = links::welcome_texts(&state.db, &caller.actor).await?;
    Ok(Json(texts.into_iter().map(WelcomeTextOut::from).collect()))
}

/// Write a tier's welcome text. Brand admins only.
#[utoipa::path(put, path = "/api/v1/welcome-texts/{tier}", tag = "communities", security(("bearer" = [])),
    params(("tier" = String, Path, description = "`strong`, `intent` or `weak`")), request_body = WelcomeTextIn,
    responses((status = 200, body = WelcomeTextOut), (status = 403, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn set_welcome_text(
    State(state): State<AppState>,
    caller: Caller,
    Path(tier): Path<String>,
    ApiJson(input): ApiJson<WelcomeTextIn>,
) -> Result<Json<WelcomeTextOut>, ApiError> {
    let w = links::set_welcome_text(&state.db, &caller.actor, &tier, &input.body).await?;
    Ok(Json(w.into()))
}

/// Welcomes queued for the community's new members (delivery comes later).
#[utoipa::path(get, path = "/api/v1/communities/{community_id}/welcome-outbox", tag = "communities", security(("bearer" = [])),
    params(("community_id" = i64, Path)),
    responses((status = 200, body = Vec<WelcomeOut>), (status = 404, body = ProblemBody)))]
async fn welcome_outbox(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<Vec<WelcomeOut>>, ApiError> {
    let list = links::outbox(&state.db, &caller.actor, CommunityId(id)).await?;
    Ok(Json(list.into_iter().map(WelcomeOut::from).collect()))
}
