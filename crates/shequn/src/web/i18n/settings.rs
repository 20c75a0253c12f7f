//! The brand's settings beside the channel → tier mapping: `/settings/lifecycle` (the days
//! that decide a customer's stage), `/settings/welcome-texts` (入群欢迎语, one a tier) and
//! `/settings/wecom` (the WeCom callback). `{count}` is a number of welcome texts.

pub struct Settings {
    /// The row of links between the settings pages.
    pub other_settings: &'static str,
    /// Said on every settings page to whoever is not a brand admin.
    pub read_only: &'static str,
    pub lifecycle: &'static str,
    pub lifecycle_intro: &'static str,
    /// After a stage's name in a label: 新客（天）.
    pub days: &'static str,
    pub new_days_hint: &'static str,
    pub active_days_hint: &'static str,
    pub churned_days_hint: &'static str,
    /// A day count that is not a whole number.
    pub not_a_number: &'static str,
    pub done_lifecycle: &'static str,
    pub welcome_texts: &'static str,
    pub welcome_intro: &'static str,
    /// Beside a tier's text while the brand has not written its own.
    pub default_badge: &'static str,
    pub welcome_hint: &'static str,
    pub done_welcome: &'static str,
    pub done_welcome_none: &'static str,
    pub wecom: &'static str,
    pub wecom_intro: &'static str,
    pub wecom_status: &'static str,
    pub wecom_configured: &'static str,
    pub wecom_not_configured: &'static str,
    pub wecom_updated: &'static str,
    pub callback_url: &'static str,
    pub callback_url_hint: &'static str,
    pub corp_id: &'static str,
    pub corp_id_hint: &'static str,
    pub token: &'static str,
    pub token_hint: &'static str,
    pub aes_key: &'static str,
    pub aes_key_hint: &'static str,
    /// Why the token and the key inputs are empty.
    pub secrets_hint: &'static str,
    /// Beside an input WeCom would not accept.
    pub corp_id_invalid: &'static str,
    pub token_invalid: &'static str,
    pub aes_key_invalid: &'static str,
    pub done_wecom: &'static str,
}

impl Settings {
    /// What saving the welcome texts did: how many texts changed.
    pub fn welcome_saved(&self, changed: usize) -> String {
        if changed == 0 {
            self.done_welcome_none.to_owned()
        } else {
            self.done_welcome.replace("{count}", &changed.to_string())
        }
    }
}

pub const ZH: Settings = Settings {
    other_settings: "其他设置",
    read_only: "只有品牌管理员可以修改。",
    lifecycle: "顾客阶段",
    lifecycle_intro: "顾客的阶段按建档时间和最近一次互动自动计算：新客、活跃、沉默、流失。修改天数后，顾客的阶段随之重新计算。",
    days: "（天）",
    new_days_hint: "N 天内建档的顾客为新客，1–365 天",
    active_days_hint: "N 天内有互动为活跃，超过则为沉默",
    churned_days_hint: "超过 N 天无互动为流失，须大于活跃的天数",
    not_a_number: "请输入整数天数",
    done_lifecycle: "已保存顾客阶段的天数",
    welcome_texts: "入群欢迎语",
    welcome_intro: "顾客通过邀请链接入群后，按 TA 的意向分层收到对应的欢迎语。未修改时使用系统默认欢迎语。",
    default_badge: "默认",
    welcome_hint: "最多 500 字",
    done_welcome: "已保存 {count} 条入群欢迎语",
    done_welcome_none: "入群欢迎语没有改动",
    wecom: "企业微信",
    wecom_intro: "在企业微信管理后台「客户联系」的接收事件服务器中填写下面的回调地址、Token 和 EncodingAESKey，顾客添加导购和进出客户群会自动同步到这里。",
    wecom_status: "状态",
    wecom_configured: "已配置",
    wecom_not_configured: "未配置",
    wecom_updated: "最近保存",
    callback_url: "回调地址（URL）",
    callback_url_hint: "复制到企业微信后台的 URL 一栏",
    corp_id: "企业 ID（CorpID）",
    corp_id_hint: "在企业微信后台「我的企业」页面底部，以 ww 开头",
    token: "Token",
    token_hint: "1–32 位字母或数字，与企业微信后台填写的一致",
    aes_key: "EncodingAESKey",
    aes_key_hint: "43 位字母或数字，与企业微信后台填写的一致",
    secrets_hint: "为了安全，已保存的 Token 和 EncodingAESKey 不会显示；每次保存都需重新填写。",
    corp_id_invalid: "请输入企业 ID，最多 64 个字符，不含空格",
    token_invalid: "Token 需为 1–32 位字母或数字",
    aes_key_invalid: "EncodingAESKey 需为 43 位字母或数字",
    done_wecom: "已保存企业微信回调设置",
};

