//! A customer's personal data on their page (`/customers/{id}`): the whole phone number,
//! shown once on request and logged, and the unsubscribe link to send them.

pub struct Privacy {
    pub show_full_phone: &'static str,
    /// Beside the 显示完整号码 button: asking is logged.
    pub reveal_hint: &'static str,
    /// Beside the whole number once shown.
    pub logged: &'static str,
    /// Said above the page when the reader may not see the whole number.
    pub reveal_forbidden: &'static str,
    pub unsubscribe_link: &'static str,
    pub make_unsubscribe_link: &'static str,
    pub unsubscribe_hint: &'static str,
}

pub const ZH: Privacy = Privacy {
    show_full_phone: "显示完整号码",
    reveal_hint: "查看会记录到操作日志",
    logged: "已记录到操作日志",
    reveal_forbidden: "只有顾客的专属导购、店长和管理员可以查看完整号码。",
    unsubscribe_link: "退订链接",
    make_unsubscribe_link: "生成退订链接",
    unsubscribe_hint: "发给顾客，打开后即可退订营销消息，无需登录。",
};

pub const EN: Privacy = Privacy {
    show_full_phone: "Show the whole number",
    reveal_hint: "Viewing it is recorded in the audit log",
    logged: "Recorded in the audit log",
    reveal_forbidden: "Only the customer's own guide, managers and admins see the whole number.",
    unsubscribe_link: "Unsubscribe link",
    make_unsubscribe_link: "Make the unsubscribe link",
    unsubscribe_hint: "Send it to the customer: opening it unsubscribes them from marketing messages, no sign-in needed.",
};
