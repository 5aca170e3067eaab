//! `${{ namespace.name }}` references and which namespaces each place resolves.
//!
//! The grammar: `${{`, a name, `}}` (whitespace around the name is ignored). A name has exactly one `.`, both
//! sides start with a letter or `_`, and only letters, digits, `_` follow. `$$` escapes a `$`. `${VAR}` and `$VAR`
//! are left alone for the shell. Namespaces handled later ("deferred") are kept as they are after a check.

use crate::{ValueCompletion, ValueError, code};

/// How a deferred namespace is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// The usual `namespace.name` rule.
    Name,
    /// `groups[i].nodes[j].IP_ADDRESS` or `groups[i].replicas[j].IP_ADDRESS`.
    GroupsIp,
}

/// A configurable interpolator mirroring dstack's.
#[derive(Debug, Clone, Default)]
pub struct Interpolator {
    /// Known `namespace.name` → value.
    pub variables: Vec<(String, String)>,
    /// Namespaces left for later, with their check.
    pub skip: Vec<(String, Skip)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefStatus {
    Resolved,
    Deferred,
    Missing,
}

/// One `${{ … }}` occurrence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub name: String,
    /// Byte range of the whole `${{ … }}`.
    pub range: (u32, u32),
    pub status: RefStatus,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpolated {
    pub text: String,
    pub references: Vec<Reference>,
}

impl Interpolated {
    pub fn missing(&self) -> impl Iterator<Item = &Reference> {
        self.references
            .iter()
            .filter(|r| r.status == RefStatus::Missing)
    }
}

impl Interpolator {
    /// Substitutes known names and records the rest; errors on an unclosed `${{` or an illegal name.
    /// Missing names are not errors here (see [`check`]).
    pub fn interpolate(&self, s: &str) -> Result<Interpolated, ValueError> {
        let mut text = String::new();
        let mut references = Vec::new();
        let mut start = 0;
        // Same scan as dstack: find a `$`; `$$` emits one `$`; otherwise jump to the next `${{` from `start`.
        while start < s.len() {
            let Some(dollar) = s[start..].find('$').map(|i| i + start) else {
                text.push_str(&s[start..]);
                break;
            };
            if dollar == s.len() - 1 {
                text.push_str(&s[start..]);
                break;
            }
            if s.as_bytes().get(dollar + 1) == Some(&b'$') {
                text.push_str(&s[start..=dollar]);
                start = dollar + 2;
                continue;
            }
            let Some(opening) = s[start..].find("${{").map(|i| i + start) else {
                text.push_str(&s[start..]);
                break;
            };
            text.push_str(&s[start..opening]);
            let Some(closing) = s[opening..].find("}}").map(|i| i + opening) else {
                return Err(ValueError::new(
                    "interpolation",
                    "`${{` is not closed: add `}}` (or write `$${{` for a literal `${{`)",
                )
                .example("${{ secrets.HF_TOKEN }}")
                .at(opening, s.len()));
            };
            let end = closing + 2;
            let name = s[opening + 3..closing].trim_matches(crate::py::is_py_space);
            let range = (opening as u32, end as u32);
            let root = namespace_root(name);
            let status = if let Some((_, rule)) = self.skip.iter().find(|(ns, _)| ns == root) {
                let ok = match rule {
                    Skip::Name => is_valid_name(name),
                    Skip::GroupsIp => is_groups_ip_ref(name),
                };
                if !ok {
                    return Err(illegal(name, *rule).at(opening, end));
                }
                text.push_str(&s[opening..end]);
                RefStatus::Deferred
            } else if !is_valid_name(name) {
                return Err(illegal(name, Skip::Name).at(opening, end));
            } else if let Some((_, v)) = self.variables.iter().find(|(k, _)| k == name) {
                text.push_str(v);
                RefStatus::Resolved
            } else {
                RefStatus::Missing
            };
            references.push(Reference {
                name: name.to_string(),
                range,
                status,
            });
            start = end;
        }
        Ok(Interpolated { text, references })
    }
}

fn illegal(name: &str, rule: Skip) -> ValueError {
    let msg = match rule {
        Skip::GroupsIp => format!(
            "illegal reference name {}: write `groups[i].nodes[j].IP_ADDRESS` or `groups[i].replicas[j].IP_ADDRESS`",
            code(name)
        ),
        Skip::Name => format!(
            "illegal reference name {}: a reference is `namespace.name`, each part starting with a letter or `_` and using only letters, digits and `_`",
            code(name)
        ),
    };
    ValueError::new("interpolation", msg).example("${{ secrets.HF_TOKEN }}")
}

/// `groups[0].nodes[0].IP_ADDRESS` → `groups`.
pub fn namespace_root(name: &str) -> &str {
    let first = name.split('.').next().unwrap_or("");
    first.split('[').next().unwrap_or("")
}

/// dstack's name rule: exactly one `.`, both sides non-empty and starting with a letter or `_`.
pub fn is_valid_name(s: &str) -> bool {
    let Some((ns, name)) = s.split_once('.') else {
        return false;
    };
    if name.contains('.') {
        return false;
    }
    let first_ok = |p: &str| {
        p.bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
    };
    let chars_ok = |p: &str| p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    first_ok(ns) && first_ok(name) && chars_ok(ns) && chars_ok(name)
}

/// `groups[i].(nodes|replicas)[j].IP_ADDRESS` (surrounding whitespace allowed).
pub fn is_groups_ip_ref(s: &str) -> bool {
    groups_ip_ref(s).is_some()
}

/// `(group index, "nodes"|"replicas", slot index)` of a groups IP reference.
pub fn groups_ip_ref(s: &str) -> Option<(u64, &str, u64)> {
    let s = s.trim_matches(crate::py::is_py_space);
    let rest = s.strip_prefix("groups[")?;
    let (group, rest) = rest.split_once("].")?;
    let (member, rest) = rest.split_once('[')?;
    let (slot, rest) = rest.split_once(']')?;
    if rest != ".IP_ADDRESS" || !matches!(member, "nodes" | "replicas") {
        return None;
    }
    let digits = |d: &str| {
        if !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()) {
            d.parse::<u64>().ok()
        } else {
            None
        }
    };
    Some((digits(group)?, member, digits(slot)?))
}

