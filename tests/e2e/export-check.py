#!/usr/bin/env python3
"""Checks a `loaxa export` JSON Lines file: every line valid against
doc/export.schema.json (python3-jsonschema; a hand check of the required
fields and types when it is missing), and the hash chain recomputed from
the exported fields alone, as doc/export.md describes it.
Usage: export-check.py SCHEMA JSONL [--csv CSV] -> prints "rows N head H"."""
import csv
import datetime
import hashlib
import json
import os
import sys


def ms(iso):
    if iso is None:
        return ""
    d = datetime.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return str(round(d.timestamp() * 1000))


def ns(v):
    b = v.encode() if isinstance(v, str) else str(v).encode()
    return str(len(b)).encode() + b":" + b + b","


def link(row, prev):
    fields = [prev or "0" * 64, row["seq"], row["occurrence"], row["attempt"], row["uid"],
              row["plan_file"], row["title"], "\n".join(row["topics"]), row["unit"],
              row["priority"], row["recordings_json"], ms(row["planned_start"]),
              ms(row["planned_end"]), ms(row["actual_start"]), ms(row["actual_end"]),
              row["played_ms"], row["underruns"], row["device"], row["status"], row["reason"],
              row["source"], row["operator"]]
    return hashlib.sha256(b"loaxa-chain-1\n" + b"".join(ns(f) for f in fields)).hexdigest()


def hand_check(schema, row):
    for k in schema["required"]:
        if k not in row:
            raise ValueError("missing " + k)
    if row["schema"] != 1 or not isinstance(row["topics"], list):
        raise ValueError("schema or topics")
    if row["status"] not in schema["properties"]["status"]["enum"]:
        raise ValueError("status " + row["status"])


def main():
    schema = json.load(open(sys.argv[1]))
    try:
        from jsonschema import Draft202012Validator
        Draft202012Validator.check_schema(schema)
        validate = Draft202012Validator(schema).validate
        how = "jsonschema"
    except ImportError:
        if os.environ.get("CI"):  # CI installs it (tools/deps.sh): never a weaker check there
            sys.exit("python3-jsonschema is missing (tools/deps.sh installs it)")
        validate = lambda row: hand_check(schema, row)
        how = "hand check (python3-jsonschema missing)"
    rows = []
    with open(sys.argv[2], encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            row = json.loads(line)
            try:
                validate(row)
            except Exception as e:
                sys.exit("line %d does not match the schema: %s" % (n, e))
            rows.append(row)
    prev, last, checked = "", 0, 0
    for row in rows:
        # a row is checked when the one before it in the chain is here too
        # (or it is the first); an export of a period starts anywhere
        if row["seq"] == 1 or row["seq"] == last + 1 and prev:
            h = link(row, prev if row["seq"] > 1 else "")
            if h != row["hash"]:
                sys.exit("seq %d: hash %s, recomputed %s" % (row["seq"], row["hash"], h))
            checked += 1
        prev, last = row["hash"], row["seq"]
    if "--csv" in sys.argv:
        with open(sys.argv[sys.argv.index("--csv") + 1], encoding="utf-8", newline="") as f:
            c = list(csv.DictReader(f))
        if len(c) != len(rows):
            sys.exit("csv has %d rows, jsonl %d" % (len(c), len(rows)))
        for a, b in zip(c, rows):
            if a["hash"] != b["hash"] or a["occurrence"] != b["occurrence"] or \
                    int(a["seq"]) != b["seq"] or int(a["played_ms"]) != b["played_ms"]:
                sys.exit("csv row %s differs from the jsonl" % a["seq"])
    print("rows %d head %s checked %d (%s)" % (len(rows), prev or "-", checked, how))


main()
