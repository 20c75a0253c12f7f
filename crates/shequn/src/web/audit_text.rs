//! The operation log as sentences an operator reads: 「张三 把门店 上海南京西路店（SH-001）从华东大区
//! 移到华南大区」, "Zhang San moved store 上海南京西路店 (SH-001) from 华东大区 to 华南大区".
//! [`sentence`] renders one event in the console's language from its `action` and the JSON
//! `detail` the use case recorded with it; never the action name, a bare id or raw JSON
//! when a name is there to show.
//!
//! # The detail of an event
//!
//! Written by the use cases (`crates/app/src/usecases`) in the transaction of the change.
//! It names the subject as it is *after* the event and, for updates, says what changed.
//! It never holds secrets (password hashes, tokens) or phone numbers.
//!
//! | action                   | keys                                                            |
//! |--------------------------|-----------------------------------------------------------------|
//! | `brand.created`          | `slug`, `name`                                                  |
//! | `region.created`         | `name`                                                          |
//! | `region.updated`         | `name`, `changes` (`name`, `active`)                            |
//! | `store.created`          | `code`, `name`, `region` (the region's name)                    |
//! | `store.updated`          | `code`, `name`, `region`, `changes` (`code`, `name`, `address`, `region`, `active`) |
//! | `staff.created`          | `display_name`, `email`, `role`, `region` (a region manager's region name, else null), `store` (a store member's store, else null) |
//! | `staff.updated`          | as `staff.created`, and `changes` (`display_name`, `role`, `region`, `store`, `active`) |
//! | `staff.password_reset`   | `display_name`, `email`                                         |
//! | `staff.password_changed` | nothing: the actor changed their own password                   |
//! | `token.created`, `token.revoked` | `name`                                                  |
//!
//! `changes` is `{"field": [before, after], …}` with one entry per field that changed and
//! none for the others (`shequn_app::storage::audit::Changes`); an update that changed
//! nothing records `{}`. Values are strings (names, codes, addresses; a region by its name),
//! booleans (`active`), role codes (`"store_manager"`), a store as `{"code": …, "name": …}`
//! (`shequn_app::storage::audit::store_ref`), and `null` for "none" (a store manager who
//! becomes a region manager has `"store": [{…}, null]`). For example:
//!
//! ```json
//! {"code": "SH-001", "name": "上海南京西路店", "region": "华南大区",
//!  "changes": {"region": ["华东大区", "华南大区"], "active": [true, false]}}
//! ```
//!
//! Events recorded before this shape (`region_id`, `store_id` and `active` instead of names,
//! no `changes`, `{}` for a password reset) still read as sentences: with the names they
//! hold, else the subject's id (「张三 修改了门店 上海南京西路店（SH-001）」, 「张三 重置了 员工 #14 的密码」).

use serde_json::Value;
use shequn_domain::AuditEntry;

use crate::web::i18n::Lang;

/// One event of the operation log as a sentence in `lang` (no final full stop: it is a
/// line of a list).
pub fn sentence(lang: Lang, e: &AuditEntry) -> String {
    let detail: Value = serde_json::from_str(&e.detail).unwrap_or(Value::Null);
    Event {
        lang,
        e,
        d: &detail,
    }
    .render()
}

/// What kind of object an event is about: it picks the nouns and the status words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Brand,
    Region,
    Store,
    Staff,
    Token,
    Community,
    Customer,
    ScreeningRule,
}

impl Kind {
    fn of(subject_type: &str) -> Option<Kind> {
        Some(match subject_type {
            "brand" => Kind::Brand,
            "region" => Kind::Region,
            "store" => Kind::Store,
            "staff" => Kind::Staff,
            "token" => Kind::Token,
            "community" => Kind::Community,
            "customer" => Kind::Customer,
            "screening_rule" => Kind::ScreeningRule,
            _ => return None,
        })
    }

    fn noun(self, lang: Lang) -> &'static str {
        match (lang, self) {
            (Lang::Zh, Kind::Brand) => "品牌",
            (Lang::Zh, Kind::Region) => "大区",
            (Lang::Zh, Kind::Store) => "门店",
            (Lang::Zh, Kind::Staff) => "员工",
            (Lang::Zh, Kind::Token) => "令牌",
            (Lang::Zh, Kind::Community) => "社群",
            (Lang::Zh, Kind::Customer) => "顾客",
            (Lang::Zh, Kind::ScreeningRule) => "筛选规则",
            (Lang::En, Kind::Brand) => "brand",
            (Lang::En, Kind::Region) => "region",
            (Lang::En, Kind::Store) => "store",
            (Lang::En, Kind::Staff) => "staff member",
            (Lang::En, Kind::Token) => "API token",
            (Lang::En, Kind::Community) => "community",
            (Lang::En, Kind::Customer) => "customer",
            (Lang::En, Kind::ScreeningRule) => "screening rule",
        }
    }

    /// The status word of `active`, as the lists show it (门店 营业中/已停用, 员工 在职/已停用…).
    fn status(self, lang: Lang, active: bool) -> &'static str {
        match (lang, self, active) {
            (Lang::Zh, Kind::Store, true) => "营业中",
            (Lang::Zh, Kind::Region, true) => "启用",
            (Lang::Zh, Kind::Region, false) => "停用",
            (Lang::Zh, _, true) => "在职",
            (Lang::Zh, _, false) => "已停用",
            (Lang::En, Kind::Store, true) => "open",
            (Lang::En, Kind::Store, false) => "closed",
            (Lang::En, Kind::Region, false) => "inactive",
            (Lang::En, Kind::Staff, false) => "deactivated",
            (Lang::En, _, _) if active => "active",
            (Lang::En, _, _) => "inactive",
        }
    }
}

