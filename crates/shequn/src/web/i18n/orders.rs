//! `/orders` (订单): the orders of the customers in the reader's scope, each with its lines
//! and timeline. `{code}` in a question or a done-message is the order's number (see
//! [`super::Text::fill`]).

pub struct Orders {
    /// The nav item and the list's title.
    pub title: &'static str,
    pub intro: &'static str,
    /// An order's page title: 「订单 #{code}」.
    pub order_title: &'static str,
    pub order: &'static str,
    pub placed_at: &'static str,
    pub customer: &'static str,
    pub store: &'static str,
    pub all_statuses: &'static str,
    pub all_stores: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub dates_hint: &'static str,
    /// Said above the list when a date filter is no date.
    pub bad_date: &'static str,
    pub total: &'static str,
    pub paid: &'static str,
    pub refunded: &'static str,
    /// Where a store order ships: its heading and fields.
    pub ship_to: &'static str,
    pub recipient: &'static str,
    pub phone: &'static str,
    pub address: &'static str,
    pub note: &'static str,
    pub pay_deadline: &'static str,
    pub paid_at: &'static str,
    pub closed_at: &'static str,
    pub status_pending_payment: &'static str,
    pub status_paid: &'static str,
    pub status_shipped: &'static str,
    pub status_completed: &'static str,
    pub status_cancelled: &'static str,
    pub status_expired: &'static str,
    pub status_refunded: &'static str,
    pub lines: &'static str,
    pub line_title: &'static str,
    pub unit_price: &'static str,
    pub quantity: &'static str,
    pub amount: &'static str,
    pub line_refunded: &'static str,
    pub timeline: &'static str,
    pub event: &'static str,
    pub status_after: &'static str,
    pub at: &'static str,
    pub staff: &'static str,
    /// Who did what no staff member did (the expiry job, a payment gateway).
    pub by_system: &'static str,
    /// A staff member the reader may not see.
    pub someone: &'static str,
    pub event_placed: &'static str,
    pub event_cancelled: &'static str,
    pub event_expired: &'static str,
    pub event_paid: &'static str,
    pub event_shipped: &'static str,
    pub event_completed: &'static str,
    pub event_refunded: &'static str,
    pub event_refund_requested: &'static str,
    pub event_refund_rejected: &'static str,
    pub cancel: &'static str,
    pub cancel_hint: &'static str,
    pub confirm_cancel: &'static str,
    pub done_cancelled: &'static str,
    /// 发货, while paid.
    pub ship: &'static str,
    pub ship_hint: &'static str,
    pub confirm_ship: &'static str,
    pub done_shipped: &'static str,
    /// 完成, once shipped.
    pub complete: &'static str,
    pub complete_hint: &'static str,
    pub confirm_complete: &'static str,
    pub done_completed: &'static str,
}

impl Orders {
    /// An order status's word, from its stored form (`OrderStatus::as_str`).
    pub fn status_name(&self, status: &str) -> &'static str {
        match status {
            "pending_payment" => self.status_pending_payment,
            "paid" => self.status_paid,
            "shipped" => self.status_shipped,
            "completed" => self.status_completed,
            "cancelled" => self.status_cancelled,
            "expired" => self.status_expired,
            _ => self.status_refunded,
        }
    }

    /// A timeline event's word, for the events the console knows; others show their code.
    pub fn event_name(&self, event: &str) -> Option<&'static str> {
        match event {
            "placed" => Some(self.event_placed),
            "cancelled" => Some(self.event_cancelled),
            "expired" => Some(self.event_expired),
            "paid" | "payment_confirmed" | "payment_received" => Some(self.event_paid),
            "shipped" => Some(self.event_shipped),
            "completed" => Some(self.event_completed),
            "refunded" | "refund" => Some(self.event_refunded),
            "refund_requested" => Some(self.event_refund_requested),
            "refund_rejected" => Some(self.event_refund_rejected),
            _ => None,
        }
    }
}

