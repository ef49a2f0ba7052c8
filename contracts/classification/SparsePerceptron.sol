// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {PerceptronBase} from "./PerceptronBase.sol";
import {
    BIAS48,
    BIAS48_BIT,
    BITS48,
    LANES48,
    MASK48,
    MAX48,
    ONES48,
    PACKED_BITS,
    PARAMS_SLOT,
    SIGN_BYTE48,
    X48
} from "../libraries/PackedSlots.sol";

/// @title SparsePerceptron
/// @notice Binary perceptron over sparse binary inputs: `data` lists the indices of the features
/// present. `m = intercept + sum(weights[i] for i in data)`; predicts 1 iff `m > 0`. On a wrong
/// prediction each listed index gets `+learningRate` (label 1) or `-learningRate` (label 0).
/// Indices must be strictly increasing (sorted, no duplicates), at least one and at most
/// `maxInputFeatures`: one contribution moves each weight by one step at most, and its claims
/// cost no more than it did.
/// Weights are int48: `|w| <= 2^47 - 1` (about 140,737 in real units, 281,474 updates at a
/// learning rate of 0.5); an update leaving that range reverts `ParameterOverflow`.
/// @dev Weights: int48 x5 per slot at `PARAMS_SLOT + i / 5`, lane `i % 5` in bits
/// `[48 * lane, 48 * lane + 48)`, stored XOR 2^47 per lane (int48.min is never stored), bits
/// 240..255 zero. Five lanes rather than four int64 ones: 200 slots instead of 250 for 1,000
/// weights (-1.1M gas at deployment); the lane arithmetic costs ~6 gas more per index.
contract SparsePerceptron is PerceptronBase {
    /// @notice Emitted for each initialisation chunk.
    event WeightsInitialized(uint256 startIndex, uint256 count);

    /// @param classNames exactly two class names (index 0 is the "negative" class)
    /// @param numFeatures_ exclusive upper bound of the input indices
    /// @param intercept_ intercept, x 1e9
    /// @param learningRate_ learning rate, x 1e9, positive
    /// @param maxInputFeatures_ most indices one input may list, in `[1, numFeatures_]`
    constructor(
        string[] memory classNames,
        uint256 numFeatures_,
        int64 intercept_,
        int64 learningRate_,
        uint256 maxInputFeatures_
    ) PerceptronBase(classNames, numFeatures_, maxInputFeatures_, intercept_, learningRate_) {}

    /// @notice Set weights `startIndex ..` to `values` (x 1e9, each within +-(2^47 - 1)). Deployer
    /// only, before `setTrainer`.
    /// @dev One read-modify-write per value; `initializePacked` is the cheap way (one SSTORE a slot).
    function initializeWeights(uint256 startIndex, int64[] calldata values) external onlyInitializer {
        _checkChunk(startIndex, values.length, numFeatures);
        for (uint256 j; j < values.length; ++j) {
            int64 v = values[j];
            if (v > int256(MAX48) || v < -int256(MAX48)) revert ValueOutOfRange(startIndex + j, v);
            (uint256 slot, uint256 shift) = _lane(startIndex + j);
            // Solidity equivalent (a never-written slot counts as X48, five zero weights):
            //     uint256 word = sload(slot) == 0 ? X48 : sload(slot);
            //     word = word & ~(MASK48 << shift) | (uint256(v + BIAS48) & MASK48) << shift;
            //     sstore(slot, word);
            assembly ("memory-safe") {
                let word := sload(slot)
                if iszero(word) { word := X48 }
                word := or(and(word, not(shl(shift, MASK48))), shl(shift, and(add(v, BIAS48), MASK48)))
                sstore(slot, word)
            }
        }
        emit WeightsInitialized(startIndex, values.length);
    }

    /// @notice Write pre-encoded slot words (5 int48 lanes each, lane XOR 2^47, bits 240..255 zero)
    /// to weight slots `startSlot ..` (weights `5 * startSlot ..`); a zero word leaves its slot
    /// untouched (a slot never written reads as five zero weights). Deployer only, before `setTrainer`.
    /// @dev One SSTORE per word; ~22,600 gas per new slot. A lane equal to 0 (int48.min) or a
    /// non-zero bit above 240 reverts `InvalidPackedWord`.
    /// @param startSlot first slot, relative to the weight array
    /// @param words encoded slot words
    function initializePacked(uint256 startSlot, uint256[] calldata words) external onlyInitializer {
        _checkChunk(startSlot, words.length, (numFeatures + LANES48 - 1) / LANES48);
        uint256 bad; // slot index + 1 of the first invalid word
        // Solidity equivalent:
        //     for (uint256 k; k < words.length; ++k) {
        //         uint256 w = words[k];
        //         if (w == 0) continue;
        //         // (w - ONES48) & ~w & X48 != 0 iff some 48-bit lane of w is zero (int48.min)
        //         if (w >> PACKED_BITS != 0 || (w - ONES48) & ~w & X48 != 0) { bad = startSlot + k + 1; break; }
        //         sstore(PARAMS_SLOT + startSlot + k, w);
        //     }
        assembly ("memory-safe") {
            let slot := add(PARAMS_SLOT, startSlot)
            let p := words.offset
            for { let end := add(p, shl(5, words.length)) } lt(p, end) { p := add(p, 0x20) } {
                let w := calldataload(p)
                if w {
                    // some lane is zero iff (w - ONES) & ~w & HIGHS != 0
                    if or(shr(PACKED_BITS, w), and(and(sub(w, ONES48), not(w)), X48)) {
                        bad := add(sub(slot, PARAMS_SLOT), 1)
                        break
                    }
                    sstore(slot, w)
                }
                slot := add(slot, 1)
            }
        }
        if (bad != 0) revert InvalidPackedWord(bad - 1, words[bad - 1 - startSlot]);
        emit PackedInitialized(startSlot, words.length);
    }

    /// @notice Weight `index` (x 1e9).
    function weights(int64 index) external view returns (int64) {
        (uint256 slot, uint256 shift) = _lane(_sparseIndex(index, numFeatures));
        int64 w;
        // Solidity equivalent: w = sload(slot) == 0 ? 0 : int48(uint48((sload(slot) ^ X48) >> shift));
        assembly ("memory-safe") {
            let word := sload(slot)
            if word { w := signextend(SIGN_BYTE48, shr(shift, xor(word, X48))) }
        }
        return w;
    }

    /// @dev Adds `delta` to the weight of every listed index (unique, checked by `_margin`; see
    /// `PerceptronBase._apply`).
    function _apply(int64[] calldata data, int256 delta)
        internal
        override
        returns (uint256 badIndex, int256 badValue)
    {
        // Solidity equivalent:
        //     for (uint256 k; k < data.length; ++k) {
        //         uint256 i = uint256(int256(data[k]));
        //         int256 v = weight[i] + delta; // lane i % 5 of slot PARAMS_SLOT + i / 5, decoded
        //         if (badIndex == 0 && (v > MAX48 || v < -MAX48)) (badIndex, badValue) = (i + 1, v);
        //         weight[i] = int48(v); // stored XOR 2^47
        //     }
        assembly ("memory-safe") {
            let p := data.offset
            let end := add(p, shl(5, data.length))
            for {} lt(p, end) { p := add(p, 0x20) } {
                let i := calldataload(p) // validated by _margin
                let slot := add(PARAMS_SLOT, div(i, LANES48))
                let plain := sload(slot)
                if plain { plain := xor(plain, X48) }
                let sh := mul(BITS48, mod(i, LANES48))
                let v := add(signextend(SIGN_BYTE48, shr(sh, plain)), delta)
                if and(iszero(badIndex), or(sgt(v, MAX48), slt(v, sub(0, MAX48)))) {
                    badIndex := add(i, 1)
                    badValue := v
                }
                plain := or(and(plain, not(shl(sh, MASK48))), shl(sh, and(v, MASK48)))
                sstore(slot, xor(plain, X48))
            }
        }
    }

    /// @dev Slot and bit offset of weight `i`.
    function _lane(uint256 i) private pure returns (uint256 slot, uint256 shift) {
        slot = PARAMS_SLOT + i / LANES48;
        shift = (i % LANES48) * BITS48;
    }

    /// @dev `intercept + sum(weights[i])`, validating the input: length (`_checkSparseLength`),
    /// then every index in range and above the one before, checked inside the summing loop.
    function _margin(int64[] calldata data) internal view override returns (int256 m) {
        _checkSparseLength(data.length);
        bool bad;
        (m, bad) = _sum(data);
        if (bad) _revertBadSparse(data, numFeatures);
    }

    /// @dev `_sum` without the checks (`update` made them), for the claims: a copy of its loop
    /// without the comparisons, ~30 gas a pair cheaper on every refund and report.
    function _marginAccepted(int64[] calldata data) internal view override returns (int256 m) {
        m = intercept;
        // Solidity equivalent: as `_sum`, without `bad` and `next`.
        assembly ("memory-safe") {
            let p := data.offset
            let end := add(p, shl(5, data.length))
            let sum := 0
            for { let pairsEnd := sub(end, shl(5, and(data.length, 1))) } lt(p, pairsEnd) { p := add(p, 0x40) } {
                let i := calldataload(p)
                let j := calldataload(add(p, 0x20))
                let a := sload(add(PARAMS_SLOT, div(i, LANES48)))
                let b := sload(add(PARAMS_SLOT, div(j, LANES48)))
                sum := add(
                    sum,
                    sub(
                        add(
                            and(shr(mul(BITS48, mod(i, LANES48)), a), MASK48),
                            and(shr(mul(BITS48, mod(j, LANES48)), b), MASK48)
                        ),
                        shl(BIAS48_BIT, add(gt(a, 0), gt(b, 0)))
                    )
                )
            }
            if lt(p, end) {
                let i := calldataload(p)
                let a := sload(add(PARAMS_SLOT, div(i, LANES48)))
                sum := add(sum, sub(and(shr(mul(BITS48, mod(i, LANES48)), a), MASK48), shl(BIAS48_BIT, gt(a, 0))))
            }
            m := add(m, sum)
        }
    }

    /// @dev `intercept + sum(weights[i])` and whether some index is out of range or not above the
    /// one before (then `m` is meaningless). Two indices a step; sums the stored (offset) lanes and
    /// removes the offset once per written slot read instead of decoding every lane (a slot never
    /// written reads as zeros and carries no offset). The checks do not branch: a few comparisons
    /// a pair, OR-ed into `bad`.
    function _sum(int64[] calldata data) private view returns (int256 m, bool bad) {
        uint256 n = numFeatures;
        m = intercept;
        // Solidity equivalent (here two indices a step, the offset removed once per slot read):
        //     uint256 next; // the smallest index allowed at this position
        //     for (uint256 k; k < data.length; ++k) {
        //         uint256 i = uint256(data word k); // a negative or malformed word is >= n
        //         bad = bad || i >= n || i < next;
        //         next = i + 1;
        //         m += weight[i]; // lane i % 5 of slot PARAMS_SLOT + i / 5, decoded
        //     }
        assembly ("memory-safe") {
            let p := data.offset
            let end := add(p, shl(5, data.length))
            // sum of the stored lanes (< 2^48 each) minus 2^47 per written slot read
            let sum := 0
            let next := 0
            for { let pairsEnd := sub(end, shl(5, and(data.length, 1))) } lt(p, pairsEnd) { p := add(p, 0x40) } {
                let i := calldataload(p)
                let j := calldataload(add(p, 0x20))
                // next <= i < j < n, unsigned
                bad := or(bad, or(or(lt(i, next), iszero(gt(j, i))), iszero(lt(j, n))))
                next := add(j, 1)
                let a := sload(add(PARAMS_SLOT, div(i, LANES48)))
                let b := sload(add(PARAMS_SLOT, div(j, LANES48)))
                sum := add(
                    sum,
                    sub(
                        add(
                            and(shr(mul(BITS48, mod(i, LANES48)), a), MASK48),
                            and(shr(mul(BITS48, mod(j, LANES48)), b), MASK48)
                        ),
                        shl(BIAS48_BIT, add(gt(a, 0), gt(b, 0)))
                    )
                )
            }
            if lt(p, end) {
                let i := calldataload(p)
                bad := or(bad, or(lt(i, next), iszero(lt(i, n))))
                let a := sload(add(PARAMS_SLOT, div(i, LANES48)))
                sum := add(sum, sub(and(shr(mul(BITS48, mod(i, LANES48)), a), MASK48), shl(BIAS48_BIT, gt(a, 0))))
            }
            m := add(m, sum)
        }
    }
}
