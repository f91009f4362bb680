//! Paged list answers (issue 16). A paged list is still the JSON array it always was; when
//! more items follow, the answer carries the next page's address in a `Link` header
//! (RFC 8288, `rel="next"`: the same path and filters with `cursor` set) and the bare cursor
//! in `Next-Cursor`. Keeping the body an array keeps every existing caller's reading of it.

use axum::http::header::LINK;
use axum::http::{HeaderName, HeaderValue, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kirjuri_app::paging::{Page, PageRequest};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

/// The response header carrying the next page's cursor alone.
pub const NEXT_CURSOR: HeaderName = HeaderName::from_static("next-cursor");

/// The paging parameters of a list that has no others.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// The `Next-Cursor` of the previous page, as it was given (none: the first page).
    pub cursor: Option<String>,
    /// Page size (see the operation for its default and maximum).
    pub limit: Option<i64>,
}

impl PageParams {
    pub fn request(self) -> PageRequest {
        PageRequest {
            cursor: self.cursor,
            limit: self.limit,
        }
    }
}

/// A page answered as a JSON array of `T`, with the next page's `Link` and `Next-Cursor`.
#[derive(Debug)]
pub struct Paged<T> {
    pub items: Vec<T>,
    /// The request's URI (path and query), which the next page's link repeats.
    pub uri: Uri,
    pub next: Option<String>,
}

impl<T> Paged<T> {
    /// The page `page` of the request at `uri`, each item turned into its view by `view`.
    pub fn new<S>(uri: Uri, page: Page<S>, view: impl Fn(&S) -> T) -> Self {
        Self {
            items: page.items.iter().map(view).collect(),
            uri,
            next: page.next,
        }
    }
}

/// The address of the next page: the request's path and parameters with `cursor` replaced.
pub fn next_link(uri: &Uri, cursor: &str) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes()) {
        if k != "cursor" {
            query.append_pair(&k, &v);
        }
    }
    query.append_pair("cursor", cursor);
    format!("{}?{}", uri.path(), query.finish())
}

impl<T: Serialize> IntoResponse for Paged<T> {
    fn into_response(self) -> Response {
        with_next(
            Json(self.items).into_response(),
            &self.uri,
            self.next.as_deref(),
        )
    }
}

/// `resp` with the next page's `Link` and `Next-Cursor` headers when more follow (for a paged
/// answer whose body is not a bare array).
pub fn with_next(mut resp: Response, uri: &Uri, next: Option<&str>) -> Response {
    if let Some(next) = next {
        let link = format!("<{}>; rel=\"next\"", next_link(uri, next));
        if let (Ok(link), Ok(cursor)) = (HeaderValue::from_str(&link), HeaderValue::from_str(next))
        {
            resp.headers_mut().insert(LINK, link);
            resp.headers_mut().insert(NEXT_CURSOR, cursor);
        }
    }
    resp
}
