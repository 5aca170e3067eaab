//! Offer preview tests over the embedded catalog: lenses, hover sections, the query a document
//! turns into, and the cases that get no offers.

use expect_test::{Expect, expect};

use super::*;
use crate::test_util::fixture;

fn lens(text: &str, expect: Expect) {
    let doc = Document::new(text.to_string());
    let out: Vec<String> = code_lenses(&doc, &AnalysisConfig::default())
        .into_iter()
        .map(|l| {
            let at = doc
                .text
                .get(l.range.start as usize..l.range.end as usize)
                .unwrap_or("?");
            format!("[{at}] {}", l.title)
        })
        .collect();
    expect.assert_eq(&out.join("\n"));
}

fn section(fixture_text: &str, expect: Expect) {
    let (doc, offset) = fixture(fixture_text);
    let out = offers_hover_section(&doc, offset, &AnalysisConfig::default())
        .unwrap_or_else(|| "(none)".to_string());
    expect.assert_eq(&out);
}

const RUN: &str = "type: task\ncommands: [python train.py]\n";

#[test]
fn lens_on_resources_key() {
    lens(
        &format!("{RUN}resources:\n  gpu: A100:80GB:2\n"),
        expect!["[resources] 15 offers · from $3.28/h"],
    );
    lens(
        &format!("{RUN}resources:\n  gpu: 24GB\n"),
        expect!["[resources] 151 offers · from $0.50/h"],
    );
}

#[test]
fn lens_on_type_without_resources() {
    lens(RUN, expect!["[type] 947 offers · from $0.035/h"]);
}

#[test]
fn lens_when_nothing_matches_or_rejected() {
    lens(
        &format!("{RUN}resources:\n  gpu: H100:8\n  cpu: 1\n"),
        expect!["[resources] No offers match"],
    );
    // `gpu: amd` needs a custom image: dstack rejects the run before looking for offers.
    lens(
        &format!("{RUN}resources:\n  gpu: MI300X\n"),
        expect![
            "[resources] No offers: `image` must be set when the requested accelerator is not supported by the default image: ['amd']"
        ],
    );
    lens(
        "type: task\nresources:\n  gpu: A100\n",
        expect!["[resources] No offers: dstack would reject this configuration"],
    );
    // Volumes and gateways have no offers and no lens.
    lens(
        "type: volume\nname: v\nbackend: aws\nregion: us-east-1\nsize: 100GB\n",
        expect![[""]],
    );
    lens("name: x\n", expect![[""]]);
}

#[test]
fn lens_respects_the_setting() {
    let doc = Document::new(format!("{RUN}resources:\n  gpu: A100\n"));
    let off = AnalysisConfig {
        offers_enabled: false,
        ..AnalysisConfig::default()
    };
    assert!(code_lenses(&doc, &off).is_empty());
    assert!(offers_hover_section(&doc, 50, &off).is_none());
    assert!(!code_lenses(&doc, &AnalysisConfig::default()).is_empty());
}

