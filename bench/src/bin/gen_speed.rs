//! Generator speed: each step of `discogen generate` timed in process (warm, median of runs),
//! for the documents given, then the whole corpus end to end on every core.
//!
//! gen_speed RUNS DOC...            one table row per document
//! gen_speed --corpus DIR OUT       every *.json of DIR generated into OUT, in parallel
//! gen_speed --write DOC OUT         DOC's crate generated into OUT (depending on this
//!                                   workspace's runtime by path), for the build benchmarks

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use discogen::{discovery, emit, history, layout, listing, output, render, resolve, Options, Runtime, Selection};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

struct Steps {
    parse: Duration,
    resolve: Duration,
    emit: Duration,
    format: Duration,
    render: Duration,
    write: Duration,
}

fn once(file: &str, bytes: &[u8], out: &Path) -> Steps {
    let t = Instant::now();
    let doc = discovery::parse(file, bytes).expect("parses");
    let parse = t.elapsed();
    let t = Instant::now();
    let resolve::Resolved {
        api,
        items,
        release,
        surface,
    } = resolve::resolve(&doc, file, &Selection::default(), None).expect("resolves");
    let resolve = t.elapsed();
    let t = Instant::now();
    let mut rust: Vec<(String, String)> = emit::rust_files(&api)
        .expect("emits")
        .into_iter()
        .map(|f| (f.path, f.contents))
        .collect();
    let emit = t.elapsed();
    let t = Instant::now();
    layout::apply(&mut rust).expect("rustfmt");
    let format = t.elapsed();
    // The rest of `discogen::generate`: Cargo.toml and README, the API listing, the surface
    // record and the changelog.
    let t = Instant::now();
    let mut files: std::collections::BTreeMap<String, String> = rust.into_iter().collect();
    let runtime = Runtime::default_for(out);
    files.extend(render::files(&api, emit::example_code(&api), &runtime).expect("renders"));
    files.insert(
        history::SURFACE_FILE.to_string(),
        history::record(&surface, &items),
    );
    files.insert(
        history::CHANGELOG_FILE.to_string(),
        history::changelog(&api.generated_header(), &api.crate_name, &release, None),
    );
    std::hint::black_box(listing::text(&items));
    let render = t.elapsed();
    let _ = std::fs::remove_dir_all(out);
    let t = Instant::now();
    output::write(out, &files).expect("writes");
    let write = t.elapsed();
    Steps {
        parse,
        resolve,
        emit,
        format,
        render,
        write,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--corpus") {
        return corpus(Path::new(&args[1]), Path::new(&args[2]));
    }
    if args.first().map(String::as_str) == Some("--write") {
        let out = Path::new(&args[2]);
        let generated = discogen::generate(Path::new(&args[1]), &Options::for_output(out), None)
            .expect("generates");
        let _ = std::fs::remove_dir_all(out);
        output::write(out, &generated.files).expect("writes");
        return;
    }
    let runs: usize = args[0].parse().expect("RUNS");
    let scratch = std::env::temp_dir().join(format!("discogen-bench-{}", std::process::id()));
    println!("| document | size | parse | resolve | emit | format (rustfmt) | render, listing, history | write | total | total without rustfmt |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for path in &args[1..] {
        let bytes = std::fs::read(path).expect("readable document");
        let name = Path::new(path)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        once(&name, &bytes, &scratch); // warm-up
        let samples: Vec<Steps> = (0..runs).map(|_| once(&name, &bytes, &scratch)).collect();
        let pick = |f: fn(&Steps) -> Duration| median(samples.iter().map(f).collect());
        let total = |s: &Steps| s.parse + s.resolve + s.emit + s.format + s.render + s.write;
        let total_fast = |s: &Steps| s.parse + s.resolve + s.emit + s.render + s.write;
        println!(
            "| {name} | {:.1} MB | {} | {} | {} | {} | {} | {} | **{} ms** | {} ms |",
            bytes.len() as f64 / 1e6,
            ms(pick(|s| s.parse)),
            ms(pick(|s| s.resolve)),
            ms(pick(|s| s.emit)),
            ms(pick(|s| s.format)),
            ms(pick(|s| s.render)),
            ms(pick(|s| s.write)),
            ms(pick(total)),
            ms(pick(total_fast)),
        );
    }
    let _ = std::fs::remove_dir_all(&scratch);
}

/// Every document of `dir` generated (with rustfmt) and written under `out`, on all cores.
fn corpus(dir: &Path, out: &Path) {
    let mut docs: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("corpus directory")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| p.file_stem().is_some_and(|s| s != "index"))
        .collect();
    docs.sort();
    let next = AtomicUsize::new(0);
    let failed = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(doc) = docs.get(i) else { break };
                let target = out.join(doc.file_stem().unwrap());
                let options = Options::for_output(&target);
                let result = discogen::generate(doc, &options, None)
                    .and_then(|g| output::write(&target, &g.files).map(|_| ()));
                if let Err(e) = result {
                    failed.fetch_add(1, Ordering::Relaxed);
                    eprintln!("{}: {e}", doc.display());
                }
            });
        }
    });
    println!(
        "corpus: {} documents, {} failed, {:.1} s on {threads} threads",
        docs.len(),
        failed.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64()
    );
}
