//! The table of diagnostic codes: one row per code, what it means.

/// Every diagnostic code, with what it means. Codes are stable: editors and users may filter on them.
/// Value-syntax codes come from `dstack-values` (one per syntax) and are passed through unchanged.
pub const CODES: &[(&str, &str)] = &[
    (
        "yaml-syntax",
        "the file is not YAML dstack can load (syntax error, second document, unknown tag)",
    ),
    ("missing-type", "no `type:` (or an empty file)"),
    (
        "unknown-type",
        "`type:` names none of the seven configuration types",
    ),
    (
        "unknown-key",
        "a key dstack does not accept here (a typo, or a key of another type or variant)",
    ),
    (
        "removed-key",
        "a key older dstack releases accepted and 0.22.5 rejects",
    ),
    (
        "deprecated-key",
        "a key dstack still accepts but ignores or will drop",
    ),
    (
        "missing-key",
        "a required key is missing (reported at the key that holds the mapping)",
    ),
    (
        "wrong-type",
        "a value of the wrong YAML type (a string where a list is expected, a date, …)",
    ),
    (
        "invalid-value",
        "a value of the right type that dstack rejects (enum, bound, pattern, reference)",
    ),
    (
        "conflict",
        "keys that cannot be combined, or a key another key requires",
    ),
    (
        "interpolation",
        "a `${{ … }}` reference that is malformed or not available at that place",
    ),
    (
        "server-rule",
        "the file loads, but the dstack server rejects it when planning (warning)",
    ),
    (
        "yaml11-pitfall",
        "YAML 1.1 reads the value as something else than it looks (warning)",
    ),
    (
        "hardcoded-secret",
        "a token or password written in the file (warning)",
    ),
    (
        "alias-expansion",
        "an alias that expands to too many values for dstack-lsp to follow (warning)",
    ),
    (
        "file-too-large",
        "a file above `dstack.maxFileSize`: only its YAML syntax is checked (information)",
    ),
    (
        "more-diagnostics",
        "the editor shows the first diagnostics only; `dstack-lsp check` lists them all",
    ),
    (
        "duplicate-key",
        "a key written twice in one mapping; YAML keeps the last (warning)",
    ),
    ("gpu-spec", "`resources.gpu` syntax"),
    ("cpu-spec", "`resources.cpu` syntax"),
    ("memory", "a size such as `16GB`"),
    ("disk", "`resources.disk` syntax"),
    ("range", "a range such as `1..4` or `24GB..`"),
    ("duration", "a duration such as `2h`, or its limits"),
    ("volume-mount", "a `volumes` entry"),
    ("port", "a port or port mapping"),
    ("env", "an `env` entry"),
    (
        "name",
        "a run, fleet, gateway, volume, preset or group name",
    ),
    ("entity-ref", "a `name` or `project/name` reference"),
    ("user", "`user` syntax"),
    ("shell", "`shell` value"),
    ("schedule", "a cron expression"),
    ("fleet-nodes", "fleet `nodes`"),
    ("repo", "a `repos` entry"),
    ("file-mapping", "a `files` entry"),
    ("compute-capability", "`resources.gpu.compute_capability`"),
    ("instance-selector", "an `instances` entry"),
    ("python", "`python` version"),
    ("ide", "`ide` / `version` of a dev environment"),
    ("blocks", "`blocks`"),
    ("enum", "one of fixed values"),
    ("retry", "`retry`"),
    ("scaling", "`scaling`"),
    ("utilization-policy", "`utilization_policy`"),
    ("backend-options", "`backend_options`"),
    ("tags", "`tags` keys and values"),
];
