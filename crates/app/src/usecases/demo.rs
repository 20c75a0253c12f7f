//! Demo data for `shequn serve --demo`: a brand to click through and a second brand that
//! the isolation tests use. Seeded once; a second start finds the brand and does nothing.

use shequn_domain::{
    BrandId, Capacity, Channel, CommunityId, Consent, Customer, CustomerId, Email, JoinSource,
    Kind, Lifecycle, MemberRole, Name, Phone, Purpose, RegionId, Role, Slug, StaffId, StoreCode,
    StoreId,
};

use crate::clock::now_ms;
use crate::secrets::hash_password;
use crate::storage::communities::{self, NewCommunity};
use crate::storage::db::Tx;
use crate::storage::staff::NewStaff;
use crate::storage::stores::NewStore;
use crate::storage::{customers, members};
use crate::storage::{orgs, regions, staff, stores};
use crate::{AppError, Db};

pub const DEMO_PASSWORD: &str = "shequn-demo-2026";

/// The logins the demo prints and the README lists: (email, role, where).
pub const DEMO_LOGINS: [(&str, &str, &str); 5] = [
    ("admin@demo.shequn.test", "brand_admin", "demo brand"),
    ("east@demo.shequn.test", "region_manager", "华东大区"),
    (
        "manager.sh001@demo.shequn.test",
        "store_manager",
        "上海南京西路店 SH-001",
    ),
    (
        "guide01@demo.shequn.test",
        "shop_guide",
        "上海南京西路店 SH-001",
    ),
    ("admin@other.shequn.test", "brand_admin", "other brand"),
];

const REGIONS: [&str; 3] = ["华东大区", "华南大区", "华北大区"];
const STORES: [(usize, &str, &str, &str); 12] = [
    (
        0,
        "SH-001",
        "上海南京西路店",
        "上海市静安区南京西路 1266 号",
    ),
    (0, "HZ-001", "杭州湖滨店", "杭州市上城区湖滨路 88 号"),
    (0, "SZ-001", "苏州观前街店", "苏州市姑苏区观前街 168 号"),
    (0, "NJ-001", "南京新街口店", "南京市秦淮区中山南路 1 号"),
    (1, "GZ-001", "广州天河城店", "广州市天河区天河路 208 号"),
    (1, "SZN-001", "深圳万象城店", "深圳市罗湖区宝安南路 1881 号"),
    (1, "XM-001", "厦门中山路店", "厦门市思明区中山路 200 号"),
    (1, "FZ-001", "福州东街口店", "福州市鼓楼区八一七北路 88 号"),
    (2, "BJ-001", "北京三里屯店", "北京市朝阳区三里屯路 19 号"),
    (2, "TJ-001", "天津滨江道店", "天津市和平区滨江道 208 号"),
    (2, "QD-001", "青岛台东店", "青岛市市北区台东三路 77 号"),
    (2, "JN-001", "济南泉城路店", "济南市历下区泉城路 188 号"),
];
const GUIDE_NAMES: [&str; 40] = [
    "王芳", "李娜", "张敏", "刘洋", "陈静", "杨丽", "赵磊", "黄婷", "周杰", "吴倩", "徐明", "孙悦",
    "胡佳", "朱琳", "高翔", "林晨", "何雪", "郭涛", "马骏", "罗兰", "梁爽", "宋雨", "郑凯", "谢菲",
    "韩梅", "唐宁", "冯博", "于洁", "董浩", "萧然", "程诚", "曹颖", "袁野", "邓超", "许晴", "傅琪",
    "沈璐", "曾毅", "彭程", "吕薇",
];

fn parse<T>(r: Result<T, shequn_domain::DomainError>) -> Result<T, AppError> {
    r.map_err(|e| AppError::Internal(format!("demo data is invalid: {e}")))
}

/// Seeds the demo brands unless the `demo` brand exists. Returns whether it seeded.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn seed(db: &Db) -> Result<bool, AppError> {
    let exists = db
        .read(|tx| Box::pin(async move { Ok(orgs::find_by_slug(tx, "demo").await?.is_some()) }))
        .await?;
    if exists {
        return Ok(false);
    }
    // One hash for every demo account: demo data is public anyway, and 45 argon2 runs
    // would slow the first start by seconds. Hashed before the transaction, never inside.
    let hash = hash_password(DEMO_PASSWORD.to_owned()).await?;
    let now = now_ms();
    // One transaction: all of the demo data or none of it.
    db.write(move |tx| Box::pin(async move { seed_in(tx, &hash, now).await }))
        .await
}

