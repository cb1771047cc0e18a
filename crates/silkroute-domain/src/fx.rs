//! TODO: fx (being written).
