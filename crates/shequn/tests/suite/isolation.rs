//! Tenant isolation, route by route. The routes come from the OpenAPI document, which the
//! router generates, and every one must have a case in [`case`]: a route added later
//! without one fails this test. Each case shows that brand `other` (its admin and its shop
//! guide) can neither read nor change anything of brand `demo`: objects named by id answer
//! 404 exactly as ids that do not exist, lists hold none of demo's rows, creates land in
//! the caller's own brand, and demo's whole visible state is unchanged after every route.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::{Value, json};

use crate::both_engines;
use crate::common::*;

both_engines!(every_api_route_called_by_another_brand_finds_nothing_and_changes_nothing);

/// What an id in a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Region,
    Store,
    Staff,
    Token,
    Community,
    Customer,
    Membership,
    ScreeningRule,
    Decision,
    RemovalTask,
    JoinLink,
    Product,
    Sku,
    Image,
    Order,
    RefundRequest,
}

/// How one route is shown to be isolated.
#[derive(Debug)]
enum Case {
    /// The path names one of demo's objects: another brand gets 404, with the same body as
    /// for an id that does not exist, and the object is unchanged. PATCHes send the body.
    Foreign(Kind, Option<Value>),
    /// A list: another brand sees none of demo's rows, even filtering by demo's ids.
    List(Kind),
    /// A create: it lands in the caller's brand; naming demo's rows is refused exactly like
    /// naming rows that do not exist.
    Create(Kind),
    /// Logging in yields a token of the account's own brand.
    Login,
    /// Logging out revokes the caller's token and no other.
    Logout,
    /// `/me` is the caller and the caller's brand.
    Me,
    /// A password change changes the caller's password and no other.
    ChangePassword,
    /// The operation log shows the caller's brand's events only.
    Audit,
    /// The channel → tier mapping read and set is the caller's brand's own.
    TierMap,
    /// Activity naming another brand's rows is refused like naming none (tests/suite/activity.rs).
    Activity,
    /// Screening rules, decisions and removal tasks listed, created and dry-run by another
    /// brand show none of demo's.
    Screening,
    /// Joining through demo's link code is refused like an unknown code.
    JoinViaLink,
    /// Welcome texts and WeCom settings set by another brand are its own.
    BrandSettings,
    /// Segments: another brand neither sees nor touches demo's, nor counts its customers.
    Segments,
    /// Jobs: another brand's admin neither sees nor retries nor cancels demo's.
    Jobs,
    /// The catalogue listed and added to by another brand: its own only.
    Catalogue,
    /// Orders: another brand lists none of demo's and cannot order for demo's customers.
    Orders,
    /// Payment settings (WeChat Pay) set by another brand are its own; demo's stay unseen.
    PaymentSettings,
    /// The refund queue: another brand lists none of demo's requests.
    RefundRequests,
}

