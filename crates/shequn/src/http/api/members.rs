//! `/api/v1/communities/{id}/members` and `/api/v1/memberships/{id}`: who is in a community,
//! joining (overflowing into the next group when full), leaving, roles.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use shequn_app::usecases::members::{self, MemberQuery};
use shequn_domain::{CommunityId, CommunityMember, CustomerId, Joined, Membership, SearchText};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::screening::DecisionOut;
use super::{PageOf, rfc3339};
use crate::http::auth::Caller;
use crate::http::extract::{ApiJson, ApiQuery, IdPath};
use crate::http::problem::{ApiError, ProblemBody};
use crate::http::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_members, join))
        .routes(routes!(set_role))
        .routes(routes!(leave))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipOut {
    /// The stint's id (a customer who left and rejoined has two).
    pub id: i64,
    pub community_id: i64,
    pub customer_id: i64,
    /// `core_figure`, `active_follower`, `admin` or `member`.
    pub role: &'static str,
    pub reward_note: Option<String>,
    /// `invite_link`, `platform`, `staff` or `import`.
    pub source: &'static str,
    pub joined_at: String,
    pub left_at: Option<String>,
}

impl From<Membership> for MembershipOut {
    fn from(m: Membership) -> Self {
        MembershipOut {
            id: m.id,
            community_id: m.community_id.get(),
            customer_id: m.customer_id.get(),
            role: m.role.as_str(),
            reward_note: m.reward_note,
            source: m.source.as_str(),
            joined_at: rfc3339(m.joined_at),
            left_at: m.left_at.map(rfc3339),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberOut {
    #[serde(flatten)]
    pub membership: MembershipOut,
    pub nickname: String,
    pub tier: &'static str,
    /// e.g. `138****5678`.
    pub phone_masked: Option<String>,
}

impl From<CommunityMember> for MemberOut {
    fn from(m: CommunityMember) -> Self {
        MemberOut {
            membership: m.membership.into(),
            nickname: m.nickname,
            tier: m.tier.as_str(),
            phone_masked: m.phone.as_ref().map(shequn_domain::Phone::masked),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JoinedOut {
    /// The stint; null when screening kept the joiner out (`decisions` say why).
    pub membership: Option<MembershipOut>,
    /// The customer was already in the community (or a sibling): nothing changed.
    pub already: bool,
    /// The community was full: the sibling the customer joined instead.
    pub overflowed_into: Option<i64>,
    /// What screening decided at the door (rules that matched, with their evidence).
    pub decisions: Vec<DecisionOut>,
}

impl From<Joined> for JoinedOut {
    fn from(j: Joined) -> Self {
        JoinedOut {
            membership: j.membership.map(MembershipOut::from),
            already: j.already,
            overflowed_into: j.overflowed_into.map(CommunityId::get),
            decisions: j.decisions.into_iter().map(DecisionOut::from).collect(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinIn {
    pub customer_id: i64,
    /// `staff` (default), `invite_link`, `platform` or `import`.
    pub source: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleIn {
    /// `core_figure`, `active_follower`, `admin` or `member`.
    pub role: String,
    /// What an active follower is rewarded with.
    pub reward_note: Option<String>,
}

/// Members of a community (current ones unless `with_past=true`).
#[utoipa::path(get, path = "/api/v1/communities/{community_id}/members", tag = "communities", security(("bearer" = [])),
    params(("community_id" = i64, Path), ("role" = Option<String>, Query), ("tier" = Option<String>, Query),
        ("q" = Option<String>, Query, description = "Part of the nickname"), ("with_past" = Option<bool>, Query),
        ("channel" = Option<String>, Query), ("tag" = Option<String>, Query),
        ("lifecycle" = Option<String>, Query, description = "`new`, `active`, `silent` or `churned`"),
        ("segment" = Option<i64>, Query, description = "A segment's id: its conditions apply"),
        ("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = PageOf<MemberOut>), (status = 404, body = ProblemBody)))]
async fn list_members(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    q: ApiQuery,
) -> Result<Json<PageOf<MemberOut>>, ApiError> {
    let (cursor, size) = q.page()?;
    let query = MemberQuery {
        role: q.str("role").map(str::to_owned),
        tier: q.str("tier").map(str::to_owned),
        search: SearchText::parse("q", q.str("q"))?,
        with_past: q.str("with_past") == Some("true"),
        channel: q.str("channel").map(str::to_owned),
        tag: q.str("tag").map(str::to_owned),
        lifecycle: q.str("lifecycle").map(str::to_owned),
        segment: q.id("segment")?,
    };
    let page = members::list(
        &state.db,
        &caller.actor,
        CommunityId(id),
        query,
        cursor,
        size,
    )
    .await?;
    Ok(Json(PageOf::map(page, MemberOut::from)))
}

/// A customer joins the community; when it is full, the next group of its family (opened
/// if needed). Joining again changes nothing (200 with `already`). Joins through invite
/// links and the platform are screened by the brand's enabled rules: a joiner held for
/// approval gets 202 without a membership; a blacklisted one 409 `blacklisted`.
#[utoipa::path(post, path = "/api/v1/communities/{community_id}/members", tag = "communities", security(("bearer" = [])),
    params(("community_id" = i64, Path), ("Idempotency-Key" = Option<String>, Header)), request_body = JoinIn,
    responses((status = 201, body = JoinedOut), (status = 200, body = JoinedOut), (status = 202, body = JoinedOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn join(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<JoinIn>,
) -> Result<(StatusCode, Json<JoinedOut>), ApiError> {
    let joined: Joined = members::join(
        &state.db,
        &caller.actor,
        CommunityId(id),
        CustomerId(input.customer_id),
        input.source.as_deref(),
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

/// Give a member a role (the community's 群主 or a manager of its store).
#[utoipa::path(patch, path = "/api/v1/memberships/{membership_id}", tag = "communities", security(("bearer" = [])),
    params(("membership_id" = i64, Path)), request_body = RoleIn,
    responses((status = 200, body = MembershipOut), (status = 404, body = ProblemBody), (status = 403, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn set_role(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<RoleIn>,
) -> Result<Json<MembershipOut>, ApiError> {
    let m = members::set_role(&state.db, &caller.actor, id, &input.role, input.reward_note).await?;
    Ok(Json(m.into()))
}

/// The member leaves the community (leaving twice changes nothing).
#[utoipa::path(post, path = "/api/v1/memberships/{membership_id}/leave", tag = "communities", security(("bearer" = [])),
    params(("membership_id" = i64, Path)),
    responses((status = 200, body = MembershipOut), (status = 404, body = ProblemBody)))]
async fn leave(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<MembershipOut>, ApiError> {
    Ok(Json(
        members::leave(&state.db, &caller.actor, id).await?.into(),
    ))
}