pub const EN: Settings = Settings {
    other_settings: "Other settings",
    read_only: "Only a brand admin can change it.",
    lifecycle: "Customer stages",
    lifecycle_intro: "A customer's stage follows from when they arrived and when they last did something: new, active, silent, churned. When you change the days, stages are worked out again.",
    days: " (days)",
    new_days_hint: "Arrived within N days: new; 1–365 days",
    active_days_hint: "Did something within N days: active; later, silent",
    churned_days_hint: "Nothing for more than N days: churned; more than the active days",
    not_a_number: "Enter a whole number of days",
    done_lifecycle: "Stage days saved",
    welcome_texts: "Welcome messages",
    welcome_intro: "A customer who joins through an invite link gets the welcome message of their intent tier. Until you change one, the default is sent.",
    default_badge: "Default",
    welcome_hint: "At most 500 characters",
    done_welcome: "{count} welcome messages saved",
    done_welcome_none: "No welcome message changed",
    wecom: "WeCom",
    wecom_intro: "In the WeCom admin console, under Customer Contact's event receiving server, enter the callback URL, Token and EncodingAESKey below: customers who add a guide or join or leave a customer group are then synced here.",
    wecom_status: "Status",
    wecom_configured: "Configured",
    wecom_not_configured: "Not configured",
    wecom_updated: "Last saved",
    callback_url: "Callback URL",
    callback_url_hint: "Copy it into the URL field of the WeCom admin console",
    corp_id: "Corp ID",
    corp_id_hint: "At the bottom of My Company in the WeCom admin console; it starts with ww",
    token: "Token",
    token_hint: "1–32 letters or digits, as entered in the WeCom admin console",
    aes_key: "EncodingAESKey",
    aes_key_hint: "43 letters or digits, as entered in the WeCom admin console",
    secrets_hint: "For safety, the saved Token and EncodingAESKey are never shown: enter them again each time you save.",
    corp_id_invalid: "Enter the corp ID: at most 64 characters, no spaces",
    token_invalid: "The Token is 1–32 letters or digits",
    aes_key_invalid: "The EncodingAESKey is 43 letters or digits",
    done_wecom: "WeCom callback settings saved",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_sentences_use_full_width_punctuation() {
        for text in [
            ZH.read_only,
            ZH.lifecycle_intro,
            ZH.new_days_hint,
            ZH.active_days_hint,
            ZH.churned_days_hint,
            ZH.welcome_intro,
            ZH.wecom_intro,
            ZH.corp_id_hint,
            ZH.secrets_hint,
            ZH.corp_id_invalid,
            ZH.done_welcome,
            ZH.done_wecom,
        ] {
            assert!(
                !text.contains([',', ':', ';', '(', ')', '!', '?']),
                "half-width punctuation in {text:?}"
            );
        }
        assert_eq!(ZH.welcome_saved(2), "已保存 2 条入群欢迎语");
        assert_eq!(ZH.welcome_saved(0), ZH.done_welcome_none);
    }
}