/// Where a string is interpolated, which decides the namespaces it may use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Context {
    /// `commands` (and groups' `commands`): `run.args`, `secrets.*`, groups IP refs.
    Commands,
    /// `registry_auth.username/password`, service `probes[]` url/body/header values: `env.*` from the
    /// configuration's `env` (the keys given here), and `secrets.*`.
    EnvRefs(Vec<String>),
    /// `env` values: only `secrets.*` (the server resolves them from project secrets).
    Secrets,
    /// Gateway `domain`: `run.project_name`.
    GatewayDomain,
    /// `volumes[].name`: `dstack.job_num`, `dstack.node_rank`.
    VolumeName,
}

impl Context {
    /// The interpolator dstack uses for this place. Values are placeholders; only names matter for checking.
    pub fn interpolator(&self) -> Interpolator {
        let vars = |names: &[&str]| {
            names
                .iter()
                .map(|n| (n.to_string(), String::new()))
                .collect()
        };
        match self {
            Context::Commands => Interpolator {
                variables: vars(&["run.args"]),
                skip: vec![
                    ("secrets".into(), Skip::Name),
                    ("groups".into(), Skip::GroupsIp),
                ],
            },
            Context::EnvRefs(keys) => Interpolator {
                variables: keys
                    .iter()
                    .map(|k| (format!("env.{k}"), String::new()))
                    .collect(),
                skip: vec![("secrets".into(), Skip::Name)],
            },
            Context::Secrets => Interpolator {
                variables: Vec::new(),
                skip: vec![("secrets".into(), Skip::Name)],
            },
            Context::GatewayDomain => Interpolator {
                variables: vars(&["run.project_name"]),
                skip: Vec::new(),
            },
            Context::VolumeName => Interpolator {
                variables: vars(&["dstack.job_num", "dstack.node_rank"]),
                skip: Vec::new(),
            },
        }
    }

    /// What this place accepts, for messages.
    #[cfg(feature = "oracle")]
    pub fn allowed(&self) -> &'static str {
        match self {
            Context::Commands => {
                "`${{ run.args }}`, `${{ secrets.NAME }}` and `${{ groups[i].nodes[j].IP_ADDRESS }}`"
            }
            Context::EnvRefs(_) => {
                "`${{ env.NAME }}` (a variable of this configuration's `env`) and `${{ secrets.NAME }}`"
            }
            Context::Secrets => "`${{ secrets.NAME }}`",
            Context::GatewayDomain => "`${{ run.project_name }}`",
            Context::VolumeName => "`${{ dstack.job_num }}` and `${{ dstack.node_rank }}`",
        }
    }
}

