//! `/customers` and `/settings/intent-tiers`. `{name}` in a question or a done-message is
//! the customer's nickname (see [`super::Text::fill`]); `{count}` is a number of customers.

pub struct Customers {
    pub new_customer: &'static str,
    pub nickname: &'static str,
    pub phone: &'static str,
    /// Beside the new customer's phone.
    pub phone_hint: &'static str,
    /// Beside the edit form's phone, which never shows the stored number.
    pub phone_keep_hint: &'static str,
    pub remove_phone: &'static str,
    /// The placeholder of the list's phone search.
    pub phone_search: &'static str,
    /// Said above the list when the phone searched for is not a whole number.
    pub phone_search_whole: &'static str,
    pub no_phone: &'static str,
    pub channel: &'static str,
    pub all_channels: &'static str,
    /// The empty first choice of a new customer's channel: none is preselected.
    pub choose_channel: &'static str,
    pub channel_official_account: &'static str,
    pub channel_new_media: &'static str,
    pub channel_fission_poster: &'static str,
    pub channel_friend_invite: &'static str,
    pub channel_offline_store: &'static str,
    pub channel_event: &'static str,
    pub channel_import: &'static str,
    /// The intent tier, as a column and a field.
    pub tier: &'static str,
    pub all_tiers: &'static str,
    pub tier_strong: &'static str,
    pub tier_intent: &'static str,
    pub tier_weak: &'static str,
    /// The lifecycle stage, as a column and a filter.
    pub stage: &'static str,
    pub all_stages: &'static str,
    pub stage_new: &'static str,
    pub stage_active: &'static str,
    pub stage_silent: &'static str,
    pub stage_churned: &'static str,
    pub all_segments: &'static str,
    /// Beside a tier that staff set by hand.
    pub manual: &'static str,
    /// Beside a tier that follows the channel.
    pub by_channel: &'static str,
    pub tier_reason: &'static str,
    pub tier_reason_hint: &'static str,
    pub set_tier: &'static str,
    pub set_tier_hint: &'static str,
    pub save_tier: &'static str,
    pub follow_channel: &'static str,
    pub tags: &'static str,
    pub tags_hint: &'static str,
    /// Between tags as the pages show them and the edit form fills them in.
    pub tag_separator: &'static str,
    /// The placeholder of the list's tag filter.
    pub tag_filter: &'static str,
    pub store: &'static str,
    pub all_stores: &'static str,
    pub choose_store: &'static str,
    pub no_store: &'static str,
    pub guide: &'static str,
    pub no_guide: &'static str,
    /// A guide the reader may not see.
    pub someone: &'static str,
    pub avatar_flagged: &'static str,
    pub avatar_flagged_hint: &'static str,
    pub avatar_flagged_yes: &'static str,
    /// Consent to marketing messages.
    pub consent: &'static str,
    pub consent_given: &'static str,
    pub consent_not_given: &'static str,
    /// The new customer's consent checkbox.
    pub consent_checkbox: &'static str,
    pub consent_source: &'static str,
    pub consent_never_asked: &'static str,
    pub give_consent: &'static str,
    pub withdraw_consent: &'static str,
    pub consent_hint: &'static str,
    /// Where consent came from, by its stored code.
    pub source_console: &'static str,
    pub source_staff: &'static str,
    pub source_api: &'static str,
    pub source_demo: &'static str,
    pub source_join_form: &'static str,
    pub source_unsubscribe_keyword: &'static str,
    pub source_unsubscribe_link: &'static str,
    pub updated: &'static str,
    /// The communities the customer is or was in.
    pub communities: &'static str,
    pub communities_hint: &'static str,
    pub community: &'static str,
    pub member_role: &'static str,
    pub role_core_figure: &'static str,
    pub role_active_follower: &'static str,
    pub role_admin: &'static str,
    pub role_member: &'static str,
    pub join_source: &'static str,
    pub join_invite_link: &'static str,
    pub join_platform: &'static str,
    pub join_staff: &'static str,
    pub join_import: &'static str,
    pub joined_at: &'static str,
    pub left_at: &'static str,
    pub still_in: &'static str,
    /// The channel → tier settings page.
    pub intent_tiers: &'static str,
    pub intent_tiers_intro: &'static str,
    pub intent_tiers_read_only: &'static str,
    pub confirm_withdraw: &'static str,
    pub done_created: &'static str,
    pub done_saved: &'static str,
    pub done_tier_set: &'static str,
    pub done_tier_followed: &'static str,
    pub done_consent_given: &'static str,
    pub done_consent_withdrawn: &'static str,
    pub done_tiers_saved: &'static str,
    pub done_tiers_saved_none: &'static str,
}

