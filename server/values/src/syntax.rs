//! The one table of dstack's named value syntaxes (the `syntax` names of dstack-model: `gpu`,
//! `memory-range`, `off-duration`, …). For each [`Syntax`] it says which parser judges a value, what
//! hover says about it, what completion proposes, and whether the parser is dstack's whole validator.
//! Every part is an exhaustive `match`, so a new variant does not compile until it has them all.
//!
//! Callers hand values in through [`Source`]: the scalar when there is one, and the whole tree only
//! when a syntax asks for it (mapping and list forms), so a large mapping is never copied for nothing.

use crate::cpu::CpuSpec;
use crate::duration::Setting;
use crate::gpu::GpuSpec;
use crate::range::{IntRange, MemoryRange};
use crate::{
    Input, Value, ValueCompletion, ValueError, compute_capability, cpu, duration, entity_ref, env,
    files, gpu, grammars, memory, names, nodes, ports, range, repos, schedule, user, volume,
};

/// A named value syntax of dstack-model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Syntax {
    Gpu,
    Cpu,
    Memory,
    MemoryRange,
    IntRange,
    Duration,
    OffDuration,
    IdleDuration,
    VolumeMount,
    PortMapping,
    ServicePort,
    Env,
    Python,
    EntityRef,
    User,
    Cron,
    Tags,
    Repo,
    FileMapping,
    FleetNodes,
    ComputeCapability,
    ResourceName,
    GroupName,
    Shell,
    AbsolutePath,
    UrlPath,
    Command,
    IpNetwork,
    IpAddress,
    UrlPrefix,
    HeaderName,
}

/// What a syntax parser made of a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    Gpu(GpuSpec),
    Cpu(CpuSpec),
    /// A size in GB.
    Memory(f64),
    MemoryRange(MemoryRange),
    IntRange(IntRange),
    /// A plain duration in seconds.
    Seconds(i128),
    /// An off-able or idle duration.
    Duration(Setting),
    ComputeCapability((i128, i128)),
    Port(ports::PortMapping),
    ServicePort(ports::PortMapping),
    Mount(volume::MountPoint),
    Env(env::EnvVar),
    User(user::UnixUser),
    Repo(repos::RepoSpec),
    File(files::FileMapping),
    Reference(entity_ref::EntityRef),
    FleetNodes(nodes::FleetNodes),
    Cron(String),
    /// Valid, or left to another check; nothing more specific to report.
    Valid,
}

/// What completion proposes for a syntax.
#[derive(Clone, Copy)]
pub enum Proposals {
    /// Nothing: the value is free text or checked elsewhere.
    None,
    /// The syntax's own completer (`partial` is the text typed so far).
    Own(fn(&str) -> Vec<ValueCompletion>),
    /// The examples the model lists for the syntax.
    Examples,
    /// The own completer, or the model's examples when it has nothing.
    OwnElseExamples(fn(&str) -> Vec<ValueCompletion>),
}

/// A value to judge: its scalar, and the whole tree built on demand.
pub trait Source {
    /// The scalar (`None` for mappings, lists and broken nodes).
    fn scalar(&self) -> Option<Input<'_>>;
    /// The whole value as a tree (only called by syntaxes with a mapping or list form).
    fn tree(&self) -> Value;
}

impl Source for Value {
    fn scalar(&self) -> Option<Input<'_>> {
        self.as_input()
    }
    fn tree(&self) -> Value {
        self.clone()
    }
}

impl Syntax {
    /// Every syntax, in the model's order.
    pub const ALL: [Syntax; 31] = [
        Syntax::Gpu,
        Syntax::Cpu,
        Syntax::Memory,
        Syntax::MemoryRange,
        Syntax::IntRange,
        Syntax::Duration,
        Syntax::OffDuration,
        Syntax::IdleDuration,
        Syntax::VolumeMount,
        Syntax::PortMapping,
        Syntax::ServicePort,
        Syntax::Env,
        Syntax::Python,
        Syntax::EntityRef,
        Syntax::User,
        Syntax::Cron,
        Syntax::Tags,
        Syntax::Repo,
        Syntax::FileMapping,
        Syntax::FleetNodes,
        Syntax::ComputeCapability,
        Syntax::ResourceName,
        Syntax::GroupName,
        Syntax::Shell,
        Syntax::AbsolutePath,
        Syntax::UrlPath,
        Syntax::Command,
        Syntax::IpNetwork,
        Syntax::IpAddress,
        Syntax::UrlPrefix,
        Syntax::HeaderName,
    ];

