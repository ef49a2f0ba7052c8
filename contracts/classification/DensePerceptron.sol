// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ClassifierBase} from "./ClassifierBase.sol";
import {IClassifier} from "../interfaces/IClassifier.sol";
import {PackedSlots as P} from "../libraries/PackedSlots.sol";

/// @title DensePerceptron
/// @notice Binary perceptron over dense L2-normalised inputs (x 1e9).
/// `m = intercept * 1e9 + sum(w_i * x_i)` (all on the 1e18 scale); predicts 1 iff `m > 0`.
/// On a wrong prediction `w_i += sign * ((x_i * learningRate) / 1e9)` with the division truncating
/// toward zero (sign +1 for label 1, -1 for label 0).
/// @dev Weights: int64 x4 per slot at `PARAMS_SLOT + i / 4`, lane `i % 4` (see PackedSlots).
contract DensePerceptron is ClassifierBase {
    uint256 private constant LANES = 4;
    uint256 private constant NUM_PERCEPTRON_CLASSES = 2;
    // Literal copies of PackedSlots constants, for inline assembly.
    uint256 private constant X64 = 0x8000000000000000800000000000000080000000000000008000000000000000;
    uint256 private constant PARAMS = 0xa116eccbdf58ce95d147d0972cecb4098c3ae2c8e920a6f7880449042e90728e;
    uint256 private constant MAX64 = 0x7fffffffffffffff;

    /// @notice Intercept (x 1e9); the margin uses `intercept * 1e9`.
    int64 public immutable intercept;
    /// @notice Learning rate (x 1e9).
    int64 public immutable learningRate;

    /// @notice Emitted for each initialisation chunk.
    event WeightsInitialized(uint256 startIndex, uint256 count);

    /// @param classNames exactly two class names (index 0 is the "negative" class)
    /// @param dimension number of input values
    /// @param intercept_ intercept, x 1e9
    /// @param learningRate_ learning rate, x 1e9, positive
    constructor(
        string[] memory classNames,
        uint256 dimension,
        int64 intercept_,
        int64 learningRate_
    ) ClassifierBase(classNames, dimension) {
        if (classNames.length != NUM_PERCEPTRON_CLASSES) {
            revert WrongNumberOfClasses(classNames.length, NUM_PERCEPTRON_CLASSES);
        }
        if (learningRate_ <= 0) revert InvalidParameter("learningRate", learningRate_);
        intercept = intercept_;
        learningRate = learningRate_;
    }

    /// @notice Set weights `startIndex ..` to `values` (x 1e9). Owner only, before `finalize`.
    /// @dev Deployment should write every weight (zeros included). 500 weights cost about 3.1M gas.
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

    /// @notice Weight `index` (x 1e9).
    function weights(uint256 index) external view returns (int64) {
        _checkChunk(index, 1, numFeatures);
        return int64(P.getI64(P.load64(P.PARAMS_SLOT + index / LANES), index % LANES));
    }

    /// @inheritdoc IClassifier
    function predict(int64[] calldata data) external view returns (uint64) {
        _checkDense(data);
        return _margin(data) > 0 ? 1 : 0;
    }

    /// @inheritdoc IClassifier
    function update(int64[] calldata data, uint64 classification) external {
        _checkUpdate(classification);
        _checkDense(data);
        uint64 predicted = _margin(data) > 0 ? 1 : 0;
        if (predicted == classification) return;
        int256 lr = classification == 1 ? int256(learningRate) : -int256(learningRate);
        (uint256 badIndex, int256 badValue) = _apply(data, lr);
        if (badIndex != 0) revert ParameterOverflow(badIndex - 1, badValue);
        emit Updated(classification);
    }

    /// @dev Add `trunc(x_i * lr / 1e9)` to every weight; returns `index + 1` and the value of the
    /// first weight that leaves the int64 range (0 if none). `x` is taken as 0 past the vector's end.
    function _apply(int64[] calldata data, int256 lr)
        private
        returns (uint256 badIndex, int256 badValue)
    {
        uint256 n = data.length;
        assembly {
            for { let i := 0 } lt(i, n) { i := add(i, 4) } {
                let plain := sload(add(PARAMS, shr(2, i)))
                if plain { plain := xor(plain, X64) }
                let out := 0
                for { let l := 0 } lt(l, 4) { l := add(l, 1) } {
                    let v := add(
                        signextend(7, shr(shl(6, l), plain)),
                        sdiv(
                            mul(
                                mul(calldataload(add(data.offset, shl(5, add(i, l)))), lt(add(i, l), n)),
                                lr
                            ),
                            1000000000
                        )
                    )
                    if and(iszero(badIndex), or(sgt(v, MAX64), slt(v, sub(0, MAX64)))) {
                        badIndex := add(add(i, l), 1)
                        badValue := v
                    }
                    out := or(out, shl(shl(6, l), and(v, 0xffffffffffffffff)))
                }
                sstore(add(PARAMS, shr(2, i)), xor(out, X64))
            }
        }
    }

    /// @dev `intercept * 1e9 + sum(w_i * x_i)`; `data` must have passed `_checkDense`.
    function _margin(int64[] calldata data) private view returns (int256 m) {
        m = int256(intercept) * TO_FLOAT;
        uint256 n = data.length;
        uint256 base = P.PARAMS_SLOT;
        assembly {
            let p := data.offset
            let end := add(p, shl(5, n))
            let slot := base
            // lanes past the end of the vector hold weight 0, so what lies beyond does not matter
            for {} lt(p, end) {} {
                let raw := sload(slot)
                if raw {
                    let w := xor(raw, X64)
                    m := add(
                        m,
                        add(
                            add(
                                mul(signextend(7, w), calldataload(p)),
                                mul(signextend(7, shr(64, w)), calldataload(add(p, 0x20)))
                            ),
                            add(
                                mul(signextend(7, shr(128, w)), calldataload(add(p, 0x40))),
                                mul(sar(192, w), calldataload(add(p, 0x60)))
                            )
                        )
                    )
                }
                p := add(p, 0x80)
                slot := add(slot, 1)
            }
        }
    }
}