/// The isolation case of every route. A route missing here fails the test.
fn case(method: &str, path: &str) -> Option<Case> {
    use Case::*;
    use Kind::*;
    Some(match (method, path) {
        ("post", "/api/v1/auth/login") => Login,
        ("post", "/api/v1/auth/logout") => Logout,
        ("get", "/api/v1/me") => Me,
        ("post", "/api/v1/me/password") => ChangePassword,

        ("get", "/api/v1/regions") => List(Region),
        ("post", "/api/v1/regions") => Create(Region),
        ("get", "/api/v1/regions/{region_id}") => Foreign(Region, None),
        ("patch", "/api/v1/regions/{region_id}") => {
            Foreign(Region, Some(json!({ "name": "hijacked", "active": false })))
        }

        ("get", "/api/v1/stores") => List(Store),
        ("post", "/api/v1/stores") => Create(Store),
        ("get", "/api/v1/stores/{store_id}") => Foreign(Store, None),
        ("patch", "/api/v1/stores/{store_id}") => Foreign(
            Store,
            Some(json!({ "name": "hijacked", "code": "HIJACK-1", "active": false })),
        ),

        ("get", "/api/v1/staff") => List(Staff),
        ("post", "/api/v1/staff") => Create(Staff),
        ("get", "/api/v1/staff/{staff_id}") => Foreign(Staff, None),
        ("patch", "/api/v1/staff/{staff_id}") => Foreign(
            Staff,
            Some(json!({ "display_name": "hijacked", "role": "brand_admin", "active": false })),
        ),

        ("post", "/api/v1/staff/{staff_id}/password") => Foreign(
            Staff,
            Some(json!({ "new_password": "hijacked-password-2026" })),
        ),

        ("post", "/api/v1/staff/{staff_id}/handover") => {
            Foreign(Staff, Some(json!({ "to_staff_id": 1 })))
        }

        ("get", "/api/v1/audit-events") => Audit,

        ("get", "/api/v1/tokens") => List(Token),
        ("post", "/api/v1/tokens") => Create(Token),
        ("delete", "/api/v1/tokens/{token_id}") => Foreign(Token, None),

        ("get", "/api/v1/communities") => List(Community),
        ("post", "/api/v1/communities") => Create(Community),
        ("get", "/api/v1/communities/{community_id}") => Foreign(Community, None),
        ("patch", "/api/v1/communities/{community_id}") => Foreign(
            Community,
            Some(json!({ "name": "hijacked", "kind": "notice", "status": "archived" })),
        ),
        ("get", "/api/v1/communities/{community_id}/kinds") => Foreign(Community, None),
        ("post", "/api/v1/communities/{community_id}/overflow") => Foreign(Community, None),

        ("get", "/api/v1/communities/{community_id}/members") => Foreign(Community, None),
        ("post", "/api/v1/communities/{community_id}/members") => {
            Foreign(Community, Some(json!({ "customer_id": 1 })))
        }
        ("patch", "/api/v1/memberships/{membership_id}") => Foreign(
            Membership,
            Some(json!({ "role": "admin", "reward_note": "hijacked" })),
        ),
        ("post", "/api/v1/memberships/{membership_id}/leave") => Foreign(Membership, None),

        ("get", "/api/v1/customers") => List(Customer),
        ("post", "/api/v1/customers") => Create(Customer),
        ("get", "/api/v1/customers/{customer_id}") => Foreign(Customer, None),
        ("patch", "/api/v1/customers/{customer_id}") => Foreign(
            Customer,
            Some(
                json!({ "nickname": "hijacked", "tags": ["x"], "consent": false,
                         "tier": { "tier": "weak", "reason": "hijack" } }),
            ),
        ),
        ("post", "/api/v1/customers/{customer_id}/export") => Foreign(Customer, None),
        ("post", "/api/v1/customers/{customer_id}/erase")
        | ("post", "/api/v1/customers/{customer_id}/phone")
        | ("post", "/api/v1/customers/{customer_id}/unsubscribe-link") => Foreign(Customer, None),
        ("get" | "put", "/api/v1/intent-tiers") => TierMap,
        ("post", "/api/v1/activity") => Activity,

        ("get" | "post", "/api/v1/screening-rules")
        | ("post", "/api/v1/screening-rules/dry-run")
        | ("get", "/api/v1/screening-decisions")
        | ("get", "/api/v1/removal-tasks") => Screening,
        ("get", "/api/v1/screening-rules/{rule_id}")
        | ("post", "/api/v1/screening-rules/{rule_id}/enable")
        | ("post", "/api/v1/screening-rules/{rule_id}/disable")
        | ("post", "/api/v1/screening-rules/{rule_id}/dry-run")
        | ("post", "/api/v1/screening-rules/{rule_id}/apply") => Foreign(ScreeningRule, None),
        ("put", "/api/v1/screening-rules/{rule_id}") => Foreign(
            ScreeningRule,
            Some(
                json!({ "name": "hijacked", "conditions": [{ "kind": "avatar_flagged" }], "action": "blacklist" }),
            ),
        ),
        ("post", "/api/v1/screening-decisions/{decision_id}/settle") => {
            Foreign(Decision, Some(json!({ "verdict": "clear" })))
        }
        ("post", "/api/v1/removal-tasks/{task_id}/done") => Foreign(RemovalTask, None),

        ("get", "/api/v1/communities/{community_id}/join-links")
        | ("get", "/api/v1/communities/{community_id}/welcome-outbox") => Foreign(Community, None),
        ("post", "/api/v1/communities/{community_id}/join-links") => Foreign(
            Community,
            Some(json!({ "channel": "offline_store", "label": "hijacked" })),
        ),
        ("get", "/api/v1/join-links/{link_id}")
        | ("post", "/api/v1/join-links/{link_id}/deactivate")
        | ("post", "/api/v1/join-links/{link_id}/activate")
        | ("get", "/api/v1/join-links/{link_id}/qr.svg")
        | ("get", "/api/v1/join-links/{link_id}/qr.png") => Foreign(JoinLink, None),
        ("post", "/api/v1/joins") => JoinViaLink,
        ("get" | "post", "/api/v1/products") => Catalogue,
        ("get" | "post", "/api/v1/orders") => Orders,
        ("get" | "put", "/api/v1/order-settings") => BrandSettings,
        ("get", "/api/v1/orders/{order_id}")
        | ("post", "/api/v1/orders/{order_id}/cancel")
        | ("post", "/api/v1/orders/{order_id}/ship")
        | ("post", "/api/v1/orders/{order_id}/complete") => Foreign(Order, None),
        ("post", "/api/v1/orders/{order_id}/reconcile") => Foreign(Order, None),
        ("post", "/api/v1/orders/{order_id}/refund-requests") => {
            Foreign(Order, Some(json!({ "amount": 1, "reason": "hijack" })))
        }
        ("get", "/api/v1/refund-requests") => RefundRequests,
        ("get", "/api/v1/refund-requests/{request_id}")
        | ("post", "/api/v1/refund-requests/{request_id}/approve") => Foreign(RefundRequest, None),
        ("post", "/api/v1/refund-requests/{request_id}/reject") => {
            Foreign(RefundRequest, Some(json!({ "note": "hijack" })))
        }
        ("post", "/api/v1/orders/{order_id}/refunds") => {
            Foreign(Order, Some(json!({ "amount": 1, "reason": "hijack" })))
        }
        ("get", "/api/v1/products/{product_id}") => Foreign(Product, None),
        ("put", "/api/v1/products/{product_id}") => Foreign(
            Product,
            Some(
                json!({ "title": "hijacked", "category": "x", "frequency": "low", "on_shelf": false }),
            ),
        ),
        ("post", "/api/v1/products/{product_id}/skus") => Foreign(
            Product,
            Some(json!({ "name": "hijacked", "price": 1, "stock": 5 })),
        ),
        ("post", "/api/v1/products/{product_id}/images") => {
            Foreign(Product, Some(json!({ "not": "an image" })))
        }
        ("patch", "/api/v1/skus/{sku_id}") => Foreign(
            Sku,
            Some(json!({ "name": "hijacked", "price": 1, "list_price": null, "active": false })),
        ),
        ("post", "/api/v1/skus/{sku_id}/stock") => Foreign(
            Sku,
            Some(json!({ "reason": "adjusted", "quantity": -1, "note": "hijack" })),
        ),
        ("get", "/api/v1/skus/{sku_id}/stock-movements") => Foreign(Sku, None),
        ("get" | "delete", "/api/v1/product-images/{image_id}") => Foreign(Image, None),
        ("get", "/api/v1/jobs")
        | ("post", "/api/v1/jobs/{job_id}/retry")
        | ("post", "/api/v1/jobs/{job_id}/cancel") => Jobs,
        ("get", "/api/v1/welcome-texts")
        | ("put", "/api/v1/welcome-texts/{tier}")
        | ("get" | "put", "/api/v1/wecom")
        | ("get" | "put", "/api/v1/lifecycle-thresholds") => BrandSettings,
        ("get", "/api/v1/payment-settings") | ("put", "/api/v1/payment-settings/wechat") => {
            PaymentSettings
        }
        ("get" | "post", "/api/v1/segments") => Segments,
        ("get" | "put" | "delete", "/api/v1/segments/{segment_id}") => Segments,

        _ => return None,
    })
}

/// `path` with its one `{...}` parameter replaced by `id`.
fn with_id(path: &str, id: i64) -> String {
    let (head, rest) = path.split_once('{').expect("a path parameter");
    let (_, tail) = rest.split_once('}').expect("a closed path parameter");
    format!("{head}{id}{tail}")
}

/// Every (method, path) the OpenAPI document describes.
async fn documented_routes(app: &TestApp) -> Vec<(String, String)> {
    let doc = app.get_anon("/api/openapi.json").await.expect(200);
    let paths = doc["paths"].as_object().expect("the document has paths");
    let mut routes = Vec::new();
    for (path, item) in paths {
        for method in [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ] {
            if item.get(method).is_some() {
                routes.push((method.to_owned(), path.clone()));
            }
        }
    }
    assert!(
        routes.len() >= 19,
        "the OpenAPI document lists too few routes: {routes:?}"
    );
    routes
}

/// Demo's rows that the cases aim at, and the other brand's own places.
struct World {
    demo: Demo,
    /// Live API tokens of demo staff: (id, secret).
    demo_tokens: Vec<(i64, String)>,
    /// Every token id of demo staff that this test knows of.
    demo_token_ids: HashSet<i64>,
    other_region: i64,
    other_store: i64,
    /// Stints of demo customers in 上海南京西路店福利群.
    demo_memberships: Vec<i64>,
    /// Demo's screening rules, the decisions and removal tasks one of them made.
    demo_rules: Vec<i64>,
    demo_decisions: Vec<i64>,
    demo_tasks: Vec<i64>,
    /// A join link of 上海南京西路店福利群: (id, code).
    demo_link: (i64, String),
    /// A product of demo's, one of its SKUs and one of its images.
    demo_product: (i64, i64, i64),
    /// An unpaid order of demo's.
    demo_order: i64,
    /// A refund request on a paid demo order.
    demo_request: i64,
}

