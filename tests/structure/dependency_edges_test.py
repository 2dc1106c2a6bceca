#!/usr/bin/env python3
"""The layering the build enforces (DESIGN.md "Allowed dependencies"), checked on the graph
that cmake/Layers.cmake writes at configure time (build/dependency_graph.tsv):

- common is below all; ha-core, drbd-lite and mailsvc never depend on each other;
  resource-agents depend only on common; inside common: base <- uv <- control, tls;
  base <- metrics (core) <- metrics_server (with uv).
- every static library declares its layer (hamail_layer): base, core (sans-IO) or shell;
  a core links only base and other cores, and no I/O library (libuv, TLS, corosync, libnl,
  libresolv); its sources include no such header either.
- every library exports a prefixed include root: <its folder>/include (never a component's
  whole source tree), holding headers under hamail/<component>/....

Usage: dependency_edges_test.py GRAPH.tsv   (also runs a self-test on a broken graph first)."""
import os
import re
import sys

COMPONENTS = ("common", "ha-core", "drbd-lite", "mailsvc", "resource-agents", "tests")
COMMON_ORDER = {"hamail_base": set(), "hamail_uv": {"hamail_base"},
                "hamail_control": {"hamail_base", "hamail_uv"}, "hamail_tls": {"hamail_base", "hamail_uv"},
                "hamail_metrics": {"hamail_base"},
                "hamail_metrics_server": {"hamail_base", "hamail_uv", "hamail_metrics"}}
# What a sans-IO core may link beyond other cores: header-only JSON, hashes and the HTTP
# request parser (no I/O).
CORE_EXTERNALS = {"nlohmann_json::nlohmann_json", "OpenSSL::Crypto", "HttpParser::HttpParser"}
BASE_EXTERNALS = {"PkgConfig::YAMLCPP", "nlohmann_json::nlohmann_json"}
IO_HEADERS = re.compile(r'#\s*include\s*[<"](uv\.h|openssl/ssl\.h|corosync/|netlink/|sys/socket\.h|netinet/|hamail/(uv|control|tls)/)')
HEADER_PREFIX = {"common": "hamail/", "ha-core": "hamail/hacore/", "drbd-lite": "hamail/drbdlite/",
                 "mailsvc": "hamail/mailsvc/", "resource-agents": "hamail/agents/"}


class Target:
    def __init__(self, fields, root):
        self.name, self.type, self.dir, layer, links, incs, sources = (fields + [""] * 7)[:7]
        self.layer = "" if layer.endswith("NOTFOUND") else layer
        self.links = [l for l in links.split(";") if l and not l.endswith("NOTFOUND")]
        self.includes = [i for i in incs.split(";") if i and not i.endswith("NOTFOUND")]
        self.sources = [s for s in sources.split(";") if s and not s.endswith("NOTFOUND")]
        self.component = self.dir.split("/")[0]
        self.root = root


def read_graph(path, root):
    with open(path) as f:
        return {t.name: t for t in (Target(line.rstrip("\n").split("\t"), root) for line in f if line.strip())}


def violations(graph, scan_sources=True):
    out = []
    for t in graph.values():
        if t.component not in COMPONENTS:
            out.append(f"{t.name}: in {t.dir}, outside every component")
            continue
        if t.type == "STATIC_LIBRARY" and not t.layer:
            out.append(f"{t.name}: a library without a layer (add hamail_layer({t.name} base|core|shell))")
        for link in t.links:
            dep = graph.get(link)
            if dep is None:
                if t.layer == "core" and link not in CORE_EXTERNALS:
                    out.append(f"{t.name} (core) -> {link}: a sans-IO core links no I/O library")
                if t.layer == "base" and link not in BASE_EXTERNALS:
                    out.append(f"{t.name} (base) -> {link}: the base links only {sorted(BASE_EXTERNALS)}")
                continue
            out += edge_violations(t, dep)
        out += include_root_violations(t)
        if scan_sources and t.layer in ("core", "base"):
            out += source_violations(t)
    return out


