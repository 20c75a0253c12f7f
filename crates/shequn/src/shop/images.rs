//! `/shop/{slug}/images/{id}`: an image of a product on the shelf, for anyone (no session
//! needed, none opened): its own content type, an ETag (a browser that has it gets 304),
//! and public caching for a day — an image is named by its id and never changes.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shequn_app::usecases::shop;

use super::{fault_page, not_found_page, path_id};
use crate::http::state::AppState;

/// How long browsers and caches may keep an image.
const IMAGE_CACHE: &str = "public, max-age=86400";

/// The ETag as the header carries it: quoted.
fn quoted(etag: &str) -> String {
    if etag.starts_with('"') || etag.starts_with("W/\"") {
        etag.to_owned()
    } else {
        format!("\"{etag}\"")
    }
}

/// Whether `If-None-Match` names `etag`.
fn fresh(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
}

pub(super) async fn image(
    State(state): State<AppState>,
    Path((slug, raw_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let brand = match shop::brand_by_slug(&state.db, &slug).await {
        Ok(Some(b)) => b,
        Ok(None) => return not_found_page(None),
        Err(e) => return fault_page(None, e),
    };
    let Some(id) = path_id(&raw_id) else {
        return not_found_page(Some(&brand));
    };
    match shop::image(&state.db, brand.brand, id).await {
        Ok((content_type, bytes, etag)) => {
            let etag = quoted(&etag);
            let cache = [
                (header::ETAG, etag.clone()),
                (header::CACHE_CONTROL, IMAGE_CACHE.to_owned()),
            ];
            if fresh(&headers, &etag) {
                return (StatusCode::NOT_MODIFIED, cache).into_response();
            }
            (cache, [(header::CONTENT_TYPE, content_type)], bytes).into_response()
        }
        Err(e) => fault_page(Some(&brand), e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_etag_is_quoted_once_and_matched_from_a_list() {
        assert_eq!(quoted("abc"), "\"abc\"");
        assert_eq!(quoted("\"abc\""), "\"abc\"");
        let mut h = HeaderMap::new();
        h.insert(
            header::IF_NONE_MATCH,
            axum::http::HeaderValue::from_static("\"x\", \"abc\""),
        );
        assert!(fresh(&h, "\"abc\""));
        assert!(!fresh(&h, "\"abd\""));
    }
}
