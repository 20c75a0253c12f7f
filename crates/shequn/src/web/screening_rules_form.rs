//! The rule form of `/screening`: new (`/screening/new`) and edit (`/screening/{id}/edit`),
//! for brand admins; and 先试运行 (`/screening/dry-run`), the dry run of what the form
//! holds without saving it, shown under the same form so the admin can change it and try
//! again or save.
//!
//! The form has a name, an action and condition rows (at least [`MIN_ROWS`], as many as
//! the rule has), each a kind and a value: text for the nickname kinds, codes or words for
//! channels and tiers, a whole number for the counts. A row the page can read wrongly is
//! refused beside the row; what the use case refuses (a bad pattern, no condition) beside
//! the conditions.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use shequn_app::AppError;
use shequn_app::usecases::screening::{self, RuleInput, Trial};
use shequn_domain::{Action, Channel, Condition, Reason, Rule, Tier};

use super::{ADMINS_ONLY, Choice, DryRunView, NAV, RULES_PATH, can_write, dry_view, fill_in};
use crate::http::state::AppState;
use crate::web::chrome::{Chrome, failure_page, render};
use crate::web::error_text::reason_text;
use crate::web::form::{FormState, REFUSED, form_failed};
use crate::web::i18n::{Lang, Text};
use crate::web::session::Console;

pub(super) const NEW_PATH: &str = "/screening/new";
pub(super) const DRY_RUN_PATH: &str = "/screening/dry-run";

/// The inputs of the condition rows: one kind select and one value input a row, as many
/// as a rule may have conditions (`shequn_domain::screening::MAX_CONDITIONS`).
static KIND_FIELDS: [&str; 8] = [
    "kind_0", "kind_1", "kind_2", "kind_3", "kind_4", "kind_5", "kind_6", "kind_7",
];
static VALUE_FIELDS: [&str; 8] = [
    "value_0", "value_1", "value_2", "value_3", "value_4", "value_5", "value_6", "value_7",
];
/// How many condition rows the form always has.
const MIN_ROWS: usize = 4;

/// The kinds of condition, in the order the select offers them.
static KINDS: [&str; 10] = [
    "tier_in",
    "channel_in",
    "nickname_prefix",
    "nickname_suffix",
    "nickname_regex",
    "nickname_reduplicated",
    "avatar_flagged",
    "account_younger_than_days",
    "joins_in_day_at_least",
    "links_posted_at_least",
];

/// The bounds of the counts, as the domain checks them.
const MAX_DAYS: i64 = 3650;
const MAX_COUNT: i64 = 1000;

/// One condition row of the form: the names of its two inputs.
struct Row {
    kind: &'static str,
    value: &'static str,
    /// 1 for the first row.
    n: usize,
}

/// The rows of `form`: those it declares, at least [`MIN_ROWS`].
fn rows_of(form: &FormState) -> Vec<Row> {
    let declared = KIND_FIELDS.iter().filter(|&&k| form.has_input(k)).count();
    (0..declared.clamp(MIN_ROWS, KIND_FIELDS.len()))
        .map(|i| Row {
            kind: KIND_FIELDS[i],
            value: VALUE_FIELDS[i],
            n: i + 1,
        })
        .collect()
}

fn kind_choices(t: &'static Text) -> Vec<Choice> {
    KINDS
        .iter()
        .map(|&k| Choice {
            value: k,
            label: t.screening.kind_name(k),
        })
        .collect()
}

fn action_choices(t: &'static Text) -> Vec<Choice> {
    Action::ALL
        .iter()
        .map(|a| Choice {
            value: a.as_str(),
            label: t.screening.action_name(a.as_str()),
        })
        .collect()
}