#[test]
fn hover_on_gpu_key_and_value() {
    section(
        "type: task\ncommands: [x]\nresources:\n  g$0pu: A100:80GB:2\n",
        expect![[r#"
            **Offers**: 15 offers, $3.28–$8.82/h (embedded catalog (2026-11-27))

            | provider | region | instance | GPUs | $/h | spot |
            |---|---|---|---|--:|---|
            | runpod | US-TX-3 | NVIDIA A100 80GB PCIe | 2×A100 (80 GB) | $3.28 | no |
            | runpod | US-GA-1 | NVIDIA A100 80GB PCIe | 2×A100 (80 GB) | $3.28 | no |
            | runpod | EU-RO-1 | NVIDIA A100 80GB PCIe | 2×A100 (80 GB) | $3.28 | no |
            | runpod | EU-SE-1 | NVIDIA A100 80GB PCIe | 2×A100 (80 GB) | $3.28 | no |
            | runpod | CA-MTL-1 | NVIDIA A100 80GB PCIe | 2×A100 (80 GB) | $3.28 | no |

            …and 10 more (run **dstack: Show matching offers** or `dstack-lsp offers FILE`)"#]],
    );
    section(
        "type: task\ncommands: [x]\nresources:\n  gpu: H100:8$0\n",
        expect![[r#"
            **Offers**: 30 offers, $17.52–$113.27/h (embedded catalog (2026-11-27))

            | provider | region | instance | GPUs | $/h | spot |
            |---|---|---|---|--:|---|
            | verda | FIN-01 | 8H100.80S.176V | 8×H100 (80 GB) | $17.52 | no |
            | verda | FIN-02 | 8H100.80S.176V | 8×H100 (80 GB) | $17.52 | no |
            | verda | ICE-01 | 8H100.80S.176V | 8×H100 (80 GB) | $17.52 | no |
            | nebius | eu-north1 | gpu-h100-sxm 8gpu-128vcpu-1600gb | 8×H100 (80 GB) | $23.60 | no |
            | nebius | eu-west1 | gpu-h100-sxm 8gpu-128vcpu-1600gb | 8×H100 (80 GB) | $23.60 | no |

            …and 25 more (run **dstack: Show matching offers** or `dstack-lsp offers FILE`)"#]],
    );
}

#[test]
fn hover_elsewhere_or_rejected_adds_nothing() {
    section(
        "type: task\ncommands: [x]\nname$0: a\nresources:\n  gpu: A100\n",
        expect!["(none)"],
    );
    section(
        "type: task\ncommands: [x]\nresources:\n  shm_$0size: 1GB\n",
        expect!["(none)"],
    );
    section("type: task\nresources:\n  g$0pu: A100\n", expect!["(none)"]);
}

#[test]
fn profile_fields_narrow_the_query() {
    let base = format!("{RUN}resources:\n  gpu: 16GB..\n");
    let count = |extra: &str| {
        let doc = Document::new(format!("{base}{extra}"));
        offers_for(&doc, &AnalysisConfig::default()).map(|o| o.count())
    };
    let all = count("").unwrap_or(0);
    let spot = count("spot_policy: spot\n").unwrap_or(0);
    let aws_spot = count("spot_policy: spot\nbackends: [aws]\n").unwrap_or(0);
    let cheap = count("spot_policy: spot\nbackends: [aws]\nmax_price: 1\n").unwrap_or(0);
    assert!(all > 0 && spot > 0, "{all} {spot}");
    assert!(aws_spot > 0 && aws_spot < spot, "{aws_spot} {spot}");
    assert!(cheap < aws_spot, "{cheap} {aws_spot}");
    let doc = Document::new(format!("{base}spot_policy: spot\nbackends: [aws]\n"));
    let config = AnalysisConfig::default();
    let offers = offers_for(&doc, &config).unwrap_or_else(|e| panic!("{e}"));
    assert!(offers.iter().all(|o| o.spot && o.backend == "aws"));
}

#[test]
fn query_of_tasks_groups_and_fleets() {
    let q = |text: &str| {
        requirements(&Document::new(text.to_string()), &AnalysisConfig::default()).map(|q| {
            let r = q.requirements;
            format!(
                "gpu {:?} {:?} multinode={} privileged={} spot={:?} group={:?} create_only={}",
                r.gpu_names,
                r.gpu_count,
                r.multinode,
                r.privileged,
                r.spot,
                q.group,
                r.create_instance_only
            )
        })
    };
    expect![[r#"
        [
            Ok(
                "gpu Some([\"H100\"]) Range { min: Some(8), max: Some(8) } multinode=true privileged=true spot=Some(false) group=None create_only=false",
            ),
            Ok(
                "gpu Some([\"H100\"]) Range { min: Some(8), max: Some(8) } multinode=true privileged=false spot=Some(false) group=None create_only=true",
            ),
            Err(
                "an SSH fleet runs on your own hosts; it has no cloud offers",
            ),
            Ok(
                "gpu None Range { min: Some(0), max: None } multinode=false privileged=false spot=None group=None create_only=false",
            ),
            Err(
                "a gateway configuration has no offers (only runs and fleets do)",
            ),
            Ok(
                "gpu Some([\"A100\"]) Range { min: Some(1), max: None } multinode=true privileged=false spot=Some(false) group=Some(\"`trainer`\") create_only=false",
            ),
        ]
    "#]].assert_debug_eq(&[
        q("type: task\ncommands: [x]\nnodes: 2\ndocker: true\nresources:\n  gpu: H100:8\n"),
        q("type: fleet\nnodes: 2\nplacement: cluster\nresources:\n  gpu: H100:8\n"),
        q("type: fleet\nssh_config:\n  hosts: [1.2.3.4]\n  user: ubuntu\n"),
        q("type: dev-environment\nide: vscode\nspot_policy: auto\n"),
        q("type: gateway\nname: g\nbackend: aws\nregion: us-east-1\ndomain: example.com\n"),
        q("type: task\ngroups:\n- name: trainer\n  nodes: 2\n  commands: [x]\n  resources:\n    gpu: A100\n- name: web\n  commands: [y]\n"),
    ]);
}

#[test]
fn primed_diagnostics_are_reused_for_the_same_text() {
    // A file dstack rejects (no commands); primed with no diagnostics, the cached answer is
    // what the caller said, which shows the query did not run diagnostics again.
    let doc = Document::new("type: task\nresources:\n  gpu: L4\n# primed\n".to_string());
    let config = AnalysisConfig::default();
    prime(&doc, &config, &[]);
    assert!(requirements(&doc, &config).is_ok());
    let fresh = Document::new("type: task\nresources:\n  gpu: L4\n# not primed\n".to_string());
    assert!(requirements(&fresh, &config).is_err());
}

fn listed(fixture_text: &str, count: usize, prices: &[f64], expect: Expect) {
    let (doc, offset) = fixture(fixture_text);
    let views: Vec<OfferView<'_>> = prices
        .iter()
        .map(|&price| OfferView {
            backend: "aws",
            region: "us-east-1",
            instance: "p4d.24xlarge",
            price,
            spot: false,
            cpu_arch: dstack_offers::CpuArch::X86,
            cpus: 96,
            memory_gb: 1152.0,
            gpu_count: 8,
            gpu_vendor: None,
            gpu_name: Some("A100"),
            gpu_memory_gb: Some(40.0),
            disk_gb: 100.0,
            total_blocks: None,
        })
        .collect();
    let out = listed_hover_section(&doc, offset, count, &views, "dstack server, live")
        .unwrap_or_else(|| "(none)".to_string());
    expect.assert_eq(&out);
}

/// Offers a live server listed: a range when it listed all, "from" when some were left out,
/// cheapest first whatever order they came in, nothing off `resources`.
#[test]
fn hover_section_for_listed_offers() {
    let text = "type: task\ncommands: [x]\nresources:\n  g$0pu: A100:8\n";
    listed(
        text,
        2,
        &[32.77, 21.96],
        expect![[r#"
            **Offers**: 2 offers, $21.96–$32.77/h (dstack server, live)

            | provider | region | instance | GPUs | $/h | spot |
            |---|---|---|---|--:|---|
            | aws | us-east-1 | p4d.24xlarge | 8×A100 (40 GB) | $21.96 | no |
            | aws | us-east-1 | p4d.24xlarge | 8×A100 (40 GB) | $32.77 | no |"#]],
    );
    listed(
        text,
        9,
        &[32.77],
        expect![[r#"
            **Offers**: 9 offers, from $32.77/h (dstack server, live)

            | provider | region | instance | GPUs | $/h | spot |
            |---|---|---|---|--:|---|
            | aws | us-east-1 | p4d.24xlarge | 8×A100 (40 GB) | $32.77 | no |

            …and 8 more (run **dstack: Show matching offers** or `dstack-lsp offers FILE`)"#]],
    );
    listed(
        text,
        3,
        &[],
        expect!["**Offers**: 3 (none listed by the dstack server, live)"],
    );
    listed(
        text,
        0,
        &[],
        expect!["**Offers**: none match from the dstack server, live."],
    );
    listed(
        "type: task\ncom$0mands: [x]\n",
        1,
        &[1.0],
        expect!["(none)"],
    );
}

/// The hash the offer caches used to be keyed by (length and this): FxHash-style words.
fn old_hash(text: &str) -> (usize, u64) {
    let mix = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
    let mut h = 0u64;
    let mut chunks = text.as_bytes().chunks_exact(8);
    for c in &mut chunks {
        h = mix(h, u64::from_le_bytes(c.try_into().unwrap_or([0; 8])));
    }
    for &b in chunks.remainder() {
        h = mix(h, u64::from(b));
    }
    (text.len(), h)
}

/// An H100 file whose comment makes its old hash equal to an A100 file's: the mixing step is
/// invertible, so the last comment word can be solved for (the one before is searched until the
/// solution is printable).
fn colliding_pair() -> (String, String) {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mix = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(K);
    let mut k_inv = K;
    for _ in 0..6 {
        k_inv = k_inv.wrapping_mul(2u64.wrapping_sub(K.wrapping_mul(k_inv)));
    }
    let state = |t: &str| old_hash(t).1;
    let pad = |gpu: &str| {
        let mut t = format!("type: task\ncommands: [echo]\nresources:\n  gpu: {gpu}\n#");
        while t.len() % 8 != 0 {
            t.push('-');
        }
        t
    };
    let a = format!("{}aaaaaaaaaaaaaaaa\n", pad("A100"));
    let b_prefix = pad("H100");
    let target = state(&a[..a.len() - 1]);
    for n in 0u64..10_000_000 {
        let mut w1 = [b'b'; 8];
        let mut x = n;
        for byte in w1.iter_mut() {
            *byte = b' ' + (x % 95) as u8;
            x /= 95;
        }
        let s1 = mix(state(&b_prefix), u64::from_le_bytes(w1));
        let w2 = (s1.rotate_left(5) ^ target.wrapping_mul(k_inv)).to_le_bytes();
        if w2.iter().all(|c| (b' '..=b'~').contains(c)) {
            let tail: String = w1.iter().chain(&w2).map(|&c| c as char).collect();
            return (a, format!("{b_prefix}{tail}\n"));
        }
    }
    panic!("no printable collision found");
}

#[test]
fn texts_with_the_same_old_hash_get_their_own_offers() {
    let (a, b) = colliding_pair();
    assert_eq!(old_hash(&a), old_hash(&b));
    assert_ne!(a, b);
    let config = AnalysisConfig::default();
    let doc_a = Document::new(a);
    let doc_b = Document::new(b);
    let qa = requirements(&doc_a, &config);
    let qb = requirements(&doc_b, &config);
    assert!(qa.is_ok() && qb.is_ok());
    assert_ne!(qa, qb, "the H100 file got the A100 file's query");
    let first_gpu = |doc: &Document| {
        offers_for(doc, &config)
            .ok()
            .and_then(|l| l.iter().next().and_then(|o| o.gpu_name.map(str::to_string)))
    };
    assert_eq!(first_gpu(&doc_a).as_deref(), Some("A100"));
    assert_eq!(first_gpu(&doc_b).as_deref(), Some("H100"));
    assert_ne!(doc_a.text_key(), doc_b.text_key());
    assert_eq!(
        doc_a.text_key(),
        Document::new(doc_a.text.clone()).text_key()
    );
}

/// dstack rejects a NaN `max_price` (it is not greater than 0): no offers for it. Infinity is
/// accepted, and every offer is under it.
#[test]
fn nan_max_price_gets_no_offers() {
    for (text, rejected) in [
        ("max_price: .nan\n", true),
        ("max_price: 'nan'\n", true),
        ("max_price: -.inf\n", true),
        ("max_price: .inf\n", false),
    ] {
        let doc = Document::new(format!("{RUN}{text}"));
        let config = AnalysisConfig::default();
        let offers = offers_for(&doc, &config);
        assert_eq!(offers.is_err(), rejected, "{text}");
    }
}
