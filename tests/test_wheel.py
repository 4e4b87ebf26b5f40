"""The built wheel carries its data and works from outside the repository."""

import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed_python(tmp_path_factory):
    """A fresh virtual environment with the wheel (not the checkout) installed."""
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(work / "dist"), str(REPO)],
        check=True, capture_output=True,
    )
    (wheel,) = (work / "dist").glob("casey_nlp-*.whl")
    env_dir = work / "venv"
    # System site-packages supply the already-installed dependencies (no
    # download needed); casey_nlp itself comes only from the wheel.
    venv.create(env_dir, with_pip=True, system_site_packages=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--no-index", "--no-build-isolation", str(wheel)],
        check=True, capture_output=True,
    )
    return python, work


def run_outside_repo(python, work, code):
    outside = work / "elsewhere"
    outside.mkdir(exist_ok=True)
    return subprocess.run(
        [python, "-c", code], cwd=outside, check=True, capture_output=True, text=True
    ).stdout


def test_wheel_loads_the_dataset_from_outside_the_repo(installed_python):
    python, work = installed_python
    out = run_outside_repo(
        python, work,
        "import casey_nlp; b = casey_nlp.load_dataset(); "
        "print(casey_nlp.__file__); print(len(b.data), len(b.documents))",
    )
    location, counts = out.splitlines()
    assert str(work / "venv") in location, "casey_nlp was not imported from the wheel"
    assert counts == f"{len(__import__('casey_nlp').load_dataset().data)} 5"


def test_wheel_console_script_runs(installed_python):
    python, work = installed_python
    script = python.parent / "casey-nlp"
    out = subprocess.run(
        [script, "dataset"], cwd=work, check=True, capture_output=True, text=True
    ).stdout
    assert "labelled sentences from 5 statements" in out


def test_wheel_ships_the_trained_model_and_uses_it_without_rebuilding(installed_python):
    python, work = installed_python
    out = run_outside_repo(
        python, work,
        "import warnings; warnings.simplefilter('error', RuntimeWarning)\n"
        "import casey_nlp\n"
        "m = casey_nlp.load_model()\n"
        "print('rebuilt' in m.metadata_, casey_nlp.classify_sentences(['The Met must change.'])[0])",
    )
    assert out.split() == ["False", "demand"]
