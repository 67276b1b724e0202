"""Atomic writes: outputs appear whole or not at all.

Every writer in :mod:`cites_priority.export` goes through :func:`atomic_path`: it
writes to a hidden temporary file in the destination folder, then renames it over the
destination with :func:`os.replace` (atomic on POSIX within one file system). A run
that fails or is killed mid-write leaves the previous output untouched; the temporary
file is removed on failure, and stray temporaries of killed runs are swept by
:func:`sweep_stale_temporaries`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from ._errors import OutputError

__all__ = ["TMP_PREFIX", "atomic_path", "sweep_stale_temporaries"]

TMP_PREFIX = ".cites-priority-tmp-"


def _explain(exc: OSError, path: Path) -> OutputError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        fix = "free some disk space or choose another --out folder"
        what = "the disk is full"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = "make the folder writable or choose another --out folder"
        what = "permission denied"
    else:
        fix = "check the output folder"
        what = exc.strerror or str(exc)
    return OutputError(f"{path}: cannot write output ({what}); fix: {fix}")


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path to write; rename it onto ``path`` on success.

    Parameters
    ----------
    path
        The final destination. Its folder is created if needed.

    Yields
    ------
    pathlib.Path
        A path in the same folder with the same suffix; write the whole file there.

    Raises
    ------
    OutputError
        If the folder cannot be created or written (read-only, full disk).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_path(d / "a.txt") as tmp:
    ...     _ = tmp.write_text("ok")
    >>> (d / "a.txt").read_text()
    'ok'
    """
    final = Path(path)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _explain(exc, final.parent) from exc
    tmp = final.parent / f"{TMP_PREFIX}{os.getpid()}-{final.name}"
    if tmp.exists():
        tmp.unlink()
    try:
        yield tmp
        if not tmp.exists():
            raise OutputError(f"{final}: the writer produced no file")
        os.replace(tmp, final)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OutputError):
            raise
        raise _explain(exc, final) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def sweep_stale_temporaries(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove temporaries left by killed runs (their process no longer exists).

    Parameters
    ----------
    folder
        The output folder.

    Returns
    -------
    list of pathlib.Path
        The files removed.
    """
    removed: list[Path] = []
    folder = Path(folder)
    if not folder.is_dir():
        return removed
    for tmp in folder.glob(f"{TMP_PREFIX}*"):
        pid_text = tmp.name[len(TMP_PREFIX) :].split("-", 1)[0]
        alive = False
        if pid_text.isdigit():
            try:
                os.kill(int(pid_text), 0)
                alive = int(pid_text) != os.getpid()
            except OSError:
                alive = False
        if not alive:
            with contextlib.suppress(OSError):
                if tmp.is_dir():
                    shutil.rmtree(tmp)
                else:
                    tmp.unlink()
                removed.append(tmp)
    return removed