fn channel_word(t: &'static Text, code: &str) -> &'static str {
    t.customers.channel_name(code)
}

fn tier_word(t: &'static Text, code: &str) -> &'static str {
    t.customers.tier_name(code)
}

/// The codes a list condition takes, with their words: 「fission_poster 裂变海报、…」.
fn codes_hint<T: Copy>(
    t: &'static Text,
    all: &[T],
    code: fn(T) -> &'static str,
    word: fn(&'static Text, &str) -> &'static str,
) -> String {
    all.iter()
        .map(|x| format!("{} {}", code(*x), word(t, code(*x))))
        .collect::<Vec<_>>()
        .join(t.screening.list_separator)
}

/// What a condition's value input shows for a stored condition.
fn condition_value(c: &Condition) -> String {
    match c {
        Condition::NicknamePrefix { value }
        | Condition::NicknameSuffix { value }
        | Condition::NicknameRegex { value } => value.clone(),
        Condition::NicknameReduplicated | Condition::AvatarFlagged => String::new(),
        Condition::ChannelIn { values } => values
            .iter()
            .map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        Condition::TierIn { values } => values
            .iter()
            .map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        Condition::AccountYoungerThanDays { value }
        | Condition::JoinsInDayAtLeast { value }
        | Condition::LinksPostedAtLeast { value } => value.to_string(),
    }
}

/// The codes (or words, in either language) of a list condition, separated by commas,
/// 、 or spaces; a word the page does not know is said beside the row.
fn pick<T: Copy + PartialEq>(
    lang: Lang,
    raw: &str,
    all: &[T],
    code: fn(T) -> &'static str,
    word: fn(&'static Text, &str) -> &'static str,
) -> Result<Vec<T>, String> {
    let mut picked: Vec<T> = Vec::new();
    let mut unknown: Vec<&str> = Vec::new();
    let tokens = raw
        .split([',', '，', '、', ';', '；', ' ', '\u{3000}'])
        .map(str::trim)
        .filter(|s| !s.is_empty());
    for token in tokens {
        let found = all.iter().copied().find(|x| {
            code(*x).eq_ignore_ascii_case(token)
                || [Lang::Zh, Lang::En]
                    .iter()
                    .any(|l| word(l.text(), code(*x)) == token)
        });
        match found {
            Some(x) if !picked.contains(&x) => picked.push(x),
            Some(_) => {}
            None => unknown.push(token),
        }
    }
    let t = lang.text();
    if !unknown.is_empty() {
        let listed = unknown.join(t.screening.list_separator);
        return Err(fill_in(
            t.screening.unknown_codes,
            &[("{value}", listed.as_str())],
        ));
    }
    if picked.is_empty() {
        return Err(reason_text(lang, &Reason::Required));
    }
    Ok(picked)
}

/// A count from 1 to `max`; anything else is refused in the page's language.
fn whole_number(lang: Lang, raw: &str, max: i64) -> Result<i64, String> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| (1..=max).contains(n))
        .ok_or_else(|| reason_text(lang, &Reason::OutOfRange { min: 1, max }))
}

/// What row `i` of the form says: nothing (its kind is “—”), a condition, or the input at
/// fault and why.
fn read_row(
    lang: Lang,
    i: usize,
    kind: &str,
    raw: &str,
) -> Result<Option<Condition>, (&'static str, String)> {
    let at_value = |message: String| (VALUE_FIELDS[i], message);
    let value = raw.trim();
    let text = || {
        if value.is_empty() {
            Err(at_value(reason_text(lang, &Reason::Required)))
        } else {
            Ok(value.to_owned())
        }
    };
    let condition = match kind.trim() {
        "" => return Ok(None),
        "nickname_prefix" => Condition::NicknamePrefix { value: text()? },
        "nickname_suffix" => Condition::NicknameSuffix { value: text()? },
        // A pattern is taken as typed: its spaces may matter.
        "nickname_regex" => {
            if raw.is_empty() {
                return Err(at_value(reason_text(lang, &Reason::Required)));
            }
            Condition::NicknameRegex {
                value: raw.to_owned(),
            }
        }
        "nickname_reduplicated" => Condition::NicknameReduplicated,
        "avatar_flagged" => Condition::AvatarFlagged,
        "channel_in" => Condition::ChannelIn {
            values: pick(lang, value, Channel::ALL, Channel::as_str, channel_word)
                .map_err(at_value)?,
        },
        "tier_in" => Condition::TierIn {
            values: pick(lang, value, Tier::ALL, Tier::as_str, tier_word).map_err(at_value)?,
        },
        "account_younger_than_days" => Condition::AccountYoungerThanDays {
            value: whole_number(lang, value, MAX_DAYS).map_err(at_value)?,
        },
        "joins_in_day_at_least" => Condition::JoinsInDayAtLeast {
            value: whole_number(lang, value, MAX_COUNT).map_err(at_value)?,
        },
        "links_posted_at_least" => Condition::LinksPostedAtLeast {
            value: whole_number(lang, value, MAX_COUNT).map_err(at_value)?,
        },
        _ => {
            return Err((
                KIND_FIELDS[i],
                reason_text(lang, &Reason::NotOneOf("condition")),
            ));
        }
    };
    Ok(Some(condition))
}

/// The rule form as it was sent.
struct Sent {
    name: String,
    action: String,
    /// The kind and value of each row sent, in order.
    rows: Vec<(String, String)>,
    /// The rule being edited, 0 for a new one (so 先试运行 comes back to the right form).
    rule_id: i64,
}

fn sent(pairs: &[(String, String)]) -> Sent {
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, v)| v.clone())
    };
    let declared = KIND_FIELDS
        .iter()
        .filter(|&&k| get(k).is_some())
        .count()
        .max(MIN_ROWS);
    let rows = (0..declared)
        .map(|i| {
            (
                get(KIND_FIELDS[i]).unwrap_or_default(),
                get(VALUE_FIELDS[i]).unwrap_or_default(),
            )
        })
        .collect();
    Sent {
        name: get("name").unwrap_or_default(),
        action: get("action").unwrap_or_default(),
        rows,
        rule_id: get("rule_id")
            .and_then(|s| s.trim().parse::<i64>().ok())
            .filter(|n| *n > 0)
            .unwrap_or(0),
    }
}

