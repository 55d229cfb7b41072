"""Where the assistant keeps its data on this machine.

One folder holds everything local: conversations and bookings (when SQLite), the outbox,
SMS state and the generated secrets. CLINIC_DATA_DIR moves it (the launcher gives each
test stack its own); by default it is `.rasa/` in the project. It is readable by the
service user only (0700).
"""

from __future__ import annotations

from pathlib import Path

from clinic.settings import settings

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = ROOT / ".rasa"


def data_dir() -> Path:
    """The data folder, created (0700) if missing, its mode tightened if it is wider."""
    path = settings().data_dir
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path


def sqlite_url(name: str) -> str:
    """A SQLAlchemy URL for a SQLite file in the data folder."""
    return f"sqlite:///{data_dir() / name}"
