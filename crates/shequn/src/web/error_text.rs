//! The console's one mapping from a use-case error to what a form shows: the field at
//! fault and a message in the page's language, built from the stable reason or refusal
//! code (never the English API text). Every `AppError` variant has its arm, so a new one
//! fails the build here until the console knows how to show it.

use shequn_app::AppError;
use shequn_domain::{Reason, Refusal, Subject};

use super::i18n::Lang;

/// A form error: `field` is the name of the form input to highlight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldMessage {
    pub field: &'static str,
    pub message: String,
}

/// The form error for `e`, or None when it is not one (not found, forbidden, a fault):
/// those get a page of their own.
pub fn form_message(lang: Lang, e: &AppError) -> Option<FieldMessage> {
    match e {
        AppError::Invalid { field, reason } => Some(FieldMessage {
            field,
            message: reason_text(lang, reason),
        }),
        AppError::Refused(refusal) => Some(FieldMessage {
            field: refusal.field().unwrap_or(""),
            message: refusal_text(lang, refusal),
        }),
        AppError::NotFound(_)
        | AppError::Forbidden(_)
        | AppError::BadCredentials
        | AppError::IdempotencyKeyReused
        | AppError::Store(_)
        | AppError::Internal(_) => None,
    }
}

/// Why a value was refused, as a phrase to put beside its field.
pub fn reason_text(lang: Lang, r: &Reason) -> String {
    match lang {
        Lang::Zh => match r {
            Reason::Required => "不能为空".into(),
            Reason::TooLong { max, got } => format!("最多 {max} 个字，现在是 {got} 个"),
            Reason::Length { min, max } => format!("长度需为 {min}–{max} 个字符"),
            Reason::ControlCharacters => "不能包含控制字符".into(),
            Reason::NotAnEmail => "请输入有效的邮箱地址，例如 name@example.com".into(),
            Reason::NotASlug => "只能用 2–32 位小写字母、数字和连字符（-）".into(),
            Reason::NotAStoreCode => "只能用 1–32 位字母、数字、- 和 _".into(),
            Reason::NotARole => "请选择一个角色".into(),
            Reason::OutOfRange { min, max } => format!("需在 {min} 到 {max} 之间"),
            Reason::NotACursor => "分页参数无效，请回到第一页".into(),
            Reason::Negative => "不能为负数".into(),
            Reason::NotAnAmount => "请输入金额，例如 12.34".into(),
            Reason::RegionRequired => "大区经理需要指定大区".into(),
            Reason::StoreRequired => "店长和导购需要指定门店".into(),
            Reason::UnknownRegion => "请选择一个可用的大区".into(),
            Reason::RegionInactive => "该大区已停用，请选择其他大区".into(),
            Reason::UnknownStore => "请选择一个营业中的门店".into(),
            Reason::WrongPassword => "当前密码不正确".into(),
            Reason::NotOneOf(_) => "请从列表中选择".into(),
            Reason::UnknownOwner => "群主须是该门店在职的导购或店长".into(),
            Reason::NotAPhone => "请输入 11 位手机号，以 1 开头".into(),
            Reason::UnknownCustomer => "没有这位顾客".into(),
            Reason::UnknownGuide => "专属导购须是该门店在职的导购或店长".into(),
            Reason::NotAPattern => "不是有效的正则表达式（最多 100 个字符）".into(),
        },
        Lang::En => match r {
            Reason::Required => "Required".into(),
            Reason::TooLong { max, got } => {
                format!("At most {max} characters (this has {got})")
            }
            Reason::Length { min, max } => format!("Must be {min}–{max} characters long"),
            Reason::ControlCharacters => "Must not contain control characters".into(),
            Reason::NotAnEmail => "Enter an email address such as name@example.com".into(),
            Reason::NotASlug => "Use 2–32 lower-case letters, digits and hyphens".into(),
            Reason::NotAStoreCode => "Use 1–32 letters, digits, - and _".into(),
            Reason::NotARole => "Choose a role".into(),
            Reason::OutOfRange { min, max } => format!("Must be between {min} and {max}"),
            Reason::NotACursor => "Invalid page link; go back to the first page".into(),
            Reason::Negative => "Must not be negative".into(),
            Reason::NotAnAmount => "Enter an amount such as 12.34".into(),
            Reason::RegionRequired => "A region manager needs a region".into(),
            Reason::StoreRequired => "Store managers and shop guides need a store".into(),
            Reason::UnknownRegion => "Choose a region you can use".into(),
            Reason::RegionInactive => "This region is deactivated; choose another".into(),
            Reason::UnknownStore => "Choose an open store".into(),
            Reason::WrongPassword => "This is not your current password".into(),
            Reason::NotOneOf(_) => "Choose one of the listed values".into(),
            Reason::UnknownOwner => {
                "The owner must be an active shop guide or manager of this store".into()
            }
            Reason::NotAPhone => "Enter an 11-digit mobile number starting with 1".into(),
            Reason::UnknownCustomer => "No such customer".into(),
            Reason::UnknownGuide => {
                "The guide must be an active shop guide or manager of the customer's store".into()
            }
            Reason::NotAPattern => "Not a valid regular expression (at most 100 characters)".into(),
        },
    }
}