impl Customers {
    /// A channel's word, from its stored form (`Channel::as_str`).
    pub fn channel_name(&self, channel: &str) -> &'static str {
        match channel {
            "official_account" => self.channel_official_account,
            "new_media" => self.channel_new_media,
            "fission_poster" => self.channel_fission_poster,
            "friend_invite" => self.channel_friend_invite,
            "offline_store" => self.channel_offline_store,
            "event" => self.channel_event,
            _ => self.channel_import,
        }
    }

    /// A tier's word, from its stored form (`Tier::as_str`).
    pub fn tier_name(&self, tier: &str) -> &'static str {
        match tier {
            "strong" => self.tier_strong,
            "intent" => self.tier_intent,
            _ => self.tier_weak,
        }
    }

    /// A lifecycle stage's word, from its stored form (`Lifecycle::as_str`).
    pub fn stage_name(&self, stage: &str) -> &'static str {
        match stage {
            "new" => self.stage_new,
            "active" => self.stage_active,
            "silent" => self.stage_silent,
            _ => self.stage_churned,
        }
    }

    /// Where consent came from, for the sources the console knows; others show their code.
    pub fn source_name(&self, source: &str) -> Option<&'static str> {
        match source {
            "console" => Some(self.source_console),
            "staff" => Some(self.source_staff),
            "api" => Some(self.source_api),
            "demo" => Some(self.source_demo),
            "join_form" => Some(self.source_join_form),
            "unsubscribe_keyword" => Some(self.source_unsubscribe_keyword),
            "unsubscribe_link" => Some(self.source_unsubscribe_link),
            _ => None,
        }
    }

    /// A member role's word, from its stored form (`MemberRole::as_str`).
    pub fn role_name(&self, role: &str) -> &'static str {
        match role {
            "core_figure" => self.role_core_figure,
            "active_follower" => self.role_active_follower,
            "admin" => self.role_admin,
            _ => self.role_member,
        }
    }

    /// How a customer came into a community, from its stored form (`JoinSource::as_str`).
    pub fn join_source_name(&self, source: &str) -> &'static str {
        match source {
            "invite_link" => self.join_invite_link,
            "platform" => self.join_platform,
            "import" => self.join_import,
            _ => self.join_staff,
        }
    }

    /// What saving the channel mapping did: how many customers changed tier.
    pub fn tiers_saved(&self, moved: u64) -> String {
        if moved == 0 {
            self.done_tiers_saved_none.to_owned()
        } else {
            self.done_tiers_saved.replace("{count}", &moved.to_string())
        }
    }
}

