"""One error hierarchy: every user-facing failure has a code, a place and a remedy.

Codes by family:
  RC1xx  input (the draft or customer message)
  RC2xx  rule files and rule packs
  RC3xx  configuration
  RC4xx, RC5xx  the HTTP service (mirroring HTTP status codes)
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "InputError",
    "ReplycoachError",
    "RuleError",
]


class ReplycoachError(Exception):
    """Base class; `str(err)` is one line: code, place, what is wrong, what to do."""

    code = "RC000"

    def __init__(self, message: str, *, code: str | None = None, place: str | None = None,
                 remedy: str | None = None) -> None:
        self.code = code or self.code
        self.message = message
        self.place = place
        self.remedy = remedy
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f" {self.place}:" if self.place else ""
        remedy = f"; {self.remedy}" if self.remedy else ""
        return f"{self.code}{where} {self.message}{remedy}"

    def to_dict(self) -> dict[str, str | None]:
        """The JSON form used by batch results and the HTTP service."""
        return {"code": self.code, "message": str(self)}


class InputError(ReplycoachError):
    """The draft or customer message cannot be checked as given."""

    code = "RC100"


class RuleError(ReplycoachError):
    """A rule file or pack is broken; `place` is `path:line`."""

    code = "RC200"


class ConfigError(ReplycoachError):
    """A configuration file or option is wrong."""

    code = "RC300"


# The catalogue: code -> what it means. Kept here so docs and tests have one list.
CODES: dict[str, str] = {
    "RC101": "the draft is empty: only whitespace, or no words (only emoji, punctuation or invisible characters)",
    "RC102": "the input is binary, not text",
    "RC103": "the input is not valid text in the expected encoding",
    "RC104": "the input is larger than the configured limit",
    "RC105": "the text does not look like English",
    "RC106": "the input file cannot be read",
    "RC107": "a batch input's format cannot be told or read",
    "RC110": "a batch record cannot be read (bad JSON, no text, bad turns)",
    "RC111": "--resume was pointed at an output that does not belong to this input",
    "RC112": "a batch worker process was lost (killed, out of memory); the run stopped, --resume carries on",
    "RC113": "a batch output cannot be written: no room (disk, quota or file-size limit full)",
    "RC114": "a batch output cannot be written: read-only, no permission or no such folder",
    "RC201": "a rule file names an unknown kind",
    "RC202": "a rule file has an unknown, missing or wrongly typed field",
    "RC203": "a rule file is not valid YAML",
    "RC204": "a rule's pattern is unsafe or invalid",
    "RC205": "a rule pack path does not exist or holds no rules",
    "RC206": "a rule id is unknown",
    "RC207": "two rules share one id",
    "RC208": "a rule kind plugin failed to load",
    "RC209": "a model rule's weights file is missing, broken or does not match its rule",
    "RC210": "a rule file is too large: over 1 MiB, or over 100,000 YAML values with aliases expanded",
    "RC211": "a rule file repeats a key in one mapping",
    "RC212": "a rule file is not a regular file: a symlink that loops, a device, a pipe",
    "RC213": "a rule file's or pack's phrases expand to too many variants (10,000 per file, 25,000 per pack)",
    "RC214": "a fix template uses a placeholder it cannot fill",
    "RC301": "a configuration file is invalid",
    "RC302": "an unknown channel was named",
    "RC303": "a command-line option is out of range or malformed",
    "RC304": "an optional part is not installed: an extra (service, train, batch) or a named spaCy pipeline",
    "RC312": "training data has too few examples of a label",
    "RC400": "service: the request body cannot be parsed (invalid UTF-8, nested too deeply, a number too long)",
    "RC401": "service: the API key is missing or wrong",
    "RC413": "service: the request body is too large",
    "RC422": "service: the request is not valid JSON of the right shape",
    "RC500": "service: an internal error (details in the server log)",
    "RC503": "service: every check process stayed busy for the whole time budget (--timeout)",
    "RC504": "service: a check, rewrite or render took longer than the time budget (--timeout) and was stopped",
}
