"""Where the project's own files live."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PARAMS_DIR = PROJECT_ROOT / "params"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
OUTPUTS_DIR = PROJECT_ROOT / "outputs"
SAMPLE_DIR = Path(__file__).resolve().parent / "data" / "sample"
