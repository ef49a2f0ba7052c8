// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {IModuleErrors} from "./IModuleErrors.sol";

/// @title IClassifierErrors
/// @notice Every reason a classifier refuses an input or a call. The trainer inherits this interface
/// so that its ABI names the errors that bubble up from its classifier.
interface IClassifierErrors is IModuleErrors {
    /// @notice The label is not a class of this model.
    error UnknownClass(uint64 classification, uint256 numClasses);
    /// @notice `classifications(index)` with an index past the last class.
    error ClassIndexOutOfRange(uint256 index, uint256 numClasses);
    /// @notice Wrong number of classes at deployment (perceptrons need exactly 2).
    error WrongNumberOfClasses(uint256 got, uint256 expected);
    /// @notice Two constructor arrays that must have the same length do not.
    error LengthMismatch(uint256 got, uint256 expected);
    /// @notice A constructor parameter is out of its range.
    error InvalidParameter(string name, int256 value);
    /// @notice A sparse input index is negative or not below the number of features.
    error IndexOutOfRange(int64 index, uint256 numFeatures);
    /// @notice Sparse inputs: indices must be strictly increasing (sorted, no duplicates).
    error NotSortedUnique(uint256 position, int64 previous, int64 index);
    /// @notice Sparse inputs must list at least one feature.
    error EmptyInput();
    /// @notice A sparse input lists more features than the model's deploy-time maximum.
    error TooManyFeatures(uint256 length, uint256 maximum);
    /// @notice A calldata word of the input is not an int64 (not ABI-encodable from an int64[]).
    error ValueNotInt64();
    /// @notice A dense input has the wrong number of values.
    error WrongDimension(uint256 got, uint256 expected);
    /// @notice A dense input is not L2-normalised: |sumOfSquares - 1e18| must be below 1e11.
    error NotNormalized(uint256 sumOfSquares);
    /// @notice An initialiser chunk reaches past the end of the parameter array.
    error InitOutOfRange(uint256 startIndex, uint256 count, uint256 size);
    /// @notice An initial parameter value is outside the range its packed lane can hold.
    error ValueOutOfRange(uint256 index, int256 value);
    /// @notice A parameter would leave its packed range after an update.
    error ParameterOverflow(uint256 index, int256 value);

    /// @notice A class's data count (or feature total) would leave its packed range.
    error ClassCountOverflow(uint64 classification);
    /// @notice A pre-encoded slot word of `initializePacked` is not a valid encoding (a lane holds
    /// the excluded value, unused bits are set, or lanes past the array's end are not zero).
    error InvalidPackedWord(uint256 slotIndex, uint256 word);
}
