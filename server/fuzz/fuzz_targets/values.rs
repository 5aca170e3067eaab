//! Every dstack value parser of `dstack-values`, picked by the first input byte (see `PARSERS`);
//! the rest of the input is the value's text. Each parser gets the text as a string scalar and,
//! when the text parses as YAML, the YAML value (so mapping and list forms are reached too).
//! Checks: no panic, and error sub-ranges of a string lie inside that string on char boundaries.

#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use dstack_syntax::parse;
use dstack_values::interpolation::Context;
use dstack_values::{
    Input, Value, ValueError, backends, closest, duration, entity_ref, enums, env, files,
    gpu_names, instances, interpolation, memory, policies, py, schedule, tags, volume,
};
use dstack_values::syntax::{Proposals, Syntax};
use libfuzzer_sys::fuzz_target;

#[derive(Debug)]
struct ValueCase {
    which: u8,
    text: String,
}

impl<'a> Arbitrary<'a> for ValueCase {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let which = u.arbitrary()?;
        let text = String::from_utf8_lossy(u.bytes(u.len())?).into_owned();
        Ok(ValueCase { which, text })
    }
}

/// The syntax table's entries (parse, hover and completion), by index.
const SYNTAXES: usize = Syntax::ALL.len();

/// Parsers that the syntax table does not reach.
const DIRECT: &[&str] = &[
    "backends",
    "duration-suggest",
    "inactivity",
    "gateway",
    "https",
    "blocks",
    "env-list",
    "instances",
    "interpolation",
    "retry",
    "utilization",
    "scaling",
    "backend-options",
    "ide-version",
    "cron-list",
    "memory-str",
    "volume-path",
    "py-numbers",
    "gpu-names",
    "closest",
    "enums",
    "tag-parts",
];

/// Which parser input byte `which` selects.
fn parser_name(which: u8) -> &'static str {
    let i = usize::from(which) % (SYNTAXES + DIRECT.len());
    Syntax::ALL
        .get(i)
        .map(|s| s.name())
        .unwrap_or_else(|| DIRECT[i - SYNTAXES])
}

/// An error on a string scalar must point inside that string.
fn check_err<T>(s: Option<&str>, r: &Result<T, ValueError>) {
    if let (Some(s), Err(e)) = (s, r) {
        if let Some((a, b)) = e.range {
            let (a, b) = (a as usize, b as usize);
            assert!(
                a <= b && b <= s.len() && s.is_char_boundary(a) && s.is_char_boundary(b),
                "error `{}` has range {a}..{b} outside the {}-byte value {s:?}",
                e.message,
                s.len()
            );
        }
        let _ = (e.to_string(), &e.fix);
    }
}

fn run(name: &str, value: &Value, text: &str) {
    let s = match value {
        Value::Scalar(dstack_values::ScalarValue::Str(s)) => Some(s.as_str()),
        _ => None,
    };
    let input = value.as_input().unwrap_or(Input::Null);
    if let Some(syntax) = Syntax::from_name(name) {
        check_err(s, &syntax.parse(value));
        for referent in ["fleet", "gateway"] {
            if let Some(r) = syntax.hover(value, referent) {
                check_err(s, &r);
            }
        }
        if let Proposals::Own(complete) | Proposals::OwnElseExamples(complete) = syntax.proposals() {
            let _ = complete(text);
        }
        return;
    }
    match name {
        "backends" => check_err(Some(text), &backends::check(text)),
        "duration-suggest" => drop(duration::suggest(text)),
        "inactivity" => check_err(s, &duration::parse_inactivity(&input)),
        "gateway" => check_err(s, &entity_ref::parse_gateway(value)),
        "https" => check_err(s, &enums::check_https(&input)),
        "blocks" => check_err(s, &enums::parse_blocks(&input)),
        "env-list" => check_err(s, &env::parse_value(value)),
        "instances" => check_err(s, &instances::parse_value(value)),
        "interpolation" => {
            for ctx in [
                Context::Commands,
                Context::EnvRefs(vec!["A".into(), "HF_TOKEN".into()]),
                Context::Secrets,
                Context::GatewayDomain,
                Context::VolumeName,
            ] {
                check_err(Some(text), &interpolation::check(text, &ctx));
            }
            let _ = interpolation::is_valid_name(text);
            let _ = interpolation::groups_ip_ref(text);
            let _ = interpolation::namespace_root(text);
        }
        "retry" => check_err(s, &policies::parse_retry(value)),
        "utilization" => check_err(s, &policies::parse_utilization_policy(value)),
        "scaling" => check_err(s, &policies::parse_scaling(value)),
        "backend-options" => check_err(s, &policies::parse_backend_options(value)),
        "ide-version" => {
            let (ide, version) = text.split_once('\n').unwrap_or((text, ""));
            let (ide, version) = (Value::str(ide), Value::str(version));
            check_err(
                None,
                &policies::check_ide_version(Some(&ide), Some(&version)),
            );
            check_err(None, &policies::check_ide_version(Some(value), Some(value)));
            check_err(None, &policies::check_ide_version(None, Some(value)));
        }
        "cron-list" => check_err(s, &schedule::parse_cron_value(value)),
        "memory-str" => check_err(Some(text), &memory::parse_str(text)),
        "volume-path" => {
            check_err(Some(text), &volume::check_path(text));
            let _ = volume::normalize(text);
            let _ = files::is_windows_absolute(text);
        }
        "py-numbers" => {
            let _ = (
                py::py_int(text),
                py::py_float(text),
                py::pydantic_int_str(text),
            );
            let _ = (
                py::remove_spaces(text),
                py::pydantic_bool(&input),
                py::pydantic_int(&input),
            );
            if let Some(f) = py::py_float(text) {
                let _ = (
                    py::py_float_repr(f),
                    py::fmt_number(f),
                    py::pydantic_int_float(f),
                );
            }
        }
        "gpu-names" => {
            let _ = gpu_names::lookup(text).count();
            let _ = (gpu_names::tpu_parts(text), gpu_names::vendor_of(text));
            let _ = gpu_names::memory_sizes(text);
            let names: Vec<String> = text.split(',').map(str::to_string).collect();
            let _ = gpu_names::common_vendor(&names);
        }
        "closest" => drop(closest(text, ["gpu", "memory", "shm_size", "disk", "cpu"])),
        "enums" => {
            for e in [
                &enums::SPOT_POLICY,
                &enums::CREATION_POLICY,
                &enums::STARTUP_ORDER,
                &enums::STOP_CRITERIA,
                &enums::IDE,
                &enums::PLACEMENT,
                &enums::RETRY_EVENTS,
                &enums::ROUTER_TYPE,
                &enums::IF_EXISTS,
                &enums::PROBE_METHOD,
                &enums::OFFER_ORDER,
            ] {
                check_err(s, &e.check(&input));
                let _ = (e.describe(text), e.complete(text));
            }
        }
        "tag-parts" => drop((tags::is_valid_key(text), tags::is_valid_value(text))),
        _ => unreachable!("every name in DIRECT has an arm"),
    }
}

fuzz_target!(|case: ValueCase| {
    let name = parser_name(case.which);
    run(name, &Value::str(&case.text), &case.text);
    // The same text read as YAML reaches the mapping/list forms and the other scalar types.
    if case.text.len() <= 2048 {
        let p = parse(&case.text);
        if let Some(root) = &p.root {
            let value = dstack_ide::node_value(&p, root);
            run(name, &value, &case.text);
        }
    }
});
