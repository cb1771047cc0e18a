//! TODO: money (being written).
