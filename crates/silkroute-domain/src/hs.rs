//! TODO: hs (being written).
