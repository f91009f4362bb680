//! The supervisor's compliance reports (issue 14) as pages: the index (`/reports`) and, per
//! report, the page (`/reports/NAME`), its table as CSV (`/reports/NAME.csv?table=ID`) and the
//! drill-down from a row to the clients concerned (`/reports/NAME/clients`).
//!
//! Every report shares the machinery here, so a new report is a `build` function and three
//! routes:
//! - [`ReportParams`] reads the query string (the filter's `from`, `to`, `org`, `as_of`, and a
//!   drill-down's `official` or `status`: dates and ids only, never personal data);
//!   [`begin`] signs in, checks the filter through `App::report_filter` and keeps what the
//!   user typed for the form ([`FilterView`]);
//! - a report builds a [`Built`] of [`ChartView`]s (`chart::bar_chart`) and [`ReportTable`]s
//!   whose rows may link to a drill-down ([`FilterView::href`]);
//! - [`report`] answers the page (a bad filter: the form with its errors, 422, no figures) or
//!   the CSV of one table (`csv::download`); [`drill_down_page`] lists the clients a use case
//!   returned (each one a read logged and flagged as supervision by the application layer).

use std::future::Future;

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use kirjuri_app::reports::{
    ContactRow, DrillDown, DrillDownClient, FilterError, FollowUpStatus, InterviewStatus,
    LagFigures, ReportFilter, ReportFilterInput, StatusRow, DRILL_DOWN_MAX,
};
use kirjuri_app::Actor;
use kirjuri_domain::{Organisation, UserId};

use super::chart::{bar_chart, Bar, ChartView};
use super::csv;
use super::error::{rendered, PageError, PageErrorKind, PageResult};
use super::i18n::{text, Lang};
use super::layout::{date, Layout, PageCtx, Signed};
use super::session::signed;
use crate::AppState;

/// A report on the index: its path segment and the Fluent keys of its title and description
/// (`report-NAME-title`, `report-NAME-desc`).
pub const REPORTS: &[&str] = &[
    "timeliness",
    "interviews",
    "contact-methods",
    "follow-ups",
    // Reports 4–6 (`super::oversight`).
    "language",
    "statements",
    "access",
];

/// What a report's query string carries.
#[derive(Debug, Clone, Default)]
pub struct ReportParams {
    pub filter: ReportFilterInput,
    /// A drill-down's official (report 1).
    pub official: Option<String>,
    /// A drill-down's status (reports 2 and 3).
    pub status: Option<String>,
    /// The table a CSV download is of.
    pub table: Option<String>,
}

impl ReportParams {
    /// From the raw query string (a repeated key: the last one counts; unknown keys, such as
    /// `lang`, are the layout's or ignored).
    pub fn parse(raw: Option<&str>) -> Self {
        let mut p = ReportParams::default();
        for (k, v) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            let v = Some(v.into_owned());
            match k.as_ref() {
                "from" => p.filter.from = v,
                "to" => p.filter.to = v,
                "org" => p.filter.org = v,
                "as_of" => p.filter.as_of = v,
                "official" => p.official = v,
                "status" => p.status = v,
                "table" => p.table = v,
                _ => {}
            }
        }
        p
    }
}

/// A field's error as the form shows it.
#[derive(Debug, Clone)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// An organisation of the filter's list.
#[derive(Debug, Clone)]
pub struct OrgOption {
    pub id: String,
    pub name: String,
    pub selected: bool,
}

/// The filter form as shown: what the user typed (or the checked values), the organisations
/// and the errors.
#[derive(Debug, Clone, Default)]
pub struct FilterView {
    pub from: String,
    pub to: String,
    pub org: String,
    pub as_of: String,
    pub orgs: Vec<OrgOption>,
    pub errors: Vec<FieldError>,
}

impl FilterView {
    /// Whether `field` has an error (the form marks it).
    pub fn invalid(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }

