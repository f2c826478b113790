"""The research lab's Python kernel: ipykernel behind an audit hook that keeps it to the research tables.

``python -m klynge.research_kernel --tables DIR --scratch DIR -f CONNECTION_FILE`` installs a
:func:`sys.addaudithook` guard and only then starts ipykernel. The lab that ``klynge serve`` runs
for researchers (:mod:`klynge.server.lab`) starts every kernel this way: it is the one kernel
spec that lab offers.

What the guard refuses, with a :class:`PermissionError` that says "this kernel reads only the
research tables":

- opening a file (``open``, ``io.open_code``, ``os.open`` and what is built on them: pandas'
  CSV reader, numpy, matplotlib, pickle, ...) anywhere but the research folder, the kernel's
  scratch folder (its temporary files and caches) and Python's own installation (the standard
  library and site-packages) with Klynge's package and resource folders; in those last ones
  read-only. Paths are resolved first, so a symbolic link or ``..`` does not lead out;
- making, removing, renaming or changing files and folders outside the research and scratch folders;
- an ``sqlite3`` connection to anything but a file in the research folder or scratch folder, or
  an in-memory database; attaching another database file to a connection; loading an SQLite
  extension;
- starting a program: ``subprocess``, ``os.system``, ``os.exec*``, ``os.spawn*``,
  ``os.posix_spawn``, ``os.fork`` and ``pty``;
- ``ctypes``: loading a library, calling a foreign function, reading memory by address.

The kernel's environment holds no Klynge settings, no server secret and no database URL (the
lab is started without them), so :func:`klynge.operations.store_for` or the apps' session find
no database to open, and the file or connection they would try is refused.

What it does not do: an audit hook is not an operating-system sandbox. Code that reads files
in compiled code without telling Python (pyarrow's own file system, for one), a clever use of
the interpreter's internals, or a bug in the hook's bookkeeping can get past it; an SQLite
connection made without ``sqlite3.connect`` (``sqlite3.Connection`` itself), or one whose
authorizer the researcher replaced, can attach another database; listing a folder and a file's
size and times are not refused; network connections are not refused. It
keeps honest mistakes and casual curiosity away from the members' data; it does not stand
against a determined researcher who may run any code. On SQLite the kernel runs as the user
that reads the database file. A cluster that needs more runs Klynge on PostgreSQL, with
``klynge serve`` as an operating-system user that cannot read the database's files: the lab and
its kernels never learn the database's address or password.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

__all__ = ["REFUSAL", "Guard", "install", "main"]

#: What every refusal says first.
REFUSAL = "this kernel reads only the research tables"

# Events that start another program (any of them could read what this process may not).
_PROGRAMS = ("subprocess.Popen", "os.system", "os.exec", "os.spawn", "os.posix_spawn", "os.fork", "os.forkpty",
             "pty.spawn", "os.startfile")
# Events that change the file system, and which of their arguments name what they change.
_CHANGES = {"os.remove": (0,), "os.rmdir": (0,), "os.mkdir": (0,), "os.rename": (0, 1), "os.link": (1,),
            "os.symlink": (1,), "os.truncate": (0,), "os.chmod": (0,), "os.chown": (0,), "os.utime": (0,)}
_SQLITE_EXTENSIONS = ("sqlite3.enable_load_extension", "sqlite3.load_extension")
# SQLite's authorizer action code for ATTACH (sqlite3.SQLITE_ATTACH) and its "deny" answer.
_SQLITE_ATTACH, _SQLITE_DENY = 24, 1
_MEMORY = ("", ":memory:")
# A process's state line (ipykernel finds its children from them at shutdown); nothing else of /proc.
_PROCESS_STAT = re.compile(r"/proc/\d+/stat")


def _real(path) -> str:
    return os.path.realpath(os.fsdecode(path))


def _within(path: str, folders: tuple[str, ...]) -> bool:
    return any(path == folder or path.startswith(folder.rstrip(os.sep) + os.sep) for folder in folders)


def python_folders() -> list[str]:
    """Python's standard library and every site-packages folder of this interpreter."""
    import site
    import sysconfig

    folders = set()
    for scheme_paths in (sysconfig.get_paths(), sysconfig.get_paths(vars={"base": sys.base_prefix,
                                                                         "platbase": sys.base_exec_prefix})):
        folders.update(scheme_paths[name] for name in ("stdlib", "platstdlib", "purelib", "platlib"))
    folders.update(site.getsitepackages())
    import zoneinfo

    folders.update(zoneinfo.TZPATH)  # time zones, which pandas and zoneinfo read
    if site.ENABLE_USER_SITE:
        folders.add(site.getusersitepackages())
    return sorted(folders)


def klynge_folders() -> list[str]:
    """Klynge's package and its resource folders (canvases, data, ...), never the checkout around them."""
    from . import resources

    return [str(Path(__file__).resolve().parent), *(str(resources.path(name)) for name in resources.FOLDERS)]


