// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ClassifierBase} from "./ClassifierBase.sol";
import {IClassifier} from "../interfaces/IClassifier.sol";
import {
    PackedSlots as P,
    BITS32,
    BITS32_LOG2,
    LANES32,
    LANES32_LOG2,
    LANES32_MASK,
    MASK32,
    MAXU32,
    ONES32,
    PARAMS_SLOT,
    X32
} from "../libraries/PackedSlots.sol";

/// @title NaiveBayes
/// @notice Multinomial naive Bayes over sparse inputs (`data` = indices of the features present,
/// strictly increasing, at least one and at most `maxInputFeatures`: one contribution adds at
/// most one to each count). Score of class `c` with `n_c > 0`:
/// `n_c * prod_{f in data} (count[f][c] * 1e9 + alpha) / (total_c * 1e9 + alpha * numFeatures)`
/// computed as an exact integer float `(mantissa, exponent)`: the mantissa starts at `n_c` and is
/// kept in `[2^128, 2^192)` by shifting 64 bits at a time; each factor is applied as
/// `m = m * num / den` (truncating). Classes compare by `(exponent, mantissa)`; a class with
/// `n_c == 0` scores zero; ties go to the lowest class.
/// @dev Counts: uint32 x8 per slot (+1 offset) at flat index `feature * numClasses + class`, so one
/// feature's counts share a slot. Per class one metadata word at `META_SLOT + class`:
/// bits 0..63 `n_c`, bits 64..254 `total_c` (sum of the class's feature counts, below 2^64), bit
/// 255 marker (`PackedSlots.loadMeta` / `storeMeta`).
contract NaiveBayes is ClassifierBase {
    uint256 private constant MAX_CLASS_COUNT = type(uint64).max;
    uint256 private constant MAX_SMOOTHING = 1e18;
    uint256 private constant MAX_FEATURES = 1 << 32;
    /// @dev The score's mantissa is kept in `[MANTISSA_LOW, MANTISSA_HIGH)` = `[2^128, 2^192)` by
    /// shifting it `MANTISSA_STEP` bits at a time.
    uint256 private constant MANTISSA_STEP = 64;
    uint256 private constant MANTISSA_LOW = 0x100000000000000000000000000000000;
    uint256 private constant MANTISSA_HIGH = 0x1000000000000000000000000000000000000000000000000;

    /// @notice Smoothing factor alpha (x 1e9).
    uint256 public immutable smoothingFactor;
    /// @dev alpha * numFeatures, the smoothing part of every denominator.
    uint256 private immutable _alphaF;

    /// @param classNames class names
    /// @param classCounts number of samples seen per class (`n_c`)
    /// @param numFeatures_ exclusive upper bound of the input indices (at most 2^32)
    /// @param smoothingFactor_ alpha, x 1e9, in [1, 1e18]
    /// @param maxInputFeatures_ most indices one input may list, in `[1, numFeatures_]`
    constructor(
        string[] memory classNames,
        uint64[] memory classCounts,
        uint256 numFeatures_,
        uint256 smoothingFactor_,
        uint256 maxInputFeatures_
    ) ClassifierBase(classNames, numFeatures_, maxInputFeatures_) {
        if (classCounts.length != classNames.length) {
            revert LengthMismatch(classCounts.length, classNames.length);
        }
        if (smoothingFactor_ == 0 || smoothingFactor_ > MAX_SMOOTHING) {
            revert InvalidParameter("smoothingFactor", int256(smoothingFactor_));
        }
        if (numFeatures_ > MAX_FEATURES) revert InvalidParameter("numFeatures", int256(numFeatures_));
        smoothingFactor = smoothingFactor_;
        _alphaF = smoothingFactor_ * numFeatures_;
        for (uint256 c; c < classCounts.length; ++c) {
            P.storeMeta(c, classCounts[c], 0);
        }
    }

    /// @notice Write pre-encoded slot words (8 uint32 lanes each, lane = count + 1, see
    /// PackedSlots) to count slots `startSlot ..` (flat indices `8 * startSlot ..`, flat index =
    /// feature * numClasses + class); each class total follows, overwritten counts included. A zero
    /// word leaves its slot untouched (a slot never written reads as zero counts, so deployment
    /// need not write the all-zero slots). Lanes past the last count must encode 0. Deployer only,
    /// before `setTrainer`.
    /// @dev One SSTORE per non-zero word (~23,000 gas per new slot); invalid words revert
    /// `InvalidPackedWord`, totals above 2^64 - 1 `ClassCountOverflow`.
    /// @param startSlot first slot, relative to the count array
    /// @param words encoded slot words
    function initializePacked(uint256 startSlot, uint256[] calldata words) external onlyInitializer {
        uint256 numClasses = _numClasses;
        uint256 size = numFeatures * numClasses;
        uint256 numSlots = (size + LANES32 - 1) / LANES32;
        _checkChunk(startSlot, words.length, numSlots);
        uint256[] memory totals = new uint256[](numClasses);
        for (uint256 c; c < numClasses; ++c) {
            (, totals[c]) = P.loadMeta(c);
        }
        uint256 tailShift = (size % LANES32) * BITS32;
        uint256 bad; // slot index + 1 of the first invalid word
        // Solidity equivalent (`totals` is the memory array above, written within its bounds):
        //     for (uint256 k; k < words.length; ++k) {
        //         (uint256 w, uint256 j) = (words[k], startSlot + k);
        //         if (w == 0) continue;
        //         // (w - ONES32) & ~w & X32 != 0 iff some lane of w is zero (count -1); lanes past
        //         // the last count must decode to zero
        //         bool fault = (w - ONES32) & ~w & X32 != 0;
        //         if (j == numSlots - 1 && tailShift != 0) fault = fault || (w - ONES32) >> tailShift != 0;
        //         if (fault) { bad = j + 1; break; }
        //         for (uint256 l; l < LANES32; ++l) { // flat index 8 j + l
        //             totals[(LANES32 * j + l) % numClasses] += (new count l) - (old count l);
        //         }
        //         sstore(PARAMS_SLOT + j, w);
        //     }
        assembly ("memory-safe") {
            let t := add(totals, 0x20)
            let slot := add(PARAMS_SLOT, startSlot)
            let last := add(PARAMS_SLOT, sub(numSlots, 1))
            let p := words.offset
            for { let end := add(p, shl(5, words.length)) } lt(p, end) { p := add(p, 0x20) } {
                let w := calldataload(p)
                if w {
                    // a zero lane would be count -1
                    let fault := and(and(sub(w, ONES32), not(w)), X32)
                    let plain := sub(w, ONES32)
                    if and(eq(slot, last), iszero(iszero(tailShift))) {
                        fault := or(fault, shr(tailShift, plain))
                    }
                    if fault {
                        bad := add(sub(slot, PARAMS_SLOT), 1)
                        break
                    }
                    let old := sload(slot)
                    if old { old := sub(old, ONES32) }
                    let c := mod(shl(LANES32_LOG2, sub(slot, PARAMS_SLOT)), numClasses)
                    for { let sh := 0 } lt(sh, mul(LANES32, BITS32)) { sh := add(sh, BITS32) } {
                        let q := add(t, shl(5, c))
                        mstore(
                            q,
                            sub(
                                add(mload(q), and(shr(sh, plain), MASK32)),
                                and(shr(sh, old), MASK32)
                            )
                        )
                        c := add(c, 1)
                        if eq(c, numClasses) { c := 0 }
                    }
                    sstore(slot, w)
                }
                slot := add(slot, 1)
            }
        }
        if (bad != 0) revert InvalidPackedWord(bad - 1, words[bad - 1 - startSlot]);
        for (uint256 c; c < numClasses; ++c) {
            if (totals[c] > MAX_CLASS_COUNT) revert ClassCountOverflow(uint64(c));
            (uint256 n, ) = P.loadMeta(c);
            P.storeMeta(c, n, totals[c]);
        }
        emit PackedInitialized(startSlot, words.length);
    }

    /// @notice Count of `feature` in class `classification`.
    function featureCount(uint256 feature, uint256 classification) external view returns (uint256) {
        uint256 i = feature * _numClasses + classification;
        _checkChunk(i, 1, numFeatures * _numClasses);
        return P.getU32(P.load32u(PARAMS_SLOT + i / LANES32), i % LANES32);
    }

    /// @notice `(n_c, total_c)`: samples seen and sum of feature counts of class `classification`.
    function classCounts(uint256 classification) external view returns (uint256 n, uint256 total) {
        if (classification >= _numClasses) revert ClassIndexOutOfRange(classification, _numClasses);
        return P.loadMeta(classification);
    }

    /// @inheritdoc IClassifier
    function predict(int64[] calldata data) external view returns (uint64) {
        _checkSparse(data);
        return _predict(data);
    }

    /// @inheritdoc IClassifier
    /// @dev Skips `_checkSparse`.
    function predictAccepted(int64[] calldata data) external view returns (uint64) {
        return _predict(data);
    }

    /// @dev The prediction for checked `data`.
    function _predict(int64[] calldata data) private view returns (uint64 best) {
        uint256 numClasses = _numClasses;
        int256 bestE = type(int256).min;
        uint256 bestM;
        for (uint256 c; c < numClasses; ) {
            (uint256 m, int256 e) = _score(data, c, numClasses);
            if (m != 0 && (e > bestE || (e == bestE && m > bestM))) {
                best = uint64(c);
                bestE = e;
                bestM = m;
            }
            unchecked {
                ++c;
            }
        }
    }

    /// @inheritdoc IClassifier
    function update(int64[] calldata data, uint64 classification) external {
        _checkUpdate(classification);
        _checkSparse(data);
        uint256 numClasses = _numClasses;
        (uint256 n, uint256 total) = P.loadMeta(classification);
        uint256 len = data.length;
        if (n + 1 > MAX_CLASS_COUNT || total + len > MAX_CLASS_COUNT) {
            revert ClassCountOverflow(classification);
        }
        P.storeMeta(classification, n + 1, total + len);
        for (uint256 j; j < len; ) {
            uint256 i = uint256(int256(data[j])) * numClasses + classification;
            uint256 slot = PARAMS_SLOT + i / LANES32;
            uint256 plain = P.load32u(slot);
            uint256 v = P.getU32(plain, i % LANES32) + 1;
            if (v > MAXU32) revert ParameterOverflow(i, int256(v));
            P.store32u(slot, P.set32(plain, i % LANES32, v));
            unchecked {
                ++j;
            }
        }
        emit Updated(classification);
    }

    /// @dev The score of class `c` as `(mantissa, exponent)`; mantissa 0 means score 0.
    function _score(int64[] calldata data, uint256 c, uint256 numClasses)
        private
        view
        returns (uint256 m, int256 e)
    {
        (uint256 n, uint256 total) = P.loadMeta(c);
        if (n == 0) return (0, 0);
        uint256 alpha = smoothingFactor;
        uint256 den = total * TO_FLOAT + _alphaF;
        m = n;
        (m, e) = _normalize(m, 0);
        // Solidity equivalent:
        //     for (uint256 k; k < data.length; ++k) {
        //         uint256 i = uint256(int256(data[k])) * numClasses + c;
        //         m = m * (count[i] * TO_FLOAT + alpha) / den; // count: lane i % 8 of slot PARAMS_SLOT + i / 8
        //         (m, e) = _normalize(m, e);
        //     }
        assembly ("memory-safe") {
            let end := add(data.offset, shl(5, data.length))
            for { let p := data.offset } lt(p, end) { p := add(p, 0x20) } {
                let i := add(mul(calldataload(p), numClasses), c)
                let raw := sload(add(PARAMS_SLOT, shr(LANES32_LOG2, i)))
                let count := 0
                if raw { count := and(shr(shl(BITS32_LOG2, and(i, LANES32_MASK)), sub(raw, ONES32)), MASK32) }
                // m < 2^192 and count * 1e9 + alpha < 2^63: no overflow; den > 0.
                m := div(mul(m, add(mul(count, TO_FLOAT), alpha)), den)
                for {} lt(m, MANTISSA_LOW) {} {
                    m := shl(MANTISSA_STEP, m)
                    e := sub(e, MANTISSA_STEP)
                }
                for {} iszero(lt(m, MANTISSA_HIGH)) {} {
                    m := shr(MANTISSA_STEP, m)
                    e := add(e, MANTISSA_STEP)
                }
            }
        }
    }

    /// @dev Shift `m` (non-zero) into `[2^128, 2^192)` by multiples of 64 bits.
    function _normalize(uint256 m, int256 e) private pure returns (uint256, int256) {
        unchecked {
            while (m < MANTISSA_LOW) {
                m <<= MANTISSA_STEP;
                e -= int256(MANTISSA_STEP);
            }
            while (m >= MANTISSA_HIGH) {
                m >>= MANTISSA_STEP;
                e += int256(MANTISSA_STEP);
            }
        }
        return (m, e);
    }
}
