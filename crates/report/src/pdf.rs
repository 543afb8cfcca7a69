//! The report as a PDF, drawn natively with `krilla`: A4 pages, text in
//! the embedded DejaVu Sans (real text, extractable and searchable),
//! charts converted from their SVG by `krilla-svg`.

use std::sync::Arc;

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla_svg::{SurfaceExt, SvgSettings};

use crate::ReportError;
use crate::doc::{Block, Document, Table, not_computed_label};

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 56.0;
const WIDTH: f32 = PAGE_W - 2.0 * MARGIN;
const BOTTOM: f32 = PAGE_H - MARGIN;
const BODY: f32 = 10.0;

/// A font with the metrics needed to wrap text.
struct Face {
    font: Font,
    data: &'static [u8],
}

impl Face {
    fn new(data: &'static [u8]) -> Face {
        Face {
            font: Font::new(data.into(), 0).expect("DejaVu Sans is a valid font"),
            data,
        }
    }

    /// The width of `text` at `size` points (advances, no kerning).
    fn width(&self, text: &str, size: f32) -> f32 {
        let face = ttf_parser::Face::parse(self.data, 0).expect("DejaVu Sans parses");
        let upem = face.units_per_em() as f32;
        let units: u32 = text
            .chars()
            .map(|c| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .unwrap_or(upem as u16 / 2) as u32
            })
            .sum();
        units as f32 * size / upem
    }

    /// `text` cut into lines no wider than `width`, at spaces (never at
    /// no-break spaces, which keep numbers and their units together).
    fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split(' ') {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if !line.is_empty() && self.width(&candidate, size) > width {
                lines.push(std::mem::take(&mut line));
                line = word.to_owned();
            } else {
                line = candidate;
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }
}

/// One drawing operation at an absolute position on a page (points, y down).
enum Op {
    /// `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        grey: u8,
        text: String,
    },
    Line {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
        grey: u8,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        grey: u8,
    },
    Svg {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        tree: Arc<usvg::Tree>,
    },
}

/// Lays blocks out on pages: a cursor going down, a new page when full.
struct Layout<'f> {
    pages: Vec<Vec<Op>>,
    y: f32,
    regular: &'f Face,
    bold: &'f Face,
}

impl<'f> Layout<'f> {
    fn page(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
            self.y = MARGIN;
        }
        self.pages.last_mut().expect("a page")
    }

    /// Makes room for `height` points, on a new page if this one is full.
    fn need(&mut self, height: f32) {
        self.page();
        if self.y + height > BOTTOM && self.y > MARGIN {
            self.pages.push(Vec::new());
            self.y = MARGIN;
        }
    }

    fn face(&self, bold: bool) -> &'f Face {
        if bold { self.bold } else { self.regular }
    }

    /// Wrapped text at `x`, `width` wide; returns nothing, moves the cursor.
    fn text(&mut self, text: &str, x: f32, width: f32, size: f32, bold: bool, grey: u8) {
        let lead = size * 1.4;
        for line in self.face(bold).wrap(text, size, width) {
            self.need(lead);
            let y = self.y + size;
            self.page().push(Op::Text {
                x,
                y,
                size,
                bold,
                grey,
                text: line,
            });
            self.y += lead;
        }
    }

    fn space(&mut self, h: f32) {
        self.y += h;
    }

    fn table(&mut self, t: &Table) {
        let size = 8.0;
        let lead = size * 1.45;
        let n = t.header.len().max(1);
        // Column widths in proportion to their widest cell, fitted to the page.
        let widest: Vec<f32> = (0..n)
            .map(|i| {
                std::iter::once(t.header.get(i))
                    .chain(t.rows.iter().map(|r| r.get(i)))
                    .flatten()
                    .map(|c| self.bold.width(c, size))
                    .fold(20.0, f32::max)
                    + 8.0
            })
            .collect();
        // What a column cannot go below: its longest word, never broken.
        let narrowest: Vec<f32> = (0..n)
            .map(|i| {
                std::iter::once(t.header.get(i))
                    .chain(t.rows.iter().map(|r| r.get(i)))
                    .flatten()
                    .flat_map(|c| c.split_whitespace())
                    .map(|w| self.bold.width(w, size))
                    .fold(20.0, f32::max)
                    + 8.0
            })
            .collect();
        let total: f32 = widest.iter().sum();
        let floor: f32 = narrowest.iter().sum();
        let widths: Vec<f32> = if total <= WIDTH {
            widest
        } else if floor >= WIDTH {
            narrowest.iter().map(|w| w * WIDTH / floor).collect()
        } else {
            // Every column keeps its longest word; the room left goes to
            // the columns in proportion to what they would still need.
            let k = (WIDTH - floor) / (total - floor);
            widest
                .iter()
                .zip(&narrowest)
                .map(|(w, m)| m + (w - m) * k)
                .collect()
        };
        let row = |layout: &mut Layout, cells: &[String], bold: bool| {
            let wrapped: Vec<Vec<String>> = cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| layout.face(bold).wrap(c, size, w - 6.0))
                .collect();
            let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let h = lines as f32 * lead + 4.0;
            layout.need(h);
            let top = layout.y;
            let mut x = MARGIN;
            for (i, (cell, w)) in wrapped.iter().zip(&widths).enumerate() {
                let numeric = t.numeric.get(i).copied().unwrap_or(false);
                for (k, line) in cell.iter().enumerate() {
                    let lw = layout.face(bold).width(line, size);
                    let lx = if numeric { x + w - 3.0 - lw } else { x + 3.0 };
                    let y = top + 2.0 + size + k as f32 * lead;
                    layout.page().push(Op::Text {
                        x: lx,
                        y,
                        size,
                        bold,
                        grey: 0,
                        text: line.clone(),
                    });
                }
                x += w;
            }
            layout.y = top + h;
            let y = layout.y;
            layout.page().push(Op::Line {
                from: (MARGIN, y),
                to: (MARGIN + widths.iter().sum::<f32>(), y),
                width: if bold { 0.8 } else { 0.3 },
                grey: if bold { 0 } else { 0x99 },
            });
        };
        row(self, &t.header, true);
        for r in &t.rows {
            row(self, r, false);
        }
        self.space(10.0);
    }
}