/// The form showing what was sent.
fn typed(s: &Sent) -> FormState {
    let mut form = FormState::new()
        .with("name", s.name.clone())
        .with("action", s.action.clone())
        // Not an input: where the use case's refusals of the conditions show.
        .with("conditions", "");
    for (i, (kind, value)) in s.rows.iter().enumerate() {
        form = form
            .with(KIND_FIELDS[i], kind.clone())
            .with(VALUE_FIELDS[i], value.clone());
    }
    form
}

/// The form showing a stored rule.
fn stored(rule: &Rule) -> FormState {
    let mut form = FormState::new()
        .with("name", rule.name.clone())
        .with("action", rule.action.as_str())
        .with("conditions", "");
    let rows = rule.conditions.len().clamp(MIN_ROWS, KIND_FIELDS.len());
    let inputs = KIND_FIELDS.iter().zip(VALUE_FIELDS.iter()).take(rows);
    for (i, (&kind_field, &value_field)) in inputs.enumerate() {
        let (kind, value) = match rule.conditions.get(i) {
            Some(c) => (c.kind(), condition_value(c)),
            None => ("", String::new()),
        };
        form = form.with(kind_field, kind).with(value_field, value);
    }
    form
}

/// A new rule's form: it flags for review until the admin chooses otherwise.
fn empty() -> FormState {
    let mut form = FormState::new()
        .with("name", "")
        .with("action", Action::Flag.as_str())
        .with("conditions", "");
    for (&kind, &value) in KIND_FIELDS.iter().zip(VALUE_FIELDS.iter()).take(MIN_ROWS) {
        form = form.with(kind, "").with(value, "");
    }
    form
}

/// The conditions of the sent rows, or the message beside each row at fault.
fn read_conditions(lang: Lang, s: &Sent) -> Result<Vec<Condition>, Vec<(&'static str, String)>> {
    let mut conditions = Vec::new();
    let mut errors = Vec::new();
    for (i, (kind, value)) in s.rows.iter().enumerate() {
        match read_row(lang, i, kind, value) {
            Ok(Some(c)) => conditions.push(c),
            Ok(None) => {}
            Err(at) => errors.push(at),
        }
    }
    if errors.is_empty() {
        Ok(conditions)
    } else {
        Err(errors)
    }
}

