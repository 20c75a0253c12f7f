//! The catalogue: products with SKUs and starting stock, stock moved by staff with a
//! reason and never below zero, the ledger that explains every unit, images checked by
//! their bytes and served with an ETag.

use reqwest::Method;
use serde_json::{Value, json};

use crate::both_engines;
use crate::common::*;

both_engines!(
    a_product_starts_with_its_skus_and_their_stock_on_the_ledger,
    stock_never_goes_below_zero_and_every_unit_is_explained,
    images_are_checked_by_their_bytes_and_served_with_an_etag,
    only_brand_admins_change_the_catalogue,
);

fn mask() -> Value {
    json!({
        "title": "玻尿酸补水面膜", "category": "面膜", "frequency": "high", "usage_days": 30,
        "description": "每盒 10 片", "on_shelf": true,
        "skus": [
            { "name": "10 片装", "price": 9900, "list_price": 12900, "stock": 100 },
            { "name": "30 片装", "price": 25900, "stock": 0 },
        ],
    })
}

async fn a_product_starts_with_its_skus_and_their_stock_on_the_ledger(app: TestApp) {
    let admin = app.login(ADMIN).await;
    let p = app
        .post(&admin, "/api/v1/products", mask())
        .await
        .expect(201);
    assert_eq!(p["skus"].as_array().map(Vec::len), Some(2));
    assert_eq!(p["skus"][0]["price"], 9900);
    assert_eq!(p["skus"][0]["stock"]["on_hand"], 100);
    assert_eq!(p["skus"][0]["stock"]["received"], 100);
    assert_eq!(p["skus"][1]["stock"]["on_hand"], 0);
    let sku = p["skus"][0]["id"].as_i64().expect("an id");
    let ledger = app
        .get(&admin, &format!("/api/v1/skus/{sku}/stock-movements"))
        .await
        .expect(200);
    assert_eq!(ledger["total"], 1);
    assert_eq!(ledger["items"][0]["reason"], "received");
    assert_eq!(ledger["items"][0]["note"], "初始库存");
    // A guide reads the catalogue.
    let guide = app.login(GUIDE01).await;
    let listed = app
        .get(&guide, "/api/v1/products?category=面膜")
        .await
        .expect(200);
    assert_eq!(listed["total"], 1);
    assert_eq!(
        app.get(&guide, "/api/v1/products?q=补水").await.expect(200)["total"],
        1
    );
    assert_eq!(
        app.get(&guide, "/api/v1/products?on_shelf=false")
            .await
            .expect(200)["total"],
        0
    );
    // Edits: the product, a SKU, a new SKU.
    let mut edit = mask();
    edit["on_shelf"] = json!(false);
    edit["skus"] = json!([]);
    let off = app
        .call(
            Method::PUT,
            &format!("/api/v1/products/{}", id(&p)),
            &admin,
            Some(&edit),
        )
        .await
        .expect(200);
    assert_eq!(off["on_shelf"], false);
    let renamed = app
        .patch(
            &admin,
            &format!("/api/v1/skus/{sku}"),
            json!({ "name": "10 片装（新）", "price": 8900, "list_price": 12900, "active": true }),
        )
        .await
        .expect(200);
    assert_eq!(renamed["price"], 8900);
    assert_eq!(
        renamed["stock"]["on_hand"], 100,
        "a price change leaves stock alone"
    );
    let more = app
        .post(
            &admin,
            &format!("/api/v1/products/{}/skus", id(&p)),
            json!({ "name": "体验装", "price": 990, "stock": 5 }),
        )
        .await
        .expect(201);
    assert_eq!(more["skus"].as_array().map(Vec::len), Some(3));
    // Bad input names its field.
    let mut bad = mask();
    bad["skus"][0]["list_price"] = json!(100);
    app.post(&admin, "/api/v1/products", bad)
        .await
        .assert_field("list_price");
    let mut bad = mask();
    bad["skus"] = json!([]);
    app.post(&admin, "/api/v1/products", bad)
        .await
        .assert_field("skus");
    let mut bad = mask();
    bad["frequency"] = json!("daily");
    app.post(&admin, "/api/v1/products", bad)
        .await
        .assert_field("frequency");
}

