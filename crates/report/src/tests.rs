//! Sections that wait for other analyses, and both renderers, on
//! hand-made documents.

use crate::doc::{Block, Document, Table};
use crate::{Amplifier, Locale, VenueGap, amplifiers, html, pdf, venue_gaps};

fn doc(blocks: Vec<Block>, lang: Locale) -> Document {
    Document {
        lang,
        title: "Rapport <script>alert(1)</script>".to_owned(),
        blocks,
    }
}

#[test]
fn missing_analyses_say_why() {
    for (lang, label) in [
        (Locale::Fr, "Pas encore calculé"),
        (Locale::En, "Not computed yet"),
    ] {
        let mut blocks = amplifiers(Err("no own accounts"), lang);
        blocks.extend(venue_gaps(Ok(&[]), lang));
        let page = html::render(&doc(blocks.clone(), lang));
        assert_eq!(page.matches(label).count(), 2, "{page}");
        assert!(page.contains("no own accounts"), "the reason is shown");
        assert!(!blocks.iter().any(|b| matches!(b, Block::Chart { .. })));
    }
}

#[test]
fn amplifiers_and_gaps_draw_when_given() {
    let amps: Vec<Amplifier> = (0..12)
        .map(|i| Amplifier {
            name: format!("<b>relay{i}</b>"),
            score: 1.0 / (i + 1) as f64,
            reshares: 100 - i,
            engagement_via: 1000 + i,
            flagged: i == 1,
        })
        .collect();
    let blocks = amplifiers(Ok(&amps), Locale::En);
    let table = blocks
        .iter()
        .find_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .expect("a table");
    assert_eq!(table.rows.len(), 10, "top ten only");
    assert_eq!(table.rows[0][0], "<b>relay0</b>");
    assert_eq!(table.rows[0][3], "1,000");
    assert_eq!(table.rows[1][4], "yes, demoted");
    let gaps = vec![
        VenueGap {
            topic: "bread".into(),
            venue: "r/france".into(),
            opportunity: 42.5,
            authors: 1234,
            share_of_voice: 0.25,
        },
        VenueGap {
            topic: "cake".into(),
            venue: "forum".into(),
            opportunity: 3.0,
            authors: 4,
            share_of_voice: 0.0,
        },
    ];
    let blocks = venue_gaps(Ok(&gaps), Locale::Fr);
    let svg = blocks
        .iter()
        .find_map(|b| match b {
            Block::Chart { svg, .. } => Some(svg.clone()),
            _ => None,
        })
        .expect("a heatmap");
    assert!(svg.contains(">42,5<") || svg.contains("42,5\n"), "{svg}");
    let table = blocks
        .iter()
        .find_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .expect("a table of the best gaps");
    assert_eq!(table.rows[0][2], "1\u{202f}234");
    assert_eq!(table.rows[0][3], "25\u{a0}%");
    let page = html::render(&doc(blocks, Locale::Fr));
    assert!(!page.contains("<b>relay"));
}

#[test]
fn html_escapes_and_fetches_nothing() {
    let blocks = vec![
        Block::Paragraph("run `levain fraud` & <i>see</i>".into()),
        Block::Table(Table {
            header: vec!["a\"".into(), "n".into()],
            rows: vec![vec!["<img src=x>".into(), "1".into()]],
            numeric: vec![false, true],
        }),
    ];
    let page = html::render(&doc(blocks, Locale::En));
    assert!(
        page.contains("<code>levain fraud</code> &amp; &lt;i&gt;see&lt;/i&gt;"),
        "{page}"
    );
    assert!(page.contains("&lt;img src=x&gt;"));
    assert!(!page.contains("<script>"));
    assert!(!page.contains("src=\"http") && !page.contains("href=\"http"));
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
}

#[test]
fn pdf_embeds_text_and_charts() {
    let blocks = amplifiers(
        Ok(&[Amplifier {
            name: "relay".into(),
            score: 0.5,
            reshares: 3,
            engagement_via: 9,
            flagged: false,
        }]),
        Locale::Fr,
    );
    let bytes = pdf::render(&doc(blocks, Locale::Fr)).expect("a PDF");
    assert!(bytes.starts_with(b"%PDF-"));
    let text = String::from_utf8_lossy(&bytes);
    // The embedded font is a subset of DejaVu Sans, with a ToUnicode map so
    // text can be extracted.
    assert!(text.contains("DejaVuSans"), "font not embedded");
    assert!(text.contains("/ToUnicode"));
}