/// Fonts the charts' SVG may name, all mapped to the embedded DejaVu Sans.
fn svg_options() -> usvg::Options<'static> {
    let mut opt = usvg::Options {
        font_family: "DejaVu Sans".to_owned(),
        ..usvg::Options::default()
    };
    let db = opt.fontdb_mut();
    db.load_font_data(dejavu::sans::regular().to_vec());
    db.load_font_data(dejavu::sans::bold().to_vec());
    db.set_sans_serif_family("DejaVu Sans");
    db.set_serif_family("DejaVu Sans");
    opt
}

fn lay_out(doc: &Document, regular: &Face, bold: &Face) -> Result<Vec<Vec<Op>>, ReportError> {
    let options = svg_options();
    let mut l = Layout {
        pages: Vec::new(),
        y: MARGIN,
        regular,
        bold,
    };
    l.text(&doc.title, MARGIN, WIDTH, 18.0, true, 0);
    l.space(4.0);
    for (i, b) in doc.blocks.iter().enumerate() {
        match b {
            Block::Heading { level, text } => {
                let size = if *level <= 1 { 18.0 } else { 13.0 };
                // Keep a heading with what follows: a whole chart, or a few
                // lines of anything else.
                let next = match doc.blocks.get(i + 1) {
                    Some(Block::Chart { svg, .. }) => usvg::Tree::from_str(svg, &options)
                        .map_or(60.0, |t| {
                            WIDTH * t.size().height() / t.size().width() + 30.0
                        }),
                    _ => 60.0,
                };
                l.need(size * 1.4 + 12.0 + next);
                l.space(8.0);
                l.text(text, MARGIN, WIDTH, size, true, 0);
                let y = l.y - 2.0;
                l.page().push(Op::Line {
                    from: (MARGIN, y),
                    to: (MARGIN + WIDTH, y),
                    width: 0.5,
                    grey: 0x88,
                });
                l.space(4.0);
            }
            Block::Paragraph(p) => {
                l.text(&p.replace('`', ""), MARGIN, WIDTH, BODY, false, 0);
                l.space(4.0);
            }
            Block::Bullets(items) => {
                for item in items {
                    l.need(BODY * 1.4);
                    let y = l.y + BODY;
                    l.page().push(Op::Text {
                        x: MARGIN + 4.0,
                        y,
                        size: BODY,
                        bold: false,
                        grey: 0,
                        text: "•".to_owned(),
                    });
                    l.text(
                        &item.replace('`', ""),
                        MARGIN + 16.0,
                        WIDTH - 16.0,
                        BODY,
                        false,
                        0,
                    );
                    l.space(2.0);
                }
                l.space(4.0);
            }
            Block::KeyFigures(figs) => {
                let lead = 11.0 * 1.6;
                l.need(figs.len() as f32 * lead + 12.0);
                let top = l.y;
                l.space(6.0);
                for (k, v) in figs {
                    let y = l.y + 11.0;
                    let vw = bold.width(v, 11.0);
                    l.page().push(Op::Text {
                        x: MARGIN + 10.0,
                        y,
                        size: 11.0,
                        bold: false,
                        grey: 0,
                        text: k.clone(),
                    });
                    l.page().push(Op::Text {
                        x: MARGIN + WIDTH - 10.0 - vw,
                        y,
                        size: 11.0,
                        bold: true,
                        grey: 0,
                        text: v.clone(),
                    });
                    l.y += lead;
                }
                l.space(4.0);
                let h = l.y - top;
                l.page().push(Op::Rect {
                    x: MARGIN,
                    y: top,
                    w: WIDTH,
                    h,
                    grey: 0x66,
                });
                l.space(10.0);
            }
            Block::Chart { svg, caption } => {
                let tree = usvg::Tree::from_str(svg, &options)
                    .map_err(|e| ReportError::Pdf(format!("a chart's SVG did not parse: {e}")))?;
                let size = tree.size();
                let w = WIDTH;
                let h = w * size.height() / size.width();
                l.need(h + 30.0);
                let y = l.y;
                l.page().push(Op::Svg {
                    x: MARGIN,
                    y,
                    w,
                    h,
                    tree: Arc::new(tree),
                });
                l.y += h + 4.0;
                l.text(&caption.replace('`', ""), MARGIN, WIDTH, 8.5, false, 0x33);
                l.space(8.0);
            }
            Block::Table(t) => l.table(t),
            Block::NotComputed { what, how } => {
                l.need(50.0);
                let top = l.y;
                l.space(6.0);
                let label = format!("{} {}", not_computed_label(doc.lang), what.replace('`', ""));
                l.text(&label, MARGIN + 12.0, WIDTH - 20.0, BODY, false, 0x22);
                l.text(
                    &how.replace('`', ""),
                    MARGIN + 12.0,
                    WIDTH - 20.0,
                    BODY,
                    false,
                    0x22,
                );
                l.space(4.0);
                let h = l.y - top;
                l.page().push(Op::Rect {
                    x: MARGIN,
                    y: top,
                    w: 3.0,
                    h,
                    grey: 0x77,
                });
                l.space(8.0);
            }
        }
    }
    Ok(l.pages)
}

