//! `/`: the figures of the member's scope; for a shop guide, the workbench (工作台).
//! `{count}` in a sentence is a number, filled in by the page.

pub struct Home {
    pub active_regions: &'static str,
    pub active_stores: &'static str,
    pub active_staff: &'static str,
    /// A shop guide's home: their day's work on one page.
    pub workbench: &'static str,
    /// The guide's own communities, and the communities of a manager's scope.
    pub my_communities: &'static str,
    pub scope_communities: &'static str,
    pub members: &'static str,
    pub joins_today: &'static str,
    pub leaves_today: &'static str,
    pub no_communities: &'static str,
    /// Members waiting for a decision of staff (入群筛选).
    pub to_review: &'static str,
    pub no_reviews: &'static str,
    pub review_all: &'static str,
    /// The guide's own removal tasks.
    pub removal_tasks: &'static str,
    pub no_removal_tasks: &'static str,
    pub all_removal_tasks: &'static str,
    /// Customers the guide should get in touch with.
    pub follow_up: &'static str,
    pub strong_new: &'static str,
    pub no_strong_new: &'static str,
    pub silent: &'static str,
    pub no_silent: &'static str,
    /// Under a follow-up list: the customer list, to see them all.
    pub see_customers: &'static str,
    /// Before when a customer was added, and when a quiet one was last active.
    pub added: &'static str,
    pub last_active: &'static str,
    pub never_active: &'static str,
    /// Beside a list cut short: 「共 {count} 位」.
    pub in_all: &'static str,
}

pub const ZH: Home = Home {
    active_regions: "大区",
    active_stores: "营业门店",
    active_staff: "在职员工",
    workbench: "工作台",
    my_communities: "我的社群",
    scope_communities: "社群今日动态",
    members: "成员",
    joins_today: "今日入群",
    leaves_today: "今日退群",
    no_communities: "还没有运营中的社群。在「社群」里新建一个吧。",
    to_review: "待审核",
    no_reviews: "没有等待审核的成员，一切正常。",
    review_all: "去审核",
    removal_tasks: "移出任务",
    no_removal_tasks: "没有需要移出的成员。",
    all_removal_tasks: "查看我的全部移出任务",
    follow_up: "待跟进",
    strong_new: "新入群的强意向顾客",
    no_strong_new: "暂时没有新的强意向顾客，继续加油。",
    silent: "沉默成员",
    no_silent: "没有沉默成员，大家都很活跃。",
    see_customers: "在顾客列表中查看",
    added: "建档于 ",
    last_active: "最后活跃于 ",
    never_active: "还没有互动",
    in_all: "共 {count} 位",
};

pub const EN: Home = Home {
    active_regions: "Regions",
    active_stores: "Active stores",
    active_staff: "Active staff",
    workbench: "Workbench",
    my_communities: "My communities",
    scope_communities: "Communities today",
    members: "Members",
    joins_today: "Joined today",
    leaves_today: "Left today",
    no_communities: "No active community yet. Open one under Communities.",
    to_review: "To review",
    no_reviews: "Nobody is waiting for review. All clear.",
    review_all: "Review them",
    removal_tasks: "Removal tasks",
    no_removal_tasks: "Nobody to remove.",
    all_removal_tasks: "All my removal tasks",
    follow_up: "To follow up",
    strong_new: "New strong-intent customers",
    no_strong_new: "No new strong-intent customers for now. Keep going.",
    silent: "Quiet members",
    no_silent: "No quiet members: everyone is active.",
    see_customers: "Open the customer list",
    added: "Added ",
    last_active: "Last active ",
    never_active: "No activity yet",
    in_all: "{count} in all",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_sentences_use_full_width_punctuation() {
        for text in [
            ZH.no_communities,
            ZH.no_reviews,
            ZH.no_removal_tasks,
            ZH.no_strong_new,
            ZH.no_silent,
        ] {
            assert!(
                !text.contains([',', ':', ';', '(', ')', '!', '?']),
                "half-width punctuation in {text:?}"
            );
        }
    }
}
