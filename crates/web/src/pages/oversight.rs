//! The supervisor's compliance reports 4–6 as pages (issue 14), on the reports' shared
//! machinery ([`super::reports`]: the filter form, charts, tables, CSV downloads): language
//! quality (`/reports/language`), statements (`/reports/statements`) and access
//! (`/reports/access`), each with its CSV (`….csv?table=ID`) and its drill-down to the clients
//! behind a row (`…/clients`). The drill-down's own parameters are dates, months, codes and
//! ids only, never personal data: `month` (`YYYY-MM`), `status` (a finding kind, a gap reason,
//! `automated`/`routed`/`reconsidered`/`changed`, or `flagged`/`refused`/`reads`), `date`,
//! `version` (a rule set's hash), `reason` (a routing reason code) and `official`.
//!
//! The pages call the use cases of `kirjuri_app::oversight` only; every client a drill-down
//! lists is a read logged there as supervision, flagged.

use axum::extract::{RawQuery, State};
use chrono::NaiveDate;
use kirjuri_app::model::{AccessDrill, FindingKind, GapReason, VersionDrill, GAP_REASONS};
use kirjuri_app::oversight::{automated_share, GapPoint, LanguageRow};
use kirjuri_app::reports::ReportFilter;
use kirjuri_app::Actor;
use kirjuri_domain::UserId;

use super::chart::{Bar, ChartView};
use super::error::{PageError, PageErrorKind, PageResult};
use super::i18n::{text, Lang};
use super::layout::{date, PageCtx};
use super::reports::{
    begin, drill_rendered, org_name, per_mille, percent, report, Built, DrillLink, DrillRow,
    FilterView, Part, ReportParams, ReportTable, TableRow,
};
use super::rule_tests::reason_words as routing_reason_words;
use crate::AppState;

/// The reports of this module on the index, after reports 1–3.
pub const SLUGS: &[&str] = &["language", "statements", "access"];

/// The drill-down's own parameters (see the module documentation).
#[derive(Debug, Clone, Default)]
struct Extra {
    month: Option<String>,
    date: Option<String>,
    version: Option<String>,
    reason: Option<String>,
}

impl Extra {
    fn parse(raw: Option<&str>) -> Self {
        let mut e = Extra::default();
        for (k, v) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            let v = (!v.is_empty()).then(|| v.into_owned());
            match k.as_ref() {
                "month" => e.month = v,
                "date" => e.date = v,
                "version" => e.version = v,
                "reason" => e.reason = v,
                _ => {}
            }
        }
        e
    }
}

/// A figure per 1 000 with one decimal, in the language's form (`12,3`).
fn per_thousand(lang: Lang, x: Option<f64>) -> String {
    match x {
        None => "–".into(),
        Some(x) => {
            let s = format!("{x:.1}");
            if lang == Lang::En {
                s
            } else {
                s.replace('.', ",")
            }
        }
    }
}

fn t(lang: Lang, key: &str) -> String {
    text(lang, key, &[])
}

fn kind_words(lang: Lang, k: FindingKind) -> String {
    t(lang, &format!("report-language-kind-{}", k.code()))
}

fn reason_words(lang: Lang, r: GapReason) -> String {
    t(
        lang,
        &format!("report-statements-gap-{}", r.code().replace('_', "-")),
    )
}

fn app_err(lang: Lang) -> impl Fn(kirjuri_app::AppError) -> PageError {
    move |e| PageError::app(&bare(lang), e)
}

fn bare(lang: Lang) -> PageCtx {
    PageCtx {
        lang,
        path: String::new(),
        session: None,
        login_csrf: None,
    }
}

/// A bar chart with its title and its text alternative (each bar's label and figure);
/// `None` without bars.
fn chart_of(
    lang: Lang,
    id: &str,
    title: &str,
    bars: &[Bar],
) -> Result<Option<ChartView>, PageError> {
    ChartView::of(id, title, bars)
        .map_err(|e| PageError::new(&bare(lang), PageErrorKind::Internal(format!("chart: {e}"))))
}