#[cfg(feature = "oracle")]
/// Checks a string as dstack does for `context` (its `interpolate_or_error`): unclosed `${{`, illegal names and
/// names that this place cannot resolve are errors, each with the range of the reference.
pub fn check(s: &str, context: &Context) -> Result<Interpolated, ValueError> {
    let res = context.interpolator().interpolate(s)?;
    if let Some(r) = res.missing().next() {
        let hint = if context == &Context::Commands && r.name.starts_with("env.") {
            "; the shell's `$NAME` works in commands".to_string()
        } else {
            String::new()
        };
        return Err(ValueError::new("interpolation", format!("{} cannot be resolved here: only {} are allowed{hint} (write `$${{{{` for a literal `${{{{`)", code(&r.name), context.allowed()))
            .example("${{ secrets.HF_TOKEN }}")
            .at(r.range.0 as usize, r.range.1 as usize));
    }
    Ok(res)
}

/// Every reference in `s` with group IP references deferred (what the server sees), or `None` when
/// the string does not interpolate.
pub fn references(s: &str) -> Option<Vec<Reference>> {
    // `commands`' scan: only names matter here, so its resolved `run.args` does no harm.
    Context::Commands
        .interpolator()
        .interpolate(s)
        .ok()
        .map(|i| i.references)
}

/// Hover text for a reference name.
pub fn describe_reference(name: &str) -> String {
    if let Some((g, member, slot)) = groups_ip_ref(name) {
        let what = if member == "nodes" { "node" } else { "replica" };
        return format!("IP address of {what} {slot} of group {g}, filled in by the dstack server");
    }
    match name.split_once('.') {
        Some(("secrets", s)) => format!(
            "the project secret {}, resolved by the dstack server (`dstack secret set {s} …`)",
            code(s)
        ),
        Some(("env", e)) => format!("the value of {} from this configuration's `env`", code(e)),
        Some(("run", "args")) => {
            "the extra arguments given to `dstack apply` after the configuration, shell-quoted"
                .to_string()
        }
        Some(("run", "project_name")) => "the name of the run's project".to_string(),
        Some(("dstack", "job_num")) => "the job number (0 for the first node)".to_string(),
        Some(("dstack", "node_rank")) => "the node rank in a multi-node task".to_string(),
        _ => format!("reference {}", code(name)),
    }
}

