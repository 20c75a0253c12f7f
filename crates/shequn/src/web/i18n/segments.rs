//! `/segments` (人群分层): the brand's saved customer filters. `{name}` in a question or a
//! done-message is the segment's name (see [`super::Text::fill`]). The words of the
//! conditions themselves (意向分层, 来源渠道, 阶段 and their values) are the customers'.

pub struct Segments {
    /// The nav item and the list's title.
    pub title: &'static str,
    pub intro: &'static str,
    pub read_only: &'static str,
    pub new_segment: &'static str,
    pub edit_segment: &'static str,
    pub conditions: &'static str,
    pub conditions_hint: &'static str,
    /// Said beside the conditions of a form that sets none.
    pub need_condition: &'static str,
    /// The empty choice of a condition's select: the condition is not used.
    pub any: &'static str,
    pub tag_hint: &'static str,
    /// How many customers in the reader's scope are in the segment now.
    pub count: &'static str,
    /// The count's link title: it lists them.
    pub view_customers: &'static str,
    /// A store the reader may not see, in a segment's conditions.
    pub other_store: &'static str,
    /// Between the conditions of a segment in the list.
    pub and: &'static str,
    pub delete: &'static str,
    pub confirm_delete: &'static str,
    pub done_created: &'static str,
    pub done_saved: &'static str,
    pub done_deleted: &'static str,
}

pub const ZH: Segments = Segments {
    title: "人群分层",
    intro: "人群分层是保存下来的顾客筛选条件，顾客满足条件即在其中，人数实时统计；点击人数查看这些顾客。",
    read_only: "只有店长、大区经理和品牌管理员可以新建和修改。",
    new_segment: "新建人群分层",
    edit_segment: "编辑人群分层",
    conditions: "条件",
    conditions_hint: "至少选择一个条件；顾客需同时满足所选的全部条件。",
    need_condition: "请至少选择一个条件",
    any: "不限",
    tag_hint: "选填，一个标签，最多 20 字",
    count: "人数",
    view_customers: "查看这些顾客",
    other_store: "其他门店",
    and: "；",
    delete: "删除",
    confirm_delete: "确定删除人群分层「{name}」吗？删除人群分层不会删除顾客。",
    done_created: "已新建人群分层「{name}」",
    done_saved: "已保存人群分层「{name}」",
    done_deleted: "已删除人群分层「{name}」，顾客不受影响",
};

pub const EN: Segments = Segments {
    title: "Segments",
    intro: "A segment is a saved customer filter: customers are in it while they match, and it is counted live. Click a count to see them.",
    read_only: "Only store and region managers and brand admins create and change segments.",
    new_segment: "New segment",
    edit_segment: "Edit segment",
    conditions: "Conditions",
    conditions_hint: "Choose at least one; a customer must match all the chosen conditions.",
    need_condition: "Choose at least one condition",
    any: "Any",
    tag_hint: "Optional: one tag, at most 20 characters",
    count: "Customers",
    view_customers: "See these customers",
    other_store: "Another store",
    and: "; ",
    delete: "Delete",
    confirm_delete: "Delete the segment “{name}”? Deleting a segment deletes no customer.",
    done_created: "Segment “{name}” created",
    done_saved: "Segment “{name}” saved",
    done_deleted: "Segment “{name}” deleted; its customers stay",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_sentences_use_full_width_punctuation() {
        for text in [
            ZH.intro,
            ZH.read_only,
            ZH.conditions_hint,
            ZH.tag_hint,
            ZH.confirm_delete,
            ZH.done_created,
            ZH.done_saved,
            ZH.done_deleted,
        ] {
            assert!(
                !text.contains([',', ':', ';', '(', ')', '!', '?']),
                "half-width punctuation in {text:?}"
            );
        }
    }
}