fn table(
    lang: Lang,
    slug: &str,
    view: &FilterView,
    id: &str,
    columns: Vec<String>,
    rows: Vec<TableRow>,
    drill: bool,
) -> ReportTable {
    ReportTable {
        id: id.into(),
        caption: t(lang, &format!("report-{slug}-table-{id}")),
        columns,
        rows,
        csv_href: view.href(&format!("/reports/{slug}.csv"), &[("table", id)]),
        drill_heading: if drill {
            t(lang, "report-drill-heading")
        } else {
            String::new()
        },
    }
}

// ----- Report 4: language quality (A13–A17) -----

fn language_cells(lang: Lang, row: &LanguageRow) -> Vec<String> {
    let mut cells = vec![row.entries.to_string()];
    for (i, k) in FindingKind::ALL.iter().enumerate() {
        cells.push(row.findings[i].to_string());
        cells.push(per_thousand(lang, row.per_thousand(*k)));
    }
    cells.push(per_thousand(lang, row.total_per_thousand()));
    cells
}

fn language_columns(lang: Lang, first: &str) -> Vec<String> {
    let mut c = vec![t(lang, first), t(lang, "report-language-entries")];
    for k in FindingKind::ALL {
        let words = kind_words(lang, k);
        c.push(words.clone());
        c.push(text(
            lang,
            "report-language-per-thousand",
            &[("kind", &words)],
        ));
    }
    c.push(t(lang, "report-language-all-per-thousand"));
    c
}

fn language_drills(
    lang: Lang,
    row: &LanguageRow,
    name: &str,
    href: impl Fn(&str) -> String,
) -> Vec<DrillLink> {
    let drill = t(lang, "report-drill");
    FindingKind::ALL
        .iter()
        .enumerate()
        .filter(|(i, _)| row.findings[*i] > 0)
        .map(|(_, k)| {
            let words = kind_words(lang, *k);
            DrillLink {
                href: href(k.code()),
                text: format!("{drill}: {words}"),
                label: format!("{drill}: {name}, {words}"),
            }
        })
        .collect()
}

async fn build_language(
    state: AppState,
    actor: Actor,
    filter: ReportFilter,
    view: FilterView,
    lang: Lang,
) -> Result<Built, PageError> {
    let r = state
        .app
        .language_report(&actor, &filter)
        .await
        .map_err(app_err(lang))?;
    let path = "/reports/language/clients";
    let org_rows = r
        .by_org
        .iter()
        .map(|(o, row)| {
            let name = org_name(lang, o);
            let mut cells = vec![name.clone()];
            cells.extend(language_cells(lang, row));
            let mut v = view.clone();
            v.org = o.id.to_string();
            TableRow {
                cells,
                drill: language_drills(lang, row, &name, |k| v.href(path, &[("status", k)])),
            }
        })
        .collect();
    let month_rows = r
        .by_month
        .iter()
        .map(|(m, row)| {
            let mut cells = vec![m.clone()];
            cells.extend(language_cells(lang, row));
            TableRow {
                cells,
                drill: language_drills(lang, row, m, |k| {
                    view.href(path, &[("month", m), ("status", k)])
                }),
            }
        })
        .collect();
    let bars = |rows: Vec<(String, &LanguageRow)>| -> Vec<Bar> {
        rows.into_iter()
            .map(|(label, row)| Bar {
                label,
                value: row.total_per_thousand().unwrap_or(0.0),
                shown: per_thousand(lang, row.total_per_thousand()),
            })
            .collect()
    };
    let org_bars = bars(
        r.by_org
            .iter()
            .map(|(o, row)| (org_name(lang, o), row))
            .collect(),
    );
    let month_bars = bars(r.by_month.iter().map(|(m, row)| (m.clone(), row)).collect());
    let mut charts = Vec::new();
    charts.extend(chart_of(
        lang,
        "chart-orgs",
        &t(lang, "report-language-chart-orgs"),
        &org_bars,
    )?);
    charts.extend(chart_of(
        lang,
        "chart-months",
        &t(lang, "report-language-chart-months"),
        &month_bars,
    )?);
    Ok(Built {
        charts,
        tables: vec![
            table(
                lang,
                "language",
                &view,
                "organisations",
                language_columns(lang, "report-organisation"),
                org_rows,
                true,
            ),
            table(
                lang,
                "language",
                &view,
                "months",
                language_columns(lang, "report-month"),
                month_rows,
                true,
            ),
        ],
    })
}

