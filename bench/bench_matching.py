"""Benchmark tunelens's fuzzy matching against rapidfuzz 3.14 on the same data.

Data: ``tunelens.datasets.make_catalogs`` (real-looking "artist title" strings
with typos, accents, feat. and version tags, non-Latin scripts).

- every scorer and distance function per pair (same pairs, both called from
  Python one pair at a time, interleaved, best of 30);
- ``cdist`` 1,000 × 100,000 with ``workers=-1`` for both (best of 3 fresh
  processes each);
- the row-by-row ``rapidfuzz.process.extractOne(q, choices, scorer=token_sort_ratio,
  score_cutoff=90)`` loop vs ``tunelens.process.extract_many`` (identical results
  asserted);
- the same on 100 x 100,000 real-shaped strings (``real_shaped``: short
  "artist - title" or bare titles, ~40% repeated entries, Zipf-like
  popularity), also against rapidfuzz's ``cdist(workers=-1)`` + argmax per row
  (interleaved in one process, best of 3);
- a research script's loop ``[process.extractOne(q, choices, processor=default_process)
  for q in queries]`` (20 x 100,000) through ``tunelens.compat.rapidfuzz`` vs
  rapidfuzz (identical results asserted);
- peak memory of the batch calls (ru_maxrss of a fresh subprocess: tracemalloc
  cannot see Rust allocations);
- ``--long``: each distance and scorer on two random 100k/400k/500k-character
  strings (Latin letters, and 20,000 CJK symbols), one fresh process per call
  and library: time and peak memory above the process's own (issue 20).
  ``partial_ratio`` and the partial token ratios are left out: on two long
  strings they are cubic in rapidfuzz as in tunelens (24 s for 5k characters).

Run: ``python bench/bench_matching.py [--quick] [--long]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from itertools import accumulate
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).parent))

from _harness import Table, best_ms  # noqa: E402


def catalog_strings(n: int, seed: int) -> tuple[list[str], list[str]]:
    """``n`` chart strings and ``n`` features strings ("artist title")."""
    from tunelens.datasets import make_catalogs

    chart, features, _ = make_catalogs(n, overlap=0.8, seed=seed)
    left = (chart["artist"] + " " + chart["title"]).tolist()
    right = (features["artist"] + " " + features["title"]).tolist()
    return left[:n], right[:n]


# Real-shaped strings: what a Spotify/Last.fm export holds. Hand-written
# lists; `real_shaped` draws from them with a seed.
ARTISTS = """
Radiohead|Taylor Swift|Beyoncé|Drake|Adele|Coldplay|The Beatles|Kendrick Lamar|Rihanna|Arctic Monkeys
Daft Punk|Billie Eilish|The Weeknd|Frank Ocean|Lana Del Rey|Kanye West|Bad Bunny|Dua Lipa|Ed Sheeran|Muse
Queen|David Bowie|Fleetwood Mac|Pink Floyd|Led Zeppelin|Nirvana|Metallica|AC/DC|The Rolling Stones|U2
Oasis|Blur|Pulp|The Smiths|Joy Division|New Order|Depeche Mode|The Cure|Portishead|Massive Attack
Björk|Sigur Rós|Röyksopp|Robyn|ABBA|a-ha|Kraftwerk|Rammstein|Stromae|Christine and the Queens
Rosalía|J Balvin|Shakira|Karol G|Peso Pluma|Maluma|Ozuna|Daddy Yankee|Juanes|Café Tacvba
BTS|BLACKPINK|TWICE|NewJeans|IU|Stray Kids|SEVENTEEN|aespa|Red Velvet|EXO
방탄소년단|아이유|블랙핑크|宇多田ヒカル|米津玄師|YOASOBI|あいみょん|椎名林檎|King Gnu|Official髭男dism
周杰倫|王菲|陳奕迅|鄧紫棋|Кино|Земфира|Мумий Тролль|Сплин|Би-2|Ляпис Трубецкой
Ελευθερία Αρβανιτάκη|Fairuz|Amr Diab|Nancy Ajram|Tarkan|Sezen Aksu|A. R. Rahman|Arijit Singh|Shreya Ghoshal|Lata Mangeshkar
Fela Kuti|Burna Boy|Wizkid|Tems|Angélique Kidjo|Youssou N'Dour|Salif Keita|Miriam Makeba|Tinariwen|Ali Farka Touré
Miles Davis|John Coltrane|Nina Simone|Billie Holiday|Ella Fitzgerald|Louis Armstrong|Chet Baker|Bill Evans|Thelonious Monk|Herbie Hancock
Johnny Cash|Dolly Parton|Willie Nelson|Kacey Musgraves|Chris Stapleton|Luke Combs|Zach Bryan|Morgan Wallen|Shania Twain|Patsy Cline
Bob Dylan|Joni Mitchell|Leonard Cohen|Neil Young|Simon & Garfunkel|Nick Drake|Elliott Smith|Sufjan Stevens|Bon Iver|Phoebe Bridgers
Michael Jackson|Prince|Madonna|Whitney Houston|Stevie Wonder|Marvin Gaye|Aretha Franklin|Al Green|Otis Redding|James Brown
Eminem|Jay-Z|Nas|The Notorious B.I.G.|2Pac|OutKast|Missy Elliott|Lauryn Hill|A Tribe Called Quest|Wu-Tang Clan
Travis Scott|Tyler, The Creator|SZA|Doja Cat|Post Malone|Lil Nas X|Megan Thee Stallion|Cardi B|Nicki Minaj|21 Savage
Harry Styles|Olivia Rodrigo|Sabrina Carpenter|Chappell Roan|Ariana Grande|Justin Bieber|Selena Gomez|Miley Cyrus|Lady Gaga|Katy Perry
The Strokes|Interpol|Yeah Yeah Yeahs|LCD Soundsystem|Vampire Weekend|The National|Arcade Fire|The xx|Tame Impala|MGMT
Aphex Twin|Boards of Canada|Burial|Four Tet|Jamie xx|Caribou|Bonobo|Moderat|Fred again..|Disclosure
Calvin Harris|David Guetta|Avicii|Swedish House Mafia|Skrillex|Deadmau5|Martin Garrix|Tiësto|Kygo|Zedd
Mötley Crüe|Motörhead|Iron Maiden|Black Sabbath|Judas Priest|Slayer|Megadeth|Tool|System Of A Down|Deftones
Red Hot Chili Peppers|Foo Fighters|Pearl Jam|Soundgarden|Alice In Chains|Green Day|blink-182|Weezer|Pixies|Sonic Youth
Édith Piaf|Serge Gainsbourg|Jacques Brel|Charles Aznavour|Françoise Hardy|Zaz|Angèle|Aya Nakamura|PNL|Orelsan
Caetano Veloso|Gilberto Gil|João Gilberto|Jorge Ben Jor|Elis Regina|Tom Jobim|Marisa Monte|Anitta|Seu Jorge|Os Mutantes
The Kinks|The Who|The Doors|The Velvet Underground|The Clash|Sex Pistols|Ramones|Talking Heads|Blondie|R.E.M.
Lorde|Khruangbin|Florence + The Machine|Hozier|Mitski|Japanese Breakfast|Big Thief|boygenius|Weyes Blood|Clairo
""".replace("\n", "|").strip("|").split("|")

TITLE_WORDS = """
love|night|heart|baby|girl|boy|time|way|life|dream|light|fire|rain|sun|moon|star|sky|world|home|road
dance|song|blue|gold|black|white|red|summer|winter|city|street|river|ocean|wild|young|forever|tonight|alone|together|again
one|two|last|first|little|big|new|old|sweet|bad|good|lost|free|crazy|slow|fast|high|low|cold|hot
you|me|my|your|we|us|i|the|a|in|of|on|to|for|with|without|all|no|yes|never
kiss|tears|smile|eyes|hands|body|soul|mind|lies|truth|money|party|sugar|honey|angel|devil|ghost|paradise|heaven|hell
wonderwall|yesterday|hallelujah|imagine|creep|halo|hello|closer|roses|thunder|lightning|butterfly|diamonds|stranger|runaway|champion|survivor|lover|blinding|levitating
shape|bohemian|rhapsody|smells|teen|spirit|hotel|california|purple|umbrella|toxic|royals|bodak|yellow|despacito|gasolina|dynamite|butter|gangnam|style
corazón|amor|noche|vida|bésame|mucho|sueño|cielo|fuego|bailar|mon|cœur|toujours|la|vie|en|rose|liebe|nacht|herz
夜|愛|夢|桜|空|雨|心|光|사랑|밤|꿈|봄날|любовь|ночь|звезда|группа|крови|мечта|حبيبي|يا
""".replace("\n", "|").strip("|").split("|")

VERSIONS = ["Remastered 2011", "Remastered 2009", "2015 Remaster", "Live", "Radio Edit", "Acoustic",
            "Demo", "Single Version", "Mono", "Remix", "Extended Mix", "Live at Wembley", "Deluxe"]


def _title(rng) -> str:
    """1-4 title words, popular words first (Zipf-like), first letter of each word capitalised."""
    n = rng.choices((1, 2, 3, 4), cum_weights=(30, 65, 90, 100))[0]
    words = rng.choices(TITLE_WORDS, cum_weights=_ZIPF_WORDS, k=n)
    return " ".join(w[:1].upper() + w[1:] for w in words)


_ZIPF_WORDS = list(accumulate(1 / (i + 1) ** 0.8 for i in range(len(TITLE_WORDS))))


def _track(rng) -> str:
    """One playlist entry: "artist - title" or a bare title, sometimes with a
    feat. credit or a " - Remastered 2011"-style version suffix."""
    artist = rng.choices(ARTISTS, cum_weights=_ZIPF_ARTISTS)[0]
    title = _title(rng)
    if rng.random() < 0.12:
        title += f" (feat. {rng.choice(ARTISTS)})"
    if rng.random() < 0.10:
        title += f" - {rng.choice(VERSIONS)}"
    return title if rng.random() < 0.3 else f"{artist} - {title}"


_ZIPF_ARTISTS = list(accumulate(1 / (i + 1) ** 0.7 for i in range(len(ARTISTS))))


def _typo(rng, s: str) -> str:
    chars = list(s)
    for _ in range(rng.randrange(1, 3)):
        i = rng.randrange(len(chars))
        op = rng.randrange(3)
        if op == 0:
            chars[i] = rng.choice("abcdefghijklmnopqrstuvwxyz")
        elif op == 1 and len(chars) > 1:
            del chars[i]
        else:
            chars.insert(i, rng.choice("abcdefghijklmnopqrstuvwxyz"))
    return "".join(chars)


def real_shaped(n_queries: int, n_choices: int, seed: int) -> tuple[list[str], list[str]]:
    """``n_queries`` queries and ``n_choices`` playlist-export strings.

    Choices are drawn with Zipf-like popularity from a pool of distinct tracks,
    so about 40% of them repeat an earlier entry; queries are a third exact
    members, a third members with one or two typos and a third absent tracks.
    """
    import random

    rng = random.Random(seed)
    pool = list(dict.fromkeys(_track(rng) for _ in range(n_choices * 3 // 2)))
    popularity = accumulate(1 / (i + 1) ** 0.5 for i in range(len(pool)))
    choices = rng.choices(pool, cum_weights=list(popularity), k=n_choices)
    present = set(choices)
    queries = []
    for i in range(n_queries):
        if i % 3 == 0:
            queries.append(rng.choice(choices))
        elif i % 3 == 1:
            queries.append(_typo(rng, rng.choice(choices)))
        else:
            q = _track(rng)
            while q in present:
                q = _track(rng)
            queries.append(q)
    return queries, choices


DISTANCES = [
    ("Levenshtein", "distance"),
    ("Levenshtein", "normalized_similarity"),
    ("Indel", "distance"),
    ("Indel", "normalized_similarity"),
    ("Hamming", "distance"),
    ("Hamming", "normalized_similarity"),
    ("Jaro", "similarity"),
    ("JaroWinkler", "similarity"),
]


def interleaved_ms(ref: Callable[[], object], ours: Callable[[], object], rounds: int) -> tuple[float, float]:
    """Best wall time (ms) of ``ref`` and ``ours``, run alternately ``rounds``
    times each: under load both see the same machine state."""
    ref(), ours()
    best_ref = best_ours = float("inf")
    for _ in range(rounds):
        best_ref = min(best_ref, best_ms(ref, repeat=1))
        best_ours = min(best_ours, best_ms(ours, repeat=1))
    return best_ref, best_ours


def per_pair(table: Table, left: list[str], right: list[str], rounds: int = 30) -> None:
    """Every ``fuzz`` scorer and the distance functions, one Python call per pair."""
    from rapidfuzz import distance as rd
    from rapidfuzz import fuzz as rf

    from tunelens import distance as td
    from tunelens import fuzz as tf

    pairs = list(zip(left[:2000], right[:2000]))
    functions = [(f"fuzz.{name}", getattr(rf, name), getattr(tf, name)) for name in tf.__all__]
    functions += [
        (f"distance.{metric}.{kind}", getattr(getattr(rd, metric), kind), getattr(getattr(td, metric), kind))
        for metric, kind in DISTANCES
    ]
    for label, ref, ours in functions:

        def run_ref(ref: Callable = ref) -> None:
            for a, b in pairs:
                ref(a, b)

        def run_ours(ours: Callable = ours) -> None:
            for a, b in pairs:
                ours(a, b)

        r, t = interleaved_ms(run_ref, run_ours, rounds)
        table.add(f"{label}, {len(pairs)} pairs one call each", r, t)


def _peak_child(snippet: str) -> dict:
    """Runs ``snippet`` (which sets ``seconds``) in a fresh interpreter: wall time
    and the peak resident memory it added (MiB)."""
    code = (
        "import resource, json, time\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        f"{snippet}\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(json.dumps({'seconds': seconds, 'peak_mb': (peak - base) / 1024}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                         cwd=str(Path(__file__).parent))
    return json.loads(out.stdout.strip().splitlines()[-1])


SETUP = """
import sys
from bench_matching import catalog_strings
left, right = catalog_strings({n_choices}, seed=1)
queries = left[:{n_queries}]
choices = right
"""


def batch(table: Table, n_queries: int, n_choices: int) -> list[str]:
    setup = SETUP.format(n_queries=n_queries, n_choices=n_choices)
    notes = []
    cases = {
        f"cdist {n_queries} x {n_choices}, ratio, workers=-1": (
            "from rapidfuzz import process, fuzz\n"
            "t = time.perf_counter(); process.cdist(queries, choices, scorer=fuzz.ratio, workers=-1)\n"
            "seconds = time.perf_counter() - t",
            "from tunelens import process, fuzz\n"
            "t = time.perf_counter(); process.cdist(queries, choices, scorer=fuzz.ratio, workers=-1)\n"
            "seconds = time.perf_counter() - t",
        ),
        f"best match per query, {n_queries} x {n_choices}, token_sort_ratio, cutoff 90": (
            "from rapidfuzz import process, fuzz\n"
            "t = time.perf_counter()\n"
            "found = [process.extractOne(q, choices, scorer=fuzz.token_sort_ratio, score_cutoff=90) for q in queries]\n"
            "seconds = time.perf_counter() - t",
            "from tunelens import process, fuzz\n"
            "t = time.perf_counter()\n"
            "found = process.extract_many(queries, choices, scorer=fuzz.token_sort_ratio, score_cutoff=90, workers=-1)\n"
            "seconds = time.perf_counter() - t",
        ),
    }
    for name, (ref, ours) in cases.items():
        # Best of 3 fresh processes for cdist (one call is ~0.5 s and varies
        # with the machine's page-fault cost); one run for the best-match
        # row: the reference loop takes minutes.
        runs = 3 if name.startswith("cdist") else 1
        results = [(_peak_child(setup + ref), _peak_child(setup + ours)) for _ in range(runs)]
        r = min((r for r, _ in results), key=lambda x: x["seconds"])
        t = min((t for _, t in results), key=lambda x: x["seconds"])
        table.add(name, r["seconds"] * 1e3, t["seconds"] * 1e3)
        notes.append(f"- {name}: peak memory rapidfuzz {r['peak_mb']:.0f} MiB, tunelens {t['peak_mb']:.0f} MiB")
    return notes


def extract_one_loop(table: Table, n_queries: int, n_choices: int) -> None:
    """The drop-in loop: ``extractOne`` per query over the same choices, shim vs rapidfuzz."""
    import warnings

    from rapidfuzz import process as rp
    from rapidfuzz.utils import default_process as rdp

    from tunelens.compat import TunelensFallbackWarning
    from tunelens.compat.rapidfuzz import process as sp
    from tunelens.compat.rapidfuzz.utils import default_process as sdp

    warnings.simplefilter("ignore", TunelensFallbackWarning)
    left, right = catalog_strings(n_choices, seed=1)
    queries = left[:n_queries]
    ref = [rp.extractOne(q, right, processor=rdp) for q in queries]
    assert [sp.extractOne(q, right, processor=sdp) for q in queries] == ref, "shim extractOne loop differs"
    r, t = interleaved_ms(lambda: [rp.extractOne(q, right, processor=rdp) for q in queries],
                          lambda: [sp.extractOne(q, right, processor=sdp) for q in queries], rounds=3)
    table.add(f"compat extractOne loop {n_queries} x {n_choices}, WRatio, default_process", r, t)


def best_by_cdist(queries: list, choices: list, scorer: Callable, score_cutoff: float) -> list:
    """Best match per query from rapidfuzz's score matrix (all cores) and an
    argmax per row: the fastest rapidfuzz way to the extractOne results."""
    import numpy as np
    from rapidfuzz import process as rp

    matrix = rp.cdist(queries, choices, scorer=scorer, score_cutoff=score_cutoff, workers=-1)
    best = matrix.argmax(axis=1)  # first index of the maximum, as extractOne
    scores = matrix[np.arange(len(queries)), best]
    return [(choices[j], float(x), int(j)) if x >= score_cutoff and x > 0 else None for j, x in zip(best, scores)]


def real_shaped_rows(table: Table, n_queries: int, n_choices: int) -> None:
    """``extract_many`` vs the extractOne loop and vs cdist + argmax on real-shaped strings."""
    from rapidfuzz import fuzz as rf
    from rapidfuzz import process as rp

    from tunelens import fuzz as tf
    from tunelens import process as tp

    queries, choices = real_shaped(n_queries, n_choices, seed=1)

    def loop() -> list:
        return [rp.extractOne(q, choices, scorer=rf.token_sort_ratio, score_cutoff=90) for q in queries]

    def by_cdist() -> list:
        return best_by_cdist(queries, choices, rf.token_sort_ratio, 90)

    def ours() -> list:
        return tp.extract_many(queries, choices, scorer=tf.token_sort_ratio, score_cutoff=90, workers=-1)

    found = ours()
    assert found == loop(), "extract_many differs from the extractOne loop on real-shaped strings"
    # cdist scores are float32: same rows matched, at the same index unless
    # two float64 scores round to one float32.
    for mine, theirs in zip(found, by_cdist()):
        assert (mine is None) == (theirs is None), "cdist + argmax finds other rows"
        assert mine is None or abs(mine[1] - theirs[1]) < 1e-4, "cdist + argmax finds other scores"
    label = f"best match per query, {n_queries} x {n_choices} real-shaped strings, token_sort_ratio, cutoff 90"
    r, t = interleaved_ms(loop, ours, rounds=3)
    table.add(f"{label} (rapidfuzz: extractOne loop)", r, t)
    r, t = interleaved_ms(by_cdist, ours, rounds=3)
    table.add(f"{label} (rapidfuzz: cdist workers=-1 + argmax)", r, t)
    repeats = 1 - len(set(choices)) / len(choices)
    print(f"  real-shaped: {repeats:.0%} repeated choices, {sum(f is not None for f in found)} of "
          f"{n_queries} queries matched", flush=True)


def check_identical(n_queries: int, n_choices: int) -> None:
    """extract_many == the row-by-row extractOne loop (asserted)."""
    from rapidfuzz import fuzz as rf
    from rapidfuzz import process as rp

    from tunelens import fuzz as tf
    from tunelens import process as tp

    left, right = catalog_strings(n_choices, seed=1)
    queries = left[:n_queries]
    ours = tp.extract_many(queries, right, scorer=tf.token_sort_ratio, score_cutoff=90)
    ref = [rp.extractOne(q, right, scorer=rf.token_sort_ratio, score_cutoff=90) for q in queries]
    assert ours == ref, "extract_many differs from the extractOne loop"
    print(f"  extract_many == extractOne loop on {n_queries} x {n_choices}: identical "
          f"({sum(r is not None for r in ref)} matches)", flush=True)


_LONG_CHILD = """
import json, random, resource, sys, time
lib, func, n, alphabet = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
rng = random.Random(0)
symbols = "abcdefghijklmnopqrstuvwxyz" if alphabet == "latin" else [chr(0x4E00 + i) for i in range(20000)]
a = "".join(rng.choice(symbols) for _ in range(n))
b = "".join(rng.choice(symbols) for _ in range(n))
if lib == "rapidfuzz":
    from rapidfuzz import distance, fuzz
