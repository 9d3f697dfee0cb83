"""Plays the GPU machine of mixc-tune's batch mode: writes DIR/results.jsonl
as bench/measure_dataset.py would (one mixc-bench line per candidate of
DIR/index.jsonl, the manifest under another root, as on that machine), with
made-up times and the second candidate failing its check.

    fake-results.py DIR
"""
import json
import os
import sys

folder = sys.argv[1]
with open(os.path.join(folder, "index.jsonl")) as f:
    candidates = [json.loads(line) for line in f]
with open(os.path.join(folder, "results.jsonl"), "a") as out:
    for i, c in enumerate(candidates):
        manifests = [n for n in os.listdir(os.path.join(folder, c["folder"]))
                     if n.endswith(".json")]
        assert len(manifests) == 1, manifests
        out.write(json.dumps({
            "manifest": "/gpu-machine/tune/" + c["folder"] + "/" + manifests[0],
            "status": "FAIL" if i == 1 else "PASS",
            "time_ms": 1.0 + 0.25 * i, "message": "", "device": "fake GPU",
            "date": "2026-12-04T00:00:00Z"}) + "\n")