    /// The filter as a query string (`from=…&to=…[&org=…][&as_of=…]`).
    pub fn query(&self) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("from", &self.from)
            .append_pair("to", &self.to);
        if !self.org.is_empty() {
            q.append_pair("org", &self.org);
        }
        if !self.as_of.is_empty() {
            q.append_pair("as_of", &self.as_of);
        }
        q.finish()
    }

    /// A path with the filter and `extra` pairs in its query.
    pub fn href(&self, path: &str, extra: &[(&str, &str)]) -> String {
        let mut q = self.query();
        for (k, v) in extra {
            q.push('&');
            q.push_str(
                &form_urlencoded::Serializer::new(String::new())
                    .append_pair(k, v)
                    .finish(),
            );
        }
        format!("{path}?{q}")
    }
}

/// A table of a report: the first cell of a row is its header cell.
#[derive(Debug, Clone)]
pub struct ReportTable {
    /// Unique on the page; also the CSV's `table` parameter and file name part.
    pub id: String,
    pub caption: String,
    pub columns: Vec<String>,
    pub rows: Vec<TableRow>,
    /// The CSV download of the table.
    pub csv_href: String,
    /// The heading of the drill-down column (empty: no drill-down).
    pub drill_heading: String,
}

/// A row, and where its drill-down leads.
#[derive(Debug, Clone)]
pub struct TableRow {
    pub cells: Vec<String>,
    pub drill: Vec<DrillLink>,
}

/// A link from a row to the clients concerned.
#[derive(Debug, Clone)]
pub struct DrillLink {
    pub href: String,
    pub text: String,
    /// Names the row for a screen reader ("Clients: Official X, overdue").
    pub label: String,
}

/// What a report shows.
#[derive(Debug, Clone, Default)]
pub struct Built {
    pub charts: Vec<ChartView>,
    pub tables: Vec<ReportTable>,
}

/// A report page.
#[derive(Debug, Template)]
#[template(path = "report.html")]
pub struct ReportPage {
    pub l: Layout,
    /// The path segment of the report (`/reports/{slug}`).
    pub slug: &'static str,
    pub intro: String,
    pub filter: FilterView,
    pub errors: Vec<FieldError>,
    pub built: Built,
    /// When the filter was wrong: nothing was computed.
    pub bad_filter: bool,
}

#[derive(Template)]
#[template(path = "report_index.html")]
struct IndexPage {
    l: Layout,
    reports: Vec<(String, String, String)>,
}

/// A client of a drill-down.
#[derive(Debug, Clone)]
pub struct DrillRow {
    pub href: String,
    pub name: String,
    pub hetu_masked: String,
    pub count: String,
}

impl DrillRow {
    /// A client listed with its figure; the identity code only masked.
    pub fn of(client: &kirjuri_domain::Client, count: String) -> Self {
        Self {
            href: format!("/clients/{}", client.id),
            name: format!("{} {}", client.first_name, client.last_name),
            hetu_masked: client.hetu.masked(),
            count,
        }
    }
}

#[derive(Template)]
#[template(path = "report_clients.html")]
struct DrillPage {
    l: Layout,
    back: String,
    back_text: String,
    what: String,
    count_heading: String,
    rows: Vec<DrillRow>,
    capped: bool,
    cap: String,
}

/// The Finnish or Swedish name of an organisation (Finnish for English).
pub fn org_name(lang: Lang, o: &Organisation) -> String {
    match lang {
        Lang::Sv => o.name_sv.to_string(),
        _ => o.name_fi.to_string(),
    }
}

/// A share in per mille as a percentage with one decimal (`12,3 %`; English `12.3 %`).
pub fn percent(lang: Lang, per_mille: i64) -> String {
    let sep = if lang == Lang::En { '.' } else { ',' };
    format!("{}{sep}{} %", per_mille / 10, per_mille % 10)
}

/// `part` of `whole` in per mille, rounded (0 of nothing).
pub fn per_mille(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        0
    } else {
        (part * 1000 + whole / 2) / whole
    }
}

/// The signed-in user, the checked filter (or its errors) and the form as shown.
#[derive(Debug)]
pub struct Begun {
    pub signed: Signed,
    pub params: ReportParams,
    pub filter: Result<ReportFilter, Vec<FieldError>>,
    pub view: FilterView,
}

