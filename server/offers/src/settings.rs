//! Which backends a dstack server has and how they are configured, as far as offers are
//! concerned (`~/.dstack/server/config.yml`: `projects[].backends[]` with `type`, `regions`,
//! `tpu`, `community_cloud`, `experimental_instance_types`). Without a server config every
//! catalog provider counts, each with its backend's defaults.

use dstack_syntax::{Node, Parse, ScalarValue};

/// One configured backend.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct BackendConfig {
    /// dstack backend type (`aws`, `gcp`, `lambda`, `runpod`, `datacrunch`, …).
    pub backend: String,
    /// `regions`; `None` = the backend's default list (or every region it has).
    pub regions: Option<Vec<String>>,
    /// GCP `tpu` (default off).
    pub tpu: Option<bool>,
    /// Runpod / Vast.ai `community_cloud` (Runpod default off, Vast.ai default on).
    pub community_cloud: Option<bool>,
    /// AWS / OCI `experimental_instance_types`: extra instance types to allow.
    pub experimental_instance_types: Option<Vec<String>>,
}

/// The server's backends. `backends: None` means "unknown": every provider in the catalog,
/// with defaults.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct BackendSettings {
    pub backends: Option<Vec<BackendConfig>>,
}

impl BackendSettings {
    /// Settings for one backend: its configured entry, a default entry when the server config
    /// is unknown, `None` when the server config does not list it.
    pub fn get(&self, backend: &str) -> Option<BackendConfig> {
        match &self.backends {
            None => Some(BackendConfig {
                backend: backend.to_string(),
                ..BackendConfig::default()
            }),
            Some(list) => list.iter().find(|b| b.backend == backend).cloned(),
        }
    }

    /// Builds settings from the text of `~/.dstack/server/config.yml`, for `project` (or the
    /// project named `main`, or the first one). A file without projects gives unknown settings.
    pub fn from_server_config(text: &str, project: Option<&str>) -> BackendSettings {
        let parse = dstack_syntax::parse(text);
        let Some(root) = &parse.root else {
            return BackendSettings::default();
        };
        let Some(projects) = get(&parse, root, "projects").and_then(|p| p.as_sequence()) else {
            return BackendSettings::default();
        };
        let name_of = |p: &Node| get(&parse, p, "name").and_then(|n| text_of(&parse, n));
        let wanted = project.unwrap_or("main");
        let chosen = projects
            .iter()
            .find(|p| name_of(p).as_deref() == Some(wanted))
            .or_else(|| {
                if project.is_none() {
                    projects.first()
                } else {
                    None
                }
            });
        let Some(chosen) = chosen else {
            return BackendSettings::default();
        };
        let mut out = Vec::new();
        let backends = get(&parse, chosen, "backends").and_then(|b| b.as_sequence());
        for b in backends.unwrap_or(&[]) {
            let Some(kind) = get(&parse, b, "type").and_then(|t| text_of(&parse, t)) else {
                continue;
            };
            out.push(BackendConfig {
                backend: kind.to_ascii_lowercase(),
                regions: get(&parse, b, "regions").and_then(|r| list_of(&parse, r)),
                tpu: get(&parse, b, "tpu").and_then(bool_of),
                community_cloud: get(&parse, b, "community_cloud").and_then(bool_of),
                experimental_instance_types: get(&parse, b, "experimental_instance_types")
                    .and_then(|r| list_of(&parse, r)),
            });
        }
        BackendSettings {
            backends: Some(out),
        }
    }
}

fn get<'a>(parse: &'a Parse, map: &'a Node, key: &str) -> Option<&'a Node> {
    parse
        .entries(map)
        .into_iter()
        .find(|(k, _)| k.key_text() == Some(key))
        .map(|(_, v)| parse.resolve(v))
}

fn text_of(parse: &Parse, node: &Node) -> Option<String> {
    let s = parse.resolve(node).as_scalar()?;
    match &s.value {
        ScalarValue::Null => None,
        _ => Some(s.text.clone()),
    }
}

fn bool_of(node: &Node) -> Option<bool> {
    match node.as_scalar()?.value {
        ScalarValue::Bool(b) => Some(b),
        _ => None,
    }
}

fn list_of(parse: &Parse, node: &Node) -> Option<Vec<String>> {
    let seq = parse.resolve(node).as_sequence()?;
    Some(seq.iter().filter_map(|n| text_of(parse, n)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_settings_allow_every_backend() {
        let s = BackendSettings::default();
        assert_eq!(s.get("aws").map(|b| b.backend), Some("aws".to_string()));
        let listed = BackendSettings {
            backends: Some(vec![BackendConfig {
                backend: "gcp".into(),
                tpu: Some(true),
                ..BackendConfig::default()
            }]),
        };
        assert_eq!(listed.get("aws"), None);
        assert_eq!(listed.get("gcp").and_then(|b| b.tpu), Some(true));
    }

    #[test]
    fn reads_server_config() {
        let text = "projects:\n- name: other\n  backends:\n  - type: aws\n- name: main\n  backends:\n  - type: gcp\n    project_id: p\n    regions: [us-central1, europe-west4]\n    tpu: true\n  - type: runpod\n    community_cloud: yes\n";
        let s = BackendSettings::from_server_config(text, None);
        let backends = s.backends.unwrap_or_default();
        let got: Vec<String> = backends.iter().map(|b| format!("{b:?}")).collect();
        expect_test::expect![[r#"
            [
                "BackendConfig { backend: \"gcp\", regions: Some([\"us-central1\", \"europe-west4\"]), tpu: Some(true), community_cloud: None, experimental_instance_types: None }",
                "BackendConfig { backend: \"runpod\", regions: None, tpu: None, community_cloud: Some(true), experimental_instance_types: None }",
            ]
        "#]]
        .assert_debug_eq(&got);
        // A file without projects, or a project that is not there: unknown settings.
        assert_eq!(
            BackendSettings::from_server_config("port: 3000\n", None).backends,
            None
        );
        assert_eq!(
            BackendSettings::from_server_config(text, Some("nope")).backends,
            None
        );
        let other = BackendSettings::from_server_config(text, Some("other"));
        assert_eq!(other.get("aws").map(|b| b.backend), Some("aws".to_string()));
        assert_eq!(other.get("gcp"), None);
    }
}
