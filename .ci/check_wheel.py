"""CI: the built wheel and sdist hold the whole product and nothing else (`python .ci/check_wheel.py DIST_DIR`).

What must be in them comes from git, not from a list kept by hand: every tracked file of the folders that
pytest_restgate/ links to (fixtures/, reports/, renderers/, tests_rest/: code, fonts with their licences,
aliases.toml, paper figures, page assets) and pytest_restgate/'s own files. A few files are named besides, so an
empty git listing cannot pass. The wheel may hold nothing at the top of site-packages but pytest_restgate/ and its
dist-info, no file the repository does not track (a run folder, a cache), and no pytest11 entry point.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

PACKAGE = "pytest_restgate"
NAMED = (
    "pytest_restgate/__init__.py", "pytest_restgate/cli.py", "pytest_restgate/plugin.py",
    "pytest_restgate/fixtures/plugin.py", "pytest_restgate/reports/plugin.py",
    "pytest_restgate/tests_rest/__init__.py", "pytest_restgate/tests_rest/test_rest.py",
    "pytest_restgate/fixtures/models/aliases.toml", "pytest_restgate/reports/paper_figures.json",
    "pytest_restgate/renderers/fonts/DejaVuSans.ttf", "pytest_restgate/renderers/fonts/LICENSE-DejaVu.txt",
    "pytest_restgate/renderers/fonts/LiberationMono-Regular.ttf",
    "pytest_restgate/renderers/fonts/LICENSE-Liberation.txt",
    "pytest_restgate/renderers/fonts/ComicNeue-Regular.otf", "pytest_restgate/renderers/fonts/LICENSE-ComicNeue.txt",
)
METADATA_LINES = ("Name: pytest-restgate", "Classifier: Framework :: Pytest",
                  "License-Expression: MIT AND OFL-1.1 AND Bitstream-Vera")
SDIST_EXTRAS = ("LICENSE", "README.md", "pyproject.toml", "PKG-INFO")


def _tracked(repo: Path, *paths: str) -> list[str]:
    out = subprocess.run(["git", "-C", str(repo), "ls-files", "-z", "--", *paths], capture_output=True, check=True)
    return [p for p in out.stdout.decode().split("\0") if p]


def product_files(repo: Path) -> set[str]:
    """The files a wheel must carry, as paths inside it: links under pytest_restgate/ expanded to their folders."""
    wanted: set[str] = set()
    for entry in _tracked(repo, PACKAGE):
        path = repo / entry
        if path.is_symlink() and path.is_dir():
            target = path.resolve().relative_to(repo.resolve()).as_posix()
            wanted.update(f"{entry}/{p[len(target) + 1:]}" for p in _tracked(repo, target))
        else:
            wanted.add(entry)
    return wanted


def check_wheel(wheel: Path, wanted: set[str]) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        names = [n for n in archive.namelist() if not n.endswith("/")]
        dist_info = next((n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA")), "")
        metadata = archive.read(f"{dist_info}/METADATA").decode() if dist_info else ""
        entry_points = archive.read(f"{dist_info}/entry_points.txt").decode() if dist_info else ""
    problems = [f"wheel: top-level entry {top!r} (only {PACKAGE}/ and its dist-info may land in site-packages)"
                for top in sorted({n.split("/")[0] for n in names} - {PACKAGE, dist_info})]
    inside = {n for n in names if n.startswith(f"{PACKAGE}/")}
    problems += [f"wheel: missing {n}" for n in sorted(wanted - inside)]
    problems += [f"wheel: holds {n}, which the repository does not track" for n in sorted(inside - wanted)]
    problems += [f"wheel METADATA lacks {line!r}" for line in METADATA_LINES if line not in metadata.splitlines()]
    if f"{dist_info}/licenses/LICENSE" not in names:
        problems.append("wheel: no licenses/LICENSE in the dist-info")
    if "[pytest11]" in entry_points:
        problems.append("wheel: a pytest11 entry point (the suite's options would load into every pytest run)")
    if "restgate = pytest_restgate.cli:main" not in entry_points:
        problems.append("wheel: no `restgate` console script")
    return problems


def check_sdist(sdist: Path, wanted: set[str]) -> list[str]:
    with tarfile.open(sdist) as archive:
        names = {m.name.split("/", 1)[1] for m in archive.getmembers() if m.isfile() and "/" in m.name}
    problems = [f"sdist: missing {n}" for n in sorted(wanted - names)]
    problems += [f"sdist: missing {n}" for n in SDIST_EXTRAS if n not in names]
    return problems


def main(argv: list[str]) -> int:
    dist = Path(argv[0]) if argv else Path("dist")
    repo = Path(__file__).resolve().parents[1]
    wheels, sdists = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        print(f"check_wheel: expected one wheel and one sdist in {dist}, found {wheels + sdists}", file=sys.stderr)
        return 1
    wanted = product_files(repo)
    problems = [f"not tracked by git: {n}" for n in NAMED if n not in wanted]
    problems += check_wheel(wheels[0], wanted) + check_sdist(sdists[0], wanted)
    for line in problems:
        print(f"check_wheel: {line}", file=sys.stderr)
    if not problems:
        print(f"check_wheel: {wheels[0].name} and {sdists[0].name} hold all {len(wanted)} product files "
              f"and nothing else at the top of site-packages")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