fn grey(g: u8) -> rgb::Color {
    rgb::Color::new(g, g, g)
}

fn draw(s: &mut Surface, op: &Op, regular: &Face, bold: &Face) {
    match op {
        Op::Text {
            x,
            y,
            size,
            bold: b,
            grey: g,
            text,
        } => {
            s.set_fill(Some(Fill {
                paint: grey(*g).into(),
                opacity: NormalizedF32::ONE,
                rule: Default::default(),
            }));
            s.set_stroke(None);
            let face = if *b { bold } else { regular };
            s.draw_text(
                Point::from_xy(*x, *y),
                face.font.clone(),
                *size,
                text,
                false,
                TextDirection::Auto,
            );
        }
        Op::Line {
            from,
            to,
            width,
            grey: g,
        } => {
            let mut pb = PathBuilder::new();
            pb.move_to(from.0, from.1);
            pb.line_to(to.0, to.1);
            if let Some(path) = pb.finish() {
                s.set_fill(None);
                s.set_stroke(Some(Stroke {
                    paint: grey(*g).into(),
                    width: *width,
                    ..Default::default()
                }));
                s.draw_path(&path);
            }
        }
        Op::Rect {
            x,
            y,
            w,
            h,
            grey: g,
        } => {
            let mut pb = PathBuilder::new();
            if let Some(r) = Rect::from_xywh(*x, *y, *w, *h) {
                pb.push_rect(r);
            }
            if let Some(path) = pb.finish() {
                s.set_fill(None);
                s.set_stroke(Some(Stroke {
                    paint: grey(*g).into(),
                    width: 0.8,
                    ..Default::default()
                }));
                s.draw_path(&path);
            }
        }
        Op::Svg { x, y, w, h, tree } => {
            s.push_transform(&Transform::from_translate(*x, *y));
            if let Some(size) = Size::from_wh(*w, *h) {
                s.draw_svg(tree, size, SvgSettings::default());
            }
            s.pop();
        }
    }
}

/// The whole report as PDF bytes.
pub fn render(doc: &Document) -> Result<Vec<u8>, ReportError> {
    let regular = Face::new(dejavu::sans::regular());
    let bold = Face::new(dejavu::sans::bold());
    let pages = lay_out(doc, &regular, &bold)?;
    let mut pdf = krilla::Document::new();
    let count = pages.len();
    for (n, ops) in pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).expect("A4 is a valid page size");
        let mut page = pdf.start_page_with(settings);
        let mut s = page.surface();
        for op in ops {
            draw(&mut s, op, &regular, &bold);
        }
        let footer = format!("levain · {}/{}", n + 1, count);
        let fw = regular.width(&footer, 8.0);
        draw(
            &mut s,
            &Op::Text {
                x: PAGE_W - MARGIN - fw,
                y: PAGE_H - MARGIN / 2.0,
                size: 8.0,
                bold: false,
                grey: 0x55,
                text: footer,
            },
            &regular,
            &bold,
        );
        s.finish();
        page.finish();
    }
    pdf.set_metadata(
        krilla::metadata::Metadata::new()
            .title(doc.title.clone())
            .language(doc.lang.code().to_owned()),
    );
    pdf.finish().map_err(|e| ReportError::Pdf(format!("{e:?}")))
}