impl World {
    async fn build(app: &TestApp) -> World {
        let demo = app.demo().await;
        let api = app
            .post(
                &demo.admin,
                "/api/v1/tokens",
                json!({ "name": "isolation target" }),
            )
            .await
            .expect(201);
        let guide = app.login(GUIDE01).await;
        let guide_tokens = app.list_all(&guide, "/api/v1/tokens").await;
        let demo_tokens = vec![
            (id(&api), api["token"].as_str().expect("a token").to_owned()),
            (id(&guide_tokens[0]), guide),
        ];
        let mut demo_token_ids: HashSet<i64> = app
            .list_all(&demo.admin, "/api/v1/tokens")
            .await
            .iter()
            .map(id)
            .collect();
        demo_token_ids.extend(guide_tokens.iter().map(id));

        let other = app.login(OTHER_ADMIN).await;
        let other_region = id(&app.list_all(&other, "/api/v1/regions").await[0]);
        let other_store = id(&app.list_all(&other, "/api/v1/stores").await[0]);
        let sales = demo.community("上海南京西路店福利群");
        let demo_memberships = app
            .list_all(&demo.admin, &format!("/api/v1/communities/{sales}/members"))
            .await
            .iter()
            .map(id)
            .collect();
        // A rule applied to demo's members: weak-intent joiners are to be removed.
        let rule = app
            .post(
                &demo.admin,
                "/api/v1/screening-rules",
                json!({ "name": "弱意向移出", "action": "remove",
                        "conditions": [{ "kind": "tier_in", "values": ["weak"] }] }),
            )
            .await
            .expect(201);
        app.post_empty(
            &demo.admin,
            &format!("/api/v1/screening-rules/{}/apply", id(&rule)),
        )
        .await
        .expect(200);
        let demo_rules = app
            .get(&demo.admin, "/api/v1/screening-rules")
            .await
            .expect(200)
            .as_array()
            .expect("rules")
            .iter()
            .map(id)
            .collect();
        let demo_decisions: Vec<i64> = app
            .list_all(&demo.admin, "/api/v1/screening-decisions")
            .await
            .iter()
            .map(id)
            .collect();
        let demo_tasks: Vec<i64> = app
            .list_all(&demo.admin, "/api/v1/removal-tasks")
            .await
            .iter()
            .map(id)
            .collect();
        assert!(!demo_decisions.is_empty() && !demo_tasks.is_empty());
        let link = app
            .post(
                &demo.admin,
                &format!("/api/v1/communities/{sales}/join-links"),
                json!({ "channel": "fission_poster", "label": "isolation" }),
            )
            .await
            .expect(201);
        let demo_link = (id(&link), link["code"].as_str().expect("a code").to_owned());
        let product = app
            .post(
                &demo.admin,
                "/api/v1/products",
                json!({ "title": "隔离面膜", "category": "面膜", "frequency": "high", "on_shelf": true,
                        "skus": [{ "name": "10 片", "price": 9900, "stock": 10 }] }),
            )
            .await
            .expect(201);
        let png = shequn_app::qr::png("isolation").expect("a PNG");
        let image = app
            .send_raw(
                Method::POST,
                &format!("/api/v1/products/{}/images", id(&product)),
                &demo.admin,
                Some("image/png"),
                png,
            )
            .await
            .expect(201);
        let demo_product = (
            id(&product),
            product["skus"][0]["id"].as_i64().expect("a SKU"),
            id(&image),
        );
        let order = app
            .post(
                &demo.admin,
                "/api/v1/orders",
                json!({ "customer_id": demo.customer("SH-001老顾客"),
                        "lines": [{ "sku_id": demo_product.1, "quantity": 1 }] }),
            )
            .await
            .expect(201);
        let paid = app
            .post(
                &demo.admin,
                "/api/v1/orders",
                json!({ "customer_id": demo.customer("SH-001老顾客"),
                        "lines": [{ "sku_id": demo_product.1, "quantity": 1 }] }),
            )
            .await
            .expect(201);
        shequn_app::usecases::orders::confirm_payment(
            &app.db,
            shequn_domain::BrandId(demo.brand_id),
            shequn_domain::OrderId(id(&paid)),
            "sandbox",
            "isolation-payment",
            paid["total"].as_i64().expect("a total"),
        )
        .await
        .expect("paid");
        let request = app
            .post(
                &demo.admin,
                &format!("/api/v1/orders/{}/refund-requests", id(&paid)),
                json!({ "amount": 100, "reason": "少发一件" }),
            )
            .await
            .expect(201);
        World {
            demo_request: id(&request),
            demo_order: id(&order),
            demo_product,
            demo_link,
            demo_rules,
            demo_decisions,
            demo_tasks,
            demo_memberships,
            demo,
            demo_tokens,
            demo_token_ids,
            other_region,
            other_store,
        }
    }

    /// Demo objects each `{id}` route is aimed at: the widest and a narrow one.
    fn targets(&self, kind: Kind) -> Vec<i64> {
        let d = &self.demo;
        match kind {
            Kind::Region => vec![d.region(EAST), d.region(NORTH)],
            Kind::Store => vec![d.store("SH-001"), d.store("JN-001")],
            Kind::Staff => vec![d.staff(ADMIN), d.staff(GUIDE01)],
            Kind::Token => self.demo_tokens.iter().map(|(id, _)| *id).collect(),
            Kind::Community => vec![
                d.community("上海南京西路店福利群"),
                d.community("济南泉城路店会员服务群"),
            ],
            Kind::Customer => vec![d.customer("SH-001老顾客"), d.customer("JN-001海报新客")],
            Kind::Membership => self.demo_memberships.clone(),
            Kind::ScreeningRule => {
                vec![self.demo_rules[0], *self.demo_rules.last().expect("a rule")]
            }
            Kind::Decision => vec![self.demo_decisions[0]],
            Kind::RemovalTask => vec![self.demo_tasks[0]],
            Kind::JoinLink => vec![self.demo_link.0],
            Kind::Product => vec![self.demo_product.0],
            Kind::Sku => vec![self.demo_product.1],
            Kind::Image => vec![self.demo_product.2],
            Kind::Order => vec![self.demo_order],
            Kind::RefundRequest => vec![self.demo_request],
        }
    }

    fn demo_ids(&self, kind: Kind) -> HashSet<i64> {
        let d = &self.demo;
        match kind {
            Kind::Region => d.regions.values().copied().collect(),
            Kind::Store => d.stores.values().copied().collect(),
            Kind::Staff => d.staff.values().copied().collect(),
            Kind::Token => self.demo_token_ids.clone(),
            Kind::Community => d.communities.values().copied().collect(),
            Kind::Customer => d.customers.values().copied().collect(),
            Kind::Membership => self.demo_memberships.iter().copied().collect(),
            Kind::ScreeningRule => self.demo_rules.iter().copied().collect(),
            Kind::Decision => self.demo_decisions.iter().copied().collect(),
            Kind::RemovalTask => self.demo_tasks.iter().copied().collect(),
            Kind::JoinLink => HashSet::from([self.demo_link.0]),
            Kind::Product => HashSet::from([self.demo_product.0]),
            Kind::Sku => HashSet::from([self.demo_product.1]),
            Kind::Image => HashSet::from([self.demo_product.2]),
            Kind::Order => HashSet::from([self.demo_order]),
            Kind::RefundRequest => HashSet::from([self.demo_request]),
        }
    }

