//! The demo brand's shop at working size, for `shequn serve --demo` and `shequn demo`: a
//! catalogue of 24 products in six categories, each with a generated picture, and ~100,000
//! orders over the last 90 days by the crowd's customers ([`super::demo_crowd`]), through
//! their stores, guides and groups — paid, shipped, completed, cancelled, expired,
//! refunded in full or in part, with payments, refunds, timelines and shipping addresses.
//! Deterministic (a fixed seed); seeded once.
//!
//! Every order lives through the domain's state machine (`Order::place`, then
//! `Order::apply` step by step, never after now), so its numbers are what the real use
//! cases would have written; the rows go in with multi-row INSERTs. Stock moves through
//! [`move_stock_in`], one ledger line per SKU, day and reason (noted as the day's total)
//! instead of one per order: `shequn verify` compares each SKU's counters with its ledger's
//! sums, which agree either way, and 100,000 orders' lines one by one would take minutes on
//! PostgreSQL.

use std::collections::{BTreeMap, HashMap};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use sha2::{Digest, Sha256};
use shequn_domain::catalogue::image_type;
use shequn_domain::order::{Order, OrderEvent, OrderStatus, Outcome};
use shequn_domain::stock::{StockLevel, StockReason};
use shequn_domain::{
    BrandId, Cursor, CustomerId, Fen, Frequency, OrderId, PageSize, ProductDraft, SkuDraft, SkuId,
    StaffId, StoreId,
};

use crate::clock::now_ms;
use crate::storage::catalogue::{self, Move, ProductFilter};
use crate::storage::db::Tx;
use crate::storage::demo_orders::{
    self as store, Buyer, NewCharge, NewEvent, NewGatewayRefund, NewIntent, NewOrder, NewPayment,
    NewRefund, NewShipping, Place, Stint,
};
use crate::storage::orders::{self as order_store, OrderMeta};
use crate::storage::{customers, orgs};
use crate::usecases::catalogue::move_stock_in;
use crate::usecases::{jobs, orders};
use crate::{AppError, Db};

/// Orders the history aims at; each day's count is random around its share.
const TARGET_ORDERS: f64 = 100_000.0;
/// Days of history.
const DAYS: i64 = 90;
const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 60 * MINUTE_MS;
const DAY_MS: i64 = 24 * HOUR_MS;
/// China Standard Time: days, weekends and the hours people shop are Chinese.
const CST_MS: i64 = 8 * HOUR_MS;
/// A demo brand with fewer customers has no crowd, so no history either.
const MIN_CUSTOMERS: i64 = 1_000;
/// A demo brand with more orders has its history already.
const SEEDED_ORDERS: i64 = 1_000;
/// Fewer products than this and the demo catalogue is added.
const FEW_PRODUCTS: i64 = 10;
/// Until this many customers have arrived, an order may come from any of them (regulars
/// of the stores before they joined online), so the first days are not a handful of buyers.
const MIN_POOL: usize = 2_000;
/// Orders a guide placed for the customer (代客下单), in percent.
const BY_GUIDE_PCT: u32 = 10;
/// Side of the generated product pictures, in pixels.
const PICTURE_SIDE: usize = 64;
const SEED: u64 = 20_261_128;
/// How long the sandbox takes to pay a refund back.
const SETTLED_AFTER_MS: i64 = 3 * MINUTE_MS;

/// Relative share of a day's orders placed in each hour, China time.
const HOURS: [f64; 24] = [
    1.0, 0.5, 0.3, 0.2, 0.2, 0.3, 0.6, 1.2, 2.0, 2.5, 3.0, 3.5, 4.0, 3.5, 3.0, 3.0, 3.0, 3.0, 3.5,
    4.5, 6.0, 6.5, 5.0, 3.0,
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
];
const GIVEN: &[&str] = &[
    "丽", "伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "婷", "杰", "晓明", "雪梅", "建华",
    "海燕",
];
const STREETS: &[&str] = &[
    "人民路",
    "中山路",
    "解放路",
    "建设路",
    "和平路",
    "新华路",
    "文化路",
    "幸福路",
    "长江路",
    "青年路",
];
const ESTATES: &[&str] = &[
    "阳光花园",
    "锦绣华庭",
    "翠湖苑",
    "金色家园",
    "书香名邸",
    "滨江花城",
    "丽景湾",
    "世纪新城",
];
const SHIP_NOTES: &[&str] = &[
    "",
    "",
    "",
    "",
    "",
    "工作日送货",
    "放门卫室",
    "送货前请电话联系",
];
const RETURN_REASONS: &[&str] = &[
    "七天无理由退货",
    "商品与描述不符",
    "买错规格",
    "收到商品破损",
];
const UNSHIPPED_REASONS: &[&str] = &["不想要了", "拍错了", "地址填错，重新下单"];
const PARTIAL_REASONS: &[&str] = &[
    "外包装破损，协商补偿",
    "赠品漏发，补偿差价",
    "少量漏液，协商补偿",
];
/// What `orders::confirm_payment` books for a payment that came after the order closed.
const LATE_PAYMENT_REASON: &str = "paid after the order closed";

/// A category and the colour of its pictures.
const CATEGORIES: [(&str, [u8; 3]); 6] = [
    ("护肤", [232, 154, 166]),
    ("彩妆", [200, 60, 80]),
    ("个护", [80, 170, 170]),
    ("母婴", [245, 200, 90]),
    ("食品", [230, 130, 60]),
    ("家居", [100, 130, 180]),
];

/// A product of the demo catalogue: category (index), title, frequency, usage cycle in
/// days, description, and SKUs as (name, price, list price) in fen.
type DemoProduct = (
    usize,
    &'static str,
    &'static str,
    Option<i64>,
    &'static str,
    &'static [(&'static str, i64, i64)],
);