#[derive(Template)]
#[template(path = "screening/rule_form.html")]
struct RuleFormPage {
    c: Chrome,
    /// 新建规则 or 编辑规则.
    heading: &'static str,
    /// Where 保存 sends the form.
    post_to: String,
    /// The rule edited, 0 for a new one.
    rule_id: i64,
    form: FormState,
    rows: Vec<Row>,
    kinds: Vec<Choice>,
    actions: Vec<Choice>,
    /// The codes channel and tier conditions take, with their words.
    channel_codes: String,
    tier_codes: String,
    /// 先试运行: what the draft caught, under the form.
    dry: Option<DryRunView>,
}

async fn show_form(
    console: &Console,
    c: Chrome,
    status: StatusCode,
    rule_id: i64,
    form: FormState,
    dry: Option<DryRunView>,
) -> Response {
    let t = console.lang.text();
    let (heading, post_to) = if rule_id == 0 {
        (t.screening.new_rule, NEW_PATH.to_owned())
    } else {
        (t.screening.edit_rule, format!("/screening/{rule_id}/edit"))
    };
    render(
        status,
        &RuleFormPage {
            c,
            heading,
            post_to,
            rule_id,
            rows: rows_of(&form),
            form,
            kinds: kind_choices(t),
            actions: action_choices(t),
            channel_codes: codes_hint(t, Channel::ALL, Channel::as_str, channel_word),
            tier_codes: codes_hint(t, Tier::ALL, Tier::as_str, tier_word),
            dry,
        },
    )
}

pub(super) async fn new_rule(console: Console) -> Response {
    if !can_write(&console) {
        return failure_page(&console, AppError::Forbidden(ADMINS_ONLY));
    }
    let c = Chrome::for_console(&console, NAV);
    show_form(&console, c, StatusCode::OK, 0, empty(), None).await
}

pub(super) async fn edit_rule(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<i64>,
) -> Response {
    // Another brand's rule is not found before anything else is said about it.
    let rule = match screening::rule(&state.db, &console.actor, id).await {
        Ok(rule) => rule,
        Err(e) => return failure_page(&console, e),
    };
    if !can_write(&console) {
        return failure_page(&console, AppError::Forbidden(ADMINS_ONLY));
    }
    let c = Chrome::for_console(&console, NAV);
    show_form(&console, c, StatusCode::OK, id, stored(&rule), None).await
}

pub(super) async fn create_rule(
    State(state): State<AppState>,
    console: Console,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    save(&state, &console, None, sent(&pairs)).await
}

pub(super) async fn update_rule(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    save(&state, &console, Some(id), sent(&pairs)).await
}

/// Saves a new rule (`id` None) or the rule `id`; back to the rules with a message naming
/// it, or the form again with what was typed and the message beside the input at fault.
async fn save(state: &AppState, console: &Console, id: Option<i64>, s: Sent) -> Response {
    if !can_write(console) {
        return failure_page(console, AppError::Forbidden(ADMINS_ONLY));
    }
    let lang = console.lang;
    let rule_id = id.unwrap_or(0);
    let mut form = typed(&s);
    let conditions = match read_conditions(lang, &s) {
        Ok(conditions) => conditions,
        Err(errors) => {
            form.errors.extend(errors);
            let c = Chrome::for_console(console, NAV);
            return show_form(console, c, REFUSED, rule_id, form, None).await;
        }
    };
    let input = RuleInput {
        name: s.name,
        conditions,
        action: s.action,
    };
    let saved = match id {
        None => screening::create_rule(&state.db, &console.actor, input).await,
        Some(id) => screening::update_rule(&state.db, &console.actor, id, input).await,
    };
    match saved {
        Ok(rule) => {
            let t = lang.text();
            let said = if id.is_none() {
                t.screening.done_created
            } else {
                t.screening.done_saved
            };
            console.done(RULES_PATH, t.fill(said, &rule.name, ""))
        }
        Err(e) => {
            form_failed(console, NAV, e, form, |c, form| {
                show_form(console, c, REFUSED, rule_id, form, None)
            })
            .await
        }
    }
}