    /// A demo object as demo sees it. A token is seen by using it.
    async fn read(&self, app: &TestApp, kind: Kind, id: i64) -> Value {
        let admin = &self.demo.admin;
        match kind {
            Kind::Region => app
                .get(admin, &format!("/api/v1/regions/{id}"))
                .await
                .expect(200),
            Kind::Store => app
                .get(admin, &format!("/api/v1/stores/{id}"))
                .await
                .expect(200),
            Kind::Staff => app
                .get(admin, &format!("/api/v1/staff/{id}"))
                .await
                .expect(200),
            Kind::Customer => app
                .get(admin, &format!("/api/v1/customers/{id}"))
                .await
                .expect(200),
            Kind::ScreeningRule => app
                .get(admin, &format!("/api/v1/screening-rules/{id}"))
                .await
                .expect(200),
            Kind::Decision => app
                .list_all(admin, "/api/v1/screening-decisions")
                .await
                .into_iter()
                .find(|d| d["id"] == id)
                .expect("a demo decision"),
            Kind::JoinLink => app
                .get(admin, &format!("/api/v1/join-links/{id}"))
                .await
                .expect(200),
            Kind::Order => app
                .get(admin, &format!("/api/v1/orders/{id}"))
                .await
                .expect(200),
            Kind::RefundRequest => app
                .get(admin, &format!("/api/v1/refund-requests/{id}"))
                .await
                .expect(200),
            // The product shows its SKUs' stock and its images; the ledger shows every move.
            Kind::Product | Kind::Sku | Kind::Image => json!({
                "product": app
                    .get(admin, &format!("/api/v1/products/{}", self.demo_product.0))
                    .await
                    .expect(200),
                "ledger": app
                    .get(admin, &format!("/api/v1/skus/{}/stock-movements", self.demo_product.1))
                    .await
                    .expect(200),
            }),
            Kind::RemovalTask => app
                .list_all(admin, "/api/v1/removal-tasks")
                .await
                .into_iter()
                .find(|t| t["id"] == id)
                .expect("a demo task"),
            Kind::Membership => {
                let community = self.demo.community("上海南京西路店福利群");
                app.list_all(
                    admin,
                    &format!("/api/v1/communities/{community}/members?with_past=true"),
                )
                .await
                .into_iter()
                .find(|m| m["id"] == id)
                .expect("a demo membership")
            }
            Kind::Community => {
                let path = format!("/api/v1/communities/{id}");
                json!({
                    "community": app.get(admin, &path).await.expect(200),
                    "kinds": app.get(admin, &format!("{path}/kinds")).await.expect(200),
                })
            }
            Kind::Token => {
                let (_, secret) = self
                    .demo_tokens
                    .iter()
                    .find(|(t, _)| *t == id)
                    .expect("a known token");
                let me = app.me(secret).await;
                let row = app
                    .list_all(secret, "/api/v1/tokens")
                    .await
                    .into_iter()
                    .find(|t| t["id"] == id);
                json!({ "me": me, "row": row })
            }
        }
    }

    async fn demo_tokens_still_work(&self, app: &TestApp) {
        for (_, secret) in &self.demo_tokens {
            app.get(secret, "/api/v1/me").await.assert_status(200);
        }
    }
}

/// Fresh tokens of brand `other` for one case (cases log out and change passwords).
struct Other {
    admin: String,
    guide: String,
}

impl Other {
    async fn login(app: &TestApp) -> Other {
        Other {
            admin: app.login(OTHER_ADMIN).await,
            guide: app.login(OTHER_GUIDE).await,
        }
    }

    fn both(&self) -> [&str; 2] {
        [self.admin.as_str(), self.guide.as_str()]
    }
}

async fn every_api_route_called_by_another_brand_finds_nothing_and_changes_nothing(app: TestApp) {
    let routes = documented_routes(&app).await;
    let uncovered: Vec<String> = routes
        .iter()
        .filter(|(m, p)| case(m, p).is_none())
        .map(|(m, p)| {
            format!(
                "route {} {p} has no isolation case: add one to `case()` in tests/suite/isolation.rs",
                m.to_uppercase()
            )
        })
        .collect();
    assert!(uncovered.is_empty(), "{}", uncovered.join("\n"));

    let world = World::build(&app).await;
    for (method, path) in &routes {
        let route_case = case(method, path).expect("every route has a case");
        let before = app.brand_state(&world.demo.admin).await;
        let other = Other::login(&app).await;
        let m = Method::from_bytes(method.to_uppercase().as_bytes()).expect("an HTTP method");
        match route_case {
            Case::Foreign(kind, body) => {
                foreign(&app, &world, &other, m, path, kind, body.as_ref()).await
            }
            Case::List(kind) => list(&app, &world, &other, kind).await,
            Case::Create(kind) => create(&app, &world, &other, kind).await,
            Case::Login => login(&app).await,
            Case::Logout => logout(&app, &world, &other).await,
            Case::Me => me(&app, &other).await,
            Case::ChangePassword => change_password(&app, &world, &other).await,
            Case::Audit => audit(&app, &world, &other).await,
            Case::TierMap => tier_map(&app, &world, &other).await,
            Case::Activity => activity(&app, &world, &other).await,
            Case::Screening => screening(&app, &world, &other).await,
            Case::JoinViaLink => join_via_link(&app, &world, &other).await,
            Case::BrandSettings => brand_settings(&app, &world, &other).await,
            Case::Segments => segments(&app, &world, &other).await,
            Case::Jobs => jobs(&app, &world, &other).await,
            Case::Catalogue => catalogue(&app, &world, &other).await,
            Case::Orders => orders(&app, &world, &other).await,
            Case::PaymentSettings => payment_settings(&app, &world, &other).await,
            Case::RefundRequests => refund_requests(&app, &world, &other).await,
        }
        assert_eq!(
            app.brand_state(&world.demo.admin).await,
            before,
            "{} {path} called by brand `other` changed brand `demo`",
            method.to_uppercase()
        );
        world.demo_tokens_still_work(&app).await;
    }
}

async fn foreign(
    app: &TestApp,
    w: &World,
    other: &Other,
    method: Method,
    path: &str,
    kind: Kind,
    body: Option<&Value>,
) {
    let absent = app
        .call(
            method.clone(),
            &with_id(path, NO_SUCH_ID),
            &other.admin,
            body,
        )
        .await;
    absent.assert_problem(404, "not_found");
    for target in w.targets(kind) {
        let before = w.read(app, kind, target).await;
        for token in other.both() {
            let r = app
                .call(method.clone(), &with_id(path, target), token, body)
                .await;
            r.assert_problem(404, "not_found");
            assert_eq!(
                r.body, absent.body,
                "{}: another brand's object must look exactly like a missing one",
                r.what
            );
        }
        assert_eq!(
            w.read(app, kind, target).await,
            before,
            "{method} {path} by brand `other` changed demo's {kind:?} {target}"
        );
    }
}

