//! Criterion benches of the analysis core on the LSP benchmark's workload shape: one valid
//! `service` whose `env`, `commands` and `volumes` lists are padded to 50, 5,000 and 50,000 lines.
//!
//! Groups: `parse`, `reparse_keystroke` (one character typed into an `env` item), `keystroke`
//! (reparse + diagnostics: the core cost of keystroke-to-diagnostics), `diagnostics`, `completion`
//! and `hover` at fixed cursor points, `offers` (catalog load and matching the workload's
//! `resources`). Run: `cargo bench -p dstack-ide --bench analysis` (a few minutes).
//!
//! Times are the benchmark thread's CPU time (from `/proc/thread-self/schedstat`), so numbers taken
//! on a busy shared machine still tell what one idle core would take; `BENCH_WALL_TIME=1` measures
//! wall-clock time instead.

use std::fmt::Write as _;
use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{BatchSize, BenchmarkId, Criterion};
use dstack_ide::{AnalysisConfig, Document, completions, diagnostics, hover};

const HEAD: &str = "type: service\nname: llama-serve\n\nimage: vllm/vllm-openai:latest\nenv:\n  - HF_TOKEN\n  - MODEL_ID=meta-llama/Llama-3.1-8B-Instruct\n  - MAX_MODEL_LEN=4096\n";
const COMMANDS: &str = "commands:\n  - pip install -U \"vllm>=0.6\"\n  - vllm serve $MODEL_ID --max-model-len $MAX_MODEL_LEN --port 8000\n";
const MID: &str = "port: 8000\nmodel: meta-llama/Llama-3.1-8B-Instruct\n\nreplicas: 1..4\nscaling:\n  metric: rps\n  target: 10\n\n";
const VOLUMES: &str =
    "volumes:\n  - name: llama-cache\n    path: /root/.cache/huggingface\n  - /mnt/data:/data\n";
const TAIL: &str = "\nresources:\n  gpu: A100:80GB:2\n  cpu: 8..\n  memory: 64GB..\n  disk: 200GB..\n  shm_size: 16GB\n\nspot_policy: auto\nmax_price: 2.5\n";

/// The padded service of about `lines` lines; the extra lines go one third to each list.
fn service(lines: usize) -> String {
    let base = [HEAD, COMMANDS, MID, VOLUMES, TAIL].concat();
    let extra = lines.saturating_sub(base.matches('\n').count());
    let (n_env, n_cmd) = (extra / 3, extra / 3);
    let mut env = String::new();
    for i in 0..n_env {
        let _ = writeln!(
            env,
            "  - VAR_{i:06}=value-{i:06}-{:05}",
            (i * 7919) % 100_000
        );
    }
    let mut cmd = String::new();
    for i in 0..n_cmd {
        let _ = writeln!(
            cmd,
            "  - echo \"step {i:06}\" && python3 -c 'print({i} * 2)' >> /tmp/log-{}.txt",
            i % 97
        );
    }
    let mut vol = String::new();
    let (mut left, mut i) = (extra - n_env - n_cmd, 0);
    while left > 0 {
        if left >= 2 && i % 2 == 0 {
            let _ = write!(vol, "  - name: vol-{i:06}\n    path: /mnt/vol-{i:06}\n");
            left -= 2;
        } else {
            let _ = writeln!(vol, "  - /mnt/host-{i:06}:/data/{i:06}");
            left -= 1;
        }
        i += 1;
    }
    format!("{HEAD}{env}{COMMANDS}{cmd}{MID}{VOLUMES}{vol}{TAIL}")
}

/// Byte offset of `col` on the first or last line starting with `prefix`, moved by `dline` lines.
/// `col == usize::MAX` means "just after the prefix".
fn point(text: &str, prefix: &str, last: bool, dline: isize, col: usize) -> u32 {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&s| s < text.len())
        .collect();
    let mut hits = (0..starts.len()).filter(|&n| text[starts[n]..].starts_with(prefix));
    let line = if last { hits.next_back() } else { hits.next() };
    let line = line.expect("anchor line present") as isize + dline;
    let col = if col == usize::MAX { prefix.len() } else { col };
    (starts[line as usize] + col) as u32
}