/// Names to propose inside `${{ … }}` for `context`; `partial` is the text typed after `${{ `.
pub fn complete(partial: &str, context: &Context) -> Vec<ValueCompletion> {
    let mut names: Vec<(String, &str)> = match context {
        Context::Commands => vec![
            ("run.args".into(), "extra `dstack apply` arguments"),
            ("secrets.".into(), "a project secret"),
            (
                "groups[0].nodes[0].IP_ADDRESS".into(),
                "IP of a task group's node",
            ),
            (
                "groups[0].replicas[0].IP_ADDRESS".into(),
                "IP of a service group's replica",
            ),
        ],
        Context::EnvRefs(keys) => {
            let mut v: Vec<(String, &str)> = keys
                .iter()
                .map(|k| (format!("env.{k}"), "from `env`"))
                .collect();
            v.push(("secrets.".into(), "a project secret"));
            v
        }
        Context::Secrets => vec![("secrets.".into(), "a project secret")],
        Context::GatewayDomain => vec![("run.project_name".into(), "the run's project")],
        Context::VolumeName => vec![
            ("dstack.job_num".into(), "job number"),
            ("dstack.node_rank".into(), "node rank"),
        ],
    };
    let p = partial.trim_start();
    names.retain(|(n, _)| n.starts_with(p));
    names
        .into_iter()
        .enumerate()
        .map(|(i, (n, d))| ValueCompletion::new(n, d, i as u32))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    fn run(s: &str, ctx: &Context) -> String {
        match check(s, ctx) {
            Ok(r) => format!(
                "ok {:?} {:?}",
                r.text,
                r.references
                    .iter()
                    .map(|r| (r.name.as_str(), r.status))
                    .collect::<Vec<_>>()
            ),
            Err(e) => format!("error {:?}: {e}", e.range),
        }
    }

    #[test]
    fn commands() {
        let c = Context::Commands;
        expect![[r#"ok "echo " [("run.args", Resolved)]"#]]
            .assert_eq(&run("echo ${{ run.args }}", &c));
        expect![[r#"ok "echo ${{ secrets.HF_TOKEN }}" [("secrets.HF_TOKEN", Deferred)]"#]]
            .assert_eq(&run("echo ${{ secrets.HF_TOKEN }}", &c));
        expect![[r#"ok "echo ${{ env.HOME }}" []"#]].assert_eq(&run("echo $${{ env.HOME }}", &c));
        expect![[r#"ok "echo ${HOME} $HOME" []"#]].assert_eq(&run("echo ${HOME} $HOME", &c));
        expect![[r#"ok "ray --address=${{ groups[0].nodes[0].IP_ADDRESS }}:6379" [("groups[0].nodes[0].IP_ADDRESS", Deferred)]"#]]
            .assert_eq(&run("ray --address=${{ groups[0].nodes[0].IP_ADDRESS }}:6379", &c));
        expect!["error Some((5, 20)): `env.HOME` cannot be resolved here: only `${{ run.args }}`, `${{ secrets.NAME }}` and `${{ groups[i].nodes[j].IP_ADDRESS }}` are allowed; the shell's `$NAME` works in commands (write `$${{` for a literal `${{`) (example: `${{ secrets.HF_TOKEN }}`)"]
            .assert_eq(&run("echo ${{ env.HOME }}", &c));
        expect![[r#"error Some((5, 23)): illegal reference name `secrets.a-b`: a reference is `namespace.name`, each part starting with a letter or `_` and using only letters, digits and `_` (example: `${{ secrets.HF_TOKEN }}`)"#]]
            .assert_eq(&run("echo ${{ secrets.a-b }}", &c));
        expect!["error Some((5, 17)): `${{` is not closed: add `}}` (or write `$${{` for a literal `${{`) (example: `${{ secrets.HF_TOKEN }}`)"].assert_eq(&run("echo ${{ run.args", &c));
        expect!["error Some((0, 28)): illegal reference name `groups[0].nodes[0].IP`: write `groups[i].nodes[j].IP_ADDRESS` or `groups[i].replicas[j].IP_ADDRESS` (example: `${{ secrets.HF_TOKEN }}`)"]
            .assert_eq(&run("${{ groups[0].nodes[0].IP }}", &c));
        assert!(run("${{ groups.prefill.nodes[0].IP_ADDRESS }}", &c).starts_with("error"));
        assert!(run("echo ${{ run.name }}", &c).starts_with("error"));
    }

    #[test]
    fn other_contexts() {
        let env = Context::EnvRefs(vec!["TOKEN".into()]);
        assert!(run("${{ env.TOKEN }}", &env).starts_with("ok"));
        assert!(run("${{ env.OTHER }}", &env).starts_with("error"));
        assert!(run("${{ secrets.x }}", &env).starts_with("ok"));
        assert!(
            run(
                "${{ run.project_name }}.example.com",
                &Context::GatewayDomain
            )
            .starts_with("ok")
        );
        assert!(run("${{ secrets.x }}.example.com", &Context::GatewayDomain).starts_with("error"));
        assert!(run("data-${{ dstack.node_rank }}", &Context::VolumeName).starts_with("ok"));
    }

    #[test]
    fn names() {
        assert!(is_valid_name("secrets.password"));
        assert!(!is_valid_name(".password"));
        assert!(!is_valid_name("password."));
        assert!(!is_valid_name("secrets.007"));
        assert!(!is_valid_name("secrets.password.hash"));
        assert_eq!(
            groups_ip_ref("groups[1].replicas[2].IP_ADDRESS"),
            Some((1, "replicas", 2))
        );
        assert!(!is_groups_ip_ref("groups[0].node[0].IP_ADDRESS"));
        expect![[r#"IP address of node 0 of group 1, filled in by the dstack server"#]]
            .assert_eq(&describe_reference("groups[1].nodes[0].IP_ADDRESS"));
        assert_eq!(
            complete("sec", &Context::Commands)
                .first()
                .map(|c| c.label.as_str()),
            Some("secrets.")
        );
    }
}
