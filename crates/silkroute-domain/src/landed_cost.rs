//! Landed cost: being written (checkout issue).
