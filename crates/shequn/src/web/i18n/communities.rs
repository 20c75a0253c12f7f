//! `/communities`. `{name}` in a question or a done-message is the community's name (see
//! [`super::Text::fill`]).

pub struct Communities {
    pub new_community: &'static str,
    pub store: &'static str,
    pub all_stores: &'static str,
    /// The empty first choice of a new community's store.
    pub choose_store: &'static str,
    /// 群主: who runs the community.
    pub owner: &'static str,
    pub owner_hint: &'static str,
    /// The empty first choice of a new community's 群主: nobody is preselected.
    pub choose_owner: &'static str,
    pub purpose: &'static str,
    pub purpose_sales: &'static str,
    pub purpose_brand: &'static str,
    pub kind: &'static str,
    /// The empty first choice of a new community's kind: no kind is preselected.
    pub choose_kind: &'static str,
    /// The families the kinds are grouped in.
    pub family_marketing: &'static str,
    pub family_content: &'static str,
    pub family_service: &'static str,
    pub kind_discount: &'static str,
    pub kind_fission: &'static str,
    pub kind_notice: &'static str,
    pub kind_tutorial: &'static str,
    pub kind_topic: &'static str,
    pub kind_video_live: &'static str,
    pub kind_service: &'static str,
    pub capacity: &'static str,
    pub capacity_hint: &'static str,
    pub rules: &'static str,
    pub chat_id: &'static str,
    pub not_linked: &'static str,
    /// The community this one was opened from when that one was full.
    pub overflow_of: &'static str,
    pub updated: &'static str,
    pub all_statuses: &'static str,
    /// Status words of a community.
    pub active: &'static str,
    pub archived: &'static str,
    pub archive: &'static str,
    pub restore: &'static str,
    pub open_overflow: &'static str,
    pub overflow_hint: &'static str,
    pub kind_history: &'static str,
    pub changed_at: &'static str,
    pub changed_by: &'static str,
    /// Who made a change that an operator command made.
    pub system: &'static str,
    /// Who made a change, when the reader may not see that staff member.
    pub someone: &'static str,
    pub confirm_archive: &'static str,
    pub confirm_overflow: &'static str,
    pub done_created: &'static str,
    pub done_saved: &'static str,
    pub done_archived: &'static str,
    pub done_restored: &'static str,
    pub done_overflow: &'static str,
    /// Join links (入群链接): a community's invite links and QR codes. `{name}` in their
    /// questions and done-messages is the link's label.
    pub links: &'static str,
    pub links_intro: &'static str,
    pub no_links: &'static str,
    pub new_link: &'static str,
    pub link_label: &'static str,
    pub link_label_hint: &'static str,
    pub link_channel: &'static str,
    pub link_inviter: &'static str,
    pub link_inviter_hint: &'static str,
    pub create_link: &'static str,
    /// How many joined through a link.
    pub link_joins: &'static str,
    /// A link's status words.
    pub link_on: &'static str,
    pub link_off: &'static str,
    pub deactivate_link: &'static str,
    pub activate_link: &'static str,
    pub qr_alt: &'static str,
    pub download_png: &'static str,
    pub confirm_deactivate_link: &'static str,
    pub done_link_created: &'static str,
    pub done_link_deactivated: &'static str,
    pub done_link_activated: &'static str,
    /// 「欢迎语待发送 {count} 条」: welcomes queued for the community's new members.
    pub welcomes_queued: &'static str,
    /// The community's open removal tasks.
    pub removal_tasks: &'static str,
    pub no_removal_tasks: &'static str,
}