fn field_name(lang: Lang, field: &str) -> &'static str {
    match (lang, field) {
        (Lang::Zh, "name") => "名称",
        (Lang::Zh, "code") => "编码",
        (Lang::Zh, "email" | "admin_email") => "邮箱",
        (Lang::Zh, "slug") => "标识",
        (Lang::Zh, "chat_id") => "群 ID",
        (Lang::Zh, "external_id") => "外部 ID",
        (Lang::Zh, _) => "这个值",
        (Lang::En, "name") => "name",
        (Lang::En, "code") => "code",
        (Lang::En, "email" | "admin_email") => "email",
        (Lang::En, "slug") => "slug",
        (Lang::En, "chat_id") => "chat group id",
        (Lang::En, "external_id") => "external id",
        (Lang::En, _) => "value",
    }
}

fn subject_name(lang: Lang, s: Subject) -> &'static str {
    match (lang, s) {
        (Lang::Zh, Subject::Brand) => "品牌",
        (Lang::Zh, Subject::Region) => "大区",
        (Lang::Zh, Subject::Store) => "门店",
        (Lang::Zh, Subject::Staff) => "员工",
        (Lang::Zh, Subject::Community) => "社群",
        (Lang::Zh, Subject::Customer) => "顾客",
        (Lang::Zh, Subject::ScreeningRule) => "筛选规则",
        (Lang::Zh, Subject::Segment) => "人群分层",
        (Lang::En, Subject::Brand) => "brand",
        (Lang::En, Subject::Region) => "region",
        (Lang::En, Subject::Store) => "store",
        (Lang::En, Subject::Staff) => "staff member",
        (Lang::En, Subject::Community) => "community",
        (Lang::En, Subject::Customer) => "customer",
        (Lang::En, Subject::ScreeningRule) => "screening rule",
        (Lang::En, Subject::Segment) => "segment",
    }
}

