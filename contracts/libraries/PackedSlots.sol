// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @dev Storage layout of the classifiers, in one place. Every constant below is a file-level
/// constant with a literal value so that contracts import it by name and use it in inline assembly
/// as well as in Solidity (a library constant `PackedSlots.X` cannot be named in assembly); no
/// contract keeps a copy. Lane `l` of a slot of `w`-bit lanes occupies bits `[w * l, w * (l + 1))`.

/*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
/*                           SLOTS                            */
/*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

/// @dev Base slot of every classifier's packed parameter array: keccak256("ape-sum.classifier.params").
uint256 constant PARAMS_SLOT = 0xa116eccbdf58ce95d147d0972cecb4098c3ae2c8e920a6f7880449042e90728e;
/// @dev Base slot of the per-class metadata words: keccak256("ape-sum.classifier.meta").
uint256 constant META_SLOT = 0x8496ba62cfad1d45bdb6de2561af03abdd5bdd136f6102b86b0bb485057f894a;

/*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
/*                    UINT64 X4 (XOR 2^63)                    */
/*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

/// @dev Lanes per slot of the uint64 encoding.
uint256 constant LANES64 = 4;
/// @dev log2 of the lane width: `lane << BITS64_LOG2` is the bit offset of 64-bit lane `lane`.
uint256 constant BITS64_LOG2 = 6;
/// @dev Mask of one 64-bit lane.
uint256 constant MASK64 = 0xffffffffffffffff;
/// @dev Offset pattern of the uint64 x4 encoding (lane = value XOR 2^63; values below 2^63).
uint256 constant X64 = 0x8000000000000000800000000000000080000000000000008000000000000000;

/*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
/*       INT32 X8 (XOR 2^31) AND UINT32 X8 (VALUE + 1)        */
/*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

/// @dev Lanes per slot of the 32-bit encodings.
uint256 constant LANES32 = 8;
/// @dev log2(LANES32): `i >> LANES32_LOG2` is the slot of 32-bit lane index `i`.
uint256 constant LANES32_LOG2 = 3;
/// @dev LANES32 - 1: `i & LANES32_MASK` is the lane of 32-bit lane index `i` in its slot.
uint256 constant LANES32_MASK = 7;
/// @dev Bits per lane of the 32-bit encodings.
uint256 constant BITS32 = 32;
/// @dev log2(BITS32): `lane << BITS32_LOG2` is the bit offset of 32-bit lane `lane`.
uint256 constant BITS32_LOG2 = 5;
/// @dev Byte index of an int32 lane's sign bit, for `signextend`.
uint256 constant SIGN_BYTE32 = 3;
/// @dev Mask of one 32-bit lane.
uint256 constant MASK32 = 0xffffffff;
/// @dev Offset pattern of the int32 x8 encoding (lane = two's complement XOR 2^31; int32.min is
/// never stored). Also the top bit of every 32-bit lane, for the zero-lane test.
uint256 constant X32 = 0x8000000080000000800000008000000080000000800000008000000080000000;
/// @dev Offset pattern of the uint32 x8 encoding (lane = value + 1), and the lowest bit of every
/// 32-bit lane.
uint256 constant ONES32 = 0x0000000100000001000000010000000100000001000000010000000100000001;
/// @dev Largest value of the uint32 x8 encoding (2^32 - 2: the lane 2^32 - 1 holds it).
uint256 constant MAXU32 = 0xfffffffe;

/*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
/*            INT48 X5 (SPARSE PERCEPTRON WEIGHTS)            */
/*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

/// @dev Lanes per slot of the int48 encoding (bits 240..255 of a slot stay zero).
uint256 constant LANES48 = 5;
/// @dev Bits per lane of the int48 encoding.
uint256 constant BITS48 = 48;
/// @dev Byte index of an int48 lane's sign bit, for `signextend`.
uint256 constant SIGN_BYTE48 = 5;
/// @dev Mask of one 48-bit lane.
uint256 constant MASK48 = 0xffffffffffff;
/// @dev Largest magnitude of an int48 lane value, 2^47 - 1 (int48.min is never stored).
uint256 constant MAX48 = 0x7fffffffffff;
/// @dev The per-lane offset, 2^47 (lane = two's complement XOR 2^47), and its bit position.
uint256 constant BIAS48 = 0x800000000000;
uint256 constant BIAS48_BIT = 47;
/// @dev Offset pattern of the int48 x5 encoding: the stored word of five zero weights. Also the
/// top bit of every lane, for the zero-lane test.
uint256 constant X48 = 0x0000800000000000800000000000800000000000800000000000800000000000;
/// @dev Lowest bit of every 48-bit lane (for the zero-lane test).
uint256 constant ONES48 = 0x0000000000000001000000000001000000000001000000000001000000000001;

/*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
/*            INT40 X6 (DENSE PERCEPTRON WEIGHTS)             */
/*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

/// @dev Lanes per slot of the int40 encoding (bits 240..255 of a slot stay zero).
uint256 constant LANES40 = 6;
/// @dev Bits per lane of the int40 encoding.
uint256 constant BITS40 = 40;
/// @dev Byte index of an int40 lane's sign bit, for `signextend`.
uint256 constant SIGN_BYTE40 = 4;
/// @dev Mask of one 40-bit lane.
uint256 constant MASK40 = 0xffffffffff;
/// @dev Largest magnitude of an int40 lane value, 2^39 - 1 (int40.min is never stored).
uint256 constant MAX40 = 0x7fffffffff;
/// @dev 2 * MAX40: `v` is within `[-MAX40, MAX40]` iff `v + MAX40 <= TWO_MAX40` (unsigned).
uint256 constant TWO_MAX40 = 0xfffffffffe;
/// @dev Offset pattern of the int40 x6 encoding (lane = two's complement XOR 2^39): the stored word
/// of six zero weights. Also the top bit of every lane, for the zero-lane test.
uint256 constant X40 = 0x0000800000000080000000008000000000800000000080000000008000000000;
/// @dev Lowest bit of every 40-bit lane (for the zero-lane test).
uint256 constant ONES40 = 0x0000000000000100000000010000000001000000000100000000010000000001;

/// @dev Bits of a perceptron weight slot that hold lanes (5 x 48 = 6 x 40); the rest must be zero.
uint256 constant PACKED_BITS = 240;

/*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
/*                     PER-CLASS METADATA                     */
/*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

/// @dev Bit set in every stored metadata word so that it is never zero.
uint256 constant META_MARK = 1 << 255;
/// @dev A metadata word: count in bits `[0, 64)` (mask `MASK64`), value in bits `[64, 255)`.
uint256 constant META_VALUE_SHIFT = 64;
uint256 constant META_VALUE_MASK = (1 << 191) - 1;

/// @title PackedSlots
/// @notice Storage helpers for the classifiers: fixed-point values packed several to a slot, stored
/// with an offset so that a slot holding only zeros is *not* the zero word. Writing a parameter on a
/// hot path (update) is then always a non-zero to non-zero SSTORE (2,900 gas), never 20,000, once
/// the slot has been initialised (deployment writes every slot). A raw zero slot (never written)
/// still decodes to all-zero values.
/// @dev Encodings (the constants above):
/// - int32 x8: lane = two's complement XOR 0x80000000 (int32.min is never stored);
/// - uint32 x8: lane = value + 1 (so values are at most 2^32 - 2);
/// - uint64 x4: lane = value XOR 2^63 (values below 2^63);
/// - int48 x5 and int40 x6 (the perceptrons' weights, read and written in their own assembly):
///   lane = two's complement XOR 2^47 / 2^39, bits 240..255 zero.
/// "Plain" words are the decoded lanes (two's complement / unsigned), same lane positions.
/// Per class `c` one metadata word at `META_SLOT + c`: a count (bits 0..63), a value (bits
/// 64..254) and the marker bit 255.
library PackedSlots {
    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                   UINT64 X4 (XOR OFFSET)                   */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @dev Decoded word of 64-bit lanes at `slot`.
    function load64(uint256 slot) internal view returns (uint256 plain) {
        // Solidity equivalent: plain = sload(slot) == 0 ? 0 : sload(slot) ^ X64;
        assembly ("memory-safe") {
            let raw := sload(slot)
            if raw { plain := xor(raw, X64) }
        }
    }

    /// @dev Encode and store a word of 64-bit lanes.
    function store64(uint256 slot, uint256 plain) internal {
        // Solidity equivalent: sstore(slot, plain ^ X64);
        assembly ("memory-safe") {
            sstore(slot, xor(plain, X64))
        }
    }

    /// @dev Unsigned lane `lane` (0..3) of a decoded 64-bit word.
    function getU64(uint256 plain, uint256 lane) internal pure returns (uint256 v) {
        // Solidity equivalent: v = (plain >> (lane * 64)) & MASK64;
        assembly ("memory-safe") {
            v := and(shr(shl(BITS64_LOG2, lane), plain), MASK64)
        }
    }

    /// @dev Replace lane `lane` of a decoded 64-bit word by the low 64 bits of `v`.
    function set64(uint256 plain, uint256 lane, uint256 v) internal pure returns (uint256 out) {
        // Solidity equivalent: out = plain & ~(MASK64 << lane * 64) | (v & MASK64) << lane * 64;
        assembly ("memory-safe") {
            let sh := shl(BITS64_LOG2, lane)
            out := or(and(plain, not(shl(sh, MASK64))), shl(sh, and(v, MASK64)))
        }
    }

    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                   INT32 X8 (XOR OFFSET)                    */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @dev Decoded word of int32 lanes at `slot`.
    function load32s(uint256 slot) internal view returns (uint256 plain) {
        // Solidity equivalent: plain = sload(slot) == 0 ? 0 : sload(slot) ^ X32;
        assembly ("memory-safe") {
            let raw := sload(slot)
            if raw { plain := xor(raw, X32) }
        }
    }

    /// @dev Encode and store a word of int32 lanes.
    function store32s(uint256 slot, uint256 plain) internal {
        // Solidity equivalent: sstore(slot, plain ^ X32);
        assembly ("memory-safe") {
            sstore(slot, xor(plain, X32))
        }
    }

    /// @dev Signed lane `lane` (0..7) of a decoded int32 word.
    function getI32(uint256 plain, uint256 lane) internal pure returns (int256 v) {
        // Solidity equivalent: v = int32(uint32(plain >> (lane * 32)));
        assembly ("memory-safe") {
            v := signextend(SIGN_BYTE32, shr(shl(BITS32_LOG2, lane), plain))
        }
    }

    /// @dev Replace lane `lane` of a decoded 32-bit word by the low 32 bits of `v`.
    function set32(uint256 plain, uint256 lane, uint256 v) internal pure returns (uint256 out) {
        // Solidity equivalent: out = plain & ~(MASK32 << lane * 32) | (v & MASK32) << lane * 32;
        assembly ("memory-safe") {
            let sh := shl(BITS32_LOG2, lane)
            out := or(and(plain, not(shl(sh, MASK32))), shl(sh, and(v, MASK32)))
        }
    }

    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                   UINT32 X8 (+1 OFFSET)                    */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @dev Decoded word of uint32 lanes at `slot`.
    function load32u(uint256 slot) internal view returns (uint256 plain) {
        // Solidity equivalent: plain = sload(slot) == 0 ? 0 : sload(slot) - ONES32;
        assembly ("memory-safe") {
            let raw := sload(slot)
            if raw { plain := sub(raw, ONES32) }
        }
    }

    /// @dev Encode and store a word of uint32 lanes (every lane at most 2^32 - 2).
    function store32u(uint256 slot, uint256 plain) internal {
        // Solidity equivalent: sstore(slot, plain + ONES32);
        assembly ("memory-safe") {
            sstore(slot, add(plain, ONES32))
        }
    }

    /// @dev Unsigned lane `lane` (0..7) of a decoded uint32 word.
    function getU32(uint256 plain, uint256 lane) internal pure returns (uint256 v) {
        // Solidity equivalent: v = (plain >> (lane * 32)) & MASK32;
        assembly ("memory-safe") {
            v := and(shr(shl(BITS32_LOG2, lane), plain), MASK32)
        }
    }

    /*´:°•.°+.*•´.*:˚.°*.˚•´.°:°•.°•.*•´.*:˚.°*.˚•´.°:°•.°+.*•´.*:*/
    /*                     PER-CLASS METADATA                     */
    /*.•°:°.´+˚.*°.˚:*.´•*.+°.•°:´*.´•*.•°.•°:°.´:•˚°.*°.˚:*.´+°.•*/

    /// @dev Class `c`'s metadata word: its count (bits 0..63) and value (bits 64..254).
    function loadMeta(uint256 c) internal view returns (uint256 count, uint256 value) {
        uint256 w;
        uint256 slot = META_SLOT + c;
        assembly ("memory-safe") {
            w := sload(slot)
        }
        count = w & MASK64;
        value = (w >> META_VALUE_SHIFT) & META_VALUE_MASK;
    }

    /// @dev Store class `c`'s metadata word (`count` below 2^64, `value` below 2^191), marked.
    function storeMeta(uint256 c, uint256 count, uint256 value) internal {
        uint256 w = META_MARK | (value << META_VALUE_SHIFT) | count;
        uint256 slot = META_SLOT + c;
        assembly ("memory-safe") {
            sstore(slot, w)
        }
    }
}
