"""The command's output: one line per piece of the demo, saying what a run added."""

from collections.abc import Callable


class Report:
    """Lines written through the command's ``stdout.write``, so ``call_command(stdout=...)``
    captures them like any command's output."""

    def __init__(self, write: Callable[[str], object]) -> None:
        self._write = write

    def piece(self, what: str, detail: str, created: bool | int) -> None:
        """``created``: True/False for one object, a count for several (0 reads "already
        there", as False does)."""
        if created is True:
            state = "created"
        elif created is False or created == 0:
            state = "already there"
        else:
            state = f"{created} created"
        self.line(what, f"{detail}: {state}")

    def line(self, what: str, text: str) -> None:
        self._write(f"  {what:<17} {text}")
