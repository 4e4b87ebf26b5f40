"""Reading the documents to tag: files, folders, stdin and JSONL records.

Everything here turns what a user points at into the inputs that
:func:`casey_nlp.classify_many` takes, and every problem into a one-line
message naming the file (and line) and what to do about it. Files are read
lazily, as ``classify_many`` reaches them, so a corpus of any size streams
through; a file that cannot be read becomes that document's ``error``.
"""

from __future__ import annotations

import codecs
import json
import os
from dataclasses import dataclass
from pathlib import Path

from ._data import DataError, json_limit_problem

# Suffixes a folder is searched for, compared case-insensitively (A.TXT too).
TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")

# Leading bytes of formats that are not text, and what to do instead. A PDF
# or a Word file decoded as Latin-1 would be tagged as garbage, so these are
# refused whatever --encoding says.
_SIGNATURES = (
    (b"%PDF-", "looks like a PDF; extract its text first (e.g. pdftotext FILE FILE.txt)"),
    (b"PK\x03\x04", "looks like a Word/zip file (.docx, .odt, .zip); save it as plain text first"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "looks like an old Word/Office file (.doc); save it as plain text first"),
    (b"{\\rtf", "looks like an RTF file; save it as plain text first"),
)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def check_encoding(encoding: str | None) -> str | None:
    """The codec name to decode input files with; None means UTF-8.

    Parameters
    ----------
    encoding : str or None
        A Python codec name such as ``"cp1252"`` or ``"latin-1"``.

    Returns
    -------
    str or None
        The normalised name (``"utf-8-sig"`` for any spelling of UTF-8, so
        that a byte-order mark is dropped), or None for None.

    Raises
    ------
    LookupError
        If Python knows no such codec.
    """
    if encoding is None:
        return None
    name = codecs.lookup(encoding).name
    return "utf-8-sig" if name in ("utf-8", "utf-8-sig") else name


def _is_utf(encoding: str | None) -> bool:
    return encoding is None or encoding.startswith("utf-8")


def decode_text(raw: bytes, source: str, encoding: str | None = None) -> str:
    """Decode a document's bytes, refusing what is not text with a message saying what it is.

    Parameters
    ----------
    raw : bytes
        The file's content.
    source : str
        Its name, for messages.
    encoding : str, optional
        A codec name (see :func:`check_encoding`); default UTF-8, with or
        without a byte-order mark.

    Returns
    -------
    str

    Raises
    ------
    DataError
        For a PDF, Word, zip, RTF or other binary file (NUL bytes), or bytes
        that are not valid in the encoding; the message names ``source`` and
        the fix (e.g. ``--encoding cp1252``).
    """
    encoding = check_encoding(encoding)
    for signature, advice in _SIGNATURES:
        if raw.startswith(signature):
            raise DataError(f"{source}: {advice}")
    wide = encoding is not None and encoding.startswith(("utf-16", "utf-32"))
    if _is_utf(encoding) and raw.startswith(_UTF16_BOMS):
        raise DataError(f"{source}: looks like UTF-16 text; re-save it as UTF-8 or pass --encoding utf-16")
    if not wide and b"\x00" in raw:
        raise DataError(
            f"{source}: looks like a binary file (NUL bytes), not text; give plain text files "
            "(UTF-16 text: pass --encoding utf-16)"
        )
    try:
        return raw.decode(encoding or "utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        if _is_utf(encoding):
            raise DataError(
                f"{source}: not UTF-8 text (line {line}, byte {error.start}); "
                "re-save it as UTF-8 or pass --encoding cp1252 (or its actual encoding)"
            ) from None
        raise DataError(
            f"{source}: not {encoding} text (line {line}, byte {error.start}); check --encoding"
        ) from None


def read_text(path, encoding: str | None = None) -> str:
    """Read one text document, with the messages of :func:`decode_text`.

    Parameters
    ----------
    path : str or Path
    encoding : str, optional

    Returns
    -------
    str

    Raises
    ------
    DataError
        If the file is missing, is a folder, cannot be read, or is not text.
    """
    name = os.fspath(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise DataError(f"{name}: file not found") from None
    except IsADirectoryError:
        raise DataError(f"{name}: is a folder; give a text file") from None
    except OSError as error:
        raise DataError(f"{name}: {error.strerror or error}") from None
    return decode_text(raw, name, encoding)


@dataclass(frozen=True)
class TextFile(os.PathLike):
    """A file for :func:`casey_nlp.classify_many` to read in a given encoding.

    A plain ``pathlib.Path`` is read as UTF-8; this carries another codec.
    It is picklable, so worker processes (``n_jobs``) read it themselves.
    """

    path: str
    encoding: str | None = None

    def __fspath__(self) -> str:
        return self.path


@dataclass(frozen=True)
class Unreadable:
    """An input that could not be read: ``classify_many`` yields it as a result with ``error``.

    Keeping failures in the input stream reports them in input order, next
    to the documents around them, and lets the run go on.
    """

    source: str
    error: str


def _read_document(item, position):
    """``(source, text, error)`` for one input of classify_many."""
    if isinstance(item, Unreadable):
        return item.source, None, item.error
    if isinstance(item, str):
        return str(position), item, None
    if isinstance(item, os.PathLike):
        try:
            return os.fspath(item), read_text(item, getattr(item, "encoding", None)), None
        except DataError as error:
            return os.fspath(item), None, str(error)
    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], str):
        return str(item[0]), item[1], None
    # One wrong item must not abort a long run midway: it becomes that item's
    # error, reported in order like an unreadable file.
    if isinstance(item, (bytes, bytearray)):
        return str(position), None, (
            f"input {position} is bytes; decode it first (data.decode('utf-8')) or pass the file's pathlib.Path"
        )
    return str(position), None, (
        f"input {position} is {type(item).__name__}; expected a str (a document's text), "
        "a pathlib.Path (a file to read) or an (id, text) tuple"
    )