const PRODUCTS: [DemoProduct; 24] = [
    (
        0,
        "玻尿酸保湿精华液",
        "high",
        Some(30),
        "小分子玻尿酸，清爽补水，早晚可用。",
        &[("30ml", 16_900, 19_900), ("50ml", 25_900, 29_900)],
    ),
    (
        0,
        "氨基酸温和洁面乳",
        "high",
        Some(45),
        "氨基酸表活，洗后不紧绷，敏感肌可用。",
        &[("120g", 6_900, 8_900)],
    ),
    (
        0,
        "烟酰胺焕亮面霜",
        "high",
        Some(60),
        "5% 烟酰胺，提亮肤色，质地轻盈。",
        &[("50g", 19_900, 25_900)],
    ),
    (
        0,
        "修护舒缓面膜",
        "high",
        Some(20),
        "积雪草精华，晒后与换季修护。",
        &[("5片装", 5_900, 7_900), ("10片装", 9_900, 13_900)],
    ),
    (
        1,
        "丝绒雾面口红",
        "low",
        Some(120),
        "丝绒雾面质地，显色持久不拔干。",
        &[
            ("#01 正红", 12_900, 15_900),
            ("#02 豆沙", 12_900, 15_900),
            ("#03 枫叶", 12_900, 15_900),
        ],
    ),
    (
        1,
        "轻薄持妆粉底液",
        "low",
        Some(90),
        "轻薄服帖，12 小时持妆。",
        &[
            ("30ml 象牙白", 18_900, 22_900),
            ("30ml 自然色", 18_900, 22_900),
        ],
    ),
    (
        1,
        "防水细长睫毛膏",
        "low",
        Some(90),
        "细刷头根根分明，防水防晕染。",
        &[("8g", 7_900, 9_900)],
    ),
    (
        1,
        "四色眼影盘",
        "low",
        Some(180),
        "日常通勤配色，粉质细腻好晕染。",
        &[("大地色", 13_900, 16_900), ("蜜桃色", 13_900, 16_900)],
    ),
    (
        2,
        "控油蓬松洗发水",
        "high",
        Some(45),
        "无硅油配方，控油蓬松。",
        &[("500ml", 5_900, 6_900), ("750ml", 7_900, 8_900)],
    ),
    (
        2,
        "香氛沐浴露",
        "high",
        Some(40),
        "白茶香氛，温和清洁，留香持久。",
        &[("500ml", 4_900, 5_900)],
    ),
    (
        2,
        "含氟清新牙膏",
        "high",
        Some(60),
        "含氟防蛀，清新口气。",
        &[("120g×2支", 3_900, 4_900)],
    ),
    (
        2,
        "电动牙刷替换刷头",
        "low",
        Some(90),
        "软毛刷头，三个月一换。",
        &[("4支装", 8_900, 9_900)],
    ),
    (
        3,
        "婴儿纸尿裤",
        "high",
        Some(10),
        "超薄透气，12 小时干爽。",
        &[
            ("M码 50片", 11_900, 13_900),
            ("L码 44片", 11_900, 13_900),
            ("XL码 38片", 11_900, 13_900),
        ],
    ),
    (
        3,
        "婴儿柔湿巾",
        "high",
        Some(15),
        "纯水配方，手口可用。",
        &[("80抽×6包", 4_900, 5_900)],
    ),
    (
        3,
        "宝宝润肤霜",
        "high",
        Some(60),
        "燕麦成分，保湿舒缓。",
        &[("100g", 6_800, 7_800)],
    ),
    (
        3,
        "宽口径婴儿奶瓶",
        "low",
        Some(180),
        "PPSU 材质，防胀气奶嘴。",
        &[("240ml", 12_800, 14_800)],
    ),
    (
        4,
        "每日坚果",
        "high",
        Some(30),
        "六种坚果果干，每日一袋。",
        &[("25g×30袋", 12_900, 15_900)],
    ),
    (
        4,
        "冻干草莓脆",
        "high",
        Some(14),
        "整颗冻干，无添加糖。",
        &[("50g", 2_990, 3_590), ("50g×3袋", 7_900, 9_900)],
    ),
    (
        4,
        "低糖燕麦片",
        "high",
        Some(30),
        "澳洲燕麦，冲泡即食。",
        &[("1kg", 3_990, 4_990)],
    ),
    (
        4,
        "挂耳咖啡",
        "high",
        Some(20),
        "中深烘焙，醇厚不酸。",
        &[("10g×20包", 5_900, 6_900)],
    ),
    (
        5,
        "纯棉四件套",
        "low",
        None,
        "60 支长绒棉，亲肤透气。",
        &[("1.5m床", 29_900, 39_900), ("1.8m床", 34_900, 44_900)],
    ),
    (
        5,
        "加厚竹纤维毛巾",
        "low",
        Some(180),
        "柔软吸水，不掉毛。",
        &[("3条装", 5_900, 7_900)],
    ),
    (
        5,
        "香薰蜡烛",
        "low",
        Some(60),
        "大豆蜡，燃烧约 40 小时。",
        &[("白茶 200g", 8_900, 9_900), ("雪松 200g", 8_900, 9_900)],
    ),
    (
        5,
        "真空保温杯",
        "low",
        None,
        "316 不锈钢内胆，12 小时保温。",
        &[
            ("500ml 月白", 14_900, 19_900),
            ("500ml 黛蓝", 14_900, 19_900),
        ],
    ),
];

/// What the history added.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct History {
    /// Products added to the catalogue (none when the brand had some).
    pub products: u64,
    pub orders: u64,
    pub lines: u64,
    pub events: u64,
    pub payments: u64,
    pub refunds: u64,
    /// Lines written to the stock ledger.
    pub movements: u64,
    /// Orders still waiting for payment (their expiry is scheduled).
    pub pending: u64,
}

/// Gives the demo brand its catalogue (when it has next to none) and 90 days of orders,
/// once: a brand without the crowd, or with orders already, is left alone (None then).
pub async fn seed(db: &Db) -> Result<Option<History>, AppError> {
    let now = now_ms();
    // Pictures are made before any transaction: bodies only talk to the database.
    let pictures = PRODUCTS
        .iter()
        .enumerate()
        .map(|(i, p)| picture(CATEGORIES[p.0].1, i))
        .collect::<Result<Vec<_>, _>>()?;
    let since = now - DAYS * DAY_MS;
    let Some((brand, merchant, products)) = db
        .write(move |tx| Box::pin(async move { prepare(tx, &pictures, since - DAY_MS).await }))
        .await?
    else {
        return Ok(None);
    };
    let world = db
        .read(move |tx| Box::pin(async move { load(tx, brand).await }))
        .await?;
    let plan = plan(&world, now)?;
    let history = db
        .write(move |tx| {
            Box::pin(async move { write_plan(tx, brand, &merchant, &world, &plan).await })
        })
        .await?;
    Ok(history.map(|h| History { products, ..h }))
}

