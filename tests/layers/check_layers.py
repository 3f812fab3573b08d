#!/usr/bin/python3
"""Checks every quoted #include of the tree against the dependency rules of ARCHITECTURE.md
("The shape"): hal includes nothing of ours; protocol only the hal interfaces; firmware the hal
interfaces and protocol, never sim/ or harness/; sim the hal and protocol, never firmware/;
harness composes sim and firmware; bindings wrap the harness; bench and tests use any.

    check_layers.py [ROOT]     exit 0 when every include is allowed, 1 with one line per violation
"""
import os
import re
import sys

SOURCES = (".hpp", ".cpp", ".h", ".c")
# Where a quoted include is looked up, after the including file's own folder (the CMake include dirs).
ROOTS = ["hal/include", "hal", "protocol", "firmware", "sim", "harness", "bindings"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer_of(rel):
    """The layer of a path relative to the root: hal-api, hal, protocol, firmware, sim, harness, ..."""
    parts = rel.split("/")
    if parts[0] == "hal":
        return "hal-api" if len(parts) > 1 and parts[1] == "include" else "hal"
    return parts[0]


# What each layer may include (its own layer always).
ALLOWED = {
    "hal-api": {"hal-api"},
    "hal": {"hal-api", "hal"},
    "protocol": {"hal-api", "protocol"},
    "firmware": {"hal-api", "protocol", "firmware"},
    "sim": {"hal-api", "hal", "protocol", "sim"},
    "harness": {"hal-api", "hal", "protocol", "firmware", "sim", "harness"},
    "bindings": {"hal-api", "hal", "protocol", "firmware", "sim", "harness", "bindings"},
}
# A module's own unit tests may also use the hal backends (a scheduler to drive them), and an
# executable's main (app/) chooses its backend: acurev-fw is firmware + hal/linux.
BACKEND_USERS = ("/tests/", "/app/")


def resolve(root, including, name):
    here = os.path.dirname(including)
    for base in [here] + [os.path.join(root, r) for r in ROOTS]:
        p = os.path.normpath(os.path.join(base, name))
        if os.path.isfile(p):
            return os.path.relpath(p, root)
    return None


def violations(root):
    out = []
    for top in list(ALLOWED.keys() - {"hal-api"}):
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for f in sorted(files):
                if not f.endswith(SOURCES):
                    continue
                path = os.path.join(dirpath, f)
                rel = os.path.relpath(path, root)
                layer = layer_of(rel)
                allowed = set(ALLOWED[layer])
                if any(d in "/" + rel for d in BACKEND_USERS):
                    allowed.add("hal")
                with open(path, encoding="utf-8", errors="replace") as fh:
                    text = fh.read()
                for m in INCLUDE.finditer(text):
                    target = resolve(root, path, m.group(1))
                    if target is None:
                        continue  # a generated or system header
                    to = layer_of(target)
                    if to not in allowed:
                        line = text.count("\n", 0, m.start()) + 1
                        out.append(f"{rel}:{line}: {layer} includes \"{m.group(1)}\" ({target}, layer {to}); "
                                   f"{layer} may include only {', '.join(sorted(allowed))}")
    return sorted(out)


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))
    found = violations(root)
    for v in found:
        print(v)
    print(f"check_layers: {len(found)} violation(s)" if found else "check_layers: every include follows the layer rules")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