fn filter_message(lang: Lang, e: &FilterError) -> FieldError {
    FieldError {
        field: e.field.to_owned(),
        message: text(
            lang,
            &format!("report-filter-error-{}", e.code.replace('_', "-")),
            &[(
                "field",
                &text(
                    lang,
                    &format!("report-filter-{}", e.field.replace('_', "-")),
                    &[],
                ),
            )],
        ),
    }
}

/// Signs in, reads the query string and checks the filter (see the module documentation).
pub async fn begin(state: &AppState, ctx: &PageCtx, raw: Option<&str>) -> Result<Begun, PageError> {
    let s = signed(state, ctx).await?;
    let params = ReportParams::parse(raw);
    let orgs = state
        .app
        .report_organisations(&s.actor)
        .await
        .map_err(|e| PageError::app(ctx, e))?;
    let checked = state
        .app
        .report_filter(&s.actor, &params.filter)
        .await
        .map_err(|e| PageError::app(ctx, e))?;
    let typed = |v: &Option<String>| v.clone().unwrap_or_default();
    let (filter, view) = match checked {
        Ok(f) => {
            let org = f.org.map(|o| o.to_string()).unwrap_or_default();
            let view = FilterView {
                from: f.from.to_string(),
                to: f.to.to_string(),
                as_of: f.as_of.map(|d| d.to_string()).unwrap_or_default(),
                orgs: org_options(ctx.lang, &orgs, &org),
                org,
                errors: Vec::new(),
            };
            (Ok(f), view)
        }
        Err(errors) => {
            let errors: Vec<FieldError> =
                errors.iter().map(|e| filter_message(ctx.lang, e)).collect();
            let org = typed(&params.filter.org);
            let view = FilterView {
                from: typed(&params.filter.from),
                to: typed(&params.filter.to),
                as_of: typed(&params.filter.as_of),
                orgs: org_options(ctx.lang, &orgs, &org),
                org,
                errors: errors.clone(),
            };
            (Err(errors), view)
        }
    };
    Ok(Begun {
        signed: s,
        params,
        filter,
        view,
    })
}

fn org_options(lang: Lang, orgs: &[Organisation], selected: &str) -> Vec<OrgOption> {
    orgs.iter()
        .map(|o| OrgOption {
            id: o.id.to_string(),
            name: org_name(lang, o),
            selected: o.id.to_string() == selected,
        })
        .collect()
}

/// Page or CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Page,
    Csv,
}

/// Answers a report: its page, or the CSV of the table the `table` parameter names (the first
/// by default). A bad filter answers the form with its errors, 422, and computes nothing.
pub async fn report<F, Fut>(
    state: AppState,
    ctx: PageCtx,
    raw: Option<String>,
    slug: &'static str,
    part: Part,
    build: F,
) -> PageResult
where
    F: FnOnce(AppState, Actor, ReportFilter, FilterView, Lang) -> Fut,
    Fut: Future<Output = Result<Built, PageError>>,
{
    let b = begin(&state, &ctx, raw.as_deref()).await?;
    let title_key = format!("report-{slug}-title");
    let l = Layout::new(
        &ctx,
        &title_key,
        Some(&b.signed.actor),
        b.signed.csrf.clone(),
    );
    let intro = text(ctx.lang, &format!("report-{slug}-desc"), &[]);
    let (filter, built, errors) = match b.filter {
        Ok(f) => {
            let built = build(
                state.clone(),
                b.signed.actor.clone(),
                f,
                b.view.clone(),
                ctx.lang,
            )
            .await?;
            (Some(f), built, Vec::new())
        }
        Err(errors) => (None, Built::default(), errors),
    };
    if part == Part::Csv {
        if filter.is_none() {
            return Err(PageError::new(&ctx, PageErrorKind::BadRequest));
        }
        let table = match b.params.table.as_deref() {
            None | Some("") => built.tables.first(),
            Some(id) => built.tables.iter().find(|t| t.id == id),
        }
        .ok_or_else(|| PageError::new(&ctx, PageErrorKind::NotFound))?;
        return Ok(csv_of(slug, table));
    }
    let status = if filter.is_some() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ReportPage {
        l,
        slug,
        intro,
        filter: b.view,
        errors,
        built,
        bad_filter: filter.is_none(),
    };
    rendered(&ctx, status, &page)
}

