//! Shipping rates: being written (checkout issue, TMS core).