async fn list(app: &TestApp, w: &World, other: &Other, kind: Kind) {
    let (path, filters) = match kind {
        Kind::Region => ("/api/v1/regions", vec![]),
        Kind::Store => (
            "/api/v1/stores",
            vec![format!("region_id={}", w.demo.region(EAST))],
        ),
        Kind::Staff => (
            "/api/v1/staff",
            vec![format!("store_id={}", w.demo.store("SH-001"))],
        ),
        Kind::Token => ("/api/v1/tokens", vec![]),
        Kind::Membership => panic!("memberships are listed per community"),
        Kind::ScreeningRule
        | Kind::Decision
        | Kind::RemovalTask
        | Kind::JoinLink
        | Kind::Product
        | Kind::Sku
        | Kind::Image
        | Kind::Order
        | Kind::RefundRequest => {
            panic!("screening, links, the catalogue and orders have their own cases")
        }
        Kind::Customer => (
            "/api/v1/customers",
            vec![
                format!("store_id={}", w.demo.store("SH-001")),
                format!("guide_id={}", w.demo.staff(GUIDE01)),
                // A demo customer's whole number finds nothing in another brand.
                "phone=13800010001".to_owned(),
            ],
        ),
        Kind::Community => (
            "/api/v1/communities",
            vec![
                format!("store_id={}", w.demo.store("SH-001")),
                format!("owner_id={}", w.demo.staff(GUIDE01)),
            ],
        ),
    };
    let demo_ids = w.demo_ids(kind);
    for token in other.both() {
        let own = app.list_all(token, path).await;
        assert!(
            !own.is_empty(),
            "{path}: brand `other` should see its own rows"
        );
        let leaked: Vec<&Value> = own
            .iter()
            .filter(|row| {
                demo_ids.contains(&id(row)) || row.to_string().contains("@demo.shequn.test")
            })
            .collect();
        assert!(
            leaked.is_empty(),
            "{path} showed brand `other` rows of brand `demo`: {leaked:?}"
        );
        for filter in &filters {
            let filtered = app.list_all(token, &format!("{path}?{filter}")).await;
            assert!(
                filtered.is_empty(),
                "{path}?{filter} showed brand `other` rows of brand `demo`: {filtered:?}"
            );
        }
    }
}

/// Asserts that naming demo's row was refused exactly like naming a row that does not exist.
#[track_caller]
fn assert_same_refusal(r: &Reply, absent: &Reply) {
    absent.assert_refused();
    r.assert_refused();
    assert_eq!(r.status, absent.status, "{}: {}", r.what, r.text);
    assert_eq!(
        r.body["code"], absent.body["code"],
        "{}: {}",
        r.what, r.text
    );
    assert_eq!(
        r.body["errors"][0]["field"], absent.body["errors"][0]["field"],
        "{}: {}",
        r.what, r.text
    );
}

async fn create(app: &TestApp, w: &World, other: &Other, kind: Kind) {
    let theirs_before = app.brand_state(&other.admin).await;
    match kind {
        Kind::Region => {
            // Names are unique per brand: demo's region name is free in `other`.
            let made = app
                .post(&other.admin, "/api/v1/regions", json!({ "name": EAST }))
                .await
                .expect(201);
            let theirs = app.list_all(&other.admin, "/api/v1/regions").await;
            assert!(
                theirs.iter().any(|r| id(r) == id(&made)),
                "the region is in brand `other`"
            );
            app.post(
                &other.guide,
                "/api/v1/regions",
                json!({ "name": "导购的大区" }),
            )
            .await
            .assert_problem(403, "forbidden");
        }
        Kind::Store => {
            let store_in =
                |region: i64| json!({ "region_id": region, "code": "ISO-1", "name": "越界门店" });
            let absent = app
                .post(&other.admin, "/api/v1/stores", store_in(NO_SUCH_ID))
                .await;
            for region in w.targets(Kind::Region) {
                for token in other.both() {
                    assert_same_refusal(
                        &app.post(token, "/api/v1/stores", store_in(region)).await,
                        &absent,
                    );
                }
            }
            assert_eq!(
                app.brand_state(&other.admin).await,
                theirs_before,
                "a refused store was created"
            );
            // Codes are unique per brand: demo's code is free in `other`.
            let made = app
                .post(
                    &other.admin,
                    "/api/v1/stores",
                    json!({ "region_id": w.other_region, "code": "SH-001", "name": "成都二店" }),
                )
                .await
                .expect(201);
            assert_eq!(made["region_id"], w.other_region);
        }
        Kind::Staff => {
            let guide_at = |store: i64| {
                json!({ "email": "iso.guide@other.shequn.test", "display_name": "越界导购", "role": "shop_guide",
                        "store_id": store, "password": "isolation-2026" })
            };
            let manager_of = |region: i64| {
                json!({ "email": "iso.manager@other.shequn.test", "display_name": "越界经理", "role": "region_manager",
                        "region_id": region, "password": "isolation-2026" })
            };
            let no_store = app
                .post(&other.admin, "/api/v1/staff", guide_at(NO_SUCH_ID))
                .await;
            let no_region = app
                .post(&other.admin, "/api/v1/staff", manager_of(NO_SUCH_ID))
                .await;
            for store in w.targets(Kind::Store) {
                assert_same_refusal(
                    &app.post(&other.admin, "/api/v1/staff", guide_at(store))
                        .await,
                    &no_store,
                );
            }
            for region in w.targets(Kind::Region) {
                assert_same_refusal(
                    &app.post(&other.admin, "/api/v1/staff", manager_of(region))
                        .await,
                    &no_region,
                );
            }
            assert_eq!(
                app.brand_state(&other.admin).await,
                theirs_before,
                "a refused staff member was created"
            );
            let made = app
                .post(&other.admin, "/api/v1/staff", guide_at(w.other_store))
                .await
                .expect(201);
            assert_eq!(made["store_id"], w.other_store);
        }
        Kind::Membership => panic!("memberships are created by joining a community"),
        Kind::ScreeningRule
        | Kind::Decision
        | Kind::RemovalTask
        | Kind::JoinLink
        | Kind::Product
        | Kind::Sku
        | Kind::Image
        | Kind::Order
        | Kind::RefundRequest => {
            panic!("screening, links, the catalogue and orders have their own cases")
        }
        Kind::Customer => {
            let absent_store = app
                .post(
                    &other.admin,
                    "/api/v1/customers",
                    json!({ "nickname": "越界", "channel": "event", "store_id": NO_SUCH_ID }),
                )
                .await;
            for store in w.targets(Kind::Store) {
                assert_same_refusal(
                    &app.post(
                        &other.admin,
                        "/api/v1/customers",
                        json!({ "nickname": "越界", "channel": "event", "store_id": store }),
                    )
                    .await,
                    &absent_store,
                );
            }
            let invited = |by: i64| json!({ "nickname": "被邀请", "channel": "friend_invite", "store_id": w.other_store, "invited_by": by });
            let absent_inviter = app
                .post(&other.admin, "/api/v1/customers", invited(NO_SUCH_ID))
                .await;
            for by in w.targets(Kind::Customer) {
                assert_same_refusal(
                    &app.post(&other.admin, "/api/v1/customers", invited(by))
                        .await,
                    &absent_inviter,
                );
            }
            assert_eq!(
                app.brand_state(&other.admin).await,
                theirs_before,
                "a refused customer was created"
            );
            // External ids are unique per brand: demo's is free in `other`.
            let made = app
                .post(
                    &other.guide,
                    "/api/v1/customers",
                    json!({ "nickname": "成都新客", "channel": "event", "external_id": "wm-demo-SH-001-1" }),
                )
                .await
                .expect(201);
            assert_eq!(made["store_id"], w.other_store);
        }
        Kind::Community => {
            let community_in =
                |store: i64| json!({ "store_id": store, "name": "越界群", "kind": "discount" });
            let absent = app
                .post(
                    &other.admin,
                    "/api/v1/communities",
                    community_in(NO_SUCH_ID),
                )
                .await;
            for store in w.targets(Kind::Store) {
                for token in other.both() {
                    assert_same_refusal(
                        &app.post(token, "/api/v1/communities", community_in(store))
                            .await,
                        &absent,
                    );
                }
            }
            // Naming demo's guide as 群主 of one's own store is refused like a stranger.
            let owned_by = |owner: i64| json!({ "store_id": w.other_store, "owner_id": owner, "name": "越界群主", "kind": "discount" });
            assert_same_refusal(
                &app.post(
                    &other.admin,
                    "/api/v1/communities",
                    owned_by(w.demo.staff(GUIDE01)),
                )
                .await,
                &app.post(&other.admin, "/api/v1/communities", owned_by(NO_SUCH_ID))
                    .await,
            );
            assert_eq!(
                app.brand_state(&other.admin).await,
                theirs_before,
                "a refused community was created"
            );
            let made = app
                .post(
                    &other.guide,
                    "/api/v1/communities",
                    community_in(w.other_store),
                )
                .await
                .expect(201);
            assert_eq!(made["store_id"], w.other_store);
        }
        Kind::Token => {
            let made = app
                .post(
                    &other.admin,
                    "/api/v1/tokens",
                    json!({ "name": "isolation" }),
                )
                .await
                .expect(201);
            let me = app.me(made["token"].as_str().expect("a token")).await;
            assert_eq!(me["brand"]["slug"], "other");
        }
    }
}

