"""
Maps and clusters
=================

A two-dimensional map of the collection (PCA of the scaled GTZAN features), k-means
clusters, their quality scores, and the names ``describe_clusters`` gives them.
"""

import matplotlib.pyplot as plt
import pandas as pd

import tunelens as tl

pd.set_option("display.max_colwidth", None)  # show the cluster names in full

recordings = tl.datasets.fetch_recordings()
table, clips = tl.datasets.cut_clips(recordings.groupby("style").head(8), seconds=10.0, per_recording=3)
features = tl.extract_features(clips, feature_set="gtzan")
features = features.merge(table[["clip_id", "style"]], left_on="filename", right_on="clip_id")
columns = [c for c in features.columns if c.endswith(("_mean", "_var")) or c == "tempo"]
X = features[columns].to_numpy()
X = (X - X.mean(axis=0)) / X.std(axis=0)

# %%
# The map, coloured by style:

pca = tl.PCA(2).fit(X)
xy = pca.transform(X)
fig, ax = plt.subplots(figsize=(6, 5))
for style, rows in features.groupby("style").groups.items():
    ax.scatter(xy[rows, 0], xy[rows, 1], s=14, label=style)
ax.set(xlabel=f"PC 1 ({pca.explained_variance_ratio_[0]:.0%})",
       ylabel=f"PC 2 ({pca.explained_variance_ratio_[1]:.0%})")
ax.legend()
fig.tight_layout()

# %%
# Three k-means clusters on all 57 scaled features, and how they line up with the styles:

km = tl.KMeans(3, n_init=4, random_state=0).fit(X)
print(f"silhouette {tl.silhouette_score(X, km.labels_):.3f}, "
      f"Davies-Bouldin {tl.davies_bouldin_score(X, km.labels_):.3f}")
pd.crosstab(features["style"], km.labels_, colnames=["cluster"])

# %%
# Each cluster named by the features that set it apart (z-scores of the cluster means):

tl.describe_clusters(features[columns], km.labels_)[["size", "name"]]
