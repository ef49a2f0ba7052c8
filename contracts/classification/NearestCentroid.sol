// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ClassifierBase} from "./ClassifierBase.sol";
import {IClassifier} from "../interfaces/IClassifier.sol";
import {
    PackedSlots as P,
    BITS32,
    LANES32,
    LANES32_LOG2,
    MASK32,
    ONES32,
    PARAMS_SLOT,
    SIGN_BYTE32,
    X32
} from "../libraries/PackedSlots.sol";

/// @title NearestCentroid
/// @notice Nearest centroid over dense L2-normalised inputs (x 1e9). Predicts the class minimising
/// `||c||^2 - 2 x.c` (the squared Euclidean distance minus the class-independent `||x||^2`), ties
/// to the lowest class. `update` always moves the labelled class's centroid to the running mean
/// `c_i = (c_i * n + x_i) / (n + 1)` (truncating toward zero) and increments its data count `n`.
/// @dev Centroids: int32 x8 per slot (values of normalised data lie within +-1e9), class `c` at
/// `PARAMS_SLOT + c * slotsPerClass + i / 8`, lane `i % 8`. Per class one metadata word at
/// `META_SLOT + c`: bits 0..63 data count, bits 64..254 `||c||^2` (exact), bit 255 marker
/// (`PackedSlots.loadMeta` / `storeMeta`).
contract NearestCentroid is ClassifierBase {
    /// @dev Bytes of calldata per full slot of values (8 x 32).
    uint256 private constant SLOT_STRIDE = 0x100;
    uint256 private constant SLOT_STRIDE_LOG2 = 8;
    /// @dev Pair arithmetic of `predict` (see `_dots`): lanes are offset by 2^31, sums live in
    /// 128-bit halves.
    uint256 private constant OFFSET_BITS = 31;
    uint256 private constant HALF = 128;
    /// @dev Byte index of the sign bit of the low half, for `signextend`.
    uint256 private constant HALF_SIGN_BYTE = 15;
    uint256 private constant B31 = 0x80000000;
    uint256 private constant LOW128 = 0xffffffffffffffffffffffffffffffff;
    uint256 private constant HIGH128 = 0xffffffffffffffffffffffffffffffff00000000000000000000000000000000;
    uint256 private constant PAIR_MASK = 0x000000000000000000000000ffffffff000000000000000000000000ffffffff;
    /// @dev Largest dimension (keeps the 128-bit halves of `predict`'s sums from overflowing).
    uint256 private constant MAX_DIMENSION = 1 << 32;

    /// @notice Storage slots per class centroid: ceil(dimension / 8).
    uint256 public immutable slotsPerClass;

    /// @param classNames class names
    /// @param dimension number of input values
    /// @param dataCounts number of samples behind each initial centroid
    constructor(string[] memory classNames, uint256 dimension, uint64[] memory dataCounts)
        ClassifierBase(classNames, dimension, dimension)
    {
        if (dataCounts.length != classNames.length) {
            revert LengthMismatch(dataCounts.length, classNames.length);
        }
        if (dimension > MAX_DIMENSION) revert InvalidParameter("dimension", int256(dimension));
        slotsPerClass = (dimension + LANES32 - 1) / LANES32;
        for (uint256 c; c < dataCounts.length; ++c) {
            P.storeMeta(c, dataCounts[c], 0);
        }
    }

    /// @notice Write pre-encoded slot words (8 int32 lanes each, lane XOR 2^31, see PackedSlots) to
    /// centroid slots `startSlot ..` of the parameter array (class `c` occupies slots
    /// `c * slotsPerClass ..`, value `i` in slot `i / 8`, lane `i % 8`); each class's `||c||^2`
    /// follows, overwritten values included. A zero word leaves its slot untouched. Lanes past the
    /// last value of a class must encode 0. Deployer only, before `setTrainer`.
    /// @dev One SSTORE per word (~23,000 gas per new slot); invalid words revert
    /// `InvalidPackedWord`.
    /// @param startSlot first slot, relative to the parameter array
    /// @param words encoded slot words
    function initializePacked(uint256 startSlot, uint256[] calldata words) external onlyInitializer {
        uint256 numClasses = _numClasses;
        uint256 perClass = slotsPerClass;
        _checkChunk(startSlot, words.length, perClass * numClasses);
        uint256[] memory norms = new uint256[](numClasses);
        for (uint256 c; c < numClasses; ++c) {
            (, norms[c]) = P.loadMeta(c);
        }
        uint256 tailShift = (numFeatures % LANES32) * BITS32;
        uint256 bad; // slot index + 1 of the first invalid word
        // Solidity equivalent (`norms` is the memory array above, written within its bounds):
        //     for (uint256 k; k < words.length; ++k) {
        //         (uint256 w, uint256 j) = (words[k], startSlot + k);
        //         if (w == 0) continue;
        //         // (w - ONES32) & ~w & X32 != 0 iff some lane of w is zero (int32.min); lanes past the
        //         // end of a class's vector must decode to zero
        //         bool fault = (w - ONES32) & ~w & X32 != 0;
        //         if (j % perClass == perClass - 1 && tailShift != 0) fault = fault || (w ^ X32) >> tailShift != 0;
        //         if (fault) { bad = j + 1; break; }
        //         for (uint256 l; l < LANES32; ++l) norms[j / perClass] += (new lane l)^2 - (old lane l)^2;
        //         sstore(PARAMS_SLOT + j, w);
        //     }
        assembly ("memory-safe") {
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
                    let slot := add(PARAMS_SLOT, j)
                    let old := sload(slot)
                    if old { old := xor(old, X32) }
                    let q := add(add(norms, 0x20), shl(5, div(j, perClass)))
                    let acc := mload(q)
                    for { let sh := 0 } lt(sh, mul(LANES32, BITS32)) { sh := add(sh, BITS32) } {
                        let v := signextend(SIGN_BYTE32, shr(sh, plain))
                        let o := signextend(SIGN_BYTE32, shr(sh, old))
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
            (uint256 n, ) = P.loadMeta(c);
            P.storeMeta(c, n, norms[c]);
        }
        emit PackedInitialized(startSlot, words.length);
    }

    /// @notice Value `index` of class `classification`'s centroid (x 1e9).
    function centroid(uint256 classification, uint256 index) external view returns (int256) {
        if (classification >= _numClasses) revert ClassIndexOutOfRange(classification, _numClasses);
        _checkChunk(index, 1, numFeatures);
        uint256 slot = PARAMS_SLOT + classification * slotsPerClass + index / LANES32;
        return P.getI32(P.load32s(slot), index % LANES32);
    }

    /// @notice `(dataCount, squaredNorm)` of class `classification`'s centroid.
    function classInfo(uint256 classification) external view returns (uint256 n, uint256 norm) {
        if (classification >= _numClasses) revert ClassIndexOutOfRange(classification, _numClasses);
        return P.loadMeta(classification);
    }

    /// @inheritdoc IClassifier
    function predict(int64[] calldata data) external view returns (uint64) {
        _checkDimension(data.length);
        return _nearest(data, true);
    }

    /// @inheritdoc IClassifier
    /// @dev Skips the int64 and normalisation checks, about half of the pass over the values.
    function predictAccepted(int64[] calldata data) external view returns (uint64) {
        _checkDimension(data.length);
        return _nearest(data, false);
    }

    /// @inheritdoc IClassifier
    function update(int64[] calldata data, uint64 classification) external {
        _checkUpdate(classification);
        _checkDimension(data.length);
        (uint256 n, ) = P.loadMeta(classification);
        (uint256 norm, uint256 s, uint256 bad) =
            _move(data, PARAMS_SLOT + classification * slotsPerClass, n);
        _checkNorm(bad, s); // reverting undoes the move
        if (n == type(uint64).max) revert ClassCountOverflow(classification);
        P.storeMeta(classification, n + 1, norm);
        emit Updated(classification);
    }

    /// @dev The class minimising `||c||^2 - 2 x.c`, classes two at a time; with `check`, the first
    /// pass also checks the input (int64 words, normalisation).
    function _nearest(int64[] calldata data, bool check) private view returns (uint64 best) {
        uint256 numClasses = _numClasses;
        int256 bestScore = type(int256).max;
        for (uint256 c; c < numClasses; c += 2) {
            uint256 c1 = c + 1 < numClasses ? c + 1 : c;
            (int256 s0, int256 s1) = _pairScores(data, c, c1, check && c == 0);
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

    /// @dev Scores of classes `c0` and `c1`: `||c||^2 - 2 sum(u_i x_i)` with `u_i = c_i + 2^31` the
    /// stored lane, i.e. `||c||^2 - 2 x.c` shifted by `-2^32 sum(x_i)`, the same for every class.
    function _pairScores(int64[] calldata data, uint256 c0, uint256 c1, bool check)
        private
        view
        returns (int256 s0, int256 s1)
    {
        uint256 perClass = slotsPerClass;
        uint256 base0 = PARAMS_SLOT + c0 * perClass;
        uint256 base1 = PARAMS_SLOT + c1 * perClass;
        uint256 acc;
        if (check) {
            uint256 s;
            uint256 hi;
            (acc, s, hi) = _checkedDots(data, base0, base1);
            if (hi >> (OFFSET_BITS + 1) != 0) _revertBadDense(data);
            _checkNorm(0, s);
        } else {
            acc = _dots(data, base0, base1);
        }
        // acc = d0 + 2^128 d1 (mod 2^256) with |d0|, |d1| < n 2^63 <= 2^95
        int256 d0;
        int256 d1;
        // Solidity equivalent: d0 = int128(uint128(acc)); d1 = (int256(acc) - d0) >> HALF;
        assembly ("memory-safe") {
            d0 := signextend(HALF_SIGN_BYTE, acc)
            d1 := sar(HALF, sub(acc, d0))
        }
        (, uint256 norm) = P.loadMeta(c0);
        s0 = int256(norm) - 2 * d0;
        (, norm) = P.loadMeta(c1);
        s1 = int256(norm) - 2 * d1;
    }

    /// @dev `sum(u0_i x_i) + 2^128 sum(u1_i x_i)` (mod 2^256) over the centroid slots at `base0`
    /// and `base1`: each multiply takes a lane of both classes (`u` < 2^32, a never-written slot
    /// counting as zeros) against a signed value. Exact for |x_i| <= 2^31; no input checks (see
    /// `_checkedDots`).
    function _dots(int64[] calldata data, uint256 base0, uint256 base1) private view returns (uint256 acc) {
        // Solidity equivalent (here one slot, eight values, a step; lane k at bit 32 k):
        //     for (uint256 i; i < data.length; ++i) {
        //         // u0, u1: the stored (offset) lanes i % 8 of slots base0 + i / 8 and base1 + i / 8
        //         acc += (u0 + (u1 << HALF)) * uint256(int256(data[i])); // mod 2^256
        //     }
        assembly ("memory-safe") {
            let p := data.offset
            for { let end := add(p, shl(SLOT_STRIDE_LOG2, shr(LANES32_LOG2, data.length))) } lt(p, end) {} {
                let a := sload(base0)
                if iszero(a) { a := X32 }
                let up := sload(base1)
                if iszero(up) { up := X32 }
                // lanes 0..3 of class 0 | lanes 0..3 of class 1 << 128, then lanes 4..7
                let lo := or(and(a, LOW128), shl(HALF, up))
                up := or(shr(HALF, a), and(up, HIGH128))
                acc := add(acc, mul(and(lo, PAIR_MASK), calldataload(p)))
                acc := add(acc, mul(and(shr(32, lo), PAIR_MASK), calldataload(add(p, 0x20))))
                acc := add(acc, mul(and(shr(64, lo), PAIR_MASK), calldataload(add(p, 0x40))))
                acc := add(acc, mul(and(shr(96, lo), PAIR_MASK), calldataload(add(p, 0x60))))
                acc := add(acc, mul(and(up, PAIR_MASK), calldataload(add(p, 0x80))))
                acc := add(acc, mul(and(shr(32, up), PAIR_MASK), calldataload(add(p, 0xa0))))
                acc := add(acc, mul(and(shr(64, up), PAIR_MASK), calldataload(add(p, 0xc0))))
                acc := add(acc, mul(and(shr(96, up), PAIR_MASK), calldataload(add(p, 0xe0))))
                p := add(p, SLOT_STRIDE)
                base0 := add(base0, 1)
                base1 := add(base1, 1)
            }
            let end := add(data.offset, shl(5, data.length))
            if lt(p, end) {
                let lo := sload(base0)
                if iszero(lo) { lo := X32 }
                let up := sload(base1)
                if iszero(up) { up := X32 }
                for {} lt(p, end) { p := add(p, 0x20) } {
                    acc := add(acc, mul(or(and(lo, MASK32), shl(HALF, and(up, MASK32))), calldataload(p)))
                    lo := shr(BITS32, lo)
                    up := shr(BITS32, up)
                }
            }
        }
    }

    /// @dev `_dots` fused with the input checks: also returns `s = sum(x_i^2)` and `hi`, the OR of
    /// every `x_i + 2^31` (below 2^32 iff every x lies in [-2^31, 2^31), where `_dots` is exact).
    function _checkedDots(int64[] calldata data, uint256 base0, uint256 base1)
        private
        view
        returns (uint256 acc, uint256 s, uint256 hi)
    {
        // Solidity equivalent: `_dots`, and for every value x (the raw calldata word)
        //     hi |= uint256(x) + B31;
        //     s += uint256(x * x);
        assembly ("memory-safe") {
            let p := data.offset
            for { let end := add(p, shl(SLOT_STRIDE_LOG2, shr(LANES32_LOG2, data.length))) } lt(p, end) {} {
                let a := sload(base0)
                if iszero(a) { a := X32 }
                let up := sload(base1)
                if iszero(up) { up := X32 }
                let lo := or(and(a, LOW128), shl(HALF, up))
                up := or(shr(HALF, a), and(up, HIGH128))
                let x := calldataload(p)
                hi := or(hi, add(x, B31))
                s := add(s, mul(x, x))
                acc := add(acc, mul(and(lo, PAIR_MASK), x))
                x := calldataload(add(p, 0x20))
                hi := or(hi, add(x, B31))
                s := add(s, mul(x, x))
                acc := add(acc, mul(and(shr(32, lo), PAIR_MASK), x))
                x := calldataload(add(p, 0x40))
                hi := or(hi, add(x, B31))
                s := add(s, mul(x, x))
                acc := add(acc, mul(and(shr(64, lo), PAIR_MASK), x))
                x := calldataload(add(p, 0x60))
                hi := or(hi, add(x, B31))
                s := add(s, mul(x, x))
                acc := add(acc, mul(and(shr(96, lo), PAIR_MASK), x))
                x := calldataload(add(p, 0x80))
                hi := or(hi, add(x, B31))
                s := add(s, mul(x, x))
                acc := add(acc, mul(and(up, PAIR_MASK), x))
                x := calldataload(add(p, 0xa0))
                hi := or(hi, add(x, B31))
                s := add(s, mul(x, x))
                acc := add(acc, mul(and(shr(32, up), PAIR_MASK), x))
                x := calldataload(add(p, 0xc0))
                hi := or(hi, add(x, B31))
                s := add(s, mul(x, x))
                acc := add(acc, mul(and(shr(64, up), PAIR_MASK), x))
                x := calldataload(add(p, 0xe0))
                hi := or(hi, add(x, B31))
                s := add(s, mul(x, x))
                acc := add(acc, mul(and(shr(96, up), PAIR_MASK), x))
                p := add(p, SLOT_STRIDE)
                base0 := add(base0, 1)
                base1 := add(base1, 1)
            }
            let end := add(data.offset, shl(5, data.length))
            if lt(p, end) {
                let lo := sload(base0)
                if iszero(lo) { lo := X32 }
                let up := sload(base1)
                if iszero(up) { up := X32 }
                for {} lt(p, end) { p := add(p, 0x20) } {
                    let x := calldataload(p)
                    hi := or(hi, add(x, B31))
                    s := add(s, mul(x, x))
                    acc := add(acc, mul(or(and(lo, MASK32), shl(HALF, and(up, MASK32))), x))
                    lo := shr(BITS32, lo)
                    up := shr(BITS32, up)
                }
            }
        }
    }

    /// @dev Slow path of a dense input with a value outside [-2^31, 2^31): reverts `ValueNotInt64`
    /// if some word is not an int64, else `NotNormalized` (such a value alone makes `sum(x^2)` exceed
    /// 1e18 + 1e11).
    function _revertBadDense(int64[] calldata data) private pure {
        uint256 biased;
        uint256 s;
        // Solidity equivalent:
        //     for (uint256 i; i < data.length; ++i) {
        //         uint256 x = uint256(int256(data[i])); // the raw calldata word
        //         biased |= x + I64_BIAS;
        //         s += x * x;
        //     }
        assembly ("memory-safe") {
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
        // Solidity equivalent (here one slot, eight values, a step; lane k at bit 32 k):
        //     for (uint256 i; i < data.length; ++i) {
        //         int256 x = data[i]; // the raw calldata word
        //         bad |= uint256(x) + I64_BIAS;
        //         s += uint256(x * x);
        //         int256 v = (centroid[i] * int256(n) + x) / int256(n + 1); // sdiv truncates toward zero
        //         norm += uint256(v * v);
        //         centroid[i] = int32(v); // lane i % 8 of slot base + i / 8, stored XOR 2^31
        //     }
        assembly ("memory-safe") {
            let n1 := add(n, 1)
            let p := data.offset
            for { let full := add(p, mul(shr(LANES32_LOG2, data.length), SLOT_STRIDE)) } lt(p, full) {} {
                let w := sload(base)
                if w { w := xor(w, X32) }
                let out := 0
                {
                    let x0 := calldataload(p)
                    let x1 := calldataload(add(p, 0x20))
                    bad := or(bad, or(add(x0, I64_BIAS), add(x1, I64_BIAS)))
                    s := add(s, add(mul(x0, x0), mul(x1, x1)))
                    x0 := sdiv(add(mul(signextend(SIGN_BYTE32, w), n), x0), n1)
                    x1 := sdiv(add(mul(signextend(SIGN_BYTE32, shr(32, w)), n), x1), n1)
                    norm := add(norm, add(mul(x0, x0), mul(x1, x1)))
                    out := or(out, or(and(x0, MASK32), shl(32, and(x1, MASK32))))
                }
                {
                    let x0 := calldataload(add(p, 0x40))
                    let x1 := calldataload(add(p, 0x60))
                    bad := or(bad, or(add(x0, I64_BIAS), add(x1, I64_BIAS)))
                    s := add(s, add(mul(x0, x0), mul(x1, x1)))
                    x0 := sdiv(add(mul(signextend(SIGN_BYTE32, shr(64, w)), n), x0), n1)
                    x1 := sdiv(add(mul(signextend(SIGN_BYTE32, shr(96, w)), n), x1), n1)
                    norm := add(norm, add(mul(x0, x0), mul(x1, x1)))
                    out := or(out, or(shl(64, and(x0, MASK32)), shl(96, and(x1, MASK32))))
                }
                {
                    let x0 := calldataload(add(p, 0x80))
                    let x1 := calldataload(add(p, 0xa0))
                    bad := or(bad, or(add(x0, I64_BIAS), add(x1, I64_BIAS)))
                    s := add(s, add(mul(x0, x0), mul(x1, x1)))
                    x0 := sdiv(add(mul(signextend(SIGN_BYTE32, shr(128, w)), n), x0), n1)
                    x1 := sdiv(add(mul(signextend(SIGN_BYTE32, shr(160, w)), n), x1), n1)
                    norm := add(norm, add(mul(x0, x0), mul(x1, x1)))
                    out := or(out, or(shl(128, and(x0, MASK32)), shl(160, and(x1, MASK32))))
                }
                {
                    let x0 := calldataload(add(p, 0xc0))
                    let x1 := calldataload(add(p, 0xe0))
                    bad := or(bad, or(add(x0, I64_BIAS), add(x1, I64_BIAS)))
                    s := add(s, add(mul(x0, x0), mul(x1, x1)))
                    x0 := sdiv(add(mul(signextend(SIGN_BYTE32, shr(192, w)), n), x0), n1)
                    x1 := sdiv(add(mul(sar(224, w), n), x1), n1)
                    norm := add(norm, add(mul(x0, x0), mul(x1, x1)))
                    out := or(out, or(shl(192, and(x0, MASK32)), shl(224, and(x1, MASK32))))
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
                    let v := sdiv(add(mul(signextend(SIGN_BYTE32, shr(sh, w)), n), x), n1)
                    norm := add(norm, mul(v, v))
                    out := or(out, shl(sh, and(v, MASK32)))
                    sh := add(sh, BITS32)
                }
                sstore(base, xor(out, X32))
            }
        }
    }
}