pub const ZH: Customers = Customers {
    new_customer: "新增顾客",
    nickname: "昵称",
    phone: "手机号",
    phone_hint: "选填，11 位手机号；页面上只显示打码后的号码",
    phone_keep_hint: "留空则不修改；页面上只显示打码后的号码",
    remove_phone: "删除手机号",
    phone_search: "完整手机号",
    phone_search_whole: "按手机号查找需输入完整的 11 位号码",
    no_phone: "未留手机号",
    channel: "来源渠道",
    all_channels: "全部渠道",
    choose_channel: "请选择渠道",
    channel_official_account: "公众号",
    channel_new_media: "新媒体",
    channel_fission_poster: "裂变海报",
    channel_friend_invite: "好友邀请",
    channel_offline_store: "门店",
    channel_event: "活动",
    channel_import: "导入",
    tier: "意向分层",
    all_tiers: "全部意向",
    tier_strong: "强意向",
    tier_intent: "意向",
    tier_weak: "弱意向",
    stage: "阶段",
    all_stages: "全部阶段",
    stage_new: "新客",
    stage_active: "活跃",
    stage_silent: "沉默",
    stage_churned: "流失",
    all_segments: "全部人群",
    manual: "手动",
    by_channel: "按渠道",
    tier_reason: "调整原因",
    tier_reason_hint: "必填，最多 200 字，例如：到店试穿后主动询价",
    set_tier: "调整意向",
    set_tier_hint: "手动设置后，意向不再随渠道设置变化，直到恢复按渠道。",
    save_tier: "手动设置",
    follow_channel: "恢复按渠道",
    tags: "标签",
    tags_hint: "多个标签用逗号分隔，每个最多 20 字",
    tag_separator: "，",
    tag_filter: "标签",
    store: "门店",
    all_stores: "全部门店",
    choose_store: "请选择门店",
    no_store: "未分配门店",
    guide: "专属导购",
    no_guide: "未分配",
    someone: "其他员工",
    avatar_flagged: "网红头像",
    avatar_flagged_hint: "头像像网红或营销号，跟进前先甄别",
    avatar_flagged_yes: "是，需甄别",
    consent: "营销授权",
    consent_given: "已同意营销",
    consent_not_given: "未同意",
    consent_checkbox: "顾客已同意接收营销消息",
    consent_source: "来源",
    consent_never_asked: "尚未询问",
    give_consent: "记录同意",
    withdraw_consent: "撤回同意",
    consent_hint: "顾客同意或撤回时在这里记录，时间和来源会一并保存。",
    source_console: "控制台",
    source_staff: "员工录入",
    source_api: "接口",
    source_demo: "演示数据",
    source_join_form: "入群表单",
    source_unsubscribe_keyword: "回复退订",
    source_unsubscribe_link: "退订链接",
    updated: "更新时间",
    communities: "所在社群",
    communities_hint: "该顾客门店的社群中，TA 加入过的群（含已退出的）。",
    community: "社群",
    member_role: "身份",
    role_core_figure: "核心人物",
    role_active_follower: "活跃分子",
    role_admin: "管理员",
    role_member: "普通成员",
    join_source: "入群方式",
    join_invite_link: "邀请链接",
    join_platform: "平台同步",
    join_staff: "员工拉入",
    join_import: "批量导入",
    joined_at: "入群时间",
    left_at: "退群时间",
    still_in: "在群中",
    intent_tiers: "渠道与意向",
    intent_tiers_intro: "顾客的意向由来源渠道决定。修改后，按渠道定意向的顾客随之调整；手动设置过意向的顾客不变。",
    intent_tiers_read_only: "只有品牌管理员可以修改。",
    confirm_withdraw: "确定撤回顾客「{name}」的营销授权吗？撤回后不再向 TA 发送营销消息。",
    done_created: "已添加顾客「{name}」",
    done_saved: "已保存顾客「{name}」",
    done_tier_set: "已手动设置顾客「{name}」的意向",
    done_tier_followed: "顾客「{name}」的意向已恢复按渠道",
    done_consent_given: "已记录顾客「{name}」同意营销",
    done_consent_withdrawn: "已撤回顾客「{name}」的营销授权",
    done_tiers_saved: "已保存渠道与意向，{count} 位顾客的意向随之调整",
    done_tiers_saved_none: "已保存渠道与意向，没有顾客需要调整",
};

