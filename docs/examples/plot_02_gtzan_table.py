"""
A GTZAN-style feature table
===========================

Ten-second clips of every recording, the 57 GTZAN features of each clip (librosa's
numbers, computed in Rust on all cores), a look at each style, and how the features
relate to one another.
"""

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import HTML, Audio

import tunelens as tl

recordings = tl.datasets.fetch_recordings()
table, clips = tl.datasets.cut_clips(recordings.groupby("style").head(8), seconds=10.0, per_recording=2)
features = tl.extract_features(clips, feature_set="gtzan")
features = features.merge(table[["clip_id", "style", "title"]], left_on="filename", right_on="clip_id")
features.iloc[:5, :8]

# %%
# One clip of each style: its mel spectrogram, and five seconds to listen to.

styles = ["soundtrack", "electronic", "chiptune"]
examples = {style: features.clip_id[features["style"] == style].iloc[0] for style in styles}
fig, axes = plt.subplots(1, 3, figsize=(10, 3), sharey=True)
for ax, (style, clip_id) in zip(axes, examples.items()):
    M_db = tl.power_to_db(tl.melspectrogram(y=clips[clip_id], sr=22050), ref=np.max)
    tl.plot.specshow(M_db, sr=22050, x_axis="time", y_axis="mel", cmap="magma", ax=ax)
    ax.set(title=f"{style}: {clip_id}", ylabel=None if style != "soundtrack" else "Hz")
fig.tight_layout()

# %%
# Five seconds of each:

HTML("".join(f"<p>{style}: {clip_id}</p>" + Audio(clips[clip_id][: 5 * 22050], rate=22050)._repr_html_()
             for style, clip_id in examples.items()))

# %%
# The styles differ in brightness, loudness and the spread of their timbre:

summary = features.groupby("style")[["tempo", "spectral_centroid_mean", "rms_mean", "zero_crossing_rate_mean"]]
summary.mean().round(3)

# %%
# Correlations between the mean features (the variances are left out):

means = [c for c in features.columns if c.endswith("_mean")]
corr = features[means].corr()
fig, ax = plt.subplots(figsize=(7, 6))
image = ax.imshow(corr, cmap="coolwarm", vmin=-1, vmax=1)
ax.set_xticks(range(len(means)), [m.removesuffix("_mean") for m in means], rotation=90, fontsize=6)
ax.set_yticks(range(len(means)), [m.removesuffix("_mean") for m in means], fontsize=6)
fig.colorbar(image, ax=ax)
fig.tight_layout()
