#!/usr/bin/env python3
"""Checks a generated demo dataset against its ground truth and the documented rates.

    python3 datasets/demo/check_demo.py [TRACES [TRUTH]]

Defaults: datasets/demo/traces.jsonl and datasets/demo/truth.jsonl. Checks that
  - every line of both files is JSON, trace ids are sequential and match the truth lines,
    timestamps never decrease, sessions hold several traces;
  - an independent Python reading of every evaluator in evaluators/ (same patterns, phrases,
    schemas, limits and Lua logic) fails a trace exactly when the truth lists that failure mode;
  - the injected rates per intent agree with the table in datasets/demo/README.md (a binomial
    test per cell expecting at least 10 injections; most cells need a large file, e.g.
    --count 200000).
Prints the realized rates. Exit status 1 when a check fails. Needs the `jsonschema` module.
"""

import collections
import json
import math
import os
import re
import sys

import jsonschema

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
EVALUATORS = os.path.join(ROOT, "evaluators")
MODES = ["invented-citation", "wrong-tool", "overlength-no-summary", "invalid-json", "pii-leak",
         "refusal", "tool-argument-error", "repeated-tool-call", "tool-error-unacknowledged",
         "answer-too-long"]

# The evaluators' parameters, copied from evaluators/*.yaml and *.lua (the YAML needs no
# parser here, and a divergence shows up as truth mismatches).
CITATION = re.compile(r"\[(doc\d+|KB-\d+)\]")
EXPECTED_TOOL = {"billing": "lookup_invoice", "refund": "issue_refund",
                 "shipping": "track_shipment", "account": "update_account",
                 "technical": "run_diagnostics", "compliance": "create_privacy_request",
                 "cancellation": "cancel_subscription", "pricing": "get_pricing",
                 "feedback": "log_feedback", "partnership": "create_ticket",
                 "accessibility": "search_kb"}
PII = [re.compile(p, re.ASCII) for p in [
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}",
    r"\+\d{1,3}[ .-]?\(?\d{1,4}\)?(?:[ .-]?\d{2,4}){2,4}",
    r"\b(?:\d{4}[ -]?){3}\d{4}\b",
    r"\b3[47]\d{2}[ -]?\d{6}[ -]?\d{5}\b"]]
REFUSALS = ["I'm sorry, but I can't help with that", "I’m sorry, but I can’t help with that",
            "I can't assist with that", "Es tut mir leid, aber dabei kann ich nicht helfen",
            "Je suis désolé, mais je ne peux pas vous aider",
            "Lo siento, pero no puedo ayudarte con eso",
            "申し訳ありませんが、その件についてはお手伝いできません"]
SUMMARY_LABELS = ["summary:", "tl;dr", "zusammenfassung:", "résumé :", "résumé:", "resumen:",
                  "要約：", "要約:"]
ACK_MARKERS = ["couldn't", "couldn’t", "could not", "unable to", "wasn't able", "failed",
               "konnte", "nicht möglich", "fehlgeschlagen", "pas pu", "impossible", "échoué",
               "no pude", "no se pudo", "no fue posible", "falló", "できませんでした", "失敗"]
SUMMARY_THRESHOLD = 1200
MAX_CHARS = 3000
FENCE = re.compile(r"^\s*```(?:json)?[ \t]*\n(.*)\n```\s*$", re.S)


def load_schema(name):
    with open(os.path.join(EVALUATORS, "schemas", name + ".json"), encoding="utf-8") as f:
        return json.load(f)


ANSWER_SCHEMA = jsonschema.Draft7Validator(load_schema("answer"))
TOOL_SCHEMAS = {tool: jsonschema.Draft7Validator(load_schema(tool))
                for tool in set(EXPECTED_TOOL.values()) | {"get_account", "lookup_order"}}


def ascii_lower(text):
    # Lua's string.lower folds ASCII only; Python's lower() would also fold "É".
    return "".join(c.lower() if c < "\x80" else c for c in text)


def failures(trace):
    """The failure modes the evaluators would report; None for modes they cannot judge."""
    out = trace.get("output")
    calls = trace.get("tool_calls") or []
    found = {}
    docs = trace.get("retrieved_documents") or []
    ids = {d.get("id", "doc%d" % i) for i, d in enumerate(docs)}
    names = [c["name"] for c in calls]
    found["wrong-tool"] = EXPECTED_TOOL[trace["metadata"]["intent"]] not in names
    keys = [(c["name"], json.dumps(c["arguments"], sort_keys=True)) for c in calls]
    found["repeated-tool-call"] = len(set(keys)) != len(keys) or len(keys) > 8
    found["tool-argument-error"] = any(
        not TOOL_SCHEMAS[c["name"]].is_valid(c["arguments"])
        for c in calls)
    if not isinstance(out, str):
        for mode in MODES:
            found.setdefault(mode, None)
        if not any(c.get("error") for c in calls):
            found["tool-error-unacknowledged"] = False
        return found
    found["invented-citation"] = any(i not in ids for i in CITATION.findall(out))
    chars = len(out)
    found["overlength-no-summary"] = chars > SUMMARY_THRESHOLD and not any(
        any(ascii_lower(re.sub(r"^[\s#*>\-_]+", "", line)).startswith(label)
            for label in SUMMARY_LABELS)
        for line in out.split("\n") if line)
    if trace["metadata"]["response_format"] == "json":
        match = FENCE.match(out)
        try:
            doc = json.loads(match.group(1) if match else out)
            found["invalid-json"] = not ANSWER_SCHEMA.is_valid(doc)
        except json.JSONDecodeError:
            found["invalid-json"] = True
    else:
        found["invalid-json"] = False
    found["pii-leak"] = any(p.search(out) for p in PII)
    found["refusal"] = any(phrase.lower() in out.lower() for phrase in REFUSALS)
    found["answer-too-long"] = chars > MAX_CHARS
    failed = [c for c in calls if c.get("error")]
    lowered = ascii_lower(out)
    found["tool-error-unacknowledged"] = bool(failed) and not any(m in lowered
                                                                  for m in ACK_MARKERS)
    return found


