"""Docstring text shared by several public functions, written once.

A shared passage stands in a docstring as a placeholder, ``{name}``:
:func:`fill_doc` replaces a placeholder alone on its line with the passage
indented as the placeholder is, and one inside a line with the (one-line)
passage itself. The result is a plain ``__doc__``, the text ``help()`` and
``inspect.getdoc`` read.
"""

from __future__ import annotations

import re
import textwrap
from typing import Callable, TypeVar

_F = TypeVar("_F", bound=Callable)

_PLACEHOLDER = re.compile(r"^([ \t]*)\{(\w+)\}[ \t]*$|\{(\w+)\}", re.MULTILINE)


def fill_doc(template: str | None = None, /, **passages: str) -> Callable[[_F], _F]:
    """Decorator: set the function's docstring to ``template`` (default: its own
    docstring) with each ``{name}`` placeholder of a passage replaced by it.

    A braced word that names no passage is left as written; a passage that fills
    no placeholder raises ``ValueError`` (a misspelt placeholder).
    """

    def apply(func: _F) -> _F:
        used: set[str] = set()

        def fill(match: re.Match) -> str:
            indent, line_name, inline_name = match.groups()
            name = line_name or inline_name
            if name not in passages:
                return match.group(0)
            used.add(name)
            text = textwrap.dedent(passages[name]).strip("\n")
            if line_name is None:
                return text
            return textwrap.indent(text, indent, lambda line: line.strip() != "")

        func.__doc__ = _PLACEHOLDER.sub(fill, template if template is not None else func.__doc__ or "")
        unused = set(passages) - used
        if unused:
            raise ValueError(f"{func.__qualname__}'s docstring has no placeholder for {sorted(unused)}")
        return func

    return apply


#: The Parameters entries of optional audio ``y`` (any leading channel axes) and
#: its sample rate, as the librosa-style functions that also take a precomputed
#: input document them.
AUDIO = """
y : np.ndarray [shape=(..., n)] or None
    Audio.
sr : number > 0
    Sample rate.
"""

#: ... of optional mono audio ``y`` and its sample rate.
MONO_AUDIO = """
y : np.ndarray [shape=(n,)] or None
    Audio.
sr : number > 0
    Sample rate.
"""

#: ... of a precomputed onset envelope, which the onset and rhythm functions
#: take instead of audio, and its hop.
ONSET_ENVELOPE = """
onset_envelope : np.ndarray [shape=(..., m)] or None
    A precomputed onset envelope (takes precedence over ``y``).
hop_length : int > 0
    Hop of the envelope in samples.
"""

#: The Returns section of ``get_duration``, and of the librosa shim that serves it.
DURATION_RETURNS = """
Returns
-------
float
    Seconds.
"""

#: ... of ``get_samplerate`` and its librosa shim.
SAMPLERATE_RETURNS = """
Returns
-------
int
    Sample rate in Hz.
"""