/// The demo brand, if it has the crowd and no history yet, with the products added to its
/// catalogue.
async fn prepare(
    tx: &mut Tx,
    pictures: &[Vec<u8>],
    at: i64,
) -> Result<Option<(BrandId, Merchant, u64)>, AppError> {
    let Some(found) = orgs::find_by_slug(tx, "demo").await? else {
        return Ok(None);
    };
    let (brand, merchant) = (
        found.id,
        Merchant {
            slug: found.slug,
            name: found.name,
        },
    );
    if customers::count_all(tx, brand).await? < MIN_CUSTOMERS
        || store::count_orders(tx, brand).await? >= SEEDED_ORDERS
    {
        return Ok(None);
    }
    if store::count_products(tx, brand).await? >= FEW_PRODUCTS {
        return Ok(Some((brand, merchant, 0)));
    }
    for (p, png) in PRODUCTS.iter().zip(pictures) {
        let (category, title, frequency, usage_days, description, skus) = *p;
        let draft = ProductDraft::parse(
            title,
            CATEGORIES[category].0,
            frequency,
            usage_days,
            description,
            true,
        )?;
        let id = catalogue::insert_product(tx, brand, &draft, at).await?;
        for (name, price, list_price) in skus {
            let sku = SkuDraft::parse(name, *price, Some(*list_price))?;
            catalogue::insert_sku(tx, brand, id, &sku, at).await?;
        }
        let kind = image_type(png)
            .ok_or_else(|| AppError::Internal("a demo picture is not a PNG".into()))?;
        let sha = hex::encode(Sha256::digest(png));
        catalogue::insert_image(tx, brand, id, kind, png, &sha, at).await?;
    }
    Ok(Some((brand, merchant, PRODUCTS.len() as u64)))
}

/// A 64×64 PNG: the category's colour fading towards white, at an angle of its own.
fn picture(colour: [u8; 3], variant: usize) -> Result<Vec<u8>, AppError> {
    let (a, b) = (1 + variant % 4, 4);
    let span = (PICTURE_SIDE - 1) * (a + b);
    let mut pixels = Vec::with_capacity(PICTURE_SIDE * PICTURE_SIDE * 3);
    for y in 0..PICTURE_SIDE {
        for x in 0..PICTURE_SIDE {
            // 0 at the top left to 180 of 255 towards white at the bottom right.
            let t = (x * a + y * b) * 180 / span;
            for c in colour {
                let c = usize::from(c);
                pixels.push(u8::try_from(c + (255 - c) * t / 255).unwrap_or(u8::MAX));
            }
        }
    }
    let side = PICTURE_SIDE as u32;
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let fail = |e: png::EncodingError| AppError::Internal(format!("PNG encoding: {e}"));
    let mut writer = encoder.write_header().map_err(fail)?;
    writer.write_image_data(&pixels).map_err(fail)?;
    writer.finish().map_err(fail)?;
    Ok(out)
}

/// A SKU on sale: what a line copies, how popular it is, its stock now.
#[derive(Debug, Clone)]
struct OnSale {
    id: SkuId,
    title: String,
    price: Fen,
    weight: u64,
    level: StockLevel,
}

/// Where a customer's parcels go.
#[derive(Debug, Clone)]
struct ShipTo {
    recipient: String,
    phone: String,
    address: String,
}

/// What the orders are made from.
#[derive(Debug)]
struct World {
    /// First arrived first.
    buyers: Vec<Buyer>,
    ship_to: Vec<ShipTo>,
    stints: HashMap<CustomerId, Vec<Stint>>,
    managers: HashMap<StoreId, StaffId>,
    skus: Vec<OnSale>,
    pay_within_ms: i64,
}

async fn load(tx: &mut Tx, brand: BrandId) -> Result<World, AppError> {
    let buyers = store::buyers(tx, brand).await?;
    if buyers.is_empty() {
        return Err(AppError::Internal("the demo brand has no customers".into()));
    }
    let places = store::places(tx, brand).await?;
    let ship_to = buyers.iter().map(|b| ship_to(b, &places)).collect();
    let mut stints: HashMap<CustomerId, Vec<Stint>> = HashMap::new();
    for s in store::stints(tx, brand).await? {
        stints.entry(s.customer).or_default().push(s);
    }
    let managers = places
        .iter()
        .filter_map(|p| Some((p.store, p.manager?)))
        .collect();
    let skus = on_sale(tx, brand).await?;
    if skus.is_empty() {
        return Err(AppError::Internal(
            "the demo brand has nothing on sale".into(),
        ));
    }
    let pay_within_ms = order_store::pay_within_minutes(tx, brand).await? * MINUTE_MS;
    Ok(World {
        buyers,
        ship_to,
        stints,
        managers,
        skus,
        pay_within_ms,
    })
}

/// Every active SKU of a product on the shelf; everyday goods sell three times as often.
async fn on_sale(tx: &mut Tx, brand: BrandId) -> Result<Vec<OnSale>, AppError> {
    let size = PageSize::parse(Some(200))?;
    let filter = ProductFilter {
        on_shelf: Some(true),
        ..ProductFilter::default()
    };
    let mut out = Vec::new();
    let mut after = Cursor(0);
    loop {
        let (page, _) = catalogue::list(tx, brand, &filter, after, size).await?;
        let Some(last) = page.last() else { break };
        after = Cursor(last.id.get());
        for p in &page {
            let weight = match p.frequency {
                Frequency::High => 3,
                Frequency::Low => 1,
            };
            out.extend(p.skus.iter().filter(|s| s.active).map(|s| OnSale {
                id: s.id,
                title: format!("{} {}", p.title, s.name),
                price: s.price,
                weight,
                level: s.stock,
            }));
        }
        if page.len() < size.get() as usize {
            break;
        }
    }
    Ok(out)
}

/// The customer's parcel address, in their store's city, the same for every order.
fn ship_to(b: &Buyer, places: &[Place]) -> ShipTo {
    let h = b.id.get().unsigned_abs() as usize;
    let city = b
        .store
        .and_then(|s| places.iter().find(|p| p.store == s))
        .and_then(|p| {
            p.address
                .find('市')
                .map(|i| &p.address[..i + '市'.len_utf8()])
        })
        .unwrap_or("上海市");
    let nickname_is_a_name = (2..=4).contains(&b.nickname.chars().count())
        && b.nickname
            .chars()
            .all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let recipient = if nickname_is_a_name {
        b.nickname.clone()
    } else {
        format!(
            "{}{}",
            SURNAMES[h % SURNAMES.len()],
            GIVEN[(h / 7) % GIVEN.len()]
        )
    };
    ShipTo {
        recipient,
        phone: b
            .phone
            .clone()
            .unwrap_or_else(|| format!("1380000{:04}", h % 10_000)),
        address: format!(
            "{city}{}{}号{}{}栋{}室",
            STREETS[(h / 3) % STREETS.len()],
            1 + h % 300,
            ESTATES[(h / 11) % ESTATES.len()],
            1 + (h / 5) % 20,
            (1 + (h / 13) % 30) * 100 + 1 + h % 4
        ),
    }
}

/// Something that happened to an order, for its timeline.
#[derive(Debug)]
struct Step {
    event: &'static str,
    status: OrderStatus,
    at: i64,
    staff: Option<StaffId>,
    /// JSON; `{}` when None.
    detail: Option<String>,
}