/// A table as a CSV attachment (`SLUG-TABLE.csv`): the header row, then each row's cells.
pub fn csv_of(slug: &str, t: &ReportTable) -> Response {
    let rows: Vec<Vec<String>> = t.rows.iter().map(|r| r.cells.clone()).collect();
    csv::download(
        &format!("{slug}-{}.csv", t.id),
        csv::body(&t.columns, &rows),
    )
}

/// The clients of a drill-down: signs in, checks the filter, asks `fetch` (a use case that
/// logs each client read) and lists them. A bad filter or drill-down parameter is a bad
/// request (the links of the report page never make one).
pub async fn drill_down_page<W, F, Fut>(
    state: AppState,
    ctx: PageCtx,
    raw: Option<String>,
    slug: &'static str,
    what: W,
    fetch: F,
) -> PageResult
where
    W: FnOnce(&ReportParams) -> Option<(DrillDown, String)>,
    F: FnOnce(AppState, Actor, ReportFilter, DrillDown) -> Fut,
    Fut: Future<Output = Result<Vec<DrillDownClient>, kirjuri_app::AppError>>,
{
    let b = begin(&state, &ctx, raw.as_deref()).await?;
    let filter = b
        .filter
        .clone()
        .map_err(|_| PageError::new(&ctx, PageErrorKind::BadRequest))?;
    let (drill, what_text) =
        what(&b.params).ok_or_else(|| PageError::new(&ctx, PageErrorKind::BadRequest))?;
    let clients = fetch(state.clone(), b.signed.actor.clone(), filter, drill)
        .await
        .map_err(|e| PageError::app(&ctx, e))?;
    let capped = clients.len() as i64 >= DRILL_DOWN_MAX;
    let rows = clients
        .iter()
        .map(|c| DrillRow::of(&c.client, c.count.to_string()))
        .collect();
    drill_rendered(&ctx, &b, slug, what_text, rows, capped, DRILL_DOWN_MAX)
}

/// A drill-down's page (reports 1–6): the clients listed, each with its figure, and whether
/// the list stopped at its `cap`.
pub fn drill_rendered(
    ctx: &PageCtx,
    b: &Begun,
    slug: &str,
    what: String,
    rows: Vec<DrillRow>,
    capped: bool,
    cap: impl ToString,
) -> PageResult {
    let lang = ctx.lang;
    let page = DrillPage {
        l: Layout::new(
            ctx,
            "report-clients-title",
            Some(&b.signed.actor),
            b.signed.csrf.clone(),
        ),
        back: b.view.href(&format!("/reports/{slug}"), &[]),
        back_text: text(lang, &format!("report-{slug}-title"), &[]),
        what,
        count_heading: text(lang, &format!("report-{slug}-count"), &[]),
        capped,
        cap: cap.to_string(),
        rows,
    };
    rendered(ctx, StatusCode::OK, &page)
}

/// `GET /reports`: the reports the user may read.
pub async fn index(State(state): State<AppState>, ctx: PageCtx) -> PageResult {
    let s = signed(&state, &ctx).await?;
    // Asks the policy through a use case: a user without the capability is refused here.
    state
        .app
        .report_organisations(&s.actor)
        .await
        .map_err(|e| PageError::app(&ctx, e))?;
    let lang = ctx.lang;
    let page = IndexPage {
        l: Layout::new(&ctx, "reports-title", Some(&s.actor), s.csrf),
        reports: REPORTS
            .iter()
            .map(|slug| {
                (
                    format!("/reports/{slug}"),
                    text(lang, &format!("report-{slug}-title"), &[]),
                    text(lang, &format!("report-{slug}-desc"), &[]),
                )
            })
            .collect(),
    };
    rendered(&ctx, StatusCode::OK, &page)
}