/// A community's kind, purpose or status code in words (「福利群」, "discount").
fn community_word(lang: Lang, code: &str) -> String {
    let word = match (lang, code) {
        (Lang::Zh, "discount") => "福利群",
        (Lang::Zh, "fission") => "裂变群",
        (Lang::Zh, "notice") => "通知群",
        (Lang::Zh, "tutorial") => "教程群",
        (Lang::Zh, "topic") => "话题群",
        (Lang::Zh, "video_live") => "直播群",
        (Lang::Zh, "service") => "服务群",
        (Lang::Zh, "sales") => "销售",
        (Lang::Zh, "brand") => "品牌",
        (Lang::Zh, "active") => "运营中",
        (Lang::Zh, "archived") => "已归档",
        (Lang::En, "video_live") => "video/live",
        _ => code,
    };
    word.to_owned()
}

fn role_word(lang: Lang, code: &str) -> String {
    let word = match (lang, code) {
        (Lang::Zh, "brand_admin") => "品牌管理员",
        (Lang::Zh, "region_manager") => "大区经理",
        (Lang::Zh, "store_manager") => "店长",
        (Lang::Zh, "shop_guide") => "导购",
        (Lang::En, "brand_admin") => "brand admin",
        (Lang::En, "region_manager") => "region manager",
        (Lang::En, "store_manager") => "store manager",
        (Lang::En, "shop_guide") => "shop guide",
        _ => code,
    };
    word.to_owned()
}

/// `main（extra）` in Chinese, `main (extra)` in English.
fn paren(lang: Lang, main: &str, extra: &str) -> String {
    match lang {
        Lang::Zh => format!("{main}（{extra}）"),
        Lang::En => format!("{main} ({extra})"),
    }
}

/// The space between a name and the Chinese text after it: none after a closing
/// full-width bracket or quote, one otherwise (「门店 SH-001 从…」, 「门店 某店（SH-001）从…」).
fn gap(label: &str) -> &'static str {
    if label.ends_with(['）', '”', '」']) {
        ""
    } else {
        " "
    }
}

/// A non-empty string at `key` of an object.
fn text<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A store named by `{"code", "name"}`: 「上海南京西路店（SH-001）」.
fn store_label(lang: Lang, v: &Value) -> Option<String> {
    match (text(v, "name"), text(v, "code")) {
        (Some(name), Some(code)) => Some(paren(lang, name, code)),
        (Some(one), None) | (None, Some(one)) => Some(one.to_owned()),
        (None, None) => None,
    }
}

/// Fields of `changes` in the order a sentence lists them; others follow by name.
const FIELD_ORDER: [&str; 15] = [
    "display_name",
    "name",
    "code",
    "role",
    "region",
    "store",
    "address",
    "kind",
    "purpose",
    "owner",
    "capacity",
    "rules",
    "chat_id",
    "status",
    "active",
];

struct Event<'a> {
    lang: Lang,
    e: &'a AuditEntry,
    d: &'a Value,
}

