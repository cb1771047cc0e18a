//! TODO: country (being written).
