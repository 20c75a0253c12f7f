//! 离职继承: a guide's communities and customers move to a colleague of the same store in
//! one step; deactivating or moving a guide who still has them asks for the handover.

use serde_json::json;

use crate::both_engines;
use crate::common::*;

both_engines!(
    deactivating_a_guide_with_communities_asks_for_a_handover_first,
    a_handover_moves_every_community_and_customer_in_one_step,
);

/// guide13 works in SH-001 too (40 guides over 12 stores), and runs nothing yet.
const GUIDE13: &str = "guide13@demo.shequn.test";

async fn deactivating_a_guide_with_communities_asks_for_a_handover_first(app: TestApp) {
    let demo = app.demo().await;
    let manager = app.login(SH001_MANAGER).await;
    let guide = format!("/api/v1/staff/{}", demo.staff(GUIDE01));
    let refused = app
        .patch(&manager, &guide, json!({ "active": false }))
        .await;
    refused
        .assert_problem(409, "handover_required")
        .assert_field("active");
    assert!(
        refused.body["detail"]
            .as_str()
            .unwrap_or("")
            .contains("1 communities and serve 3 customers"),
        "{}",
        refused.text
    );
    // Moving them to another store is leaving too.
    let east = app.login(EAST_MANAGER).await;
    app.patch(&east, &guide, json!({ "store_id": demo.store("HZ-001") }))
        .await
        .assert_problem(409, "handover_required");
    // A guide with nothing in their care goes at once.
    app.patch(
        &manager,
        &format!("/api/v1/staff/{}", demo.staff(GUIDE13)),
        json!({ "active": false }),
    )
    .await
    .expect(200);
}

async fn a_handover_moves_every_community_and_customer_in_one_step(app: TestApp) {
    let demo = app.demo().await;
    let manager = app.login(SH001_MANAGER).await;
    let from = demo.staff(GUIDE01);
    let to = demo.staff(GUIDE13);
    // Not to someone of another store, nor to oneself.
    for wrong in [demo.staff(GUIDE02), from, NO_SUCH_ID] {
        app.post(
            &manager,
            &format!("/api/v1/staff/{from}/handover"),
            json!({ "to_staff_id": wrong }),
        )
        .await
        .assert_problem(422, "validation_failed")
        .assert_field("to_staff_id");
    }
    // A guide cannot hand over a colleague.
    let colleague = app.login(GUIDE13).await;
    app.post(
        &colleague,
        &format!("/api/v1/staff/{from}/handover"),
        json!({ "to_staff_id": to }),
    )
    .await
    .assert_problem(403, "forbidden");
    let moved = app
        .post(
            &manager,
            &format!("/api/v1/staff/{from}/handover"),
            json!({ "to_staff_id": to }),
        )
        .await
        .expect(200);
    assert_eq!(moved["communities"], 1);
    assert_eq!(moved["customers"], 3);
    let sales = app
        .get(
            &manager,
            &format!(
                "/api/v1/communities/{}",
                demo.community("上海南京西路店福利群")
            ),
        )
        .await
        .expect(200);
    assert_eq!(sales["owner_id"], to);
    let served = app
        .get(&manager, &format!("/api/v1/customers?guide_id={to}"))
        .await
        .expect(200);
    assert_eq!(served["total"], 3);
    let log = app.list_all(&demo.admin, "/api/v1/audit-events").await;
    assert!(
        log.iter()
            .any(|e| e["action"] == "staff.handover" && e["subject_id"] == from),
        "the handover is in the operation log"
    );
    // Now the guide can go.
    app.patch(
        &manager,
        &format!("/api/v1/staff/{from}"),
        json!({ "active": false }),
    )
    .await
    .expect(200);
}
