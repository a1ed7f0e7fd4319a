"""
Recommendations with reasons
============================

A ``Recommender`` over the GTZAN features of real clips: the nearest clips to a seed,
the features that made each one close, and the full breakdown of one pair.
"""

import matplotlib.pyplot as plt

import tunelens as tl

recordings = tl.datasets.fetch_recordings()
table, clips = tl.datasets.cut_clips(recordings.groupby("style").head(8), seconds=10.0, per_recording=2)
features = tl.extract_features(clips, feature_set="gtzan")
features = features.merge(table[["clip_id", "style"]], left_on="filename", right_on="clip_id")

# Standard-scaled features, cosine similarity; ``length`` and ``error`` are bookkeeping, not features.
rec = tl.Recommender(id_column="clip_id").fit(features.drop(columns=["filename"]))

# %%
# The five clips nearest to an electronic clip, with the three features that
# brought each one closest (seed value ~ candidate value):

seed = features.clip_id[features["style"] == "electronic"].iloc[0]
picks = rec.recommend(seed, k=5).merge(features[["clip_id", "style"]])
picks

# %%
# Why the first pick: each feature's contribution to the cosine similarity
# (the contributions sum to it), against what a random pair of clips gets.

pair = rec.explain_pair(seed, picks.clip_id[0])
top = pair.head(12)[::-1]
fig, ax = plt.subplots(figsize=(7, 4))
ax.barh(top.index, top["contribution"], label="this pair")
ax.barh(top.index, top["typical"], height=0.3, label="typical random pair")
ax.set(xlabel="contribution to the cosine similarity", title=f"{seed} -> {picks.clip_id[0]}")
ax.legend()
fig.tight_layout()
pair.head(8)[["value_a", "value_b", "contribution", "share"]].round(3)