def documented_rates():
    """intent -> {mode: probability} and intent -> share, from README's rate table."""
    rates, shares = {}, {}
    with open(os.path.join(ROOT, "datasets", "demo", "README.md"), encoding="utf-8") as f:
        header = None
        for line in f:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 2 + len(MODES) and cells[0] == "intent":
                header = cells
                continue
            if header and len(cells) == len(header) and cells[1].endswith("%"):
                shares[cells[0]] = float(cells[1][:-1]) / 100
                rates[cells[0]] = {m: float(c[:-1]) / 100 for m, c in zip(header[2:], cells[2:])}
    return rates, shares


def eligible(mode, trace, truth):
    """Whether `mode` could be injected into `trace` (README "Injected failures")."""
    ok = trace["status"] == "ok"
    refusal = "refusal" in truth
    text = trace["metadata"]["response_format"] == "text"
    if mode == "refusal":
        return ok
    if mode == "invalid-json":
        return ok and not text
    if mode == "answer-too-long":
        return ok and not refusal and text
    if mode == "overlength-no-summary":
        return ok and not refusal and text and "answer-too-long" not in truth
    if mode in ("invented-citation", "pii-leak", "tool-error-unacknowledged"):
        return ok and not refusal
    if mode == "tool-argument-error":
        return not refusal
    return True


def main(argv):
    traces_path = argv[1] if len(argv) > 1 else os.path.join(ROOT, "datasets/demo/traces.jsonl")
    truth_path = argv[2] if len(argv) > 2 else os.path.join(ROOT, "datasets/demo/truth.jsonl")
    problems = []
    rates, shares = documented_rates()
    if not rates:
        problems.append("no rate table found in README.md")
    cells = collections.defaultdict(lambda: [0, 0])  # (intent, mode) -> [eligible, injected]
    totals = collections.Counter()
    sessions = collections.Counter()
    intents = collections.Counter()
    mismatches = collections.Counter()
    examples = {}
    n = 0
    clean = 0
    size = 0
    last_time = ""
    with open(traces_path, encoding="utf-8") as tf, open(truth_path, encoding="utf-8") as uf:
        for line, truth_line in zip(tf, uf):
            n += 1
            size += len(line.encode("utf-8"))
            trace = json.loads(line)
            truth = json.loads(truth_line)
            if trace["trace_id"] != "t-%06d" % n or truth["trace_id"] != trace["trace_id"]:
                problems.append("line %d: trace id %s, truth id %s" %
                                (n, trace["trace_id"], truth["trace_id"]))
            if trace["timestamp"] < last_time:
                problems.append("line %d: timestamp goes back" % n)
            last_time = trace["timestamp"]
            sessions[trace["session_id"]] += 1
            intent = trace["metadata"]["intent"]
            intents[intent] += 1
            injected = set(truth["injected"])
            totals.update(injected)
            clean += not injected
            for mode in MODES:
                if eligible(mode, trace, injected):
                    cell = cells[(intent, mode)]
                    cell[0] += 1
                    cell[1] += mode in injected
            for mode, failed in failures(trace).items():
                if failed is not None and failed != (mode in injected):
                    mismatches[mode] += 1
                    examples.setdefault(mode, (trace["trace_id"], failed))
        if tf.readline() or uf.readline():
            problems.append("traces and truth have different line counts")

    for mode, count in sorted(mismatches.items()):
        trace_id, failed = examples[mode]
        problems.append("%s: %d traces where the evaluator and the truth disagree (first: %s, "
                        "evaluator says %s)" % (mode, count, trace_id,
                                                "fail" if failed else "pass"))
    for (intent, mode), (elig, inj) in sorted(cells.items()):
        p = rates.get(intent, {}).get(mode)
        if p is None or elig * p < 10:  # too few expected for the normal approximation
            continue
        sd = math.sqrt(elig * p * (1 - p))
        if abs(inj - elig * p) > 4.5 * sd + 1:
            problems.append("%s/%s: %d of %d eligible injected, documented %.1f%%" %
                            (intent, mode, inj, elig, 100 * p))
    for intent, count in intents.items():
        p = shares.get(intent)
        if p is not None and abs(count - n * p) > 4.5 * math.sqrt(n * p * (1 - p)) + 1:
            problems.append("intent %s: %d of %d traces, documented %.1f%%" %
                            (intent, count, n, 100 * p))

    print("%d traces, %.0f bytes on average, %d sessions (%.2f traces each)" %
          (n, size / max(n, 1), len(sessions), n / max(len(sessions), 1)))
    print("%-26s %7s %8s %12s" % ("failure mode", "traces", "of all", "of eligible"))
    for mode in MODES:
        elig = sum(c[0] for (i, m), c in cells.items() if m == mode)
        print("%-26s %7d %7.2f%% %11.2f%%" % (mode, totals[mode], 100 * totals[mode] / max(n, 1),
                                             100 * totals[mode] / max(elig, 1)))
    print("%-26s %7d %7.2f%%" % ("(none injected)", clean, 100 * clean / max(n, 1)))
    for problem in problems:
        print("PROBLEM:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
