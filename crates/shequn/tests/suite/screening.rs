//! Screening of joiners: presets that start disabled, dry runs with reasons, rules that
//! change only future joins, holds approved by staff, removal tasks closed by the leave,
//! the blacklist, and rules checked when saved.

use reqwest::Method;
use serde_json::{Value, json};

use crate::both_engines;
use crate::common::*;

both_engines!(
    presets_start_disabled_and_dry_runs_say_who_and_why,
    enabling_a_rule_screens_only_future_joins,
    a_held_joiner_gets_in_when_staff_clear_the_decision,
    removal_tasks_close_when_the_member_leaves_and_the_blacklist_keeps_them_out,
    rules_are_checked_when_saved_and_written_by_brand_admins_only,
    behaviour_counts_come_from_links_posted_and_joins_in_a_day,
);

const SALES: &str = "上海南京西路店福利群";
const RULES: &str = "/api/v1/screening-rules";

fn members_of(community: i64) -> String {
    format!("/api/v1/communities/{community}/members")
}

/// A new customer of SH-001 who arrived through `channel`.
async fn customer(app: &TestApp, token: &str, demo: &Demo, nickname: &str, channel: &str) -> i64 {
    let c = app
        .post(
            token,
            "/api/v1/customers",
            json!({ "nickname": nickname, "channel": channel, "store_id": demo.store("SH-001") }),
        )
        .await
        .expect(201);
    id(&c)
}

async fn preset(app: &TestApp, token: &str, key: &str) -> Value {
    let rules = app.get(token, RULES).await.expect(200);
    rules
        .as_array()
        .expect("a list")
        .iter()
        .find(|r| r["preset"] == key)
        .unwrap_or_else(|| panic!("no preset {key} in {rules}"))
        .clone()
}

