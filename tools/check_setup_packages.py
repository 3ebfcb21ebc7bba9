"""What tools/setup.sh installs on a fresh Debian/Ubuntu is what provides what it looks for.

setup.sh installs a Debian package when a probe fails (``[ -x /usr/bin/chromium ] || need_pkgs+=(chromium)``).
On a machine that already has the file, a wrong package name would never show, until a fresh system
fails (as it did: ``python3 -m venv`` without python3-venv). This check, run by ./test's lint on every
machine (CI included), asks Debian's own package database: for each probe, the file it looks for must
exist here (setup.sh ran) and belong to the package named, or to one that package depends on.
tools/check_fresh_debian.sh runs the whole set-up in a debootstrapped system (minutes, downloads).
    check_setup_packages.py [SETUP_SH]     exit 1 on a wrong pair
    check_setup_packages.py --self-test    the check rejects a wrong pair
"""
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROBE_LINE = re.compile(r"^\s*(?P<probe>.*?)\s*\|\|\s*need_pkgs\+=\((?P<package>[\w.+-]+)\)\s*$")
SYSTEM_PYTHON = "/usr/bin/python3"


def python_path(code):
    return subprocess.run([SYSTEM_PYTHON, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def probed_file(probe):
    """The file a probe of setup.sh looks for, or a ``ValueError`` for a probe this check cannot read."""
    match = re.search(r"\[ -x (\S+) \]", probe)
    if match:
        return match.group(1)
    match = re.search(r"command -v (\w[\w.+-]*)", probe)
    if match:
        return shutil.which(match.group(1)) or "/usr/bin/" + match.group(1)
    if re.search(r"dpkg -s ([\w.+-]+)", probe):
        return None  # the package itself is the probe
    if "import ensurepip" in probe:
        return python_path("import ensurepip; print(ensurepip.__file__)")
    if "Python.h" in probe:
        return python_path('import os, sysconfig; print(os.path.join(sysconfig.get_paths()["include"], "Python.h"))')
    raise ValueError("tools/check_setup_packages.py cannot read this probe of setup.sh: %r" % probe)


def owner(path):
    """The Debian package that installed ``path`` (or its target, when it is a link), else None."""
    for candidate in (path, os.path.realpath(path)):
        result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if result.returncode == 0:
            return result.stdout.split(":", 1)[0].split(",")[0].strip()
    return None


def with_dependencies(package):
    """``package`` and what it depends on, recursively (Depends and Pre-Depends, as apt installs them)."""
    result = subprocess.run(["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
                             "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances", package],
                            capture_output=True, text=True)
    names = {package}
    for line in result.stdout.splitlines():
        line = line.strip()
        if line.startswith(("Depends:", "PreDepends:")):
            names.add(line.split(":", 1)[1].strip().strip("<>").split(":")[0])
        elif line and not line.startswith(("|", "<")) and ":" not in line:
            names.add(line.split(":")[0])
    return names


def problems(pairs):
    """Readable problems of ``[(probe, package)]``: empty when each package provides its probe's file."""
    found = []
    for probe, package in pairs:
        try:
            path = probed_file(probe)
        except ValueError as error:
            found.append(str(error))
            continue
        if path is None:
            continue
        if not os.path.exists(path):
            found.append("%s is missing although setup.sh ran (probe %r installs %s)" % (path, probe, package))
            continue
        installed_by = owner(path)
        if installed_by is None:
            continue  # not from a Debian package here (e.g. a python3 of another origin): nothing to compare
        if installed_by.split(":")[0] not in with_dependencies(package):
            found.append("%s comes from %s, which installing %s does not bring (setup.sh: %r)"
                         % (path, installed_by, package, probe))
    return found


def pairs_of(setup_sh):
    with open(setup_sh, encoding="utf-8") as handle:
        lines = handle.read().replace("\\\n", " ").splitlines()  # continued lines as one
    return [(match.group("probe"), match.group("package")) for match in map(PROBE_LINE.match, lines) if match]


def self_test():
    wrong = problems([("[ -x /usr/sbin/nginx ]", "openssl")])
    assert wrong and "does not bring" in wrong[0], wrong
    assert problems([("frobnicate", "nginx")]), "an unknown probe is refused"
    print("check_setup_packages: self-test ok")


def main(argv):
    if argv[1:] == ["--self-test"]:
        self_test()
        return 0
    setup_sh = argv[1] if len(argv) > 1 else os.path.join(ROOT, "tools", "setup.sh")
    pairs = pairs_of(setup_sh)
    if len(pairs) < 5:
        print("check_setup_packages: found only %d probes in %s" % (len(pairs), setup_sh))
        return 1
    found = problems(pairs)
    for problem in found:
        print("check_setup_packages: " + problem)
    if not found:
        print("check_setup_packages: %d packages of setup.sh provide what it probes" % len(pairs))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
