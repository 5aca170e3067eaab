//! Small string grammars: tag keys and values, absolute paths, URL paths and prefixes, header names,
//! IP addresses and networks.

use crate::ValueError;

/// A tag value: at most 256 letters, digits, spaces and `.:/=_-+@`.
pub fn tag_value(s: &str) -> Result<(), ValueError> {
    if crate::tags::is_valid_value(s) {
        Ok(())
    } else {
        Err(ValueError::new(
            "invalid-value",
            format!("`{s}` is not a valid tag value: use at most 256 letters, digits, spaces and `.:/=_-+@`"),
        )
        .example("team: ml-research"))
    }
}

/// A tag key: letters, digits, `_` and `-`, 1 to 60 characters.
pub fn tag_key(s: &str) -> Result<(), ValueError> {
    if crate::tags::is_valid_key(s) {
        Ok(())
    } else {
        Err(ValueError::new(
            "invalid-value",
            format!("`{s}` is not a valid tag key: use 1 to 60 letters, digits, `_` or `-`"),
        )
        .example("team"))
    }
}

/// An absolute path on the instance (`~` counts: it is expanded there).
pub fn absolute_path(s: &str) -> Result<(), ValueError> {
    // `~` is expanded on the instance, so `~/src` counts as absolute.
    if s.starts_with('/') || s.starts_with('~') {
        Ok(())
    } else {
        Err(ValueError::new(
            "invalid-value",
            format!("`{s}` must be an absolute path (start with `/`)"),
        )
        .example("/workflow"))
    }
}

/// A URL path starting with `/`, printable, at most 2048 characters.
pub fn url_path(s: &str) -> Result<(), ValueError> {
    if !s.starts_with('/') {
        return Err(ValueError::new(
            "invalid-value",
            format!("`{s}` must be a path starting with `/`"),
        )
        .example("/health"));
    }
    if s.len() > 2048 || s.chars().any(|c| c.is_control()) {
        return Err(ValueError::new(
            "invalid-value",
            "the URL must be printable and at most 2048 characters",
        ));
    }
    Ok(())
}

/// A rate limit's path prefix (dstack's pattern `^/[^\s\\{}]*$`): `/`, then no whitespace, `\`, `{` or `}`.
pub fn url_prefix(s: &str) -> Result<(), ValueError> {
    if s.starts_with('/') && !s.chars().any(|c| c.is_whitespace() || "\\{}".contains(c)) {
        return Ok(());
    }
    Err(ValueError::new(
        "invalid-value",
        format!("`{s}` must be a URL path starting with `/`, without spaces, `\\`, `{{` or `}}`"),
    )
    .example("/v1/chat"))
}

/// An HTTP header name (dstack's pattern `^[a-zA-Z0-9-_]+$`).
pub fn header_name(s: &str) -> Result<(), ValueError> {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Ok(());
    }
    Err(ValueError::new(
        "invalid-value",
        format!("`{s}` is not a header name: use letters, digits, `-` and `_`"),
    )
    .example("X-API-Key"))
}

/// An IPv4 or IPv6 address.
pub fn ip_address(s: &str) -> Result<std::net::IpAddr, ValueError> {
    s.parse::<std::net::IpAddr>().map_err(|_| {
        ValueError::new("invalid-value", format!("`{s}` is not an IP address")).example("10.0.0.5")
    })
}

/// A network `ADDRESS/PREFIX`, host bits clear.
pub fn ip_network(s: &str) -> Result<(std::net::IpAddr, u8), ValueError> {
    let bad = || {
        ValueError::new(
            "invalid-value",
            format!("`{s}` is not a network: write `ADDRESS/PREFIX`"),
        )
        .example("10.0.0.0/24")
    };
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, p.parse::<u8>().map_err(|_| bad())?),
        None => (s, 255),
    };
    let ip = addr.parse::<std::net::IpAddr>().map_err(|_| bad())?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let prefix = if prefix == 255 { max } else { prefix };
    if prefix > max {
        return Err(bad());
    }
    let host_bits_clear = match ip {
        std::net::IpAddr::V4(v4) => {
            let bits = u32::from(v4);
            prefix == 32 || bits & (u32::MAX >> prefix) == 0
        }
        std::net::IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            prefix == 128 || bits & (u128::MAX >> prefix) == 0
        }
    };
    if !host_bits_clear {
        return Err(
            ValueError::new("invalid-value", format!("`{s}` has host bits set"))
                .example("10.0.0.0/24"),
        );
    }
    Ok((ip, prefix))
}

/// Private (RFC 1918 / unique-local) addresses, as Python's `ipaddress` sees them.
pub fn is_private(ip: std::net::IpAddr) -> bool {
    match ip {
        std::net::IpAddr::V4(v4) => v4.is_private() || v4.is_loopback() || v4.is_link_local(),
        std::net::IpAddr::V6(v6) => (v6.segments()[0] & 0xfe00) == 0xfc00 || v6.is_loopback(),
    }
}
