"""Import name → distribution name, for the "install X and add it to this notebook" offer.

When a cell raises ``ModuleNotFoundError: No module named 'sklearn'`` the
package to install is ``scikit-learn``. Known mismatches are listed here;
anything else installs under the import name itself (normalised). Standard
library modules get no offer (nothing to install).
"""

from __future__ import annotations

import re
import sys

from packaging.utils import canonicalize_name

# Dotted keys match the longest prefix ("google.protobuf.message" → protobuf).
IMPORT_TO_DISTRIBUTION: dict[str, str] = {
    # data science / ML
    "sklearn": "scikit-learn",
    "skimage": "scikit-image",
    "cv2": "opencv-python",
    "PIL": "pillow",
    "umap": "umap-learn",
    "Bio": "biopython",
    "mpl_toolkits.basemap": "basemap",
    "community": "python-louvain",
    "faiss": "faiss-cpu",
    "llama_cpp": "llama-cpp-python",
    "osgeo": "gdal",
    "fitz": "pymupdf",
    "whisper": "openai-whisper",
    "wx": "wxPython",
    "cairo": "pycairo",
    "gi": "PyGObject",
    "OpenGL": "PyOpenGL",
    # web / data formats
    "yaml": "pyyaml",
    "bs4": "beautifulsoup4",
    "dateutil": "python-dateutil",
    "dotenv": "python-dotenv",
    "jwt": "PyJWT",
    "jose": "python-jose",
    "multipart": "python-multipart",
    "slugify": "python-slugify",
    "docx": "python-docx",
    "pptx": "python-pptx",
    "magic": "python-magic",
    "frontmatter": "python-frontmatter",
    "socketio": "python-socketio",
    "engineio": "python-engineio",
    "telegram": "python-telegram-bot",
    "discord": "discord.py",
    "github": "PyGithub",
    "gitlab": "python-gitlab",
    "git": "GitPython",
    "jenkins": "python-jenkins",
    "ldap": "python-ldap",
    "snappy": "python-snappy",
    "ruamel": "ruamel.yaml",
    "google.protobuf": "protobuf",
    "grpc": "grpcio",
    "googleapiclient": "google-api-python-client",
    "google.cloud.storage": "google-cloud-storage",
    "google.cloud.bigquery": "google-cloud-bigquery",
    "google.generativeai": "google-generativeai",
    "google.auth": "google-auth",
    "rest_framework": "djangorestframework",
    "websocket": "websocket-client",
    "socks": "PySocks",
    "dns": "dnspython",
    "nacl": "PyNaCl",
    # systems / crypto / hardware
    "attr": "attrs",
    "Crypto": "pycryptodome",
    "Cryptodome": "pycryptodomex",
    "OpenSSL": "pyOpenSSL",
    "serial": "pyserial",
    "usb": "pyusb",
    "zmq": "pyzmq",
    "psycopg2": "psycopg2-binary",
    "psycopg": "psycopg[binary]",
    "MySQLdb": "mysqlclient",
    "mysql": "mysql-connector-python",
    "win32api": "pywin32",
    "win32com": "pywin32",
    "win32con": "pywin32",
    "pythoncom": "pywin32",
    "pywintypes": "pywin32",
    "AppKit": "pyobjc",
    "Foundation": "pyobjc",
    "objc": "pyobjc",
    "Xlib": "python-xlib",
    "pkg_resources": "setuptools",
    "distutils": "setuptools",
    "Image": "pillow",
    "speech_recognition": "SpeechRecognition",
    "ffmpeg": "ffmpeg-python",
    "odf": "odfpy",
    "pdfminer": "pdfminer.six",
    "barcode": "python-barcode",
    "zbar": "zbar-py",
    # seen in imported Jupyter notebooks
    "mpl_toolkits": "matplotlib",
    "pylab": "matplotlib",
    "IPython": "ipython",
    "skopt": "scikit-optimize",
    "imblearn": "imbalanced-learn",
    "surprise": "scikit-surprise",
    "skbio": "scikit-bio",
    "sksurv": "scikit-survival",
    "absl": "absl-py",
    "haiku": "dm-haiku",
    "tree": "dm-tree",
    "pywt": "PyWavelets",
    "newspaper": "newspaper3k",
    "pycrfsuite": "python-crfsuite",
    "shapefile": "pyshp",
    "ee": "earthengine-api",
    "talib": "TA-Lib",
    "Levenshtein": "levenshtein",
}