def edge_violations(t, dep):
    out = []
    if dep.component != t.component and dep.component != "common" and t.component != "tests":
        out.append(f"{t.name} ({t.component}) -> {dep.name} ({dep.component}): components never depend on each other")
    if t.component == "common" and dep.component == "common" and t.name in COMMON_ORDER \
            and dep.name not in COMMON_ORDER[t.name]:
        out.append(f"{t.name} -> {dep.name}: against common's layering base <- uv <- control, tls")
    if t.layer == "core" and dep.layer not in ("core", "base"):
        out.append(f"{t.name} (core) -> {dep.name} ({dep.layer or 'no layer'}): a sans-IO core links only base and cores")
    if t.layer == "base" and dep.component == "common" and dep.name != t.name:
        out.append(f"{t.name} (base) -> {dep.name}: the base depends on no other library")
    return out


def include_root_violations(t):
    out = []
    if t.type != "STATIC_LIBRARY":
        return out
    for inc in t.includes:
        rel = os.path.relpath(inc, t.root)
        if not rel.startswith(t.dir + "/") or not rel.endswith("/include"):
            out.append(f"{t.name}: exports {rel}, not an include/ folder of its own ({t.dir}/.../include)")
            continue
        prefix = HEADER_PREFIX.get(t.component, "hamail/")
        for dirpath, _, files in os.walk(inc):
            for f in files:
                path = os.path.relpath(os.path.join(dirpath, f), inc)
                if f.endswith(".h") and not path.startswith(prefix):
                    out.append(f"{t.name}: header {path} is not under {prefix}")
    return out


def source_violations(t):
    out = []
    for src in t.sources:
        path = src if os.path.isabs(src) else os.path.join(t.root, t.dir, src)
        if not os.path.exists(path):
            continue
        with open(path, errors="replace") as f:
            for n, line in enumerate(f, 1):
                if IO_HEADERS.search(line):
                    out.append(f"{os.path.relpath(path, t.root)}:{n}: {t.name} is a sans-IO {t.layer}: {line.strip()}")
    return out


def self_test(root):
    """The checker must catch what it is there to catch: each broken edge below is reported."""
    rows = [
        ["hamail_base", "STATIC_LIBRARY", "common/base", "base", "PkgConfig::YAMLCPP", f"{root}/common/base/include", ""],
        ["hamail_uv", "STATIC_LIBRARY", "common/uv", "shell", "hamail_base;PkgConfig::LIBUV", f"{root}/common/uv/include", ""],
        ["hacore_cluster", "STATIC_LIBRARY", "ha-core/cluster", "core", "hamail_base;hamail_uv", f"{root}/ha-core/cluster/include", ""],
        ["drbdlite_core", "STATIC_LIBRARY", "drbd-lite/core", "core", "hamail_base;hacore_cluster;PkgConfig::LIBUV",
         f"{root}/drbd-lite/core/include", ""],
        ["mailsvc_x", "STATIC_LIBRARY", "mailsvc/x", "", "hamail_base", f"{root}/mailsvc", ""],
        ["vip", "STATIC_LIBRARY", "resource-agents/vip", "shell", "drbdlite_core", f"{root}/resource-agents/vip/include", ""],
    ]
    graph = {r[0]: Target(r, root) for r in rows}
    found = "\n".join(violations(graph, scan_sources=False))
    expected = ["hacore_cluster (core) -> hamail_uv (shell)", "drbdlite_core (drbd-lite) -> hacore_cluster (ha-core)",
                "drbdlite_core (core) -> PkgConfig::LIBUV", "mailsvc_x: a library without a layer",
                "mailsvc_x: exports mailsvc, not an include/ folder", "vip (resource-agents) -> drbdlite_core (drbd-lite)"]
    missed = [e for e in expected if e not in found]
    if missed:
        print("self-test: the checker missed:\n  " + "\n  ".join(missed) + "\nit found:\n" + found)
        return False
    return True


def main():
    graph_path = sys.argv[1]
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
    if not self_test(root):
        return 1
    graph = read_graph(graph_path, root)
    libs = [t for t in graph.values() if t.type == "STATIC_LIBRARY"]
    if len(libs) < 20:
        print(f"only {len(libs)} libraries in {graph_path}: is it the project's graph?")
        return 1
    bad = violations(graph)
    for v in bad:
        print(v)
    print(f"{len(graph)} targets, {len(libs)} libraries, {sum(len(t.links) for t in graph.values())} links: "
          f"{len(bad)} violations")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
