"""The built wheel carries its data and works from outside the repository."""

import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def _run(command, **kwargs):
    """Run a command; on failure, fail with its own output rather than CalledProcessError."""
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{command[0]} {command[1:3]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed_python(tmp_path_factory):
    """A fresh virtual environment with the wheel (not the checkout) installed."""
    work = tmp_path_factory.mktemp("wheel")
    _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(work / "dist"), str(REPO)])
    (wheel,) = (work / "dist").glob("casey_nlp-*.whl")
    env_dir = work / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    # The dependencies come from the interpreter running the tests (a venv or
    # not), appended to the new environment's path by a .pth file, so nothing
    # is downloaded; casey_nlp itself comes only from the wheel, which sits
    # earlier on the path. (.pth files in those folders are not run, so an
    # editable casey_nlp there stays invisible.)
    outer = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    inner = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).strip())
    (inner / "outer_dependencies.pth").write_text("\n".join(sorted(outer)) + "\n", encoding="utf-8")
    _run([python, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps", str(wheel)])
    return python, work


def run_outside_repo(python, work, code):
    outside = work / "elsewhere"
    outside.mkdir(exist_ok=True)
    return _run([python, "-c", code], cwd=outside)


def test_wheel_loads_the_dataset_from_outside_the_repo(installed_python):
    python, work = installed_python
    out = run_outside_repo(
        python, work,
        "import casey_nlp; b = casey_nlp.load_dataset(); "
        "w = casey_nlp.load_dataset(subset='written'); "
        "print(casey_nlp.__file__); print(len(b.data), len(b.documents), len(w.data), len(w.documents))",
    )
    location, counts = out.splitlines()
    assert str(work / "venv") in location, "casey_nlp was not imported from the wheel"
    import casey_nlp

    written = casey_nlp.load_dataset(subset="written")
    assert counts == f"{len(casey_nlp.load_dataset().data)} 5 {len(written.data)} {len(written.documents)}"


def test_wheel_console_script_runs(installed_python):
    python, work = installed_python
    script = python.parent / "casey-nlp"
    out = _run([script, "dataset"], cwd=work)
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


def test_wheel_ships_the_gazetteer_and_the_extraction_annotations(installed_python):
    python, work = installed_python
    out = run_outside_repo(
        python, work,
        "import casey_nlp; from casey_nlp._evaluate_extraction import evaluate_extraction; "
        "s = casey_nlp.classify('We urge Scotland Yard to act now on vetting.')[0]; "
        "print(s.label, [a.name for a in s.addressees]); "
        "print(evaluate_extraction('all')['counts']['documents'])",
    )
    assert out.splitlines() == ["demand ['Metropolitan Police Service']", "27"]