async fn stock_never_goes_below_zero_and_every_unit_is_explained(app: TestApp) {
    let admin = app.login(ADMIN).await;
    let p = app
        .post(&admin, "/api/v1/products", mask())
        .await
        .expect(201);
    let sku = p["skus"][0]["id"].as_i64().expect("an id");
    let path = format!("/api/v1/skus/{sku}/stock");
    let moved = app
        .post(
            &admin,
            &path,
            json!({ "reason": "received", "quantity": 50, "note": "到货" }),
        )
        .await
        .expect(200);
    assert_eq!(moved["stock"]["on_hand"], 150);
    let counted = app
        .post(
            &admin,
            &path,
            json!({ "reason": "adjusted", "quantity": -3, "note": "盘点破损 3 盒" }),
        )
        .await
        .expect(200);
    assert_eq!(counted["stock"]["on_hand"], 147);
    assert_eq!(
        counted["stock"]["received"], 147,
        "a stocktake corrects what came in"
    );
    // Never below zero; a refused move leaves no line in the ledger.
    app.post(
        &admin,
        &path,
        json!({ "reason": "adjusted", "quantity": -148, "note": "x" }),
    )
    .await
    .assert_problem(409, "out_of_stock");
    app.post(
        &admin,
        &path,
        json!({ "reason": "adjusted", "quantity": -1 }),
    )
    .await
    .assert_field("note");
    app.post(&admin, &path, json!({ "reason": "sold", "quantity": 1 }))
        .await
        .assert_field("reason");
    app.post(
        &admin,
        &path,
        json!({ "reason": "received", "quantity": 0 }),
    )
    .await
    .assert_field("quantity");
    let ledger = app
        .get(&admin, &format!("/api/v1/skus/{sku}/stock-movements"))
        .await
        .expect(200);
    assert_eq!(ledger["total"], 3);
    let sum: i64 = ledger["items"]
        .as_array()
        .expect("moves")
        .iter()
        .map(|m| m["quantity"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(sum, 147, "the ledger explains every unit on hand");
    assert_eq!(ledger["items"][0]["on_hand_after"], 147);
    let demo = app.demo().await;
    assert_eq!(ledger["items"][0]["staff_id"], demo.staff(ADMIN));
}

async fn images_are_checked_by_their_bytes_and_served_with_an_etag(app: TestApp) {
    let admin = app.login(ADMIN).await;
    let p = app
        .post(&admin, "/api/v1/products", mask())
        .await
        .expect(201);
    let path = format!("/api/v1/products/{}/images", id(&p));
    let png = shequn_app::qr::png("a product photo").expect("a PNG");
    let up = app
        .send_raw(Method::POST, &path, &admin, Some("image/png"), png.clone())
        .await;
    up.assert_status(201);
    let image = up.body["path"].as_str().expect("a path").to_owned();
    let got = app
        .send(app.request(Method::GET, &image, Some(&admin)))
        .await;
    got.assert_status(200);
    assert_eq!(got.header("content-type"), Some("image/png"));
    assert_eq!(got.header("cache-control"), Some("private, max-age=86400"));
    let etag = got.header("etag").expect("an ETag").to_owned();
    let again = app
        .send(
            app.request(Method::GET, &image, Some(&admin))
                .header("if-none-match", etag),
        )
        .await;
    again.assert_status(304);
    // An SVG (it can carry scripts) or anything not an image is refused, whatever it says.
    app.send_raw(
        Method::POST,
        &path,
        &admin,
        Some("image/png"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .await
    .assert_field("image");
    let product = app
        .get(&admin, &format!("/api/v1/products/{}", id(&p)))
        .await
        .expect(200);
    assert_eq!(product["images"], json!([image]));
    app.call(Method::DELETE, &image, &admin, None)
        .await
        .assert_status(204);
    app.get(&admin, &image)
        .await
        .assert_problem(404, "not_found");
}

async fn only_brand_admins_change_the_catalogue(app: TestApp) {
    let admin = app.login(ADMIN).await;
    let p = app
        .post(&admin, "/api/v1/products", mask())
        .await
        .expect(201);
    let sku = p["skus"][0]["id"].as_i64().expect("an id");
    let manager = app.login(SH001_MANAGER).await;
    app.post(&manager, "/api/v1/products", mask())
        .await
        .assert_problem(403, "forbidden");
    app.post(
        &manager,
        &format!("/api/v1/skus/{sku}/stock"),
        json!({ "reason": "received", "quantity": 1 }),
    )
    .await
    .assert_problem(403, "forbidden");
    let still = app
        .get(&manager, &format!("/api/v1/products/{}", id(&p)))
        .await
        .expect(200);
    assert_eq!(still["skus"][0]["stock"]["on_hand"], 100);
}