    /// The model's name for the syntax.
    pub fn name(self) -> &'static str {
        match self {
            Syntax::Gpu => "gpu",
            Syntax::Cpu => "cpu",
            Syntax::Memory => "memory",
            Syntax::MemoryRange => "memory-range",
            Syntax::IntRange => "int-range",
            Syntax::Duration => "duration",
            Syntax::OffDuration => "off-duration",
            Syntax::IdleDuration => "idle-duration",
            Syntax::VolumeMount => "volume-mount",
            Syntax::PortMapping => "port-mapping",
            Syntax::ServicePort => "service-port",
            Syntax::Env => "env",
            Syntax::Python => "python",
            Syntax::EntityRef => "entity-ref",
            Syntax::User => "user",
            Syntax::Cron => "cron",
            Syntax::Tags => "tags",
            Syntax::Repo => "repo",
            Syntax::FileMapping => "file-mapping",
            Syntax::FleetNodes => "fleet-nodes",
            Syntax::ComputeCapability => "compute-capability",
            Syntax::ResourceName => "resource-name",
            Syntax::GroupName => "group-name",
            Syntax::Shell => "shell",
            Syntax::AbsolutePath => "absolute-path",
            Syntax::UrlPath => "url-path",
            Syntax::Command => "command",
            Syntax::IpNetwork => "ip-network",
            Syntax::IpAddress => "ip-address",
            Syntax::UrlPrefix => "url-prefix",
            Syntax::HeaderName => "header-name",
        }
    }

    /// The syntax the model calls `name`.
    pub fn from_name(name: &str) -> Option<Syntax> {
        Syntax::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Parses the value. `null` and YAML types a string syntax does not take are left to the
    /// model's shapes (`Valid`); numbers reach string syntaxes as their text (pydantic's
    /// `coerce_numbers_to_str`).
    pub fn parse(self, source: &dyn Source) -> Result<Parsed, ValueError> {
        let scalar = source.scalar();
        let text = scalar.as_ref().and_then(coerced_text);
        let text = text.as_deref();
        let str_input = text.map(Input::Str);
        match self {
            Syntax::Gpu => either(source, gpu::parse, gpu::parse_value).map(Parsed::Gpu),
            Syntax::Cpu => either(source, cpu::parse, cpu::parse_value).map(Parsed::Cpu),
            Syntax::Memory => on_text(scalar, |i| memory::parse(&i).map(Parsed::Memory)),
            Syntax::MemoryRange => either(source, range::parse_memory, range::parse_memory_value)
                .map(Parsed::MemoryRange),
            Syntax::IntRange => {
                either(source, range::parse_int, range::parse_int_value).map(Parsed::IntRange)
            }
            Syntax::Duration => on_text(scalar, |i| duration::parse(&i).map(Parsed::Seconds)),
            Syntax::OffDuration => on_text(scalar, |i| {
                duration::parse_offable(&i).map(Parsed::Duration)
            }),
            Syntax::IdleDuration => {
                on_text(scalar, |i| duration::parse_idle(&i).map(Parsed::Duration))
            }
            Syntax::ComputeCapability => either(
                source,
                compute_capability::parse,
                compute_capability::parse_value,
            )
            .map(Parsed::ComputeCapability),
            Syntax::PortMapping => {
                either(source, ports::parse, ports::parse_value).map(Parsed::Port)
            }
            Syntax::ServicePort => {
                ports::parse_service_port(&source.tree()).map(Parsed::ServicePort)
            }
            Syntax::FleetNodes => nodes::parse_value(&source.tree()).map(Parsed::FleetNodes),
            Syntax::VolumeMount => on_text(str_input, |t| volume::parse(&t).map(Parsed::Mount)),
            Syntax::Env => on_text(str_input, |t| env::parse_item(&t).map(Parsed::Env)),
            Syntax::EntityRef => {
                on_text(str_input, |t| entity_ref::parse(&t).map(Parsed::Reference))
            }
            Syntax::User => on_text(str_input, |t| user::parse(&t).map(Parsed::User)),
            Syntax::Cron => on_text(text, |t| {
                schedule::check_cron(t).map(|()| Parsed::Cron(t.to_string()))
            }),
            Syntax::Repo => on_text(str_input, |t| repos::parse(&t).map(Parsed::Repo)),
            Syntax::FileMapping => on_text(str_input, |t| files::parse(&t).map(Parsed::File)),
            Syntax::GroupName => on_text(text, |t| names::check_group_name(t).map(valid)),
            Syntax::Shell => on_text(str_input, |t| crate::enums::check_shell(&t).map(valid)),
            Syntax::Tags => on_text(text, |t| grammars::tag_value(t).map(valid)),
            Syntax::AbsolutePath => on_text(text, |t| grammars::absolute_path(t).map(valid)),
            Syntax::UrlPath => on_text(text, |t| grammars::url_path(t).map(valid)),
            Syntax::IpNetwork => on_text(text, |t| grammars::ip_network(t).map(valid)),
            Syntax::IpAddress => on_text(text, |t| grammars::ip_address(t).map(valid)),
            Syntax::UrlPrefix => on_text(text, |t| grammars::url_prefix(t).map(valid)),
            Syntax::HeaderName => on_text(text, |t| grammars::header_name(t).map(valid)),
            // Checked where the value is used: names by the server (warnings), versions by the
            // model's enum, commands by the interpolation rules.
            Syntax::ResourceName | Syntax::Python | Syntax::Command => Ok(Parsed::Valid),
        }
    }

    /// What dstack will understand from a valid value, in words (`None` when invalid or when there
    /// is nothing to add; a reference's wording depends on its place, see [`Syntax::hover`]).
    pub fn describe(self, source: &dyn Source) -> Option<String> {
        describe_parsed(self.parse(source).ok()?)
    }

    /// Hover text for a value: the description, the parser's error, or `None` when the syntax has
    /// nothing to say. `referent` names what an entity reference points at (`fleet`, `gateway`).
    pub fn hover(self, source: &dyn Source, referent: &str) -> Option<Result<String, ValueError>> {
        let parsed = match self.parse(source) {
            Ok(p) => p,
            Err(e) => return Some(Err(e)),
        };
        if let Some(text) = describe_parsed(parsed) {
            return Some(Ok(text));
        }
        // Scalars the parser leaves to the model (a boolean where a mount is expected, …): their
        // own parser explains them, or says why they do not fit.
        let input = source.scalar()?;
        let res = match self {
            Syntax::VolumeMount => volume::parse(&input).map(|m| volume::describe(&m)),
            Syntax::PortMapping => ports::parse(&input).map(|m| ports::describe(&m)),
            Syntax::ServicePort => {
                ports::parse_service_port(&Value::from(input)).map(|m| ports::describe_service(&m))
            }
            Syntax::Env => env::parse_item(&input).map(|e| env::describe(&e)),
            Syntax::FleetNodes => {
                nodes::parse_value(&Value::from(input)).map(|n| nodes::describe(&n))
            }
            // `gateway` also takes `true`/`false`, which the gateway parser explains.
            Syntax::EntityRef if referent == "gateway" => {
                entity_ref::parse_gateway(&Value::from(input))
                    .map(|(g, _)| entity_ref::describe_gateway(&g))
            }
            Syntax::EntityRef => {
                entity_ref::parse(&input).map(|r| entity_ref::describe(&r, referent))
            }
            Syntax::User => user::parse(&input).map(|u| user::describe(&u)),
            Syntax::Repo => repos::parse(&input).map(|r| repos::describe(&r)),
            Syntax::FileMapping => files::parse(&input).map(|m| files::describe(&m)),
            Syntax::Cron => {
                let expr = input.as_str()?;
                schedule::check_cron(expr).map(|()| schedule::describe(expr))
            }
            Syntax::Gpu
            | Syntax::Cpu
            | Syntax::Memory
            | Syntax::MemoryRange
            | Syntax::IntRange
            | Syntax::Duration
            | Syntax::OffDuration
            | Syntax::IdleDuration
            | Syntax::Python
            | Syntax::Tags
            | Syntax::ComputeCapability
            | Syntax::ResourceName
            | Syntax::GroupName
            | Syntax::Shell
            | Syntax::AbsolutePath
            | Syntax::UrlPath
            | Syntax::Command
            | Syntax::IpNetwork
            | Syntax::IpAddress
            | Syntax::UrlPrefix
            | Syntax::HeaderName => return None,
        };
        Some(res)
    }

    /// What completion proposes for the syntax.
    pub fn proposals(self) -> Proposals {
        match self {
            Syntax::Gpu => Proposals::Own(gpu::complete),
            Syntax::Cpu => Proposals::Own(cpu::complete),
            Syntax::Memory => Proposals::Own(complete_size),
            Syntax::MemoryRange => Proposals::Own(range::complete_memory),
            Syntax::IntRange => Proposals::Own(range::complete_int),
            Syntax::FleetNodes => Proposals::Own(nodes::complete),
            Syntax::Cron => Proposals::Own(schedule::complete),
            Syntax::Duration => Proposals::Own(complete_duration),
            Syntax::OffDuration | Syntax::IdleDuration => Proposals::Own(complete_offable),
            Syntax::VolumeMount => Proposals::OwnElseExamples(volume::complete),
            Syntax::PortMapping | Syntax::ServicePort => Proposals::Own(ports::complete),
            Syntax::Env => Proposals::Own(env::complete),
            Syntax::Shell | Syntax::ComputeCapability => Proposals::Examples,
            Syntax::Python
            | Syntax::EntityRef
            | Syntax::User
            | Syntax::Tags
            | Syntax::Repo
            | Syntax::FileMapping
            | Syntax::ResourceName
            | Syntax::GroupName
            | Syntax::AbsolutePath
            | Syntax::UrlPath
            | Syntax::Command
            | Syntax::IpNetwork
            | Syntax::IpAddress
            | Syntax::UrlPrefix
            | Syntax::HeaderName => Proposals::None,
        }
    }

    /// The parser is dstack's whole validator for the value's scalar forms: numbers and booleans go
    /// through it too, not through a sibling `int` or `bool` form of the model.
    pub fn is_whole_validator(self) -> bool {
        match self {
            Syntax::Gpu
            | Syntax::Cpu
            | Syntax::Memory
            | Syntax::MemoryRange
            | Syntax::IntRange
            | Syntax::Duration
            | Syntax::OffDuration
            | Syntax::IdleDuration
            | Syntax::ComputeCapability
            | Syntax::FleetNodes => true,
            Syntax::VolumeMount
            | Syntax::PortMapping
            | Syntax::ServicePort
            | Syntax::Env
            | Syntax::Python
            | Syntax::EntityRef
            | Syntax::User
            | Syntax::Cron
            | Syntax::Tags
            | Syntax::Repo
            | Syntax::FileMapping
            | Syntax::ResourceName
            | Syntax::GroupName
            | Syntax::Shell
            | Syntax::AbsolutePath
            | Syntax::UrlPath
            | Syntax::Command
            | Syntax::IpNetwork
            | Syntax::IpAddress
            | Syntax::UrlPrefix
            | Syntax::HeaderName => false,
        }
    }

    /// List items whose dstack pre-validator turns only strings into objects: a number there is
    /// neither a string nor a mapping to pydantic (`files: [5]`).
    pub fn takes_only_strings(self) -> bool {
        matches!(
            self,
            Syntax::Env | Syntax::FileMapping | Syntax::Repo | Syntax::VolumeMount
        )
    }

    /// List items whose dstack pre-validator turns only integers and strings into objects: a float
    /// there is neither (`ports: [80.0]` is rejected; a service's `port: 80.0` is not a list item).
    pub fn takes_no_floats(self) -> bool {
        matches!(self, Syntax::PortMapping)
    }

    /// `{min, max}` mappings whose order (and emptiness) only the range parser checks.
    pub fn has_range_mapping(self) -> bool {
        matches!(
            self,
            Syntax::IntRange | Syntax::MemoryRange | Syntax::FleetNodes
        )
    }
}

