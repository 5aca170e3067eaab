//! Times `parse`, `reparse` after a one-character edit, and `cursor_context` on generated
//! dstack services of 5,000 and 50,000 lines (the shape lspbench generates: long `env`,
//! `commands` and `volumes` lists). Run with `cargo run --release --example parse_bench`.

use std::time::{Duration, Instant};

use dstack_syntax::{cursor_context, parse, reparse, reparse_owned};

/// A valid service of about `n_lines` lines, padded like lspbench's `generate_single`.
fn generate(n_lines: usize) -> String {
    let head = "type: service\nname: llama-serve\n\nimage: vllm/vllm-openai:latest\nenv:\n  - HF_TOKEN\n  - MODEL_ID=meta-llama/Llama-3.1-8B-Instruct\n  - MAX_MODEL_LEN=4096\n";
    let commands = "commands:\n  - pip install -U \"vllm>=0.6\"\n  - vllm serve $MODEL_ID --max-model-len $MAX_MODEL_LEN --port 8000\n";
    let mid = "port: 8000\nmodel: meta-llama/Llama-3.1-8B-Instruct\n\nreplicas: 1..4\nscaling:\n  metric: rps\n  target: 10\n\n";
    let volumes = "volumes:\n  - name: llama-cache\n    path: /root/.cache/huggingface\n  - /mnt/data:/data\n";
    let tail = "\nresources:\n  gpu: A100:80GB:2\n  cpu: 8..\n  memory: 64GB..\n  disk: 200GB..\n  shm_size: 16GB\n\nspot_policy: auto\nmax_price: 2.5\n";
    let base_lines = [head, commands, mid, volumes, tail]
        .iter()
        .map(|s| s.matches('\n').count())
        .sum::<usize>();
    let extra = n_lines.saturating_sub(base_lines);
    let (n_env, n_cmd) = (extra / 3, extra / 3);
    let mut out = String::from(head);
    for i in 0..n_env {
        out.push_str(&format!(
            "  - VAR_{i:06}=value-{i:06}-{:05}\n",
            (i * 7919) % 100000
        ));
    }
    out.push_str(commands);
    for i in 0..n_cmd {
        out.push_str(&format!(
            "  - echo \"step {i:06}\" && python3 -c 'print({i} * 2)' >> /tmp/log-{}.txt\n",
            i % 97
        ));
    }
    out.push_str(mid);
    out.push_str(volumes);
    let mut left = extra - n_env - n_cmd;
    let mut i = 0;
    while left > 0 {
        if left >= 2 && i % 2 == 0 {
            out.push_str(&format!(
                "  - name: vol-{i:06}\n    path: /mnt/vol-{i:06}\n"
            ));
            left -= 2;
        } else {
            out.push_str(&format!("  - /mnt/host-{i:06}:/data/{i:06}\n"));
            left -= 1;
        }
        i += 1;
    }
    out.push_str(tail);
    out
}

/// Minimum and median wall time: on a shared machine the minimum is the better estimate of
/// the uncontended cost.
#[derive(Clone, Copy)]
struct Timing {
    min: Duration,
    median: Duration,
}

impl std::fmt::Display for Timing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.2?} (median {:.2?})", self.min, self.median)
    }
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Timing {
    let mut v: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            let out = std::hint::black_box(f());
            let elapsed = t.elapsed();
            // Dropping the old tree is not part of the operation (a server can drop it later).
            drop(out);
            elapsed
        })
        .collect();
    v.sort();
    Timing {
        min: v[0],
        median: v[v.len() / 2],
    }
}

fn main() {
    if let Some(n) = std::env::args()
        .nth(1)
        .and_then(|a| a.parse::<usize>().ok())
    {
        // `parse_bench N [owned]`: only parse (or only reparse_owned), many times, for profiling.
        let text = generate(n);
        if std::env::args().nth(2).as_deref() == Some("owned") {
            let old = parse(&text);
            let at = text.find("step 000100").map_or(text.len() / 2, |p| p + 5);
            let mut edited = text.clone();
            edited.insert(at, 'x');
            // Alternate between the two texts, each reparse consuming the previous result.
            let mut current = old;
            let mut times = Vec::new();
            for i in 0..200 {
                let t = Instant::now();
                current = reparse_owned(current, if i % 2 == 0 { &edited } else { &text });
                times.push(t.elapsed());
            }
            times.sort();
            println!(
                "reparse_owned min {:.2?} median {:.2?}",
                times[0],
                times[times.len() / 2]
            );
        } else {
            println!("parse {}", time(50, || parse(&text)));
        }
        return;
    }
    for n in [5_000, 50_000] {
        let text = generate(n);
        let runs = if n > 10_000 { 9 } else { 31 };
        let full = time(runs, || parse(&text));
        let old = parse(&text);
        // One character typed in the middle of the `commands` list.
        let at = text.find("step 000100").map_or(text.len() / 2, |p| p + 5);
        let mut edited = text.clone();
        edited.insert(at, 'x');
        let re = time(runs, || reparse(&old, &edited));
        // The owned variant consumes its input: clone outside the timed part.
        let mut copies: Vec<_> = (0..runs).map(|_| old.clone()).collect();
        let re_owned = time(runs, || {
            reparse_owned(copies.pop().unwrap_or_default(), &edited)
        });
        let cursor_at = text.find("  gpu: ").map_or(0, |p| p + 9) as u32;
        let near_end = text.rfind("/mnt/host-").unwrap_or(0) as u32;
        let cur = time(runs * 20, || cursor_context(&text, &old, cursor_at));
        let cur_list = time(runs * 20, || cursor_context(&text, &old, near_end));
        println!(
            "{n} lines, {} bytes, {} syntax errors",
            text.len(),
            old.errors.len()
        );
        println!("  parse                      {full}");
        println!("  reparse after 1-char edit  {re}");
        println!("  reparse_owned, same edit   {re_owned}");
        println!("  cursor_context (resources) {cur}");
        println!("  cursor_context (long list) {cur_list}");
    }
}
