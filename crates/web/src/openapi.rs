//! The error answers every operation of a kind can give, added to the OpenAPI document in one
//! place so that it states every status code the server answers (issue 17: schemathesis checks
//! each response against the document, as each role).
//!
//! What an operation can answer beyond its own responses follows from how it is built:
//! - behind the session (every operation but [`PUBLIC`]): 401 without a session, and 403 when
//!   the policy refuses the role (except [`ANY_USER`], which every logged-in user may use);
//! - with a path parameter: 404 (an id that does not parse, or names nothing the user may see);
//! - with query parameters: 422 when a parameter does not parse or is not valid
//!   (`extract::ApiQuery` names it);
//! - with a JSON body (`extract::ApiJson`): 400 when it is not JSON, 415 when it is not sent as
//!   `application/json`, 422 when a field is not valid.
//!
//! Each is the JSON [`ErrorBody`](crate::error::ErrorBody); a response an operation declares
//! itself is left as it is.

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, Response, ResponseBuilder};

/// Operations that need no session: `(method, path)`.
pub const PUBLIC: &[(&str, &str)] = &[
    ("get", "/health"),
    ("post", "/api/login"),
    ("post", "/api/logout"),
    ("get", "/api/oidc/{provider}/login"),
    ("get", "/api/oidc/{provider}/callback"),
    ("get", "/api/statements/notice"),
    ("get", "/api/adoption-decisions"),
    ("get", "/api/ledger/checkpoint"),
];

/// Operations every logged-in user may use, whatever the role: no 403.
pub const ANY_USER: &[(&str, &str)] = &[
    ("get", "/api/me"),
    ("get", "/api/organisations"),
    ("post", "/api/check"),
];

/// Adds the error answers each operation can give (see the module documentation).
pub fn add_error_responses(doc: &mut OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        let operations = [
            ("get", item.get.as_mut()),
            ("put", item.put.as_mut()),
            ("post", item.post.as_mut()),
            ("delete", item.delete.as_mut()),
            ("patch", item.patch.as_mut()),
        ];
        for (method, op) in operations {
            if let Some(op) = op {
                add_to_operation(method, path, op);
            }
        }
    }
}

fn add_to_operation(method: &str, path: &str, op: &mut Operation) {
    let key = (method, path);
    let params = op.parameters.as_deref().unwrap_or_default();
    let in_path = params
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Path));
    let in_query = params
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Query));
    let body = op.request_body.is_some();
    let responses = &mut op.responses.responses;
    let mut add = |status: &str, response: RefOr<Response>| {
        responses.entry(status.to_owned()).or_insert(response);
    };
    // Any operation may write (reads of client data write their access-log row), so any may
    // meet a full database (issue 17).
    add(
        "503",
        error_response("the database's storage is full (`storage_full`) or it is read-only (`read_only`): nothing was saved; try again later"),
    );
    if !PUBLIC.contains(&key) {
        add(
            "401",
            error_response("not logged in, or the session has ended"),
        );
        if !ANY_USER.contains(&key) {
            add("403", error_response("the user's role may not do this"));
        }
    }
    if in_path {
        add(
            "404",
            error_response(
                "not found, or not visible to this user (also an id that does not parse)",
            ),
        );
    }
    if in_query {
        // `extract::ApiQuery`: a parameter that does not parse (or is unknown, or given
        // twice) is a 422 naming it, like a value that is not valid (issue 15).
        add(
            "422",
            error_response("a query parameter does not parse or is not valid; `field` names it"),
        );
    }
    if body {
        add("400", error_response("the body is not valid JSON"));
        add(
            "415",
            error_response("the body is not sent as `application/json`"),
        );
        add(
            "422",
            error_response("a field is missing or not valid; `field` names it"),
        );
    }
}

fn error_response(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build(),
    )
}
