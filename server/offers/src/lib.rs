//! Offer catalogs and matching, mirroring dstack 0.22.5 with gpuhunt 0.1.34. Pure: callers pass
//! text in (the optional `fs` feature adds directory and `catalog.zip` reading).
//!
//! ```
//! use dstack_offers::{BackendSettings, Catalog, Requirements, match_offers};
//!
//! let catalog = Catalog::embedded();
//! let offers = match_offers(&catalog, &Requirements::default(), &BackendSettings::default());
//! println!("{}", offers.summary()); // "N offers · from $X/h"
//! ```
//!
//! * [`Catalog::embedded`] — the dated default catalog compiled in (see `data/README.md`);
//!   [`Catalog::from_csv`] parses one provider's gpuhunt CSV; [`Catalog::merge`] overlays one
//!   catalog on another (a provider present in both is taken from the argument).
//! * [`Requirements`] — the resolved query. Build it with [`Requirements::for_run`],
//!   [`Requirements::for_fleet`] or [`Requirements::for_offer_command`] from a
//!   [`ResourcesSpec`] + [`Profile`] as written in the configuration.
//! * [`BackendSettings`] — the server's backends (`BackendSettings::from_server_config` reads
//!   `~/.dstack/server/config.yml` text); the default means "every provider, default settings".
//! * [`match_offers`] → [`OfferList`] (cheapest first) with [`OfferList::summary`].
//! * [`gpu_offer_counts`] — GPU names by number of rows, for ranking completions.

pub mod backends;
pub mod catalog;
pub mod csv;
mod embedded;
#[cfg(feature = "fs")]
pub mod fs;
pub mod gpus;
pub mod matcher;
pub mod requirements;
pub mod settings;

pub use catalog::{Catalog, GpuCount, ItemView, LoadWarning, gpu_offer_counts};
pub use matcher::{Offer, OfferList, OfferView, PriceSummary, format_price, match_offers};
pub use requirements::{
    Blocks, FleetContext, GpuSpec, Profile, Range, Requirements, RequirementsError, ResourcesSpec,
    RunContext, SpotPolicy,
};
pub use settings::{BackendConfig, BackendSettings};

/// Accelerator vendor, as gpuhunt names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Vendor {
    Nvidia,
    Amd,
    Google,
    Intel,
    Tenstorrent,
}

impl Vendor {
    /// gpuhunt's vendor names, any case (what a catalog row may hold).
    pub fn parse(s: &str) -> Option<Vendor> {
        [
            Vendor::Nvidia,
            Vendor::Amd,
            Vendor::Google,
            Vendor::Intel,
            Vendor::Tenstorrent,
        ]
        .into_iter()
        .find(|v| v.as_str().eq_ignore_ascii_case(s))
    }
    /// A vendor as written in `resources.gpu`: also the aliases `tpu` (Google) and `tt`.
    pub fn parse_spec(s: &str) -> Option<Vendor> {
        if s.eq_ignore_ascii_case("tpu") {
            Some(Vendor::Google)
        } else if s.eq_ignore_ascii_case("tt") {
            Some(Vendor::Tenstorrent)
        } else {
            Vendor::parse(s)
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Vendor::Nvidia => "nvidia",
            Vendor::Amd => "amd",
            Vendor::Google => "google",
            Vendor::Intel => "intel",
            Vendor::Tenstorrent => "tenstorrent",
        }
    }
}

/// CPU architecture of an instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CpuArch {
    X86,
    Arm,
}

impl CpuArch {
    pub fn parse(s: &str) -> Option<CpuArch> {
        [CpuArch::X86, CpuArch::Arm]
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(s))
    }
    pub fn as_str(self) -> &'static str {
        match self {
            CpuArch::X86 => "x86",
            CpuArch::Arm => "arm",
        }
    }
}
