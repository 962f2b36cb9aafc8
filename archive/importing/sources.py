"""Where the files come from: paths on disk (folders searched recursively) or admin uploads."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.core.files.uploadedfile import UploadedFile

from archive.importing.outcomes import Refused


class Source(Protocol):
    """One file to import."""

    label: str  # how the report names it: the path as given, or the uploaded file's name
    name: str  # the file's own name, kept on the article as original_filename

    def read(self, max_bytes: int) -> bytes:
        """The file's bytes; Refused when it is missing, unreadable or over max_bytes."""
        ...


def describe_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise Refused(f"too large: {describe_size(size)} (limit {describe_size(max_bytes)})")


@dataclass(frozen=True)
class PathSource:
    path: Path

    @property
    def label(self) -> str:
        return str(self.path)

    @property
    def name(self) -> str:
        return self.path.name

    def read(self, max_bytes: int) -> bytes:
        try:
            _check_size(self.path.stat().st_size, max_bytes)
            return self.path.read_bytes()
        except FileNotFoundError:
            raise Refused("no such file") from None
        except IsADirectoryError:
            raise Refused("is a folder") from None
        except OSError as error:
            raise Refused(f"cannot be read: {error.strerror or error}") from None


# What a folder's files may be: saved pages, e-mails saved as HTML, transcriptions. Anything
# else found in a folder (images, reports, archives) is refused without being read; a file named
# on its own is always tried.
ARTICLE_SUFFIXES = frozenset({"", ".html", ".htm", ".xhtml", ".shtml", ".txt", ".text"})


@dataclass(frozen=True)
class OtherFileInFolder(PathSource):
    def read(self, max_bytes: int) -> bytes:
        raise Refused(
            f"not an article file ({self.path.suffix}); name it on its own to import it anyway"
        )


@dataclass(frozen=True)
class UploadSource:
    upload: UploadedFile

    @property
    def label(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return os.path.basename(self.upload.name or "upload")

    def read(self, max_bytes: int) -> bytes:
        _check_size(self.upload.size or 0, max_bytes)
        return b"".join(self.upload.chunks())


def collect_sources(items: Iterable[Source | str | os.PathLike | UploadedFile]) -> list[Source]:
    """Sources for paths (a folder gives its files, recursively, hidden ones skipped, those not
    of ARTICLE_SUFFIXES refused) and uploads.

    A path that does not exist is kept: reading it refuses it with a reason, like any bad file.
    """
    sources: list[Source] = []
    for item in items:
        if isinstance(item, UploadedFile):
            sources.append(UploadSource(item))
        elif isinstance(item, str | os.PathLike):
            path = Path(item)
            if path.is_dir():
                sources.extend(
                    (PathSource if file.suffix.lower() in ARTICLE_SUFFIXES else OtherFileInFolder)(
                        file
                    )
                    for file in _files_under(path)
                )
            else:
                sources.append(PathSource(path))
        else:
            sources.append(item)
    return sources


def _files_under(folder: Path) -> list[Path]:
    files = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        files.extend(Path(root) / name for name in sorted(names) if not name.startswith("."))
    return files
