#!/usr/bin/env python3
"""make mutate: does the test suite catch realistic bugs?

Applies each mutant of tests/mutation/mutants.json (one small source edit: a comparison
flipped, a bound off by one, a filter dropped...) to a scratch copy of the tree, rebuilds
incrementally (only the targets the mutant's tests run), runs the tests nearest the change
and then the area's suite, stops at the first failure, and prints KILLED (with the failing
test) or SURVIVED, then the mutation score. See tests/mutation/README.md.

The developer's checkout is never modified: the scratch copy is a git worktree under
build-mutate/tree (ignored, like every build dir) holding HEAD plus the checkout's
uncommitted changes; its build is build-mutate/tree/build, which shares ccache entries with
the checkout's build/. The mutated file is restored after every mutant and at exit, also on
Ctrl-C, SIGTERM or a timeout (a killed run is repaired by the next run's reset).

Usage: scripts/mutate.py [--only ID[,ID...]] [--check] [--baseline] [--rev COMMIT] [--jobs N] [--timeout S]
                         [--results FILE]
Exit: 0 when the score reaches --min-score (default 0.9), 1 below it, 2 on a stale or
invalid mutant (its `find` text no longer matches exactly once, or it does not compile).
"""
import argparse
import fcntl
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCRATCH = REPO / "build-mutate"
TREE = SCRATCH / "tree"
BUILD = TREE / "build"  # inside the tree: same relative paths as build/, so ccache hits


class Interrupted(Exception):
    pass


def on_signal(signum, _frame):
    raise Interrupted(f"signal {signum}")


def sh(cmd, cwd=None, env=None, timeout=None):
    """Runs cmd in its own process group; returns (exit code, combined output). On a timeout
    or an interrupt the whole group (servers a test started included) is killed."""
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         errors="replace", start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
        return p.returncode, out
    except subprocess.TimeoutExpired:
        kill_group(p)
        out, _ = p.communicate()
        return 124, (out or "") + f"\n(timed out after {timeout} s)"
    except BaseException:
        kill_group(p)
        p.communicate()
        raise


def kill_group(p):
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def git(*args, cwd=REPO):
    code, out = sh(["git", *args], cwd=cwd)
    if code != 0:
        raise RuntimeError(f"git {' '.join(args)}: {out}")
    return out


def prepare_tree(rev=None):
    """The scratch worktree at HEAD plus the checkout's uncommitted (tracked and untracked)
    changes, or exactly commit `rev`."""
    SCRATCH.mkdir(exist_ok=True)
    head = git("rev-parse", (rev or "HEAD") + "^{commit}").strip()
    if not (TREE / ".git").exists():
        sh(["git", "worktree", "prune"], cwd=REPO)
        git("worktree", "add", "--force", "--detach", str(TREE), head)
    else:
        # reset --hard rewrites only the files that differ, so the build stays incremental;
        # clean without -x keeps the ignored build/ inside the tree.
        git("checkout", "--detach", "--force", "--quiet", head, cwd=TREE)
        git("reset", "--hard", "--quiet", head, cwd=TREE)
        git("clean", "-fdq", cwd=TREE)
    if rev:
        return head
    diff = git("diff", "HEAD", "--binary")
    if diff.strip():
        with tempfile.NamedTemporaryFile("w", suffix=".patch", delete=False) as f:
            f.write(diff)
        try:
            git("apply", "--whitespace=nowarn", f.name, cwd=TREE)
        finally:
            os.unlink(f.name)
    for rel in git("ls-files", "--others", "--exclude-standard").splitlines():
        dst = TREE / rel
        if not dst.exists() or dst.read_bytes() != (REPO / rel).read_bytes():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, dst)
    return head


def build_env():
    return dict(os.environ, CCACHE_BASEDIR=str(TREE), CCACHE_NOHASHDIR="1")


def configure(timeout):
    if (BUILD / "build.ninja").exists():
        return 0, ""
    cmd = ["cmake", "-S", str(TREE), "-B", str(BUILD), "-G", "Ninja", "-DCMAKE_BUILD_TYPE=RelWithDebInfo"]
    if shutil.which("ld.lld"):  # every mutant relinks its test binaries: lld links several times faster
        cmd += ["-DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld"]
    return sh(cmd, env=build_env(), timeout=timeout)


