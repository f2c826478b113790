"""Write one benchmark's section into bench/README.md, leaving the other sections as they are."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parent / "README.md"


def write_section(heading: str, text: str, readme: Path = README) -> None:
    """Replace the section that starts with ``heading`` (e.g. ``"## Batch"``) by ``text``, or add it at the end."""
    old = readme.read_text(encoding="utf-8") if readme.exists() else "# Benchmarks\n"
    start = old.find(heading)
    if start == -1:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        end = old.find("\n## ", start + 1)
        new = old[:start] + text.rstrip("\n") + "\n" + (old[end:] if end != -1 else "")
    readme.write_text(new.rstrip("\n") + "\n", encoding="utf-8")


def publish(heading: str, intro: str, lines: list[str], readme: bool) -> None:
    """Print a benchmark's result lines; with ``readme``, write ``intro`` and them as its section."""
    print("\n".join(lines))
    if readme:
        write_section(heading, intro + "\n".join(lines) + "\n")
