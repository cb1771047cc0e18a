//! TODO: market (being written).
