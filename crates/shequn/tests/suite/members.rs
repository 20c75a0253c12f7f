//! Members of communities: joining (once), leaving, rejoining, roles, and overflowing into
//! the next group of the family when a community is full.

use serde_json::{Value, json};

use crate::both_engines;
use crate::common::*;

both_engines!(
    a_customer_joins_once_leaves_and_rejoins,
    a_full_community_sends_joiners_to_the_next_group,
    the_owner_gives_roles_with_a_reward_note,
    archived_communities_and_unseen_customers_are_refused,
    member_lists_filter_by_channel_tag_stage_and_segment,
);

const SALES: &str = "上海南京西路店福利群";

fn members_of(community: i64) -> String {
    format!("/api/v1/communities/{community}/members")
}

async fn a_customer_joins_once_leaves_and_rejoins(app: TestApp) {
    let demo = app.demo().await;
    let guide = app.login(GUIDE01).await;
    let service = demo.community("上海南京西路店会员服务群");
    let customer = demo.customer("SH-001小红书粉丝");
    let joined = app
        .post(
            &guide,
            &members_of(service),
            json!({ "customer_id": customer }),
        )
        .await
        .expect(201);
    assert_eq!(joined["already"], false);
    assert!(joined["overflowed_into"].is_null());
    assert_eq!(joined["membership"]["role"], "member");
    assert_eq!(joined["membership"]["source"], "staff");
    let again = app
        .post(
            &guide,
            &members_of(service),
            json!({ "customer_id": customer }),
        )
        .await
        .expect(200);
    assert_eq!(again["already"], true);
    assert_eq!(again["membership"]["id"], joined["membership"]["id"]);

    let list = app.get(&guide, &members_of(service)).await;
    list.assert_status(200);
    assert_eq!(list.body["total"], 1);
    assert_eq!(list.body["items"][0]["nickname"], "SH-001小红书粉丝");
    assert_eq!(list.body["items"][0]["phone_masked"], "138****0002");
    assert!(
        !list.text.contains("13800010002"),
        "no whole phone: {}",
        list.text
    );
    let community = app
        .get(&guide, &format!("/api/v1/communities/{service}"))
        .await
        .expect(200);
    assert_eq!(community["members"], 1);

    let stint = joined["membership"]["id"].as_i64().expect("an id");
    let left = app
        .post_empty(&guide, &format!("/api/v1/memberships/{stint}/leave"))
        .await
        .expect(200);
    assert!(left["left_at"].is_string());
    assert_eq!(
        app.get(&guide, &members_of(service)).await.expect(200)["total"],
        0
    );
    let past = app
        .get(&guide, &format!("{}?with_past=true", members_of(service)))
        .await
        .expect(200);
    assert_eq!(past["total"], 1);
    let back = app
        .post(
            &guide,
            &members_of(service),
            json!({ "customer_id": customer, "source": "invite_link" }),
        )
        .await
        .expect(201);
    assert_ne!(
        back["membership"]["id"], joined["membership"]["id"],
        "a new stint"
    );
    assert_eq!(back["membership"]["source"], "invite_link");
}

async fn a_full_community_sends_joiners_to_the_next_group(app: TestApp) {
    let demo = app.demo().await;
    let manager = app.login(SH001_MANAGER).await;
    let sales = demo.community(SALES);
    // Three demo customers are in it: a capacity of 3 makes it full.
    app.patch(
        &manager,
        &format!("/api/v1/communities/{sales}"),
        json!({ "capacity": 3 }),
    )
    .await
    .expect(200);
    let new_customer = |name: &str| json!({ "nickname": name, "channel": "offline_store", "store_id": demo.store("SH-001") });
    let fourth = app
        .post(&manager, "/api/v1/customers", new_customer("第四位"))
        .await
        .expect(201);
    let joined = app
        .post(
            &manager,
            &members_of(sales),
            json!({ "customer_id": id(&fourth) }),
        )
        .await
        .expect(201);
    let sibling = joined["overflowed_into"].as_i64().expect("the next group");
    let group = app
        .get(&manager, &format!("/api/v1/communities/{sibling}"))
        .await
        .expect(200);
    assert_eq!(group["name"], "上海南京西路店福利2群");
    assert_eq!(group["overflow_of"], sales);
    assert_eq!(group["capacity"], 3, "the sibling keeps the capacity");
    assert_eq!(joined["membership"]["community_id"], sibling);
    // The next joiner goes to the sibling that has room, not to a third group.
    let fifth = app
        .post(&manager, "/api/v1/customers", new_customer("第五位"))
        .await
        .expect(201);
    let next = app
        .post(
            &manager,
            &members_of(sales),
            json!({ "customer_id": id(&fifth) }),
        )
        .await
        .expect(201);
    assert_eq!(next["overflowed_into"], sibling);
    let family: Vec<Value> = app
        .list_all(
            &manager,
            &format!("/api/v1/communities?store_id={}", demo.store("SH-001")),
        )
        .await;
    assert_eq!(family.len(), 3, "the two demo groups and one sibling");
    assert_eq!(
        app.get(&manager, &format!("/api/v1/communities/{sales}"))
            .await
            .expect(200)["members"],
        3,
        "the full group was not overfilled"
    );
    // Already in a sibling counts as already in the family.
    let again = app
        .post(
            &manager,
            &members_of(sales),
            json!({ "customer_id": id(&fifth) }),
        )
        .await
        .expect(200);
    assert_eq!(again["already"], true);
}

