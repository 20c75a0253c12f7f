//! The console's customers (顾客) pages over real HTTP: lists show phones masked and never
//! a whole number, a whole number finds its customer, a shop guide sees only their store's
//! customers, a store manager adds one, a tier set by hand needs a reason and shows it,
//! withdrawing consent asks first and then shows it, a brand admin remaps a channel and is
//! told how many customers moved while others only read the mapping.

use crate::both_engines;
use crate::common::*;
use crate::pages::*;

both_engines!(
    the_list_shows_masked_phones_and_never_a_whole_number,
    a_whole_phone_number_finds_its_customer,
    a_shop_guide_sees_only_their_stores_customers,
    a_store_manager_adds_a_customer_and_the_list_counts_it,
    a_tier_set_by_hand_needs_a_reason_and_shows_it,
    withdrawing_consent_asks_first_and_then_shows_it,
    a_brand_admin_remaps_a_channel_and_is_told_how_many_moved,
);

const TIERS: &str = "/settings/intent-tiers";
/// The demo's SH-001 customers: official account (consent given), new media (tag 宝妈),
/// fission poster.
const SH001_REGULAR: &str = "SH-001老顾客";
const SH001_FAN: &str = "SH-001小红书粉丝";
const SH001_POSTER: &str = "SH-001海报新客";
/// The phone of SH-001老顾客 (store 1, customer 1), and how pages show it.
const SH001_REGULAR_PHONE: &str = "13800010001";
const SH001_REGULAR_MASKED: &str = "138****0001";

/// A customer as the API shows it to the demo admin.
async fn stored(app: &TestApp, admin: &str, id: i64) -> serde_json::Value {
    app.get(admin, &format!("/api/v1/customers/{id}"))
        .await
        .expect(200)
}

/// Every demo phone: store `s` (1–12), customer `k` (1–3) has 138 sssss kkkk.
fn demo_phones() -> Vec<String> {
    (1..=12)
        .flat_map(|s| (1..=3).map(move |k| format!("138{s:04}{k:04}")))
        .collect()
}

