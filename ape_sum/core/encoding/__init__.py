"""Turn raw inputs (text, feature vectors) into the `int64[]` vectors that the contracts take.

One package serves the contracts, the off-chain mirrors and the simulation, so all three agree
exactly. See `docs/ENCODING.md` for the rules and the encoder spec format stored on chain.

* Fixed point (`fixed`, on `ape_sum.core.fixedpoint`): a real number `x` is `round(x * 1e9)`
  (half to even) as an `int64`.
* Dense encoders produce fixed-point feature vectors; `dense-l2` L2-normalises them so that the
  on-chain check `|sum(x_i^2) - 1e18| < 1e11` always passes.
* Sparse encoders produce the sorted, de-duplicated indices of the features present.
* Every encoder describes itself with `spec()`; `parse_encoder_spec(spec)` rebuilds it (`spec`).

Modules: `errors`, `fixed`, `text` (tokens), `hashing` (MurmurHash3), `numeric` (number lists),
`base` (the `Encoder` class, spec helpers, `check_compatible`), `encoders`, `vocabulary`,
`embedding` (sentence embeddings, optional extra), `spec`.
"""

from __future__ import annotations

from ape_sum.core.encoding.base import SPEC_VERSION, Encoder, check_compatible
from ape_sum.core.encoding.embedding import SentenceEmbeddingEncoder
from ape_sum.core.encoding.encoders import (
    BinsEncoder,
    DenseL2Encoder,
    FixedPointEncoder,
    HashedDenseEncoder,
    IndicesEncoder,
    MurmurHash3Encoder,
    RawInt64Encoder,
    SelectEncoder,
)
from ape_sum.core.encoding.errors import EncodingError
from ape_sum.core.encoding.fixed import (
    check_normalised,
    from_fixed,
    from_fixed_array,
    is_normalised,
    to_fixed,
    to_fixed_array,
)
from ape_sum.core.encoding.hashing import hash_token
from ape_sum.core.encoding.numeric import parse_numbers
from ape_sum.core.encoding.spec import (
    ENCODER_TYPES,
    LEGACY_FIXED,
    LEGACY_MURMURHASH3,
    LEGACY_NONE,
    encoder_from_option,
    parse_encoder_spec,
)
from ape_sum.core.encoding.text import SPLIT_MODES, tokenize
from ape_sum.core.encoding.vocabulary import VocabularyEncoder, load_vocabulary
from ape_sum.core.fixedpoint import INT64_MAX, INT64_MIN, NORM_TOLERANCE, TO_FLOAT

__all__ = [
    "ENCODER_TYPES",
    "INT64_MAX",
    "INT64_MIN",
    "LEGACY_FIXED",
    "LEGACY_MURMURHASH3",
    "LEGACY_NONE",
    "NORM_TOLERANCE",
    "SPEC_VERSION",
    "SPLIT_MODES",
    "TO_FLOAT",
    "BinsEncoder",
    "DenseL2Encoder",
    "Encoder",
    "EncodingError",
    "FixedPointEncoder",
    "HashedDenseEncoder",
    "IndicesEncoder",
    "MurmurHash3Encoder",
    "RawInt64Encoder",
    "SelectEncoder",
    "SentenceEmbeddingEncoder",
    "VocabularyEncoder",
    "check_compatible",
    "check_normalised",
    "encoder_from_option",
    "from_fixed",
    "from_fixed_array",
    "hash_token",
    "is_normalised",
    "load_vocabulary",
    "parse_encoder_spec",
    "parse_numbers",
    "to_fixed",
    "to_fixed_array",
    "tokenize",
]
