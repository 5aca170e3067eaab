//! Which of the seven configuration types a document is, from `type:` (and `backend:` for volumes).

use dstack_syntax::Parse;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConfigType {
    DevEnvironment,
    Task,
    Service,
    Fleet,
    Volume,
    Gateway,
    Preset,
}

impl ConfigType {
    pub const ALL: [ConfigType; 7] = [
        ConfigType::DevEnvironment,
        ConfigType::Task,
        ConfigType::Service,
        ConfigType::Fleet,
        ConfigType::Volume,
        ConfigType::Gateway,
        ConfigType::Preset,
    ];
    pub fn name(self) -> &'static str {
        match self {
            ConfigType::DevEnvironment => "dev-environment",
            ConfigType::Task => "task",
            ConfigType::Service => "service",
            ConfigType::Fleet => "fleet",
            ConfigType::Volume => "volume",
            ConfigType::Gateway => "gateway",
            ConfigType::Preset => "preset",
        }
    }
    pub fn from_name(name: &str) -> Option<ConfigType> {
        ConfigType::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// The type named by the top-level `type:` key, if it names one of the seven exactly.
pub(crate) fn read_config_type(parse: &Parse) -> Option<ConfigType> {
    let root = parse.root.as_ref()?;
    parse
        .entries(root)
        .into_iter()
        .rev()
        .find(|(k, _)| k.key_text() == Some("type"))
        .and_then(|(_, v)| v.as_scalar())
        .and_then(|s| ConfigType::from_name(&s.text))
}