async fn login(app: &TestApp) {
    let out = app.try_login(OTHER_ADMIN, DEMO_PASSWORD).await.expect(200);
    assert_eq!(out["staff"]["email"], OTHER_ADMIN);
    let me = app.me(out["token"].as_str().expect("a token")).await;
    assert_eq!(me["brand"]["slug"], "other");
}

async fn logout(app: &TestApp, w: &World, other: &Other) {
    let spare = app.login(OTHER_ADMIN).await;
    app.post_empty(&spare, "/api/v1/auth/logout")
        .await
        .assert_status(204);
    app.get(&spare, "/api/v1/me")
        .await
        .assert_problem(401, "unauthorized");
    app.get(&other.admin, "/api/v1/me").await.assert_status(200);
    w.demo_tokens_still_work(app).await;
}

async fn me(app: &TestApp, other: &Other) {
    for (token, email) in [(&other.admin, OTHER_ADMIN), (&other.guide, OTHER_GUIDE)] {
        let r = app.get(token, "/api/v1/me").await;
        r.assert_status(200);
        assert_eq!(r.body["staff"]["email"], email);
        assert_eq!(r.body["brand"]["slug"], "other");
        assert!(
            !r.text.contains("demo"),
            "/me of brand `other` mentions demo: {}",
            r.text
        );
    }
}

async fn change_password(app: &TestApp, w: &World, other: &Other) {
    const CHANGED: &str = "other-brand-new-2026";
    let path = "/api/v1/me/password";
    app.post(
        &other.admin,
        path,
        json!({ "current_password": DEMO_PASSWORD, "new_password": CHANGED }),
    )
    .await
    .assert_status(204);
    app.try_login(OTHER_ADMIN, CHANGED).await.assert_status(200);
    // Demo accounts keep theirs (a guide's login, so the admin's token list stays as it was).
    app.try_login(GUIDE01, DEMO_PASSWORD)
        .await
        .assert_status(200);
    w.demo_tokens_still_work(app).await;
    // Put it back for the cases that follow.
    app.post(
        &other.admin,
        path,
        json!({ "current_password": CHANGED, "new_password": DEMO_PASSWORD }),
    )
    .await
    .assert_status(204);
}

async fn audit(app: &TestApp, w: &World, other: &Other) {
    let path = "/api/v1/audit-events";
    let demo_events: HashSet<i64> = app
        .list_all(&w.demo.admin, path)
        .await
        .iter()
        .map(id)
        .collect();
    assert!(
        !demo_events.is_empty(),
        "demo's log has the events of this test's setup"
    );
    // Brand other acts once, so that its own log is not empty.
    app.post(
        &other.admin,
        "/api/v1/tokens",
        json!({ "name": "audit probe" }),
    )
    .await
    .assert_status(201);
    let own = app.list_all(&other.admin, path).await;
    assert!(!own.is_empty(), "brand `other` sees its own events");
    let leaked: Vec<&Value> = own
        .iter()
        .filter(|e| demo_events.contains(&id(e)))
        .collect();
    assert!(
        leaked.is_empty(),
        "{path} showed brand `other` events of brand `demo`: {leaked:?}"
    );
    app.get(&other.guide, path)
        .await
        .assert_problem(403, "forbidden");
}

async fn tier_map(app: &TestApp, w: &World, other: &Other) {
    let demo_map = app
        .get(&w.demo.admin, "/api/v1/intent-tiers")
        .await
        .expect(200);
    let set = app
        .call(
            Method::PUT,
            "/api/v1/intent-tiers",
            &other.admin,
            Some(&json!([{ "channel": "fission_poster", "tier": "strong" }])),
        )
        .await
        .expect(200);
    assert_eq!(
        set["customers_moved"], 0,
        "brand `other` has no poster customers"
    );
    let theirs = app
        .get(&other.guide, "/api/v1/intent-tiers")
        .await
        .expect(200);
    assert!(
        theirs
            .as_array()
            .expect("a list")
            .iter()
            .any(|t| t["channel"] == "fission_poster" && t["tier"] == "strong"),
        "the change is theirs: {theirs}"
    );
    assert_eq!(
        app.get(&w.demo.admin, "/api/v1/intent-tiers")
            .await
            .expect(200),
        demo_map,
        "brand `demo` keeps its mapping"
    );
    app.call(
        Method::PUT,
        "/api/v1/intent-tiers",
        &other.guide,
        Some(&json!([{ "channel": "event", "tier": "weak" }])),
    )
    .await
    .assert_problem(403, "forbidden");
}

async fn activity(app: &TestApp, w: &World, other: &Other) {
    let event = |community: i64, customer: i64| {
        json!({ "events": [{ "event_id": "iso-1", "kind": "message", "community_id": community,
                             "customer_id": customer, "at": "2026-11-27T08:00:00Z" }] })
    };
    let (group, fan) = (
        w.demo.community("上海南京西路店福利群"),
        w.demo.customer("SH-001老顾客"),
    );
    let absent = app
        .post(
            &other.admin,
            "/api/v1/activity",
            event(NO_SUCH_ID, NO_SUCH_ID),
        )
        .await;
    absent.assert_problem(422, "validation_failed");
    let foreign = app
        .post(&other.admin, "/api/v1/activity", event(group, fan))
        .await;
    assert_eq!(foreign.status, absent.status);
    assert_eq!(foreign.body, absent.body);
}