/// 先试运行: the dry run of the form's rule, saving nothing; the form again above what it
/// caught.
pub(super) async fn dry_run_draft(
    State(state): State<AppState>,
    console: Console,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let lang = console.lang;
    let s = sent(&pairs);
    let rule_id = s.rule_id;
    let mut form = typed(&s);
    let conditions = match read_conditions(lang, &s) {
        Ok(conditions) => conditions,
        Err(errors) => {
            form.errors.extend(errors);
            let c = Chrome::for_console(&console, NAV);
            return show_form(&console, c, REFUSED, rule_id, form, None).await;
        }
    };
    let input = RuleInput {
        name: s.name,
        conditions,
        action: s.action,
    };
    match screening::dry_run(&state.db, &console.actor, Trial::Draft(input)).await {
        Ok(run) => {
            let c = Chrome::for_console(&console, NAV);
            let dry = dry_view(lang, &run);
            show_form(&console, c, StatusCode::OK, rule_id, form, Some(dry)).await
        }
        Err(e) => {
            form_failed(&console, NAV, e, form, |c, form| {
                show_form(&console, c, REFUSED, rule_id, form, None)
            })
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn rows_become_conditions_and_unused_rows_are_skipped() {
        let s = sent(&pairs(&[
            ("name", "海报新人"),
            ("action", "hold"),
            ("kind_0", "channel_in"),
            ("value_0", "fission_poster，好友邀请"),
            ("kind_1", ""),
            ("value_1", "left over"),
            ("kind_2", "joins_in_day_at_least"),
            ("value_2", " 3 "),
            ("kind_3", "nickname_reduplicated"),
            ("value_3", ""),
        ]));
        assert_eq!(s.rows.len(), 4);
        assert_eq!(s.rule_id, 0);
        let conditions = read_conditions(Lang::Zh, &s).expect("readable");
        assert_eq!(
            conditions,
            vec![
                Condition::ChannelIn {
                    values: vec![Channel::FissionPoster, Channel::FriendInvite]
                },
                Condition::JoinsInDayAtLeast { value: 3 },
                Condition::NicknameReduplicated,
            ]
        );
    }

    #[test]
    fn a_row_the_page_cannot_read_is_refused_beside_it() {
        let s = sent(&pairs(&[
            ("kind_0", "links_posted_at_least"),
            ("value_0", "三"),
            ("kind_1", "tier_in"),
            ("value_1", "weak lukewarm"),
            ("kind_2", "nickname_prefix"),
            ("value_2", "  "),
        ]));
        let errors = read_conditions(Lang::Zh, &s).expect_err("refused");
        assert_eq!(
            errors,
            vec![
                ("value_0", "需在 1 到 1000 之间".to_owned()),
                ("value_1", "无法识别：lukewarm".to_owned()),
                ("value_2", "不能为空".to_owned()),
            ]
        );
    }

    #[test]
    fn a_stored_rule_fills_the_form_and_reads_back_the_same() {
        let rule = Rule {
            id: 7,
            name: "叠字".to_owned(),
            conditions: vec![
                Condition::TierIn {
                    values: vec![Tier::Weak, Tier::Intent],
                },
                Condition::NicknameRegex {
                    value: "^A ".to_owned(),
                },
            ],
            action: Action::Remove,
            enabled: true,
            preset: None,
            created_at: 0,
            updated_at: 0,
        };
        let form = stored(&rule);
        assert_eq!(form.value("kind_0"), "tier_in");
        assert_eq!(form.value("value_0"), "weak, intent");
        assert_eq!(form.value("action"), "remove");
        assert_eq!(rows_of(&form).len(), MIN_ROWS);
        let mut sent_back: Vec<(String, String)> = Vec::new();
        for name in ["name", "action"]
            .into_iter()
            .chain(KIND_FIELDS.into_iter().take(MIN_ROWS))
            .chain(VALUE_FIELDS.into_iter().take(MIN_ROWS))
        {
            sent_back.push((name.to_owned(), form.value(name).to_owned()));
        }
        let again = read_conditions(Lang::En, &sent(&sent_back)).expect("readable");
        assert_eq!(again, rule.conditions);
    }
}
