"""
Load and plot a recording
=========================

Decode a real recording, look at its waveform and mel spectrogram, and listen to it.
The recordings come from ``tunelens.datasets.fetch_recordings`` (free-licence game
music from Debian's archive, downloaded once into a cache).
"""

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Audio

import tunelens as tl

recordings = tl.datasets.fetch_recordings()
electronic = recordings[recordings["style"] == "electronic"].iloc[0]
print(electronic[["title", "artist", "license", "duration"]])

# %%
# Five seconds at 22.05 kHz, decoded and resampled exactly as ``librosa.load`` does:

y, sr = tl.load(electronic.path, sr=22050, offset=30.0, duration=5.0)
M_db = tl.power_to_db(tl.melspectrogram(y=y, sr=sr, n_mels=128), ref=np.max)

fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 5), sharex=True)
tl.plot.waveshow(y, sr=sr, ax=top)
top.set(title=f"{electronic.title} ({electronic.artist})", xlabel=None)
image = tl.plot.specshow(M_db, sr=sr, x_axis="time", y_axis="mel", cmap="magma", ax=bottom)
fig.colorbar(image, ax=[top, bottom], format="%+2.0f dB")

# %%
# Listen:

Audio(y, rate=sr)