fn chart(
    id: &str,
    title: String,
    desc: String,
    bars: &[Bar],
    ctx_lang: Lang,
) -> Result<Option<ChartView>, String> {
    let _ = ctx_lang;
    Ok(bar_chart(bars)?.map(|svg| ChartView {
        id: id.to_owned(),
        title,
        desc,
        svg,
    }))
}

fn internal(e: String) -> PageError {
    PageError {
        ctx: PageCtx {
            lang: Lang::Fi,
            path: String::new(),
            session: None,
            login_csrf: None,
        },
        kind: PageErrorKind::Internal(format!("chart: {e}")),
    }
}

/// A chart's text alternative: each bar's label and figure in words.
fn chart_desc(lang: Lang, bars: &[Bar]) -> String {
    if bars.is_empty() {
        return text(lang, "report-no-rows", &[]);
    }
    bars.iter()
        .map(|b| format!("{}: {}", b.label, b.shown))
        .collect::<Vec<_>>()
        .join("; ")
}

// ----- Report 1: timeliness (A6) -----

fn lag_cells(lang: Lang, f: &LagFigures) -> Vec<String> {
    vec![
        f.entries.to_string(),
        f.median.to_string(),
        f.p90.to_string(),
        f.late.to_string(),
        percent(lang, f.late_per_mille()),
    ]
}

async fn build_timeliness(
    state: AppState,
    actor: Actor,
    filter: ReportFilter,
    view: FilterView,
    lang: Lang,
) -> Result<Built, PageError> {
    let ctx_err = |e| {
        PageError::app(
            &PageCtx {
                lang,
                path: String::new(),
                session: None,
                login_csrf: None,
            },
            e,
        )
    };
    let r = state
        .app
        .timeliness_report(&actor, &filter)
        .await
        .map_err(ctx_err)?;
    let t = |k: &str| text(lang, k, &[]);
    let lag_columns = |first: &str| {
        vec![
            t(first),
            t("report-timeliness-entries"),
            t("report-timeliness-median"),
            t("report-timeliness-p90"),
            t("report-timeliness-late"),
            t("report-timeliness-late-share"),
        ]
    };
    let drill_text = t("report-drill");
    let path = "/reports/timeliness/clients";
    let org_rows: Vec<TableRow> = r
        .organisations
        .iter()
        .map(|o| {
            let name = org_name(lang, &o.org);
            let mut cells = vec![name.clone()];
            cells.extend(lag_cells(lang, &o.figures));
            let mut v = view.clone();
            v.org = o.org.id.to_string();
            TableRow {
                cells,
                drill: (o.figures.late > 0)
                    .then(|| DrillLink {
                        href: v.href(path, &[]),
                        text: drill_text.clone(),
                        label: format!("{drill_text}: {name}"),
                    })
                    .into_iter()
                    .collect(),
            }
        })
        .collect();
    let official_rows: Vec<TableRow> = r
        .officials
        .iter()
        .map(|o| {
            let mut cells = vec![o.name.clone(), org_name(lang, &o.org)];
            cells.extend(lag_cells(lang, &o.figures));
            let mut v = view.clone();
            v.org = o.org.id.to_string();
            TableRow {
                cells,
                drill: (o.figures.late > 0)
                    .then(|| DrillLink {
                        href: v.href(path, &[("official", &o.official.to_string())]),
                        text: drill_text.clone(),
                        label: format!("{drill_text}: {}", o.name),
                    })
                    .into_iter()
                    .collect(),
            }
        })
        .collect();
    let mut official_columns = lag_columns("report-official");
    official_columns.insert(1, t("report-organisation"));
    let bars: Vec<Bar> = r
        .organisations
        .iter()
        .map(|o| Bar {
            label: org_name(lang, &o.org),
            value: o.figures.late_per_mille() as f64,
            shown: percent(lang, o.figures.late_per_mille()),
        })
        .collect();
    let charts = chart(
        "chart-late",
        t("report-timeliness-chart"),
        chart_desc(lang, &bars),
        &bars,
        lang,
    )
    .map_err(internal)?
    .into_iter()
    .collect();
    Ok(Built {
        charts,
        tables: vec![
            ReportTable {
                id: "organisations".into(),
                caption: t("report-timeliness-by-org"),
                columns: lag_columns("report-organisation"),
                rows: org_rows,
                csv_href: view.href("/reports/timeliness.csv", &[("table", "organisations")]),
                drill_heading: t("report-drill-heading"),
            },
            ReportTable {
                id: "officials".into(),
                caption: t("report-timeliness-by-official"),
                columns: official_columns,
                rows: official_rows,
                csv_href: view.href("/reports/timeliness.csv", &[("table", "officials")]),
                drill_heading: t("report-drill-heading"),
            },
        ],
    })
}