# Modules no package provides: Python 2 standard library names and hosted-notebook services.
NOT_INSTALLABLE: frozenset[str] = frozenset(
    {
        "google.colab",
        "kaggle_secrets",
        "kaggle_datasets",
        "kaggle_web_client",
        "__builtin__",
        "cPickle",
        "cStringIO",
        "StringIO",
        "urllib2",
        "urlparse",
        "httplib",
        "cookielib",
        "Queue",
        "ConfigParser",
        "SocketServer",
        "SimpleHTTPServer",
        "BaseHTTPServer",
        "CGIHTTPServer",
        "Cookie",
        "HTMLParser",
        "htmlentitydefs",
        "Tkinter",
        "tkMessageBox",
        "Tkconstants",
        "tkFileDialog",
        "commands",
        "copy_reg",
        "thread",
        "dummy_thread",
        "exceptions",
        "sets",
        "md5",
        "sha",
        "new",
        "anydbm",
        "dbhash",
        "whichdb",
        "UserDict",
        "UserList",
        "UserString",
        "xmlrpclib",
        "robotparser",
        "future_builtins",
        "repr",
    }
)

# Distributions that provide the same import as the mapped one (a notebook that pip-installs
# opencv-python-headless needs no opencv-python for ``import cv2``).
ALTERNATIVES: dict[str, frozenset[str]] = {
    "cv2": frozenset(
        {"opencv-python", "opencv-python-headless", "opencv-contrib-python", "opencv-contrib-python-headless"}
    ),
    "PIL": frozenset({"pillow", "pil"}),
    "tensorflow": frozenset({"tensorflow", "tensorflow-cpu", "tensorflow-gpu", "tf-nightly", "tensorflow-macos"}),
    "faiss": frozenset({"faiss-cpu", "faiss-gpu"}),
    "psycopg2": frozenset({"psycopg2", "psycopg2-binary"}),
    "torch": frozenset({"torch", "pytorch"}),
    "sklearn": frozenset({"scikit-learn", "sklearn"}),
    "Crypto": frozenset({"pycryptodome", "pycrypto"}),
    "yaml": frozenset({"pyyaml", "ruamel.yaml"}),
    "jwt": frozenset({"pyjwt"}),
}

_NO_MODULE = re.compile(r"No module named ['\"]([^'\"]+)['\"]")


def distribution_for_import(module: str) -> str | None:
    """The distribution to install for ``import module`` (dotted names allowed); None for stdlib."""
    module = module.strip()
    if not module or module.startswith((".", "_")):
        return None
    parts = module.split(".")
    if any(".".join(parts[:n]) in NOT_INSTALLABLE for n in range(1, len(parts) + 1)):
        return None
    for n in range(len(parts), 0, -1):
        hit = IMPORT_TO_DISTRIBUTION.get(".".join(parts[:n]))
        if hit:
            return hit
    top = parts[0]
    if top in sys.stdlib_module_names or top in sys.builtin_module_names:
        return None
    return canonicalize_name(top)


def provided_by(module: str) -> frozenset[str]:
    """Canonical names of the distributions known to provide ``import module`` (for de-duplication)."""
    top = module.split(".")[0]
    names = set(ALTERNATIVES.get(top, frozenset()))
    dist = distribution_for_import(module)
    if dist:
        names.add(dist)
    names.add(top)
    return frozenset(canonicalize_name(n) for n in names)


def module_from_error(message: str) -> str | None:
    """The module name in a ModuleNotFoundError message ("No module named 'x.y'" → "x.y")."""
    m = _NO_MODULE.search(message)
    return m.group(1) if m else None


def install_suggestion(error_message: str) -> str | None:
    """What "install X" should install for this ModuleNotFoundError text, or None."""
    module = module_from_error(error_message)
    return distribution_for_import(module) if module else None
