// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ClassifierBase} from "./ClassifierBase.sol";
import {IClassifier} from "../interfaces/IClassifier.sol";
import {PackedSlots as P} from "../libraries/PackedSlots.sol";

/// @title NearestCentroid
/// @notice Nearest centroid over dense L2-normalised inputs (x 1e9). Predicts the class minimising
/// `||c||^2 - 2 x.c` (the squared Euclidean distance minus the class-independent `||x||^2`), ties
/// to the lowest class. `update` always moves the labelled class's centroid to the running mean
/// `c_i = (c_i * n + x_i) / (n + 1)` (truncating toward zero) and increments its data count `n`.
/// @dev Centroids: int32 x8 per slot (values of normalised data lie within +-1e9), class `c` at
/// `PARAMS_SLOT + c * slotsPerClass + i / 8`, lane `i % 8`. Per class one metadata word at
/// `META_SLOT + c`: bits 0..63 data count, bits 64..254 `||c||^2` (exact), bit 255 marker.
contract NearestCentroid is ClassifierBase {
    // Literal copies of PackedSlots constants, for inline assembly.
    uint256 private constant X32 = 0x8000000080000000800000008000000080000000800000008000000080000000;
    uint256 private constant PARAMS = 0xa116eccbdf58ce95d147d0972cecb4098c3ae2c8e920a6f7880449042e90728e;
    uint256 private constant LANES = 8;
    uint256 private constant SHIFT = 64;
    uint256 private constant NORM_MASK = (1 << 191) - 1;
    uint256 private constant ONES32 = 0x0000000100000001000000010000000100000001000000010000000100000001;
    /// @dev Bytes of calldata per full slot of values (8 x 32).
    uint256 private constant SLOT_STRIDE = 0x100;
    /// @dev Unsigned-lane arithmetic of `predict` (see `_sums`).
    uint256 private constant OFFSET_BITS = 31;
    uint256 private constant HALF = 128;
    uint256 private constant B31 = 0x80000000;
    uint256 private constant P128 = 0x100000000000000000000000000000000;
    uint256 private constant LOW128 = 0xffffffffffffffffffffffffffffffff;
    uint256 private constant HIGH128 = 0xffffffffffffffffffffffffffffffff00000000000000000000000000000000;
    uint256 private constant EVEN32 = 0x00000000ffffffff00000000ffffffff00000000ffffffff00000000ffffffff;
    uint256 private constant PAIR_MASK = 0x000000000000000000000000ffffffff000000000000000000000000ffffffff;
    uint256 private constant MASK64 = 0xffffffffffffffff;
    /// @dev Largest dimension (keeps the unsigned-lane sums of `predict` from carrying).
    uint256 private constant MAX_DIMENSION = 1 << 32;

    /// @notice Storage slots per class centroid: ceil(dimension / 8).
    uint256 public immutable slotsPerClass;

    /// @param classNames class names
    /// @param dimension number of input values
    /// @param dataCounts number of samples behind each initial centroid
    constructor(string[] memory classNames, uint256 dimension, uint64[] memory dataCounts)
        ClassifierBase(classNames, dimension)
    {
        if (dataCounts.length != classNames.length) {
            revert LengthMismatch(dataCounts.length, classNames.length);
        }
        if (dimension > MAX_DIMENSION) revert InvalidParameter("dimension", int256(dimension));
        slotsPerClass = (dimension + LANES - 1) / LANES;
        for (uint256 c; c < dataCounts.length; ++c) {
            _storeMeta(c, dataCounts[c], 0);
        }
    }

    /// @notice Write pre-encoded slot words (8 int32 lanes each, lane XOR 2^31, see PackedSlots) to
    /// centroid slots `startSlot ..` of the parameter array (class `c` occupies slots
    /// `c * slotsPerClass ..`, value `i` in slot `i / 8`, lane `i % 8`); each class's `||c||^2`
    /// follows, overwritten values included. A zero word leaves its slot untouched. Lanes past the
    /// last value of a class must encode 0. Owner only, before `finalize`.
    /// @dev One SSTORE per word (~23,000 gas per new slot); invalid words revert
    /// `InvalidPackedWord`.
    /// @param startSlot first slot, relative to the parameter array
    /// @param words encoded slot words
    function initializePacked(uint256 startSlot, uint256[] calldata words) external onlyInitializer {
        uint256 numClasses = NUM_CLASSES;
        uint256 perClass = slotsPerClass;
        _checkChunk(startSlot, words.length, perClass * numClasses);
        uint256[] memory norms = new uint256[](numClasses);
        for (uint256 c; c < numClasses; ++c) {
            (, norms[c]) = _meta(c);
        }
        uint256 tailShift = (numFeatures % LANES) * 32;
        uint256 bad; // slot index + 1 of the first invalid word
        assembly {
            let p := words.offset
            let j := startSlot
            for { let end := add(p, shl(5, words.length)) } lt(p, end) { p := add(p, 0x20) } {
                let w := calldataload(p)
                if w {
                    // a zero lane would be int32.min
                    let fault := and(and(sub(w, ONES32), not(w)), X32)
                    let plain := xor(w, X32)
                    if and(eq(mod(j, perClass), sub(perClass, 1)), iszero(iszero(tailShift))) {
                        fault := or(fault, shr(tailShift, plain))
                    }
                    if fault {
                        bad := add(j, 1)
                        break
                    }
                    let slot := add(PARAMS, j)
                    let old := sload(slot)
                    if old { old := xor(old, X32) }
                    let q := add(add(norms, 0x20), shl(5, div(j, perClass)))
                    let acc := mload(q)
                    for { let sh := 0 } lt(sh, 256) { sh := add(sh, 32) } {
                        let v := signextend(3, shr(sh, plain))
                        let o := signextend(3, shr(sh, old))
                        acc := sub(add(acc, mul(v, v)), mul(o, o))
                    }
                    mstore(q, acc)
                    sstore(slot, w)
                }
                j := add(j, 1)
            }
        }
        if (bad != 0) revert InvalidPackedWord(bad - 1, words[bad - 1 - startSlot]);
        for (uint256 c; c < numClasses; ++c) {
            (uint256 n, ) = _meta(c);
            _storeMeta(c, n, norms[c]);
        }
        emit PackedInitialized(startSlot, words.length);
    }

    /// @notice Value `index` of class `classification`'s centroid (x 1e9).
    function centroid(uint256 classification, uint256 index) external view returns (int256) {
        if (classification >= NUM_CLASSES) revert ClassIndexOutOfRange(classification, NUM_CLASSES);
        _checkChunk(index, 1, numFeatures);
        uint256 slot = P.PARAMS_SLOT + classification * slotsPerClass + index / LANES;
        return P.getI32(P.load32s(slot), index % LANES);
    }

    /// @notice `(dataCount, squaredNorm)` of class `classification`'s centroid.
    function classInfo(uint256 classification) external view returns (uint256 n, uint256 norm) {
        if (classification >= NUM_CLASSES) revert ClassIndexOutOfRange(classification, NUM_CLASSES);
        return _meta(classification);
    }

    /// @inheritdoc IClassifier
    function predict(int64[] calldata data) external view returns (uint64 best) {
        _checkDimension(data.length);
        uint256 numClasses = NUM_CLASSES;
        int256 bestScore = type(int256).max;
        // classes two at a time; the first pass also checks the input
        for (uint256 c; c < numClasses; c += 2) {
            uint256 c1 = c + 1 < numClasses ? c + 1 : c;
            (int256 s0, int256 s1) = _pairScores(data, c, c1);
            if (s0 < bestScore) {
                bestScore = s0;
                best = uint64(c);
            }
            if (c1 != c && s1 < bestScore) {
                bestScore = s1;
                best = uint64(c1);
            }
        }
    }

    /// @inheritdoc IClassifier
    function update(int64[] calldata data, uint64 classification) external {
        _checkUpdate(classification);
        _checkDimension(data.length);
        (uint256 n, ) = _meta(classification);
        (uint256 norm, uint256 s, uint256 bad) =
            _move(data, PARAMS + classification * slotsPerClass, n);
        _checkNorm(bad, s); // reverting undoes the move
        if (n == type(uint64).max) revert ClassCountOverflow(classification);
        _storeMeta(classification, n + 1, norm);
        emit Updated(classification);
    }

    /// @dev Scores `||c||^2 - 2 x.c` of classes `c0` and `c1` from one `_sums` pass; the pass for
    /// class 0 also checks the input (int64 words, normalisation).
    function _pairScores(int64[] calldata data, uint256 c0, uint256 c1)
        private
        view
        returns (int256 s0, int256 s1)
    {
        uint256 perClass = slotsPerClass;
        (uint256 acc, uint256 q, uint256 u, uint256 hi) =
            _sums(data, PARAMS + c0 * perClass, PARAMS + c1 * perClass);
        // with x' = x + 2^31 and u = stored lane = value + 2^31:
        // sum(x^2) = sum(x'^2) - 2^32 sum(x') + n 2^62,
        // x . c = sum(u x') - 2^31 sum(u) - 2^31 sum(x') + n 2^62
        int256 sumX = int256(q >> HALF);
        int256 common = (int256(data.length) << (2 * OFFSET_BITS)) - (sumX << OFFSET_BITS);
        if (c0 == 0) {
            if (hi >> (OFFSET_BITS + 1) != 0) _revertBadDense(data);
            _checkNorm(0, uint256(int256(q & LOW128) - (sumX << OFFSET_BITS) + common));
        }
        (, uint256 norm) = _meta(c0);
        int256 sumU = int256((u & MASK64) + ((u >> 64) & MASK64));
        s0 = int256(norm) - 2 * (int256(acc & LOW128) - (sumU << OFFSET_BITS) + common);
        (, norm) = _meta(c1);
        sumU = int256(((u >> 128) & MASK64) + (u >> 192));
        s1 = int256(norm) - 2 * (int256(acc >> HALF) - (sumU << OFFSET_BITS) + common);
    }

    /// @dev One pass over the calldata words of `data` against the centroid slots at `base0` and
    /// `base1`, in unsigned lanes: `u` = stored lane (value + 2^31, a never-written slot counts as
    /// zeros), `x' = x + 2^31`. Returns `acc = sum(u0 x') + 2^128 sum(u1 x')`,
    /// `q = sum(x'^2) + 2^128 sum(x')`, `u` (64-bit lanes: lanes 0 + 1 = sum(u0), lanes 2 + 3 =
    /// sum(u1)) and `hi`, the OR of every `x'` (below 2^32 iff every x lies in [-2^31, 2^31)).
    /// The halves cannot carry while `n < 2^55` (the dimension is capped far below).
    function _sums(int64[] calldata data, uint256 base0, uint256 base1)
        private
        view
        returns (uint256 acc, uint256 q, uint256 u, uint256 hi)
    {
        assembly {
            let p := data.offset
            let end := add(p, shl(8, shr(3, data.length))) // end of the full slots
            let lo := 0
            let up := 0
            let a := 0
            for {} lt(p, end) {} {
                a := sload(base0)
                if iszero(a) { a := X32 }
                up := sload(base1)
                if iszero(up) { up := X32 }
                // lanes 0..3 of class 0 | lanes 0..3 of class 1 << 128, then lanes 4..7
                lo := or(and(a, LOW128), shl(128, up))
                up := or(shr(128, a), and(up, HIGH128))
                u := add(
                    u,
                    add(
                        add(and(lo, EVEN32), and(shr(32, lo), EVEN32)),
                        add(and(up, EVEN32), and(shr(32, up), EVEN32))
                    )
                )
                a := add(calldataload(p), B31)
                hi := or(hi, a)
                q := add(q, mul(a, add(a, P128)))
                acc := add(acc, mul(and(lo, PAIR_MASK), a))
                a := add(calldataload(add(p, 0x20)), B31)
                hi := or(hi, a)
                q := add(q, mul(a, add(a, P128)))
                acc := add(acc, mul(and(shr(32, lo), PAIR_MASK), a))
                a := add(calldataload(add(p, 0x40)), B31)
                hi := or(hi, a)
                q := add(q, mul(a, add(a, P128)))
                acc := add(acc, mul(and(shr(64, lo), PAIR_MASK), a))
                a := add(calldataload(add(p, 0x60)), B31)
                hi := or(hi, a)
                q := add(q, mul(a, add(a, P128)))
                acc := add(acc, mul(and(shr(96, lo), PAIR_MASK), a))
                a := add(calldataload(add(p, 0x80)), B31)
                hi := or(hi, a)
                q := add(q, mul(a, add(a, P128)))
                acc := add(acc, mul(and(up, PAIR_MASK), a))
                a := add(calldataload(add(p, 0xa0)), B31)
                hi := or(hi, a)
                q := add(q, mul(a, add(a, P128)))
                acc := add(acc, mul(and(shr(32, up), PAIR_MASK), a))
                a := add(calldataload(add(p, 0xc0)), B31)
                hi := or(hi, a)
                q := add(q, mul(a, add(a, P128)))
                acc := add(acc, mul(and(shr(64, up), PAIR_MASK), a))
                a := add(calldataload(add(p, 0xe0)), B31)
                hi := or(hi, a)
                q := add(q, mul(a, add(a, P128)))
                acc := add(acc, mul(and(shr(96, up), PAIR_MASK), a))
                p := add(p, SLOT_STRIDE)
                base0 := add(base0, 1)
                base1 := add(base1, 1)
            }
            end := add(data.offset, shl(5, data.length))
            if lt(p, end) {
                lo := sload(base0)
                if iszero(lo) { lo := X32 }
                up := sload(base1)
                if iszero(up) { up := X32 }
                for {} lt(p, end) { p := add(p, 0x20) } {
                    a := add(calldataload(p), B31)
                    hi := or(hi, a)
                    q := add(q, mul(a, add(a, P128)))
                    let w := or(and(lo, 0xffffffff), shl(128, and(up, 0xffffffff)))
                    u := add(u, w) // lane 0 and lane 2 of the 64-bit lanes
                    acc := add(acc, mul(w, a))
                    lo := shr(32, lo)
                    up := shr(32, up)
                }
            }
        }
    }

    /// @dev Slow path of a dense input with a value outside [-2^31, 2^31): reverts without data if
    /// some word is not an int64, else `NotNormalized` (such a value alone makes `sum(x^2)` exceed
    /// 1e18 + 1e11).
    function _revertBadDense(int64[] calldata data) private pure {
        uint256 biased;
        uint256 s;
        assembly {
            let end := add(data.offset, shl(5, data.length))
            for { let p := data.offset } lt(p, end) { p := add(p, 0x20) } {
                let x := calldataload(p)
                biased := or(biased, add(x, I64_BIAS))
                s := add(s, mul(x, x))
            }
        }
        _checkNorm(biased, s);
        revert NotNormalized(s);
    }

    /// @dev Move the centroid whose slots start at `base` to `(c_i * n + x_i) / (n + 1)`; returns
    /// the new `||c||^2`, `sum(x_i^2)` and `bad` (OR of every `x + 2^63`, see `_checkNorm`). |x_i| < 1.0000001e9
    /// (normalised) and |c_i| < 2^31, so the mean stays within int32. Lanes past the vector's end
    /// keep their (zero) values.
    function _move(int64[] calldata data, uint256 base, uint256 n)
        private
        returns (uint256 norm, uint256 s, uint256 bad)
    {
        assembly {
            let n1 := add(n, 1)
            let p := data.offset
            for { let full := add(p, mul(shr(3, data.length), SLOT_STRIDE)) } lt(p, full) {} {
                let w := sload(base)
                if w { w := xor(w, X32) }
                let out := 0
                {
                    let x0 := calldataload(p)
                    let x1 := calldataload(add(p, 0x20))
                    bad := or(bad, or(add(x0, I64_BIAS), add(x1, I64_BIAS)))
                    s := add(s, add(mul(x0, x0), mul(x1, x1)))
                    x0 := sdiv(add(mul(signextend(3, w), n), x0), n1)
                    x1 := sdiv(add(mul(signextend(3, shr(32, w)), n), x1), n1)
                    norm := add(norm, add(mul(x0, x0), mul(x1, x1)))
                    out := or(out, or(and(x0, 0xffffffff), shl(32, and(x1, 0xffffffff))))
                }
                {
                    let x0 := calldataload(add(p, 0x40))
                    let x1 := calldataload(add(p, 0x60))
                    bad := or(bad, or(add(x0, I64_BIAS), add(x1, I64_BIAS)))
                    s := add(s, add(mul(x0, x0), mul(x1, x1)))
                    x0 := sdiv(add(mul(signextend(3, shr(64, w)), n), x0), n1)
                    x1 := sdiv(add(mul(signextend(3, shr(96, w)), n), x1), n1)
                    norm := add(norm, add(mul(x0, x0), mul(x1, x1)))
                    out := or(out, or(shl(64, and(x0, 0xffffffff)), shl(96, and(x1, 0xffffffff))))
                }
                {
                    let x0 := calldataload(add(p, 0x80))
                    let x1 := calldataload(add(p, 0xa0))
                    bad := or(bad, or(add(x0, I64_BIAS), add(x1, I64_BIAS)))
                    s := add(s, add(mul(x0, x0), mul(x1, x1)))
                    x0 := sdiv(add(mul(signextend(3, shr(128, w)), n), x0), n1)
                    x1 := sdiv(add(mul(signextend(3, shr(160, w)), n), x1), n1)
                    norm := add(norm, add(mul(x0, x0), mul(x1, x1)))
                    out := or(out, or(shl(128, and(x0, 0xffffffff)), shl(160, and(x1, 0xffffffff))))
                }
                {
                    let x0 := calldataload(add(p, 0xc0))
                    let x1 := calldataload(add(p, 0xe0))
                    bad := or(bad, or(add(x0, I64_BIAS), add(x1, I64_BIAS)))
                    s := add(s, add(mul(x0, x0), mul(x1, x1)))
                    x0 := sdiv(add(mul(signextend(3, shr(192, w)), n), x0), n1)
                    x1 := sdiv(add(mul(sar(224, w), n), x1), n1)
                    norm := add(norm, add(mul(x0, x0), mul(x1, x1)))
                    out := or(out, or(shl(192, and(x0, 0xffffffff)), shl(224, and(x1, 0xffffffff))))
                }
                p := add(p, SLOT_STRIDE)
                sstore(base, xor(out, X32))
                base := add(base, 1)
            }
            let end := add(data.offset, shl(5, data.length))
            if lt(p, end) {
                let w := sload(base)
                if w { w := xor(w, X32) }
                let out := 0
                for { let sh := 0 } lt(p, end) { p := add(p, 0x20) } {
                    let x := calldataload(p)
                    bad := or(bad, add(x, I64_BIAS))
                    s := add(s, mul(x, x))
                    let v := sdiv(add(mul(signextend(3, shr(sh, w)), n), x), n1)
                    norm := add(norm, mul(v, v))
                    out := or(out, shl(sh, and(v, 0xffffffff)))
                    sh := add(sh, 32)
                }
                sstore(base, xor(out, X32))
            }
        }
    }

    function _meta(uint256 c) private view returns (uint256 n, uint256 norm) {
        uint256 w;
        uint256 slot = P.META_SLOT + c;
        assembly {
            w := sload(slot)
        }
        n = w & P.MASK64;
        norm = (w >> SHIFT) & NORM_MASK;
    }

    function _storeMeta(uint256 c, uint256 n, uint256 norm) private {
        uint256 w = P.META_MARK | (norm << SHIFT) | n;
        uint256 slot = P.META_SLOT + c;
        assembly {
            sstore(slot, w)
        }
    }
}
