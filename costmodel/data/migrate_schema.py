#!/usr/bin/env python3
"""Rewrites measured records (JSON lines) from one feature schema to the next.

Each step names the features it inserts (after which existing feature) and
the value a record of each template takes: the records were measured with
the template's default, so their features are what the new schema computes
for them. Usage: migrate_schema.py FILE... (rewritten in place).
"""
import json
import sys

# mixc-features-1 -> -2: monarch.fused's resident_factors (0, the default
# these records were compiled with; null for other templates).
STEPS = {
    "mixc-features-1": (
        "mixc-features-2",
        [("param_tiles", "param_resident_factors",
          {"monarch.fused": 0}, "resident_factors")],
    ),
}
# Position of the features of -1 that the inserts follow.
V1_INDEX = {"param_tiles": 42}


def migrate(record):
    while record.get("schema_version") in STEPS:
        target, inserts = STEPS[record["schema_version"]]
        for after, name, values, param in inserts:
            names = record.get("feature_names")
            index = (names.index(after) if names else V1_INDEX[after]) + 1
            value = values.get(record.get("template"))
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
