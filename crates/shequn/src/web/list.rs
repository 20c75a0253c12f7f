//! A list page, the same way on every page: one page of rows in id order ([`ListPage`]),
//! links to the next page and back to the previous one, the total when known, rendered by
//! `ui::pager` in `templates/ui.html`. Cursors only go forward, so the address keeps the
//! cursors of the pages before (`?cursor=c100&back=c50`): 上一页 is a plain link.

use serde::Deserialize;
use shequn_app::usecases::Page;
use shequn_domain::Cursor;

/// How many earlier pages an address remembers; from deeper in a list, 上一页 goes back
/// at most this far before it lands on the first page.
const MAX_BACK: usize = 20;

/// Where in a list a request is: `?cursor=…&back=…` (a page's own filters are read by its
/// own query struct; both come from the same query string).
#[derive(Debug, Default, Deserialize)]
pub struct Paging {
    cursor: Option<String>,
    back: Option<String>,
}

impl Paging {
    /// The position to list from (the first page for a cursor this server did not issue).
    pub fn cursor(&self) -> Cursor {
        Cursor::parse(self.current()).unwrap_or_default()
    }

    fn current(&self) -> Option<&str> {
        self.cursor
            .as_deref()
            .filter(|c| Cursor::parse(Some(*c)).is_ok())
    }

    /// The cursors of the pages before this one, oldest first (the first page has none).
    fn earlier(&self) -> Vec<&str> {
        self.back
            .as_deref()
            .unwrap_or("")
            .split('.')
            .filter(|c| Cursor::parse(Some(*c)).is_ok())
            .collect()
    }
}

/// One page of a list, with the links a pager shows.
pub struct ListPage<T> {
    pub items: Vec<T>,
    /// How many rows the whole list has, when the page family counts them (it sets this
    /// after [`ListPage::new`]; `ui::pager` shows it).
    pub total: Option<i64>,
    pub next: Option<String>,
    pub prev: Option<String>,
}

impl<T> ListPage<T> {
    /// The page at `paging` of the list at `path`, whose links keep `filters` (pass only
    /// the filters that are set).
    pub fn new(
        page: Page<T>,
        paging: &Paging,
        path: &str,
        filters: &[(&'static str, String)],
    ) -> Self {
        let current = paging.current();
        let earlier = paging.earlier();
        let next = page.next_cursor.as_deref().map(|n| {
            let mut back = earlier.clone();
            if let Some(c) = current {
                back.push(c);
            }
            let excess = back.len().saturating_sub(MAX_BACK);
            back.drain(..excess);
            link(path, filters, Some(n), &back)
        });
        let prev = current.map(|_| match earlier.split_last() {
            Some((last, before)) => link(path, filters, Some(*last), before),
            None => link(path, filters, None, &[]),
        });
        ListPage {
            items: page.items,
            total: page.total,
            next,
            prev,
        }
    }
}

fn link(
    path: &str,
    filters: &[(&'static str, String)],
    cursor: Option<&str>,
    back: &[&str],
) -> String {
    let mut query: Vec<(&str, String)> = filters.iter().map(|(k, v)| (*k, v.clone())).collect();
    if let Some(c) = cursor {
        query.push(("cursor", c.to_owned()));
    }
    if !back.is_empty() {
        query.push(("back", back.join(".")));
    }
    if query.is_empty() {
        return path.to_owned();
    }
    match serde_urlencoded::to_string(&query) {
        Ok(q) => format!("{path}?{q}"),
        Err(_) => path.to_owned(),
    }
}

/// What a filtered list page shows: one id filter (`key`, e.g. `region_id`), a search text
/// and a page position; the pager's links keep the filters that are set.
pub struct ListView<'a> {
    pub key: &'static str,
    pub id: Option<i64>,
    pub q: &'a str,
    pub paging: Paging,
}

impl ListView<'_> {
    /// The first page, unfiltered.
    pub fn unfiltered(key: &'static str) -> ListView<'static> {
        ListView {
            key,
            id: None,
            q: "",
            paging: Paging::default(),
        }
    }

    /// The filters that are set, as the pager's links keep them.
    pub fn filters(&self) -> Vec<(&'static str, String)> {
        let mut f = Vec::new();
        if let Some(id) = self.id {
            f.push((self.key, id.to_string()));
        }
        if !self.q.is_empty() {
            f.push(("q", self.q.to_owned()));
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(next: Option<&str>) -> Page<i64> {
        Page {
            items: vec![1],
            next_cursor: next.map(str::to_owned),
            total: Some(1),
        }
    }

    fn at(cursor: Option<&str>, back: Option<&str>) -> Paging {
        Paging {
            cursor: cursor.map(str::to_owned),
            back: back.map(str::to_owned),
        }
    }

    #[test]
    fn pages_link_both_ways_and_keep_their_filters() {
        let q = [("q", "杭州".to_owned())];
        let first = ListPage::new(page(Some("c50")), &Paging::default(), "/stores", &q);
        assert_eq!(first.prev, None);
        assert_eq!(
            first.next.as_deref(),
            Some("/stores?q=%E6%9D%AD%E5%B7%9E&cursor=c50")
        );

        let second = ListPage::new(page(Some("c100")), &at(Some("c50"), None), "/stores", &[]);
        assert_eq!(second.prev.as_deref(), Some("/stores"));
        assert_eq!(second.next.as_deref(), Some("/stores?cursor=c100&back=c50"));

        let third = ListPage::new(page(None), &at(Some("c100"), Some("c50")), "/stores", &[]);
        assert_eq!(third.prev.as_deref(), Some("/stores?cursor=c50"));
        assert_eq!(third.next, None);
    }

    #[test]
    fn foreign_cursors_are_ignored() {
        let p = at(Some("x; drop"), Some("zz.c5"));
        assert_eq!(p.cursor(), Cursor::default());
        let list = ListPage::new(page(None), &p, "/regions", &[]);
        assert_eq!(list.prev, None, "not reached by paging");
    }
}