fn valid<T>(_: T) -> Parsed {
    Parsed::Valid
}

/// The scalar form through `scalar`, a mapping or list through `tree`.
fn either<T>(
    source: &dyn Source,
    scalar: fn(&Input) -> Result<T, ValueError>,
    tree: fn(&Value) -> Result<T, ValueError>,
) -> Result<T, ValueError> {
    match source.scalar() {
        Some(i) => scalar(&i),
        None => tree(&source.tree()),
    }
}

/// Runs a parser on the value's scalar (or text); anything else is left to the model's shapes.
fn on_text<T>(
    text: Option<T>,
    parse: impl FnOnce(T) -> Result<Parsed, ValueError>,
) -> Result<Parsed, ValueError> {
    match text {
        Some(t) => parse(t),
        None => Ok(Parsed::Valid),
    }
}

/// The text a string field sees: strings as they are, numbers as Python prints them.
fn coerced_text(input: &Input) -> Option<String> {
    match *input {
        Input::Str(s) => Some(s.to_string()),
        Input::Int(i) => Some(i.to_string()),
        Input::Float(f) => Some(crate::py::py_float_repr(f)),
        _ => None,
    }
}

fn describe_parsed(parsed: Parsed) -> Option<String> {
    Some(match parsed {
        Parsed::Gpu(spec) => gpu::describe(&spec),
        Parsed::Cpu(spec) => cpu::describe(&spec),
        Parsed::Memory(gb) => memory::describe(gb),
        Parsed::MemoryRange(r) => range::describe_memory(&r),
        Parsed::IntRange(r) => range::describe_int(&r),
        Parsed::Seconds(s) => duration::describe(s),
        Parsed::Duration(s) => duration::describe_setting(s),
        Parsed::ComputeCapability(cc) => compute_capability::describe(cc),
        Parsed::Port(p) => ports::describe(&p),
        Parsed::ServicePort(p) => ports::describe_service(&p),
        Parsed::Mount(m) => volume::describe(&m),
        Parsed::Env(e) => env::describe(&e),
        Parsed::User(u) => user::describe(&u),
        Parsed::Repo(r) => repos::describe(&r),
        Parsed::File(f) => files::describe(&f),
        // A reference reads "gateway `x`" or "fleet `x`": see `Syntax::hover`.
        Parsed::Reference(_) => return None,
        Parsed::FleetNodes(n) => nodes::describe(&n),
        Parsed::Cron(c) => schedule::describe(&c),
        Parsed::Valid => return None,
    })
}