/// The cursor points of the LSP benchmark (same anchors and columns).
fn completion_points(text: &str) -> Vec<(&'static str, u32)> {
    vec![
        (
            "top-level-blank-line",
            point(text, "replicas:", false, -1, 0),
        ),
        (
            "top-level-key-start",
            point(text, "spot_policy:", true, 0, 0),
        ),
        ("resources-key-start", point(text, "  disk:", true, 0, 2)),
        ("gpu-value", point(text, "  gpu: ", true, 0, usize::MAX)),
        ("type-value", point(text, "type: ", false, 0, usize::MAX)),
        (
            "scaling-metric-value",
            point(text, "  metric: ", false, 0, usize::MAX),
        ),
    ]
}

fn hover_points(text: &str) -> Vec<(&'static str, u32)> {
    vec![
        ("type-key", point(text, "type:", false, 0, 1)),
        ("image-key", point(text, "image:", false, 0, 2)),
        ("commands-key", point(text, "commands:", false, 0, 3)),
        ("replicas-key", point(text, "replicas:", false, 0, 3)),
        ("gpu-key", point(text, "  gpu:", true, 0, 3)),
        (
            "spot_policy-value",
            point(text, "spot_policy: ", true, 0, 14),
        ),
    ]
}

const SIZES: [usize; 3] = [50, 5_000, 50_000];

fn quick<'a, M: Measurement>(
    c: &'a mut Criterion<M>,
    name: &str,
) -> criterion::BenchmarkGroup<'a, M> {
    let mut g = c.benchmark_group(name);
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    g
}

fn bench_parse<M: Measurement>(c: &mut Criterion<M>) {
    let mut g = quick(c, "parse");
    for n in SIZES {
        let text = service(n);
        g.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, t| {
            b.iter(|| dstack_syntax::parse(t))
        });
    }
    g.finish();
}

/// The document before and after typing `x` at the end of the `HF_TOKEN` env item.
fn keystroke(n: usize) -> (Document, String) {
    let text = service(n);
    let at = point(&text, "  - HF_TOKEN", false, 0, usize::MAX) as usize;
    let mut edited = text.clone();
    edited.insert(at, 'x');
    (Document::new(text), edited)
}

