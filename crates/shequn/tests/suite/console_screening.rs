//! The console's screening (入群筛选) pages over real HTTP: the rules list shows the four
//! presets with their conditions in words and enabling one through its form flips its
//! badge; a rule with a bad pattern is refused beside its conditions and nothing is saved;
//! a dry run says how many members it caught and why, for a saved rule and for a draft;
//! a shop guide reads the rules but cannot change them, and settles the decisions and
//! removal tasks of their store.

use serde_json::{Value, json};

use crate::both_engines;
use crate::common::*;
use crate::pages::*;

both_engines!(
    the_rules_page_lists_the_presets_and_enabling_one_flips_its_badge,
    a_rule_with_a_bad_pattern_is_refused_beside_its_conditions,
    a_dry_run_says_how_many_members_it_caught_and_why,
    a_guide_reviews_decisions_but_cannot_change_rules,
    a_removal_task_is_closed_from_the_owners_list,
);

const RULES: &str = "/screening";
const API_RULES: &str = "/api/v1/screening-rules";
const SALES: &str = "上海南京西路店福利群";
const DUP_PRESET: &str = "叠字昵称（弱意向）";

/// The id of the brand's rule named `name`, as the API lists it.
async fn rule_id(app: &TestApp, token: &str, name: &str) -> i64 {
    let rules = app.get(token, API_RULES).await.expect(200);
    rules
        .as_array()
        .expect("a list")
        .iter()
        .find(|r| r["name"] == name)
        .map(id)
        .unwrap_or_else(|| panic!("no rule {name} in {rules}"))
}

async fn stored_rules(app: &TestApp, token: &str) -> Vec<Value> {
    app.get(token, API_RULES)
        .await
        .expect(200)
        .as_array()
        .expect("a list")
        .clone()
}

/// A new customer of SH-001 who arrived through `channel`, in the sales group: added by
/// staff (`source` None, not screened) or joined as `source` says.
async fn member(
    app: &TestApp,
    demo: &Demo,
    nickname: &str,
    channel: &str,
    source: Option<&str>,
) -> Value {
    let customer = app
        .post(
            &demo.admin,
            "/api/v1/customers",
            json!({ "nickname": nickname, "channel": channel, "store_id": demo.store("SH-001") }),
        )
        .await
        .expect(201);
    let mut body = json!({ "customer_id": id(&customer) });
    if let Some(s) = source {
        body["source"] = json!(s);
    }
    app.post(
        &demo.admin,
        &format!("/api/v1/communities/{}/members", demo.community(SALES)),
        body,
    )
    .await
    .expect(201)
}

/// The row of the rule `id` in the rules list.
fn rule_row(page: &Page, id: i64) -> &str {
    page.part(&format!(r#"<tr id="rule-{id}">"#), "</tr>")
}

/// The rule form's fields with `rows` filled in and the other rows unused.
fn rule_form<'a>(
    csrf: &'a str,
    name: &'a str,
    action: &'a str,
    rows: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("_csrf", csrf),
        ("rule_id", "0"),
        ("name", name),
        ("action", action),
    ];
    let kinds = ["kind_0", "kind_1", "kind_2", "kind_3"];
    let values = ["value_0", "value_1", "value_2", "value_3"];
    for (i, (kind_input, value_input)) in kinds.into_iter().zip(values).enumerate() {
        let (kind, value) = rows.get(i).copied().unwrap_or(("", ""));
        form.push((kind_input, kind));
        form.push((value_input, value));
    }
    form
}