/// `GET /reports/timeliness`.
pub async fn timeliness(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(q): RawQuery,
) -> PageResult {
    report(state, ctx, q, "timeliness", Part::Page, build_timeliness).await
}

/// `GET /reports/timeliness.csv`.
pub async fn timeliness_csv(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(q): RawQuery,
) -> PageResult {
    report(state, ctx, q, "timeliness", Part::Csv, build_timeliness).await
}

/// `GET /reports/timeliness/clients`: clients with entries recorded late, of one official
/// (`official`) or of the organisation.
pub async fn timeliness_clients(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(q): RawQuery,
) -> PageResult {
    let lang = ctx.lang;
    let what = move |p: &ReportParams| {
        let official = match p.official.as_deref() {
            None | Some("") => None,
            Some(s) => Some(s.parse::<UserId>().ok()?),
        };
        Some((
            DrillDown::LateEntries { official },
            text(lang, "report-timeliness-clients", &[]),
        ))
    };
    drill_down_page(
        state,
        ctx,
        q,
        "timeliness",
        what,
        |state, actor, f, d| async move { state.app.report_drill_down(&actor, &f, d).await },
    )
    .await
}

// ----- Reports 2 and 3b: counts by status -----

fn status_table<S: Ord + Copy>(
    lang: Lang,
    slug: &str,
    view: &FilterView,
    rows: &[StatusRow<S>],
    statuses: &[S],
    code: fn(S) -> &'static str,
    drill_statuses: &[S],
) -> ReportTable {
    let t = |k: &str| text(lang, k, &[]);
    let mut columns = vec![t("report-organisation")];
    columns.extend(
        statuses
            .iter()
            .map(|s| t(&format!("report-{slug}-{}", code(*s).replace('_', "-")))),
    );
    columns.push(t("report-total"));
    let drill_text = t("report-drill");
    let table_rows = rows
        .iter()
        .map(|r| {
            let name = org_name(lang, &r.org);
            let mut cells = vec![name.clone()];
            cells.extend(statuses.iter().map(|s| r.count(*s).to_string()));
            cells.push(r.total().to_string());
            let mut v = view.clone();
            v.org = r.org.id.to_string();
            let drill = drill_statuses
                .iter()
                .filter(|s| r.count(**s) > 0)
                .map(|s| {
                    let status = t(&format!("report-{slug}-{}", code(*s).replace('_', "-")));
                    DrillLink {
                        href: v.href(&format!("/reports/{slug}/clients"), &[("status", code(*s))]),
                        text: format!("{drill_text}: {status}"),
                        label: format!("{drill_text}: {name}, {status}"),
                    }
                })
                .collect();
            TableRow { cells, drill }
        })
        .collect();
    ReportTable {
        id: "organisations".into(),
        caption: t(&format!("report-{slug}-table")),
        columns,
        rows: table_rows,
        csv_href: view.href(
            &format!("/reports/{slug}.csv"),
            &[("table", "organisations")],
        ),
        drill_heading: t("report-drill-heading"),
    }
}