async fn the_owner_gives_roles_with_a_reward_note(app: TestApp) {
    let demo = app.demo().await;
    let guide = app.login(GUIDE01).await;
    let sales = demo.community(SALES);
    let members = app.list_all(&guide, &members_of(sales)).await;
    let core = members
        .iter()
        .find(|m| m["nickname"] == "SH-001老顾客")
        .expect("a demo member");
    assert_eq!(core["role"], "core_figure");
    let fan = members
        .iter()
        .find(|m| m["nickname"] == "SH-001小红书粉丝")
        .expect("a demo member");
    let path = format!("/api/v1/memberships/{}", id(fan));
    let set = app
        .patch(
            &guide,
            &path,
            json!({ "role": "active_follower", "reward_note": "每周晒单送小样" }),
        )
        .await
        .expect(200);
    assert_eq!(set["role"], "active_follower");
    assert_eq!(set["reward_note"], "每周晒单送小样");
    let filtered = app
        .get(
            &guide,
            &format!("{}?role=active_follower", members_of(sales)),
        )
        .await
        .expect(200);
    assert_eq!(filtered["total"], 1);
    app.patch(&guide, &path, json!({ "role": "king" }))
        .await
        .assert_problem(422, "validation_failed")
        .assert_field("role");
    // A colleague who does not run the group sees it but gives no roles.
    let colleague = app.login("guide13@demo.shequn.test").await;
    app.patch(&colleague, &path, json!({ "role": "admin" }))
        .await
        .assert_problem(403, "forbidden");
}

async fn archived_communities_and_unseen_customers_are_refused(app: TestApp) {
    let demo = app.demo().await;
    let manager = app.login(SH001_MANAGER).await;
    let sales = demo.community(SALES);
    // A customer of another store is not the guide's to add.
    let guide = app.login(GUIDE01).await;
    app.post(
        &guide,
        &members_of(sales),
        json!({ "customer_id": demo.customer("HZ-001老顾客") }),
    )
    .await
    .assert_problem(422, "validation_failed")
    .assert_field("customer_id");
    // Another brand's customer looks exactly like no customer at all.
    let other = app.login(OTHER_ADMIN).await;
    let theirs = app.list_all(&other, "/api/v1/communities").await;
    let their_group = members_of(id(&theirs[0]));
    let absent = app
        .post(&other, &their_group, json!({ "customer_id": NO_SUCH_ID }))
        .await;
    let foreign = app
        .post(
            &other,
            &their_group,
            json!({ "customer_id": demo.customer("SH-001老顾客") }),
        )
        .await;
    absent.assert_problem(422, "validation_failed");
    assert_eq!(foreign.body, absent.body);
    // Archived: nobody joins.
    app.patch(
        &manager,
        &format!("/api/v1/communities/{sales}"),
        json!({ "status": "archived" }),
    )
    .await
    .expect(200);
    app.post(
        &manager,
        &members_of(sales),
        json!({ "customer_id": demo.customer("SH-001小红书粉丝") }),
    )
    .await
    .assert_problem(409, "community_archived");
}

async fn member_lists_filter_by_channel_tag_stage_and_segment(app: TestApp) {
    let demo = app.demo().await;
    let admin = app.login(ADMIN).await;
    let sales = demo.community(SALES);
    let total = |q: String| {
        let app = &app;
        let admin = &admin;
        async move {
            app.get(admin, &format!("{}?{q}", members_of(sales)))
                .await
                .expect(200)["total"]
                .as_i64()
                .unwrap_or(0)
        }
    };
    assert_eq!(
        total("lifecycle=new".into()).await,
        3,
        "the demo's members arrived today"
    );
    assert_eq!(total("lifecycle=churned".into()).await, 0);
    assert_eq!(total("tag=宝妈".into()).await, 1);
    assert_eq!(total("channel=fission_poster".into()).await, 1);
    let weak = app
        .post(
            &admin,
            "/api/v1/segments",
            json!({ "name": "弱意向", "filter": { "tier": "weak" } }),
        )
        .await
        .expect(201);
    assert_eq!(total(format!("segment={}", id(&weak))).await, 1);
    let elsewhere = app
        .post(
            &admin,
            "/api/v1/segments",
            json!({ "name": "杭州弱意向", "filter": { "tier": "weak", "store_id": demo.store("HZ-001") } }),
        )
        .await
        .expect(201);
    assert_eq!(total(format!("segment={}", id(&elsewhere))).await, 0);
    app.get(&admin, &format!("{}?lifecycle=dormant", members_of(sales)))
        .await
        .assert_field("lifecycle");
    app.get(
        &admin,
        &format!("{}?segment={NO_SUCH_ID}", members_of(sales)),
    )
    .await
    .assert_field("segment");
}
