#!/usr/bin/env python3
"""peers.py REPO JOURNAL [REC TASKS]: the cases of a generated repository
as the peers read them: an hledger journal (one transaction per intake
and per closing), a recutils file and Taskwarrior's import JSON.  Shared
by compare.sh and report.sh, so every peer sees the same data."""
import json, os, sys
repo, jpath = sys.argv[1:3]
rpath, tpath = (sys.argv[3:5] + [None, None])[:2]
cases = []
for root, _, files in os.walk(os.path.join(repo, "cases")):
    for f in sorted(files):
        d = {}
        for line in open(os.path.join(root, f), encoding="utf-8"):
            if line[:1].isalpha() and ": " in line:
                k, v = line.rstrip("\n").split(": ", 1)
                d.setdefault(k, v)
        cases.append(d)
tx = []
for d in cases:
    cat = d.get("category", "other")
    if "accepted_on" in d:
        tx.append((d["accepted_on"], d["id"], "受理", "cases:open:" + cat, "cases:intake"))
    if "closed_on" in d:
        tx.append((d["closed_on"], d["id"], "结案", "cases:closed:" + d.get("outcome", "unknown"), "cases:open:" + cat))
tx.sort()
with open(jpath, "w", encoding="utf-8") as j:
    for date, cid, what, to, frm in tx:
        j.write("%s %s %s\n    %s  1\n    %s  -1\n\n" % (date, cid, what, to, frm))
if not rpath:
    sys.exit(0)
with open(rpath, "w", encoding="utf-8") as r:
    r.write("%rec: Case\n%key: Id\n\n")
    for d in cases:
        for k, f in (("id", "Id"), ("title", "Title"), ("status", "Status"),
                     ("outcome", "Outcome"), ("category", "Category"),
                     ("village", "Village"), ("risk_color", "Color"),
                     ("accepted_on", "Accepted"), ("closed_on", "Closed")):
            if k in d:
                r.write("%s: %s\n" % (f, d[k]))
        r.write("\n")
with open(tpath, "w", encoding="utf-8") as t:
    for d in cases:
        t.write(json.dumps({"description": d.get("title", d["id"]),
            "project": d.get("category", "other"),
            "tags": [d.get("status", "unknown")],
            "entry": d.get("accepted_on", "2019-01-01").replace("-", "") + "T000000Z",
            "status": "completed" if d.get("status") in ("closed", "archived") else "pending",
            "end": d.get("closed_on", d.get("accepted_on", "2019-01-01")).replace("-", "") + "T000000Z"},
            ensure_ascii=False) + "\n")