pub const ZH: Orders = Orders {
    title: "订单",
    intro: "你范围内顾客的订单，按下单时间从新到旧排列。",
    order_title: "订单 #{code}",
    order: "订单号",
    placed_at: "下单时间",
    customer: "顾客",
    store: "门店",
    all_statuses: "全部状态",
    all_stores: "全部门店",
    from: "开始日期",
    to: "结束日期",
    dates_hint: "按北京时间，含起止当天",
    bad_date: "日期格式应为 2026-11-01",
    total: "订单金额",
    paid: "实付金额",
    refunded: "已退款",
    ship_to: "收货信息",
    recipient: "收货人",
    phone: "手机号",
    address: "收货地址",
    note: "买家备注",
    pay_deadline: "付款截止",
    paid_at: "付款时间",
    closed_at: "关闭时间",
    status_pending_payment: "待付款",
    status_paid: "已付款",
    status_shipped: "已发货",
    status_completed: "已完成",
    status_cancelled: "已取消",
    status_expired: "已过期",
    status_refunded: "已退款",
    lines: "商品明细",
    line_title: "商品",
    unit_price: "单价",
    quantity: "数量",
    amount: "小计",
    line_refunded: "已退款",
    timeline: "订单动态",
    event: "事件",
    status_after: "状态",
    at: "时间",
    staff: "操作人",
    by_system: "系统",
    someone: "其他员工",
    event_placed: "下单",
    event_cancelled: "取消",
    event_expired: "超时关闭",
    event_paid: "付款",
    event_shipped: "发货",
    event_completed: "完成",
    event_refunded: "退款",
    event_refund_requested: "申请退款",
    event_refund_rejected: "拒绝退款",
    cancel: "取消订单",
    cancel_hint: "订单未付款时可以取消，占用的库存会退回。",
    confirm_cancel: "确定取消订单 #{code} 吗？取消后占用的库存会退回。",
    done_cancelled: "已取消订单 #{code}",
    ship: "发货",
    ship_hint: "顾客已付款，商品寄出后点发货。",
    confirm_ship: "确定订单 #{code} 已发货吗？",
    done_shipped: "订单 #{code} 已发货",
    complete: "完成",
    complete_hint: "顾客收到商品后点完成，订单进入售后期。",
    confirm_complete: "确定完成订单 #{code} 吗？",
    done_completed: "订单 #{code} 已完成",
};

pub const EN: Orders = Orders {
    title: "Orders",
    intro: "Orders of the customers in your scope, newest first.",
    order_title: "Order #{code}",
    order: "Order",
    placed_at: "Placed",
    customer: "Customer",
    store: "Store",
    all_statuses: "All statuses",
    all_stores: "All stores",
    from: "From",
    to: "To",
    dates_hint: "China time, both days included",
    bad_date: "Enter dates such as 2026-11-01",
    total: "Total",
    paid: "Paid",
    refunded: "Refunded",
    ship_to: "Ship to",
    recipient: "Recipient",
    phone: "Phone",
    address: "Address",
    note: "Buyer's note",
    pay_deadline: "Pay by",
    paid_at: "Paid at",
    closed_at: "Closed at",
    status_pending_payment: "Awaiting payment",
    status_paid: "Paid",
    status_shipped: "Shipped",
    status_completed: "Completed",
    status_cancelled: "Cancelled",
    status_expired: "Expired",
    status_refunded: "Refunded",
    lines: "Items",
    line_title: "Item",
    unit_price: "Unit price",
    quantity: "Quantity",
    amount: "Amount",
    line_refunded: "Refunded",
    timeline: "Timeline",
    event: "Event",
    status_after: "Status",
    at: "Time",
    staff: "By",
    by_system: "System",
    someone: "Another staff member",
    event_placed: "Placed",
    event_cancelled: "Cancelled",
    event_expired: "Closed unpaid",
    event_paid: "Paid",
    event_shipped: "Shipped",
    event_completed: "Completed",
    event_refunded: "Refunded",
    event_refund_requested: "Refund requested",
    event_refund_rejected: "Refund rejected",
    cancel: "Cancel order",
    cancel_hint: "An unpaid order can be cancelled; its units go back on hand.",
    confirm_cancel: "Cancel order #{code}? Its units go back on hand.",
    done_cancelled: "Order #{code} cancelled",
    ship: "Ship",
    ship_hint: "Paid: mark it shipped once the parcel has left.",
    confirm_ship: "Mark order #{code} as shipped?",
    done_shipped: "Order #{code} shipped",
    complete: "Complete",
    complete_hint: "Complete it once the customer has the goods; after-sales requests may still follow.",
    confirm_complete: "Complete order #{code}?",
    done_completed: "Order #{code} completed",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_sentences_use_full_width_punctuation() {
        for text in [
            ZH.intro,
            ZH.dates_hint,
            ZH.cancel_hint,
            ZH.confirm_cancel,
            ZH.done_cancelled,
            ZH.ship_hint,
            ZH.confirm_ship,
            ZH.complete_hint,
            ZH.confirm_complete,
        ] {
            assert!(
                !text.contains([',', ':', ';', '(', ')', '!', '?']),
                "half-width punctuation in {text:?}"
            );
        }
    }

    #[test]
    fn every_status_has_its_word() {
        assert_eq!(ZH.status_name("pending_payment"), "待付款");
        assert_eq!(ZH.status_name("expired"), "已过期");
        assert_eq!(ZH.event_name("expired"), Some("超时关闭"));
        assert_eq!(ZH.event_name("payment_received"), Some("付款"));
        assert_eq!(ZH.event_name("refund_requested"), Some("申请退款"));
        assert_eq!(ZH.event_name("something_new"), None);
    }
}