fn share_chart<S: Ord + Copy>(
    lang: Lang,
    slug: &str,
    rows: &[StatusRow<S>],
    good: S,
    base: &dyn Fn(&StatusRow<S>) -> i64,
) -> Result<Vec<ChartView>, PageError> {
    let bars: Vec<Bar> = rows
        .iter()
        .map(|r| {
            let pm = per_mille(r.count(good), base(r));
            Bar {
                label: org_name(lang, &r.org),
                value: pm as f64,
                shown: percent(lang, pm),
            }
        })
        .collect();
    Ok(chart(
        "chart-share",
        text(lang, &format!("report-{slug}-chart"), &[]),
        chart_desc(lang, &bars),
        &bars,
        lang,
    )
    .map_err(internal)?
    .into_iter()
    .collect())
}

fn app_err(lang: Lang) -> impl Fn(kirjuri_app::AppError) -> PageError {
    move |e| {
        PageError::app(
            &PageCtx {
                lang,
                path: String::new(),
                session: None,
                login_csrf: None,
            },
            e,
        )
    }
}

async fn build_interviews(
    state: AppState,
    actor: Actor,
    filter: ReportFilter,
    view: FilterView,
    lang: Lang,
) -> Result<Built, PageError> {
    let rows = state
        .app
        .interviews_report(&actor, &filter)
        .await
        .map_err(app_err(lang))?;
    use InterviewStatus as I;
    let charts = share_chart(lang, "interviews", &rows, I::OnTime, &|r| {
        r.total() - r.count(I::Pending) - r.count(I::Ended)
    })?;
    Ok(Built {
        charts,
        tables: vec![status_table(
            lang,
            "interviews",
            &view,
            &rows,
            &I::ALL,
            I::code,
            &[I::Overdue, I::Late],
        )],
    })
}

/// `GET /reports/interviews`.
pub async fn interviews(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(q): RawQuery,
) -> PageResult {
    report(state, ctx, q, "interviews", Part::Page, build_interviews).await
}

/// `GET /reports/interviews.csv`.
pub async fn interviews_csv(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(q): RawQuery,
) -> PageResult {
    report(state, ctx, q, "interviews", Part::Csv, build_interviews).await
}

/// `GET /reports/interviews/clients?status=…`.
pub async fn interviews_clients(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(q): RawQuery,
) -> PageResult {
    let lang = ctx.lang;
    let what = move |p: &ReportParams| {
        let s = InterviewStatus::parse(p.status.as_deref()?)?;
        Some((
            DrillDown::Interviews(s),
            text(
                lang,
                &format!("report-interviews-{}", s.code().replace('_', "-")),
                &[],
            ),
        ))
    };
    drill_down_page(
        state,
        ctx,
        q,
        "interviews",
        what,
        |state, actor, f, d| async move { state.app.report_drill_down(&actor, &f, d).await },
    )
    .await
}

async fn build_follow_ups(
    state: AppState,
    actor: Actor,
    filter: ReportFilter,
    view: FilterView,
    lang: Lang,
) -> Result<Built, PageError> {
    let rows = state
        .app
        .follow_ups_report(&actor, &filter)
        .await
        .map_err(app_err(lang))?;
    use FollowUpStatus as F;
    let charts = share_chart(lang, "follow-ups", &rows, F::OnTime, &|r| r.total())?;
    Ok(Built {
        charts,
        tables: vec![status_table(
            lang,
            "follow-ups",
            &view,
            &rows,
            &F::ALL,
            F::code,
            &[F::Overdue, F::Late],
        )],
    })
}

/// `GET /reports/follow-ups`.
pub async fn follow_ups(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(q): RawQuery,
) -> PageResult {
    report(state, ctx, q, "follow-ups", Part::Page, build_follow_ups).await
}

/// `GET /reports/follow-ups.csv`.
pub async fn follow_ups_csv(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(q): RawQuery,
) -> PageResult {
    report(state, ctx, q, "follow-ups", Part::Csv, build_follow_ups).await
}

/// `GET /reports/follow-ups/clients?status=…`.
pub async fn follow_ups_clients(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(q): RawQuery,
) -> PageResult {
    let lang = ctx.lang;
    let what = move |p: &ReportParams| {
        let s = FollowUpStatus::parse(p.status.as_deref()?)?;
        Some((
            DrillDown::FollowUps(s),
            text(
                lang,
                &format!("report-follow-ups-{}", s.code().replace('_', "-")),
                &[],
            ),
        ))
    };
    drill_down_page(
        state,
        ctx,
        q,
        "follow-ups",
        what,
        |state, actor, f, d| async move { state.app.report_drill_down(&actor, &f, d).await },
    )
    .await
}