impl Communities {
    /// A kind's word, from its stored form (`Kind::as_str`).
    pub fn kind_name(&self, kind: &str) -> &'static str {
        match kind {
            "discount" => self.kind_discount,
            "fission" => self.kind_fission,
            "notice" => self.kind_notice,
            "tutorial" => self.kind_tutorial,
            "topic" => self.kind_topic,
            "video_live" => self.kind_video_live,
            _ => self.kind_service,
        }
    }

    /// A kind family's word, from its name (`marketing`, `content`, `service`).
    pub fn family_name(&self, family: &str) -> &'static str {
        match family {
            "marketing" => self.family_marketing,
            "content" => self.family_content,
            _ => self.family_service,
        }
    }

    /// A purpose's word, from its stored form (`Purpose::as_str`).
    pub fn purpose_name(&self, purpose: &str) -> &'static str {
        match purpose {
            "brand" => self.purpose_brand,
            _ => self.purpose_sales,
        }
    }

    /// A status word, from its stored form (`CommunityStatus::as_str`).
    pub fn status_name(&self, status: &str) -> &'static str {
        match status {
            "archived" => self.archived,
            _ => self.active,
        }
    }
}

pub const ZH: Communities = Communities {
    new_community: "新增社群",
    store: "门店",
    all_stores: "全部门店",
    choose_store: "请选择门店",
    owner: "群主",
    owner_hint: "该门店在职的导购或店长",
    choose_owner: "请选择群主",
    purpose: "用途",
    purpose_sales: "销售群",
    purpose_brand: "品牌群",
    kind: "类型",
    choose_kind: "请选择类型",
    family_marketing: "营销",
    family_content: "内容",
    family_service: "服务",
    kind_discount: "福利群",
    kind_fission: "裂变群",
    kind_notice: "通知群",
    kind_tutorial: "教程群",
    kind_topic: "话题群",
    kind_video_live: "直播群",
    kind_service: "服务群",
    capacity: "人数上限",
    capacity_hint: "2 到 2000 人，微信群为 500 人",
    rules: "群规",
    chat_id: "群 ID",
    not_linked: "未关联",
    overflow_of: "开自",
    updated: "更新时间",
    all_statuses: "全部状态",
    active: "运营中",
    archived: "已归档",
    archive: "归档社群",
    restore: "恢复运营",
    open_overflow: "开新群",
    overflow_hint: "群满时开一个新群：同一门店、群主、用途、类型、人数上限和群规。",
    kind_history: "类型变更记录",
    changed_at: "时间",
    changed_by: "操作人",
    system: "系统",
    someone: "其他员工",
    confirm_archive: "确定归档社群「{name}」吗？归档后不再运营，记录仍保留。",
    confirm_overflow: "确定为社群「{name}」开新群吗？",
    done_created: "已新建社群「{name}」",
    done_saved: "已保存社群「{name}」",
    done_archived: "已归档社群「{name}」",
    done_restored: "社群「{name}」已恢复运营",
    done_overflow: "已开新群「{name}」",
    links: "入群链接",
    links_intro: "顾客打开链接或扫二维码即可入群，入群记在链接的渠道和邀请人名下。",
    no_links: "还没有入群链接。新建一个，把二维码印在门店海报上吧。",
    new_link: "新建入群链接",
    link_label: "链接名称",
    link_label_hint: "例如：门店海报 11 月",
    link_channel: "渠道",
    link_inviter: "邀请人顾客 ID",
    link_inviter_hint: "选填：分享这个链接的老顾客，其邀请的新人记在他名下",
    create_link: "创建链接",
    link_joins: "入群",
    link_on: "启用",
    link_off: "已停用",
    deactivate_link: "停用",
    activate_link: "启用",
    qr_alt: "入群二维码：{name}",
    download_png: "下载 PNG",
    confirm_deactivate_link: "确定停用入群链接「{name}」吗？停用后二维码将无法入群。",
    done_link_created: "已创建入群链接「{name}」",
    done_link_deactivated: "已停用入群链接「{name}」",
    done_link_activated: "已启用入群链接「{name}」",
    welcomes_queued: "欢迎语待发送 {count} 条",
    removal_tasks: "移出任务",
    no_removal_tasks: "没有需要移出的成员。",
};