#[derive(Debug)]
struct Payment {
    at: i64,
    /// applied | refund_due
    outcome: &'static str,
}

#[derive(Debug)]
struct Intent {
    /// paid | closed
    status: &'static str,
    updated_at: i64,
}

#[derive(Debug)]
struct Refunded {
    line: Option<i64>,
    amount: Fen,
    restock: i64,
    reason: &'static str,
    staff: Option<StaffId>,
    at: i64,
}

/// One order and everything that happened to it up to now.
#[derive(Debug)]
struct Sale {
    buyer: usize,
    meta: OrderMeta,
    order: Order,
    steps: Vec<Step>,
    payment: Option<Payment>,
    intent: Option<Intent>,
    refunds: Vec<Refunded>,
    note: &'static str,
}

/// Stock moved by the orders: units per (China day, reason, SKU).
#[derive(Debug, Default)]
struct Ledger(BTreeMap<(i64, u8, SkuId), i64>);

/// The order a day's movements go in: goods arrive, orders take units, closed orders
/// release theirs, returns come back.
const REASONS: [StockReason; 4] = [
    StockReason::Received,
    StockReason::Sold,
    StockReason::Released,
    StockReason::Returned,
];

impl Ledger {
    fn add(&mut self, at: i64, reason: StockReason, sku: SkuId, units: u32) {
        let rank = REASONS.iter().position(|r| *r == reason).unwrap_or(0) as u8;
        *self.0.entry((day_of(at), rank, sku)).or_default() += i64::from(units);
    }
}

/// The China day (days since 1970-01-01 CST) of a time.
fn day_of(at: i64) -> i64 {
    (at + CST_MS).div_euclid(DAY_MS)
}

/// When a China day begins, in UTC milliseconds.
fn day_start(day: i64) -> i64 {
    day * DAY_MS - CST_MS
}

/// One stock movement to make.
#[derive(Debug)]
struct Planned {
    sku: SkuId,
    reason: StockReason,
    quantity: i64,
    at: i64,
}

/// The history to write.
#[derive(Debug)]
struct Plan {
    sales: Vec<Sale>,
    moves: Vec<Planned>,
}

/// Draws the orders day by day, lives each through the state machine, and plans the stock
/// that supplies them.
fn plan(world: &World, now: i64) -> Result<Plan, AppError> {
    let mut rng = StdRng::seed_from_u64(SEED);
    let buyer_weights = prefix_sums(world.buyers.iter().map(|_| match rng.random_range(0..100) {
        0..25 => 0,
        25..75 => 1,
        75..93 => 2,
        _ => 4,
    }));
    let sku_weights = prefix_sums(world.skus.iter().map(|s| s.weight));
    let mut ledger = Ledger::default();
    let mut sales = Vec::with_capacity(TARGET_ORDERS as usize + 5_000);
    let since = now - DAYS * DAY_MS;
    for (day, count) in daily_counts(world, since, now, &mut rng) {
        let slots = slots(day, since, now);
        let mut times: Vec<i64> = (0..count)
            .filter_map(|_| time_in(&slots, &mut rng))
            .collect();
        times.sort_unstable();
        for placed in times {
            let buyer = pick(&buyer_weights, pool(world, placed), &mut rng);
            let lines = pick_lines(world, &sku_weights, &mut rng);
            let sale = sell(world, buyer, lines, placed, now, &mut rng, &mut ledger)?;
            sales.push(sale);
        }
    }
    let moves = stock(world, &ledger, now)?;
    Ok(Plan { sales, moves })
}

/// `[0, w0, w0 + w1, …]`: a weighted pick is a binary search.
fn prefix_sums(weights: impl Iterator<Item = u64>) -> Vec<u64> {
    let mut out = vec![0];
    let mut sum = 0;
    for w in weights {
        sum += w;
        out.push(sum);
    }
    out
}

/// An index below `pool` drawn by weight (uniformly if those weigh nothing).
fn pick(prefix: &[u64], pool: usize, rng: &mut StdRng) -> usize {
    let pool = pool.clamp(1, prefix.len().saturating_sub(1).max(1));
    let total = prefix.get(pool).copied().unwrap_or(0);
    if total == 0 {
        return rng.random_range(0..pool);
    }
    let r = rng.random_range(0..total);
    prefix.partition_point(|p| *p <= r).saturating_sub(1)
}

/// How many customers an order placed at `at` may come from: those arrived by then, or
/// everyone while too few have.
fn pool(world: &World, at: i64) -> usize {
    let arrived = world.buyers.partition_point(|b| b.since <= at);
    if arrived < MIN_POOL {
        world.buyers.len()
    } else {
        arrived
    }
}

/// The parts of a China day inside the history, hour by hour: (from, to, share of orders).
fn slots(day: i64, since: i64, now: i64) -> Vec<(i64, i64, f64)> {
    let start = day_start(day);
    HOURS
        .iter()
        .enumerate()
        .filter_map(|(h, w)| {
            let (a, b) = (start + h as i64 * HOUR_MS, start + (h as i64 + 1) * HOUR_MS);
            let (from, to) = (a.max(since), b.min(now));
            (from < to).then_some((from, to, w * (to - from) as f64 / HOUR_MS as f64))
        })
        .collect()
}

/// A time drawn from the slots by their shares.
fn time_in(slots: &[(i64, i64, f64)], rng: &mut StdRng) -> Option<i64> {
    let total: f64 = slots.iter().map(|s| s.2).sum();
    let mut r = rng.random::<f64>() * total;
    for (from, to, w) in slots {
        if r < *w {
            return Some(rng.random_range(*from..*to));
        }
        r -= w;
    }
    slots.last().map(|(from, _, _)| *from)
}

/// Orders per China day: more at weekends, and more as the crowd arrives; Poisson-like
/// noise around the day's share of the target.
fn daily_counts(world: &World, since: i64, now: i64, rng: &mut StdRng) -> Vec<(i64, u64)> {
    let everyone = world.buyers.len().max(1) as f64;
    let weights: Vec<(i64, f64)> = (day_of(since)..=day_of(now))
        .map(|day| {
            let end = day_start(day) + DAY_MS;
            let arrived = world.buyers.partition_point(|b| b.since < end) as f64 / everyone;
            let covered: f64 = slots(day, since, now).iter().map(|s| s.2).sum();
            let weekday = match (day + 3).rem_euclid(7) {
                4 => 1.1,
                5 => 1.35,
                6 => 1.3,
                _ => 1.0,
            };
            (day, weekday * (0.3 + 0.7 * arrived) * covered)
        })
        .collect();
    let total: f64 = weights
        .iter()
        .map(|w| w.1)
        .sum::<f64>()
        .max(f64::MIN_POSITIVE);
    weights
        .into_iter()
        .map(|(day, w)| {
            let mean = TARGET_ORDERS * w / total;
            // Irwin–Hall: twelve uniforms less six is close to a standard normal.
            let z: f64 = (0..12).map(|_| rng.random::<f64>()).sum::<f64>() - 6.0;
            (day, (mean + mean.sqrt() * z).round().max(0.0) as u64)
        })
        .collect()
}

