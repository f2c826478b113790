"""``python -m klynge`` runs the ``klynge`` command."""

from .cli import main

main()
