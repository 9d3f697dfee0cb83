#!/usr/bin/env python3
"""Stands in for mixc-bench in mixc-tune's local measurement test: for the
candidate folder DIR it hangs (block_n = 32: the tuner's --timeout must kill
it), crashes (block_n = 64: a faulting kernel), or writes a PASS result line
with a time made from the schedule.

    fake-bench.py DIR --results FILE [mixc-bench options...]
"""
import json
import os
import sys
import time

folder = sys.argv[1]
results = sys.argv[sys.argv.index("--results") + 1]
name = os.path.basename(folder.rstrip("/"))
if "block_n32" in name:
    time.sleep(60)
if "block_n64" in name:
    os.abort()
with open(results, "a") as f:
    f.write(json.dumps({"manifest": os.path.join(folder, "attention_0.json"),
                        "status": "PASS", "time_ms": 1.0 + len(name) / 100,
                        "message": "", "device": "fake GPU"}) + "\n")
