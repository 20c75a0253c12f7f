//! `/refunds` (退款/售后): the refund and return requests customers made, and what staff
//! decided. `{code}` in a question or a done-message is the request's number, `{name}` the
//! order's number or an amount (see [`super::Text::fill`]).

pub struct Refunds {
    /// The nav item.
    pub nav: &'static str,
    /// The queue's title.
    pub title: &'static str,
    pub intro: &'static str,
    /// A request's page title: 「退款申请 #{code}」.
    pub request_title: &'static str,
    pub request: &'static str,
    pub order: &'static str,
    pub item: &'static str,
    /// What a request on no one line is for.
    pub whole_order: &'static str,
    pub amount: &'static str,
    pub quantity: &'static str,
    pub reason: &'static str,
    pub created_at: &'static str,
    pub decided_at: &'static str,
    pub decided_by: &'static str,
    pub decision_note: &'static str,
    pub refund_no: &'static str,
    pub refund_status: &'static str,
    pub all_statuses: &'static str,
    pub status_requested: &'static str,
    pub status_approved: &'static str,
    pub status_rejected: &'static str,
    /// Where the money is, once a request was approved.
    pub refund_requested: &'static str,
    pub refund_succeeded: &'static str,
    pub refund_failed: &'static str,
    /// The order's part of a request's page.
    pub order_summary: &'static str,
    pub order_status: &'static str,
    pub open_order: &'static str,
    pub decide: &'static str,
    pub approve: &'static str,
    pub approve_hint: &'static str,
    /// Asked before approving: `{code}` the request, `{name}` the amount.
    pub confirm_approve: &'static str,
    pub reject: &'static str,
    pub note: &'static str,
    pub note_hint: &'static str,
    /// Said to a shop guide instead of the forms.
    pub guides_read_only: &'static str,
    /// `{code}` the request, `{name}` the order.
    pub done_approved: &'static str,
    pub done_rejected: &'static str,
    /// The order page's section listing its requests.
    pub of_order: &'static str,
}

impl Refunds {
    /// A request's status word, from its stored form.
    pub fn status_name(&self, status: &str) -> &'static str {
        match status {
            "requested" => self.status_requested,
            "approved" => self.status_approved,
            _ => self.status_rejected,
        }
    }

    /// Where an approved request's money is, from the refund's stored status.
    pub fn refund_status_name(&self, status: &str) -> &'static str {
        match status {
            "succeeded" => self.refund_succeeded,
            "failed" => self.refund_failed,
            _ => self.refund_requested,
        }
    }
}

pub const ZH: Refunds = Refunds {
    nav: "退款",
    title: "退款/售后",
    intro: "顾客提交的退款、退货申请，按申请时间从新到旧排列。同意后按申请金额原路退款，退回的商品回到库存。",
    request_title: "退款申请 #{code}",
    request: "申请编号",
    order: "订单",
    item: "退款商品",
    whole_order: "整单",
    amount: "退款金额",
    quantity: "退货件数",
    reason: "退款原因",
    created_at: "申请时间",
    decided_at: "处理时间",
    decided_by: "处理人",
    decision_note: "处理说明",
    refund_no: "退款单号",
    refund_status: "退款进度",
    all_statuses: "全部",
    status_requested: "待处理",
    status_approved: "已同意",
    status_rejected: "已拒绝",
    refund_requested: "退款中",
    refund_succeeded: "已退款",
    refund_failed: "退款失败",
    order_summary: "订单信息",
    order_status: "订单状态",
    open_order: "查看订单",
    decide: "处理申请",
    approve: "同意退款",
    approve_hint: "同意后按申请金额原路退款给顾客，退货的商品回到库存。",
    confirm_approve: "确定同意退款申请 #{code} 吗？将退款 {name} 给顾客。",
    reject: "拒绝",
    note: "拒绝理由",
    note_hint: "必填，说明为什么不能退款",
    guides_read_only: "只有店长、大区经理和品牌管理员可以处理退款申请。",
    done_approved: "已同意退款申请 #{code}（订单 #{name}）",
    done_rejected: "已拒绝退款申请 #{code}（订单 #{name}）",
    of_order: "退款/售后",
};

pub const EN: Refunds = Refunds {
    nav: "Refunds",
    title: "Refunds and returns",
    intro: "Refund and return requests from customers, newest first. An approved request pays the amount back the way it was paid; returned units go back on hand.",
    request_title: "Refund request #{code}",
    request: "Request",
    order: "Order",
    item: "Item",
    whole_order: "Whole order",
    amount: "Amount",
    quantity: "Units returned",
    reason: "Reason",
    created_at: "Requested",
    decided_at: "Decided",
    decided_by: "Decided by",
    decision_note: "Note",
    refund_no: "Refund number",
    refund_status: "Refund",
    all_statuses: "All",
    status_requested: "Waiting",
    status_approved: "Approved",
    status_rejected: "Rejected",
    refund_requested: "In progress",
    refund_succeeded: "Refunded",
    refund_failed: "Failed",
    order_summary: "Order",
    order_status: "Order status",
    open_order: "Open the order",
    decide: "Decide",
    approve: "Approve refund",
    approve_hint: "Approving pays the amount back the way it was paid; returned units go back on hand.",
    confirm_approve: "Approve refund request #{code}? {name} goes back to the customer.",
    reject: "Reject",
    note: "Why it is rejected",
    note_hint: "Required: say why there is no refund",
    guides_read_only: "Only store managers, region managers and brand admins decide refund requests.",
    done_approved: "Refund request #{code} (order #{name}) approved",
    done_rejected: "Refund request #{code} (order #{name}) rejected",
    of_order: "Refund requests",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_sentences_use_full_width_punctuation() {
        for text in [
            ZH.intro,
            ZH.approve_hint,
            ZH.confirm_approve,
            ZH.note_hint,
            ZH.guides_read_only,
            ZH.done_approved,
            ZH.done_rejected,
        ] {
            assert!(
                !text.contains([',', ':', ';', '(', ')', '!', '?']),
                "half-width punctuation in {text:?}"
            );
        }
    }

    #[test]
    fn every_status_has_its_word() {
        assert_eq!(ZH.status_name("requested"), "待处理");
        assert_eq!(ZH.status_name("approved"), "已同意");
        assert_eq!(ZH.status_name("rejected"), "已拒绝");
        assert_eq!(ZH.refund_status_name("succeeded"), "已退款");
        assert_eq!(EN.refund_status_name("requested"), "In progress");
    }
}
