//! Times `parse`, `reparse` after a one-character edit, and `cursor_context` on generated
//! dstack services of 5,000 and 50,000 lines (the shape lspbench generates: long `env`,
//! `commands` and `volumes` lists). Run with `cargo run --release --example parse_bench`.

use std::time::{Duration, Instant};

use dstack_syntax::{cursor_context, parse, reparse};

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

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed()
            })
            .collect(),
    )
}

fn main() {
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
        let cursor_at = text.find("  gpu: ").map_or(0, |p| p + 9) as u32;
        let near_end = text.rfind("/mnt/host-").unwrap_or(0) as u32;
        let cur = time(runs * 20, || cursor_context(&text, &old, cursor_at));
        let cur_list = time(runs * 20, || cursor_context(&text, &old, near_end));
        println!(
            "{n:>6} lines ({:>8} bytes, {} errors): parse {full:>10.2?}  reparse after 1-char edit {re:>10.2?}  cursor_context {cur:>8.2?} (in a long list {cur_list:>8.2?})",
            text.len(),
            old.errors.len()
        );
    }
}