fn bench_keystroke<M: Measurement>(c: &mut Criterion<M>) {
    let config = AnalysisConfig::default();
    let mut g = quick(c, "reparse_keystroke");
    for n in SIZES {
        let (doc, edited) = keystroke(n);
        g.bench_with_input(BenchmarkId::from_parameter(n), &edited, |b, e| {
            b.iter(|| doc.updated(e.clone()))
        });
    }
    g.finish();
    // What the server would pay if it moved the old parse into the new one instead of cloning it.
    let mut g = quick(c, "reparse_owned_keystroke");
    for n in SIZES {
        let (doc, edited) = keystroke(n);
        g.bench_with_input(BenchmarkId::from_parameter(n), &edited, |b, e| {
            b.iter_batched(
                || doc.parse.clone(),
                |old| dstack_syntax::reparse_owned(old, e),
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();
    let mut g = quick(c, "keystroke");
    for n in SIZES {
        let (doc, edited) = keystroke(n);
        g.bench_with_input(BenchmarkId::from_parameter(n), &edited, |b, e| {
            b.iter(|| diagnostics(&doc.updated(e.clone()), &config))
        });
    }
    g.finish();
}

fn bench_diagnostics<M: Measurement>(c: &mut Criterion<M>) {
    let config = AnalysisConfig::default();
    let mut g = quick(c, "diagnostics");
    for n in SIZES {
        let doc = Document::new(service(n));
        g.bench_with_input(BenchmarkId::from_parameter(n), &doc, |b, d| {
            b.iter(|| diagnostics(d, &config))
        });
    }
    g.finish();
}

fn bench_requests<M: Measurement>(c: &mut Criterion<M>) {
    let config = AnalysisConfig::default();
    let mut g = quick(c, "completion");
    g.warm_up_time(Duration::from_millis(100))
        .measurement_time(Duration::from_millis(500));
    for n in SIZES {
        let doc = Document::new(service(n));
        for (name, at) in completion_points(&doc.text) {
            g.bench_function(BenchmarkId::new(name, n), |b| {
                b.iter(|| completions(&doc, at, &config))
            });
        }
    }
    g.finish();
    let mut g = quick(c, "hover");
    g.warm_up_time(Duration::from_millis(100))
        .measurement_time(Duration::from_millis(500));
    for n in SIZES {
        let doc = Document::new(service(n));
        for (name, at) in hover_points(&doc.text) {
            g.bench_function(BenchmarkId::new(name, n), |b| {
                b.iter(|| hover(&doc, at, &config))
            });
        }
    }
    g.finish();
}

/// Offers do not depend on the file size: the workload's `resources` and profile, matched against
/// the embedded catalog. The facade (`dstack_ide::code_lenses`) does not build requirements yet,
/// so they are spelled out here.
fn bench_offers<M: Measurement>(c: &mut Criterion<M>) {
    use dstack_offers::{
        BackendSettings, Catalog, GpuSpec, Profile, Range, Requirements, ResourcesSpec, RunContext,
        SpotPolicy, match_offers,
    };
    let mut g = quick(c, "offers");
    g.bench_function("embedded_catalog_load", |b| b.iter(Catalog::embedded));
    let catalog = Catalog::embedded();
    let res = ResourcesSpec {
        cpu: Some(Range::at_least(8)),
        memory: Some(Range::at_least(64.0)),
        gpu: Some(GpuSpec {
            names: Some(vec!["A100".into()]),
            memory: Some(Range::exact(80.0)),
            count: Some(Range::exact(2)),
            ..GpuSpec::default()
        }),
        disk: Some(Some(Range::at_least(200.0))),
        ..ResourcesSpec::default()
    };
    let profile = Profile {
        spot_policy: Some(SpotPolicy::Auto),
        max_price: Some(2.5),
        ..Profile::default()
    };
    let settings = BackendSettings::default();
    let run = RunContext {
        image: Some("vllm/vllm-openai:latest".into()),
        ..RunContext::default()
    };
    if let Ok(req) = Requirements::for_run(&res, &profile, &run) {
        g.bench_function("match_workload_resources", |b| {
            b.iter(|| match_offers(&catalog, &req, &settings).count())
        });
    }
    let any = Requirements::unconstrained();
    g.bench_function("match_unconstrained", |b| {
        b.iter(|| match_offers(&catalog, &any, &settings).count())
    });
    g.finish();
}

/// CPU time of the calling thread, in nanoseconds (the Linux scheduler's own account).
struct ThreadCpu {
    wall: WallTime,
}

fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

impl Measurement for ThreadCpu {
    type Intermediate = u64;
    type Value = Duration;
    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, start: u64) -> Duration {
        Duration::from_nanos(thread_cpu_ns().saturating_sub(start))
    }
    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, v: &Duration) -> f64 {
        v.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        self.wall.formatter()
    }
}

fn run<M: Measurement>(mut c: Criterion<M>) {
    bench_parse(&mut c);
    bench_keystroke(&mut c);
    bench_diagnostics(&mut c);
    bench_requests(&mut c);
    bench_offers(&mut c);
    c.final_summary();
}

fn main() {
    if std::env::var_os("BENCH_WALL_TIME").is_some() {
        run(Criterion::default().configure_from_args());
    } else {
        run(Criterion::default()
            .with_measurement(ThreadCpu { wall: WallTime })
            .configure_from_args());
    }
}