class Guard:
    """The audit hook: which files this kernel may open, and for what.

    Parameters
    ----------
    tables
        The research folder: read and written.
    scratch
        The kernel's own folder for temporary files and caches: read and written.
    readable
        Folders that are only read (Python's installation, Klynge's package and resources).
    files
        Single files that may be read (the kernel's connection file).
    """

    def __init__(self, tables: Path | str, scratch: Path | str, readable=(), files=()):
        self.writable = tuple(_real(p) for p in (tables, scratch))
        self.readable = self.writable + tuple(_real(p) for p in readable if _real(p) != os.sep)
        self.files = frozenset(_real(p) for p in (*files, os.devnull))
        self.tables = self.writable[0]

    def refuse(self, what: str) -> PermissionError:
        return PermissionError(f"{REFUSAL} (in {self.tables}): {what} is refused")

    def may_open(self, path, mode: str | None, flags: int) -> bool:
        """Whether a file may be opened with this ``mode`` (``open``) or these ``flags`` (``os.open``)."""
        if isinstance(path, int):  # a descriptor this process holds already
            return True
        real = _real(path)
        if mode is not None:
            writes = any(c in mode for c in "wax+")
        else:
            writes = bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND))
        if writes:
            return _within(real, self.writable)
        return real in self.files or _within(real, self.readable) or _PROCESS_STAT.fullmatch(real) is not None

    def may_connect(self, database) -> bool:
        """Whether ``sqlite3.connect(database)`` may open it: in-memory, or a file of the writable folders."""
        name = os.fsdecode(database) if isinstance(database, bytes | os.PathLike) else str(database)
        if name in _MEMORY:
            return True
        if name.startswith("file:"):  # a URI (uri=True): its path, without the query
            name = name[5:].split("?", 1)[0].split("#", 1)[0]
            if name.startswith("//"):
                name = "/" + name[2:].partition("/")[2]
            if name in _MEMORY or name.startswith(":memory:"):
                return True
        return _within(_real(name), self.writable)

    def __call__(self, event: str, args: tuple) -> None:
        if event == "open":
            path, mode, flags = args
            if path is not None and not self.may_open(path, mode, flags or 0):
                raise self.refuse(f"opening {os.fsdecode(path) if not isinstance(path, int) else path}")
        elif event in _CHANGES:
            for index in _CHANGES[event]:
                path = args[index]
                if not isinstance(path, int) and not _within(_real(path), self.writable):
                    raise self.refuse(f"changing {os.fsdecode(path)}")
        elif event == "sqlite3.connect":
            if not self.may_connect(args[0]):
                raise self.refuse(f"an SQLite connection to {args[0]}")
        elif event in _SQLITE_EXTENSIONS:
            raise self.refuse("loading an SQLite extension")
        elif event.startswith(_PROGRAMS):
            raise self.refuse("starting another program")
        elif event.startswith("ctypes."):
            raise self.refuse("ctypes")


def _no_attach(action, *args) -> int:
    return _SQLITE_DENY if action == _SQLITE_ATTACH else 0


def _refuse_attach() -> None:
    """Every connection ``sqlite3.connect`` makes refuses ATTACH, which would open another database file.

    The audit event of a new connection comes before the connection can be changed, so
    ``sqlite3.connect`` itself is wrapped.
    """
    import sqlite3

    made = sqlite3.connect

    def connect(*args, **kwargs):
        connection = made(*args, **kwargs)
        connection.set_authorizer(_no_attach)
        return connection

    connect.__doc__ = made.__doc__
    sqlite3.connect = sqlite3.dbapi2.connect = connect


def install(tables: Path | str, scratch: Path | str, connection_file: str | None = None) -> Guard:
    """Point temporary files and caches at ``scratch``, load what must load first, then add the guard.

    Once added, an audit hook stays for the life of the process.
    """
    scratch = Path(scratch)
    for name, sub in (("TMPDIR", "tmp"), ("MPLCONFIGDIR", "matplotlib"), ("IPYTHONDIR", "ipython"),
                      ("XDG_CACHE_HOME", "cache"), ("JUPYTER_CONFIG_DIR", "jupyter")):
        folder = scratch / sub
        folder.mkdir(parents=True, exist_ok=True)
        os.environ[name] = str(folder)
    import tempfile

    tempfile.tempdir = os.environ["TMPDIR"]
    # ctypes loads Python's own symbols when it is imported (numpy and others import it): that
    # happens now, before loading libraries is refused.
    import ctypes  # noqa: F401

    _refuse_attach()
    guard = Guard(tables, scratch, readable=[*python_folders(), *klynge_folders()],
                  files=[connection_file] if connection_file else [])
    # subprocess starts programs through _posixsubprocess.fork_exec, which raises no audit event
    # itself: called directly it would pass the guard.
    try:
        import _posixsubprocess
    except ImportError:  # not on Windows
        pass
    else:
        def fork_exec(*args, **kwargs):
            raise guard.refuse("starting another program")

        _posixsubprocess.fork_exec = fork_exec
    sys.addaudithook(guard)
    return guard


def main(argv: list[str] | None = None) -> None:
    """Start ipykernel behind the guard; arguments other than ``--tables`` and ``--scratch`` go to ipykernel."""
    parser = argparse.ArgumentParser(prog="python -m klynge.research_kernel", description=__doc__.splitlines()[0])
    parser.add_argument("--tables", required=True, help="the research folder the kernel reads and writes")
    parser.add_argument("--scratch", required=True, help="the kernel's folder for temporary files and caches")
    parser.add_argument("-f", dest="connection_file", help="the kernel's connection file (from Jupyter)")
    args, rest = parser.parse_known_args(argv)
    install(args.tables, args.scratch, args.connection_file)
    from ipykernel.kernelapp import IPKernelApp

    # The history database would be an SQLite file outside the research folder: kept in memory.
    kernel_args = [*(["-f", args.connection_file] if args.connection_file else []), "--HistoryManager.enabled=False",
                   *rest]
    IPKernelApp.launch_instance(argv=kernel_args)


if __name__ == "__main__":
    main()