def build(targets, jobs, timeout):
    cmd = ["cmake", "--build", str(BUILD), "-j", str(jobs)]
    if targets:
        cmd += ["--target", *sorted(targets)]
    return sh(cmd, env=build_env(), timeout=timeout)


class Targets:
    """Which build targets a test spec needs, so a mutant relinks only what its tests run."""

    def __init__(self):
        code, out = sh(["ninja", "-C", str(BUILD), "-t", "targets", "all"])
        self.outputs = set()
        for line in out.splitlines() if code == 0 else []:
            name = line.split(":", 1)[0].strip()
            self.outputs.add(name)
        self.cache = {}

    def for_spec(self, spec):
        """A set of targets, or None when it cannot tell (then everything is built)."""
        if spec in self.cache:
            return self.cache[spec]
        kind, _, rest = spec.partition(":")
        result = None
        if kind == "node":
            result = {"goldset"}
        elif kind == "gtest":
            result = {rest.partition(":")[0]}
        elif kind == "ctest":
            code, out = sh(["ctest", "--show-only=json-v1", "-R", rest], cwd=BUILD)
            if code == 0:
                result = set()
                for t in json.loads(out).get("tests", []):
                    found = t.get("name") in self.outputs  # a test named after its binary (before it is built)
                    if found:
                        result.add(t["name"])
                    for arg in t.get("command") or []:
                        try:
                            rel = os.path.relpath(arg, BUILD)
                        except ValueError:
                            continue
                        if rel in self.outputs:
                            result.add(rel)
                            found = True
                    if not found:  # a test whose binary we cannot name: build everything
                        result = None
                        break
        self.cache[spec] = result
        return result


def find_binary(name):
    for p in BUILD.rglob(name):
        if p.is_file() and os.access(p, os.X_OK) and "CMakeFiles" not in p.parts:
            return p
    return None


GTEST_FAILED = re.compile(r"^\[  FAILED  \] ([^\s,]+\.[^\s,]+)(?: \(| *$|,)", re.M)
CTEST_FAILED = re.compile(r"^\s*\d+ - (\S+) \((Failed|Timeout|SEGFAULT|Subprocess aborted|Exception|[^)]*)\)", re.M)
TAP_NOT_OK = re.compile(r"^(\s*)not ok \d+ - (.*?)(?: # .*)?$", re.M)
TAP_FILE = re.compile(r"^# Subtest: (.*)$", re.M)


def failing_tests(kind, out):
    """The names of the failing tests in one test command's output (best effort)."""
    names = []
    if kind in ("ctest", "gtest"):
        names += [m.group(1) for m in GTEST_FAILED.finditer(out)]
        names = list(dict.fromkeys(names))
        if kind == "ctest" and not names:
            names += [f"{m.group(1)} ({m.group(2)})" for m in CTEST_FAILED.finditer(out)]
    elif kind == "node":
        # TAP prints a test's subtests (indented) before the test itself: a failure right
        # after a deeper one is their parent (a describe block or the file), not the cause.
        fails = [(len(m.group(1)), m.group(2).strip()) for m in TAP_NOT_OK.finditer(out)]
        leaves = [name for i, (depth, name) in enumerate(fails) if not (i > 0 and fails[i - 1][0] > depth)]
        names += leaves
    if "(timed out after" in out:
        names.append("timeout")
    return names


def run_test(spec, timeout):
    """One test spec -> (passed, output). Specs:
       ctest:REGEX            ctest -R REGEX in the scratch build
       gtest:BINARY[:FILTER]  one GoogleTest binary, optionally filtered
       node:PATH              node --test PATH (file or folder) against the scratch binary
    """
    kind, _, rest = spec.partition(":")
    env = dict(os.environ, GOLDSET_BIN=str(BUILD / "goldset"))
    if kind == "ctest":
        code, out = sh(["ctest", "-R", rest, "--output-on-failure", "--stop-on-failure", "--timeout", str(timeout)],
                       cwd=BUILD, env=env, timeout=timeout + 30)
        if "No tests were found" in out:
            return None, out
    elif kind == "gtest":
        binary, _, flt = rest.partition(":")
        path = find_binary(binary)
        if path is None:
            return None, f"no test binary {binary}"
        cmd = [str(path)] + ([f"--gtest_filter={flt}"] if flt else [])
        code, out = sh(cmd, cwd=path.parent, env=env, timeout=timeout)
    elif kind == "node":
        target = TREE / rest
        files = sorted(str(p) for p in target.glob("*.test.mjs")) if target.is_dir() else [str(target)]
        if not files:
            return None, f"no test files in {rest}"
        code, out = sh(["node", "--test", "--test-reporter=tap", "--test-concurrency=2", *files], cwd=TREE, env=env,
                       timeout=timeout)
    else:
        return None, f"unknown test spec {spec}"
    return code == 0, out


