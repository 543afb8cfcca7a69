//! Scale test over [`levain_detect::bench`]: generate an injected graph once,
//! then time one kernel per process so `/usr/bin/time -v` reports that
//! kernel's peak RSS (the run includes reading the file).
//!
//! ```text
//! scale gen FILE [ACTORS TARGETS EDGES]   # default 1M × 1M × 10M, block 200×200 p 0.05 random camo
//! scale run FILE fraudar|dense            # reads FILE, builds the CSR graph, runs the kernel
//! scale mem fraudar|dense [ACTORS TARGETS EDGES]   # generates in-process, times build + kernel
//! ```

use std::path::Path;

use levain_detect::bench::{Kernel, ScaleResult, run_scale, run_scale_file, write_scale_file};

fn kernel(s: &str) -> Kernel {
    match s {
        "fraudar" => Kernel::Fraudar,
        "dense" => Kernel::Dense,
        k => panic!("unknown kernel {k}"),
    }
}

fn report(what: &str, r: &ScaleResult) {
    println!(
        "{what}: {} edges, {:.2} s, peak RSS {}, {:.1} B/edge, F1 {:.3}",
        r.edges,
        r.seconds,
        r.peak_rss_mb.map_or("n/a".into(), |m| format!("{m:.0} MB")),
        r.bytes_per_edge,
        r.f1
    );
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let num = |i: usize, d: u64| a.get(i).map_or(d, |s| s.parse().unwrap());
    match a[1].as_str() {
        "gen" => write_scale_file(
            Path::new(&a[2]),
            num(3, 1_000_000) as u32,
            num(4, 1_000_000) as u32,
            num(5, 10_000_000),
        )
        .unwrap(),
        "run" => report(
            &a[3],
            &run_scale_file(Path::new(&a[2]), kernel(&a[3])).unwrap(),
        ),
        "mem" => report(
            &a[2],
            &run_scale(
                num(3, 1_000_000) as u32,
                num(4, 1_000_000) as u32,
                num(5, 10_000_000),
                kernel(&a[2]),
            ),
        ),
        c => panic!("unknown command {c}"),
    }
}
