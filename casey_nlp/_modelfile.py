"""The model file: one zip of JSON metadata and ``.npy`` arrays, read without running code.

A casey_nlp model is linear, so everything it learns is arrays (vocabulary,
idf, cue scaling, coefficients) plus a few strings and numbers. Storing those
as data instead of a pickle means loading a file can never run code from it,
and does not depend on the scikit-learn version that saved it.

Layout of ``NAME.zip``::

    metadata.json      format, versions, parameters, provenance, array hashes
    ARRAY.npy          one member per array, read with allow_pickle=False

The file is read once: its SHA-256 (the model's identity in outputs) and
every check come from the same bytes. Each array's SHA-256 is recorded in
``metadata.json`` and checked on load (on top of the zip's own CRCs).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import secrets
import stat
import zipfile
import zlib
from pathlib import Path

import numpy as np

FORMAT = "casey_nlp model"
FORMAT_VERSION = 2
METADATA_MEMBER = "metadata.json"
SUFFIX = ".zip"
# A shipped model unpacks to about 3 MB; far above that is not a model of
# ours, and refusing it keeps a hostile "zip bomb" from filling memory.
MAX_UNPACKED_BYTES = 512 * 2**20
# Metadata keys the file format itself writes.
RESERVED_KEYS = frozenset({"format", "format_version", "arrays"})
# Fixed member timestamps: the same model always gives the same bytes, so
# its SHA-256 identifies it.
_EPOCH = (1980, 1, 1, 0, 0, 0)


class ModelError(ValueError):
    """A model file is missing, damaged, not a casey_nlp model, or made for other features."""


def _npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()


def model_file_bytes(arrays: dict[str, np.ndarray], metadata: dict) -> bytes:
    """The bytes of a model file holding ``arrays`` and ``metadata``."""
    members = {f"{name}.npy": _npy_bytes(array) for name, array in arrays.items()}
    metadata = {
        **metadata,
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "arrays": {
            name: {"member": f"{name}.npy", "sha256": hashlib.sha256(members[f"{name}.npy"]).hexdigest()}
            for name in arrays
        },
    }
    members[METADATA_MEMBER] = (json.dumps(metadata, indent=2, sort_keys=True) + "\n").encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member in sorted(members, key=lambda m: (m != METADATA_MEMBER, m)):
            info = zipfile.ZipInfo(member, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, members[member])
    return buffer.getvalue()


def check_writable(path, *, overwrite: bool) -> Path:
    """``path`` as a Path if a model can be written there, else a ModelError saying why."""
    path = Path(path)
    if str(path) == "-":
        raise ModelError(f"-: a model must be saved to a file; give a path such as my_model{SUFFIX}")
    if path.suffix.lower() != SUFFIX:
        raise ModelError(
            f"{path}: a model file must end in {SUFFIX} (it is a zip of JSON and arrays); "
            f"use {path.with_suffix(SUFFIX).name}"
        )
    if not path.parent.is_dir():
        raise ModelError(f"{path}: folder {path.parent} does not exist; create it first")
    if path.is_dir():
        raise ModelError(f"{path}: is a folder; give a file path such as {path / ('my_model' + SUFFIX)}")
    if path.exists() and not overwrite:
        raise ModelError(f"{path}: already exists; choose another path or pass overwrite=True (--force)")
    return path


def write_model_file(path, content: bytes, *, overwrite: bool = False) -> Path:
    """Write ``content`` to ``path`` as one unit: a temporary file renamed into place.

    A crash or kill at any moment leaves either the old file or the new one,
    never a mix, and no stray file with the model's name.
    """
    path = check_writable(path, overwrite=overwrite)
    # Created with mode 0666 so the process umask applies, as for any new
    # file (mkstemp would make it 0600, and reading the umask means changing
    # it, which is not thread-safe).
    temporary = path.parent / f".{path.name}.{secrets.token_hex(8)}.tmp"
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        if path.exists() and not overwrite:  # appeared while we were writing
            raise ModelError(f"{path}: already exists; choose another path or pass overwrite=True (--force)")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _what_it_looks_like(data: bytes) -> str:
    """A short description of a file that is not a model zip, for the error message."""
    if not data:
        return "is empty"
    if data[:1] == b"\x80" or data[:2] in (b"\x78\x01", b"\x78\x5e", b"\x78\x9c", b"\x78\xda"):
        return (
            "is a pickled (joblib) model, the format of casey_nlp 0.2 and earlier, which is no longer "
            "loaded because unpickling runs code from the file; retrain it with "
            f"`casey-nlp train --add YOUR_LABELS.csv --out my_model{SUFFIX}`"
        )
    if data[:5] == b"%PDF-":
        return "is a PDF, not a model"
    stripped = data.lstrip()
    if stripped[:1] in (b"{", b"["):
        return f"is JSON, not a model; pass the model file itself (a {SUFFIX} written by model.save)"
    return f"is not a casey_nlp model (expected a {SUFFIX} written by model.save)"


def read_model_file(path) -> tuple[dict, dict[str, np.ndarray], str]:
    """Read and check a model file in one read: ``(metadata, arrays, sha256)``.

    Checks the container only: that the file is a casey_nlp model zip of a
    format this version reads, and that every array is present, unchanged
    and plain data. What the arrays mean is checked by the loader.
    """
    path = Path(path)
    try:
        # Checked before reading: a FIFO would block and /dev/zero never ends.
        status = path.stat()
        if stat.S_ISREG(status.st_mode) and status.st_size > MAX_UNPACKED_BYTES:
            raise ModelError(f"{path}: {status.st_size >> 20} MB, far larger than any casey_nlp model")
        if not stat.S_ISREG(status.st_mode) and not stat.S_ISDIR(status.st_mode):
            raise ModelError(f"{path}: not a regular file; pass the model file (a {SUFFIX} written by model.save)")
        data = path.read_bytes()
    except FileNotFoundError:
        hint = f"; did you mean {path.with_suffix(SUFFIX)}?" if path.with_suffix(SUFFIX).is_file() else ""
        raise ModelError(f"{path}: model file not found{hint}") from None
    except IsADirectoryError:
        raise ModelError(f"{path}: is a folder; pass the model file (a {SUFFIX} written by model.save)") from None
    except OSError as error:
        raise ModelError(f"{path}: cannot be read ({error.strerror or error})") from None
    sha256 = hashlib.sha256(data).hexdigest()
    if not zipfile.is_zipfile(io.BytesIO(data)):
        if data.startswith(b"PK\x03\x04"):
            raise ModelError(f"{path}: a damaged or incomplete zip (an interrupted download?); save or fetch it again")
        raise ModelError(f"{path}: {_what_it_looks_like(data)}")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise ModelError(f"{path}: unpacks to more than {MAX_UNPACKED_BYTES >> 20} MB; not a casey_nlp model")
            if METADATA_MEMBER not in archive.namelist():
                raise ModelError(f"{path}: a zip file without {METADATA_MEMBER}; not a casey_nlp model")
            metadata = _metadata(path, archive.read(METADATA_MEMBER))
            arrays = {name: _array(path, archive, name, entry) for name, entry in metadata["arrays"].items()}
    except ModelError:
        raise
    # A damaged or crafted zip fails in many ways (bad deflate data, the
    # "encrypted" flag, unknown compression methods, headers declaring more
    # than is there); each is the same thing to the user.
    except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, OSError, EOFError,
            ValueError, MemoryError, RecursionError) as error:
        raise ModelError(
            f"{path}: a damaged model file ({type(error).__name__}: {str(error)[:120]}); save or fetch it again"
        ) from None
    return metadata, arrays, sha256


def _metadata(path: Path, raw: bytes) -> dict:
    try:
        metadata = json.loads(raw.decode("utf-8"), parse_constant=_not_json)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:  # JSONDecodeError is a ValueError
        raise ModelError(f"{path}: {METADATA_MEMBER} is not valid JSON ({str(error)[:80]}); save the model again") from None
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise ModelError(f"{path}: {METADATA_MEMBER} does not describe a casey_nlp model")
    version = metadata.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ModelError(f"{path}: {METADATA_MEMBER} has no valid format_version; not a casey_nlp model")
    if version > FORMAT_VERSION:
        raise ModelError(
            f"{path}: model file format {version} is newer than this casey_nlp reads ({FORMAT_VERSION}); "
            "upgrade casey_nlp (pip install -U casey_nlp)"
        )
    if version < FORMAT_VERSION:
        raise ModelError(f"{path}: model file format {version} is no longer read; retrain the model")
    arrays = metadata.get("arrays")
    if not isinstance(arrays, dict) or not all(
        _ARRAY_NAME.fullmatch(name)
        and isinstance(entry, dict)
        and entry.get("member") == f"{name}.npy"  # one member per array: none is read twice
        and isinstance(entry.get("sha256"), str)
        for name, entry in arrays.items()
    ):
        raise ModelError(f"{path}: {METADATA_MEMBER} lists its arrays wrongly; save the model again")
    return metadata


_ARRAY_NAME = re.compile(r"[a-z][a-z_]{0,39}")


def _not_json(constant: str):
    # Python's JSON reader accepts NaN and Infinity, which no saved model holds.
    raise ValueError(f"{constant} is not JSON")


def _array(path: Path, archive: zipfile.ZipFile, name: str, entry: dict) -> np.ndarray:
    try:
        raw = archive.read(entry["member"])
    except KeyError:
        raise ModelError(f"{path}: array {name!r} is missing; save the model again") from None
    if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
        raise ModelError(
            f"{path}: array {name!r} does not match its SHA-256 in {METADATA_MEMBER}; "
            "the file was changed after saving: save or retrain it again"
        )
    stream = io.BytesIO(raw)
    try:
        version = np.lib.format.read_magic(stream)
        read_header = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
        shape, _, dtype = read_header[version](stream)
    except (ValueError, KeyError, EOFError, OSError):
        raise ModelError(f"{path}: array {name!r} is not a .npy array; not a casey_nlp model") from None
    if dtype.hasobject or dtype.kind not in "biufU":
        raise ModelError(f"{path}: array {name!r} holds {dtype}, not numbers or text; not a casey_nlp model")
    # The header declares the shape; a crafted one could ask for terabytes.
    # Python ints (dtype=object) keep the product from overflowing.
    if int(np.prod(shape, dtype=object)) * dtype.itemsize != len(raw) - stream.tell():
        raise ModelError(f"{path}: array {name!r} declares a shape its data does not fill; the file is damaged")
    stream.seek(0)
    return np.load(stream, allow_pickle=False)
