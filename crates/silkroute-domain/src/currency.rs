//! TODO: currency (being written).
