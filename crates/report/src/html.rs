//! The report as one self-contained HTML page: inline CSS and SVG, no
//! script, nothing fetched.

use crate::doc::{Block, Document, not_computed_label};

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// `code` spans for text between backticks (commands), the rest escaped.
fn inline(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str("<code>");
            out.push_str(&escape(part));
            out.push_str("</code>");
        } else {
            out.push_str(&escape(part));
        }
    }
    out
}

const CSS: &str = "body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;max-width:52em;margin:2em auto;padding:0 1em;color:#111;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid #999}
figure{margin:1em 0}figure svg{max-width:100%;height:auto}figcaption{font-size:.9em;color:#333}
table{border-collapse:collapse;margin:.8em 0;font-size:.9em}th,td{border-bottom:1px solid #bbb;padding:.25em .6em;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
dl.key{display:grid;grid-template-columns:auto auto;gap:.2em 1.5em;border:1px solid #999;padding:.8em 1em}
dl.key dt{margin:0}dl.key dd{margin:0;font-weight:bold;text-align:right}
.todo{border-left:4px solid #777;background:#f2f2f2;padding:.5em 1em}
code{font-family:'DejaVu Sans Mono',monospace;font-size:.92em}
@media print{body{margin:0;max-width:none}figure,table,dl{break-inside:avoid}}";

/// The whole page.
pub fn render(doc: &Document) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"");
    out.push_str(doc.lang.code());
    out.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    out.push_str(&escape(&doc.title));
    out.push_str("</title>\n<style>");
    out.push_str(CSS);
    out.push_str("</style>\n</head>\n<body>\n<h1>");
    out.push_str(&escape(&doc.title));
    out.push_str("</h1>\n");
    for b in &doc.blocks {
        match b {
            Block::Heading { level, text } => {
                let l = (*level).clamp(1, 4);
                out.push_str(&format!("<h{l}>{}</h{l}>\n", escape(text)));
            }
            Block::Paragraph(p) => out.push_str(&format!("<p>{}</p>\n", inline(p))),
            Block::Bullets(items) => {
                out.push_str("<ul>\n");
                for i in items {
                    out.push_str(&format!("<li>{}</li>\n", inline(i)));
                }
                out.push_str("</ul>\n");
            }
            Block::KeyFigures(figs) => {
                out.push_str("<dl class=\"key\">\n");
                for (k, v) in figs {
                    out.push_str(&format!("<dt>{}</dt><dd>{}</dd>\n", escape(k), escape(v)));
                }
                out.push_str("</dl>\n");
            }
            Block::Chart { svg, caption } => {
                // The SVG comes from levain-charts, which escapes all text.
                out.push_str("<figure>\n");
                out.push_str(svg);
                out.push_str(&format!(
                    "<figcaption>{}</figcaption>\n</figure>\n",
                    inline(caption)
                ));
            }
            Block::Table(t) => {
                let class = |i: usize| {
                    if t.numeric.get(i).copied().unwrap_or(false) {
                        " class=\"n\""
                    } else {
                        ""
                    }
                };
                out.push_str("<table>\n<thead><tr>");
                for (i, h) in t.header.iter().enumerate() {
                    out.push_str(&format!("<th{}>{}</th>", class(i), escape(h)));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for row in &t.rows {
                    out.push_str("<tr>");
                    for (i, c) in row.iter().enumerate() {
                        out.push_str(&format!("<td{}>{}</td>", class(i), escape(c)));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
            Block::NotComputed { what, how } => {
                out.push_str(&format!(
                    "<div class=\"todo\"><p><strong>{}</strong> {}</p><p>{}</p></div>\n",
                    escape(not_computed_label(doc.lang)),
                    inline(what),
                    inline(how)
                ));
            }
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}