/// Another brand's screening: its own presets and rules, none of demo's decisions or tasks
/// (even filtering by demo's rows), and dry runs over its own members only.
async fn screening(app: &TestApp, w: &World, other: &Other) {
    let d = &w.demo;
    for token in other.both() {
        let rules = app.get(token, "/api/v1/screening-rules").await.expect(200);
        let rules = rules.as_array().expect("rules");
        assert_eq!(rules.iter().filter(|r| r["preset"].is_string()).count(), 4);
        assert!(
            rules.iter().all(|r| !w.demo_rules.contains(&id(r))),
            "{rules:?}"
        );
        for path in [
            "/api/v1/screening-decisions".to_owned(),
            format!(
                "/api/v1/screening-decisions?customer_id={}",
                d.customer("SH-001海报新客")
            ),
            format!(
                "/api/v1/screening-decisions?community_id={}",
                d.community("上海南京西路店福利群")
            ),
            "/api/v1/removal-tasks".to_owned(),
            format!(
                "/api/v1/removal-tasks?community_id={}",
                d.community("上海南京西路店福利群")
            ),
        ] {
            let rows = app.list_all(token, &path).await;
            assert!(
                rows.is_empty(),
                "{path} showed brand `other` demo's rows: {rows:?}"
            );
        }
        let run = app
            .post(
                token,
                "/api/v1/screening-rules/dry-run",
                json!({ "name": "试跑", "action": "flag",
                        "conditions": [{ "kind": "tier_in", "values": ["strong", "intent", "weak"] }] }),
            )
            .await
            .expect(200);
        let demo_customers: HashSet<i64> = d.customers.values().copied().collect();
        let caught: Vec<&Value> = run["sample"]
            .as_array()
            .expect("a sample")
            .iter()
            .filter(|c| demo_customers.contains(&c["customer_id"].as_i64().unwrap_or_default()))
            .collect();
        assert!(
            caught.is_empty(),
            "a dry run of brand `other` caught demo's members: {caught:?}"
        );
        assert!(run["checked"].as_i64().expect("a count") < demo_customers.len() as i64);
    }
    // A rule named like one of demo's is brand `other`'s own (made by the first of the
    // routes that share this case).
    let theirs = app
        .get(&other.admin, "/api/v1/screening-rules")
        .await
        .expect(200);
    if !theirs.to_string().contains("弱意向移出") {
        let made = app
            .post(
                &other.admin,
                "/api/v1/screening-rules",
                json!({ "name": "弱意向移出", "action": "flag",
                        "conditions": [{ "kind": "avatar_flagged" }] }),
            )
            .await
            .expect(201);
        assert!(!w.demo_rules.contains(&id(&made)));
    }
    let demo_names = app
        .get(&w.demo.admin, "/api/v1/screening-rules")
        .await
        .expect(200);
    assert_eq!(
        demo_names.as_array().map(Vec::len),
        Some(w.demo_rules.len())
    );
}

/// Demo's link code used by another brand: refused exactly like a code nobody has.
async fn join_via_link(app: &TestApp, w: &World, other: &Other) {
    let theirs = app.list_all(&other.admin, "/api/v1/customers").await;
    let customer = id(&theirs[0]);
    let absent = app
        .post(
            &other.admin,
            "/api/v1/joins",
            json!({ "code": "zzzzzzzzzz", "customer_id": customer }),
        )
        .await;
    absent.assert_problem(404, "not_found");
    let before = w.read(app, Kind::JoinLink, w.demo_link.0).await;
    for token in other.both() {
        let r = app
            .post(
                token,
                "/api/v1/joins",
                json!({ "code": w.demo_link.1, "customer_id": customer }),
            )
            .await;
        r.assert_problem(404, "not_found");
        assert_eq!(r.body, absent.body);
    }
    assert_eq!(w.read(app, Kind::JoinLink, w.demo_link.0).await, before);
}

/// Welcome texts and WeCom settings written by another brand stay in that brand.
async fn brand_settings(app: &TestApp, w: &World, other: &Other) {
    let admin = &w.demo.admin;
    let demo_texts = app.get(admin, "/api/v1/welcome-texts").await.expect(200);
    let demo_wecom = app.get(admin, "/api/v1/wecom").await.expect(200);
    app.call(
        Method::PUT,
        "/api/v1/welcome-texts/weak",
        &other.admin,
        Some(&json!({ "body": "hijacked welcome" })),
    )
    .await
    .expect(200);
    let key = "A".repeat(43);
    app.call(
        Method::PUT,
        "/api/v1/wecom",
        &other.admin,
        Some(&json!({ "corp_id": "wwhijack", "token": "hijack", "encoding_aes_key": key })),
    )
    .await
    .expect(200);
    let theirs = app
        .get(&other.admin, "/api/v1/welcome-texts")
        .await
        .expect(200);
    assert!(theirs.to_string().contains("hijacked welcome"));
    assert_eq!(
        app.get(admin, "/api/v1/welcome-texts").await.expect(200),
        demo_texts
    );
    assert_eq!(
        app.get(admin, "/api/v1/wecom").await.expect(200),
        demo_wecom
    );
    let demo_window = app.get(admin, "/api/v1/order-settings").await.expect(200);
    app.call(
        Method::PUT,
        "/api/v1/order-settings",
        &other.admin,
        Some(&json!({ "pay_within_minutes": 15 })),
    )
    .await
    .expect(200);
    assert_eq!(
        app.get(admin, "/api/v1/order-settings").await.expect(200),
        demo_window
    );
    let guide_view = app.get(&other.guide, "/api/v1/wecom").await.expect(200);
    assert!(!guide_view.to_string().contains("demo"), "{guide_view}");
}

/// Demo's segment is invisible to another brand (404 like a missing one, unchanged), and
/// a segment of its own with demo's conditions counts none of demo's customers.
async fn segments(app: &TestApp, w: &World, other: &Other) {
    let admin = &w.demo.admin;
    let mine = app.get(admin, "/api/v1/segments").await.expect(200);
    let demo_segment = match mine.as_array().and_then(|a| a.first()) {
        Some(s) => id(s),
        None => id(&app
            .post(
                admin,
                "/api/v1/segments",
                json!({ "name": "弱意向", "filter": { "tier": "weak" } }),
            )
            .await
            .expect(201)),
    };
    let before = app
        .get(admin, &format!("/api/v1/segments/{demo_segment}"))
        .await
        .expect(200);
    let path = format!("/api/v1/segments/{demo_segment}");
    let absent = format!("/api/v1/segments/{NO_SUCH_ID}");
    let body = json!({ "name": "hijacked", "filter": { "tier": "strong" } });
    for token in other.both() {
        for (m, b) in [
            (Method::GET, None),
            (Method::PUT, Some(&body)),
            (Method::DELETE, None),
        ] {
            let theirs = app.call(m.clone(), &path, token, b).await;
            let none = app.call(m.clone(), &absent, &other.admin, b).await;
            theirs.assert_problem(404, "not_found");
            assert_eq!(theirs.body, none.body);
        }
        let listed = app.get(token, "/api/v1/segments").await.expect(200);
        assert!(
            !listed
                .to_string()
                .contains(&format!("\"id\":{demo_segment},")),
            "{listed}"
        );
        app.get(token, &format!("/api/v1/customers?segment={demo_segment}"))
            .await
            .assert_field("segment");
    }
    let theirs = app
        .post(
            &other.admin,
            "/api/v1/segments",
            json!({ "name": format!("弱意向{}", other.admin.len()), "filter": { "tier": "weak" } }),
        )
        .await;
    if theirs.status == 201 {
        let demo_weak = app
            .list_all(admin, "/api/v1/customers?tier=weak")
            .await
            .len() as i64;
        assert!(theirs.body["count"].as_i64().unwrap_or(0) < demo_weak.max(1));
    }
    assert_eq!(app.get(admin, &path).await.expect(200), before);
}

