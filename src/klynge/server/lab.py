"""The research lab of ``klynge serve``: one JupyterLab per cluster, a child of the server, for its researchers.

A lab starts when a researcher of its cluster first needs it (:meth:`ResearchLabs.begin`), in the
background: JupyterLab takes 15 to 35 s to start, and the server answers meanwhile (the proxy shows a
page that says the lab is being prepared). One start runs per cluster at a time:

- the research tables are written afresh into ``KLYNGE_HOME/research/<cluster id>/`` (through
  :func:`klynge.research.export_research`, seen as that researcher, with a pseudonym key derived
  from the server secret, so pseudonyms stay the same from one start to the next), beside the
  example notebooks (:func:`klynge.lab.prepare_lab`, which never overwrites a researcher's edits);
- JupyterLab runs on a free port of loopback, under ``<base path>research/``, with a random token
  that only this server knows (in a config file outside the research folder, never on its
  command line), terminals off, no browser, and one kernel spec: Python behind the guard of
  :mod:`klynge.research_kernel`, which reads only that research folder;
- its environment has none of Klynge's variables, no database URL, password, secret or token.

The server's proxy (:mod:`klynge.server.proxy`) is the only way in. Every lab stops with the server.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..settings import Settings
from ..store import Identity

__all__ = ["KERNEL_NAME", "Lab", "LabUnavailable", "ResearchLabs", "kernel_spec", "lab_environment"]

log = logging.getLogger(__name__)

#: The lab's one kernel spec. It takes the name notebooks ask for (``python3``), so every notebook
#: opens in it, and no other Python can be chosen.
KERNEL_NAME = "python3"
# How long a starting lab may take to answer, in seconds.
START_SECONDS = 90
# How long a lab that could not start is not tried again, in seconds.
RETRY_SECONDS = 60
# Variables the lab and its kernels never get: Klynge's own, databases', and anything secret.
_WITHHELD = ("KLYNGE_", "PG", "JUPYTER_", "VOILA_", "HTTP_COOKIE")
_WITHHELD_WORDS = ("DATABASE", "PASSWORD", "SECRET", "TOKEN")


class LabUnavailable(Exception):
    """No lab for this cluster: ``reason`` is ``missing`` (no JupyterLab), ``nothing`` (too small) or ``failed``."""

    def __init__(self, reason: str, detail: str = ""):
        self.reason = reason
        super().__init__(f"the research lab is unavailable: {reason}{f' ({detail})' if detail else ''}")


@dataclass
class Lab:
    """One running lab: where it listens, its token and its process."""

    cluster_id: int
    folder: Path
    port: int
    token: str
    process: subprocess.Popen
    started: float = field(default_factory=time.monotonic)
    #: Whether JupyterLab has answered: until then the proxy sends nothing on to it.
    ready: bool = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self, wait: float = 10.0) -> None:
        """Stop JupyterLab (it shuts its kernels down on the way)."""
        if not self.running():
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=wait)


def lab_environment(environ: dict[str, str] | None = None, **extra: str) -> dict[str, str]:
    """The server's environment without Klynge's variables, database addresses, passwords, secrets or tokens."""
    environ = dict(os.environ if environ is None else environ)
    kept = {k: v for k, v in environ.items()
            if not k.upper().startswith(_WITHHELD) and not any(w in k.upper() for w in _WITHHELD_WORDS)}
    return {**kept, **extra}


def kernel_spec(tables: Path, scratch: Path) -> dict:
    """The lab's kernel spec: this Python, behind :mod:`klynge.research_kernel`'s guard."""
    return {"argv": [sys.executable, "-m", "klynge.research_kernel", "--tables", str(tables), "--scratch",
                     str(scratch), "-f", "{connection_file}"],
            "display_name": "Python 3 (research tables)", "language": "python",
            "metadata": {"debugger": False}}


def run_lab(server_pid: int) -> None:
    """JupyterLab, in the lab's process; on Linux it is sent SIGTERM when the server dies, however it dies."""
    if sys.platform == "linux":
        import ctypes
        import signal

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    if os.getppid() != server_pid:  # the server died before that was set
        sys.exit(1)
    from jupyterlab.labapp import main

    main(argv=[])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ResearchLabs:
    """The server's labs, one per cluster, started on demand and stopped with the server.

    Parameters
    ----------
    settings
        The server's settings (home folder, database, secret).
    base_path
        The server's base path; the labs live under ``<base_path>research/``.
    k
        The least number of organisations in a published cell of the research tables.
    """

    def __init__(self, settings: Settings, base_path: str = "/", *, k: int = 3):
        self.settings = settings
        self.base_path = base_path.rstrip("/") + "/research/"
        self.k = k
        self._labs: dict[int, Lab] = {}
        self._starts: dict[int, asyncio.Task] = {}
        self._refused: dict[int, tuple[float, LabUnavailable]] = {}

    @cached_property
    def store(self):
        from ..store import open_store

        return open_store(self.settings.db, create=False)

    def folder(self, cluster_id: int) -> Path:
        """The research folder of a cluster: the tables and notebooks its researchers see."""
        return self.settings.home_path / "research" / str(int(cluster_id))

    def state(self, cluster_id: int) -> Path:
        """The lab's own folder (config, runtime files, log, the kernels' scratch), outside the research folder."""
        return self.settings.home_path / "research" / ".lab" / str(int(cluster_id))

    def running(self, cluster_id: int | None) -> Lab | None:
        """The cluster's lab when it runs and has answered, else None."""
        lab = self._labs.get(cluster_id) if cluster_id is not None else None
        return lab if lab is not None and lab.ready and lab.running() else None

    def starting(self, cluster_id: int | None) -> bool:
        """Whether the cluster's lab is being started now."""
        task = self._starts.get(cluster_id) if cluster_id is not None else None
        return task is not None and not task.done()

    def begin(self, identity: Identity) -> Lab | None:
        """The lab of ``identity``'s cluster when it runs; else None, and it is being started in the background.

        It never waits: a first call starts the lab (as a task of the running event loop), and the
        calls that follow, however many at once, see that start and start nothing more.

        Raises
        ------
        LabUnavailable
            When JupyterLab is not installed, or the cluster's last start failed less than
            :data:`RETRY_SECONDS` ago (the cluster is too small to publish anything, or the lab did
            not start).
        """
        from ..lab import jupyterlab_installed

        cluster_id = identity.cluster_id
        if cluster_id is None:
            raise LabUnavailable("failed", "no cluster")
        lab = self.running(cluster_id)
        if lab is not None:
            return lab
        if self.starting(cluster_id):
            return None
        if not jupyterlab_installed():
            raise LabUnavailable("missing")
        refused = self._refused.get(cluster_id)
        if refused is not None and time.monotonic() - refused[0] < RETRY_SECONDS:
            raise refused[1]
        # Nothing is awaited between the check above and this line, so no second start slips in.
        self._starts[cluster_id] = asyncio.get_running_loop().create_task(self._start_lab(identity))
        return None

    async def ensure(self, identity: Identity) -> Lab:
        """The lab of ``identity``'s cluster, started first and waited for when it does not run.

        Raises
        ------
        LabUnavailable
            As :meth:`begin`, or when the start this call waited for failed.
        """
        lab = self.begin(identity)
        if lab is not None:
            return lab
        await asyncio.shield(self._starts[identity.cluster_id])
        lab = self.running(identity.cluster_id)
        if lab is None:
            raise self._refused[identity.cluster_id][1]
        return lab

    async def _start_lab(self, identity: Identity) -> None:
        """Start the cluster's lab and wait until it answers; a failure is remembered, never raised."""
        cluster_id = identity.cluster_id
        lab = None
        try:
            # JupyterLab takes seconds to start: it starts first, and the tables are written meanwhile.
            lab = self._start(cluster_id)
            self._labs[cluster_id] = lab
            await asyncio.get_running_loop().run_in_executor(None, self._prepare, identity)
            log.info("the research tables of cluster %s are written (%.1f s)", cluster_id,
                     time.monotonic() - lab.started)
            await self._wait_ready(lab)
        except LabUnavailable as gone:
            self._failed(cluster_id, lab, gone)
            log.warning("%s", gone)
            return
        except Exception as exc:
            # Said once here, with its traceback; the researcher sees a plain page, never this.
            log.exception("the research lab of cluster %s did not start", cluster_id)
            self._failed(cluster_id, lab, LabUnavailable("failed", type(exc).__name__))
            return
        except BaseException:  # the server stops
            if lab is not None:
                lab.stop()
            raise
        lab.ready = True
        self._refused.pop(cluster_id, None)
        log.info("the research lab of cluster %s runs (%.1f s)", cluster_id, time.monotonic() - lab.started)

    def _failed(self, cluster_id: int, lab: Lab | None, gone: LabUnavailable) -> None:
        if lab is not None:
            lab.stop()
        # Not again at every reload: a small cluster stays small for a while, a failing lab fails.
        self._refused[cluster_id] = (time.monotonic(), gone)

    def _prepare(self, identity: Identity) -> None:
        """Write the research tables afresh and copy in the example notebooks the folder lacks."""
        from ..errors import NothingToPublish
        from ..lab import prepare_lab
        from ..research import export_research

        folder = self.folder(identity.cluster_id)
        key = hmac.new(self.settings.server_secret(), f"research lab {identity.cluster_id}".encode(),
                       hashlib.sha256).hexdigest()
        try:
            export_research(self.store, folder, identity, key=key, k=self.k)
        except NothingToPublish as exc:
            raise LabUnavailable("nothing", str(exc)) from None
        self.store.record_audit(identity, "export_research", cluster_id=identity.cluster_id, subject_kind="file",
                                subject_id="research lab")
        prepare_lab(folder)

    def _start(self, cluster_id: int) -> Lab:
        folder, state = self.folder(cluster_id), self.state(cluster_id)
        scratch = state / "scratch"
        folder.mkdir(parents=True, exist_ok=True)
        for sub in ("config", "data/kernels", "runtime", "scratch"):
            (state / sub).mkdir(parents=True, exist_ok=True)
        spec = state / "data" / "kernels" / KERNEL_NAME
        shutil.rmtree(spec, ignore_errors=True)
        spec.mkdir()
        (spec / "kernel.json").write_text(json.dumps(kernel_spec(folder, scratch), indent=1), encoding="utf-8")
        token, port = secrets.token_urlsafe(32), _free_port()
        config = {
            "IdentityProvider": {"token": token},
            "ServerApp": {"ip": "127.0.0.1", "port": port, "port_retries": 0, "base_url": self.base_path,
                          "root_dir": str(folder), "open_browser": False, "terminals_enabled": False,
                          "allow_root": hasattr(os, "geteuid") and os.geteuid() == 0,
                          # Only this server's proxy talks to the lab; it checks the browser's origin itself.
                          "allow_remote_access": False,
                          # Nothing that runs programs outside the guarded kernels: no language servers,
                          # no Voila inside the lab.
                          "jpserver_extensions": {"jupyter_lsp": False, "voila.server_extension": False,
                                                  "jupyter_server_terminals": False}},
            "KernelSpecManager": {"ensure_native_kernel": False, "allowed_kernelspecs": [KERNEL_NAME]},
            "MappingKernelManager": {"default_kernel_name": KERNEL_NAME, "cull_idle_timeout": 3600,
                                     "cull_interval": 300},
            "ContentsManager": {"allow_hidden": False},
            # The extension manager would install packages from the lab's page: read-only.
            "LabApp": {"expose_app_in_browser": True, "extension_manager": "readonly", "news_url": None,
                       "check_for_updates_class": "jupyterlab.handlers.announcements.NeverCheckForUpdate"},
        }
        config_dir = state / "config"
        # No "notify me of Jupyter news?" prompt: the lab is for the research, and it reaches no news anyway.
        (config_dir / "labconfig").mkdir(exist_ok=True)
        (config_dir / "labconfig" / "page_config.json").write_text(json.dumps(
            {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}), encoding="utf-8")
        path = config_dir / "jupyter_server_config.json"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(config, out, indent=1)
        # JUPYTER_PATH comes first on Jupyter's search path (in a virtual environment the environment's
        # own folder, with ipykernel's plain python3 spec, comes before JUPYTER_DATA_DIR).
        env = lab_environment(JUPYTER_CONFIG_DIR=str(config_dir), JUPYTER_DATA_DIR=str(state / "data"),
                              JUPYTER_PATH=str(state / "data"),
                              JUPYTER_RUNTIME_DIR=str(state / "runtime"), JUPYTER_PLATFORM_DIRS="1",
                              IPYTHONDIR=str(scratch / "ipython"), MPLCONFIGDIR=str(scratch / "matplotlib"))
        with (state / "lab.log").open("ab") as log:
            process = subprocess.Popen([sys.executable, "-m", "klynge.server.lab", str(os.getpid())], cwd=folder,
                                       env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        return Lab(cluster_id=cluster_id, folder=folder, port=port, token=token, process=process)

    async def _wait_ready(self, lab: Lab) -> None:
        from tornado.httpclient import AsyncHTTPClient, HTTPClientError

        client = AsyncHTTPClient()
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if not lab.running():
                raise LabUnavailable("failed", f"JupyterLab stopped; see {self.state(lab.cluster_id) / 'lab.log'}")
            try:
                await client.fetch(f"{lab.url}{self.base_path}api/status", request_timeout=5,
                                   headers={"Authorization": f"token {lab.token}"})
                return
            except (HTTPClientError, OSError):
                await asyncio.sleep(0.3)
        raise LabUnavailable("failed", f"JupyterLab did not answer in {START_SECONDS} s")

    def stop_all(self) -> None:
        """Stop every lab (and so their kernels), those still starting too."""
        for task in list(self._starts.values()):
            task.cancel()
        for lab in list(self._labs.values()):
            lab.stop()
        self._labs.clear()


if __name__ == "__main__":
    run_lab(int(sys.argv[1]))
