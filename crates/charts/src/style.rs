//! How series look: a colour plus a cue that survives black-and-white
//! printing (dash pattern and marker for lines, hatching for bars).

use plotters::element::{Drawable, PointCollection};
use plotters::prelude::{DrawingBackend, RGBColor, ShapeStyle};
use plotters_backend::{BackendCoord, DrawingErrorKind};

/// Series colours: dark and mid tones that stay apart in greyscale too.
pub(crate) const COLOURS: [RGBColor; 6] = [
    RGBColor(0x1F, 0x4E, 0x79),
    RGBColor(0xC5, 0x5A, 0x11),
    RGBColor(0x37, 0x56, 0x23),
    RGBColor(0x70, 0x30, 0xA0),
    RGBColor(0x59, 0x59, 0x59),
    RGBColor(0x00, 0x00, 0x00),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marker {
    Circle,
    Triangle,
    Square,
    Cross,
    HollowCircle,
    HollowSquare,
}

/// A line series' look: colour, dash (`None` = solid; else dash and gap in
/// pixels) and marker.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LineStyle {
    pub colour: RGBColor,
    pub dash: Option<(u32, u32)>,
    pub marker: Marker,
}

pub(crate) fn line_style(i: usize) -> LineStyle {
    const DASHES: [Option<(u32, u32)>; 6] = [
        None,
        Some((9, 5)),
        Some((2, 4)),
        Some((16, 5)),
        Some((5, 3)),
        None,
    ];
    const MARKERS: [Marker; 6] = [
        Marker::Circle,
        Marker::Triangle,
        Marker::Square,
        Marker::Cross,
        Marker::HollowCircle,
        Marker::HollowSquare,
    ];
    let k = i % COLOURS.len();
    LineStyle {
        colour: COLOURS[k],
        dash: DASHES[k],
        marker: MARKERS[k],
    }
}

/// A marker at a point: plotters' own markers compose only through
/// `DynElement`, which cannot borrow a `String` backend, so this is one
/// small element of our own.
pub(crate) struct Mark<C> {
    pub at: C,
    pub shape: Marker,
    pub colour: RGBColor,
}

pub(crate) fn marker<C>(shape: Marker, at: C, colour: RGBColor) -> Mark<C> {
    Mark { at, shape, colour }
}

impl<'a, C> PointCollection<'a, C> for &'a Mark<C> {
    type Point = &'a C;
    type IntoIter = std::iter::Once<&'a C>;
    fn point_iter(self) -> Self::IntoIter {
        std::iter::once(&self.at)
    }
}

impl<C, DB: DrawingBackend> Drawable<DB> for Mark<C> {
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        mut pos: I,
        backend: &mut DB,
        _: (u32, u32),
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        match pos.next() {
            Some(at) => draw_marker(backend, at, self.shape, self.colour),
            None => Ok(()),
        }
    }
}

fn draw_marker<DB: DrawingBackend>(
    backend: &mut DB,
    (x, y): BackendCoord,
    shape: Marker,
    colour: RGBColor,
) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
    let filled = ShapeStyle::from(colour).filled();
    let outline = ShapeStyle::from(colour).stroke_width(2);
    match shape {
        Marker::Circle => backend.draw_circle((x, y), 4, &filled, true),
        Marker::HollowCircle => backend.draw_circle((x, y), 4, &outline, false),
        Marker::Triangle => {
            backend.fill_polygon([(x, y - 5), (x - 5, y + 4), (x + 5, y + 4)], &filled)
        }
        Marker::Square => backend.draw_rect((x - 4, y - 4), (x + 4, y + 4), &filled, true),
        Marker::HollowSquare => backend.draw_rect((x - 4, y - 4), (x + 4, y + 4), &outline, false),
        Marker::Cross => {
            backend.draw_line((x - 4, y - 4), (x + 4, y + 4), &outline)?;
            backend.draw_line((x - 4, y + 4), (x + 4, y - 4), &outline)
        }
    }
}

/// A legend entry's sample: a short stretch of the line, dashed as the
/// series is, with its marker in the middle.
pub(crate) struct LegendSample {
    pub at: BackendCoord,
    pub style: LineStyle,
}

impl<'a> PointCollection<'a, BackendCoord> for &'a LegendSample {
    type Point = &'a BackendCoord;
    type IntoIter = std::iter::Once<&'a BackendCoord>;
    fn point_iter(self) -> Self::IntoIter {
        std::iter::once(&self.at)
    }
}

impl<DB: DrawingBackend> Drawable<DB> for LegendSample {
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        mut pos: I,
        backend: &mut DB,
        _: (u32, u32),
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        let Some((x, y)) = pos.next() else {
            return Ok(());
        };
        let line = ShapeStyle::from(self.style.colour).stroke_width(2);
        let (dash, gap) = self.style.dash.unwrap_or((24, 0));
        let mut x0 = x;
        while x0 < x + 24 {
            let x1 = (x0 + dash as i32).min(x + 24);
            backend.draw_line((x0, y), (x1, y), &line)?;
            x0 = x1 + gap as i32;
        }
        draw_marker(backend, (x + 12, y), self.style.marker, self.style.colour)
    }
}

/// Bars are filled with a sentinel colour that [`crate::svg::finish`]
/// replaces by a reference to hatch pattern `i`: plotters' SVG backend only
/// knows plain colours.
pub(crate) fn hatch_sentinel(i: usize) -> RGBColor {
    RGBColor(0x01, 0x02, 0x10 + (i % HATCHES) as u8)
}

pub(crate) const HATCHES: usize = 6;

/// The `<pattern>` for hatch `i`, drawn in the series colour on white.
pub(crate) fn hatch_pattern(id: &str, i: usize) -> String {
    let RGBColor(r, g, b) = COLOURS[i % COLOURS.len()];
    let c = format!("#{r:02X}{g:02X}{b:02X}");
    let body = match i % HATCHES {
        // solid
        0 => format!(r#"<rect width="8" height="8" fill="{c}"/>"#),
        // diagonal lines
        1 => format!(
            r#"<rect width="8" height="8" fill="white"/><path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="{c}" stroke-width="2"/>"#
        ),
        // cross-hatch
        2 => format!(
            r#"<rect width="8" height="8" fill="white"/><path d="M0,0 L8,8 M8,0 L0,8" stroke="{c}" stroke-width="1.5"/>"#
        ),
        // dots
        3 => format!(
            r#"<rect width="8" height="8" fill="white"/><circle cx="4" cy="4" r="1.8" fill="{c}"/>"#
        ),
        // horizontal lines
        4 => format!(
            r#"<rect width="8" height="8" fill="white"/><path d="M0,2 H8 M0,6 H8" stroke="{c}" stroke-width="1.5"/>"#
        ),
        // light tint with vertical lines
        _ => format!(
            r##"<rect width="8" height="8" fill="#D9D9D9"/><path d="M4,0 V8" stroke="{c}" stroke-width="1.5"/>"##
        ),
    };
    format!(
        r#"<pattern id="{id}-hatch-{i}" patternUnits="userSpaceOnUse" width="8" height="8">{body}</pattern>"#
    )
}
