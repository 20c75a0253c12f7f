//! The store's home (`/shop/{slug}`: category chips, product cards) and a product's page
//! (`/shop/{slug}/p/{id}`: images, SKU choice, quantity, 加入购物车). `?via=CODE` on any
//! page a browser opens first passes a join-link code to the new session (see
//! `session.rs`). A product off the shelf is a 404.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use shequn_app::AppError;
use shequn_app::usecases::shop::{self, ShopProduct, ShopSku};
use shequn_domain::{Fen, ProductId};

use super::session::Visit;
use super::{Chrome, Inputs, fault_page, not_found_page, path_id, query_param, render};
use crate::http::state::AppState;

/// At or below this many units available, a SKU says 库存紧张.
pub const LOW_STOCK: i64 = 5;

/// A category chip: its words, where it leads, whether it is the one shown.
pub struct Chip {
    label: String,
    href: String,
    active: bool,
}

/// A product as its card shows it.
pub struct Card {
    id: i64,
    title: String,
    image: Option<i64>,
    /// The lowest price, `¥99.00`.
    price: String,
    /// Other SKUs cost more: 起.
    from: bool,
    /// The struck-through list price of the cheapest SKU, when above its price.
    list_price: Option<String>,
    sold_out: bool,
}

/// The list price to strike through beside `price`: only one above it.
fn struck(price: Fen, list: Option<Fen>) -> Option<String> {
    list.filter(|l| *l > price).map(|l| l.to_string())
}

fn card(p: &ShopProduct) -> Card {
    let price = p.price_from();
    let cheapest: Option<&ShopSku> = p.skus.iter().find(|k| k.price == price);
    Card {
        id: p.id.get(),
        title: p.title.clone(),
        image: p.images.first().copied(),
        price: price.to_string(),
        from: p.skus.iter().any(|k| k.price != price),
        list_price: cheapest.and_then(|k| struck(k.price, k.list_price)),
        sold_out: p.sold_out(),
    }
}

#[derive(Template)]
#[template(path = "shop/home.html")]
struct HomePage {
    s: Chrome,
    chips: Vec<Chip>,
    cards: Vec<Card>,
    /// A category is chosen.
    filtered: bool,
}

/// `/shop/{slug}` (`?c=` a category).
pub(super) async fn home(
    State(state): State<AppState>,
    visit: Visit,
    RawQuery(query): RawQuery,
) -> Response {
    let category = query_param(query.as_deref(), "c")
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    let brand = visit.brand.brand;
    let loaded = async {
        let (categories, products) = shop::shelf(&state.db, brand, category.as_deref()).await?;
        let s = Chrome::load(&state, &visit, "home").await?;
        Ok::<_, AppError>((categories, products, s))
    }
    .await;
    let (categories, products, s) = match loaded {
        Ok(l) => l,
        Err(e) => return visit.finish(fault_page(Some(&visit.brand), e)),
    };
    let home = visit.home();
    let mut chips = vec![Chip {
        label: "全部".to_owned(),
        href: home.clone(),
        active: category.is_none(),
    }];
    chips.extend(categories.into_iter().map(|c| Chip {
        href: format!(
            "{home}?{}",
            serde_urlencoded::to_string([("c", c.as_str())]).unwrap_or_default()
        ),
        active: category.as_deref() == Some(c.as_str()),
        label: c,
    }));
    let page = HomePage {
        s,
        chips,
        cards: products.iter().map(card).collect(),
        filtered: category.is_some(),
    };
    visit.finish(render(StatusCode::OK, &page))
}

/// A SKU as the product page offers it.
pub struct SkuChoice {
    id: i64,
    name: String,
    price: String,
    list_price: Option<String>,
    sold_out: bool,
    /// 库存紧张.
    low: bool,
    checked: bool,
}

#[derive(Template)]
#[template(path = "shop/product.html")]
struct ProductPage {
    s: Chrome,
    id: i64,
    title: String,
    category: String,
    description: String,
    images: Vec<i64>,
    price: String,
    from: bool,
    list_price: Option<String>,
    skus: Vec<SkuChoice>,
    sold_out: bool,
    /// The add-to-cart form: `sku`, `quantity`, and its errors.
    form: Inputs,
    /// 已加入购物车, after adding.
    notice: Option<&'static str>,
}

/// The product page, with `form` as typed (and its errors) and `notice` above it.
pub(super) async fn show_product(
    state: &AppState,
    visit: &Visit,
    id: i64,
    status: StatusCode,
    form: Inputs,
    notice: Option<&'static str>,
) -> Response {
    let loaded = async {
        let p = shop::product(&state.db, visit.brand.brand, ProductId(id)).await?;
        let s = Chrome::load(state, visit, "").await?;
        Ok::<_, AppError>((p, s))
    }
    .await;
    let (p, s) = match loaded {
        Ok(l) => l,
        Err(e) => return visit.finish(fault_page(Some(&visit.brand), e)),
    };
    // The SKU asked for, else the first that can be bought.
    let chosen = form
        .value("sku")
        .parse::<i64>()
        .ok()
        .or_else(|| p.skus.iter().find(|k| k.available > 0).map(|k| k.id.get()));
    let skus = p
        .skus
        .iter()
        .map(|k| SkuChoice {
            id: k.id.get(),
            name: k.name.clone(),
            price: k.price.to_string(),
            list_price: struck(k.price, k.list_price),
            sold_out: k.available <= 0,
            low: k.available > 0 && k.available <= LOW_STOCK,
            checked: chosen == Some(k.id.get()),
        })
        .collect();
    let c = card(&p);
    let form = if form.value("quantity").is_empty() {
        form.with("quantity", "1")
    } else {
        form
    };
    let page = ProductPage {
        s,
        id: p.id.get(),
        title: p.title,
        category: p.category,
        description: p.description,
        images: p.images,
        price: c.price,
        from: c.from,
        list_price: c.list_price,
        sold_out: c.sold_out,
        skus,
        form,
        notice,
    };
    visit.finish(render(status, &page))
}

/// `/shop/{slug}/p/{id}` (`?added=1` after 加入购物车).
pub(super) async fn product(
    State(state): State<AppState>,
    visit: Visit,
    Path((_, raw_id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(id) = path_id(&raw_id) else {
        return visit.finish(not_found_page(Some(&visit.brand)));
    };
    let notice = query_param(query.as_deref(), "added").map(|_| "已加入购物车");
    show_product(&state, &visit, id, StatusCode::OK, Inputs::new(), notice).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_list_price_above_the_price_is_struck_through() {
        assert_eq!(
            struck(Fen::new(9_900), Some(Fen::new(12_900))).as_deref(),
            Some("¥129.00")
        );
        assert_eq!(struck(Fen::new(9_900), Some(Fen::new(9_900))), None);
        assert_eq!(struck(Fen::new(9_900), None), None);
    }
}
