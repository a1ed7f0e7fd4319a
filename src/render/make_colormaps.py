"""Prints src/render/colormap_tables.rs from matplotlib's colormaps (run by hand when adding one)."""

import numpy as np
from matplotlib import colormaps

print("//! Colormap lookup tables as matplotlib renders them to 8-bit images:")
print("//! `(cmap._lut[:256, :3] * 255).astype(np.uint8)` for matplotlib 3.x.")
print("//! Regenerate with `python src/render/make_colormaps.py > src/render/colormap_tables.rs`.")
print()
for name in ["magma", "viridis", "gray"]:
    cmap = colormaps[name]
    cmap._init()
    lut = (cmap._lut[:256, :3] * 255).astype(np.uint8)
    print(f"/// `{name}`: 256 RGB entries.")
    print(f"pub const {name.upper()}: [[u8; 3]; 256] = [")
    for i in range(0, 256, 8):
        print("    " + " ".join(f"[{r}, {g}, {b}]," for r, g, b in lut[i : i + 8]))
    print("];")
    print()
