//! `/settings/payments` (支付设置): how the brand's customers pay, what of WeChat Pay is
//! set (never its secrets), and where the secrets are set instead of the browser.

pub struct Payments {
    /// The page's title and its link among the settings pages.
    pub title: &'static str,
    pub intro: &'static str,
    pub sandbox: &'static str,
    pub sandbox_hint: &'static str,
    pub enabled: &'static str,
    pub disabled: &'static str,
    pub wechat: &'static str,
    pub configured: &'static str,
    pub not_configured: &'static str,
    pub mchid: &'static str,
    pub appid: &'static str,
    pub serial: &'static str,
    pub platform_serials: &'static str,
    pub updated: &'static str,
    /// Why there is no form for the secrets, and where they are set.
    pub secrets_hint: &'static str,
    pub by_cli: &'static str,
    pub cli_help: &'static str,
    pub by_api: &'static str,
    /// The orders list's link to this page.
    pub link: &'static str,
}

pub const ZH: Payments = Payments {
    title: "支付设置",
    intro: "顾客在商城下单后，用这里启用的支付方式付款。",
    sandbox: "沙箱支付",
    sandbox_hint: "模拟的支付网关，付款页面、异步通知和查询接口与真实网关一致，不会真实扣款，适合测试。",
    enabled: "已启用",
    disabled: "未启用",
    wechat: "微信支付",
    configured: "已配置",
    not_configured: "未配置",
    mchid: "商户号",
    appid: "AppID",
    serial: "商户 API 证书序列号",
    platform_serials: "平台证书序列号",
    updated: "最近保存",
    secrets_hint: "为了安全，商户 API 私钥和 APIv3 密钥不能在浏览器中填写，保存后也不会显示。请品牌管理员在服务器上用命令行设置，或调用接口设置。",
    by_cli: "命令行",
    cli_help: "运行 shequn payments wechat set --help 查看全部参数。",
    by_api: "接口",
    link: "支付设置",
};

pub const EN: Payments = Payments {
    title: "Payment settings",
    intro: "Customers who order in the store pay with the methods enabled here.",
    sandbox: "Sandbox payments",
    sandbox_hint: "A simulated payment gateway with the pay page, notifications and query API of a real one, and no real money: for testing.",
    enabled: "Enabled",
    disabled: "Disabled",
    wechat: "WeChat Pay",
    configured: "Configured",
    not_configured: "Not configured",
    mchid: "Merchant ID",
    appid: "AppID",
    serial: "Merchant API certificate serial",
    platform_serials: "Platform certificate serials",
    updated: "Last saved",
    secrets_hint: "For safety, the merchant API private key and the APIv3 key are never typed into the browser nor shown once saved: a brand admin sets them on the server with the command line, or through the API.",
    by_cli: "Command line",
    cli_help: "Run shequn payments wechat set --help for every option.",
    by_api: "API",
    link: "Payment settings",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_sentences_use_full_width_punctuation() {
        for text in [ZH.intro, ZH.sandbox_hint, ZH.secrets_hint] {
            assert!(
                !text.contains([',', ':', ';', '(', ')', '!', '?']),
                "half-width punctuation in {text:?}"
            );
        }
    }
}