impl Event<'_> {
    fn zh(&self) -> bool {
        self.lang == Lang::Zh
    }

    fn actor(&self) -> String {
        match self.e.actor_name.as_deref().map(str::trim) {
            Some(n) if !n.is_empty() => n.to_owned(),
            _ if self.zh() => "系统".to_owned(),
            _ => "System".to_owned(),
        }
    }

    /// `#14`: the subject when the detail names nothing.
    fn id(&self) -> String {
        format!("#{}", self.e.subject_id)
    }

    fn region_label(&self) -> String {
        text(self.d, "name").map_or_else(|| self.id(), str::to_owned)
    }

    fn store_label(&self) -> String {
        store_label(self.lang, self.d).unwrap_or_else(|| self.id())
    }

    /// 「李四（li@x.com）」, else whatever of the two is there, else the id.
    fn staff_label(&self) -> String {
        match (text(self.d, "display_name"), text(self.d, "email")) {
            (Some(name), Some(email)) => paren(self.lang, name, email),
            (Some(one), None) | (None, Some(one)) => one.to_owned(),
            (None, None) => self.id(),
        }
    }

    /// The staff member by name alone (「李四」), else 「员工 #14」.
    fn staff_name(&self) -> String {
        match text(self.d, "display_name").or_else(|| text(self.d, "email")) {
            Some(n) => n.to_owned(),
            None => format!("{} {}", Kind::Staff.noun(self.lang), self.id()),
        }
    }

    /// 「宝妈福利群（上海南京西路店）」: the community and its store.
    fn community_label(&self) -> String {
        let name = text(self.d, "name").map_or_else(|| self.id(), str::to_owned);
        match self.d.get("store").and_then(|s| text(s, "name")) {
            Some(store) => paren(self.lang, &name, store),
            None => name,
        }
    }

    fn token_label(&self) -> String {
        text(self.d, "name").map_or_else(|| self.id(), |n| format!("“{n}”"))
    }

    /// `changes` as `(field, before, after)` in [`FIELD_ORDER`]; None when the event has
    /// no `changes` (recorded before they were).
    fn changes(&self) -> Option<Vec<(&str, &Value, &Value)>> {
        let map = self.d.get("changes")?.as_object()?;
        let mut out: Vec<(&str, &Value, &Value)> = map
            .iter()
            .filter_map(|(k, v)| match v.as_array().map(Vec::as_slice) {
                Some([before, after]) => Some((k.as_str(), before, after)),
                _ => None,
            })
            .collect();
        out.sort_by_key(|(k, _, _)| {
            FIELD_ORDER
                .iter()
                .position(|f| f == k)
                .unwrap_or(FIELD_ORDER.len())
        });
        Some(out)
    }

    /// `zh` in Chinese, `en` in English.
    fn word(&self, zh: &str, en: &str) -> String {
        match self.lang {
            Lang::Zh => zh.to_owned(),
            Lang::En => en.to_owned(),
        }
    }

    fn field_label(&self, field: &str) -> String {
        let zh = self.zh();
        let label = match field {
            "display_name" if zh => "姓名",
            "name" if zh => "名称",
            "name" | "display_name" => "name",
            "code" if zh => "编码",
            "code" => "code",
            "address" if zh => "地址",
            "address" => "address",
            "region" if zh => "大区",
            "region" => "region",
            "store" if zh => "门店",
            "store" => "store",
            "role" if zh => "角色",
            "role" => "role",
            "active" | "status" if zh => "状态",
            "active" | "status" => "status",
            "kind" if zh => "类型",
            "purpose" if zh => "用途",
            "capacity" if zh => "人数上限",
            "rules" if zh => "群规",
            "rules" => "rules",
            "owner" if zh => "群主",
            "chat_id" if zh => "群 ID",
            "chat_id" => "chat id",
            other => other,
        };
        label.to_owned()
    }

    /// A value of a change, in words.
    fn value(&self, kind: Kind, field: &str, v: &Value) -> String {
        match v {
            Value::Null => self.word("无", "none"),
            Value::Bool(b) if field == "active" => kind.status(self.lang, *b).to_owned(),
            Value::Bool(true) => self.word("是", "yes"),
            Value::Bool(false) => self.word("否", "no"),
            Value::String(s) if field == "role" => role_word(self.lang, s),
            Value::String(s) if matches!(field, "kind" | "purpose" | "status") => {
                community_word(self.lang, s)
            }
            Value::String(s) if s.trim().is_empty() => self.word("空", "empty"),
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Object(_) => store_label(self.lang, v).unwrap_or_else(|| "—".to_owned()),
            Value::Array(_) => "—".to_owned(),
        }
    }

    /// One change as a clause: 「名称从甲改为乙」, "name changed from A to B".
    fn clause(&self, kind: Kind, field: &str, before: &Value, after: &Value) -> String {
        let label = self.field_label(field);
        let (a, b) = (
            self.value(kind, field, before),
            self.value(kind, field, after),
        );
        let after_empty = after.is_null() || after.as_str().is_some_and(|s| s.trim().is_empty());
        match (self.lang, field) {
            (Lang::Zh, "address") if after_empty => "清空了地址".to_owned(),
            (Lang::En, "address") if after_empty => "address cleared".to_owned(),
            (Lang::Zh, "address") => format!("地址改为{b}"),
            (Lang::En, "address") => format!("address changed to {b}"),
            (Lang::Zh, _) if before.is_null() => format!("{label}设为{b}"),
            (Lang::En, _) if before.is_null() => format!("{label} set to {b}"),
            (Lang::Zh, _) if after.is_null() => format!("{label}已清除（原为{a}）"),
            (Lang::En, _) if after.is_null() => format!("{label} removed (was {a})"),
            (Lang::Zh, _) => format!("{label}从{a}改为{b}"),
            (Lang::En, _) => format!("{label} changed from {a} to {b}"),
        }
    }

    /// The general update sentence: 「张三 修改了门店 SH-001：名称从…改为…，地址改为…」.
    fn updated(
        &self,
        kind: Kind,
        subject: &str,
        changes: Option<&[(&str, &Value, &Value)]>,
    ) -> String {
        let (who, noun) = (self.actor(), kind.noun(self.lang));
        match (self.lang, changes) {
            (Lang::Zh, None) => format!("{who} 修改了{noun} {subject}"),
            (Lang::En, None) => format!("{who} updated {noun} {subject}"),
            (Lang::Zh, Some([])) => format!("{who} 保存了{noun} {subject}，未做改动"),
            (Lang::En, Some([])) => format!("{who} saved {noun} {subject} without changes"),
            (lang, Some(list)) => {
                let clauses: Vec<String> = list
                    .iter()
                    .map(|(f, a, b)| self.clause(kind, f, a, b))
                    .collect();
                match lang {
                    Lang::Zh => format!("{who} 修改了{noun} {subject}：{}", clauses.join("，")),
                    Lang::En => format!("{who} updated {noun} {subject}: {}", clauses.join(", ")),
                }
            }
        }
    }

    fn render(&self) -> String {
        let Some(kind) = Kind::of(&self.e.subject_type) else {
            return self.unknown();
        };
        match (kind, self.e.action.as_str()) {
            (Kind::Brand, "brand.created") => self.brand_created(),
            (Kind::Region, "region.created") => self.created(kind, &self.region_label()),
            (Kind::Region, "region.updated") => self.region_updated(),
            (Kind::Store, "store.created") => self.store_created(),
            (Kind::Store, "store.updated") => self.store_updated(),
            (Kind::Staff, "staff.created") => self.staff_created(),
            (Kind::Staff, "staff.updated") => self.staff_updated(),
            (Kind::Staff, "staff.password_reset") => self.password_reset(),
            (Kind::Staff, "staff.password_changed") => self.password_changed(),
            (Kind::Staff, "staff.handover") => self.handover(),
            (Kind::Token, "token.created") => self.token("创建了", "created"),
            (Kind::Token, "token.revoked") => self.token("吊销了", "revoked"),
            // Personal data stays out of the log: the customer is named by id only.
            (Kind::Customer, "customer.exported") => match self.lang {
                Lang::Zh => format!("{} 导出了顾客 {} 的个人信息", self.actor(), self.id()),
                Lang::En => format!(
                    "{} exported the personal data of customer {}",
                    self.actor(),
                    self.id()
                ),
            },
            (Kind::Customer, "customer.erased") => match self.lang {
                Lang::Zh => format!("{} 删除了顾客 {} 的个人信息", self.actor(), self.id()),
                Lang::En => format!(
                    "{} erased the personal data of customer {}",
                    self.actor(),
                    self.id()
                ),
            },
            (Kind::ScreeningRule, "screening_rule.saved") => self.rule_saved(),
            (Kind::ScreeningRule, "screening_rule.applied") => self.rule_applied(),
            (Kind::Customer, "customer.phone_revealed") => match self.lang {
                Lang::Zh => format!("{} 查看了顾客 {} 的完整手机号", self.actor(), self.id()),
                Lang::En => format!(
                    "{} viewed the whole phone number of customer {}",
                    self.actor(),
                    self.id()
                ),
            },
            (Kind::Community, "community.created") => {
                self.created(Kind::Community, &self.community_label())
            }
            (Kind::Community, "community.updated") => {
                let changes = self.changes();
                self.updated(Kind::Community, &self.community_label(), changes.as_deref())
            }
            _ => self.unknown(),
        }
    }

    /// An action this console does not know yet: still a sentence, with the action's name.
    fn unknown(&self) -> String {
        let who = self.actor();
        let action = &self.e.action;
        let noun = Kind::of(&self.e.subject_type)
            .map_or(self.e.subject_type.as_str(), |k| k.noun(self.lang));
        let subject = text(self.d, "name")
            .or_else(|| text(self.d, "display_name"))
            .map_or_else(|| self.id(), str::to_owned);
        match self.lang {
            Lang::Zh => format!("{who} 对{noun} {subject} 执行了 {action}"),
            Lang::En => format!("{who} did {action} on {noun} {subject}"),
        }
    }

    /// 「张三 把 李四 的 3 个社群和 12 位顾客交接给了 王五」.
    fn rule_saved(&self) -> String {
        let (who, rule) = (self.actor(), self.token_label());
        let (zh, en) = match text(self.d, "change") {
            Some("created") => ("新增了", "added"),
            Some("enabled") => ("启用了", "enabled"),
            Some("disabled") => ("停用了", "disabled"),
            _ => ("修改了", "updated"),
        };
        match self.lang {
            Lang::Zh => format!("{who} {zh}筛选规则 {rule}"),
            Lang::En => format!("{who} {en} screening rule {rule}"),
        }
    }

    fn rule_applied(&self) -> String {
        let (who, rule) = (self.actor(), self.token_label());
        let n = |key: &str| self.d.get(key).and_then(Value::as_i64).unwrap_or(0);
        let (matched, decided) = (n("matched"), n("decided"));
        match self.lang {
            Lang::Zh => format!(
                "{who} 把筛选规则 {rule} 用于现有成员：命中 {matched} 人，新记录 {decided} 条"
            ),
            Lang::En => format!(
                "{who} applied screening rule {rule} to current members: {matched} matched, {decided} decisions recorded"
            ),
        }
    }

    fn handover(&self) -> String {
        let who = self.actor();
        let from = self.staff_name();
        let to = text(self.d, "to").unwrap_or("?");
        let n = |key: &str| self.d.get(key).and_then(Value::as_i64).unwrap_or(0);
        let (communities, customers) = (n("communities"), n("customers"));
        match self.lang {
            Lang::Zh => {
                format!("{who} 把 {from} 的 {communities} 个社群和 {customers} 位顾客交接给了 {to}")
            }
            Lang::En => format!(
                "{who} handed {from}'s {communities} communities and {customers} customers over to {to}"
            ),
        }
    }

    fn created(&self, kind: Kind, subject: &str) -> String {
        let (who, noun) = (self.actor(), kind.noun(self.lang));
        match self.lang {
            Lang::Zh => format!("{who} 新增了{noun} {subject}"),
            Lang::En => format!("{who} added {noun} {subject}"),
        }
    }

    fn brand_created(&self) -> String {
        let who = self.actor();
        let brand = match (text(self.d, "name"), text(self.d, "slug")) {
            (Some(name), Some(slug)) => paren(self.lang, name, slug),
            (Some(one), None) | (None, Some(one)) => one.to_owned(),
            (None, None) => self.id(),
        };
        match self.lang {
            Lang::Zh => format!("{who} 创建了品牌 {brand}"),
            Lang::En => format!("{who} created brand {brand}"),
        }
    }

    fn region_updated(&self) -> String {
        let who = self.actor();
        let changes = self.changes();
        let name = self.region_label();
        match changes.as_deref() {
            Some([("name", Value::String(a), Value::String(b))]) => match self.lang {
                Lang::Zh => format!("{who} 把大区 {a} 改名为 {b}"),
                Lang::En => format!("{who} renamed region {a} to {b}"),
            },
            Some([("active", _, Value::Bool(on))]) => match (self.lang, *on) {
                (Lang::Zh, true) => format!("{who} 启用了大区 {name}"),
                (Lang::Zh, false) => format!("{who} 停用了大区 {name}"),
                (Lang::En, true) => format!("{who} reactivated region {name}"),
                (Lang::En, false) => format!("{who} deactivated region {name}"),
            },
            other => self.updated(Kind::Region, &name, other),
        }
    }

    fn store_created(&self) -> String {
        let sentence = self.created(Kind::Store, &self.store_label());
        match (self.lang, text(self.d, "region")) {
            (Lang::Zh, Some(region)) => format!("{sentence}，属于{region}"),
            (Lang::En, Some(region)) => format!("{sentence} in {region}"),
            (_, None) => sentence,
        }
    }

    fn store_updated(&self) -> String {
        let who = self.actor();
        let changes = self.changes();
        let label = self.store_label();
        match changes.as_deref() {
            Some([("region", Value::String(a), Value::String(b))]) => match self.lang {
                Lang::Zh => format!("{who} 把门店 {label}{}从{a}移到{b}", gap(&label)),
                Lang::En => format!("{who} moved store {label} from {a} to {b}"),
            },
            Some([("active", _, Value::Bool(open))]) => match (self.lang, *open) {
                (Lang::Zh, true) => format!("{who} 恢复了门店 {label}{}的营业", gap(&label)),
                (Lang::Zh, false) => format!("{who} 停用了门店 {label}"),
                (Lang::En, true) => format!("{who} reopened store {label}"),
                (Lang::En, false) => format!("{who} closed store {label}"),
            },
            other => {
                // A store renamed in this event goes by its code, so the sentence does not
                // name it by the new name before saying it was renamed.
                let renamed = other.is_some_and(|c| c.iter().any(|(f, _, _)| *f == "name"));
                let subject = match text(self.d, "code") {
                    Some(code) if renamed => code.to_owned(),
                    _ => label,
                };
                self.updated(Kind::Store, &subject, other)
            }
        }
    }

    /// Where a staff member works, by name: a store member's store, a region manager's region.
    fn staff_place(&self) -> Option<String> {
        self.d
            .get("store")
            .and_then(|s| store_label(self.lang, s))
            .or_else(|| text(self.d, "region").map(str::to_owned))
    }

    fn staff_created(&self) -> String {
        let sentence = self.created(Kind::Staff, &self.staff_label());
        let Some(role) = text(self.d, "role").map(|r| role_word(self.lang, r)) else {
            return sentence;
        };
        match (self.lang, self.staff_place()) {
            (Lang::Zh, Some(place)) => format!("{sentence}，任{place}的{role}"),
            (Lang::Zh, None) => format!("{sentence}，角色为{role}"),
            (Lang::En, Some(place)) if self.d.get("store").is_some_and(Value::is_object) => {
                format!("{sentence} as {role} at {place}")
            }
            (Lang::En, Some(place)) => format!("{sentence} as {role} of {place}"),
            (Lang::En, None) => format!("{sentence} as {role}"),
        }
    }

    fn staff_updated(&self) -> String {
        let who = self.actor();
        let changes = self.changes();
        let label = self.staff_label();
        let zh = self.zh();
        match changes.as_deref() {
            Some([("active", _, Value::Bool(on))]) => match (self.lang, *on) {
                (Lang::Zh, true) => format!("{who} 重新启用了员工 {label}"),
                (Lang::Zh, false) => format!("{who} 停用了员工 {label}"),
                (Lang::En, true) => format!("{who} reactivated staff member {label}"),
                (Lang::En, false) => format!("{who} deactivated staff member {label}"),
            },
            Some([("role", Value::String(a), Value::String(b))]) => {
                let (name, a, b) = (
                    self.staff_name(),
                    role_word(self.lang, a),
                    role_word(self.lang, b),
                );
                match self.lang {
                    Lang::Zh => format!("{who} 把 {name} 的角色从{a}改为{b}"),
                    Lang::En => format!("{who} changed the role of {name} from {a} to {b}"),
                }
            }
            Some([("display_name", Value::String(a), Value::String(b))]) => match self.lang {
                Lang::Zh => format!("{who} 把员工 {a} 改名为 {b}"),
                Lang::En => format!("{who} renamed staff member {a} to {b}"),
            },
            Some([(field @ ("store" | "region"), a, b)]) if !a.is_null() && !b.is_null() => {
                let (a, b) = (
                    self.value(Kind::Staff, field, a),
                    self.value(Kind::Staff, field, b),
                );
                if zh {
                    format!("{who} 把员工 {label}{}从{a}调到{b}", gap(&label))
                } else {
                    format!("{who} transferred staff member {label} from {a} to {b}")
                }
            }
            other => self.updated(Kind::Staff, &label, other),
        }
    }

    fn password_reset(&self) -> String {
        let (who, name) = (self.actor(), self.staff_name());
        match self.lang {
            Lang::Zh => format!("{who} 重置了 {name} 的密码"),
            Lang::En => format!("{who} reset the password of {name}"),
        }
    }

    fn password_changed(&self) -> String {
        let who = self.actor();
        match self.lang {
            Lang::Zh => format!("{who} 修改了自己的密码"),
            Lang::En => format!("{who} changed their own password"),
        }
    }

    fn token(&self, zh_verb: &str, en_verb: &str) -> String {
        let (who, token) = (self.actor(), self.token_label());
        match self.lang {
            Lang::Zh => format!("{who} {zh_verb}令牌 {token}"),
            Lang::En => format!("{who} {en_verb} API token {token}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use shequn_domain::{AuditAction, RegionId, StaffId, StoreId};

    fn row(action: &str, subject_type: &str, actor: Option<&str>, detail: Value) -> AuditEntry {
        AuditEntry {
            id: 1,
            at: 1_700_000_000_000,
            actor_staff_id: actor.map(|_| StaffId(3)),
            actor_name: actor.map(str::to_owned),
            action: action.to_owned(),
            subject_type: subject_type.to_owned(),
            subject_id: 14,
            region_id: Some(RegionId(2)),
            store_id: Some(StoreId(14)),
            detail: detail.to_string(),
        }
    }

    fn event(a: AuditAction, detail: Value) -> AuditEntry {
        row(a.as_str(), a.subject(), Some("张三"), detail)
    }

    fn both(e: &AuditEntry) -> (String, String) {
        (sentence(Lang::Zh, e), sentence(Lang::En, e))
    }

    /// An event of `action` with `detail` reads as `zh` and `en`.
    #[track_caller]
    fn says(action: AuditAction, detail: Value, zh: &str, en: &str) {
        let e = event(action, detail);
        assert_eq!(both(&e), (zh.to_owned(), en.to_owned()));
    }

    /// An event of each action in the current detail shape. The match has no catch-all
    /// arm, so a new `AuditAction` fails to compile here until it has a sentence and a test.
    fn sample(a: AuditAction) -> AuditEntry {
        let detail = match a {
            AuditAction::BrandCreated => json!({ "slug": "demo", "name": "演示品牌" }),
            AuditAction::RegionCreated => json!({ "name": "华西大区" }),
            AuditAction::RegionUpdated => {
                json!({ "name": "华西大区", "changes": { "active": [true, false] } })
            }
            AuditAction::StoreCreated => {
                json!({ "code": "SH-001", "name": "上海南京西路店", "region": "华东大区" })
            }
            AuditAction::StoreUpdated => json!({
                "code": "SH-001", "name": "上海南京西路店", "region": "华南大区",
                "changes": { "region": ["华东大区", "华南大区"] },
            }),
            AuditAction::StaffCreated => json!({
                "display_name": "李四", "email": "li@x.com", "role": "shop_guide",
                "region": null, "store": { "code": "SH-001", "name": "上海南京西路店" },
            }),
            AuditAction::StaffUpdated => json!({
                "display_name": "李四", "email": "li@x.com", "role": "shop_guide",
                "region": null, "store": { "code": "SH-001", "name": "上海南京西路店" },
                "changes": { "active": [true, false] },
            }),
            AuditAction::StaffPasswordReset => {
                json!({ "display_name": "李四", "email": "li@x.com" })
            }
            AuditAction::PasswordChanged => json!({}),
            AuditAction::TokenCreated | AuditAction::TokenRevoked => json!({ "name": "ci" }),
            AuditAction::CommunityCreated => json!({
                "name": "宝妈福利群", "store": { "code": "SH-001", "name": "上海南京西路店" },
                "kind": "discount", "purpose": "sales", "owner": "王芳",
            }),
            AuditAction::StaffHandover => json!({
                "display_name": "李四", "email": "li@x.com", "to": "王五",
                "communities": 3, "customers": 12,
            }),
            AuditAction::CustomerExported
            | AuditAction::CustomerErased
            | AuditAction::CustomerPhoneRevealed => json!({}),
            AuditAction::CommunityUpdated => json!({
                "name": "宝妈福利群", "store": { "code": "SH-001", "name": "上海南京西路店" },
                "changes": { "kind": ["discount", "tutorial"], "capacity": [500, 300] },
            }),
            AuditAction::ScreeningRuleSaved => {
                json!({ "name": "叠字昵称", "change": "enabled", "action": "flag" })
            }
            AuditAction::ScreeningRuleApplied => {
                json!({ "name": "叠字昵称", "matched": 5, "decided": 3 })
            }
        };
        event(a, detail)
    }

    const ALL: [AuditAction; 19] = [
        AuditAction::BrandCreated,
        AuditAction::RegionCreated,
        AuditAction::RegionUpdated,
        AuditAction::StoreCreated,
        AuditAction::StoreUpdated,
        AuditAction::StaffCreated,
        AuditAction::StaffUpdated,
        AuditAction::StaffPasswordReset,
        AuditAction::PasswordChanged,
        AuditAction::TokenCreated,
        AuditAction::TokenRevoked,
        AuditAction::CommunityCreated,
        AuditAction::CommunityUpdated,
        AuditAction::StaffHandover,
        AuditAction::CustomerExported,
        AuditAction::CustomerErased,
        AuditAction::CustomerPhoneRevealed,
        AuditAction::ScreeningRuleSaved,
        AuditAction::ScreeningRuleApplied,
    ];

    #[test]
    fn every_action_reads_as_a_sentence_in_both_languages() {
        let expected: [(&str, &str); 19] = [
            (
                "张三 创建了品牌 演示品牌（demo）",
                "张三 created brand 演示品牌 (demo)",
            ),
            ("张三 新增了大区 华西大区", "张三 added region 华西大区"),
            (
                "张三 停用了大区 华西大区",
                "张三 deactivated region 华西大区",
            ),
            (
                "张三 新增了门店 上海南京西路店（SH-001），属于华东大区",
                "张三 added store 上海南京西路店 (SH-001) in 华东大区",
            ),
            (
                "张三 把门店 上海南京西路店（SH-001）从华东大区移到华南大区",
                "张三 moved store 上海南京西路店 (SH-001) from 华东大区 to 华南大区",
            ),
            (
                "张三 新增了员工 李四（li@x.com），任上海南京西路店（SH-001）的导购",
                "张三 added staff member 李四 (li@x.com) as shop guide at 上海南京西路店 (SH-001)",
            ),
            (
                "张三 停用了员工 李四（li@x.com）",
                "张三 deactivated staff member 李四 (li@x.com)",
            ),
            ("张三 重置了 李四 的密码", "张三 reset the password of 李四"),
            ("张三 修改了自己的密码", "张三 changed their own password"),
            ("张三 创建了令牌 “ci”", "张三 created API token “ci”"),
            ("张三 吊销了令牌 “ci”", "张三 revoked API token “ci”"),
            (
                "张三 新增了社群 宝妈福利群（上海南京西路店）",
                "张三 added community 宝妈福利群 (上海南京西路店)",
            ),
            (
                "张三 修改了社群 宝妈福利群（上海南京西路店）：类型从福利群改为教程群，人数上限从500改为300",
                "张三 updated community 宝妈福利群 (上海南京西路店): kind changed from discount to tutorial, capacity changed from 500 to 300",
            ),
            (
                "张三 把 李四 的 3 个社群和 12 位顾客交接给了 王五",
                "张三 handed 李四's 3 communities and 12 customers over to 王五",
            ),
            (
                "张三 导出了顾客 #14 的个人信息",
                "张三 exported the personal data of customer #14",
            ),
            (
                "张三 删除了顾客 #14 的个人信息",
                "张三 erased the personal data of customer #14",
            ),
            (
                "张三 查看了顾客 #14 的完整手机号",
                "张三 viewed the whole phone number of customer #14",
            ),
            (
                "张三 启用了筛选规则 “叠字昵称”",
                "张三 enabled screening rule “叠字昵称”",
            ),
            (
                "张三 把筛选规则 “叠字昵称” 用于现有成员：命中 5 人，新记录 3 条",
                "张三 applied screening rule “叠字昵称” to current members: 5 matched, 3 decisions recorded",
            ),
        ];
        for (a, (zh, en)) in ALL.into_iter().zip(expected) {
            let e = sample(a);
            assert_eq!(both(&e), (zh.to_owned(), en.to_owned()), "{}", a.as_str());
        }
    }

    #[test]
    fn no_sentence_shows_the_action_name_raw_json_or_an_id_when_names_are_there() {
        for a in ALL {
            let e = sample(a);
            for lang in [Lang::Zh, Lang::En] {
                let s = sentence(lang, &e);
                assert!(!s.contains(a.as_str()), "{s}");
                // Customers are named by id on purpose: their names are personal data.
                let by_id = a.subject() == "customer";
                assert!(
                    !s.contains('{') && !s.contains('"') && (by_id || !s.contains('#')),
                    "{s}"
                );
                assert!(!s.contains("null") && !s.contains("_"), "{s}");
            }
        }
    }

    #[test]
    fn operator_commands_are_by_the_system() {
        let e = row(
            "staff.created",
            "staff",
            None,
            json!({ "display_name": "管理员", "email": "admin@x.com", "role": "brand_admin",
                    "region": null, "store": null }),
        );
        assert_eq!(
            both(&e),
            (
                "系统 新增了员工 管理员（admin@x.com），角色为品牌管理员".to_owned(),
                "System added staff member 管理员 (admin@x.com) as brand admin".to_owned()
            )
        );
        let brand = row(
            "brand.created",
            "brand",
            None,
            json!({ "slug": "demo", "name": "演示" }),
        );
        assert_eq!(sentence(Lang::Zh, &brand), "系统 创建了品牌 演示（demo）");
        assert_eq!(
            sentence(Lang::En, &brand),
            "System created brand 演示 (demo)"
        );
    }

    #[test]
    fn region_renames_and_several_changes() {
        says(
            AuditAction::RegionUpdated,
            json!({ "name": "华东一区", "changes": { "name": ["华东大区", "华东一区"] } }),
            "张三 把大区 华东大区 改名为 华东一区",
            "张三 renamed region 华东大区 to 华东一区",
        );
        says(
            AuditAction::RegionUpdated,
            json!({ "name": "华西大区", "changes": { "active": [false, true] } }),
            "张三 启用了大区 华西大区",
            "张三 reactivated region 华西大区",
        );
        says(
            AuditAction::RegionUpdated,
            json!({ "name": "华西一区", "changes": { "name": ["华西大区", "华西一区"], "active": [true, false] } }),
            "张三 修改了大区 华西一区：名称从华西大区改为华西一区，状态从启用改为停用",
            "张三 updated region 华西一区: name changed from 华西大区 to 华西一区, status changed from active to inactive",
        );
    }

    #[test]
    fn a_store_update_lists_each_change() {
        says(
            AuditAction::StoreUpdated,
            json!({
                "code": "SH-001", "name": "上海旗舰店", "region": "华东大区",
                "changes": { "address": ["旧地址", "南京西路 1 号"], "name": ["上海南京西路店", "上海旗舰店"] },
            }),
            "张三 修改了门店 SH-001：名称从上海南京西路店改为上海旗舰店，地址改为南京西路 1 号",
            "张三 updated store SH-001: name changed from 上海南京西路店 to 上海旗舰店, address changed to 南京西路 1 号",
        );
        says(
            AuditAction::StoreUpdated,
            json!({
                "code": "SH-001", "name": "上海南京西路店", "region": "华南大区",
                "changes": { "region": ["华东大区", "华南大区"], "active": [true, false], "address": ["某路 1 号", ""] },
            }),
            "张三 修改了门店 上海南京西路店（SH-001）：大区从华东大区改为华南大区，清空了地址，状态从营业中改为已停用",
            "张三 updated store 上海南京西路店 (SH-001): region changed from 华东大区 to 华南大区, address cleared, status changed from open to closed",
        );
        says(
            AuditAction::StoreUpdated,
            json!({ "code": "SH-001", "name": "上海南京西路店", "changes": { "active": [true, false] } }),
            "张三 停用了门店 上海南京西路店（SH-001）",
            "张三 closed store 上海南京西路店 (SH-001)",
        );
        says(
            AuditAction::StoreUpdated,
            json!({ "code": "SH-001", "name": "上海南京西路店", "changes": { "active": [false, true] } }),
            "张三 恢复了门店 上海南京西路店（SH-001）的营业",
            "张三 reopened store 上海南京西路店 (SH-001)",
        );
        says(
            AuditAction::StoreUpdated,
            json!({ "code": "SH-001", "name": "上海南京西路店", "changes": {} }),
            "张三 保存了门店 上海南京西路店（SH-001），未做改动",
            "张三 saved store 上海南京西路店 (SH-001) without changes",
        );
    }

    #[test]
    fn staff_role_changes_and_transfers() {
        says(
            AuditAction::StaffUpdated,
            json!({
                "display_name": "李四", "email": "li@x.com", "role": "store_manager",
                "region": null, "store": { "code": "SH-001", "name": "上海南京西路店" },
                "changes": { "role": ["shop_guide", "store_manager"] },
            }),
            "张三 把 李四 的角色从导购改为店长",
            "张三 changed the role of 李四 from shop guide to store manager",
        );
        says(
            AuditAction::StaffUpdated,
            json!({
                "display_name": "李四", "email": "li@x.com", "role": "shop_guide",
                "region": null, "store": { "code": "HZ-001", "name": "杭州湖滨店" },
                "changes": { "store": [
                    { "code": "SH-001", "name": "上海南京西路店" },
                    { "code": "HZ-001", "name": "杭州湖滨店" },
                ] },
            }),
            "张三 把员工 李四（li@x.com）从上海南京西路店（SH-001）调到杭州湖滨店（HZ-001）",
            "张三 transferred staff member 李四 (li@x.com) from 上海南京西路店 (SH-001) to 杭州湖滨店 (HZ-001)",
        );
        says(
            AuditAction::StaffUpdated,
            json!({
                "display_name": "李四", "email": "li@x.com", "role": "region_manager",
                "region": "华东大区", "store": null,
                "changes": {
                    "role": ["store_manager", "region_manager"],
                    "region": [null, "华东大区"],
                    "store": [{ "code": "SH-001", "name": "上海南京西路店" }, null],
                },
            }),
            "张三 修改了员工 李四（li@x.com）：角色从店长改为大区经理，大区设为华东大区，门店已清除（原为上海南京西路店（SH-001））",
            "张三 updated staff member 李四 (li@x.com): role changed from store manager to region manager, region set to 华东大区, store removed (was 上海南京西路店 (SH-001))",
        );
        says(
            AuditAction::StaffUpdated,
            json!({ "display_name": "李四", "email": "li@x.com", "changes": { "active": [false, true] } }),
            "张三 重新启用了员工 李四（li@x.com）",
            "张三 reactivated staff member 李四 (li@x.com)",
        );
        says(
            AuditAction::StaffUpdated,
            json!({ "display_name": "李小四", "email": "li@x.com", "changes": { "display_name": ["李四", "李小四"] } }),
            "张三 把员工 李四 改名为 李小四",
            "张三 renamed staff member 李四 to 李小四",
        );
        let region_manager = event(
            AuditAction::StaffCreated,
            json!({ "display_name": "王五", "email": "wang@x.com", "role": "region_manager",
                    "region": "华东大区", "store": null }),
        );
        assert_eq!(
            both(&region_manager),
            (
                "张三 新增了员工 王五（wang@x.com），任华东大区的大区经理".to_owned(),
                "张三 added staff member 王五 (wang@x.com) as region manager of 华东大区"
                    .to_owned()
            )
        );
    }

    /// Events recorded before the detail named things and said what changed.
    #[test]
    fn old_events_still_read_as_sentences() {
        says(
            AuditAction::StoreUpdated,
            json!({ "code": "SH-001", "name": "上海南京西路店", "address": "", "region_id": 2, "active": true }),
            "张三 修改了门店 上海南京西路店（SH-001）",
            "张三 updated store 上海南京西路店 (SH-001)",
        );
        let created = event(
            AuditAction::StoreCreated,
            json!({ "code": "SH-001", "name": "上海南京西路店", "address": "", "region_id": 2 }),
        );
        assert_eq!(
            sentence(Lang::Zh, &created),
            "张三 新增了门店 上海南京西路店（SH-001）"
        );
        says(
            AuditAction::RegionUpdated,
            json!({ "name": "华东大区", "active": false }),
            "张三 修改了大区 华东大区",
            "张三 updated region 华东大区",
        );
        says(
            AuditAction::StaffUpdated,
            json!({ "display_name": "李四", "role": "shop_guide", "active": false, "region_id": null, "store_id": 14 }),
            "张三 修改了员工 李四",
            "张三 updated staff member 李四",
        );
        says(
            AuditAction::StaffCreated,
            json!({ "display_name": "李四", "role": "shop_guide" }),
            "张三 新增了员工 李四，角色为导购",
            "张三 added staff member 李四 as shop guide",
        );
        let reset = event(AuditAction::StaffPasswordReset, json!({}));
        assert_eq!(
            both(&reset),
            (
                "张三 重置了 员工 #14 的密码".to_owned(),
                "张三 reset the password of staff member #14".to_owned()
            )
        );
        // A detail that is not JSON at all still gives a sentence, never the raw text.
        let mut broken = event(AuditAction::TokenRevoked, json!({}));
        broken.detail = "not json {".to_owned();
        assert_eq!(sentence(Lang::Zh, &broken), "张三 吊销了令牌 #14");
        assert_eq!(sentence(Lang::En, &broken), "张三 revoked API token #14");
    }

    #[test]
    fn an_unknown_action_still_names_its_subject() {
        let e = row(
            "store.archived",
            "store",
            Some("张三"),
            json!({ "name": "上海南京西路店" }),
        );
        assert_eq!(
            sentence(Lang::Zh, &e),
            "张三 对门店 上海南京西路店 执行了 store.archived"
        );
        assert_eq!(
            sentence(Lang::En, &e),
            "张三 did store.archived on store 上海南京西路店"
        );
    }
}