async fn the_rules_page_lists_the_presets_and_enabling_one_flips_its_badge(app: TestApp) {
    let demo = app.demo().await;
    let cookie = session_of(&app, ADMIN).await;
    let page = get(&app, RULES, &cookie).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(
        page.html
            .contains(r#"id="nav-screening" href="/screening" class="current""#)
    );
    assert_eq!(page.total(), Some(4), "seed 003's four presets");
    assert_eq!(
        page.html
            .matches(r#"<small class="muted preset">预设</small>"#)
            .count(),
        4
    );
    assert!(
        page.html
            .contains(r#"id="decisions-link" href="/screening/decisions""#)
    );
    assert!(
        page.html
            .contains(r#"id="tasks-link" href="/screening/tasks""#)
    );

    let dup = rule_id(&app, &demo.admin, DUP_PRESET).await;
    let row = rule_row(&page, dup);
    for shown in [
        DUP_PRESET,
        "「意向等级为弱意向」「昵称含叠字」",
        "标记待审",
        "未启用",
    ] {
        assert!(row.contains(shown), "{shown} in {row}");
    }
    let a_prefix = rule_row(
        &page,
        rule_id(&app, &demo.admin, "昵称以 A 开头（弱意向）").await,
    );
    assert!(
        a_prefix.contains("「意向等级为弱意向」「昵称以“A”开头」"),
        "{a_prefix}"
    );
    assert!(
        row.contains(&format!(
            r#"<form method="post" action="/screening/{dup}/enable" class="inline" data-confirm="确定启用规则「叠字昵称（弱意向）」吗？启用后只影响之后入群的成员，现有成员不受影响。">"#
        )),
        "enabling asks first: {row}"
    );
    assert!(row.contains(&format!(r#"href="/screening/{dup}/dry-run""#)));
    assert!(row.contains(&format!(r#"action="/screening/{dup}/apply""#)));

    let csrf = page.csrf();
    let enabled = post(
        &app,
        &format!("/screening/{dup}/enable"),
        &cookie,
        &[("_csrf", &csrf)],
    )
    .await;
    assert_eq!(enabled.status, 303, "{}", enabled.html);
    assert_eq!(enabled.location.as_deref(), Some(RULES));
    let shown = follow(&app, &enabled, &cookie).await;
    assert_eq!(
        shown.flash(),
        Some("已启用规则「叠字昵称（弱意向）」，之后入群的成员将按它筛选")
    );
    let row = rule_row(&shown, dup);
    assert!(
        row.contains(&format!(
            r#"<span class="ok" id="rule-{dup}-status">已启用</span>"#
        )),
        "{row}"
    );
    assert!(row.contains(&format!(r#"action="/screening/{dup}/disable""#)));
    assert!(!row.contains("/enable\""));
    let stored = stored_rules(&app, &demo.admin).await;
    let rule = stored
        .iter()
        .find(|r| id(r) == dup)
        .expect("the preset is stored");
    assert_eq!(rule["enabled"], true);

    // And back.
    let disabled = post(
        &app,
        &format!("/screening/{dup}/disable"),
        &cookie,
        &[("_csrf", &csrf)],
    )
    .await;
    let shown = follow(&app, &disabled, &cookie).await;
    assert_eq!(shown.flash(), Some("已停用规则「叠字昵称（弱意向）」"));
    assert!(rule_row(&shown, dup).contains("未启用"));
}

async fn a_rule_with_a_bad_pattern_is_refused_beside_its_conditions(app: TestApp) {
    let demo = app.demo().await;
    let cookie = session_of(&app, ADMIN).await;
    let form_page = get(&app, "/screening/new", &cookie).await;
    assert_eq!(form_page.status, 200, "{}", form_page.html);
    assert!(
        form_page
            .html
            .contains(r#"<select id="rule-kind_3" name="kind_3""#)
    );
    assert!(
        form_page
            .html
            .contains(r#"formaction="/screening/dry-run""#),
        "先试运行 sends the same form to the dry run"
    );
    assert!(
        form_page.html.contains("fission_poster 裂变海报"),
        "the codes are listed with their words"
    );
    let csrf = form_page.csrf();

    let bad = post(
        &app,
        "/screening/new",
        &cookie,
        &rule_form(&csrf, "坏规则", "flag", &[("nickname_regex", "([")]),
    )
    .await;
    assert_eq!(bad.status, 422, "{}", bad.html);
    assert!(
        bad.html.contains(
            r#"<small class="field-error" id="conditions-error">不是有效的正则表达式（最多 100 个字符）</small>"#
        ),
        "{}",
        bad.html
    );
    assert!(
        !bad.html.contains(r#"id="form-error""#),
        "beside the conditions, not above the page"
    );
    assert!(
        bad.html.contains(r#"name="value_0" value="([""#),
        "what was typed is kept"
    );
    assert!(
        bad.html
            .contains(r#"<option value="nickname_regex" selected>"#)
    );
    assert!(bad.html.contains(r#"value="坏规则""#));

    // A count that is no number is refused beside its row, before the use case.
    let not_a_number = post(
        &app,
        "/screening/new",
        &cookie,
        &rule_form(&csrf, "坏规则", "flag", &[("joins_in_day_at_least", "三")]),
    )
    .await;
    assert_eq!(not_a_number.status, 422, "{}", not_a_number.html);
    assert!(
        not_a_number.html.contains(
            r#"<small class="field-error" id="value_0-error">需在 1 到 1000 之间</small>"#
        ),
        "{}",
        not_a_number.html
    );
    // No condition at all.
    let empty = post(
        &app,
        "/screening/new",
        &cookie,
        &rule_form(&csrf, "坏规则", "flag", &[]),
    )
    .await;
    assert_eq!(empty.status, 422, "{}", empty.html);
    assert!(
        empty
            .html
            .contains(r#"<small class="field-error" id="conditions-error">不能为空</small>"#)
    );
    assert_eq!(
        stored_rules(&app, &demo.admin).await.len(),
        4,
        "nothing was saved"
    );

    let made = post(
        &app,
        "/screening/new",
        &cookie,
        &rule_form(
            &csrf,
            "B 开头的先等等",
            "hold",
            &[
                ("nickname_prefix", "B"),
                ("channel_in", "fission_poster 好友邀请"),
            ],
        ),
    )
    .await;
    assert_eq!(made.status, 303, "{}", made.html);
    assert_eq!(made.location.as_deref(), Some(RULES));
    let shown = follow(&app, &made, &cookie).await;
    assert_eq!(
        shown.flash(),
        Some("已新建规则「B 开头的先等等」，启用后才会筛选")
    );
    assert_eq!(shown.total(), Some(5));
    let made_id = rule_id(&app, &demo.admin, "B 开头的先等等").await;
    let row = rule_row(&shown, made_id);
    for part in [
        "「昵称以“B”开头」「来源渠道为裂变海报、好友邀请」",
        "入群需审核",
        "未启用",
    ] {
        assert!(row.contains(part), "{part} in {row}");
    }
    assert!(!row.contains("预设"));
    let stored = stored_rules(&app, &demo.admin).await;
    let rule = stored
        .iter()
        .find(|r| id(r) == made_id)
        .expect("the rule is stored");
    assert_eq!(rule["action"], "hold");
    assert_eq!(rule["enabled"], false);
    assert_eq!(
        rule["conditions"][1]["values"],
        json!(["fission_poster", "friend_invite"])
    );

    // The edit form shows it as saved; a name taken by another rule is refused beside it.
    let edit_path = format!("/screening/{made_id}/edit");
    let edit = get(&app, &edit_path, &cookie).await;
    assert_eq!(edit.status, 200, "{}", edit.html);
    assert!(
        edit.html
            .contains(r#"name="value_1" value="fission_poster, friend_invite""#)
    );
    assert!(edit.html.contains(r#"<option value="hold" selected>"#));
    let taken = post(
        &app,
        &edit_path,
        &cookie,
        &rule_form(&csrf, DUP_PRESET, "hold", &[("nickname_prefix", "B")]),
    )
    .await;
    assert_eq!(taken.status, 422, "{}", taken.html);
    assert!(
        taken.html.contains(
            r#"<small class="field-error" id="name-error">已有名称相同的筛选规则，请换一个</small>"#
        ),
        "{}",
        taken.html
    );
}

async fn a_dry_run_says_how_many_members_it_caught_and_why(app: TestApp) {
    let demo = app.demo().await;
    member(&app, &demo, "乐乐", "friend_invite", None).await;
    let cookie = session_of(&app, ADMIN).await;
    let dup = rule_id(&app, &demo.admin, DUP_PRESET).await;
    let page = get(&app, &format!("/screening/{dup}/dry-run"), &cookie).await;
    assert_eq!(page.status, 200, "{}", page.html);
    let summary = page.part(r#"<p id="dry-run-summary">"#, "</p>");
    assert!(
        summary.starts_with(r#"<p id="dry-run-summary"><strong>共检查 "#)
            && summary.contains("位现有成员，命中 1 位"),
        "{summary}"
    );
    let row = page.row("乐乐");
    assert!(row.contains("意向等级为弱意向；昵称含叠字“乐乐”"), "{row}");
    assert!(page.html.contains("标记待审"));

    // A draft is tried from the form without being saved; the form comes back with it.
    let csrf = page.csrf();
    let draft = [
        ("channel_in", "fission_poster"),
        ("account_younger_than_days", "30"),
    ];
    let tried = post(
        &app,
        "/screening/dry-run",
        &cookie,
        &rule_form(&csrf, "海报进群的新人", "hold", &draft),
    )
    .await;
    assert_eq!(tried.status, 200, "{}", tried.html);
    let api_run = app
        .post(
            &demo.admin,
            &format!("{API_RULES}/dry-run"),
            json!({
                "name": "海报进群的新人",
                "conditions": [{ "kind": "channel_in", "values": ["fission_poster"] },
                               { "kind": "account_younger_than_days", "value": 30 }],
                "action": "hold",
            }),
        )
        .await
        .expect(200);
    let matched = api_run["matched"].as_i64().expect("a count");
    assert!(matched > 0, "{api_run}");
    assert!(
        tried.html.contains(&format!("命中 {matched} 位")),
        "{}",
        tried.html
    );
    assert!(tried.html.contains(r#"id="draft-results""#));
    assert!(
        tried
            .html
            .contains(r#"name="value_0" value="fission_poster""#)
    );
    assert!(tried.html.contains(r#"value="海报进群的新人""#));
    assert!(
        tried.html.contains(r#"action="/screening/new""#),
        "保存 still saves a new rule"
    );
    assert_eq!(stored_rules(&app, &demo.admin).await.len(), 4);

    // A draft the use case refuses shows the form again with the message.
    let refused = post(
        &app,
        "/screening/dry-run",
        &cookie,
        &rule_form(&csrf, "坏", "flag", &[("nickname_regex", "([")]),
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(refused.html.contains(r#"id="conditions-error""#));
    assert!(!refused.html.contains(r#"id="draft-results""#));
}

async fn a_guide_reviews_decisions_but_cannot_change_rules(app: TestApp) {
    let demo = app.demo().await;
    let guide = session_of(&app, GUIDE01).await;
    let rules = get(&app, RULES, &guide).await;
    assert_eq!(rules.status, 200, "{}", rules.html);
    assert!(
        rules.html.contains(r#"id="nav-screening""#),
        "every member of staff has screening in the nav"
    );
    assert_eq!(rules.total(), Some(4));
    assert!(
        !rules.html.contains("/enable\"") && !rules.html.contains(">启用</button>"),
        "no 启用 for a guide"
    );
    assert!(!rules.html.contains(r#"id="rule-new""#));
    assert!(
        rules
            .html
            .contains("只有品牌管理员可以新建、修改和启用规则。")
    );
    let dup = rule_id(&app, &demo.admin, DUP_PRESET).await;
    assert!(
        rules
            .html
            .contains(&format!(r#"href="/screening/{dup}/dry-run""#)),
        "guides dry-run rules over their store's members"
    );
    assert_eq!(get(&app, "/screening/new", &guide).await.status, 403);
    assert_eq!(
        get(&app, &format!("/screening/{dup}/edit"), &guide)
            .await
            .status,
        403
    );
    let csrf = rules.csrf();
    let refused = post(
        &app,
        &format!("/screening/{dup}/enable"),
        &guide,
        &[("_csrf", &csrf)],
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.html);
    let stored = stored_rules(&app, &demo.admin).await;
    assert!(
        stored.iter().all(|r| r["enabled"] == false),
        "the guide enabled nothing"
    );

    // The admin enables the preset; 丽丽 joins through an invite link and is flagged.
    app.post_empty(&demo.admin, &format!("{API_RULES}/{dup}/enable"))
        .await
        .expect(200);
    let joined = member(&app, &demo, "丽丽", "fission_poster", Some("invite_link")).await;
    assert_eq!(joined["decisions"][0]["status"], "open");

    let queue = get(&app, "/screening/decisions", &guide).await;
    assert_eq!(queue.status, 200, "{}", queue.html);
    assert_eq!(queue.total(), Some(1), "{}", queue.html);
    assert!(
        queue
            .html
            .contains(r#"<option value="open" selected>待审核</option>"#)
    );
    let row = queue.row("丽丽");
    for part in [
        DUP_PRESET,
        "标记待审",
        "意向等级为弱意向；昵称含叠字“丽丽”",
        "待审核",
        r#"data-confirm="确认对「丽丽」的筛选结果吗？将请群主把 TA 移出群。""#,
        r#"name="verdict" value="clear""#,
    ] {
        assert!(row.contains(part), "{part} in {row}");
    }
    let decision = id(&joined["decisions"][0]);
    let cleared = post(
        &app,
        &format!("/screening/decisions/{decision}/settle"),
        &guide,
        &[("_csrf", &csrf), ("from", "open"), ("verdict", "clear")],
    )
    .await;
    assert_eq!(cleared.status, 303, "{}", cleared.html);
    assert_eq!(cleared.location.as_deref(), Some("/screening/decisions"));
    let shown = follow(&app, &cleared, &guide).await;
    assert_eq!(shown.flash(), Some("已通过「丽丽」的筛选记录"));
    assert_eq!(shown.total(), Some(0));
    let done = get(&app, "/screening/decisions?status=cleared", &guide).await;
    assert_eq!(done.total(), Some(1));
    let row = done.row("丽丽");
    assert!(row.contains("已通过") && !row.contains("<form"), "{row}");

    // Settled already: confirming it now is refused above the queue.
    let again = post(
        &app,
        &format!("/screening/decisions/{decision}/settle"),
        &guide,
        &[("_csrf", &csrf), ("from", "open"), ("verdict", "confirm")],
    )
    .await;
    assert_eq!(again.status, 422, "{}", again.html);
    assert!(
        again.html.contains(
            r#"<p class="error" id="form-error" role="alert">这条筛选记录已经处理过了</p>"#
        ),
        "{}",
        again.html
    );
}

async fn a_removal_task_is_closed_from_the_owners_list(app: TestApp) {
    let demo = app.demo().await;
    let admin = session_of(&app, ADMIN).await;
    let page = get(&app, "/screening/new", &admin).await;
    let csrf = page.csrf();
    let made = post(
        &app,
        "/screening/new",
        &admin,
        &rule_form(&csrf, "微商后缀", "remove", &[("nickname_suffix", "微商")]),
    )
    .await;
    assert_eq!(made.status, 303, "{}", made.html);
    let rule = rule_id(&app, &demo.admin, "微商后缀").await;
    let enabled = post(
        &app,
        &format!("/screening/{rule}/enable"),
        &admin,
        &[("_csrf", &csrf)],
    )
    .await;
    assert_eq!(enabled.status, 303, "{}", enabled.html);

    // The platform reports a join that already happened: the 群主 is asked to remove them.
    let joined = member(&app, &demo, "小李微商", "fission_poster", Some("platform")).await;
    assert_eq!(joined["decisions"][0]["status"], "confirmed");

    let guide = session_of(&app, GUIDE01).await;
    let tasks = get(&app, "/screening/tasks?mine=1", &guide).await;
    assert_eq!(tasks.status, 200, "{}", tasks.html);
    assert_eq!(tasks.total(), Some(1), "{}", tasks.html);
    assert!(
        tasks
            .html
            .contains(r#"id="mine-filter" type="checkbox" name="mine" value="1" checked"#)
    );
    let row = tasks.row("小李微商");
    for part in [
        SALES,
        "待移出",
        r#"data-confirm="确认已把「小李微商」移出社群「上海南京西路店福利群」吗？""#,
        r#"<input type="hidden" name="mine" value="1">"#,
    ] {
        assert!(row.contains(part), "{part} in {row}");
    }
    let task = id(&app
        .get(
            &app.login(GUIDE01).await,
            "/api/v1/removal-tasks?mine=true&status=open",
        )
        .await
        .expect(200)["items"][0]);
    let guide_csrf = tasks.csrf();
    let done = post(
        &app,
        &format!("/screening/tasks/{task}/done"),
        &guide,
        &[("_csrf", &guide_csrf), ("mine", "1")],
    )
    .await;
    assert_eq!(done.status, 303, "{}", done.html);
    assert_eq!(done.location.as_deref(), Some("/screening/tasks?mine=1"));
    let shown = follow(&app, &done, &guide).await;
    assert_eq!(
        shown.flash(),
        Some("已记录「小李微商」移出社群「上海南京西路店福利群」")
    );
    assert_eq!(shown.total(), Some(0));
    let closed = get(&app, "/screening/tasks?status=done", &guide).await;
    assert_eq!(closed.total(), Some(1));
    assert!(closed.row("小李微商").contains("已移出"));

    // The decision stands, confirmed; 撤销 asks first.
    let confirmed = get(&app, "/screening/decisions?status=confirmed", &admin).await;
    assert_eq!(confirmed.total(), Some(1), "{}", confirmed.html);
    let row = confirmed.row("小李微商");
    for part in [
        "请群主移出",
        "已确认",
        "昵称“小李微商”以“微商”结尾",
        r#"data-confirm="确定撤销对「小李微商」的处理吗？将取消移出任务。""#,
    ] {
        assert!(row.contains(part), "{part} in {row}");
    }
}
