#!/usr/bin/env python3
"""Rewrites measured records (JSON lines) from one feature schema to the next.

Each step names the features it inserts (after which existing feature), or
an existing feature that a template's new parameter now fills, and the value
a record of each template takes: the records were measured with the
template's default, so their features are what the new schema computes for
them. Usage: migrate_schema.py FILE... (rewritten in place).
"""
import json
import sys

# Each step inserts features: (after, name, the value per template (others:
# null), the parameter it is), or, with `after` None, fills the existing
# feature `name` of the templates named. The records were compiled with the
# parameter's default, which also goes into their params.
STEPS = {
    # monarch.fused's resident_factors (0).
    "mixc-features-1": (
        "mixc-features-2",
        [("param_tiles", "param_resident_factors",
          {"monarch.fused": 0}, "resident_factors")],
    ),
    # monarch.fused's blocks_per_sm (1).
    "mixc-features-2": (
        "mixc-features-3",
        [("param_resident_factors", "param_blocks_per_sm",
          {"monarch.fused": 1}, "blocks_per_sm")],
    ),
    # monarch.fused's tma (0), in the feature attention.wgmma's tma fills.
    "mixc-features-3": (
        "mixc-features-4",
        [(None, "param_tma", {"monarch.fused": 0}, "tma")],
    ),
}
# Positions of the features that the inserts follow (or that a step fills),
# for records without feature_names, per source schema.
INDEX = {"mixc-features-1": {"param_tiles": 42},
         "mixc-features-2": {"param_resident_factors": 43},
         "mixc-features-3": {"param_tma": 37}}


def migrate(record):
    while record.get("schema_version") in STEPS:
        source = record["schema_version"]
        target, inserts = STEPS[source]
        for after, name, values, param in inserts:
            names = record.get("feature_names")
            value = values.get(record.get("template"))
            if after is None:
                index = names.index(name) if names else INDEX[source][name]
                for key in ("features", "static_features"):
                    if value is not None and record.get(key) is not None:
                        record[key][index] = value
            else:
                index = (names.index(after) if names else INDEX[source][after]) + 1
                for key in ("features", "static_features"):
                    if key in record and record[key] is not None:
                        record[key].insert(index, value)
                if names:
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