async fn the_list_shows_masked_phones_and_never_a_whole_number(app: TestApp) {
    let demo = app.demo().await;
    let cookie = session_of(&app, ADMIN).await;
    let list = get(&app, "/customers", &cookie).await;
    assert_eq!(list.status, 200, "{}", list.html);
    assert!(
        list.html
            .contains(r#"id="nav-customers" href="/customers" class="current""#)
    );
    let all = app.list_all(&demo.admin, "/api/v1/customers").await;
    assert_eq!(list.total(), Some(all.len() as i64), "共 N 条");

    let regular = list.row(SH001_REGULAR);
    for shown in [
        SH001_REGULAR_MASKED,
        "强意向",
        "公众号",
        "已同意营销",
        "上海南京西路店",
    ] {
        assert!(regular.contains(shown), "{shown} in {regular}");
    }
    assert!(
        !regular.contains("手动"),
        "the demo's tiers follow their channel"
    );
    let fan = list.row(SH001_FAN);
    for shown in ["138****0002", "新媒体", "宝妈", "未同意"] {
        assert!(fan.contains(shown), "{shown} in {fan}");
    }
    assert!(list.row(SH001_POSTER).contains("弱意向"));
    for phone in demo_phones() {
        assert!(!list.html.contains(&phone), "{phone} shown whole");
    }

    let detail = get(
        &app,
        &format!("/customers/{}", demo.customer(SH001_REGULAR)),
        &cookie,
    )
    .await;
    assert_eq!(detail.status, 200, "{}", detail.html);
    assert!(
        detail.html.contains(&format!(
            r#"<dd id="customer-phone">{SH001_REGULAR_MASKED}</dd>"#
        )),
        "{}",
        detail.html
    );
    assert!(
        !detail.html.contains(SH001_REGULAR_PHONE),
        "the detail page never shows the whole number"
    );
    // The edit form starts empty: a new number replaces the stored one.
    let phone_input = detail.part(r#"<input id="edit-phone""#, ">");
    assert!(
        phone_input.contains(r#"value="""#)
            && phone_input.contains(&format!(r#"placeholder="{SH001_REGULAR_MASKED}""#)),
        "{phone_input}"
    );
    assert!(detail.html.contains(r#"<dd id="customer-guide">王芳</dd>"#));
    // The demo puts each store's customers in its sales group.
    let communities = detail.part(r#"<table id="customer-communities""#, "</table>");
    assert!(
        communities.contains("上海南京西路店福利群") && communities.contains("核心人物"),
        "{communities}"
    );
}

async fn a_whole_phone_number_finds_its_customer(app: TestApp) {
    app.demo().await;
    let cookie = session_of(&app, ADMIN).await;
    let found = get(
        &app,
        &format!("/customers?phone={SH001_REGULAR_PHONE}"),
        &cookie,
    )
    .await;
    assert_eq!(found.status, 200, "{}", found.html);
    assert_eq!(found.total(), Some(1), "{}", found.html);
    assert!(found.row(SH001_REGULAR).contains(SH001_REGULAR_MASKED));

    // As people type it: a country code and spaces.
    let typed = get(&app, "/customers?phone=%2B86%20138%200001%200001", &cookie).await;
    assert_eq!(typed.total(), Some(1));
    assert!(typed.html.contains(&format!(">{SH001_REGULAR}</a>")));

    // Part of a number finds nobody, and the page says why.
    let part = get(&app, "/customers?phone=0001", &cookie).await;
    assert_eq!(part.status, 200, "{}", part.html);
    assert_eq!(part.total(), Some(0));
    assert!(
        part.html.contains(
            r#"<p class="error" id="phone-search-error" role="alert">按手机号查找需输入完整的 11 位号码</p>"#
        ),
        "{}",
        part.html
    );
    assert!(!part.html.contains(&format!(">{SH001_REGULAR}</a>")));
}

async fn a_shop_guide_sees_only_their_stores_customers(app: TestApp) {
    let demo = app.demo().await;
    let cookie = session_of(&app, GUIDE01).await;
    let list = get(&app, "/customers", &cookie).await;
    assert_eq!(list.status, 200, "{}", list.html);
    assert!(
        list.html.contains(r#"id="nav-customers""#),
        "guides follow customers up"
    );
    assert_eq!(list.total(), Some(3), "共 3 条");
    for name in [SH001_REGULAR, SH001_FAN, SH001_POSTER] {
        assert!(list.html.contains(&format!(">{name}</a>")), "{name}");
    }
    assert!(
        !list.html.contains("HZ-001老顾客"),
        "a guide sees no other store's customers"
    );
    assert!(
        list.html.contains(r#"id="customer-new""#),
        "guides add customers"
    );
    assert!(
        !list.html.contains(r#"id="customer-store""#),
        "a guide adds customers to their own store: no store to choose"
    );

    // Filters narrow the store's customers, and the selects keep what was chosen.
    let by_tag = get(&app, "/customers?tag=宝妈", &cookie).await;
    assert_eq!(by_tag.total(), Some(1));
    assert!(by_tag.html.contains(&format!(">{SH001_FAN}</a>")));
    let weak = get(&app, "/customers?tier=weak", &cookie).await;
    assert_eq!(weak.total(), Some(1));
    assert!(weak.html.contains(&format!(">{SH001_POSTER}</a>")));
    assert!(
        weak.html
            .contains(r#"<option value="weak" selected>弱意向</option>"#)
    );
    let poster = get(&app, "/customers?channel=fission_poster", &cookie).await;
    assert_eq!(poster.total(), Some(1));
    assert!(
        poster
            .html
            .contains(r#"<option value="fission_poster" selected>裂变海报</option>"#)
    );
    let by_name = get(&app, "/customers?q=小红书", &cookie).await;
    assert_eq!(by_name.total(), Some(1));

    // Asking for another store's customers shows none; their pages do not exist.
    let hz001 = demo.store("HZ-001");
    let other = get(&app, &format!("/customers?store_id={hz001}"), &cookie).await;
    assert_eq!(other.total(), Some(0));
    let elsewhere = format!("/customers/{}", demo.customer("HZ-001老顾客"));
    assert_eq!(get(&app, &elsewhere, &cookie).await.status, 404);
    // Nor does any customer of another brand.
    let other = session_of(&app, OTHER_ADMIN).await;
    let regular = format!("/customers/{}", demo.customer(SH001_REGULAR));
    let foreign = get(&app, &regular, &other).await;
    assert_eq!(foreign.status, 404);
    assert!(!foreign.html.contains(SH001_REGULAR));
}

async fn a_store_manager_adds_a_customer_and_the_list_counts_it(app: TestApp) {
    let demo = app.demo().await;
    let cookie = session_of(&app, SH001_MANAGER).await;
    let list = get(&app, "/customers", &cookie).await;
    assert_eq!(list.status, 200, "{}", list.html);
    assert_eq!(list.total(), Some(3));
    let sh001 = demo.store("SH-001").to_string();
    assert!(
        list.html.contains(&format!(
            r#"<option value="{sh001}" selected>SH-001 上海南京西路店</option>"#
        )),
        "the manager's only store is chosen: {}",
        list.html
    );
    let csrf = list.csrf();

    // A number that is not one, then no channel: each said beside its field.
    let bad_phone = post(
        &app,
        "/customers",
        &cookie,
        &[
            ("_csrf", &csrf),
            ("store_id", &sh001),
            ("nickname", "新朋友"),
            ("phone", "12345"),
            ("channel", "offline_store"),
            ("tags", ""),
        ],
    )
    .await;
    assert_eq!(bad_phone.status, 422, "{}", bad_phone.html);
    assert!(
        bad_phone.html.contains(r#"<details class="create" open>"#),
        "the form is open again"
    );
    assert!(
        bad_phone.html.contains(
            r#"<small class="field-error" id="phone-error">请输入 11 位手机号，以 1 开头</small>"#
        ),
        "{}",
        bad_phone.html
    );
    assert!(
        bad_phone.html.contains(r#"value="新朋友""#),
        "what was typed is kept"
    );
    let no_channel = post(
        &app,
        "/customers",
        &cookie,
        &[
            ("_csrf", &csrf),
            ("store_id", &sh001),
            ("nickname", "新朋友"),
            ("phone", "13912345678"),
            ("tags", ""),
        ],
    )
    .await;
    assert_eq!(no_channel.status, 422, "{}", no_channel.html);
    assert!(
        no_channel
            .html
            .contains(r#"<small class="field-error" id="channel-error">请从列表中选择</small>"#),
        "{}",
        no_channel.html
    );
    assert!(!no_channel.html.contains(r#"id="form-error""#));
    assert_eq!(
        app.list_all(&demo.admin, "/api/v1/customers?q=新朋友")
            .await
            .len(),
        0,
        "nothing was written"
    );

    let made = post(
        &app,
        "/customers",
        &cookie,
        &[
            ("_csrf", &csrf),
            ("store_id", &sh001),
            ("nickname", "新朋友"),
            ("phone", "139 1234 5678"),
            ("channel", "offline_store"),
            ("tags", "学生党，爱运动, 学生党"),
            ("consent", "true"),
        ],
    )
    .await;
    assert_eq!(made.status, 303, "{}", made.html);
    assert_eq!(made.location.as_deref(), Some("/customers"));
    let shown = follow(&app, &made, &cookie).await;
    assert_eq!(shown.flash(), Some("已添加顾客「新朋友」"));
    assert_eq!(shown.total(), Some(4), "the list counts the new customer");
    let row = shown.row("新朋友");
    for part in [
        "139****5678",
        "强意向",
        "门店",
        "学生党，爱运动",
        "已同意营销",
    ] {
        assert!(row.contains(part), "{part} in {row}");
    }
    assert!(!shown.html.contains("13912345678"));

    let customer = app
        .list_all(&demo.admin, "/api/v1/customers")
        .await
        .into_iter()
        .find(|c| c["nickname"] == "新朋友")
        .expect("the customer is stored");
    assert_eq!(customer["store_id"], demo.store("SH-001"));
    assert_eq!(customer["channel"], "offline_store");
    assert_eq!(customer["tags"], serde_json::json!(["学生党", "爱运动"]));
    assert_eq!(customer["consent"]["given"], true);
    assert_eq!(customer["consent"]["source"], "console");
    assert_eq!(customer["phone_masked"], "139****5678");
}

async fn a_tier_set_by_hand_needs_a_reason_and_shows_it(app: TestApp) {
    let demo = app.demo().await;
    let cookie = session_of(&app, GUIDE01).await;
    let id = demo.customer(SH001_POSTER);
    let path = format!("/customers/{id}");
    let page = get(&app, &path, &cookie).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(
        page.html
            .contains(r#"<dd id="customer-tier">弱意向 <small class="muted">按渠道</small></dd>"#),
        "{}",
        page.html
    );
    assert!(
        !page.html.contains(r#"id="tier-follow""#),
        "it follows its channel already"
    );
    let csrf = page.csrf();
    let tier_path = format!("{path}/tier");

    let refused = post(
        &app,
        &tier_path,
        &cookie,
        &[("_csrf", &csrf), ("tier", "strong"), ("tier_reason", "  ")],
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(
        refused
            .html
            .contains(r#"<small class="field-error" id="tier_reason-error">不能为空</small>"#),
        "{}",
        refused.html
    );
    assert!(
        refused
            .html
            .contains(r#"aria-invalid="true" aria-describedby="tier_reason-error""#),
        "the reason input is marked"
    );
    assert!(
        refused
            .html
            .contains(r#"<option value="strong" selected>强意向</option>"#),
        "the chosen tier is kept"
    );
    assert!(
        !refused.html.contains(r#"id="form-error""#),
        "beside the field, not above the page"
    );
    let unchanged = stored(&app, &demo.admin, id).await;
    assert_eq!(unchanged["tier"], "weak");
    assert!(unchanged["tier_reason"].is_null());

    let set = post(
        &app,
        &tier_path,
        &cookie,
        &[
            ("_csrf", &csrf),
            ("tier", "strong"),
            ("tier_reason", "到店试穿后主动询价"),
        ],
    )
    .await;
    assert_eq!(set.status, 303, "{}", set.html);
    assert_eq!(set.location.as_deref(), Some(path.as_str()));
    let shown = follow(&app, &set, &cookie).await;
    assert_eq!(
        shown.flash(),
        Some("已手动设置顾客「SH-001海报新客」的意向")
    );
    assert!(
        shown
            .html
            .contains(r#"<dd id="customer-tier">强意向 <small class="muted">手动</small></dd>"#),
        "{}",
        shown.html
    );
    assert!(
        shown
            .html
            .contains(r#"<dd id="customer-tier-reason" class="pre">到店试穿后主动询价</dd>"#)
    );
    let list = get(&app, "/customers", &cookie).await;
    let row = list.row(SH001_POSTER);
    assert!(
        row.contains("强意向")
            && row.contains(r#"<small class="muted" title="到店试穿后主动询价">手动</small>"#),
        "{row}"
    );
    let saved = stored(&app, &demo.admin, id).await;
    assert_eq!(saved["tier"], "strong");
    assert_eq!(saved["tier_reason"], "到店试穿后主动询价");

    // 恢复按渠道: the channel's tier again, and no reason.
    let back = post(
        &app,
        &tier_path,
        &cookie,
        &[("_csrf", &csrf), ("follow", "channel")],
    )
    .await;
    assert_eq!(back.status, 303, "{}", back.html);
    let shown = follow(&app, &back, &cookie).await;
    assert_eq!(
        shown.flash(),
        Some("顾客「SH-001海报新客」的意向已恢复按渠道")
    );
    assert!(
        shown
            .html
            .contains(r#"<dd id="customer-tier">弱意向 <small class="muted">按渠道</small></dd>"#)
    );
    assert!(!shown.html.contains(r#"id="customer-tier-reason""#));
}

async fn withdrawing_consent_asks_first_and_then_shows_it(app: TestApp) {
    let demo = app.demo().await;
    let cookie = session_of(&app, SH001_MANAGER).await;
    let id = demo.customer(SH001_REGULAR);
    let path = format!("/customers/{id}");
    let page = get(&app, &path, &cookie).await;
    assert_eq!(page.status, 200, "{}", page.html);
    let consent = page.part(r#"<dd id="customer-consent">"#, "</dd>");
    assert!(
        consent.contains(r#"<span class="ok">已同意营销</span>"#)
            && consent.contains("来源：演示数据"),
        "{consent}"
    );
    let withdraw = page.part(r#"data-confirm="确定撤回顾客"#, "</form>");
    assert!(
        withdraw.starts_with(
            r#"data-confirm="确定撤回顾客「SH-001老顾客」的营销授权吗？撤回后不再向 TA 发送营销消息。""#
        ),
        "{withdraw}"
    );
    assert!(withdraw.contains(r#"name="consent" value="false""#));

    let csrf = page.csrf();
    let consent_path = format!("{path}/consent");
    let withdrawn = post(
        &app,
        &consent_path,
        &cookie,
        &[("_csrf", &csrf), ("consent", "false")],
    )
    .await;
    assert_eq!(withdrawn.status, 303, "{}", withdrawn.html);
    assert_eq!(withdrawn.location.as_deref(), Some(path.as_str()));
    let shown = follow(&app, &withdrawn, &cookie).await;
    assert_eq!(shown.flash(), Some("已撤回顾客「SH-001老顾客」的营销授权"));
    let consent = shown.part(r#"<dd id="customer-consent">"#, "</dd>");
    assert!(
        consent.starts_with(r#"<dd id="customer-consent"><span class="muted">未同意</span>"#)
            && consent.contains("来源：控制台"),
        "{consent}"
    );
    assert!(
        !shown.html.contains("确定撤回顾客") && shown.html.contains(r#"id="consent-give""#),
        "withdrawn: it can be given again, not withdrawn again"
    );
    assert!(
        get(&app, "/customers", &cookie)
            .await
            .row(SH001_REGULAR)
            .contains("未同意")
    );
    let saved = stored(&app, &demo.admin, id).await;
    assert_eq!(saved["consent"]["given"], false);
    assert_eq!(saved["consent"]["source"], "console");

    let given = post(
        &app,
        &consent_path,
        &cookie,
        &[("_csrf", &csrf), ("consent", "true")],
    )
    .await;
    assert_eq!(
        follow(&app, &given, &cookie).await.flash(),
        Some("已记录顾客「SH-001老顾客」同意营销")
    );
}

async fn a_brand_admin_remaps_a_channel_and_is_told_how_many_moved(app: TestApp) {
    let demo = app.demo().await;
    let cookie = session_of(&app, ADMIN).await;
    let page = get(&app, TIERS, &cookie).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(
        page.html
            .contains(r#"id="nav-customers" href="/customers" class="current""#)
    );
    let poster = page.part(r#"<select id="tier-fission_poster""#, "</select>");
    assert!(
        poster.contains(r#"<option value="weak" selected>弱意向</option>"#),
        "{poster}"
    );
    let csrf = page.csrf();
    let mapping = [
        ("official_account", "strong"),
        ("new_media", "intent"),
        ("fission_poster", "strong"),
        ("friend_invite", "weak"),
        ("offline_store", "strong"),
        ("event", "strong"),
        ("import", "intent"),
    ];
    let mut form: Vec<(&str, &str)> = vec![("_csrf", csrf.as_str())];
    form.extend(mapping);
    let saved = post(&app, TIERS, &cookie, &form).await;
    assert_eq!(saved.status, 303, "{}", saved.html);
    assert_eq!(saved.location.as_deref(), Some(TIERS));
    let shown = follow(&app, &saved, &cookie).await;
    assert_eq!(
        shown.flash(),
        Some("已保存渠道与意向，12 位顾客的意向随之调整"),
        "the demo's 12 poster customers, none set by hand"
    );
    let poster = shown.part(r#"<select id="tier-fission_poster""#, "</select>");
    assert!(
        poster.contains(r#"<option value="strong" selected>强意向</option>"#),
        "{poster}"
    );
    let moved = get(
        &app,
        "/customers?channel=fission_poster&tier=strong",
        &cookie,
    )
    .await;
    assert_eq!(moved.total(), Some(12));

    // The same mapping again moves nobody.
    let again = post(&app, TIERS, &cookie, &form).await;
    assert_eq!(
        follow(&app, &again, &cookie).await.flash(),
        Some("已保存渠道与意向，没有顾客需要调整")
    );

    // Others read the mapping and cannot change it.
    let guide = session_of(&app, GUIDE01).await;
    let read = get(&app, TIERS, &guide).await;
    assert_eq!(read.status, 200, "{}", read.html);
    assert!(
        read.html
            .contains(r#"<span id="tier-fission_poster">强意向</span>"#),
        "{}",
        read.html
    );
    assert!(!read.html.contains(r#"<select id="tier-"#));
    assert!(read.html.contains("只有品牌管理员可以修改。"));
    let guide_csrf = read.csrf();
    let refused = post(
        &app,
        TIERS,
        &guide,
        &[("_csrf", &guide_csrf), ("fission_poster", "weak")],
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.html);
    let poster_customer = stored(&app, &demo.admin, demo.customer(SH001_POSTER)).await;
    assert_eq!(
        poster_customer["tier"], "strong",
        "the guide changed nothing"
    );
}