pub const EN: Communities = Communities {
    new_community: "New community",
    store: "Store",
    all_stores: "All stores",
    choose_store: "Choose a store",
    owner: "Owner",
    owner_hint: "an active shop guide or manager of the store",
    choose_owner: "Choose an owner",
    purpose: "Purpose",
    purpose_sales: "Sales",
    purpose_brand: "Brand",
    kind: "Kind",
    choose_kind: "Choose a kind",
    family_marketing: "Marketing",
    family_content: "Content",
    family_service: "Service",
    kind_discount: "Discounts",
    kind_fission: "Referrals",
    kind_notice: "Announcements",
    kind_tutorial: "Tutorials",
    kind_topic: "Topic",
    kind_video_live: "Video & live",
    kind_service: "Service",
    capacity: "Capacity",
    capacity_hint: "2 to 2,000 members; a WeChat group holds 500",
    rules: "Rules",
    chat_id: "Chat group id",
    not_linked: "Not linked",
    overflow_of: "Opened from",
    updated: "Updated",
    all_statuses: "All statuses",
    active: "Active",
    archived: "Archived",
    archive: "Archive community",
    restore: "Restore",
    open_overflow: "Open next group",
    overflow_hint: "When a group is full, open a new one with the same store, owner, purpose, kind, capacity and rules.",
    kind_history: "Kind history",
    changed_at: "When",
    changed_by: "By",
    system: "System",
    someone: "Another staff member",
    confirm_archive: "Archive the community “{name}”? It is no longer run; its records are kept.",
    confirm_overflow: "Open the next group of the community “{name}”?",
    done_created: "Community “{name}” created",
    done_saved: "Community “{name}” saved",
    done_archived: "Community “{name}” archived",
    done_restored: "Community “{name}” restored",
    done_overflow: "New group “{name}” opened",
    links: "Join links",
    links_intro: "Customers join by opening a link or scanning its QR code; each join counts for the link's channel and inviter.",
    no_links: "No join links yet. Create one and print its QR code on a store poster.",
    new_link: "New join link",
    link_label: "Label",
    link_label_hint: "e.g. Store poster, November",
    link_channel: "Channel",
    link_inviter: "Inviter's customer id",
    link_inviter_hint: "Optional: the customer who shares the link; those who join through it count as their referrals",
    create_link: "Create link",
    link_joins: "Joins",
    link_on: "On",
    link_off: "Off",
    deactivate_link: "Switch off",
    activate_link: "Switch on",
    qr_alt: "Join QR code: {name}",
    download_png: "Download PNG",
    confirm_deactivate_link: "Switch off the join link “{name}”? Its QR code will no longer let anyone join.",
    done_link_created: "Join link “{name}” created",
    done_link_deactivated: "Join link “{name}” switched off",
    done_link_activated: "Join link “{name}” switched on",
    welcomes_queued: "{count} welcome messages waiting to be sent",
    removal_tasks: "Removal tasks",
    no_removal_tasks: "Nobody to remove.",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_purpose_and_status_has_its_own_word() {
        use shequn_domain::{CommunityStatus, Kind, Purpose};
        for t in [&ZH, &EN] {
            let kinds: Vec<&str> = Kind::ALL.iter().map(|k| t.kind_name(k.as_str())).collect();
            for (i, word) in kinds.iter().enumerate() {
                assert!(!kinds[..i].contains(word), "{word} twice");
            }
            assert_ne!(
                t.purpose_name(Purpose::Sales.as_str()),
                t.purpose_name(Purpose::Brand.as_str())
            );
            assert_ne!(
                t.status_name(CommunityStatus::Active.as_str()),
                t.status_name(CommunityStatus::Archived.as_str())
            );
        }
        assert_eq!(ZH.kind_name("video_live"), "直播群");
        assert_eq!(ZH.purpose_name("brand"), "品牌群");
    }

    #[test]
    fn chinese_sentences_use_full_width_punctuation() {
        for text in [
            ZH.capacity_hint,
            ZH.overflow_hint,
            ZH.confirm_archive,
            ZH.confirm_overflow,
            ZH.done_created,
            ZH.done_saved,
            ZH.done_archived,
            ZH.done_restored,
            ZH.done_overflow,
            ZH.links_intro,
            ZH.no_links,
            ZH.link_inviter_hint,
            ZH.confirm_deactivate_link,
            ZH.done_link_created,
            ZH.done_link_deactivated,
            ZH.done_link_activated,
        ] {
            assert!(
                !text.contains([',', ':', ';', '(', ')', '!', '?']),
                "half-width punctuation in {text:?}"
            );
        }
    }
}
