//! Offer catalogs and matching, mirroring dstack 0.22.5 with gpuhunt 0.1.34. Pure: callers pass
//! text in (the optional `fs` feature adds directory and `catalog.zip` reading).
//!
//! ```
//! use dstack_offers::{BackendSettings, Catalog, Requirements, match_offers};
//!
//! let catalog = Catalog::embedded_shared();
//! let offers = match_offers(catalog, &Requirements::default(), &BackendSettings::default());
//! println!("{}", offers.summary()); // "N offers · from $X/h"
//! ```
//!
//! * Catalogs: [`Catalog::embedded`] / [`Catalog::embedded_shared`] — the dated default catalog
//!   compiled in (see `data/README.md`); [`Catalog::from_csv`] parses one provider's gpuhunt CSV
//!   (bad rows are skipped and listed in [`Catalog::warnings`], like gpuhunt);
//!   [`Catalog::merge`] overlays another catalog (a provider present in both is taken from the
//!   argument); `fs::load_path` (feature `fs`) reads a directory, a v3 bucket tree or a zip.
//! * Input: [`Requirements`], the resolved query. Build it with [`Requirements::for_run`],
//!   [`Requirements::for_fleet`] or [`Requirements::for_offer_command`] from a
//!   [`ResourcesSpec`] (from `dstack_values` parses via [`ResourcesSpec::from_values`]) and a
//!   [`Profile`]; `for_run` returns dstack's server-side errors (`image` must be set …).
//! * [`BackendSettings`] — the server's backends; [`BackendSettings::from_server_config`] reads
//!   `~/.dstack/server/config.yml` text; the default means "every provider, default settings".
//! * Output: [`match_offers`] → [`OfferList`] (dstack's order: cheapest first) with
//!   [`OfferList::summary`] → [`PriceSummary`] (`Display`: "N offers · from $X/h").
//! * Completion helpers: [`gpu_offer_counts`] (GPU names by number of rows) and
//!   [`Catalog::backend_regions`].

pub mod backends;
pub mod catalog;
mod embedded;
#[cfg(feature = "fs")]
pub mod fs;
pub mod gpus;
pub mod matcher;
mod names;
pub mod requirements;
pub mod settings;

pub use catalog::{Catalog, GpuCount, ItemView, LoadWarning, gpu_offer_counts};
pub use matcher::{Offer, OfferList, OfferView, PriceSummary, format_price, match_offers};
pub use requirements::{
    Blocks, FleetContext, GpuSpec, Profile, Range, RangeExt, Requirements, RequirementsError,
    ResourcesSpec, RunContext, SpotPolicy,
};
pub use settings::{BackendConfig, BackendSettings};

pub use dstack_values::cpu::CpuArch;
pub use dstack_values::gpu_names::Vendor;
pub use names::{parse_cpu_arch, parse_vendor};
