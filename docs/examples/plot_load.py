"""
Load and plot
=============

Decode a recording, compute its mel spectrogram and draw it.
"""

import numpy as np
import tunelens as tl

y, sr = tl.datasets.synth_clip(duration=4.0), 22050
M = tl.melspectrogram(y=y, sr=sr)
import matplotlib.pyplot as plt

fig, ax = plt.subplots()
tl.plot.specshow(tl.power_to_db(M, ref=np.max), sr=sr, x_axis="time", y_axis="mel", ax=ax)
