#!/usr/bin/env python3
"""gen.py N DIR [--unit QSZ] [--seed 1]: make a case repository of N
generated cases, as fq writes them, committed in one commit.

Distributions follow DOMAIN.md: categories weighted like the 司法部 monthly
figures (marriage/family and neighbour disputes most common), about 5% red
and 15% yellow, states spread over the lifecycle with most cases closed,
2-8 events per case, one in ten with a referral.  Python 3 standard library
only; deterministic for a given seed.
"""
import os, random, subprocess, sys, datetime

CATS = [("marriage_family", 22), ("neighbor", 20), ("housing_homestead", 12),
        ("contract", 10), ("damages", 7), ("land_forest", 8),
        ("land_requisition", 3), ("labor", 5), ("consumer", 3),
        ("traffic", 3), ("property_mgmt", 2), ("business", 2), ("other", 3)]
SOURCES = [("application", 45), ("proactive", 20), ("screening", 10),
           ("police_transfer", 8), ("court_delegated", 6),
           ("petition_transfer", 3), ("gov_assigned", 3), ("grid_report", 5)]
STATES = [("closed", 70), ("mediating", 10), ("accepted", 7), ("agreed", 5),
          ("referred_out", 3), ("archived", 5)]
OUTCOMES = [("mediated_written", 55), ("mediated_oral", 25), ("failed", 8),
            ("withdrawn", 4), ("refused", 2), ("settled_self", 3),
            ("rejected", 1), ("referred_litigation", 2)]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
VILLAGES = ["前王村", "后张村", "小李庄", "东街社区", "西河村", "南岗村"]
KINDS = ["contact", "session", "visit_site", "consultation", "note"]


def pick(rng, table):
    total = sum(w for _, w in table)
    x = rng.uniform(0, total)
    for v, w in table:
        x -= w
        if x <= 0:
            return v
    return table[-1][0]


def q(s):
    return '"' + s + '"'


def case_text(rng, unit, year, seq, day):
    cid = "%s-%04d-%06d" % (unit, year, seq)
    cat = pick(rng, CATS)
    state = pick(rng, STATES)
    color = "red" if rng.random() < 0.05 else ("yellow" if rng.random() < 0.16 else "blue")
    a = rng.choice(SURNAMES) + "某甲"
    b = rng.choice(SURNAMES) + "某乙"
    acc = day.isoformat()
    ts = acc + "T09:%02d:00+08:00" % rng.randrange(60)
    lines = ["id: " + cid,
             "title: %s与%s纠纷%d" % (a, b, seq),
             "status: " + state]
    outcome = None
    if state in ("closed", "archived"):
        outcome = pick(rng, OUTCOMES)
        lines.append("outcome: " + outcome)
    lines += ["category: " + cat,
              "source: " + pick(rng, SOURCES),
              "level: township", "town: 青山镇",
              "village: " + rng.choice(VILLAGES),
              "accepted_on: " + acc,
              "summary: 双方因%s发生争执，经多次协商未果，申请调解。" % cat,
              "parties:",
              "- role: applicant", "  kind: person", "  name: " + a,
              "  phones:", "  - " + q("138%08d" % rng.randrange(10 ** 8)),
              "- role: respondent", "  kind: person", "  name: " + b]
    if state != "accepted":
        lines += ["mediators:", "- 李调解"]
    lines.append("risk_color: " + color)
    if color != "blue":
        lines += ["lead_official: 张副镇长", "plan: 一案一策，镇村联动"]
    closed = day + datetime.timedelta(days=rng.randrange(1, 40))
    if state in ("accepted", "mediating"):
        lines.append("due_on: " + (day + datetime.timedelta(days=31)).isoformat())
    if state in ("agreed", "closed", "archived") and outcome in (None, "mediated_written", "mediated_oral"):
        lines += ["agreement:", "  form: " + ("oral" if outcome == "mediated_oral" else "written"),
                  "  effective_on: " + closed.isoformat(),
                  "  amount: %d.00" % rng.randrange(0, 50000, 100)]
    if rng.random() < 0.1:
        lines += ["referrals:", "- n: 1", "  direction: outbound", "  kind: transfer",
                  "  channel: litigation", "  to_org: 青山人民法庭", "  to_agency: tribunal",
                  "  state: returned", "  sent_on: " + acc]
    if state in ("closed", "archived"):
        lines.append("closed_on: " + closed.isoformat())
        if outcome == "failed":
            lines += ["failure_routes_advised:", "- litigation"]
    if state == "archived":
        lines.append("archived_on: " + closed.isoformat())
    lines += ["created_at: " + ts, "updated_at: " + ts, "events:",
              "- at: " + ts, "  kind: intake", "  actor: 李调解",
              "  state_to: accepted", "  note: 登记受理"]
    for i in range(rng.randrange(1, 7)):
        lines += ["- at: " + ts, "  kind: " + rng.choice(KINDS),
                  "  actor: 李调解", "  note: 第%d次工作记录" % (i + 1)]
    return cid, "\n".join(lines) + "\n"


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    n, top = int(args[0]), args[1]
    unit = args[args.index("--unit") + 1] if "--unit" in args else "QSZ"
    seed = int(args[args.index("--seed") + 1]) if "--seed" in args else 1
    rng = random.Random(seed)
    os.makedirs(top, exist_ok=True)
    with open(os.path.join(top, "fq.yaml"), "w") as f:
        f.write("unit: %s\nname: 青山镇人民调解委员会\ntown: 青山镇\nlevel: township\n" % unit)
    start = datetime.date(2019, 1, 1)
    seqs = {}
    days = (datetime.date(2024, 12, 31) - start).days
    for i in range(n):
        day = start + datetime.timedelta(days=days * i // max(n, 1))
        seqs[day.year] = seqs.get(day.year, 0) + 1
        cid, text = case_text(rng, unit, day.year, seqs[day.year], day)
        d = os.path.join(top, "cases", "%04d" % day.year, "%02d" % day.month)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, cid + ".yaml"), "w") as f:
            f.write(text)
    env = dict(os.environ, GIT_AUTHOR_NAME="gen", GIT_AUTHOR_EMAIL="gen@fq",
               GIT_COMMITTER_NAME="gen", GIT_COMMITTER_EMAIL="gen@fq")
    run = lambda *a: subprocess.run(["git", "-C", top] + list(a), check=True,
                                    env=env, stdout=subprocess.DEVNULL)
    run("init", "-q", "-b", "main")
    run("add", "-A")
    run("commit", "-q", "-m", "bench: %d generated cases" % n)
    os.chmod(top, 0o700)


if __name__ == "__main__":
    main()
