"""The examples several explain docstrings start from, written once.

``{energy_example}``: a 2 s clip that sounds in its first second only, a
"model" that returns the energy of its input, and its explanation over four
time segments (the two first quarters hold all the sound). ``{two_segments}``:
``0..7`` decomposed into two time segments. A docstring writes the placeholder
where the example stands (see :func:`tunelens._docs.fill_doc`).
"""

from __future__ import annotations

from tunelens._docs import fill_doc

ENERGY_EXAMPLE = """
>>> from tunelens import explain
>>> sr = 8000
>>> y = np.zeros(2 * sr, dtype=np.float32)
>>> y[:sr] = np.sin(2 * np.pi * 440 * np.arange(sr) / sr)  # sound in the first second only
>>> def energy(batch):  # the "model": the energy of its input
...     return (batch**2).mean(axis=1)
>>> e = explain.explain(y, sr, energy, explain.TimeSegments(4), num_samples=50, random_state=0)
"""

#: Decorator: fills the ``{energy_example}`` placeholder of a docstring.
energy_example = fill_doc(energy_example=ENERGY_EXAMPLE)

TWO_SEGMENTS = """
>>> from tunelens import explain
>>> y = np.arange(8, dtype=np.float32)
>>> d = explain.TimeSegments(2).decompose(y, sr=8)
"""

#: Decorator: fills the ``{two_segments}`` placeholder of a docstring.
two_segments = fill_doc(two_segments=TWO_SEGMENTS)
