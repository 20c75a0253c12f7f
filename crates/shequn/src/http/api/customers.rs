//! `/api/v1/customers` and `/api/v1/intent-tiers`: customers of the caller's stores, their
//! tier and consent, and the brand's mapping of channels to intent tiers. Phones are shown
//! masked (138****5678); a customer is found by the whole number with `phone=`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Deserializer, Serialize};
use shequn_app::usecases::customers::{
    self, CustomerPatch, ListQuery, NewCustomerInput, TierChange,
};
use shequn_domain::{Channel, Customer, CustomerId, SearchText, StaffId, StoreId, Tier};
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
        .routes(routes!(list_customers, create_customer))
        .routes(routes!(get_customer, update_customer))
        .routes(routes!(get_intent_tiers, set_intent_tiers))
        .routes(routes!(export_customer))
        .routes(routes!(erase_customer))
        .routes(routes!(reveal_phone))
        .routes(routes!(unsubscribe_link))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentOut {
    /// Whether the customer agreed to marketing messages.
    pub given: bool,
    /// When it was last given or withdrawn.
    pub at: Option<String>,
    pub source: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerOut {
    pub id: i64,
    pub nickname: String,
    pub avatar_flagged: bool,
    /// The phone with its middle four digits hidden, e.g. `138****5678`.
    pub phone_masked: Option<String>,
    pub external_id: Option<String>,
    /// `official_account`, `new_media`, `fission_poster`, `friend_invite`, `offline_store`,
    /// `event` or `import`.
    pub channel: &'static str,
    pub invited_by: Option<i64>,
    /// `strong`, `intent` or `weak`.
    pub tier: &'static str,
    /// Why staff set the tier by hand; absent when it follows the channel.
    pub tier_reason: Option<String>,
    pub consent: ConsentOut,
    pub tags: Vec<String>,
    pub store_id: Option<i64>,
    pub guide_id: Option<i64>,
    /// The last activity in any community.
    pub last_active_at: Option<String>,
    /// `new`, `active`, `silent` or `churned`, from arrival and the last activity.
    pub lifecycle: &'static str,
    pub created_at: String,
    pub updated_at: String,
}

impl From<Customer> for CustomerOut {
    fn from(c: Customer) -> Self {
        CustomerOut {
            id: c.id.get(),
            nickname: c.nickname,
            avatar_flagged: c.avatar_flagged,
            phone_masked: c.phone.as_ref().map(shequn_domain::Phone::masked),
            external_id: c.external_id,
            channel: c.channel.as_str(),
            invited_by: c.invited_by.map(CustomerId::get),
            tier: c.tier.as_str(),
            tier_reason: c.tier_reason,
            consent: ConsentOut {
                given: c.consent.given,
                at: c.consent.at.map(rfc3339),
                source: c.consent.source,
            },
            tags: c.tags,
            store_id: c.store_id.map(StoreId::get),
            guide_id: c.guide_id.map(StaffId::get),
            last_active_at: c.last_active_at.map(rfc3339),
            lifecycle: c.lifecycle.as_str(),
            created_at: rfc3339(c.created_at),
            updated_at: rfc3339(c.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerIn {
    pub nickname: String,
    /// An 11-digit mobile number (`+86`, spaces and dashes are accepted).
    pub phone: Option<String>,
    /// The chat platform's id for the person (WeCom `external_userid`); unique in the brand.
    pub external_id: Option<String>,
    pub channel: String,
    /// The customer who invited them.
    pub invited_by: Option<i64>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub avatar_flagged: bool,
    /// Whether they agreed to marketing messages; `consent_source` says how (default `api`).
    pub consent: Option<bool>,
    pub consent_source: Option<String>,
    /// The caller's store when absent.
    pub store_id: Option<i64>,
    /// The caller when absent and the caller is a shop guide.
    pub guide_id: Option<i64>,
}

/// A field that may be absent (keep), null (clear) or a value (set).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TierIn {
    /// `strong`, `intent` or `weak`.
    pub tier: String,
    /// Why, for the colleagues who read it later.
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerPatchIn {
    pub nickname: Option<String>,
    /// null removes the phone.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    /// Replaces the tags.
    pub tags: Option<Vec<String>>,
    pub avatar_flagged: Option<bool>,
    pub guide_id: Option<i64>,
    /// Sets the tier by hand with a reason; null makes it follow the channel again.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<TierIn>)]
    pub tier: Option<Option<TierIn>>,
    /// Gives (true) or withdraws (false) consent to marketing messages.
    pub consent: Option<bool>,
    pub consent_source: Option<String>,
}

/// Customers the caller can see.
#[utoipa::path(get, path = "/api/v1/customers", tag = "customers", security(("bearer" = [])),
    params(("store_id" = Option<i64>, Query), ("guide_id" = Option<i64>, Query), ("tier" = Option<String>, Query),
        ("channel" = Option<String>, Query), ("tag" = Option<String>, Query), ("lifecycle" = Option<String>, Query, description = "new, active, silent or churned"), ("q" = Option<String>, Query, description = "Part of the nickname"),
        ("phone" = Option<String>, Query, description = "The whole mobile number"), ("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = PageOf<CustomerOut>), (status = 401, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn list_customers(
    State(state): State<AppState>,
    caller: Caller,
    q: ApiQuery,
) -> Result<Json<PageOf<CustomerOut>>, ApiError> {
    let (cursor, size) = q.page()?;
    let query = ListQuery {
        store: q.id("store_id")?.map(StoreId),
        guide: q.id("guide_id")?.map(StaffId),
        tier: q.str("tier").map(str::to_owned),
        lifecycle: q.str("lifecycle").map(str::to_owned),
        channel: q.str("channel").map(str::to_owned),
        tag: q.str("tag").map(str::to_owned),
        search: SearchText::parse("q", q.str("q"))?,
        phone: q.str("phone").map(str::to_owned),
        segment: q.id("segment")?,
    };
    let page = customers::list(&state.db, &caller.actor, query, cursor, size).await?;
    Ok(Json(PageOf::map(page, CustomerOut::from)))
}

/// Add a customer to a store the caller serves.
#[utoipa::path(post, path = "/api/v1/customers", tag = "customers", security(("bearer" = [])), request_body = CustomerIn,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = CustomerOut), (status = 422, body = ProblemBody), (status = 409, body = ProblemBody), (status = 403, body = ProblemBody)))]
async fn create_customer(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<CustomerIn>,
) -> Result<(StatusCode, Json<CustomerOut>), ApiError> {
    let input = NewCustomerInput {
        nickname: input.nickname,
        phone: input.phone,
        external_id: input.external_id,
        channel: input.channel,
        invited_by: input.invited_by,
        tags: input.tags,
        avatar_flagged: input.avatar_flagged,
        consent: input.consent,
        consent_source: input.consent_source.or(Some("api".to_owned())),
        store_id: input.store_id,
        guide_id: input.guide_id,
    };
    let made = customers::create(&state.db, &caller.actor, input).await?;
    Ok((StatusCode::CREATED, Json(made.into())))
}

/// One customer.
#[utoipa::path(get, path = "/api/v1/customers/{customer_id}", tag = "customers", security(("bearer" = [])),
    params(("customer_id" = i64, Path)),
    responses((status = 200, body = CustomerOut), (status = 404, body = ProblemBody)))]
async fn get_customer(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<CustomerOut>, ApiError> {
    Ok(Json(
        customers::get(&state.db, &caller.actor, CustomerId(id))
            .await?
            .into(),
    ))
}

/// Edit a customer: details, tags, guide, tier (by hand, with a reason) and consent.
#[utoipa::path(patch, path = "/api/v1/customers/{customer_id}", tag = "customers", security(("bearer" = [])),
    params(("customer_id" = i64, Path)), request_body = CustomerPatchIn,
    responses((status = 200, body = CustomerOut), (status = 404, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn update_customer(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
    ApiJson(input): ApiJson<CustomerPatchIn>,
) -> Result<Json<CustomerOut>, ApiError> {
    let patch = CustomerPatch {
        nickname: input.nickname,
        phone: input.phone,
        tags: input.tags,
        avatar_flagged: input.avatar_flagged,
        guide_id: input.guide_id,
        tier: input.tier.map(|t| match t {
            Some(TierIn { tier, reason }) => TierChange::Set { tier, reason },
            None => TierChange::FollowChannel,
        }),
        consent: input.consent,
        consent_source: input.consent_source.or(Some("api".to_owned())),
    };
    Ok(Json(
        customers::update(&state.db, &caller.actor, CustomerId(id), patch)
            .await?
            .into(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChannelTierOut {
    pub channel: &'static str,
    pub tier: &'static str,
}

fn tiers_out(map: Vec<(Channel, Tier)>) -> Vec<ChannelTierOut> {
    map.into_iter()
        .map(|(c, t)| ChannelTierOut {
            channel: c.as_str(),
            tier: t.as_str(),
        })
        .collect()
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelTierIn {
    pub channel: String,
    pub tier: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TierMapOut {
    pub tiers: Vec<ChannelTierOut>,
    /// Customers whose tier followed a changed channel (not those set by hand).
    pub customers_moved: u64,
}

/// The intent tier each acquisition channel gives in this brand.
#[utoipa::path(get, path = "/api/v1/intent-tiers", tag = "customers", security(("bearer" = [])),
    responses((status = 200, body = [ChannelTierOut]), (status = 401, body = ProblemBody)))]
async fn get_intent_tiers(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<ChannelTierOut>>, ApiError> {
    Ok(Json(tiers_out(
        customers::tier_map(&state.db, &caller.actor).await?,
    )))
}

/// Map channels to intent tiers (brand admins). Customers of a changed channel move with
/// it unless staff set their tier by hand.
#[utoipa::path(put, path = "/api/v1/intent-tiers", tag = "customers", security(("bearer" = [])),
    request_body = [ChannelTierIn],
    responses((status = 200, body = TierMapOut), (status = 403, body = ProblemBody), (status = 422, body = ProblemBody)))]
async fn set_intent_tiers(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<Vec<ChannelTierIn>>,
) -> Result<Json<TierMapOut>, ApiError> {
    let changes = input.into_iter().map(|c| (c.channel, c.tier)).collect();
    let (map, moved) = customers::set_tier_map(&state.db, &caller.actor, changes).await?;
    Ok(Json(TierMapOut {
        tiers: tiers_out(map),
        customers_moved: moved,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerExportOut {
    pub id: i64,
    pub nickname: String,
    /// The whole number: an export is for the person it describes.
    pub phone: Option<String>,
    pub external_id: Option<String>,
    pub channel: &'static str,
    pub tier: &'static str,
    pub tags: Vec<String>,
    pub consent: ConsentOut,
    pub memberships: Vec<super::members::MembershipOut>,
    /// `{kind, community_id, at}` for every activity event, oldest first.
    pub activity: Vec<serde_json::Value>,
    pub created_at: String,
}

/// Everything the brand holds about a customer, for a data-subject request (PIPL). Brand
/// admins only; recorded in the operation log (without the data).
#[utoipa::path(post, path = "/api/v1/customers/{customer_id}/export", tag = "customers", security(("bearer" = [])),
    params(("customer_id" = i64, Path)),
    responses((status = 200, body = CustomerExportOut), (status = 404, body = ProblemBody), (status = 403, body = ProblemBody)))]
async fn export_customer(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<CustomerExportOut>, ApiError> {
    let x = customers::export(&state.db, &caller.actor, CustomerId(id)).await?;
    let c = x.customer;
    Ok(Json(CustomerExportOut {
        id: c.id.get(),
        nickname: c.nickname,
        phone: c.phone.as_ref().map(|p| p.full().to_owned()),
        external_id: c.external_id,
        channel: c.channel.as_str(),
        tier: c.tier.as_str(),
        tags: c.tags,
        consent: ConsentOut {
            given: c.consent.given,
            at: c.consent.at.map(rfc3339),
            source: c.consent.source,
        },
        memberships: x.memberships.into_iter().map(Into::into).collect(),
        activity: x
            .activity
            .into_iter()
            .map(|(kind, community, at)| {
                serde_json::json!({ "kind": kind, "community_id": community, "at": rfc3339(at) })
            })
            .collect(),
        created_at: rfc3339(c.created_at),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PhoneOut {
    /// The whole number, or null when the customer left none.
    pub phone: Option<String>,
}

/// The customer's whole phone number, for managers and admins who see the customer and
/// for the customer's own guide. Each reveal is written to the operation log.
#[utoipa::path(post, path = "/api/v1/customers/{customer_id}/phone", tag = "customers", security(("bearer" = [])),
    params(("customer_id" = i64, Path)),
    responses((status = 200, body = PhoneOut), (status = 404, body = ProblemBody), (status = 403, body = ProblemBody)))]
async fn reveal_phone(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<PhoneOut>, ApiError> {
    let phone = customers::reveal_phone(&state.db, &caller.actor, CustomerId(id)).await?;
    Ok(Json(PhoneOut {
        phone: phone.as_ref().map(|p| p.full().to_owned()),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnsubscribeLinkOut {
    /// The path of the customer's unsubscribe page (`/u/{code}`); prefix the public origin.
    pub path: String,
}

/// The customer's unsubscribe link, to put in messages: opening it and confirming
/// withdraws their consent to marketing messages. Made on first request, then stable.
#[utoipa::path(post, path = "/api/v1/customers/{customer_id}/unsubscribe-link", tag = "customers", security(("bearer" = [])),
    params(("customer_id" = i64, Path)),
    responses((status = 200, body = UnsubscribeLinkOut), (status = 404, body = ProblemBody)))]
async fn unsubscribe_link(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<UnsubscribeLinkOut>, ApiError> {
    let path =
        shequn_app::usecases::consent::unsubscribe_path(&state.db, &caller.actor, CustomerId(id))
            .await?;
    Ok(Json(UnsubscribeLinkOut { path }))
}

/// Erase a customer's personal data on request (brand admins): name, phone, avatar flag,
/// external id, tags and consent details go; memberships and activity stay, anonymous.
#[utoipa::path(post, path = "/api/v1/customers/{customer_id}/erase", tag = "customers", security(("bearer" = [])),
    params(("customer_id" = i64, Path)),
    responses((status = 200, body = CustomerOut), (status = 404, body = ProblemBody), (status = 403, body = ProblemBody)))]
async fn erase_customer(
    State(state): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Json<CustomerOut>, ApiError> {
    Ok(Json(
        customers::erase(&state.db, &caller.actor, CustomerId(id))
            .await?
            .into(),
    ))
}