/// One to three different SKUs, each one to three units.
fn pick_lines(world: &World, weights: &[u64], rng: &mut StdRng) -> Vec<(SkuId, String, Fen, u32)> {
    let wanted = match rng.random_range(0..100) {
        0..55 => 1,
        55..85 => 2,
        _ => 3,
    }
    .min(world.skus.len());
    let mut lines: Vec<(SkuId, String, Fen, u32)> = Vec::with_capacity(wanted);
    for _ in 0..wanted * 4 {
        if lines.len() == wanted {
            break;
        }
        let s = &world.skus[pick(weights, world.skus.len(), rng)];
        if lines.iter().any(|l| l.0 == s.id) {
            continue;
        }
        let quantity = match rng.random_range(0..100) {
            0..75 => 1,
            75..93 => 2,
            _ => 3,
        };
        lines.push((s.id, s.title.clone(), s.price, quantity));
    }
    lines
}

/// What becomes of an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Cancelled,
    Expired { paid_late: bool },
    Bought(AfterSale),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AfterSale {
    Kept,
    /// Refunded whole before it shipped.
    RefundedUnshipped,
    /// Every line sent back and refunded after it was completed.
    Returned,
    /// Part of one line refunded after it was completed.
    Partial,
}

fn fate(rng: &mut StdRng) -> Fate {
    match rng.random_range(0..1000) {
        0..90 => Fate::Cancelled,
        90..150 => Fate::Expired {
            paid_late: rng.random_bool(0.02),
        },
        150..165 => Fate::Bought(AfterSale::RefundedUnshipped),
        165..180 => Fate::Bought(AfterSale::Returned),
        _ if rng.random_bool(0.055) => Fate::Bought(AfterSale::Partial),
        _ => Fate::Bought(AfterSale::Kept),
    }
}

/// Places an order for the buyer at `placed` and lives it up to now.
fn sell(
    world: &World,
    buyer: usize,
    lines: Vec<(SkuId, String, Fen, u32)>,
    placed: i64,
    now: i64,
    rng: &mut StdRng,
    ledger: &mut Ledger,
) -> Result<Sale, AppError> {
    let b = &world.buyers[buyer];
    let order = Order::place(lines, placed, world.pay_within_ms)?;
    for l in &order.lines {
        ledger.add(placed, StockReason::Sold, l.sku, l.quantity);
    }
    let community = world.stints.get(&b.id).and_then(|stints| {
        stints
            .iter()
            .find(|s| s.joined <= placed && s.left.is_none_or(|l| l > placed))
            .map(|s| s.community)
    });
    let placed_by = b.guide.filter(|_| rng.random_range(0..100) < BY_GUIDE_PCT);
    let detail = json!({ "total": order.total.get(), "lines": order.lines.len() }).to_string();
    let mut sale = Sale {
        buyer,
        meta: OrderMeta {
            id: OrderId(0),
            customer: b.id,
            store: b.store,
            guide: b.guide,
            community,
            placed_by,
        },
        steps: vec![Step {
            event: "placed",
            status: order.status,
            at: placed,
            staff: placed_by,
            detail: Some(detail),
        }],
        order,
        payment: None,
        intent: None,
        refunds: Vec::new(),
        note: SHIP_NOTES[rng.random_range(0..SHIP_NOTES.len())],
    };
    let mut life = Life {
        sale: &mut sale,
        ledger,
        rng,
        now,
        manager: b.store.and_then(|s| world.managers.get(&s).copied()),
    };
    match fate(life.rng) {
        Fate::Cancelled => life.cancel()?,
        Fate::Expired { paid_late } => life.expire(paid_late)?,
        Fate::Bought(after) => life.buy(after)?,
    }
    Ok(sale)
}

/// An order being lived through: each step is applied by the domain unless it would
/// happen after now.
struct Life<'a> {
    sale: &'a mut Sale,
    ledger: &'a mut Ledger,
    rng: &'a mut StdRng,
    now: i64,
    /// Approves the store's refunds.
    manager: Option<StaffId>,
}

