// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ClassifierBase} from "./ClassifierBase.sol";
import {IClassifier} from "../interfaces/IClassifier.sol";
import {PackedSlots as P} from "../libraries/PackedSlots.sol";

/// @title SparsePerceptron
/// @notice Binary perceptron over sparse binary inputs: `data` lists the indices of the features
/// present. `m = intercept + sum(weights[i] for i in data)`; predicts 1 iff `m > 0`. On a wrong
/// prediction each listed index gets `+learningRate` (label 1) or `-learningRate` (label 0).
/// Indices may come in any order and may repeat: every occurrence counts, in the margin and in
/// the update.
/// @dev Weights: int64 x4 per slot at `PARAMS_SLOT + i / 4`, lane `i % 4` (see PackedSlots).
contract SparsePerceptron is ClassifierBase {
    uint256 private constant LANES = 4;
    uint256 private constant NUM_PERCEPTRON_CLASSES = 2;
    // Literal copies of PackedSlots constants, for inline assembly.
    uint256 private constant X64 = 0x8000000000000000800000000000000080000000000000008000000000000000;
    uint256 private constant PARAMS = 0xa116eccbdf58ce95d147d0972cecb4098c3ae2c8e920a6f7880449042e90728e;
    uint256 private constant MAX64 = 0x7fffffffffffffff;
    uint256 private constant MASK64 = 0xffffffffffffffff;
    /// @dev Lowest bit of every 64-bit lane (for the zero-lane test).
    uint256 private constant ONES64 = 0x0000000000000001000000000000000100000000000000010000000000000001;

    /// @notice Intercept (x 1e9).
    int64 public immutable intercept;
    /// @notice Learning rate (x 1e9), added to or subtracted from a weight per occurrence.
    int64 public immutable learningRate;

    /// @notice Emitted for each initialisation chunk.
    event WeightsInitialized(uint256 startIndex, uint256 count);

    /// @param classNames exactly two class names (index 0 is the "negative" class)
    /// @param numFeatures_ exclusive upper bound of the input indices
    /// @param intercept_ intercept, x 1e9
    /// @param learningRate_ learning rate, x 1e9, positive
    constructor(
        string[] memory classNames,
        uint256 numFeatures_,
        int64 intercept_,
        int64 learningRate_
    ) ClassifierBase(classNames, numFeatures_) {
        if (classNames.length != NUM_PERCEPTRON_CLASSES) {
            revert WrongNumberOfClasses(classNames.length, NUM_PERCEPTRON_CLASSES);
        }
        if (learningRate_ <= 0) revert InvalidParameter("learningRate", learningRate_);
        intercept = intercept_;
        learningRate = learningRate_;
    }

    /// @notice Set weights `startIndex ..` to `values` (x 1e9). Owner only, before `finalize`.
    /// @dev Deployment should write every weight (zeros included) so that no update ever pays for a
    /// zero to non-zero SSTORE. A chunk of 500 weights costs about 3.1M gas.
    function initializeWeights(uint256 startIndex, int64[] calldata values) external onlyInitializer {
        _checkChunk(startIndex, values.length, numFeatures);
        for (uint256 j; j < values.length; ++j) {
            int64 v = values[j];
            if (v == type(int64).min) revert ValueOutOfRange(startIndex + j, v);
            uint256 i = startIndex + j;
            uint256 slot = P.PARAMS_SLOT + i / LANES;
            P.store64(slot, P.set64(P.load64(slot), i % LANES, uint256(int256(v))));
        }
        emit WeightsInitialized(startIndex, values.length);
    }

    /// @notice Write pre-encoded slot words (4 int64 lanes each, lane XOR 2^63, see PackedSlots)
    /// to weight slots `startSlot ..` (weights `4 * startSlot ..`); a zero word leaves its slot
    /// untouched (a slot never written reads as four zero weights). Owner only, before `finalize`.
    /// @dev One SSTORE per word; ~22,600 gas per new slot. Lanes equal to 0 (int64.min) revert
    /// `InvalidPackedWord`.
    /// @param startSlot first slot, relative to the weight array
    /// @param words encoded slot words
    function initializePacked(uint256 startSlot, uint256[] calldata words) external onlyInitializer {
        _checkChunk(startSlot, words.length, (numFeatures + LANES - 1) / LANES);
        uint256 bad; // slot index + 1 of the first invalid word
        assembly {
            let slot := add(PARAMS, startSlot)
            let p := words.offset
            for { let end := add(p, shl(5, words.length)) } lt(p, end) { p := add(p, 0x20) } {
                let w := calldataload(p)
                if w {
                    // some lane is zero iff (w - ONES) & ~w & HIGHS != 0
                    if and(and(sub(w, ONES64), not(w)), X64) {
                        bad := add(sub(slot, PARAMS), 1)
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
        uint256 i = _sparseIndex(index, numFeatures);
        return int64(P.getI64(P.load64(P.PARAMS_SLOT + i / LANES), i % LANES));
    }

    /// @inheritdoc IClassifier
    function predict(int64[] calldata data) external view returns (uint64) {
        return _margin(data) > 0 ? 1 : 0;
    }

    /// @inheritdoc IClassifier
    function update(int64[] calldata data, uint64 classification) external {
        _checkUpdate(classification);
        uint64 predicted = _margin(data) > 0 ? 1 : 0;
        if (predicted == classification) return;
        int256 delta = classification == 1 ? int256(learningRate) : -int256(learningRate);
        uint256 badIndex; // index + 1 of the first weight leaving the range
        int256 badValue;
        assembly {
            let p := data.offset
            let end := add(p, shl(5, data.length))
            for {} lt(p, end) { p := add(p, 0x20) } {
                let i := calldataload(p) // validated by _margin
                let slot := add(PARAMS, shr(2, i))
                let plain := sload(slot)
                if plain { plain := xor(plain, X64) }
                let sh := shl(6, and(i, 3))
                let v := add(signextend(7, shr(sh, plain)), delta)
                if and(iszero(badIndex), or(sgt(v, MAX64), slt(v, sub(0, MAX64)))) {
                    badIndex := add(i, 1)
                    badValue := v
                }
                plain := or(and(plain, not(shl(sh, MASK64))), shl(sh, and(v, MASK64)))
                sstore(slot, xor(plain, X64))
            }
        }
        if (badIndex != 0) revert ParameterOverflow(badIndex - 1, badValue);
        emit Updated(classification);
    }

    /// @dev `intercept + sum(weights[i])`, validating every index. Two indices a step; sums the
    /// stored (offset) lanes and removes the offset once per written slot read instead of decoding
    /// every lane (a slot never written reads as zeros and carries no offset).
    function _margin(int64[] calldata data) private view returns (int256 m) {
        uint256 n = numFeatures;
        m = intercept;
        bool bad;
        assembly {
            let p := data.offset
            let end := add(p, shl(5, data.length))
            // sum of the stored lanes (< 2^64 each) minus 2^63 per written slot read
            let sum := 0
            for { let pairsEnd := sub(end, shl(5, and(data.length, 1))) } lt(p, pairsEnd) { p := add(p, 0x40) } {
                let i := calldataload(p)
                let j := calldataload(add(p, 0x20))
                // one unsigned comparison each rejects negatives and malformed words as well
                if iszero(and(lt(i, n), lt(j, n))) {
                    bad := 1
                    break
                }
                let a := sload(add(PARAMS, shr(2, i)))
                let b := sload(add(PARAMS, shr(2, j)))
                sum := add(
                    sum,
                    sub(
                        add(and(shr(shl(6, and(i, 3)), a), MASK64), and(shr(shl(6, and(j, 3)), b), MASK64)),
                        shl(63, add(gt(a, 0), gt(b, 0)))
                    )
                )
            }
            if and(iszero(bad), lt(p, end)) {
                let i := calldataload(p)
                bad := iszero(lt(i, n))
                if iszero(bad) {
                    let a := sload(add(PARAMS, shr(2, i)))
                    sum := add(sum, sub(and(shr(shl(6, and(i, 3)), a), MASK64), shl(63, gt(a, 0))))
                }
            }
            m := add(m, sum)
        }
        if (bad) {
            for (uint256 k; k < data.length; ++k) {
                _sparseIndex(data[k], n); // reverts with IndexOutOfRange at the first bad index
            }
        }
    }
}