/// Which business rule refused the request, as a sentence.
pub fn refusal_text(lang: Lang, r: &Refusal) -> String {
    match (lang, r) {
        (Lang::Zh, Refusal::Taken { subject, field }) => format!(
            "已有{}相同的{}，请换一个",
            field_name(lang, field),
            subject_name(lang, *subject)
        ),
        (Lang::En, Refusal::Taken { subject, field }) => format!(
            "Another {} already has this {}; choose another",
            subject_name(lang, *subject),
            field_name(lang, field)
        ),
        (Lang::Zh, Refusal::RegionHasActiveStores { count }) => {
            format!("该大区还有 {count} 家营业中的门店，请先停用或移走")
        }
        (Lang::En, Refusal::RegionHasActiveStores { count }) => {
            format!("The region still has {count} open stores; close or move them first")
        }
        (Lang::Zh, Refusal::BrandRequired { brands }) => {
            format!("该邮箱可登录多个品牌，请选择：{}", brands.join("、"))
        }
        (Lang::En, Refusal::BrandRequired { brands }) => format!(
            "This email signs in to several brands; choose one of: {}",
            brands.join(", ")
        ),
        (Lang::Zh, Refusal::OutOfStock) => "库存不足".into(),
        (Lang::En, Refusal::OutOfStock) => "Not enough stock".into(),
        (Lang::Zh, Refusal::CommunityArchived) => "该社群已归档，不能再加入".into(),
        (Lang::Zh, Refusal::Blacklisted) => "该顾客在品牌黑名单中，不能加入任何社群".into(),
        (Lang::En, Refusal::Blacklisted) => {
            "This customer is on the brand's blacklist and joins no community".into()
        }
        (Lang::Zh, Refusal::AlreadySettled) => "这条筛选记录已经处理过了".into(),
        (Lang::En, Refusal::AlreadySettled) => "This screening decision was settled already".into(),
        (
            Lang::Zh,
            Refusal::HandoverRequired {
                communities,
                customers,
            },
        ) => format!("TA 还是 {communities} 个社群的群主、{customers} 位顾客的专属导购，请先交接"),
        (
            Lang::En,
            Refusal::HandoverRequired {
                communities,
                customers,
            },
        ) => format!(
            "They still run {communities} communities and serve {customers} customers; hand them over first"
        ),
        (Lang::En, Refusal::CommunityArchived) => {
            "The community is archived; nobody joins it".into()
        }
        (Lang::Zh, Refusal::InvalidTransition { .. }) => "当前状态不能执行此操作".into(),
        (Lang::En, Refusal::InvalidTransition { .. }) => {
            "Its current status does not allow this".into()
        }
        (Lang::Zh, Refusal::AmountMismatch) => "金额与订单不符".into(),
        (Lang::En, Refusal::AmountMismatch) => "The amount does not match the order".into(),
        (Lang::Zh, Refusal::RefundExceedsPaid) => "退款金额超过已付金额".into(),
        (Lang::En, Refusal::RefundExceedsPaid) => "The refund is more than was paid".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_code_is_told_in_chinese_beside_the_code_field() {
        let e = AppError::Refused(Refusal::Taken {
            subject: Subject::Store,
            field: "code",
        });
        let m = form_message(Lang::Zh, &e).expect("a form error");
        assert_eq!(m.field, "code");
        assert_eq!(m.message, "已有编码相同的门店，请换一个");
        let m = form_message(Lang::En, &e).expect("a form error");
        assert_eq!(
            m.message,
            "Another store already has this code; choose another"
        );
    }

    #[test]
    fn validation_reasons_are_localised_without_english_in_chinese() {
        let e = AppError::invalid("name", Reason::TooLong { max: 100, got: 120 });
        let zh = form_message(Lang::Zh, &e).expect("a form error");
        assert_eq!(zh.field, "name");
        assert_eq!(zh.message, "最多 100 个字，现在是 120 个");
        for r in [
            Reason::Required,
            Reason::NotAnEmail,
            Reason::UnknownStore,
            Reason::WrongPassword,
        ] {
            let text = reason_text(Lang::Zh, &r);
            assert!(
                !text.contains("must"),
                "{r:?} is shown in Chinese, not English: {text}"
            );
        }
    }

    #[test]
    fn faults_and_missing_rows_are_not_form_errors() {
        assert_eq!(form_message(Lang::Zh, &AppError::NotFound("store")), None);
        assert_eq!(
            form_message(Lang::Zh, &AppError::Internal("x".into())),
            None
        );
    }
}
