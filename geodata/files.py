"""Files the app keeps on disk: uploads under a fixed name, evidence under its content hash.

No name that a browser, a user or a backup supplies is ever used as a path. An upload is kept
as ``upload<suffix>`` in a folder of its own (the suffix checked against those allowed);
an evidence file as ``evidence/<first two hex digits>/<sha256><suffix>`` under the data
folder, the layout ``domain.schema.EVIDENCE_PATH_PATTERN`` declares. Every path read or written is
checked to lie inside its folder (``inside``).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Collection
from pathlib import Path, PurePosixPath

from domain.errors import RiskMapError
from domain.schema import EVIDENCE_PATH_PATTERN

EVIDENCE_DIR = "evidence"
UPLOAD_STEM = "upload"


class UnsafePathError(RiskMapError):
    """A path that would leave its folder, or that breaks the layout it must follow."""


def inside(folder: Path, relative: str | Path) -> Path:
    """Return ``folder / relative`` resolved, refusing any path that leaves ``folder``.

    Raises:
        UnsafePathError: ``relative`` is absolute, climbs out with ``..`` or a link, or
            names the folder itself.
    """
    base = folder.resolve()
    path = (base / relative).resolve()
    if path == base or not path.is_relative_to(base):
        raise UnsafePathError(f"路径不在 {base} 之内 path {str(relative)!r} is outside "
                              f"the folder {base}")
    return path


def client_name(name: str) -> str:
    """Return the last part of a file name a client sent (a backslash is a separator too).

    For display and records only: never a path.
    """
    return PurePosixPath(name.replace("\\", "/")).name


def client_suffix(name: str) -> str:
    """Return the lower-case suffix of a file name a client sent."""
    return PurePosixPath(client_name(name)).suffix.lower()


def upload_path(folder: Path, name: str, allowed: Collection[str]) -> Path:
    """Return where an upload the client calls ``name`` is kept in ``folder``.

    Only the suffix of ``name`` is used, and only when it is one of ``allowed`` (with the
    dot, lower case): the file is ``folder/upload<suffix>``.

    Raises:
        RiskMapError: The suffix is not allowed.
    """
    suffix = client_suffix(name)
    if suffix not in allowed:
        known = ", ".join(sorted(allowed))
        raise RiskMapError(f"不支持的文件类型 {suffix or '（无扩展名）'}：请上传 {known} 文件 "
                           f"(unsupported file type {suffix or '(none)'}; use {known})")
    return inside(folder, f"{UPLOAD_STEM}{suffix}")


def evidence_path(digest: str, name: str) -> str:
    """Return the stored path of an evidence file with SHA-256 ``digest``, sent as ``name``.

    Only letters and digits of the name's suffix are kept, at most nine.
    """
    suffix = re.sub(r"[^A-Za-z0-9]", "", client_suffix(name))[:9]
    return f"{EVIDENCE_DIR}/{digest[:2]}/{digest}{'.' + suffix if suffix else ''}"


def evidence_file(data_dir: Path, stored_path: object, digest: object) -> Path:
    """Return where the evidence file of a record lies under ``data_dir``.

    The stored path must be the layout's path for the record's own hash.

    Raises:
        UnsafePathError: It is not (a crafted or damaged record).
    """
    found = (re.fullmatch(EVIDENCE_PATH_PATTERN, stored_path) if isinstance(stored_path, str)
             else None)
    if found is None or found[2] != digest or found[1] != found[2][:2]:
        raise UnsafePathError(f"佐证文件的存放位置不符合规定格式 evidence path {stored_path!r} "
                              f"does not follow evidence/<xx>/<sha256>.<ext> for its hash")
    return inside(data_dir, stored_path)


def write_new(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` unless it exists, through a temporary file and a rename.

    A reader never sees half a file under the final name, whatever happens while writing.
    """
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def file_sha256(path: str | Path) -> str:
    """Return the SHA-256 of the file at ``path``, read a megabyte at a time."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