def find_documents(folder, suffixes=TEXT_SUFFIXES) -> list[Path]:
    """The files below ``folder`` whose suffix is one of ``suffixes``, any case, sorted.

    Parameters
    ----------
    folder : str or Path
    suffixes : tuple of str, default ``(".txt",)``
        Lower-case suffixes; ``A.TXT`` matches ``.txt``.

    Returns
    -------
    list of Path
    """
    return sorted(p for p in Path(folder).rglob("*") if p.suffix.lower() in suffixes and p.is_file())


def _unpaired_surrogate(value: str) -> int | None:
    """Position of the first lone UTF-16 surrogate (from a ``\\ud800`` escape), else None."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        return error.start
    return None


def read_jsonl(lines, source: str, encoding: str | None = None):
    """Yield one input per JSONL record: ``(id, text)``, or :class:`Unreadable` for a bad line.

    Parameters
    ----------
    lines : iterable of bytes or str
        The lines of the file or stream, read lazily so that a large stream
        is never held in memory.
    source : str
        The file's name (``"<stdin>"``), for messages.
    encoding : str, optional
        Codec for byte lines; default UTF-8 (a byte-order mark is dropped).

    Yields
    ------
    tuple of (str, str) or Unreadable
        A bad line (not JSON, not an object with ``id`` and a string
        ``text``, undecodable, or holding an unpaired surrogate escape such
        as ``\\ud800`` that no output could encode) is reported as
        ``"SOURCE, line N: ..."`` and the records after it are still read.
        Blank lines are skipped.
    """
    encoding = check_encoding(encoding) or "utf-8-sig"
    for number, line in enumerate(lines, start=1):
        where = f"{source}, line {number}"
        if isinstance(line, bytes):
            try:
                line = line.decode(encoding if number == 1 else encoding.replace("-sig", ""))
            except UnicodeDecodeError as error:
                yield Unreadable(where, f"{where}: not {encoding.replace('-sig', '').upper()} text "
                                        f"(byte {error.start} of the line); fix the line or pass --encoding")
                continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield Unreadable(where, f"{where}: not valid JSON ({error.msg}); expected one object per line")
            continue
        except (ValueError, RecursionError) as error:  # too-long number, too-deep nesting: still just a bad line
            yield Unreadable(where, f"{where}: {json_limit_problem(error)}; expected one flat object per line")
            continue
        if not isinstance(record, dict) or "id" not in record or not isinstance(record.get("text"), str):
            yield Unreadable(where, f"{where}: expected a JSON object with 'id' and a string 'text'")
            continue
        doc_id, text = str(record["id"]), record["text"]
        for field, value in (("id", doc_id), ("text", text)):
            position = _unpaired_surrogate(value)
            if position is not None:
                yield Unreadable(
                    where, f"{where}: '{field}' holds an unpaired surrogate (a lone \\ud800-style escape) "
                           f"at character {position}; fix the escape"
                )
                break
        else:
            yield doc_id, text


class DocumentInputs:
    """The documents named on a command line, as inputs for :func:`casey_nlp.classify_many`.

    A file is one document (or, with ``input_format="jsonl"``, one record per
    line); a folder stands for the files below it (``*.txt``, or ``*.jsonl``
    for JSONL, in any case); ``"-"`` is stdin. Files are read as
    ``classify_many`` reaches them. Anything unreadable (a missing file, an
    empty folder, a bad JSONL line) comes through as an :class:`Unreadable`,
    which ``classify_many`` yields as a result with ``error`` set.

    Parameters
    ----------
    names : sequence of str
        Files, folders and ``"-"``.
    input_format : {"text", "jsonl"}, default="text"
    encoding : str, optional
        Codec of the files and stdin; default UTF-8.
    stdin : file object, optional
        Default ``sys.stdin`` at iteration time (its bytes when it has a
        buffer, so the locale does not matter).
    folders : bool, default=True
        Whether a folder stands for its files; if False it is reported as
        not a text file.
    jsonl_hint : bool, default=True
        Whether a folder of ``*.jsonl`` files only, read as text, is
        reported with "(use --input-format jsonl for .jsonl files)"; False
        for commands that have no such option.

    Attributes
    ----------
    count : int or None
        How many documents there are, if known before reading (None for
        stdin or JSONL).
    """

    def __init__(self, names, *, input_format="text", encoding=None, stdin=None, folders=True, jsonl_hint=True):
        if input_format not in ("text", "jsonl"):
            raise ValueError(f"input_format must be 'text' or 'jsonl', got {input_format!r}")
        self.input_format, self.encoding, self.stdin = input_format, check_encoding(encoding), stdin
        suffixes = JSONL_SUFFIXES if input_format == "jsonl" else TEXT_SUFFIXES
        self._items = []
        for name in names:
            if folders and name != "-" and Path(name).is_dir():
                found = find_documents(name, suffixes)
                if not found:
                    wanted = " or ".join(f"*{s}" for s in suffixes)
                    # A folder of JSONL read as text is the likely mistake; say the way out.
                    hint = (jsonl_hint and input_format == "text" and find_documents(name, JSONL_SUFFIXES))
                    advice = " (use --input-format jsonl for .jsonl files)" if hint else ""
                    self._items.append(Unreadable(name, f"{name}: folder has no {wanted} files{advice}"))
                self._items.extend(TextFile(str(p), self.encoding) for p in found)
            else:
                self._items.append(name if name == "-" else TextFile(name, self.encoding))
        known = input_format == "text" and "-" not in self._items
        self.count = len(self._items) if known else None

    def __iter__(self):
        for item in self._items:
            if item == "-":
                yield from self._stdin()
            elif self.input_format == "jsonl" and isinstance(item, TextFile):
                yield from self._jsonl_file(item)
            else:
                yield item

    def _stdin(self):
        import sys

        stream = self.stdin if self.stdin is not None else sys.stdin
        buffer = getattr(stream, "buffer", None)
        if self.input_format == "jsonl":
            yield from read_jsonl(stream if buffer is None else buffer, "<stdin>", self.encoding)
            return
        if buffer is None:  # a StringIO standing in for stdin: already text
            yield "<stdin>", stream.read()
            return
        try:
            yield "<stdin>", decode_text(buffer.read(), "<stdin>", self.encoding)
        except DataError as error:
            yield Unreadable("<stdin>", str(error))

    def _jsonl_file(self, item):
        try:
            handle = open(item, "rb")
        except OSError as error:
            message = "file not found" if isinstance(error, FileNotFoundError) else error.strerror or error
            yield Unreadable(item.path, f"{item.path}: {message}")
            return
        with handle:
            yield from read_jsonl(handle, item.path, item.encoding)


def read_texts(names, *, encoding=None, folders=True, stdin=None) -> dict:
    """Read whole documents named on a command line into ``{source: text}``.

    For commands that need every document before they start (``suggest``,
    ``report``), unlike :class:`DocumentInputs`, which streams.

    Parameters
    ----------
    names : sequence of str
        Files, folders (their ``*.txt`` files, unless ``folders=False``)
        and ``"-"`` for stdin.
    encoding : str, optional
    folders : bool, default=True
    stdin : file object, optional

    Returns
    -------
    dict of str to str
        In the order given.

    Raises
    ------
    DataError
        At the first input that cannot be read, naming it.
    """
    texts = {}
    # suggest and report read text only: no --input-format to suggest.
    inputs = DocumentInputs(names, encoding=encoding, stdin=stdin, folders=folders, jsonl_hint=False)
    for position, item in enumerate(inputs):
        source, text, error = _read_document(item, position)
        if error:
            raise DataError(error)
        texts[source] = text
    return texts
