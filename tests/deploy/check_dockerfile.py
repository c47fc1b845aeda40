#!/usr/bin/env python3
"""Checks that the Dockerfile stays in step with `make` (no Docker engine needed).

- the builder stage installs scripts/packages-build.txt with
  scripts/install-deps.sh, exactly as `make deps` does, after copying them in,
  and builds with `make build`;
- the runtime stage installs scripts/packages-runtime.txt;
- that list covers the shared libraries the built binary (and the shims it
  loads) links: each library's Debian package (`dpkg -S`), unless the base
  image has it (Essential packages, apt, and what they depend on), is in the
  list or a dependency of a package in it. Skipped when there is no binary;
- USER is a numeric, non-zero uid; EXPOSE 9115; the ENTRYPOINT is the
  binary copied from the builder's `make build` output, and the CMD's listen
  port is the exposed one;
- every extra file copied from the builder (a shared library, say) is built
  by `make build` (a CMake library target outage_exporter depends on, put
  beside the binary), is installed beside the binary (it is loaded from
  there), and exists in the local build; every shim the local binary names
  is copied.

One line per check; exit status 1 when any check fails.
Environment: OUTAGE_EXPORTER=path/to/outage_exporter (default:
build/outage_exporter, as run_deploy_tests.sh).
"""
import json
import os
import pathlib
import posixpath
import re
import shlex
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
PORT = "9115"
BINARY = "outage_exporter"

results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(f"{'PASS' if ok else 'FAIL'}  {name}{': ' + detail if detail else ''}")
    return ok


def info(name, detail):
    print(f"SKIP  {name}: {detail}")


def parse_dockerfile(text):
    """Returns a list of stages: {"name", "base", "instructions": [(KEY, args)]}."""
    lines, buf = [], ""
    for raw in text.splitlines():
        line = raw.rstrip()
        if not buf and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if buf and line.lstrip().startswith("#"):
            continue  # comment inside a continued instruction
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        lines.append(buf + line)
        buf = ""
    if buf:
        lines.append(buf)
    stages = []
    for line in lines:
        key, _, args = line.strip().partition(" ")
        key, args = key.upper(), args.strip()
        if key == "FROM":
            m = re.fullmatch(r"(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?", args, re.I)
            stages.append({"base": m.group(1) if m else args,
                           "name": (m.group(2) if m and m.group(2) else str(len(stages))),
                           "instructions": []})
        elif stages:
            stages[-1]["instructions"].append((key, args))
    return stages


def copy_args(args):
    """COPY [--from=X] src... dest -> (from, [src], dest)."""
    words = shlex.split(args)
    frm = None
    rest = []
    for w in words:
        if w.startswith("--from="):
            frm = w.split("=", 1)[1]
        elif not w.startswith("--"):
            rest.append(w)
    if args.strip().startswith("["):
        rest = json.loads(args[args.index("["):])
    return frm, rest[:-1], rest[-1] if rest else ""


def make_recipe(makefile, target):
    """The recipe lines of `target:` in the Makefile."""
    out, inside = [], False
    for line in makefile.splitlines():
        if re.match(rf"^{re.escape(target)}\s*:", line):
            inside = True
            continue
        if inside:
            if line.startswith("\t"):
                out.append(line.strip().lstrip("@"))
            elif line.strip():
                break
    return out


def install_deps_lists(command):
    """The list files an install-deps.sh command line names, in order."""
    m = re.search(r"scripts/install-deps\.sh((?:\s+[^\s&;|]+)+)", command)
    return m.group(1).split() if m else None


def read_list(path):
    return [l.strip() for l in path.read_text().splitlines()
            if l.strip() and not l.strip().startswith("#")]


def workdir_at(stage, index):
    wd = "/"
    for key, args in stage["instructions"][:index]:
        if key == "WORKDIR":
            wd = posixpath.join(wd, args)
    return wd


# --- Debian package helpers ----------------------------------------------------