impl Life<'_> {
    /// Applies `event` at `at`, records it and the stock it moves; None if `at` is still
    /// to come.
    fn step(
        &mut self,
        event: OrderEvent,
        at: i64,
        name: &'static str,
        staff: Option<StaffId>,
    ) -> Result<Option<Outcome>, AppError> {
        if at > self.now {
            return Ok(None);
        }
        let outcome = self.sale.order.apply(event)?;
        match &outcome {
            Outcome::ReleaseStock(units) => {
                for (sku, n) in units {
                    self.ledger.add(at, StockReason::Released, *sku, *n);
                }
            }
            Outcome::Refund { restock, .. } => {
                for (sku, n) in restock {
                    self.ledger.add(at, StockReason::Returned, *sku, *n);
                }
            }
            Outcome::Applied | Outcome::AlreadyApplied | Outcome::RefundDue(_) => {}
        }
        self.sale.steps.push(Step {
            event: name,
            status: self.sale.order.status,
            at,
            staff,
            detail: None,
        });
        Ok(Some(outcome))
    }

    fn placed(&self) -> i64 {
        self.sale.order.placed_at
    }

    /// The buyer cancels before paying.
    fn cancel(&mut self) -> Result<(), AppError> {
        let window = self.sale.order.pay_deadline - self.placed();
        let at = self.placed() + self.rng.random_range(MINUTE_MS.min(window - 1)..window);
        self.step(OrderEvent::Cancel { at }, at, "cancelled", None)?;
        Ok(())
    }

    /// Nobody pays; the expiry job closes it at its deadline (and now and then the money
    /// arrives after that, and goes straight back).
    fn expire(&mut self, paid_late: bool) -> Result<(), AppError> {
        let at = self.sale.order.pay_deadline + self.rng.random_range(0..3_000);
        if self
            .step(OrderEvent::Expire { at }, at, "expired", None)?
            .is_none()
        {
            return Ok(());
        }
        if self.rng.random_bool(0.5) {
            self.sale.intent = Some(Intent {
                status: "closed",
                updated_at: at,
            });
        }
        if !paid_late {
            return Ok(());
        }
        let late = at + self.rng.random_range(MINUTE_MS..30 * MINUTE_MS);
        let amount = self.sale.order.total;
        let Some(Outcome::RefundDue(due)) = self.step(
            OrderEvent::PaymentConfirmed { amount, at: late },
            late,
            "payment_received",
            None,
        )?
        else {
            return Ok(());
        };
        self.sale.payment = Some(Payment {
            at: late,
            outcome: "refund_due",
        });
        self.sale.intent = Some(Intent {
            status: "paid",
            updated_at: late,
        });
        self.sale.refunds.push(Refunded {
            line: None,
            amount: due,
            restock: 0,
            reason: LATE_PAYMENT_REASON,
            staff: None,
            at: late,
        });
        Ok(())
    }

    /// Paid within minutes, shipped by the guide, received days later; then kept, or
    /// refunded whole or in part.
    fn buy(&mut self, after: AfterSale) -> Result<(), AppError> {
        let window = self.sale.order.pay_deadline - self.placed();
        let paid_at = self.placed() + self.rng.random_range(0..window.min(5 * MINUTE_MS)) + 5_000;
        let amount = self.sale.order.total;
        let event = OrderEvent::PaymentConfirmed {
            amount,
            at: paid_at,
        };
        if self
            .step(event, paid_at, "payment_received", None)?
            .is_none()
        {
            return Ok(());
        }
        self.sale.payment = Some(Payment {
            at: paid_at,
            outcome: "applied",
        });
        self.sale.intent = Some(Intent {
            status: "paid",
            updated_at: paid_at,
        });
        if after == AfterSale::RefundedUnshipped {
            let at = paid_at + self.rng.random_range(10 * MINUTE_MS..12 * HOUR_MS);
            let reason = UNSHIPPED_REASONS[self.rng.random_range(0..UNSHIPPED_REASONS.len())];
            self.refund(None, amount, 0, reason, at)?;
            return Ok(());
        }
        // Most ship within a day or so; some wait for stock or a pre-sale date.
        let ship_delay = match self.rng.random_range(0..10) {
            0..6 => self.rng.random_range(2 * HOUR_MS..30 * HOUR_MS),
            6..9 => self.rng.random_range(30 * HOUR_MS..72 * HOUR_MS),
            _ => self.rng.random_range(3 * DAY_MS..7 * DAY_MS),
        };
        let shipped = paid_at + ship_delay;
        let guide = self.sale.meta.guide;
        if self
            .step(OrderEvent::Ship { at: shipped }, shipped, "shipped", guide)?
            .is_none()
        {
            return Ok(());
        }
        // Buyers confirm receipt, or the platform does for them after ten days.
        let completed = shipped + self.rng.random_range(2 * DAY_MS..10 * DAY_MS);
        if self
            .step(
                OrderEvent::Complete { at: completed },
                completed,
                "completed",
                None,
            )?
            .is_none()
        {
            return Ok(());
        }
        match after {
            AfterSale::Returned => self.return_all(completed),
            AfterSale::Partial => self.refund_part(completed),
            AfterSale::Kept | AfterSale::RefundedUnshipped => Ok(()),
        }
    }

    /// Every line comes back, each refunded whole: the last makes the order refunded.
    fn return_all(&mut self, completed: i64) -> Result<(), AppError> {
        let at = completed + self.rng.random_range(DAY_MS..7 * DAY_MS);
        let reason = RETURN_REASONS[self.rng.random_range(0..RETURN_REASONS.len())];
        let lines: Vec<(Option<Fen>, u32)> = self
            .sale
            .order
            .lines
            .iter()
            .map(|l| (l.amount(), l.quantity))
            .collect();
        for (i, (amount, units)) in lines.into_iter().enumerate() {
            let amount = amount.ok_or_else(|| AppError::Internal("a line overflows".into()))?;
            self.refund(Some(i), amount, units, reason, at + i as i64 * MINUTE_MS)?;
        }
        Ok(())
    }

    /// One unit of a line sent back, or a whole-yuan allowance of 10–40% of a line kept
    /// (an amount agreed with the buyer, not a computed share).
    fn refund_part(&mut self, completed: i64) -> Result<(), AppError> {
        let at = completed + self.rng.random_range(DAY_MS..10 * DAY_MS);
        let i = self.rng.random_range(0..self.sale.order.lines.len());
        let line = &self.sale.order.lines[i];
        let (unit, units, amount) = (line.unit_price, line.quantity, line.amount());
        if units > 1 && self.rng.random_bool(0.5) {
            return self.refund(Some(i), unit, 1, RETURN_REASONS[0], at);
        }
        let amount = amount.ok_or_else(|| AppError::Internal("a line overflows".into()))?;
        let pct = self.rng.random_range(10..=40);
        let allowance = Fen::new((amount.get() * pct / 100 / 100 * 100).max(100));
        let reason = PARTIAL_REASONS[self.rng.random_range(0..PARTIAL_REASONS.len())];
        self.refund(Some(i), allowance, 0, reason, at)
    }

    /// A refund the store's manager approved, paid back through the sandbox.
    fn refund(
        &mut self,
        line: Option<usize>,
        amount: Fen,
        restock: u32,
        reason: &'static str,
        at: i64,
    ) -> Result<(), AppError> {
        let event = OrderEvent::Refund {
            line,
            amount,
            restock,
        };
        let Some(Outcome::Refund { amount, restock }) =
            self.step(event, at, "refunded", self.manager)?
        else {
            return Ok(());
        };
        self.sale.refunds.push(Refunded {
            line: line.map(|l| l as i64),
            amount,
            restock: restock.iter().map(|(_, n)| i64::from(*n)).sum(),
            reason,
            staff: self.manager,
            at,
        });
        Ok(())
    }
}

/// The stock movements, day by day: each day's sales, releases and returns per SKU, and a
/// delivery of about two weeks' sales whenever the shelf would run low.
fn stock(world: &World, ledger: &Ledger, now: i64) -> Result<Vec<Planned>, AppError> {
    let mut levels: HashMap<SkuId, StockLevel> =
        world.skus.iter().map(|s| (s.id, s.level)).collect();
    let mut daily: HashMap<SkuId, i64> = HashMap::new();
    for ((_, rank, sku), units) in &ledger.0 {
        if REASONS[usize::from(*rank)] == StockReason::Sold {
            *daily.entry(*sku).or_default() += units;
        }
    }
    for units in daily.values_mut() {
        *units = (*units + DAYS - 1) / DAYS;
    }
    let mut out = Vec::with_capacity(ledger.0.len() + 1_000);
    for (&(day, rank, sku), &units) in &ledger.0 {
        let reason = REASONS[usize::from(rank)];
        let level = levels
            .get_mut(&sku)
            .ok_or_else(|| AppError::Internal(format!("SKU {sku} sold but not on sale")))?;
        let at = (day_start(day) + DAY_MS - MINUTE_MS + i64::from(rank) * 1_000).min(now);
        if reason == StockReason::Sold {
            let average = daily.get(&sku).copied().unwrap_or(1);
            let needed = units + 2 * average;
            if level.on_hand < needed {
                // Goods arrive in the morning, in tens.
                let delivery = (14 * average + needed - level.on_hand + 9) / 10 * 10;
                *level = level.apply(StockReason::Received, delivery)?;
                out.push(Planned {
                    sku,
                    reason: StockReason::Received,
                    quantity: delivery,
                    at: (day_start(day) + 8 * HOUR_MS).min(at),
                });
            }
        }
        *level = level.apply(reason, units)?;
        out.push(Planned {
            sku,
            reason,
            quantity: units,
            at,
        });
    }
    Ok(out)
}

