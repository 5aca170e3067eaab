//! Offer catalogs and matching, mirroring dstack 0.22.5 with gpuhunt 0.1.34. Pure: callers pass text in.