/// A job of demo's (scheduled in the database, as code does) is invisible to another
/// brand: not listed, and retry/cancel answer 404 like a missing job, changing nothing.
async fn jobs(app: &TestApp, w: &World, other: &Other) {
    let brand = shequn_domain::BrandId(w.demo.brand_id);
    let id = app
        .db
        .write(move |tx| {
            Box::pin(async move {
                shequn_app::usecases::jobs::schedule(
                    tx,
                    brand,
                    "test.isolation",
                    "{}",
                    Some("iso"),
                    i64::MAX / 2,
                )
                .await
            })
        })
        .await
        .expect("schedule a demo job");
    let admin = &w.demo.admin;
    let before = app.get(admin, "/api/v1/jobs").await.expect(200);
    for token in other.both() {
        let listed = app.get(token, "/api/v1/jobs").await;
        if listed.status == 200 {
            assert!(!listed.text.contains("test.isolation"), "{}", listed.text);
        } else {
            listed.assert_problem(403, "forbidden");
        }
    }
    for action in ["retry", "cancel"] {
        let theirs = app
            .post_empty(&other.admin, &format!("/api/v1/jobs/{id}/{action}"))
            .await;
        let none = app
            .post_empty(&other.admin, &format!("/api/v1/jobs/{NO_SUCH_ID}/{action}"))
            .await;
        theirs.assert_problem(404, "not_found");
        assert_eq!(theirs.body, none.body);
    }
    assert_eq!(app.get(admin, "/api/v1/jobs").await.expect(200), before);
}

/// Another brand's catalogue holds none of demo's products; what it adds is its own.
async fn catalogue(app: &TestApp, w: &World, other: &Other) {
    let demo_before = app.get(&w.demo.admin, "/api/v1/products").await.expect(200);
    for token in other.both() {
        let theirs = app.get(token, "/api/v1/products").await.expect(200);
        assert!(!theirs.to_string().contains("隔离面膜"), "{theirs}");
        assert!(
            theirs["items"]
                .as_array()
                .expect("items")
                .iter()
                .all(|p| id(p) != w.demo_product.0)
        );
    }
    let made = app
        .post(
            &other.admin,
            "/api/v1/products",
            json!({ "title": "另一品牌的面膜", "category": "面膜", "frequency": "high",
                    "skus": [{ "name": "x", "price": 100 }] }),
        )
        .await
        .expect(201);
    assert_ne!(id(&made), w.demo_product.0);
    assert_eq!(
        app.get(&w.demo.admin, "/api/v1/products").await.expect(200),
        demo_before
    );
}

/// Another brand lists none of demo's orders and cannot order demo's SKU for demo's
/// customer: refused like a customer that does not exist; demo's stock is unchanged.
async fn orders(app: &TestApp, w: &World, other: &Other) {
    let demo_product = format!("/api/v1/products/{}", w.demo_product.0);
    let before = app.get(&w.demo.admin, &demo_product).await.expect(200);
    for token in other.both() {
        let theirs = app.get(token, "/api/v1/orders").await.expect(200);
        assert!(
            theirs["items"]
                .as_array()
                .expect("items")
                .iter()
                .all(|o| id(o) != w.demo_order),
            "{theirs}"
        );
        let customer = w.demo.customer("SH-001老顾客");
        let r = app
            .post(
                token,
                "/api/v1/orders",
                json!({ "customer_id": customer, "lines": [{ "sku_id": w.demo_product.1, "quantity": 1 }] }),
            )
            .await;
        let absent = app
            .post(
                token,
                "/api/v1/orders",
                json!({ "customer_id": NO_SUCH_ID, "lines": [{ "sku_id": w.demo_product.1, "quantity": 1 }] }),
            )
            .await;
        assert_same_refusal(&r, &absent);
    }
    assert_eq!(
        app.get(&w.demo.admin, &demo_product).await.expect(200),
        before
    );
}

/// The refund queue: another brand's staff list none of demo's requests, in any status.
async fn refund_requests(app: &TestApp, w: &World, other: &Other) {
    for token in other.both() {
        for q in ["", "?status=requested"] {
            let theirs = app
                .get(token, &format!("/api/v1/refund-requests{q}"))
                .await
                .expect(200);
            assert!(
                theirs["items"]
                    .as_array()
                    .expect("items")
                    .iter()
                    .all(|r| id(r) != w.demo_request),
                "{theirs}"
            );
        }
    }
}

/// WeChat Pay settings: another brand's admin sets its own and sees only its own; demo's
/// stay as they were; a shop guide sees none.
async fn payment_settings(app: &TestApp, w: &World, other: &Other) {
    use shequn_app::payments::wechat::testkit::Merchant;
    let settings = |m: &Merchant| {
        json!({ "mchid": m.mchid, "appid": m.appid, "serial": m.serial,
                "private_key": m.private_key_pem, "apiv3_key": m.apiv3_key_text(),
                "platform_certs": [m.platform.cert_pem] })
    };
    let admin = &w.demo.admin;
    let (ours, theirs) = (Merchant::generate(), Merchant::generate());
    app.call(
        Method::PUT,
        "/api/v1/payment-settings/wechat",
        admin,
        Some(&settings(&ours)),
    )
    .await
    .expect(200);
    let demo_view = app.get(admin, "/api/v1/payment-settings").await.expect(200);
    let set = app
        .call(
            Method::PUT,
            "/api/v1/payment-settings/wechat",
            &other.admin,
            Some(&settings(&theirs)),
        )
        .await
        .expect(200);
    assert_eq!(set["platform_serials"][0], theirs.platform.serial.as_str());
    assert_eq!(
        app.get(admin, "/api/v1/payment-settings").await.expect(200),
        demo_view
    );
    let seen = app
        .get(&other.admin, "/api/v1/payment-settings")
        .await
        .expect(200);
    assert_eq!(seen["wechat_notify_path"], "/pay/wechat/other/notify");
    assert!(!seen.to_string().contains(&ours.platform.serial), "{seen}");
    app.get(&other.guide, "/api/v1/payment-settings")
        .await
        .assert_problem(403, "forbidden");
}