def apply_mutant(m):
    """Returns (original text, None) after writing the mutant, or (None, error)."""
    path = TREE / m["file"]
    if not path.exists():
        return None, f"{m['file']} does not exist"
    text = path.read_text()
    n = text.count(m["find"])
    if n != 1:
        return None, f"`find` occurs {n} times in {m['file']} (must be exactly once)"
    path.write_text(text.replace(m["find"], m["replace"], 1))
    return text, None


def restore(m, original):
    if original is not None:
        (TREE / m["file"]).write_text(original)


def area_of(m):
    parts = m["file"].split("/")
    return parts[1] if parts[0] == "src" and len(parts) > 2 else "other"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--list", default=str(REPO / "tests/mutation/mutants.json"))
    ap.add_argument("--only", default="", help="comma-separated mutant ids (or id prefixes ending in '*')")
    ap.add_argument("--timeout", type=int, default=900, help="seconds per build and per test command")
    ap.add_argument("--build-timeout", type=int, default=3600,
                    help="seconds for the baseline build (a fresh scratch build compiles everything once)")
    ap.add_argument("--jobs", type=int, default=2, help="build parallelism (default 2: a shared machine)")
    ap.add_argument("--min-score", type=float, default=0.9)
    ap.add_argument("--results", default=str(SCRATCH / "results.jsonl"),
                    help="one JSON line per mutant is appended here (chunked runs add up)")
    ap.add_argument("--rev", help="mutate exactly this commit (default: HEAD plus the checkout's uncommitted changes)")
    ap.add_argument("--check", action="store_true", help="only check that every mutant applies to the tree")
    ap.add_argument("--baseline", action="store_true",
                    help="prepare and build the unmutated scratch tree, run the selected mutants' tests on it (all "
                         "must pass: a failing test would count as a kill), apply no mutant")
    args = ap.parse_args()

    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, on_signal)
    try:
        os.nice(10)  # a shared machine: builds and tests yield to interactive work
    except OSError:
        pass

    spec = json.loads(Path(args.list).read_text())
    suites, mutants = spec["suites"], spec["mutants"]
    ids = [m["id"] for m in mutants]
    if len(set(ids)) != len(ids):
        print("mutants.json: duplicate ids", file=sys.stderr)
        return 2
    for m in mutants:
        missing = [k for k in ("id", "file", "find", "replace", "why", "tests") if k not in m]
        if missing or m["find"] == m["replace"]:
            print(f"mutants.json: {m.get('id')}: missing {missing} or find == replace", file=sys.stderr)
            return 2
    if args.only:
        wanted = [w for w in args.only.split(",") if w]
        mutants = [m for m in mutants
                   if any(m["id"] == w or (w.endswith("*") and m["id"].startswith(w[:-1])) for w in wanted)]
        if not mutants:
            print(f"no mutant matches --only {args.only}", file=sys.stderr)
            return 2

    SCRATCH.mkdir(exist_ok=True)
    lock = open(SCRATCH / "lock", "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # one run per scratch tree
    except BlockingIOError:
        print("mutate: another run is using build-mutate/ (wait for it, or stop it)", file=sys.stderr)
        return 2
    results = []
    current = (None, None)  # (mutant, original text) while a mutant is applied
    try:
        head = prepare_tree(args.rev)
        if args.check:
            broken = []
            for m in mutants:
                original, err = apply_mutant(m)
                restore(m, original)
                if err:
                    broken.append((m["id"], err))
            for mid, err in broken:
                print(f"{mid}: {err}")
            print(f"{len(mutants) - len(broken)} of {len(mutants)} mutants apply")
            return 2 if broken else 0

        print(f"== baseline build of {head[:10]}{'' if args.rev else ' (+ uncommitted changes)'} in {BUILD}", flush=True)
        code, out = configure(args.timeout)
        targets = Targets() if code == 0 else None
        needed = set()
        for m in mutants:
            for t in m["tests"] + suites.get(area_of(m), []):
                want = targets.for_spec(t) if targets else None
                if want is None:
                    needed = None
                    break
                needed |= want
            if needed is None:
                break
        if code == 0:
            code, out = build(needed, args.jobs, args.build_timeout)
        if code != 0:
            print(out[-4000:])
            print("mutate: the unmutated tree does not build", file=sys.stderr)
            return 2

        if args.baseline:
            specs = []
            for m in mutants:
                for t in m["tests"] + suites.get(area_of(m), []):
                    if t not in specs:
                        specs.append(t)
            failed = 0
            for t in specs:
                passed, tout = run_test(t, args.timeout)
                names = [] if passed else failing_tests(t.partition(":")[0], tout)
                print(f"    {'pass' if passed else 'FAIL'} {t}{' -> ' + '; '.join(names[:5]) if names else ''}", flush=True)
                failed += not passed
            return 2 if failed else 0

        results_file = open(args.results, "a")
        for i, m in enumerate(mutants, 1):
            start = time.time()
            print(f"[{i}/{len(mutants)}] {m['id']} {m['file']}: {m['why']}", flush=True)
            original, err = apply_mutant(m)
            if err:
                verdict, by = "STALE", err
            else:
                current = (m, original)
                specs = m["tests"] + [t for t in suites.get(area_of(m), []) if t not in m["tests"]]
                want = set()
                for t in specs:
                    w = targets.for_spec(t)
                    if w is None:
                        want = None
                        break
                    want |= w
                code, out = build(want, args.jobs, args.timeout)
                if code != 0:
                    errors = [ln for ln in out.splitlines() if "error:" in ln]
                    verdict, by = "INVALID", "does not compile: " + (errors[0][-200:] if errors else out[-200:])
                else:
                    verdict, by = "SURVIVED", ""
                    for t in specs:
                        passed, tout = run_test(t, args.timeout)
                        if passed is None:
                            verdict, by = "INVALID", f"test spec {t}: {tout.strip()[:200]}"
                            break
                        if not passed:
                            names = failing_tests(t.partition(":")[0], tout)
                            verdict, by = "KILLED", t + (" -> " + "; ".join(names[:3]) if names else "")
                            break
                restore(m, original)
                current = (None, None)
            if verdict == "SURVIVED" and m.get("equivalent"):
                verdict, by = "EQUIVALENT", m["equivalent"]
            results.append((m, verdict, by))
            results_file.write(json.dumps({"id": m["id"], "file": m["file"], "verdict": verdict, "by": by,
                                           "seconds": round(time.time() - start), "head": head}) + "\n")
            results_file.flush()
            print(f"    {verdict}{' by ' + by if verdict == 'KILLED' else (': ' + by if by else '')} "
                  f"({time.time() - start:.0f} s)", flush=True)
    except Interrupted as e:
        print(f"mutate: interrupted ({e}); scratch tree restored", file=sys.stderr)
        return 130
    finally:
        restore(*current)

    killed = sum(1 for _, v, _ in results if v == "KILLED")
    survived = [(m, by) for m, v, by in results if v == "SURVIVED"]
    scored = killed + len(survived)
    print("\n| id | file | verdict | by |\n|---|---|---|---|")
    for m, v, by in results:
        print(f"| {m['id']} | {m['file']} | {v} | {by} |")
    score = killed / scored if scored else 0.0
    print(f"\nmutation score: {killed} killed of {scored} = {score:.0%}"
          f" ({sum(1 for _, v, _ in results if v == 'EQUIVALENT')} equivalent, not scored; "
          f"{sum(1 for _, v, _ in results if v in ('STALE', 'INVALID'))} stale or invalid)")
    if any(v in ("STALE", "INVALID") for _, v, _ in results):
        return 2
    return 0 if score >= args.min_score else 1


if __name__ == "__main__":
    sys.exit(main())