// ----- Report 3a: contact methods (A9) -----

async fn build_contact_methods(
    state: AppState,
    actor: Actor,
    filter: ReportFilter,
    view: FilterView,
    lang: Lang,
) -> Result<Built, PageError> {
    let rows: Vec<ContactRow> = state
        .app
        .contact_methods_report(&actor, &filter)
        .await
        .map_err(app_err(lang))?;
    let t = |k: &str| text(lang, k, &[]);
    let drill_text = t("report-drill");
    let bars: Vec<Bar> = rows
        .iter()
        .map(|r| {
            let pm = per_mille(r.agreed, r.agreed + r.missing);
            Bar {
                label: org_name(lang, &r.org),
                value: pm as f64,
                shown: percent(lang, pm),
            }
        })
        .collect();
    let charts = chart(
        "chart-share",
        t("report-contact-methods-chart"),
        chart_desc(lang, &bars),
        &bars,
        lang,
    )
    .map_err(internal)?
    .into_iter()
    .collect();
    let table_rows = rows
        .iter()
        .map(|r| {
            let name = org_name(lang, &r.org);
            let mut v = view.clone();
            v.org = r.org.id.to_string();
            TableRow {
                cells: vec![
                    name.clone(),
                    r.agreed.to_string(),
                    r.missing.to_string(),
                    (r.agreed + r.missing).to_string(),
                    percent(lang, per_mille(r.agreed, r.agreed + r.missing)),
                ],
                drill: (r.missing > 0)
                    .then(|| DrillLink {
                        href: v.href("/reports/contact-methods/clients", &[]),
                        text: drill_text.clone(),
                        label: format!("{drill_text}: {name}"),
                    })
                    .into_iter()
                    .collect(),
            }
        })
        .collect();
    Ok(Built {
        charts,
        tables: vec![ReportTable {
            id: "organisations".into(),
            caption: t("report-contact-methods-table"),
            columns: vec![
                t("report-organisation"),
                t("report-contact-methods-agreed"),
                t("report-contact-methods-missing"),
                t("report-total"),
                t("report-contact-methods-share"),
            ],
            rows: table_rows,
            csv_href: view.href(
                "/reports/contact-methods.csv",
                &[("table", "organisations")],
            ),
            drill_heading: t("report-drill-heading"),
        }],
    })
}

/// `GET /reports/contact-methods`.
pub async fn contact_methods(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(q): RawQuery,
) -> PageResult {
    report(
        state,
        ctx,
        q,
        "contact-methods",
        Part::Page,
        build_contact_methods,
    )
    .await
}

/// `GET /reports/contact-methods.csv`.
pub async fn contact_methods_csv(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(q): RawQuery,
) -> PageResult {
    report(
        state,
        ctx,
        q,
        "contact-methods",
        Part::Csv,
        build_contact_methods,
    )
    .await
}

/// `GET /reports/contact-methods/clients`: clients whose initial interview was held without a
/// contact method agreed.
pub async fn contact_methods_clients(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(q): RawQuery,
) -> PageResult {
    let lang = ctx.lang;
    let what = move |_: &ReportParams| {
        Some((
            DrillDown::ContactMissing,
            text(lang, "report-contact-methods-missing", &[]),
        ))
    };
    drill_down_page(
        state,
        ctx,
        q,
        "contact-methods",
        what,
        |state, actor, f, d| async move { state.app.report_drill_down(&actor, &f, d).await },
    )
    .await
}

/// `7.12.2026` of a checked filter's dates, for the page's summary line.
pub fn period_words(lang: Lang, f: &ReportFilter) -> String {
    text(
        lang,
        "report-period-words",
        &[("from", &date(f.from)), ("to", &date(f.to))],
    )
}
