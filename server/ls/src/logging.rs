//! Logging to stderr through `tracing`, with a level the client can change at run time
//! (`dstack.log.level`). stdout is the protocol, so nothing is ever logged there.

use std::sync::OnceLock;

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Registry, reload};

static HANDLE: OnceLock<reload::Handle<EnvFilter, Registry>> = OnceLock::new();

/// Install the stderr logger with `filter` (an `EnvFilter` directive such as `info`).
pub fn init(filter: &str) {
    let (layer, handle) = reload::Layer::new(EnvFilter::new(filter));
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false);
    if tracing_subscriber::registry()
        .with(layer)
        .with(fmt)
        .try_init()
        .is_ok()
    {
        let _ = HANDLE.set(handle);
    }
}

/// The levels a client may ask for.
pub fn is_level(level: &str) -> bool {
    matches!(level, "off" | "error" | "warn" | "info" | "debug" | "trace")
}

/// Switch the log level; unknown levels are ignored.
pub fn set_level(level: &str) {
    if !is_level(level) {
        return;
    }
    if let Some(handle) = HANDLE.get() {
        let _ = handle.modify(|f| *f = EnvFilter::new(level));
    }
}
