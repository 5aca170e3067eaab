//! Client settings under the `dstack` section, from `initializationOptions` or
//! `workspace/didChangeConfiguration`. Unknown or ill-typed fields are ignored.

use serde_json::Value;

#[derive(Clone, Debug)]
pub struct Settings {
    pub offers_enabled: bool,
    pub catalog_path: Option<String>,
    pub live_enabled: bool,
    /// `dstack.log.level`: `off`, `error`, `warn`, `info`, `debug` or `trace`.
    pub log_level: Option<String>,
    /// `dstack.live.url` / `project` / `token`: override `~/.dstack/config.yml` and the env;
    /// `dstack.live.caFile`: an extra trusted CA bundle for https servers.
    pub live: crate::live::Overrides,
    /// `dstack.maxFileSize`: above this many bytes only the YAML syntax is checked.
    pub max_file_size: usize,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            offers_enabled: true,
            catalog_path: None,
            live_enabled: false,
            log_level: None,
            live: crate::live::Overrides::default(),
            max_file_size: dstack_ide::DEFAULT_MAX_FILE_SIZE,
        }
    }
}

impl Settings {
    /// Merge a settings object: either `{ "dstack": { … } }` or the section itself.
    pub fn update(&mut self, value: &Value) {
        let section = value.get("dstack").unwrap_or(value);
        let get = |dotted: &str| -> Option<&Value> {
            // Accept both nested (`offers: {enabled}`) and flat (`offers.enabled`) spellings.
            section.get(dotted).or_else(|| {
                let mut cur = section;
                for part in dotted.split('.') {
                    cur = cur.get(part)?;
                }
                Some(cur)
            })
        };
        if let Some(b) = get("offers.enabled").and_then(Value::as_bool) {
            self.offers_enabled = b;
        }
        if let Some(b) = get("live.enabled").and_then(Value::as_bool) {
            self.live_enabled = b;
        }
        if let Some(level) = get("log.level").and_then(Value::as_str)
            && crate::logging::is_level(level)
        {
            self.log_level = Some(level.to_string());
        }
        let text = |v: Option<&Value>| -> Option<Option<String>> {
            match v {
                Some(Value::String(s)) if !s.is_empty() => Some(Some(s.clone())),
                Some(Value::String(_)) | Some(Value::Null) => Some(None),
                _ => None,
            }
        };
        if let Some(v) = text(get("live.url")) {
            self.live.url = v;
        }
        if let Some(v) = text(get("live.project")) {
            self.live.project = v;
        }
        if let Some(v) = text(get("live.token")) {
            self.live.token = v;
        }
        if let Some(v) = text(get("live.caFile")) {
            self.live.ca_file = v;
        }
        if let Some(n) = get("maxFileSize").and_then(Value::as_u64) {
            self.max_file_size = usize::try_from(n).unwrap_or(usize::MAX);
        }
        match get("catalog.path") {
            Some(Value::String(s)) if !s.is_empty() => self.catalog_path = Some(s.clone()),
            Some(Value::String(_)) | Some(Value::Null) => self.catalog_path = None,
            _ => {}
        }
    }

    pub fn analysis_config(&self) -> dstack_ide::AnalysisConfig {
        dstack_ide::AnalysisConfig {
            offers_enabled: self.offers_enabled,
            diagnostics: dstack_ide::DiagnosticsConfig {
                max_file_size: self.max_file_size,
            },
            ..dstack_ide::AnalysisConfig::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_level_setting() {
        let mut s = Settings::default();
        s.update(&serde_json::json!({"dstack": {"log": {"level": "debug"}}}));
        assert_eq!(s.log_level.as_deref(), Some("debug"));
        // Not a level: kept as it was.
        s.update(&serde_json::json!({"dstack": {"log": {"level": "loud"}}}));
        assert_eq!(s.log_level.as_deref(), Some("debug"));
    }

    #[test]
    fn nested_and_flat_settings() {
        let mut s = Settings::default();
        s.update(&serde_json::json!({"dstack": {"offers": {"enabled": false}, "catalog.path": "/tmp/c"}}));
        assert!(!s.offers_enabled);
        assert_eq!(s.catalog_path.as_deref(), Some("/tmp/c"));
        s.update(&serde_json::json!({"live": {"enabled": true}, "catalog": {"path": null}}));
        assert!(s.live_enabled);
        assert_eq!(s.catalog_path, None);
        // Wrong types are ignored rather than failing.
        s.update(&serde_json::json!({"offers": {"enabled": "yes"}}));
        assert!(!s.offers_enabled);
        s.update(&serde_json::json!({"dstack": {"live": {"url": "http://h:3000", "token": "t"}}}));
        assert_eq!(s.live.url.as_deref(), Some("http://h:3000"));
        assert_eq!(s.live.token.as_deref(), Some("t"));
        assert_eq!(s.live.project, None);
        s.update(&serde_json::json!({"dstack": {"live.caFile": "~/ca.pem"}}));
        assert_eq!(s.live.ca_file.as_deref(), Some("~/ca.pem"));
        s.update(&serde_json::json!({"dstack": {"live": {"caFile": ""}}}));
        assert_eq!(s.live.ca_file, None);
        assert_eq!(s.max_file_size, dstack_ide::DEFAULT_MAX_FILE_SIZE);
        s.update(&serde_json::json!({"dstack": {"maxFileSize": 4096}}));
        assert_eq!(s.analysis_config().diagnostics.max_file_size, 4096);
        s.update(&serde_json::json!({"dstack": {"maxFileSize": "big"}}));
        assert_eq!(s.max_file_size, 4096);
        // The token must not show up in debug output (settings are sometimes logged).
        assert!(!format!("{s:?}").contains("\"t\""));
    }
}