/// A single size: the range forms (`8GB..`) belong to `memory-range`.
fn complete_size(partial: &str) -> Vec<ValueCompletion> {
    let mut out = memory::complete(partial);
    out.retain(|c| !c.label.contains(".."));
    out
}

fn complete_duration(partial: &str) -> Vec<ValueCompletion> {
    duration::complete(partial, false)
}

fn complete_offable(partial: &str) -> Vec<ValueCompletion> {
    duration::complete(partial, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ScalarValue;
    use expect_test::expect;

    fn hover(syntax: Syntax, value: Value) -> String {
        match syntax.hover(&value, "fleet") {
            Some(Ok(s)) => s.lines().next().unwrap_or("").to_string(),
            Some(Err(e)) => format!("error: {e}"),
            None => "none".into(),
        }
    }

    #[test]
    fn names_round_trip() {
        for s in Syntax::ALL {
            assert_eq!(Syntax::from_name(s.name()), Some(s));
        }
        assert_eq!(Syntax::from_name("no-such-syntax"), None);
    }

    #[test]
    fn hovers_each_syntax() {
        let cases = [
            (Syntax::Gpu, Value::str("A100:80GB:2")),
            (Syntax::Cpu, Value::str("4..")),
            (Syntax::Memory, Value::str("512MB")),
            (Syntax::MemoryRange, Value::str("8GB..")),
            (Syntax::IntRange, Value::str("1..4")),
            (Syntax::FleetNodes, Value::str("0..2")),
            (Syntax::Duration, Value::str("1h30")),
            (Syntax::Duration, Value::str("90m")),
            (Syntax::OffDuration, Value::bool(false)),
            (Syntax::IdleDuration, Value::int(-1)),
            (Syntax::VolumeMount, Value::str("my-vol:/data")),
            (Syntax::VolumeMount, Value::bool(true)),
            (Syntax::PortMapping, Value::str("*:8888")),
            (Syntax::ServicePort, Value::int(8000)),
            (Syntax::Env, Value::str("HF_TOKEN")),
            (Syntax::Python, Value::Scalar(ScalarValue::Float(3.1))),
            (Syntax::EntityRef, Value::str("main/gw")),
            (Syntax::User, Value::int(1000)),
            (Syntax::Cron, Value::str("0 9 * * mon-fri")),
            (
                Syntax::Repo,
                Value::str("https://github.com/org/repo:/repo"),
            ),
            (
                Syntax::FileMapping,
                Value::str("config.yaml:/app/config.yaml"),
            ),
            (Syntax::ComputeCapability, Value::str("8.0")),
            (Syntax::ResourceName, Value::str("My-run")),
            (Syntax::GroupName, Value::str("Prefill")),
            (Syntax::Shell, Value::str("zsh")),
            (Syntax::Tags, Value::str("a|b")),
            (Syntax::AbsolutePath, Value::str("rel")),
            (Syntax::UrlPath, Value::str("health")),
            (Syntax::IpNetwork, Value::str("10.0.0.1/24")),
            (Syntax::IpAddress, Value::int(5)),
            (Syntax::UrlPrefix, Value::str("/v1 chat")),
            (Syntax::HeaderName, Value::str("X-API-Key")),
        ];
        let out: Vec<String> = cases
            .into_iter()
            .map(|(s, v)| format!("{}: {}", s.name(), hover(s, v)))
            .collect();
        expect![[r#"
            gpu: 2 × NVIDIA A100 with exactly 80 GB each
            cpu: at least 4 CPU cores, any architecture
            memory: exactly 512 MB
            memory-range: at least 8 GB
            int-range: 1 to 4
            fleet-nodes: 0 to 2 instances; 0 provisioned when the fleet is applied
            duration: error: cannot parse the duration `1h30`: write a whole number and one unit: s, m, h, d or w (example: `2h`)
            duration: 1 hour 30 minutes
            off-duration: off (no limit)
            idle-duration: off (no limit)
            volume-mount: network volume `my-vol` mounted at `/data`
            volume-mount: error: expected `name:/path` or `/host/path:/path`, got a boolean (example: `my-vol:/data`)
            port-mapping: container port 8888 forwarded to any free local port
            service-port: the service listens on container port 8000
            env: `HF_TOKEN` is taken from the environment where `dstack apply` runs; it must be set there
            python: none
            entity-ref: fleet `gw` of project `main`
            user: runs as user id 1000
            cron: cron (UTC): minute `0`, hour `9`, day `*`, month `*`, weekday `mon-fri` (0 = Monday)
            repo: Git repo `https://github.com/org/repo` checked out to `/repo`
            file-mapping: local `config.yaml` is uploaded to `/app/config.yaml` in the container (relative local paths start at the configuration's folder)
            compute-capability: compute capability 8.0 or newer (NVIDIA GPUs only)
            resource-name: none
            group-name: error: invalid group name `Prefill`: 1–40 lowercase letters, digits and `-`, starting with a letter or digit (example: `prefill`)
            shell: error: `zsh` is not a valid shell: use `sh`, `bash` or an absolute path such as `/bin/zsh` (example: `bash`)
            tags: error: `a|b` is not a valid tag value: use at most 256 letters, digits, spaces and `.:/=_-+@` (example: `team: ml-research`)
            absolute-path: error: `rel` must be an absolute path (start with `/`) (example: `/workflow`)
            url-path: error: `health` must be a path starting with `/` (example: `/health`)
            ip-network: error: `10.0.0.1/24` has host bits set (example: `10.0.0.0/24`)
            ip-address: error: `5` is not an IP address (example: `10.0.0.5`)
            url-prefix: error: `/v1 chat` must be a URL path starting with `/`, without spaces, `\`, `{` or `}` (example: `/v1/chat`)
            header-name: none"#]]
        .assert_eq(&out.join("\n"));
    }

    #[test]
    fn proposals_and_flags() {
        let labels = |s: Syntax, p: &str| match s.proposals() {
            Proposals::Own(f) | Proposals::OwnElseExamples(f) => f(p)
                .into_iter()
                .map(|c| c.label)
                .collect::<Vec<_>>()
                .join(" "),
            Proposals::Examples => "examples".into(),
            Proposals::None => "none".into(),
        };
        expect![[r#"off 30s 5m 10m 30m 1h 2h 6h 12h 1d 3d 1w"#]]
            .assert_eq(&labels(Syntax::OffDuration, ""));
        assert!(!labels(Syntax::Memory, "").contains(".."));
        assert_eq!(labels(Syntax::Shell, ""), "examples");
        assert_eq!(labels(Syntax::Command, ""), "none");
        assert!(Syntax::Gpu.is_whole_validator() && !Syntax::Env.is_whole_validator());
        assert!(Syntax::Repo.takes_only_strings() && !Syntax::Gpu.takes_only_strings());
    }
}
