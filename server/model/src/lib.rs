//! The dstack 0.22.5 configuration model: types, objects, properties; loaded from embedded data.
