"""
Joining two catalogs
====================

Two services list the same songs with different spellings: accents, "feat." credits,
remaster tags, typos, other scripts. ``tunelens.datasets.make_catalogs`` generates such
a pair with an answer key; ``match_catalogs`` joins them in one call, and the answer key
tells how well.
"""

import matplotlib.pyplot as plt
import pandas as pd

import tunelens as tl

chart, features, truth = tl.datasets.make_catalogs(5000, distractors=0.3, seed=0)
pd.concat([chart[["artist", "title"]].head(8).reset_index(drop=True),
           features[["artist", "title"]].head(8).reset_index(drop=True)], axis=1, keys=["chart", "features"])

# %%
# The usual notebook recipe: lower-case, strip everything but ``[a-z0-9 ]``, merge exactly.

def naive(df):
    return (df.artist + " " + df.title).str.lower().str.replace(r"[^a-z0-9 ]", "", regex=True)


naive_pairs = pd.DataFrame({"song_id": chart.song_id, "key": naive(chart)}).merge(
    pd.DataFrame({"track_id": features.track_id, "key": naive(features)}), on="key")

# %%
# tunelens: music-aware normalization, fuzzy candidates, a one-to-one assignment.

pairs = tl.match_catalogs(chart, features, progress=False)
found = pd.DataFrame({"song_id": chart.song_id.loc[pairs.left_index].values,
                      "track_id": features.track_id.loc[pairs.right_index].values})
pairs[["left_artist", "left_title", "right_artist", "right_title", "score", "match_type"]].sample(8, random_state=1)

# %%
# Precision and recall against the answer key:

def quality(found):
    correct = len(found.merge(truth))
    return correct / len(found), correct / len(truth)


scores = pd.DataFrame([quality(naive_pairs[["song_id", "track_id"]]), quality(found)],
                      index=["lower-case + exact merge", "tl.match_catalogs"], columns=["precision", "recall"])
ax = scores.plot.barh(xlim=(0, 1), figsize=(6, 2.5))
ax.figure.tight_layout()
scores.round(3)
