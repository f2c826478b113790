"""Personal data rights beyond the database: an erasure reaches the batch outputs too.

The batch's outputs (see :mod:`klynge.batch.runner`) are made from what members share: a
member's analysis and report, the cluster's picture, failed notebooks. None names a person,
but each may quote a canvas note or an SDG text a person wrote, which an erasure with
``remove_text`` takes out of the database. So an erasure removes the outputs of the person's
organisation, the cluster's picture and the failed notebooks, while it holds the outputs folder
as a batch does (refused while a batch writes there, so no run puts back what it read before);
the next ``klynge batch`` (with ``--resume``) makes them again from what is stored now.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .batch import layout
from .store import ErasureResult, Identity, Store

__all__ = ["erase", "forget_outputs"]


def forget_outputs(outputs: str | Path, organisation_id: int | None) -> list[Path]:
    """Remove the batch outputs that may quote what a member's person wrote; returns what was removed.

    The organisation's analysis and report, the cluster's picture and every failed notebook. The
    outputs index stays; its links to what was removed work again after the next batch.
    """
    outputs = Path(outputs)
    gone = []
    targets = [layout.cluster_dir(outputs), outputs / "failed"]
    if organisation_id is not None:
        targets.insert(0, outputs / "members" / str(organisation_id))
    for target in targets:
        if target.is_dir():
            shutil.rmtree(target)
            gone.append(target)
    return gone


def erase(store: Store, who: Identity, person_id: int, *, outputs: str | Path | None,
          remove_text: bool = False, last_facilitator: bool = False) -> ErasureResult:
    """Erase a person (:meth:`klynge.store.Store.erase_person`) and the batch outputs that may quote them.

    Raises
    ------
    klynge.errors.BatchError
        A batch is writing to the outputs now: nothing was erased; try again when it is done.
    """
    if outputs is None:
        return store.erase_person(who, person_id, remove_text=remove_text, last_facilitator=last_facilitator)
    with layout.batch_lock(Path(outputs)):
        result = store.erase_person(who, person_id, remove_text=remove_text, last_facilitator=last_facilitator)
        forget_outputs(outputs, result.organisation_id)
    return result
