#!/usr/bin/env python3
"""make mutate: does the test suite catch realistic bugs?

Applies each mutant of tests/mutation/mutants.json (one small source edit: a comparison
flipped, a bound off by one, a filter dropped...) to a scratch copy of the tree, rebuilds
incrementally, runs the tests nearest the change and then the area's suite, and prints
KILLED or SURVIVED with the killing test, then the mutation score.

The developer's checkout is never modified: the scratch copy is a git worktree under
build-mutate/tree (ignored, like every build dir) holding HEAD plus the checkout's
uncommitted changes, reset after every mutant and at exit, whatever happens.

Usage: scripts/mutate.py [--only ID[,ID...]] [--list FILE] [--keep-going] [--timeout S]
Exit: 0 when the score reaches --min-score (default 0.9), 1 below it, 2 on a broken list.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCRATCH = REPO / "build-mutate"
TREE = SCRATCH / "tree"
BUILD = SCRATCH / "build"


def sh(cmd, cwd=None, env=None, timeout=None, quiet=True):
    """Runs cmd; returns (exit code, combined output). A timeout counts as a failure (124)."""
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, timeout=timeout, shell=isinstance(cmd, str),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
        return p.returncode, p.stdout
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        return 124, out + f"\n(timed out after {timeout} s)"


def git(*args, cwd=REPO):
    code, out = sh(["git", *args], cwd=cwd)
    if code != 0:
        raise RuntimeError(f"git {' '.join(args)}: {out}")
    return out


def prepare_tree():
    """The scratch worktree at HEAD plus the checkout's uncommitted (tracked) changes."""
    SCRATCH.mkdir(exist_ok=True)
    head = git("rev-parse", "HEAD").strip()
    if not (TREE / ".git").exists():
        sh(["git", "worktree", "prune"], cwd=REPO)
        git("worktree", "add", "--force", "--detach", str(TREE), head)
    else:
        # reset --hard rewrites only the files that differ, so the build stays incremental.
        git("checkout", "--detach", "--force", head, cwd=TREE)
        git("reset", "--hard", "--quiet", head, cwd=TREE)
        git("clean", "-fdq", cwd=TREE)
    diff = git("diff", "HEAD", "--binary")
    if diff.strip():
        with tempfile.NamedTemporaryFile("w", suffix=".patch", delete=False) as f:
            f.write(diff)
        try:
            git("apply", "--whitespace=nowarn", f.name, cwd=TREE)
        finally:
            os.unlink(f.name)
    # Untracked files of the checkout (new sources, new tests) are copied as they are.
    for rel in git("ls-files", "--others", "--exclude-standard").splitlines():
        dst = TREE / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, dst)
    return head


def restore_tree(head):
    sh(["git", "checkout", "--force", head, "--", "."], cwd=TREE)


def build(timeout):
    env = dict(os.environ, CCACHE_BASEDIR=str(TREE), CCACHE_NOHASHDIR="1")
    if not (BUILD / "build.ninja").exists():
        code, out = sh(["cmake", "-S", str(TREE), "-B", str(BUILD), "-G", "Ninja",
                        "-DCMAKE_BUILD_TYPE=RelWithDebInfo"], env=env)
        if code != 0:
            return code, out
    return sh(["cmake", "--build", str(BUILD), "-j", str(os.cpu_count() or 2)], env=env, timeout=timeout)


def find_binary(name):
    for p in (BUILD / "tests").rglob(name):
        if p.is_file() and os.access(p, os.X_OK):
            return p
    return None


def run_test(spec, timeout):
    """One test spec -> (passed, output). Specs:
       ctest:REGEX            ctest -R REGEX in the scratch build
       gtest:BINARY[:FILTER]  one GoogleTest binary, optionally filtered
       node:PATH              node --test PATH (file or folder) against the scratch binary
    """
    kind, _, rest = spec.partition(":")
    env = dict(os.environ, GOLDSET_BIN=str(BUILD / "goldset"))
    if kind == "ctest":
        code, out = sh(["ctest", "-R", rest, "--output-on-failure", "--timeout", str(timeout)], cwd=BUILD,
                       env=env, timeout=timeout + 30)
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
        code, out = sh(["node", "--test", "--test-concurrency=2", str(TREE / rest)], cwd=TREE, env=env, timeout=timeout)
    else:
        return None, f"unknown test spec {spec}"
    return code == 0, out


