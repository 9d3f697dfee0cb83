"""Checks a mixc-tune database: N whole records, trials numbered 1..N, no
schedule measured twice, every record with its features and outcome.

    check-db.py DB N
"""
import json
import sys

path, expected = sys.argv[1], int(sys.argv[2])
text = open(path).read()
assert text.endswith("\n"), "the last record is not whole"
records = [json.loads(line) for line in text.splitlines()]
assert len(records) == expected, f"{len(records)} records, expected {expected}"
assert [r["trial"] for r in records] == list(range(1, expected + 1)), \
    [r["trial"] for r in records]
schedules = [json.dumps(r["params"], sort_keys=True) for r in records]
assert len(set(schedules)) == len(schedules), "a schedule was measured twice"
for r in records:
    assert r["schema_version"] == "mixc-features-4"
    assert len(r["features"]) == len(r["feature_names"]) == len(r["static_features"])
    assert r["status"] in ("PASS", "FAIL", "FAULTED", "ERROR", "TIMEOUT",
                           "COMPILE_ERROR"), r["status"]
print(f"{path}: {len(records)} records, distinct schedules")
