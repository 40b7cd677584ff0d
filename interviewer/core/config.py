"""Where data lives, and what the user can override."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "Interviewer"
APP_AUTHOR = "Interviewer"
DATA_DIR_ENV = "INTERVIEWER_DATA_DIR"
DB_NAME = "interviewer.sqlite3"


def resource_path(*parts: str) -> Path:
    """A file under the project's `resources/` folder, in a checkout or an installed wheel."""
    here = Path(__file__).resolve().parents[2] / "resources"
    if here.is_dir():
        return here.joinpath(*parts)
    from importlib import resources

    return Path(str(resources.files("interviewer_resources"))).joinpath(*parts)


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def resolve_data_dir(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """`--data-dir` wins, then `INTERVIEWER_DATA_DIR`, then the platform's user data directory."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return default_data_dir()


@dataclass(frozen=True)
class DataDir:
    """The layout of one data directory."""

    root: Path

    @property
    def db_path(self) -> Path:
        return self.root / DB_NAME

    @property
    def audio_dir(self) -> Path:
        return self.root / "audio"

    @property
    def exports_dir(self) -> Path:
        return self.root / "exports"

    def ensure(self) -> DataDir:
        """Create the layout (0700), and remove temporary files a killed process left behind."""
        from interviewer.core.files import private_dir, sweep_temp_files

        for d in (self.root, self.audio_dir, self.exports_dir):
            private_dir(d)
            if os.name == "posix":
                d.chmod(0o700)
        sweep_temp_files(self.root)
        return self

    def path(self, value: str | os.PathLike[str] | None, *, what: str = "path") -> Path | None:
        """A path read from a bundle, a kit or the database, resolved inside this data dir or refused
        (`interviewer.core.files.data_path`)."""
        from interviewer.core.files import data_path

        return data_path(self.root, value, what=what)
