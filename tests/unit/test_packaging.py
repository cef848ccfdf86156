"""The source distribution carries every file the app reads at run time, not only its Python modules."""

import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Read at run time: the package (templates, catalogs, demo data, migrations) and, beside it,
# the static files and the default content (templating.STATIC_DIR, content.DEFAULT_CONTENT_DIRS).
RUNTIME_FOLDERS = ("cs_handbook", "static", "policies", "training")


def _runtime_files() -> set[str]:
    found = set()
    for folder in RUNTIME_FOLDERS:
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo"):
                found.add(path.relative_to(ROOT).as_posix())
    return found


def test_the_sdist_holds_every_file_the_app_reads(tmp_path):
    subprocess.run([sys.executable, "setup.py", "-q", "egg_info", "--egg-base", str(tmp_path), "sdist",
                    "--dist-dir", str(tmp_path)], cwd=ROOT, check=True, capture_output=True)
    (archive,) = tmp_path.glob("*.tar.gz")
    with tarfile.open(archive) as tar:
        packed = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    missing = sorted(_runtime_files() - packed)
    assert "cs_handbook/demo_data/qa_transcripts.json" in _runtime_files()
    assert not missing, f"MANIFEST.in leaves out: {missing[:20]}"
    assert {"development.ini", "production.ini"} <= packed