pub const EN: Customers = Customers {
    new_customer: "New customer",
    nickname: "Nickname",
    phone: "Mobile",
    phone_hint: "Optional, 11 digits; pages show it masked",
    phone_keep_hint: "Leave empty to keep it; pages show it masked",
    remove_phone: "Remove the mobile number",
    phone_search: "Whole mobile number",
    phone_search_whole: "To find a customer by mobile, enter all 11 digits",
    no_phone: "No mobile",
    channel: "Channel",
    all_channels: "All channels",
    choose_channel: "Choose a channel",
    channel_official_account: "Official account",
    channel_new_media: "New media",
    channel_fission_poster: "Referral poster",
    channel_friend_invite: "Friend invite",
    channel_offline_store: "In store",
    channel_event: "Event",
    channel_import: "Import",
    tier: "Intent",
    all_tiers: "All intents",
    tier_strong: "Strong",
    tier_intent: "Interested",
    tier_weak: "Weak",
    stage: "Stage",
    all_stages: "All stages",
    stage_new: "New",
    stage_active: "Active",
    stage_silent: "Silent",
    stage_churned: "Churned",
    all_segments: "All segments",
    manual: "by hand",
    by_channel: "by channel",
    tier_reason: "Reason",
    tier_reason_hint: "Required, at most 200 characters, e.g. asked for prices after a fitting",
    set_tier: "Set the intent",
    set_tier_hint: "Set by hand, the intent no longer follows the channel mapping until it is put back.",
    save_tier: "Set by hand",
    follow_channel: "Follow the channel",
    tags: "Tags",
    tags_hint: "Separate tags with commas; at most 20 characters each",
    tag_separator: ", ",
    tag_filter: "Tag",
    store: "Store",
    all_stores: "All stores",
    choose_store: "Choose a store",
    no_store: "No store",
    guide: "Guide",
    no_guide: "None",
    someone: "Another staff member",
    avatar_flagged: "Influencer avatar",
    avatar_flagged_hint: "The avatar looks like an influencer's or a marketer's: screen before following up",
    avatar_flagged_yes: "Yes, screen first",
    consent: "Marketing consent",
    consent_given: "Agreed to marketing",
    consent_not_given: "Not agreed",
    consent_checkbox: "The customer agreed to marketing messages",
    consent_source: "Source",
    consent_never_asked: "Never asked",
    give_consent: "Record consent",
    withdraw_consent: "Withdraw consent",
    consent_hint: "Record here when the customer agrees or withdraws; the time and source are kept.",
    source_console: "Console",
    source_staff: "Staff",
    source_api: "API",
    source_demo: "Demo data",
    source_join_form: "Join form",
    source_unsubscribe_keyword: "Unsubscribe reply",
    source_unsubscribe_link: "Unsubscribe link",
    updated: "Updated",
    communities: "Communities",
    communities_hint: "The communities of the customer's store they are or were in.",
    community: "Community",
    member_role: "Role",
    role_core_figure: "Core figure",
    role_active_follower: "Active follower",
    role_admin: "Admin",
    role_member: "Member",
    join_source: "Joined through",
    join_invite_link: "Invite link",
    join_platform: "Platform",
    join_staff: "Staff",
    join_import: "Import",
    joined_at: "Joined",
    left_at: "Left",
    still_in: "Still in",
    intent_tiers: "Channels and intent",
    intent_tiers_intro: "A customer's intent follows the channel they came through. When you change it, customers who follow their channel move with it; those set by hand stay.",
    intent_tiers_read_only: "Only a brand admin can change it.",
    confirm_withdraw: "Withdraw the marketing consent of “{name}”? They get no more marketing messages.",
    done_created: "Customer “{name}” added",
    done_saved: "Customer “{name}” saved",
    done_tier_set: "Intent of “{name}” set by hand",
    done_tier_followed: "Intent of “{name}” follows the channel again",
    done_consent_given: "Consent of “{name}” recorded",
    done_consent_withdrawn: "Consent of “{name}” withdrawn",
    done_tiers_saved: "Channels and intent saved; {count} customers moved",
    done_tiers_saved_none: "Channels and intent saved; no customer moved",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_channel_tier_role_and_source_has_its_own_word() {
        use shequn_domain::{Channel, JoinSource, MemberRole, Tier};
        for t in [&ZH, &EN] {
            let channels: Vec<&str> = Channel::ALL
                .iter()
                .map(|c| t.channel_name(c.as_str()))
                .collect();
            for (i, word) in channels.iter().enumerate() {
                assert!(!channels[..i].contains(word), "{word} twice");
            }
            let tiers: Vec<&str> = Tier::ALL.iter().map(|x| t.tier_name(x.as_str())).collect();
            for (i, word) in tiers.iter().enumerate() {
                assert!(!tiers[..i].contains(word), "{word} twice");
            }
            let roles: Vec<&str> = MemberRole::ALL
                .iter()
                .map(|r| t.role_name(r.as_str()))
                .collect();
            for (i, word) in roles.iter().enumerate() {
                assert!(!roles[..i].contains(word), "{word} twice");
            }
            let sources: Vec<&str> = JoinSource::ALL
                .iter()
                .map(|s| t.join_source_name(s.as_str()))
                .collect();
            for (i, word) in sources.iter().enumerate() {
                assert!(!sources[..i].contains(word), "{word} twice");
            }
        }
        assert_eq!(ZH.channel_name("fission_poster"), "裂变海报");
        assert_eq!(ZH.tier_name("weak"), "弱意向");
        assert_eq!(ZH.source_name("console"), Some("控制台"));
        assert_eq!(ZH.source_name("wecom_tag"), None);
        assert_eq!(
            ZH.tiers_saved(12),
            "已保存渠道与意向，12 位顾客的意向随之调整"
        );
        assert_eq!(ZH.tiers_saved(0), ZH.done_tiers_saved_none);
    }

    #[test]
    fn chinese_sentences_use_full_width_punctuation() {
        for text in [
            ZH.phone_hint,
            ZH.phone_keep_hint,
            ZH.tier_reason_hint,
            ZH.set_tier_hint,
            ZH.tags_hint,
            ZH.avatar_flagged_hint,
            ZH.consent_hint,
            ZH.communities_hint,
            ZH.intent_tiers_intro,
            ZH.confirm_withdraw,
            ZH.done_created,
            ZH.done_saved,
            ZH.done_tier_set,
            ZH.done_tier_followed,
            ZH.done_consent_given,
            ZH.done_consent_withdrawn,
            ZH.done_tiers_saved,
            ZH.done_tiers_saved_none,
        ] {
            assert!(
                !text.contains([',', ':', ';', '(', ')', '!', '?']),
                "half-width punctuation in {text:?}"
            );
        }
    }
}
