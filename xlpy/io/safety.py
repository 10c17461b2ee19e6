"""Guards around writing a user's workbook: refuse when it is open or read-only, one xlpy run at a time,
and replace the file atomically so it is never left half-written."""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import secrets
import socket
import stat
import sys
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

from xlpy.io.base import WorkbookError

LOCK_SUFFIX = ".xlpy-lock"
TEMP_INFIX = ".xlpy-tmp-"


def lock_path(path: Path) -> Path:
    """Where xlpy's lock for the workbook `path` lives: `.<name>.xlpy-lock` beside it."""
    return path.with_name(f".{path.name}{LOCK_SUFFIX}")


def owner_files(path: Path) -> list[Path]:
    """Files whose presence means another program has the workbook open.

    Excel writes an owner file `~$<name>`; for longer names it replaces the first two characters
    (`Rapport.xlsx` -> `~$pport.xlsx`), so both forms are checked. LibreOffice writes `.~lock.<name>#`.
    """
    name = path.name
    candidates = [f"~${name}", f"~${name[2:]}", f".~lock.{name}#"]
    # -- a workbook whose own name starts with ~$ would otherwise count as its own owner file --
    return [path.with_name(c) for c in dict.fromkeys(candidates) if c != name]


def _nfc(name: str) -> str:
    return unicodedata.normalize("NFC", name)


def _present_owner_files(path: Path) -> list[Path]:
    """The owner files of `path` that exist, also when the owner file's name is stored in another Unicode
    composition than the one given (a Mac writes "~$Na\u0308rvaro.xlsx" where the path says "Närvaro")."""
    owners = owner_files(path)
    present = [o for o in owners if o.exists()]
    if present or path.name.isascii():
        return present
    wanted = {_nfc(o.name) for o in owners} - {_nfc(path.name)}
    try:
        entries = os.listdir(path.parent)
    except OSError:
        return []
    return [path.with_name(e) for e in sorted(entries)
            if e.startswith(("~$", ".~lock.")) and _nfc(e) in wanted]


def check_not_open(path: Path) -> None:
    """Raise WorkbookError when Excel, Word or LibreOffice has `path` open (its owner file exists)."""
    for owner in _present_owner_files(path):
        if owner.exists():
            office = "Word" if path.suffix.lower() in (".docx", ".docm", ".doc") else "Excel"
            program = "LibreOffice" if owner.name.startswith(".~lock.") else office
            raise WorkbookError(
                f"{path.name} är öppen i {program}: stäng filen och försök igen "
                f"(om {program} inte är igång kan du ta bort filen {owner.name})."
            )


def check_writable(path: Path) -> None:
    """Raise WorkbookError when `path` or its folder cannot be written.

    The permission bits are checked as well as os.access, because os.access says yes to an
    administrator (root) even for a file marked read-only, and Excel users expect that mark to hold.
    """
    st = path.stat()
    if not (st.st_mode & stat.S_IWUSR) or not os.access(path, os.W_OK):
        raise WorkbookError(f"{path.name} är skrivskyddad: ta bort skrivskyddet eller välj en annan fil.")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise WorkbookError(f"Mappen där {path.name} ligger går inte att skriva i.")


