"""Make this directory's helper modules (analysis_corpus, analysis_compare) importable
under any pytest import mode (the project uses --import-mode=importlib)."""

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