def installed_packages():
    """name -> {"essential": bool, "deps": [[alternatives]], "provides": [names]}."""
    out = subprocess.run(
        ["dpkg-query", "-W", "-f",
         "${Package}\t${Essential}\t${Depends}\t${Pre-Depends}\t${Provides}\t${db:Status-Abbrev}\n"],
        capture_output=True, text=True, check=True).stdout
    pkgs = {}
    for line in out.splitlines():
        name, essential, depends, pre, provides, status = (line.split("\t") + [""] * 6)[:6]
        if not status.startswith("ii"):
            continue
        groups = []
        for field in (depends, pre):
            for group in filter(None, (g.strip() for g in field.split(","))):
                groups.append([re.split(r"[\s(:]", a.strip())[0] for a in group.split("|")])
        pkgs[name] = {"essential": essential == "yes", "deps": groups,
                      "provides": [re.split(r"[\s(:]", p.strip())[0]
                                   for p in provides.split(",") if p.strip()]}
    return pkgs


def closure(roots, pkgs):
    providers = {}
    for name, p in pkgs.items():
        for v in p["provides"]:
            providers.setdefault(v, []).append(name)
    seen, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for group in pkgs.get(name, {}).get("deps", []):
            for alt in group:
                for real in ([alt] if alt in pkgs else providers.get(alt, [])):
                    if real not in seen:
                        todo.append(real)
    return seen


def path_aliases(path):
    """`path` as dpkg may have recorded it: as given, resolved, and with or
    without the /usr prefix (usrmerge)."""
    out = []
    for p in (path, os.path.realpath(path)):
        for q in (p, p[4:] if p.startswith("/usr/") else "/usr" + p):
            if q not in out:
                out.append(q)
    return out


def packages_of(paths):
    """{path: owning Debian package or None}, with one `dpkg -S` call."""
    queries = sorted({a for p in paths for a in path_aliases(p)})
    r = subprocess.run(["dpkg", "-S"] + queries, capture_output=True, text=True)
    owner = {}
    for line in r.stdout.splitlines():
        if line.startswith("diversion") or ": " not in line:
            continue
        pkgs, _, file = line.partition(": ")
        owner.setdefault(file.strip(), pkgs.split(",")[0].split(":")[0].strip())
    return {p: next((owner[a] for a in path_aliases(p) if a in owner), None) for p in paths}


def linked_libraries(path):
    """{soname: resolved path or None} from ldd."""
    r = subprocess.run(["ldd", path], capture_output=True, text=True)
    libs = {}
    for line in r.stdout.splitlines():
        m = re.match(r"\s*(\S+)\s+=>\s+(\S+)?", line)
        if m:
            libs[m.group(1)] = m.group(2) if m.group(2) and m.group(2) != "not" else None
        else:
            m = re.match(r"\s*(/\S+)\s+\(", line)  # the dynamic loader
            if m:
                libs[m.group(1)] = m.group(1)
    return libs


# --- checks --------------------------------------------------------------------