async fn seed_in(tx: &mut Tx, hash: &str, now: i64) -> Result<bool, AppError> {
    // Another process may have seeded since the check above.
    if orgs::find_by_slug(tx, "demo").await?.is_some() {
        return Ok(false);
    }
    let demo = brand(tx, "demo", "社群演示品牌 Demo Brand", now).await?;
    let mut region_ids = Vec::new();
    for name in REGIONS {
        let name = parse(Name::parse("name", name))?;
        region_ids.push(regions::insert(tx, demo, &name, now).await?.id);
    }
    let mut store_ids = Vec::new();
    for (region, code, name, address) in STORES {
        let code = parse(StoreCode::parse("code", code))?;
        let name = parse(Name::parse("name", name))?;
        let new = NewStore {
            region: region_ids[region],
            code: &code,
            name: &name,
            address,
        };
        store_ids.push(stores::insert(tx, demo, &new, now).await?.id);
    }
    hire(
        tx,
        demo,
        "admin@demo.shequn.test",
        "演示管理员",
        Role::BrandAdmin,
        None,
        None,
        hash,
        now,
    )
    .await?;
    for (i, (r, local)) in region_ids
        .iter()
        .zip(["east", "south", "north"])
        .enumerate()
    {
        let email = format!("{local}@demo.shequn.test");
        let name = format!("{}经理", REGIONS[i]);
        hire(
            tx,
            demo,
            &email,
            &name,
            Role::RegionManager,
            Some(*r),
            None,
            hash,
            now,
        )
        .await?;
    }
    let mut managers = Vec::with_capacity(store_ids.len());
    for (i, s) in store_ids.iter().enumerate() {
        let email = format!(
            "manager.{}@demo.shequn.test",
            STORES[i].1.to_lowercase().replace('-', "")
        );
        let name = format!("{}店长", STORES[i].2);
        let id = hire(
            tx,
            demo,
            &email,
            &name,
            Role::StoreManager,
            None,
            Some(*s),
            hash,
            now,
        )
        .await?;
        managers.push(id);
    }
    let mut first_guides: Vec<Option<StaffId>> = vec![None; store_ids.len()];
    for (i, name) in GUIDE_NAMES.iter().enumerate() {
        let email = format!("guide{:02}@demo.shequn.test", i + 1);
        let store = store_ids[i % store_ids.len()];
        let id = hire(
            tx,
            demo,
            &email,
            name,
            Role::ShopGuide,
            None,
            Some(store),
            hash,
            now,
        )
        .await?;
        first_guides[i % store_ids.len()].get_or_insert(id);
    }
    // Two communities a store: a sales group run by a guide, a service group by the manager.
    for (i, store) in store_ids.iter().enumerate() {
        let guide = first_guides[i].unwrap_or(managers[i]);
        let name = STORES[i].2;
        let sales = format!("{name}福利群");
        let sales_group = open_community(
            tx,
            demo,
            *store,
            guide,
            &sales,
            Purpose::Sales,
            Kind::Discount,
            now,
        )
        .await?;
        let service = format!("{name}会员服务群");
        open_community(
            tx,
            demo,
            *store,
            managers[i],
            &service,
            Purpose::Brand,
            Kind::Service,
            now,
        )
        .await?;
        // Three customers a store, one from each kind of channel.
        for (k, (channel, nickname)) in [
            (Channel::OfficialAccount, "老顾客"),
            (Channel::NewMedia, "小红书粉丝"),
            (Channel::FissionPoster, "海报新客"),
        ]
        .into_iter()
        .enumerate()
        {
            let c = Customer {
                id: CustomerId(0),
                nickname: format!("{}{nickname}", STORES[i].1),
                avatar_flagged: false,
                phone: Some(parse(Phone::parse(
                    "phone",
                    &format!("138{:04}{:04}", i + 1, k + 1),
                ))?),
                external_id: Some(format!("wm-demo-{}-{}", STORES[i].1, k + 1)),
                channel,
                invited_by: None,
                tier: channel.default_tier(),
                tier_reason: None,
                consent: Consent {
                    given: k == 0,
                    at: (k == 0).then_some(now),
                    source: (k == 0).then(|| "demo".to_owned()),
                },
                tags: if k == 1 {
                    vec!["宝妈".to_owned()]
                } else {
                    vec![]
                },
                store_id: Some(*store),
                guide_id: Some(guide),
                last_active_at: None,
                lifecycle: Lifecycle::New,
                created_at: now,
                updated_at: now,
            };
            let joined = customers::insert(tx, demo, &c, now).await?;
            let role = if k == 0 {
                MemberRole::CoreFigure
            } else {
                MemberRole::Member
            };
            members::insert(
                tx,
                demo,
                sales_group,
                joined.id,
                role,
                JoinSource::Staff,
                now,
            )
            .await?;
        }
    }

    let other = brand(tx, "other", "另一个品牌 Other Brand", now).await?;
    let region_name = parse(Name::parse("name", "西南大区"))?;
    let r = regions::insert(tx, other, &region_name, now).await?.id;
    let code = parse(StoreCode::parse("code", "CD-001"))?;
    let name = parse(Name::parse("name", "成都春熙路店"))?;
    let new = NewStore {
        region: r,
        code: &code,
        name: &name,
        address: "成都市锦江区春熙路 9 号",
    };
    let s = stores::insert(tx, other, &new, now).await?.id;
    hire(
        tx,
        other,
        "admin@other.shequn.test",
        "另一品牌管理员",
        Role::BrandAdmin,
        None,
        None,
        hash,
        now,
    )
    .await?;
    let other_guide = hire(
        tx,
        other,
        "guide@other.shequn.test",
        "成都导购",
        Role::ShopGuide,
        None,
        Some(s),
        hash,
        now,
    )
    .await?;
    open_community(
        tx,
        other,
        s,
        other_guide,
        "成都春熙路店福利群",
        Purpose::Sales,
        Kind::Discount,
        now,
    )
    .await?;
    let chengdu = Customer {
        id: CustomerId(0),
        nickname: "成都老友".to_owned(),
        avatar_flagged: false,
        phone: Some(parse(Phone::parse("phone", "13900000001"))?),
        external_id: Some("wm-other-1".to_owned()),
        channel: Channel::FriendInvite,
        invited_by: None,
        tier: Channel::FriendInvite.default_tier(),
        tier_reason: None,
        consent: Consent {
            given: false,
            at: None,
            source: None,
        },
        tags: vec![],
        store_id: Some(s),
        guide_id: Some(other_guide),
        last_active_at: None,
        lifecycle: Lifecycle::New,
        created_at: now,
        updated_at: now,
    };
    customers::insert(tx, other, &chengdu, now).await?;
    Ok(true)
}