/// `GET /reports/language`.
pub async fn language(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(q): RawQuery,
) -> PageResult {
    report(state, ctx, q, "language", Part::Page, build_language).await
}

/// `GET /reports/language.csv`.
pub async fn language_csv(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(q): RawQuery,
) -> PageResult {
    report(state, ctx, q, "language", Part::Csv, build_language).await
}

// ----- Report 5: statements (A11, B11) -----

fn gap_cells(lang: Lang, p: &GapPoint) -> Vec<String> {
    let mut cells = vec![p.applicants.to_string(), p.total_without().to_string()];
    cells.push(percent(lang, per_mille(p.total_without(), p.applicants)));
    cells.extend(p.by_reason().map(|(_, n)| n.to_string()));
    cells
}

fn gap_columns(lang: Lang, first: &str) -> Vec<String> {
    let mut c = vec![
        t(lang, first),
        t(lang, "report-statements-applicants"),
        t(lang, "report-statements-without"),
        t(lang, "report-statements-without-share"),
    ];
    c.extend(GAP_REASONS.iter().map(|r| reason_words(lang, *r)));
    c
}

fn gap_drills(
    lang: Lang,
    p: &GapPoint,
    name: &str,
    href: impl Fn(&str) -> String,
) -> Vec<DrillLink> {
    let drill = t(lang, "report-drill");
    p.by_reason()
        .filter(|(_, n)| *n > 0)
        .map(|(r, _)| {
            let words = reason_words(lang, r);
            DrillLink {
                href: href(r.code()),
                text: format!("{drill}: {words}"),
                label: format!("{drill}: {name}, {words}"),
            }
        })
        .collect()
}

