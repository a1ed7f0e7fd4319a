"""Deterministic string pairs for the matching parity tests: empty and single
characters, short/medium strings, > 64 and > 256 characters, accents, CJK,
emoji, repeated tokens, whitespace variants and near-duplicates with typos."""

from __future__ import annotations

import random

import numpy as np

ASCII = list("abcdefghijklmnopqrstuvwxyzABCDE0123456789")
ACCENTS = list("éèêëáàâäãåçñóòôöõúùûüíìîïýÿøœæßÉÅÖÜ")
CJK = list("宇多田光音楽愛夢東京歌")
EMOJI = ["🎵", "🎸", "🔥", "😀", "🎹"]
SPACES = [" ", " ", " ", " ", "\t", "  ", "\u3000", "\xa0"]
WORDS = ["the", "love", "song", "feat", "remix", "live", "a", "beyoncé", "кино", "宇多田", "🎵", "x", "and", "radio", "edit"]
LENGTHS = [0, 1, 2, 3, 5, 8, 12, 20, 35, 50, 63, 64, 65, 80, 130, 257, 300]
LENGTH_WEIGHTS = [4, 6, 5, 5, 8, 10, 10, 10, 9, 7, 3, 3, 3, 4, 3, 2, 2]


def _random_string(rng: random.Random, n: int) -> str:
    pool = rng.randrange(10)
    if pool < 5:
        alphabet = ASCII + [" "] * 8
    elif pool < 7:
        alphabet = ASCII[:10] + ACCENTS + [" "] * 5
    elif pool < 8:
        alphabet = CJK + ASCII[:5] + [" "] * 3
    elif pool < 9:
        alphabet = EMOJI + ASCII[:6] + [" "] * 3
    else:
        words = rng.choices(WORDS, k=max(n // 4, 1))
        return "".join(w + rng.choice(SPACES) for w in words)[:n]
    return "".join(rng.choices(alphabet, k=n))


def _mutate(rng: random.Random, s: str) -> str:
    kind = rng.randrange(6)
    chars = list(s)
    if kind == 0 and chars:  # typos
        for _ in range(rng.randrange(1, 4)):
            op = rng.randrange(3)
            i = rng.randrange(len(chars) + 1)
            if op == 0 and i < len(chars):
                chars[i] = rng.choice(ASCII + ACCENTS)
            elif op == 1 and i < len(chars):
                del chars[i]
            else:
                chars.insert(i, rng.choice(ASCII))
        return "".join(chars)
    if kind == 1:  # shuffled tokens
        tokens = s.split()
        rng.shuffle(tokens)
        return " ".join(tokens)
    if kind == 2:  # whitespace variants
        return rng.choice(SPACES).join(s.split()) + " " * rng.randrange(3)
    if kind == 3:  # repeated / extra tokens
        tokens = s.split() or [""]
        return " ".join(tokens + [rng.choice(tokens)] + rng.choices(WORDS, k=2))
    if kind == 4 and len(s) > 2:  # substring
        a = rng.randrange(len(s) // 2)
        return s[a : a + rng.randrange(1, len(s) - a + 1)]
    return s.upper()


def make_pairs(n: int, seed: int) -> tuple[list[str], list[str]]:
    """``n`` pairs ``(a[i], b[i])``: half near-duplicates, half independent."""
    rng = random.Random(seed)
    lengths = rng.choices(LENGTHS, weights=LENGTH_WEIGHTS, k=2 * n)
    a, b = [], []
    for i in range(n):
        s1 = _random_string(rng, lengths[2 * i])
        a.append(s1)
        b.append(_mutate(rng, s1) if rng.random() < 0.5 else _random_string(rng, lengths[2 * i + 1]))
    return a, b


def make_hashable_pairs(n: int, seed: int) -> tuple[list[list], list[list]]:
    """Pairs of lists of hashables (ints, words, one-character strings)."""
    rng = np.random.default_rng(seed)
    vocab: list = [1, 2, 3, 42, -1, 2**40, "a", "b", " ", "love", "song", (1, 2), 3.5]
    a, b = [], []
    for _ in range(n):
        n1, n2 = (int(x) for x in rng.choice([0, 1, 3, 8, 20, 70], size=2))
        x = [vocab[int(i)] for i in rng.integers(0, len(vocab), size=n1)]
        y = list(x) if rng.random() < 0.5 else [vocab[int(i)] for i in rng.integers(0, len(vocab), size=n2)]
        if y and rng.random() < 0.7:
            y[int(rng.integers(0, len(y)))] = vocab[int(rng.integers(0, len(vocab)))]
        a.append(x)
        b.append(y)
    return a, b


PLAYLIST_ARTISTS = ["ABBA", "Radiohead", "Beyoncé", "宇多田ヒカル", "Кино", "Sigur Rós", "BTS", "방탄소년단", "a-ha", "Björk"]
PLAYLIST_TITLES = ["Waterloo", "Creep", "Halo", "First Love", "Группа крови", "Hoppípolla", "Dynamite", "봄날",
                   "Take On Me", "Hyperballad", "Love Song", "Song Love", "Love", "Halo Halo"]
PLAYLIST_SUFFIXES = ["", "", "", " - Remastered 2011", " (feat. Jay-Z)", " - Live", " - Radio Edit"]


def make_playlist(n_queries: int, n_choices: int, seed: int) -> tuple[list, list]:
    """Playlist-export-like choices with many exact repeats and ties.

    Choices are drawn from a small pool of "artist - title" strings and bare
    titles (popular ones far more often), in several spellings that score the
    same under some scorers (case, token order, spaces), with empty and
    missing entries; queries are members, members with a typo, other
    spellings and absent strings.
    """
    rng = random.Random(seed)
    pool = []
    for _ in range(60):
        title = rng.choice(PLAYLIST_TITLES) + rng.choice(PLAYLIST_SUFFIXES)
        base = title if rng.random() < 0.3 else f"{rng.choice(PLAYLIST_ARTISTS)} - {title}"
        pool.append(base)
        pool.append(rng.choice([base.upper(), base.lower(), " ".join(reversed(base.split())), base.replace(" ", "  ")]))
    pool += ["", " ", None, float("nan")]
    weights = [1 / (i + 1) for i in range(len(pool))]
    choices = rng.choices(pool, weights=weights, k=n_choices)
    queries = []
    for _ in range(n_queries):
        kind = rng.randrange(4)
        s = rng.choice([c for c in pool[:-2]])
        if kind == 1 and s:
            i = rng.randrange(len(s))
            s = s[:i] + rng.choice("xyzé") + s[i + 1:]
        elif kind == 2:
            s = s.swapcase()
        elif kind == 3:
            s = rng.choice(PLAYLIST_TITLES) + " " + rng.choice(PLAYLIST_ARTISTS) + " Remix"
        queries.append(s)
    return queries + [None], choices