def check_output_path(path: Path) -> None:
    """Raise WorkbookError (Swedish) unless a file can be written at `path`: its folder exists and can be
    written in, the path is not a folder, and an existing file there is neither read-only nor open in
    Excel, Word or LibreOffice. Every job calls it for every output before its first write."""
    path = Path(path)
    name = path.name or str(path)
    if path.is_dir():
        raise WorkbookError(f"{name} är en mapp; ange ett filnamn att skriva till.")
    folder = path.parent
    if not folder.exists():
        raise WorkbookError(f"Mappen {folder} finns inte; skapa den eller välj en annan plats för {name}.")
    if not folder.is_dir():
        raise WorkbookError(f"{folder.name} är ingen mapp, så {name} kan inte skrivas där.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise WorkbookError(f"Mappen där {name} ska ligga går inte att skriva i.")
    if path.is_symlink() and not path.exists():
        return  # -- a dangling link is replaced by the new file --
    if path.exists():
        check_not_open(path)
        if path.is_file():
            check_writable(path)


def os_error_sentence(exc: OSError, name: str) -> str:
    """A Swedish sentence for an OSError met while writing `name` (disk full, no permission, …)."""
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return f"{name} kunde inte skrivas: disken är full. Frigör utrymme och försök igen; den tidigare filen är orörd."
    if code in (errno.EACCES, errno.EPERM):
        return f"{name} kunde inte skrivas: behörighet saknas för filen eller mappen."
    if code == errno.EROFS:
        return f"{name} kunde inte skrivas: disken är skrivskyddad."
    if code == errno.ENAMETOOLONG:
        return f"{name} kunde inte skrivas: namnet eller sökvägen är för lång."
    if code in (errno.ENOENT, errno.ENOTDIR):
        return f"{name} kunde inte skrivas: mappen finns inte längre."
    if code == errno.EISDIR:
        return f"{name} är en mapp; ange ett filnamn att skriva till."
    if code is None:
        return f"{name} kunde inte skrivas: kontrollen av den nya filen misslyckades; den tidigare filen är orörd."
    return f"{name} kunde inte skrivas (felkod {code} från filsystemet); den tidigare filen är orörd."


def pid_alive(pid: int) -> bool:
    """Whether process `pid` is running on this machine."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        return _pid_alive_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def _pid_alive_windows(pid: int) -> bool:
    # -- os.kill(pid, 0) would terminate the process on Windows; ask the kernel instead --
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    process_query_limited_information, still_active = 0x1000, 259
    handle = kernel32.OpenProcess(process_query_limited_information, False, pid)
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == still_active
    finally:
        kernel32.CloseHandle(handle)


def _lock_text() -> str:
    return f"{os.getpid()}\n{socket.gethostname()}\n"


def _holder(lock: Path) -> tuple[int, str] | None:
    """(pid, host) written in `lock`, or None when the file is unreadable or half-written."""
    try:
        lines = lock.read_text(encoding="utf-8").splitlines()
        return int(lines[0]), (lines[1] if len(lines) > 1 else socket.gethostname())
    except (OSError, ValueError, IndexError):
        return None


@contextlib.contextmanager
def workbook_lock(path: Path | str) -> Iterator[Path]:
    """Hold xlpy's lock on the workbook `path` for the duration of the block; yields the lock file path.

    The lock is `.<name>.xlpy-lock`, created exclusively, holding our pid and host name. A lock left by a
    process that has died on this machine is taken over; a live one (or one from another machine, whose
    process we cannot check) raises WorkbookError.
    """
    path = Path(path)
    lock = lock_path(path)
    for attempt in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = _holder(lock)
            stale = holder is not None and holder[1] == socket.gethostname() and not pid_alive(holder[0])
            if attempt == 0 and stale:
                # -- re-read just before removing, so a lock another run took over meanwhile is not removed;
                #    a tiny window remains, acceptable for a tool run by hand --
                if _holder(lock) == holder:
                    with contextlib.suppress(FileNotFoundError):
                        lock.unlink()
                continue
            raise WorkbookError(
                f"En annan körning av verktyget arbetar redan med {path.name}: vänta tills den är klar "
                f"(om ingen körning pågår kan du ta bort filen {lock.name})."
            ) from None
        except PermissionError:
            raise WorkbookError(f"Mappen där {path.name} ligger går inte att skriva i.") from None
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(_lock_text())
        break
    remove_stale_temps(path)
    try:
        yield lock
    finally:
        # -- remove only our own lock, never one another run took over after ours was judged stale --
        if _holder(lock) == (os.getpid(), socket.gethostname()):
            with contextlib.suppress(FileNotFoundError):
                lock.unlink()


def remove_stale_temps(path: Path) -> list[Path]:
    """Delete `.<name>.xlpy-tmp-*` files beside `path` left by a run that was killed mid-save.

    Only called while holding the workbook's lock: every writer holds it while its temporary file exists,
    so any temporary file seen then belongs to a run that is gone. Returns the files removed.
    """
    removed = []
    for tmp in path.parent.glob(f".{glob.escape(path.name)}{TEMP_INFIX}*"):
        with contextlib.suppress(OSError):
            tmp.unlink()
            removed.append(tmp)
    return removed


def temp_path(path: Path) -> Path:
    """A fresh temporary name beside `path`: `.<name>.xlpy-tmp-<random>` (same folder, so os.replace is atomic)."""
    return path.with_name(f".{path.name}{TEMP_INFIX}{secrets.token_hex(6)}")


def atomic_write(path: Path, write: Callable[[Path], object], verify: Callable[[Path], None],
                 mode_from: Path | None = None) -> None:
    """Create `path` (or replace it) only once a complete, verified new version exists.

    write(tmp) fills the temporary file; verify(tmp) raises if it is not right. The temporary file is
    flushed to disk before it replaces `path`, and removed on any failure, leaving `path` as it was.
    A symbolic link at `path` is itself replaced, never written through.
    mode_from: a file whose permission bits the result gets (the original workbook), None for defaults.
    An OSError (disk full, no permission) becomes WorkbookError with a Swedish sentence.
    """
    try:
        _atomic_write(path, write, verify, mode_from)
    except OSError as exc:
        raise WorkbookError(os_error_sentence(exc, path.name)) from exc


def _atomic_write(path: Path, write: Callable[[Path], object], verify: Callable[[Path], None],
                  mode_from: Path | None) -> None:
    tmp = temp_path(path)
    try:
        write(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        if mode_from is not None:
            os.chmod(tmp, stat.S_IMODE(mode_from.stat().st_mode))
        verify(tmp)
        try:
            os.replace(tmp, path)
        except PermissionError:
            raise WorkbookError(
                f"{path.name} kunde inte ersättas: filen används av ett annat program. Stäng den och försök igen."
            ) from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    # -- makes the rename itself durable on POSIX; Windows cannot open a directory for fsync --
    if sys.platform == "win32":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
