#!/usr/bin/env python3
"""write.py [N...]: the latency of fq's writes against git's own
one-file commit on the same repository of N generated cases (default
10000 100000), one table: median wall and CPU (user + system) ms of RUNS
runs (default 7) of fq new, fq mediate, fq note, fq agree and fq close on
a fresh case each run, `git commit -a` of a one-line change to one case
(the peer), and the ratio of each to the peer.  The floor is fq show of
one case: what every command pays to start, load the schema and open the
repository (libgit2's initialization among it).  After the runs it
checks that `git status --porcelain` is empty and times it.

Repositories are made by gen.py under BENCH_DIR (default bench/out) as
repo-N and reused; FQ_BIN names the commands (default build/bin).  CPU
time is the steadier figure on a loaded machine; the load average is
printed with the table.  With FQ_BIN_BASE (another build's bin, e.g.
main's) every run does the steps with both, one after the other, on the
same repository, one first and the other in turn (the first after
git's commit pays for checking the index git wrote), and the table gets
the base's columns beside and the ratio of the two walls.

	python3 bench/write.py 10000 100000
	FQ_BIN_BASE=/work/main/build/bin python3 bench/write.py 100000
"""
import os, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
BIN = os.environ.get("FQ_BIN", os.path.join(TOP, "build", "bin"))
OUT = os.environ.get("BENCH_DIR", os.path.join(TOP, "bench", "out"))
RUNS = int(os.environ.get("RUNS", "7"))
BASE = os.environ.get("FQ_BIN_BASE")


def run(argv, env):
    """Wall and CPU (user + system) ms of one run of argv, its exit
    status, its standard output and its standard error."""
    path = os.path.join(OUT, "write.out")
    acts = [(os.POSIX_SPAWN_OPEN, fd, path + str(fd), os.O_WRONLY |
             os.O_CREAT | os.O_TRUNC, 0o600) for fd in (1, 2)]
    t = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, env, file_actions=acts)
    _, status, ru = os.wait4(pid, 0)
    wall = (time.perf_counter() - t) * 1000
    out = [open(path + str(fd), encoding="utf-8", errors="replace").read()
           for fd in (1, 2)]
    return wall, (ru.ru_utime + ru.ru_stime) * 1000, \
        os.waitstatus_to_exitcode(status), out[0], out[1]


class Timer:
    def __init__(self):
        self.rows = {}

    def time(self, label, argv, env):
        wall, cpu, rc, out, err = run(argv, env)
        if rc != 0:
            sys.exit("failed (%d): %s\n%s" % (rc, " ".join(argv), err))
        self.rows.setdefault(label, []).append((wall, cpu))
        return out.strip()


def median(v):
    v = sorted(v)
    return v[len(v) // 2]


def steps(t, tag, bindir, repo, env):
    """One case through new, mediate, note, agree and close."""
    fq = lambda cmd: [os.path.join(bindir, "fq-" + cmd), "-C", repo]
    cid = t.time(tag + "fq new", fq("new") + ["--title", "基准测试",
                 "--category", "neighbor", "--summary", "基准", "--party",
                 "王某", "--accepted", "2025-01-15"], env)
    t.time(tag + "fq mediate", fq("mediate") + ["--mediator", "李调解", cid],
           env)
    t.time(tag + "fq note", fq("note") + [cid, "基准记录"], env)
    t.time(tag + "fq agree", fq("agree") + ["--form", "oral", "--perform",
                                            "immediate", cid], env)
    t.time(tag + "fq close", fq("close") + [cid], env)
    t.cid = cid


def bench(n, env):
    repo = os.path.join(OUT, "repo-%d" % n)
    if not os.path.isdir(os.path.join(repo, ".git")):
        subprocess.run([sys.executable, os.path.join(HERE, "gen.py"),
                        str(n), repo], check=True, stdout=subprocess.DEVNULL)
    git = ["git", "-C", repo]
    subprocess.run(git + ["config", "user.name", "bench"], check=True)
    subprocess.run(git + ["config", "user.email", "bench@fq"], check=True)
    peer_file = subprocess.run(git + ["ls-files", "cases"], check=True,
                               capture_output=True, text=True).stdout.split("\n")[0]
    t = Timer()
    bins = [("", BIN)] + ([("base ", BASE)] if BASE else [])
    for i in range(RUNS):
        # in turn first: the first after git's commit checks the whole
        # index git wrote (fq's checkpoint cache does not know it)
        for tag, bindir in (bins if i % 2 == 0 else bins[::-1]):
            steps(t, tag, bindir, repo, env)
        with open(os.path.join(repo, peer_file), "a") as f:
            f.write("# bench %d\n" % i)
        t.time("peer: git commit -a (one file)", git + ["commit", "-qam",
               "bench"], env)
    for i in range(RUNS):
        for tag, bindir in bins:
            t.time(tag + "floor: fq show (open, read one)",
                   [os.path.join(bindir, "fq-show"), "-C", repo, t.cid], env)
    t.time("git status (after)", git + ["status", "--porcelain"], env)
    status = subprocess.run(git + ["status", "--porcelain"], env=env,
                            capture_output=True, text=True).stdout
    if status:
        sys.exit("git status is not clean after the runs:\n" + status)
    return t.rows


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [10000, 100000]
    env = dict(os.environ, FQ_USER="bench", FQ_EMAIL="bench@fq",
               FQ_TODAY="2025-01-15", GIT_CONFIG_NOSYSTEM="1",
               LC_ALL="C.UTF-8")
    os.makedirs(OUT, exist_ok=True)
    print("load average %.2f %.2f %.2f; median of %d runs" %
          (os.getloadavg() + (RUNS,)))
    if BASE:
        print("%-8s %-32s %9s %9s %9s %9s %9s %10s" % (
            "cases", "operation", "wall ms", "cpu ms", "base wall",
            "base cpu", "wall/base", "wall/peer"))
    else:
        print("%-8s %-32s %9s %9s %10s" % ("cases", "operation", "wall ms",
                                           "cpu ms", "wall/peer"))
    for n in sizes:
        rows = bench(n, env)
        med = lambda label, k: median([x[k] for x in rows[label]])
        peer = med("peer: git commit -a (one file)", 0)
        for label in rows:
            if label.startswith("base "):
                continue
            w, c = med(label, 0), med(label, 1)
            if BASE and "base " + label in rows:
                bw, bc = med("base " + label, 0), med("base " + label, 1)
                print("%-8d %-32s %9.1f %9.1f %9.1f %9.1f %9.2f %10.2f" % (
                    n, label, w, c, bw, bc, w / bw, w / peer))
            elif BASE:
                print("%-8d %-32s %9.1f %9.1f %9s %9s %9s %10.2f" % (
                    n, label, w, c, "", "", "", w / peer))
            else:
                print("%-8d %-32s %9.1f %9.1f %10.2f" % (n, label, w, c,
                                                          w / peer))


if __name__ == "__main__":
    main()
