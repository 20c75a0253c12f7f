//! `/screening` (入群筛选): rules, dry runs, the decisions queue and removal tasks.
//! `{name}` in a question or a done-message is a rule's name or a member's nickname, and
//! `{code}` a community's name (see [`super::Text::fill`]). The sentences of conditions and
//! evidence hold `{value}` (what the rule says) and `{saw}` (what was seen), filled in by
//! the page family.

pub struct Screening {
    /// The nav item and the rules page's title.
    pub title: &'static str,
    pub intro: &'static str,
    pub read_only: &'static str,
    pub rules: &'static str,
    pub new_rule: &'static str,
    pub edit_rule: &'static str,
    pub preset: &'static str,
    pub conditions: &'static str,
    pub conditions_hint: &'static str,
    /// A condition row's label: `condition` 1.
    pub condition: &'static str,
    pub value: &'static str,
    /// The empty choice of a condition row: the row is not used.
    pub unused: &'static str,
    pub codes_intro: &'static str,
    pub channel_codes: &'static str,
    pub tier_codes: &'static str,
    /// Said beside a list of codes with words it does not know: `{value}` lists them.
    pub unknown_codes: &'static str,
    /// Between the items of a list of codes and of unknown words.
    pub list_separator: &'static str,
    /// Between the channels or tiers a condition accepts (any of them).
    pub any_of: &'static str,
    /// Around each condition of a rule in the list, and between them.
    pub quote_open: &'static str,
    pub quote_close: &'static str,
    pub and: &'static str,
    /// Between the evidence sentences of one member.
    pub evidence_separator: &'static str,
    /// The kinds of condition, as the form's select offers them.
    pub kind_nickname_prefix: &'static str,
    pub kind_nickname_suffix: &'static str,
    pub kind_nickname_regex: &'static str,
    pub kind_nickname_reduplicated: &'static str,
    pub kind_avatar_flagged: &'static str,
    pub kind_channel_in: &'static str,
    pub kind_tier_in: &'static str,
    pub kind_account_younger_than_days: &'static str,
    pub kind_joins_in_day_at_least: &'static str,
    pub kind_links_posted_at_least: &'static str,
    /// A rule's conditions as the rules list words them (`{value}`).
    pub cond_nickname_prefix: &'static str,
    pub cond_nickname_suffix: &'static str,
    pub cond_nickname_regex: &'static str,
    pub cond_nickname_reduplicated: &'static str,
    pub cond_avatar_flagged: &'static str,
    pub cond_channel_in: &'static str,
    pub cond_tier_in: &'static str,
    pub cond_account_younger_than_days: &'static str,
    pub cond_joins_in_day_at_least: &'static str,
    pub cond_links_posted_at_least: &'static str,
    /// Why a condition held (`{saw}`, `{value}`).
    pub ev_nickname_prefix: &'static str,
    pub ev_nickname_suffix: &'static str,
    pub ev_nickname_regex: &'static str,
    pub ev_nickname_reduplicated: &'static str,
    pub ev_avatar_flagged: &'static str,
    pub ev_channel_in: &'static str,
    pub ev_tier_in: &'static str,
    pub ev_account_younger_than_days: &'static str,
    pub ev_joins_in_day_at_least: &'static str,
    pub ev_links_posted_at_least: &'static str,
    pub action: &'static str,
    pub action_flag: &'static str,
    pub action_hold: &'static str,
    pub action_remove: &'static str,
    pub action_blacklist: &'static str,
    pub enabled: &'static str,
    pub disabled: &'static str,
    pub enable: &'static str,
    pub disable: &'static str,
    pub dry_run: &'static str,
    /// The form's second button: a dry run of what was typed, without saving it.
    pub try_first: &'static str,
    pub apply: &'static str,
    pub dry_run_intro: &'static str,
    /// `{checked}` members looked at, `{matched}` caught.
    pub dry_run_summary: &'static str,
    /// Under a sample cut short: `{count}` listed.
    pub dry_run_sample_note: &'static str,
    pub draft_not_saved: &'static str,
    pub none_matched: &'static str,
    pub member: &'static str,
    pub evidence: &'static str,
    pub rule: &'static str,
    pub decided_at: &'static str,
    /// The decisions queue: its title and the link to it.
    pub decisions: &'static str,
    pub decision_open: &'static str,
    pub decision_cleared: &'static str,
    pub decision_confirmed: &'static str,
    pub clear: &'static str,
    pub confirm: &'static str,
    pub undo: &'static str,
    /// Removal tasks: the title and the link to them.
    pub tasks: &'static str,
    pub tasks_intro: &'static str,
    pub community: &'static str,
    pub task_open: &'static str,
    pub task_done: &'static str,
    pub task_cancelled: &'static str,
    pub done_at: &'static str,
    pub mark_done: &'static str,
    pub only_mine: &'static str,
    pub confirm_enable: &'static str,
    pub confirm_apply: &'static str,
    pub confirm_confirm: &'static str,
    pub confirm_undo_blacklist: &'static str,
    pub confirm_undo_remove: &'static str,
    pub confirm_mark_done: &'static str,
    pub done_created: &'static str,
    pub done_saved: &'static str,
    pub done_enabled: &'static str,
    pub done_disabled: &'static str,
    /// `{name}`, `{matched}`, `{decided}`, `{tasks}`.
    pub done_applied: &'static str,
    pub done_cleared: &'static str,
    pub done_confirmed: &'static str,
    pub done_task: &'static str,
}