/// The ledger's note for a day's total.
fn note(reason: StockReason) -> &'static str {
    match reason {
        StockReason::Received => "演示数据：到货",
        StockReason::Sold => "演示数据：当日下单合计",
        StockReason::Released => "演示数据：当日取消与超时合计",
        StockReason::Returned => "演示数据：当日退货合计",
        StockReason::Adjusted => "演示数据：盘点",
    }
}

/// Writes the plan: stock first (each SKU locked, as an order does), then the orders with
/// everything that refers to them, then the expiry of those still unpaid.
async fn write_plan(
    tx: &mut Tx,
    brand: BrandId,
    merchant: &Merchant,
    world: &World,
    plan: &Plan,
) -> Result<Option<History>, AppError> {
    if store::count_orders(tx, brand).await? >= SEEDED_ORDERS {
        return Ok(None);
    }
    for m in &plan.moves {
        let mv = Move {
            sku: m.sku,
            reason: m.reason,
            quantity: m.quantity,
            note: note(m.reason),
            staff: None,
            order: None,
        };
        move_stock_in(tx, brand, &mv, m.at).await?;
    }
    let ids = store::reserve_order_ids(tx, plan.sales.len()).await?;
    if ids.len() != plan.sales.len() {
        return Err(AppError::Internal("fewer order ids than orders".into()));
    }
    let metas: Vec<OrderMeta> = plan
        .sales
        .iter()
        .zip(&ids)
        .map(|(s, id)| OrderMeta {
            id: *id,
            ..s.meta.clone()
        })
        .collect();
    let rows: Vec<NewOrder> = plan
        .sales
        .iter()
        .zip(&metas)
        .map(|(s, meta)| NewOrder {
            meta,
            order: &s.order,
            updated_at: s.steps.last().map_or(s.order.placed_at, |e| e.at),
        })
        .collect();
    let (n_orders, n_lines) = store::insert_orders(tx, brand, &rows).await?;
    let events: Vec<NewEvent> = plan
        .sales
        .iter()
        .zip(&ids)
        .flat_map(|(s, id)| {
            s.steps.iter().map(move |e| NewEvent {
                order: *id,
                event: e.event,
                status_after: e.status,
                detail: e.detail.as_deref().unwrap_or("{}"),
                staff: e.staff,
                at: e.at,
            })
        })
        .collect();
    let n_events = store::insert_events(tx, brand, &events).await?;
    let (n_payments, n_refunds) = write_money(tx, brand, merchant, plan, &ids).await?;
    let keys: Vec<String> = ids
        .iter()
        .map(|id| format!("demo{:028}", id.get()))
        .collect();
    let shipping: Vec<NewShipping> = plan
        .sales
        .iter()
        .zip(ids.iter().zip(&keys))
        .map(|(s, (id, key))| {
            let to = &world.ship_to[s.buyer];
            NewShipping {
                order: *id,
                recipient: &to.recipient,
                phone: &to.phone,
                address: &to.address,
                note: s.note,
                checkout_key: key,
            }
        })
        .collect();
    store::insert_shipping(tx, brand, &shipping).await?;
    let mut pending = 0;
    for (s, id) in plan.sales.iter().zip(&ids) {
        if s.order.status == OrderStatus::PendingPayment {
            let payload = json!({ "order": id.get() }).to_string();
            let key = orders::expire_key(*id);
            let due = s.order.pay_deadline;
            jobs::schedule(
                tx,
                brand,
                orders::EXPIRE_JOB,
                &payload,
                Some(key.as_str()),
                due,
            )
            .await?;
            pending += 1;
        }
    }
    Ok(Some(History {
        products: 0,
        orders: n_orders,
        lines: n_lines,
        events: n_events,
        payments: n_payments,
        refunds: n_refunds,
        movements: plan.moves.len() as u64,
        pending,
    }))
}

/// The brand as the sandbox gateway knows it: its slug (the merchant) and name.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Merchant {
    slug: String,
    name: String,
}

/// The payments, the payment intents they settled, the refunds paid back, and the same in
/// the sandbox gateway's books. Numbers are made from the order id and start with letters
/// no random hex number has, so they clash with nothing; each is 32 characters, what every
/// gateway takes. Returns (payments, refunds).
async fn write_money(
    tx: &mut Tx,
    brand: BrandId,
    merchant: &Merchant,
    plan: &Plan,
    ids: &[OrderId],
) -> Result<(u64, u64), AppError> {
    let transactions: Vec<Option<String>> = plan
        .sales
        .iter()
        .zip(ids)
        .map(|(s, id)| {
            s.payment
                .as_ref()
                .map(|_| format!("demotx{:026}", id.get()))
        })
        .collect();
    let intent_nos: Vec<Option<String>> = plan
        .sales
        .iter()
        .zip(ids)
        .map(|(s, id)| {
            s.intent
                .as_ref()
                .map(|_| format!("demopay{:025}", id.get()))
        })
        .collect();
    let payments: Vec<NewPayment> = plan
        .sales
        .iter()
        .zip(ids)
        .zip(&transactions)
        .filter_map(|((s, id), t)| {
            let p = s.payment.as_ref()?;
            Some(NewPayment {
                order: *id,
                transaction: t.as_deref()?,
                amount: s.order.paid,
                outcome: p.outcome,
                at: p.at,
            })
        })
        .collect();
    let paid = store::insert_payments(tx, brand, &payments).await?;
    let intents: Vec<NewIntent> = plan
        .sales
        .iter()
        .zip(ids)
        .zip(&intent_nos)
        .filter_map(|((s, id), no)| {
            let i = s.intent.as_ref()?;
            Some(NewIntent {
                order: *id,
                intent_no: no.as_deref()?,
                amount: s.order.total,
                status: i.status,
                // The pay page opened a moment after the order was placed.
                created_at: s.order.placed_at + 2_000,
                updated_at: i.updated_at,
            })
        })
        .collect();
    store::insert_intents(tx, brand, &intents).await?;
    write_charges(tx, merchant, plan, ids, &intent_nos, &transactions).await?;
    let refunded = write_refunds(tx, brand, plan, ids, &intent_nos).await?;
    Ok((paid, refunded))
}

