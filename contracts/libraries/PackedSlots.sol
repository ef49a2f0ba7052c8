// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title PackedSlots
/// @notice Storage helpers for the classifiers: fixed-point values packed several to a slot, stored
/// with an offset so that a slot holding only zeros is *not* the zero word. Writing a parameter on a
/// hot path (update) is then always a non-zero to non-zero SSTORE (2,900 gas), never 20,000, once
/// the slot has been initialised (deployment writes every slot). A raw zero slot (never written)
/// still decodes to all-zero values.
/// @dev Encodings (lane `l` of a slot occupies bits `[w*l, w*(l+1))`):
/// - int32 x8: lane = two's complement XOR 0x80000000 (int32.min is never stored);
/// - uint32 x8: lane = value + 1 (so values are at most 2^32 - 2);
/// - uint64 x4: lane = value XOR 2^63 (values below 2^63).
/// "Plain" words are the decoded lanes (two's complement / unsigned), same lane positions.
/// The perceptrons pack their own lanes (int48 x5, int40 x6) in assembly, with the same offset idea.
library PackedSlots {
    /// @dev Base slot of every classifier's packed parameter array: keccak256("ape-sum.classifier.params").
    uint256 internal constant PARAMS_SLOT =
        0xa116eccbdf58ce95d147d0972cecb4098c3ae2c8e920a6f7880449042e90728e;
    /// @dev Base slot of the per-class metadata words: keccak256("ape-sum.classifier.meta").
    uint256 internal constant META_SLOT =
        0x8496ba62cfad1d45bdb6de2561af03abdd5bdd136f6102b86b0bb485057f894a;
    /// @dev Bit set in every stored metadata word so that it is never zero.
    uint256 internal constant META_MARK = 1 << 255;

    /// @dev Offset pattern of the uint64 x4 encoding.
    uint256 internal constant X64 =
        0x8000000000000000800000000000000080000000000000008000000000000000;
    /// @dev Offset pattern of the int32 x8 encoding.
    uint256 internal constant X32 =
        0x8000000080000000800000008000000080000000800000008000000080000000;
    /// @dev Offset pattern of the uint32 x8 encoding (+1 per lane).
    uint256 internal constant ONES32 =
        0x0000000100000001000000010000000100000001000000010000000100000001;

    uint256 internal constant MASK64 = 0xffffffffffffffff;
    uint256 internal constant MASK32 = 0xffffffff;

    // ---- uint64 x4 (XOR offset) ----

    /// @dev Decoded word of 64-bit lanes at `slot`.
    function load64(uint256 slot) internal view returns (uint256 plain) {
        assembly {
            let raw := sload(slot)
            if raw { plain := xor(raw, X64) }
        }
    }

    /// @dev Encode and store a word of 64-bit lanes.
    function store64(uint256 slot, uint256 plain) internal {
        assembly {
            sstore(slot, xor(plain, X64))
        }
    }

    /// @dev Unsigned lane `lane` (0..3) of a decoded 64-bit word.
    function getU64(uint256 plain, uint256 lane) internal pure returns (uint256 v) {
        assembly {
            v := and(shr(shl(6, lane), plain), MASK64)
        }
    }

    /// @dev Replace lane `lane` of a decoded 64-bit word by the low 64 bits of `v`.
    function set64(uint256 plain, uint256 lane, uint256 v) internal pure returns (uint256 out) {
        assembly {
            let sh := shl(6, lane)
            out := or(and(plain, not(shl(sh, MASK64))), shl(sh, and(v, MASK64)))
        }
    }

    // ---- int32 x8 (XOR offset) ----

    /// @dev Decoded word of int32 lanes at `slot`.
    function load32s(uint256 slot) internal view returns (uint256 plain) {
        assembly {
            let raw := sload(slot)
            if raw { plain := xor(raw, X32) }
        }
    }

    /// @dev Encode and store a word of int32 lanes.
    function store32s(uint256 slot, uint256 plain) internal {
        assembly {
            sstore(slot, xor(plain, X32))
        }
    }

    /// @dev Signed lane `lane` (0..7) of a decoded int32 word.
    function getI32(uint256 plain, uint256 lane) internal pure returns (int256 v) {
        assembly {
            v := signextend(3, shr(shl(5, lane), plain))
        }
    }

    /// @dev Replace lane `lane` of a decoded 32-bit word by the low 32 bits of `v`.
    function set32(uint256 plain, uint256 lane, uint256 v) internal pure returns (uint256 out) {
        assembly {
            let sh := shl(5, lane)
            out := or(and(plain, not(shl(sh, MASK32))), shl(sh, and(v, MASK32)))
        }
    }

    // ---- uint32 x8 (+1 offset) ----

    /// @dev Decoded word of uint32 lanes at `slot`.
    function load32u(uint256 slot) internal view returns (uint256 plain) {
        assembly {
            let raw := sload(slot)
            if raw { plain := sub(raw, ONES32) }
        }
    }

    /// @dev Encode and store a word of uint32 lanes (every lane at most 2^32 - 2).
    function store32u(uint256 slot, uint256 plain) internal {
        assembly {
            sstore(slot, add(plain, ONES32))
        }
    }

    /// @dev Unsigned lane `lane` (0..7) of a decoded uint32 word.
    function getU32(uint256 plain, uint256 lane) internal pure returns (uint256 v) {
        assembly {
            v := and(shr(shl(5, lane), plain), MASK32)
        }
    }
}
