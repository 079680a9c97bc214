"""Data layer: the data contract's readers, input checks, bundled public data and reference figures."""
