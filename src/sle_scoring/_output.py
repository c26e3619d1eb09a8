"""Writing the command line's outputs without destroying data (private).

- :func:`same_file` finds an output that is the input or another output (the same
  path, or the same file through a link), so the command line can refuse it before
  reading anything.
- :class:`Output` writes a regular file to a temporary file in the same folder and
  renames it into place only when the run succeeds (:meth:`Output.commit`), so a
  failed run never leaves a truncated file over a good one. Standard output and
  devices (``/dev/null``, a named pipe) are written in place.
- A failed write (a full disk, an input/output error) raises :class:`WriteError`
  naming the output, never a traceback.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator
from typing import IO

__all__ = ["Output", "WriteError", "same_file"]

# A file or an open file descriptor (standard input or output).
Target = str | int


class WriteError(Exception):
    """Writing an output failed: the run could not complete."""


def _identity(target: Target) -> tuple[object, ...] | None:
    """What makes two targets the same file: device and inode when the file exists,
    else its resolved path; ``None`` for a character device (``/dev/null``, a
    terminal), which writing twice to destroys nothing."""
    try:
        found = os.stat(target)
    except (OSError, ValueError):
        found = None
    if found is not None:
        if stat.S_ISCHR(found.st_mode):
            return None
        return ("inode", found.st_dev, found.st_ino)
    if isinstance(target, int):
        return None
    return ("path", os.path.realpath(target))


def same_file(targets: dict[str, Target]) -> tuple[str, str] | None:
    """The first two roles of ``targets`` (role -> file) that name one file, if any."""
    seen: dict[tuple[object, ...], str] = {}
    for role, target in targets.items():
        identity = _identity(target)
        if identity is None:
            continue
        if identity in seen:
            return seen[identity], role
        seen[identity] = role
    return None


class Output:
    """One output stream of a run: written as it goes, committed or discarded at the end.

    A regular file (or a new one) is written to ``<name>.<random>.tmp`` beside it and
    renamed over it by :meth:`commit`; :meth:`discard` removes the temporary file
    and leaves the old file as it was. Standard output and devices are written in
    place (there is nothing to rename). A symbolic link is followed: its target is
    replaced, the link kept.
    """

    def __init__(
        self,
        name: str,
        stream: IO[str],
        *,
        standard: bool = False,
        temporary: str | None = None,
        path: str | None = None,
    ) -> None:
        self.name = name  # as the user gave it, for messages
        self.stream = stream
        self.standard = standard
        self.temporary = temporary  # written here ...
        self.path = path  # ... and renamed to here on commit

    @classmethod
    def standard_output(cls, stream: IO[str]) -> Output:
        """Standard output, written in place and left open."""
        return cls("standard output", stream, standard=True)

    @classmethod
    def open(cls, name: str) -> Output:
        """The file ``name``, to be replaced on :meth:`commit`; raises OSError when
        neither it nor a temporary file beside it can be created."""
        path = os.path.realpath(name)
        try:
            found: os.stat_result | None = os.stat(path)
        except FileNotFoundError:
            found = None
        if found is not None and not stat.S_ISREG(found.st_mode):  # a device or a pipe
            return cls(name, open(path, "w", encoding="utf-8", newline=""))
        folder, base = os.path.split(path)
        for _ in range(100):
            temporary = os.path.join(folder, f"{base}.{secrets.token_hex(4)}.tmp")
            try:
                # 0o666 less the umask, as open() gives a new file.
                descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                break
            except FileExistsError:
                continue
        else:
            raise FileExistsError(f"no free temporary name beside {name}")
        if found is not None:  # the replacement keeps the permissions of the file
            os.chmod(descriptor, stat.S_IMODE(found.st_mode))
        stream = os.fdopen(descriptor, "w", encoding="utf-8", newline="")
        return cls(name, stream, temporary=temporary, path=path)

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        try:
            yield
        except BrokenPipeError:
            if self.standard:  # the reader went away (`| head`): stopped quietly
                raise
            raise WriteError(f"cannot write {self.name}: the reader went away") from None
        except OSError as error:
            reason = error.strerror or str(error)
            raise WriteError(f"cannot write {self.name}: {reason}") from None

    def write(self, text: str) -> None:
        """Write ``text``; raises WriteError when the output cannot take it.

        Text UTF-8 cannot hold (a lone surrogate, from a JSON ``\\ud800`` escape) is
        written as its backslash escape rather than failing the run.
        """
        with self._writing():
            try:
                self.stream.write(text)
            except UnicodeEncodeError:  # raised before anything is written
                encoding = getattr(self.stream, "encoding", None) or "utf-8"
                self.stream.write(text.encode(encoding, "backslashreplace").decode(encoding))

    def finish(self) -> None:
        """Flush; for a file, also save it to disk and close it. Raises WriteError."""
        with self._writing():
            self.stream.flush()
            if self.standard:
                return
            if self.temporary is not None:
                os.fsync(self.stream.fileno())
            self.stream.close()

    def commit(self) -> None:
        """Rename the finished temporary file over the output (after :meth:`finish`)."""
        if self.temporary is None or self.path is None:
            return
        with self._writing():
            os.replace(self.temporary, self.path)
        self.temporary = None

    def discard(self) -> None:
        """Drop what was written: the temporary file goes, the old file stays."""
        if self.standard:
            return
        # Nothing written is kept, so a failed close or unlink loses nothing.
        with contextlib.suppress(OSError):
            self.stream.close()
        if self.temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.temporary)
            self.temporary = None
