//! `/api/v1/communities`: communities (社群) of the caller's stores, their kind history and
//! overflow siblings.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Deserializer, Serialize};
use shequn_app::usecases::communities::{self, CommunityPatch, ListQuery, NewCommunityInput};
use shequn_domain::{Community, CommunityId, KindChange, SearchText, StaffId, StoreId};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{PageOf, rfc3339};
use crate::http::auth::Caller;
use crate::http::extract::{ApiJson, ApiQuery, IdPath};
use crate::http::problem::{ApiError, ProblemBody};
use crate::http::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_communities, create_community))
        .routes(routes!(get_community, update_community))
        .routes(routes!(kind_history))
        .routes(routes!(open_overflow))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommunityOut {
    pub id: i64,
    pub store_id: i64,
    /// The 群主: a shop guide or the store manager of the store.
    pub owner_id: i64,
    pub name: String,
    /// `sales` or `brand`.
    pub purpose: &'static str,
    /// `discount`, `fission`, `notice`, `tutorial`, `topic`, `video_live` or `service`.
    pub kind: &'static str,
    /// `marketing`, `content` or `service`: the family of `kind`.
    pub kind_family: &'static str,
    pub capacity: u32,
    /// Current members.
    pub members: i64,
    pub rules: String,
    /// `active` or `archived`.
    pub status: &'static str,
    /// The chat platform's group id, once linked.
    pub chat_id: Option<String>,
    /// The community this one was opened from when that one was full.
    pub overflow_of: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<Community> for CommunityOut {
    fn from(c: Community) -> Self {
        let family = match c.kind.family() {
            shequn_domain::KindFamily::Marketing => "marketing",
            shequn_domain::KindFamily::Content => "content",
            shequn_domain::KindFamily::Service => "service",
        };
        CommunityOut {
            id: c.id.get(),
            store_id: c.store_id.get(),
            owner_id: c.owner_id.get(),
            name: c.name,
            purpose: c.purpose.as_str(),
            kind: c.kind.as_str(),
            kind_family: family,
            capacity: c.capacity.get(),
            members: c.members,
            rules: c.rules,
            status: c.status.as_str(),
            chat_id: c.chat_id,
            overflow_of: c.overflow_of.map(CommunityId::get),
            created_at: rfc3339(c.created_at),
            updated_at: rfc3339(c.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KindChangeOut {
    pub kind: &'static str,
    pub at: String,
    /// The staff member who made the change.
    pub by: Option<i64>,
}

impl From<KindChange> for KindChangeOut {
    fn from(k: KindChange) -> Self {
        KindChangeOut {
            kind: k.kind.as_str(),
            at: rfc3339(k.at),
            by: k.by.map(StaffId::get),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommunityIn {
    pub store_id: i64,
    /// The 群主; the caller when absent.
    pub owner_id: Option<i64>,
    pub name: String,
    /// `sales` (default) or `brand`.
    pub purpose: Option<String>,
    pub kind: String,
    /// 2 to 2,000; 500 when absent.
    pub capacity: Option<i64>,
    pub rules: Option<String>,
}

/// A field that may be absent (keep), null (clear) or a value (set).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommunityPatchIn {
    /// Hands the community to another 群主 (managers only).
    pub owner_id: Option<i64>,
    pub name: Option<String>,
    pub purpose: Option<String>,
    /// A new kind; the change is kept in the kind history.
    pub kind: Option<String>,
    pub capacity: Option<i64>,
    pub rules: Option<String>,
    /// `archived` archives the community; `active` brings it back.
    pub status: Option<String>,
    /// Links the chat platform's group; null unlinks it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub chat_id: Option<Option<String>>,
}

/// Communities the caller can see.
#[utoipa::path(get, path = "/api/v1/communities", tag = "communities", security(("bearer" = [])),
    params(("store_id" = Option<i64>, Query), ("owner_id" = Option<i64>, Query), ("status" = Option<String>, Query, description = "active or archived"),
        ("q" = Option<String>, Query, description = "Part of the name"), ("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = PageOf<CommunityOut>), (status = 401, body = ProblemBody)))]
async fn list_communities(
    State(state): State<AppState>,
    caller: Caller,
    q: ApiQuery,
) -> Result<Json<PageOf<CommunityOut>>, ApiError> {
    let (cursor, size) = q.page()?;
    let query = ListQuery {
        store: q.id("store_id")?.map(StoreId),
        owner: q.id("owner_id")?.map(StaffId),
        status: q.str("status").map(str::to_owned),
        search: SearchText::parse("q", q.str("q"))?,
    };
    let page = communities::list(&state.db, &caller.actor, query, cursor, size).await?;
    Ok(Json(PageOf::map(page, CommunityOut::from)))
}

/// Open a community in a store (managers of the store; a shop guide for themselves).
#[utoipa::path(post, path = "/api/v1/communities", tag = "communities", security(("bearer" = [])), request_body = CommunityIn,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = CommunityOut), (status = 422, body = ProblemBody), (status = 403, body = ProblemBody)))]
async fn create_community(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<CommunityIn>,
) -> Result<(StatusCode, Json<CommunityOut>), ApiError> {
    let input = NewCommunityInput {
        store_id: input.store_id,
        owner_id: input.owner_id,
        name: input.name,
        purpose: input.purpose,
        kind: input.kind,
        capacity: input.capacity,
        rules: input.rules,
    };
    let made = communities::create(&state.db, &caller.actor, input).await?;
    Ok((StatusCode::CREATED, Json(made.into())))
}

/// One community.
#[utoipa::path(get, path = "/api/v1/communities/{community_id}", tag = "communities", security(("bearer" = [])),
    params(("community_id" = i64, Path)),
    responses((status = 200, body = CommunityOut), (status = 404, body = ProblemBody)))]
async fn get_community(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<CommunityOut>, ApiError> {
    Ok(Json(
        communities::get(&state.db, &caller.actor, CommunityId(id))
            .await?
            .into(),
    ))
}

/// Edit, re-kind, archive or link a community.
#[utoipa::path(patch, path = "/api/v1/communities/{community_id}", tag = "communities", security(("bearer" = [])),
    params(("community_id" = i64, Path)), request_body = CommunityPatchIn,
    responses((status = 200, body = CommunityOut), (status = 404, body = ProblemBody), (status = 403, body = ProblemBody), (status = 409, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn update_community(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<CommunityPatchIn>,
) -> Result<Json<CommunityOut>, ApiError> {
    let patch = CommunityPatch {
        owner_id: input.owner_id,
        name: input.name,
        purpose: input.purpose,
        kind: input.kind,
        capacity: input.capacity,
        rules: input.rules,
        status: input.status,
        chat_id: input.chat_id,
    };
    Ok(Json(
        communities::update(&state.db, &caller.actor, CommunityId(id), patch)
            .await?
            .into(),
    ))
}

/// Every kind the community has had, oldest first.
#[utoipa::path(get, path = "/api/v1/communities/{community_id}/kinds", tag = "communities", security(("bearer" = [])),
    params(("community_id" = i64, Path)),
    responses((status = 200, body = [KindChangeOut]), (status = 404, body = ProblemBody)))]
async fn kind_history(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<Vec<KindChangeOut>>, ApiError> {
    let kinds = communities::kind_history(&state.db, &caller.actor, CommunityId(id)).await?;
    Ok(Json(kinds.into_iter().map(KindChangeOut::from).collect()))
}

/// Open the next group of a full community (「宝妈福利群」 → 「宝妈福利2群」), with its 群主,
/// kind and rules.
#[utoipa::path(post, path = "/api/v1/communities/{community_id}/overflow", tag = "communities", security(("bearer" = [])),
    params(("community_id" = i64, Path), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = CommunityOut), (status = 404, body = ProblemBody), (status = 403, body = ProblemBody)))]
async fn open_overflow(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<(StatusCode, Json<CommunityOut>), ApiError> {
    let made = communities::open_overflow(&state.db, &caller.actor, CommunityId(id)).await?;
    Ok((StatusCode::CREATED, Json(made.into())))
}
