#!/usr/bin/env python3
"""Measures the statistics behind the high-entropy secret rule (runner/redact/secret_checks.cc).

Random tokens (what keys look like) against the long strings of ordinary traces (identifiers,
paths, base64 of text): Shannon entropy and word coverage percentiles, and the share of each
kind the rule (re-implemented here independently) takes for a secret.

  python3 bench/redact_secret_thresholds.py
"""
import base64
import math
import random
import re
import string
from collections import Counter

MIN_LENGTH = 24
MIN_ENTROPY = 3.5
MAX_COVERAGE = 0.6
WORD = re.compile(r"[A-Z]?[a-z]{3,}|[A-Z]{4,}")
OBJECT_IDS = ("chatcmpl-", "call_", "msg_", "toolu_", "srvtoolu_", "req_", "resp_", "run_",
              "step_", "thread_", "asst_", "batch_", "file-", "file_")
WORDS = """get set user account by id factory bean proxy singleton abstract manager service
handler request response config default value order item customer invoice payment refund
shipping address billing status error retry timeout connection pool thread worker queue message
event listener callback context session token cache key provider builder adapter visitor
controller repository entity model view template render parse format string number list map
index count total amount price currency date time zone locale language region country city
Input Output Stream Buffer Reader Writer File Path Directory Node Tree Graph Edge Vertex Score
Label Trace Span v2 v3 2024 2025 10 42 x86 64 utf8 id2 api http json yaml sql db""".split()
SENTENCE = ("the customer asked for a refund of the order because the item arrived broken and "
            "late again").split()
BASE62 = string.ascii_letters + string.digits


def entropy(s):
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in Counter(s).values())


def coverage(s):
    return sum(len(m.group()) for m in WORD.finditer(s)) / len(s)


def is_secret(s):
    s = s.rstrip("=")
    if len(s) < MIN_LENGTH or s.startswith("/") or s.startswith(OBJECT_IDS):
        return False
    if not (any(c.isupper() for c in s) and any(c.islower() for c in s)
            and any(c.isdigit() for c in s)):
        return False
    if all(c in string.hexdigits + "-" for c in s):
        return False
    return entropy(s) >= MIN_ENTROPY and coverage(s) < MAX_COVERAGE


def identifier(rng, style):
    words = [rng.choice(WORDS) for _ in range(rng.randint(3, 7))]
    if style == "camelCase":
        return words[0].lower() + "".join(w[:1].upper() + w[1:] for w in words[1:])
    if style == "PascalCase":
        return "".join(w[:1].upper() + w[1:] for w in words)
    return ("_" if style == "snake_case" else "-").join(words)


def kinds(rng, n):
    out = {}
    for length in (24, 32, 48, 64):
        out[f"random base62, {length}"] = ["".join(rng.choice(BASE62) for _ in range(length))
                                           for _ in range(n)]
    out["random base64url, 24"] = ["".join(rng.choice(BASE62 + "-_") for _ in range(24))
                                   for _ in range(n)]
    for style in ("camelCase", "PascalCase", "snake_case", "kebab-case"):
        out[style] = [identifier(rng, style) for _ in range(n)]
    out["path of words"] = ["/".join(rng.choice(WORDS) for _ in range(rng.randint(3, 6)))
                            for _ in range(n)]
    out["base64 of text"] = [
        base64.b64encode(" ".join(rng.choice(SENTENCE) for _ in range(rng.randint(4, 12)))
                         .encode()).decode() for _ in range(n)]
    return {k: [s for s in v if len(s.rstrip("=")) >= MIN_LENGTH] for k, v in out.items()}


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def main():
    rng = random.Random(20261203)
    # H: entropy in bits per character; cov: word coverage; "H>=x": the share with all three
    # character classes and that entropy, i.e. what an entropy threshold alone would take.
    print(f"{'kind':22} {'n':>5} {'H min':>5} {'H p1':>5} {'H p50':>5} {'H p95':>5} "
          f"{'cov p5':>6} {'cov p50':>7} {'cov p95':>7} {'3 classes':>9} {'H>=3.7':>6} "
          f"{'H>=4.0':>6} {'secret':>7}")
    for kind, samples in kinds(rng, 4000).items():
        h = [entropy(s.rstrip("=")) for s in samples]
        c = [coverage(s.rstrip("=")) for s in samples]
        classes = sum(any(x.isupper() for x in s) and any(x.islower() for x in s)
                      and any(x.isdigit() for x in s) for s in samples) / len(samples)
        found = sum(is_secret(s) for s in samples) / len(samples)

        def entropy_alone(threshold):
            return sum(any(x.isupper() for x in s) and any(x.islower() for x in s)
                       and any(x.isdigit() for x in s) and entropy(s.rstrip("=")) >= threshold
                       for s in samples) / len(samples)

        print(f"{kind:22} {len(samples):5} {min(h):5.2f} {percentile(h, .01):5.2f} "
              f"{percentile(h, .5):5.2f} {percentile(h, .95):5.2f} {percentile(c, .05):6.2f} "
              f"{percentile(c, .5):7.2f} {percentile(c, .95):7.2f} {classes:9.3f} "
              f"{entropy_alone(3.7):6.3f} {entropy_alone(4.0):6.3f} {found:7.3f}")


if __name__ == "__main__":
    main()
