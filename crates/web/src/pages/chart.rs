//! Charts of the reports (issue 14): horizontal bar charts drawn server-side as SVG by
//! `plotters` (its SVG backend only: no script, no `style` attribute, no external reference),
//! embedded inline in the page. A chart never stands alone: the page gives it a title and a
//! description (`role="img"` with `aria-labelledby`/`aria-describedby`, see
//! `templates/report_chart.html`) and the same numbers as a table beside it.
//!
//! **Safe to embed:** [`ChartSvg`] can only be made by [`bar_chart`], from numbers and from
//! labels that are first stripped of control characters and shortened ([`clean_label`]); the
//! SVG backend escapes every text and attribute it writes (`<`, `>`, `&`, `"`, `'`), which
//! a test checks with a hostile label. Only a `ChartSvg` is marked safe in a template.

use plotters::prelude::*;

/// The SVG of a chart, as plotters wrote it.
#[derive(Debug, Clone)]
pub struct ChartSvg(String);

impl ChartSvg {
    /// The markup (for `|safe` in a template: see the module documentation).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ChartSvg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One bar: its label, its length and the figure written beside it.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub shown: String,
}

/// A chart with what the page says about it.
#[derive(Debug, Clone)]
pub struct ChartView {
    /// Unique on the page (the ids of the title and the description derive from it).
    pub id: String,
    pub title: String,
    /// The text alternative: what the chart shows, in words.
    pub desc: String,
    pub svg: ChartSvg,
}

impl ChartView {
    /// A bar chart with its title and its text alternative (each bar's label and figure);
    /// `None` without bars.
    pub fn of(id: &str, title: &str, bars: &[Bar]) -> Result<Option<ChartView>, String> {
        Ok(bar_chart(bars)?.map(|svg| ChartView {
            id: id.to_owned(),
            title: title.to_owned(),
            desc: bars
                .iter()
                .map(|b| format!("{}: {}", b.label, b.shown))
                .collect::<Vec<_>>()
                .join("; "),
            svg,
        }))
    }
}

/// The longest label drawn, in characters (the table beside the chart has the whole name).
pub const LABEL_MAX_CHARS: usize = 32;

const WIDTH: u32 = 720;
const ROW: u32 = 30;
const TOP: u32 = 10;
const LABEL_W: i32 = 290;
const BAR_MAX: f64 = 330.0;
/// The design system's blue (contrast 11:1 on white) and body text colour.
const BAR: RGBColor = RGBColor(0x00, 0x00, 0xbf);
const TEXT: RGBColor = RGBColor(0x1a, 0x1a, 0x1a);
const RULE: RGBColor = RGBColor(0x80, 0x80, 0x80);

/// A label as drawn: control characters dropped, at most [`LABEL_MAX_CHARS`] characters (an
/// ellipsis marks a cut).
pub fn clean_label(s: &str) -> String {
    let clean: String = s.chars().filter(|c| !c.is_control()).collect();
    if clean.chars().count() > LABEL_MAX_CHARS {
        let mut cut: String = clean.chars().take(LABEL_MAX_CHARS - 1).collect();
        cut.push('…');
        cut
    } else {
        clean
    }
}

/// Draws a horizontal bar chart; bars are scaled to the largest value (a chart of zeros has
/// no bars, only figures). `None` when there is nothing to draw.
pub fn bar_chart(bars: &[Bar]) -> Result<Option<ChartSvg>, String> {
    if bars.is_empty() {
        return Ok(None);
    }
    let rows = u32::try_from(bars.len()).map_err(|e| e.to_string())?;
    let height = TOP * 2 + ROW * rows;
    let max = bars
        .iter()
        .map(|b| b.value)
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        let err = |e: DrawingAreaErrorKind<std::io::Error>| e.to_string();
        root.fill(&WHITE).map_err(err)?;
        let font = ("sans-serif", 15).into_font().color(&TEXT);
        let top = i32::try_from(TOP).map_err(|e| e.to_string())?;
        let row = i32::try_from(ROW).map_err(|e| e.to_string())?;
        let bottom = top + row * i32::try_from(rows).map_err(|e| e.to_string())?;
        for (i, b) in bars.iter().enumerate() {
            let y = top + row * i32::try_from(i).map_err(|e| e.to_string())?;
            let len = if max > 0.0 && b.value.is_finite() && b.value > 0.0 {
                // At least a pixel for anything above zero.
                ((b.value / max) * BAR_MAX).round().max(1.0) as i32
            } else {
                0
            };
            root.draw(&Text::new(clean_label(&b.label), (6, y + 8), font.clone()))
                .map_err(err)?;
            if len > 0 {
                root.draw(&Rectangle::new(
                    [(LABEL_W, y + 5), (LABEL_W + len, y + row - 5)],
                    BAR.filled(),
                ))
                .map_err(err)?;
            }
            root.draw(&Text::new(
                clean_label(&b.shown),
                (LABEL_W + len + 6, y + 8),
                font.clone(),
            ))
            .map_err(err)?;
        }
        root.draw(&PathElement::new(
            vec![(LABEL_W, top), (LABEL_W, bottom)],
            RULE.stroke_width(1),
        ))
        .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(Some(ChartSvg(svg)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_the_svg_carries_no_script_or_style() {
        let svg = bar_chart(&[
            Bar {
                label: "<script>alert('x')</script> & \"y\"".into(),
                value: 3.0,
                shown: "3".into(),
            },
            Bar {
                label: "Helsingin työvoimaviranomainen\u{0007}".into(),
                value: 0.0,
                shown: "0 %".into(),
            },
        ])
        .unwrap()
        .unwrap();
        let s = svg.as_str();
        assert!(s.starts_with("<svg"), "{s}");
        assert!(!s.contains("<script"), "{s}");
        assert!(s.contains("&lt;script&gt;"), "{s}");
        assert!(!s.contains("style="), "{s}");
        assert!(!s.contains('\u{0007}'));
        assert!(!s.contains(" on"), "no event handler attribute: {s}");
        assert!(s.contains("työvoimaviranomainen"));
    }

    #[test]
    fn nothing_to_draw_is_no_chart() {
        assert!(bar_chart(&[]).unwrap().is_none());
    }
}
