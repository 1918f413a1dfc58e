//! Empty: this package only brings the two compute.v1 crates into one graph (see ../README.md).
