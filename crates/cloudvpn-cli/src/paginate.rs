//! Every page of a list operation, printed as one page that holds every item (as the AWS CLI does), so that
//! `describe-vpn-gateways` shows 43 gateways rather than the first 10 with no hint of more.
//!
//! The spec's `pagination` names the page and size parameters, the items and the total; pages are asked for
//! at the documented maximum size (unless the user chose one) until the total is reached, a page comes back
//! empty, or `--max-items` is reached.

use crate::failure::Failure;
use cloudvpn_types::Params;
use cloudvpn_types::meta::{OperationMeta, PaginationMeta, PaginationStyle};
use serde_json::Value;
use std::future::Future;

/// More pages than any real listing has: a service that never stops paging is not followed forever.
const MAX_PAGES: u64 = 10_000;

/// Sends page after page with `send_page` and merges them.
pub async fn every_page<F, Fut>(
    max_items: Option<u64>,
    op: &'static OperationMeta,
    pages: PaginationMeta,
    mut params: Params,
    mut send_page: F,
) -> Result<Option<Value>, Failure>
where
    F: FnMut(Params) -> Fut,
    Fut: Future<Output = Result<Option<Value>, Failure>>,
{
    let size = match params.get(pages.size).map(str::parse::<u64>) {
        Some(Ok(size)) => size,
        // An unparsable size is left for the request's own validation to report.
        Some(Err(_)) => return send_page(params).await,
        None => {
            let size = op
                .param(pages.size)
                .and_then(|p| p.constraints.maximum)
                .map_or(10, |m| m.max(1) as u64);
            params.insert(pages.size, size.to_string());
            size
        }
    };
    let mut position = match params.get(pages.page).map(str::parse::<u64>) {
        Some(Ok(p)) => p,
        Some(Err(_)) => return send_page(params).await,
        None => match pages.style {
            PaginationStyle::PageNumber => 1,
            PaginationStyle::Offset => 0,
        },
    };
    let first_position = position;
    // Items before the first page asked for (a --page-number or --offset the user gave).
    let skipped = match pages.style {
        PaginationStyle::PageNumber => first_position.saturating_sub(1) * size,
        PaginationStyle::Offset => first_position,
    };
    let limit = max_items.map_or(usize::MAX, |m| m as usize);

    let mut first: Option<Value> = None;
    let mut items: Vec<Value> = Vec::new();
    let mut total: Option<u64> = None;
    for _ in 0..MAX_PAGES {
        params.insert(pages.page, position.to_string());
        let Some(page) = send_page(params.clone()).await? else {
            return Ok(None);
        };
        let got = items_at(&page, pages.items).map_or(0, |list| list.len());
        items.extend(items_at(&page, pages.items).into_iter().flatten().cloned());
        total = page.get(pages.total).and_then(Value::as_u64).or(total);
        first.get_or_insert(page);
        // Counted from what came back, not from the size asked for: a service that sends smaller pages
        // than asked is still followed to the end.
        let seen = skipped + items.len() as u64;
        let done = got == 0 || items.len() >= limit || total.is_none_or(|t| seen >= t);
        if done {
            break;
        }
        position += match pages.style {
            PaginationStyle::PageNumber => 1,
            PaginationStyle::Offset => got as u64,
        };
    }
    let Some(mut merged) = first else {
        return Ok(None);
    };
    if items.len() > limit {
        items.truncate(limit);
    }
    if let Some(t) = total.filter(|t| (items.len() as u64) < *t) {
        eprintln!(
            "note: showing {} of {t} items{}",
            items.len(),
            if max_items.is_some() {
                " (--max-items)"
            } else {
                ""
            }
        );
    }
    let count = items.len();
    set_items(&mut merged, pages.items, items);
    // Shaped like one page holding every item.
    if let Some(Value::Number(_)) = merged.get(pages.size) {
        merged[pages.size] = Value::from(count);
    }
    if let Some(Value::Number(_)) = merged.get(pages.page) {
        merged[pages.page] = Value::from(first_position);
    }
    Ok(Some(merged))
}

