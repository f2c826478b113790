"""The research lab's kernel, started through its launcher: it reads the research tables and nothing of the database."""

from __future__ import annotations

import os

import pytest

from klynge.research import export_research
from klynge.research_kernel import REFUSAL, Guard
from klynge.server.lab import kernel_spec, lab_environment

from .batch.conftest import add_member_data


@pytest.fixture
def kernel(store, system, cluster, tmp_path):
    """A kernel of the research lab on a research folder beside the database file (as in KLYNGE_HOME)."""
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpec

    for n, oid in enumerate(cluster["orgs"].values()):
        add_member_data(store, system, oid, "5021", n)
    tables = tmp_path / "research" / "1"
    export_research(store, tables, system, key="k", k=1)
    (tmp_path / "research" / "1" / "mine.db").touch()
    manager = KernelManager()
    manager._kernel_spec = KernelSpec(**kernel_spec(tables, tmp_path / "scratch"))
    manager.start_kernel(cwd=str(tables), env=lab_environment())
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=120)

        def run(code: str) -> tuple[str, dict | None]:
            """What the code printed, and its error (ename, evalue) or None."""
            said, error = [], None

            def hear(message):
                nonlocal error
                if message["msg_type"] == "stream":
                    said.append(message["content"]["text"])
                elif message["msg_type"] == "error":
                    error = message["content"]

            client.execute_interactive(code, output_hook=hear, timeout=120)
            return "".join(said), error

        yield run, tmp_path / "klynge.db"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def _refused(error) -> bool:
    return error is not None and error["ename"] == "PermissionError" and REFUSAL in error["evalue"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_kernel_reads_the_research_tables_and_refuses_the_database(kernel):
    run, database = kernel
    said, error = run("from klynge.research import load_research\n"
                      "tables = load_research('.')\n"
                      "print(len(tables['organisations']), sorted(tables))")
    assert error is None and said.startswith("3 ")
    for code in (f"open({str(database)!r}, 'rb').read(16)",
                 f"import sqlite3; sqlite3.connect({str(database)!r})",
                 f"import sqlite3; sqlite3.connect('file:{database}?mode=ro', uri=True)",
                 "open('../../klynge.db', 'rb')",
                 "import os; os.symlink('../../klynge.db', 'link.db'); open('link.db', 'rb')",
                 "import os; os.remove('../../klynge.db')",
                 "from klynge import operations as ops\n"
                 "from klynge.settings import load_settings\n"
                 "ops.store_for(load_settings({'KLYNGE_HOME': '../..'}), create=False)",
                 "import subprocess; subprocess.run(['cat', '../../klynge.db'])",
                 "import os; os.system('cat ../../klynge.db')",
                 "import _posixsubprocess; _posixsubprocess.fork_exec()",
                 "import ctypes; ctypes.CDLL(None)",
                 "open('/proc/self/environ').read()"):
        said, error = run(code)
        assert _refused(error), (code, error)
    assert database.exists()
    # A database of its own in the research folder is the researcher's to use, but it opens no other file.
    said, error = run("import sqlite3\nc = sqlite3.connect('mine.db')\nc.execute('create table t (x)')\n"
                      f"c.execute(\"attach database '{database}' as members\")")
    assert error is not None and error["evalue"] == "not authorized"
    said, error = run("import os; print(sorted(k for k in os.environ if k.startswith('KLYNGE_')))")
    assert error is None and said.strip() == "[]"


def test_the_guard_resolves_paths_before_it_decides(tmp_path):
    tables, scratch, python = tmp_path / "tables", tmp_path / "scratch", tmp_path / "python"
    for folder in (tables, scratch, python):
        folder.mkdir()
    guard = Guard(tables, scratch, readable=[python, "/"])
    assert guard.may_open(tables / "organisations.csv", "r", 0)
    assert guard.may_open(scratch / "x", "w", 0) and guard.may_open(python / "os.py", "r", 0)
    assert not guard.may_open(python / "os.py", "w", 0)
    assert not guard.may_open(tables / ".." / "klynge.db", "r", 0)
    assert not guard.may_open(str(tables) + "-other/x", "r", 0)  # a sibling whose name starts alike
    assert not guard.may_open("/etc/passwd", "r", 0)  # "/" is never taken as a readable folder
    assert not guard.may_open(tmp_path / "klynge.db", None, os.O_RDONLY)
    (tables / "link").symlink_to(tmp_path / "klynge.db")
    assert not guard.may_open(tables / "link", "r", 0)
    assert guard.may_connect(":memory:") and guard.may_connect("file::memory:?cache=shared")
    assert guard.may_connect(tables / "mine.db") and not guard.may_connect(tmp_path / "klynge.db")
    assert not guard.may_connect(f"file:{tmp_path / 'klynge.db'}?mode=ro")
