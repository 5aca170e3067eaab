//! Every parser, describer and completer must return (not panic) on arbitrary text, including multi-byte
//! characters at awkward offsets. A small deterministic generator stands in for a fuzzer.

use dstack_values::syntax::{Proposals, Syntax};
use dstack_values::{Input, ScalarValue, Value, interpolation};

const PIECES: &[&str] = &[
    "A100",
    "a",
    "Z",
    "1",
    "0",
    "9",
    "-1",
    "..",
    ".",
    ":",
    ",",
    "/",
    "//",
    "\\",
    " ",
    "\t",
    "\n",
    "*",
    "$",
    "$$",
    "${{",
    "}}",
    "{",
    "[",
    "]",
    "@",
    "=",
    "GB",
    "mb",
    "TB",
    "h",
    "m",
    "s",
    "w",
    "d",
    "off",
    "last",
    "mon",
    "jan",
    "é",
    "日本",
    "🚀",
    "\u{0}",
    "_",
    "+",
    "e3",
    "x86",
    "arm",
    "tpu",
    "tt",
    "v5p-8",
    "groups[0].nodes[0].IP_ADDRESS",
    "secrets.x",
    "run.args",
    "~",
    "C:",
    "https:",
    "git@",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize
    }
    fn text(&mut self) -> String {
        let n = self.next() % 7;
        (0..n).map(|_| PIECES[self.next() % PIECES.len()]).collect()
    }
}

#[test]
fn parsers_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut accepted = 0usize;
    let mut rejected = 0usize;
    for _ in 0..800 {
        let s = rng.text();
        let scalars = [
            Value::str(&s),
            Value::Scalar(ScalarValue::Float(rng.next() as f64 / 7.0)),
            Value::int(rng.next() as i128 - 1000),
            Value::int(if rng.next() & 1 == 0 {
                i128::MAX
            } else {
                i128::MIN
            }),
            Value::Scalar(ScalarValue::Float(f64::NAN)),
            Value::Scalar(ScalarValue::Float(-f64::INFINITY)),
        ];
        let map = Value::Map(vec![
            (rng.text(), Value::str(&rng.text())),
            ("name".into(), Value::str(&s)),
            ("min".into(), Value::str(&s)),
        ]);
        let seq = Value::Seq(vec![Value::str(&s), Value::str(&rng.text())]);
        for syntax in Syntax::ALL {
            let name = syntax.name();
            for v in scalars.iter().chain([&map, &seq]) {
                match syntax.hover(v, "gateway") {
                    Some(Ok(_)) => accepted += 1,
                    Some(Err(e)) => {
                        if let Some((a, b)) = e.range {
                            assert!(a <= b, "{name} {s:?}: inverted range");
                            if let Value::Scalar(ScalarValue::Str(text)) = v {
                                assert!(
                                    b as usize <= text.len(),
                                    "{name} {text:?}: range {a}..{b} beyond the scalar"
                                );
                                assert!(
                                    text.is_char_boundary(a as usize)
                                        && text.is_char_boundary(b as usize),
                                    "{name} {text:?}: range splits a character"
                                );
                            }
                        }
                        rejected += 1
                    }
                    None => {}
                }
                let _ = (syntax.parse(v), syntax.hover(v, "fleet"));
            }
            if let Proposals::Own(complete) | Proposals::OwnElseExamples(complete) =
                syntax.proposals()
            {
                let _ = complete(&s);
            }
        }
        for ctx in [
            interpolation::Context::Commands,
            interpolation::Context::Secrets,
            interpolation::Context::EnvRefs(vec!["A".into()]),
        ] {
            let _ = interpolation::check(&s, &ctx);
            let _ = interpolation::complete(&s, &ctx);
        }
        let _ = dstack_values::gpu::parse(&Input::Str(&s));
    }
    assert!(
        accepted > 1000 && rejected > 1000,
        "generator too narrow: {accepted} accepted, {rejected} rejected"
    );
}
