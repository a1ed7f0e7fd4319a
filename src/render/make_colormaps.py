"""Prints src/render/colormap_tables.rs from matplotlib's colormaps (run by hand when adding one)."""

import numpy as np
from matplotlib import colormaps

print("//! Colormap lookup tables as matplotlib renders them to 8-bit images:")
print("//! `(cmap._lut[:256, :3] * 255).astype(np.uint8)` for matplotlib 3.x, each")
print("//! written as the hex digits of its 256 `rrggbb` entries (decoded at compile")
print("//! time by `colormap::lut`).")
print("//! Regenerate with `python src/render/make_colormaps.py > src/render/colormap_tables.rs`.")
print()
for name in ["magma", "viridis", "gray"]:
    cmap = colormaps[name]
    cmap._init()
    lut = (cmap._lut[:256, :3] * 255).astype(np.uint8)
    print(f"/// `{name}`: 256 RGB entries.")
    print(f'pub const {name.upper()}: &str = "{lut.tobytes().hex()}";')
    print()
