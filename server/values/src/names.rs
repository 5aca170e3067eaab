//! Names: runs, fleets, gateways and volumes (`^[a-z][a-z0-9-]{1,40}$`, checked by the server), presets (same
//! rule, checked by the client) and task/service group names (`^[a-z0-9][a-z0-9-]{0,39}$`).

use crate::{ValueError, code};

/// Run, fleet, gateway, volume and preset names.
pub fn check_resource_name(name: &str) -> Result<(), ValueError> {
    let b = name.as_bytes();
    let ok = (2..=41).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-');
    if ok {
        Ok(())
    } else {
        Err(ValueError::new("name", format!("invalid name {}: 2–41 characters, lowercase letters, digits and `-`, starting with a letter", code(name))).example("my-run-1"))
    }
}

/// Group names in `groups[]`.
pub fn check_group_name(name: &str) -> Result<(), ValueError> {
    let b = name.as_bytes();
    let ok = (1..=40).contains(&b.len())
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-');
    if ok {
        Ok(())
    } else {
        Err(ValueError::new("name", format!("invalid group name {}: 1–40 lowercase letters, digits and `-`, starting with a letter or digit", code(name))).example("prefill"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert!(check_resource_name("my-run").is_ok());
        assert!(check_resource_name("a").is_err());
        assert!(check_resource_name("1run").is_err());
        assert!(check_resource_name("My-run").is_err());
        assert!(check_resource_name(&format!("a{}", "b".repeat(40))).is_ok());
        assert!(check_resource_name(&format!("a{}", "b".repeat(41))).is_err());
        assert!(check_group_name("0").is_ok());
        assert!(check_group_name("prefill-1").is_ok());
        assert!(check_group_name("-x").is_err());
        assert!(check_group_name(&"a".repeat(41)).is_err());
    }
}