/// The sandbox gateway's charges, one an intent, as its pay page left them.
async fn write_charges(
    tx: &mut Tx,
    merchant: &Merchant,
    plan: &Plan,
    ids: &[OrderId],
    intent_nos: &[Option<String>],
    transactions: &[Option<String>],
) -> Result<(), AppError> {
    let notify_url = format!("/pay/sandbox/{}/notify", merchant.slug);
    let texts: Vec<(String, String)> = ids
        .iter()
        .zip(intent_nos)
        .filter(|(_, no)| no.is_some())
        .map(|(id, _)| {
            (
                format!("{} 订单 {}", merchant.name, id.get()),
                format!("/shop/{}/orders/{}", merchant.slug, id.get()),
            )
        })
        .collect();
    let charges: Vec<NewCharge> = plan
        .sales
        .iter()
        .zip(intent_nos)
        .zip(transactions)
        .filter_map(|((s, no), t)| Some((s, s.intent.as_ref()?, no.as_deref()?, t)))
        .zip(&texts)
        .map(|((s, i, no, t), (description, return_url))| NewCharge {
            intent_no: no,
            amount: s.order.total,
            description,
            notify_url: &notify_url,
            return_url,
            status: i.status,
            transaction: t.as_deref(),
            paid_at: s.payment.as_ref().map(|p| p.at),
            created_at: s.order.placed_at + 2_000,
        })
        .collect();
    store::insert_charges(tx, &merchant.slug, &charges).await?;
    Ok(())
}

/// The refunds, each with its own refund number, settled by the sandbox a few minutes
/// after they were booked (and in its books against the order's charge).
async fn write_refunds(
    tx: &mut Tx,
    brand: BrandId,
    plan: &Plan,
    ids: &[OrderId],
    intent_nos: &[Option<String>],
) -> Result<u64, AppError> {
    let booked: Vec<(OrderId, usize, &Refunded, Option<&str>)> = plan
        .sales
        .iter()
        .zip(ids)
        .zip(intent_nos)
        .flat_map(|((s, id), no)| {
            s.refunds
                .iter()
                .enumerate()
                .map(move |(k, r)| (*id, k, r, no.as_deref()))
        })
        .collect();
    let numbers: Vec<String> = booked
        .iter()
        .map(|(id, k, ..)| format!("demorf{:020}{k:06}", id.get()))
        .collect();
    let refunds: Vec<NewRefund> = booked
        .iter()
        .zip(&numbers)
        .map(|((id, _, r, _), no)| NewRefund {
            order: *id,
            line_no: r.line,
            amount: r.amount,
            restock: r.restock,
            refund_no: no,
            reason: r.reason,
            staff: r.staff,
            at: r.at,
            settled_at: r.at + SETTLED_AFTER_MS,
        })
        .collect();
    let n = store::insert_refunds(tx, brand, &refunds).await?;
    let at_gateway: Vec<NewGatewayRefund> = booked
        .iter()
        .zip(&numbers)
        .filter_map(|((_, _, r, intent), no)| {
            Some(NewGatewayRefund {
                refund_no: no,
                intent_no: (*intent)?,
                amount: r.amount,
                at: r.at + SETTLED_AFTER_MS,
            })
        })
        .collect();
    store::insert_gateway_refunds(tx, &at_gateway).await?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_780_000_000_000;

    fn world() -> World {
        let n = 3_000;
        let buyers: Vec<Buyer> = (0..n)
            .map(|i| Buyer {
                id: CustomerId(i + 1),
                nickname: "王小雨".into(),
                phone: None,
                store: Some(StoreId(1 + i % 3)),
                guide: Some(StaffId(10 + i % 3)),
                since: NOW - (n - i) * (DAYS * DAY_MS / n),
            })
            .collect();
        let ship_to = buyers.iter().map(|b| ship_to(b, &[])).collect();
        let skus = (1..=6)
            .map(|i| OnSale {
                id: SkuId(i),
                title: format!("商品 {i}"),
                price: Fen::new(1_990 * i),
                weight: if i % 2 == 0 { 3 } else { 1 },
                level: StockLevel::default(),
            })
            .collect();
        World {
            buyers,
            ship_to,
            stints: HashMap::new(),
            managers: (1..=3).map(|s| (StoreId(s), StaffId(s))).collect(),
            skus,
            pay_within_ms: 30 * MINUTE_MS,
        }
    }

    #[test]
    fn the_history_is_what_the_state_machine_allows_in_the_briefs_proportions() {
        let plan = plan(&world(), NOW).expect("a plan");
        let n = plan.sales.len() as f64;
        assert!((95_000.0..=105_000.0).contains(&n), "{n} orders");
        let mut by_status: HashMap<&str, f64> = HashMap::new();
        for s in &plan.sales {
            assert!(s.order.is_consistent(), "{:?}", s.order);
            assert!(
                s.steps.windows(2).all(|w| w[0].at <= w[1].at),
                "{:?}",
                s.steps
            );
            assert!(s.steps.iter().all(|e| e.at <= NOW));
            *by_status.entry(s.order.status.as_str()).or_default() += 100.0 / n;
        }
        let share = |s: &str| by_status.get(s).copied().unwrap_or(0.0);
        assert!((65.0..78.0).contains(&share("completed")), "{by_status:?}");
        assert!((5.0..12.0).contains(&share("shipped")), "{by_status:?}");
        assert!((1.0..6.0).contains(&share("paid")), "{by_status:?}");
        assert!((7.5..10.5).contains(&share("cancelled")), "{by_status:?}");
        assert!((4.5..7.5).contains(&share("expired")), "{by_status:?}");
        assert!((2.0..4.0).contains(&share("refunded")), "{by_status:?}");
        let partly = plan
            .sales
            .iter()
            .filter(|s| s.order.status == OrderStatus::Completed && !s.refunds.is_empty())
            .count() as f64;
        assert!((3.0..8.0).contains(&(partly * 100.0 / (share("completed") * n / 100.0))));
        // Every movement was checked against the level before it; none is in the future.
        assert!(plan.moves.iter().all(|m| m.at <= NOW && m.quantity > 0));
    }

    #[test]
    fn pictures_are_pngs_the_catalogue_takes() {
        for (i, (_, colour)) in CATEGORIES.iter().enumerate() {
            let png = picture(*colour, i).expect("encodes");
            assert_eq!(image_type(&png), Some("image/png"));
        }
    }
}