impl Screening {
    /// A kind of condition's words, from its stored form (`Condition::kind`).
    pub fn kind_name(&self, kind: &str) -> &'static str {
        match kind {
            "nickname_prefix" => self.kind_nickname_prefix,
            "nickname_suffix" => self.kind_nickname_suffix,
            "nickname_regex" => self.kind_nickname_regex,
            "nickname_reduplicated" => self.kind_nickname_reduplicated,
            "avatar_flagged" => self.kind_avatar_flagged,
            "channel_in" => self.kind_channel_in,
            "tier_in" => self.kind_tier_in,
            "account_younger_than_days" => self.kind_account_younger_than_days,
            "joins_in_day_at_least" => self.kind_joins_in_day_at_least,
            _ => self.kind_links_posted_at_least,
        }
    }

    /// An action's word, from its stored form (`Action::as_str`).
    pub fn action_name(&self, action: &str) -> &'static str {
        match action {
            "flag" => self.action_flag,
            "hold" => self.action_hold,
            "remove" => self.action_remove,
            _ => self.action_blacklist,
        }
    }

    /// A decision's status word, from its stored form (`DecisionStatus::as_str`).
    pub fn decision_status_name(&self, status: &str) -> &'static str {
        match status {
            "open" => self.decision_open,
            "cleared" => self.decision_cleared,
            _ => self.decision_confirmed,
        }
    }

    /// A removal task's status word, from its stored form (`TaskStatus::as_str`).
    pub fn task_status_name(&self, status: &str) -> &'static str {
        match status {
            "open" => self.task_open,
            "done" => self.task_done,
            _ => self.task_cancelled,
        }
    }
}

