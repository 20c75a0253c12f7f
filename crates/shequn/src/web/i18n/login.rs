//! `/login`.

pub struct Login {
    pub title: &'static str,
    pub tagline: &'static str,
    pub sign_in: &'static str,
    pub bad_credentials: &'static str,
    pub rate_limited: &'static str,
    pub choose_brand: &'static str,
    pub brand_slug: &'static str,
}

pub const ZH: Login = Login {
    title: "员工登录",
    tagline: "品牌社群电商：门店、导购、社群与会员",
    sign_in: "登录",
    bad_credentials: "邮箱或密码错误",
    rate_limited: "尝试次数过多，请稍后再试",
    choose_brand: "该邮箱在多个品牌有账号，请填写品牌标识",
    brand_slug: "品牌标识",
};

pub const EN: Login = Login {
    title: "Staff sign-in",
    tagline: "Community commerce for brands: stores, shop guides, communities and members",
    sign_in: "Sign in",
    bad_credentials: "The email or password is wrong",
    rate_limited: "Too many attempts; please wait and try again",
    choose_brand: "This email has accounts in several brands; enter the brand",
    brand_slug: "Brand (slug)",
};
