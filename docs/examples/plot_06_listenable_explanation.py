"""
A listenable explanation
========================

A taste model learns from a few clips a listener likes (here: the music of one game,
*PARSEC47*); then
``tunelens.explain.explain`` asks *which parts of a new clip* make the model like it,
and plays those parts back.
"""

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import HTML, Audio

import tunelens as tl

recordings = tl.datasets.fetch_recordings()
table, clips = tl.datasets.cut_clips(recordings.groupby("style").head(8), seconds=5.0, per_recording=2)
features = tl.extract_features(clips, feature_set="gtzan")
features = features.merge(table[["clip_id", "style", "title"]], left_on="filename", right_on="clip_id")

# The listener likes the clips of PARSEC47 (titles ptn0, ptn1, ...).
liked = features.clip_id[features.title.str.startswith("ptn")]
taste = tl.TasteProfile("logistic", id_column="clip_id").fit(features.drop(columns=["filename", "title"]),
                                                                liked=list(liked))

# %%
# The model takes a batch of clips and returns how much the listener would like each:

def predict_fn(batch):
    rows = tl.extract_features(list(batch), sr=22050, feature_set="gtzan", progress=False)
    return taste.decision_function(rows.assign(clip_id=rows.filename))


# An electronic clip from the *other* game, which the model never saw:
clip_id = features.clip_id[(features["style"] == "electronic") & ~features.title.str.startswith("ptn")].iloc[0]
y = clips[clip_id]
print(f"{clip_id}: taste score {predict_fn(y[None, :])[0]:.3f}")

# %%
# Split the clip into four time segments × harmonic and percussive parts (8 components),
# switch random subsets off 300 times, and fit lime's weighted linear surrogate:

from tunelens.explain import HarmonicPercussive, Product, TimeSegments, explain

exp = explain(y, 22050, predict_fn, Product(TimeSegments(4), HarmonicPercussive()),
              num_samples=300, random_state=0, progress=False)
top = exp.weights.head(8)[::-1]
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.barh(top["component"], top["weight"], color=["tab:green" if w > 0 else "tab:red" for w in top["weight"]])
ax.set(xlabel="weight", title=f"why the model likes {clip_id} (R² = {exp.score:.2f})")
fig.tight_layout()
exp.weights.head(4)

# %%
# The clip, then the two components that raise the score most, summed:

HTML("<p>the clip</p>" + Audio(y, rate=22050)._repr_html_()
     + "<p>its two components that raise the score most</p>" + Audio(exp.audio(k=2), rate=22050)._repr_html_())