def apply_mutant(m):
    path = TREE / m["file"]
    if not path.exists():
        return f"{m['file']} does not exist"
    text = path.read_text()
    n = text.count(m["find"])
    if n != 1:
        return f"`find` occurs {n} times in {m['file']} (must be exactly once)"
    path.write_text(text.replace(m["find"], m["replace"], 1))
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--list", default=str(REPO / "tests/mutation/mutants.json"))
    ap.add_argument("--only", default="", help="comma-separated mutant ids")
    ap.add_argument("--timeout", type=int, default=900, help="seconds per build and per test command")
    ap.add_argument("--min-score", type=float, default=0.9)
    ap.add_argument("--check", action="store_true", help="only check that every mutant applies to the tree")
    args = ap.parse_args()

    spec = json.loads(Path(args.list).read_text())
    suites, mutants = spec["suites"], spec["mutants"]
    ids = [m["id"] for m in mutants]
    if len(set(ids)) != len(ids):
        print("mutants.json: duplicate ids", file=sys.stderr)
        return 2
    if args.only:
        wanted = set(args.only.split(","))
        mutants = [m for m in mutants if m["id"] in wanted]

    head = prepare_tree()
    results = []
    try:
        if args.check:
            broken = []
            for m in mutants:
                err = apply_mutant(m)
                restore_tree(head)
                if err:
                    broken.append((m["id"], err))
            for mid, err in broken:
                print(f"{mid}: {err}")
            print(f"{len(mutants) - len(broken)} of {len(mutants)} mutants apply")
            return 2 if broken else 0

        print(f"== baseline build of {head[:10]} (+ uncommitted changes) in {BUILD}", flush=True)
        code, out = build(args.timeout)
        if code != 0:
            print(out[-4000:])
            print("mutate: the unmutated tree does not build", file=sys.stderr)
            return 2
        for i, m in enumerate(mutants, 1):
            start = time.time()
            print(f"[{i}/{len(mutants)}] {m['id']} {m['file']}: {m['why']}", flush=True)
            err = apply_mutant(m)
            if err:
                results.append((m, "STALE", err))
                print(f"    STALE: {err}", flush=True)
                continue
            try:
                code, out = build(args.timeout)
                if code != 0:
                    verdict, by = "INVALID", "does not compile: " + out.strip().splitlines()[-1][:200] if out.strip() else "build failed"
                else:
                    verdict, by = "SURVIVED", ""
                    area = m["file"].split("/")[1] if m["file"].startswith("src/") else "other"
                    for t in m.get("tests", []) + suites.get(area, []):
                        passed, tout = run_test(t, args.timeout)
                        if passed is None:
                            verdict, by = "INVALID", f"test spec {t}: {tout.strip()[:200]}"
                            break
                        if not passed:
                            verdict, by = "KILLED", t
                            break
            finally:
                restore_tree(head)
            if verdict == "SURVIVED" and m.get("equivalent"):
                verdict, by = "EQUIVALENT", m["equivalent"]
            results.append((m, verdict, by))
            print(f"    {verdict}{' by ' + by if verdict == 'KILLED' else (': ' + by if by else '')} "
                  f"({time.time() - start:.0f} s)", flush=True)
    finally:
        restore_tree(head)

    killed = sum(1 for _, v, _ in results if v == "KILLED")
    survived = [(m, by) for m, v, by in results if v == "SURVIVED"]
    scored = killed + len(survived)
    print("\n| id | file | verdict | by |\n|---|---|---|---|")
    for m, v, by in results:
        print(f"| {m['id']} | {m['file']} | {v} | {by} |")
    score = killed / scored if scored else 0.0
    print(f"\nmutation score: {killed} killed of {scored} = {score:.0%}"
          f" ({sum(1 for _, v, _ in results if v == 'EQUIVALENT')} equivalent, "
          f"{sum(1 for _, v, _ in results if v in ('STALE', 'INVALID'))} stale or invalid)")
    if any(v in ("STALE", "INVALID") for _, v, _ in results):
        return 2
    return 0 if score >= args.min_score else 1


if __name__ == "__main__":
    sys.exit(main())
