// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ClassifierBase} from "./ClassifierBase.sol";
import {IClassifier} from "../interfaces/IClassifier.sol";

/// @title PerceptronBase
/// @notice What the sparse and the dense perceptron share: two classes, the intercept and the
/// learning rate, "predict 1 iff the margin is positive", and "on a mistake, move every weight the
/// input touches by the learning rate towards the label".
abstract contract PerceptronBase is ClassifierBase {
    uint256 private constant NUM_PERCEPTRON_CLASSES = 2;

    /// @notice Intercept (x 1e9).
    int64 public immutable intercept;
    /// @notice Learning rate (x 1e9).
    int64 public immutable learningRate;

    /// @param classNames exactly two class names (index 0 is the "negative" class)
    /// @param numFeatures_ number of features (sparse: exclusive bound of the indices; dense: dimension)
    /// @param maxInputFeatures_ most features one input may list (dense: the dimension)
    /// @param intercept_ intercept, x 1e9
    /// @param learningRate_ learning rate, x 1e9, positive
    constructor(
        string[] memory classNames,
        uint256 numFeatures_,
        uint256 maxInputFeatures_,
        int64 intercept_,
        int64 learningRate_
    ) ClassifierBase(classNames, numFeatures_, maxInputFeatures_)
    {
        if (classNames.length != NUM_PERCEPTRON_CLASSES) {
            revert WrongNumberOfClasses(classNames.length, NUM_PERCEPTRON_CLASSES);
        }
        if (learningRate_ <= 0) revert InvalidParameter("learningRate", learningRate_);
        intercept = intercept_;
        learningRate = learningRate_;
    }

    /// @inheritdoc IClassifier
    function predict(int64[] calldata data) external view returns (uint64) {
        return _margin(data) > 0 ? 1 : 0;
    }

    /// @inheritdoc IClassifier
    /// @dev Skips the input checks a model can skip (`_marginAccepted`).
    function predictAccepted(int64[] calldata data) external view returns (uint64) {
        return _marginAccepted(data) > 0 ? 1 : 0;
    }

    /// @inheritdoc IClassifier
    function update(int64[] calldata data, uint64 classification) external {
        _checkUpdate(classification);
        if ((_margin(data) > 0 ? 1 : 0) == classification) return;
        int256 step = classification == 1 ? int256(learningRate) : -int256(learningRate);
        (uint256 badIndex, int256 badValue) = _apply(data, step);
        if (badIndex != 0) revert ParameterOverflow(badIndex - 1, badValue);
        emit Updated(classification);
    }

    /// @dev The margin of `data`, validating it (reverts on invalid input).
    function _margin(int64[] calldata data) internal view virtual returns (int256 m);

    /// @dev The margin of `data` that `update` accepted before; by default `_margin`.
    function _marginAccepted(int64[] calldata data) internal view virtual returns (int256) {
        return _margin(data);
    }

    /// @dev Moves the weights `data` touches by `step` (the signed learning rate; `data` has passed
    /// `_margin`). Returns `index + 1` and the value of the first weight that leaves the lane's
    /// range (0 if none); the caller reverts, undoing every write.
    function _apply(int64[] calldata data, int256 step) internal virtual returns (uint256 badIndex, int256 badValue);
}