def main():
    dockerfile = (ROOT / "Dockerfile").read_text()
    makefile = (ROOT / "Makefile").read_text()
    stages = parse_dockerfile(dockerfile)
    if not check("Dockerfile has a builder and a runtime stage", len(stages) >= 2,
                 f"{len(stages)} stage(s)"):
        return 1
    final = stages[-1]
    final_copies = [copy_args(a) for k, a in final["instructions"] if k == "COPY"]
    from_stages = {f for f, _, _ in final_copies if f}
    builder = next((s for s in stages[:-1] if s["name"] in from_stages), stages[0])

    # Builder: install-deps.sh with the same lists as `make deps`, then make build.
    deps_lists = next((install_deps_lists(c) for c in make_recipe(makefile, "deps")
                       if install_deps_lists(c)), None)
    check("Makefile `deps` runs scripts/install-deps.sh", deps_lists is not None,
          " ".join(deps_lists or []))
    b_ins = builder["instructions"]
    runs = [(i, a) for i, (k, a) in enumerate(b_ins) if k == "RUN"]
    install = next(((i, a) for i, a in runs if install_deps_lists(a)), None)
    check("builder installs packages with scripts/install-deps.sh", install is not None,
          install[1] if install else "no RUN scripts/install-deps.sh in the builder stage")
    if install and deps_lists is not None:
        lists = install_deps_lists(install[1])
        check("builder installs the same lists as `make deps`", lists == deps_lists,
              f"Dockerfile {lists}, Makefile {deps_lists}")
        copied_before = []
        for k, a in b_ins[:install[0]]:
            if k == "COPY":
                _, srcs, _ = copy_args(a)
                copied_before += srcs
        missing = [f for f in lists + ["scripts/install-deps.sh"]
                   if not any(f == s.rstrip("/") or f.startswith(s.rstrip("/") + "/")
                              or s in (".", "./") for s in copied_before)]
        check("builder copies the script and lists in before installing", not missing,
              f"not copied before the RUN: {missing}" if missing else "")
        for f in lists:
            check(f"{f} exists", (ROOT / f).is_file())
    make_build = next(((i, a) for i, a in runs if re.search(r"\bmake\b(.*\s)?build\b", a)), None)
    check("builder runs `make build`", make_build is not None,
          make_build[1] if make_build else "no RUN make build")
    check("Makefile has a `build` target building outage_exporter",
          any(BINARY in l for l in make_recipe(makefile, "build")))
    build_dir = "build"
    if make_build:
        m = re.search(r"BUILD_DIR=(\S+)", make_build[1])
        build_dir = m.group(1) if m else build_dir
        build_dir = posixpath.join(workdir_at(builder, make_build[0]), build_dir)

    # Runtime stage: packages-runtime.txt.
    runtime_list = "scripts/packages-runtime.txt"
    f_ins = final["instructions"]
    dests = [d for f, srcs, d in final_copies if not f and runtime_list in srcs]
    installs_list = any(k == "RUN" and "apt-get install" in a and
                        (runtime_list in a or any(d in a for d in dests))
                        for k, a in f_ins)
    installs_list = installs_list or any(
        k == "RUN" and install_deps_lists(a) and runtime_list in install_deps_lists(a)
        for k, a in f_ins)
    check("runtime stage installs scripts/packages-runtime.txt", bool(dests) and installs_list,
          f"copied to {dests[0]}" if dests else "not copied into the runtime stage")
    check("runtime stage starts from the builder's base",
          final["base"] == builder["base"], f"{builder['base']} / {final['base']}")

    # USER, EXPOSE, ENTRYPOINT, CMD.
    users = [a for k, a in f_ins if k == "USER"]
    uid = users[-1].split(":")[0] if users else ""
    check("USER is a numeric non-root uid", uid.isdigit() and int(uid) != 0,
          f"USER {users[-1]}" if users else "no USER: runs as root")
    m = re.search(r"useradd\b.*--uid\s+(\d+)", " ".join(a for k, a in f_ins if k == "RUN"))
    if m and uid.isdigit():
        check("USER is the uid the image creates", m.group(1) == uid, f"useradd --uid {m.group(1)}")
    exposed = [p.split("/")[0] for k, a in f_ins if k == "EXPOSE" for p in a.split()]
    check(f"EXPOSE {PORT}", exposed == [PORT], f"EXPOSE {' '.join(exposed) or '(none)'}")
    binary_copy = next(((srcs, d) for f, srcs, d in final_copies
                        if f == builder["name"] and any(posixpath.basename(s) == BINARY
                                                        for s in srcs)), None)
    installed = None
    if check("runtime stage copies the binary from the builder", binary_copy is not None):
        srcs, dest = binary_copy
        installed = dest if not dest.endswith("/") else posixpath.join(dest, BINARY)
        src = next(s for s in srcs if posixpath.basename(s) == BINARY)
        check("the copied binary is `make build`'s output",
              posixpath.normpath(src) == posixpath.join(build_dir, BINARY),
              f"{src} (make build writes {posixpath.join(build_dir, BINARY)})")
    entry = [a for k, a in f_ins if k == "ENTRYPOINT"]
    entry_argv = None
    if entry:
        try:
            entry_argv = json.loads(entry[-1])
        except ValueError:
            entry_argv = None
    check("ENTRYPOINT is the installed binary (exec form)",
          bool(entry_argv) and installed is not None and entry_argv[0] == installed,
          f"ENTRYPOINT {entry[-1] if entry else '(none)'}, binary at {installed}")
    cmd = [a for k, a in f_ins if k == "CMD"]
    if cmd:
        m = re.search(r"--web\.listen-address=\S*:(\d+)", cmd[-1])
        if m:
            check("CMD listens on the exposed port", m.group(1) == PORT, cmd[-1])

    # Extra files from the builder: built by make build, beside the binary.
    # A COPY with several sources, or a destination ending in "/", copies
    # into that directory; otherwise the destination is the file itself.
    extras = [(s, d.rstrip("/") if d.endswith("/") or len(srcs) > 1 else posixpath.dirname(d))
              for f, srcs, d in final_copies if f == builder["name"]
              for s in srcs if posixpath.basename(s) != BINARY]
    cmake_text = "\n".join(p.read_text() for p in ROOT.rglob("CMakeLists.txt")
                           if not any(part.startswith("build") for part in
                                      p.relative_to(ROOT).parts[:-1]))
    exe_deps = set()
    for m in re.finditer(r"add_dependencies\(\s*outage_exporter\s+([^)]*)\)", cmake_text):
        exe_deps.update(m.group(1).split())
    for src, dest_dir in extras:
        base = posixpath.basename(src)
        m = re.fullmatch(r"lib(\w+)\.so", base)
        target = m.group(1) if m else None
        built = bool(target) and re.search(
            rf"add_library\(\s*{target}\s+SHARED", cmake_text) is not None
        check(f"{base} is built by `make build`",
              built and target in exe_deps and posixpath.dirname(posixpath.normpath(src)) == build_dir,
              f"CMake SHARED target {target}, a dependency of outage_exporter, in {build_dir}"
              if built else "no CMake SHARED library target builds it")
        check(f"{base} is installed beside the binary",
              installed is not None and dest_dir == posixpath.dirname(installed),
              f"{dest_dir} (binary in {posixpath.dirname(installed) if installed else '?'})")

    # The local build: shared libraries and shims.
    exe = pathlib.Path(os.environ.get("OUTAGE_EXPORTER") or ROOT / "build" / BINARY)
    if not exe.is_file():
        info("runtime packages cover the binary's libraries", f"no binary at {exe} (build first)")
        return finish()
    blob = exe.read_bytes()
    named = sorted({m.decode() for m in re.findall(rb"liboutage_\w+\.so", blob)})
    copied = {posixpath.basename(s) for s, _ in extras}
    check("every shim the binary loads is copied into the image",
          set(named) <= copied, f"binary names {named or 'none'}; copied {sorted(copied)}")
    for name in sorted(copied):
        if name in named:
            check(f"{name} exists in the build", (exe.parent / name).is_file(), str(exe.parent))
        else:
            info(f"{name} exists in the build",
                 f"{exe} does not load it (built before the shims? rebuild)")

    objects = [exe] + [exe.parent / n for n in named if (exe.parent / n).is_file()]
    libs = {}
    for obj in objects:
        libs.update(linked_libraries(str(obj)))
    unresolved = sorted(s for s, p in libs.items() if p is None)
    check("ldd resolves every library", not unresolved, ", ".join(unresolved))
    pkgs = installed_packages()
    runtime = read_list(ROOT / runtime_list)
    not_here = [p for p in runtime if p not in pkgs]
    base = closure([n for n, p in pkgs.items() if p["essential"]] + ["apt"], pkgs)
    covered = closure([p for p in runtime if p in pkgs], pkgs)
    owners = {}
    paths = {s: p for s, p in libs.items() if p and not s.startswith("linux-vdso")}
    owner_of = packages_of(list(paths.values()))
    for soname, path in sorted(paths.items()):
        owners.setdefault(owner_of[path] or f"<no package owns {path}>", []).append(soname)
    missing = []
    for pkg, sonames in sorted(owners.items()):
        if pkg in base or pkg in covered:
            continue
        missing.append(f"{pkg} ({', '.join(sonames)})")
    detail = (f"{len(owners)} packages for {len(libs)} libraries; "
              f"{sum(1 for p in owners if p in base)} in the base image")
    if not_here:
        detail += f"; not installed here, dependencies not followed: {not_here}"
    check("runtime packages cover the binary's libraries", not missing,
          "missing from packages-runtime.txt: " + "; ".join(missing) if missing else detail)
    return finish()


def finish():
    failed = results.count(False)
    print(f"dockerfile: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
