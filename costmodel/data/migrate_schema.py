#!/usr/bin/env python3
"""Rewrites measured records (JSON lines) from one feature schema to the next.

Each step names the features it inserts (after which existing feature) and
the value a record of each template takes: the records were measured with
the template's default, so their features are what the new schema computes
for them. Usage: migrate_schema.py FILE... (rewritten in place).
"""
import json
import sys

# Each step: the next schema and its edits. ("insert", after, name, values,
# param) inserts feature `name` after feature `after`; ("fill", name,
# values, param) sets the value of existing feature `name`. `values` maps a
# template to its value (absent templates: null), which also goes into the
# record's params as `param`.
STEPS = {
    # monarch.fused's resident_factors (0, the default these records were
    # compiled with).
    "mixc-features-1": (
        "mixc-features-2",
        [("insert", "param_tiles", "param_resident_factors",
          {"monarch.fused": 0}, "resident_factors")],
    ),
    # monarch.fused's tma (0: its records were compiled with cp.async), in
    # the feature param_tma that attention.wgmma already fills.
    "mixc-features-2": (
        "mixc-features-3",
        [("fill", "param_tma", {"monarch.fused": 0}, "tma")],
    ),
}
# Positions of the features of -1 and -2 that the edits name, for records
# without feature_names.
V1_INDEX = {"param_tiles": 42}
V2_INDEX = {"param_tma": 36}


def migrate(record):
    while record.get("schema_version") in STEPS:
        source = record["schema_version"]
        target, edits = STEPS[source]
        positions = V1_INDEX if source == "mixc-features-1" else V2_INDEX
        for kind, *edit in edits:
            names = record.get("feature_names")
            if kind == "insert":
                after, name, values, param = edit
                index = (names.index(after) if names else positions[after]) + 1
            else:
                name, values, param = edit
                index = names.index(name) if names else positions[name]
            value = values.get(record.get("template"))
            for key in ("features", "static_features"):
                if key in record and record[key] is not None:
                    if kind == "insert":
                        record[key].insert(index, value)
                    elif value is not None:
                        record[key][index] = value
            if names and kind == "insert":
                names.insert(index, name)
            if value is not None and isinstance(record.get("params"), dict):
                record["params"].setdefault(param, value)
        record["schema_version"] = target
    return record


def main(paths):
    for path in paths:
        with open(path) as f:
            lines = [line for line in f if line.strip()]
        out = []
        for line in lines:
            record = json.loads(line)
            out.append(json.dumps(migrate(record), separators=(",", ":")))
        with open(path, "w") as f:
            f.write("\n".join(out) + "\n")
        print(f"{path}: {len(out)} records")


if __name__ == "__main__":
    main(sys.argv[1:])