fn items_at<'a>(page: &'a Value, path: &[&str]) -> Option<&'a Vec<Value>> {
    path.iter()
        .try_fold(page, |v, seg| v.get(*seg))
        .and_then(Value::as_array)
}

/// Puts `items` at `path`, creating the wrapper objects a page without items may lack.
fn set_items(page: &mut Value, path: &[&str], items: Vec<Value>) {
    let mut at = page;
    for seg in path {
        let Some(object) = at.as_object_mut() else {
            return;
        };
        at = object.entry(seg.to_string()).or_insert(Value::Null);
        if at.is_null() {
            *at = Value::Object(Default::default());
        }
    }
    *at = Value::Array(items);
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudvpn_types::alibaba_vpc::DescribeVpnGatewaysRequest;
    use cloudvpn_types::{Operation, Params};
    use serde_json::json;
    use std::sync::Mutex;

    /// A service holding `total` gateways that answers at most `cap` per page, whatever size is asked.
    fn service(total: usize, cap: usize, asked: &Mutex<Vec<(u64, u64)>>, params: &Params) -> Value {
        let page: u64 = params
            .get("PageNumber")
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        let size: u64 = params
            .get("PageSize")
            .and_then(|p| p.parse().ok())
            .unwrap_or(10);
        asked.lock().unwrap().push((page, size));
        let per = (size as usize).min(cap);
        let start = (page as usize - 1) * per;
        let items: Vec<Value> = (start..total.min(start + per))
            .map(|i| json!({"VpnGatewayId": format!("vpn-{i}")}))
            .collect();
        json!({"TotalCount": total, "PageNumber": page, "PageSize": per,
               "VpnGateways": {"VpnGateway": items}})
    }

    fn list(total: usize, cap: usize, max_items: Option<u64>) -> (Value, Vec<(u64, u64)>) {
        let op = DescribeVpnGatewaysRequest::META;
        let pages = op.pagination.expect("a list operation");
        let asked = Mutex::new(Vec::new());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let merged = runtime
            .block_on(every_page(max_items, op, pages, Params::new(), |p| {
                let page = service(total, cap, &asked, &p);
                async move { Ok(Some(page)) }
            }))
            .expect("pages")
            .expect("a result");
        (merged, asked.into_inner().unwrap())
    }

    #[test]
    fn pages_smaller_than_asked_are_still_followed_to_the_end() {
        let (merged, asked) = list(43, 10, None);
        let ids = merged["VpnGateways"]["VpnGateway"]
            .as_array()
            .expect("items");
        assert_eq!(ids.len(), 43);
        assert_eq!(ids[42]["VpnGatewayId"], "vpn-42");
        // The documented maximum is asked for; the service sent 10 a page.
        assert_eq!(asked, (1..=5).map(|p| (p, 50)).collect::<Vec<_>>());
        assert_eq!(merged["PageSize"], 43);
        assert_eq!(merged["PageNumber"], 1);
    }

    #[test]
    fn max_items_stops_early_and_an_empty_listing_is_one_call() {
        let (merged, asked) = list(43, 50, Some(5));
        assert_eq!(
            merged["VpnGateways"]["VpnGateway"].as_array().map(Vec::len),
            Some(5)
        );
        assert_eq!(asked.len(), 1);
        let (merged, asked) = list(0, 50, None);
        assert_eq!(merged["VpnGateways"]["VpnGateway"], json!([]));
        assert_eq!(asked.len(), 1);
    }

    #[test]
    fn items_are_found_and_replaced_at_their_path() {
        let mut page = json!({"VpnGateways": {"VpnGateway": [1, 2]}, "TotalCount": 4});
        let path = ["VpnGateways", "VpnGateway"];
        assert_eq!(items_at(&page, &path).map(Vec::len), Some(2));
        set_items(&mut page, &path, vec![json!(1), json!(2), json!(3)]);
        assert_eq!(page["VpnGateways"]["VpnGateway"], json!([1, 2, 3]));
        let mut empty = json!({"TotalCount": 0});
        set_items(&mut empty, &path, Vec::new());
        assert_eq!(empty["VpnGateways"]["VpnGateway"], json!([]));
    }
}