async fn brand(tx: &mut Tx, slug: &str, name: &str, now: i64) -> Result<BrandId, AppError> {
    let slug = parse(Slug::parse("slug", slug))?;
    let name = parse(Name::parse("name", name))?;
    Ok(orgs::insert(tx, &slug, &name, now).await?.id)
}

#[allow(clippy::too_many_arguments)]
async fn hire(
    tx: &mut Tx,
    brand: BrandId,
    email: &str,
    name: &str,
    role: Role,
    region: Option<RegionId>,
    store: Option<StoreId>,
    hash: &str,
    now: i64,
) -> Result<StaffId, AppError> {
    let email = parse(Email::parse("email", email))?;
    let new = NewStaff {
        email: &email,
        display_name: name,
        role,
        region,
        store,
        password_hash: hash,
    };
    Ok(staff::insert(tx, brand, &new, now).await?)
}

/// A community of `store` run by `owner`.
#[allow(clippy::too_many_arguments)]
async fn open_community(
    tx: &mut Tx,
    brand: BrandId,
    store: StoreId,
    owner: StaffId,
    name: &str,
    purpose: Purpose,
    kind: Kind,
    now: i64,
) -> Result<CommunityId, AppError> {
    let new = NewCommunity {
        store,
        owner,
        name,
        purpose,
        kind,
        capacity: Capacity::DEFAULT,
        rules: "1. 友善交流，不发广告。\n2. 福利与活动以群公告为准。",
        overflow_of: None,
    };
    Ok(communities::insert(tx, brand, &new, None, now).await?.id)
}