pub const ZH: Screening = Screening {
    title: "入群筛选",
    intro: "筛选规则按条件识别入群的人，命中后按规则的动作处理。新规则默认不启用；启用后只影响之后入群的成员，现有成员要用「应用到现有成员」才会处理。",
    read_only: "只有品牌管理员可以新建、修改和启用规则。",
    rules: "筛选规则",
    new_rule: "新建规则",
    edit_rule: "编辑规则",
    preset: "预设",
    conditions: "条件",
    conditions_hint: "同时满足所有条件才算命中；不用的行选“—”。",
    condition: "条件",
    value: "值",
    unused: "—",
    codes_intro: "来源渠道、意向等级可填多个代码或名称，用逗号或空格分开。天数、群数、次数填整数。",
    channel_codes: "渠道",
    tier_codes: "意向等级",
    unknown_codes: "无法识别：{value}",
    list_separator: "、",
    any_of: "、",
    quote_open: "「",
    quote_close: "」",
    and: "",
    evidence_separator: "；",
    kind_nickname_prefix: "昵称开头是",
    kind_nickname_suffix: "昵称结尾是",
    kind_nickname_regex: "昵称匹配正则",
    kind_nickname_reduplicated: "昵称含叠字（不用填值）",
    kind_avatar_flagged: "头像被标记（不用填值）",
    kind_channel_in: "来源渠道是",
    kind_tier_in: "意向等级是",
    kind_account_younger_than_days: "建档不足几天",
    kind_joins_in_day_at_least: "24 小时内加入群数至少",
    kind_links_posted_at_least: "发链接次数至少",
    cond_nickname_prefix: "昵称以“{value}”开头",
    cond_nickname_suffix: "昵称以“{value}”结尾",
    cond_nickname_regex: "昵称匹配正则 /{value}/",
    cond_nickname_reduplicated: "昵称含叠字",
    cond_avatar_flagged: "头像被标记",
    cond_channel_in: "来源渠道为{value}",
    cond_tier_in: "意向等级为{value}",
    cond_account_younger_than_days: "建档不足 {value} 天",
    cond_joins_in_day_at_least: "24 小时内加入 ≥{value} 个群",
    cond_links_posted_at_least: "发链接 ≥{value} 次",
    ev_nickname_prefix: "昵称“{saw}”以“{value}”开头",
    ev_nickname_suffix: "昵称“{saw}”以“{value}”结尾",
    ev_nickname_regex: "昵称“{saw}”匹配正则 /{value}/",
    ev_nickname_reduplicated: "昵称含叠字“{saw}”",
    ev_avatar_flagged: "头像被标记",
    ev_channel_in: "来源渠道为{saw}",
    ev_tier_in: "意向等级为{saw}",
    ev_account_younger_than_days: "建档 {saw} 天（不足 {value} 天）",
    ev_joins_in_day_at_least: "24 小时内加入了 {saw} 个群（≥{value}）",
    ev_links_posted_at_least: "发了 {saw} 次链接（≥{value}）",
    action: "动作",
    action_flag: "标记待审",
    action_hold: "入群需审核",
    action_remove: "请群主移出",
    action_blacklist: "拉黑",
    enabled: "已启用",
    disabled: "未启用",
    enable: "启用",
    disable: "停用",
    dry_run: "试运行",
    try_first: "先试运行",
    apply: "应用到现有成员",
    dry_run_intro: "试运行只统计现有成员中会被命中的人，不记录、不通知任何人。",
    dry_run_summary: "共检查 {checked} 位现有成员，命中 {matched} 位",
    dry_run_sample_note: "只列出前 {count} 位。",
    draft_not_saved: "以下是草稿的试运行结果，规则还没有保存。",
    none_matched: "没有命中的成员",
    member: "成员",
    evidence: "命中原因",
    rule: "规则",
    decided_at: "时间",
    decisions: "待审核",
    decision_open: "待审核",
    decision_cleared: "已通过",
    decision_confirmed: "已确认",
    clear: "通过",
    confirm: "确认",
    undo: "撤销",
    tasks: "移出任务",
    tasks_intro: "平台不允许系统直接把人移出群：请群主在群里手动移出，再在这里点「已移出」。",
    community: "社群",
    task_open: "待移出",
    task_done: "已移出",
    task_cancelled: "已取消",
    done_at: "移出时间",
    mark_done: "已移出",
    only_mine: "只看我的",
    confirm_enable: "确定启用规则「{name}」吗？启用后只影响之后入群的成员，现有成员不受影响。",
    confirm_apply: "确定把规则「{name}」应用到现有成员吗？命中的现有成员会各记下一条筛选记录；动作为请群主移出或拉黑的，还会生成移出任务。",
    confirm_confirm: "确认对「{name}」的筛选结果吗？将请群主把 TA 移出群。",
    confirm_undo_blacklist: "确定撤销对「{name}」的处理吗？将解除拉黑并取消移出任务。",
    confirm_undo_remove: "确定撤销对「{name}」的处理吗？将取消移出任务。",
    confirm_mark_done: "确认已把「{name}」移出社群「{code}」吗？",
    done_created: "已新建规则「{name}」，启用后才会筛选",
    done_saved: "已保存规则「{name}」",
    done_enabled: "已启用规则「{name}」，之后入群的成员将按它筛选",
    done_disabled: "已停用规则「{name}」",
    done_applied: "已把规则「{name}」应用到现有成员：命中 {matched} 位，新记下 {decided} 条筛选记录，生成 {tasks} 个移出任务",
    done_cleared: "已通过「{name}」的筛选记录",
    done_confirmed: "已确认「{name}」的筛选记录",
    done_task: "已记录「{name}」移出社群「{code}」",
};

