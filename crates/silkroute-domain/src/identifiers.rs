//! TODO: identifiers (being written).
