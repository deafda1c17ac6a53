"""Errors raised by ingest. Messages say what is wrong and what to do next; the CLI prints no traceback."""


class IngestError(Exception):
    """Base class: something in the input or the ingest settings stops the run."""


class InputFileError(IngestError):
    """A whole input file cannot be read (empty, binary, wrong delimiter, truncated …). Nothing was loaded."""