pub const EN: Screening = Screening {
    title: "Screening",
    intro: "Screening rules recognise joiners by their conditions and act on those they catch. A new rule starts disabled; once enabled it screens only members who join afterwards. Current members are screened only when you apply a rule to them.",
    read_only: " Only a brand admin can add, change and enable rules.",
    rules: "Rules",
    new_rule: "New rule",
    edit_rule: "Edit rule",
    preset: "Preset",
    conditions: "Conditions",
    conditions_hint: "A rule matches when all its conditions hold; set unused rows to “—”.",
    condition: "Condition",
    value: "Value",
    unused: "—",
    codes_intro: "For channels and intents, list codes or names separated by commas or spaces. Days, groups and times are whole numbers.",
    channel_codes: "Channels",
    tier_codes: "Intents",
    unknown_codes: "Not recognised: {value}",
    list_separator: ", ",
    any_of: " or ",
    quote_open: "",
    quote_close: "",
    and: "; ",
    evidence_separator: "; ",
    kind_nickname_prefix: "Nickname starts with",
    kind_nickname_suffix: "Nickname ends with",
    kind_nickname_regex: "Nickname matches the pattern",
    kind_nickname_reduplicated: "Nickname repeats a character (no value)",
    kind_avatar_flagged: "Avatar is flagged (no value)",
    kind_channel_in: "Channel is",
    kind_tier_in: "Intent is",
    kind_account_younger_than_days: "Known for fewer days than",
    kind_joins_in_day_at_least: "Groups joined within 24 hours, at least",
    kind_links_posted_at_least: "Links posted, at least",
    cond_nickname_prefix: "nickname starts with “{value}”",
    cond_nickname_suffix: "nickname ends with “{value}”",
    cond_nickname_regex: "nickname matches /{value}/",
    cond_nickname_reduplicated: "nickname repeats a character",
    cond_avatar_flagged: "avatar is flagged",
    cond_channel_in: "channel is {value}",
    cond_tier_in: "intent is {value}",
    cond_account_younger_than_days: "known for fewer than {value} days",
    cond_joins_in_day_at_least: "joined ≥{value} groups within 24 hours",
    cond_links_posted_at_least: "posted links ≥{value} times",
    ev_nickname_prefix: "nickname “{saw}” starts with “{value}”",
    ev_nickname_suffix: "nickname “{saw}” ends with “{value}”",
    ev_nickname_regex: "nickname “{saw}” matches /{value}/",
    ev_nickname_reduplicated: "nickname repeats “{saw}”",
    ev_avatar_flagged: "the avatar is flagged",
    ev_channel_in: "arrived through {saw}",
    ev_tier_in: "intent tier is {saw}",
    ev_account_younger_than_days: "known for {saw} days (fewer than {value})",
    ev_joins_in_day_at_least: "joined {saw} communities within a day (at least {value})",
    ev_links_posted_at_least: "posted {saw} messages with links (at least {value})",
    action: "Action",
    action_flag: "Flag for review",
    action_hold: "Hold for approval",
    action_remove: "Ask the owner to remove",
    action_blacklist: "Blacklist",
    enabled: "Enabled",
    disabled: "Disabled",
    enable: "Enable",
    disable: "Disable",
    dry_run: "Dry run",
    try_first: "Dry run first",
    apply: "Apply to current members",
    dry_run_intro: "A dry run only counts the current members a rule would catch; nothing is recorded and nobody is told.",
    dry_run_summary: "Checked {checked} current members; {matched} matched",
    dry_run_sample_note: "Only the first {count} are listed.",
    draft_not_saved: "These are the dry-run results of the draft; the rule is not saved yet.",
    none_matched: "Nobody matched",
    member: "Member",
    evidence: "Why",
    rule: "Rule",
    decided_at: "When",
    decisions: "Review queue",
    decision_open: "Open",
    decision_cleared: "Cleared",
    decision_confirmed: "Confirmed",
    clear: "Clear",
    confirm: "Confirm",
    undo: "Undo",
    tasks: "Removal tasks",
    tasks_intro: "Platforms do not let the server remove anyone: the community's owner removes the member in the group, then marks it here.",
    community: "Community",
    task_open: "To remove",
    task_done: "Removed",
    task_cancelled: "Cancelled",
    done_at: "Removed at",
    mark_done: "Mark removed",
    only_mine: "Mine only",
    confirm_enable: "Enable the rule “{name}”? It screens only members who join from now on; current members are not affected.",
    confirm_apply: "Apply the rule “{name}” to current members? Each current member it catches gets a decision on record; for rules that remove or blacklist, removal tasks are added too.",
    confirm_confirm: "Confirm the decision about “{name}”? The community's owner will be asked to remove them.",
    confirm_undo_blacklist: "Undo the decision about “{name}”? They come off the blacklist and their removal tasks are cancelled.",
    confirm_undo_remove: "Undo the decision about “{name}”? Their removal tasks are cancelled.",
    confirm_mark_done: "Confirm that “{name}” was removed from “{code}”?",
    done_created: "Rule “{name}” added; it screens nobody until enabled",
    done_saved: "Rule “{name}” saved",
    done_enabled: "Rule “{name}” enabled for members who join from now on",
    done_disabled: "Rule “{name}” disabled",
    done_applied: "Rule “{name}” applied to current members: {matched} matched, {decided} decisions recorded, {tasks} removal tasks added",
    done_cleared: "Decision about “{name}” cleared",
    done_confirmed: "Decision about “{name}” confirmed",
    done_task: "“{name}” recorded as removed from “{code}”",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_action_and_status_has_its_own_word() {
        use shequn_domain::{Action, DecisionStatus, TaskStatus};
        let kinds = [
            "nickname_prefix",
            "nickname_suffix",
            "nickname_regex",
            "nickname_reduplicated",
            "avatar_flagged",
            "channel_in",
            "tier_in",
            "account_younger_than_days",
            "joins_in_day_at_least",
            "links_posted_at_least",
        ];
        for t in [&ZH, &EN] {
            let words: Vec<&str> = kinds.iter().map(|k| t.kind_name(k)).collect();
            for (i, word) in words.iter().enumerate() {
                assert!(!words[..i].contains(word), "{word} twice");
            }
            let actions: Vec<&str> = Action::ALL
                .iter()
                .map(|a| t.action_name(a.as_str()))
                .collect();
            for (i, word) in actions.iter().enumerate() {
                assert!(!actions[..i].contains(word), "{word} twice");
            }
            let statuses: Vec<&str> = DecisionStatus::ALL
                .iter()
                .map(|s| t.decision_status_name(s.as_str()))
                .collect();
            for (i, word) in statuses.iter().enumerate() {
                assert!(!statuses[..i].contains(word), "{word} twice");
            }
            let tasks: Vec<&str> = TaskStatus::ALL
                .iter()
                .map(|s| t.task_status_name(s.as_str()))
                .collect();
            for (i, word) in tasks.iter().enumerate() {
                assert!(!tasks[..i].contains(word), "{word} twice");
            }
        }
        assert_eq!(ZH.action_name("hold"), "入群需审核");
        assert_eq!(ZH.decision_status_name("open"), "待审核");
    }

    #[test]
    fn chinese_sentences_use_full_width_punctuation() {
        for text in [
            ZH.intro,
            ZH.read_only,
            ZH.conditions_hint,
            ZH.codes_intro,
            ZH.unknown_codes,
            ZH.dry_run_intro,
            ZH.dry_run_summary,
            ZH.dry_run_sample_note,
            ZH.draft_not_saved,
            ZH.tasks_intro,
            ZH.ev_account_younger_than_days,
            ZH.ev_joins_in_day_at_least,
            ZH.ev_links_posted_at_least,
            ZH.confirm_enable,
            ZH.confirm_apply,
            ZH.confirm_confirm,
            ZH.confirm_undo_blacklist,
            ZH.confirm_undo_remove,
            ZH.confirm_mark_done,
            ZH.done_created,
            ZH.done_saved,
            ZH.done_enabled,
            ZH.done_disabled,
            ZH.done_applied,
            ZH.done_cleared,
            ZH.done_confirmed,
            ZH.done_task,
        ] {
            assert!(
                !text.contains([',', ':', ';', '(', ')', '!', '?']),
                "half-width punctuation in {text:?}"
            );
        }
    }
}