else:
    from tunelens import distance, fuzz
f = eval(func)
f("ab", "ba")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
f(a, b)
elapsed = time.perf_counter() - start
print(json.dumps({"ms": elapsed * 1e3, "mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024}))
"""

LONG_FUNCS = ["distance.Levenshtein.distance", "distance.Indel.distance", "distance.Hamming.distance",
              "distance.Jaro.similarity", "distance.JaroWinkler.similarity", "fuzz.ratio", "fuzz.token_sort_ratio",
              "fuzz.token_set_ratio", "fuzz.WRatio"]


def long_rows(table: Table, sizes: list[int]) -> list[str]:
    """Each distance/scorer on two long random strings, one fresh process per call."""
    notes = []
    for alphabet in ("latin", "cjk"):
        for n in sizes:
            for func in LONG_FUNCS:
                runs = {}
                for lib in ("rapidfuzz", "tunelens"):
                    done = subprocess.run([sys.executable, "-c", _LONG_CHILD, lib, func, str(n), alphabet],
                                          capture_output=True, text=True, check=True)
                    runs[lib] = json.loads(done.stdout.strip().splitlines()[-1])
                table.add(f"{func}, two {n:,}-character {alphabet} strings", runs["rapidfuzz"]["ms"],
                          runs["tunelens"]["ms"])
                notes.append(f"  peak memory {func} {n:,} {alphabet}: rapidfuzz +{runs['rapidfuzz']['mb']:.0f} MB, "
                             f"tunelens +{runs['tunelens']['mb']:.0f} MB")
                print(notes[-1], flush=True)
    return notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100 x 10,000 instead of 1,000 x 100,000")
    parser.add_argument("--per-pair", action="store_true", help="only the per-pair rows")
    parser.add_argument("--real-shaped", action="store_true", help="only the real-shaped best-match rows")
    parser.add_argument("--long", action="store_true", help="only the long-string rows (100k/400k/500k characters)")
    args = parser.parse_args()
    n_queries, n_choices = (100, 10_000) if args.quick else (1_000, 100_000)
    table = Table("Fuzzy matching: tunelens vs rapidfuzz 3.14", "rapidfuzz")
    if args.long:
        notes = long_rows(table, [20_000] if args.quick else [100_000, 400_000, 500_000])
        print()
        print(table.markdown())
        print("\n".join(notes))
        return
    if args.real_shaped:
        real_shaped_rows(table, 100, n_choices)
        print()
        print(table.markdown())
        return
    left, right = catalog_strings(5_000, seed=3)
    per_pair(table, left, right)
    if args.per_pair:
        print()
        print(table.markdown())
        return
    extract_one_loop(table, 20, n_choices)
    real_shaped_rows(table, 100, n_choices)
    check_identical(min(n_queries, 200), n_choices)
    notes = batch(table, n_queries, n_choices)
    # match_catalogs: section reserved for tunelens.match_catalogs (catalog branch).
    print()
    print(table.markdown())
    print("\n".join(notes))


if __name__ == "__main__":
    main()
