"""
Recommendations with reasons
============================

A ``Recommender`` over the GTZAN features of real clips: the nearest clips to a seed,
the features that made each one close, and the full breakdown of one pair.
"""

import matplotlib.pyplot as plt
import pandas as pd

import tunelens as tl

pd.set_option("display.max_colwidth", None)  # show the reasons in full

recordings = tl.datasets.fetch_recordings()
table, clips = tl.datasets.cut_clips(recordings.groupby("style").head(8), seconds=10.0, per_recording=2)
features = tl.extract_features(clips, feature_set="gtzan")
features = features.merge(table[["clip_id", "style", "title"]], left_on="filename", right_on="clip_id")

# Standard-scaled features, cosine similarity; ``length`` and ``error`` are bookkeeping, not features.
rec = tl.Recommender(id_column="clip_id").fit(features.drop(columns=["filename", "title"]))

# %%
# The five clips nearest to an electronic clip, with the three features that
# brought each one closest (seed value ~ candidate value). Clips of the seed's own
# recording are among them, as they should be.

seed = features.clip_id[features["style"] == "electronic"].iloc[0]
picks = rec.recommend(seed, k=5).merge(features[["clip_id", "style", "title"]])
picks

# %%
# Why the nearest clip of *another* recording: each feature's contribution to the
# cosine similarity (the contributions sum to it), against what a random pair of
# clips gets.

seed_title = features.title[features.clip_id == seed].iloc[0]
other = picks.clip_id[picks.title != seed_title].iloc[0]
pair = rec.explain_pair(seed, other)
top = pair.head(12)[::-1]
fig, ax = plt.subplots(figsize=(7, 4))
ax.barh(top.index, top["contribution"], label="this pair")
ax.barh(top.index, top["typical"], height=0.3, label="typical random pair")
ax.set(xlabel="contribution to the cosine similarity", title=f"{seed} -> {other}")
ax.legend()
fig.tight_layout()
pair.head(8)[["value_a", "value_b", "contribution", "share"]].round(3)
