//! Shared by the `unit_cases` example and the `oracle_probes` test: reads dstack verdict lines
//! (`{"kind", "input", "ok", "expected"}`), runs each through this crate's parsers and tallies agreement.

#![allow(dead_code)]

use std::collections::BTreeMap;

use dstack_values::{
    Input, ScalarValue, Value, cpu, disk, duration, entity_ref, enums, env, files, gpu, instances,
    interpolation, memory, nodes, policies, ports, python, range, repos, schedule, tags, user,
    volume,
};

// ---------- a small JSON reader (the corpus is plain JSON lines) ----------

#[derive(Debug, Clone, PartialEq)]
pub enum J {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl J {
    fn get(&self, key: &str) -> Option<&J> {
        match self {
            J::Obj(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    fn s(v: &str) -> J {
        J::Str(v.to_string())
    }
    fn obj(pairs: Vec<(&str, J)>) -> J {
        J::Obj(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }
    fn opt_s(v: Option<&str>) -> J {
        v.map(J::s).unwrap_or(J::Null)
    }
    fn opt_i(v: Option<i128>) -> J {
        v.map(J::Int).unwrap_or(J::Null)
    }
    fn opt_f(v: Option<f64>) -> J {
        v.map(J::Float).unwrap_or(J::Null)
    }
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl Reader<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && (self.b[self.i] as char).is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn value(&mut self) -> Result<J, String> {
        self.ws();
        match self.b.get(self.i).copied() {
            Some(b'{') => {
                self.i += 1;
                let mut m = Vec::new();
                loop {
                    self.ws();
                    if self.b.get(self.i) == Some(&b'}') {
                        self.i += 1;
                        return Ok(J::Obj(m));
                    }
                    let J::Str(k) = self.value()? else {
                        return Err("key".into());
                    };
                    self.ws();
                    self.i += 1; // ':'
                    let v = self.value()?;
                    m.push((k, v));
                    self.ws();
                    if self.b.get(self.i) == Some(&b',') {
                        self.i += 1;
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut a = Vec::new();
                loop {
                    self.ws();
                    if self.b.get(self.i) == Some(&b']') {
                        self.i += 1;
                        return Ok(J::Arr(a));
                    }
                    a.push(self.value()?);
                    self.ws();
                    if self.b.get(self.i) == Some(&b',') {
                        self.i += 1;
                    }
                }
            }
            Some(b'"') => {
                self.i += 1;
                let mut out: Vec<u8> = Vec::new();
                while let Some(&c) = self.b.get(self.i) {
                    self.i += 1;
                    match c {
                        b'"' => {
                            return String::from_utf8(out)
                                .map(J::Str)
                                .map_err(|e| e.to_string());
                        }
                        b'\\' => {
                            let e = self.b.get(self.i).copied().ok_or("escape")?;
                            self.i += 1;
                            match e {
                                b'n' => out.push(b'\n'),
                                b't' => out.push(b'\t'),
                                b'r' => out.push(b'\r'),
                                b'b' => out.push(8),
                                b'f' => out.push(12),
                                b'u' => {
                                    let hex = std::str::from_utf8(&self.b[self.i..self.i + 4])
                                        .map_err(|e| e.to_string())?;
                                    self.i += 4;
                                    let mut cp =
                                        u32::from_str_radix(hex, 16).map_err(|e| e.to_string())?;
                                    if (0xD800..0xDC00).contains(&cp)
                                        && self.b.get(self.i) == Some(&b'\\')
                                    {
                                        let lo = u32::from_str_radix(
                                            std::str::from_utf8(&self.b[self.i + 2..self.i + 6])
                                                .map_err(|e| e.to_string())?,
                                            16,
                                        )
                                        .map_err(|e| e.to_string())?;
                                        self.i += 6;
                                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                                    }
                                    let ch = char::from_u32(cp).unwrap_or('\u{fffd}');
                                    out.extend_from_slice(ch.to_string().as_bytes());
                                }
                                other => out.push(other),
                            }
                        }
                        other => out.push(other),
                    }
                }
                Err("unterminated string".into())
            }
            Some(b't') => {
                self.i += 4;
                Ok(J::Bool(true))
            }
            Some(b'f') => {
                self.i += 5;
                Ok(J::Bool(false))
            }
            Some(b'n') => {
                self.i += 4;
                Ok(J::Null)
            }
            Some(_) => {
                let start = self.i;
                while self.i < self.b.len()
                    && matches!(
                        self.b[self.i],
                        b'-' | b'+' | b'.' | b'e' | b'E' | b'0'
                            ..=b'9' | b'I' | b'n' | b'f' | b'i' | b't' | b'y' | b'N' | b'a'
                    )
                {
                    self.i += 1;
                }
                let t = std::str::from_utf8(&self.b[start..self.i]).map_err(|e| e.to_string())?;
                if let Ok(i) = t.parse::<i128>() {
                    Ok(J::Int(i))
                } else {
                    match t {
                        "Infinity" => Ok(J::Float(f64::INFINITY)),
                        "-Infinity" => Ok(J::Float(f64::NEG_INFINITY)),
                        "NaN" => Ok(J::Float(f64::NAN)),
                        _ => t
                            .parse::<f64>()
                            .map(J::Float)
                            .map_err(|e| format!("{e}: {t}")),
                    }
                }
            }
            None => Err("eof".into()),
        }
    }
}

pub fn parse_json(s: &str) -> Result<J, String> {
    Reader {
        b: s.as_bytes(),
        i: 0,
    }
    .value()
}

fn to_value(j: &J) -> Value {
    match j {
        J::Null => Value::null(),
        J::Bool(b) => Value::bool(*b),
        J::Int(i) => Value::int(*i),
        J::Float(f) => Value::Scalar(ScalarValue::Float(*f)),
        J::Str(s) => Value::str(s),
        J::Arr(a) => Value::Seq(a.iter().map(to_value).collect()),
        J::Obj(m) => Value::Map(m.iter().map(|(k, v)| (k.clone(), to_value(v))).collect()),
    }
}

// ---------- rendering this crate's results in dstack's shapes ----------

fn int_range(r: &range::IntRange) -> J {
    J::obj(vec![("min", J::opt_i(r.min)), ("max", J::opt_i(r.max))])
}
fn mem_range(r: &range::MemoryRange) -> J {
    J::obj(vec![("min", J::opt_f(r.min)), ("max", J::opt_f(r.max))])
}
fn opt<T>(v: &Option<T>, f: impl Fn(&T) -> J) -> J {
    v.as_ref().map(f).unwrap_or(J::Null)
}

fn gpu_json(s: &gpu::GpuSpec) -> J {
    J::obj(vec![
        ("vendor", J::opt_s(s.vendor.map(|v| v.as_str()))),
        (
            "name",
            opt(&s.names, |n| J::Arr(n.iter().map(|x| J::s(x)).collect())),
        ),
        ("count", int_range(&s.count)),
        ("memory", opt(&s.memory, mem_range)),
        ("total_memory", opt(&s.total_memory, mem_range)),
        (
            "compute_capability",
            opt(&s.compute_capability, |c| {
                J::Arr(vec![J::Int(c.0), J::Int(c.1)])
            }),
        ),
    ])
}

fn mount_json(m: &volume::MountPoint) -> J {
    match m {
        volume::MountPoint::Volume { names, path } => {
            let name = if names.len() == 1 {
                J::s(&names[0])
            } else {
                J::Arr(names.iter().map(|n| J::s(n)).collect())
            };
            J::obj(vec![
                ("class", J::s("VolumeMountPoint")),
                ("name", name),
                ("path", J::s(path)),
            ])
        }
        volume::MountPoint::Instance {
            instance_path,
            path,
            optional,
        } => J::obj(vec![
            ("class", J::s("InstanceMountPoint")),
            ("instance_path", J::s(instance_path)),
            ("path", J::s(path)),
            ("optional", J::Bool(*optional)),
        ]),
    }
}

fn port_json(p: &ports::PortMapping) -> J {
    J::obj(vec![
        ("local_port", J::opt_i(p.local_port.map(i128::from))),
        ("container_port", J::Int(p.container_port.into())),
    ])
}

fn setting_json(s: duration::Setting, off: J) -> J {
    match s {
        duration::Setting::Default => J::Null,
        duration::Setting::Off => off,
        duration::Setting::Seconds(n) => J::Int(n),
    }
}

fn entity_json(r: &entity_ref::EntityRef) -> J {
    J::obj(vec![
        ("project", J::opt_s(r.project.as_deref())),
        ("name", J::s(&r.name)),
    ])
}

fn scalar_input(v: &Value) -> Input<'_> {
    v.as_input().unwrap_or(Input::Null)
}

/// `Ok(Some(json))`: accepted with a comparable value; `Ok(None)`: accepted, value not compared; `Err`: rejected.
pub type Outcome = Result<Option<J>, String>;

pub fn run(kind: &str, input: &J) -> Option<Outcome> {
    let v = to_value(input);
    let e = |err: dstack_values::ValueError| err.to_string();
    let out: Outcome = match kind {
        "memory" => memory::parse(&scalar_input(&v))
            .map(|m| Some(J::Float(m)))
            .map_err(e),
        "compute_capability" => dstack_values::compute_capability::parse_value(&v)
            .map(|c| Some(J::Arr(vec![J::Int(c.0), J::Int(c.1)])))
            .map_err(e),
        "range_int" => range::parse_int_value(&v)
            .map(|r| Some(int_range(&r)))
            .map_err(e),
        "range_memory" => range::parse_memory_value(&v)
            .map(|r| Some(mem_range(&r)))
            .map_err(e),
        "cpu" => cpu::parse_value(&v)
            .map(|c| {
                Some(J::obj(vec![
                    ("arch", J::opt_s(c.arch.map(|a| a.as_str()))),
                    ("count", int_range(&c.count)),
                ]))
            })
            .map_err(e),
        "gpu" => gpu::parse_value(&v).map(|g| Some(gpu_json(&g))).map_err(e),
        "disk" => disk::parse_value(&v)
            .map(|d| Some(J::obj(vec![("size", mem_range(&d))])))
            .map_err(e),
        "duration" => duration::parse(&scalar_input(&v))
            .map(|d| Some(J::Int(d)))
            .map_err(e),
        "offable_duration" => duration::parse_offable(&scalar_input(&v))
            .map(|s| Some(setting_json(s, J::s("off"))))
            .map_err(e),
        "idle_duration" => duration::parse_idle(&scalar_input(&v))
            .map(|s| Some(setting_json(s, J::Int(-1))))
            .map_err(e),
        "volume_mount_point" | "instance_mount_point" | "mount_point" | "volume_field" => {
            volume::parse_value(&v)
                .map(|m| Some(mount_json(&m)))
                .map_err(e)
        }
        "file_mapping" => files::parse_value(&v)
            .map(|m| {
                Some(J::obj(vec![
                    ("local_path", J::s(&m.local_path)),
                    ("path", J::s(&m.path)),
                ]))
            })
            .map_err(e),
        "unix_user" => user::parse(&scalar_input(&v))
            .map(|u| {
                let (uid, username) = match &u.user {
                    user::Id::Number(n) => (J::Int(*n), J::Null),
                    user::Id::Name(s) => (J::Null, J::s(s)),
                };
                let (gid, groupname) = match &u.group {
                    Some(user::Id::Number(n)) => (J::Int(*n), J::Null),
                    Some(user::Id::Name(s)) => (J::Null, J::s(s)),
                    None => (J::Null, J::Null),
                };
                Some(J::obj(vec![
                    ("uid", uid),
                    ("gid", gid),
                    ("username", username),
                    ("groupname", groupname),
                ]))
            })
            .map_err(e),
        "entity_ref" => entity_ref::parse_value(&v)
            .map(|r| Some(entity_json(&r)))
            .map_err(e),
        "repo_spec" => repos::parse_value(&v)
            .map(|r| {
                let (local, url) = match &r.source {
                    repos::RepoSource::Local(l) => (J::s(l), J::Null),
                    repos::RepoSource::Url(u) => (J::Null, J::s(u)),
                };
                Some(J::obj(vec![
                    ("local_path", local),
                    ("url", url),
                    ("branch", J::opt_s(r.branch.as_deref())),
                    ("hash", J::opt_s(r.hash.as_deref())),
                    ("path", J::s(&r.path)),
                    (
                        "if_exists",
                        J::s(if r.skip_if_exists { "skip" } else { "error" }),
                    ),
                ]))
            })
            .map_err(e),
        "interpolation" => {
            let it = interpolation::Interpolator {
                variables: vec![("run.args".into(), "qwerty".into())],
                skip: vec![("secrets".into(), interpolation::Skip::Name)],
            };
            let text = match &v {
                Value::Scalar(ScalarValue::Str(s)) => s.clone(),
                _ => String::new(),
            };
            it.interpolate(&text)
                .map(|r| {
                    let missing: Vec<J> = r.missing().map(|m| J::s(&m.name)).collect();
                    Some(if missing.is_empty() {
                        J::s(&r.text)
                    } else {
                        J::obj(vec![
                            ("result", J::s(&r.text)),
                            ("missing", J::Arr(missing)),
                        ])
                    })
                })
                .map_err(e)
        }
        "interpolation_commands" => {
            let text = scalar_input(&v).as_str().unwrap_or("").to_string();
            interpolation::check(&text, &interpolation::Context::Commands)
                .map(|r| Some(J::s(&r.text)))
                .map_err(e)
        }
        "interpolation_groups" => {
            let it = interpolation::Interpolator {
                variables: vec![("run.args".into(), "x".into())],
                skip: vec![("groups".into(), interpolation::Skip::GroupsIp)],
            };
            let text = scalar_input(&v).as_str().unwrap_or("").to_string();
            it.interpolate(&text)
                .map(|r| Some(J::s(&r.text)))
                .map_err(e)
        }
        "groups_ref" => {
            let text = scalar_input(&v).as_str().unwrap_or("");
            if interpolation::is_groups_ip_ref(text) {
                Ok(Some(J::Bool(true)))
            } else {
                Err("not a groups IP reference".into())
            }
        }
        "tag_key" => {
            if tags::is_valid_key(scalar_input(&v).as_str().unwrap_or("\u{0}")) {
                Ok(Some(J::Bool(true)))
            } else {
                Err("invalid tag key".into())
            }
        }
        "tag_value" => {
            if tags::is_valid_value(scalar_input(&v).as_str().unwrap_or("\u{0}")) {
                Ok(Some(J::Bool(true)))
            } else {
                Err("invalid tag value".into())
            }
        }
        "tags" => tags::parse_value(&v)
            .map(|t| Some(J::Obj(t.into_iter().map(|(k, v)| (k, J::Str(v))).collect())))
            .map_err(e),
        "fleet_nodes" => nodes::parse_value(&v)
            .map(|n| {
                Some(J::obj(vec![
                    ("min", J::Int(n.min)),
                    ("target", J::Int(n.target)),
                    ("max", J::opt_i(n.max)),
                ]))
            })
            .map_err(e),
        "instance_selector" => instances::parse_value(&v)
            .map(|list| {
                Some(J::Arr(
                    list.iter()
                        .map(|s| match s {
                            instances::InstanceSelector::Name(n) => J::obj(vec![("name", J::s(n))]),
                            instances::InstanceSelector::Hostname(h) => {
                                J::obj(vec![("hostname", J::s(h))])
                            }
                            instances::InstanceSelector::FleetInstance { fleet, instance } => {
                                J::obj(vec![
                                    ("fleet", entity_json(fleet)),
                                    ("instance", J::Int(*instance)),
                                ])
                            }
                        })
                        .collect(),
                ))
            })
            .map_err(e),
        // Only the verdict is compared: dstack's dump lists every optional field.
        "backend_options" => policies::parse_backend_options(&v).map(|_| None).map_err(e),
        "dev_env_ide" => {
            let (ide, version) = (v.get("ide"), v.get("version"));
            let text = |x: Option<&Value>| match x.and_then(Value::as_input) {
                Some(Input::Str(s)) => J::s(s),
                Some(Input::Int(i)) => J::s(&i.to_string()),
                _ => J::Null,
            };
            policies::check_ide_version(ide, version)
                .map(|()| Some(J::obj(vec![("ide", text(ide)), ("version", text(version))])))
                .map_err(e)
        }
        "port_mapping" => ports::parse(&scalar_input(&v))
            .map(|p| Some(port_json(&p)))
            .map_err(e),
        "ports_field" => ports::parse_value(&v)
            .map(|p| Some(port_json(&p)))
            .map_err(e),
        "service_port" => ports::parse_service_port(&v)
            .map(|p| Some(port_json(&p)))
            .map_err(e),
        "server_gpu_vendor" => {
            let resources = v.get("resources");
            let gpu_value = resources.and_then(|r| r.get("gpu"));
            let default_image = v.get("image").is_none()
                && !matches!(
                    v.get("docker").and_then(Value::as_input),
                    Some(Input::Bool(true))
                );
            let spec = match gpu_value {
                None => Ok(gpu::GpuSpec {
                    count: range::IntRange::at_least(0),
                    ..Default::default()
                }),
                Some(g) if matches!(g.as_input(), Some(Input::Null)) => Ok(gpu::GpuSpec {
                    count: range::IntRange::at_least(0),
                    ..Default::default()
                }),
                Some(g) => gpu::parse_value(g),
            };
            spec.map(|s| {
                let vendor = s.effective_vendor(default_image);
                let mut j = gpu_json(&s);
                if let J::Obj(m) = &mut j {
                    for (k, val) in m.iter_mut() {
                        if k == "vendor" {
                            *val = J::opt_s(vendor.map(|v| v.as_str()));
                        }
                    }
                }
                Some(j)
            })
            .map_err(e)
        }
        "blocks" => enums::parse_blocks(&scalar_input(&v))
            .map(|b| Some(b.map(J::Int).unwrap_or_else(|| J::s("auto"))))
            .map_err(e),
        // The verdict only: dstack keeps `"yes"` as `true`, which is not our concern here.
        "https" => match v {
            Value::Scalar(_) => enums::check_https(&scalar_input(&v))
                .map(|()| None)
                .map_err(e),
            _ => Err("not a scalar".to_string()),
        },
        "replicas" => range::parse_replicas(&v)
            .map(|r| Some(int_range(&r)))
            .map_err(e),
        "gateway" => entity_ref::parse_gateway(&v)
            .map(|(g, _)| {
                Some(match g {
                    entity_ref::Gateway::Unset => J::Null,
                    entity_ref::Gateway::Default => J::Bool(true),
                    entity_ref::Gateway::Disabled => J::Bool(false),
                    entity_ref::Gateway::Named(r) => entity_json(&r),
                })
            })
            .map_err(e),
        "spot_policy" => enums::SPOT_POLICY
            .check(&scalar_input(&v))
            .map(|s| Some(J::s(s)))
            .map_err(e),
        "retry" => policies::parse_retry(&v)
            .map(|r| {
                Some(match (&v, r) {
                    (Value::Scalar(ScalarValue::Null), _) => J::Null,
                    (Value::Scalar(_), r) => J::Bool(r.is_some()),
                    (_, Some(r)) => J::obj(vec![
                        (
                            "on_events",
                            opt(&r.on_events, |ev| {
                                J::Arr(ev.iter().map(|x| J::s(x)).collect())
                            }),
                        ),
                        ("duration", J::opt_i(r.duration)),
                    ]),
                    (_, None) => J::Null,
                })
            })
            .map_err(e),
        "utilization_policy" => policies::parse_utilization_policy(&v)
            .map(|(u, w)| {
                Some(J::obj(vec![
                    ("min_gpu_utilization", J::Int(u)),
                    ("time_window", J::Int(w)),
                ]))
            })
            .map_err(e),
        "scaling" => policies::parse_scaling(&v)
            .map(|s| {
                Some(J::obj(vec![
                    ("metric", J::s("rps")),
                    ("target", J::Float(s.target)),
                    ("window", J::opt_i(s.window)),
                    ("scale_up_delay", J::Int(s.scale_up_delay)),
                    ("scale_down_delay", J::Int(s.scale_down_delay)),
                ]))
            })
            .map_err(e),
        "schedule" => match v.get("cron") {
            Some(c) => schedule::parse_cron_value(c)
                .map(|list| {
                    Some(J::obj(vec![(
                        "cron",
                        J::Arr(list.iter().map(|s| J::s(s)).collect()),
                    )]))
                })
                .map_err(e),
            None => Err("`cron` is required".into()),
        },
        "python" => python::parse(&scalar_input(&v))
            .map(|p| Some(J::s(p)))
            .map_err(e),
        "env" => env::parse_value(&v)
            .map(|vars| {
                Some(J::Obj(
                    vars.into_iter()
                        .map(|var| {
                            let val = match var.value {
                                env::EnvValue::Value(s) => J::Str(s),
                                env::EnvValue::PassThrough(from) => {
                                    J::obj(vec![("key", J::s(&from))])
                                }
                            };
                            (var.key, val)
                        })
                        .collect(),
                ))
            })
            .map_err(e),
        _ => return None,
    };
    Some(out)
}

/// Does `mine` agree with dstack's `expected`? Object keys absent from `expected` are not compared.
pub fn agrees(expected: &J, mine: &J) -> bool {
    match (expected, mine) {
        (J::Obj(e), J::Obj(_)) => e
            .iter()
            .all(|(k, ev)| agrees(ev, mine.get(k).unwrap_or(&J::Null))),
        (J::Arr(a), J::Arr(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| agrees(x, y)),
        (J::Int(a), J::Float(b)) | (J::Float(b), J::Int(a)) => (*a as f64 - b).abs() < 1e-9,
        (J::Float(a), J::Float(b)) => (a.is_nan() && b.is_nan()) || (a - b).abs() < 1e-9 || a == b,
        (a, b) => a == b,
    }
}

pub fn show(j: &J) -> String {
    match j {
        J::Null => "null".into(),
        J::Bool(b) => b.to_string(),
        J::Int(i) => i.to_string(),
        J::Float(f) => format!("{f:?}"),
        J::Str(s) => format!("{s:?}"),
        J::Arr(a) => format!("[{}]", a.iter().map(show).collect::<Vec<_>>().join(", ")),
        J::Obj(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{k:?}: {}", show(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Per-kind counts.
#[derive(Default, Debug)]
pub struct Tally {
    pub cases: usize,
    pub verdicts: usize,
    pub values_compared: usize,
    pub values: usize,
}

/// Result of comparing a whole file.
#[derive(Default, Debug)]
pub struct Report {
    pub per_kind: BTreeMap<String, Tally>,
    pub skipped: BTreeMap<String, usize>,
    pub disagreements: Vec<String>,
    /// Agreeing cases, described (for `--verbose`).
    pub agreements: Vec<String>,
}

impl Report {
    pub fn totals(&self) -> (usize, usize, usize, usize) {
        self.per_kind
            .values()
            .fold((0, 0, 0, 0), |(c, v, vc, vv), t| {
                (
                    c + t.cases,
                    v + t.verdicts,
                    vc + t.values_compared,
                    vv + t.values,
                )
            })
    }

    /// The table printed by the example.
    pub fn render(&self) -> String {
        let mut out = format!(
            "{:<24} {:>5} {:>9} {:>13}\n",
            "kind", "cases", "verdicts", "values"
        );
        for (kind, t) in &self.per_kind {
            out.push_str(&format!(
                "{kind:<24} {:>5} {:>9} {:>13}\n",
                t.cases,
                t.verdicts,
                format!("{}/{}", t.values, t.values_compared)
            ));
        }
        let (c, v, vc, vv) = self.totals();
        out.push_str(&format!(
            "{:<24} {c:>5} {v:>9} {:>13}\n",
            "TOTAL",
            format!("{vv}/{vc}")
        ));
        let n_skipped: usize = self.skipped.values().sum();
        out.push_str(&format!(
            "skipped (whole-configuration kinds): {n_skipped}{}\n",
            if self.skipped.is_empty() {
                String::new()
            } else {
                format!(
                    " — {}",
                    self.skipped
                        .iter()
                        .map(|(k, n)| format!("{k} {n}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        ));
        out.push_str(&format!(
            "verdict agreement: {v}/{c} ({:.1}%); value agreement: {vv}/{vc}\n",
            if c == 0 {
                100.0
            } else {
                100.0 * v as f64 / c as f64
            }
        ));
        if self.disagreements.is_empty() {
            out.push_str("no disagreements\n");
        } else {
            out.push_str(&format!("disagreements ({}):\n", self.disagreements.len()));
            for d in &self.disagreements {
                out.push_str(&format!("  {d}\n"));
            }
        }
        out
    }
}

/// Compares every line of a verdict file.
pub fn compare(text: &str) -> Report {
    let mut report = Report::default();
    for (lineno, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let case = match parse_json(line) {
            Ok(c) => c,
            Err(err) => {
                report
                    .disagreements
                    .push(format!("line {}: bad JSON: {err}", lineno + 1));
                continue;
            }
        };
        let kind = match case.get("kind") {
            Some(J::Str(k)) => k.clone(),
            _ => continue,
        };
        let input = case.get("input").cloned().unwrap_or(J::Null);
        let ok = case.get("ok") == Some(&J::Bool(true));
        let Some(outcome) = run(&kind, &input) else {
            *report.skipped.entry(kind).or_default() += 1;
            continue;
        };
        let t = report.per_kind.entry(kind.clone()).or_default();
        t.cases += 1;
        let verdict_ok = outcome.is_ok() == ok;
        if verdict_ok {
            t.verdicts += 1;
        }
        let mut value_note = String::new();
        if let (true, Ok(Some(mine)), Some(expected)) = (ok, &outcome, case.get("expected")) {
            t.values_compared += 1;
            if agrees(expected, mine) {
                t.values += 1;
            } else {
                value_note = format!(
                    "value differs: dstack {} vs ours {}",
                    show(expected),
                    show(mine)
                );
            }
        }
        let line_desc = format!("line {} [{kind}] input {}", lineno + 1, show(&input));
        if !verdict_ok {
            let ours = match &outcome {
                Ok(_) => "accepted".to_string(),
                Err(msg) => format!("rejected: {msg}"),
            };
            report.disagreements.push(format!(
                "{line_desc}: dstack {}, ours {ours}",
                if ok { "accepts" } else { "rejects" }
            ));
        } else if !value_note.is_empty() {
            report
                .disagreements
                .push(format!("{line_desc}: {value_note}"));
        } else {
            let ours = match &outcome {
                Ok(Some(j)) => format!("accepted {}", show(j)),
                Ok(None) => "accepted".to_string(),
                Err(msg) => format!("rejected: {msg}"),
            };
            report.agreements.push(format!("{line_desc}: {ours}"));
        }
    }
    report
}