async fn presets_start_disabled_and_dry_runs_say_who_and_why(app: TestApp) {
    let demo = app.demo().await;
    let admin = app.login(ADMIN).await;
    let rules = app.get(&admin, RULES).await.expect(200);
    let presets: Vec<&Value> = rules
        .as_array()
        .expect("a list")
        .iter()
        .filter(|r| r["preset"].is_string())
        .collect();
    assert_eq!(presets.len(), 4, "seed 003's four heuristics: {rules}");
    assert!(presets.iter().all(|r| r["enabled"] == false));

    let sales = demo.community(SALES);
    for (nickname, channel) in [
        ("A小美优选", "fission_poster"),
        ("乐乐", "friend_invite"),
        ("Amy", "official_account"),
    ] {
        let c = customer(&app, &admin, &demo, nickname, channel).await;
        app.post(&admin, &members_of(sales), json!({ "customer_id": c }))
            .await
            .expect(201);
    }
    let a_prefix = preset(&app, &admin, "nickname_a_prefix").await;
    let run = app
        .post_empty(&admin, &format!("{RULES}/{}/dry-run", id(&a_prefix)))
        .await
        .expect(200);
    // Amy starts with A too, but is a strong-intent joiner: the preset looks at weak ones.
    assert_eq!(run["matched"], 1, "{run}");
    assert!(run["checked"].as_i64().expect("a count") >= 3);
    assert_eq!(run["sample"][0]["nickname"], "A小美优选");
    let reasons: Vec<&str> = run["sample"][0]["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .map(|e| e["explanation"].as_str().expect("a sentence"))
        .collect();
    assert_eq!(
        reasons,
        [
            "intent tier is weak",
            "nickname \u{201c}A小美优选\u{201d} starts with \u{201c}A\u{201d}"
        ]
    );
    let dup = preset(&app, &admin, "nickname_reduplicated").await;
    let run = app
        .post_empty(&admin, &format!("{RULES}/{}/dry-run", id(&dup)))
        .await
        .expect(200);
    assert_eq!(run["matched"], 1);
    assert_eq!(run["sample"][0]["evidence"][1]["saw"], "乐乐");

    // A draft is dry-run before it is saved; nothing is written.
    let draft = json!({
        "name": "海报进群的新人",
        "conditions": [{ "kind": "channel_in", "values": ["fission_poster"] },
                       { "kind": "account_younger_than_days", "value": 30 }],
        "action": "hold",
    });
    let run = app
        .post(&admin, &format!("{RULES}/dry-run"), draft)
        .await
        .expect(200);
    // The new A小美优选 and the demo's twelve poster newcomers (one a store).
    assert_eq!(run["matched"], 13, "{run}");
    assert_eq!(
        app.get(&admin, RULES)
            .await
            .expect(200)
            .as_array()
            .map(Vec::len),
        Some(4)
    );
    // A guide's dry run covers the members of their store only.
    let guide = app.login(GUIDE02).await;
    let run = app
        .post_empty(&guide, &format!("{RULES}/{}/dry-run", id(&a_prefix)))
        .await
        .expect(200);
    assert_eq!(run["matched"], 0, "GUIDE02 works in another store: {run}");
}

async fn enabling_a_rule_screens_only_future_joins(app: TestApp) {
    let demo = app.demo().await;
    let admin = app.login(ADMIN).await;
    let sales = demo.community(SALES);
    let lele = customer(&app, &admin, &demo, "乐乐", "friend_invite").await;
    app.post(
        &admin,
        &members_of(sales),
        json!({ "customer_id": lele, "source": "invite_link" }),
    )
    .await
    .expect(201);
    let dup = preset(&app, &admin, "nickname_reduplicated").await;
    let rule = id(&dup);
    let on = app
        .post_empty(&admin, &format!("{RULES}/{rule}/enable"))
        .await
        .expect(200);
    assert_eq!(on["enabled"], true);
    let decisions = app
        .get(&admin, "/api/v1/screening-decisions")
        .await
        .expect(200);
    assert_eq!(decisions["total"], 0, "enabling changes nobody already in");

    let lili = customer(&app, &admin, &demo, "丽丽", "fission_poster").await;
    let joined = app
        .post(
            &admin,
            &members_of(sales),
            json!({ "customer_id": lili, "source": "invite_link" }),
        )
        .await
        .expect(201);
    assert!(joined["membership"]["id"].is_i64(), "a flag lets them in");
    assert_eq!(joined["decisions"][0]["rule_id"], rule);
    assert_eq!(joined["decisions"][0]["action"], "flag");
    assert_eq!(joined["decisions"][0]["status"], "open");
    assert_eq!(joined["decisions"][0]["evidence"][1]["saw"], "丽丽");
    // Staff adding a customer themselves are not screened.
    let dodo = customer(&app, &admin, &demo, "多多", "fission_poster").await;
    let by_staff = app
        .post(&admin, &members_of(sales), json!({ "customer_id": dodo }))
        .await
        .expect(201);
    assert_eq!(by_staff["decisions"], json!([]));

    // Applying the rule to current members is explicit, and decides each member once.
    let applied = app
        .post_empty(&admin, &format!("{RULES}/{rule}/apply"))
        .await
        .expect(200);
    assert_eq!(applied["matched"], 3, "乐乐, 丽丽 and 多多: {applied}");
    assert_eq!(applied["decided"], 2, "丽丽 was decided at the door");
    let again = app
        .post_empty(&admin, &format!("{RULES}/{rule}/apply"))
        .await
        .expect(200);
    assert_eq!(again["decided"], 0);
    let open = app
        .get(&admin, "/api/v1/screening-decisions?status=open")
        .await
        .expect(200);
    assert_eq!(open["total"], 3);
    let log = app.get(&admin, "/api/v1/audit-events").await.expect(200);
    let actions: Vec<&str> = log["items"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(actions.contains(&"screening_rule.applied"), "{actions:?}");
    assert!(actions.contains(&"screening_rule.saved"), "{actions:?}");
}

async fn a_held_joiner_gets_in_when_staff_clear_the_decision(app: TestApp) {
    let demo = app.demo().await;
    let admin = app.login(ADMIN).await;
    let sales = demo.community(SALES);
    let rule = app
        .post(
            &admin,
            RULES,
            json!({
                "name": "B 开头的先等等",
                "conditions": [{ "kind": "nickname_prefix", "value": "B" }],
                "action": "hold",
            }),
        )
        .await
        .expect(201);
    assert_eq!(rule["enabled"], false, "a new rule waits to be enabled");
    app.post_empty(&admin, &format!("{RULES}/{}/enable", id(&rule)))
        .await
        .expect(200);
    let bro = customer(&app, &admin, &demo, "B哥好物", "new_media").await;
    let before = app.get(&admin, &members_of(sales)).await.expect(200)["total"].clone();
    let held = app
        .post(
            &admin,
            &members_of(sales),
            json!({ "customer_id": bro, "source": "invite_link" }),
        )
        .await
        .expect(202);
    assert!(held["membership"].is_null(), "held at the door: {held}");
    assert_eq!(held["decisions"][0]["action"], "hold");
    assert_eq!(
        app.get(&admin, &members_of(sales)).await.expect(200)["total"],
        before
    );

    // The store's guide (the group's 群主) settles it: the customer gets in.
    let guide = app.login(GUIDE01).await;
    let queue = app
        .get(&guide, "/api/v1/screening-decisions?status=open")
        .await
        .expect(200);
    assert_eq!(queue["total"], 1);
    let decision = id(&queue["items"][0]);
    let cleared = app
        .post(
            &guide,
            &format!("/api/v1/screening-decisions/{decision}/settle"),
            json!({ "verdict": "clear" }),
        )
        .await
        .expect(200);
    assert_eq!(cleared["status"], "cleared");
    let members = app
        .get(&admin, &format!("{}?q=B哥", members_of(sales)))
        .await
        .expect(200);
    assert_eq!(members["total"], 1, "let in on approval");
    assert_eq!(members["items"][0]["source"], "invite_link");
    // Settling it the other way now is refused; the same way again changes nothing.
    app.post(
        &guide,
        &format!("/api/v1/screening-decisions/{decision}/settle"),
        json!({ "verdict": "confirm" }),
    )
    .await
    .assert_problem(409, "already_settled");
    app.post(
        &guide,
        &format!("/api/v1/screening-decisions/{decision}/settle"),
        json!({ "verdict": "clear" }),
    )
    .await
    .expect(200);
    app.post(
        &guide,
        &format!("/api/v1/screening-decisions/{decision}/settle"),
        json!({ "verdict": "maybe" }),
    )
    .await
    .assert_problem(422, "validation_failed")
    .assert_field("verdict");
    // A guide of another store does not see it.
    let other = app.login(GUIDE02).await;
    app.post(
        &other,
        &format!("/api/v1/screening-decisions/{decision}/settle"),
        json!({ "verdict": "confirm" }),
    )
    .await
    .assert_problem(404, "not_found");
}

async fn removal_tasks_close_when_the_member_leaves_and_the_blacklist_keeps_them_out(app: TestApp) {
    let demo = app.demo().await;
    let admin = app.login(ADMIN).await;
    let sales = demo.community(SALES);
    let service = demo.community("上海南京西路店会员服务群");
    for (name, kind, value, action) in [
        ("微商后缀", "nickname_suffix", "微商", "remove"),
        ("代购拉黑", "nickname_regex", "^代购", "blacklist"),
    ] {
        let r = app
            .post(
                &admin,
                RULES,
                json!({ "name": name, "conditions": [{ "kind": kind, "value": value }], "action": action }),
            )
            .await
            .expect(201);
        app.post_empty(&admin, &format!("{RULES}/{}/enable", id(&r)))
            .await
            .expect(200);
    }
    // The platform reports a join that already happened: the member is in, and the 群主
    // is asked to remove them.
    let seller = customer(&app, &admin, &demo, "小李微商", "fission_poster").await;
    let joined = app
        .post(
            &admin,
            &members_of(sales),
            json!({ "customer_id": seller, "source": "platform" }),
        )
        .await
        .expect(201);
    assert_eq!(joined["decisions"][0]["status"], "confirmed");
    let guide = app.login(GUIDE01).await;
    let tasks = app
        .get(&guide, "/api/v1/removal-tasks?mine=true&status=open")
        .await
        .expect(200);
    assert_eq!(tasks["total"], 1, "{tasks}");
    assert_eq!(tasks["items"][0]["nickname"], "小李微商");
    assert_eq!(tasks["items"][0]["community_name"], SALES);
    // The platform reports the leave: the task is done.
    let stint = joined["membership"]["id"].as_i64().expect("a stint");
    app.post_empty(&guide, &format!("/api/v1/memberships/{stint}/leave"))
        .await
        .expect(200);
    let done = app
        .get(&guide, "/api/v1/removal-tasks?status=done")
        .await
        .expect(200);
    assert_eq!(done["total"], 1);
    assert!(done["items"][0]["done_at"].is_string());

    // A blacklisted customer: in through the platform (with a task), kept out elsewhere.
    let daigou = customer(&app, &admin, &demo, "代购小王", "friend_invite").await;
    let joined = app
        .post(
            &admin,
            &members_of(sales),
            json!({ "customer_id": daigou, "source": "platform" }),
        )
        .await
        .expect(201);
    let blacklist_decision = id(&joined["decisions"][0]);
    app.post(
        &admin,
        &members_of(service),
        json!({ "customer_id": daigou, "source": "invite_link" }),
    )
    .await
    .assert_problem(409, "blacklisted");
    app.post(
        &admin,
        &members_of(service),
        json!({ "customer_id": daigou }),
    )
    .await
    .assert_problem(409, "blacklisted");
    let open = app
        .get(&guide, "/api/v1/removal-tasks?status=open")
        .await
        .expect(200);
    assert_eq!(open["total"], 1);
    let task = id(&open["items"][0]);
    // Staff remove them by hand and say so: the stint ends.
    let t = app
        .post_empty(&guide, &format!("/api/v1/removal-tasks/{task}/done"))
        .await
        .expect(200);
    assert_eq!(t["status"], "done");
    let m = app
        .get(&admin, &format!("{}?q=代购", members_of(sales)))
        .await
        .expect(200);
    assert_eq!(m["total"], 0);
    // Lifting the blacklist lets them join again.
    app.post(
        &admin,
        &format!("/api/v1/screening-decisions/{blacklist_decision}/settle"),
        json!({ "verdict": "clear" }),
    )
    .await
    .expect(200);
    app.post(
        &admin,
        &members_of(service),
        json!({ "customer_id": daigou }),
    )
    .await
    .expect(201);
}

async fn rules_are_checked_when_saved_and_written_by_brand_admins_only(app: TestApp) {
    let admin = app.login(ADMIN).await;
    let bad =
        |conditions: Value| json!({ "name": "坏规则", "conditions": conditions, "action": "flag" });
    app.post(
        &admin,
        RULES,
        bad(json!([{ "kind": "nickname_regex", "value": "([" }])),
    )
    .await
    .assert_problem(422, "validation_failed")
    .assert_field("conditions");
    let body = app
        .post(
            &admin,
            RULES,
            bad(json!([{ "kind": "nickname_regex", "value": "\\w{1000}\\w{1000}" }])),
        )
        .await;
    body.assert_problem(422, "validation_failed");
    assert_eq!(body.body["errors"][0]["reason"], "not_a_pattern");
    app.post(
        &admin,
        RULES,
        bad(json!([{ "kind": "shoe_size", "value": 42 }])),
    )
    .await
    .assert_problem(422, "validation_failed")
    .assert_field("conditions");
    app.post(&admin, RULES, bad(json!([])))
        .await
        .assert_field("conditions");
    app.post(
        &admin,
        RULES,
        json!({ "name": "x", "conditions": [{ "kind": "avatar_flagged" }], "action": "kick" }),
    )
    .await
    .assert_field("action");
    let taken = json!({ "name": "叠字昵称（弱意向）", "conditions": [{ "kind": "avatar_flagged" }], "action": "flag" });
    app.post(&admin, RULES, taken)
        .await
        .assert_problem(409, "taken");
    let manager = app.login(SH001_MANAGER).await;
    let ok =
        json!({ "name": "头像", "conditions": [{ "kind": "avatar_flagged" }], "action": "flag" });
    app.post(&manager, RULES, ok.clone())
        .await
        .assert_problem(403, "forbidden");
    let made = app.post(&admin, RULES, ok).await.expect(201);
    let edited = app
        .call(
            Method::PUT,
            &format!("{RULES}/{}", id(&made)),
            &admin,
            Some(&json!({ "name": "网红头像", "conditions": [{ "kind": "avatar_flagged" }, { "kind": "joins_in_day_at_least", "value": 3 }], "action": "remove" })),
        )
        .await
        .expect(200);
    assert_eq!(edited["action"], "remove");
    assert_eq!(edited["conditions"][1]["value"], 3);
    assert_eq!(edited["enabled"], false);
}

async fn behaviour_counts_come_from_links_posted_and_joins_in_a_day(app: TestApp) {
    let demo = app.demo().await;
    let admin = app.login(ADMIN).await;
    let sales = demo.community(SALES);
    let spammer = customer(&app, &admin, &demo, "好物分享", "new_media").await;
    app.post(
        &admin,
        &members_of(sales),
        json!({ "customer_id": spammer }),
    )
    .await
    .expect(201);
    let event = |n: u32, link: bool| {
        json!({ "event_id": format!("links-{n}"), "kind": "message", "community_id": sales,
                "customer_id": spammer, "at": "2026-11-27T08:00:00Z", "has_link": link })
    };
    app.post(
        &admin,
        "/api/v1/activity",
        json!({ "events": [event(1, true), event(2, true), event(3, false)] }),
    )
    .await
    .expect(200);
    let draft = |kind: &str, value: i64| json!({ "name": "发链接", "action": "flag", "conditions": [{ "kind": kind, "value": value }] });
    let run = app
        .post(
            &admin,
            &format!("{RULES}/dry-run"),
            draft("links_posted_at_least", 2),
        )
        .await
        .expect(200);
    assert_eq!(run["matched"], 1, "{run}");
    assert_eq!(run["sample"][0]["evidence"][0]["saw"], "2");
    let run = app
        .post(
            &admin,
            &format!("{RULES}/dry-run"),
            draft("links_posted_at_least", 3),
        )
        .await
        .expect(200);
    assert_eq!(
        run["matched"], 0,
        "the message without a link does not count"
    );

    // Joining many groups in a day: the third join of the day is flagged.
    let rule = app
        .post(&admin, RULES, draft("joins_in_day_at_least", 3))
        .await
        .expect(201);
    app.post_empty(&admin, &format!("{RULES}/{}/enable", id(&rule)))
        .await
        .expect(200);
    let hopper = customer(&app, &admin, &demo, "到处进群", "official_account").await;
    let mut flagged = Vec::new();
    for name in [SALES, "上海南京西路店会员服务群", "杭州湖滨店福利群"] {
        let j = app
            .post(
                &admin,
                &members_of(demo.community(name)),
                json!({ "customer_id": hopper, "source": "invite_link" }),
            )
            .await
            .expect(201);
        flagged.push(j["decisions"].as_array().map_or(0, Vec::len));
    }
    assert_eq!(flagged, [0, 0, 1]);
}

/// The demo at working size (what `shequn serve --demo` seeds): a dry run of each preset
/// shows how many current members it would catch and why. SQLite only: the crowd is
/// 20,000 customers.
#[tokio::test]
async fn each_preset_dry_runs_over_the_full_demo_with_counts_and_reasons() {
    let app = spawn_app(shequn_app::Engine::Sqlite)
        .await
        .expect("SQLite is always there");
    let crowd = shequn_app::usecases::demo_crowd::seed(&app.db)
        .await
        .expect("the crowd seeds")
        .expect("the demo had no crowd yet");
    assert_eq!(crowd.communities, 36);
    assert!(
        crowd.customers >= 20_000 && crowd.events > 50_000,
        "{crowd:?}"
    );
    assert_eq!(
        shequn_app::usecases::demo_crowd::seed(&app.db)
            .await
            .expect("a second run"),
        None,
        "seeded once"
    );
    let admin = app.login(ADMIN).await;
    let rules = app.get(&admin, RULES).await.expect(200);
    let presets: Vec<&Value> = rules
        .as_array()
        .expect("rules")
        .iter()
        .filter(|r| r["preset"].is_string())
        .collect();
    assert_eq!(presets.len(), 4);
    for p in presets {
        let run = app
            .post_empty(&admin, &format!("{RULES}/{}/dry-run", id(p)))
            .await
            .expect(200);
        let matched = run["matched"].as_i64().expect("a count");
        assert!(matched > 0, "{} caught nobody: {run}", p["name"]);
        assert!(
            matched < 2_000,
            "{} catches ordinary customers too: {matched}",
            p["name"]
        );
        assert!(run["checked"].as_i64().expect("a count") > 15_000);
        assert!(run["sample"][0]["evidence"][1]["explanation"].is_string());
    }
    // Lifecycle stages all show up over 90 days.
    for stage in ["new", "active", "silent", "churned"] {
        let n = app
            .get(
                &admin,
                &format!("/api/v1/customers?lifecycle={stage}&limit=1"),
            )
            .await
            .expect(200)["total"]
            .as_i64()
            .unwrap_or(0);
        assert!(n > 100, "{stage}: {n}");
    }
}