async fn build_statements(
    state: AppState,
    actor: Actor,
    filter: ReportFilter,
    view: FilterView,
    lang: Lang,
) -> Result<Built, PageError> {
    let r = state
        .app
        .statements_report(&actor, &filter)
        .await
        .map_err(app_err(lang))?;
    let path = "/reports/statements/clients";
    let trend_rows = r
        .trend
        .iter()
        .map(|p| {
            let day = date(p.date);
            let mut cells = vec![day.clone()];
            cells.extend(gap_cells(lang, p));
            let d = p.date.to_string();
            TableRow {
                cells,
                drill: gap_drills(lang, p, &day, |code| {
                    view.href(path, &[("date", &d), ("status", code)])
                }),
            }
        })
        .collect();
    let org_rows = r
        .by_org
        .iter()
        .map(|(o, p)| {
            let name = org_name(lang, o);
            let mut cells = vec![name.clone()];
            cells.extend(gap_cells(lang, p));
            let mut v = view.clone();
            v.org = o.id.to_string();
            let d = p.date.to_string();
            TableRow {
                cells,
                drill: gap_drills(lang, p, &name, |code| {
                    v.href(path, &[("date", &d), ("status", code)])
                }),
            }
        })
        .collect();
    let drill = t(lang, "report-drill");
    let version_rows = r
        .versions
        .iter()
        .map(|f| {
            let name = format!("{} {}", f.rule_set_name, f.rule_set_version);
            let share = automated_share(f).map(|s| (s * 1000.0).round() as i64);
            let cells = vec![
                name.clone(),
                f.rule_set_hash.chars().take(12).collect(),
                f.adoption_decisions.join(", "),
                f.decisions.to_string(),
                f.automated.to_string(),
                share
                    .map(|s| percent(lang, s))
                    .unwrap_or_else(|| "–".into()),
                f.routed.to_string(),
                f.reconsiderations_requested.to_string(),
                f.reconsiderations_of_automated.to_string(),
                f.reconsiderations_resolved.to_string(),
                f.reconsiderations_changed.to_string(),
            ];
            let links = [
                ("automated", f.automated),
                ("reconsidered", f.reconsiderations_requested),
                ("changed", f.reconsiderations_changed),
            ];
            TableRow {
                cells,
                drill: links
                    .iter()
                    .filter(|(_, n)| *n > 0)
                    .map(|(what, _)| {
                        let words = t(lang, &format!("report-statements-drill-{what}"));
                        DrillLink {
                            href: view
                                .href(path, &[("version", &f.rule_set_hash), ("status", what)]),
                            text: format!("{drill}: {words}"),
                            label: format!("{drill}: {name}, {words}"),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let reason_rows = r
        .versions
        .iter()
        .flat_map(|f| {
            let name = format!("{} {}", f.rule_set_name, f.rule_set_version);
            f.routed_by_reason
                .iter()
                .map(move |rc| (name.clone(), f, rc))
        })
        .map(|(name, f, rc)| {
            // The reason in the reader's language, as the rule titles it; the code stays in
            // the drill-down's address only.
            let words = routing_reason_words(&state, lang, &rc.code);
            (name, f, rc, words)
        })
        .map(|(name, f, rc, words)| TableRow {
            cells: vec![name.clone(), words.clone(), rc.count.to_string()],
            drill: vec![DrillLink {
                href: view.href(
                    path,
                    &[
                        ("version", &f.rule_set_hash),
                        ("status", "routed"),
                        ("reason", &rc.code),
                    ],
                ),
                text: drill.clone(),
                label: format!("{drill}: {name}, {words}"),
            }],
        })
        .collect();
    let trend_bars: Vec<Bar> = r
        .trend
        .iter()
        .map(|p| Bar {
            label: date(p.date),
            value: p.total_without() as f64,
            shown: p.total_without().to_string(),
        })
        .collect();
    let version_bars: Vec<Bar> = r
        .versions
        .iter()
        .map(|f| {
            let s = automated_share(f).map_or(0, |s| (s * 1000.0).round() as i64);
            Bar {
                label: format!("{} {}", f.rule_set_name, f.rule_set_version),
                value: s as f64,
                shown: percent(lang, s),
            }
        })
        .collect();
    let mut charts = Vec::new();
    charts.extend(chart_of(
        lang,
        "chart-gaps",
        &t(lang, "report-statements-chart-gaps"),
        &trend_bars,
    )?);
    charts.extend(chart_of(
        lang,
        "chart-automated",
        &t(lang, "report-statements-chart-automated"),
        &version_bars,
    )?);
    let version_columns = [
        "report-statements-rule-set",
        "report-statements-hash",
        "report-statements-adoption",
        "report-statements-decisions",
        "report-statements-automated",
        "report-statements-automated-share",
        "report-statements-routed",
        "report-statements-reconsiderations",
        "report-statements-reconsiderations-automated",
        "report-statements-reconsiderations-resolved",
        "report-statements-changed",
    ]
    .iter()
    .map(|k| t(lang, k))
    .collect();
    Ok(Built {
        charts,
        tables: vec![
            table(
                lang,
                "statements",
                &view,
                "dates",
                gap_columns(lang, "report-date"),
                trend_rows,
                true,
            ),
            table(
                lang,
                "statements",
                &view,
                "organisations",
                gap_columns(lang, "report-organisation"),
                org_rows,
                true,
            ),
            table(
                lang,
                "statements",
                &view,
                "versions",
                version_columns,
                version_rows,
                true,
            ),
            table(
                lang,
                "statements",
                &view,
                "reasons",
                vec![
                    t(lang, "report-statements-rule-set"),
                    t(lang, "report-statements-reason"),
                    t(lang, "report-statements-routed"),
                ],
                reason_rows,
                true,
            ),
        ],
    })
}

/// `GET /reports/statements`.
pub async fn statements(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(q): RawQuery,
) -> PageResult {
    report(state, ctx, q, "statements", Part::Page, build_statements).await
}

/// `GET /reports/statements.csv`.
pub async fn statements_csv(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(q): RawQuery,
) -> PageResult {
    report(state, ctx, q, "statements", Part::Csv, build_statements).await
}

// ----- Report 6: access (A2, A3) -----

async fn build_access(
    state: AppState,
    actor: Actor,
    filter: ReportFilter,
    view: FilterView,
    lang: Lang,
) -> Result<Built, PageError> {
    let r = state
        .app
        .access_report(&actor, &filter)
        .await
        .map_err(app_err(lang))?;
    let path = "/reports/access/clients";
    let drill = t(lang, "report-drill");
    let access_cells = |row: &kirjuri_app::oversight::AccessRow| {
        vec![
            row.flagged_reads.to_string(),
            row.flagged_clients.to_string(),
            row.refusals.to_string(),
            row.refused_clients.to_string(),
        ]
    };
    let access_drills =
        |row: &kirjuri_app::oversight::AccessRow, name: &str, href: &dyn Fn(&str) -> String| {
            [("flagged", row.flagged_reads), ("refused", row.refusals)]
                .iter()
                .filter(|(_, n)| *n > 0)
                .map(|(what, _)| {
                    let words = t(lang, &format!("report-access-drill-{what}"));
                    DrillLink {
                        href: href(what),
                        text: format!("{drill}: {words}"),
                        label: format!("{drill}: {name}, {words}"),
                    }
                })
                .collect::<Vec<_>>()
        };
    let none_org = t(lang, "report-access-no-org");
    let org_rows = r
        .by_org
        .iter()
        .map(|(o, row)| {
            let name = o.as_ref().map_or(none_org.clone(), |o| org_name(lang, o));
            let mut cells = vec![name.clone()];
            cells.extend(access_cells(row));
            let mut v = view.clone();
            v.org = o.as_ref().map(|o| o.id.to_string()).unwrap_or_default();
            let drill = if o.is_some() {
                access_drills(row, &name, &|what| v.href(path, &[("status", what)]))
            } else {
                Vec::new()
            };
            TableRow { cells, drill }
        })
        .collect();
    let month_rows = r
        .by_month
        .iter()
        .map(|(m, row)| {
            let mut cells = vec![m.clone()];
            cells.extend(access_cells(row));
            TableRow {
                cells,
                drill: access_drills(row, m, &|what| {
                    view.href(path, &[("month", m), ("status", what)])
                }),
            }
        })
        .collect();
    let purpose_rows = r
        .purposes
        .iter()
        .map(|p| TableRow {
            cells: vec![
                p.purpose.clone(),
                p.flagged_reads.to_string(),
                p.refusals.to_string(),
            ],
            drill: Vec::new(),
        })
        .collect();
    let decimal = |x: f64| per_thousand(lang, Some(x));
    let official_rows = r
        .standing_out
        .iter()
        .map(|o| {
            let org = o
                .org
                .as_ref()
                .map_or(none_org.clone(), |g| org_name(lang, g));
            let mut v = view.clone();
            v.org = o.org.as_ref().map(|g| g.id.to_string()).unwrap_or_default();
            let words = t(lang, "report-access-drill-reads");
            TableRow {
                cells: vec![
                    o.name.clone(),
                    org,
                    o.clients.to_string(),
                    o.reads.to_string(),
                    decimal(o.threshold),
                ],
                drill: vec![DrillLink {
                    href: v.href(
                        path,
                        &[("status", "reads"), ("official", &o.user_id.to_string())],
                    ),
                    text: format!("{drill}: {words}"),
                    label: format!("{drill}: {}, {words}", o.name),
                }],
            }
        })
        .collect();
    let group_rows = r
        .groups
        .iter()
        .map(|g| TableRow {
            cells: vec![
                g.org
                    .as_ref()
                    .map_or(none_org.clone(), |o| org_name(lang, o)),
                t(
                    lang,
                    &format!("report-access-role-{}", g.role.code().replace('_', "-")),
                ),
                g.officials.to_string(),
                decimal(g.median),
                decimal(g.mad),
                g.threshold
                    .map(decimal)
                    .unwrap_or_else(|| t(lang, "report-access-not-compared")),
            ],
            drill: Vec::new(),
        })
        .collect();
    let org_bars: Vec<Bar> = r
        .by_org
        .iter()
        .map(|(o, row)| Bar {
            label: o.as_ref().map_or(none_org.clone(), |o| org_name(lang, o)),
            value: row.flagged_reads as f64,
            shown: row.flagged_reads.to_string(),
        })
        .collect();
    let month_bars: Vec<Bar> = r
        .by_month
        .iter()
        .map(|(m, row)| Bar {
            label: m.clone(),
            value: (row.flagged_reads + row.refusals) as f64,
            shown: (row.flagged_reads + row.refusals).to_string(),
        })
        .collect();
    let mut charts = Vec::new();
    charts.extend(chart_of(
        lang,
        "chart-orgs",
        &t(lang, "report-access-chart-orgs"),
        &org_bars,
    )?);
    charts.extend(chart_of(
        lang,
        "chart-months",
        &t(lang, "report-access-chart-months"),
        &month_bars,
    )?);
    let cols = |keys: &[&str]| keys.iter().map(|k| t(lang, k)).collect::<Vec<_>>();
    let access_cols = |first: &str| {
        cols(&[
            first,
            "report-access-flagged",
            "report-access-flagged-clients",
            "report-access-refusals",
            "report-access-refused-clients",
        ])
    };
    Ok(Built {
        charts,
        tables: vec![
            table(
                lang,
                "access",
                &view,
                "organisations",
                access_cols("report-organisation"),
                org_rows,
                true,
            ),
            table(
                lang,
                "access",
                &view,
                "months",
                access_cols("report-month"),
                month_rows,
                true,
            ),
            table(
                lang,
                "access",
                &view,
                "purposes",
                cols(&[
                    "report-access-purpose",
                    "report-access-flagged",
                    "report-access-refusals",
                ]),
                purpose_rows,
                false,
            ),
            table(
                lang,
                "access",
                &view,
                "officials",
                cols(&[
                    "report-official",
                    "report-organisation",
                    "report-access-distinct-clients",
                    "report-access-reads",
                    "report-access-threshold",
                ]),
                official_rows,
                true,
            ),
            table(
                lang,
                "access",
                &view,
                "groups",
                cols(&[
                    "report-organisation",
                    "report-access-role",
                    "report-access-officials",
                    "report-access-median",
                    "report-access-mad",
                    "report-access-threshold",
                ]),
                group_rows,
                false,
            ),
        ],
    })
}

/// `GET /reports/access`.
pub async fn access(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(q): RawQuery,
) -> PageResult {
    report(state, ctx, q, "access", Part::Page, build_access).await
}

/// `GET /reports/access.csv`.
pub async fn access_csv(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(q): RawQuery,
) -> PageResult {
    report(state, ctx, q, "access", Part::Csv, build_access).await
}

// ----- Drill-downs -----

/// One client listed: name, masked identity code and the figure.
struct Listed {
    client: kirjuri_domain::Client,
    figure: String,
}

/// What a drill-down asks: the use case's answer and the words of the row.
type Fetched = (Vec<Listed>, String);

async fn drill_page(
    state: AppState,
    ctx: PageCtx,
    raw: Option<String>,
    slug: &'static str,
    fetch: impl AsyncFnOnce(
        &AppState,
        &Actor,
        &ReportFilter,
        &ReportParams,
        &Extra,
    ) -> Option<Result<Fetched, kirjuri_app::AppError>>,
) -> PageResult {
    let b = begin(&state, &ctx, raw.as_deref()).await?;
    let filter = b
        .filter
        .clone()
        .map_err(|_| PageError::new(&ctx, PageErrorKind::BadRequest))?;
    let extra = Extra::parse(raw.as_deref());
    let (listed, what) = fetch(&state, &b.signed.actor, &filter, &b.params, &extra)
        .await
        .ok_or_else(|| PageError::new(&ctx, PageErrorKind::BadRequest))?
        .map_err(|e| PageError::app(&ctx, e))?;
    let cap = kirjuri_app::oversight::DRILL_LIMIT;
    let capped = listed.len() >= cap;
    let rows = listed
        .iter()
        .map(|c| DrillRow::of(&c.client, c.figure.clone()))
        .collect();
    drill_rendered(&ctx, &b, slug, what, rows, capped, cap)
}

fn counted(clients: Vec<kirjuri_app::model::DrillClient>) -> Vec<Listed> {
    clients
        .into_iter()
        .map(|c| Listed {
            client: c.client,
            figure: c.count.to_string(),
        })
        .collect()
}

/// `GET /reports/language/clients?[month=…][&status=KIND]`.
pub async fn language_clients(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(q): RawQuery,
) -> PageResult {
    let lang = ctx.lang;
    drill_page(
        state,
        ctx,
        q,
        "language",
        async move |state, actor, f, p, e| {
            let kind = match p.status.as_deref() {
                None | Some("") => None,
                Some(s) => Some(FindingKind::from_code(s)?),
            };
            let mut what = match kind {
                Some(k) => text(
                    lang,
                    "report-language-clients-kind",
                    &[("kind", &kind_words(lang, k))],
                ),
                None => t(lang, "report-language-clients"),
            };
            if let Some(m) = &e.month {
                what = format!("{what} ({m})");
            }
            Some(
                state
                    .app
                    .language_drill(actor, f, e.month.as_deref(), kind)
                    .await
                    .map(|c| (counted(c), what)),
            )
        },
    )
    .await
}

/// `GET /reports/statements/clients?date=…[&status=REASON]` (applicants without a statement
/// in force on the date) or `?version=HASH&status=automated|routed|reconsidered|changed
/// [&reason=CODE]` (decisions of a rule-set version).
pub async fn statements_clients(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(q): RawQuery,
) -> PageResult {
    let lang = ctx.lang;
    drill_page(
        state,
        ctx,
        q,
        "statements",
        async move |state, actor, f, p, e| {
            if let Some(hash) = &e.version {
                let what = match p.status.as_deref()? {
                    "automated" => VersionDrill::Automated,
                    "routed" => VersionDrill::Routed(e.reason.clone()?),
                    "reconsidered" => VersionDrill::Reconsidered,
                    "changed" => VersionDrill::Changed,
                    _ => return None,
                };
                let words = match &what {
                    VersionDrill::Routed(code) => text(
                        lang,
                        "report-statements-clients-routed",
                        &[("reason", &routing_reason_words(state, lang, code))],
                    ),
                    VersionDrill::Automated => t(lang, "report-statements-drill-automated"),
                    VersionDrill::Reconsidered => t(lang, "report-statements-drill-reconsidered"),
                    VersionDrill::Changed => t(lang, "report-statements-drill-changed"),
                };
                return Some(
                    state
                        .app
                        .version_drill(actor, f, hash, &what)
                        .await
                        .map(|c| (counted(c), words)),
                );
            }
            let day = NaiveDate::parse_from_str(e.date.as_deref()?, "%Y-%m-%d").ok()?;
            let reason = match p.status.as_deref() {
                None | Some("") => None,
                Some(s) => Some(*GAP_REASONS.iter().find(|r| r.code() == s)?),
            };
            let mut what = text(
                lang,
                "report-statements-clients-gaps",
                &[("date", &date(day))],
            );
            if let Some(r) = reason {
                what = format!("{what}: {}", reason_words(lang, r));
            }
            Some(
                state
                    .app
                    .statement_gaps_drill(actor, f, day, reason)
                    .await
                    .map(|gaps| {
                        let listed = gaps
                            .into_iter()
                            .map(|g| Listed {
                                figure: reason_words(lang, g.reason),
                                client: g.client,
                            })
                            .collect();
                        (listed, what)
                    }),
            )
        },
    )
    .await
}

/// `GET /reports/access/clients?status=flagged|refused[&month=…]` or
/// `?status=reads&official=ID`.
pub async fn access_clients(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(q): RawQuery,
) -> PageResult {
    let lang = ctx.lang;
    drill_page(
        state,
        ctx,
        q,
        "access",
        async move |state, actor, f, p, e| {
            let what = match p.status.as_deref()? {
                "flagged" => AccessDrill::FlaggedReads,
                "refused" => AccessDrill::Refusals,
                "reads" => AccessDrill::ReadsBy(p.official.as_deref()?.parse::<UserId>().ok()?),
                _ => return None,
            };
            let key = match what {
                AccessDrill::FlaggedReads => "report-access-drill-flagged",
                AccessDrill::Refusals => "report-access-drill-refused",
                AccessDrill::ReadsBy(_) => "report-access-drill-reads",
            };
            let mut words = t(lang, key);
            if let Some(m) = &e.month {
                words = format!("{words} ({m})");
            }
            Some(
                state
                    .app
                    .access_drill(actor, f, e.month.as_deref(), what)
                    .await
                    .map(|c| (counted(c), words)),
            )
        },
    )
    .await
}
